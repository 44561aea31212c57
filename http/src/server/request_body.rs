//! [`RequestBody`]: the body of a request, read incrementally from the connection.
//!
//! Nothing is read ahead: each [`data`](RequestBody::data) call decodes what the
//! connection buffered or reads once more from the transport, so a large upload
//! streams through in constant memory and a handler that never reads the body never
//! causes it to be sent (with `Expect: 100-continue`, the `100` goes out on the first
//! read). A body is tied to its request: kept past the response, it reads nothing of
//! the next one.

use std::fmt;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};

use super::read_side::{ContinueState, Shared, lock};
use super::upgrade::Upgraded;
use crate::HeaderMap;
use crate::http1::{BodyError, BodyEvent};

/// Why a request body could not be read.
#[derive(Debug)]
#[non_exhaustive]
pub enum BodyReadError {
    /// The client sent a malformed or oversized body. The server answers it (413 for
    /// [`BodyError::TooLarge`], 400 otherwise) whatever the handler returns, and
    /// closes the connection.
    Protocol(BodyError),
    /// Reading from the connection failed.
    Io(io::Error),
    /// The client sent nothing for the server's
    /// [`body_read_timeout`](super::ServerConfig::body_read_timeout). The server
    /// answers 408, whatever the handler returns, and closes the connection.
    TimedOut,
    /// The body was read after its request's response was finished.
    Stale,
    /// [`RequestBody::to_bytes`] met more bytes than its limit.
    TooLarge,
}

impl fmt::Display for BodyReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BodyReadError::Protocol(error) => write!(f, "bad request body: {error}"),
            BodyReadError::Io(error) => write!(f, "reading the request body: {error}"),
            BodyReadError::TimedOut => f.write_str("the client stopped sending the request body"),
            BodyReadError::Stale => f.write_str("request body read after its response"),
            BodyReadError::TooLarge => f.write_str("request body over the limit"),
        }
    }
}

impl std::error::Error for BodyReadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BodyReadError::Protocol(error) => Some(error),
            BodyReadError::Io(error) => Some(error),
            _ => None,
        }
    }
}

/// The body of a request the server received.
///
/// It is a `futures_core::Stream` of `Result<Bytes, BodyReadError>`, so it can be
/// passed straight to [`Body::from_stream`](super::Body::from_stream) to echo it.
pub struct RequestBody {
    /// `None` for a request without a body, and once the body ended.
    shared: Option<Shared>,
    id: u64,
    exact_len: Option<u64>,
    trailers: Option<HeaderMap>,
    pub(crate) upgrade: Option<avx::sync::oneshot::Receiver<Upgraded>>,
}

impl fmt::Debug for RequestBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestBody")
            .field("finished", &self.shared.is_none())
            .field("exact_len", &self.exact_len)
            .finish_non_exhaustive()
    }
}

impl RequestBody {
    pub(crate) fn new(shared: Option<Shared>, id: u64, exact_len: Option<u64>) -> RequestBody {
        RequestBody {
            shared,
            id,
            exact_len,
            trailers: None,
            upgrade: None,
        }
    }

    /// A body with nothing in it, not tied to a connection (for tests of handlers).
    pub fn empty() -> RequestBody {
        RequestBody::new(None, 0, Some(0))
    }

    /// The body's length, when the request declared it (`Content-Length`; 0 for no
    /// body).
    pub fn exact_len(&self) -> Option<u64> {
        self.exact_len
    }

    /// The trailer fields of a chunked body, once it has been read to its end.
    pub fn trailers(&self) -> Option<&HeaderMap> {
        self.trailers.as_ref()
    }

    /// The next piece of the body, `None` at its end.
    pub async fn data(&mut self) -> Option<Result<Bytes, BodyReadError>> {
        std::future::poll_fn(|cx| self.poll_data(cx)).await
    }

    /// The whole body, refused with [`BodyReadError::TooLarge`] past `limit` bytes.
    pub async fn to_bytes(mut self, limit: usize) -> Result<Bytes, BodyReadError> {
        let mut collected = BytesMut::new();
        while let Some(data) = self.data().await {
            let data = data?;
            if collected.len() + data.len() > limit {
                return Err(BodyReadError::TooLarge);
            }
            collected.extend_from_slice(&data);
        }
        Ok(collected.freeze())
    }

    /// Polls for the next piece of the body.
    pub fn poll_data(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, BodyReadError>>> {
        let Some(shared) = &self.shared else {
            return Poll::Ready(None);
        };
        let mut guard = lock(shared);
        let side = &mut *guard;
        let Some(body) = side.body.as_mut().filter(|body| body.id == self.id) else {
            drop(guard);
            self.shared = None;
            return Poll::Ready(Some(Err(BodyReadError::Stale)));
        };
        match body.expect {
            ContinueState::Pending | ContinueState::Requested => {
                if body.expect == ContinueState::Pending {
                    body.expect = ContinueState::Requested;
                    if let Some(waker) = body.conn_waker.take() {
                        waker.wake();
                    }
                }
                body.body_waker = Some(cx.waker().clone());
                return Poll::Pending;
            }
            _ => {}
        }
        let outcome = loop {
            let decoded = match body.decoder.decode(&mut side.buf) {
                Ok(None) if side.eof => body.decoder.decode_eof(&mut side.buf).map(Some),
                other => other,
            };
            match decoded {
                Ok(Some(BodyEvent::Data(data))) => return Poll::Ready(Some(Ok(data))),
                Ok(Some(BodyEvent::Trailers(trailers))) => self.trailers = Some(trailers),
                Ok(Some(BodyEvent::End)) => break None,
                Ok(None) => {
                    let filled = super::read_side::poll_fill(&mut side.reader, &mut side.buf, cx);
                    if filled.is_ready() {
                        body.read_timer.progressed();
                    }
                    match filled {
                        Poll::Pending if body.read_timer.poll_stalled(cx).is_pending() => {
                            return Poll::Pending;
                        }
                        Poll::Pending => {
                            body.timed_out = true;
                            break Some(BodyReadError::TimedOut);
                        }
                        Poll::Ready(Ok(0)) => side.eof = true,
                        Poll::Ready(Ok(_)) => {}
                        Poll::Ready(Err(error)) => {
                            body.io_failed = true;
                            break Some(BodyReadError::Io(error));
                        }
                    }
                }
                Err(error) => {
                    body.error = Some(error);
                    break Some(BodyReadError::Protocol(error));
                }
            }
        };
        drop(guard);
        self.shared = None;
        Poll::Ready(outcome.map(Err))
    }
}

impl futures_core::Stream for RequestBody {
    type Item = Result<Bytes, BodyReadError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_data(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, None)
    }
}
