//! The incremental decoder of the chunked transfer coding (RFC 9112 §7.1).
//!
//! ```text
//! Size ─hex─▶ Size ─CR─▶ SizeLf ─LF─▶ Data ─(size bytes)─▶ DataCr ─CR─▶ DataLf ─LF─▶ Size
//!   │           ├─;─▶ Extension ─CR─▶ SizeLf       (size 0: SizeLf ─LF─▶ Trailers ─▶ Done)
//!   │           └─SP/HTAB─▶ SizeWs ─;─▶ Extension
//! ```
//!
//! Like the head scanner, it decides at each byte from the bytes before it alone, so a
//! body fed in any pieces yields the same data, trailers and error as fed at once. The
//! framing bytes it has read are consumed from the buffer as it goes; the trailer
//! section stays in the buffer until it is complete (the head scanner reads it there).
//!
//! Strictness, for the same reason the head scanner is strict: lines end in CRLF; a
//! chunk size is 1 to 16 hex digits (17 could overflow 64 bits, and leading zeros buy a
//! peer nothing); whitespace after the size is allowed only before a `;` (the `BWS` of
//! `chunk-ext`); extensions are read and dropped, and every byte of them in a body
//! counts against one budget, as does the trailer section against its own.

use bytes::{Buf, Bytes, BytesMut};

use super::decode::BodyEvent;
use super::error::{BodyError, ParseError};
use super::head::{HeadScanner, ScanLimits, StartLine};
use super::parse::build_fields;
use crate::Limits;
use crate::header::{HeadBytes, is_value_byte};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Reading the hex digits of a chunk size.
    Size,
    /// Whitespace after the size, which must lead to `;`.
    SizeWs,
    Extension,
    /// After the CR of a size line.
    SizeLf,
    /// Inside chunk data; `remaining` bytes are left.
    Data,
    DataCr,
    DataLf,
    Trailers,
    Done,
}

/// The chunked decoder.
///
/// INVARIANT: in `Size`, `digits` hex digits have been read into `size`, so `digits <=
/// 16` and `size` cannot have overflowed; in `Data`, `remaining > 0`.
#[derive(Debug)]
pub(crate) struct ChunkedDecoder {
    state: State,
    size: u64,
    digits: u8,
    remaining: u64,
    /// Chunk-extension bytes in the body so far.
    extension_bytes: usize,
    max_extension_bytes: usize,
    /// Declared chunk sizes so far.
    total: u64,
    max_total: Option<u64>,
    trailer_scanner: HeadScanner,
    trailer_limits: ScanLimits,
}

impl ChunkedDecoder {
    pub(crate) fn new(limits: &Limits) -> ChunkedDecoder {
        ChunkedDecoder {
            state: State::Size,
            size: 0,
            digits: 0,
            remaining: 0,
            extension_bytes: 0,
            max_extension_bytes: limits.max_chunk_extensions,
            total: 0,
            max_total: limits.max_body_size,
            trailer_scanner: HeadScanner::new(StartLine::None),
            trailer_limits: ScanLimits {
                max_size: limits.max_trailer_size,
                max_headers: limits.max_headers,
                max_uri: 0,
            },
        }
    }

    /// Whether the last chunk and the trailer section have been read.
    pub(crate) fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// Decodes from the front of `buf`: the next event, or `Ok(None)` when every byte
    /// in `buf` was consumed (or the trailer section is incomplete) and more are needed.
    pub(crate) fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<BodyEvent>, BodyError> {
        let mut at = 0;
        let result = self.step(buf, &mut at);
        buf.advance(at);
        match result {
            Ok(Step::Data(len)) => Ok(Some(BodyEvent::Data(buf.split_to(len).freeze()))),
            Ok(Step::Event(event)) => Ok(Some(event)),
            Ok(Step::NeedMore) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Runs the state machine over `buf[*at..]`, leaving `*at` at the first byte not
    /// consumed.
    fn step(&mut self, buf: &[u8], at: &mut usize) -> Result<Step, BodyError> {
        loop {
            match self.state {
                State::Data => {
                    let available = (buf.len() - *at) as u64;
                    if available == 0 {
                        return Ok(Step::NeedMore);
                    }
                    let len = self.remaining.min(available);
                    self.remaining -= len;
                    if self.remaining == 0 {
                        self.state = State::DataCr;
                    }
                    // `len` is at most what `buf` holds, so it fits `usize`.
                    return Ok(Step::Data(len as usize));
                }
                State::Trailers => return self.trailers(&buf[*at..], at),
                State::Done => return Ok(Step::Event(BodyEvent::End)),
                _ => {}
            }
            let Some(&b) = buf.get(*at) else {
                return Ok(Step::NeedMore);
            };
            *at += 1;
            self.byte(b)?;
        }
    }

    /// One byte of framing: a size line or the CRLF after chunk data.
    fn byte(&mut self, b: u8) -> Result<(), BodyError> {
        match self.state {
            State::Size => match b {
                _ if b.is_ascii_hexdigit() => {
                    if self.digits == 16 {
                        return Err(BodyError::ChunkSizeTooLong);
                    }
                    self.digits += 1;
                    // 16 hex digits at most: the shift never loses a bit.
                    self.size = (self.size << 4) | u64::from(hex_value(b));
                }
                _ if self.digits == 0 => return Err(BodyError::InvalidChunkSize),
                b'\r' => self.state = State::SizeLf,
                b'\n' => return Err(BodyError::InvalidLineEnding),
                b';' => {
                    self.count_extension()?;
                    self.state = State::Extension;
                }
                b' ' | b'\t' => {
                    self.count_extension()?;
                    self.state = State::SizeWs;
                }
                _ => return Err(BodyError::InvalidChunkSize),
            },
            State::SizeWs => match b {
                b' ' | b'\t' => self.count_extension()?,
                b';' => {
                    self.count_extension()?;
                    self.state = State::Extension;
                }
                _ => return Err(BodyError::InvalidChunkSize),
            },
            State::Extension => match b {
                b'\r' => self.state = State::SizeLf,
                b'\n' => return Err(BodyError::InvalidLineEnding),
                _ if is_value_byte(b) => self.count_extension()?,
                _ => return Err(BodyError::InvalidChunkExtension),
            },
            State::SizeLf => {
                if b != b'\n' {
                    return Err(BodyError::InvalidLineEnding);
                }
                self.chunk_started()?;
            }
            State::DataCr => {
                if b != b'\r' {
                    return Err(BodyError::MissingChunkCrlf);
                }
                self.state = State::DataLf;
            }
            State::DataLf => {
                if b != b'\n' {
                    return Err(BodyError::MissingChunkCrlf);
                }
                self.state = State::Size;
                self.size = 0;
                self.digits = 0;
            }
            State::Data | State::Trailers | State::Done => {
                unreachable!("handled by step")
            }
        }
        Ok(())
    }

    fn count_extension(&mut self) -> Result<(), BodyError> {
        self.extension_bytes += 1;
        if self.extension_bytes > self.max_extension_bytes {
            return Err(BodyError::ChunkExtensionsTooLarge);
        }
        Ok(())
    }

    /// A size line ended: the chunk's data, or the trailer section after the last one.
    fn chunk_started(&mut self) -> Result<(), BodyError> {
        if self.size == 0 {
            self.state = State::Trailers;
            return Ok(());
        }
        let total = self
            .total
            .checked_add(self.size)
            .ok_or(BodyError::TooLarge)?;
        if self.max_total.is_some_and(|max| total > max) {
            return Err(BodyError::TooLarge);
        }
        self.total = total;
        self.remaining = self.size;
        self.state = State::Data;
        Ok(())
    }

    /// Scans the trailer section at the front of `rest`; consumes it once complete.
    fn trailers(&mut self, rest: &[u8], at: &mut usize) -> Result<Step, BodyError> {
        let len = match self.trailer_scanner.scan(rest, &self.trailer_limits) {
            Ok(Some(len)) => len,
            Ok(None) => return Ok(Step::NeedMore),
            Err(ParseError::HeadTooLarge | ParseError::TooManyHeaders) => {
                return Err(BodyError::TrailersTooLarge);
            }
            Err(error) => return Err(BodyError::InvalidTrailer(error)),
        };
        *at += len;
        self.state = State::Done;
        if self.trailer_scanner.fields.is_empty() {
            return Ok(Step::Event(BodyEvent::End));
        }
        let bytes = Bytes::copy_from_slice(&rest[..len]);
        // Trailer fields frame nothing: what the scanner noted of them is ignored.
        let trailers = build_fields(HeadBytes::shared(&bytes), &self.trailer_scanner.fields);
        // The next call, in state Done, reports the end.
        Ok(Step::Event(BodyEvent::Trailers(trailers)))
    }
}

/// What one run of the state machine found.
enum Step {
    /// `len` bytes of chunk data at the front of the unconsumed bytes.
    Data(usize),
    Event(BodyEvent),
    NeedMore,
}

fn hex_value(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        _ => b - b'A' + 10,
    }
}
