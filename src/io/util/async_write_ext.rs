//! `AsyncWriteExt`.

use std::future::{Future, poll_fn};
use std::io;
use std::pin::Pin;

use super::write::{Write, write};
use super::write_all::{WriteAll, write_all};
use crate::io::AsyncWrite;

/// Convenience methods for every [`AsyncWrite`], as tokio's trait of the same name.
///
/// ```
/// use avx::io::AsyncWriteExt;
/// # avx::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let mut out = Vec::new();
/// out.write_all(b"hello").await.unwrap();
/// out.flush().await.unwrap();
/// assert_eq!(out, b"hello");
/// # });
/// ```
pub trait AsyncWriteExt: AsyncWrite {
    /// Writes some prefix of `buf`, returning how many bytes.
    ///
    /// Cancel-safe: if the future is dropped before completing, nothing was
    /// written.
    fn write<'a>(&'a mut self, buf: &'a [u8]) -> Write<'a, Self>
    where
        Self: Unpin,
    {
        write(self, buf)
    }

    /// Writes all of `buf`; `WriteZero` if the sink stops taking bytes.
    ///
    /// Not cancel-safe: how much was written before a cancellation is unknown.
    fn write_all<'a>(&'a mut self, buf: &'a [u8]) -> WriteAll<'a, Self>
    where
        Self: Unpin,
    {
        write_all(self, buf)
    }

    /// Flushes buffered bytes to the destination.
    fn flush(&mut self) -> impl Future<Output = io::Result<()>> + '_
    where
        Self: Unpin,
    {
        poll_fn(move |cx| Pin::new(&mut *self).poll_flush(cx))
    }

    /// Flushes, then closes the writing side (a TCP stream sends FIN).
    fn shutdown(&mut self) -> impl Future<Output = io::Result<()>> + '_
    where
        Self: Unpin,
    {
        poll_fn(move |cx| Pin::new(&mut *self).poll_shutdown(cx))
    }
}

impl<W: AsyncWrite + ?Sized> AsyncWriteExt for W {}
