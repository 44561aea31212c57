//! `SyncIo`: an async transport seen through `std::io::{Read, Write}` for one poll.
//!
//! rustls moves TLS records with `read_tls(&mut dyn Read)` and
//! `write_tls(&mut dyn Write)`. `SyncIo` lends it the transport for the length of
//! one poll: a transport that is not ready answers `Pending`, which `SyncIo` hands
//! rustls as `ErrorKind::WouldBlock`; the caller turns that back into `Pending`.
//! The transport's poll has registered the task's waker by then, so returning
//! `Pending` is sound. No other `WouldBlock` reaches rustls: avx's I/O traits
//! never return it as an error.

use std::io::{self, IoSlice, Read, Write};
use std::pin::Pin;
use std::task::{Context, Poll};

use avx::io::{AsyncRead, AsyncWrite, ReadBuf};

/// The transport and the task's context, as a blocking-style reader and writer.
pub(crate) struct SyncIo<'a, 'cx, IO> {
    pub(crate) io: &'a mut IO,
    pub(crate) cx: &'a mut Context<'cx>,
}

/// `Pending` as rustls understands it.
fn would_block<T>(poll: Poll<io::Result<T>>) -> io::Result<T> {
    match poll {
        Poll::Ready(result) => result,
        Poll::Pending => Err(io::ErrorKind::WouldBlock.into()),
    }
}

impl<IO: AsyncRead + Unpin> Read for SyncIo<'_, '_, IO> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut read_buf = ReadBuf::new(buf);
        would_block(Pin::new(&mut *self.io).poll_read(self.cx, &mut read_buf))?;
        Ok(read_buf.filled().len())
    }
}

impl<IO: AsyncWrite + Unpin> Write for SyncIo<'_, '_, IO> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        would_block(Pin::new(&mut *self.io).poll_write(self.cx, buf))
    }

    // rustls hands over its queued records as one vectored write.
    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        would_block(Pin::new(&mut *self.io).poll_write_vectored(self.cx, bufs))
    }

    fn flush(&mut self) -> io::Result<()> {
        would_block(Pin::new(&mut *self.io).poll_flush(self.cx))
    }
}
