//! [`Uri`]: a request target in one of the four forms of RFC 9112 §3.2.
//!
//! ```text
//! origin-form     /where?q=now             most requests
//! absolute-form   http://host:80/where?q   requests to a proxy
//! authority-form  host:443                 CONNECT only
//! asterisk-form   *                        OPTIONS only
//! ```
//!
//! INVARIANT: `bytes` is non-empty visible ASCII (0x21-0x7E) and matches `form`; the
//! offsets split it as the form's grammar does: `authority` is `host[:port]` with no
//! userinfo (RFC 9110 §4.2.4 makes userinfo an error in `http` URIs), and for the
//! origin and absolute forms `path_start..query_start` is the path and what follows
//! `?` the query. Offsets are `u32`: a target longer than 4 GiB is refused.
//!
//! A target of up to `INLINE_TARGET` (46) bytes is held inline (most are), so a parsed
//! one does not share, and count a reference to, the head's buffer.

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;

use crate::header::{FieldBytes, HeadBytes};

/// The longest target held inline: 46 bytes and the length make the storage 48.
pub(crate) const INLINE_TARGET: usize = 46;

/// A request target.
///
/// ```
/// use avx_http::{Uri, uri::TargetForm};
///
/// let uri: Uri = "http://example.com:8080/a/b?c=d".parse().unwrap();
/// assert_eq!(uri.form(), TargetForm::Absolute);
/// assert_eq!(uri.scheme(), Some("http"));
/// assert_eq!(uri.host(), Some("example.com"));
/// assert_eq!(uri.port(), Some(8080));
/// assert_eq!(uri.path(), "/a/b");
/// assert_eq!(uri.query(), Some("c=d"));
/// assert_eq!(uri.path_and_query(), "/a/b?c=d");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Uri {
    bytes: FieldBytes<INLINE_TARGET>,
    form: TargetForm,
    /// Absolute form: the end of the scheme (the `:`); 0 otherwise.
    scheme_end: u32,
    /// Absolute and authority forms: where `host[:port]` lies; empty otherwise.
    authority: (u32, u32),
    /// Origin and absolute forms: where the path starts.
    path_start: u32,
    /// Origin and absolute forms: where `?` is, or the length if there is no query.
    query_start: u32,
}

/// Which of the request-target forms a [`Uri`] is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TargetForm {
    /// `/path?query`.
    Origin,
    /// `scheme://authority/path?query`.
    Absolute,
    /// `host:port`, for CONNECT.
    Authority,
    /// `*`, for a server-wide OPTIONS.
    Asterisk,
}

/// The error for a string that is not a request target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidUri;

impl fmt::Display for InvalidUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid request target")
    }
}

impl std::error::Error for InvalidUri {}

/// Characters of a `reg-name` or IP address in an authority: unreserved, pct-encoded
/// and sub-delims of RFC 3986, indexed by byte (a `Host` field is checked on every
/// request, so this is a lookup rather than a chain of compares).
const HOST_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'%'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
            );
        b += 1;
    }
    table
};

#[inline]
fn is_host_byte(b: u8) -> bool {
    HOST_BYTE[usize::from(b)]
}

/// Checks `host[:port]` (RFC 3986 §3.2 less userinfo) and returns the port's
/// position, if any. An empty authority is accepted here; callers that need a host
/// check for one.
fn check_authority(authority: &[u8]) -> Result<Option<usize>, InvalidUri> {
    let host_end = if authority.first() == Some(&b'[') {
        // IP-literal: `[` IPv6address / IPvFuture `]`.
        let close = authority
            .iter()
            .position(|&b| b == b']')
            .ok_or(InvalidUri)?;
        let inner = &authority[1..close];
        if inner.is_empty()
            || !inner
                .iter()
                .all(|&b| b.is_ascii_hexdigit() || b == b':' || is_host_byte(b))
        {
            return Err(InvalidUri);
        }
        close + 1
    } else {
        authority
            .iter()
            .position(|&b| !is_host_byte(b))
            .unwrap_or(authority.len())
    };
    match authority.get(host_end) {
        None => Ok(None),
        Some(b':') => {
            let port = &authority[host_end + 1..];
            parse_port(port).ok_or(InvalidUri)?;
            Ok(Some(host_end))
        }
        // `@` (userinfo) or a byte no host may hold.
        Some(_) => Err(InvalidUri),
    }
}

fn parse_port(port: &[u8]) -> Option<u16> {
    if port.is_empty() || port.len() > 5 {
        return None;
    }
    // Five digits at most: no overflow in a u32.
    let mut n = 0u32;
    for &b in port {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        n = n * 10 + u32::from(digit);
    }
    u16::try_from(n).ok()
}

/// Checks a `Host` field value: `host[:port]`, possibly empty (RFC 9110 §7.2).
pub(crate) fn is_valid_host(value: &[u8]) -> bool {
    check_authority(value).is_ok()
}

impl Uri {
    /// A target from a constant.
    ///
    /// # Panics
    ///
    /// If `target` is not a request target.
    pub fn from_static(target: &'static str) -> Uri {
        match Uri::from_shared(Bytes::from_static(target.as_bytes())) {
            Ok(uri) => uri,
            Err(_) => panic!("invalid request target {target:?}"),
        }
    }

    /// A target from shared bytes (copied if it is short); its form is told by its
    /// shape.
    pub fn from_shared(bytes: Bytes) -> Result<Uri, InvalidUri> {
        if bytes.is_empty()
            || bytes.len() > u32::MAX as usize
            || !bytes.iter().all(|&b| (0x21..=0x7e).contains(&b))
        {
            return Err(InvalidUri);
        }
        Uri::parse_visible(HeadBytes::shared(&bytes), 0, bytes.len())
    }

    /// The target at `start..end` of `head`, bytes the parser has checked to be
    /// non-empty visible ASCII no longer than the limit (so offsets fit `u32`).
    pub(crate) fn parse_visible(
        head: HeadBytes<'_>,
        start: usize,
        end: usize,
    ) -> Result<Uri, InvalidUri> {
        let b = &head.bytes()[start..end];
        let len = b.len() as u32;
        let mut uri = Uri {
            bytes: FieldBytes::EMPTY,
            form: TargetForm::Origin,
            scheme_end: 0,
            authority: (0, 0),
            path_start: 0,
            query_start: len,
        };
        if b[0] == b'/' {
            uri.query_start = find(b, b'?').unwrap_or(len);
        } else if b == b"*" {
            uri.form = TargetForm::Asterisk;
            uri.path_start = len;
        } else {
            uri.split_other_forms(b)?;
        }
        uri.bytes.set_range(head, start, end);
        Ok(uri)
    }

    /// Sets the form and offsets of a target that is neither origin nor asterisk form.
    fn split_other_forms(&mut self, b: &[u8]) -> Result<(), InvalidUri> {
        let len = b.len() as u32;
        let scheme_end = b
            .iter()
            .position(|&c| !(c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.')));
        if let Some(end) = scheme_end {
            if end > 0 && b[0].is_ascii_alphabetic() && b[end..].starts_with(b"://") {
                let start = end + 3;
                let auth_end = b[start..]
                    .iter()
                    .position(|&c| c == b'/' || c == b'?')
                    .map_or(b.len(), |p| start + p);
                if auth_end == start || check_authority(&b[start..auth_end]).is_err() {
                    return Err(InvalidUri);
                }
                self.form = TargetForm::Absolute;
                self.scheme_end = end as u32;
                self.authority = (start as u32, auth_end as u32);
                self.path_start = auth_end as u32;
                self.query_start = find(&b[auth_end..], b'?').map_or(len, |q| auth_end as u32 + q);
                return Ok(());
            }
        }
        // Authority form: `host:port`, both required (RFC 9112 §3.2.3).
        match check_authority(b)? {
            Some(colon) if colon > 0 => {
                self.form = TargetForm::Authority;
                self.authority = (0, len);
                self.path_start = len;
                Ok(())
            }
            _ => Err(InvalidUri),
        }
    }

    fn slice(&self, start: u32, end: u32) -> &str {
        // The bytes are ASCII (the type's invariant), so this never fails.
        let bytes = self.bytes.as_bytes();
        std::str::from_utf8(&bytes[start as usize..end as usize]).unwrap_or("")
    }

    /// The form the target is in.
    pub fn form(&self) -> TargetForm {
        self.form
    }

    /// The target as written.
    pub fn as_str(&self) -> &str {
        self.slice(0, self.bytes.as_bytes().len() as u32)
    }

    /// The target as written.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.as_bytes()
    }

    /// The scheme of an absolute target (`http`).
    pub fn scheme(&self) -> Option<&str> {
        (self.form == TargetForm::Absolute).then(|| self.slice(0, self.scheme_end))
    }

    /// `host[:port]` of an absolute or authority target.
    pub fn authority(&self) -> Option<&str> {
        let (start, end) = self.authority;
        matches!(self.form, TargetForm::Absolute | TargetForm::Authority)
            .then(|| self.slice(start, end))
    }

    /// The host of an absolute or authority target, brackets kept for IPv6
    /// (`[::1]`).
    pub fn host(&self) -> Option<&str> {
        let authority = self.authority()?;
        Some(match check_authority(authority.as_bytes()) {
            Ok(Some(colon)) => &authority[..colon],
            _ => authority,
        })
    }

    /// The explicit port of an absolute or authority target.
    pub fn port(&self) -> Option<u16> {
        let authority = self.authority()?;
        let colon = check_authority(authority.as_bytes()).ok()??;
        parse_port(&authority.as_bytes()[colon + 1..])
    }

    /// The path: `/` for an absolute target with an empty path (RFC 9110 §4.2.3), `*`
    /// for the asterisk form, empty for the authority form.
    pub fn path(&self) -> &str {
        match self.form {
            TargetForm::Asterisk => "*",
            TargetForm::Authority => "",
            TargetForm::Origin | TargetForm::Absolute => {
                let path = self.slice(self.path_start, self.query_start);
                if path.is_empty() { "/" } else { path }
            }
        }
    }

    /// What follows `?`, if anything does.
    pub fn query(&self) -> Option<&str> {
        let len = self.bytes.as_bytes().len() as u32;
        match self.form {
            TargetForm::Origin | TargetForm::Absolute if self.query_start < len => {
                Some(self.slice(self.query_start + 1, len))
            }
            _ => None,
        }
    }

    /// The target in origin form (`/path?query`), as a client writes it in a request
    /// line to an origin server; the target itself for the authority and asterisk
    /// forms.
    pub fn path_and_query(&self) -> Cow<'_, str> {
        match self.form {
            TargetForm::Origin => Cow::Borrowed(self.as_str()),
            TargetForm::Authority | TargetForm::Asterisk => Cow::Borrowed(self.as_str()),
            TargetForm::Absolute => {
                let rest = self.slice(self.path_start, self.bytes.as_bytes().len() as u32);
                if rest.starts_with('/') {
                    Cow::Borrowed(rest)
                } else {
                    Cow::Owned(format!("/{rest}"))
                }
            }
        }
    }
}

fn find(haystack: &[u8], needle: u8) -> Option<u32> {
    haystack.iter().position(|&b| b == needle).map(|p| p as u32)
}

impl Default for Uri {
    /// `/`.
    fn default() -> Uri {
        Uri::from_static("/")
    }
}

impl fmt::Debug for Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Uri {
    type Err = InvalidUri;

    fn from_str(s: &str) -> Result<Uri, InvalidUri> {
        Uri::from_shared(Bytes::copy_from_slice(s.as_bytes()))
    }
}

impl TryFrom<&str> for Uri {
    type Error = InvalidUri;

    fn try_from(s: &str) -> Result<Uri, InvalidUri> {
        s.parse()
    }
}

impl TryFrom<String> for Uri {
    type Error = InvalidUri;

    fn try_from(s: String) -> Result<Uri, InvalidUri> {
        Uri::from_shared(Bytes::from(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (target, form, scheme, authority, host, port, path, query, path_and_query)
    type Row = (
        &'static str,
        TargetForm,
        Option<&'static str>,
        Option<&'static str>,
        Option<&'static str>,
        Option<u16>,
        &'static str,
        Option<&'static str>,
        &'static str,
    );

    #[test]
    fn forms() {
        use TargetForm::*;
        let table: &[Row] = &[
            ("/", Origin, None, None, None, None, "/", None, "/"),
            (
                "/a/b?c=d&e",
                Origin,
                None,
                None,
                None,
                None,
                "/a/b",
                Some("c=d&e"),
                "/a/b?c=d&e",
            ),
            ("/?", Origin, None, None, None, None, "/", Some(""), "/?"),
            ("//x", Origin, None, None, None, None, "//x", None, "//x"),
            ("*", Asterisk, None, None, None, None, "*", None, "*"),
            (
                "example.com:443",
                Authority,
                None,
                Some("example.com:443"),
                Some("example.com"),
                Some(443),
                "",
                None,
                "example.com:443",
            ),
            (
                "[::1]:8080",
                Authority,
                None,
                Some("[::1]:8080"),
                Some("[::1]"),
                Some(8080),
                "",
                None,
                "[::1]:8080",
            ),
            (
                "http://a",
                Absolute,
                Some("http"),
                Some("a"),
                Some("a"),
                None,
                "/",
                None,
                "/",
            ),
            (
                "https://a:1/p?q",
                Absolute,
                Some("https"),
                Some("a:1"),
                Some("a"),
                Some(1),
                "/p",
                Some("q"),
                "/p?q",
            ),
            (
                "http://a?q",
                Absolute,
                Some("http"),
                Some("a"),
                Some("a"),
                None,
                "/",
                Some("q"),
                "/?q",
            ),
            (
                "http://[::1]/",
                Absolute,
                Some("http"),
                Some("[::1]"),
                Some("[::1]"),
                None,
                "/",
                None,
                "/",
            ),
        ];
        for &(target, form, scheme, authority, host, port, path, query, pq) in table {
            let uri = Uri::from_static(target);
            assert_eq!(uri.form(), form, "{target}");
            assert_eq!(uri.scheme(), scheme, "{target}");
            assert_eq!(uri.authority(), authority, "{target}");
            assert_eq!(uri.host(), host, "{target}");
            assert_eq!(uri.port(), port, "{target}");
            assert_eq!(uri.path(), path, "{target}");
            assert_eq!(uri.query(), query, "{target}");
            assert_eq!(uri.path_and_query(), pq, "{target}");
            assert_eq!(uri.as_str(), target);
        }
    }

    #[test]
    fn invalid_targets() {
        for bad in [
            "",
            " /",
            "/a b",
            "/\x7f",
            "/\u{e9}",
            "example.com",
            "example.com:",
            ":80",
            "example.com:65536",
            "example.com:8x",
            "user@host:80",
            "http://",
            "http:///p",
            "http://user@host/",
            "http://ho st/",
            "http://[::1/",
            "a:b:c",
            "**",
        ] {
            assert_eq!(bad.parse::<Uri>(), Err(InvalidUri), "{bad:?}");
        }
    }

    #[test]
    fn host_values() {
        for good in [
            "",
            "a",
            "a:1",
            "[::1]",
            "[::1]:443",
            "xn--bcher-kva.example",
            "10.0.0.1:65535",
        ] {
            assert!(is_valid_host(good.as_bytes()), "{good:?}");
        }
        for bad in ["a b", "a:", "a:99999", "u@a", "[::1", "a/b", "a:1:2"] {
            assert!(!is_valid_host(bad.as_bytes()), "{bad:?}");
        }
    }
}
