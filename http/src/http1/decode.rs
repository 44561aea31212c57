//! [`BodyDecoder`]: a message body, bytes in, [`BodyEvent`]s out, for every framing.
//!
//! The decoder consumes what it decodes from the front of the caller's buffer and
//! leaves what follows the body (a pipelined request, the next response) in place.
//! Data comes out as slices of the buffer's own allocation, never copied. The body-size
//! limit is checked against a declared length before a byte is read and against chunk
//! sizes as each size line ends, so a peer is refused at the earliest byte that shows
//! it over the limit.

use bytes::{Bytes, BytesMut};

use super::chunked::ChunkedDecoder;
use super::error::BodyError;
use super::framing::Framing;
use crate::{HeaderMap, Limits};

/// What decoding a body yields, in order: data, then trailers if a chunked body has
/// any, then the end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BodyEvent {
    /// The next bytes of the body (never empty).
    Data(Bytes),
    /// The trailer fields of a chunked body, when it has at least one.
    Trailers(HeaderMap),
    /// The body is over; the bytes after it belong to the next message. Every later
    /// call reports the end again.
    End,
}

#[derive(Debug)]
enum Kind {
    Length { remaining: u64 },
    Chunked(Box<ChunkedDecoder>),
    UntilClose { received: u64 },
    Done,
}

/// Decodes one body.
///
/// ```
/// use avx_http::http1::{BodyDecoder, BodyEvent, Framing};
/// use avx_http::Limits;
/// use bytes::BytesMut;
///
/// let mut decoder = BodyDecoder::new(Framing::Chunked, &Limits::default()).unwrap();
/// let mut buf = BytesMut::from(&b"3\r\nabc\r\n0\r\n\r\nGET / HTTP/1.1\r\n"[..]);
/// assert_eq!(decoder.decode(&mut buf).unwrap(), Some(BodyEvent::Data("abc".into())));
/// assert_eq!(decoder.decode(&mut buf).unwrap(), Some(BodyEvent::End));
/// assert_eq!(&buf[..], b"GET / HTTP/1.1\r\n");
/// ```
#[derive(Debug)]
pub struct BodyDecoder {
    kind: Kind,
    max_body_size: Option<u64>,
}

impl BodyDecoder {
    /// A decoder for a body framed as `framing`, enforcing `limits`. A declared
    /// length over [`Limits::max_body_size`] is refused here, before any byte of the
    /// body is read: [`BodyError::TooLarge`].
    pub fn new(framing: Framing, limits: &Limits) -> Result<BodyDecoder, BodyError> {
        let kind = match framing {
            Framing::Empty | Framing::Length(0) => Kind::Done,
            Framing::Length(length) => {
                if limits.max_body_size.is_some_and(|max| length > max) {
                    return Err(BodyError::TooLarge);
                }
                Kind::Length { remaining: length }
            }
            Framing::Chunked => Kind::Chunked(Box::new(ChunkedDecoder::new(limits))),
            Framing::UntilClose => Kind::UntilClose { received: 0 },
        };
        Ok(BodyDecoder {
            kind,
            max_body_size: limits.max_body_size,
        })
    }

    /// Whether the body's end has been decoded.
    pub fn is_done(&self) -> bool {
        match &self.kind {
            Kind::Done => true,
            Kind::Chunked(chunked) => chunked.is_done(),
            _ => false,
        }
    }

    /// Decodes from the front of `buf`: the next event, or `Ok(None)` when more bytes
    /// are needed. Between calls the caller may append to `buf` and must not remove
    /// bytes from its front (a chunked body's incomplete trailer section is read in
    /// place).
    pub fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<BodyEvent>, BodyError> {
        match &mut self.kind {
            Kind::Done => Ok(Some(BodyEvent::End)),
            Kind::Length { remaining } => {
                if buf.is_empty() {
                    return Ok(None);
                }
                // `len` is at most `buf.len()`, so it fits `usize`.
                let len = (*remaining).min(buf.len() as u64) as usize;
                *remaining -= len as u64;
                if *remaining == 0 {
                    self.kind = Kind::Done;
                }
                Ok(Some(BodyEvent::Data(buf.split_to(len).freeze())))
            }
            Kind::Chunked(chunked) => chunked.decode(buf),
            Kind::UntilClose { received } => {
                if buf.is_empty() {
                    return Ok(None);
                }
                let allowed = self.max_body_size.map_or(u64::MAX, |max| max - *received);
                if allowed == 0 {
                    return Err(BodyError::TooLarge);
                }
                let len = allowed.min(buf.len() as u64) as usize;
                *received += len as u64;
                Ok(Some(BodyEvent::Data(buf.split_to(len).freeze())))
            }
        }
    }

    /// Decodes after the peer closed the connection: as [`decode`](Self::decode), but
    /// where more bytes would be needed, the end of a body read until close, or
    /// [`BodyError::Incomplete`] for any other.
    pub fn decode_eof(&mut self, buf: &mut BytesMut) -> Result<BodyEvent, BodyError> {
        match self.decode(buf)? {
            Some(event) => Ok(event),
            None if matches!(self.kind, Kind::UntilClose { .. }) => {
                self.kind = Kind::Done;
                Ok(BodyEvent::End)
            }
            None => Err(BodyError::Incomplete),
        }
    }
}

#[cfg(test)]
#[path = "decode_tests.rs"]
mod tests;
