//! The futures of `AsyncReadExt::read_u8` ... `read_f64_le`: each reads the
//! value's bytes into an array it owns, then decodes them.
//!
//! Bytes read before a `Pending` stay in the future, so polling again resumes;
//! dropping it loses them (a one-byte read is all or nothing, hence cancel-safe).

use std::future::Future;
use std::io;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use pin_project_lite::pin_project;

use super::read_exact::early_eof;
use crate::io::{AsyncRead, ReadBuf};

/// Fills `buf[*filled..]` from `src`; `UnexpectedEof` if the source ends first.
fn poll_fill<R: AsyncRead + ?Sized>(
    mut src: Pin<&mut R>,
    cx: &mut Context<'_>,
    buf: &mut [u8],
    filled: &mut usize,
) -> Poll<io::Result<()>> {
    while *filled < buf.len() {
        let mut dst = ReadBuf::new(&mut buf[*filled..]);
        match ready!(src.as_mut().poll_read(cx, &mut dst)) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Poll::Ready(Err(e)),
        }
        let n = dst.filled().len();
        if n == 0 {
            return Poll::Ready(Err(early_eof()));
        }
        *filled += n;
    }
    Poll::Ready(Ok(()))
}

macro_rules! int_readers {
    ($($name:ident, $method:literal, $ty:ty, $decode:ident;)*) => {$(
        pin_project! {
            #[doc = concat!("The future of [`AsyncReadExt::", $method, "`](super::AsyncReadExt::", $method, ").")]
            #[derive(Debug)]
            #[must_use = "futures do nothing unless you `.await` or poll them"]
            pub struct $name<R> {
                #[pin]
                src: R,
                buf: [u8; size_of::<$ty>()],
                filled: usize,
                // `!Unpin`, as tokio's, for compatibility with async trait methods.
                #[pin]
                _pin: PhantomPinned,
            }
        }

        impl<R> $name<R> {
            pub(crate) fn new(src: R) -> Self {
                $name {
                    src,
                    buf: [0; size_of::<$ty>()],
                    filled: 0,
                    _pin: PhantomPinned,
                }
            }
        }

        impl<R: AsyncRead> Future for $name<R> {
            type Output = io::Result<$ty>;

            fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<$ty>> {
                let me = self.project();
                ready!(poll_fill(me.src, cx, me.buf, me.filled))?;
                Poll::Ready(Ok(<$ty>::$decode(*me.buf)))
            }
        }
    )*};
}

int_readers! {
    ReadU8, "read_u8", u8, from_be_bytes;
    ReadI8, "read_i8", i8, from_be_bytes;
    ReadU16, "read_u16", u16, from_be_bytes;
    ReadI16, "read_i16", i16, from_be_bytes;
    ReadU32, "read_u32", u32, from_be_bytes;
    ReadI32, "read_i32", i32, from_be_bytes;
    ReadU64, "read_u64", u64, from_be_bytes;
    ReadI64, "read_i64", i64, from_be_bytes;
    ReadU128, "read_u128", u128, from_be_bytes;
    ReadI128, "read_i128", i128, from_be_bytes;
    ReadF32, "read_f32", f32, from_be_bytes;
    ReadF64, "read_f64", f64, from_be_bytes;
    ReadU16Le, "read_u16_le", u16, from_le_bytes;
    ReadI16Le, "read_i16_le", i16, from_le_bytes;
    ReadU32Le, "read_u32_le", u32, from_le_bytes;
    ReadI32Le, "read_i32_le", i32, from_le_bytes;
    ReadU64Le, "read_u64_le", u64, from_le_bytes;
    ReadI64Le, "read_i64_le", i64, from_le_bytes;
    ReadU128Le, "read_u128_le", u128, from_le_bytes;
    ReadI128Le, "read_i128_le", i128, from_le_bytes;
    ReadF32Le, "read_f32_le", f32, from_le_bytes;
    ReadF64Le, "read_f64_le", f64, from_le_bytes;
}
