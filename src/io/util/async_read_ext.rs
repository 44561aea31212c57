//! `AsyncReadExt`.

use bytes::BufMut;

use super::chain::{Chain, chain};
use super::read::{Read, read};
use super::read_buf::{ReadBuf, read_buf};
use super::read_exact::{ReadExact, read_exact};
use super::read_int::{
    ReadF32, ReadF32Le, ReadF64, ReadF64Le, ReadI8, ReadI16, ReadI16Le, ReadI32, ReadI32Le,
    ReadI64, ReadI64Le, ReadI128, ReadI128Le, ReadU8, ReadU16, ReadU16Le, ReadU32, ReadU32Le,
    ReadU64, ReadU64Le, ReadU128, ReadU128Le,
};
use super::read_to_end::{ReadToEnd, read_to_end};
use super::read_to_string::{ReadToString, read_to_string};
use super::take::{Take, take};
use crate::io::AsyncRead;

/// One `read_<int>` method per line: name, future, first doc line.
macro_rules! int_read_methods {
    ($($method:ident -> $future:ident, $doc:literal;)*) => {$(
        #[doc = $doc]
        ///
        /// Errors as [`read_exact`](Self::read_exact): `UnexpectedEof` if the
        /// source ends first. Bytes already read when the future is dropped are
        /// lost, so only the one-byte reads are cancel-safe.
        fn $method(&mut self) -> $future<&mut Self>
        where
            Self: Unpin,
        {
            $future::new(self)
        }
    )*};
}

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
    /// A reader that yields all of `self`, then all of `next`.
    fn chain<R>(self, next: R) -> Chain<Self, R>
    where
        Self: Sized,
        R: AsyncRead,
    {
        chain(self, next)
    }

    /// Reads some bytes into `buf`, returning how many: 0 at end of file, or if
    /// `buf` is empty.
    ///
    /// Cancel-safe: if the future is dropped before completing, no data was read.
    fn read<'a>(&'a mut self, buf: &'a mut [u8]) -> Read<'a, Self>
    where
        Self: Unpin,
    {
        read(self, buf)
    }

    /// Reads some bytes into `buf`'s spare capacity and advances it; returns how
    /// many (0 at end of file, or if `buf` has no room left).
    ///
    /// The spare capacity is lent without being zeroed first. Cancel-safe: if
    /// the future is dropped before completing, no data was read.
    fn read_buf<'a, B>(&'a mut self, buf: &'a mut B) -> ReadBuf<'a, Self, B>
    where
        Self: Unpin,
        B: BufMut + ?Sized,
    {
        read_buf(self, buf)
    }

    /// Reads exactly `buf.len()` bytes and returns that count.
    ///
    /// `UnexpectedEof` if the source ends first; `Interrupted` errors are
    /// retried; after any error, how much of `buf` was written is unspecified.
    /// Not cancel-safe: bytes read before a cancellation are lost.
    fn read_exact<'a>(&'a mut self, buf: &'a mut [u8]) -> ReadExact<'a, Self>
    where
        Self: Unpin,
    {
        read_exact(self, buf)
    }

    int_read_methods! {
        read_u8 -> ReadU8, "Reads a `u8`.";
        read_i8 -> ReadI8, "Reads an `i8`.";
        read_u16 -> ReadU16, "Reads a `u16`, big-endian.";
        read_i16 -> ReadI16, "Reads an `i16`, big-endian.";
        read_u32 -> ReadU32, "Reads a `u32`, big-endian.";
        read_i32 -> ReadI32, "Reads an `i32`, big-endian.";
        read_u64 -> ReadU64, "Reads a `u64`, big-endian.";
        read_i64 -> ReadI64, "Reads an `i64`, big-endian.";
        read_u128 -> ReadU128, "Reads a `u128`, big-endian.";
        read_i128 -> ReadI128, "Reads an `i128`, big-endian.";
        read_f32 -> ReadF32, "Reads an `f32`, big-endian.";
        read_f64 -> ReadF64, "Reads an `f64`, big-endian.";
        read_u16_le -> ReadU16Le, "Reads a `u16`, little-endian.";
        read_i16_le -> ReadI16Le, "Reads an `i16`, little-endian.";
        read_u32_le -> ReadU32Le, "Reads a `u32`, little-endian.";
        read_i32_le -> ReadI32Le, "Reads an `i32`, little-endian.";
        read_u64_le -> ReadU64Le, "Reads a `u64`, little-endian.";
        read_i64_le -> ReadI64Le, "Reads an `i64`, little-endian.";
        read_u128_le -> ReadU128Le, "Reads a `u128`, little-endian.";
        read_i128_le -> ReadI128Le, "Reads an `i128`, little-endian.";
        read_f32_le -> ReadF32Le, "Reads an `f32`, little-endian.";
        read_f64_le -> ReadF64Le, "Reads an `f64`, little-endian.";
    }

    /// Reads until end of file, appending to `buf`; returns the count appended.
    ///
    /// `Interrupted` errors are retried. After another error, the bytes read so
    /// far stay in `buf`. Not cancel-safe: bytes read before a cancellation stay
    /// in `buf`, but the count is lost.
    fn read_to_end<'a>(&'a mut self, buf: &'a mut Vec<u8>) -> ReadToEnd<'a, Self>
    where
        Self: Unpin,
    {
        read_to_end(self, buf)
    }

    /// Reads until end of file, appending to `dst`; returns the count appended.
    ///
    /// If the bytes read are not UTF-8 the error is `InvalidData` and `dst` is
    /// left as it was; after an I/O error, too. Not cancel-safe: if the future is
    /// dropped before completing, the bytes read are lost and `dst` keeps its
    /// original contents.
    fn read_to_string<'a>(&'a mut self, dst: &'a mut String) -> ReadToString<'a, Self>
    where
        Self: Unpin,
    {
        read_to_string(self, dst)
    }

    /// A reader that yields at most `limit` bytes of `self`, then end of file.
    fn take(self, limit: u64) -> Take<Self>
    where
        Self: Sized,
    {
        take(self, limit)
    }
}

impl<R: AsyncRead + ?Sized> AsyncReadExt for R {}
