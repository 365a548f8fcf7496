//! Support code shared by every operation of this SDK: the tri-state [`Nullable`] field type,
//! the error type, per-request options, and one generic `send` that builds, authenticates,
//! retries and reads every request, so that each generated operation stays a few lines long.
//!
//! Written by hand (sdkgen's `templates/runtime.rs`) and copied into each SDK unchanged.

use std::fmt;
use std::time::Duration;

/// How long one attempt may take, from connecting to the last byte of the response body,
/// unless the client or a request sets another.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// How many times a failed request is tried again, unless the client or a request sets
/// another number. `0` turns retries off.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// The longest `Retry-After` that is waited out; a server asking for longer gets its answer
/// returned to the caller instead.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);
/// How much of an unexpected response body is kept in an error.
pub const MAX_ERROR_BODY: usize = 64 * 1024;

const BACKOFF_BASE: Duration = Duration::from_millis(500);
const BACKOFF_CAP: Duration = Duration::from_secs(8);
const RETRY_STATUSES: [u16; 6] = [408, 429, 500, 502, 503, 504];

/// A field that is optional and nullable: left out, sent as `null`, or sent with a value.
///
/// Serialising leaves out [`Nullable::Absent`] (the generated structs skip it) and writes
/// `null` for [`Nullable::Null`]; deserialising keeps the three states apart, so a model reads
/// and writes any JSON object without losing the difference between "absent" and "null".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Nullable<T> {
    /// Not in the JSON object: the server keeps or defaults its value.
    #[default]
    Absent,
    /// Present as `null`: clears the value.
    Null,
    /// Present with a value.
    Value(T),
}

impl<T> Nullable<T> {
    pub fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }

    pub fn is_value(&self) -> bool {
        matches!(self, Nullable::Value(_))
    }

    /// The value, if there is one.
    pub fn value(&self) -> Option<&T> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }

    pub fn as_ref(&self) -> Nullable<&T> {
        match self {
            Nullable::Absent => Nullable::Absent,
            Nullable::Null => Nullable::Null,
            Nullable::Value(v) => Nullable::Value(v),
        }
    }

    pub fn as_mut(&mut self) -> Nullable<&mut T> {
        match self {
            Nullable::Absent => Nullable::Absent,
            Nullable::Null => Nullable::Null,
            Nullable::Value(v) => Nullable::Value(v),
        }
    }

    /// The value, if there is one; absent and null both give `None`.
    pub fn into_option(self) -> Option<T> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Nullable<U> {
        match self {
            Nullable::Absent => Nullable::Absent,
            Nullable::Null => Nullable::Null,
            Nullable::Value(v) => Nullable::Value(f(v)),
        }
    }

    pub fn unwrap_or(self, default: T) -> T {
        self.into_option().unwrap_or(default)
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

/// `None` is an explicit `null`; to leave a field out, use [`Nullable::Absent`].
impl<T> From<Option<T>> for Nullable<T> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Nullable::Null, Nullable::Value)
    }
}

impl<T: serde::Serialize> serde::Serialize for Nullable<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Value(v) => serializer.serialize_some(v),
            Nullable::Absent | Nullable::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Nullable<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Reached only when the field is present (the generated structs default absent
        // fields to `Absent`), so `None` here means an explicit `null`.
        Option::<T>::deserialize(deserializer).map(Nullable::from)
    }
}

/// Everything that can go wrong in a call. `E` is the SDK's `ErrorBody`: the decoded body of
/// a documented error status.
#[non_exhaustive]
pub enum Error<E> {
    /// The server answered with an error status the spec documents, and its body decoded.
    Api {
        status: reqwest::StatusCode,
        /// Boxed, like the bodies: an `Error` is small enough to return everywhere.
        headers: Box<reqwest::header::HeaderMap>,
        body: E,
    },
    /// The server answered with a status the spec does not document for this operation, or
    /// with a body that is not JSON. `body` is its text, at most [`MAX_ERROR_BODY`] bytes.
    UnexpectedStatus {
        status: reqwest::StatusCode,
        headers: Box<reqwest::header::HeaderMap>,
        body: String,
    },
    /// A body did not match its schema. `path` is where, as `field.list[2].name`.
    Decode {
        status: reqwest::StatusCode,
        path: String,
        message: String,
        /// The body's text, at most [`MAX_ERROR_BODY`] bytes.
        body: String,
    },
    /// Connecting, sending or receiving failed, or the timeout ran out.
    Transport(TransportError),
    /// The request could not be built from the arguments given (a header value holding a
    /// newline, a path parameter `..`, no base URL).
    InvalidRequest(String),
    /// A stream or a page waited longer than its timeout for the server: the response's
    /// headers, or (once a stream has begun) the next bytes.
    Timeout(Duration),
    /// An event stream sent an error event (`event: error`, or an `{"error": ...}` object
    /// where an event was expected). `data` is the event's data, as sent.
    Event { event: String, data: String },
    /// The answer breaks the protocol the operation declares: an event stream answered with
    /// another media type, or a list that gives the same next page twice.
    Protocol(String),
    /// The client's [`TokenProvider`] gave no token (an OAuth2 token endpoint refused the
    /// client's credentials, or could not be reached): why, never the credentials.
    Token(String),
}

impl<E> Error<E> {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<reqwest::StatusCode> {
        match self {
            Error::Api { status, .. }
            | Error::UnexpectedStatus { status, .. }
            | Error::Decode { status, .. } => Some(*status),
            Error::Transport(e) => e.reqwest().and_then(reqwest::Error::status),
            _ => None,
        }
    }

    /// True when the timeout ran out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Transport(e) if e.is_timeout()) || matches!(self, Error::Timeout(_))
    }
}

impl<E: fmt::Debug> fmt::Debug for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api { status, body, .. } => f
                .debug_struct("Api")
                .field("status", status)
                .field("body", body)
                .finish_non_exhaustive(),
            Error::UnexpectedStatus { status, body, .. } => f
                .debug_struct("UnexpectedStatus")
                .field("status", status)
                .field("body", body)
                .finish_non_exhaustive(),
            Error::Decode {
                status,
                path,
                message,
                ..
            } => f
                .debug_struct("Decode")
                .field("status", status)
                .field("path", path)
                .field("message", message)
                .finish_non_exhaustive(),
            Error::Transport(e) => f.debug_tuple("Transport").field(e).finish(),
            Error::InvalidRequest(m) => f.debug_tuple("InvalidRequest").field(m).finish(),
            Error::Timeout(after) => f.debug_tuple("Timeout").field(after).finish(),
            Error::Event { event, data } => f
                .debug_struct("Event")
                .field("event", event)
                .field("data", data)
                .finish(),
            Error::Protocol(m) => f.debug_tuple("Protocol").field(m).finish(),
            Error::Token(m) => f.debug_tuple("Token").field(m).finish(),
        }
    }
}

impl<E: fmt::Debug> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api { status, body, .. } => write!(f, "the server answered {status}: {body:?}"),
            Error::UnexpectedStatus { status, body, .. } => {
                write!(
                    f,
                    "the server answered {status}, which the API does not document"
                )?;
                if !body.is_empty() {
                    write!(f, ": {body}")?;
                }
                Ok(())
            }
            Error::Decode {
                status,
                path,
                message,
                ..
            } => {
                write!(
                    f,
                    "the {status} response does not match its schema at `{path}`: {message}"
                )
            }
            Error::Transport(e) => write!(f, "the request failed: {e}"),
            Error::InvalidRequest(m) => write!(f, "invalid request: {m}"),
            Error::Timeout(after) => write!(f, "the server sent nothing for {after:?}"),
            Error::Event { event, data } => {
                write!(f, "the event stream sent an error (`{event}`): {data}")
            }
            Error::Protocol(m) => write!(f, "the answer breaks the API's protocol: {m}"),
            Error::Token(m) => write!(f, "no token to authenticate with: {m}"),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => Some(e),
            _ => None,
        }
    }
}

/// What a [`TokenProvider`] is asked for.
#[derive(Clone, Copy)]
pub struct TokenRequest<'a> {
    /// The client's base URL (an OAuth2 `tokenUrl` may be relative to it).
    pub base_url: &'a str,
    /// A token the server just refused (`401`): give another, not this one.
    pub stale: Option<&'a str>,
    /// The client's own [`Transport`], when it was given one (`with_transport`): a token
    /// request goes through it too, so a test transport answers it and no socket opens.
    pub transport: Option<&'a dyn Transport>,
}

impl fmt::Debug for TokenRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenRequest")
            .field("base_url", &self.base_url)
            .field("stale", &self.stale.map(|_| "<redacted>"))
            .field("transport", &self.transport.map(|_| "<transport>"))
            .finish()
    }
}

/// The future of [`TokenProvider::token`]: the token, or why there is none.
pub type TokenFuture<'a> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<String, String>> + Send + 'a>>;

/// Where a client's bearer tokens come from, asked before each call that needs one: an OAuth2
/// flow, a vault, a file a sidecar refreshes. It caches what it can; the client asks again,
/// with the refused token as `stale`, when the server answers `401`, and retries the call once.
pub trait TokenProvider: Send + Sync + 'static {
    fn token<'a>(&'a self, request: TokenRequest<'a>) -> TokenFuture<'a>;
}

/// A credential: never shown by `Debug`.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Where an API key goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyIn {
    Header,
    Query,
    Cookie,
}

/// How an operation authenticates, when the client holds the credential for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    Bearer,
    Basic,
    ApiKey {
        scheme: &'static str,
        location: KeyIn,
        name: &'static str,
    },
}

/// Options for the requests of a client: extra headers, a timeout, a retry count. Set them
/// for every call with the client's `with_*` methods, or for one call with
/// `client.with_options(RequestOptions::new().timeout(...)).operation(...)`.
#[derive(Debug, Clone, Default)]
pub struct RequestOptions {
    headers: Vec<(String, String)>,
    timeout: Option<Duration>,
    max_retries: Option<u32>,
    base_url: Option<String>,
}

impl RequestOptions {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a header to every request made with these options. A value holding a newline or
    /// another control character makes the request fail with [`Error::InvalidRequest`].
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = Some(max_retries);
        self
    }

    /// Sends every request to `url`, also those of operations that name a server of their
    /// own (a mock server for all of them, say).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into().trim_end_matches('/').to_string());
        self
    }

    /// `other`'s settings over these; headers of both are sent.
    fn merged(&self, other: RequestOptions) -> RequestOptions {
        let mut headers = self.headers.clone();
        headers.extend(other.headers);
        RequestOptions {
            headers,
            timeout: other.timeout.or(self.timeout),
            max_retries: other.max_retries.or(self.max_retries),
            base_url: other.base_url.or_else(|| self.base_url.clone()),
        }
    }
}

/// The state behind a generated `Client`: cheap to clone (the HTTP client is shared).
#[derive(Clone)]
pub struct Core {
    http: reqwest::Client,
    base_url: String,
    user_agent: &'static str,
    bearer: Option<Secret>,
    basic: Option<(String, Secret)>,
    api_keys: Vec<(&'static str, Secret)>,
    tokens: Option<std::sync::Arc<dyn TokenProvider>>,
    /// Sends instead of `http`, when set.
    transport: Option<std::sync::Arc<dyn Transport>>,
    hooks: Vec<std::sync::Arc<dyn Hook>>,
    options: RequestOptions,
}

impl fmt::Debug for Core {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .field("user_agent", &self.user_agent)
            .field("bearer", &self.bearer)
            .field(
                "basic",
                &self.basic.as_ref().map(|(user, _)| (user, "<redacted>")),
            )
            .field("api_keys", &self.api_keys)
            .field("tokens", &self.tokens.as_ref().map(|_| "<token provider>"))
            .field("transport", &self.transport.as_ref().map(|_| "<transport>"))
            .field("hooks", &self.hooks.len())
            .field("options", &self.options)
            .finish()
    }
}

impl Core {
    pub fn new(base_url: &str, user_agent: &'static str) -> Self {
        Core {
            http: default_http_client(),
            base_url: base_url.trim_end_matches('/').to_string(),
            user_agent,
            bearer: None,
            basic: None,
            api_keys: Vec::new(),
            tokens: None,
            transport: None,
            hooks: Vec::new(),
            options: RequestOptions::default(),
        }
    }

    /// Requests go through `transport` from now on, not through the HTTP client.
    pub fn set_transport(&mut self, transport: impl Transport) {
        self.transport = Some(std::sync::Arc::new(transport));
    }

    /// `hook` sees every attempt from now on, after the hooks added before it.
    pub fn add_hook(&mut self, hook: impl Hook) {
        self.hooks.push(std::sync::Arc::new(hook));
    }

    /// Bearer tokens from `provider` from now on, instead of a fixed token.
    pub fn set_token_provider(&mut self, provider: impl TokenProvider) {
        self.tokens = Some(std::sync::Arc::new(provider));
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn set_base_url(&mut self, url: String) {
        self.base_url = url.trim_end_matches('/').to_string();
    }

    pub fn set_http_client(&mut self, http: reqwest::Client) {
        self.http = http;
        self.transport = None;
    }

    pub fn set_bearer(&mut self, token: String) {
        self.bearer = Some(Secret(token));
    }

    pub fn set_basic(&mut self, user: String, password: String) {
        self.basic = Some((user, Secret(password)));
    }

    pub fn set_api_key(&mut self, scheme: &'static str, key: String) {
        self.api_keys.retain(|(s, _)| *s != scheme);
        self.api_keys.push((scheme, Secret(key)));
    }

    pub fn add_options(&mut self, options: RequestOptions) {
        self.options = self.options.merged(options);
    }

    /// Sends `request` and reads the answer: whole for the statuses in `documented`
    /// (inclusive ranges: the operation's successes and documented errors), at most
    /// [`MAX_ERROR_BODY`] bytes of any other. Every operation awaits this one future and
    /// nothing else, so no operation compiles a state machine of its own.
    pub async fn execute<E>(
        &self,
        request: Request,
        documented: &[(u16, u16)],
    ) -> Result<Answer, Error<E>> {
        let span = trace::span(&request);
        trace::within(span, async {
            let response = self.send(request, Limit::Whole).await?;
            Answer::read(response, documented).await
        })
        .await
    }

    async fn send<E>(&self, request: Request, limit: Limit) -> Result<reqwest::Response, Error<E>> {
        let started = std::time::Instant::now();
        let url = self.url(&request)?;
        // A token from the provider, when the call sends a bearer token and there is one.
        let provider = self
            .tokens
            .as_ref()
            .filter(|_| self.credentials_for(&request).contains(&Auth::Bearer));
        let mut token = match provider {
            Some(p) => Some(self.token(p, None).await?),
            None => None,
        };
        let headers = self.headers(&request)?;
        let mut reauthorized = false;
        let timeout = self.options.timeout.unwrap_or(DEFAULT_TIMEOUT);
        // A streamed body that cannot be read twice is sent once.
        let max_retries = match &request.body {
            Some(body) if !body.replayable => 0,
            _ => self.options.max_retries.unwrap_or(DEFAULT_MAX_RETRIES),
        };
        // Statuses are retried only where repeating the request cannot do harm; a connection
        // that never opened sent nothing, so that is retried for every method.
        let idempotent = request.keyed
            || !matches!(
                request.method,
                reqwest::Method::POST | reqwest::Method::PATCH
            );
        let (mut retries, mut number) = (0, 0);
        loop {
            number += 1;
            let attempt = Attempt {
                operation: request.operation,
                method: request.method.clone(),
                path_template: request.template,
                number,
                elapsed: started.elapsed(),
            };
            let mut wire = reqwest::Request::new(request.method.clone(), url.clone());
            *wire.headers_mut() = headers.clone();
            if let Some(body) = &request.body {
                *wire.body_mut() = Some(body.for_attempt().ok_or_else(sent_once)?);
            }
            let credentials = Some(token.as_deref());
            match self
                .attempt(&request, wire, &attempt, credentials, limit, timeout)
                .await
            {
                Ok(response) => {
                    let status = response.status().as_u16();
                    // A refused token is replaced once, and the call sent again with it (when its
                    // body can be sent again).
                    if let (401, Some(p), false) = (status, provider, reauthorized) {
                        let replayable = request.body.as_ref().is_none_or(|b| b.replayable);
                        if replayable {
                            drop(response);
                            reauthorized = true;
                            token = Some(self.token(p, token.as_deref()).await?);
                            continue;
                        }
                    }
                    if retries < max_retries && idempotent && RETRY_STATUSES.contains(&status) {
                        if let Some(wait) = retry_wait(retries, response.headers()) {
                            drop(response);
                            tokio::time::sleep(wait).await;
                            retries += 1;
                            continue;
                        }
                    }
                    return self
                        .follow_to_another_origin(&request, response, &attempt, limit)
                        .await;
                }
                Err(Error::Transport(e)) if e.is_connect() && retries < max_retries => {
                    tokio::time::sleep(backoff(retries)).await;
                    retries += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// One request on the wire: the hooks see it, the credentials go on it (`credentials`:
    /// with this token, if any; `None`: none at all), the transport sends it within the
    /// timeout, and the hooks see what came of it.
    async fn attempt<E>(
        &self,
        request: &Request,
        mut wire: reqwest::Request,
        attempt: &Attempt,
        credentials: Option<Option<&str>>,
        limit: Limit,
        timeout: Duration,
    ) -> Result<reqwest::Response, Error<E>> {
        for hook in &self.hooks {
            hook.before(attempt, &mut wire);
        }
        let mut hide_url = false;
        if let Some(token) = credentials {
            (wire, hide_url) = self.authenticate(request, wire, token)?;
        }
        if limit == Limit::Whole {
            // reqwest's own timeout covers the body too; the one below, any transport.
            *wire.timeout_mut() = Some(timeout);
        }
        let sent = match &self.transport {
            Some(transport) => transport.send(wire),
            None => Transport::send(&self.http, wire),
        };
        let outcome = match tokio::time::timeout(timeout, sent).await {
            Ok(Ok(response)) => Ok(response),
            // A URL holding an API key is not repeated in the error.
            Ok(Err(e)) if hide_url => Err(e.without_url()),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(TransportError::timeout(format!(
                "no response within {timeout:?}"
            ))),
        };
        trace::attempt(attempt, outcome.as_ref());
        for hook in &self.hooks {
            hook.after(attempt, outcome.as_ref());
        }
        match outcome {
            Ok(response) => Ok(response),
            Err(e) if e.is_timeout() && limit == Limit::Headers => Err(Error::Timeout(timeout)),
            Err(e) => Err(Error::Transport(e)),
        }
    }

    async fn token<E>(
        &self,
        provider: &std::sync::Arc<dyn TokenProvider>,
        stale: Option<&str>,
    ) -> Result<String, Error<E>> {
        let request = TokenRequest {
            base_url: self.options.base_url.as_deref().unwrap_or(&self.base_url),
            stale,
            transport: self.transport.as_deref(),
        };
        provider.token(request).await.map_err(Error::Token)
    }

    /// The credentials to send: the first of the operation's alternatives whose every scheme
    /// the client holds a credential for (none, when no alternative is complete).
    fn credentials_for(&self, request: &Request) -> &'static [Auth] {
        let held = |auth: &Auth| match auth {
            Auth::Bearer => self.bearer.is_some() || self.tokens.is_some(),
            Auth::Basic => self.basic.is_some(),
            Auth::ApiKey { scheme, .. } => self.api_keys.iter().any(|(s, _)| s == scheme),
        };
        request
            .auth
            .iter()
            .copied()
            .find(|alternative| !alternative.is_empty() && alternative.iter().all(held))
            .unwrap_or(&[])
    }

    /// The full URL, less any credential (added by [`Core::authenticate`]).
    fn url<E>(&self, request: &Request) -> Result<reqwest::Url, Error<E>> {
        // A linked next page is sent as the server wrote it.
        if let Some(url) = &request.url {
            return Ok(url.clone());
        }
        let base_url = match (&self.options.base_url, request.server) {
            (Some(url), _) => url.clone(),
            // A relative server (`/v3`) is on the client's host.
            (None, Some(server)) if server.starts_with('/') => {
                format!("{}{server}", origin(&self.base_url))
            }
            (None, Some(server)) => server.to_string(),
            (None, None) => self.base_url.clone(),
        };
        if base_url.is_empty() {
            return Err(Error::InvalidRequest(
                "no base URL: the API names no server, so set one with `with_base_url`".into(),
            ));
        }
        let mut text = format!("{base_url}{}", request.path);
        for (i, (name, value)) in request.query.iter().enumerate() {
            text.push(if i == 0 { '?' } else { '&' });
            text.push_str(name);
            text.push('=');
            text.push_str(value);
        }
        reqwest::Url::parse(&text).map_err(|e| {
            Error::InvalidRequest(format!("the base URL `{base_url}` is not valid: {e}"))
        })
    }

    /// Puts the call's credentials on `wire` (with `token`, from a provider, as its bearer
    /// token), after the hooks have seen it: and whether its URL now holds one.
    fn authenticate<E>(
        &self,
        request: &Request,
        mut wire: reqwest::Request,
        token: Option<&str>,
    ) -> Result<(reqwest::Request, bool), Error<E>> {
        let mut hide_url = false;
        let mut basic = None;
        for auth in self.credentials_for(request) {
            match auth {
                Auth::Bearer => {
                    if let Some(token) = token.or(self.bearer.as_ref().map(|t| t.0.as_str())) {
                        let value = format!("Bearer {token}");
                        insert_header(wire.headers_mut(), "authorization", &value, true)?;
                    }
                }
                Auth::Basic => basic = self.basic.as_ref(),
                Auth::ApiKey {
                    scheme,
                    location,
                    name,
                } => {
                    let Some((_, key)) = self.api_keys.iter().find(|(s, _)| s == scheme) else {
                        continue;
                    };
                    match location {
                        KeyIn::Header => insert_header(wire.headers_mut(), name, &key.0, true)?,
                        KeyIn::Cookie => {
                            let pair = format!("{name}={}", encode(&key.0));
                            let cookies = wire.headers_mut().remove(reqwest::header::COOKIE);
                            let value = match cookies.as_ref().and_then(|c| c.to_str().ok()) {
                                Some(cookies) => format!("{cookies}; {pair}"),
                                None => pair,
                            };
                            insert_header(wire.headers_mut(), "cookie", &value, true)?;
                        }
                        KeyIn::Query => {
                            let pair = format!("{}={}", encode(name), encode(&key.0));
                            let query = match wire.url().query() {
                                Some(query) if !query.is_empty() => format!("{query}&{pair}"),
                                _ => pair,
                            };
                            wire.url_mut().set_query(Some(&query));
                            hide_url = true;
                        }
                    }
                }
            }
        }
        if let Some((user, password)) = basic {
            // reqwest encodes basic credentials (and marks them sensitive).
            wire = reqwest::RequestBuilder::from_parts(self.http.clone(), wire)
                .basic_auth(user, Some(&password.0))
                .build()
                .map_err(|e| Error::InvalidRequest(format!("basic credentials: {e}")))?;
        }
        Ok((wire, hide_url))
    }

    /// Redirects within the origin were followed by the HTTP client; one to another origin
    /// (host, port or scheme) stops there (see [`default_http_client`]) and is followed here,
    /// without the credentials: no `Authorization`, no API key in a header or cookie. The
    /// hooks see each such request as part of `attempt`.
    async fn follow_to_another_origin<E>(
        &self,
        request: &Request,
        mut response: reqwest::Response,
        attempt: &Attempt,
        limit: Limit,
    ) -> Result<reqwest::Response, Error<E>> {
        let timeout = self.options.timeout.unwrap_or(DEFAULT_TIMEOUT);
        for _ in 0..MAX_REDIRECTS {
            let status = response.status().as_u16();
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|l| l.to_str().ok());
            let (true, Some(location)) = (matches!(status, 301 | 302 | 303 | 307 | 308), location)
            else {
                break;
            };
            let Ok(next) = response.url().join(location) else {
                break;
            };
            // 301-303 turn into a GET without a body, as browsers and reqwest do.
            let keeps_method = matches!(status, 307 | 308);
            let method = if keeps_method {
                request.method.clone()
            } else {
                reqwest::Method::GET
            };
            let mut wire = reqwest::Request::new(method, next);
            *wire.headers_mut() = self.headers(request)?;
            if !keeps_method {
                wire.headers_mut().remove(reqwest::header::CONTENT_TYPE);
            }
            if let (true, Some(body)) = (keeps_method, &request.body) {
                *wire.body_mut() = Some(body.for_attempt().ok_or_else(sent_once)?);
            }
            response = self
                .attempt(request, wire, attempt, None, limit, timeout)
                .await?;
        }
        Ok(response)
    }

    /// The request's headers, less its credentials.
    fn headers<E>(&self, request: &Request) -> Result<reqwest::header::HeaderMap, Error<E>> {
        let mut map = reqwest::header::HeaderMap::new();
        let mut insert = |name: &str, value: &str| insert_header(&mut map, name, value, false);
        insert("user-agent", self.user_agent)?;
        if let Some(body) = &request.body {
            insert("content-type", &body.content_type)?;
            if let (Some(_), Some(length)) = (&body.stream, body.length) {
                insert("content-length", &length.to_string())?;
            }
        }
        for (name, value) in &request.headers {
            insert(name, value)?;
        }
        let cookies: Vec<String> = request
            .cookies
            .iter()
            .map(|(name, value)| format!("{name}={}", encode(value)))
            .collect();
        if !cookies.is_empty() {
            insert("cookie", &cookies.join("; "))?;
        }
        for (name, value) in &self.options.headers {
            insert(name, value)?;
        }
        Ok(map)
    }
}

/// A random key in UUID v4 form, from the standard library alone ([`random_u64`]).
fn fresh_key() -> String {
    let (high, low) = (random_u64(), random_u64());
    // The version (4) and variant (10) bits of a random UUID.
    let high = (high & !0xf000) | 0x4000;
    let low = (low & !(0b11 << 62)) | (0b10 << 62);
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xffff,
        high & 0xffff,
        low >> 48,
        low & 0xffff_ffff_ffff
    )
}

fn sent_once<E>() -> Error<E> {
    Error::InvalidRequest(
        "the body was a stream, already sent once: it cannot be sent again (a redirect that \
         keeps the body needs a body that can be read twice, such as `Upload::path`)"
            .into(),
    )
}

fn insert_header<E>(
    map: &mut reqwest::header::HeaderMap,
    name: &str,
    value: &str,
    secret: bool,
) -> Result<(), Error<E>> {
    let header = reqwest::header::HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| Error::InvalidRequest(format!("`{name}` is not a valid header name")))?;
    let mut value = reqwest::header::HeaderValue::from_str(value).map_err(|_| {
        Error::InvalidRequest(format!(
            "the value of header `{name}` holds a character a header cannot carry (a newline or another control character)"
        ))
    })?;
    value.set_sensitive(secret);
    map.append(header, value);
    Ok(())
}

/// How long an attempt may take: to the body's last byte (an answer read whole), or to the
/// headers only (a stream, which then has a timeout between its chunks instead, so a long
/// healthy stream is never cut).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Limit {
    Whole,
    // Used by the streams part of the runtime, in an SDK that has it.
    #[allow(dead_code)]
    Headers,
}

/// Everything an operation sends, with its values already turned into text.
#[derive(Clone)]
pub struct Request {
    /// The operation's id, for hooks and traces.
    pub operation: &'static str,
    pub method: reqwest::Method,
    /// The path as the spec writes it, parameters unfilled, for hooks and traces.
    pub template: &'static str,
    /// The path, its parameters already encoded with [`path_segment`].
    pub path: String,
    /// Query pairs, each already percent-encoded (styles keep their delimiters literal).
    pub query: Vec<(String, String)>,
    pub headers: Vec<(&'static str, String)>,
    pub cookies: Vec<(&'static str, String)>,
    pub body: Option<Body>,
    /// Security alternatives: each the schemes sent together.
    pub auth: &'static [&'static [Auth]],
    /// The operation's own server, when the spec gives it one.
    pub server: Option<&'static str>,
    /// A whole URL to send to instead of the server, path and query (a list's next page, as
    /// the server linked it).
    pub url: Option<reqwest::Url>,
    /// It carries an idempotency key, the same on every attempt: retried whatever its method.
    pub keyed: bool,
}

impl Request {
    pub fn new(
        operation: &'static str,
        method: reqwest::Method,
        template: &'static str,
        path: String,
        auth: &'static [&'static [Auth]],
    ) -> Self {
        Request {
            operation,
            method,
            template,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            body: None,
            auth,
            server: None,
            url: None,
            keyed: false,
        }
    }

    /// Sends `key`, or a fresh random one, as the operation's idempotency key (`name` is its
    /// header). The key is made here, once per call, before any attempt, so every retry
    /// carries the same one and the server does the work once: such a call is retried like a
    /// `GET`, whatever its method.
    pub fn idempotency_key(&mut self, name: &'static str, key: Option<&str>) {
        let key = key.map_or_else(fresh_key, str::to_string);
        self.headers.push((name, key));
        self.keyed = true;
    }

    /// Adds a query parameter in OpenAPI's default style (`form`, exploded): a list adds one
    /// `name=item` pair per item, an object one pair per property; `None` adds nothing.
    pub fn query<T: serde::Serialize>(&mut self, name: &'static str, value: &T) {
        self.query_in(name, value, Style::Form);
    }

    /// Adds a query parameter in the style the spec gives it.
    pub fn query_in<T: serde::Serialize>(&mut self, name: &'static str, value: &T, style: Style) {
        let Ok(value) = serde_json::to_value(value) else {
            return;
        };
        let pairs = &mut self.query;
        let mut push = |name: &str, text: String| pairs.push((encode(name), text));
        match (style, value) {
            (_, serde_json::Value::Null) => {}
            (Style::Form, serde_json::Value::Array(items)) => {
                for item in items.into_iter().filter(|i| !i.is_null()) {
                    push(name, encode(&text_of(item)));
                }
            }
            (Style::Form, serde_json::Value::Object(fields)) => {
                for (key, item) in fields.into_iter().filter(|(_, i)| !i.is_null()) {
                    push(&key, encode(&text_of(item)));
                }
            }
            (Style::DeepObject, serde_json::Value::Object(fields)) => {
                deep_object(name, fields, &mut push);
            }
            (style, value) => push(name, joined(value, style, encode)),
        }
    }
    /// A header whose objects are written `k=v,k2=v2` (`simple` style, exploded).
    pub fn header_in<T: serde::Serialize>(&mut self, name: &'static str, value: &T, style: Style) {
        match serde_json::to_value(value) {
            Ok(serde_json::Value::Null) | Err(_) => {}
            // Header values are sent as they are: nothing is percent-encoded.
            Ok(value) => self
                .headers
                .push((name, joined(value, style, str::to_string))),
        }
    }

    pub fn header<T: serde::Serialize>(&mut self, name: &'static str, value: &T) {
        if let Some(text) = param_text(value) {
            self.headers.push((name, text));
        }
    }

    pub fn cookie<T: serde::Serialize>(&mut self, name: &'static str, value: &T) {
        if let Some(text) = param_text(value) {
            self.cookies.push((name, text));
        }
    }

    pub fn json<T: serde::Serialize, E>(
        &mut self,
        body: &T,
        content_type: &'static str,
    ) -> Result<(), Error<E>> {
        let bytes = serde_json::to_vec(body).map_err(|e| {
            Error::InvalidRequest(format!("the body cannot be written as JSON: {e}"))
        })?;
        self.body = Some(Body::new(content_type, bytes));
        Ok(())
    }

    /// An `application/x-www-form-urlencoded` body: the model's properties as `name=value`
    /// pairs, in the schema's order (a list repeats its name, `null` and absent properties are
    /// left out, an object is sent as JSON text).
    pub fn form<T: ToParts>(&mut self, body: &T, content_type: &'static str) {
        let mut parts = Parts::default();
        body.write_parts(&mut parts);
        self.body = Some(parts.into_form(content_type));
    }

    /// A `multipart/form-data` body: one part per property, files with their name and type.
    pub fn multipart<T: ToParts>(&mut self, body: &T) {
        let mut parts = Parts::default();
        body.write_parts(&mut parts);
        self.body = Some(parts.into_multipart());
    }

    /// A `text/*` body, sent as it is.
    pub fn text(&mut self, body: &str, content_type: &'static str) {
        self.body = Some(Body::new(content_type, body.as_bytes().to_vec()));
    }

    /// A body of any other media type (`application/octet-stream`, an image...), sent as it is.
    pub fn bytes(&mut self, body: &[u8], content_type: &'static str) {
        self.body = Some(Body::new(content_type, body.to_vec()));
    }
}

/// A file to upload (a `format: binary` property of a multipart body), or binary content.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct File {
    pub bytes: Vec<u8>,
    /// Sent as the part's `filename`.
    pub file_name: Option<String>,
    /// Sent as the part's `Content-Type` (default: `application/octet-stream`).
    pub content_type: Option<String>,
}

impl File {
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        File {
            bytes: bytes.into(),
            file_name: None,
            content_type: None,
        }
    }

    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }
}

impl From<Vec<u8>> for File {
    fn from(bytes: Vec<u8>) -> Self {
        File::new(bytes)
    }
}

/// Inside JSON a binary string is text: its bytes as UTF-8 (invalid sequences replaced).
impl serde::Serialize for File {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&String::from_utf8_lossy(&self.bytes))
    }
}

impl<'de> serde::Deserialize<'de> for File {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|s| File::new(s.into_bytes()))
    }
}

/// A model sent as a form or `multipart/form-data`; sdkgen writes the impl for each such
/// model, one line per property, so parts keep the schema's order.
pub trait ToParts {
    fn write_parts(&self, parts: &mut Parts);
}

/// The files a property holds, whatever its optionality: one, none, or a list.
pub trait Files {
    fn files(&self) -> Vec<&File>;
}

impl Files for File {
    fn files(&self) -> Vec<&File> {
        vec![self]
    }
}

impl Files for Vec<File> {
    fn files(&self) -> Vec<&File> {
        self.iter().collect()
    }
}

impl<T: Files> Files for Option<T> {
    fn files(&self) -> Vec<&File> {
        self.as_ref().map(Files::files).unwrap_or_default()
    }
}

impl<T: Files> Files for Nullable<T> {
    fn files(&self) -> Vec<&File> {
        self.value().map(Files::files).unwrap_or_default()
    }
}

struct Part {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    bytes: Vec<u8>,
}

/// The parts of a form or multipart body, in order.
#[derive(Default)]
pub struct Parts {
    parts: Vec<Part>,
}

impl Parts {
    /// A file part for each file the property holds.
    pub fn files(&mut self, name: &str, files: &impl Files) {
        for file in files.files() {
            self.parts.push(Part {
                name: name.to_string(),
                file_name: Some(file.file_name.clone().unwrap_or_else(|| name.to_string())),
                content_type: Some(
                    file.content_type
                        .clone()
                        .unwrap_or_else(|| "application/octet-stream".into()),
                ),
                bytes: file.bytes.clone(),
            });
        }
    }

    /// A property that is not a file: text for strings, numbers and booleans, one part per
    /// item of a list, JSON for objects; left out when absent or `null`.
    pub fn value<T: serde::Serialize>(&mut self, name: &str, value: &T) {
        let items = match serde_json::to_value(value) {
            Ok(serde_json::Value::Array(items)) => items,
            Ok(one) => vec![one],
            Err(_) => return,
        };
        for item in items {
            let (content_type, text) = match item {
                serde_json::Value::Null => continue,
                object @ serde_json::Value::Object(_) => {
                    (Some("application/json".to_string()), object.to_string())
                }
                other => (None, text_of(other)),
            };
            self.parts.push(Part {
                name: name.to_string(),
                file_name: None,
                content_type,
                bytes: text.into_bytes(),
            });
        }
    }

    fn into_form(self, content_type: &'static str) -> Body {
        let pairs: Vec<String> = self
            .parts
            .iter()
            .map(|p| {
                format!(
                    "{}={}",
                    encode(&p.name),
                    encode(&String::from_utf8_lossy(&p.bytes))
                )
            })
            .collect();
        Body::new(content_type, pairs.join("&").into_bytes())
    }

    fn into_multipart(self) -> Body {
        let boundary = boundary(&self.parts);
        let mut bytes = Vec::new();
        for part in &self.parts {
            bytes.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"",
                    quoted(&part.name)
                )
                .as_bytes(),
            );
            if let Some(file_name) = &part.file_name {
                bytes.extend_from_slice(format!("; filename=\"{}\"", quoted(file_name)).as_bytes());
            }
            bytes.extend_from_slice(b"\r\n");
            if let Some(content_type) = &part.content_type {
                bytes.extend_from_slice(
                    format!("Content-Type: {}\r\n", quoted(content_type)).as_bytes(),
                );
            }
            bytes.extend_from_slice(b"\r\n");
            bytes.extend_from_slice(&part.bytes);
            bytes.extend_from_slice(b"\r\n");
        }
        bytes.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        Body::new(format!("multipart/form-data; boundary={boundary}"), bytes)
    }
}

/// A name inside a quoted header parameter: `"`, CR and LF percent-encoded (RFC 7578 4.2), so
/// a file name cannot end the header or start another.
fn quoted(text: &str) -> String {
    text.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A boundary that occurs in no part.
fn boundary(parts: &[Part]) -> String {
    use std::hash::{BuildHasher, Hasher};
    loop {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()
                .as_nanos(),
        );
        let boundary = format!("sdkgen-boundary-{:016x}", hasher.finish());
        if !parts.iter().any(|p| {
            p.bytes
                .windows(boundary.len())
                .any(|w| w == boundary.as_bytes())
        }) {
            return boundary;
        }
    }
}

/// A request body, already encoded, or (an upload) read as it is sent.
#[derive(Clone)]
pub struct Body {
    pub content_type: String,
    pub bytes: Vec<u8>,
    /// Opens the body for one attempt, when it is sent as it is read (a file, a stream);
    /// `None` once a body that cannot be read twice has been sent.
    pub stream: Option<OpenBody>,
    /// Whether [`Body::stream`] can be opened again for a retry.
    pub replayable: bool,
    /// The streamed body's length, when known (sent as `Content-Length`).
    pub length: Option<u64>,
}

/// Opens a streamed body for one attempt.
pub type OpenBody = std::sync::Arc<dyn Fn() -> Option<reqwest::Body> + Send + Sync>;

impl Body {
    /// A body held in memory.
    pub fn new(content_type: impl Into<String>, bytes: Vec<u8>) -> Self {
        Body {
            content_type: content_type.into(),
            bytes,
            stream: None,
            replayable: true,
            length: None,
        }
    }

    /// The body of one attempt; `None` when it cannot be sent again.
    fn for_attempt(&self) -> Option<reqwest::Body> {
        match &self.stream {
            Some(open) => open(),
            None => Some(self.bytes.clone().into()),
        }
    }
}

/// What a successful call answered: the status, the headers and the decoded body. Calls give
/// it from `send_with_response()`; `.await` and `send()` give the body alone.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Response<T, H = ()> {
    /// The status code (a 2xx).
    pub status: reqwest::StatusCode,
    /// The headers the spec declares for this answer, typed: each `None` when the server left
    /// it out or sent a value that does not parse (`()` when the spec declares none).
    pub headers: H,
    /// Every header, as the server sent it.
    pub raw_headers: reqwest::header::HeaderMap,
    /// The decoded body.
    pub body: T,
}

impl<T, H> Response<T, H> {
    /// The body, without status and headers.
    pub fn into_body(self) -> T {
        self.body
    }
}

/// How an operation reads a successful answer: its body and declared headers, or its error.
pub type Read<T, H, E> = fn(Answer) -> Result<Response<T, H>, Error<E>>;

/// A call in flight: the shared future that sends the request and reads the answer, then the
/// operation's `read`. Generic over the answer's types, but only in a small `poll`: every
/// operation awaits the same compiled future, so none compiles a state machine of its own.
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<'a, T, H, E> {
    /// The answer on its way, or why the request could not be built (until it is returned).
    sending: Result<Answering<'a, E>, Option<Error<E>>>,
    read: Read<T, H, E>,
}

/// The shared future of [`Core::execute`], boxed: every operation awaits this one.
type Answering<'a, E> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<Answer, Error<E>>> + Send + 'a>>;

/// Starts sending `request` (or fails with why it could not be built) and reads the answer
/// with `read`.
pub fn call<'a, T, H, E: Send + 'a>(
    core: &'a Core,
    request: Result<Request, Error<E>>,
    documented: &'static [(u16, u16)],
    read: Read<T, H, E>,
) -> Call<'a, T, H, E> {
    let sending = match request {
        Ok(request) => Ok(Box::pin(core.execute(request, documented)) as Answering<'a, E>),
        Err(e) => Err(Some(e)),
    };
    Call { sending, read }
}

impl<T, H, E: Unpin> std::future::Future for Call<'_, T, H, E> {
    type Output = Result<Response<T, H>, Error<E>>;

    fn poll(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        let this = self.get_mut();
        match &mut this.sending {
            Ok(pending) => pending.as_mut().poll(cx).map(|answer| (this.read)(answer?)),
            Err(error) => std::task::Poll::Ready(Err(error.take().expect("polled after it ended"))),
        }
    }
}

/// A [`Call`] that gives the body alone: what awaiting a request builder runs.
#[must_use = "a call does nothing until it is awaited"]
pub struct CallBody<'a, T, H, E>(pub Call<'a, T, H, E>);

impl<T, H, E: Unpin> std::future::Future for CallBody<'_, T, H, E> {
    type Output = Result<T, Error<E>>;

    fn poll(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        std::pin::Pin::new(&mut self.get_mut().0)
            .poll(cx)
            .map(|result| result.map(Response::into_body))
    }
}

/// An answer read to its end: status, headers and body. An operation decodes it
/// synchronously, so the only future an operation awaits is [`Core::execute`]'s, shared by all.
pub struct Answer {
    status: reqwest::StatusCode,
    headers: reqwest::header::HeaderMap,
    bytes: Vec<u8>,
    /// Where the answer came from (a list's next page is relative to it; read by the streams
    /// part of the runtime, in an SDK that has it).
    #[allow(dead_code)]
    url: reqwest::Url,
}

impl Answer {
    /// Reads an answer: whole for the statuses in `documented`, at most [`MAX_ERROR_BODY`]
    /// bytes of any other.
    async fn read<E>(
        mut response: reqwest::Response,
        documented: &[(u16, u16)],
    ) -> Result<Answer, Error<E>> {
        let status = response.status();
        let url = response.url().clone();
        let headers = response.headers().clone();
        let code = status.as_u16();
        let bytes = if documented.iter().any(|&(lo, hi)| (lo..=hi).contains(&code)) {
            Vec::from(
                response
                    .bytes()
                    .await
                    .map_err(|e| Error::Transport(e.into()))?,
            )
        } else {
            let mut body = Vec::new();
            while body.len() < MAX_ERROR_BODY {
                match response.chunk().await {
                    Ok(Some(chunk)) => body.extend_from_slice(&chunk),
                    Ok(None) => break,
                    Err(e) => return Err(Error::Transport(e.into())),
                }
            }
            body
        };
        Ok(Answer {
            status,
            headers,
            bytes,
            url,
        })
    }

    pub fn status(&self) -> u16 {
        self.status.as_u16()
    }

    /// Decodes a JSON body, naming the field that does not match.
    pub fn json<T: serde::de::DeserializeOwned, E>(&self) -> Result<T, Error<E>> {
        decode(self.status, &self.bytes)
    }

    /// The body as text, in the charset its `Content-Type` names (UTF-8 when none).
    pub fn text<E>(&mut self) -> Result<String, Error<E>> {
        let charset = self
            .headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.split(';')
                    .skip(1)
                    .find_map(|p| p.trim().strip_prefix("charset="))
            })
            .map(|c| c.trim_matches('"').to_string());
        let encoding = charset
            .and_then(|c| encoding_rs::Encoding::for_label(c.as_bytes()))
            .unwrap_or(encoding_rs::UTF_8);
        Ok(encoding.decode(&self.bytes).0.into_owned())
    }

    /// A download: the body's bytes.
    pub fn bytes<E>(&mut self) -> Result<Vec<u8>, Error<E>> {
        Ok(std::mem::take(&mut self.bytes))
    }

    /// A header the spec declares, typed: `None` when it is missing or does not parse as `T`
    /// (the raw value stays in [`Response::raw_headers`]). Numbers and booleans are read as
    /// JSON, other values as strings, lists as comma-separated items.
    pub fn header<T: serde::de::DeserializeOwned>(&self, name: &str) -> Option<T> {
        let text = self.headers.get(name)?.to_str().ok()?.trim();
        let scalar = |text: &str| match serde_json::from_str::<serde_json::Value>(text) {
            Ok(value @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_))) => value,
            _ => serde_json::Value::String(text.to_string()),
        };
        let parse = |value| serde_json::from_value::<T>(value).ok();
        parse(scalar(text))
            .or_else(|| parse(serde_json::Value::String(text.to_string())))
            .or_else(|| parse(text.split(',').map(|item| scalar(item.trim())).collect()))
    }

    /// The successful answer: status and headers, with the body and the declared headers the
    /// operation read.
    pub fn respond<T, H>(self, body: T, headers: H) -> Response<T, H> {
        Response {
            status: self.status,
            headers,
            raw_headers: self.headers,
            body,
        }
    }

    /// A documented error status: its body decoded and boxed into the SDK's `ErrorBody` with
    /// `wrap` (an `ErrorBody` variant; boxed so that `Error` stays small).
    /// A body that is not JSON keeps its text, as [`Error::UnexpectedStatus`].
    pub fn error<T: serde::de::DeserializeOwned, E>(self, wrap: fn(Box<T>) -> E) -> Error<E> {
        if !is_json(&self.headers) {
            return self.unexpected();
        }
        match decode::<T, E>(self.status, &self.bytes) {
            Ok(body) => Error::Api {
                status: self.status,
                headers: Box::new(self.headers),
                body: wrap(Box::new(body)),
            },
            Err(e) => e,
        }
    }

    /// A status the operation does not document: status, headers and (bounded) body text.
    pub fn unexpected<E>(self) -> Error<E> {
        Error::UnexpectedStatus {
            status: self.status,
            headers: Box::new(self.headers),
            body: bounded_text(&self.bytes),
        }
    }
}

fn decode<T: serde::de::DeserializeOwned, E>(
    status: reqwest::StatusCode,
    bytes: &[u8],
) -> Result<T, Error<E>> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|e| Error::Decode {
        status,
        path: e.path().to_string(),
        message: e.inner().to_string(),
        body: bounded_text(bytes),
    })
}

fn bounded_text(bytes: &[u8]) -> String {
    let mut end = bytes.len().min(MAX_ERROR_BODY);
    // Cut at a character boundary, so a cut never invents a replacement character.
    while end < bytes.len() && end > 0 && (bytes[end] & 0xC0) == 0x80 {
        end -= 1;
    }
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

/// `application/json`, `application/problem+json` and other `+json` types, or no type at all.
fn is_json(headers: &reqwest::header::HeaderMap) -> bool {
    let Some(value) = headers.get(reqwest::header::CONTENT_TYPE) else {
        return true;
    };
    let essence = value
        .to_str()
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// Characters left as they are in a path segment or query component: RFC 3986's unreserved
/// set. Everything else, `/ ? # % &` and space included, is percent-encoded.
const COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, COMPONENT).to_string()
}

/// How many redirects one call follows.
const MAX_REDIRECTS: usize = 10;

/// The HTTP client a `Core` starts with: redirects are followed within the origin only, so
/// that a redirect to another host never carries the credentials (reqwest itself drops
/// `Authorization` then, but not an API key in a header of the spec's choosing).
fn default_http_client() -> reqwest::Client {
    let policy = reqwest::redirect::Policy::custom(|attempt| {
        let first = attempt.previous().first().map(|u| u.origin());
        if attempt.previous().len() > MAX_REDIRECTS {
            attempt.error("too many redirects")
        } else if first.is_some_and(|origin| origin != attempt.url().origin()) {
            attempt.stop()
        } else {
            attempt.follow()
        }
    });
    reqwest::Client::builder()
        .redirect(policy)
        .build()
        .unwrap_or_default()
}

/// `https://host:port` of a URL: everything before its path.
fn origin(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find('/') {
        Some(i) => &url[..after_scheme + i],
        None => url,
    }
}

/// One path parameter as one encoded path segment. `.` and `..` are refused: URL parsers
/// resolve them (even percent-encoded), so no encoding can keep them from changing the path.
pub fn path_segment<T: serde::Serialize, E>(name: &str, value: &T) -> Result<String, Error<E>> {
    path_segment_in(name, value, Style::Simple)
}

/// One path parameter in the style the spec gives it (`simple`, `label`, `matrix`), each
/// value percent-encoded and the style's delimiters literal.
pub fn path_segment_in<T: serde::Serialize, E>(
    name: &str,
    value: &T,
    style: Style,
) -> Result<String, Error<E>> {
    let value = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
    let text = match style {
        Style::Label | Style::LabelExplode => format!(".{}", joined(value, style, encode)),
        Style::Matrix | Style::MatrixExplode => matrix(name, value, style == Style::MatrixExplode),
        _ => joined(value, style, encode),
    };
    if text.is_empty() || text == "." || text == ".." {
        return Err(Error::InvalidRequest(format!(
            "path parameter `{name}` is {text:?}, which cannot be sent as a path segment"
        )));
    }
    Ok(text)
}

/// How a parameter's value is written (OpenAPI's `style` with `explode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Query and cookie default: lists and objects exploded into pairs.
    Form,
    /// `form` with `explode: false`: `name=a,b,c`.
    FormCompact,
    SpaceDelimited,
    PipeDelimited,
    /// `name[key]=value`.
    DeepObject,
    /// Path and header default: `a,b,c`; objects `k,v,k,v`.
    Simple,
    /// Objects `k=v,k=v`.
    SimpleExplode,
    /// `.a,b,c`.
    Label,
    /// `.a.b.c`.
    LabelExplode,
    /// `;name=a,b,c`.
    Matrix,
    /// `;name=a;name=b`.
    MatrixExplode,
}

/// A list's items or an object's keys and values, each escaped with `escape`, joined by the
/// style's delimiter; a single value, escaped.
fn joined(value: serde_json::Value, style: Style, escape: fn(&str) -> String) -> String {
    let delimiter = match style {
        Style::SpaceDelimited => "%20",
        Style::PipeDelimited => "|",
        Style::LabelExplode => ".",
        _ => ",",
    };
    let explode_objects = matches!(style, Style::SimpleExplode | Style::LabelExplode);
    match value {
        serde_json::Value::Array(items) => items
            .into_iter()
            .filter(|i| !i.is_null())
            .map(|i| escape(&text_of(i)))
            .collect::<Vec<_>>()
            .join(delimiter),
        serde_json::Value::Object(fields) => fields
            .into_iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| {
                let (k, v) = (escape(&k), escape(&text_of(v)));
                if explode_objects {
                    format!("{k}={v}")
                } else {
                    format!("{k},{v}")
                }
            })
            .collect::<Vec<_>>()
            .join(delimiter),
        other => escape(&text_of(other)),
    }
}

/// `;name=value`, a list as `;name=a,b` or exploded `;name=a;name=b`, an exploded object as
/// `;k=v;k2=v2`.
fn matrix(name: &str, value: serde_json::Value, explode: bool) -> String {
    let name = encode(name);
    match value {
        serde_json::Value::Array(items) if explode => items
            .into_iter()
            .map(|i| format!(";{name}={}", encode(&text_of(i))))
            .collect(),
        serde_json::Value::Object(fields) if explode => fields
            .into_iter()
            .map(|(k, v)| format!(";{}={}", encode(&k), encode(&text_of(v))))
            .collect(),
        serde_json::Value::Null => String::new(),
        other => format!(";{name}={}", joined(other, Style::Matrix, encode)),
    }
}

/// `name[key]=value` for each property, nested objects as `name[a][b]=value`.
fn deep_object(
    name: &str,
    fields: serde_json::Map<String, serde_json::Value>,
    push: &mut impl FnMut(&str, String),
) {
    for (key, value) in fields {
        let name = format!("{name}[{key}]");
        match value {
            serde_json::Value::Null => {}
            serde_json::Value::Object(inner) => deep_object(&name, inner, push),
            serde_json::Value::Array(items) => {
                for item in items {
                    push(&name, encode(&text_of(item)));
                }
            }
            other => push(&name, encode(&text_of(other))),
        }
    }
}

/// A parameter value as text: strings as they are, numbers and booleans as JSON writes them,
/// lists comma-separated (`simple` style), `None` as nothing.
fn param_text<T: serde::Serialize>(value: &T) -> Option<String> {
    match serde_json::to_value(value).ok()? {
        serde_json::Value::Null => None,
        serde_json::Value::Array(items) => {
            Some(items.into_iter().map(text_of).collect::<Vec<_>>().join(","))
        }
        other => Some(text_of(other)),
    }
}

fn text_of(value: serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s,
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// How long to wait before the next attempt: the server's `Retry-After` (seconds or an HTTP
/// date) when it gives one within [`MAX_RETRY_AFTER`], exponential backoff with jitter
/// otherwise. `None` when the server asks for a longer wait than that.
fn retry_wait(attempt: u32, headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let Some(value) = headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
    else {
        return Some(backoff(attempt));
    };
    let value = value.trim();
    let wait = match value.parse::<u64>() {
        Ok(seconds) => Duration::from_secs(seconds),
        Err(_) => match httpdate::parse_http_date(value) {
            Ok(when) => when
                .duration_since(std::time::SystemTime::now())
                .unwrap_or_default(),
            Err(_) => return Some(backoff(attempt)),
        },
    };
    (wait <= MAX_RETRY_AFTER).then_some(wait)
}

/// Exponential backoff (0.5 s, 1 s, 2 s... up to 8 s) with "equal jitter": a random wait
/// between half and all of it, so clients that failed together do not retry together.
fn backoff(attempt: u32) -> Duration {
    let full = BACKOFF_BASE
        .saturating_mul(1u32 << attempt.min(16))
        .min(BACKOFF_CAP);
    let fraction = 0.5 + (random_u64() % 1000) as f64 / 2000.0;
    full.mul_f64(fraction)
}

/// Random bits without another dependency: `RandomState` is seeded from the operating
/// system's randomness, and each instance differs; a counter makes each call's input new.
fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    hasher.finish()
}

/// What every request builder has besides its setters, its `request` (which builds the
/// request) and its `read` (which decodes the answer): `send`, `send_with_response` and
/// `IntoFuture`. One macro, so the generated code says only what differs: the builder, and
/// its body and headers types (its `DOCUMENTED` statuses are a constant of its own). Everything
/// is `#[inline]`, so an operation is compiled in the crate that calls it.
#[allow(unused_macros)]
macro_rules! impl_sender {
    ($builder:ident, $ok:ty, $headers:ty) => {
        impl<'a> $builder<'a> {
            /// Sends the request: the same as `.await`.
            #[inline]
            pub fn send(
                self,
            ) -> impl ::std::future::Future<Output = ::std::result::Result<$ok, super::Error>>
            + ::std::marker::Send
            + 'a {
                ::std::future::IntoFuture::into_future(self)
            }

            /// Sends the request, and returns the status and headers with the body.
            #[inline]
            pub fn send_with_response(
                self,
            ) -> impl ::std::future::Future<
                Output = ::std::result::Result<
                    super::runtime::Response<$ok, $headers>,
                    super::Error,
                >,
            > + ::std::marker::Send
            + 'a {
                self.call()
            }

            #[inline]
            fn call(self) -> super::runtime::Call<'a, $ok, $headers, super::ErrorBody> {
                super::runtime::call(
                    &self.client.core,
                    self.request(),
                    Self::DOCUMENTED,
                    Self::read,
                )
            }
        }

        impl<'a> ::std::future::IntoFuture for $builder<'a> {
            type Output = ::std::result::Result<$ok, super::Error>;
            type IntoFuture = super::runtime::CallBody<'a, $ok, $headers, super::ErrorBody>;

            #[inline]
            fn into_future(self) -> Self::IntoFuture {
                super::runtime::CallBody(self.call())
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use impl_sender;

/// What every string enum of the SDK has besides its variants: `as_str`, `From<&str>`,
/// `Display`, and serde as the string. Invoked from the `types` module, where
/// `super::runtime` is this module.
#[allow(unused_macros)]
macro_rules! impl_string_enum {
    ($name:ident { $($variant:ident = $wire:literal),* $(,)? }) => {
        impl $name {
            /// The value as it is sent.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)*
                    $name::Unknown(value) => value,
                }
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($wire => $name::$variant,)*
                    other => $name::Unknown(other.to_owned()),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                super::runtime::string_enum(deserializer)
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use impl_string_enum;

/// A model's `Deserialize`: what serde's derive writes, in well under half the code for rustc
/// to check (GitHub's 1,933 models: most of the SDK's compile time was serde's derived
/// visitors). The same decoding: fields by their wire names, any order; a field given twice is
/// an error; a required one left out is an error unless its type is an `Option` (then `None`,
/// as serde does); an optional one left out is its `Default`; properties the model does not
/// name go to `rest` (kept), or are skipped. Not a sequence for a struct, which no JSON API
/// sends. Invoked from the `types` module, where `super::runtime` is this module.
#[allow(unused_macros)]
macro_rules! impl_deserialize {
    ($name:ident {
        required = [$($required:ident $(= $required_wire:literal)?),* $(,)?],
        optional = [$($optional:ident $(= $optional_wire:literal)?),* $(,)?]
        $(, rest = $rest:ident)? $(,)?
    }) => {
        #[allow(deprecated)]
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                struct Visitor;
                impl<'de> ::serde::de::Visitor<'de> for Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("struct ", stringify!($name)))
                    }
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> ::std::result::Result<$name, A::Error> {
                        $(let mut $required = ::std::option::Option::None;)*
                        $(let mut $optional = ::std::option::Option::None;)*
                        $(let mut $rest = ::std::collections::BTreeMap::new();)?
                        while let ::std::option::Option::Some(key) = map.next_key::<super::runtime::FieldName<'de>>()? {
                            match key.as_str() {
                                $(super::runtime::impl_deserialize!(@wire $required $($required_wire)?) => {
                                    super::runtime::take_field(&mut map, &mut $required, super::runtime::impl_deserialize!(@wire $required $($required_wire)?))?
                                })*
                                $(super::runtime::impl_deserialize!(@wire $optional $($optional_wire)?) => {
                                    super::runtime::take_field(&mut map, &mut $optional, super::runtime::impl_deserialize!(@wire $optional $($optional_wire)?))?
                                })*
                                _ => super::runtime::impl_deserialize!(@other map key $($rest)?),
                            }
                        }
                        ::std::result::Result::Ok($name {
                            $($required: super::runtime::required_field($required, super::runtime::impl_deserialize!(@wire $required $($required_wire)?))?,)*
                            $($optional: $optional.unwrap_or_default(),)*
                            $($rest,)?
                        })
                    }
                }
                deserializer.deserialize_map(Visitor)
            }
        }
    };
    (@wire $field:ident $wire:literal) => { $wire };
    (@wire $field:ident) => { stringify!($field) };
    (@other $map:ident $key:ident $rest:ident) => {{
        $rest.insert($key.into_owned(), $map.next_value()?);
    }};
    (@other $map:ident $key:ident) => {{
        $map.next_value::<::serde::de::IgnoredAny>()?;
    }};
}
#[allow(unused_imports)]
pub(crate) use impl_deserialize;

/// An object's key, borrowed from the input where the format allows.
pub struct FieldName<'de>(std::borrow::Cow<'de, str>);

impl FieldName<'_> {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_owned(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> serde::Deserialize<'de> for FieldName<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = FieldName<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E: serde::de::Error>(
                self,
                v: &'de str,
            ) -> Result<Self::Value, E> {
                Ok(FieldName(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(FieldName(std::borrow::Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(FieldName(std::borrow::Cow::Owned(v)))
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Self::Value, E> {
                std::str::from_utf8(v)
                    .map(|v| FieldName(std::borrow::Cow::Owned(v.to_owned())))
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Bytes(v), &self))
            }
        }
        deserializer.deserialize_identifier(Visitor)
    }
}

/// Reads the value of field `name` into its slot; a second value for it is an error.
#[inline]
pub fn take_field<'de, A: serde::de::MapAccess<'de>, T: serde::Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(<A::Error as serde::de::Error>::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// A required field's value: when the object left it out, an error, or `None` for an
/// `Option` (serde's own rule: such a field decodes as a value that is not there).
#[inline]
pub fn required_field<'de, T: serde::Deserialize<'de>, E: serde::de::Error>(
    slot: Option<T>,
    name: &'static str,
) -> Result<T, E> {
    match slot {
        Some(value) => Ok(value),
        None => T::deserialize(Missing(name, std::marker::PhantomData)),
    }
}

/// The value of a field that is not there: `None` to an `Option`, "missing field" to the rest.
struct Missing<E>(&'static str, std::marker::PhantomData<E>);

impl<'de, E: serde::de::Error> serde::Deserializer<'de> for Missing<E> {
    type Error = E;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, E> {
        Err(E::missing_field(self.0))
    }

    fn deserialize_option<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
        ignored_any
    }
}

/// Decodes a string enum: a value it knows becomes its variant, any other string `Unknown`.
/// One generic visitor here keeps each generated enum's `Deserialize` to a single call.
pub fn string_enum<'de, D: serde::Deserializer<'de>, T: for<'a> From<&'a str>>(
    deserializer: D,
) -> Result<T, D::Error> {
    struct Visitor<T>(std::marker::PhantomData<T>);
    impl<T: for<'a> From<&'a str>> serde::de::Visitor<'_> for Visitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
            Ok(T::from(value))
        }
    }
    deserializer.deserialize_str(Visitor(std::marker::PhantomData))
}

/// Decodes one variant of a union from the JSON value already read; an error names the field.
pub fn decode_variant<T: serde::de::DeserializeOwned, E: serde::de::Error>(
    value: &serde_json::Value,
) -> Result<T, E> {
    serde_path_to_error::deserialize(value)
        .map_err(|e| E::custom(format_args!("{}: {}", e.path(), e.inner())))
}

/// The order in which a union without a discriminator tries its variants. `known` holds, per
/// variant, the properties of its struct (empty for variants that are not structs). For a JSON
/// object, the structs that leave fewer of its keys unknown come first, so a value decodes as
/// the variant it was written as, not the first one lenient enough to accept it; other
/// variants follow in their order.
pub fn untagged_order(value: &serde_json::Value, known: &[&[&str]]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..known.len()).collect();
    if let serde_json::Value::Object(object) = value {
        order.sort_by_key(|&i| match known[i] {
            [] => usize::MAX,
            keys => object
                .keys()
                .filter(|k| !keys.contains(&k.as_str()))
                .count(),
        });
    }
    order
}
