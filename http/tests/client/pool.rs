//! The pool: which connections are reused, kept, and closed, counted at the server.

use std::time::Duration;

use avx_http::client::{Client, Error};
use avx_http::server::ServerConfig;

use crate::common::{RawServer, TestServer};

client_test! {
    async fn sequential_requests_share_a_connection() {
        let server = TestServer::start().await;
        let client = Client::new();
        for _ in 0..5 {
            let response = client.get(&server.url("/stream?20000")).await.unwrap();
            assert_eq!(response.into_body().to_bytes(1 << 20).await.unwrap().len(), 20000);
        }
        assert_eq!(server.accepted(), 1);
        assert_eq!(client.idle_connections(), 1);
        // Clones share the pool.
        let clone = client.clone();
        clone.get(&server.url("/")).await.unwrap().into_body().to_bytes(16).await.unwrap();
        assert_eq!(server.accepted(), 1);
    }
}

client_test! {
    async fn connection_close_is_not_pooled() {
        let server = TestServer::start().await;
        let client = Client::new();
        let response = client.get(&server.url("/close")).await.unwrap();
        assert_eq!(response.into_body().to_bytes(16).await.unwrap(), "bye");
        assert_eq!(client.idle_connections(), 0);
        server.wait_closed(1).await;
        client.get(&server.url("/")).await.unwrap().into_body().to_bytes(16).await.unwrap();
        assert_eq!(server.accepted(), 2);
    }
}

client_test! {
    async fn unfinished_bodies_are_not_pooled() {
        let server = TestServer::start().await;
        let client = Client::new();
        // Half read.
        let mut body = client.get(&server.url("/stream?1000000")).await.unwrap().into_body();
        assert!(!body.data().await.unwrap().unwrap().is_empty());
        drop(body);
        assert_eq!(client.idle_connections(), 0);
        server.wait_closed(1).await;
        // Not read at all, though small enough to have arrived whole.
        let response = client.get(&server.url("/sized?10")).await.unwrap();
        drop(response);
        assert_eq!(client.idle_connections(), 0);
        server.wait_closed(2).await;
        // Read to the end: pooled.
        let response = client.get(&server.url("/sized?10")).await.unwrap();
        response.into_body().to_bytes(10).await.unwrap();
        assert_eq!(client.idle_connections(), 1);
        assert_eq!(server.accepted(), 3);
    }
}

client_test! {
    async fn idle_connections_close_after_the_idle_timeout() {
        let server = TestServer::start().await;
        let client = Client::builder()
            .idle_timeout(Duration::from_secs(1))
            .build()
            .unwrap();
        client.get(&server.url("/")).await.unwrap().into_body().to_bytes(16).await.unwrap();
        assert_eq!(client.idle_connections(), 1);
        // The pool closes it without another request coming.
        server.wait_closed(1).await;
        assert_eq!(client.idle_connections(), 0);
        client.get(&server.url("/")).await.unwrap().into_body().to_bytes(16).await.unwrap();
        assert_eq!(server.accepted(), 2);
    }
}

client_test! {
    async fn at_most_max_idle_per_host_are_kept() {
        let server = TestServer::start().await;
        let client = Client::builder().max_idle_per_host(2).build().unwrap();
        // Four responses held unread at once: four connections.
        let mut held = Vec::new();
        for _ in 0..4 {
            held.push(client.get(&server.url("/sized?10")).await.unwrap());
        }
        assert_eq!(server.accepted(), 4);
        for response in held {
            response.into_body().to_bytes(10).await.unwrap();
        }
        assert_eq!(client.idle_connections(), 2);
        server.wait_closed(2).await;
        for _ in 0..3 {
            client.get(&server.url("/")).await.unwrap().into_body().to_bytes(16).await.unwrap();
        }
        assert_eq!(server.accepted(), 4, "the two kept served the later requests");

        // No pooling at all.
        let client = Client::builder().max_idle_per_host(0).build().unwrap();
        for _ in 0..2 {
            client.get(&server.url("/")).await.unwrap().into_body().to_bytes(16).await.unwrap();
        }
        assert_eq!(client.idle_connections(), 0);
        assert_eq!(server.accepted(), 6);
    }
}

client_test! {
    async fn a_pooled_connection_the_server_closed_is_replaced() {
        let mut config = ServerConfig::default();
        config.keep_alive_timeout = Duration::from_millis(100);
        let server = TestServer::start_with(config, None).await;
        let client = Client::new();
        client.get(&server.url("/")).await.unwrap().into_body().to_bytes(16).await.unwrap();
        server.wait_closed(1).await;
        let response = client.get(&server.url("/")).await.unwrap();
        assert_eq!(response.into_body().to_bytes(16).await.unwrap(), "hello");
        assert_eq!(server.accepted(), 2);
    }
}

client_test! {
    async fn a_request_lost_on_a_reused_connection_is_retried_if_idempotent() {
        const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        // The second request's connection closes with no answer, as a server that
        // timed the connection out just as it arrived would.
        let server = RawServer::start(&[OK, b"", b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nagain"]).await;
        let client = Client::new();
        client.get(&server.url("/")).await.unwrap().into_body().to_bytes(16).await.unwrap();
        let response = client.get(&server.url("/")).await.unwrap();
        assert_eq!(response.into_body().to_bytes(16).await.unwrap(), "again");
        assert_eq!(server.accepted(), 2);

        // A POST may have been acted on: the failure is the caller's to handle.
        let server = RawServer::start(&[OK, b"", OK]).await;
        let client = Client::new();
        client.get(&server.url("/")).await.unwrap().into_body().to_bytes(16).await.unwrap();
        let error = client.post(&server.url("/"), "").await.unwrap_err();
        assert!(matches!(error, Error::Io(_)), "{error:?}");
        assert_eq!(server.accepted(), 1);
    }
}
