//! The big-body benchmark: 1 GiB downloaded to a file with `bytes_stream()` and uploaded
//! from it with `Upload::path`, through a server on 127.0.0.1 in this process, and the peak
//! memory (VmHWM) of the whole process after each step. Then, for comparison in the same run,
//! the same download taken whole by `.await` at a quarter of the size.
//!
//! `cargo run --release -p fixture-tests --example big_bodies [MiB]` (default 1024).

use std::time::Instant;

use fixture_tests::streams::runtime::Upload;
use fixture_tests::streams::Client;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const BLOCK: usize = 64 * 1024;

#[tokio::main]
async fn main() {
    let mib: u64 = std::env::args()
        .nth(1)
        .map_or(1024, |a| a.parse().expect("a size in MiB"));
    let size = mib * 1024 * 1024;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(serve(socket));
        }
    });
    let client = Client::new().with_base_url(&base_url);
    let dir = std::env::temp_dir().join(format!("sdkgen-big-bodies-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("body.bin");
    println!("start: peak {} MiB", peak_mib());

    let started = Instant::now();
    let mut body = client
        .download_file(&size.to_string())
        .bytes_stream()
        .await
        .unwrap();
    let mut file = tokio::fs::File::create(&path).await.unwrap();
    let mut received = 0u64;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.unwrap();
        received += chunk.len() as u64;
        file.write_all(&chunk).await.unwrap();
    }
    file.flush().await.unwrap();
    assert_eq!(received, size);
    report("download to a file (bytes_stream)", mib, started);

    let started = Instant::now();
    client.upload_file("f", Upload::path(&path)).await.unwrap();
    report("upload from the file (Upload::path)", mib, started);
    std::fs::remove_dir_all(&dir).ok();

    let started = Instant::now();
    let whole = client.download_file(&(size / 4).to_string()).await.unwrap();
    assert_eq!(whole.len() as u64, size / 4);
    report(
        "for comparison: a quarter of it taken whole (.await)",
        mib / 4,
        started,
    );
}

fn report(what: &str, mib: u64, started: Instant) {
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{what}: {mib} MiB in {seconds:.2} s ({:.0} MiB/s); process peak {} MiB",
        mib as f64 / seconds,
        peak_mib()
    );
}

/// The process's peak resident memory so far, from `/proc/self/status`.
fn peak_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

/// `GET /files/{n}/content` answers `n` bytes; `PUT` reads the body (by `Content-Length` or
/// in chunks) and throws it away, 64 KiB at a time.
async fn serve(mut socket: tokio::net::TcpStream) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if socket.read(&mut byte).await.unwrap_or(0) == 0 {
            return;
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
    let mut buffer = vec![7u8; BLOCK];
    if head.starts_with("get ") {
        let size: u64 = head
            .split('/')
            .nth(2)
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: {size}\r\nconnection: close\r\n\r\n"
        );
        socket.write_all(answer.as_bytes()).await.unwrap();
        let mut left = size;
        while left > 0 {
            let n = left.min(BLOCK as u64) as usize;
            if socket.write_all(&buffer[..n]).await.is_err() {
                return;
            }
            left -= n as u64;
        }
    } else {
        // Read until the client has sent it all: a known length, or the last chunk's marker.
        let length: Option<u64> = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok());
        let mut read = 0u64;
        let mut tail: Vec<u8> = Vec::new();
        loop {
            if length.is_some_and(|l| read >= l) || tail.ends_with(b"0\r\n\r\n") {
                break;
            }
            let n = socket.read(&mut buffer).await.unwrap_or(0);
            if n == 0 {
                break;
            }
            read += n as u64;
            tail.extend_from_slice(&buffer[..n]);
            let keep = tail.len().saturating_sub(5);
            tail.drain(..keep);
        }
        let answer = "HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n";
        socket.write_all(answer.as_bytes()).await.unwrap();
    }
}
