//! What the generated client sends and how it reads answers, against a recording HTTP server
//! on 127.0.0.1. Assertions are on the exact bytes the server received.

mod sandbox;
mod support;

use std::time::{Duration, Instant};

use modbox::runtime::{self, Auth};
use modbox::types::{SandboxImageDetail, SandboxImageUpdate, ValidationErrorLocItems};
use modbox::{Client, Error, ErrorBody, Nullable, RequestOptions};
use sandbox::{detail_json, id, ID, TOKEN};
use serde_json::json;
use support::{Reply, Server};

fn ok() -> Reply {
    Reply::json(200, &detail_json().to_string())
}

fn client(server: &Server) -> Client {
    Client::new(TOKEN).with_base_url(&server.base_url)
}

#[tokio::test]
async fn tri_state_body_auth_and_path_are_sent_exactly() {
    let server = Server::start(vec![ok()]).await;
    let update = SandboxImageUpdate {
        description: Nullable::Null,
        memory_mb: Nullable::Value(2048),
        ..Default::default()
    };
    let detail = client(&server)
        .update_sandbox_image(id(), &update)
        .await
        .unwrap();
    assert_eq!(detail.memory_mb, 512);

    let [request] = server.requests().try_into().unwrap();
    assert_eq!(request.method, "PUT");
    assert_eq!(request.target, format!("/sandbox-images/{ID}"));
    assert_eq!(request.body, br#"{"description":null,"memory_mb":2048}"#);
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(
        request.header("authorization"),
        Some("Bearer tok-SECRET-42")
    );
    assert_eq!(request.header_count("authorization"), 1);
    assert_eq!(request.header("user-agent"), Some(modbox::USER_AGENT));
    assert!(modbox::USER_AGENT.starts_with("modbox/1.0.0"));
}

#[tokio::test]
async fn an_optional_body_left_out_sends_no_body_and_no_content_type() {
    let server = Server::start(vec![ok()]).await;
    client(&server)
        .update_sandbox_image(id(), None)
        .await
        .unwrap();
    let [request] = server.requests().try_into().unwrap();
    assert!(request.body.is_empty());
    assert_eq!(request.header("content-type"), None);
    assert_ne!(
        request.header("content-length"),
        Some("4"),
        "no `null` body"
    );
}

#[tokio::test]
async fn a_200_with_nulls_and_absent_fields_decodes_and_round_trips() {
    let server = Server::start(vec![ok()]).await;
    let detail: SandboxImageDetail = client(&server)
        .update_sandbox_image(id(), &SandboxImageUpdate::default())
        .await
        .unwrap();
    assert_eq!(detail.description, None);
    assert_eq!(detail.ttl_seconds, Nullable::Null);
    assert_eq!(detail.readiness_port, Nullable::Absent);
    assert_eq!(serde_json::to_value(&detail).unwrap(), detail_json());
}

#[tokio::test]
async fn a_documented_422_gives_the_typed_body() {
    let body = r#"{"detail":[{"loc":["body","memory_mb"],"msg":"Input should be a valid integer","type":"int_parsing"}]}"#;
    let server = Server::start(vec![Reply::json(422, body)]).await;
    let err = client(&server)
        .update_sandbox_image(id(), &SandboxImageUpdate::default())
        .await
        .unwrap_err();
    let Error::Api {
        status,
        body: ErrorBody::HttpValidationError(v),
        ..
    } = &err
    else {
        panic!("expected a typed 422, got {err:?}");
    };
    assert_eq!(status.as_u16(), 422);
    let detail = v.detail.as_ref().unwrap();
    assert_eq!(
        detail[0].loc[1],
        ValidationErrorLocItems::String("memory_mb".into())
    );
    assert_eq!(detail[0].type_, "int_parsing");
    assert_eq!(server.requests().len(), 1, "422 is not retried");
    assert!(!format!("{err} {err:?}").contains(TOKEN));
}

#[tokio::test]
async fn problem_json_counts_as_json() {
    let body = r#"{"detail":[{"loc":[0],"msg":"m","type":"t"}]}"#;
    let server = Server::start(vec![Reply {
        headers: vec![(
            "content-type".into(),
            "application/problem+json; charset=utf-8".into(),
        )],
        ..Reply::json(422, body)
    }])
    .await;
    let err = client(&server)
        .update_sandbox_image(id(), None)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Api {
                body: ErrorBody::HttpValidationError(_),
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_500_with_a_text_body_keeps_the_text() {
    let server = Server::start(vec![Reply::text(500, "upstream exploded")]).await;
    let err = client(&server)
        .with_max_retries(0)
        .update_sandbox_image(id(), None)
        .await
        .unwrap_err();
    let Error::UnexpectedStatus { status, body, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(status.as_u16(), 500);
    assert_eq!(body, "upstream exploded");
    assert!(err.to_string().contains("upstream exploded"));
    assert_eq!(
        server.requests().len(),
        1,
        "max_retries(0) turns retries off"
    );
}

#[tokio::test]
async fn an_undocumented_status_keeps_status_headers_and_a_bounded_body() {
    let big = "x".repeat(runtime::MAX_ERROR_BODY * 3);
    let server = Server::start(vec![Reply::text(418, &big).header("x-request-id", "r-1")]).await;
    let err = client(&server)
        .update_sandbox_image(id(), None)
        .await
        .unwrap_err();
    let Error::UnexpectedStatus {
        status,
        headers,
        body,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(status.as_u16(), 418);
    assert_eq!(headers["x-request-id"], "r-1");
    assert!(
        body.len() <= runtime::MAX_ERROR_BODY + 16 * 1024 && body.len() >= runtime::MAX_ERROR_BODY
    );
}

#[tokio::test]
async fn a_body_that_does_not_match_names_the_field() {
    let mut bad = detail_json();
    bad["memory_mb"] = json!("lots");
    let server = Server::start(vec![Reply::json(200, &bad.to_string())]).await;
    let err = client(&server)
        .update_sandbox_image(id(), None)
        .await
        .unwrap_err();
    let Error::Decode { path, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(path, "memory_mb");
    assert!(err.to_string().contains("memory_mb"));
}

#[tokio::test]
async fn a_503_then_200_is_retried_once() {
    let server = Server::start(vec![Reply::text(503, "busy"), ok()]).await;
    client(&server)
        .update_sandbox_image(id(), None)
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].target, requests[1].target);
    assert_eq!(
        requests[1].header("authorization"),
        Some("Bearer tok-SECRET-42")
    );
}

#[tokio::test]
async fn a_429_with_retry_after_is_waited_out() {
    let server = Server::start(vec![
        Reply::text(429, "slow down").header("retry-after", "1"),
        ok(),
    ])
    .await;
    let started = Instant::now();
    client(&server)
        .update_sandbox_image(id(), None)
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_retry_after_longer_than_the_cap_returns_the_429() {
    let server = Server::start(vec![
        Reply::text(429, "later").header("retry-after", "3600"),
        ok(),
    ])
    .await;
    let err = client(&server)
        .update_sandbox_image(id(), None)
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn retries_stop_after_the_configured_count() {
    let server = Server::start(vec![Reply::text(502, "bad gateway")]).await;
    let err = client(&server)
        .with_max_retries(1)
        .update_sandbox_image(id(), None)
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_slow_response_times_out() {
    let server = Server::start(vec![ok().delayed(Duration::from_secs(3))]).await;
    let started = Instant::now();
    let err = client(&server)
        .with_timeout(Duration::from_millis(300))
        .update_sandbox_image(id(), None)
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(!format!("{err} {err:?}").contains(TOKEN));
}

#[tokio::test]
async fn per_request_options_add_headers_and_override_the_timeout() {
    let server = Server::start(vec![ok().delayed(Duration::from_millis(400))]).await;
    let client = client(&server).with_timeout(Duration::from_millis(100));
    let options = RequestOptions::new()
        .header("x-trace", "t-1")
        .timeout(Duration::from_secs(5));
    client
        .with_options(options)
        .update_sandbox_image(id(), None)
        .await
        .unwrap();
    assert_eq!(server.requests()[0].header("x-trace"), Some("t-1"));
    // The client itself is unchanged.
    assert!(client
        .update_sandbox_image(id(), None)
        .await
        .unwrap_err()
        .is_timeout());
}

#[tokio::test]
async fn a_header_value_with_a_newline_is_an_error_not_an_injection() {
    let server = Server::start(vec![ok()]).await;
    let options = RequestOptions::new().header("x-trace", "a\r\nx-injected: 1");
    let err = client(&server)
        .with_options(options)
        .update_sandbox_image(id(), None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    assert!(server.requests().is_empty(), "nothing may be sent");
}

#[tokio::test]
async fn a_redirect_to_another_port_does_not_forward_the_token() {
    let target = Server::start(vec![ok()]).await;
    let redirect =
        Reply::text(307, "").header("location", &format!("{}/elsewhere", target.base_url));
    let origin = Server::start(vec![redirect]).await;
    client(&origin)
        .update_sandbox_image(id(), None)
        .await
        .unwrap();
    let [first] = origin.requests().try_into().unwrap();
    assert_eq!(first.header("authorization"), Some("Bearer tok-SECRET-42"));
    let [followed] = target.requests().try_into().unwrap();
    assert_eq!(followed.target, "/elsewhere");
    assert_eq!(followed.header("authorization"), None);
}

#[tokio::test]
async fn a_connection_error_is_retried_then_reported() {
    // Bind and drop, so the port is (almost certainly) closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = Client::new(TOKEN)
        .with_base_url(format!("http://127.0.0.1:{port}"))
        .with_max_retries(1)
        .update_sandbox_image(id(), None)
        .await
        .unwrap_err();
    let Error::Transport(e) = &err else {
        panic!("{err:?}")
    };
    // What a caller can ask of it, whichever transport sent the request.
    assert!(e.is_connect() && !e.is_timeout(), "{e:?}");
    let url = e.url().expect("reqwest's error keeps the URL");
    assert_eq!(url.port(), Some(port));
    assert!(e.reqwest().is_some());
    assert!(std::error::Error::source(&err).is_some());
    assert!(!format!("{err} {err:?}").contains(TOKEN));
}

/// Sends a request through the SDK's runtime with a string path parameter and queries, as an
/// operation with those parameters does.
async fn send_raw(
    server: &Server,
    segment: &str,
    build: impl FnOnce(&mut runtime::Request),
) -> Result<(), Error> {
    let path = format!(
        "/items/{}",
        runtime::path_segment::<_, ErrorBody>("name", &segment)?
    );
    let mut request = runtime::Request::new(
        "raw",
        reqwest::Method::GET,
        "/raw/{id}",
        path,
        &[&[Auth::Bearer]],
    );
    build(&mut request);
    let mut core = runtime::Core::new(&server.base_url, "t");
    core.set_bearer(TOKEN.into());
    core.execute::<ErrorBody>(request, &[]).await.map(drop)
}

#[tokio::test]
async fn path_parameters_are_one_percent_encoded_segment() {
    let server = Server::start(vec![ok()]).await;
    send_raw(&server, "a b/../c?d#e%f+g~h-i.j_k", |_| {})
        .await
        .unwrap();
    send_raw(&server, "naïve ü", |_| {}).await.unwrap();
    send_raw(&server, "..a", |_| {}).await.unwrap();
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(
        targets,
        [
            "/items/a%20b%2F..%2Fc%3Fd%23e%25f%2Bg~h-i.j_k",
            "/items/na%C3%AFve%20%C3%BC",
            "/items/..a",
        ]
    );
}

#[tokio::test]
async fn dot_segments_cannot_change_the_path() {
    let server = Server::start(vec![ok()]).await;
    for segment in ["..", ".", ""] {
        let err = send_raw(&server, segment, |_| {}).await.unwrap_err();
        assert!(
            matches!(err, Error::InvalidRequest(_)),
            "{segment:?}: {err:?}"
        );
    }
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn query_parameters_are_encoded_and_left_out_when_none() {
    let server = Server::start(vec![ok()]).await;
    send_raw(&server, "x", |r| {
        r.query("q", &"a b&c=d+é");
        r.query("missing", &None::<&str>);
        r.query("n", &Some(5));
        r.query("tags", &["x", "y z"]);
        r.query("flag", &true);
    })
    .await
    .unwrap();
    assert_eq!(
        server.requests()[0].target,
        "/items/x?q=a%20b%26c%3Dd%2B%C3%A9&n=5&tags=x&tags=y%20z&flag=true"
    );
}

#[tokio::test]
async fn header_parameters_with_a_newline_are_refused() {
    let server = Server::start(vec![ok()]).await;
    let err = send_raw(&server, "x", |r| r.header("x-name", &"evil\nx-admin: 1"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    send_raw(&server, "x", |r| r.header("x-name", &"fine value"))
        .await
        .unwrap();
    assert_eq!(server.requests()[0].header("x-name"), Some("fine value"));
}

#[test]
fn an_error_is_small_enough_to_return_from_any_function() {
    // clippy's `result_large_err` fires at 128 bytes on every user function returning it.
    let size = std::mem::size_of::<Error>();
    assert!(size <= 128, "modbox::Error is {size} bytes");
}
