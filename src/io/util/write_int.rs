//! The futures of `AsyncWriteExt::write_u8` ... `write_f64_le`: each encodes the
//! value into an array it owns, then writes the array out.
//!
//! The count written so far lives in the future, so polling again after a
//! `Pending` resumes; dropping it may leave a prefix of the bytes written.

use std::future::Future;
use std::io;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use pin_project_lite::pin_project;

use crate::io::AsyncWrite;

/// Writes `buf[*written..]` to `dst`; `WriteZero` if it stops taking bytes.
fn poll_drain<W: AsyncWrite + ?Sized>(
    mut dst: Pin<&mut W>,
    cx: &mut Context<'_>,
    buf: &[u8],
    written: &mut usize,
) -> Poll<io::Result<()>> {
    while *written < buf.len() {
        match ready!(dst.as_mut().poll_write(cx, &buf[*written..])) {
            Ok(0) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
            // A writer claiming more than it was given is held to what it got.
            Ok(n) => *written = (*written + n).min(buf.len()),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Poll::Ready(Err(e)),
        }
    }
    Poll::Ready(Ok(()))
}

macro_rules! int_writers {
    ($($name:ident, $method:literal, $ty:ty, $encode:ident;)*) => {$(
        pin_project! {
            #[doc = concat!("The future of [`AsyncWriteExt::", $method, "`](super::AsyncWriteExt::", $method, ").")]
            #[derive(Debug)]
            #[must_use = "futures do nothing unless you `.await` or poll them"]
            pub struct $name<W> {
                #[pin]
                dst: W,
                buf: [u8; size_of::<$ty>()],
                written: usize,
                // `!Unpin`, as tokio's, for compatibility with async trait methods.
                #[pin]
                _pin: PhantomPinned,
            }
        }

        impl<W> $name<W> {
            pub(crate) fn new(dst: W, value: $ty) -> Self {
                $name {
                    dst,
                    buf: value.$encode(),
                    written: 0,
                    _pin: PhantomPinned,
                }
            }
        }

        impl<W: AsyncWrite> Future for $name<W> {
            type Output = io::Result<()>;

            fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                let me = self.project();
                poll_drain(me.dst, cx, me.buf, me.written)
            }
        }
    )*};
}

int_writers! {
    WriteU8, "write_u8", u8, to_be_bytes;
    WriteI8, "write_i8", i8, to_be_bytes;
    WriteU16, "write_u16", u16, to_be_bytes;
    WriteI16, "write_i16", i16, to_be_bytes;
    WriteU32, "write_u32", u32, to_be_bytes;
    WriteI32, "write_i32", i32, to_be_bytes;
    WriteU64, "write_u64", u64, to_be_bytes;
    WriteI64, "write_i64", i64, to_be_bytes;
    WriteU128, "write_u128", u128, to_be_bytes;
    WriteI128, "write_i128", i128, to_be_bytes;
    WriteF32, "write_f32", f32, to_be_bytes;
    WriteF64, "write_f64", f64, to_be_bytes;
    WriteU16Le, "write_u16_le", u16, to_le_bytes;
    WriteI16Le, "write_i16_le", i16, to_le_bytes;
    WriteU32Le, "write_u32_le", u32, to_le_bytes;
    WriteI32Le, "write_i32_le", i32, to_le_bytes;
    WriteU64Le, "write_u64_le", u64, to_le_bytes;
    WriteI64Le, "write_i64_le", i64, to_le_bytes;
    WriteU128Le, "write_u128_le", u128, to_le_bytes;
    WriteI128Le, "write_i128_le", i128, to_le_bytes;
    WriteF32Le, "write_f32_le", f32, to_le_bytes;
    WriteF64Le, "write_f64_le", f64, to_le_bytes;
}
