//! The read side of a connection, shared by the connection task and the body of the
//! request in flight.
//!
//! The connection task reads heads from it; the handler reads the request body from
//! it through [`RequestBody`](super::RequestBody), possibly from another task. Both
//! lock it only inside `poll` functions, never across an `.await`, so a plain mutex
//! serves and is never contended in practice.
//!
//! `100 Continue` is a handshake through [`ContinueState`]:
//!
//! ```text
//! Pending ──body polled──▶ Requested ──conn task wrote 100──▶ Sent
//!    └──────────── conn task wrote the final head ───────────▶ Skipped
//! ```
//!
//! The body, polled in `Pending`, moves to `Requested` and wakes the connection task,
//! which writes the interim response (nothing else writes while the handler runs)
//! and wakes the body. Once the final head is written, the 100 would be out of order,
//! so the state becomes `Skipped` and the body reads on.
//!
//! INVARIANT: `body` belongs to the request numbered `body.id`; a `RequestBody` with
//! another number belongs to an earlier request and reads nothing.
//!
//! Memory: reads go into the buffer's spare capacity without zeroing it. A connection
//! waiting for its next request with nothing buffered holds no buffer at all
//! ([`ReadSide::poll_fill_idle`] drops it); the next read lands on the stack and only
//! the bytes that came are copied into a new buffer, sized to them.

use std::future::Future;
use std::io;
use std::mem::MaybeUninit;
use std::pin::{Pin, pin};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use avx::io::{AsyncRead, AsyncReadExt, ReadBuf};
use bytes::BytesMut;

use super::stall::StallTimer;
use crate::http1::{BodyDecoder, BodyError, BodyEvent};

/// The connection's reading half, whatever the transport.
pub(crate) type BoxRead = Box<dyn AsyncRead + Send + Unpin>;

/// The most bytes one read asks the transport for.
const READ_SIZE: usize = 16 * 1024;

/// The least capacity a buffer is allocated with after the connection held none: a
/// typical request head fits, and an allocation this small is cheap to make and free.
const FIRST_ALLOC: usize = 1024;

/// Where the `100 Continue` handshake stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ContinueState {
    /// The client did not ask for one.
    NotExpected,
    /// The client asked; the handler has not read the body yet.
    Pending,
    /// The handler began reading; the connection task is to write the 100.
    Requested,
    /// The 100 was written.
    Sent,
    /// The final response head went out first: no 100 will be.
    Skipped,
}

/// The body of the request in flight.
#[derive(Debug)]
pub(crate) struct BodyState {
    pub(crate) id: u64,
    pub(crate) decoder: BodyDecoder,
    pub(crate) expect: ContinueState,
    /// The connection task, while it waits for the handler and a 100 request.
    pub(crate) conn_waker: Option<Waker>,
    /// The body's reader, while it waits for the 100 to be written.
    pub(crate) body_waker: Option<Waker>,
    /// A fault in the body the peer sent: the server answers it, not the handler.
    pub(crate) error: Option<BodyError>,
    /// Reading from the transport failed.
    pub(crate) io_failed: bool,
    /// Runs while a read of the body waits for the client: the config's
    /// `body_read_timeout`.
    pub(crate) read_timer: StallTimer,
    /// The client sent nothing for the `read_timer`'s limit: the server answers 408.
    pub(crate) timed_out: bool,
}

impl BodyState {
    /// Ends the 100 handshake from the connection task's side: `Sent` after it wrote
    /// the 100, `Skipped` when the final head goes first. Wakes a waiting body.
    pub(crate) fn settle_continue(&mut self, state: ContinueState) {
        if matches!(
            self.expect,
            ContinueState::Pending | ContinueState::Requested
        ) {
            self.expect = state;
            if let Some(waker) = self.body_waker.take() {
                waker.wake();
            }
        }
    }
}

/// The reading half, its buffer, and the body being read.
pub(crate) struct ReadSide {
    /// `None` once an upgrade took it.
    pub(crate) reader: Option<BoxRead>,
    /// Bytes read and not yet parsed: the rest of a head, body bytes, pipelined
    /// requests.
    pub(crate) buf: BytesMut,
    /// The transport reported end of stream.
    pub(crate) eof: bool,
    pub(crate) body: Option<BodyState>,
}

impl std::fmt::Debug for ReadSide {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadSide")
            .field("buffered", &self.buf.len())
            .field("eof", &self.eof)
            .field("body", &self.body)
            .finish()
    }
}

/// The read side behind its lock.
pub(crate) type Shared = Arc<Mutex<ReadSide>>;

pub(crate) fn new_shared(reader: BoxRead) -> Shared {
    Arc::new(Mutex::new(ReadSide {
        reader: Some(reader),
        // Allocated when the first bytes arrive.
        buf: BytesMut::new(),
        eof: false,
        body: None,
    }))
}

/// Locks the read side. A panic while it was held (a bug) leaves nothing half-done
/// that matters here: every update is a single assignment.
pub(crate) fn lock(shared: &Shared) -> MutexGuard<'_, ReadSide> {
    shared
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Reads more bytes onto the end of `buf`: `Ok(0)` at end of stream.
///
/// With no buffer allocated, the read lands on the stack and what came is copied into
/// a buffer allocated for it, so that waiting for bytes costs no buffer memory.
pub(crate) fn poll_fill(
    reader: &mut Option<BoxRead>,
    buf: &mut BytesMut,
    cx: &mut Context<'_>,
) -> Poll<io::Result<usize>> {
    let Some(reader) = reader.as_mut() else {
        return Poll::Ready(Ok(0));
    };
    if buf.capacity() == 0 {
        let mut landing = [MaybeUninit::<u8>::uninit(); READ_SIZE];
        let mut read_buf = ReadBuf::uninit(&mut landing);
        return match Pin::new(reader).poll_read(cx, &mut read_buf) {
            Poll::Ready(Ok(())) => {
                let filled = read_buf.filled();
                if !filled.is_empty() {
                    buf.reserve(filled.len().max(FIRST_ALLOC));
                    buf.extend_from_slice(filled);
                }
                Poll::Ready(Ok(filled.len()))
            }
            other => other.map_ok(|()| 0),
        };
    }
    if buf.capacity() - buf.len() < READ_SIZE / 4 {
        buf.reserve(READ_SIZE);
    }
    // Reads into the spare capacity as it is, without zeroing it; the future keeps no
    // state between polls, so one made afresh on each poll is the same read.
    pin!(reader.read_buf(buf)).poll(cx)
}

impl ReadSide {
    /// Reads more bytes into the buffer; notes the end of stream.
    pub(crate) fn poll_fill(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let result = poll_fill(&mut self.reader, &mut self.buf, cx);
        if let Poll::Ready(Ok(0)) = result {
            self.eof = true;
        }
        result
    }

    /// [`poll_fill`](Self::poll_fill) for a connection between requests: while it
    /// waits with nothing buffered, it gives its buffer back.
    pub(crate) fn poll_fill_idle(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let result = self.poll_fill(cx);
        if result.is_pending() && self.buf.is_empty() {
            self.buf = BytesMut::new();
        }
        result
    }

    /// Reads and drops the rest of the current body. `Ready(true)` at its end;
    /// `Ready(false)` once `*drained` passes `max`, at a fault, or at end of stream.
    pub(crate) fn poll_drain(
        &mut self,
        cx: &mut Context<'_>,
        drained: &mut u64,
        max: u64,
    ) -> Poll<bool> {
        let Some(body) = self.body.as_mut() else {
            return Poll::Ready(false);
        };
        loop {
            match body.decoder.decode(&mut self.buf) {
                Ok(Some(BodyEvent::Data(data))) => {
                    *drained += data.len() as u64;
                    if *drained > max {
                        return Poll::Ready(false);
                    }
                }
                Ok(Some(BodyEvent::Trailers(_))) => {}
                Ok(Some(BodyEvent::End)) => return Poll::Ready(true),
                Ok(None) if self.eof => return Poll::Ready(false),
                Ok(None) => match poll_fill(&mut self.reader, &mut self.buf, cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Ok(0)) => self.eof = true,
                    Poll::Ready(Ok(_)) => {}
                    Poll::Ready(Err(_)) => return Poll::Ready(false),
                },
                Err(_) => return Poll::Ready(false),
            }
        }
    }

    /// Reads and drops whatever the peer sends, until end of stream, an error, or
    /// `*dropped` passing `max`.
    pub(crate) fn poll_discard(
        &mut self,
        cx: &mut Context<'_>,
        dropped: &mut usize,
        max: usize,
    ) -> Poll<()> {
        loop {
            self.buf.clear();
            match self.poll_fill(cx) {
                Poll::Ready(Ok(n)) if n > 0 && *dropped < max => *dropped += n,
                Poll::Ready(_) => return Poll::Ready(()),
                Poll::Pending => return Poll::Pending,
            }
        }
    }

    /// The body of request `id`, if it is still the one in flight.
    pub(crate) fn body_of(&mut self, id: u64) -> Option<&mut BodyState> {
        self.body.as_mut().filter(|body| body.id == id)
    }
}

#[cfg(test)]
mod tests {
    use std::future::poll_fn;

    use avx::io::AsyncWriteExt;

    use super::*;

    /// Polls `side` once: the poll's result, pending or not.
    async fn poll_once<T>(
        side: &mut ReadSide,
        poll: impl Fn(&mut ReadSide, &mut Context<'_>) -> Poll<T>,
    ) -> Poll<T> {
        poll_fn(|cx| Poll::Ready(poll(side, cx))).await
    }

    fn side_over(reader: BoxRead) -> ReadSide {
        let shared = new_shared(reader);
        Arc::try_unwrap(shared).unwrap().into_inner().unwrap()
    }

    #[avx::test]
    async fn an_idle_connection_holds_no_read_buffer() {
        let (mut client, server) = avx::io::duplex(4096);
        let mut side = side_over(Box::new(server));
        assert_eq!(
            side.buf.capacity(),
            0,
            "a new connection allocates on its first bytes"
        );

        let request = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n";
        client.write_all(request).await.unwrap();
        let read = poll_once(&mut side, ReadSide::poll_fill_idle).await;
        assert!(matches!(read, Poll::Ready(Ok(n)) if n == request.len()));
        assert_eq!(&side.buf[..], request);
        assert!(side.buf.capacity() >= FIRST_ALLOC);

        // The request is parsed (taken from the buffer) and answered; the next read
        // finds nothing to read.
        let head = side.buf.split();
        drop(head);
        let read = poll_once(&mut side, ReadSide::poll_fill_idle).await;
        assert!(read.is_pending());
        assert_eq!(
            side.buf.capacity(),
            0,
            "an idle connection gave its buffer back"
        );

        // The next request is read whole, into a buffer allocated for it.
        client.write_all(request).await.unwrap();
        let read = poll_once(&mut side, ReadSide::poll_fill_idle).await;
        assert!(matches!(read, Poll::Ready(Ok(n)) if n == request.len()));
        assert_eq!(&side.buf[..], request);
    }

    #[avx::test]
    async fn bytes_still_buffered_keep_the_buffer() {
        let (mut client, server) = avx::io::duplex(4096);
        let mut side = side_over(Box::new(server));
        client.write_all(b"GET / HT").await.unwrap();
        let read = poll_once(&mut side, ReadSide::poll_fill_idle).await;
        assert!(matches!(read, Poll::Ready(Ok(8))));
        let read = poll_once(&mut side, ReadSide::poll_fill_idle).await;
        assert!(read.is_pending());
        assert_eq!(&side.buf[..], b"GET / HT", "a partial head stays");
    }

    #[avx::test]
    async fn reads_append_to_what_is_buffered_and_see_the_end() {
        let (mut client, server) = avx::io::duplex(64 * 1024);
        let mut side = side_over(Box::new(server));
        let body: Vec<u8> = (0..40_000u32).map(|i| i as u8).collect();
        client.write_all(&body).await.unwrap();
        drop(client);
        let mut total = 0;
        loop {
            match poll_once(&mut side, ReadSide::poll_fill).await {
                Poll::Ready(Ok(0)) => break,
                Poll::Ready(Ok(n)) => total += n,
                other => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(total, body.len());
        assert_eq!(&side.buf[..], &body[..]);
        assert!(side.eof);
    }
}
