//! [`BodyEncoder`]: frames outgoing body data as the head that precedes it declared.
//!
//! The head encoders ([`super::encode_request_head`], [`super::encode_response_head`])
//! choose the framing and hand back the encoder for it, so the head and the body can
//! never disagree: a declared length is held to exactly, a chunked body gets its size
//! lines and last chunk, and a body without framing (a response to HEAD, a 204) takes
//! no bytes at all.

use bytes::{BufMut, BytesMut};

use super::error::EncodeError;
use crate::HeaderMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// No body may be sent.
    Empty,
    Length {
        remaining: u64,
    },
    Chunked,
    /// Delimited by closing the connection (a response to an HTTP/1.0 client).
    UntilClose,
}

/// Writes one body's data and end in the framing its head declared.
///
/// ```
/// use avx_http::http1::BodyEncoder;
/// use bytes::BytesMut;
///
/// let mut encoder = BodyEncoder::chunked();
/// let mut out = BytesMut::new();
/// encoder.encode_data(b"hello", &mut out).unwrap();
/// encoder.encode_end(None, &mut out).unwrap();
/// assert_eq!(&out[..], b"5\r\nhello\r\n0\r\n\r\n");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BodyEncoder {
    kind: Kind,
    finished: bool,
}

impl BodyEncoder {
    /// An encoder for no body at all.
    pub fn empty() -> BodyEncoder {
        BodyEncoder {
            kind: Kind::Empty,
            finished: false,
        }
    }

    /// An encoder for exactly `length` bytes.
    pub fn length(length: u64) -> BodyEncoder {
        BodyEncoder {
            kind: Kind::Length { remaining: length },
            finished: false,
        }
    }

    /// An encoder for the chunked coding.
    pub fn chunked() -> BodyEncoder {
        BodyEncoder {
            kind: Kind::Chunked,
            finished: false,
        }
    }

    /// An encoder for a body the connection's close delimits.
    pub fn until_close() -> BodyEncoder {
        BodyEncoder {
            kind: Kind::UntilClose,
            finished: false,
        }
    }

    /// Whether the head declared no body: data would be refused.
    pub fn is_empty(&self) -> bool {
        self.kind == Kind::Empty
    }

    /// Whether the body is chunked (so trailers can follow it).
    pub fn is_chunked(&self) -> bool {
        self.kind == Kind::Chunked
    }

    /// Whether the connection must close after this body to end it.
    pub fn closes_connection(&self) -> bool {
        self.kind == Kind::UntilClose
    }

    /// Whether [`encode_end`](Self::encode_end) has run.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// How many more bytes a declared length expects.
    pub fn remaining(&self) -> Option<u64> {
        match self.kind {
            Kind::Length { remaining } => Some(remaining),
            _ => None,
        }
    }

    /// Appends `data`, framed, to `dst`. Empty data writes nothing (an empty chunk
    /// would end a chunked body).
    pub fn encode_data(&mut self, data: &[u8], dst: &mut BytesMut) -> Result<(), EncodeError> {
        dst.reserve(data.len() + 20);
        let suffix = self.encode_data_header(data.len(), dst)?;
        dst.put_slice(data);
        dst.put_slice(suffix);
        Ok(())
    }

    /// Frames `len` bytes of data that the caller writes itself, to send a large
    /// buffer without copying it: appends what precedes the data to `dst` and returns
    /// what must follow it (`\r\n` after a chunk, nothing otherwise). `len` of 0 writes
    /// and returns nothing.
    ///
    /// ```
    /// use avx_http::http1::BodyEncoder;
    /// use bytes::BytesMut;
    ///
    /// let mut encoder = BodyEncoder::chunked();
    /// let mut out = BytesMut::new();
    /// let suffix = encoder.encode_data_header(1024, &mut out).unwrap();
    /// assert_eq!((&out[..], suffix), (&b"400\r\n"[..], &b"\r\n"[..]));
    /// ```
    pub fn encode_data_header(
        &mut self,
        len: usize,
        dst: &mut BytesMut,
    ) -> Result<&'static [u8], EncodeError> {
        if self.finished {
            return Err(EncodeError::BodyFinished);
        }
        if len == 0 {
            return Ok(b"");
        }
        match &mut self.kind {
            Kind::Empty => Err(EncodeError::BodyTooLong),
            Kind::Length { remaining } => {
                if len as u64 > *remaining {
                    return Err(EncodeError::BodyTooLong);
                }
                *remaining -= len as u64;
                Ok(b"")
            }
            Kind::Chunked => {
                let mut digits = [0u8; 16];
                dst.put_slice(write_hex(len as u64, &mut digits));
                dst.put_slice(b"\r\n");
                Ok(b"\r\n")
            }
            Kind::UntilClose => Ok(b""),
        }
    }

    /// Ends the body: the last chunk and `trailers` for a chunked body (trailers are
    /// dropped for any other framing, which cannot carry them); for a declared length,
    /// a check that all of it was sent.
    pub fn encode_end(
        &mut self,
        trailers: Option<&HeaderMap>,
        dst: &mut BytesMut,
    ) -> Result<(), EncodeError> {
        if self.finished {
            return Err(EncodeError::BodyFinished);
        }
        match self.kind {
            Kind::Length { remaining } if remaining > 0 => return Err(EncodeError::BodyTooShort),
            Kind::Chunked => {
                dst.put_slice(b"0\r\n");
                for (name, value) in trailers.into_iter().flatten() {
                    super::encode::put_field(dst, name.as_bytes(), value.as_bytes());
                }
                dst.put_slice(b"\r\n");
            }
            _ => {}
        }
        self.finished = true;
        Ok(())
    }
}

/// `n` in lowercase hex, without leading zeros.
fn write_hex(n: u64, digits: &mut [u8; 16]) -> &[u8] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut at = digits.len();
    let mut n = n;
    loop {
        at -= 1;
        digits[at] = HEX[(n & 0xf) as usize];
        n >>= 4;
        if n == 0 {
            return &digits[at..];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{HeaderName, HeaderValue};

    #[test]
    fn hex() {
        let mut digits = [0; 16];
        assert_eq!(write_hex(0, &mut digits), b"0");
        assert_eq!(write_hex(0x1a2b, &mut digits), b"1a2b");
        assert_eq!(write_hex(u64::MAX, &mut digits), b"ffffffffffffffff");
    }

    #[test]
    fn length_is_held_to() {
        let mut out = BytesMut::new();
        let mut encoder = BodyEncoder::length(5);
        encoder.encode_data(b"abc", &mut out).unwrap();
        assert_eq!(encoder.remaining(), Some(2));
        assert_eq!(
            encoder.encode_data(b"def", &mut out),
            Err(EncodeError::BodyTooLong)
        );
        assert_eq!(
            encoder.encode_end(None, &mut out),
            Err(EncodeError::BodyTooShort)
        );
        encoder.encode_data(b"de", &mut out).unwrap();
        encoder.encode_end(None, &mut out).unwrap();
        assert_eq!(&out[..], b"abcde");
        assert_eq!(
            encoder.encode_data(b"x", &mut out),
            Err(EncodeError::BodyFinished)
        );
        assert_eq!(
            encoder.encode_end(None, &mut out),
            Err(EncodeError::BodyFinished)
        );
    }

    #[test]
    fn chunked_with_trailers() {
        let mut out = BytesMut::new();
        let mut encoder = BodyEncoder::chunked();
        encoder.encode_data(&[b'x'; 26], &mut out).unwrap();
        encoder.encode_data(b"", &mut out).unwrap();
        let mut trailers = HeaderMap::new();
        trailers.append(
            HeaderName::from_static("checksum"),
            HeaderValue::from_static("abc"),
        );
        encoder.encode_end(Some(&trailers), &mut out).unwrap();
        let expected = [
            &b"1a\r\n"[..],
            &[b'x'; 26],
            b"\r\n0\r\nchecksum: abc\r\n\r\n",
        ]
        .concat();
        assert_eq!(&out[..], &expected[..]);
    }

    #[test]
    fn empty_and_until_close() {
        let mut out = BytesMut::new();
        let mut empty = BodyEncoder::empty();
        assert!(empty.is_empty());
        empty.encode_data(b"", &mut out).unwrap();
        assert_eq!(
            empty.encode_data(b"x", &mut out),
            Err(EncodeError::BodyTooLong)
        );
        empty.encode_end(None, &mut out).unwrap();
        let mut close = BodyEncoder::until_close();
        assert!(close.closes_connection());
        close.encode_data(b"raw", &mut out).unwrap();
        close.encode_end(None, &mut out).unwrap();
        assert_eq!(&out[..], b"raw");
    }
}
