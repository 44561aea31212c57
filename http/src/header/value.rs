//! [`HeaderValue`]: a field value that cannot split a line.
//!
//! INVARIANT: every byte is HTAB, SP, visible ASCII or obs-text (0x80-0xFF): never CR,
//! LF, NUL or another control byte (RFC 9110 §5.5), so writing the value into a head
//! can never end the field early or smuggle in another one.

use std::fmt;

use bytes::Bytes;

use super::field_bytes::{FieldBytes, HeadBytes};
use super::is_value_byte;

/// A header field value.
///
/// ```
/// use avx_http::HeaderValue;
///
/// let value = HeaderValue::from_bytes(b"text/plain").unwrap();
/// assert_eq!(value.to_str().unwrap(), "text/plain");
/// assert!(HeaderValue::from_bytes(b"a\r\nInjected: yes").is_err());
/// assert_eq!(HeaderValue::from(42u64), "42");
/// ```
#[derive(Clone)]
pub struct HeaderValue(FieldBytes);

/// The error for a header value holding CR, LF, NUL or another control byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidHeaderValue;

impl fmt::Display for InvalidHeaderValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid header value: holds a control byte (CR, LF, NUL, ...)")
    }
}

impl std::error::Error for InvalidHeaderValue {}

/// The error for a header value that is not UTF-8 (obs-text bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ToStrError;

impl fmt::Display for ToStrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("header value is not UTF-8")
    }
}

impl std::error::Error for ToStrError {}

fn is_valid(value: &[u8]) -> bool {
    value.iter().all(|&b| is_value_byte(b))
}

impl HeaderValue {
    /// A value from a constant.
    ///
    /// # Panics
    ///
    /// If `value` holds a control byte; in a `const` this is a compile error.
    pub const fn from_static(value: &'static str) -> HeaderValue {
        let bytes = value.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            assert!(is_value_byte(bytes[i]), "header value holds a control byte");
            i += 1;
        }
        HeaderValue(FieldBytes::from_static(bytes))
    }

    /// A value from bytes, copied.
    pub fn from_bytes(value: &[u8]) -> Result<HeaderValue, InvalidHeaderValue> {
        if is_valid(value) {
            Ok(HeaderValue(FieldBytes::copy_from_slice(value)))
        } else {
            Err(InvalidHeaderValue)
        }
    }

    /// A value from shared bytes, without copying.
    pub fn from_shared(value: Bytes) -> Result<HeaderValue, InvalidHeaderValue> {
        if is_valid(&value) {
            Ok(HeaderValue(FieldBytes::from_bytes(value)))
        } else {
            Err(InvalidHeaderValue)
        }
    }

    /// A value from bytes the parser has already checked.
    pub(crate) fn from_validated(value: Bytes) -> HeaderValue {
        debug_assert!(is_valid(&value));
        HeaderValue(FieldBytes::from_bytes(value))
    }

    /// An empty value, for [`HeaderValue::set_validated_range`] to fill in place.
    pub(crate) const PLACEHOLDER: HeaderValue = HeaderValue(FieldBytes::EMPTY);

    /// Sets the value to `head[start..end]`, whose bytes the parser has already
    /// checked.
    #[inline]
    pub(crate) fn set_validated_range(&mut self, head: HeadBytes<'_>, start: usize, end: usize) {
        self.0.set_range(head, start, end);
        debug_assert!(is_valid(self.as_bytes()));
    }

    /// The value's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// The value as text, if it is UTF-8.
    pub fn to_str(&self) -> Result<&str, ToStrError> {
        std::str::from_utf8(self.as_bytes()).map_err(|_| ToStrError)
    }

    /// Its length in bytes.
    pub fn len(&self) -> usize {
        self.as_bytes().len()
    }

    /// Whether it is empty (an empty value is valid: `Host:` for a target with no
    /// authority).
    pub fn is_empty(&self) -> bool {
        self.as_bytes().is_empty()
    }
}

impl AsRef<[u8]> for HeaderValue {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl fmt::Debug for HeaderValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_str() {
            Ok(text) => fmt::Debug::fmt(text, f),
            Err(_) => write!(f, "b\"{}\"", self.as_bytes().escape_ascii()),
        }
    }
}

// Equality, ordering and hashing are those of the bytes, however they are held.

impl PartialEq for HeaderValue {
    fn eq(&self, other: &HeaderValue) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for HeaderValue {}

impl PartialOrd for HeaderValue {
    fn partial_cmp(&self, other: &HeaderValue) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for HeaderValue {
    fn cmp(&self, other: &HeaderValue) -> std::cmp::Ordering {
        self.as_bytes().cmp(other.as_bytes())
    }
}

impl std::hash::Hash for HeaderValue {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state);
    }
}

impl PartialEq<str> for HeaderValue {
    fn eq(&self, other: &str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<&str> for HeaderValue {
    fn eq(&self, other: &&str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl std::str::FromStr for HeaderValue {
    type Err = InvalidHeaderValue;

    fn from_str(s: &str) -> Result<HeaderValue, InvalidHeaderValue> {
        HeaderValue::from_bytes(s.as_bytes())
    }
}

impl TryFrom<&str> for HeaderValue {
    type Error = InvalidHeaderValue;

    fn try_from(s: &str) -> Result<HeaderValue, InvalidHeaderValue> {
        HeaderValue::from_bytes(s.as_bytes())
    }
}

impl TryFrom<String> for HeaderValue {
    type Error = InvalidHeaderValue;

    fn try_from(s: String) -> Result<HeaderValue, InvalidHeaderValue> {
        HeaderValue::from_shared(Bytes::from(s))
    }
}

/// A decimal number, as `Content-Length` carries it.
impl From<u64> for HeaderValue {
    fn from(n: u64) -> HeaderValue {
        let mut digits = [0u8; 20];
        let text = crate::http1::write_decimal(n, &mut digits);
        HeaderValue(FieldBytes::copy_from_slice(text))
    }
}

impl From<usize> for HeaderValue {
    fn from(n: usize) -> HeaderValue {
        HeaderValue::from(n as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_bytes_are_rejected() {
        for bad in [
            &b"a\rb"[..],
            b"a\nb",
            b"a\0b",
            b"\x01",
            b"\x7f",
            b"\x1b[31m",
        ] {
            assert_eq!(
                HeaderValue::from_bytes(bad),
                Err(InvalidHeaderValue),
                "{bad:?}"
            );
            assert!(HeaderValue::from_shared(Bytes::copy_from_slice(bad)).is_err());
        }
    }

    #[test]
    fn allowed_bytes() {
        let value = HeaderValue::from_bytes(b"\ta b~\x80\xff").unwrap();
        assert_eq!(value.as_bytes(), b"\ta b~\x80\xff");
        assert_eq!(value.to_str(), Err(ToStrError));
        assert_eq!(format!("{value:?}"), r#"b"\ta b~\x80\xff""#);
        assert!(HeaderValue::from_bytes(b"").unwrap().is_empty());
    }

    #[test]
    fn numbers() {
        assert_eq!(HeaderValue::from(0u64), "0");
        assert_eq!(HeaderValue::from(u64::MAX), "18446744073709551615");
        assert_eq!(HeaderValue::from(1234usize).len(), 4);
    }
}
