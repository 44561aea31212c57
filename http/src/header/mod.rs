//! Header fields: [`HeaderName`], [`HeaderValue`] and the ordered multimap
//! [`HeaderMap`], plus the names the codec itself reads.
//!
//! Field syntax (RFC 9110 §5): a name is a token; a value is any run of visible ASCII,
//! SP, HTAB and obs-text (0x80-0xFF), never CR, LF, NUL or another control byte. Both
//! types hold that invariant from construction on, so writing them into a head can
//! never split a line.

mod field_bytes;
mod map;
mod name;
mod value;

pub(crate) use field_bytes::{FieldBytes, HeadBytes, INLINE_CAPACITY};
pub use map::{GetAll, HeaderMap, IntoIter, Iter};
pub use name::{HeaderName, InvalidHeaderName};
pub use value::{HeaderValue, InvalidHeaderValue, ToStrError};

macro_rules! standard_names {
    ($($name:ident = $text:literal;)+) => {
        $(
            #[doc = concat!("`", $text, "`")]
            pub const $name: HeaderName = HeaderName::from_static($text);
        )+
    };
}

standard_names! {
    ACCEPT = "accept";
    ACCEPT_ENCODING = "accept-encoding";
    AUTHORIZATION = "authorization";
    CACHE_CONTROL = "cache-control";
    CONNECTION = "connection";
    CONTENT_ENCODING = "content-encoding";
    CONTENT_LENGTH = "content-length";
    CONTENT_TYPE = "content-type";
    COOKIE = "cookie";
    DATE = "date";
    EXPECT = "expect";
    HOST = "host";
    KEEP_ALIVE = "keep-alive";
    LOCATION = "location";
    SERVER = "server";
    SET_COOKIE = "set-cookie";
    TE = "te";
    TRAILER = "trailer";
    TRANSFER_ENCODING = "transfer-encoding";
    UPGRADE = "upgrade";
    USER_AGENT = "user-agent";
}

/// `tchar` of RFC 9110 §5.6.2, indexed by byte.
const TOKEN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'|'
                    | b'~'
            );
        b += 1;
    }
    table
};

/// Whether `b` may appear in a token (method, header name, transfer coding).
#[inline]
pub(crate) const fn is_token(b: u8) -> bool {
    TOKEN[b as usize]
}

/// Whether `b` may appear in a field value or reason phrase: HTAB, SP, VCHAR, obs-text.
#[inline]
pub(crate) const fn is_value_byte(b: u8) -> bool {
    b == b'\t' || (b >= 0x20 && b != 0x7f)
}

/// Whether a comma-separated field value (`Connection`, `Transfer-Encoding`) lists
/// `token`, ignoring case and the optional whitespace around elements.
pub(crate) fn list_contains(value: &[u8], token: &str) -> bool {
    list_elements(value).any(|element| element.eq_ignore_ascii_case(token.as_bytes()))
}

/// The non-empty elements of a comma-separated list (RFC 9110 §5.6.1), trimmed of OWS.
pub(crate) fn list_elements(value: &[u8]) -> impl Iterator<Item = &[u8]> {
    value
        .split(|&b| b == b',')
        .map(trim_ows)
        .filter(|element| !element.is_empty())
}

/// `value` without leading and trailing SP and HTAB.
pub(crate) fn trim_ows(value: &[u8]) -> &[u8] {
    let start = value.iter().position(|&b| b != b' ' && b != b'\t');
    let Some(start) = start else { return &[] };
    let end = value
        .iter()
        .rposition(|&b| b != b' ' && b != b'\t')
        .map_or(start, |e| e + 1);
    &value[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_bytes() {
        for b in b"!#$%&'*+-.^_`|~09azAZ" {
            assert!(is_token(*b), "{}", *b as char);
        }
        for b in b" \t\r\n\0\"(),/:;<=>?@[\\]{}\x7f\x80\xff" {
            assert!(!is_token(*b), "{b:#x}");
        }
    }

    #[test]
    fn value_bytes() {
        for b in [b'\t', b' ', b'a', b'~', 0x80, 0xff] {
            assert!(is_value_byte(b), "{b:#x}");
        }
        for b in [0, b'\r', b'\n', 0x01, 0x1f, 0x7f] {
            assert!(!is_value_byte(b), "{b:#x}");
        }
    }

    #[test]
    fn lists() {
        assert!(list_contains(b"keep-alive, Upgrade", "upgrade"));
        assert!(list_contains(b" ,, close ,", "close"));
        assert!(!list_contains(b"closed", "close"));
        let elements: Vec<&[u8]> = list_elements(b" gzip ,\tchunked,, ").collect();
        assert_eq!(elements, [&b"gzip"[..], b"chunked"]);
        assert_eq!(trim_ows(b" \t "), b"");
        assert_eq!(trim_ows(b"\ta b "), b"a b");
    }
}
