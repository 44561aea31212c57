//! [`ResponseBody`]: a response's body, read from its connection as the caller
//! asks, which goes back to the pool once the body has been read to its end.
//!
//! Nothing is read ahead: each [`data`](ResponseBody::data) call decodes what the
//! connection buffered or reads once more, so a large download streams through in
//! constant memory (a piece handed out shares the read buffer's allocation until
//! the caller drops it).
//!
//! ```text
//! Reading ──End, reusable, nothing extra buffered──▶ Done (connection to the pool)
//!    ├──────End, otherwise────────────────────────▶ Done (connection closed)
//!    └──error / dropped before the end─────────────▶ connection closed
//! ```

use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use avx::time::{Instant, Sleep};
use bytes::{Bytes, BytesMut};
use futures_core::Stream;

use super::Error;
use super::conn::Conn;
use super::error::Timeout;
use super::pool::Pool;
use crate::HeaderMap;
use crate::http1::{BodyDecoder, BodyEvent};

/// The body of a response the client received: a `futures_core::Stream` of
/// `Result<Bytes, Error>`.
///
/// Read it to its end (or to [`to_bytes`](Self::to_bytes)) to let its connection
/// carry another request; dropping it earlier closes the connection.
pub struct ResponseBody {
    /// `None` once the body ended or failed.
    conn: Option<Conn>,
    decoder: BodyDecoder,
    /// Whether the connection may carry another request once the body ends.
    reusable: bool,
    pool: Arc<Pool>,
    eof: bool,
    exact_len: Option<u64>,
    trailers: Option<HeaderMap>,
    read_timeout: Option<Duration>,
    /// Armed while a read waits, with `read_timeout`.
    timer: Option<Pin<Box<Sleep>>>,
    timer_armed: bool,
}

impl fmt::Debug for ResponseBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseBody")
            .field("finished", &self.conn.is_none())
            .field("exact_len", &self.exact_len)
            .finish_non_exhaustive()
    }
}

impl ResponseBody {
    pub(crate) fn new(
        conn: Conn,
        decoder: BodyDecoder,
        reusable: bool,
        pool: Arc<Pool>,
        exact_len: Option<u64>,
        read_timeout: Option<Duration>,
    ) -> ResponseBody {
        let mut body = ResponseBody {
            conn: Some(conn),
            decoder,
            reusable,
            pool,
            eof: false,
            exact_len,
            trailers: None,
            read_timeout,
            timer: None,
            timer_armed: false,
        };
        if body.decoder.is_done() {
            body.finish();
        }
        body
    }

    /// The body's length, when the response declared it (`Content-Length`; 0 for a
    /// response without a body, such as one to HEAD or a 204).
    pub fn exact_len(&self) -> Option<u64> {
        self.exact_len
    }

    /// The trailer fields of a chunked body, once it has been read to its end.
    pub fn trailers(&self) -> Option<&HeaderMap> {
        self.trailers.as_ref()
    }

    /// Whether the body has been read to its end (or failed).
    pub fn is_end(&self) -> bool {
        self.conn.is_none()
    }

    /// The next piece of the body, `None` at its end.
    pub async fn data(&mut self) -> Option<Result<Bytes, Error>> {
        std::future::poll_fn(|cx| self.poll_data(cx)).await
    }

    /// The whole body, refused with [`Error::BodyTooLarge`] past `limit` bytes
    /// (the connection is then closed).
    pub async fn to_bytes(mut self, limit: usize) -> Result<Bytes, Error> {
        if self.exact_len.is_some_and(|len| len > limit as u64) {
            return Err(Error::BodyTooLarge);
        }
        let mut collected = BytesMut::new();
        while let Some(data) = self.data().await {
            let data = data?;
            if collected.len() + data.len() > limit {
                return Err(Error::BodyTooLarge);
            }
            // A body that arrives in one piece is handed on without a copy.
            if collected.is_empty() && self.conn.is_none() {
                return Ok(data);
            }
            collected.extend_from_slice(&data);
        }
        Ok(collected.freeze())
    }

    /// Polls for the next piece of the body.
    pub fn poll_data(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, Error>>> {
        let outcome = loop {
            let Some(conn) = self.conn.as_mut() else {
                return Poll::Ready(None);
            };
            let decoded = match self.decoder.decode(&mut conn.buf) {
                Ok(None) if self.eof => self.decoder.decode_eof(&mut conn.buf).map(Some),
                other => other,
            };
            match decoded {
                Ok(Some(BodyEvent::Data(data))) => {
                    if self.decoder.is_done() {
                        self.finish();
                    }
                    return Poll::Ready(Some(Ok(data)));
                }
                Ok(Some(BodyEvent::Trailers(trailers))) => self.trailers = Some(trailers),
                Ok(Some(BodyEvent::End)) => {
                    self.finish();
                    return Poll::Ready(None);
                }
                Ok(None) => match conn.poll_fill(cx) {
                    Poll::Ready(Ok(0)) => self.eof = true,
                    Poll::Ready(Ok(_)) => self.timer_armed = false,
                    Poll::Ready(Err(error)) => break Error::Io(error),
                    Poll::Pending => {
                        return match self.poll_read_timeout(cx) {
                            Poll::Ready(()) => {
                                self.conn = None;
                                Poll::Ready(Some(Err(Error::Timeout(Timeout::Read))))
                            }
                            Poll::Pending => Poll::Pending,
                        };
                    }
                },
                Err(error) => break Error::from(error),
            }
        };
        // The stream's framing is lost: the connection cannot be reused.
        self.conn = None;
        Poll::Ready(Some(Err(outcome)))
    }

    /// Ready once a read has waited `read_timeout`.
    fn poll_read_timeout(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let Some(limit) = self.read_timeout else {
            return Poll::Pending;
        };
        let deadline = Instant::now() + limit;
        let timer = self
            .timer
            .get_or_insert_with(|| Box::pin(avx::time::sleep_until(deadline)));
        if !self.timer_armed {
            timer.as_mut().reset(deadline);
            self.timer_armed = true;
        }
        timer.as_mut().poll(cx)
    }

    /// The body ended: its connection goes back to the pool if it may carry
    /// another request, and is closed otherwise.
    fn finish(&mut self) {
        let Some(conn) = self.conn.take() else {
            return;
        };
        // Bytes past the body's end were never asked for: the server is confused.
        if self.reusable && !self.eof && conn.buf.is_empty() {
            self.pool.put(conn);
        }
    }
}

impl Stream for ResponseBody {
    type Item = Result<Bytes, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_data(cx)
    }
}
