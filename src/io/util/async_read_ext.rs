//! `AsyncReadExt`.

use super::read::{Read, read};
use super::read_exact::{ReadExact, read_exact};
use super::read_to_end::{ReadToEnd, read_to_end};
use crate::io::AsyncRead;

/// Convenience methods for every [`AsyncRead`], as tokio's trait of the same name.
///
/// ```
/// use avx::io::AsyncReadExt;
/// # avx::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let mut input: &[u8] = b"hello world";
/// let mut word = [0u8; 5];
/// input.read_exact(&mut word).await.unwrap();
/// assert_eq!(&word, b"hello");
/// let mut rest = Vec::new();
/// input.read_to_end(&mut rest).await.unwrap();
/// assert_eq!(rest, b" world");
/// # });
/// ```
pub trait AsyncReadExt: AsyncRead {
    /// Reads some bytes into `buf`, returning how many (0 at end of file, or if
    /// `buf` is empty).
    ///
    /// Cancel-safe: if the future is dropped before completing, no data was read.
    fn read<'a>(&'a mut self, buf: &'a mut [u8]) -> Read<'a, Self>
    where
        Self: Unpin,
    {
        read(self, buf)
    }

    /// Reads exactly `buf.len()` bytes; `UnexpectedEof` if the source ends first.
    ///
    /// Not cancel-safe: bytes read before a cancellation are lost.
    fn read_exact<'a>(&'a mut self, buf: &'a mut [u8]) -> ReadExact<'a, Self>
    where
        Self: Unpin,
    {
        read_exact(self, buf)
    }

    /// Reads until end of file, appending to `buf`; returns the count appended.
    fn read_to_end<'a>(&'a mut self, buf: &'a mut Vec<u8>) -> ReadToEnd<'a, Self>
    where
        Self: Unpin,
    {
        read_to_end(self, buf)
    }
}

impl<R: AsyncRead + ?Sized> AsyncReadExt for R {}
