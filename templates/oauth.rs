// ---- OAuth2 client credentials: in an SDK whose API declares that flow ----

/// How long a token lives when the token endpoint does not say (`expires_in` missing).
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

/// How long before its expiry a token is replaced: at most this, at most half its life, less
/// up to a fifth of it at random, so many clients started together do not refresh together.
const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// OAuth2's client credentials flow as a [`TokenProvider`]: a token from the token endpoint
/// (`grant_type=client_credentials`, the client authenticated by HTTP basic, or in the form
/// when the server refuses that), cached and replaced ahead of its expiry.
///
/// Calls that find the token expired wait for one request to the endpoint (single flight):
/// a hundred concurrent calls make one token request. A failed refresh fails only the calls
/// that had no valid token: a token that is still valid is kept and used, and the next call
/// tries again. Nothing runs in the background.
pub struct ClientCredentials {
    token_url: String,
    client_id: String,
    client_secret: Secret,
    scopes: Vec<String>,
    http: reqwest::Client,
    /// The client authenticates in the form, not by HTTP basic (the server refused basic).
    in_form: std::sync::atomic::AtomicBool,
    cached: tokio::sync::Mutex<Option<Token>>,
}

struct Token {
    value: String,
    refresh_at: std::time::Instant,
    expires_at: std::time::Instant,
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

impl ClientCredentials {
    /// `token_url` may be relative to the client's base URL (`/oauth/token`).
    pub fn new(
        token_url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        ClientCredentials {
            token_url: token_url.into(),
            client_id: client_id.into(),
            client_secret: Secret::new(client_secret),
            scopes: Vec::new(),
            // Redirects off: credentials are never sent on to another address.
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(DEFAULT_TIMEOUT)
                .build()
                .unwrap_or_default(),
            in_form: std::sync::atomic::AtomicBool::new(false),
            cached: tokio::sync::Mutex::new(None),
        }
    }

    /// The scopes to ask for (none: the server's default).
    pub fn scopes<S: AsRef<str>>(mut self, scopes: &[S]) -> Self {
        self.scopes = scopes.iter().map(|s| s.as_ref().to_string()).collect();
        self
    }

    async fn get(&self, request: TokenRequest<'_>) -> Result<String, String> {
        // Held across the request: concurrent callers wait here, then find the new token.
        let mut cached = self.cached.lock().await;
        let now = std::time::Instant::now();
        let usable = |t: &Token, until: std::time::Instant| {
            now < until && request.stale != Some(t.value.as_str())
        };
        if let Some(token) = cached.as_ref().filter(|t| usable(t, t.refresh_at)) {
            return Ok(token.value.clone());
        }
        match self.fetch(request).await {
            Ok(token) => {
                let value = token.value.clone();
                *cached = Some(token);
                Ok(value)
            }
            // An early refresh that failed keeps the token that still works.
            Err(e) => match cached.as_ref().filter(|t| usable(t, t.expires_at)) {
                Some(token) => Ok(token.value.clone()),
                None => Err(e),
            },
        }
    }

    async fn fetch(&self, request: TokenRequest<'_>) -> Result<Token, String> {
        let url = if self.token_url.starts_with('/') {
            format!(
                "{}{}",
                request.base_url.trim_end_matches('/'),
                self.token_url
            )
        } else {
            self.token_url.clone()
        };
        let in_form = self.in_form.load(std::sync::atomic::Ordering::Relaxed);
        let transport = request.transport;
        let mut answer = self.post(&url, in_form, transport).await?;
        // RFC 6749 servers must take HTTP basic; some take only the form. Told so, ask again.
        if !in_form && matches!(answer.0, 400 | 401) {
            let retried = self.post(&url, true, transport).await?;
            if retried.0 < 300 {
                self.in_form
                    .store(true, std::sync::atomic::Ordering::Relaxed);
            }
            if retried.0 < 300 || answer.0 == 400 {
                answer = retried;
            }
        }
        let (status, body) = answer;
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        if status >= 300 {
            let reason = ["error", "error_description"]
                .iter()
                .filter_map(|k| json.get(*k)?.as_str())
                .collect::<Vec<_>>()
                .join(": ");
            return Err(format!("the token endpoint answered {status} {reason}")
                .trim_end()
                .to_string());
        }
        let Some(value) = json.get("access_token").and_then(|t| t.as_str()) else {
            return Err("the token endpoint's answer has no `access_token`".into());
        };
        let lifetime = json
            .get("expires_in")
            .and_then(|e| e.as_u64().or_else(|| e.as_str()?.parse().ok()))
            .map_or(DEFAULT_TOKEN_LIFETIME, Duration::from_secs);
        let margin = REFRESH_MARGIN.min(lifetime / 2);
        let jitter = lifetime.mul_f64(0.2 * jitter_fraction());
        let now = std::time::Instant::now();
        Ok(Token {
            value: value.to_string(),
            refresh_at: now + lifetime.saturating_sub(margin + jitter),
            expires_at: now + lifetime,
        })
    }

    /// One token request: its status and body. Through the client's transport when it has
    /// one of its own (a test transport answers it, and no socket opens).
    async fn post(
        &self,
        url: &str,
        in_form: bool,
        transport: Option<&dyn Transport>,
    ) -> Result<(u16, Vec<u8>), String> {
        let mut form = vec![("grant_type", "client_credentials".to_string())];
        let scope = self.scopes.join(" ");
        if !scope.is_empty() {
            form.push(("scope", scope));
        }
        if in_form {
            form.push(("client_id", self.client_id.clone()));
            form.push(("client_secret", self.client_secret.0.clone()));
        }
        let body: Vec<String> = form
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect();
        let mut builder = self
            .http
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body(body.join("&"));
        if !in_form {
            builder =
                builder.basic_auth(encode(&self.client_id), Some(encode(&self.client_secret.0)));
        }
        let request = builder
            .build()
            .map_err(|e| format!("the token request: {}", e.without_url()))?;
        let sent = match transport {
            Some(transport) => transport.send(request),
            None => Transport::send(&self.http, request),
        };
        let unreachable = |e: TransportError| {
            format!(
                "the token endpoint could not be reached: {}",
                e.without_url()
            )
        };
        let response = sent.await.map_err(unreachable)?;
        let status = response.status().as_u16();
        let body = response
            .bytes()
            .await
            .map_err(|e| format!("the token endpoint's answer broke off: {}", e.without_url()))?;
        Ok((status, body.to_vec()))
    }
}

impl TokenProvider for ClientCredentials {
    fn token<'a>(&'a self, request: TokenRequest<'a>) -> TokenFuture<'a> {
        Box::pin(self.get(request))
    }
}

/// A number in [0, 1).
fn jitter_fraction() -> f64 {
    (random_u64() >> 11) as f64 / (1u64 << 53) as f64
}
