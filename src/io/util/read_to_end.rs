//! The future of `AsyncReadExt::read_to_end`.

use std::future::Future;
use std::io;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use crate::io::AsyncRead;

/// Bytes reserved per read when the vector is full.
const GROW_BY: usize = 32;

pin_project! {
    /// Reads until end of file; see
    /// [`AsyncReadExt::read_to_end`](super::AsyncReadExt::read_to_end).
    #[derive(Debug)]
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct ReadToEnd<'a, R: ?Sized> {
        reader: &'a mut R,
        buf: &'a mut Vec<u8>,
        // Bytes appended so far: what the future returns.
        read: usize,
        #[pin]
        _pin: PhantomPinned,
    }
}

pub(crate) fn read_to_end<'a, R: AsyncRead + Unpin + ?Sized>(
    reader: &'a mut R,
    buf: &'a mut Vec<u8>,
) -> ReadToEnd<'a, R> {
    ReadToEnd {
        reader,
        buf,
        read: 0,
        _pin: PhantomPinned,
    }
}

/// Reads into `buf`'s spare capacity until end of file, growing it as needed.
/// Bytes read before an error or `Pending` stay in `buf`; `read` counts them.
pub(crate) fn poll_read_to_end<R: AsyncRead + ?Sized>(
    buf: &mut Vec<u8>,
    read: &mut usize,
    mut reader: Pin<&mut R>,
    cx: &mut Context<'_>,
) -> Poll<io::Result<usize>> {
    loop {
        if buf.capacity() - buf.len() < GROW_BY {
            buf.reserve(GROW_BY.max(buf.len()));
        }
        // The spare capacity is lent uninitialised: no zeroing per read.
        let (result, n) =
            avx_native::io::read_into_buf_mut(buf, |spare| reader.as_mut().poll_read(cx, spare));
        *read += n;
        match result {
            Poll::Ready(Ok(())) if n == 0 => return Poll::Ready(Ok(std::mem::take(read))),
            Poll::Ready(Ok(())) => {}
            Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
            Poll::Pending => return Poll::Pending,
        }
    }
}

impl<R: AsyncRead + Unpin + ?Sized> Future for ReadToEnd<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let me = self.project();
        poll_read_to_end(me.buf, me.read, Pin::new(&mut **me.reader), cx)
    }
}
