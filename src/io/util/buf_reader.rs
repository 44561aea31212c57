//! `BufReader`: a read buffer in front of an `AsyncRead`.
//!
//! INVARIANT: `pos <= cap <= buf.len()`; `buf[pos..cap]` are the bytes read from
//! `inner` and not yet handed out. A read at least as large as the buffer, with
//! the buffer empty, bypasses it.

use std::io::{self, IoSlice, SeekFrom};
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::{fmt, mem};

use pin_project_lite::pin_project;

use super::DEFAULT_BUF_SIZE;
use crate::io::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite, ReadBuf};

pin_project! {
    /// Adds a read buffer to a reader: few, large reads of the inner reader
    /// serve many small reads of this one.
    ///
    /// It helps small, repeated reads of a socket or file; it does not help
    /// large reads, or a reader that is already in memory. Dropping a
    /// `BufReader` drops its buffered bytes, so two `BufReader`s on one stream
    /// can lose data.
    pub struct BufReader<R> {
        #[pin]
        pub(super) inner: R,
        pub(super) buf: Box<[u8]>,
        pub(super) pos: usize,
        pub(super) cap: usize,
        pub(super) seek_state: SeekState,
    }
}

impl<R: AsyncRead> BufReader<R> {
    /// A `BufReader` with the default capacity (8 KiB, which may change).
    pub fn new(inner: R) -> BufReader<R> {
        BufReader::with_capacity(DEFAULT_BUF_SIZE, inner)
    }

    /// A `BufReader` with a buffer of `capacity` bytes.
    ///
    /// # Panics
    ///
    /// If `capacity` is zero.
    #[track_caller]
    pub fn with_capacity(capacity: usize, inner: R) -> BufReader<R> {
        assert!(capacity > 0, "capacity must be greater than zero");
        BufReader {
            inner,
            buf: vec![0; capacity].into_boxed_slice(),
            pos: 0,
            cap: 0,
            seek_state: SeekState::Init,
        }
    }

    /// The underlying reader. Reading from it directly skips the buffer.
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    /// The underlying reader. Reading from it directly skips the buffer.
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// The underlying reader, pinned. Reading from it directly skips the buffer.
    pub fn get_pin_mut(self: Pin<&mut Self>) -> Pin<&mut R> {
        self.project().inner
    }

    /// The underlying reader; buffered bytes are lost.
    pub fn into_inner(self) -> R {
        self.inner
    }

    /// The buffered bytes; unlike `fill_buf`, never reads.
    pub fn buffer(&self) -> &[u8] {
        &self.buf[self.pos..self.cap]
    }

    fn discard_buffer(self: Pin<&mut Self>) {
        let me = self.project();
        *me.pos = 0;
        *me.cap = 0;
    }
}

impl<R: AsyncRead> AsyncRead for BufReader<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.pos == self.cap && buf.remaining() >= self.buf.len() {
            // Buffering would only add a copy.
            let result = ready!(self.as_mut().get_pin_mut().poll_read(cx, buf));
            self.discard_buffer();
            return Poll::Ready(result);
        }
        let available = ready!(self.as_mut().poll_fill_buf(cx))?;
        let n = available.len().min(buf.remaining());
        buf.put_slice(&available[..n]);
        self.consume(n);
        Poll::Ready(Ok(()))
    }
}

impl<R: AsyncRead> AsyncBufRead for BufReader<R> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let me = self.project();
        if *me.pos >= *me.cap {
            let mut dst = ReadBuf::new(me.buf);
            ready!(me.inner.poll_read(cx, &mut dst))?;
            *me.cap = dst.filled().len();
            *me.pos = 0;
        }
        Poll::Ready(Ok(&me.buf[*me.pos..*me.cap]))
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        let me = self.project();
        *me.pos = (*me.pos + amt).min(*me.cap);
    }
}

/// Where a seek through the buffer stands between `start_seek` and the end of
/// `poll_complete`.
#[derive(Debug, Clone, Copy)]
pub(super) enum SeekState {
    /// No seek started.
    Init,
    /// `start_seek` was called; `poll_complete` has not run yet.
    Start(SeekFrom),
    /// A relative seek whose offset minus the buffered bytes overflowed: the
    /// first of its two inner seeks (back over the buffer) is in flight.
    PendingOverflowed(i64),
    /// The inner seek is in flight.
    Pending,
}

/// Seeks the underlying reader, as tokio's `BufReader`: `SeekFrom::Current(n)`
/// is relative to the position the reader would have without the buffer, and
/// every seek discards the buffer (even one landing inside it), so
/// `into_inner` right after a seek returns the reader at the sought position.
///
/// If `n` minus the buffered length overflows an `i64`, the seek is done as two
/// inner seeks; if the second fails, the reader is left where `Current(0)`
/// would have put it.
impl<R: AsyncRead + AsyncSeek> AsyncSeek for BufReader<R> {
    fn start_seek(self: Pin<&mut Self>, position: SeekFrom) -> io::Result<()> {
        *self.project().seek_state = SeekState::Start(position);
        Ok(())
    }

    fn poll_complete(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        let state = mem::replace(self.as_mut().project().seek_state, SeekState::Init);
        let result = match state {
            SeekState::Init => return self.get_pin_mut().poll_complete(cx),
            SeekState::Start(SeekFrom::Current(n)) => {
                // The inner reader is `buffered` bytes ahead of this one.
                let buffered = (self.cap - self.pos) as i64;
                match n.checked_sub(buffered) {
                    Some(offset) => {
                        self.as_mut()
                            .get_pin_mut()
                            .start_seek(SeekFrom::Current(offset))?;
                    }
                    None => {
                        self.as_mut()
                            .get_pin_mut()
                            .start_seek(SeekFrom::Current(-buffered))?;
                        if self.as_mut().get_pin_mut().poll_complete(cx)?.is_pending() {
                            *self.as_mut().project().seek_state = SeekState::PendingOverflowed(n);
                            return Poll::Pending;
                        }
                        self.as_mut().discard_buffer();
                        self.as_mut()
                            .get_pin_mut()
                            .start_seek(SeekFrom::Current(n))?;
                    }
                }
                self.as_mut().get_pin_mut().poll_complete(cx)?
            }
            SeekState::PendingOverflowed(n) => {
                if self.as_mut().get_pin_mut().poll_complete(cx)?.is_pending() {
                    *self.as_mut().project().seek_state = SeekState::PendingOverflowed(n);
                    return Poll::Pending;
                }
                self.as_mut().discard_buffer();
                self.as_mut()
                    .get_pin_mut()
                    .start_seek(SeekFrom::Current(n))?;
                self.as_mut().get_pin_mut().poll_complete(cx)?
            }
            SeekState::Start(position) => {
                self.as_mut().get_pin_mut().start_seek(position)?;
                self.as_mut().get_pin_mut().poll_complete(cx)?
            }
            SeekState::Pending => self.as_mut().get_pin_mut().poll_complete(cx)?,
        };
        match result {
            Poll::Ready(position) => {
                self.discard_buffer();
                Poll::Ready(Ok(position))
            }
            Poll::Pending => {
                *self.as_mut().project().seek_state = SeekState::Pending;
                Poll::Pending
            }
        }
    }
}

/// Writes go straight to the underlying stream.
impl<R: AsyncRead + AsyncWrite> AsyncWrite for BufReader<R> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.get_pin_mut().poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.get_pin_mut().poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_pin_mut().poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_pin_mut().poll_shutdown(cx)
    }
}

impl<R: fmt::Debug> fmt::Debug for BufReader<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BufReader")
            .field("reader", &self.inner)
            .field(
                "buffer",
                &format_args!("{}/{}", self.cap - self.pos, self.buf.len()),
            )
            .finish()
    }
}
