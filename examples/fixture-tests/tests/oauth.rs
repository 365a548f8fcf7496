//! OAuth2's client credentials flow as an SDK user meets it: one server on 127.0.0.1 is both
//! the token endpoint (`/oauth/token`, relative to the base URL in the fixture) and the API,
//! and answers by route from the test's own rules, so concurrency and timing are real.

#[path = "../../modbox-tests/tests/support/mod.rs"]
mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fixture_tests::oauth::{Client, Error};
use support::{read_request, Recorded};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

/// An answer: status, JSON body, and a delay before it.
type Answer = (u16, String, Duration);

struct App {
    base_url: String,
    recorded: Arc<Mutex<Vec<Recorded>>>,
}

impl App {
    /// Serves `rule` on 127.0.0.1, recording every request.
    async fn start(rule: impl Fn(&Recorded) -> Answer + Send + Sync + 'static) -> App {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let recorded = Arc::new(Mutex::new(Vec::new()));
        let rule = Arc::new(rule);
        let log = recorded.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut stream, _)) = listener.accept().await else {
                    return;
                };
                let (rule, log) = (rule.clone(), log.clone());
                tokio::spawn(async move {
                    let mut buffer = Vec::new();
                    while let Some(request) = read_request(&mut stream, &mut buffer).await {
                        let (status, body, delay) = rule(&request);
                        log.lock().unwrap().push(request);
                        tokio::time::sleep(delay).await;
                        let head = format!(
                            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                            body.len()
                        );
                        let sent = stream.write_all(head.as_bytes()).await;
                        if sent.is_err() || stream.write_all(body.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        App { base_url, recorded }
    }

    fn token_requests(&self) -> Vec<Recorded> {
        let all = self.recorded.lock().unwrap();
        all.iter()
            .filter(|r| r.target == "/oauth/token")
            .cloned()
            .collect()
    }

    fn client(&self, scopes: &[&str]) -> Client {
        Client::from_client_credentials("ada", "s3cret", scopes)
            .with_base_url(&self.base_url)
            .with_max_retries(0)
    }
}

fn token(value: &str, expires_in: Option<u64>) -> Answer {
    let expiry = expires_in.map_or(String::new(), |e| format!(r#", "expires_in": {e}"#));
    (
        200,
        format!(r#"{{"access_token": "{value}", "token_type": "Bearer"{expiry}}}"#),
        Duration::ZERO,
    )
}

fn ok(body: &str) -> Answer {
    (200, body.to_string(), Duration::ZERO)
}

/// The API's rule: `200 []` for a request bearing one of `valid`, else `401`.
fn api(request: &Recorded, valid: &[&str]) -> Answer {
    let bearer = request.header("authorization").unwrap_or_default();
    if valid.iter().any(|t| bearer == format!("Bearer {t}")) {
        ok("[]")
    } else {
        (401, r#"{"error": "invalid_token"}"#.into(), Duration::ZERO)
    }
}

#[tokio::test]
async fn a_token_is_fetched_once_with_basic_auth_cached_and_sent() {
    let app = App::start(|r| match r.target.as_str() {
        "/oauth/token" => token("t1", Some(3600)),
        "/health" => (204, String::new(), Duration::ZERO),
        _ => api(r, &["t1"]),
    })
    .await;
    let client = app.client(&["reports:read"]);
    client.health().await.unwrap();
    assert!(
        app.token_requests().is_empty(),
        "an open operation needs no token"
    );
    let health = app.recorded.lock().unwrap()[0].clone();
    assert_eq!(health.header("authorization"), None);
    client.list_reports().await.unwrap();
    client.list_reports().await.unwrap();
    let tokens = app.token_requests();
    assert_eq!(tokens.len(), 1, "cached");
    let request = &tokens[0];
    assert_eq!(request.method, "POST");
    // base64("ada:s3cret")
    assert_eq!(
        request.header("authorization"),
        Some("Basic YWRhOnMzY3JldA==")
    );
    assert_eq!(
        request.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        String::from_utf8_lossy(&request.body),
        "grant_type=client_credentials&scope=reports%3Aread"
    );
    // Neither the secret nor the token shows in the client's `Debug`.
    let shown = format!("{client:?}");
    assert!(
        !shown.contains("s3cret") && !shown.contains("t1"),
        "{shown}"
    );
}

#[tokio::test]
async fn a_hundred_calls_on_no_token_make_one_token_request() {
    let app = App::start(|r| match r.target.as_str() {
        "/oauth/token" => (
            token("t1", None).0,
            token("t1", None).1,
            Duration::from_millis(200),
        ),
        _ => api(r, &["t1"]),
    })
    .await;
    let client = app.client(&[]);
    let calls = (0..100).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.list_reports().await })
    });
    for call in calls.collect::<Vec<_>>() {
        call.await.unwrap().unwrap();
    }
    assert_eq!(app.token_requests().len(), 1, "single flight");
    // No scope asked for: none sent.
    assert_eq!(
        String::from_utf8_lossy(&app.token_requests()[0].body),
        "grant_type=client_credentials"
    );
}

#[tokio::test]
async fn a_refused_token_is_replaced_and_the_call_retried_once() {
    let issued = AtomicUsize::new(0);
    let app = App::start(move |r| match r.target.as_str() {
        "/oauth/token" => {
            let n = issued.fetch_add(1, Ordering::SeqCst) + 1;
            token(&format!("t{n}"), Some(3600))
        }
        // t1 is revoked early; t2 works; t3 on is refused too.
        _ => api(r, &["t2"]),
    })
    .await;
    let client = app.client(&[]);
    // t1 refused, t2 fetched, the call sent again: a POST too, since its body can be resent.
    client.list_reports().await.unwrap();
    let body = fixture_tests::oauth::types::CreateReportBody { name: None };
    client.create_report(&body).await.unwrap();
    assert_eq!(app.token_requests().len(), 2);
    let api_calls = app.recorded.lock().unwrap().len() - 2;
    assert_eq!(api_calls, 3, "list: t1 refused, t2 ok; create: t2 ok");
}

#[tokio::test]
async fn a_server_that_refuses_every_token_gets_one_retry_not_a_loop() {
    let app = App::start(|r| match r.target.as_str() {
        "/oauth/token" => token("t", Some(3600)),
        _ => api(r, &[]),
    })
    .await;
    let err = app.client(&[]).list_reports().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(
        app.token_requests().len(),
        2,
        "the first, and one replacement"
    );
}

#[tokio::test]
async fn a_token_is_replaced_before_it_expires() {
    let issued = AtomicUsize::new(0);
    let app = App::start(move |r| match r.target.as_str() {
        "/oauth/token" => {
            let n = issued.fetch_add(1, Ordering::SeqCst) + 1;
            token(&format!("t{n}"), Some(2))
        }
        _ => api(r, &["t1", "t2"]),
    })
    .await;
    let client = app.client(&[]);
    client.list_reports().await.unwrap();
    client.list_reports().await.unwrap();
    assert_eq!(app.token_requests().len(), 1);
    // A 2 s token is replaced a second before its end at the latest (0.6 s after it came at
    // the earliest, with the jitter), so the calls above used one token however slow.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    client.list_reports().await.unwrap();
    assert_eq!(app.token_requests().len(), 2);
}

#[tokio::test]
async fn a_failed_refresh_keeps_a_valid_token_and_never_poisons_the_client() {
    let issued = AtomicUsize::new(0);
    let app = App::start(move |r| match r.target.as_str() {
        "/oauth/token" => match issued.fetch_add(1, Ordering::SeqCst) {
            0 => token("t1", Some(4)),
            1 | 2 => (
                503,
                r#"{"error": "temporarily_unavailable"}"#.into(),
                Duration::ZERO,
            ),
            _ => token("t2", Some(3600)),
        },
        _ => api(r, &["t1", "t2"]),
    })
    .await;
    let client = app.client(&[]);
    client.list_reports().await.unwrap();
    // Past its refresh time (1.2 to 2 s), before its end (4 s): the refresh fails, and the
    // token that still works is used.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    client.list_reports().await.unwrap();
    assert_eq!(app.token_requests().len(), 2);
    // Past its end: the next refresh fails too, and now the call fails, saying why.
    tokio::time::sleep(Duration::from_millis(2000)).await;
    match client.list_reports().await {
        Err(Error::Token(why)) => {
            assert!(
                why.contains("503") && why.contains("temporarily_unavailable"),
                "{why}"
            );
            assert!(!why.contains("s3cret"), "{why}");
        }
        other => panic!("expected a token error, got {other:?}"),
    }
    // Not poisoned: the next call asks again, and works.
    client.list_reports().await.unwrap();
    assert_eq!(app.token_requests().len(), 4);
}

#[tokio::test]
async fn a_server_that_refuses_basic_gets_the_credentials_in_the_form_from_then_on() {
    let app = App::start(|r| match r.target.as_str() {
        "/oauth/token" if r.header("authorization").is_some() => {
            (401, r#"{"error": "invalid_client"}"#.into(), Duration::ZERO)
        }
        "/oauth/token" => {
            let form = String::from_utf8_lossy(&r.body).into_owned();
            if form.contains("client_id=ada") && form.contains("client_secret=s3cret") {
                token("t1", Some(1))
            } else {
                (
                    400,
                    r#"{"error": "invalid_request"}"#.into(),
                    Duration::ZERO,
                )
            }
        }
        _ => api(r, &["t1"]),
    })
    .await;
    let client = app.client(&[]);
    client.list_reports().await.unwrap();
    assert_eq!(
        app.token_requests().len(),
        2,
        "basic refused, then the form"
    );
    tokio::time::sleep(Duration::from_millis(600)).await;
    client.list_reports().await.unwrap();
    let tokens = app.token_requests();
    assert_eq!(tokens.len(), 3, "the form straight away");
    assert_eq!(tokens[2].header("authorization"), None);
}

#[tokio::test]
async fn any_token_source_plugs_in_as_a_provider() {
    use fixture_tests::oauth::runtime::{TokenFuture, TokenProvider, TokenRequest};
    struct Vault(AtomicUsize);
    impl TokenProvider for Vault {
        fn token<'a>(&'a self, request: TokenRequest<'a>) -> TokenFuture<'a> {
            let n = self.0.fetch_add(1, Ordering::SeqCst);
            let stale = request.stale.map(str::to_string);
            Box::pin(async move {
                // Told which token was refused, it gives the next one.
                Ok(match stale.as_deref() {
                    Some("t1") => "t2".to_string(),
                    _ => format!("t{}", n + 1),
                })
            })
        }
    }
    let app = App::start(|r| api(r, &["t2"])).await;
    let client = Client::from_client_credentials("unused", "unused", &[])
        .with_token_provider(Vault(AtomicUsize::new(0)))
        .with_base_url(&app.base_url);
    client.list_reports().await.unwrap();
    let sent = app.recorded.lock().unwrap().clone();
    let bearers: Vec<_> = sent.iter().map(|r| r.header("authorization")).collect();
    assert_eq!(bearers, [Some("Bearer t1"), Some("Bearer t2")]);
}

/// A client given a transport of its own sends its token requests through it too: a test
/// transport answers the token endpoint and the API, and no socket opens (the base URL is a
/// listener that must see no connection).
#[tokio::test]
async fn token_requests_go_through_the_clients_own_transport() {
    use fixture_tests::oauth::{Transport, TransportFuture};

    struct Answering {
        seen: Arc<Mutex<Vec<String>>>,
    }
    impl Transport for Answering {
        fn send(&self, request: reqwest::Request) -> TransportFuture<'_> {
            let auth = request
                .headers()
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string();
            self.seen.lock().unwrap().push(format!(
                "{} {} {auth}",
                request.method(),
                request.url().path()
            ));
            let body = match request.url().path() {
                "/oauth/token" => r#"{"access_token": "t9", "expires_in": 3600}"#,
                _ => "[]",
            };
            let response = http::Response::builder()
                .status(200)
                .header("content-type", "application/json")
                .body(body)
                .unwrap();
            Box::pin(async move { Ok(reqwest::Response::from(response)) })
        }
    }

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let client = Client::from_client_credentials("ada", "s3cret", &[])
        .with_base_url(&base_url)
        .with_transport(Answering { seen: seen.clone() });
    client.list_reports().await.unwrap();
    client.list_reports().await.unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        [
            "POST /oauth/token Basic YWRhOnMzY3JldA==",
            "GET /reports Bearer t9",
            "GET /reports Bearer t9",
        ]
    );
    let accepted = tokio::time::timeout(Duration::from_millis(300), listener.accept()).await;
    assert!(accepted.is_err(), "a connection reached the listener");
}
