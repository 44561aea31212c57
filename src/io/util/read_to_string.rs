//! The future of `AsyncReadExt::read_to_string`.

use std::future::Future;
use std::io;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use pin_project_lite::pin_project;

use super::read_line::StringBytes;
use super::read_to_end::poll_read_to_end;
use crate::io::AsyncRead;

pin_project! {
    /// Reads until end of file into a `String`; see
    /// [`AsyncReadExt::read_to_string`](super::AsyncReadExt::read_to_string).
    #[derive(Debug)]
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct ReadToString<'a, R: ?Sized> {
        reader: &'a mut R,
        output: StringBytes<'a>,
        read: usize,
        #[pin]
        _pin: PhantomPinned,
    }
}

pub(crate) fn read_to_string<'a, R>(
    reader: &'a mut R,
    output: &'a mut String,
) -> ReadToString<'a, R>
where
    R: AsyncRead + Unpin + ?Sized,
{
    ReadToString {
        reader,
        output: StringBytes::new(output),
        read: 0,
        _pin: PhantomPinned,
    }
}

impl<R: AsyncRead + Unpin + ?Sized> Future for ReadToString<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let me = self.project();
        let io = ready!(poll_read_to_end(
            me.output.bytes_mut(),
            me.read,
            Pin::new(&mut **me.reader),
            cx,
        ));
        // Any error leaves the string as it was.
        Poll::Ready(me.output.finish(io, false))
    }
}
