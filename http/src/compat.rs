//! Conversions to and from the [`http`] crate's types (feature `http-compat`), for
//! interop with crates built on them.
//!
//! Each type converts both ways. Where both sides hold exactly the same values the
//! conversion is a [`From`]; where one side holds values the other refuses it is a
//! [`TryFrom`] whose [`ConvertError`] names what was refused:
//!
//! | avx-http             | `http`                      | to `http` | from `http` |
//! |----------------------|-----------------------------|-----------|-------------|
//! | [`Method`]           | [`http::Method`]            | `From`    | `From`      |
//! | [`StatusCode`]       | [`http::StatusCode`]        | `From`    | `From`      |
//! | [`Version`]          | [`http::Version`]           | `From`    | `TryFrom`: HTTP/0.9, HTTP/2, HTTP/3 |
//! | [`HeaderName`]       | [`http::HeaderName`]        | `TryFrom`: over 65,535 bytes | `From` |
//! | [`HeaderValue`]      | [`http::HeaderValue`]       | `From`    | `TryFrom`: control bytes |
//! | [`HeaderMap`]        | [`http::HeaderMap`]         | `TryFrom` | `TryFrom`   |
//! | [`Uri`]              | [`http::Uri`]               | `TryFrom` | `TryFrom`   |
//! | [`RequestHead`]      | [`http::request::Parts`]    | `TryFrom` | `TryFrom`   |
//! | [`ResponseHead`]     | [`http::response::Parts`]   | `TryFrom` | `TryFrom`   |
//! | [`Request<B>`]       | [`http::Request<B>`]        | `TryFrom` | `TryFrom`   |
//! | [`Response<B>`]      | [`http::Response<B>`]       | `TryFrom` | `TryFrom`   |
//!
//! What changes on the way, by design of the other side:
//!
//! * **Header names** are lowercased by `http`, which keeps no case; they still compare
//!   equal here, where names ignore case.
//! * **Header order**: an `http::HeaderMap` keeps the values of one name in order, but
//!   groups them under the name's first occurrence, so `a, b, a` comes back `a, a, b`.
//!   The order among the values of any one name (`Set-Cookie`) is always kept.
//! * **Sensitive values**: `http`'s [`is_sensitive`](http::HeaderValue::is_sensitive)
//!   flag has no counterpart here and is dropped.
//! * **Extensions** of `http` parts are dropped, except that a response's
//!   [`ReasonPhrase`] travels in them: converting a [`ResponseHead`] stores its
//!   `reason` there, and converting back takes it out.
//! * **Targets**: a `Uri` converts only if the other side reads it as the same scheme,
//!   authority, path and query; `http` drops a `#fragment` and refuses some bytes,
//!   and this crate refuses userinfo and an authority form with no port.
//!
//! Bodies are carried across unchanged, whatever their type. A refused
//! [`Request`]/[`Response`] conversion drops its body; to keep it, convert the head
//! apart (`into_parts`, convert, `from_parts`).
//!
//! ```
//! use avx_http::{Method, Request, RequestHead, Uri, header, HeaderValue};
//!
//! let mut head = RequestHead::new(Method::POST, Uri::from_static("/upload?x=1"));
//! head.headers.append(header::HOST, HeaderValue::from_static("example.com"));
//! let ours = Request::new(head, "body");
//!
//! let theirs = http::Request::try_from(ours.clone()).unwrap();
//! assert_eq!(theirs.method(), http::Method::POST);
//! assert_eq!(theirs.uri().query(), Some("x=1"));
//! assert_eq!(theirs.headers()["host"], "example.com");
//! assert_eq!(*theirs.body(), "body");
//!
//! let back = Request::try_from(theirs).unwrap();
//! assert_eq!(back, ours);
//!
//! // avx-http's messages are HTTP/1: an HTTP/2 request is refused, not mislabelled.
//! let h2 = http::Request::builder().version(http::Version::HTTP_2).body(()).unwrap();
//! assert!(Request::try_from(h2).is_err());
//! ```

use std::fmt;

use bytes::Bytes;

use crate::{
    HeaderMap, HeaderName, HeaderValue, Method, ReasonPhrase, Request, RequestHead, Response,
    ResponseHead, StatusCode, Uri, Version,
};

/// What a conversion between this crate's types and the `http` crate's refused.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConvertError {
    /// An `http` version this crate has no [`Version`] for: HTTP/0.9, HTTP/2, HTTP/3.
    UnsupportedVersion(http::Version),
    /// A header name longer than the 65,535 bytes an `http::HeaderName` holds.
    HeaderNameTooLong,
    /// A header value holding CR, LF, NUL or another control byte, which an
    /// `http::HeaderValue` built with `from_maybe_shared_unchecked` can hold.
    InvalidHeaderValue,
    /// More distinct header names than an `http::HeaderMap` holds (24,576).
    TooManyHeaders,
    /// A request target the other side refuses, or would read as a different one
    /// (`http` drops a `#fragment`).
    Uri,
}

impl fmt::Display for ConvertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConvertError::UnsupportedVersion(version) => {
                write!(f, "{version:?} has no avx-http version")
            }
            ConvertError::HeaderNameTooLong => {
                f.write_str("header name longer than the http crate's 65535 bytes")
            }
            ConvertError::InvalidHeaderValue => {
                f.write_str("header value holds a control byte (CR, LF, NUL, ...)")
            }
            ConvertError::TooManyHeaders => {
                f.write_str("more header names than an http::HeaderMap holds")
            }
            ConvertError::Uri => f.write_str("request target not the same on both sides"),
        }
    }
}

impl std::error::Error for ConvertError {}

// Method: both crates take exactly the tokens of RFC 9110 §5.6.2, of any length.

impl From<Method> for http::Method {
    fn from(method: Method) -> http::Method {
        http::Method::from_bytes(method.as_str().as_bytes())
            // A `Method` is a non-empty token, and `http` takes every one.
            .expect("every token is an http::Method")
    }
}

impl From<http::Method> for Method {
    fn from(method: http::Method) -> Method {
        // `http` holds only non-empty tokens (its `METHOD_CHARS` is `tchar`).
        let token = Bytes::copy_from_slice(method.as_str().as_bytes());
        Method::from_token(&token, (0, token.len()))
    }
}

// StatusCode: both crates hold 100..=999.

impl From<StatusCode> for http::StatusCode {
    fn from(status: StatusCode) -> http::StatusCode {
        http::StatusCode::from_u16(status.as_u16())
            // A `StatusCode` is in 100..=999, as every `http::StatusCode` is.
            .expect("100..=999 is an http::StatusCode")
    }
}

impl From<http::StatusCode> for StatusCode {
    fn from(status: http::StatusCode) -> StatusCode {
        StatusCode::from_u16(status.as_u16())
            // An `http::StatusCode` is in 100..=999, as every `StatusCode` is.
            .expect("an http::StatusCode is in 100..=999")
    }
}

// Version: this crate's are HTTP/1.0 and HTTP/1.1, both of which `http` has.

impl From<Version> for http::Version {
    fn from(version: Version) -> http::Version {
        match version {
            Version::Http10 => http::Version::HTTP_10,
            Version::Http11 => http::Version::HTTP_11,
        }
    }
}

impl TryFrom<http::Version> for Version {
    type Error = ConvertError;

    fn try_from(version: http::Version) -> Result<Version, ConvertError> {
        match version {
            http::Version::HTTP_10 => Ok(Version::Http10),
            http::Version::HTTP_11 => Ok(Version::Http11),
            other => Err(ConvertError::UnsupportedVersion(other)),
        }
    }
}

// Header names: both crates take tokens; `http` caps the length and lowercases.

impl TryFrom<HeaderName> for http::HeaderName {
    type Error = ConvertError;

    fn try_from(name: HeaderName) -> Result<http::HeaderName, ConvertError> {
        // Same bytes allowed on both sides, so the length is the only refusal.
        http::HeaderName::from_bytes(name.as_bytes()).map_err(|_| ConvertError::HeaderNameTooLong)
    }
}

impl From<http::HeaderName> for HeaderName {
    fn from(name: http::HeaderName) -> HeaderName {
        name_from_http(&name)
    }
}

fn name_from_http(name: &http::HeaderName) -> HeaderName {
    // `http` holds only non-empty tokens (its `HEADER_CHARS` is `tchar`, lowercased).
    HeaderName::from_validated(Bytes::copy_from_slice(name.as_str().as_bytes()))
}

// Header values: both crates validate the same bytes (HTAB, SP, VCHAR, obs-text), but
// `http` can also be handed unchecked ones.

impl From<HeaderValue> for http::HeaderValue {
    fn from(value: HeaderValue) -> http::HeaderValue {
        http::HeaderValue::from_bytes(value.as_bytes())
            // A `HeaderValue` holds no control byte, and `http` takes every such value.
            .expect("a field value is an http::HeaderValue")
    }
}

impl TryFrom<http::HeaderValue> for HeaderValue {
    type Error = ConvertError;

    fn try_from(value: http::HeaderValue) -> Result<HeaderValue, ConvertError> {
        value_from_http(&value)
    }
}

fn value_from_http(value: &http::HeaderValue) -> Result<HeaderValue, ConvertError> {
    HeaderValue::from_bytes(value.as_bytes()).map_err(|_| ConvertError::InvalidHeaderValue)
}

// Header maps: every field, and the values of each name in order.

impl TryFrom<HeaderMap> for http::HeaderMap {
    type Error = ConvertError;

    fn try_from(headers: HeaderMap) -> Result<http::HeaderMap, ConvertError> {
        let mut converted = http::HeaderMap::new();
        for (name, value) in headers {
            // `try_append`: the panicking `append` would abort on a map that is full.
            converted
                .try_append(http::HeaderName::try_from(name)?, value.into())
                .map_err(|_| ConvertError::TooManyHeaders)?;
        }
        Ok(converted)
    }
}

impl TryFrom<http::HeaderMap> for HeaderMap {
    type Error = ConvertError;

    fn try_from(headers: http::HeaderMap) -> Result<HeaderMap, ConvertError> {
        let mut converted = HeaderMap::with_capacity(headers.len());
        for (name, value) in &headers {
            converted.append(name_from_http(name), value_from_http(value)?);
        }
        Ok(converted)
    }
}

// Targets: converted through their text, then checked to mean the same on both sides.

impl TryFrom<Uri> for http::Uri {
    type Error = ConvertError;

    fn try_from(uri: Uri) -> Result<http::Uri, ConvertError> {
        let converted = http::Uri::from_maybe_shared(Bytes::copy_from_slice(uri.as_bytes()))
            .map_err(|_| ConvertError::Uri)?;
        same_target(&uri, &converted)?;
        Ok(converted)
    }
}

impl TryFrom<http::Uri> for Uri {
    type Error = ConvertError;

    fn try_from(uri: http::Uri) -> Result<Uri, ConvertError> {
        let converted =
            Uri::from_shared(Bytes::from(uri.to_string())).map_err(|_| ConvertError::Uri)?;
        same_target(&converted, &uri)?;
        Ok(converted)
    }
}

/// Whether the two read as the same target: the scheme (case-insensitive, as `http`
/// lowercases the common ones), authority, path and query.
fn same_target(ours: &Uri, theirs: &http::Uri) -> Result<(), ConvertError> {
    let same_scheme = match (ours.scheme(), theirs.scheme_str()) {
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
        (a, b) => a.is_none() && b.is_none(),
    };
    let same = same_scheme
        && ours.authority() == theirs.authority().map(|a| a.as_str())
        && ours.path() == theirs.path()
        && ours.query() == theirs.query();
    if same { Ok(()) } else { Err(ConvertError::Uri) }
}

// Heads.

impl TryFrom<RequestHead> for http::request::Parts {
    type Error = ConvertError;

    fn try_from(head: RequestHead) -> Result<http::request::Parts, ConvertError> {
        // `Parts` has no constructor of its own; an empty request's are the defaults.
        let (mut parts, ()) = http::Request::new(()).into_parts();
        parts.method = head.method.into();
        parts.uri = head.uri.try_into()?;
        parts.version = head.version.into();
        parts.headers = head.headers.try_into()?;
        Ok(parts)
    }
}

impl TryFrom<http::request::Parts> for RequestHead {
    type Error = ConvertError;

    fn try_from(parts: http::request::Parts) -> Result<RequestHead, ConvertError> {
        Ok(RequestHead {
            method: parts.method.into(),
            uri: parts.uri.try_into()?,
            version: parts.version.try_into()?,
            headers: parts.headers.try_into()?,
        })
    }
}

impl TryFrom<ResponseHead> for http::response::Parts {
    type Error = ConvertError;

    fn try_from(head: ResponseHead) -> Result<http::response::Parts, ConvertError> {
        let (mut parts, ()) = http::Response::new(()).into_parts();
        parts.status = head.status.into();
        parts.version = head.version.into();
        parts.headers = head.headers.try_into()?;
        if let Some(reason) = head.reason {
            parts.extensions.insert(reason);
        }
        Ok(parts)
    }
}

impl TryFrom<http::response::Parts> for ResponseHead {
    type Error = ConvertError;

    fn try_from(mut parts: http::response::Parts) -> Result<ResponseHead, ConvertError> {
        Ok(ResponseHead {
            version: parts.version.try_into()?,
            status: parts.status.into(),
            reason: parts.extensions.remove::<ReasonPhrase>(),
            headers: parts.headers.try_into()?,
        })
    }
}

// Messages: the head converted, the body moved across as it is.

impl<B> TryFrom<Request<B>> for http::Request<B> {
    type Error = ConvertError;

    fn try_from(request: Request<B>) -> Result<http::Request<B>, ConvertError> {
        let (head, body) = request.into_parts();
        Ok(http::Request::from_parts(head.try_into()?, body))
    }
}

impl<B> TryFrom<http::Request<B>> for Request<B> {
    type Error = ConvertError;

    fn try_from(request: http::Request<B>) -> Result<Request<B>, ConvertError> {
        let (parts, body) = request.into_parts();
        Ok(Request::new(parts.try_into()?, body))
    }
}

impl<B> TryFrom<Response<B>> for http::Response<B> {
    type Error = ConvertError;

    fn try_from(response: Response<B>) -> Result<http::Response<B>, ConvertError> {
        let (head, body) = response.into_parts();
        Ok(http::Response::from_parts(head.try_into()?, body))
    }
}

impl<B> TryFrom<http::Response<B>> for Response<B> {
    type Error = ConvertError;

    fn try_from(response: http::Response<B>) -> Result<Response<B>, ConvertError> {
        let (parts, body) = response.into_parts();
        Ok(Response::new(parts.try_into()?, body))
    }
}
