//! `AsyncWriteExt`.

use std::io::IoSlice;

use bytes::Buf;

use super::flush::{Flush, Shutdown, flush, shutdown};
use super::write::{Write, write};
use super::write_all::{WriteAll, write_all};
use super::write_buf::{WriteAllBuf, WriteBuf, write_all_buf, write_buf};
use super::write_int::{
    WriteF32, WriteF32Le, WriteF64, WriteF64Le, WriteI8, WriteI16, WriteI16Le, WriteI32,
    WriteI32Le, WriteI64, WriteI64Le, WriteI128, WriteI128Le, WriteU8, WriteU16, WriteU16Le,
    WriteU32, WriteU32Le, WriteU64, WriteU64Le, WriteU128, WriteU128Le,
};
use super::write_vectored::{WriteVectored, write_vectored};
use crate::io::AsyncWrite;

/// One `write_<int>` method per line: name, value type, future, first doc line.
macro_rules! int_write_methods {
    ($($method:ident($ty:ty) -> $future:ident, $doc:literal;)*) => {$(
        #[doc = $doc]
        ///
        /// Errors as [`write_all`](Self::write_all): `WriteZero` if the writer
        /// stops taking bytes. Not cancel-safe: a dropped future may have written
        /// a prefix of the value's bytes.
        fn $method(&mut self, n: $ty) -> $future<&mut Self>
        where
            Self: Unpin,
        {
            $future::new(self, n)
        }
    )*};
}

/// Convenience methods for every [`AsyncWrite`], as tokio's trait of the same name.
///
/// ```
/// use avx::io::AsyncWriteExt;
/// # avx::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let mut out = Vec::new();
/// out.write_all(b"hello").await.unwrap();
/// out.write_u16(0x0102).await.unwrap();
/// out.flush().await.unwrap();
/// assert_eq!(out, b"hello\x01\x02");
/// # });
/// ```
pub trait AsyncWriteExt: AsyncWrite {
    /// Writes some prefix of `src`, returning how many bytes (0 if `src` is
    /// empty or the writer takes no more).
    ///
    /// Cancel-safe: if the future is dropped before completing, nothing was
    /// written.
    fn write<'a>(&'a mut self, src: &'a [u8]) -> Write<'a, Self>
    where
        Self: Unpin,
    {
        write(self, src)
    }

    /// Writes some bytes from `bufs`, in order, returning how many.
    ///
    /// Cancel-safe: if the future is dropped before completing, nothing was
    /// written.
    fn write_vectored<'a, 'b>(&'a mut self, bufs: &'a [IoSlice<'b>]) -> WriteVectored<'a, 'b, Self>
    where
        Self: Unpin,
    {
        write_vectored(self, bufs)
    }

    /// Writes some bytes from `src` and advances it by that many; returns the
    /// count (0 if `src` is empty). Uses a vectored write when the writer
    /// prefers one.
    ///
    /// Cancel-safe: if the future is dropped before completing, nothing was
    /// written and `src` is unchanged.
    fn write_buf<'a, B>(&'a mut self, src: &'a mut B) -> WriteBuf<'a, Self, B>
    where
        Self: Sized + Unpin,
        B: Buf,
    {
        write_buf(self, src)
    }

    /// Writes all of `src`, advancing it as bytes are written.
    ///
    /// `WriteZero` if the writer stops taking bytes; `Interrupted` errors are
    /// retried. If the future is dropped before completing, `src` has been
    /// advanced by exactly what was written, so calling again continues.
    fn write_all_buf<'a, B>(&'a mut self, src: &'a mut B) -> WriteAllBuf<'a, Self, B>
    where
        Self: Sized + Unpin,
        B: Buf,
    {
        write_all_buf(self, src)
    }

    /// Writes all of `src`.
    ///
    /// `WriteZero` if the writer stops taking bytes; `Interrupted` errors are
    /// retried. Not cancel-safe: a dropped future may have written a prefix of
    /// `src`, and calling again starts over from its beginning.
    fn write_all<'a>(&'a mut self, src: &'a [u8]) -> WriteAll<'a, Self>
    where
        Self: Unpin,
    {
        write_all(self, src)
    }

    int_write_methods! {
        write_u8(u8) -> WriteU8, "Writes a `u8`.";
        write_i8(i8) -> WriteI8, "Writes an `i8`.";
        write_u16(u16) -> WriteU16, "Writes a `u16`, big-endian.";
        write_i16(i16) -> WriteI16, "Writes an `i16`, big-endian.";
        write_u32(u32) -> WriteU32, "Writes a `u32`, big-endian.";
        write_i32(i32) -> WriteI32, "Writes an `i32`, big-endian.";
        write_u64(u64) -> WriteU64, "Writes a `u64`, big-endian.";
        write_i64(i64) -> WriteI64, "Writes an `i64`, big-endian.";
        write_u128(u128) -> WriteU128, "Writes a `u128`, big-endian.";
        write_i128(i128) -> WriteI128, "Writes an `i128`, big-endian.";
        write_f32(f32) -> WriteF32, "Writes an `f32`, big-endian.";
        write_f64(f64) -> WriteF64, "Writes an `f64`, big-endian.";
        write_u16_le(u16) -> WriteU16Le, "Writes a `u16`, little-endian.";
        write_i16_le(i16) -> WriteI16Le, "Writes an `i16`, little-endian.";
        write_u32_le(u32) -> WriteU32Le, "Writes a `u32`, little-endian.";
        write_i32_le(i32) -> WriteI32Le, "Writes an `i32`, little-endian.";
        write_u64_le(u64) -> WriteU64Le, "Writes a `u64`, little-endian.";
        write_i64_le(i64) -> WriteI64Le, "Writes an `i64`, little-endian.";
        write_u128_le(u128) -> WriteU128Le, "Writes a `u128`, little-endian.";
        write_i128_le(i128) -> WriteI128Le, "Writes an `i128`, little-endian.";
        write_f32_le(f32) -> WriteF32Le, "Writes an `f32`, little-endian.";
        write_f64_le(f64) -> WriteF64Le, "Writes an `f64`, little-endian.";
    }

    /// Flushes buffered bytes to their destination.
    ///
    /// Cancel-safe: a dropped future may have flushed part of the buffered
    /// bytes, and the writer's buffer has been advanced by exactly that part.
    fn flush(&mut self) -> Flush<'_, Self>
    where
        Self: Unpin,
    {
        flush(self)
    }

    /// Flushes, then closes the writing side (a TCP stream sends FIN).
    fn shutdown(&mut self) -> Shutdown<'_, Self>
    where
        Self: Unpin,
    {
        shutdown(self)
    }
}

impl<W: AsyncWrite + ?Sized> AsyncWriteExt for W {}
