//! Parameter styles on the wire: `form` (exploded or not), `spaceDelimited`, `pipeDelimited`,
//! `deepObject`, objects in the query, and `simple`, `label`, `matrix` paths.

#[path = "../../modbox-tests/tests/support/mod.rs"]
mod support;

use fixture_tests::parameter_styles::types::{QueryFilter, QueryPoint};
use fixture_tests::parameter_styles::Client;
use support::{Reply, Server};

#[tokio::test]
async fn query_styles() {
    let server = Server::start(vec![Reply::text(204, "")]).await;
    let client = Client::new().with_base_url(&server.base_url);
    let strings = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    client
        .query()
        .exploded(&strings(&["a b", "c"]))
        .compact(&strings(&["x,y", "z"]))
        .spaced(&[1, 2])
        .piped(&[3, 4])
        .filter(QueryFilter {
            color: Some("red".into()),
            size: Some(2),
        })
        .point(QueryPoint {
            x: Some(1),
            y: None,
        })
        .await
        .unwrap();
    assert_eq!(
        server.requests()[0].target,
        "/query?exploded=a%20b&exploded=c&compact=x%2Cy,z&spaced=1%202&piped=3|4\
         &filter%5Bcolor%5D=red&filter%5Bsize%5D=2&x=1"
    );
}

#[tokio::test]
async fn path_styles() {
    let server = Server::start(vec![Reply::text(204, "")]).await;
    let client = Client::new().with_base_url(&server.base_url);
    let strings = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    client
        .path(
            &[3, 4],
            &strings(&["a", "b/c"]),
            &strings(&["x", "y"]),
            &strings(&["p", "q"]),
        )
        .await
        .unwrap();
    assert_eq!(
        server.requests()[0].target,
        "/simple/3,4/label/.a,b%2Fc/matrix/;m=x,y/exploded/;me=p;me=q"
    );
}

#[tokio::test]
async fn no_operation_id_header_lists_and_cookies() {
    let server = Server::start(vec![Reply::text(204, "")]).await;
    let client = Client::new().with_base_url(&server.base_url);
    let tags = vec!["a".to_string(), "b c".to_string()];
    // Named from the method and the path's words.
    client
        .get_no_operation_id_id(7)
        .x_tags(&tags)
        .theme("dark; x=1")
        .await
        .unwrap();
    let sent = &server.requests()[0];
    assert_eq!(sent.target, "/no-operation-id/7");
    assert_eq!(sent.header("x-tags"), Some("a,b c"));
    assert_eq!(sent.header("cookie"), Some("theme=dark%3B%20x%3D1"));
}
