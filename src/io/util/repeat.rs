//! `repeat`: a reader that yields one byte forever.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use super::budget::poll_proceed_and_make_progress;
use crate::io::{AsyncRead, ReadBuf};

/// Yields the same byte forever, filling every read; created by [`repeat`].
///
/// Every read is ready at once and spends the task's cooperative budget, so a
/// loop over it still yields to other tasks.
#[derive(Debug)]
pub struct Repeat {
    byte: u8,
}

/// A reader that yields `byte` forever.
///
/// ```
/// use avx::io::AsyncReadExt;
/// # avx::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let mut buf = [0u8; 3];
/// avx::io::repeat(b'z').read_exact(&mut buf).await.unwrap();
/// assert_eq!(&buf, b"zzz");
/// # });
/// ```
pub fn repeat(byte: u8) -> Repeat {
    Repeat { byte }
}

impl AsyncRead for Repeat {
    #[inline]
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        ready!(poll_proceed_and_make_progress(cx));
        // Copied from a stack block, so the buffer is not zeroed first.
        let block = [self.byte; 256];
        while buf.remaining() > 0 {
            let n = buf.remaining().min(block.len());
            buf.put_slice(&block[..n]);
        }
        Poll::Ready(Ok(()))
    }
}
