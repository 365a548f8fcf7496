//! Hooks: what they see of each attempt, in what order, across a retry, and that the token is
//! never part of it. Over HTTP to a server on 127.0.0.1, and through the test transport. (The
//! traces are in `traces.rs`.)

mod sandbox;
mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use modbox::testing::{MockResponse, MockTransport};
use modbox::{Attempt, Client, Hook, TransportError};
use sandbox::{detail, id, TOKEN};
use serde_json::json;
use support::{Reply, Server};

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
        .update_sandbox_image(id(), None)
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
        .update_sandbox_image(id(), None)
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
        .update_sandbox_image(id(), &update)
        .await
        .unwrap();
    let sent: serde_json::Value = mock.requests()[0].json().unwrap();
    assert_eq!(sent, json!({"memory_mb": 1024, "name": "signed"}));
}
