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
