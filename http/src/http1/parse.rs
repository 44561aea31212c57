//! The head parsers: bytes in, a typed head and its framing out.
//!
//! A parser reads the head at the front of a [`BytesMut`] that the caller fills. While
//! the head is incomplete the buffer is left alone (the scanner keeps its place in it,
//! so the caller must only append until the head is parsed); once it is complete the
//! typed head is built and the head's bytes are removed from the front. Names, values
//! and targets short enough to hold inline are copied into the typed head (see
//! `header::field_bytes`), as counting a reference for each cost more than the copy.
//! A request head with a part too long for that (a target over 46 bytes, a name or
//! value over 38, an extension method) is split off and frozen first, and those parts
//! are slices of that one allocation; one without is built from the buffer in place
//! and then skipped, counting no reference at all. A response's reason phrase always
//! shares, so a response head is always frozen. What follows the head (body bytes, a
//! pipelined request) stays in the buffer.
//!
//! After an error the parser starts over on the next call; a server closes the
//! connection instead, since the stream's framing can no longer be trusted.

use bytes::{Buf, BytesMut};

use super::error::ParseError;
use super::framing::Framing;
use super::head::{FieldSpan, HeadScanner, ScanLimits, StartLine};
use super::head_ref::RequestHeadRef;
use crate::header::{HeadBytes, HeaderMap};
use crate::message::ReasonPhrase;
use crate::uri::{INLINE_TARGET, TargetForm};
use crate::{Limits, Method, RequestHead, ResponseHead, StatusCode, Uri};

/// A parsed head and how its body is framed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed<H> {
    /// The head.
    pub head: H,
    /// Where the body that follows the head ends.
    pub framing: Framing,
}

/// Parses request heads, as a server reads them.
///
/// ```
/// use avx_http::http1::{Framing, RequestParser};
/// use avx_http::{Limits, Method};
/// use bytes::BytesMut;
///
/// let mut parser = RequestParser::new(&Limits::default());
/// let mut buf = BytesMut::from(&b"POST /upload HTTP/1.1\r\nHost: a\r\nContent-Le"[..]);
/// assert!(parser.parse(&mut buf).unwrap().is_none());
/// buf.extend_from_slice(b"ngth: 3\r\n\r\nabc");
/// let request = parser.parse(&mut buf).unwrap().unwrap();
/// assert_eq!(request.head.method, Method::POST);
/// assert_eq!(request.head.uri.path(), "/upload");
/// assert_eq!(request.framing, Framing::Length(3));
/// assert_eq!(&buf[..], b"abc");
/// ```
#[derive(Clone, Debug)]
pub struct RequestParser {
    scanner: HeadScanner,
    limits: ScanLimits,
}

impl RequestParser {
    /// A parser enforcing `limits`.
    pub fn new(limits: &Limits) -> RequestParser {
        RequestParser {
            scanner: HeadScanner::new(StartLine::Request),
            limits: scan_limits(limits),
        }
    }

    /// Parses the request head at the front of `buf`: `Ok(None)` while it is
    /// incomplete (append more bytes and call again), the head once it is complete
    /// (its bytes removed from `buf`), or the first fault found in it.
    pub fn parse(&mut self, buf: &mut BytesMut) -> Result<Option<Parsed<RequestHead>>, ParseError> {
        let Some(len) = self.scanner.scan(buf, &self.limits)? else {
            return Ok(None);
        };
        let scanner = &self.scanner;
        let result = if shares_head(scanner, &buf[..len]) {
            let bytes = buf.split_to(len).freeze();
            build_request(scanner, HeadBytes::shared(&bytes))
        } else {
            let result = build_request(scanner, HeadBytes::copied(&buf[..len]));
            buf.advance(len);
            result
        };
        // The scanner starts over on its next call.
        result
    }

    /// Parses the request head at the front of `buf` in place: as [`parse`](Self::parse),
    /// but the head's parts are borrowed from `buf` rather than built into a typed
    /// [`RequestHead`], so nothing is allocated or copied (see [`RequestHeadRef`] for
    /// the one check it leaves to the caller). `buf` is not changed: before parsing
    /// the next head, drop the view and remove its [`len`](RequestHeadRef::len) bytes
    /// from the front of `buf` (between incomplete calls, only append to it).
    ///
    /// ```
    /// use avx_http::http1::{Framing, RequestParser};
    /// use avx_http::Limits;
    ///
    /// let mut parser = RequestParser::new(&Limits::default());
    /// let buf = b"GET /search?q=avx HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\nGET /next";
    /// let parsed = parser.parse_borrowed(buf).unwrap().unwrap();
    /// let head = parsed.head;
    /// assert_eq!((head.method(), head.target()), (&b"GET"[..], &b"/search?q=avx"[..]));
    /// assert_eq!(head.fields().nth(1), Some((&b"Accept"[..], &b"*/*"[..])));
    /// assert_eq!(parsed.framing, Framing::Empty);
    /// assert_eq!(&buf[head.len()..], b"GET /next");
    /// ```
    pub fn parse_borrowed<'a>(
        &'a mut self,
        buf: &'a [u8],
    ) -> Result<Option<Parsed<RequestHeadRef<'a>>>, ParseError> {
        let Some(len) = self.scanner.scan(buf, &self.limits)? else {
            return Ok(None);
        };
        let framing = self.scanner.framing.request(self.scanner.version)?;
        // The scanner starts over on its next call, which cannot come while the view
        // borrows it.
        Ok(Some(Parsed {
            head: RequestHeadRef::new(&buf[..len], &self.scanner),
            framing,
        }))
    }

    /// Whether part of a head has been read: a byte of it was examined by a call that
    /// returned `Ok(None)`.
    pub fn is_in_progress(&self) -> bool {
        self.scanner.in_progress()
    }
}

/// Parses response heads, as a client reads them.
///
/// ```
/// use avx_http::http1::{Framing, ResponseParser};
/// use avx_http::{Limits, Method, StatusCode};
/// use bytes::BytesMut;
///
/// let mut parser = ResponseParser::new(&Limits::default());
/// let mut buf = BytesMut::from(&b"HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\n"[..]);
/// let response = parser.parse(&mut buf, &Method::HEAD).unwrap().unwrap();
/// assert_eq!(response.head.status, StatusCode::NOT_FOUND);
/// assert_eq!(response.framing, Framing::Empty, "a response to HEAD has no body");
/// ```
#[derive(Clone, Debug)]
pub struct ResponseParser {
    scanner: HeadScanner,
    limits: ScanLimits,
}

impl ResponseParser {
    /// A parser enforcing `limits`.
    pub fn new(limits: &Limits) -> ResponseParser {
        ResponseParser {
            scanner: HeadScanner::new(StartLine::Response),
            limits: scan_limits(limits),
        }
    }

    /// Parses the response head at the front of `buf`, the answer to a request with
    /// `method` (a response to HEAD, like a 1xx, 204 or 304, has no body). As
    /// [`RequestParser::parse`] otherwise.
    pub fn parse(
        &mut self,
        buf: &mut BytesMut,
        method: &Method,
    ) -> Result<Option<Parsed<ResponseHead>>, ParseError> {
        let Some(len) = self.scanner.scan(buf, &self.limits)? else {
            return Ok(None);
        };
        let bytes = buf.split_to(len).freeze();
        build_response(&self.scanner, HeadBytes::shared(&bytes), method).map(Some)
    }

    /// Whether part of a head has been read.
    pub fn is_in_progress(&self) -> bool {
        self.scanner.in_progress()
    }
}

fn scan_limits(limits: &Limits) -> ScanLimits {
    ScanLimits {
        max_size: limits.max_head_size,
        max_headers: limits.max_headers,
        // Offsets in a `Uri` are `u32`.
        max_uri: limits.max_uri_len.min(u32::MAX as usize),
    }
}

/// Whether some part of the scanned request head `head` is too long to hold inline,
/// so the typed head must share the head's buffer.
fn shares_head(scanner: &HeadScanner, head: &[u8]) -> bool {
    let (method, target) = (scanner.method, scanner.target);
    scanner.long_field
        || target.1 - target.0 > INLINE_TARGET
        || Method::registered(&head[method.0..method.1]).is_none()
}

/// The header map of the spans.
pub(crate) fn build_fields(head: HeadBytes<'_>, spans: &[FieldSpan]) -> HeaderMap {
    let mut headers = HeaderMap::with_capacity(spans.len());
    for span in spans {
        // The scanner accepted the name as a token and the value's bytes as field
        // bytes, so both invariants hold.
        headers.append_validated(head, span.name, span.value);
    }
    headers
}

/// The typed request head, as [`RequestParser::parse`] returns it (built in the slot
/// it is returned in: moving a head of this size costs a call to `memcpy`).
fn build_request(
    scanner: &HeadScanner,
    head: HeadBytes<'_>,
) -> Result<Option<Parsed<RequestHead>>, ParseError> {
    let method = Method::from_head(head, scanner.method);
    let (start, end) = scanner.target;
    let uri = Uri::parse_visible(head, start, end).map_err(|_| ParseError::InvalidTarget)?;
    let form_allowed = match uri.form() {
        TargetForm::Authority => method == Method::CONNECT,
        TargetForm::Asterisk => method == Method::OPTIONS,
        TargetForm::Origin | TargetForm::Absolute => method != Method::CONNECT,
    };
    if !form_allowed {
        return Err(ParseError::InvalidTarget);
    }
    let framing = scanner.framing.request(scanner.version)?;
    let headers = build_fields(head, &scanner.fields);
    let head = RequestHead {
        method,
        uri,
        version: scanner.version,
        headers,
    };
    Ok(Some(Parsed { head, framing }))
}

fn build_response(
    scanner: &HeadScanner,
    head: HeadBytes<'_>,
    method: &Method,
) -> Result<Parsed<ResponseHead>, ParseError> {
    // The scanner read three digits, the first not 0.
    let status = StatusCode::from_u16(scanner.status).map_err(|_| ParseError::InvalidStatus)?;
    let reason = head.share(scanner.reason.0, scanner.reason.1);
    let reason = (!reason.is_empty()).then(|| ReasonPhrase::from_validated(reason));
    let framing = scanner.framing.response(scanner.version, status, method)?;
    let headers = build_fields(head, &scanner.fields);
    let head = ResponseHead {
        version: scanner.version,
        status,
        reason,
        headers,
    };
    Ok(Parsed { head, framing })
}
