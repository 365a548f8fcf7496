// ---- Hooks, transports and traces: what a user plugs into every call ----

/// One attempt of a call, as a [`Hook`] and a trace see it: what the call is and how far it
/// got, never its credentials.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Attempt {
    /// The operation's id (`update_sandbox_image`), as the client's method is named.
    pub operation: &'static str,
    pub method: reqwest::Method,
    /// The path as the spec writes it (`/sandbox-images/{image_id}`), parameters unfilled.
    pub path_template: &'static str,
    /// 1 for the first attempt, 2 for the first retry (or the resend after a refused token).
    pub number: u32,
    /// Since the call began, before its first attempt.
    pub elapsed: Duration,
}

/// Called around every attempt of every call: for logs, metrics, a header from the
/// environment, request signing. Both methods do nothing unless implemented.
///
/// `before` sees the request as it will be sent, less its credentials (`Authorization`, an
/// API key), which are added after it: it may change the URL, headers or body. `after` sees
/// the response's status and headers (its body is still unread), or why there is none.
/// A hook is synchronous; work that must wait belongs in a [`Transport`].
pub trait Hook: Send + Sync + 'static {
    fn before(&self, attempt: &Attempt, request: &mut reqwest::Request) {
        let _ = (attempt, request);
    }

    fn after(&self, attempt: &Attempt, outcome: Result<&reqwest::Response, &TransportError>) {
        let _ = (attempt, outcome);
    }
}

/// The future of [`Transport::send`].
pub type TransportFuture<'a> = std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<reqwest::Response, TransportError>> + Send + 'a>,
>;

/// What sends a request and gives its response: reqwest's client unless the client was given
/// another (`with_transport`): your own stack, such as a `reqwest-middleware` client, or
/// the `testing` feature's transport, which never opens a socket.
///
/// It gets each attempt once, credentials included, with the attempt's timeout set
/// ([`reqwest::Request::timeout`]); the client around it retries, times out and decodes.
pub trait Transport: Send + Sync + 'static {
    fn send(&self, request: reqwest::Request) -> TransportFuture<'_>;
}

impl Transport for reqwest::Client {
    fn send(&self, request: reqwest::Request) -> TransportFuture<'_> {
        Box::pin(async move { self.execute(request).await.map_err(TransportError::from) })
    }
}

/// Why a request got no response: it could not connect, it ran out of time, or it failed
/// otherwise. A transport of your own makes one with [`TransportError::connect`] (retried,
/// as nothing was sent), [`TransportError::timeout`] or [`TransportError::other`].
pub struct TransportError {
    kind: TransportKind,
    source: Box<dyn std::error::Error + Send + Sync>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TransportKind {
    Connect,
    Timeout,
    Other,
}

impl TransportError {
    /// The connection was never made, so nothing was sent: retried for every method.
    pub fn connect(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        TransportError {
            kind: TransportKind::Connect,
            source: source.into(),
        }
    }

    /// The attempt's timeout ran out.
    pub fn timeout(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        TransportError {
            kind: TransportKind::Timeout,
            source: source.into(),
        }
    }

    /// Anything else: the request may have reached the server.
    pub fn other(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        TransportError {
            kind: TransportKind::Other,
            source: source.into(),
        }
    }

    pub fn is_connect(&self) -> bool {
        self.kind == TransportKind::Connect
    }

    pub fn is_timeout(&self) -> bool {
        self.kind == TransportKind::Timeout
    }

    /// The URL the request went to, when the error knows it (reqwest's errors do; a URL
    /// holding an API key is never kept).
    pub fn url(&self) -> Option<&reqwest::Url> {
        self.reqwest().and_then(reqwest::Error::url)
    }

    /// reqwest's own error, when reqwest's client sent the request.
    pub fn reqwest(&self) -> Option<&reqwest::Error> {
        self.source.downcast_ref()
    }

    /// The same error, without the URL (which held a credential).
    fn without_url(self) -> Self {
        match self.source.downcast::<reqwest::Error>() {
            Ok(e) => TransportError::from(e.without_url()),
            Err(source) => TransportError {
                kind: self.kind,
                source,
            },
        }
    }
}

impl From<reqwest::Error> for TransportError {
    fn from(e: reqwest::Error) -> Self {
        let kind = if e.is_connect() {
            TransportKind::Connect
        } else if e.is_timeout() {
            TransportKind::Timeout
        } else {
            TransportKind::Other
        };
        TransportError {
            kind,
            source: Box::new(e),
        }
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError")
            .field("kind", &self.kind)
            .field("source", &self.source)
            .finish()
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.source, f)
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}
