//! Head encoders: a typed head and the body's size in, the head's bytes and the
//! body's [`BodyEncoder`] out.
//!
//! The encoder owns the framing fields. It checks the ones the user set
//! (`Content-Length` must be one decimal number agreeing with a known body size;
//! `Transfer-Encoding` may only be `chunked`, never beside `Content-Length` nor to an
//! HTTP/1.0 peer) and adds what is missing: `Content-Length` for a known size,
//! `Transfer-Encoding: chunked` for an unknown one (or, to an HTTP/1.0 client, a body
//! delimited by closing). Names and values are valid by construction, so no field
//! can split a line.

use bytes::{BufMut, BytesMut};

use super::body_encoder::BodyEncoder;
use super::error::EncodeError;
use super::framing::{parse_decimal, response_has_no_body};
use crate::header::{self, HeaderMap, list_contains, list_elements};
use crate::{HttpDate, Method, RequestHead, ResponseHead, StatusCode, Version};

/// What a response is answering, which the response's framing depends on.
#[derive(Clone, Debug)]
pub struct ResponseContext {
    /// The request's method: a response to HEAD has no body, but the same fields.
    pub request_method: Method,
    /// The request's version: an HTTP/1.0 client gets no chunked coding.
    pub request_version: Version,
    /// Whether the server means to keep the connection open after this response.
    pub keep_alive: bool,
    /// A `Date` to send if the head has none.
    pub date: Option<HttpDate>,
}

impl ResponseContext {
    /// The context of a response to a request with `method` and `version`, on a
    /// connection to be kept open, with no date.
    pub fn new(request_method: Method, request_version: Version) -> ResponseContext {
        ResponseContext {
            request_method,
            request_version,
            keep_alive: true,
            date: None,
        }
    }
}

/// An encoded response head: how to write its body, and whether the connection stays
/// open after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodedResponse {
    /// Frames the body as the head declared.
    pub body: BodyEncoder,
    /// False when the head says `Connection: close` (written by the encoder or by the
    /// user), or the body is delimited by closing.
    pub keep_alive: bool,
}

/// The framing fields the user set on a head, checked.
struct UserFraming {
    content_length: Option<u64>,
    chunked: bool,
}

fn user_framing(headers: &HeaderMap, peer: Version) -> Result<UserFraming, EncodeError> {
    let mut lengths = headers.get_all(header::CONTENT_LENGTH);
    let content_length = match (lengths.next(), lengths.next()) {
        (None, _) => None,
        (Some(value), None) => {
            Some(parse_decimal(value.as_bytes()).ok_or(EncodeError::InvalidContentLength)?)
        }
        (Some(_), Some(_)) => return Err(EncodeError::InvalidContentLength),
    };
    let mut chunked = false;
    for value in headers.get_all(header::TRANSFER_ENCODING) {
        let mut codings = list_elements(value.as_bytes());
        let only_chunked = codings
            .next()
            .is_some_and(|c| c.eq_ignore_ascii_case(b"chunked"))
            && codings.next().is_none();
        if !only_chunked || chunked || content_length.is_some() || peer == Version::Http10 {
            return Err(EncodeError::InvalidTransferEncoding);
        }
        chunked = true;
    }
    Ok(UserFraming {
        content_length,
        chunked,
    })
}

/// Appends `name: value\r\n`.
pub(crate) fn put_field(dst: &mut BytesMut, name: &[u8], value: &[u8]) {
    dst.reserve(name.len() + value.len() + 4);
    dst.put_slice(name);
    dst.put_slice(b": ");
    dst.put_slice(value);
    dst.put_slice(b"\r\n");
}

fn put_length(dst: &mut BytesMut, length: u64) {
    let mut digits = [0u8; 20];
    put_field(
        dst,
        b"content-length",
        super::write_decimal(length, &mut digits),
    );
}

fn put_fields(dst: &mut BytesMut, headers: &HeaderMap, skip_framing: bool) {
    for (name, value) in headers {
        if skip_framing && (*name == header::CONTENT_LENGTH || *name == header::TRANSFER_ENCODING) {
            continue;
        }
        put_field(dst, name.as_bytes(), value.as_bytes());
    }
}

/// Appends a response head to `dst`, for a body of `body_len` bytes (`None`: not
/// known in advance, so chunked, or delimited by closing for an HTTP/1.0 client).
///
/// A response that cannot have a body (1xx, 204, 304, any response to HEAD, 2xx to
/// CONNECT) gets an encoder that takes no data. Responses to HEAD and 304s carry the
/// fields the full response would; 1xx and 204 carry no `Content-Length` or
/// `Transfer-Encoding` (RFC 9110 §8.6), even one the user set.
///
/// ```
/// use avx_http::http1::{ResponseContext, encode_response_head};
/// use avx_http::{Method, ResponseHead, StatusCode, Version};
/// use bytes::BytesMut;
///
/// let mut out = BytesMut::new();
/// let context = ResponseContext::new(Method::GET, Version::Http11);
/// let encoded =
///     encode_response_head(&ResponseHead::new(StatusCode::OK), &context, Some(2), &mut out).unwrap();
/// assert_eq!(&out[..], b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n");
/// assert!(encoded.keep_alive);
/// ```
pub fn encode_response_head(
    head: &ResponseHead,
    context: &ResponseContext,
    body_len: Option<u64>,
    dst: &mut BytesMut,
) -> Result<EncodedResponse, EncodeError> {
    let status = head.status;
    let user = user_framing(&head.headers, context.request_version)?;
    let code = status.as_u16();
    let no_framing_fields = status.is_informational() || code == 204;
    let no_body = response_has_no_body(status, &context.request_method);
    if let (Some(declared), Some(len)) = (user.content_length, body_len) {
        if declared != len && !no_framing_fields {
            return Err(EncodeError::ContentLengthMismatch);
        }
    }

    dst.reserve(64 + 32 * head.headers.len());
    dst.put_slice(head.version.as_str().as_bytes());
    dst.put_u8(b' ');
    dst.put_slice(&status.as_digits());
    dst.put_u8(b' ');
    match &head.reason {
        Some(reason) => dst.put_slice(reason.as_bytes()),
        None => dst.put_slice(status.canonical_reason().unwrap_or("").as_bytes()),
    }
    dst.put_slice(b"\r\n");
    put_fields(dst, &head.headers, no_framing_fields);

    let mut body = BodyEncoder::empty();
    let mut keep_alive = context.keep_alive;
    if !(no_framing_fields || code == 304 || is_tunnel(status, &context.request_method)) {
        let framing = if user.chunked {
            BodyEncoder::chunked()
        } else if let Some(declared) = user.content_length {
            BodyEncoder::length(declared)
        } else if let Some(len) = body_len {
            put_length(dst, len);
            BodyEncoder::length(len)
        } else if context.request_version == Version::Http11 {
            put_field(dst, b"transfer-encoding", b"chunked");
            BodyEncoder::chunked()
        } else {
            BodyEncoder::until_close()
        };
        if !no_body {
            keep_alive &= !framing.closes_connection();
            body = framing;
        }
    }

    let connection = head.headers.get_all(header::CONNECTION);
    let user_close = connection
        .into_iter()
        .any(|v| list_contains(v.as_bytes(), "close"));
    keep_alive &= !user_close;
    if !keep_alive && !user_close {
        put_field(dst, b"connection", b"close");
    } else if keep_alive && context.request_version == Version::Http10 {
        let said = head.headers.get_all(header::CONNECTION);
        if !said
            .into_iter()
            .any(|v| list_contains(v.as_bytes(), "keep-alive"))
        {
            put_field(dst, b"connection", b"keep-alive");
        }
    }
    if let Some(date) = &context.date {
        if !head.headers.contains_key(header::DATE) {
            put_field(dst, b"date", date.as_bytes());
        }
    }
    dst.put_slice(b"\r\n");
    Ok(EncodedResponse { body, keep_alive })
}

/// A 2xx answer to CONNECT: the connection becomes a tunnel, with no framing.
fn is_tunnel(status: StatusCode, method: &Method) -> bool {
    *method == Method::CONNECT && status.is_success()
}

/// Appends a request head to `dst`, for a body of `body_len` bytes (`None`: not known
/// in advance, so chunked).
///
/// An HTTP/1.1 request needs `Host`: when the head has none and its target is in
/// absolute form, the target's authority is sent; otherwise it is
/// [`EncodeError::MissingHost`]. A POST, PUT or PATCH with an empty body says
/// `Content-Length: 0`, as servers expect.
///
/// ```
/// use avx_http::http1::encode_request_head;
/// use avx_http::{Method, RequestHead, Uri};
/// use bytes::BytesMut;
///
/// let mut out = BytesMut::new();
/// let head = RequestHead::new(Method::GET, Uri::from_static("http://example.com/a?b"));
/// encode_request_head(&head, Some(0), &mut out).unwrap();
/// assert_eq!(&out[..], b"GET http://example.com/a?b HTTP/1.1\r\nhost: example.com\r\n\r\n");
/// ```
pub fn encode_request_head(
    head: &RequestHead,
    body_len: Option<u64>,
    dst: &mut BytesMut,
) -> Result<BodyEncoder, EncodeError> {
    let user = user_framing(&head.headers, head.version)?;
    if let (Some(declared), Some(len)) = (user.content_length, body_len) {
        if declared != len {
            return Err(EncodeError::ContentLengthMismatch);
        }
    }
    let host = if head.headers.contains_key(header::HOST) || head.version == Version::Http10 {
        None
    } else {
        Some(head.uri.authority().ok_or(EncodeError::MissingHost)?)
    };
    if user.content_length.is_none()
        && !user.chunked
        && body_len.is_none()
        && head.version == Version::Http10
    {
        return Err(EncodeError::UnknownLengthInHttp10Request);
    }

    let target = head.uri.as_bytes();
    dst.reserve(64 + target.len() + 32 * head.headers.len());
    dst.put_slice(head.method.as_str().as_bytes());
    dst.put_u8(b' ');
    dst.put_slice(target);
    dst.put_u8(b' ');
    dst.put_slice(head.version.as_str().as_bytes());
    dst.put_slice(b"\r\n");
    if let Some(host) = host {
        put_field(dst, b"host", host.as_bytes());
    }
    put_fields(dst, &head.headers, false);
    let body = if user.chunked {
        BodyEncoder::chunked()
    } else if let Some(declared) = user.content_length {
        BodyEncoder::length(declared)
    } else {
        match body_len {
            Some(0) if !head.method.anticipates_body() => BodyEncoder::empty(),
            Some(len) => {
                put_length(dst, len);
                BodyEncoder::length(len)
            }
            None => {
                put_field(dst, b"transfer-encoding", b"chunked");
                BodyEncoder::chunked()
            }
        }
    };
    dst.put_slice(b"\r\n");
    Ok(body)
}

#[cfg(test)]
#[path = "encode_tests.rs"]
mod tests;
