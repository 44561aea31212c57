//! The future of `AsyncBufReadExt::fill_buf`.
//!
//! The future returns a slice that borrows the reader for the future's whole
//! lifetime `'a`, yet must keep the reader when the poll is `Pending`. Safe Rust
//! cannot lend a borrow out conditionally (tokio transmutes the lifetime), so
//! the reader is polled twice: once through a short reborrow, and, when that
//! found bytes, once more with the `'a` borrow. The second poll returns the
//! bytes the first one buffered without doing I/O, as `AsyncBufRead` requires of
//! a reader whose buffer is not empty.

use std::future::Future;
use std::io;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use pin_project_lite::pin_project;

use crate::io::AsyncBufRead;

pin_project! {
    /// Returns the reader's buffered bytes, filling its buffer first if empty;
    /// see [`AsyncBufReadExt::fill_buf`](super::AsyncBufReadExt::fill_buf).
    #[derive(Debug)]
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct FillBuf<'a, R: ?Sized> {
        reader: Option<&'a mut R>,
        #[pin]
        _pin: PhantomPinned,
    }
}

pub(crate) fn fill_buf<R>(reader: &mut R) -> FillBuf<'_, R>
where
    R: AsyncBufRead + Unpin + ?Sized,
{
    FillBuf {
        reader: Some(reader),
        _pin: PhantomPinned,
    }
}

impl<'a, R: AsyncBufRead + Unpin + ?Sized> Future for FillBuf<'a, R> {
    type Output = io::Result<&'a [u8]>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&'a [u8]>> {
        let me = self.project();
        let reader = me.reader.as_mut().expect("Polled after completion.");
        if ready!(Pin::new(&mut **reader).poll_fill_buf(cx))?.is_empty() {
            *me.reader = None;
            return Poll::Ready(Ok(&[]));
        }
        let reader = me.reader.take().expect("checked above");
        match Pin::new(reader).poll_fill_buf(cx) {
            Poll::Ready(result) => Poll::Ready(result),
            // The reader broke `AsyncBufRead`'s contract, and the borrow has
            // been spent: report it rather than hang.
            Poll::Pending => Poll::Ready(Err(io::Error::other(
                "poll_fill_buf returned Pending while holding buffered bytes",
            ))),
        }
    }
}
