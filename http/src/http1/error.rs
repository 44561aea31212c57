//! The codec's errors, by who is at fault.
//!
//! [`ParseError`] and [`BodyError`] are the peer's fault: it sent bytes that are not
//! HTTP/1.1 or that this codec refuses (every request-smuggling vector among them).
//! Each says which status a server answers it with ([`ParseError::status`]), and after
//! any of them the connection must close: the stream's framing can no longer be
//! trusted. [`EncodeError`] is the local user's fault: a head or body that cannot be
//! written as asked.

use std::fmt;

use crate::StatusCode;

/// A head the peer sent could not be accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParseError {
    /// The head is longer than [`Limits::max_head_size`](crate::Limits). 431.
    HeadTooLarge,
    /// More header fields than [`Limits::max_headers`](crate::Limits). 431.
    TooManyHeaders,
    /// The request target is longer than [`Limits::max_uri_len`](crate::Limits). 414.
    UriTooLong,
    /// A well-formed version other than HTTP/1.0 and HTTP/1.1. 505.
    UnsupportedVersion,
    /// The method is not a token. 400.
    InvalidMethod,
    /// The request target is empty, holds a byte outside visible ASCII, has no
    /// request-target form, or is in a form its method may not use (authority form
    /// is for CONNECT alone, `*` for OPTIONS alone). 400.
    InvalidTarget,
    /// The version is not `HTTP/DIGIT.DIGIT`. 400.
    InvalidVersion,
    /// The status code is not three digits. 400.
    InvalidStatus,
    /// A byte in the reason phrase that may not be there. 400.
    InvalidReason,
    /// A field name is empty, not a token, or not followed by `:`. 400.
    InvalidHeaderName,
    /// Whitespace between a field name and its colon (RFC 9112 §5.1: a request
    /// smuggling vector). 400.
    WhitespaceBeforeColon,
    /// A field value holds NUL or another control byte. 400.
    InvalidHeaderValue,
    /// A line starts with whitespace: a folded field value (obs-fold), or whitespace
    /// before the first field. 400.
    ObsFold,
    /// A line ends in LF alone: this codec takes CRLF only (see the module docs). 400.
    BareLf,
    /// A CR not followed by LF. 400.
    BareCr,
    /// An HTTP/1.1 request without `Host`, a request with two, or a `Host` that is
    /// not `host[:port]`. 400.
    InvalidHost,
    /// `Content-Length` is not one decimal number below 2^64 (`+5`, `0x5`, `5 5`, an
    /// empty value, ...). 400.
    InvalidContentLength,
    /// Two `Content-Length` values that differ. Identical ones collapse to one, as RFC
    /// 9110 §8.6 allows. 400.
    ConflictingContentLength,
    /// Both `Transfer-Encoding` and `Content-Length`. 400.
    TransferEncodingWithContentLength,
    /// `Transfer-Encoding` in an HTTP/1.0 message, whose framing RFC 9112 §6.1 says to
    /// treat as faulty. 400.
    TransferEncodingInHttp10,
    /// `Transfer-Encoding` whose last coding is not `chunked`, so the body's end cannot
    /// be found (a request; a response with one is read until close). 400.
    NotChunked,
    /// `chunked` more than once in `Transfer-Encoding`. 400.
    DuplicateChunked,
    /// A request body in a transfer coding other than `chunked` (`gzip, chunked`): the
    /// server does not implement it. 501.
    UnsupportedTransferCoding,
}

impl ParseError {
    /// The status a server answers this error with (before closing the connection).
    pub fn status(self) -> StatusCode {
        match self {
            ParseError::HeadTooLarge | ParseError::TooManyHeaders => {
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE
            }
            ParseError::UriTooLong => StatusCode::URI_TOO_LONG,
            ParseError::UnsupportedVersion => StatusCode::HTTP_VERSION_NOT_SUPPORTED,
            ParseError::UnsupportedTransferCoding => StatusCode::NOT_IMPLEMENTED,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            ParseError::HeadTooLarge => "message head too large",
            ParseError::TooManyHeaders => "too many header fields",
            ParseError::UriTooLong => "request target too long",
            ParseError::UnsupportedVersion => "unsupported HTTP version",
            ParseError::InvalidMethod => "invalid method",
            ParseError::InvalidTarget => "invalid request target",
            ParseError::InvalidVersion => "invalid HTTP version",
            ParseError::InvalidStatus => "invalid status code",
            ParseError::InvalidReason => "invalid reason phrase",
            ParseError::InvalidHeaderName => "invalid header field name",
            ParseError::WhitespaceBeforeColon => "whitespace before a header field's colon",
            ParseError::InvalidHeaderValue => "invalid byte in a header field value",
            ParseError::ObsFold => "line starting with whitespace (obs-fold)",
            ParseError::BareLf => "line ending in a bare LF",
            ParseError::BareCr => "CR not followed by LF",
            ParseError::InvalidHost => "missing, repeated or invalid Host",
            ParseError::InvalidContentLength => "invalid Content-Length",
            ParseError::ConflictingContentLength => "differing Content-Length values",
            ParseError::TransferEncodingWithContentLength => {
                "both Transfer-Encoding and Content-Length"
            }
            ParseError::TransferEncodingInHttp10 => "Transfer-Encoding in an HTTP/1.0 message",
            ParseError::NotChunked => "Transfer-Encoding does not end in chunked",
            ParseError::DuplicateChunked => "chunked applied more than once",
            ParseError::UnsupportedTransferCoding => "unsupported transfer coding",
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.describe(), self.status().as_u16())
    }
}

impl std::error::Error for ParseError {}

/// A body the peer sent could not be accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BodyError {
    /// More body bytes, declared or received, than
    /// [`Limits::max_body_size`](crate::Limits). 413.
    TooLarge,
    /// A chunk size with no hex digit, or followed by something other than
    /// whitespace, `;` or CRLF. 400.
    InvalidChunkSize,
    /// A chunk size of more than 16 hex digits (which could not fit 64 bits). 400.
    ChunkSizeTooLong,
    /// A control byte in a chunk extension. 400.
    InvalidChunkExtension,
    /// More chunk-extension bytes in the body than
    /// [`Limits::max_chunk_extensions`](crate::Limits). 400.
    ChunkExtensionsTooLarge,
    /// Chunk data not followed by CRLF. 400.
    MissingChunkCrlf,
    /// A line in the chunked framing ends in LF alone, or a CR is not followed by
    /// LF. 400.
    InvalidLineEnding,
    /// A trailer section longer than [`Limits::max_trailer_size`](crate::Limits) or
    /// with more fields than [`Limits::max_headers`](crate::Limits). 400.
    TrailersTooLarge,
    /// A malformed trailer field, for the same reasons a header field would be. 400.
    InvalidTrailer(ParseError),
    /// The connection closed before the body's end. Not answerable: the peer is gone.
    Incomplete,
}

impl BodyError {
    /// The status a server answers this error with (before closing the connection).
    pub fn status(self) -> StatusCode {
        match self {
            BodyError::TooLarge => StatusCode::CONTENT_TOO_LARGE,
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

impl fmt::Display for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            BodyError::TooLarge => "body too large",
            BodyError::InvalidChunkSize => "invalid chunk size",
            BodyError::ChunkSizeTooLong => "chunk size of more than 16 hex digits",
            BodyError::InvalidChunkExtension => "invalid chunk extension",
            BodyError::ChunkExtensionsTooLarge => "chunk extensions too large",
            BodyError::MissingChunkCrlf => "chunk data not followed by CRLF",
            BodyError::InvalidLineEnding => "bare LF or CR in chunked framing",
            BodyError::TrailersTooLarge => "trailer section too large",
            BodyError::InvalidTrailer(error) => return write!(f, "invalid trailer: {error}"),
            BodyError::Incomplete => "connection closed before the end of the body",
        };
        f.write_str(text)
    }
}

impl std::error::Error for BodyError {}

/// A message could not be written as asked: the local user's fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EncodeError {
    /// A `Content-Length` field that is not one decimal number, or more than one.
    InvalidContentLength,
    /// A `Content-Length` field that differs from the body's known size.
    ContentLengthMismatch,
    /// A `Transfer-Encoding` field other than `chunked` alone, repeated, beside
    /// `Content-Length`, or in a message to or from HTTP/1.0.
    InvalidTransferEncoding,
    /// An HTTP/1.1 request without `Host` (RFC 9112 §3.2).
    MissingHost,
    /// An HTTP/1.0 request with a body of unknown size: HTTP/1.0 has no chunked
    /// coding, and a request body cannot be delimited by closing.
    UnknownLengthInHttp10Request,
    /// More body bytes than the declared `Content-Length`.
    BodyTooLong,
    /// Fewer body bytes than the declared `Content-Length` at the body's end.
    BodyTooShort,
    /// Data or an end after the body ended.
    BodyFinished,
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EncodeError::InvalidContentLength => "invalid Content-Length field",
            EncodeError::ContentLengthMismatch => "Content-Length differs from the body size",
            EncodeError::InvalidTransferEncoding => "Transfer-Encoding cannot be used here",
            EncodeError::MissingHost => "HTTP/1.1 request without Host",
            EncodeError::UnknownLengthInHttp10Request => "HTTP/1.0 request body of unknown length",
            EncodeError::BodyTooLong => "more body bytes than Content-Length",
            EncodeError::BodyTooShort => "fewer body bytes than Content-Length",
            EncodeError::BodyFinished => "write after the end of the body",
        })
    }
}

impl std::error::Error for EncodeError {}
