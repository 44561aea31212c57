//! The client's [`Error`]: one enum saying who is at fault, the caller (a bad URL, a
//! request that cannot be encoded), the network (connect, I/O, timeouts) or the
//! server (a response that is not HTTP/1.1, a body over the limit).

use std::fmt;
use std::io;

use crate::http1::{BodyError, EncodeError, ParseError};
use crate::server::BoxError;

/// Which time limit ran out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Timeout {
    /// Resolving the host, connecting and the TLS handshake together
    /// ([`ClientBuilder::connect_timeout`](super::ClientBuilder::connect_timeout)).
    Connect,
    /// From the call until the response head arrived
    /// ([`ClientBuilder::request_timeout`](super::ClientBuilder::request_timeout)).
    Request,
    /// A wait for the next bytes of a response body
    /// ([`ClientBuilder::read_timeout`](super::ClientBuilder::read_timeout)).
    Read,
}

/// Why a request failed.
///
/// Converts into an `io::Error` (`ErrorKind::TimedOut` for timeouts,
/// `InvalidInput` for the caller's faults, `InvalidData` for the server's), for
/// code that deals in those.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The URL is not an absolute `scheme://host[:port][/path][?query]`; the text
    /// says what is wrong with it. The caller's fault.
    InvalidUrl(&'static str),
    /// The URL's scheme is neither `http` nor `https` (or `https` without the
    /// `tls` feature). The caller's fault.
    UnsupportedScheme(String),
    /// The request could not be written as asked: conflicting framing fields, or a
    /// streamed body longer or shorter than its declared `Content-Length`. The
    /// caller's fault.
    Encode(EncodeError),
    /// The request body's stream failed; the request was abandoned.
    RequestBody(BoxError),
    /// Resolving the host, connecting, or the TLS handshake failed (a handshake
    /// failure is `InvalidData` with the `rustls::Error` inside).
    Connect(io::Error),
    /// A time limit ran out.
    Timeout(Timeout),
    /// Reading or writing an established connection failed, or the server closed it
    /// before the response was complete.
    Io(io::Error),
    /// The response head is not valid HTTP/1.1. The server's fault.
    Parse(ParseError),
    /// The response body's framing is broken (a bad chunk, a cut-short body). The
    /// server's fault.
    Body(BodyError),
    /// The response body is longer than the limit it was read with
    /// ([`ClientBuilder::max_response_body`](super::ClientBuilder::max_response_body)
    /// or [`ResponseBody::to_bytes`](super::ResponseBody::to_bytes)).
    BodyTooLarge,
    /// TLS could not be set up: the root certificates or the crypto provider
    /// (a `ConfigError` inside), or the server chose by ALPN a protocol other
    /// than HTTP/1.1.
    Tls(BoxError),
}

impl Error {
    /// Whether a time limit ran out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout(_))
    }

    /// Which time limit ran out, if one did.
    pub fn timeout(&self) -> Option<Timeout> {
        match self {
            Error::Timeout(which) => Some(*which),
            _ => None,
        }
    }

    /// The `io::ErrorKind` this error converts to.
    pub fn io_kind(&self) -> io::ErrorKind {
        match self {
            Error::InvalidUrl(_) | Error::UnsupportedScheme(_) | Error::Encode(_) => {
                io::ErrorKind::InvalidInput
            }
            Error::RequestBody(_) => io::ErrorKind::Other,
            Error::Connect(error) | Error::Io(error) => error.kind(),
            Error::Timeout(_) => io::ErrorKind::TimedOut,
            Error::Parse(_) | Error::Body(_) | Error::BodyTooLarge | Error::Tls(_) => {
                io::ErrorKind::InvalidData
            }
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidUrl(reason) => write!(f, "invalid URL: {reason}"),
            Error::UnsupportedScheme(scheme) => write!(f, "unsupported URL scheme {scheme:?}"),
            Error::Encode(error) => write!(f, "cannot encode the request: {error}"),
            Error::RequestBody(error) => write!(f, "the request body failed: {error}"),
            Error::Connect(error) => write!(f, "cannot connect: {error}"),
            Error::Timeout(Timeout::Connect) => f.write_str("connect timed out"),
            Error::Timeout(Timeout::Request) => {
                f.write_str("request timed out before the response head")
            }
            Error::Timeout(Timeout::Read) => f.write_str("reading the response body timed out"),
            Error::Io(error) => write!(f, "connection failed: {error}"),
            Error::Parse(error) => write!(f, "invalid response head: {error}"),
            Error::Body(error) => write!(f, "invalid response body: {error}"),
            Error::BodyTooLarge => f.write_str("response body over the limit"),
            Error::Tls(error) => write!(f, "TLS: {error}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Encode(error) => Some(error),
            Error::RequestBody(error) | Error::Tls(error) => Some(&**error),
            Error::Connect(error) | Error::Io(error) => Some(error),
            Error::Parse(error) => Some(error),
            Error::Body(error) => Some(error),
            Error::InvalidUrl(_)
            | Error::UnsupportedScheme(_)
            | Error::Timeout(_)
            | Error::BodyTooLarge => None,
        }
    }
}

impl From<Error> for io::Error {
    fn from(error: Error) -> io::Error {
        match error {
            Error::Connect(error) | Error::Io(error) => error,
            error => io::Error::new(error.io_kind(), error),
        }
    }
}

impl From<BodyError> for Error {
    fn from(error: BodyError) -> Error {
        match error {
            BodyError::TooLarge => Error::BodyTooLarge,
            error => Error::Body(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_conversions() {
        let timeout = Error::Timeout(Timeout::Request);
        assert!(timeout.is_timeout());
        assert_eq!(timeout.timeout(), Some(Timeout::Request));
        assert_eq!(io::Error::from(timeout).kind(), io::ErrorKind::TimedOut);

        let url = io::Error::from(Error::InvalidUrl("no host"));
        assert_eq!(url.kind(), io::ErrorKind::InvalidInput);
        assert_eq!(url.to_string(), "invalid URL: no host");

        let refused = io::Error::from(io::ErrorKind::ConnectionRefused);
        let refused = io::Error::from(Error::Connect(refused));
        assert_eq!(refused.kind(), io::ErrorKind::ConnectionRefused);

        assert!(matches!(
            Error::from(BodyError::TooLarge),
            Error::BodyTooLarge
        ));
        assert!(matches!(
            Error::from(BodyError::Incomplete),
            Error::Body(BodyError::Incomplete)
        ));
        assert_eq!(
            Error::Parse(ParseError::InvalidStatus).io_kind(),
            io::ErrorKind::InvalidData
        );
    }
}
