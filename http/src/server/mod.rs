//! An HTTP/1.1 server on avx: the [`http1`](crate::http1) codec driven over a
//! connection, one task per connection.
//!
//! ```no_run
//! use avx_http::server::{Body, RequestBody, Server};
//! use avx_http::{Request, Response, StatusCode};
//!
//! # async fn run() -> std::io::Result<()> {
//! let server = Server::bind("127.0.0.1:8080").await?;
//! server
//!     .serve(|request: Request<RequestBody>| async move {
//!         let text = format!("you asked for {}\n", request.uri().path());
//!         Response::with_status(StatusCode::OK, Body::from(text))
//!     })
//!     .await
//! # }
//! ```
//!
//! What a connection does:
//!
//! * **keep-alive and pipelining**: requests are answered in order on one connection
//!   until either side says `Connection: close` (or an HTTP/1.0 client does not ask to
//!   keep it), an idle timeout passes, or the server shuts down;
//! * **bodies both ways, streamed**: a [`RequestBody`] reads the request's body as the
//!   handler asks for it (with `Expect: 100-continue`, the `100` goes out on the first
//!   read); a [`Body`] is sent with `Content-Length` when its size is known, else
//!   chunked (delimited by closing to an HTTP/1.0 client), piece by piece;
//! * **HEAD**: the same fields as GET, no body; a cached `Date` on every response;
//! * **limits** ([`ServerConfig`]): an over-long head (431), target (414) or body
//!   (413), a malformed message (400), an unknown transfer coding (501), a head not
//!   sent in time or a body that stops arriving (408): each is answered with its status, then the connection
//!   closes and no later request on it reaches the handler. A body the handler left
//!   unread is drained up to a bound, or the connection closes. A client that stops
//!   taking a response has its connection aborted after the write timeout;
//! * **upgrades**: after a 101 the handler takes the raw connection ([`upgrade`]);
//! * **graceful shutdown** ([`Server::serve_with_shutdown`]): stop accepting, finish
//!   the requests in flight, close idle connections, abort what is left at a deadline;
//! * **HTTPS** (`Server::with_tls`, feature `tls`): a TLS handshake on each
//!   connection's own task, within its time limit, `http/1.1` offered by ALPN.
//!
//! A handler that panics gets its client a 500 and a closed connection.

mod body;
mod config;
mod conn;
mod listener;
mod read_side;
mod request_body;
mod respond;
mod stall;
#[cfg(feature = "tls")]
mod tls;
pub mod upgrade;

use std::future::Future;
use std::io;

use avx::io::{AsyncRead, AsyncWrite};

pub use body::{Body, BodyClosed, BodySender, BoxError};
pub use config::ServerConfig;
pub use listener::Server;
pub use request_body::{BodyReadError, RequestBody};

use crate::{Request, Response};

/// What answers requests: any `Fn(Request<RequestBody>) -> impl Future<Output =
/// Response<Body>>` that can be shared between connection tasks.
pub trait Handler: Send + Sync + 'static {
    /// The future of one response.
    type Future: Future<Output = Response<Body>> + Send + 'static;

    /// Answers `request`.
    fn call(&self, request: Request<RequestBody>) -> Self::Future;
}

impl<F, Fut> Handler for F
where
    F: Fn(Request<RequestBody>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Response<Body>> + Send + 'static,
{
    type Future = Fut;

    fn call(&self, request: Request<RequestBody>) -> Fut {
        self(request)
    }
}

/// Serves HTTP/1.1 on one connection over any transport (a TLS stream, a Unix
/// socket, an in-memory duplex) until it ends. [`Server`] does this for each TCP
/// connection it accepts, adding graceful shutdown.
pub async fn serve_connection<T, H>(io: T, handler: &H, config: &ServerConfig) -> io::Result<()>
where
    T: AsyncRead + AsyncWrite + Send + Unpin + 'static,
    H: Handler,
{
    let (reader, writer) = avx::io::split(io);
    conn::Connection::new(Box::new(reader), writer, handler, config, None)
        .run()
        .await
}
