//! `Take`: a reader limited to a number of bytes.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use pin_project_lite::pin_project;

use super::DEFAULT_BUF_SIZE;
use crate::io::{AsyncBufRead, AsyncRead, ReadBuf};

pin_project! {
    /// Yields at most `limit` bytes of a reader, then end of file; created by
    /// [`AsyncReadExt::take`](super::AsyncReadExt::take).
    #[derive(Debug)]
    #[must_use = "streams do nothing unless you `.await` or poll them"]
    pub struct Take<R> {
        #[pin]
        inner: R,
        // Bytes still allowed; every read and `consume` lowers it.
        limit: u64,
        // How much of an uninitialised buffer a limited read may zero and lend
        // (see `poll_read`); doubles each time a read fills it.
        window: usize,
    }
}

pub(super) fn take<R: AsyncRead>(inner: R, limit: u64) -> Take<R> {
    Take {
        inner,
        limit,
        window: DEFAULT_BUF_SIZE,
    }
}

impl<R: AsyncRead> Take<R> {
    /// The bytes still allowed before end of file.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Sets the bytes still allowed, as if this `Take` were new.
    pub fn set_limit(&mut self, limit: u64) {
        self.limit = limit;
    }

    /// The underlying reader.
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    /// The underlying reader; reading from it directly bypasses the limit.
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// The underlying reader, pinned; reading from it bypasses the limit.
    pub fn get_pin_mut(self: Pin<&mut Self>) -> Pin<&mut R> {
        self.project().inner
    }

    /// The underlying reader.
    pub fn into_inner(self) -> R {
        self.inner
    }
}

impl<R: AsyncRead> AsyncRead for Take<R> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let me = self.project();
        if *me.limit == 0 {
            return Poll::Ready(Ok(()));
        }
        let allowed = usize::try_from(*me.limit).unwrap_or(usize::MAX);
        let n = if allowed >= buf.remaining() {
            // The limit does not bind: the inner reader gets `buf` itself.
            let before = buf.filled().len();
            ready!(me.inner.poll_read(cx, buf))?;
            buf.filled().len() - before
        } else {
            // Lend at most `allowed` bytes. Without `unsafe` the parent buffer
            // cannot learn which bytes a sub-buffer initialised, so the lent
            // stretch is initialised (zeroed) first. To keep that zeroing in
            // proportion to the bytes read, an uninitialised stretch is lent
            // only up to `window`, which grows while reads fill it.
            let initialised = buf.initialized().len() - buf.filled().len();
            let lend = allowed.min((*me.window).max(initialised));
            let dst = buf.initialize_unfilled_to(lend);
            let mut limited = ReadBuf::new(dst);
            ready!(me.inner.poll_read(cx, &mut limited))?;
            let n = limited.filled().len();
            buf.advance(n);
            if n == lend {
                *me.window = me.window.saturating_mul(2);
            }
            n
        };
        *me.limit -= n as u64;
        Poll::Ready(Ok(()))
    }
}

impl<R: AsyncBufRead> AsyncBufRead for Take<R> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let me = self.project();
        if *me.limit == 0 {
            return Poll::Ready(Ok(&[]));
        }
        let available = ready!(me.inner.poll_fill_buf(cx))?;
        let len =
            usize::try_from(*me.limit).map_or(available.len(), |limit| limit.min(available.len()));
        Poll::Ready(Ok(&available[..len]))
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        let me = self.project();
        let amt = usize::try_from(*me.limit).map_or(amt, |limit| limit.min(amt));
        *me.limit -= amt as u64;
        me.inner.consume(amt);
    }
}
