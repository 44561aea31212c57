//! Message framing (RFC 9112 §6): where a body ends, decided from the head.
//!
//! The fields that frame a body are read while the typed head is built, by
//! [`FramingFields::observe`], and judged once the head is complete. The rules are the
//! RFC's, resolved towards refusing anything two implementations could read two ways
//! (the request-smuggling vectors):
//!
//! ```text
//! request                                  response
//! HTTP/1.0 + Transfer-Encoding   error     HEAD, 1xx, 204, 304, 2xx to CONNECT   no body
//! Transfer-Encoding + Length     error     HTTP/1.0 + Transfer-Encoding          error
//! TE not ending in chunked       400       Transfer-Encoding + Length            error
//! chunked twice                  400       TE not ending in chunked              until close
//! another coding before chunked  501       chunked twice / another coding        error
//! chunked                        chunked   chunked                               chunked
//! Content-Length: n              n bytes   Content-Length: n                     n bytes
//! neither                        no body   neither                               until close
//! ```
//!
//! Content-Length is one or more decimal numbers below 2^64 (repeated fields or a list,
//! all equal: RFC 9110 §8.6 lets a recipient collapse identical values); anything else
//! (`+5`, `0x5`, `5 5`, an empty value) is refused.

use super::error::ParseError;
use crate::header::{list_elements, trim_ows};
use crate::{Method, StatusCode, Version};

/// How a message's body is delimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Framing {
    /// No body: a request with neither `Content-Length` nor `Transfer-Encoding`, or a
    /// response that cannot have one (to HEAD; 1xx, 204, 304; 2xx to CONNECT).
    Empty,
    /// Exactly this many bytes (`Content-Length`).
    Length(u64),
    /// The chunked transfer coding.
    Chunked,
    /// Everything until the connection closes (responses only).
    UntilClose,
}

/// What the framing fields of one head said, gathered field by field.
#[derive(Clone, Debug, Default)]
pub(crate) struct FramingFields {
    /// The agreed `Content-Length`, once one was seen.
    content_length: Option<u64>,
    /// The first Content-Length error, kept so that it is reported in field order.
    content_length_error: Option<ParseError>,
    transfer_encoding: bool,
    /// Whether the last transfer coding seen so far is `chunked`.
    last_is_chunked: bool,
    chunked_count: u32,
    /// A transfer coding other than `chunked` was listed.
    other_coding: bool,
    /// How many `Host` fields, and whether every one was `host[:port]`.
    hosts: u32,
    host_invalid: bool,
}

impl FramingFields {
    /// Whether a field whose name is `len` bytes long may be one [`observe`] takes
    /// note of: a test cheap enough to make before the call, which most fields fail.
    ///
    /// [`observe`]: FramingFields::observe
    #[inline(always)]
    pub(crate) fn may_frame(len: usize) -> bool {
        matches!(len, 4 | 14 | 17)
    }

    /// Takes note of one header field, if it is one that frames the message.
    #[inline]
    pub(crate) fn observe(&mut self, name: &[u8], value: &[u8]) {
        // The length tells the three names apart before any byte compare.
        match name.len() {
            4 if is_token_named(name, b"host") => {
                self.hosts += 1;
                self.host_invalid |= !crate::uri::is_valid_host(value);
            }
            14 if is_token_named(name, b"content-length") => self.content_length(value),
            17 if is_token_named(name, b"transfer-encoding") => {
                self.transfer_encoding = true;
                let mut any = false;
                for coding in list_elements(value) {
                    any = true;
                    let chunked = coding.eq_ignore_ascii_case(b"chunked");
                    self.chunked_count += u32::from(chunked);
                    self.other_coding |= !chunked;
                    self.last_is_chunked = chunked;
                }
                if !any {
                    // An empty field names no coding: the body's end is unknown.
                    self.last_is_chunked = false;
                }
            }
            _ => {}
        }
    }

    fn content_length(&mut self, value: &[u8]) {
        if self.content_length_error.is_some() {
            return;
        }
        // A list of equal values ("5, 5") is what a proxy makes of repeated fields;
        // an empty element ("5,") or an empty value is malformed.
        for element in value.split(|&b| b == b',') {
            let result = match parse_decimal(trim_ows(element)) {
                None => Err(ParseError::InvalidContentLength),
                Some(n) => match self.content_length {
                    Some(seen) if seen != n => Err(ParseError::ConflictingContentLength),
                    _ => Ok(n),
                },
            };
            match result {
                Ok(n) => self.content_length = Some(n),
                Err(error) => {
                    self.content_length_error = Some(error);
                    return;
                }
            }
        }
    }

    /// The framing of a request with these fields, and whether its `Host` is right.
    pub(crate) fn request(&self, version: Version) -> Result<Framing, ParseError> {
        if self.hosts > 1 || self.host_invalid || (self.hosts == 0 && version == Version::Http11) {
            return Err(ParseError::InvalidHost);
        }
        self.framing(version, Err(ParseError::NotChunked), Framing::Empty)
    }

    /// The framing of a response with these fields to a request with `method`.
    pub(crate) fn response(
        &self,
        version: Version,
        status: StatusCode,
        method: &Method,
    ) -> Result<Framing, ParseError> {
        if response_has_no_body(status, method) {
            return Ok(Framing::Empty);
        }
        self.framing(version, Ok(Framing::UntilClose), Framing::UntilClose)
    }

    /// The framing these fields give a message of `version`, the same rules both
    /// ways but for two cases: `Transfer-Encoding` not ending in `chunked` gives
    /// `not_chunked`, and no length at all gives `no_length`.
    fn framing(
        &self,
        version: Version,
        not_chunked: Result<Framing, ParseError>,
        no_length: Framing,
    ) -> Result<Framing, ParseError> {
        if self.transfer_encoding {
            self.check_transfer_encoding(version)?;
            if !self.last_is_chunked {
                return not_chunked;
            }
            if self.chunked_count > 1 {
                return Err(ParseError::DuplicateChunked);
            }
            if self.other_coding {
                return Err(ParseError::UnsupportedTransferCoding);
            }
            return Ok(Framing::Chunked);
        }
        if let Some(error) = self.content_length_error {
            return Err(error);
        }
        Ok(self.content_length.map_or(no_length, Framing::Length))
    }

    /// The checks on `Transfer-Encoding` both directions share.
    fn check_transfer_encoding(&self, version: Version) -> Result<(), ParseError> {
        if version == Version::Http10 {
            return Err(ParseError::TransferEncodingInHttp10);
        }
        if self.content_length.is_some() || self.content_length_error.is_some() {
            return Err(ParseError::TransferEncodingWithContentLength);
        }
        Ok(())
    }
}

/// Whether the token `name` is `lower` (lowercase letters and `-`), ignoring case:
/// without a branch per byte, as every field of every head passes here. Setting bit 5
/// folds an ASCII letter to lowercase and leaves `-` as it is; the only other byte it
/// makes equal to one of those is CR (to `-`), which no token holds.
#[inline]
fn is_token_named<const N: usize>(name: &[u8], lower: &[u8; N]) -> bool {
    debug_assert!(lower.iter().all(|&b| b.is_ascii_lowercase() || b == b'-'));
    let Some(name) = name.first_chunk::<N>().filter(|_| name.len() == N) else {
        return false;
    };
    let mut differ = 0u8;
    for (&n, &l) in name.iter().zip(lower) {
        differ |= (n | 0x20) ^ l;
    }
    differ == 0
}

/// Whether a response with `status` to a request with `method` has no body whatever
/// its fields say (RFC 9112 §6.3, items 1 and 2).
pub(crate) fn response_has_no_body(status: StatusCode, method: &Method) -> bool {
    let code = status.as_u16();
    *method == Method::HEAD
        || status.is_informational()
        || code == 204
        || code == 304
        || (*method == Method::CONNECT && status.is_success())
}

/// `1*DIGIT` below 2^64, and nothing else: no sign, no whitespace, no hex.
pub(crate) fn parse_decimal(text: &[u8]) -> Option<u64> {
    if text.is_empty() {
        return None;
    }
    let mut n: u64 = 0;
    for &b in text {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(list: &[(&str, &str)]) -> FramingFields {
        let mut fields = FramingFields::default();
        for (name, value) in list {
            fields.observe(name.as_bytes(), value.as_bytes());
        }
        fields
    }

    fn request(list: &[(&str, &str)]) -> Result<Framing, ParseError> {
        let mut with_host = vec![("Host", "a")];
        with_host.extend_from_slice(list);
        fields(&with_host).request(Version::Http11)
    }

    #[test]
    fn framing_names_ignore_case_only() {
        assert!(is_token_named(b"Content-Length", b"content-length"));
        assert!(is_token_named(b"HOST", b"host"));
        assert!(is_token_named(b"transfer-ENCODING", b"transfer-encoding"));
        for other in [&b"hosts"[..], b"hos", b"h0st", b"hosT "] {
            assert!(!is_token_named(other, b"host"), "{other:?}");
        }
        assert!(!is_token_named(b"content_length", b"content-length"));
        // Every token byte against every letter and `-`: equal only to itself folded.
        for b in 0..=255u8 {
            if !crate::header::is_token(b) {
                continue;
            }
            for l in b"abcdefghijklmnopqrstuvwxyz-" {
                assert_eq!(is_token_named(&[b], &[*l]), b.to_ascii_lowercase() == *l);
            }
        }
    }

    #[test]
    fn decimals() {
        assert_eq!(parse_decimal(b"0"), Some(0));
        assert_eq!(parse_decimal(b"007"), Some(7));
        assert_eq!(parse_decimal(b"18446744073709551615"), Some(u64::MAX));
        for bad in [
            &b""[..],
            b"+5",
            b"-5",
            b"0x5",
            b"5 5",
            b" 5",
            b"18446744073709551616",
        ] {
            assert_eq!(parse_decimal(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn request_framing_table() {
        use Framing::*;
        use ParseError::*;
        type Row = (
            &'static [(&'static str, &'static str)],
            Result<Framing, ParseError>,
        );
        let table: &[Row] = &[
            (&[], Ok(Empty)),
            (&[("Content-Length", "5")], Ok(Length(5))),
            (
                &[("content-length", "5"), ("CONTENT-LENGTH", "5")],
                Ok(Length(5)),
            ),
            (&[("Content-Length", "5, 5")], Ok(Length(5))),
            (
                &[("Content-Length", "5"), ("Content-Length", "6")],
                Err(ConflictingContentLength),
            ),
            (&[("Content-Length", "5, 6")], Err(ConflictingContentLength)),
            (&[("Content-Length", "")], Err(InvalidContentLength)),
            (&[("Content-Length", "5,")], Err(InvalidContentLength)),
            (&[("Transfer-Encoding", "chunked")], Ok(Chunked)),
            (&[("Transfer-Encoding", "Chunked")], Ok(Chunked)),
            (
                &[
                    ("Transfer-Encoding", "gzip"),
                    ("Transfer-Encoding", "chunked"),
                ],
                Err(UnsupportedTransferCoding),
            ),
            (
                &[("Transfer-Encoding", "gzip, chunked")],
                Err(UnsupportedTransferCoding),
            ),
            (&[("Transfer-Encoding", "chunked, gzip")], Err(NotChunked)),
            (&[("Transfer-Encoding", "")], Err(NotChunked)),
            (
                &[("Transfer-Encoding", "chunked, chunked")],
                Err(DuplicateChunked),
            ),
            (
                &[("Transfer-Encoding", "chunked"), ("Content-Length", "5")],
                Err(TransferEncodingWithContentLength),
            ),
            (
                &[("Content-Length", "x"), ("Transfer-Encoding", "chunked")],
                Err(TransferEncodingWithContentLength),
            ),
        ];
        for (list, expected) in table {
            assert_eq!(request(list), *expected, "{list:?}");
        }
    }

    #[test]
    fn host_rules() {
        assert_eq!(
            fields(&[]).request(Version::Http11),
            Err(ParseError::InvalidHost)
        );
        assert_eq!(fields(&[]).request(Version::Http10), Ok(Framing::Empty));
        let two = fields(&[("Host", "a"), ("host", "a")]);
        assert_eq!(two.request(Version::Http11), Err(ParseError::InvalidHost));
        let bad = fields(&[("Host", "a b")]);
        assert_eq!(bad.request(Version::Http10), Err(ParseError::InvalidHost));
        assert_eq!(
            fields(&[("Host", "")]).request(Version::Http11),
            Ok(Framing::Empty)
        );
    }

    #[test]
    fn transfer_encoding_in_http10() {
        let fields = fields(&[("Transfer-Encoding", "chunked"), ("Content-Length", "3")]);
        assert_eq!(
            fields.request(Version::Http10),
            Err(ParseError::TransferEncodingInHttp10)
        );
        let response = fields.response(Version::Http10, StatusCode::OK, &Method::GET);
        assert_eq!(response, Err(ParseError::TransferEncodingInHttp10));
    }

    #[test]
    fn response_framing() {
        let get = Method::GET;
        let none = fields(&[]);
        assert_eq!(
            none.response(Version::Http11, StatusCode::OK, &get),
            Ok(Framing::UntilClose)
        );
        let sized = fields(&[("Content-Length", "3")]);
        assert_eq!(
            sized.response(Version::Http11, StatusCode::OK, &get),
            Ok(Framing::Length(3))
        );
        for (status, method) in [
            (StatusCode::OK, Method::HEAD),
            (StatusCode::CONTINUE, get.clone()),
            (StatusCode::NO_CONTENT, get.clone()),
            (StatusCode::NOT_MODIFIED, get.clone()),
            (StatusCode::OK, Method::CONNECT),
        ] {
            assert_eq!(
                sized.response(Version::Http11, status, &method),
                Ok(Framing::Empty)
            );
        }
        let gzip = fields(&[("Transfer-Encoding", "gzip")]);
        assert_eq!(
            gzip.response(Version::Http11, StatusCode::OK, &get),
            Ok(Framing::UntilClose)
        );
        let chunked = fields(&[("Transfer-Encoding", "chunked")]);
        assert_eq!(
            chunked.response(Version::Http11, StatusCode::OK, &get),
            Ok(Framing::Chunked)
        );
        let both = fields(&[("Transfer-Encoding", "chunked"), ("Content-Length", "3")]);
        assert_eq!(
            both.response(Version::Http11, StatusCode::OK, &get),
            Err(ParseError::TransferEncodingWithContentLength)
        );
    }
}
