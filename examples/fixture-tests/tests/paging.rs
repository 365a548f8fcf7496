//! Lists that page (`tests/fixtures/paging.yaml`): `items()` and `pages()` against the
//! recording server on 127.0.0.1, one scheme at a time. Each test checks the exact requests
//! (the cursor carried, the other parameters kept), where paging stops, and what a misbehaving
//! server gets.

#[path = "../../modbox-tests/tests/support/mod.rs"]
mod support;

use fixture_tests::paging::types::ProjectListSortBy;
use fixture_tests::paging::{Client, Error};
use support::{Reply, Server};

async fn client(replies: Vec<Reply>) -> (Server, Client) {
    let server = Server::start(replies).await;
    let client = Client::new().with_base_url(&server.base_url);
    (server, client)
}

fn targets(server: &Server) -> Vec<String> {
    server.requests().into_iter().map(|r| r.target).collect()
}

#[tokio::test]
async fn a_dropshot_list_carries_its_cursor_and_keeps_its_parameters() {
    let (server, client) = client(vec![
        Reply::json(
            200,
            r#"{"items": [{"id": "1", "name": "a"}, {"id": "2", "name": "b"}], "next_page": "t1"}"#,
        ),
        // A failing middle page is retried like any call.
        Reply::json(503, "{}"),
        Reply::json(
            200,
            r#"{"items": [{"id": "3", "name": "c"}], "next_page": "t/2+"}"#,
        ),
        Reply::json(
            200,
            r#"{"items": [{"id": "4", "name": "d"}], "next_page": null}"#,
        ),
    ])
    .await;
    let mut projects = client
        .project_list()
        .limit(2)
        .sort_by(ProjectListSortBy::NameAscending)
        .items();
    let mut names = Vec::new();
    while let Some(project) = projects.next().await {
        names.push(project.unwrap().name);
    }
    assert_eq!(names, ["a", "b", "c", "d"]);
    assert_eq!(
        targets(&server),
        [
            "/projects?limit=2&sort_by=name_ascending",
            "/projects?limit=2&sort_by=name_ascending&page_token=t1",
            "/projects?limit=2&sort_by=name_ascending&page_token=t1",
            // The cursor is a query value, encoded as one.
            "/projects?limit=2&sort_by=name_ascending&page_token=t%2F2%2B",
        ]
    );
}

#[tokio::test]
async fn a_link_header_leads_to_the_next_page_until_there_is_none() {
    let (server, client) = client(vec![
        Reply::json(200, r#"[{"number": 1}, {"number": 2}]"#).header(
            "link",
            r#"<{base}/repositories/7/issues?per_page=2&page=2>; rel="next", <{base}/repositories/7/issues?per_page=2&page=3>; rel="last""#,
        ),
        Reply::json(200, r#"[{"number": 3}, {"number": 4}]"#)
            .header("link", r#"</repositories/7/issues?per_page=2&page=3>; rel="next""#),
        Reply::json(200, r#"[{"number": 5}]"#)
            .header("link", r#"<{base}/repositories/7/issues?per_page=2&page=2>; rel="prev""#),
    ])
    .await;
    let mut pages = client
        .issues_list_for_repo("octo", "hello")
        .per_page(2)
        .pages();
    let mut sizes = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.unwrap();
        assert_eq!(page.status, 200);
        sizes.push(page.body.len());
    }
    assert_eq!(sizes, [2, 2, 1]);
    assert_eq!(
        targets(&server),
        [
            "/repos/octo/hello/issues?per_page=2",
            // Absolute or relative, the link is followed as the server wrote it.
            "/repositories/7/issues?per_page=2&page=2",
            "/repositories/7/issues?per_page=2&page=3",
        ]
    );
}

#[tokio::test]
async fn a_link_to_another_server_is_not_followed() {
    let (server, client) = client(vec![Reply::json(200, r#"[{"number": 1}]"#).header(
        "link",
        r#"<http://elsewhere.example/issues?page=2>; rel="next""#,
    )])
    .await;
    let mut issues = client.issues_list_for_repo("octo", "hello").items();
    assert!(issues.next().await.unwrap().is_ok());
    let error = issues.next().await.unwrap().unwrap_err();
    assert!(
        matches!(&error, Error::Protocol(m) if m.contains("elsewhere")),
        "{error:?}"
    );
    assert!(issues.next().await.is_none());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn stripe_lists_page_after_their_last_item_while_has_more() {
    let (server, client) = client(vec![
        Reply::json(200, r#"{"object": "list", "url": "/v1/customers", "has_more": true, "data": [{"id": "cus_1"}, {"id": "cus_2"}]}"#),
        Reply::json(200, r#"{"object": "list", "url": "/v1/customers", "has_more": false, "data": [{"id": "cus_3"}]}"#),
    ])
    .await;
    let mut customers = client.get_customers().limit(2).email("a@b.c").items();
    let mut ids = Vec::new();
    while let Some(customer) = customers.next().await {
        ids.push(customer.unwrap().id);
    }
    assert_eq!(ids, ["cus_1", "cus_2", "cus_3"]);
    assert_eq!(
        targets(&server),
        [
            "/v1/customers?limit=2&email=a%40b.c",
            "/v1/customers?limit=2&email=a%40b.c&starting_after=cus_2",
        ]
    );
}

#[tokio::test]
async fn a_stripe_list_read_backwards_pages_before_its_first_item() {
    let (server, client) = client(vec![
        Reply::json(200, r#"{"object": "list", "url": "/v1/customers", "has_more": true, "data": [{"id": "cus_7"}, {"id": "cus_8"}]}"#),
        Reply::json(200, r#"{"object": "list", "url": "/v1/customers", "has_more": false, "data": [{"id": "cus_6"}]}"#),
    ])
    .await;
    let mut pages = client.get_customers().ending_before("cus_9").pages();
    while let Some(page) = pages.next().await {
        page.unwrap();
    }
    // `ending_before` moves to the first item; `starting_after` is never sent with it.
    assert_eq!(
        targets(&server),
        [
            "/v1/customers?ending_before=cus_9",
            "/v1/customers?ending_before=cus_7",
        ]
    );
}

#[tokio::test]
async fn a_dropped_stream_sends_no_further_request() {
    let (server, client) = client(vec![Reply::json(
        200,
        r#"{"object": "list", "url": "/v1/customers", "has_more": true, "data": [{"id": "cus_1"}, {"id": "cus_2"}]}"#,
    )])
    .await;
    let mut customers = client.get_customers().items();
    assert_eq!(customers.next().await.unwrap().unwrap().id, "cus_1");
    drop(customers);
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_cursor_given_twice_stops_paging_with_an_error() {
    let page = r#"{"events": [{"id": "e"}], "meta": {"next_cursor": "same"}}"#;
    let (server, client) = client(vec![Reply::json(200, page)]).await;
    let mut events = client.list_events().kind("deploy").items();
    let mut seen = 0;
    let error = loop {
        match events
            .next()
            .await
            .expect("ends with an error, not silently")
        {
            Ok(_) => seen += 1,
            Err(e) => break e,
        }
    };
    assert!(
        matches!(&error, Error::Protocol(m) if m.contains("same")),
        "{error:?}"
    );
    assert!(events.next().await.is_none());
    assert_eq!(seen, 2);
    assert_eq!(
        targets(&server),
        ["/events?kind=deploy", "/events?kind=deploy&cursor=same"]
    );
}

#[tokio::test]
async fn an_offset_list_stops_at_its_total() {
    let (server, client) = client(vec![
        Reply::json(
            200,
            r#"{"items": [{"title": "a"}, {"title": "b"}], "total": 3}"#,
        ),
        Reply::json(200, r#"{"items": [{"title": "c"}], "total": 3}"#),
    ])
    .await;
    let mut songs = client.list_songs().limit(2).items();
    let mut titles = Vec::new();
    while let Some(song) = songs.next().await {
        titles.push(song.unwrap().title);
    }
    assert_eq!(titles, ["a", "b", "c"]);
    assert_eq!(
        targets(&server),
        ["/songs?limit=2", "/songs?limit=2&offset=2"]
    );
}

#[tokio::test]
async fn numbered_pages_stop_at_an_empty_page() {
    let (server, client) = client(vec![
        Reply::json(200, r#"{"albums": [{"name": "a"}]}"#),
        Reply::json(200, r#"{"albums": [{"name": "b"}]}"#),
        Reply::json(200, r#"{"albums": []}"#),
    ])
    .await;
    let mut albums = client.list_albums().size(1).items();
    let mut names = Vec::new();
    while let Some(album) = albums.next().await {
        names.push(album.unwrap().name);
    }
    assert_eq!(names, ["a", "b"]);
    assert_eq!(
        targets(&server),
        [
            "/albums?size=1",
            "/albums?size=1&page=2",
            "/albums?size=1&page=3"
        ]
    );
}

#[tokio::test]
async fn declared_cursors_of_speakeasy_and_fern_are_followed() {
    let (server, client) = client(vec![
        Reply::json(200, r#"{"tickets": [{"id": 1}], "paging": {"next": "c2"}}"#),
        Reply::json(200, r#"{"tickets": [{"id": 2}], "paging": {}}"#),
    ])
    .await;
    let mut tickets = client.list_tickets().items();
    let mut ids = Vec::new();
    while let Some(ticket) = tickets.next().await {
        ids.push(ticket.unwrap().id);
    }
    assert_eq!(ids, [1, 2]);
    assert_eq!(targets(&server), ["/tickets", "/tickets?after=c2"]);

    let (server, client) = self::client(vec![
        Reply::json(200, r#"{"notes": ["x"], "next": "n2"}"#),
        Reply::json(200, r#"{"notes": ["y"], "next": ""}"#),
    ])
    .await;
    let mut notes = client.list_notes().items();
    let mut all = Vec::new();
    while let Some(note) = notes.next().await {
        all.push(note.unwrap());
    }
    assert_eq!(all, ["x", "y"]);
    assert_eq!(targets(&server), ["/notes", "/notes?starting_from=n2"]);
}

#[tokio::test]
async fn a_failed_page_ends_the_stream_with_its_error() {
    let (server, client) = client(vec![
        Reply::json(
            200,
            r#"{"events": [{"id": "a"}], "meta": {"next_cursor": "c"}}"#,
        ),
        Reply::json(404, r#"{"message": "gone"}"#),
    ])
    .await;
    let mut events = client.list_events().items();
    assert!(events.next().await.unwrap().is_ok());
    let error = events.next().await.unwrap().unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert!(events.next().await.is_none());
    assert_eq!(server.requests().len(), 2);
}
