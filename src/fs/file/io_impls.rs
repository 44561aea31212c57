//! `File`'s `AsyncRead`, `AsyncWrite` and `AsyncSeek`: thin calls into the
//! state machine in `state.rs`.

use std::io::{self, IoSlice, SeekFrom};
use std::pin::Pin;
use std::task::{Context, Poll};

use super::File;
use super::state::Source;
use crate::io::{AsyncRead, AsyncSeek, AsyncWrite, ReadBuf};

impl AsyncRead for File {
    /// Returns buffered read-ahead data if there is any; otherwise waits for the
    /// operation in flight (a write's error is kept for the next write or
    /// flush) and reads up to `min(dst.remaining(), max_buf_size)` bytes on the
    /// blocking pool.
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        dst: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let (inner, std, max_buf_size) = self.get_mut().parts()?;
        inner.poll_read(cx, std, max_buf_size, dst)
    }
}

impl AsyncWrite for File {
    /// Waits for the operation in flight (returning a write's error), then
    /// hands up to `max_buf_size` bytes of `src` to the blocking pool and
    /// returns how many at once.
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        src: &[u8],
    ) -> Poll<io::Result<usize>> {
        let (inner, std, max_buf_size) = self.get_mut().parts()?;
        inner.poll_write(cx, std, max_buf_size, Source::Slice(src))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let (inner, std, max_buf_size) = self.get_mut().parts()?;
        inner.poll_write(cx, std, max_buf_size, Source::Slices(bufs))
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    /// Waits for the write in flight and returns its error, or one an earlier
    /// read or seek came across.
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let (inner, _, _) = self.get_mut().parts()?;
        inner.poll_flush(cx)
    }

    /// The same as `poll_flush`: a file has no write side to close.
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}

impl AsyncSeek for File {
    /// Starts the seek on the blocking pool, accounting for read-ahead data the
    /// caller has not taken.
    ///
    /// # Errors
    ///
    /// If another operation is in flight: call `poll_complete` first.
    fn start_seek(self: Pin<&mut Self>, position: SeekFrom) -> io::Result<()> {
        let (inner, std, _) = self.get_mut().parts()?;
        inner.start_seek(std, position)
    }

    /// Waits for the seek and returns the new position; with no seek in flight,
    /// waits for any other operation and returns the last seek's position.
    fn poll_complete(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        let (inner, _, _) = self.get_mut().parts()?;
        inner.poll_complete(cx)
    }
}
