//! Time limits: each a typed error that converts to `ErrorKind::TimedOut`.
//!
//! The connect timeout is tested against a listener whose accept queue is full, so
//! the kernel drops the client's SYN: a non-routable address (10.255.255.1) is no
//! use here, since sandboxed networks may answer for any address.

use std::io;
use std::time::Duration;

use avx::net::{TcpSocket, TcpStream};
use avx_http::client::{Client, Error, Timeout};

use crate::common::{TestServer, silent_server};

client_test! {
    async fn a_server_that_never_answers() {
        let (addr, _server) = silent_server().await;
        let client = Client::builder()
            .request_timeout(Duration::from_millis(300))
            .build()
            .unwrap();
        let error = client.get(&format!("http://{addr}/")).await.unwrap_err();
        assert!(matches!(error, Error::Timeout(Timeout::Request)), "{error:?}");
        assert!(error.is_timeout());
        assert_eq!(io::Error::from(error).kind(), io::ErrorKind::TimedOut);
    }
}

client_test! {
    async fn a_listener_with_a_full_backlog() {
        let socket = TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let listener = socket.listen(0).unwrap();
        let addr = listener.local_addr().unwrap();
        // Fill the accept queue (never accepted from) until a connect hangs.
        let mut queued = Vec::new();
        loop {
            match avx::time::timeout(Duration::from_millis(250), TcpStream::connect(addr)).await {
                Ok(connected) => queued.push(connected.unwrap()),
                Err(_) => break,
            }
            assert!(queued.len() < 64, "the accept queue never filled");
        }
        let client = Client::builder()
            .connect_timeout(Duration::from_millis(300))
            .build()
            .unwrap();
        let error = client.get(&format!("http://{addr}/")).await.unwrap_err();
        assert!(matches!(error, Error::Timeout(Timeout::Connect)), "{error:?}");
        assert_eq!(io::Error::from(error).kind(), io::ErrorKind::TimedOut);
    }
}

client_test! {
    async fn a_body_that_stalls() {
        let server = TestServer::start().await;
        let client = Client::builder()
            .read_timeout(Duration::from_millis(300))
            .build()
            .unwrap();
        let mut body = client.get(&server.url("/stall")).await.unwrap().into_body();
        assert_eq!(body.data().await.unwrap().unwrap(), "first");
        let error = body.data().await.unwrap().unwrap_err();
        assert!(matches!(error, Error::Timeout(Timeout::Read)), "{error:?}");
        assert!(body.data().await.is_none(), "a failed body ends");
        assert_eq!(client.idle_connections(), 0);
    }
}
