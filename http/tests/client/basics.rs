//! Requests and responses: the conveniences, methods, fields the client sets, and
//! responses of every framing.

use avx_http::client::{Body, Client};
use avx_http::{HeaderValue, Method, Request, RequestHead, StatusCode, Uri, header};

use crate::common::{RawServer, TestServer};

client_test! {
    async fn get_post_and_post_json() {
        let server = TestServer::start().await;
        let client = Client::new();

        let response = client.get(&server.url("/")).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.body().exact_len(), Some(5));
        assert_eq!(response.into_body().to_bytes(1024).await.unwrap(), "hello");

        let echoed = client.post(&server.url("/echo"), "abc").await.unwrap();
        assert_eq!(echoed.into_body().to_bytes(1024).await.unwrap(), "abc");

        let seen = client
            .post_json(&server.url("/headers"), r#"{"a":1}"#)
            .await
            .unwrap();
        let seen = seen.into_body().to_bytes(1024).await.unwrap();
        let host = format!("127.0.0.1:{}", server.addr.port());
        assert_eq!(seen, format!("{host}|application/json|7|"));

        // An empty POST says so with Content-Length: 0.
        let seen = client.post(&server.url("/headers"), Body::empty()).await.unwrap();
        let seen = seen.into_body().to_bytes(1024).await.unwrap();
        assert_eq!(seen, format!("{host}||0|"));
        assert_eq!(server.accepted(), 1, "every request went on one connection");
    }
}

client_test! {
    async fn request_with_method_and_fields() {
        let server = TestServer::start().await;
        let client = Client::new();

        let mut head = RequestHead::new(Method::PUT, Uri::try_from(server.url("/headers#x")).unwrap());
        head.headers.insert(header::HOST, HeaderValue::from_static("virtual.test"));
        head.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        let response = client.request(Request::new(head, Body::from("body"))).await.unwrap();
        let seen = response.into_body().to_bytes(1024).await.unwrap();
        assert_eq!(seen, "virtual.test|text/plain|4|");

        let head = RequestHead::new(Method::HEAD, Uri::try_from(server.url("/sized?100")).unwrap());
        let response = client.request(Request::new(head, Body::empty())).await.unwrap();
        assert_eq!(response.headers().get("content-length").unwrap().as_bytes(), b"100");
        assert_eq!(response.body().exact_len(), Some(0), "a response to HEAD has no body");
        assert!(response.body().is_end());
        assert_eq!(client.idle_connections(), 1, "a bodiless response frees its connection at once");
    }
}

client_test! {
    async fn bodiless_statuses() {
        let server = TestServer::start().await;
        let client = Client::new();
        for status in [204, 304] {
            let response = client.get(&server.url(&format!("/status?{status}"))).await.unwrap();
            assert_eq!(response.status().as_u16(), status);
            assert!(response.body().is_end());
            assert_eq!(response.into_body().to_bytes(0).await.unwrap(), "");
        }
        let missing = client.get(&server.url("/nowhere")).await.unwrap();
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
        assert_eq!(server.accepted(), 1);
    }
}

client_test! {
    async fn interim_responses_are_passed_over() {
        let server = RawServer::start(&[
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n\
              HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
        ])
        .await;
        let response = Client::new().get(&server.url("/")).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.into_body().to_bytes(16).await.unwrap(), "ok");
    }
}

client_test! {
    async fn chunked_bodies_with_trailers() {
        let server = RawServer::start(&[
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\
              3\r\nabc\r\n2\r\nde\r\n0\r\nChecksum: 42\r\n\r\n",
        ])
        .await;
        let response = Client::new().get(&server.url("/")).await.unwrap();
        assert_eq!(response.body().exact_len(), None);
        let mut body = response.into_body();
        let mut collected = Vec::new();
        while let Some(piece) = body.data().await {
            collected.extend_from_slice(&piece.unwrap());
        }
        assert_eq!(collected, b"abcde");
        let trailers = body.trailers().unwrap();
        assert_eq!(trailers.get("checksum").unwrap().as_bytes(), b"42");
    }
}

client_test! {
    async fn bodies_delimited_by_close() {
        let server = RawServer::start(&[b"HTTP/1.0 200 OK\r\n\r\nuntil the end"]).await;
        let client = Client::new();
        let response = client.get(&server.url("/")).await.unwrap();
        assert_eq!(response.into_body().to_bytes(64).await.unwrap(), "until the end");
        assert_eq!(client.idle_connections(), 0, "a body read until close ends its connection");
    }
}
