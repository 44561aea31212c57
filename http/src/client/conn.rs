//! [`Conn`]: one HTTP/1.1 connection as the client drives it: write a request,
//! read the response head, then (through the response body) its body.
//!
//! Invariants:
//! - `buf` holds bytes read and not yet parsed; between exchanges, on a connection
//!   fit for reuse, it is empty (the pool takes no connection with leftovers).
//! - One request at a time: no pipelining, so whatever arrives before a request is
//!   written is unsolicited and makes the connection unfit for reuse.
//! - `received` says whether any byte came since the current request was started:
//!   a reused connection that the server closed without a byte of answer is the
//!   one case a request may be retried on a fresh connection.

use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use avx::io::{AsyncRead, AsyncWriteExt, ReadBuf};
use bytes::{BufMut, BytesMut};

use super::Error;
use super::target::Origin;
use super::transport::Transport;
use crate::http1::{Parsed, ResponseParser, encode_request_head};
use crate::server::Body;
use crate::{Limits, Method, RequestHead, ResponseHead, StatusCode};

/// The most bytes one read asks the transport for.
const READ_SIZE: usize = 16 * 1024;

/// Body pieces up to this size are copied beside their framing and sent in one
/// write; larger ones are written from where they lie.
const COPY_LIMIT: usize = 16 * 1024;

/// A connection to `origin`.
#[derive(Debug)]
pub(crate) struct Conn {
    io: Transport,
    pub(crate) buf: BytesMut,
    parser: ResponseParser,
    pub(crate) origin: Arc<Origin>,
    received: bool,
}

impl Conn {
    pub(crate) fn new(io: Transport, origin: Arc<Origin>, limits: &Limits) -> Conn {
        Conn {
            io,
            buf: BytesMut::with_capacity(READ_SIZE),
            parser: ResponseParser::new(limits),
            origin,
            received: false,
        }
    }

    /// Whether a byte of the answer to the current request has arrived.
    pub(crate) fn received(&self) -> bool {
        self.received
    }

    /// Reads more bytes onto the end of `buf`: `Ok(0)` at end of stream.
    pub(crate) fn poll_fill(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        if self.buf.capacity() - self.buf.len() < READ_SIZE / 4 {
            self.buf.reserve(READ_SIZE);
        }
        // Safe code cannot read into uninitialised memory: zero what this read may fill.
        let start = self.buf.len();
        let end = self.buf.capacity().min(start + READ_SIZE);
        self.buf.resize(end, 0);
        let mut read_buf = ReadBuf::new(&mut self.buf[start..]);
        let result = Pin::new(&mut self.io).poll_read(cx, &mut read_buf);
        let filled = read_buf.filled().len();
        self.buf.truncate(start + filled);
        match result {
            Poll::Ready(Ok(())) => {
                self.received |= filled > 0;
                Poll::Ready(Ok(filled))
            }
            Poll::Ready(Err(error)) => Poll::Ready(Err(error)),
            Poll::Pending => Poll::Pending,
        }
    }

    /// Whether an idle connection can carry another request: the server has not
    /// closed it, and sent nothing unasked. Never waits.
    pub(crate) async fn is_reusable(&mut self) -> bool {
        poll_fn(|cx| {
            Poll::Ready(match self.poll_fill(cx) {
                // Nothing to read: still open, as far as can be told.
                Poll::Pending => self.buf.is_empty(),
                // End of stream, an error, or bytes nobody asked for.
                Poll::Ready(_) => false,
            })
        })
        .await
    }

    /// Writes `head` and `body`, the body as it comes for a streamed one.
    pub(crate) async fn write_request(
        &mut self,
        head: &RequestHead,
        body: &mut Body,
    ) -> Result<(), Error> {
        self.received = false;
        let mut wbuf = BytesMut::with_capacity(512);
        let mut encoder =
            encode_request_head(head, body.exact_len(), &mut wbuf).map_err(Error::Encode)?;
        if let Some(data) = body.take_full() {
            self.write_piece(&mut wbuf, &mut encoder, &data).await?;
            encoder.encode_end(None, &mut wbuf).map_err(Error::Encode)?;
            return self.send(&mut wbuf).await;
        }
        loop {
            // What is buffered goes out before waiting on the body's stream, so the
            // server is never kept waiting for bytes the client already has.
            let step = poll_fn(|cx| match body.poll_data(cx) {
                Poll::Pending if !wbuf.is_empty() => Poll::Ready(None),
                Poll::Pending => Poll::Pending,
                Poll::Ready(piece) => Poll::Ready(Some(piece)),
            })
            .await;
            match step {
                None => self.send(&mut wbuf).await?,
                Some(Some(Ok(data))) => {
                    self.write_piece(&mut wbuf, &mut encoder, &data).await?;
                    if wbuf.len() >= COPY_LIMIT {
                        self.send(&mut wbuf).await?;
                    }
                }
                Some(Some(Err(error))) => return Err(Error::RequestBody(error)),
                Some(None) => {
                    encoder.encode_end(None, &mut wbuf).map_err(Error::Encode)?;
                    return self.send(&mut wbuf).await;
                }
            }
        }
    }

    /// Frames `data` into `wbuf`, or, when it is large, writes `wbuf` and `data`
    /// out without copying it.
    async fn write_piece(
        &mut self,
        wbuf: &mut BytesMut,
        encoder: &mut crate::http1::BodyEncoder,
        data: &[u8],
    ) -> Result<(), Error> {
        if data.len() <= COPY_LIMIT {
            return encoder.encode_data(data, wbuf).map_err(Error::Encode);
        }
        let suffix = encoder
            .encode_data_header(data.len(), wbuf)
            .map_err(Error::Encode)?;
        self.write_all(wbuf).await?;
        wbuf.clear();
        self.io.write_all(data).await.map_err(Error::Io)?;
        wbuf.put_slice(suffix);
        Ok(())
    }

    async fn write_all(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.io.write_all(bytes).await.map_err(Error::Io)
    }

    /// Writes and flushes `wbuf`, leaving it empty.
    async fn send(&mut self, wbuf: &mut BytesMut) -> Result<(), Error> {
        if !wbuf.is_empty() {
            self.write_all(wbuf).await?;
            wbuf.clear();
        }
        self.io.flush().await.map_err(Error::Io)
    }

    /// Reads the final response head to a request with `method`, passing over
    /// interim (1xx) responses other than 101.
    pub(crate) async fn read_head(
        &mut self,
        method: &Method,
    ) -> Result<Parsed<ResponseHead>, Error> {
        loop {
            match self.parser.parse(&mut self.buf, method) {
                Ok(Some(parsed))
                    if parsed.head.status.is_informational()
                        && parsed.head.status != StatusCode::SWITCHING_PROTOCOLS => {}
                Ok(Some(parsed)) => return Ok(parsed),
                Ok(None) => {
                    let read = poll_fn(|cx| self.poll_fill(cx)).await.map_err(Error::Io)?;
                    if read == 0 {
                        return Err(Error::Io(io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            "the server closed the connection before a complete response head",
                        )));
                    }
                }
                Err(error) => return Err(Error::Parse(error)),
            }
        }
    }
}
