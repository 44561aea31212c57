//! `AsyncBufReadExt`.

use std::pin::Pin;

use super::fill_buf::{FillBuf, fill_buf};
use super::lines::{Lines, lines};
use super::read_line::{ReadLine, read_line};
use super::read_until::{ReadUntil, read_until};
use super::split::{Split, split};
use crate::io::AsyncBufRead;

/// Convenience methods for every [`AsyncBufRead`], as tokio's trait of the same
/// name.
///
/// ```
/// use avx::io::AsyncBufReadExt;
/// # avx::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let mut input: &[u8] = b"first\nsecond\n";
/// let mut line = String::new();
/// input.read_line(&mut line).await.unwrap();
/// assert_eq!(line, "first\n");
/// let mut lines = input.lines();
/// assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("second"));
/// assert_eq!(lines.next_line().await.unwrap(), None);
/// # });
/// ```
pub trait AsyncBufReadExt: AsyncBufRead {
    /// Appends bytes to `buf` up to and including `byte`, or to end of file;
    /// returns how many (0 at end of file).
    ///
    /// `Interrupted` errors are retried; after another error, the bytes read so
    /// far are in `buf`. If the future is dropped before completing, the bytes
    /// read so far are in `buf` too, and calling again continues (its count
    /// starts from 0).
    fn read_until<'a>(&'a mut self, byte: u8, buf: &'a mut Vec<u8>) -> ReadUntil<'a, Self>
    where
        Self: Unpin,
    {
        read_until(self, byte, buf)
    }

    /// Appends a line to `buf`, up to and including its `\n`, or to end of file;
    /// returns how many bytes (0 at end of file).
    ///
    /// If the bytes read are not UTF-8 the error is `InvalidData` and `buf` is
    /// left as it was. After an I/O error, `buf` holds the bytes read so far if
    /// they are UTF-8, else its original contents. Not cancel-safe: if the
    /// future is dropped before completing, the bytes read are lost (`buf`
    /// keeps its original contents).
    fn read_line<'a>(&'a mut self, buf: &'a mut String) -> ReadLine<'a, Self>
    where
        Self: Unpin,
    {
        read_line(self, buf)
    }

    /// The segments of `self` between occurrences of `byte`, without it.
    fn split(self, byte: u8) -> Split<Self>
    where
        Self: Sized + Unpin,
    {
        split(self, byte)
    }

    /// Returns the buffered bytes, reading more first if there are none; an
    /// empty slice means end of file. Mark what was used with
    /// [`consume`](Self::consume).
    ///
    /// Cancel-safe: if the future is dropped before completing, no data was
    /// read.
    fn fill_buf(&mut self) -> FillBuf<'_, Self>
    where
        Self: Unpin,
    {
        fill_buf(self)
    }

    /// Marks `amt` buffered bytes as used, so `fill_buf` no longer returns them.
    fn consume(&mut self, amt: usize)
    where
        Self: Unpin,
    {
        Pin::new(self).consume(amt);
    }

    /// The lines of `self`, without their `\n` or `\r\n`.
    fn lines(self) -> Lines<Self>
    where
        Self: Sized,
    {
        lines(self)
    }
}

impl<R: AsyncBufRead + ?Sized> AsyncBufReadExt for R {}
