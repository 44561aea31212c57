//! The future of `AsyncReadExt::read_buf`.

use std::future::Future;
use std::io;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::BufMut;
use pin_project_lite::pin_project;

use crate::io::AsyncRead;

pin_project! {
    /// Reads some bytes into a [`BufMut`]; see
    /// [`AsyncReadExt::read_buf`](super::AsyncReadExt::read_buf).
    #[derive(Debug)]
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct ReadBuf<'a, R: ?Sized, B: ?Sized> {
        reader: &'a mut R,
        buf: &'a mut B,
        #[pin]
        _pin: PhantomPinned,
    }
}

pub(crate) fn read_buf<'a, R, B>(reader: &'a mut R, buf: &'a mut B) -> ReadBuf<'a, R, B>
where
    R: AsyncRead + Unpin + ?Sized,
    B: BufMut + ?Sized,
{
    ReadBuf {
        reader,
        buf,
        _pin: PhantomPinned,
    }
}

impl<R, B> Future for ReadBuf<'_, R, B>
where
    R: AsyncRead + Unpin + ?Sized,
    B: BufMut + ?Sized,
{
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let me = self.project();
        if !me.buf.has_remaining_mut() {
            return Poll::Ready(Ok(0));
        }
        // The next chunk of spare capacity is lent to the read without zeroing,
        // and the buffer advanced past what the read filled.
        let reader = &mut **me.reader;
        let (result, n) = avx_native::io::read_into_buf_mut(&mut **me.buf, |dst| {
            Pin::new(reader).poll_read(cx, dst)
        });
        ready!(result)?;
        Poll::Ready(Ok(n))
    }
}
