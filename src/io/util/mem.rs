//! In-memory pipes: `simplex` (one direction) and `duplex` (two).
//!
//! A `SimplexStream` is a bounded byte queue with a `closed` flag and a parked
//! waker for each end. Writes append up to `max_buf_size` buffered bytes and
//! wake the reader; reads drain and wake the writer. Once closed, reads drain
//! what is left and then return end of file, and writes fail with `BrokenPipe`.
//!
//! A `DuplexStream` holds two shared `SimplexStream`s, reading one and writing
//! the other; its peer holds the same two the other way round. Wakers are woken
//! only after the lock is released, since a woken task may run at once on
//! another thread and take the same lock.

use std::io::{self, IoSlice};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker, ready};

use bytes::{Buf, BytesMut};

use super::budget;
use super::halves::{ReadHalf, WriteHalf, split};
use crate::io::{AsyncRead, AsyncWrite, ReadBuf};

/// One end of a bidirectional in-memory pipe; see [`duplex`].
///
/// Dropping it closes both directions: the peer's reads return the bytes still
/// buffered and then end of file, and the peer's writes (including ones
/// waiting for room) fail with `BrokenPipe`.
#[derive(Debug)]
pub struct DuplexStream {
    read: Arc<Mutex<SimplexStream>>,
    write: Arc<Mutex<SimplexStream>>,
}

/// A unidirectional in-memory pipe: bytes written to it are read from it.
///
/// Created by [`simplex`] as a split pair, or whole by
/// [`SimplexStream::new_unsplit`]. `poll_shutdown` closes it: reads then drain
/// the buffered bytes and return end of file, and writes fail with
/// `BrokenPipe`.
#[derive(Debug)]
pub struct SimplexStream {
    buffer: BytesMut,
    // Set by `poll_shutdown` or when a `DuplexStream` end is dropped.
    is_closed: bool,
    max_buf_size: usize,
    // The task waiting for bytes, and the one waiting for room.
    read_waker: Option<Waker>,
    write_waker: Option<Waker>,
}

/// Two connected [`DuplexStream`]s: what one writes, the other reads, in both
/// directions, each direction buffering at most `max_buf_size` bytes (a write
/// to a full direction waits).
///
/// # Panics
///
/// If `max_buf_size` is zero.
///
/// ```
/// use avx::io::{AsyncReadExt, AsyncWriteExt};
/// # avx::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let (mut client, mut server) = avx::io::duplex(64);
/// client.write_all(b"ping").await.unwrap();
/// let mut buf = [0u8; 4];
/// server.read_exact(&mut buf).await.unwrap();
/// assert_eq!(&buf, b"ping");
/// # });
/// ```
#[track_caller]
pub fn duplex(max_buf_size: usize) -> (DuplexStream, DuplexStream) {
    let one = Arc::new(Mutex::new(SimplexStream::new_unsplit(max_buf_size)));
    let two = Arc::new(Mutex::new(SimplexStream::new_unsplit(max_buf_size)));
    (
        DuplexStream {
            read: Arc::clone(&one),
            write: Arc::clone(&two),
        },
        DuplexStream {
            read: two,
            write: one,
        },
    )
}

/// A [`SimplexStream`] split into its reading and writing halves, buffering at
/// most `max_buf_size` bytes (a write to a full pipe waits).
///
/// # Panics
///
/// If `max_buf_size` is zero.
///
/// ```
/// use avx::io::{AsyncReadExt, AsyncWriteExt};
/// # avx::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let (mut receiver, mut sender) = avx::io::simplex(64);
/// sender.write_all(b"ping").await.unwrap();
/// let mut buf = [0u8; 4];
/// receiver.read_exact(&mut buf).await.unwrap();
/// assert_eq!(&buf, b"ping");
/// # });
/// ```
#[track_caller]
pub fn simplex(max_buf_size: usize) -> (ReadHalf<SimplexStream>, WriteHalf<SimplexStream>) {
    split(SimplexStream::new_unsplit(max_buf_size))
}

fn lock(pipe: &Mutex<SimplexStream>) -> MutexGuard<'_, SimplexStream> {
    // Every update leaves the pipe consistent, so a panic elsewhere while it
    // was locked does not make it unusable.
    pipe.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Wakers taken out of a pipe under its lock, woken or dropped after it.
#[derive(Default)]
struct Wakers {
    /// The other end, which can now make progress.
    wake: Option<Waker>,
    /// This end's previous waker, replaced by a new one.
    replaced: Option<Waker>,
}

impl Wakers {
    fn wake(self) {
        if let Some(waker) = self.wake {
            waker.wake();
        }
        drop(self.replaced);
    }
}

/// Parks `cx`'s waker in `slot`, keeping the old one for `Wakers::replaced`
/// unless it would wake the same task.
fn park(slot: &mut Option<Waker>, cx: &Context<'_>) -> Option<Waker> {
    match slot {
        Some(waker) if waker.will_wake(cx.waker()) => None,
        _ => slot.replace(cx.waker().clone()),
    }
}

impl SimplexStream {
    /// A whole pipe that buffers at most `max_buf_size` bytes; see [`simplex`]
    /// for a split one.
    ///
    /// # Panics
    ///
    /// If `max_buf_size` is zero.
    #[track_caller]
    pub fn new_unsplit(max_buf_size: usize) -> SimplexStream {
        assert!(max_buf_size > 0, "`max_buf_size` must be greater than 0");
        SimplexStream {
            buffer: BytesMut::new(),
            is_closed: false,
            max_buf_size,
            read_waker: None,
            write_waker: None,
        }
    }

    /// Closes the pipe from the writing end; returns the reader to wake.
    fn close_write(&mut self) -> Option<Waker> {
        self.is_closed = true;
        self.read_waker.take()
    }

    /// Closes the pipe from the reading end; returns the writer to wake.
    fn close_read(&mut self) -> Option<Waker> {
        self.is_closed = true;
        self.write_waker.take()
    }

    fn poll_read_locked(
        &mut self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
        wakers: &mut Wakers,
    ) -> Poll<io::Result<()>> {
        if buf.remaining() == 0 {
            return Poll::Ready(Ok(()));
        }
        if self.buffer.has_remaining() {
            let n = self.buffer.len().min(buf.remaining());
            buf.put_slice(&self.buffer[..n]);
            self.buffer.advance(n);
            wakers.wake = self.write_waker.take();
            Poll::Ready(Ok(()))
        } else if self.is_closed {
            Poll::Ready(Ok(()))
        } else {
            wakers.replaced = park(&mut self.read_waker, cx);
            Poll::Pending
        }
    }

    /// Room for a write of `len` bytes: `Ok(room)` with `room > 0`, or why not.
    fn poll_room(
        &mut self,
        cx: &mut Context<'_>,
        len: usize,
        wakers: &mut Wakers,
    ) -> Poll<io::Result<usize>> {
        if self.is_closed {
            return Poll::Ready(Err(io::ErrorKind::BrokenPipe.into()));
        }
        if len == 0 {
            return Poll::Ready(Ok(0));
        }
        let room = self.max_buf_size - self.buffer.len();
        if room == 0 {
            wakers.replaced = park(&mut self.write_waker, cx);
            return Poll::Pending;
        }
        Poll::Ready(Ok(room))
    }

    fn poll_write_locked(
        &mut self,
        cx: &mut Context<'_>,
        buf: &[u8],
        wakers: &mut Wakers,
    ) -> Poll<io::Result<usize>> {
        let room = ready!(self.poll_room(cx, buf.len(), wakers))?;
        if room == 0 {
            return Poll::Ready(Ok(0));
        }
        let n = buf.len().min(room);
        self.buffer.extend_from_slice(&buf[..n]);
        wakers.wake = self.read_waker.take();
        Poll::Ready(Ok(n))
    }

    fn poll_write_vectored_locked(
        &mut self,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
        wakers: &mut Wakers,
    ) -> Poll<io::Result<usize>> {
        let len = bufs
            .iter()
            .fold(0usize, |sum, b| sum.saturating_add(b.len()));
        let room = ready!(self.poll_room(cx, len, wakers))?;
        if room == 0 {
            return Poll::Ready(Ok(0));
        }
        let mut left = room;
        for b in bufs {
            if left == 0 {
                break;
            }
            let n = b.len().min(left);
            self.buffer.extend_from_slice(&b[..n]);
            left -= n;
        }
        wakers.wake = self.read_waker.take();
        Poll::Ready(Ok(room - left))
    }
}

/// Runs one pipe operation under the cooperative budget, then wakes outside
/// the lock whatever it took out.
fn with_budget<T>(
    cx: &mut Context<'_>,
    pipe: &Mutex<SimplexStream>,
    op: impl FnOnce(&mut SimplexStream, &mut Context<'_>, &mut Wakers) -> Poll<io::Result<T>>,
) -> Poll<io::Result<T>> {
    let coop = ready!(budget::poll_proceed(cx));
    let mut wakers = Wakers::default();
    let result = op(&mut lock(pipe), cx, &mut wakers);
    wakers.wake();
    if result.is_ready() {
        coop.made_progress();
    }
    result
}

/// Like [`with_budget`], for a pipe owned in place.
fn with_budget_owned<T>(
    cx: &mut Context<'_>,
    pipe: &mut SimplexStream,
    op: impl FnOnce(&mut SimplexStream, &mut Context<'_>, &mut Wakers) -> Poll<io::Result<T>>,
) -> Poll<io::Result<T>> {
    let coop = ready!(budget::poll_proceed(cx));
    let mut wakers = Wakers::default();
    let result = op(pipe, cx, &mut wakers);
    wakers.wake();
    if result.is_ready() {
        coop.made_progress();
    }
    result
}

impl AsyncRead for SimplexStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        with_budget_owned(cx, self.get_mut(), |pipe, cx, wakers| {
            pipe.poll_read_locked(cx, buf, wakers)
        })
    }
}

impl AsyncWrite for SimplexStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        with_budget_owned(cx, self.get_mut(), |pipe, cx, wakers| {
            pipe.poll_write_locked(cx, buf, wakers)
        })
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        with_budget_owned(cx, self.get_mut(), |pipe, cx, wakers| {
            pipe.poll_write_vectored_locked(cx, bufs, wakers)
        })
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(waker) = self.get_mut().close_write() {
            waker.wake();
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncRead for DuplexStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        with_budget(cx, &self.read, |pipe, cx, wakers| {
            pipe.poll_read_locked(cx, buf, wakers)
        })
    }
}

impl AsyncWrite for DuplexStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        with_budget(cx, &self.write, |pipe, cx, wakers| {
            pipe.poll_write_locked(cx, buf, wakers)
        })
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        with_budget(cx, &self.write, |pipe, cx, wakers| {
            pipe.poll_write_vectored_locked(cx, bufs, wakers)
        })
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    /// Closes this end's writing direction: the peer reads the buffered bytes,
    /// then end of file. Reading from the peer still works.
    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let reader = lock(&self.write).close_write();
        if let Some(waker) = reader {
            waker.wake();
        }
        Poll::Ready(Ok(()))
    }
}

impl Drop for DuplexStream {
    fn drop(&mut self) {
        let reader = lock(&self.write).close_write();
        let writer = lock(&self.read).close_read();
        if let Some(waker) = reader {
            waker.wake();
        }
        if let Some(waker) = writer {
            waker.wake();
        }
    }
}
