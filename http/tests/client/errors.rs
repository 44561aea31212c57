//! Bad input and bad peers: typed errors, never a panic.

use std::io;

use avx_http::client::{Body, Client, Error};
use avx_http::http1::{BodyError, EncodeError, ParseError};
use avx_http::{HeaderValue, Method, Request, RequestHead, Uri, header};

use crate::common::{RawServer, TestServer};

client_test! {
    async fn bad_urls_and_schemes() {
        let client = Client::new();
        for url in ["", "not a url", "/relative", "http://", "http://user@host/", "http://h:70000/"] {
            let error = client.get(url).await.unwrap_err();
            assert!(matches!(error, Error::InvalidUrl(_)), "{url:?}: {error:?}");
            assert_eq!(io::Error::from(error).kind(), io::ErrorKind::InvalidInput);
        }
        for url in ["ftp://host/", "file://host/etc/passwd", "ws://host/"] {
            let error = client.get(url).await.unwrap_err();
            assert!(matches!(error, Error::UnsupportedScheme(_)), "{url:?}: {error:?}");
        }
        // A request whose target is not absolute.
        let head = RequestHead::new(Method::GET, Uri::from_static("/only-a-path"));
        let error = client.request(Request::new(head, Body::empty())).await.unwrap_err();
        assert!(matches!(error, Error::InvalidUrl(_)), "{error:?}");
    }
}

client_test! {
    async fn refused_connections() {
        // Bound, then closed: nothing listens on the port now.
        let listener = avx::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        let error = Client::new().get(&format!("http://{addr}/")).await.unwrap_err();
        match error {
            Error::Connect(error) => assert_eq!(error.kind(), io::ErrorKind::ConnectionRefused),
            other => panic!("{other:?}"),
        }
    }
}

client_test! {
    async fn malformed_response_heads() {
        for (answer, expected) in [
            (&b"HTTP/1.1 2x0 OK\r\n\r\n"[..], ParseError::InvalidStatus),
            (b"garbage\r\n\r\n", ParseError::InvalidVersion),
            (
                b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
                ParseError::ConflictingContentLength,
            ),
        ] {
            let server = RawServer::start(&[answer]).await;
            let error = Client::new().get(&server.url("/")).await.unwrap_err();
            match error {
                Error::Parse(error) => assert_eq!(error, expected),
                other => panic!("{:?}: {other:?}", String::from_utf8_lossy(answer)),
            }
        }
    }
}

client_test! {
    async fn broken_response_bodies() {
        let server = RawServer::start(&[b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"]).await;
        let response = Client::new().get(&server.url("/")).await.unwrap();
        let error = response.into_body().to_bytes(64).await.unwrap_err();
        assert!(matches!(error, Error::Body(BodyError::Incomplete)), "{error:?}");

        let server = RawServer::start(&[
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
        ])
        .await;
        let response = Client::new().get(&server.url("/")).await.unwrap();
        let error = response.into_body().to_bytes(64).await.unwrap_err();
        assert!(matches!(error, Error::Body(BodyError::InvalidChunkSize)), "{error:?}");
    }
}

client_test! {
    async fn bodies_over_the_limit() {
        let server = TestServer::start().await;
        let client = Client::builder().max_response_body(Some(1000)).build().unwrap();
        // Declared over the limit: refused before reading it.
        let error = client.get(&server.url("/sized?1001")).await.unwrap_err();
        assert!(matches!(error, Error::BodyTooLarge), "{error:?}");
        // Chunked: refused as it passes the limit.
        let response = client.get(&server.url("/stream?5000")).await.unwrap();
        let error = response.into_body().to_bytes(usize::MAX).await.unwrap_err();
        assert!(matches!(error, Error::BodyTooLarge), "{error:?}");
        // The caller's own limit.
        let response = client.get(&server.url("/sized?100")).await.unwrap();
        let error = response.into_body().to_bytes(99).await.unwrap_err();
        assert!(matches!(error, Error::BodyTooLarge), "{error:?}");
        let response = client.get(&server.url("/stream?100")).await.unwrap();
        let error = response.into_body().to_bytes(99).await.unwrap_err();
        assert!(matches!(error, Error::BodyTooLarge), "{error:?}");
        assert_eq!(client.idle_connections(), 0, "no connection with an unread body is kept");
    }
}

client_test! {
    async fn requests_that_cannot_be_encoded() {
        let server = TestServer::start().await;
        let client = Client::new();
        let mut head = RequestHead::new(Method::POST, Uri::try_from(server.url("/len")).unwrap());
        head.headers.insert(header::CONTENT_LENGTH, HeaderValue::from_static("5"));
        let error = client.request(Request::new(head.clone(), Body::from("abc"))).await.unwrap_err();
        assert!(matches!(error, Error::Encode(EncodeError::ContentLengthMismatch)), "{error:?}");

        // A streamed body shorter than it said.
        let (sender, body) = Body::channel(1);
        avx::spawn(async move { sender.send_data("abc").await.unwrap() });
        let error = client.request(Request::new(head, body)).await.unwrap_err();
        assert!(matches!(error, Error::Encode(EncodeError::BodyTooShort)), "{error:?}");

        // A streamed body that fails.
        let (sender, body) = Body::channel(1);
        avx::spawn(async move { sender.abort("disk gone").await });
        let error = client.post(&server.url("/len"), body).await.unwrap_err();
        match error {
            Error::RequestBody(error) => assert_eq!(error.to_string(), "disk gone"),
            other => panic!("{other:?}"),
        }
    }
}
