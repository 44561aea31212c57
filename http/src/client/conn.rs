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
//! - While a write waits, the read side is watched (RFC 9112 §9.3): a server may
//!   answer before the body is all sent (an early 413) and stop reading it. A final
//!   head read then is kept in `early`; if it closes the connection, the rest of
//!   the body is not sent (and the connection is not reused), else the body goes
//!   on. Past that head nothing is read until the request is written: the request
//!   body is sent whole before the response body is read (half duplex), so a
//!   server that echoes a body larger than the sockets' buffers before reading it
//!   all would stall, until a time limit.

use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use avx::io::{AsyncRead, AsyncWrite, ReadBuf};
use bytes::{BufMut, BytesMut};

use super::Error;
use super::target::Origin;
use super::transport::Transport;
use crate::http1::{
    BodyEncoder, EncodeError, ParseError, Parsed, ResponseParser, encode_request_head,
};
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
    /// A response head (or the fault in it) read while the request was being
    /// written.
    early: Option<Result<Parsed<ResponseHead>, ParseError>>,
}

/// How far writing a request went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Written {
    /// The whole request was sent.
    Complete,
    /// The server answered first, closing the connection; the rest of the body
    /// was not sent.
    Early,
}

/// Why writing stopped.
enum Stop {
    Early,
    Failed(Error),
}

fn encode(error: EncodeError) -> Stop {
    Stop::Failed(Error::Encode(error))
}

/// A 1xx other than 101: an interim response the final one follows.
fn is_interim(head: &ResponseHead) -> bool {
    head.status.is_informational() && head.status != StatusCode::SWITCHING_PROTOCOLS
}

impl Conn {
    pub(crate) fn new(io: Transport, origin: Arc<Origin>, limits: &Limits) -> Conn {
        Conn {
            io,
            buf: BytesMut::with_capacity(READ_SIZE),
            parser: ResponseParser::new(limits),
            origin,
            received: false,
            early: None,
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

    /// Writes `head` and `body`, the body as it comes for a streamed one, watching
    /// for an answer that comes before the body is all sent.
    pub(crate) async fn write_request(
        &mut self,
        head: &RequestHead,
        body: &mut Body,
    ) -> Result<Written, Error> {
        self.received = false;
        self.early = None;
        match self.write_message(head, body).await {
            Ok(()) => Ok(Written::Complete),
            Err(Stop::Early) => Ok(Written::Early),
            Err(Stop::Failed(error)) => Err(error),
        }
    }

    async fn write_message(&mut self, head: &RequestHead, body: &mut Body) -> Result<(), Stop> {
        let method = &head.method;
        let mut wbuf = BytesMut::with_capacity(512);
        let mut encoder = encode_request_head(head, body.exact_len(), &mut wbuf).map_err(encode)?;
        if let Some(data) = body.take_full() {
            self.write_piece(method, &mut wbuf, &mut encoder, &data)
                .await?;
            encoder.encode_end(None, &mut wbuf).map_err(encode)?;
            return self.send(method, &mut wbuf).await;
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
                None => self.send(method, &mut wbuf).await?,
                Some(Some(Ok(data))) => {
                    self.write_piece(method, &mut wbuf, &mut encoder, &data)
                        .await?;
                    if wbuf.len() >= COPY_LIMIT {
                        self.send(method, &mut wbuf).await?;
                    }
                }
                Some(Some(Err(error))) => return Err(Stop::Failed(Error::RequestBody(error))),
                Some(None) => {
                    encoder.encode_end(None, &mut wbuf).map_err(encode)?;
                    return self.send(method, &mut wbuf).await;
                }
            }
        }
    }

    /// Frames `data` into `wbuf`, or, when it is large, writes `wbuf` and `data`
    /// out without copying it.
    async fn write_piece(
        &mut self,
        method: &Method,
        wbuf: &mut BytesMut,
        encoder: &mut BodyEncoder,
        data: &[u8],
    ) -> Result<(), Stop> {
        if data.len() <= COPY_LIMIT {
            return encoder.encode_data(data, wbuf).map_err(encode);
        }
        let suffix = encoder
            .encode_data_header(data.len(), wbuf)
            .map_err(encode)?;
        self.write_all(method, wbuf).await?;
        wbuf.clear();
        self.write_all(method, data).await?;
        wbuf.put_slice(suffix);
        Ok(())
    }

    /// Writes and flushes `wbuf`, leaving it empty.
    async fn send(&mut self, method: &Method, wbuf: &mut BytesMut) -> Result<(), Stop> {
        if !wbuf.is_empty() {
            self.write_all(method, wbuf).await?;
            wbuf.clear();
        }
        poll_fn(|cx| match Pin::new(&mut self.io).poll_flush(cx) {
            Poll::Ready(result) => {
                Poll::Ready(result.map_err(|error| Stop::Failed(Error::Io(error))))
            }
            Poll::Pending => self.poll_early_answer(cx, method),
        })
        .await
    }

    async fn write_all(&mut self, method: &Method, mut bytes: &[u8]) -> Result<(), Stop> {
        while !bytes.is_empty() {
            let written = poll_fn(|cx| match Pin::new(&mut self.io).poll_write(cx, bytes) {
                Poll::Ready(Ok(0)) => Poll::Ready(Err(Stop::Failed(Error::Io(
                    io::ErrorKind::WriteZero.into(),
                )))),
                Poll::Ready(result) => {
                    Poll::Ready(result.map_err(|error| Stop::Failed(Error::Io(error))))
                }
                Poll::Pending => self
                    .poll_early_answer(cx, method)
                    .map(|stop| stop.map(|()| 0)),
            })
            .await?;
            bytes = &bytes[written..];
        }
        Ok(())
    }

    /// While a write waits, reads what the server may already be answering. A
    /// final response head is kept for [`read_head`](Self::read_head); if it says
    /// the connection closes, `Ready(Err(Stop::Early))` stops the upload (the server
    /// does not want the rest, RFC 9112 §9.3), else the upload goes on and nothing
    /// more is read until it is done. Otherwise `Pending`, with the task woken when
    /// more arrives. Interim responses are passed over.
    fn poll_early_answer(
        &mut self,
        cx: &mut Context<'_>,
        method: &Method,
    ) -> Poll<Result<(), Stop>> {
        while self.early.is_none() {
            match self.poll_fill(cx) {
                Poll::Ready(Ok(read)) if read > 0 => {}
                // The end of the stream, or an error: the write fails on its own.
                Poll::Ready(_) | Poll::Pending => return Poll::Pending,
            }
            loop {
                match self.parser.parse(&mut self.buf, method) {
                    Ok(Some(parsed)) if is_interim(&parsed.head) => {}
                    Ok(Some(parsed)) => {
                        let closing = !parsed.head.wants_keep_alive();
                        self.early = Some(Ok(parsed));
                        if closing {
                            return Poll::Ready(Err(Stop::Early));
                        }
                        break;
                    }
                    Ok(None) => break,
                    Err(error) => {
                        self.early = Some(Err(error));
                        return Poll::Ready(Err(Stop::Early));
                    }
                }
            }
        }
        Poll::Pending
    }

    /// Reads the final response head to a request with `method`, passing over
    /// interim (1xx) responses other than 101.
    pub(crate) async fn read_head(
        &mut self,
        method: &Method,
    ) -> Result<Parsed<ResponseHead>, Error> {
        if let Some(early) = self.early.take() {
            return early.map_err(Error::Parse);
        }
        loop {
            match self.parser.parse(&mut self.buf, method) {
                Ok(Some(parsed)) if is_interim(&parsed.head) => {}
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
