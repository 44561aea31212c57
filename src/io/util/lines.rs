//! `Lines`: the lines of an `AsyncBufRead`.

use std::future::poll_fn;
use std::io;
use std::mem;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use pin_project_lite::pin_project;

use super::read_until::read_until_internal;
use crate::io::AsyncBufRead;

pin_project! {
    /// The lines of a reader; created by
    /// [`AsyncBufReadExt::lines`](super::AsyncBufReadExt::lines).
    ///
    /// Like tokio's, it is not a `Stream`: call [`next_line`](Lines::next_line),
    /// or [`poll_next_line`](Lines::poll_next_line) from a poll function.
    #[derive(Debug)]
    #[must_use = "streams do nothing unless polled"]
    pub struct Lines<R> {
        #[pin]
        reader: R,
        // The line being read; kept across polls, so a `Pending` (or a dropped
        // `next_line` future) loses nothing.
        buf: Vec<u8>,
    }
}

pub(crate) fn lines<R: AsyncBufRead>(reader: R) -> Lines<R> {
    Lines {
        reader,
        buf: Vec::new(),
    }
}

impl<R: AsyncBufRead + Unpin> Lines<R> {
    /// The next line, without its `\n` or `\r\n`; `None` at end of file.
    ///
    /// A line that is not UTF-8 is an `InvalidData` error (and is skipped).
    /// Cancel-safe: a partly read line stays in `self` for the next call.
    pub async fn next_line(&mut self) -> io::Result<Option<String>> {
        poll_fn(|cx| Pin::new(&mut *self).poll_next_line(cx)).await
    }

    /// The underlying reader.
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.reader
    }

    /// The underlying reader.
    ///
    /// (tokio takes `&mut self` here; `&self` accepts every call that compiles
    /// against tokio.)
    pub fn get_ref(&self) -> &R {
        &self.reader
    }

    /// The underlying reader; a partly read line is lost.
    pub fn into_inner(self) -> R {
        self.reader
    }
}

impl<R: AsyncBufRead> Lines<R> {
    /// Polls for the next line; as [`next_line`](Lines::next_line).
    pub fn poll_next_line(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<Option<String>>> {
        let me = self.project();
        let mut read = 0;
        let n = ready!(read_until_internal(me.reader, cx, b'\n', me.buf, &mut read))?;
        if n == 0 && me.buf.is_empty() {
            return Poll::Ready(Ok(None));
        }
        let mut line = mem::take(me.buf);
        if line.last() == Some(&b'\n') {
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
        }
        Poll::Ready(
            String::from_utf8(line)
                .map(Some)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e)),
        )
    }
}
