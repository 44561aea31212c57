//! [`HeaderName`]: a field name, compared without regard to case.
//!
//! INVARIANT: the bytes are a non-empty token (RFC 9110 §5.1), so they are ASCII. The
//! name keeps the case it arrived or was built with (a proxy can pass names on as
//! written); equality and hashing fold ASCII case, as field names are case-insensitive.

use std::fmt;
use std::hash::{Hash, Hasher};

use bytes::Bytes;

use super::field_bytes::{FieldBytes, HeadBytes};
use super::is_token;

/// A header field name.
///
/// ```
/// use avx_http::header::{self, HeaderName};
///
/// let name = HeaderName::from_bytes(b"Content-Length").unwrap();
/// assert_eq!(name, header::CONTENT_LENGTH);
/// assert_eq!(name.as_str(), "Content-Length");
/// assert!(HeaderName::from_bytes(b"bad name").is_err());
/// ```
#[derive(Clone)]
pub struct HeaderName(FieldBytes);

/// The error for a header name that is empty or not a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidHeaderName;

impl fmt::Display for InvalidHeaderName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid header name: empty or not a token")
    }
}

impl std::error::Error for InvalidHeaderName {}

fn is_valid(name: &[u8]) -> bool {
    !name.is_empty() && name.iter().all(|&b| is_token(b))
}

impl HeaderName {
    /// A name from a constant.
    ///
    /// # Panics
    ///
    /// If `name` is not a token; in a `const` this is a compile error.
    pub const fn from_static(name: &'static str) -> HeaderName {
        let bytes = name.as_bytes();
        assert!(!bytes.is_empty(), "header name is empty");
        let mut i = 0;
        while i < bytes.len() {
            assert!(is_token(bytes[i]), "header name is not a token");
            i += 1;
        }
        HeaderName(FieldBytes::from_static(bytes))
    }

    /// A name from bytes, copied.
    pub fn from_bytes(name: &[u8]) -> Result<HeaderName, InvalidHeaderName> {
        if is_valid(name) {
            Ok(HeaderName(FieldBytes::copy_from_slice(name)))
        } else {
            Err(InvalidHeaderName)
        }
    }

    /// A name from shared bytes, without copying.
    pub fn from_shared(name: Bytes) -> Result<HeaderName, InvalidHeaderName> {
        if is_valid(&name) {
            Ok(HeaderName(FieldBytes::from_bytes(name)))
        } else {
            Err(InvalidHeaderName)
        }
    }

    /// A name from bytes already checked to be a non-empty token.
    #[cfg(feature = "http-compat")]
    pub(crate) fn from_validated(name: Bytes) -> HeaderName {
        debug_assert!(is_valid(&name));
        HeaderName(FieldBytes::from_bytes(name))
    }

    /// An empty name, for [`HeaderName::set_validated_range`] to fill in place; it
    /// breaks the type's invariant until then.
    pub(crate) const PLACEHOLDER: HeaderName = HeaderName(FieldBytes::EMPTY);

    /// Sets the name to `head[start..end]`, which the parser has already checked to be
    /// a non-empty token.
    #[inline]
    pub(crate) fn set_validated_range(&mut self, head: HeadBytes<'_>, start: usize, end: usize) {
        self.0.set_range(head, start, end);
        debug_assert!(is_valid(self.as_bytes()));
    }

    /// The name as written.
    pub fn as_str(&self) -> &str {
        // A token is ASCII (the type's invariant), so this never fails.
        std::str::from_utf8(self.0.as_bytes()).unwrap_or("")
    }

    /// The name as written.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// Whether this is `other`, ignoring ASCII case.
    #[inline]
    pub(crate) fn is(&self, other: &[u8]) -> bool {
        let name = self.0.as_bytes();
        name.len() == other.len() && name.eq_ignore_ascii_case(other)
    }
}

impl PartialEq for HeaderName {
    fn eq(&self, other: &HeaderName) -> bool {
        self.is(other.as_bytes())
    }
}

impl Eq for HeaderName {}

impl PartialEq<str> for HeaderName {
    fn eq(&self, other: &str) -> bool {
        self.is(other.as_bytes())
    }
}

impl PartialEq<&str> for HeaderName {
    fn eq(&self, other: &&str) -> bool {
        self.is(other.as_bytes())
    }
}

impl Hash for HeaderName {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let name = self.0.as_bytes();
        state.write_usize(name.len());
        for b in name {
            state.write_u8(b.to_ascii_lowercase());
        }
    }
}

impl AsRef<[u8]> for HeaderName {
    fn as_ref(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for HeaderName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for HeaderName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for HeaderName {
    type Err = InvalidHeaderName;

    fn from_str(s: &str) -> Result<HeaderName, InvalidHeaderName> {
        HeaderName::from_bytes(s.as_bytes())
    }
}

impl TryFrom<&str> for HeaderName {
    type Error = InvalidHeaderName;

    fn try_from(s: &str) -> Result<HeaderName, InvalidHeaderName> {
        HeaderName::from_bytes(s.as_bytes())
    }
}

impl TryFrom<String> for HeaderName {
    type Error = InvalidHeaderName;

    fn try_from(s: String) -> Result<HeaderName, InvalidHeaderName> {
        HeaderName::from_shared(Bytes::from(s))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::hash_map::DefaultHasher;

    use super::*;

    fn hash(name: &HeaderName) -> u64 {
        let mut hasher = DefaultHasher::new();
        name.hash(&mut hasher);
        hasher.finish()
    }

    #[test]
    fn case_insensitive_equality_and_hash() {
        let upper = HeaderName::from_bytes(b"X-Request-ID").unwrap();
        let lower = HeaderName::from_static("x-request-id");
        assert_eq!(upper, lower);
        assert_eq!(hash(&upper), hash(&lower));
        assert_eq!(upper, "x-REQUEST-id");
        assert_ne!(upper, HeaderName::from_static("x-request-i"));
        assert_eq!(upper.as_str(), "X-Request-ID", "case as written is kept");
    }

    #[test]
    fn invalid_names() {
        for bad in [&b""[..], b"a b", b"a:b", b"a\r", b"\xff", b"host ", b"(x)"] {
            assert_eq!(
                HeaderName::from_bytes(bad),
                Err(InvalidHeaderName),
                "{bad:?}"
            );
            assert!(HeaderName::from_shared(Bytes::copy_from_slice(bad)).is_err());
        }
        assert!("a b".parse::<HeaderName>().is_err());
        assert!(HeaderName::try_from(String::from("ok")).is_ok());
    }
}
