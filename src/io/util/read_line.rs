//! The future of `AsyncBufReadExt::read_line`, and the UTF-8 bookkeeping it
//! shares with `read_to_string`.
//!
//! Both take the caller's `String` apart into its bytes for the duration of the
//! read (no copy, no allocation), append to them, and rebuild the `String` at
//! the end. If the new bytes are not UTF-8, or the future is dropped before it
//! completes, the `String` is rebuilt from its original bytes alone: the caller
//! never sees a half-read or invalid string.

use std::future::Future;
use std::io;
use std::marker::PhantomPinned;
use std::mem;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use pin_project_lite::pin_project;

use super::read_until::read_until_internal;
use crate::io::AsyncBufRead;

/// The caller's `String`, taken apart into bytes while a read appends to it.
#[derive(Debug)]
pub(super) struct StringBytes<'a> {
    output: &'a mut String,
    // The original contents followed by what was read so far. Empty with no
    // capacity once handed back (then there is nothing to restore).
    bytes: Vec<u8>,
    original_len: usize,
}

impl<'a> StringBytes<'a> {
    pub(super) fn new(output: &'a mut String) -> StringBytes<'a> {
        let bytes = mem::take(output).into_bytes();
        StringBytes {
            original_len: bytes.len(),
            output,
            bytes,
        }
    }

    pub(super) fn bytes_mut(&mut self) -> &mut Vec<u8> {
        &mut self.bytes
    }

    /// Rebuilds the caller's `String`: with the new bytes if they are UTF-8 and
    /// `io` succeeded (or `keep_on_error` and they are UTF-8), else with the
    /// original contents alone.
    pub(super) fn finish(
        &mut self,
        io: io::Result<usize>,
        keep_on_error: bool,
    ) -> io::Result<usize> {
        let bytes = mem::take(&mut self.bytes);
        match (io, String::from_utf8(bytes)) {
            (Ok(n), Ok(string)) => {
                *self.output = string;
                Ok(n)
            }
            (Err(e), Ok(string)) if keep_on_error => {
                *self.output = string;
                Err(e)
            }
            (Err(e), Ok(string)) => {
                self.restore(string.into_bytes());
                Err(e)
            }
            (Ok(_), Err(invalid)) => {
                let error = invalid.utf8_error();
                self.restore(invalid.into_bytes());
                Err(io::Error::new(io::ErrorKind::InvalidData, error))
            }
            (Err(e), Err(invalid)) => {
                self.restore(invalid.into_bytes());
                Err(e)
            }
        }
    }

    fn restore(&mut self, mut bytes: Vec<u8>) {
        bytes.truncate(self.original_len);
        // The first `original_len` bytes came from a `String`, so this always
        // succeeds; the fallback only keeps a drop path free of panics.
        *self.output = String::from_utf8(bytes).unwrap_or_default();
    }
}

impl Drop for StringBytes<'_> {
    fn drop(&mut self) {
        // Dropped mid-read: give the caller back the original contents.
        if self.bytes.capacity() != 0 {
            let bytes = mem::take(&mut self.bytes);
            self.restore(bytes);
        }
    }
}

pin_project! {
    /// Reads a line into a `String`; see
    /// [`AsyncBufReadExt::read_line`](super::AsyncBufReadExt::read_line).
    #[derive(Debug)]
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct ReadLine<'a, R: ?Sized> {
        reader: &'a mut R,
        output: StringBytes<'a>,
        read: usize,
        #[pin]
        _pin: PhantomPinned,
    }
}

pub(crate) fn read_line<'a, R>(reader: &'a mut R, output: &'a mut String) -> ReadLine<'a, R>
where
    R: AsyncBufRead + Unpin + ?Sized,
{
    ReadLine {
        reader,
        output: StringBytes::new(output),
        read: 0,
        _pin: PhantomPinned,
    }
}

impl<R: AsyncBufRead + Unpin + ?Sized> Future for ReadLine<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let me = self.project();
        let io = ready!(read_until_internal(
            Pin::new(&mut **me.reader),
            cx,
            b'\n',
            me.output.bytes_mut(),
            me.read,
        ));
        // As std's `read_line`: after an I/O error the bytes read so far stay
        // in the string if they are UTF-8.
        Poll::Ready(me.output.finish(io, true))
    }
}
