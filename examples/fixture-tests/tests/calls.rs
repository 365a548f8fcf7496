//! How a user calls operations: required parameters by position, optional ones by name on the
//! request builder (none, one or all of them), `.await` or `send()`, and
//! `send_with_response()` for the status and the typed headers the spec declares. Against a
//! real HTTP server on 127.0.0.1 that records what it got.

#[path = "../../modbox-tests/tests/support/mod.rs"]
mod support;

use fixture_tests::calls::types::{
    Direction, Issue, IssueState, IssuesListForRepoState, Label, ReposListForAuthenticatedUserSort,
};
use fixture_tests::calls::Client;
use support::{Reply, Server};

const ISSUES: &str = r#"[{"number": 1, "title": "Bug"}]"#;

async fn client(replies: Vec<Reply>) -> (Server, Client) {
    let server = Server::start(replies).await;
    let client = Client::new().with_base_url(&server.base_url);
    (server, client)
}

#[tokio::test]
async fn no_optional_parameter_sends_none() {
    let (server, client) = client(vec![Reply::json(200, ISSUES)]).await;
    let issues: Vec<Issue> = client.issues_list_for_repo("octo", "hello").await.unwrap();
    assert_eq!(issues[0].title, "Bug");
    assert_eq!(server.requests()[0].target, "/repos/octo/hello/issues");
}

#[tokio::test]
async fn one_optional_parameter_is_set_by_name() {
    let (server, client) = client(vec![Reply::json(200, ISSUES)]).await;
    client
        .issues_list_for_repo("octo", "hello")
        .state(IssuesListForRepoState::Closed)
        .send()
        .await
        .unwrap();
    assert_eq!(
        server.requests()[0].target,
        "/repos/octo/hello/issues?state=closed"
    );
}

#[tokio::test]
async fn every_optional_parameter_goes_where_the_spec_puts_it() {
    let (server, client) = client(vec![Reply::json(200, ISSUES)]).await;
    let since = chrono::DateTime::parse_from_rfc3339("2024-05-01T10:00:00Z")
        .unwrap()
        .to_utc();
    #[allow(deprecated)]
    let request = client
        .issues_list_for_repo("octo", "hello")
        .x_request_tag("t-1")
        .per_page(100)
        .since(since)
        .direction(Direction::Desc)
        .labels("bug,ui")
        .state(IssuesListForRepoState::All)
        .sort_by("created");
    request.await.unwrap();
    let sent = &server.requests()[0];
    // In the spec's order, whatever order the setters were called in.
    assert_eq!(
        sent.target,
        "/repos/octo/hello/issues?state=all&labels=bug%2Cui&direction=desc\
         &since=2024-05-01T10%3A00%3A00Z&per_page=100&sort_by=created"
    );
    assert_eq!(sent.header("x-request-tag"), Some("t-1"));
}

#[tokio::test]
async fn declared_headers_are_typed_and_the_raw_ones_stay() {
    let reply = Reply::json(200, ISSUES)
        .header("Link", "<https://api.example.com/x?page=2>; rel=\"next\"")
        .header("X-RateLimit-Remaining", "42")
        .header("ETag", "\"abc\"")
        .header("X-Expires", "2030-01-01T00:00:00Z")
        .header("X-Other", "kept");
    let (_server, client) = client(vec![reply]).await;
    let response = client
        .issues_list_for_repo("octo", "hello")
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.body.len(), 1);
    let headers = &response.headers;
    assert_eq!(
        headers.link.as_deref(),
        Some("<https://api.example.com/x?page=2>; rel=\"next\"")
    );
    assert_eq!(headers.x_rate_limit_remaining, Some(42));
    assert_eq!(headers.e_tag.as_deref(), Some("\"abc\""));
    assert_eq!(
        headers.x_expires.map(|t| t.to_rfc3339()),
        Some("2030-01-01T00:00:00+00:00".to_string())
    );
    assert_eq!(response.raw_headers["x-other"], "kept");
}

#[tokio::test]
async fn a_missing_or_unreadable_header_is_none_and_never_fails_the_call() {
    let reply = Reply::json(200, ISSUES)
        .header("X-RateLimit-Remaining", "plenty")
        .header("X-Expires", "tomorrow");
    let (_server, client) = client(vec![reply]).await;
    let response = client
        .issues_list_for_repo("octo", "hello")
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(response.headers.x_rate_limit_remaining, None);
    assert_eq!(response.headers.x_expires, None);
    assert_eq!(response.headers.link, None);
    assert_eq!(response.raw_headers["x-ratelimit-remaining"], "plenty");
}

#[tokio::test]
async fn an_operation_without_declared_headers_still_gives_status_and_headers() {
    let reply = Reply::json(200, r#"["a", "b"]"#).header("X-Trace", "t");
    let (server, client) = client(vec![reply]).await;
    let response = client
        .repos_list_for_authenticated_user()
        .direction(Direction::Asc)
        .sort(ReposListForAuthenticatedUserSort::Newest)
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(response.body, ["a", "b"]);
    assert_eq!(response.headers, ());
    assert_eq!(response.raw_headers["x-trace"], "t");
    // `x-enum-varnames` names the variants; the values go on the wire.
    assert_eq!(
        server.requests()[0].target,
        "/user/repos?sort=-created&direction=asc"
    );
}

#[tokio::test]
async fn naming_extensions_name_the_methods_and_parameters() {
    let reply = Reply::text(201, "").header("Location", "/adoptions/9");
    let (server, client) = client(vec![Reply::text(204, ""), reply]).await;
    // `x-speakeasy-name-override` on the operation and on its parameter.
    #[allow(deprecated)]
    client.old_search("cats").await.unwrap();
    // `x-fern-sdk-group-name` and `x-fern-sdk-method-name`.
    let adopted = client.pets_adopt(7).send_with_response().await.unwrap();
    assert_eq!(adopted.headers.location.as_deref(), Some("/adoptions/9"));
    let requests = server.requests();
    assert_eq!(requests[0].target, "/search/legacy?q=cats");
    assert_eq!(requests[1].target, "/pets/7/adopt");
}

#[test]
fn properties_and_schemas_named_by_extension_keep_their_wire_names() {
    let issue: Issue = fixture_tests::round_trip(serde_json::json!({
        "number": 2, "title": "t", "closer": "octocat", "state": "closed",
        "labels": [{"name": "bug"}]
    }));
    assert_eq!(issue.closed_by_login.as_deref(), Some("octocat"));
    // `x-speakeasy-name-override` names the property it sits on (its inline enum is named
    // from the wire name) and the component it sits on.
    assert_eq!(issue.status, Some(IssueState::Closed));
    let labels: &Vec<Label> = issue.labels.as_ref().unwrap();
    assert_eq!(labels[0].name.as_deref(), Some("bug"));
}

/// A call whose operation declares an idempotency key sends one (the caller's, or a fresh
/// random one), the same on every attempt, and is retried like a `GET` though it is a `POST`.
#[tokio::test]
async fn an_idempotency_key_is_one_per_call_across_retries_and_makes_a_post_retried() {
    use fixture_tests::calls::types::CreateChargeBody;
    let created = || Reply::json(201, r#"{"id": "ch_1"}"#);
    let (server, client) = client(vec![
        Reply::json(503, "{}"),
        Reply::json(503, "{}"),
        created(),
        created(),
        created(),
    ])
    .await;
    let body = CreateChargeBody { amount: Some(100) };
    let charge = client.create_charge(&body).await.unwrap();
    assert_eq!(charge.id.as_deref(), Some("ch_1"));
    client.create_charge(&body).await.unwrap();
    client
        .create_charge(&body)
        .idempotency_key("mine-1")
        .await
        .unwrap();
    let sent = server.requests();
    let keys: Vec<&str> = sent
        .iter()
        .map(|r| r.header("idempotency-key").expect("a key on every attempt"))
        .collect();
    assert_eq!(
        keys.len(),
        5,
        "503, 503, 201: three attempts, then two calls"
    );
    assert!(keys[0] == keys[1] && keys[1] == keys[2], "{keys:?}");
    assert_ne!(keys[2], keys[3], "a new call has a new key");
    assert_eq!(keys[4], "mine-1");
    // A random UUID v4, not a counter.
    let key = keys[0].as_bytes();
    assert_eq!(
        (key.len(), key[14], key[8]),
        (36, b'4', b'-'),
        "{}",
        keys[0]
    );
}

#[tokio::test]
async fn a_fern_idempotent_operation_sends_the_documents_header_and_others_send_none() {
    let (server, client) = client(vec![
        Reply::json(503, "{}"),
        Reply::json(201, "{}"),
        Reply::json(200, "{}"),
        Reply::json(204, ""),
    ])
    .await;
    // `x-fern-idempotent`: the document's `X-Request-Key`, made an optional parameter; the
    // POST is retried after its 503, with the same key.
    client.create_refund().await.unwrap();
    let _named_as_the_extension_says = client.create_refund().request_key("k");
    client.list_charges().await.unwrap();
    client.delete_refunds().await.unwrap();
    let sent = server.requests();
    assert_eq!(sent.len(), 4);
    assert!(sent[0].header("x-request-key").is_some());
    assert_eq!(
        sent[0].header("x-request-key"),
        sent[1].header("x-request-key")
    );
    for other in &sent[2..] {
        assert_eq!(other.header("x-request-key"), None);
        assert_eq!(other.header("idempotency-key"), None);
    }
}
