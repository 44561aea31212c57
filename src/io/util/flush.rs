//! The futures of `AsyncWriteExt::flush` and `AsyncWriteExt::shutdown`.

use std::future::Future;
use std::io;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use crate::io::AsyncWrite;

pin_project! {
    /// Flushes a writer; see [`AsyncWriteExt::flush`](super::AsyncWriteExt::flush).
    #[derive(Debug)]
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Flush<'a, A: ?Sized> {
        writer: &'a mut A,
        #[pin]
        _pin: PhantomPinned,
    }
}

pub(crate) fn flush<A: AsyncWrite + Unpin + ?Sized>(writer: &mut A) -> Flush<'_, A> {
    Flush {
        writer,
        _pin: PhantomPinned,
    }
}

impl<A: AsyncWrite + Unpin + ?Sized> Future for Flush<'_, A> {
    type Output = io::Result<()>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut **self.project().writer).poll_flush(cx)
    }
}

pin_project! {
    /// Flushes and closes a writer; see
    /// [`AsyncWriteExt::shutdown`](super::AsyncWriteExt::shutdown).
    #[derive(Debug)]
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Shutdown<'a, A: ?Sized> {
        writer: &'a mut A,
        #[pin]
        _pin: PhantomPinned,
    }
}

pub(crate) fn shutdown<A: AsyncWrite + Unpin + ?Sized>(writer: &mut A) -> Shutdown<'_, A> {
    Shutdown {
        writer,
        _pin: PhantomPinned,
    }
}

impl<A: AsyncWrite + Unpin + ?Sized> Future for Shutdown<'_, A> {
    type Output = io::Result<()>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut **self.project().writer).poll_shutdown(cx)
    }
}
