//! `https`: the client against our server over TLS (a custom root), our `Server`
//! with `with_tls`, and a bare rustls server written here.

use std::io;
use std::sync::Arc;

use avx::io::{AsyncReadExt, AsyncWriteExt};
use avx::net::TcpListener;
use avx_http::client::{Client, Error};
use avx_http::server::{Body, RequestBody, Server};
use avx_http::tls::{ALPN_H2, ALPN_HTTP1_1, ClientConfigBuilder, TlsConnector};
use avx_http::{Request, Response, StatusCode};

use crate::common::{TestServer, pattern};
use crate::pki;

fn trusting_client() -> Client {
    Client::builder()
        .add_root_pem(pki::pki().ca.as_bytes())
        .build()
        .unwrap()
}

client_test! {
    async fn a_custom_root_and_reuse() {
        let server = TestServer::start_tls().await;
        let client = trusting_client();
        for _ in 0..3 {
            let response = client.get(&server.url("/")).await.unwrap();
            assert_eq!(response.into_body().to_bytes(16).await.unwrap(), "hello");
        }
        let data = pattern(1 << 20);
        let response = client.post(&server.url("/echo"), data.clone()).await.unwrap();
        assert!(response.into_body().to_bytes(2 << 20).await.unwrap() == data);
        assert_eq!(server.accepted(), 1, "every request went on one TLS connection");

        // By address: the certificate names 127.0.0.1 too.
        let url = format!("https://127.0.0.1:{}/", server.addr.port());
        let response = client.get(&url).await.unwrap();
        assert_eq!(response.into_body().to_bytes(16).await.unwrap(), "hello");
    }
}

client_test! {
    async fn the_webpki_roots_do_not_trust_the_test_ca() {
        let server = TestServer::start_tls().await;
        let error = Client::new().get(&server.url("/")).await.unwrap_err();
        match error {
            Error::Connect(error) => assert_eq!(error.kind(), io::ErrorKind::InvalidData),
            other => panic!("{other:?}"),
        }
        let error = Client::builder().add_root_pem(b"not a PEM").build().unwrap_err();
        assert!(matches!(error, Error::Tls(_)), "{error:?}");
    }
}

client_test! {
    async fn our_server_with_tls() {
        let server = Server::bind("127.0.0.1:0").await.unwrap().with_tls(pki::acceptor());
        let port = server.local_addr().unwrap().port();
        let serving = avx::spawn(server.serve(|request: Request<RequestBody>| async move {
            let text = format!("secure {}", request.uri().path());
            Response::with_status(StatusCode::OK, Body::from(text))
        }));
        let client = trusting_client();
        for path in ["/a", "/b"] {
            let response = client.get(&format!("https://localhost:{port}{path}")).await.unwrap();
            let text = response.into_body().to_bytes(64).await.unwrap();
            assert_eq!(text, format!("secure {path}"));
        }
        assert_eq!(client.idle_connections(), 1);
        serving.abort();
    }
}

client_test! {
    async fn a_bare_rustls_server() {
        // One connection: an HTTP/1.0 answer delimited by close_notify.
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let acceptor = pki::acceptor_offering(&[ALPN_HTTP1_1]);
        let serving = avx::spawn(async move {
            let (tcp, _) = listener.accept().await.unwrap();
            let mut tls = acceptor.accept(tcp).await.unwrap();
            let mut head = Vec::new();
            while !head.ends_with(b"\r\n\r\n") {
                let mut byte = [0];
                tls.read_exact(&mut byte).await.unwrap();
                head.push(byte[0]);
            }
            tls.write_all(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n").await.unwrap();
            tls.write_all(&pattern(100_000)).await.unwrap();
            tls.shutdown().await.unwrap();
            String::from_utf8(head).unwrap()
        });
        let client = trusting_client();
        let response = client.get(&format!("https://localhost:{port}/bare")).await.unwrap();
        let body = response.into_body().to_bytes(1 << 20).await.unwrap();
        assert!(body == pattern(100_000));
        assert_eq!(client.idle_connections(), 0);
        let head = serving.await.unwrap();
        assert!(head.starts_with("GET /bare HTTP/1.1\r\n"), "{head}");
        assert!(head.contains(&format!("host: localhost:{port}\r\n")), "{head}");
    }
}

client_test! {
    async fn a_server_that_picks_h2_is_refused() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let acceptor = pki::acceptor_offering(&[ALPN_H2]);
        let serving = avx::spawn(async move {
            loop {
                let (tcp, _) = listener.accept().await.unwrap();
                let acceptor = acceptor.clone();
                avx::spawn(async move {
                    if let Ok(mut tls) = acceptor.accept(tcp).await {
                        let mut rest = Vec::new();
                        let _ = tls.read_to_end(&mut rest).await;
                    }
                });
            }
        });
        let url = format!("https://localhost:{port}/");
        // Offering http/1.1 alone: the server refuses the handshake.
        let error = trusting_client().get(&url).await.unwrap_err();
        assert!(matches!(error, Error::Connect(_)), "{error:?}");
        // A connector that offers h2 too gets it, and the client refuses that.
        let config = ClientConfigBuilder::without_webpki_roots()
            .add_root_pem(pki::pki().ca.as_bytes())
            .unwrap()
            .alpn(&[ALPN_H2, ALPN_HTTP1_1])
            .build()
            .unwrap();
        let client = Client::builder()
            .tls_connector(TlsConnector::new(Arc::new(config)))
            .build()
            .unwrap();
        let error = client.get(&url).await.unwrap_err();
        assert!(matches!(error, Error::Tls(_)), "{error:?}");
        serving.abort();
    }
}
