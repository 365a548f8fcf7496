//! A recording HTTP/1.1 server on 127.0.0.1 for wire tests: it keeps every request exactly as
//! it arrived (method, raw target, headers in order, body bytes) and answers from a script.
//! Raw TCP rather than a server framework, so nothing normalises what the client sent.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request as received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// The request target exactly as sent: raw path and query.
    pub target: String,
    /// Header names (lower-cased) and values, in the order sent.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn header_count(&self, name: &str) -> usize {
        self.headers.iter().filter(|(n, _)| n == name).count()
    }
}

/// Answers received from a forwarding target: status and body.
type Forwarded = Arc<Mutex<Vec<(u16, Vec<u8>)>>>;

/// One scripted answer.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Wait this long before answering (for timeout tests).
    pub delay: Duration,
    /// Forward the request to this base URL and answer with what it answers.
    pub forward_to: Option<String>,
}

impl Reply {
    pub fn json(status: u16, body: &str) -> Self {
        Reply {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
            delay: Duration::ZERO,
            forward_to: None,
        }
    }

    pub fn text(status: u16, body: &str) -> Self {
        Reply {
            headers: vec![("content-type".into(), "text/plain".into())],
            ..Reply::json(status, body)
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    pub fn forward(base_url: &str) -> Self {
        Reply {
            forward_to: Some(base_url.to_string()),
            ..Reply::json(502, "")
        }
    }
}

/// A running server. Requests beyond the script get the script's last reply.
pub struct Server {
    pub base_url: String,
    recorded: Arc<Mutex<Vec<Recorded>>>,
    /// Bodies of forwarded answers, in order.
    forwarded: Forwarded,
}

impl Server {
    pub async fn start(script: Vec<Reply>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        // A reply's header may name the server itself (`Link: <{base}/next>`).
        let script: Vec<Reply> = script
            .into_iter()
            .map(|mut reply| {
                for (_, value) in &mut reply.headers {
                    *value = value.replace("{base}", &base_url);
                }
                reply
            })
            .collect();
        let recorded = Arc::new(Mutex::new(Vec::new()));
        let forwarded = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(script);
        let (rec, fwd) = (recorded.clone(), forwarded.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, script.clone(), rec.clone(), fwd.clone()));
            }
        });
        Server {
            base_url,
            recorded,
            forwarded,
        }
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.recorded.lock().unwrap().clone()
    }

    pub fn forwarded(&self) -> Vec<(u16, Vec<u8>)> {
        self.forwarded.lock().unwrap().clone()
    }
}

async fn serve(
    mut stream: TcpStream,
    script: Arc<Vec<Reply>>,
    recorded: Arc<Mutex<Vec<Recorded>>>,
    forwarded: Forwarded,
) {
    let mut buffer = Vec::new();
    loop {
        let Some(request) = read_request(&mut stream, &mut buffer).await else {
            return;
        };
        let index = {
            let mut all = recorded.lock().unwrap();
            all.push(request.clone());
            all.len() - 1
        };
        let mut reply = script[index.min(script.len() - 1)].clone();
        tokio::time::sleep(reply.delay).await;
        if let Some(base) = &reply.forward_to {
            reply = forward(base, &request).await;
            forwarded
                .lock()
                .unwrap()
                .push((reply.status, reply.body.clone()));
        }
        let mut head = format!(
            "HTTP/1.1 {} X\r\ncontent-length: {}\r\n",
            reply.status,
            reply.body.len()
        );
        for (name, value) in &reply.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        if stream.write_all(head.as_bytes()).await.is_err()
            || stream.write_all(&reply.body).await.is_err()
        {
            return;
        }
    }
}

pub async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<Recorded> {
    loop {
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut parsed = httparse::Request::new(&mut headers);
        if let Ok(httparse::Status::Complete(head_len)) = parsed.parse(buffer) {
            let headers: Vec<(String, String)> = parsed
                .headers
                .iter()
                .map(|h| {
                    (
                        h.name.to_ascii_lowercase(),
                        String::from_utf8_lossy(h.value).into_owned(),
                    )
                })
                .collect();
            let length: usize = headers
                .iter()
                .find(|(n, _)| n == "content-length")
                .map_or(0, |(_, v)| v.parse().unwrap());
            let method = parsed.method.unwrap().to_string();
            let target = parsed.path.unwrap().to_string();
            let chunked = headers
                .iter()
                .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
            if chunked {
                buffer.drain(..head_len);
                let body = read_chunked(stream, buffer).await?;
                return Some(Recorded {
                    method,
                    target,
                    headers,
                    body,
                });
            }
            while buffer.len() < head_len + length {
                let mut chunk = [0u8; 8192];
                let n = stream.read(&mut chunk).await.ok()?;
                if n == 0 {
                    return None;
                }
                buffer.extend_from_slice(&chunk[..n]);
            }
            let body = buffer[head_len..head_len + length].to_vec();
            buffer.drain(..head_len + length);
            return Some(Recorded {
                method,
                target,
                headers,
                body,
            });
        }
        let mut chunk = [0u8; 8192];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
}

/// A chunked body (RFC 9112 7.1): sizes in hex, each chunk, a zero-size chunk, and no
/// trailers.
async fn read_chunked(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = loop {
            if let Some(i) = buffer.windows(2).position(|w| w == b"\r\n") {
                break i;
            }
            fill(stream, buffer).await?;
        };
        let size_text = String::from_utf8_lossy(&buffer[..line_end]).to_string();
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        while buffer.len() < line_end + 2 + size + 2 {
            fill(stream, buffer).await?;
        }
        body.extend_from_slice(&buffer[line_end + 2..line_end + 2 + size]);
        buffer.drain(..line_end + 2 + size + 2);
        if size == 0 {
            return Some(body);
        }
    }
}

async fn fill(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<()> {
    let mut chunk = [0u8; 8192];
    let n = stream.read(&mut chunk).await.ok()?;
    if n == 0 {
        return None;
    }
    buffer.extend_from_slice(&chunk[..n]);
    Some(())
}

/// Sends the recorded request on to `base` and returns its answer as a reply.
async fn forward(base: &str, request: &Recorded) -> Reply {
    let client = reqwest::Client::new();
    let method = reqwest::Method::from_bytes(request.method.as_bytes()).unwrap();
    let mut builder = client.request(method, format!("{base}{}", request.target));
    for (name, value) in &request.headers {
        if !matches!(name.as_str(), "host" | "content-length" | "connection") {
            builder = builder.header(name, value);
        }
    }
    let response = builder.body(request.body.clone()).send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string());
    let body = response.bytes().await.unwrap().to_vec();
    let mut reply = Reply::json(status, "");
    reply.headers.clear();
    if let Some(ct) = content_type {
        reply.headers.push(("content-type".into(), ct));
    }
    reply.body = body;
    reply
}
