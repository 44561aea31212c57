//! `copy_buf`: `copy` for a reader with its own buffer.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use super::budget;
use crate::io::{AsyncBufRead, AsyncWrite};

/// Copies all of `reader` into `writer` through `reader`'s own buffer, then
/// flushes `writer`; returns the number of bytes copied.
///
/// While `reader` is not ready, `writer` is flushed, so bytes written so far are
/// not held back.
///
/// # Errors
///
/// The first error of `reader` or `writer` other than `Interrupted` (which is
/// retried) ends the copy; `WriteZero` if `writer` stops taking bytes.
///
/// ```
/// # avx::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let mut reader: &[u8] = b"hello";
/// let mut writer: Vec<u8> = Vec::new();
/// assert_eq!(avx::io::copy_buf(&mut reader, &mut writer).await.unwrap(), 5);
/// assert_eq!(writer, b"hello");
/// # });
/// ```
pub async fn copy_buf<'a, R, W>(reader: &'a mut R, writer: &'a mut W) -> io::Result<u64>
where
    R: AsyncBufRead + Unpin + ?Sized,
    W: AsyncWrite + Unpin + ?Sized,
{
    CopyBuf {
        reader,
        writer,
        amt: 0,
        need_flush: false,
    }
    .await
}

/// The future `copy_buf` awaits.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
struct CopyBuf<'a, R: ?Sized, W: ?Sized> {
    reader: &'a mut R,
    writer: &'a mut W,
    amt: u64,
    need_flush: bool,
}

impl<R, W> Future for CopyBuf<'_, R, W>
where
    R: AsyncBufRead + Unpin + ?Sized,
    W: AsyncWrite + Unpin + ?Sized,
{
    type Output = io::Result<u64>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        let coop = ready!(budget::poll_proceed(cx));
        let me = &mut *self;
        loop {
            let available = match Pin::new(&mut *me.reader).poll_fill_buf(cx) {
                Poll::Ready(Ok(available)) => {
                    coop.made_progress();
                    available
                }
                Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::Interrupted => continue,
                Poll::Ready(Err(e)) => {
                    coop.made_progress();
                    return Poll::Ready(Err(e));
                }
                Poll::Pending => {
                    if me.need_flush {
                        ready!(Pin::new(&mut *me.writer).poll_flush(cx))?;
                        me.need_flush = false;
                    }
                    return Poll::Pending;
                }
            };
            if available.is_empty() {
                ready!(Pin::new(&mut *me.writer).poll_flush(cx))?;
                return Poll::Ready(Ok(me.amt));
            }
            let n = match ready!(Pin::new(&mut *me.writer).poll_write(cx, available)) {
                Ok(0) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Ok(n) => n.min(available.len()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Poll::Ready(Err(e)),
            };
            me.amt += n as u64;
            me.need_flush = true;
            Pin::new(&mut *me.reader).consume(n);
        }
    }
}
