//! The test transport (`testing` feature) against the real thing: the same wire scenarios run
//! over HTTP to a server on 127.0.0.1 and through `MockTransport`, and must end alike
//! (outcome, requests made, waits). Then the transport seam itself: a user's own stack in
//! place of HTTP, and proof that the mock never opens a socket.

mod sandbox;
mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use modbox::testing::{MockResponse, MockTransport};
use modbox::types::SandboxImageDetail;
use modbox::{Client, Error, ErrorBody, Transport, TransportError, TransportFuture};
use sandbox::{detail, id, ID, TOKEN};
use serde_json::json;
use support::{Reply, Server};

const INVALID: &str =
    r#"{"detail":[{"loc":["body","memory_mb"],"msg":"bad","type":"int_parsing"}]}"#;

/// One scripted answer, given the same way to both transports.
#[derive(Clone)]
struct Step {
    status: u16,
    json: Option<String>,
    headers: Vec<(&'static str, &'static str)>,
    delay: Duration,
}

fn step(status: u16, json: Option<String>) -> Step {
    Step {
        status,
        json,
        headers: Vec::new(),
        delay: Duration::ZERO,
    }
}

impl Step {
    fn header(mut self, name: &'static str, value: &'static str) -> Self {
        self.headers.push((name, value));
        self
    }

    fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    fn reply(&self) -> Reply {
        let mut reply = match &self.json {
            Some(body) => Reply::json(self.status, body),
            None => Reply::text(self.status, "busy"),
        };
        for (name, value) in &self.headers {
            reply = reply.header(name, value);
        }
        reply.delayed(self.delay)
    }

    fn mock(&self) -> MockResponse {
        let mut mock = match &self.json {
            Some(body) => MockResponse::json(self.status, body.clone()),
            None => MockResponse::text(self.status, "busy"),
        };
        for (name, value) in &self.headers {
            mock = mock.header(name, value);
        }
        mock.delay(self.delay)
    }
}

/// What a call came to, in the words a test compares.
fn outcome(result: &Result<SandboxImageDetail, Error>) -> String {
    match result {
        Ok(detail) => format!("ok {}", detail.memory_mb),
        Err(Error::Api {
            status,
            body: ErrorBody::HttpValidationError(v),
            ..
        }) => format!("api {status} {}", v.detail.as_ref().unwrap()[0].msg),
        Err(Error::UnexpectedStatus { status, body, .. }) => format!("unexpected {status} {body}"),
        Err(Error::Transport(e)) => format!("transport timeout={}", e.is_timeout()),
        Err(e) => format!("other {e}"),
    }
}

/// What one run saw: the outcome, each request's method, path and credentials, and how long
/// the call took.
struct Run {
    outcome: String,
    requests: Vec<(String, String, Option<String>)>,
    took: Duration,
}

async fn over_http(script: &[Step], timeout: Duration) -> Run {
    let server = Server::start(script.iter().map(Step::reply).collect()).await;
    let client = Client::new(TOKEN)
        .with_base_url(&server.base_url)
        .with_timeout(timeout);
    let started = Instant::now();
    let result = client.update_sandbox_image(id(), None).await;
    let took = started.elapsed();
    let requests = server
        .requests()
        .into_iter()
        .map(|r| {
            let auth = r.header("authorization").map(str::to_string);
            (r.method, r.target, auth)
        })
        .collect();
    Run {
        outcome: outcome(&result),
        requests,
        took,
    }
}

async fn through_mock(script: &[Step], timeout: Duration) -> Run {
    let mock = MockTransport::new();
    for step in script {
        mock.push(step.mock());
    }
    let client = Client::new(TOKEN)
        .with_base_url("http://api.test")
        .with_timeout(timeout)
        .with_transport(mock.clone());
    let started = Instant::now();
    let result = client.update_sandbox_image(id(), None).await;
    let took = started.elapsed();
    let requests = mock
        .requests()
        .into_iter()
        .map(|r| {
            let auth = r.header("authorization").map(str::to_string);
            (r.method.to_string(), r.url.path().to_string(), auth)
        })
        .collect();
    Run {
        outcome: outcome(&result),
        requests,
        took,
    }
}

/// Runs `script` both ways; they must agree, and the HTTP run must show `expected`.
async fn both(script: Vec<Step>, timeout: Duration, expected: &str, requests: usize) -> Duration {
    let (http, mock) = (
        over_http(&script, timeout).await,
        through_mock(&script, timeout).await,
    );
    assert_eq!(http.outcome, expected, "over HTTP");
    assert_eq!(mock.outcome, expected, "through the mock");
    assert_eq!(http.requests.len(), requests, "{:?}", http.requests);
    assert_eq!(http.requests, mock.requests);
    let bearer = format!("Bearer {TOKEN}");
    assert!(http
        .requests
        .iter()
        .all(|r| r.2.as_deref() == Some(&bearer)));
    http.took.min(mock.took)
}

const PATH: &str = "/sandbox-images/3fa85f64-5717-4562-b3fc-2c963f66afa6";

#[tokio::test]
async fn a_typed_422_is_the_same_error_through_both() {
    let script = vec![step(422, Some(INVALID.into()))];
    both(
        script,
        Duration::from_secs(10),
        "api 422 Unprocessable Entity bad",
        1,
    )
    .await;
}

#[tokio::test]
async fn a_503_then_200_is_retried_alike() {
    let script = vec![step(503, None), step(200, Some(detail()))];
    both(script, Duration::from_secs(10), "ok 512", 2).await;
    let run = through_mock(
        &[step(503, None), step(200, Some(detail()))],
        Duration::from_secs(10),
    )
    .await;
    assert_eq!(run.requests[1].1, PATH);
}

#[tokio::test]
async fn a_429_with_retry_after_is_waited_out_alike() {
    let script = vec![
        step(429, None).header("retry-after", "1"),
        step(200, Some(detail())),
    ];
    let took = both(script, Duration::from_secs(10), "ok 512", 2).await;
    assert!(took >= Duration::from_secs(1), "{took:?}");
}

#[tokio::test]
async fn an_undocumented_500_is_retried_then_kept_alike() {
    let script = vec![step(500, None)];
    // The server answers every request with the script's last reply; the mock needs three.
    let http = over_http(&script, Duration::from_secs(10)).await;
    let mock = through_mock(&vec![step(500, None); 3], Duration::from_secs(10)).await;
    assert_eq!(http.outcome, "unexpected 500 Internal Server Error busy");
    assert_eq!(mock.outcome, http.outcome);
    assert_eq!(http.requests.len(), 3);
    assert_eq!(mock.requests, http.requests);
}

#[tokio::test]
async fn a_slow_answer_times_out_alike() {
    let script = vec![step(200, Some(detail())).delayed(Duration::from_secs(3))];
    let took = both(
        script,
        Duration::from_millis(300),
        "transport timeout=true",
        1,
    )
    .await;
    assert!(took < Duration::from_secs(2), "{took:?}");
}

#[tokio::test]
async fn a_refused_connection_is_retried_through_the_mock() {
    let mock = MockTransport::new();
    for _ in 0..3 {
        mock.push(MockResponse::connect_error());
    }
    let err = Client::new(TOKEN)
        .with_base_url("http://api.test")
        .with_transport(mock.clone())
        .update_sandbox_image(id(), None)
        .await
        .unwrap_err();
    let Error::Transport(e) = &err else {
        panic!("{err:?}")
    };
    assert!(e.is_connect());
    assert_eq!(mock.requests().len(), 3, "two retries, as over HTTP");
}

#[tokio::test]
async fn the_mock_records_the_body_and_answers_from_a_function() {
    let mock = MockTransport::new();
    mock.respond_with(|request| {
        let body: serde_json::Value = request.json().unwrap();
        assert_eq!(body, json!({"memory_mb": 2048, "description": null}));
        MockResponse::json(200, detail())
    });
    let update = modbox::types::SandboxImageUpdate {
        memory_mb: 2048.into(),
        description: modbox::Nullable::Null,
        ..Default::default()
    };
    let client = Client::new(TOKEN).with_transport(mock.clone());
    let detail = client.update_sandbox_image(id(), &update).await.unwrap();
    assert_eq!(detail.memory_mb, 512);
    let [sent] = mock.requests().try_into().unwrap();
    assert_eq!(sent.method, "PUT");
    assert_eq!(
        sent.url.as_str(),
        format!("https://api.modbox.run{PATH}"),
        "the default server, unchanged"
    );
    assert_eq!(sent.header("content-type"), Some("application/json"));
}

#[tokio::test]
async fn a_request_the_mock_has_no_answer_for_fails_and_says_so() {
    let err = Client::new(TOKEN)
        .with_transport(MockTransport::new())
        .update_sandbox_image(id(), None)
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("the test transport has no answer for PUT"),
        "{err}"
    );
}

/// A listener at the client's base URL sees no connection: the mock answered alone, even
/// with a server right there to reach by mistake.
#[tokio::test]
async fn the_mock_never_opens_a_socket() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let mock = MockTransport::new();
    mock.push(MockResponse::status(503))
        .push(MockResponse::json(200, detail()));
    Client::new(TOKEN)
        .with_base_url(&base_url)
        .with_transport(mock.clone())
        .update_sandbox_image(id(), None)
        .await
        .unwrap();
    assert_eq!(mock.requests().len(), 2);
    assert_eq!(mock.remaining(), 0);
    let accepted = tokio::time::timeout(Duration::from_millis(300), listener.accept()).await;
    assert!(accepted.is_err(), "a connection reached the listener");
}

/// A user's own stack in place of HTTP (as a `reqwest-middleware` client would be): it sees
/// every attempt, credentials on, and the client still retries around it.
struct Counting {
    http: reqwest::Client,
    sent: Arc<Mutex<Vec<String>>>,
}

impl Transport for Counting {
    fn send(&self, mut request: reqwest::Request) -> TransportFuture<'_> {
        request
            .headers_mut()
            .insert("x-stack", "mine".parse().unwrap());
        let auth = request.headers().get("authorization").is_some();
        self.sent
            .lock()
            .unwrap()
            .push(format!("{} auth={auth}", request.method()));
        Box::pin(async move {
            self.http
                .execute(request)
                .await
                .map_err(TransportError::from)
        })
    }
}

#[tokio::test]
async fn a_transport_of_ones_own_sends_every_attempt() {
    let server = Server::start(vec![Reply::text(503, "busy"), Reply::json(200, &detail())]).await;
    let sent = Arc::new(Mutex::new(Vec::new()));
    let transport = Counting {
        http: reqwest::Client::new(),
        sent: sent.clone(),
    };
    Client::new(TOKEN)
        .with_base_url(&server.base_url)
        .with_transport(transport)
        .update_sandbox_image(id(), None)
        .await
        .unwrap();
    assert_eq!(*sent.lock().unwrap(), ["PUT auth=true", "PUT auth=true"]);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|r| r.header("x-stack") == Some("mine")));
}

/// The generated README's ten-line test, its placeholders filled in.
#[tokio::test]
async fn the_readme_test_runs() -> Result<(), modbox::Error> {
    let (image_id, body) = (
        uuid::Uuid::parse_str(ID).unwrap(),
        modbox::types::SandboxImageUpdate::default(),
    );
    let mock = MockTransport::new();
    mock.push(MockResponse::status(503))
        .push(MockResponse::json(200, detail()));
    let client = modbox::Client::new("YOUR_TOKEN").with_transport(mock.clone());
    let answer = client.update_sandbox_image(image_id, &body).await?;
    assert_eq!(mock.requests().len(), 2);
    assert_eq!(answer.memory_mb, 512);
    Ok(())
}
