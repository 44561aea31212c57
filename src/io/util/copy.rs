//! `copy`, and the `CopyBuffer` that `copy_bidirectional` shares with it.
//!
//! ```text
//! buf: [ written | to write (pos..cap) | free (cap..) ]
//! ```
//!
//! The loop fills the buffer from the reader and drains it into the writer.
//! While the writer is not ready it keeps reading into the free space, so a
//! slow writer does not stall the reader; while the reader is not ready it
//! flushes the writer, so bytes written so far are not held back waiting for
//! more. At end of file it flushes once more and returns the byte count.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use super::budget;
use crate::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A copy's buffer and its progress; survives `Pending`.
#[derive(Debug)]
pub(super) struct CopyBuffer {
    read_done: bool,
    need_flush: bool,
    pos: usize,
    cap: usize,
    amt: u64,
    buf: Box<[u8]>,
}

impl CopyBuffer {
    pub(super) fn new(size: usize) -> CopyBuffer {
        CopyBuffer {
            read_done: false,
            need_flush: false,
            pos: 0,
            cap: 0,
            amt: 0,
            buf: vec![0; size].into_boxed_slice(),
        }
    }

    /// Reads into the free space after `cap`; notes end of file.
    fn poll_fill_buf<R: AsyncRead + ?Sized>(
        &mut self,
        cx: &mut Context<'_>,
        mut reader: Pin<&mut R>,
    ) -> Poll<io::Result<()>> {
        let mut dst = ReadBuf::new(&mut self.buf);
        dst.set_filled(self.cap);
        let result = loop {
            match reader.as_mut().poll_read(cx, &mut dst) {
                Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::Interrupted => {}
                result => break result,
            }
        };
        if let Poll::Ready(Ok(())) = result {
            let filled = dst.filled().len();
            self.read_done = filled == self.cap;
            self.cap = filled;
        }
        result
    }

    /// Writes `pos..cap`; while the writer is not ready, reads ahead into the
    /// free space.
    fn poll_write_buf<R, W>(
        &mut self,
        cx: &mut Context<'_>,
        mut reader: Pin<&mut R>,
        mut writer: Pin<&mut W>,
    ) -> Poll<io::Result<usize>>
    where
        R: AsyncRead + ?Sized,
        W: AsyncWrite + ?Sized,
    {
        loop {
            match writer
                .as_mut()
                .poll_write(cx, &self.buf[self.pos..self.cap])
            {
                Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::Interrupted => {}
                Poll::Pending => {
                    if !self.read_done && self.cap < self.buf.len() {
                        ready!(self.poll_fill_buf(cx, reader.as_mut()))?;
                    }
                    return Poll::Pending;
                }
                result => return result,
            }
        }
    }

    /// Copies until the reader's end of file; returns the total written.
    pub(super) fn poll_copy<R, W>(
        &mut self,
        cx: &mut Context<'_>,
        mut reader: Pin<&mut R>,
        mut writer: Pin<&mut W>,
    ) -> Poll<io::Result<u64>>
    where
        R: AsyncRead + ?Sized,
        W: AsyncWrite + ?Sized,
    {
        // One budget unit per poll; spent only if the poll made progress.
        let coop = ready!(budget::poll_proceed(cx));
        loop {
            if self.cap < self.buf.len() && !self.read_done {
                match self.poll_fill_buf(cx, reader.as_mut()) {
                    Poll::Ready(Ok(())) => coop.made_progress(),
                    Poll::Ready(Err(e)) => {
                        coop.made_progress();
                        return Poll::Ready(Err(e));
                    }
                    Poll::Pending => {
                        // Nothing to write until the reader is ready: push out
                        // what was written so far.
                        if self.pos == self.cap {
                            if self.need_flush {
                                ready!(writer.as_mut().poll_flush(cx))?;
                                coop.made_progress();
                                self.need_flush = false;
                            }
                            return Poll::Pending;
                        }
                    }
                }
            }

            while self.pos < self.cap {
                let n = ready!(self.poll_write_buf(cx, reader.as_mut(), writer.as_mut()))?;
                coop.made_progress();
                if n == 0 {
                    return Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::WriteZero,
                        "write zero byte into writer",
                    )));
                }
                // A writer claiming more than it was given is held to what it got.
                let n = n.min(self.cap - self.pos);
                self.pos += n;
                self.amt += n as u64;
                self.need_flush = true;
            }

            self.pos = 0;
            self.cap = 0;

            if self.read_done {
                ready!(writer.as_mut().poll_flush(cx))?;
                coop.made_progress();
                return Poll::Ready(Ok(self.amt));
            }
        }
    }
}

/// Copies all of `reader` into `writer`, then flushes it; returns the number of
/// bytes copied.
///
/// The bytes pass through an 8 KiB buffer. While `writer` is not ready, more is
/// read into the buffer's free space; while `reader` is not ready, `writer` is
/// flushed. For an [`AsyncBufRead`](crate::io::AsyncBufRead) reader,
/// [`copy_buf`](super::copy_buf) avoids the extra buffer.
///
/// # Errors
///
/// The first error of `reader` or `writer` other than `Interrupted` (which is
/// retried) ends the copy; `WriteZero` if `writer` stops taking bytes. How many
/// bytes were copied before the error is not reported.
///
/// ```
/// # avx::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let mut reader: &[u8] = b"hello";
/// let mut writer: Vec<u8> = Vec::new();
/// assert_eq!(avx::io::copy(&mut reader, &mut writer).await.unwrap(), 5);
/// assert_eq!(writer, b"hello");
/// # });
/// ```
pub async fn copy<'a, R, W>(reader: &'a mut R, writer: &'a mut W) -> io::Result<u64>
where
    R: AsyncRead + Unpin + ?Sized,
    W: AsyncWrite + Unpin + ?Sized,
{
    Copy {
        reader,
        writer,
        buf: CopyBuffer::new(super::DEFAULT_BUF_SIZE),
    }
    .await
}

/// The future `copy` awaits.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
struct Copy<'a, R: ?Sized, W: ?Sized> {
    reader: &'a mut R,
    writer: &'a mut W,
    buf: CopyBuffer,
}

impl<R, W> Future for Copy<'_, R, W>
where
    R: AsyncRead + Unpin + ?Sized,
    W: AsyncWrite + Unpin + ?Sized,
{
    type Output = io::Result<u64>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        let me = &mut *self;
        me.buf
            .poll_copy(cx, Pin::new(&mut *me.reader), Pin::new(&mut *me.writer))
    }
}
