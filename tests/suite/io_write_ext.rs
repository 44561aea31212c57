//! `AsyncWriteExt`: write, write_vectored, write_all, write_buf, write_all_buf,
//! flush, shutdown, and the integer and float writers.

use std::io::{ErrorKind, IoSlice};
use std::pin::pin;
use std::task::Poll;

use avx::io::AsyncWriteExt;
use bytes::{Buf, Bytes};

use super::io_support::{TrickleWriter, block_on, poll_once};

#[test]
fn write_returns_the_bytes_taken() {
    block_on(async {
        let mut w = TrickleWriter::new(3).pending();
        assert_eq!(w.write(b"abcdef").await.unwrap(), 3);
        assert_eq!(w.write(b"").await.unwrap(), 0);
        assert_eq!(w.data, b"abc");
    });
}

#[test]
fn write_is_cancel_safe() {
    let mut w = TrickleWriter::new(8).pending();
    {
        let fut = pin!(w.write(b"abc"));
        assert!(poll_once(fut).is_pending());
    }
    assert!(w.data.is_empty(), "a cancelled write wrote nothing");
}

#[test]
fn write_vectored_to_vectored_and_plain_writers() {
    block_on(async {
        let bufs = [IoSlice::new(b"ab"), IoSlice::new(b""), IoSlice::new(b"cd")];
        let mut vectored = TrickleWriter::new(3).vectored();
        assert_eq!(vectored.write_vectored(&bufs).await.unwrap(), 3);
        assert_eq!(vectored.data, b"abc");

        // A writer without vectored I/O writes the first non-empty slice.
        let mut plain = TrickleWriter::new(10);
        let bufs = [IoSlice::new(b""), IoSlice::new(b"xy"), IoSlice::new(b"z")];
        assert_eq!(plain.write_vectored(&bufs).await.unwrap(), 2);
        assert_eq!(plain.data, b"xy");

        let mut vec = Vec::new();
        assert_eq!(vec.write_vectored(&bufs).await.unwrap(), 3);
        assert_eq!(vec, b"xyz");
    });
}

#[test]
fn write_all_resumes_across_partial_and_pending_writes() {
    block_on(async {
        let mut w = TrickleWriter::new(1).pending().interrupted_first();
        w.write_all(b"hello").await.unwrap();
        assert_eq!(w.data, b"hello");
        assert_eq!(w.writes, 5);
    });
}

#[test]
fn write_all_to_a_full_writer_is_write_zero() {
    block_on(async {
        let mut w = TrickleWriter::new(4).capacity(6);
        let err = w.write_all(b"0123456789").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WriteZero);
        assert_eq!(w.data, b"012345");
        // Nothing to write needs no room.
        w.write_all(b"").await.unwrap();
    });
}

#[test]
fn write_buf_advances_by_what_was_written() {
    block_on(async {
        let mut w = TrickleWriter::new(4);
        let mut src = Bytes::from_static(b"abcdefg");
        assert_eq!(w.write_buf(&mut src).await.unwrap(), 4);
        assert_eq!(src, &b"efg"[..]);
        let mut empty = Bytes::new();
        assert_eq!(w.write_buf(&mut empty).await.unwrap(), 0);
        assert_eq!(w.data, b"abcd");
    });
}

#[test]
fn write_buf_gathers_chunks_for_a_vectored_writer() {
    block_on(async {
        let mut w = TrickleWriter::new(100).vectored();
        let mut src = (&b"abc"[..]).chain(&b"def"[..]);
        assert_eq!(w.write_buf(&mut src).await.unwrap(), 6);
        assert_eq!(w.most_slices, 2, "both chunks in one write");
        assert_eq!(w.data, b"abcdef");
        assert!(!src.has_remaining());

        // A plain writer is given one chunk at a time.
        let mut w = TrickleWriter::new(100);
        let mut src = (&b"abc"[..]).chain(&b"def"[..]);
        assert_eq!(w.write_buf(&mut src).await.unwrap(), 3);
        assert_eq!(src.remaining(), 3);
    });
}

#[test]
fn write_all_buf_writes_everything() {
    block_on(async {
        let mut w = TrickleWriter::new(2)
            .pending()
            .vectored()
            .interrupted_first();
        let mut src = (&b"abc"[..]).chain(&b"defg"[..]);
        w.write_all_buf(&mut src).await.unwrap();
        assert_eq!(w.data, b"abcdefg");
        assert!(!src.has_remaining());
    });
}

#[test]
fn write_all_buf_to_a_full_writer_is_write_zero() {
    block_on(async {
        let mut w = TrickleWriter::new(10).capacity(3);
        let mut src = Bytes::from_static(b"abcdef");
        let err = w.write_all_buf(&mut src).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WriteZero);
        assert_eq!(src, &b"def"[..], "advanced by what was written");
    });
}

#[test]
fn write_all_buf_cancelled_leaves_the_rest_in_the_buf() {
    let mut w = TrickleWriter::new(2).pending();
    let mut src = Bytes::from_static(b"abcdef");
    {
        let mut fut = pin!(w.write_all_buf(&mut src));
        assert!(poll_once(fut.as_mut()).is_pending());
        assert!(poll_once(fut.as_mut()).is_pending(), "wrote 2, then waits");
    }
    assert_eq!(w.data, b"ab");
    assert_eq!(src, &b"cdef"[..]);
    // Calling again continues where the cancelled call stopped.
    block_on(async {
        w.write_all_buf(&mut src).await.unwrap();
    });
    assert_eq!(w.data, b"abcdef");
}

#[test]
fn flush_and_shutdown_reach_the_writer() {
    block_on(async {
        let mut w = TrickleWriter::new(8).pending();
        w.write_all(b"x").await.unwrap();
        w.flush().await.unwrap();
        assert_eq!((w.flushes, w.flushed_len), (1, 1));
        w.shutdown().await.unwrap();
        assert_eq!(w.shutdowns, 1);
    });
}

macro_rules! int_writes {
    ($($name:ident: $method:ident($value:expr) => $encode:ident;)*) => {$(
        #[test]
        fn $name() {
            block_on(async {
                let value = $value;
                // One byte per write, `Pending` before each: the future keeps
                // its place.
                let mut w = TrickleWriter::new(1).pending();
                w.$method(value).await.unwrap();
                assert_eq!(w.data, value.$encode());
                assert_eq!(w.writes, value.$encode().len());
                // A writer with no room left is `WriteZero`.
                let mut full = TrickleWriter::new(8).capacity(0);
                let err = full.$method(value).await.unwrap_err();
                assert_eq!(err.kind(), ErrorKind::WriteZero);
            });
        }
    )*};
}

int_writes! {
    write_u8_bytes: write_u8(0xFEu8) => to_be_bytes;
    write_i8_bytes: write_i8(-2i8) => to_be_bytes;
    write_u16_bytes: write_u16(0xBEEFu16) => to_be_bytes;
    write_i16_bytes: write_i16(-2i16) => to_be_bytes;
    write_u32_bytes: write_u32(0xDEAD_BEEFu32) => to_be_bytes;
    write_i32_bytes: write_i32(-3i32) => to_be_bytes;
    write_u64_bytes: write_u64(0x0123_4567_89AB_CDEFu64) => to_be_bytes;
    write_i64_bytes: write_i64(-4i64) => to_be_bytes;
    write_u128_bytes: write_u128(0x0123_4567_89AB_CDEF_0011_2233_4455_6677u128) => to_be_bytes;
    write_i128_bytes: write_i128(-5i128) => to_be_bytes;
    write_f32_bytes: write_f32(1.25f32) => to_be_bytes;
    write_f64_bytes: write_f64(-2.5e10f64) => to_be_bytes;
    write_u16_le_bytes: write_u16_le(0xBEEFu16) => to_le_bytes;
    write_i16_le_bytes: write_i16_le(-2i16) => to_le_bytes;
    write_u32_le_bytes: write_u32_le(0xDEAD_BEEFu32) => to_le_bytes;
    write_i32_le_bytes: write_i32_le(-3i32) => to_le_bytes;
    write_u64_le_bytes: write_u64_le(0x0123_4567_89AB_CDEFu64) => to_le_bytes;
    write_i64_le_bytes: write_i64_le(-4i64) => to_le_bytes;
    write_u128_le_bytes: write_u128_le(0x0123_4567_89AB_CDEF_0011_2233_4455_6677u128) => to_le_bytes;
    write_i128_le_bytes: write_i128_le(-5i128) => to_le_bytes;
    write_f32_le_bytes: write_f32_le(1.25f32) => to_le_bytes;
    write_f64_le_bytes: write_f64_le(-2.5e10f64) => to_le_bytes;
}

#[test]
fn write_u64_cancelled_midway_wrote_a_prefix() {
    let mut w = TrickleWriter::new(3);
    {
        let mut fut = pin!(w.write_u64(u64::MAX));
        // The writer takes 3 bytes per call and never waits: one poll finishes.
        assert!(matches!(poll_once(fut.as_mut()), Poll::Ready(Ok(()))));
    }
    assert_eq!(w.data, [0xFF; 8]);
    assert_eq!(w.writes, 3);

    let mut w = TrickleWriter::new(3).pending();
    {
        let mut fut = pin!(w.write_u64(u64::MAX));
        assert!(poll_once(fut.as_mut()).is_pending());
        assert!(poll_once(fut.as_mut()).is_pending());
    }
    assert_eq!(
        w.data, [0xFF; 3],
        "the first chunk went out before the drop"
    );
}
