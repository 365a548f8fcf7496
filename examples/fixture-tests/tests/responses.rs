//! Success statuses with different bodies each decode as their own variant; error statuses,
//! ranges and `default` give the typed error body.

#[path = "../../modbox-tests/tests/support/mod.rs"]
mod support;

use fixture_tests::responses::types::{Problem, Result as JobResult, StartJobResponse, Ticket};
use fixture_tests::responses::{Client, Error, ErrorBody};
use support::{Reply, Server};

fn client(server: &Server) -> Client {
    Client::new()
        .with_base_url(&server.base_url)
        .with_max_retries(0)
}

#[tokio::test]
async fn each_success_status_is_its_own_variant() {
    let server = Server::start(vec![
        Reply::json(200, r#"{"value": 42}"#),
        Reply::json(202, r#"{"ticket": "t-1"}"#),
        Reply::text(204, ""),
    ])
    .await;
    let c = client(&server);
    assert_eq!(
        c.start_job().await.unwrap(),
        StartJobResponse::Ok(JobResult {
            value: 42,
            additional_properties: Default::default()
        })
    );
    assert_eq!(
        c.start_job().await.unwrap(),
        StartJobResponse::Accepted(Ticket {
            ticket: "t-1".into(),
            additional_properties: Default::default()
        })
    );
    assert_eq!(c.start_job().await.unwrap(), StartJobResponse::NoContent);
}

#[tokio::test]
async fn an_undocumented_2xx_is_unexpected_and_a_range_gives_the_typed_error() {
    let server = Server::start(vec![
        Reply::json(201, "{}"),
        Reply::json(409, r#"{"title": "busy"}"#),
    ])
    .await;
    let c = client(&server);
    let err = c.start_job().await.unwrap_err();
    assert!(
        matches!(err, Error::UnexpectedStatus { status, .. } if status == 201),
        "{err:?}"
    );
    let err = c.start_job().await.unwrap_err();
    let Error::Api {
        status,
        body: ErrorBody::Problem(problem),
        ..
    } = err
    else {
        panic!("{err:?}")
    };
    assert_eq!(status, 409);
    assert_eq!(
        *problem,
        Problem {
            title: Some("busy".into()),
            ..Default::default()
        }
    );
}

#[tokio::test]
async fn text_success_and_a_default_error() {
    let server = Server::start(vec![
        Reply::text(200, "line 1\nline 2"),
        Reply::json(500, r#"{"title": "down"}"#),
    ])
    .await;
    let c = client(&server);
    assert_eq!(c.get_log("j").await.unwrap(), "line 1\nline 2");
    let err = c.get_log("j").await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Api {
                body: ErrorBody::Problem(_),
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn text_is_decoded_in_the_charset_the_answer_names() {
    // "café" in ISO-8859-1 is not UTF-8: read as UTF-8 the é would be lost.
    let latin1 = Reply {
        headers: vec![(
            "content-type".into(),
            "text/plain; charset=ISO-8859-1".into(),
        )],
        body: b"caf\xe9".to_vec(),
        ..Reply::text(200, "")
    };
    let server = Server::start(vec![latin1, Reply::text(200, "naïve")]).await;
    let c = client(&server);
    assert_eq!(c.get_log("j").await.unwrap(), "café");
    assert_eq!(c.get_log("j").await.unwrap(), "naïve");
}
