//! Answers that arrive over time (`tests/fixtures/streams.yaml`): server-sent events decoded
//! as they arrive, and downloads read in chunks. Against real servers on 127.0.0.1: one that
//! writes its answer in pieces, each split into small chunks at random points, and holds each
//! piece back until the test lets it go; and the recording server.

#[path = "../../modbox-tests/tests/support/mod.rs"]
mod support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fixture_tests::streams::types::{CompletionEvent, CompletionRequest, JobEvent, TextDelta};
use fixture_tests::streams::{Client, Error, ErrorBody};
use support::{Recorded, Reply, Server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;

/// A server that answers each request with `head` and then `pieces`, one after another: each
/// piece after the first waits for a go-ahead on the channel (when `gated`), and is written in
/// chunks of 1 to 7 bytes with short pauses, so events and even characters arrive split.
struct Streamer {
    base_url: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
    go: mpsc::UnboundedSender<()>,
    /// The client closed the connection while the server still had pieces to send.
    closed_early: Arc<AtomicBool>,
}

impl Streamer {
    async fn start(head: &str, pieces: Vec<&str>, gated: bool) -> Streamer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let closed_early = Arc::new(AtomicBool::new(false));
        let (go, mut go_rx) = mpsc::unbounded_channel::<()>();
        let head = format!("{head}\r\nconnection: close\r\n\r\n");
        let pieces: Vec<Vec<u8>> = pieces.into_iter().map(|p| p.as_bytes().to_vec()).collect();
        let (recorded, closed) = (requests.clone(), closed_early.clone());
        tokio::spawn(async move {
            let mut seed = 0x2545_f491_4f6c_dd1d_u64;
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut buffer = Vec::new();
                let Some(request) = support::read_request(&mut socket, &mut buffer).await else {
                    continue;
                };
                recorded.lock().unwrap().push(request);
                if socket.write_all(head.as_bytes()).await.is_err() {
                    continue;
                }
                'pieces: for (i, piece) in pieces.iter().enumerate() {
                    if gated && i > 0 {
                        let mut probe = [0u8; 1];
                        tokio::select! {
                            _ = go_rx.recv() => {}
                            read = socket.read(&mut probe) => {
                                if matches!(read, Ok(0) | Err(_)) {
                                    closed.store(true, Ordering::SeqCst);
                                }
                                break 'pieces;
                            }
                        }
                    }
                    let mut at = 0;
                    while at < piece.len() {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        let end = (at + 1 + (seed % 7) as usize).min(piece.len());
                        if socket.write_all(&piece[at..end]).await.is_err() {
                            break 'pieces;
                        }
                        socket.flush().await.ok();
                        tokio::time::sleep(Duration::from_millis(seed % 3)).await;
                        at = end;
                    }
                }
            }
        });
        Streamer {
            base_url,
            requests,
            go,
            closed_early,
        }
    }

    fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
}

const EVENTS: &str = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream";

fn completion_request(stream: Option<bool>) -> CompletionRequest {
    CompletionRequest {
        model: "m".into(),
        prompt: "Say hello".into(),
        stream,
        max_tokens: None,
    }
}

#[tokio::test]
async fn events_arrive_typed_and_one_at_a_time() {
    let server = Streamer::start(
        EVENTS,
        vec![
            "data: {\"type\":\"text.delta\",\"delta\":\"Hel\"}\n\n",
            "data: {\"type\":\"text.annotation\",\"note\":\"new\"}\n\n\
             data: {\"type\":\"completion.done\",\"completion\":{\"id\":\"c1\",\"text\":\"Hello\"}}\n\n\
             data: [DONE]\n\n",
        ],
        true,
    )
    .await;
    let client = Client::new().with_base_url(&server.base_url);
    let body = completion_request(None);
    let mut events = client.create_completion(&body).stream().await.unwrap();
    // The server holds the rest back until this event has arrived.
    let first = events.next().await.unwrap().unwrap();
    assert!(
        matches!(&first, CompletionEvent::TextDelta(TextDelta { delta, .. }) if delta == "Hel")
    );
    server.go.send(()).unwrap();
    // A type the spec does not list is kept, not an error.
    let unknown = events.next().await.unwrap().unwrap();
    assert!(matches!(&unknown, CompletionEvent::Other(v) if v["note"] == "new"));
    let done = events.next().await.unwrap().unwrap();
    assert!(matches!(&done, CompletionEvent::CompletionDone(d) if d.completion.text == "Hello"));
    // `[DONE]` ends the stream and is not an event.
    assert!(events.next().await.is_none());

    let requests = server.requests();
    assert_eq!(requests.len(), 1, "a stream is requested once");
    assert_eq!(requests[0].header("accept"), Some("text/event-stream"));
    let sent: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(sent["stream"], true, "the streaming sender sets `stream`");
}

#[tokio::test]
async fn the_plain_sender_answers_json_and_never_asks_for_a_stream() {
    let server = Server::start(vec![Reply::json(200, r#"{"id": "c1", "text": "Hello"}"#)]).await;
    let client = Client::new().with_base_url(&server.base_url);
    // The user's `stream: true` cannot make `.await` receive events it cannot decode.
    let completion = client
        .create_completion(&completion_request(Some(true)))
        .await
        .unwrap();
    assert_eq!(completion.text, "Hello");
    // Left out, it stays out: the plain call's bytes are as they were.
    client
        .create_completion(&completion_request(None))
        .await
        .unwrap();
    let requests = server.requests();
    let first: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(first["stream"], false);
    let second: serde_json::Value = serde_json::from_slice(&requests[1].body).unwrap();
    assert!(second.get("stream").is_none());
    assert_ne!(requests[0].header("accept"), Some("text/event-stream"));
}

#[tokio::test]
async fn the_whatwg_rules_hold_across_any_chunk_boundary() {
    // A BOM; CRLF, CR and LF line ends; a comment; multi-line data; `id` and `retry`; a field
    // without a colon; characters of two, three and four bytes; a last event without its blank
    // line, which is dropped.
    let text = "\u{feff}: a comment\r\n\
                data: first line\r\ndata: second line\r\n\r\n\
                id: 41\rretry: 1500\rdata:no space after the colon\r\r\
                event: message\ndata: caf\u{e9} \u{65e5}\u{672c} \u{1f980}\nid\n\n\
                data\n\n\
                data: never ended";
    let server = Streamer::start(EVENTS, vec![text], false).await;
    let client = Client::new().with_base_url(&server.base_url);
    let mut lines = client.tail_log("app").stream().await.unwrap();
    let mut got = Vec::new();
    let mut ids = Vec::new();
    while let Some(line) = lines.next().await {
        got.push(line.unwrap());
        ids.push(lines.last_event_id().map(str::to_string));
    }
    assert_eq!(
        got,
        [
            "first line\nsecond line",
            "no space after the colon",
            "caf\u{e9} \u{65e5}\u{672c} \u{1f980}",
            "",
        ]
    );
    assert_eq!(
        ids,
        [
            None,
            Some("41".into()),
            Some(String::new()),
            Some(String::new())
        ]
    );
    assert_eq!(server.requests()[0].target, "/logs/app/tail");
}

#[tokio::test]
async fn a_failed_call_is_the_typed_error_before_any_event() {
    let server = Server::start(vec![Reply::json(400, r#"{"message": "bad model"}"#)]).await;
    let client = Client::new().with_base_url(&server.base_url);
    let body = completion_request(None);
    let Err(error) = client.create_completion(&body).stream().await else {
        panic!("a 400 is an error");
    };
    match error {
        Error::Api {
            body: ErrorBody::ApiError(e),
            ..
        } => assert_eq!(e.message, "bad model"),
        other => panic!("not the typed error: {other:?}"),
    }
}

#[tokio::test]
async fn error_events_are_error_items() {
    let server = Streamer::start(
        EVENTS,
        vec![
            "data: {\"type\":\"text.delta\",\"delta\":\"a\"}\n\n\
             data: {\"error\": {\"message\": \"overloaded\"}}\n\n\
             event: error\ndata: going away\n\n\
             data: {\"type\":\"text.delta\",\"delta\":\"b\"}\n\n",
        ],
        false,
    )
    .await;
    let client = Client::new().with_base_url(&server.base_url);
    let body = completion_request(None);
    let mut events = client.create_completion(&body).stream().await.unwrap();
    assert!(events.next().await.unwrap().is_ok());
    match events.next().await.unwrap() {
        Err(Error::Event { event, data }) => {
            assert_eq!(event, "message");
            // The error the server reported, not a decoding failure.
            assert!(data.contains("overloaded"));
        }
        other => panic!("an error object is an error item: {other:?}"),
    }
    match events.next().await.unwrap() {
        Err(Error::Event { event, data }) => {
            assert_eq!((event.as_str(), data.as_str()), ("error", "going away"))
        }
        other => panic!("`event: error` is an error item: {other:?}"),
    }
    assert!(events.next().await.unwrap().is_ok(), "the stream goes on");
    assert!(events.next().await.is_none());
}

#[tokio::test]
async fn a_long_stream_outlives_the_timeout_and_a_stall_ends_it() {
    // Ten events 100 ms apart: a second in all, with a timeout of 400 ms between them.
    let pieces: Vec<String> = (0..10).map(|i| format!("data: {i}\n\n")).collect();
    let server = Streamer::start(EVENTS, pieces.iter().map(String::as_str).collect(), true).await;
    let client = Client::new()
        .with_base_url(&server.base_url)
        .with_timeout(Duration::from_millis(400));
    let mut lines = client.tail_log("app").stream().await.unwrap();
    let started = Instant::now();
    for i in 0..10 {
        assert_eq!(lines.next().await.unwrap().unwrap(), i.to_string());
        tokio::time::sleep(Duration::from_millis(100)).await;
        server.go.send(()).ok();
    }
    assert!(lines.next().await.is_none());
    assert!(started.elapsed() > Duration::from_millis(900));

    // Now the server stalls after the first event.
    let stalled = Streamer::start(EVENTS, vec!["data: 1\n\n", "data: 2\n\n"], true).await;
    let client = client.with_base_url(&stalled.base_url);
    let mut lines = client.tail_log("app").stream().await.unwrap();
    assert_eq!(lines.next().await.unwrap().unwrap(), "1");
    let waited = Instant::now();
    let error = lines.next().await.unwrap().unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert!(waited.elapsed() >= Duration::from_millis(350));
    assert!(lines.next().await.is_none(), "a stalled stream ends");
}

#[tokio::test]
async fn a_stream_is_never_sent_twice() {
    // A POST that fails is not retried, and one that ends is not reconnected.
    let server = Server::start(vec![Reply::json(503, "{}")]).await;
    let client = Client::new().with_base_url(&server.base_url);
    let body = completion_request(None);
    assert!(client.create_completion(&body).stream().await.is_err());
    assert_eq!(server.requests().len(), 1);

    let ended = Streamer::start(
        EVENTS,
        vec!["data: {\"type\":\"text.delta\",\"delta\":\"a\"}\n\n"],
        false,
    )
    .await;
    let client = client.with_base_url(&ended.base_url);
    let mut events = client.create_completion(&body).stream().await.unwrap();
    assert!(events.next().await.unwrap().is_ok());
    assert!(events.next().await.is_none());
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(ended.requests().len(), 1);
}

#[tokio::test]
async fn dropping_a_stream_closes_the_connection() {
    let server = Streamer::start(EVENTS, vec!["data: 1\n\n", "data: 2\n\n"], true).await;
    let client = Client::new().with_base_url(&server.base_url);
    let mut lines = client.tail_log("app").stream().await.unwrap();
    assert_eq!(lines.next().await.unwrap().unwrap(), "1");
    drop(lines);
    let deadline = Instant::now() + Duration::from_secs(5);
    while !server.closed_early.load(Ordering::SeqCst) {
        assert!(Instant::now() < deadline, "the connection stayed open");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_stream_of_named_events_decodes_whole_events() {
    let server = Streamer::start(
        EVENTS,
        vec![
            "event: progress\nid: 7\ndata: {\"percent\": 50}\n\n\
             event: heartbeat\ndata: {}\n\n\
             event: finished\ndata: {\"ok\": true}\n\n",
        ],
        false,
    )
    .await;
    let client = Client::new().with_base_url(&server.base_url);
    let mut events = client.watch_job("j1").stream().await.unwrap();
    match events.next().await.unwrap().unwrap() {
        JobEvent::JobProgress(p) => {
            assert_eq!(p.data.percent, 50);
            assert_eq!(p.id.as_deref(), Some("7"));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(events.next().await.unwrap().unwrap(), JobEvent::Other(v) if v["event"] == "heartbeat")
    );
    assert!(matches!(events.next().await.unwrap().unwrap(), JobEvent::JobFinished(f) if f.data.ok));
    assert!(events.next().await.is_none());
}

#[tokio::test]
async fn an_answer_that_is_not_an_event_stream_is_an_error() {
    let server = Server::start(vec![Reply::json(200, r#"{"id": "c1", "text": "Hello"}"#)]).await;
    let client = Client::new().with_base_url(&server.base_url);
    let body = completion_request(None);
    let Err(error) = client.create_completion(&body).stream().await else {
        panic!("JSON is not an event stream");
    };
    assert!(
        matches!(&error, Error::Protocol(m) if m.contains("application/json")),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_download_arrives_in_chunks() {
    let content: String = (0..5000)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    let server = Streamer::start(
        "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream",
        vec![&content[..2500], &content[2500..]],
        true,
    )
    .await;
    let client = Client::new().with_base_url(&server.base_url);
    let mut bytes = client.download_file("f1").bytes_stream().await.unwrap();
    let mut got = Vec::new();
    let mut chunks = 0;
    while got.len() < 2500 {
        got.extend_from_slice(&bytes.next().await.unwrap().unwrap());
        chunks += 1;
    }
    // The first half arrived before the server sent the second.
    server.go.send(()).unwrap();
    while let Some(chunk) = bytes.next().await {
        got.extend_from_slice(&chunk.unwrap());
        chunks += 1;
    }
    assert_eq!(got, content.as_bytes());
    assert!(chunks > 2);

    let missing = Server::start(vec![Reply::json(404, r#"{"message": "no such file"}"#)]).await;
    let client = client.with_base_url(&missing.base_url);
    let Err(error) = client.download_file("f2").bytes_stream().await else {
        panic!("a 404 is an error");
    };
    assert!(matches!(
        error,
        Error::Api {
            body: ErrorBody::ApiError(_),
            ..
        }
    ));
}

#[tokio::test]
async fn uploads_take_bytes_a_file_or_a_stream() {
    use fixture_tests::streams::runtime::Upload;

    let content: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let dir = std::env::temp_dir().join(format!("sdkgen-upload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("upload.bin");
    std::fs::write(&path, &content).unwrap();

    let (server, client) = {
        let server = Server::start(vec![Reply::json(204, "")]).await;
        let client = Client::new().with_base_url(&server.base_url);
        (server, client)
    };
    // Bytes, as before the body could be a stream.
    client.upload_file("a", &content).await.unwrap();
    client.upload_file("a", content.as_slice()).await.unwrap();
    // A file by path, with its length; an open file and a stream, in chunks.
    client.upload_file("a", Upload::path(&path)).await.unwrap();
    let file = tokio::fs::File::open(&path).await.unwrap();
    client.upload_file("a", Upload::file(file)).await.unwrap();
    let chunks = futures_stream(vec![b"hello ".to_vec(), b"world".to_vec()]);
    client
        .upload_file("a", Upload::stream(chunks))
        .await
        .unwrap();
    let requests = server.requests();
    for request in &requests[..4] {
        assert_eq!(request.body, content);
        assert_eq!(
            request.header("content-type"),
            Some("application/octet-stream")
        );
    }
    assert_eq!(requests[2].header("content-length"), Some("200000"));
    assert_eq!(requests[3].header("transfer-encoding"), Some("chunked"));
    assert_eq!(requests[4].body, b"hello world");
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn a_file_upload_is_retried_whole_and_a_stream_is_never_resent() {
    use fixture_tests::streams::runtime::Upload;

    let dir = std::env::temp_dir().join(format!("sdkgen-retry-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("upload.bin");
    std::fs::write(&path, b"the whole file").unwrap();
    // PUT is idempotent: a 503 is retried, and the file is read again from its start.
    let server = Server::start(vec![Reply::json(503, "{}"), Reply::json(204, "")]).await;
    let client = Client::new().with_base_url(&server.base_url);
    client.upload_file("a", Upload::path(&path)).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|r| r.body == b"the whole file"));

    // A stream cannot be read twice: its 503 is the answer (octocrab #842 resent no body).
    let server = Server::start(vec![Reply::json(503, "{}"), Reply::json(204, "")]).await;
    let client = Client::new().with_base_url(&server.base_url);
    let chunks = futures_stream(vec![b"once".to_vec()]);
    let error = client
        .upload_file("a", Upload::stream(chunks).with_length(4))
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].body, b"once");
    assert_eq!(requests[0].header("content-length"), Some("4"));
    std::fs::remove_dir_all(&dir).ok();
}

/// A stream of chunks, without a helper crate.
fn futures_stream(
    chunks: Vec<Vec<u8>>,
) -> impl futures_core::Stream<Item = Result<bytes::Bytes, std::io::Error>> + Send + 'static {
    struct Chunks(std::collections::VecDeque<Vec<u8>>);
    impl futures_core::Stream for Chunks {
        type Item = Result<bytes::Bytes, std::io::Error>;
        fn poll_next(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Self::Item>> {
            std::task::Poll::Ready(self.get_mut().0.pop_front().map(|c| Ok(c.into())))
        }
    }
    Chunks(chunks.into())
}

/// Streams go anywhere a future may: across tasks (`Send`), and into `select!` and
/// combinators without pinning (`Unpin`).
#[test]
fn streams_are_send_and_unpin() {
    use fixture_tests::paging::runtime as paging;
    use fixture_tests::streams::runtime;
    fn send_unpin<T: Send + Unpin>() {}
    send_unpin::<runtime::EventStream<CompletionEvent, ErrorBody>>();
    send_unpin::<runtime::ByteStream<ErrorBody>>();
    send_unpin::<paging::Pages<'static, Vec<String>, (), fixture_tests::paging::ErrorBody>>();
    send_unpin::<paging::Items<'static, Vec<String>, (), fixture_tests::paging::ErrorBody, String>>(
    );
    send_unpin::<runtime::Upload<'static>>();
}
