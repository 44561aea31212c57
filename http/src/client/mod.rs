//! An HTTP/1.1 client on avx, with a connection pool: the [`http1`](crate::http1)
//! codec driven from the other side.
//!
//! ```no_run
//! use avx_http::client::Client;
//!
//! # async fn run() -> Result<(), avx_http::client::Error> {
//! let client = Client::new();
//! let response = client.get("http://example.com/").await?;
//! println!("{}", response.status());
//! let body = response.into_body().to_bytes(1 << 20).await?;
//! println!("{} bytes", body.len());
//!
//! let created = client
//!     .post_json("http://example.com/items", r#"{"name":"avx"}"#)
//!     .await?;
//! # drop(created);
//! # Ok(())
//! # }
//! ```
//!
//! What it does:
//!
//! * **a pool per origin** (scheme, host, port): a connection goes back to the pool
//!   once its response body has been read to its end, if both sides allowed
//!   keep-alive; a body dropped early, an error, `Connection: close` or a body
//!   delimited by closing closes it instead. At most
//!   [`max_idle_per_host`](ClientBuilder::max_idle_per_host) wait idle per origin,
//!   each for at most [`idle_timeout`](ClientBuilder::idle_timeout). A pooled
//!   connection the server closed meanwhile is noticed before use; if it fails
//!   with no byte of answer, a request whose body can be replayed is sent again on
//!   a new connection (any method when the request could not be written whole,
//!   idempotent ones otherwise, as RFC 9110 §9.2.2 allows);
//! * **[`Client`] is cheap to clone** and shared by any number of tasks: clones
//!   share the pool;
//! * **bodies streamed both ways**: a request [`Body`] of known size is sent with
//!   `Content-Length`, a streamed one chunked; a [`ResponseBody`] is read piece by
//!   piece as the caller asks, in constant memory;
//! * **`https`** through the `tls` module (feature `tls`), trusting the
//!   `webpki-roots` unless told otherwise (`ClientBuilder::add_root_pem`,
//!   `ClientBuilder::tls_connector`), offering `http/1.1` by ALPN;
//! * **time limits**: connect (default 30 s), request (until the response head),
//!   body reads; each a typed [`Error::Timeout`] that converts to
//!   `io::ErrorKind::TimedOut`.
//!
//! What it does not do: follow redirects (a 3xx is returned as it is; its
//! `Location` is the caller's to follow), HTTP/2, proxies, cookies, content
//! codings (gzip), protocol upgrades (a 101 is returned, and its connection
//! closed), pipelining, or a limit on the connections open per origin. A request
//! body is sent whole before the response body is read: a server's early answer
//! that closes the connection (a 413) stops the upload, but a server that echoes
//! more than the sockets buffer before it has read the whole body stalls the
//! exchange until a time limit.

mod builder;
mod conn;
mod error;
mod pool;
mod response_body;
mod target;
mod tls;
mod transport;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;

pub use crate::server::Body;
pub use builder::ClientBuilder;
pub use error::{Error, Timeout};
pub use response_body::ResponseBody;

use conn::{Conn, Written};
use pool::Pool;
use target::{Origin, Target};
use tls::TlsSettings;

use crate::http1::{BodyDecoder, Framing, Parsed};
use crate::{HeaderValue, Limits, Method, Request, RequestHead, Response, ResponseHead, header};

/// An HTTP/1.1 client with a connection pool.
///
/// Cheap to clone: clones share the pool and the configuration, so one client
/// serves a whole program, from any number of tasks.
#[derive(Clone, Debug)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    pool: Arc<Pool>,
    tls: TlsSettings,
    connect_timeout: Option<Duration>,
    request_timeout: Option<Duration>,
    read_timeout: Option<Duration>,
    limits: Limits,
}

impl Default for Client {
    fn default() -> Client {
        Client::new()
    }
}

impl Client {
    /// A client with the defaults of [`ClientBuilder::new`].
    pub fn new() -> Client {
        // The default TLS setup is made (and a failure reported) on the first
        // `https` request, so this cannot fail.
        ClientBuilder::new().finish(TlsSettings::default_roots())
    }

    /// A builder to configure a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// `GET url`.
    pub async fn get(&self, url: &str) -> Result<Response<ResponseBody>, Error> {
        self.send(Method::GET, url, Body::empty(), None).await
    }

    /// `POST url` with `body` (sent with `Content-Length` when its size is known,
    /// chunked otherwise) and no `Content-Type`.
    pub async fn post(
        &self,
        url: &str,
        body: impl Into<Body>,
    ) -> Result<Response<ResponseBody>, Error> {
        self.send(Method::POST, url, body.into(), None).await
    }

    /// `POST url` with `json`, already serialized, as its body and
    /// `Content-Type: application/json`.
    pub async fn post_json(
        &self,
        url: &str,
        json: impl Into<Bytes>,
    ) -> Result<Response<ResponseBody>, Error> {
        let content_type = HeaderValue::from_static("application/json");
        self.send(Method::POST, url, Body::full(json), Some(content_type))
            .await
    }

    /// Sends `request`, whose target must be an absolute `http` or `https` URL, and
    /// returns the response once its head has arrived; its body is read through
    /// the [`ResponseBody`]. `Host` is set from the URL unless the request has one.
    pub async fn request(&self, request: Request<Body>) -> Result<Response<ResponseBody>, Error> {
        let (head, body) = request.into_parts();
        let target = target::target(head)?;
        let sending = self.send_to(target, body);
        match self.inner.request_timeout {
            Some(limit) => avx::time::timeout(limit, sending)
                .await
                .unwrap_or(Err(Error::Timeout(Timeout::Request))),
            None => sending.await,
        }
    }

    /// How many connections wait idle in the pool, to every origin.
    pub fn idle_connections(&self) -> usize {
        self.inner.pool.idle_count()
    }

    async fn send(
        &self,
        method: Method,
        url: &str,
        body: Body,
        content_type: Option<HeaderValue>,
    ) -> Result<Response<ResponseBody>, Error> {
        let mut head = RequestHead::new(method, target::parse_url(url)?);
        if let Some(content_type) = content_type {
            head.headers.insert(header::CONTENT_TYPE, content_type);
        }
        self.request(Request::new(head, body)).await
    }

    /// Sends on a pooled connection or a new one, once more on a new one when a
    /// pooled one turns out to have been closed.
    async fn send_to(
        &self,
        target: Target,
        mut body: Body,
    ) -> Result<Response<ResponseBody>, Error> {
        let Target { origin, head } = target;
        let mut replay = body.try_clone();
        let mut allow_pooled = true;
        loop {
            let (mut conn, reused) = self.connection(&origin, allow_pooled).await?;
            let written = conn.write_request(&head, &mut body).await;
            let request_sent = written.is_ok();
            let complete = matches!(written, Ok(Written::Complete));
            let answered = match written {
                Ok(_) => conn.read_head(&head.method).await,
                // The server may have answered before the connection failed under
                // the write (an early 413, then a reset): its answer is the result.
                Err(Error::Io(error)) => match conn.read_head(&head.method).await {
                    Ok(parsed) => Ok(parsed),
                    Err(_) => Err(Error::Io(error)),
                },
                Err(error) => Err(error),
            };
            let error = match answered {
                Ok(parsed) => return self.respond(conn, &head, complete, parsed),
                Err(error) => error,
            };
            let retry = reused
                && matches!(error, Error::Io(_))
                && !conn.received()
                && (!request_sent || is_idempotent(&head.method));
            match replay.take() {
                Some(again) if retry => {
                    body = again;
                    replay = body.try_clone();
                    allow_pooled = false;
                }
                _ => return Err(error),
            }
        }
    }

    /// A live pooled connection to `origin`, or a new one; and whether it was
    /// pooled.
    async fn connection(
        &self,
        origin: &Arc<Origin>,
        allow_pooled: bool,
    ) -> Result<(Conn, bool), Error> {
        if allow_pooled {
            while let Some(mut conn) = self.inner.pool.take(origin) {
                if conn.is_reusable().await {
                    return Ok((conn, true));
                }
            }
        }
        let io = transport::connect(origin, &self.inner.tls, self.inner.connect_timeout).await?;
        Ok((Conn::new(io, Arc::clone(origin), &self.inner.limits), false))
    }

    /// The response to `request`, its body to be read from `conn`.
    fn respond(
        &self,
        conn: Conn,
        request: &RequestHead,
        request_complete: bool,
        parsed: Parsed<ResponseHead>,
    ) -> Result<Response<ResponseBody>, Error> {
        let Parsed { head, framing } = parsed;
        let reusable = request_complete
            && request.wants_keep_alive()
            && head.wants_keep_alive()
            && framing != Framing::UntilClose
            && !head.is_upgrade(&request.method);
        let exact_len = match framing {
            Framing::Empty => Some(0),
            Framing::Length(len) => Some(len),
            Framing::Chunked | Framing::UntilClose => None,
        };
        // A declared length over the limit is refused before a byte of it is read.
        let decoder = BodyDecoder::new(framing, &self.inner.limits)?;
        let body = ResponseBody::new(
            conn,
            decoder,
            reusable,
            Arc::clone(&self.inner.pool),
            exact_len,
            self.inner.read_timeout,
        );
        Ok(Response::new(head, body))
    }
}

/// Whether a request with `method` may be sent again after a failure that might
/// have come after the server acted on it (RFC 9110 §9.2.2).
fn is_idempotent(method: &Method) -> bool {
    method.is_safe() || *method == Method::PUT || *method == Method::DELETE
}
