//! The sans-I/O HTTP/1.1 codec (RFC 9112): bytes in, typed heads and body events out;
//! typed heads and body data in, bytes out. No runtime, no clock, no socket.
//!
//! ```text
//! read side                                    write side
//! RequestParser / ResponseParser               encode_response_head / encode_request_head
//!   bytes ─▶ Parsed { head, framing }            head + body size ─▶ bytes + BodyEncoder
//! BodyDecoder::new(framing, limits)            BodyEncoder
//!   bytes ─▶ BodyEvent::{Data, Trailers, End}    data / end ─▶ bytes
//! ```
//!
//! Every fault a peer can commit is a [`ParseError`] or [`BodyError`] carrying the
//! status a server answers it with; after any of them the connection must close.
//! Connection management (keep-alive, `Expect`, upgrades) is read from the heads by
//! the helpers in this module ([`RequestHead::wants_keep_alive`] and its siblings) and
//! left to the caller.

mod body_encoder;
mod chunked;
mod decode;
mod encode;
mod error;
mod framing;
mod head;
mod head_ref;
mod parse;
mod scan;

#[cfg(test)]
mod parse_tests;

pub use body_encoder::BodyEncoder;
pub use decode::{BodyDecoder, BodyEvent};
pub use encode::{EncodedResponse, ResponseContext, encode_request_head, encode_response_head};
pub use error::{BodyError, EncodeError, ParseError};
pub use framing::Framing;
pub use head_ref::{Fields, RequestHeadRef};
pub use parse::{Parsed, RequestParser, ResponseParser};

use crate::header::{self, HeaderMap, list_contains};
use crate::{RequestHead, ResponseHead, StatusCode, Version};

/// `n` in decimal, written at the end of `digits`.
pub(crate) fn write_decimal(n: u64, digits: &mut [u8; 20]) -> &[u8] {
    let mut at = digits.len();
    let mut n = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &digits[at..];
        }
    }
}

/// Whether any `Connection` field lists `option`.
fn connection_has(headers: &HeaderMap, option: &str) -> bool {
    headers
        .get_all(header::CONNECTION)
        .any(|value| list_contains(value.as_bytes(), option))
}

/// Whether a message of `version` with `headers` lets the connection persist after
/// it: HTTP/1.1 unless `Connection: close`, HTTP/1.0 only with
/// `Connection: keep-alive` (RFC 9112 §9.3).
fn keep_alive(version: Version, headers: &HeaderMap) -> bool {
    match version {
        Version::Http11 => !connection_has(headers, "close"),
        Version::Http10 => {
            connection_has(headers, "keep-alive") && !connection_has(headers, "close")
        }
    }
}

impl RequestHead {
    /// Whether the client lets the connection persist after this request.
    ///
    /// ```
    /// use avx_http::{HeaderValue, Method, RequestHead, Uri, Version, header};
    ///
    /// let mut head = RequestHead::new(Method::GET, Uri::from_static("/"));
    /// assert!(head.wants_keep_alive());
    /// head.version = Version::Http10;
    /// assert!(!head.wants_keep_alive());
    /// head.headers.insert(header::CONNECTION, HeaderValue::from_static("Keep-Alive"));
    /// assert!(head.wants_keep_alive());
    /// ```
    pub fn wants_keep_alive(&self) -> bool {
        keep_alive(self.version, &self.headers)
    }

    /// Whether the client waits for `100 Continue` before sending the body
    /// (`Expect: 100-continue` in an HTTP/1.1 request; RFC 9110 §10.1.1 says to ignore
    /// it from HTTP/1.0).
    pub fn expects_continue(&self) -> bool {
        self.version == Version::Http11
            && self
                .headers
                .get_all(header::EXPECT)
                .any(|value| value.as_bytes().eq_ignore_ascii_case(b"100-continue"))
    }

    /// Whether the client asks to switch protocols (`Connection: upgrade` and an
    /// `Upgrade` field, RFC 9110 §7.8), or is a CONNECT, which becomes a tunnel.
    pub fn wants_upgrade(&self) -> bool {
        self.method == crate::Method::CONNECT
            || (self.version == Version::Http11
                && self.headers.contains_key(header::UPGRADE)
                && connection_has(&self.headers, "upgrade"))
    }
}

impl ResponseHead {
    /// Whether the server lets the connection persist after this response.
    pub fn wants_keep_alive(&self) -> bool {
        keep_alive(self.version, &self.headers)
    }

    /// Whether this response hands the connection over to another protocol (a 101),
    /// given the request's method (a 2xx to CONNECT opens a tunnel).
    pub fn is_upgrade(&self, request_method: &crate::Method) -> bool {
        self.status == StatusCode::SWITCHING_PROTOCOLS
            || (*request_method == crate::Method::CONNECT && self.status.is_success())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal() {
        let mut digits = [0; 20];
        assert_eq!(write_decimal(0, &mut digits), b"0");
        assert_eq!(write_decimal(1_000_007, &mut digits), b"1000007");
        assert_eq!(
            write_decimal(u64::MAX, &mut digits),
            b"18446744073709551615"
        );
    }
}
