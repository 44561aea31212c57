//! HTTPS: `Server::with_tls` against curl (keep-alive, ALPN), a slow handshake
//! beside a fast one, and graceful shutdown over TLS.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use avx::io::{AsyncReadExt, AsyncWriteExt};
use avx::net::TcpStream;
use avx::process::Command;
use avx::runtime::{Backend, Builder};
use avx::time::timeout;
use avx_http::server::ServerConfig;
use avx_http::tls::{ClientConfigBuilder, ServerName, TlsConnector, TlsStream};

use crate::common::{HANG, TestServer};
use crate::pki;

/// `https_test! { async fn name() { body } }`: one test per backend, each on a
/// fresh multi-thread runtime.
macro_rules! https_test {
    (async fn $name:ident() $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[test]
            fn native() {
                run(Backend::Native, async $body)
            }

            #[cfg(feature = "tokio")]
            #[test]
            fn tokio() {
                run(Backend::Tokio, async $body)
            }
        }
    };
}

fn run(backend: Backend, body: impl Future<Output = ()>) {
    let runtime = Builder::new_multi_thread()
        .worker_threads(2)
        .backend(backend)
        .enable_all()
        .build()
        .expect("runtime builds");
    runtime.block_on(async {
        timeout(Duration::from_secs(60), body)
            .await
            .expect("test finished in time")
    });
}

/// A TLS connection to the server, trusting the test CA.
async fn tls_connect(addr: SocketAddr) -> TlsStream<TcpStream> {
    let config = ClientConfigBuilder::without_webpki_roots()
        .add_root_pem(pki::pki().ca.as_bytes())
        .unwrap()
        .build()
        .unwrap();
    let tcp = TcpStream::connect(addr).await.unwrap();
    let name = ServerName::try_from("localhost").unwrap();
    let tls = TlsConnector::new(Arc::new(config))
        .connect(name, tcp)
        .await
        .unwrap();
    assert_eq!(tls.alpn_protocol(), Some(&b"http/1.1"[..]));
    tls
}

/// Reads one response with a `content-length`, as text: head, then body.
async fn read_response(tls: &mut TlsStream<TcpStream>) -> String {
    let mut text = Vec::new();
    while !text.ends_with(b"\r\n\r\n") {
        let mut byte = [0];
        timeout(HANG, tls.read_exact(&mut byte))
            .await
            .unwrap()
            .unwrap();
        text.push(byte[0]);
    }
    let head = String::from_utf8(text.clone())
        .unwrap()
        .to_ascii_lowercase();
    let length: usize = head
        .split("\r\n")
        .find_map(|line| line.strip_prefix("content-length: "))
        .unwrap()
        .parse()
        .unwrap();
    let mut body = vec![0; length];
    timeout(HANG, tls.read_exact(&mut body))
        .await
        .unwrap()
        .unwrap();
    text.extend_from_slice(&body);
    String::from_utf8(text).unwrap()
}

/// Whether the peer closes the connection, with nothing more than `allowed` bytes
/// first (a TLS alert, say): a read returns end of stream or an error.
async fn closes_after(stream: &mut (impl AsyncReadExt + Unpin), allowed: usize) -> bool {
    let mut extra = 0;
    let mut buf = [0; 64];
    loop {
        match timeout(HANG, stream.read(&mut buf))
            .await
            .expect("never closed")
        {
            Ok(0) | Err(_) => return true,
            Ok(n) if extra + n <= allowed => extra += n,
            Ok(_) => return false,
        }
    }
}

/// Whether the peer closes the connection without sending anything more.
async fn closed(stream: &mut (impl AsyncReadExt + Unpin)) -> bool {
    closes_after(stream, 0).await
}

fn have_curl() -> bool {
    let found = std::process::Command::new("which")
        .arg("curl")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("SKIPPED: curl is not installed (`which curl` found nothing)");
    }
    found
}

#[avx::test(flavor = "multi_thread", worker_threads = 2)]
async fn curl_over_https_keeps_alive_and_negotiates_http11() {
    if !have_curl() {
        return;
    }
    // The acceptor offers h2 too; the server narrows that to what it speaks.
    let server = TestServer::with_tls(ServerConfig::default(), pki::acceptor()).await;
    let port = server.addr.port();
    let (first, second) = (
        format!("https://localhost:{port}/"),
        format!("https://localhost:{port}/echo"),
    );
    let ca = pki::ca_file().to_str().unwrap();
    // curl offers h2 and http/1.1 by ALPN here; then http/1.1 alone.
    for only_http11 in [false, true] {
        let mut curl = Command::new("curl");
        curl.args(["-sS", "-v", "--max-time", "20", "--cacert", ca]);
        if only_http11 {
            curl.arg("--http1.1");
        }
        let output = curl
            .args(["-o", "/dev/null", "-o", "/dev/null"])
            .args(["-w", "%{num_connects} %{http_version} %{http_code}\n"])
            .args([&first, &second])
            .output()
            .await
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "curl failed: {stderr}");
        assert_eq!(
            String::from_utf8(output.stdout).unwrap(),
            "1 1.1 200\n0 1.1 200\n",
            "two URLs, one connection, HTTP/1.1: {stderr}"
        );
        assert!(
            stderr.contains("ALPN: server accepted http/1.1"),
            "{stderr}"
        );
    }
    assert_eq!(server.state.seen(), ["/", "/echo", "/", "/echo"]);
}

https_test! {
    async fn a_slow_handshake_holds_up_nobody_else() {
        let acceptor = pki::acceptor().with_handshake_timeout(Duration::from_millis(500));
        let server = TestServer::with_tls(ServerConfig::default(), acceptor).await;
        // Connected, and silent: no ClientHello comes.
        let mut silent = TcpStream::connect(server.addr).await.unwrap();
        let mut tls = tls_connect(server.addr).await;
        tls.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n").await.unwrap();
        let response = read_response(&mut tls).await;
        assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
        assert!(response.ends_with("\r\n\r\nhello"), "{response}");
        // The silent one is dropped at its handshake's time limit.
        assert!(closed(&mut silent).await);
        // A client that speaks HTTP in the clear gets an alert and is dropped.
        let mut plain = TcpStream::connect(server.addr).await.unwrap();
        plain.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n").await.unwrap();
        assert!(closes_after(&mut plain, 64).await);
        assert_eq!(server.state.seen(), ["/"]);
    }
}

https_test! {
    async fn graceful_shutdown_over_tls() {
        // Time limits that would outlast the test: shutdown must not wait on them.
        let mut config = ServerConfig::default();
        config.shutdown_timeout = Duration::from_secs(3600);
        let acceptor = pki::acceptor().with_handshake_timeout(Duration::from_secs(3600));
        let mut server = TestServer::with_tls(config, acceptor).await;

        let mut handshaking = TcpStream::connect(server.addr).await.unwrap();
        let mut idle = tls_connect(server.addr).await;
        idle.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n").await.unwrap();
        assert!(read_response(&mut idle).await.ends_with("hello"));
        let mut busy = tls_connect(server.addr).await;
        busy.write_all(b"GET /gate HTTP/1.1\r\nHost: localhost\r\n\r\n").await.unwrap();
        server.state.entered.notified().await;

        server.shut_down();
        // The idle connection and the one still in its handshake are closed now.
        assert!(closed(&mut idle).await);
        assert!(closed(&mut handshaking).await);
        // The request in flight is answered, with `Connection: close`, and then
        // its connection closes.
        server.state.gate.notify_one();
        let response = read_response(&mut busy).await;
        assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
        assert!(response.contains("connection: close\r\n"), "{response}");
        assert!(response.ends_with("through the gate"), "{response}");
        assert!(closed(&mut busy).await);
        server.stopped().await;
    }
}
