//! Messages: a head (start line and header fields) and a body of any type.
//!
//! The heads are plain structs with public fields: the codec parses into them and
//! encodes from them, and neither keeps any invariant across fields that a setter
//! would have to guard (framing is decided from the fields when a head is parsed or
//! encoded, not stored beside them).

use std::fmt;

use bytes::Bytes;

use crate::header::{HeaderMap, is_value_byte};
use crate::{Method, StatusCode, Uri, Version};

/// The head of a request: request line and header fields.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestHead {
    /// The method.
    pub method: Method,
    /// The request target.
    pub uri: Uri,
    /// The protocol version.
    pub version: Version,
    /// The header fields, in order.
    pub headers: HeaderMap,
}

impl RequestHead {
    /// An HTTP/1.1 head with no header fields.
    pub fn new(method: Method, uri: Uri) -> RequestHead {
        RequestHead {
            method,
            uri,
            version: Version::Http11,
            headers: HeaderMap::new(),
        }
    }
}

/// The head of a response: status line and header fields.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResponseHead {
    /// The protocol version.
    pub version: Version,
    /// The status code.
    pub status: StatusCode,
    /// The reason phrase: as received, or to send instead of the canonical one.
    pub reason: Option<ReasonPhrase>,
    /// The header fields, in order.
    pub headers: HeaderMap,
}

impl ResponseHead {
    /// An HTTP/1.1 head with the canonical reason and no header fields.
    pub fn new(status: StatusCode) -> ResponseHead {
        ResponseHead {
            version: Version::Http11,
            status,
            reason: None,
            headers: HeaderMap::new(),
        }
    }
}

/// A reason phrase.
///
/// INVARIANT: HTAB, SP, visible ASCII and obs-text only (RFC 9112 §4), so it cannot
/// end the status line early.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ReasonPhrase(Bytes);

/// The error for a reason phrase holding CR, LF or another control byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidReasonPhrase;

impl fmt::Display for InvalidReasonPhrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid reason phrase: holds a control byte")
    }
}

impl std::error::Error for InvalidReasonPhrase {}

impl ReasonPhrase {
    /// A phrase from shared bytes.
    pub fn from_shared(phrase: Bytes) -> Result<ReasonPhrase, InvalidReasonPhrase> {
        if phrase.iter().all(|&b| is_value_byte(b)) {
            Ok(ReasonPhrase(phrase))
        } else {
            Err(InvalidReasonPhrase)
        }
    }

    /// A phrase from a constant.
    ///
    /// # Panics
    ///
    /// If `phrase` holds a control byte.
    pub fn from_static(phrase: &'static str) -> ReasonPhrase {
        match ReasonPhrase::from_shared(Bytes::from_static(phrase.as_bytes())) {
            Ok(phrase) => phrase,
            Err(_) => panic!("invalid reason phrase {phrase:?}"),
        }
    }

    pub(crate) fn from_validated(phrase: Bytes) -> ReasonPhrase {
        debug_assert!(phrase.iter().all(|&b| is_value_byte(b)));
        ReasonPhrase(phrase)
    }

    /// The phrase's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for ReasonPhrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\"", self.0.escape_ascii())
    }
}

/// A request: head and body.
///
/// ```
/// use avx_http::{Method, Request, RequestHead, Uri};
///
/// let request = Request::new(RequestHead::new(Method::POST, Uri::from_static("/upload")), "data");
/// assert_eq!(request.method(), &Method::POST);
/// let request = request.map(|body| body.len());
/// assert_eq!(*request.body(), 4);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Request<B> {
    head: RequestHead,
    body: B,
}

impl<B> Request<B> {
    /// A request from its head and body.
    pub fn new(head: RequestHead, body: B) -> Request<B> {
        Request { head, body }
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.head.method
    }

    /// The request target.
    pub fn uri(&self) -> &Uri {
        &self.head.uri
    }

    /// The protocol version.
    pub fn version(&self) -> Version {
        self.head.version
    }

    /// The header fields.
    pub fn headers(&self) -> &HeaderMap {
        &self.head.headers
    }

    /// The header fields, to change.
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        &mut self.head.headers
    }

    /// The head.
    pub fn head(&self) -> &RequestHead {
        &self.head
    }

    /// The head, to change.
    pub fn head_mut(&mut self) -> &mut RequestHead {
        &mut self.head
    }

    /// The body.
    pub fn body(&self) -> &B {
        &self.body
    }

    /// The body, to change.
    pub fn body_mut(&mut self) -> &mut B {
        &mut self.body
    }

    /// The body, dropping the head.
    pub fn into_body(self) -> B {
        self.body
    }

    /// Head and body apart.
    pub fn into_parts(self) -> (RequestHead, B) {
        (self.head, self.body)
    }

    /// The same head with the body mapped by `f`.
    pub fn map<C>(self, f: impl FnOnce(B) -> C) -> Request<C> {
        Request {
            head: self.head,
            body: f(self.body),
        }
    }
}

/// A response: head and body.
///
/// ```
/// use avx_http::{Response, ResponseHead, StatusCode};
///
/// let response = Response::new(ResponseHead::new(StatusCode::NOT_FOUND), ());
/// assert_eq!(response.status(), StatusCode::NOT_FOUND);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Response<B> {
    head: ResponseHead,
    body: B,
}

impl<B> Response<B> {
    /// A response from its head and body.
    pub fn new(head: ResponseHead, body: B) -> Response<B> {
        Response { head, body }
    }

    /// An HTTP/1.1 response with `status`, no header fields, and `body`.
    pub fn with_status(status: StatusCode, body: B) -> Response<B> {
        Response {
            head: ResponseHead::new(status),
            body,
        }
    }

    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.head.status
    }

    /// The protocol version.
    pub fn version(&self) -> Version {
        self.head.version
    }

    /// The header fields.
    pub fn headers(&self) -> &HeaderMap {
        &self.head.headers
    }

    /// The header fields, to change.
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        &mut self.head.headers
    }

    /// The head.
    pub fn head(&self) -> &ResponseHead {
        &self.head
    }

    /// The head, to change.
    pub fn head_mut(&mut self) -> &mut ResponseHead {
        &mut self.head
    }

    /// The body.
    pub fn body(&self) -> &B {
        &self.body
    }

    /// The body, to change.
    pub fn body_mut(&mut self) -> &mut B {
        &mut self.body
    }

    /// The body, dropping the head.
    pub fn into_body(self) -> B {
        self.body
    }

    /// Head and body apart.
    pub fn into_parts(self) -> (ResponseHead, B) {
        (self.head, self.body)
    }

    /// The same head with the body mapped by `f`.
    pub fn map<C>(self, f: impl FnOnce(B) -> C) -> Response<C> {
        Response {
            head: self.head,
            body: f(self.body),
        }
    }
}
