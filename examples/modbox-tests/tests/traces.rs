//! Traces (the `tracing` feature): each call a span with OpenTelemetry's HTTP attributes,
//! across a retry, covering the body, never the token. One test function, so that no other
//! test thread of this binary touches tracing's global callsite state while it runs.

mod sandbox;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use modbox::testing::{MockResponse, MockTransport};
use modbox::{Client, TransportFuture};
use sandbox::{detail, id, TOKEN};

#[tokio::test]
async fn calls_are_spans() {
    each_call_is_a_span_with_http_attributes_across_a_retry().await;
    the_span_covers_the_body().await;
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

async fn each_call_is_a_span_with_http_attributes_across_a_retry() {
    let spans = Spans::default();
    let _guard = tracing::subscriber::set_default(spans.clone());
    tracing::callsite::rebuild_interest_cache();
    let mock = MockTransport::new();
    mock.push(MockResponse::status(503))
        .push(MockResponse::json(200, detail()));
    Client::new(TOKEN)
        .with_transport(mock)
        .update_sandbox_image(id(), None)
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
async fn the_span_covers_the_body() {
    let spans = Spans::default();
    let _guard = tracing::subscriber::set_default(spans.clone());
    tracing::callsite::rebuild_interest_cache();
    let after = Duration::from_millis(400);
    Client::new(TOKEN)
        .with_transport(SlowBody { after })
        .update_sandbox_image(id(), None)
        .await
        .unwrap();
    let all = spans.spans.lock().unwrap().clone();
    let call = all.values().find(|s| s.name == "call").unwrap();
    let lasted = call.closed.unwrap() - call.opened;
    assert!(lasted >= after, "the span closed after {lasted:?}");
}
