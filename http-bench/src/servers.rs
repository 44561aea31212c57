//! The servers under test, each answering every request with the same plaintext
//! response: status 200, `content-length: 13`, a `date`, and `Hello, World!`.
//!
//! Each runs in its own process (`avx-http-bench serve KIND PORT`, or the C binary),
//! so its CPU time and resident memory are its own. A server binds 127.0.0.1:PORT
//! (0 picks a free port), prints `ready PORT` on stdout once bound, and serves until
//! it is killed.

use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;

/// One server under test.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ServerKind {
    /// avx-http on avx-native, current-thread runtime.
    AvxNativeCurrent,
    /// avx-http on avx-native, multi-thread runtime (one worker per CPU).
    AvxNativeMulti,
    /// avx-http on avx's tokio backend, current-thread runtime.
    AvxTokioCurrent,
    /// avx-http on avx's tokio backend, multi-thread runtime.
    AvxTokioMulti,
    /// hyper 1.x (http1 only) on tokio, current-thread runtime.
    HyperCurrent,
    /// hyper 1.x (http1 only) on tokio, multi-thread runtime.
    HyperMulti,
    /// The single-threaded C epoll loop (`c/epoll_server.c`).
    CEpoll,
}

impl ServerKind {
    /// Every kind, in the order the report lists them.
    pub const ALL: [ServerKind; 7] = [
        ServerKind::AvxNativeCurrent,
        ServerKind::AvxNativeMulti,
        ServerKind::AvxTokioCurrent,
        ServerKind::AvxTokioMulti,
        ServerKind::HyperCurrent,
        ServerKind::HyperMulti,
        ServerKind::CEpoll,
    ];

    /// The name the command line and the report use.
    pub fn name(self) -> &'static str {
        match self {
            ServerKind::AvxNativeCurrent => "avx-native-ct",
            ServerKind::AvxNativeMulti => "avx-native-mt",
            ServerKind::AvxTokioCurrent => "avx-tokio-ct",
            ServerKind::AvxTokioMulti => "avx-tokio-mt",
            ServerKind::HyperCurrent => "hyper-ct",
            ServerKind::HyperMulti => "hyper-mt",
            ServerKind::CEpoll => "c-epoll",
        }
    }

    /// The kind named `name`.
    pub fn from_name(name: &str) -> Option<ServerKind> {
        ServerKind::ALL.into_iter().find(|kind| kind.name() == name)
    }

    /// Whether the server runs on one thread (the only kinds the pinned mode runs).
    pub fn is_single_threaded(self) -> bool {
        !matches!(
            self,
            ServerKind::AvxNativeMulti | ServerKind::AvxTokioMulti | ServerKind::HyperMulti
        )
    }
}

/// The response body every server sends.
pub const BODY: &[u8] = b"Hello, World!";

/// Serves `kind` on 127.0.0.1:`port` until the process is killed; what
/// `avx-http-bench serve` runs. The C server is a binary of its own, not served here.
pub fn serve(kind: ServerKind, port: u16) -> io::Result<()> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    match kind {
        ServerKind::AvxNativeCurrent => serve_avx(avx::runtime::Backend::Native, false, addr),
        ServerKind::AvxNativeMulti => serve_avx(avx::runtime::Backend::Native, true, addr),
        ServerKind::AvxTokioCurrent => serve_avx(avx::runtime::Backend::Tokio, false, addr),
        ServerKind::AvxTokioMulti => serve_avx(avx::runtime::Backend::Tokio, true, addr),
        ServerKind::HyperCurrent => serve_hyper(false, addr),
        ServerKind::HyperMulti => serve_hyper(true, addr),
        ServerKind::CEpoll => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the C server is its own binary (EPOLL_SERVER), not a `serve` kind",
        )),
    }
}

/// Worker threads of the multi-thread runtimes: one per CPU, as both runtimes default.
fn workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn announce(addr: io::Result<SocketAddr>) -> io::Result<()> {
    // Rust's stdout is line-buffered: the parent sees the line at once.
    println!("ready {}", addr?.port());
    Ok(())
}

fn serve_avx(
    backend: avx::runtime::Backend,
    multi_thread: bool,
    addr: SocketAddr,
) -> io::Result<()> {
    use avx_http::server::{Body, RequestBody, Server};
    use avx_http::{Request, Response, StatusCode};

    let mut builder = if multi_thread {
        let mut builder = avx::runtime::Builder::new_multi_thread();
        builder.worker_threads(workers());
        builder
    } else {
        avx::runtime::Builder::new_current_thread()
    };
    let runtime = builder.backend(backend).enable_all().build()?;
    runtime.block_on(async {
        let server = Server::bind(addr).await?;
        announce(server.local_addr())?;
        server
            .serve(|_request: Request<RequestBody>| async {
                Response::with_status(StatusCode::OK, Body::from(BODY))
            })
            .await
    })
}

fn serve_hyper(multi_thread: bool, addr: SocketAddr) -> io::Result<()> {
    use bytes::Bytes;
    use http_body_util::Full;
    use hyper::body::Incoming;
    use hyper::service::service_fn;
    use hyper::{Request, Response};
    use hyper_util::rt::{TokioIo, TokioTimer};

    async fn hello(_request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
        Ok(Response::new(Full::new(Bytes::from_static(BODY))))
    }

    let mut builder = if multi_thread {
        let mut builder = tokio::runtime::Builder::new_multi_thread();
        builder.worker_threads(workers());
        builder
    } else {
        tokio::runtime::Builder::new_current_thread()
    };
    let runtime = builder.enable_all().build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        announce(listener.local_addr())?;
        loop {
            let stream = match listener.accept().await {
                Ok((stream, _peer)) => stream,
                // Out of descriptors, say: the bench never gets here; keep serving.
                Err(_) => continue,
            };
            // As avx-http does: small responses should not wait for Nagle's timer.
            let _ = stream.set_nodelay(true);
            tokio::spawn(async move {
                // The timer makes hyper's default 30 s header-read timeout take effect,
                // as avx-http's does.
                let _ = hyper::server::conn::http1::Builder::new()
                    .timer(TokioTimer::new())
                    .serve_connection(TokioIo::new(stream), service_fn(hello))
                    .await;
            });
        }
    })
}
