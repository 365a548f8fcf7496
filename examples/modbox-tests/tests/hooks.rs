//! Hooks and traces: what they see of each attempt, in what order, across a retry, and that
//! the token is never part of it. Over HTTP to a server on 127.0.0.1, and through the test
//! transport.

mod support;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use modbox::testing::{MockResponse, MockTransport};
use modbox::{Attempt, Client, Hook, TransportError, TransportFuture};
use serde_json::json;
use support::{Reply, Server};

const TOKEN: &str = "tok-SECRET-42";
const ID: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";

fn detail() -> String {
    json!({
        "created_at": "2024-01-02T03:04:05Z", "description": null, "enabled": true, "id": ID,
        "image": "python:3.12", "is_default": false, "memory_mb": 512, "name": "py",
        "tag": "latest", "updated_at": "2024-01-02T03:04:05Z", "ttl_seconds": null
    })
    .to_string()
}

/// Writes down every call it gets, and signs each request with a header of its own.
#[derive(Default, Clone)]
struct Recorder {
    seen: Arc<Mutex<Vec<String>>>,
    elapsed: Arc<Mutex<Vec<Duration>>>,
}

impl Hook for Recorder {
    fn before(&self, attempt: &Attempt, request: &mut reqwest::Request) {
        let everything = format!("{attempt:?} {request:?}");
        assert!(!everything.contains(TOKEN), "the hook saw the token");
        assert!(request.headers().get("authorization").is_none());
        request.headers_mut().insert(
            "x-signature",
            format!("sig-{}", attempt.number).parse().unwrap(),
        );
        self.elapsed.lock().unwrap().push(attempt.elapsed);
        self.seen.lock().unwrap().push(format!(
            "before {} {} {} #{}",
            attempt.operation, attempt.method, attempt.path_template, attempt.number
        ));
    }

    fn after(&self, attempt: &Attempt, outcome: Result<&reqwest::Response, &TransportError>) {
        let what = match outcome {
            Ok(response) => response.status().as_u16().to_string(),
            Err(e) => format!("error timeout={}", e.is_timeout()),
        };
        self.seen
            .lock()
            .unwrap()
            .push(format!("after #{} {what}", attempt.number));
    }
}

const TEMPLATE: &str = "update_sandbox_image PUT /sandbox-images/{image_id}";

#[tokio::test]
async fn hooks_see_each_attempt_in_order_across_a_retry() {
    let server = Server::start(vec![Reply::text(503, "busy"), Reply::json(200, &detail())]).await;
    let (first, second) = (Recorder::default(), Recorder::default());
    Client::new(TOKEN)
        .with_base_url(&server.base_url)
        .with_hook(first.clone())
        .with_hook(second.clone())
        .update_sandbox_image(ID.parse().unwrap(), None)
        .await
        .unwrap();
    let expected = [
        format!("before {TEMPLATE} #1"),
        "after #1 503".to_string(),
        format!("before {TEMPLATE} #2"),
        "after #2 200".to_string(),
    ];
    assert_eq!(*first.seen.lock().unwrap(), expected);
    assert_eq!(*second.seen.lock().unwrap(), expected);
    // The second attempt began after the backoff, and the clock runs from the call's start.
    let elapsed = first.elapsed.lock().unwrap().clone();
    assert!(elapsed[0] < elapsed[1], "{elapsed:?}");
    // What the hooks added went out; the credentials were added after them.
    let requests = server.requests();
    assert_eq!(requests[0].header("x-signature"), Some("sig-1"));
    assert_eq!(requests[1].header("x-signature"), Some("sig-2"));
    assert_eq!(
        requests[1].header("authorization"),
        Some("Bearer tok-SECRET-42")
    );
}

#[tokio::test]
async fn hooks_see_a_timeout_through_the_test_transport() {
    let mock = MockTransport::new();
    mock.push(MockResponse::json(200, detail()).delay(Duration::from_secs(3)));
    let recorder = Recorder::default();
    let err = Client::new(TOKEN)
        .with_transport(mock.clone())
        .with_timeout(Duration::from_millis(200))
        .with_max_retries(0)
        .with_hook(recorder.clone())
        .update_sandbox_image(ID.parse().unwrap(), None)
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(
        *recorder.seen.lock().unwrap(),
        [
            format!("before {TEMPLATE} #1"),
            "after #1 error timeout=true".to_string()
        ]
    );
    assert_eq!(mock.requests()[0].header("x-signature"), Some("sig-1"));
}

/// A hook may change the body: the bytes it leaves are the bytes sent.
#[tokio::test]
async fn a_hook_may_replace_the_body() {
    struct Rewrite;
    impl Hook for Rewrite {
        fn before(&self, _: &Attempt, request: &mut reqwest::Request) {
            let body = request.body().and_then(|b| b.as_bytes()).unwrap().to_vec();
            let mut value: serde_json::Value = serde_json::from_slice(&body).unwrap();
            value["name"] = json!("signed");
            *request.body_mut() = Some(serde_json::to_vec(&value).unwrap().into());
        }
    }
    let mock = MockTransport::new();
    mock.push(MockResponse::json(200, detail()));
    let update = modbox::types::SandboxImageUpdate {
        memory_mb: 1024.into(),
        ..Default::default()
    };
    Client::new(TOKEN)
        .with_transport(mock.clone())
        .with_hook(Rewrite)
        .update_sandbox_image(ID.parse().unwrap(), &update)
        .await
        .unwrap();
    let sent: serde_json::Value = mock.requests()[0].json().unwrap();
    assert_eq!(sent, json!({"memory_mb": 1024, "name": "signed"}));
}

// ---- tracing: a subscriber that writes down spans, their fields and their lifetimes ----

#[derive(Debug, Clone)]
struct SpanRecord {
    name: &'static str,
    metadata: &'static tracing::Metadata<'static>,
    fields: BTreeMap<String, String>,
    opened: Instant,
    closed: Option<Instant>,
    /// The fields of the events that happened inside it.
    events: Vec<BTreeMap<String, String>>,
}

/// One test's subscriber (set for its thread only, which runs the test's calls).
#[derive(Default, Clone)]
struct Spans {
    spans: Arc<Mutex<BTreeMap<u64, SpanRecord>>>,
    next: Arc<AtomicU64>,
    entered: Arc<Mutex<Vec<u64>>>,
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        let text = format!("{value:?}").trim_matches('"').to_string();
        self.0.insert(field.name().to_string(), text);
    }
}

impl tracing::Subscriber for Spans {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, attrs: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let id = self.next.fetch_add(1, Ordering::SeqCst) + 1;
        let mut record = SpanRecord {
            name: attrs.metadata().name(),
            metadata: attrs.metadata(),
            fields: BTreeMap::new(),
            opened: Instant::now(),
            closed: None,
            events: Vec::new(),
        };
        attrs.record(&mut Fields(&mut record.fields));
        self.spans.lock().unwrap().insert(id, record);
        tracing::span::Id::from_u64(id)
    }

    fn record(&self, span: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        if let Some(record) = self.spans.lock().unwrap().get_mut(&span.into_u64()) {
            values.record(&mut Fields(&mut record.fields));
        }
    }

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        let inside = self.entered.lock().unwrap().last().copied();
        if let Some(id) = inside {
            if let Some(record) = self.spans.lock().unwrap().get_mut(&id) {
                record.events.push(fields);
            }
        }
    }

    fn enter(&self, span: &tracing::span::Id) {
        self.entered.lock().unwrap().push(span.into_u64());
    }

    fn exit(&self, _: &tracing::span::Id) {
        self.entered.lock().unwrap().pop();
    }

    fn current_span(&self) -> tracing_core::span::Current {
        let inside = self.entered.lock().unwrap().last().copied();
        match inside {
            Some(id) => {
                let metadata = self.spans.lock().unwrap()[&id].metadata;
                tracing_core::span::Current::new(tracing::span::Id::from_u64(id), metadata)
            }
            None => tracing_core::span::Current::none(),
        }
    }

    fn try_close(&self, span: tracing::span::Id) -> bool {
        if let Some(record) = self.spans.lock().unwrap().get_mut(&span.into_u64()) {
            record.closed = Some(Instant::now());
        }
        true
    }
}

/// A response whose body arrives `after` its headers, from a transport of the test's own.
struct SlowBody {
    after: Duration,
}

impl modbox::Transport for SlowBody {
    fn send(&self, _: reqwest::Request) -> TransportFuture<'_> {
        let after = self.after;
        Box::pin(async move {
            let body = async_stream(after, detail().into_bytes());
            let response = http::Response::builder()
                .status(200)
                .header("content-type", "application/json")
                .body(reqwest::Body::wrap_stream(body))
                .unwrap();
            Ok(reqwest::Response::from(response))
        })
    }
}

/// A stream of one chunk, ready `after` it is first polled.
fn async_stream(
    after: Duration,
    bytes: Vec<u8>,
) -> impl futures_core::Stream<Item = Result<Vec<u8>, std::io::Error>> + Send + Sync + 'static {
    struct Delayed {
        sleep: std::pin::Pin<Box<tokio::time::Sleep>>,
        bytes: Option<Vec<u8>>,
    }
    impl futures_core::Stream for Delayed {
        type Item = Result<Vec<u8>, std::io::Error>;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            cx: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Self::Item>> {
            std::task::ready!(self.sleep.as_mut().poll(cx));
            std::task::Poll::Ready(self.bytes.take().map(Ok))
        }
    }
    use std::future::Future;
    Delayed {
        sleep: Box::pin(tokio::time::sleep(after)),
        bytes: Some(bytes),
    }
}

#[tokio::test]
async fn each_call_is_a_span_with_http_attributes_across_a_retry() {
    let spans = Spans::default();
    let _guard = tracing::subscriber::set_default(spans.clone());
    let mock = MockTransport::new();
    mock.push(MockResponse::status(503))
        .push(MockResponse::json(200, detail()));
    Client::new(TOKEN)
        .with_transport(mock)
        .update_sandbox_image(ID.parse().unwrap(), None)
        .await
        .unwrap();
    let all = spans.spans.lock().unwrap().clone();
    let [(_, call)] = all.into_iter().collect::<Vec<_>>().try_into().unwrap();
    assert_eq!(call.name, "call");
    let field = |name: &str| call.fields.get(name).map(String::as_str);
    assert_eq!(field("otel.name"), Some("update_sandbox_image"));
    assert_eq!(field("otel.kind"), Some("client"));
    assert_eq!(field("http.request.method"), Some("PUT"));
    assert_eq!(field("url.template"), Some("/sandbox-images/{image_id}"));
    assert_eq!(field("http.response.status_code"), Some("200"));
    assert_eq!(field("http.request.resend_count"), Some("1"));
    // One event per attempt, inside the span.
    let statuses: Vec<&str> = call
        .events
        .iter()
        .map(|e| e["http.response.status_code"].as_str())
        .collect();
    assert_eq!(statuses, ["503", "200"]);
    assert!(!format!("{call:?}").contains(TOKEN));
    assert!(call.closed.is_some());
}

/// The span lasts until the body is read, not only the headers.
#[tokio::test]
async fn the_span_covers_the_body() {
    let spans = Spans::default();
    let _guard = tracing::subscriber::set_default(spans.clone());
    let after = Duration::from_millis(400);
    Client::new(TOKEN)
        .with_transport(SlowBody { after })
        .update_sandbox_image(ID.parse().unwrap(), None)
        .await
        .unwrap();
    let all = spans.spans.lock().unwrap().clone();
    let call = all.values().find(|s| s.name == "call").unwrap();
    let lasted = call.closed.unwrap() - call.opened;
    assert!(lasted >= after, "the span closed after {lasted:?}");
}
