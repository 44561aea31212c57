//! The request method (RFC 9110 §9).
//!
//! The nine registered methods are unit variants, so matching on them costs no string
//! compare; any other token is kept as an extension method, case-sensitively (methods
//! are case-sensitive: `get` is not `GET`).

use std::fmt;

use bytes::Bytes;

use crate::header::{HeadBytes, is_token};

/// An HTTP request method.
///
/// ```
/// use avx_http::Method;
///
/// assert_eq!(Method::from_bytes(b"GET").unwrap(), Method::GET);
/// assert_eq!(Method::from_bytes(b"PURGE").unwrap().as_str(), "PURGE");
/// assert!(Method::from_bytes(b"GE T").is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Method(Inner);

#[derive(Clone, PartialEq, Eq, Hash)]
enum Inner {
    Get,
    Head,
    Post,
    Put,
    Delete,
    Connect,
    Options,
    Trace,
    Patch,
    /// INVARIANT: a non-empty token that is none of the registered methods above.
    Extension(Bytes),
}

/// The error for a method that is not a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidMethod;

impl fmt::Display for InvalidMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid HTTP method: not a token")
    }
}

impl std::error::Error for InvalidMethod {}

impl Method {
    /// `GET`.
    pub const GET: Method = Method(Inner::Get);
    /// `HEAD`: a response to it has no body.
    pub const HEAD: Method = Method(Inner::Head);
    /// `POST`.
    pub const POST: Method = Method(Inner::Post);
    /// `PUT`.
    pub const PUT: Method = Method(Inner::Put);
    /// `DELETE`.
    pub const DELETE: Method = Method(Inner::Delete);
    /// `CONNECT`: its target is in authority form, and a 2xx response opens a tunnel.
    pub const CONNECT: Method = Method(Inner::Connect);
    /// `OPTIONS`: the only method that may use the asterisk form (`*`).
    pub const OPTIONS: Method = Method(Inner::Options);
    /// `TRACE`.
    pub const TRACE: Method = Method(Inner::Trace);
    /// `PATCH` (RFC 5789).
    pub const PATCH: Method = Method(Inner::Patch);

    /// Parses a method token.
    pub fn from_bytes(src: &[u8]) -> Result<Method, InvalidMethod> {
        if let Some(known) = Method::registered(src) {
            return Ok(known);
        }
        if src.is_empty() || !src.iter().all(|&b| is_token(b)) {
            return Err(InvalidMethod);
        }
        Ok(Method(Inner::Extension(Bytes::copy_from_slice(src))))
    }

    /// The method at `start..end` of `head`, bytes the parser has already checked to
    /// be a non-empty token. A registered method touches no reference count; an
    /// extension method shares the head's buffer.
    #[cfg(feature = "http-compat")]
    pub(crate) fn from_token(head: &Bytes, span: (usize, usize)) -> Method {
        Method::from_head(HeadBytes::shared(head), span)
    }

    /// As [`Method::from_token`], from a parsed head: an extension method shares the
    /// head's buffer if it is frozen, else is copied.
    pub(crate) fn from_head(head: HeadBytes<'_>, (start, end): (usize, usize)) -> Method {
        let token = &head.bytes()[start..end];
        debug_assert!(!token.is_empty() && token.iter().all(|&b| is_token(b)));
        Method::registered(token)
            .unwrap_or_else(|| Method(Inner::Extension(head.share(start, end))))
    }

    /// One of the registered methods, which are held without bytes.
    pub(crate) fn registered(src: &[u8]) -> Option<Method> {
        Some(Method(match src {
            b"GET" => Inner::Get,
            b"HEAD" => Inner::Head,
            b"POST" => Inner::Post,
            b"PUT" => Inner::Put,
            b"DELETE" => Inner::Delete,
            b"CONNECT" => Inner::Connect,
            b"OPTIONS" => Inner::Options,
            b"TRACE" => Inner::Trace,
            b"PATCH" => Inner::Patch,
            _ => return None,
        }))
    }

    /// The method as it is written on the wire.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Inner::Get => "GET",
            Inner::Head => "HEAD",
            Inner::Post => "POST",
            Inner::Put => "PUT",
            Inner::Delete => "DELETE",
            Inner::Connect => "CONNECT",
            Inner::Options => "OPTIONS",
            Inner::Trace => "TRACE",
            Inner::Patch => "PATCH",
            // A token is ASCII, so this never fails; an empty name would be a bug.
            Inner::Extension(token) => std::str::from_utf8(token).unwrap_or(""),
        }
    }

    /// Whether the method is safe (RFC 9110 §9.2.1): GET, HEAD, OPTIONS, TRACE.
    pub fn is_safe(&self) -> bool {
        matches!(
            self.0,
            Inner::Get | Inner::Head | Inner::Options | Inner::Trace
        )
    }

    /// Whether a request with this method usually carries a body (POST, PUT, PATCH), so
    /// that a client sends `Content-Length: 0` for an empty one.
    pub(crate) fn anticipates_body(&self) -> bool {
        matches!(self.0, Inner::Post | Inner::Put | Inner::Patch)
    }
}

impl fmt::Debug for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Method {
    type Err = InvalidMethod;

    fn from_str(s: &str) -> Result<Method, InvalidMethod> {
        Method::from_bytes(s.as_bytes())
    }
}

impl Default for Method {
    fn default() -> Method {
        Method::GET
    }
}

impl PartialEq<str> for Method {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Method {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registered_methods_round_trip() {
        for name in [
            "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
        ] {
            let method = Method::from_bytes(name.as_bytes()).unwrap();
            assert!(!matches!(method.0, Inner::Extension(_)), "{name}");
            assert_eq!(method.as_str(), name);
        }
    }

    #[test]
    fn extension_methods_are_case_sensitive_tokens() {
        let purge = Method::from_bytes(b"PURGE").unwrap();
        assert_eq!(purge, "PURGE");
        assert_ne!(Method::from_bytes(b"get").unwrap(), Method::GET);
        for bad in [&b""[..], b"GE T", b"G\x00T", b"G(T", b"\xc3\xa9"] {
            assert_eq!(Method::from_bytes(bad), Err(InvalidMethod), "{bad:?}");
        }
    }

    #[test]
    fn safety() {
        assert!(Method::GET.is_safe() && Method::HEAD.is_safe());
        assert!(!Method::POST.is_safe() && !Method::from_bytes(b"X").unwrap().is_safe());
    }
}
