//! A transport for the tests of code that calls this SDK (the `testing` feature): it records
//! every request and answers from a queue or a function, and never opens a socket.
//!
//! Give it to a client with `with_transport`. Everything around it works as over HTTP:
//! retries (a `503` then a `200` is two requests), `Retry-After`, timeouts (an answer
//! [`MockResponse::delay`]ed past the client's timeout), and the decoding of documented
//! errors. A token request of an OAuth2 client goes through it too.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use crate::runtime::{Transport, TransportError, TransportFuture};

/// A request as the transport received it: what a server would have, credentials included.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub method: reqwest::Method,
    pub url: reqwest::Url,
    pub headers: reqwest::header::HeaderMap,
    /// The body's bytes: empty without one, a streamed upload's read to its end.
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// The first value of header `name`, when it is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// The decoded value of query parameter `name`.
    pub fn query(&self, name: &str) -> Option<String> {
        self.url
            .query_pairs()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.into_owned())
    }

    /// The body, decoded as JSON.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> serde_json::Result<T> {
        serde_json::from_slice(&self.body)
    }
}

/// What the transport gives for one request: an answer, or a failure to connect.
#[derive(Debug, Clone)]
pub struct MockResponse {
    outcome: Outcome,
    delay: Duration,
}

#[derive(Debug, Clone)]
enum Outcome {
    Answer {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    ConnectError,
}

impl MockResponse {
    /// An answer with `status` and no body.
    pub fn status(status: u16) -> Self {
        Self::answer(status, Vec::new(), Vec::new())
    }

    /// An answer with a JSON body (`Content-Type: application/json`).
    pub fn json(status: u16, body: impl Into<String>) -> Self {
        Self::bytes(status, "application/json", body.into().into_bytes())
    }

    /// An answer with a text body (`Content-Type: text/plain; charset=utf-8`).
    pub fn text(status: u16, body: impl Into<String>) -> Self {
        Self::bytes(
            status,
            "text/plain; charset=utf-8",
            body.into().into_bytes(),
        )
    }

    /// An answer with a body of `content_type`.
    pub fn bytes(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        let headers = vec![("content-type".to_string(), content_type.to_string())];
        Self::answer(status, headers, body.into())
    }

    fn answer(status: u16, headers: Vec<(String, String)>, body: Vec<u8>) -> Self {
        MockResponse {
            outcome: Outcome::Answer {
                status,
                headers,
                body,
            },
            delay: Duration::ZERO,
        }
    }

    /// The connection fails: nothing reached the server, so the client retries.
    pub fn connect_error() -> Self {
        MockResponse {
            outcome: Outcome::ConnectError,
            delay: Duration::ZERO,
        }
    }

    /// Adds a header to the answer (`Retry-After`, a rate limit, a `Link` to the next page).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        if let Outcome::Answer { headers, .. } = &mut self.outcome {
            headers.push((name.to_string(), value.to_string()));
        }
        self
    }

    /// Waits `delay` before answering: longer than the client's timeout, and the call times
    /// out as with a slow server.
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

type Handler = Arc<dyn Fn(&RecordedRequest) -> MockResponse + Send + Sync>;

/// Records each request, and answers it with the next queued [`MockResponse`], or, when none
/// is queued, with the function given to [`MockTransport::respond_with`]. A request with no
/// answer fails the call with [`crate::Error::Transport`], saying so.
///
/// Cheap to clone: clones share their queue and their record, so keep one to look at what
/// the client sent.
#[derive(Clone, Default)]
pub struct MockTransport {
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    queue: VecDeque<MockResponse>,
    handler: Option<Handler>,
    requests: Vec<RecordedRequest>,
}

impl std::fmt::Debug for MockTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.state();
        f.debug_struct("MockTransport")
            .field("queued", &state.queue.len())
            .field("requests", &state.requests.len())
            .finish_non_exhaustive()
    }
}

impl MockTransport {
    pub fn new() -> Self {
        Self::default()
    }

    /// Queues `response` as the answer to the first request not yet answered.
    pub fn push(&self, response: MockResponse) -> &Self {
        self.state().queue.push_back(response);
        self
    }

    /// Answers each request that finds the queue empty with `handler`'s answer.
    pub fn respond_with(
        &self,
        handler: impl Fn(&RecordedRequest) -> MockResponse + Send + Sync + 'static,
    ) -> &Self {
        self.state().handler = Some(Arc::new(handler));
        self
    }

    /// The requests received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state().requests.clone()
    }

    /// How many queued answers no request has taken yet.
    pub fn remaining(&self) -> usize {
        self.state().queue.len()
    }

    /// The state; a test that panicked while holding it left nothing half-written.
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    async fn answer(&self, request: reqwest::Request) -> Result<reqwest::Response, TransportError> {
        let recorded = RecordedRequest {
            method: request.method().clone(),
            url: request.url().clone(),
            headers: request.headers().clone(),
            body: read_body(request).await?,
        };
        let response = {
            let mut state = self.state();
            state.requests.push(recorded.clone());
            let queued = state.queue.pop_front();
            queued.or_else(|| state.handler.clone().map(|handler| handler(&recorded)))
        };
        let Some(response) = response else {
            return Err(TransportError::other(format!(
                "the test transport has no answer for {} {}: push one, or give `respond_with` a function",
                recorded.method, recorded.url
            )));
        };
        if !response.delay.is_zero() {
            tokio::time::sleep(response.delay).await;
        }
        let Outcome::Answer {
            status,
            headers,
            body,
        } = response.outcome
        else {
            return Err(TransportError::connect(
                "connection refused (by the test transport)",
            ));
        };
        let mut answer = http::Response::builder().status(status);
        answer = reqwest::ResponseBuilderExt::url(answer, recorded.url);
        for (name, value) in &headers {
            answer = answer.header(name, value);
        }
        let answer = answer
            .body(body)
            .map_err(|e| TransportError::other(format!("the test answer is not valid: {e}")))?;
        Ok(reqwest::Response::from(answer))
    }
}

impl Transport for MockTransport {
    fn send(&self, request: reqwest::Request) -> TransportFuture<'_> {
        Box::pin(self.answer(request))
    }
}

/// A request's body, read to its end (a streamed upload too).
async fn read_body(mut request: reqwest::Request) -> Result<Vec<u8>, TransportError> {
    let Some(mut body) = request.body_mut().take() else {
        return Ok(Vec::new());
    };
    let mut bytes = Vec::new();
    while let Some(frame) =
        std::future::poll_fn(|cx| http_body::Body::poll_frame(std::pin::Pin::new(&mut body), cx))
            .await
    {
        if let Ok(data) = frame.map_err(TransportError::other)?.into_data() {
            bytes.extend_from_slice(&data);
        }
    }
    Ok(bytes)
}
