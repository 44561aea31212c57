//! avx-http: the HTTP stack of the avx runtime.
//!
//! Two layers, as every protocol here is built:
//!
//! * a **sans-I/O core** ([`http1`]): parsers, body decoders and encoders that turn
//!   bytes into typed messages and back, with no runtime, socket or clock in them, so
//!   they are tested byte by byte and fuzzed;
//! * a thin **async layer** on `avx` that drives the core over connections, in the
//!   clear or through TLS (the `tls` module, rustls with the `ring` provider by default):
//!   a [`server`] (HTTPS with `Server::with_tls`) and a [`client`] with a
//!   connection pool per origin.
//!
//! The message types ([`Request`], [`Response`], [`RequestHead`], [`HeaderMap`],
//! [`Method`], [`StatusCode`], [`Uri`], [`Version`]) are this crate's own, small and
//! shaped after the `http` crate's; with the `http-compat` feature, the `compat` module
//! converts them to and from that crate's types.
//!
//! ```
//! use avx_http::http1::{BodyDecoder, BodyEvent, RequestParser};
//! use avx_http::Limits;
//! use bytes::BytesMut;
//!
//! let limits = Limits::default();
//! let mut buf = BytesMut::from(&b"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi"[..]);
//! let request = RequestParser::new(&limits).parse(&mut buf).unwrap().unwrap();
//! let mut body = BodyDecoder::new(request.framing, &limits).unwrap();
//! assert_eq!(body.decode(&mut buf).unwrap(), Some(BodyEvent::Data("hi".into())));
//! assert_eq!(body.decode(&mut buf).unwrap(), Some(BodyEvent::End));
//! ```
//!
//! ```no_run
//! # async fn run() -> Result<(), avx_http::client::Error> {
//! let client = avx_http::client::Client::new();
//! let response = client.get("https://example.com/").await?;
//! let body = response.into_body().to_bytes(1 << 20).await?;
//! # drop(body);
//! # Ok(())
//! # }
//! ```
//!
//! What it does not do (yet): HTTP/2, WebSocket framing, content codings (gzip),
//! redirects, proxies or cookies in the client: each is its own module when it
//! comes.

// The one exception, allowed where it is: the SSE2 byte scan of `http1::scan`.
#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod client;
#[cfg(feature = "http-compat")]
pub mod compat;
pub mod header;
pub mod http1;
pub mod server;
#[cfg(feature = "tls")]
pub mod tls;
pub mod uri;

mod date;
mod limits;
mod message;
mod method;
mod status;
mod version;

pub use date::{DateCache, HttpDate};
pub use header::{HeaderMap, HeaderName, HeaderValue};
pub use limits::Limits;
pub use message::{
    InvalidReasonPhrase, ReasonPhrase, Request, RequestHead, Response, ResponseHead,
};
pub use method::{InvalidMethod, Method};
pub use status::{InvalidStatusCode, StatusCode};
pub use uri::Uri;
pub use version::Version;
