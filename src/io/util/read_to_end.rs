//! The future of `AsyncReadExt::read_to_end`, and the loop `read_to_string`
//! shares with it.

use std::future::Future;
use std::io;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use crate::io::{AsyncRead, ReadBuf};

/// The size of the probe read into a full vector (see `poll_read_to_end`).
const PROBE: usize = 32;

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

/// Reads into `buf` until end of file, growing it as needed; returns the count
/// appended over all polls and resets `read` for the next call.
///
/// Bytes read before an error or `Pending` stay in `buf`, and `read` counts them.
/// `Interrupted` errors are retried.
pub(crate) fn poll_read_to_end<R: AsyncRead + ?Sized>(
    buf: &mut Vec<u8>,
    read: &mut usize,
    mut reader: Pin<&mut R>,
    cx: &mut Context<'_>,
) -> Poll<io::Result<usize>> {
    loop {
        let (result, n) = if buf.len() == buf.capacity() {
            // A full vector (often one sized exactly for the data) is probed
            // with a small stack read first, so reaching end of file does not
            // grow its allocation; bytes found grow it (amortised doubling).
            let mut probe = [0u8; PROBE];
            let mut probe_buf = ReadBuf::new(&mut probe);
            let result = reader.as_mut().poll_read(cx, &mut probe_buf);
            buf.extend_from_slice(probe_buf.filled());
            (result, probe_buf.filled().len())
        } else {
            // The spare capacity is lent uninitialised: no zeroing per read.
            avx_native::io::read_into_buf_mut(buf, |spare| reader.as_mut().poll_read(cx, spare))
        };
        *read += n;
        match result {
            Poll::Ready(Ok(())) if n == 0 => return Poll::Ready(Ok(std::mem::take(read))),
            Poll::Ready(Ok(())) => {}
            Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::Interrupted => {}
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
