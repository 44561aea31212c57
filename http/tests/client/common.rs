//! What the client tests share: a runtime per backend, our own server with a count
//! of the connections it accepted and saw end, and a raw server that answers with
//! scripted bytes.

use std::collections::VecDeque;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use avx::io::{AsyncReadExt, AsyncWriteExt};
use avx::net::{TcpListener, TcpStream};
use avx::runtime::{Backend, Builder};
use avx::sync::watch;
use avx::task::JoinHandle;
use avx_http::server::{Body, RequestBody, ServerConfig, serve_connection};
use avx_http::tls::{ALPN_HTTP1_1, TlsAcceptor};
use avx_http::{HeaderValue, Request, Response, StatusCode, header};

use crate::pki;

/// How long a test waits for something before it calls it hung. A guard against a
/// hang, never a measurement.
pub(crate) const HANG: Duration = Duration::from_secs(20);

/// `client_test! { async fn name() { body } }` becomes a module `name` with one
/// test per backend and scheduler, each running `body` on a fresh runtime.
macro_rules! client_test {
    (async fn $name:ident() $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[test]
            fn native_current_thread() {
                $crate::common::run(avx::runtime::Backend::Native, false, async $body)
            }

            #[test]
            fn native_multi_thread() {
                $crate::common::run(avx::runtime::Backend::Native, true, async $body)
            }

            #[cfg(feature = "tokio")]
            #[test]
            fn tokio_multi_thread() {
                $crate::common::run(avx::runtime::Backend::Tokio, true, async $body)
            }
        }
    };
}

pub(crate) fn run(backend: Backend, multi_thread: bool, body: impl Future<Output = ()>) {
    let mut builder = match multi_thread {
        true => Builder::new_multi_thread(),
        false => Builder::new_current_thread(),
    };
    if multi_thread {
        builder.worker_threads(2);
    }
    let runtime = builder
        .backend(backend)
        .enable_all()
        .build()
        .expect("runtime builds");
    runtime.block_on(async {
        avx::time::timeout(Duration::from_secs(60), body)
            .await
            .expect("test finished in time")
    });
}

/// Deterministic data with no short period, so a misplaced piece shows.
pub(crate) fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

fn text(status: StatusCode, body: impl Into<Body>) -> Response<Body> {
    Response::with_status(status, body.into())
}

fn field(request: &Request<RequestBody>, name: &str) -> String {
    request
        .headers()
        .get(name)
        .map(|value| value.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// The test server's handler, routing on the path; `?N` is a size.
async fn route(request: Request<RequestBody>) -> Response<Body> {
    let size: usize = request.uri().query().unwrap_or("0").parse().unwrap_or(0);
    match request.uri().path() {
        "/" => text(StatusCode::OK, "hello"),
        "/echo" => text(StatusCode::OK, Body::from_stream(request.into_body())),
        "/len" => {
            let mut body = request.into_body();
            let mut len = 0;
            while let Some(piece) = body.data().await {
                len += piece.unwrap().len();
            }
            text(StatusCode::OK, len.to_string())
        }
        "/headers" => {
            let seen = [
                "host",
                "content-type",
                "content-length",
                "transfer-encoding",
            ]
            .map(|name| field(&request, name))
            .join("|");
            text(StatusCode::OK, seen)
        }
        "/close" => {
            let mut response = text(StatusCode::OK, "bye");
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            response
        }
        "/sized" => text(StatusCode::OK, pattern(size)),
        "/stream" => {
            let (sender, body) = Body::channel(2);
            avx::spawn(async move {
                let data = pattern(size);
                for piece in data.chunks(16 * 1024) {
                    if sender.send_data(piece.to_vec()).await.is_err() {
                        return;
                    }
                }
            });
            text(StatusCode::OK, body)
        }
        "/stall" => {
            // One piece, then nothing, for as long as the connection lasts.
            let (sender, body) = Body::channel(1);
            avx::spawn(async move {
                if sender.send_data("first").await.is_ok() {
                    std::future::pending::<()>().await;
                }
            });
            text(StatusCode::OK, body)
        }
        "/status" => text(StatusCode::from_u16(size as u16).unwrap(), Body::empty()),
        _ => text(StatusCode::NOT_FOUND, "not found"),
    }
}

/// Our server, on a free port, counting connections.
pub(crate) struct TestServer {
    pub(crate) addr: SocketAddr,
    tls: bool,
    accepted: Arc<AtomicUsize>,
    closed: watch::Receiver<usize>,
    task: JoinHandle<()>,
}

impl TestServer {
    pub(crate) async fn start() -> TestServer {
        TestServer::start_with(ServerConfig::default(), None).await
    }

    /// Serving HTTPS with the test PKI's leaf.
    pub(crate) async fn start_tls() -> TestServer {
        let acceptor = pki::acceptor_offering(&[ALPN_HTTP1_1]);
        TestServer::start_with(ServerConfig::default(), Some(acceptor)).await
    }

    pub(crate) async fn start_with(config: ServerConfig, tls: Option<TlsAcceptor>) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let accepted = Arc::new(AtomicUsize::new(0));
        let (closed_tx, closed) = watch::channel(0);
        let closed_tx = Arc::new(closed_tx);
        let counter = Arc::clone(&accepted);
        let is_tls = tls.is_some();
        let task = avx::spawn(async move {
            let config = Arc::new(config);
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    continue;
                };
                counter.fetch_add(1, Ordering::SeqCst);
                let (config, closed_tx, tls) =
                    (Arc::clone(&config), Arc::clone(&closed_tx), tls.clone());
                avx::spawn(async move {
                    match tls {
                        Some(acceptor) => {
                            if let Ok(stream) = acceptor.accept(tcp).await {
                                let _ = serve_connection(stream, &route, &config).await;
                            }
                        }
                        None => {
                            let _ = serve_connection(tcp, &route, &config).await;
                        }
                    }
                    closed_tx.send_modify(|closed| *closed += 1);
                });
            }
        });
        TestServer {
            addr,
            tls: is_tls,
            accepted,
            closed,
            task,
        }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        match self.tls {
            true => format!("https://localhost:{}{path}", self.addr.port()),
            false => format!("http://{}{path}", self.addr),
        }
    }

    /// How many connections the server accepted so far.
    pub(crate) fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }

    /// Waits until `count` connections have ended.
    pub(crate) async fn wait_closed(&self, count: usize) {
        let mut closed = self.closed.clone();
        avx::time::timeout(HANG, closed.wait_for(|&closed| closed >= count))
            .await
            .unwrap_or_else(|_| panic!("{count} connections never ended"))
            .unwrap();
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A server that answers each request head it reads, on any connection, with the
/// next of its scripted responses: an empty one closes the connection without an
/// answer, and the connection that sends the last one closes after it. Requests
/// must have no body.
pub(crate) struct RawServer {
    pub(crate) addr: SocketAddr,
    accepted: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl RawServer {
    pub(crate) async fn start(script: &[&[u8]]) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let script: VecDeque<Vec<u8>> = script.iter().map(|r| r.to_vec()).collect();
        let script = Arc::new(Mutex::new(script));
        let accepted = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&accepted);
        let task = avx::spawn(async move {
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    continue;
                };
                counter.fetch_add(1, Ordering::SeqCst);
                avx::spawn(answer(tcp, Arc::clone(&script)));
            }
        });
        RawServer {
            addr,
            accepted,
            task,
        }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub(crate) fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn answer(mut tcp: TcpStream, script: Arc<Mutex<VecDeque<Vec<u8>>>>) {
    let mut buf = Vec::new();
    loop {
        while let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            buf.drain(..end + 4);
            let (next, last) = {
                let mut script = script.lock().unwrap();
                (script.pop_front(), script.is_empty())
            };
            let Some(response) = next.filter(|response| !response.is_empty()) else {
                return;
            };
            if tcp.write_all(&response).await.is_err() || last {
                return;
            }
        }
        let mut chunk = [0; 4096];
        match tcp.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

/// A listener that accepts connections and never answers on them.
pub(crate) async fn silent_server() -> (SocketAddr, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = avx::spawn(async move {
        let mut held = Vec::new();
        while let Ok((tcp, _)) = listener.accept().await {
            held.push(tcp);
        }
    });
    (addr, task)
}
