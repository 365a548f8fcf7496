//! Request and response bodies other than JSON, on the wire: a real HTTP server on 127.0.0.1
//! records exactly what the client sends.

#[path = "../../modbox-tests/tests/support/mod.rs"]
mod support;

use fixture_tests::bodies::runtime::File;
use fixture_tests::bodies::types::{LoginBody, NewPet, UploadPhotoBody};
use fixture_tests::bodies::Client;
use support::{Reply, Server};

fn empty(status: u16) -> Reply {
    Reply {
        status,
        headers: Vec::new(),
        body: Vec::new(),
        delay: std::time::Duration::ZERO,
        forward_to: None,
    }
}

fn client(server: &Server) -> Client {
    Client::new()
        .with_base_url(&server.base_url)
        .with_max_retries(0)
}

#[tokio::test]
async fn a_form_body_is_url_encoded_with_lists_repeated_and_absent_fields_left_out() {
    let server = Server::start(vec![empty(204)]).await;
    let body = LoginBody {
        username: "ada lovelace".into(),
        password: "p&ss=wörd".into(),
        remember: Some(true),
        scopes: Some(vec!["read".into(), "write".into()]),
    };
    client(&server).login(&body).await.unwrap();
    let sent = &server.requests()[0];
    assert_eq!(
        sent.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        String::from_utf8_lossy(&sent.body),
        "username=ada%20lovelace&password=p%26ss%3Dw%C3%B6rd&remember=true&scopes=read&scopes=write"
    );
    let server = Server::start(vec![empty(204)]).await;
    let minimal = LoginBody {
        username: "a".into(),
        password: "b".into(),
        remember: None,
        scopes: None,
    };
    client(&server).login(&minimal).await.unwrap();
    assert_eq!(
        String::from_utf8_lossy(&server.requests()[0].body),
        "username=a&password=b"
    );
}

#[tokio::test]
async fn a_second_media_type_is_a_second_method() {
    let server = Server::start(vec![empty(204), empty(204)]).await;
    let pet = NewPet {
        name: "Rex".into(),
        age: Some(3),
    };
    client(&server).create_pet(&pet).await.unwrap();
    client(&server).create_pet_form(&pet).await.unwrap();
    let sent = server.requests();
    assert_eq!(sent[0].header("content-type"), Some("application/json"));
    assert_eq!(sent[0].body, br#"{"name":"Rex","age":3}"#);
    assert_eq!(
        sent[1].header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(sent[1].body, b"name=Rex&age=3");
}

#[tokio::test]
async fn a_multipart_body_sends_files_with_their_name_and_type_and_values_as_text() {
    let server = Server::start(vec![empty(204)]).await;
    let png = vec![0x89, b'P', b'N', b'G', 0x00, 0xff];
    let body = UploadPhotoBody {
        file: File::new(png.clone())
            .file_name("cat \"1\".png")
            .content_type("image/png"),
        caption: Some("on the sofa".into()),
        tags: Some(vec!["cat".into(), "sofa".into()]),
        extras: Some(vec![File::new(b"a".to_vec()), File::new(b"b".to_vec())]),
    };
    client(&server).upload_photo(7, &body).await.unwrap();
    let sent = &server.requests()[0];
    assert_eq!(sent.target, "/pets/7/photo");
    let content_type = sent.header("content-type").unwrap();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("{content_type}"));
    let mut expected = Vec::new();
    let mut part = |headers: &str, bytes: &[u8]| {
        expected.extend_from_slice(format!("--{boundary}\r\n{headers}\r\n\r\n").as_bytes());
        expected.extend_from_slice(bytes);
        expected.extend_from_slice(b"\r\n");
    };
    part(
        "Content-Disposition: form-data; name=\"file\"; filename=\"cat %221%22.png\"\r\nContent-Type: image/png",
        &png,
    );
    part(
        "Content-Disposition: form-data; name=\"caption\"",
        b"on the sofa",
    );
    part("Content-Disposition: form-data; name=\"tags\"", b"cat");
    part("Content-Disposition: form-data; name=\"tags\"", b"sofa");
    for content in [b"a", b"b"] {
        part(
            "Content-Disposition: form-data; name=\"extras\"; filename=\"extras\"\r\nContent-Type: application/octet-stream",
            content,
        );
    }
    expected.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    assert_eq!(
        String::from_utf8_lossy(&sent.body),
        String::from_utf8_lossy(&expected)
    );
    assert_eq!(sent.body, expected);
}

#[tokio::test]
async fn bytes_go_up_and_come_down_unchanged() {
    let blob: Vec<u8> = (0..=255).collect();
    let download = Reply {
        status: 200,
        headers: vec![("content-type".into(), "application/octet-stream".into())],
        body: blob.clone(),
        delay: std::time::Duration::ZERO,
        forward_to: None,
    };
    let server = Server::start(vec![empty(204), download]).await;
    client(&server).put_blob("a b", &blob).await.unwrap();
    let got = client(&server).get_blob("a b").await.unwrap();
    let sent = &server.requests()[0];
    assert_eq!(sent.target, "/blobs/a%20b");
    assert_eq!(
        sent.header("content-type"),
        Some("application/octet-stream")
    );
    assert_eq!(sent.body, blob);
    assert_eq!(got, blob, "a download is its bytes, not text");
}

#[tokio::test]
async fn text_goes_as_text_and_an_optional_body_can_be_left_out() {
    let server = Server::start(vec![
        Reply::text(200, "stored: hello"),
        Reply::text(200, "empty"),
    ])
    .await;
    let stored = client(&server).add_note("hello").await.unwrap();
    assert_eq!(stored, "stored: hello");
    client(&server).add_note(None).await.unwrap();
    let sent = server.requests();
    assert_eq!(sent[0].header("content-type"), Some("text/plain"));
    assert_eq!(sent[0].body, b"hello");
    assert!(sent[1].body.is_empty());
    assert_eq!(sent[1].header("content-type"), None);
}

#[tokio::test]
async fn a_body_that_may_be_null_is_one_argument_sent_as_value_null_or_nothing() {
    use fixture_tests::bodies::types::{Permission, PermissionPermission};
    use fixture_tests::bodies::Nullable;
    let server = Server::start((0..5).map(|_| empty(204)).collect()).await;
    let client = client(&server);
    let admin = Permission {
        permission: Some(PermissionPermission::Admin),
    };
    client.set_permission("ops", &admin).await.unwrap();
    client.set_permission("ops", Nullable::Null).await.unwrap();
    client
        .set_permission("ops", Nullable::Absent)
        .await
        .unwrap();
    // A required body that may be null: `None` is `null`.
    client.reset_permission("ops", Some(&admin)).await.unwrap();
    client.reset_permission("ops", None).await.unwrap();
    let sent = server.requests();
    let bodies: Vec<&[u8]> = sent.iter().map(|r| r.body.as_slice()).collect();
    assert_eq!(
        bodies,
        [
            &br#"{"permission":"admin"}"#[..],
            b"null",
            b"",
            br#"{"permission":"admin"}"#,
            b"null"
        ]
    );
    assert_eq!(sent[1].header("content-type"), Some("application/json"));
    assert_eq!(sent[2].header("content-type"), None);
}
