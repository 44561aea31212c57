//! `AsyncReadExt`: read, read_buf, read_exact, read_to_end, read_to_string, the
//! integer and float readers, chain and take.

use std::io::ErrorKind;
use std::pin::pin;
use std::task::Poll;

use avx::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
use bytes::{BufMut, BytesMut};

use super::io_support::{Trickle, block_on, poll_once};

#[test]
fn read_returns_what_one_read_yields() {
    block_on(async {
        let mut src = Trickle::new(b"abcdef", 4);
        let mut buf = [0u8; 8];
        assert_eq!(src.read(&mut buf).await.unwrap(), 4);
        assert_eq!(&buf[..4], b"abcd");
        assert_eq!(src.read(&mut buf).await.unwrap(), 2);
        assert_eq!(&buf[..2], b"ef");
        assert_eq!(src.read(&mut buf).await.unwrap(), 0, "end of file");
        // An empty buffer reads nothing, even with data left.
        let mut src: &[u8] = b"x";
        assert_eq!(src.read(&mut []).await.unwrap(), 0);
        assert_eq!(src, b"x");
    });
}

#[test]
fn read_is_cancel_safe() {
    let mut src = Trickle::new(b"abc", 3).pending();
    let mut buf = [0u8; 3];
    {
        let read = pin!(src.read(&mut buf));
        assert!(poll_once(read).is_pending());
    }
    assert_eq!(src.pos, 0, "a cancelled read consumed nothing");
    block_on(async {
        assert_eq!(src.read(&mut buf).await.unwrap(), 3);
    });
    assert_eq!(&buf, b"abc");
}

#[test]
fn read_buf_fills_spare_capacity_and_advances() {
    block_on(async {
        let mut src = Trickle::new(b"hello world", 5).pending();
        let mut buf = BytesMut::with_capacity(64);
        buf.put_slice(b">");
        assert_eq!(src.read_buf(&mut buf).await.unwrap(), 5);
        assert_eq!(&buf[..], b">hello");
        while src.read_buf(&mut buf).await.unwrap() != 0 {}
        assert_eq!(&buf[..], b">hello world");

        // A `Vec` grows; a full fixed buffer reads nothing.
        let mut vec = Vec::new();
        let mut src: &[u8] = b"xyz";
        assert_eq!(src.read_buf(&mut vec).await.unwrap(), 3);
        assert_eq!(vec, b"xyz");
        let mut storage = [0u8; 0];
        let mut full: &mut [u8] = &mut storage;
        let mut src: &[u8] = b"abc";
        assert_eq!(src.read_buf(&mut full).await.unwrap(), 0);
        assert_eq!(src, b"abc");
    });
}

#[test]
fn read_buf_limited_by_a_fixed_slice() {
    block_on(async {
        let mut storage = [0u8; 4];
        let mut dst: &mut [u8] = &mut storage;
        let mut src: &[u8] = b"abcdef";
        assert_eq!(src.read_buf(&mut dst).await.unwrap(), 4);
        assert_eq!(dst.len(), 0);
        assert_eq!(&storage, b"abcd");
    });
}

#[test]
fn read_exact_resumes_across_partial_and_pending_reads() {
    block_on(async {
        let mut src = Trickle::new(b"0123456789", 1).pending();
        let mut buf = [0u8; 7];
        assert_eq!(src.read_exact(&mut buf).await.unwrap(), 7);
        assert_eq!(&buf, b"0123456");
        assert_eq!(src.reads, 7, "one byte per read");
        let mut rest = [0u8; 3];
        assert_eq!(src.read_exact(&mut rest).await.unwrap(), 3);
        assert_eq!(&rest, b"789");
    });
}

#[test]
fn read_exact_errors() {
    block_on(async {
        let mut src = Trickle::new(b"abc", 2);
        let mut buf = [0u8; 4];
        let err = src.read_exact(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::UnexpectedEof);

        let mut src = Trickle::new(b"abcd", 4).interrupted_first();
        src.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"abcd", "Interrupted is retried");

        let mut src = Trickle::new(b"ab", 4).then_fail(ErrorKind::ConnectionReset);
        let err = src.read_exact(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionReset);

        // An empty buffer needs no bytes.
        let mut empty: &[u8] = b"";
        assert_eq!(empty.read_exact(&mut []).await.unwrap(), 0);
    });
}

#[test]
fn read_to_end_appends_and_counts() {
    block_on(async {
        let data: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
        let mut src = Trickle::new(&data, 333).pending();
        let mut buf = b"prefix".to_vec();
        assert_eq!(src.read_to_end(&mut buf).await.unwrap(), 5000);
        assert_eq!(&buf[..6], b"prefix");
        assert_eq!(&buf[6..], &data[..]);
        assert_eq!(
            src.read_to_end(&mut buf).await.unwrap(),
            0,
            "at end of file"
        );
    });
}

#[test]
fn read_to_end_into_an_exactly_sized_vec_does_not_grow_it() {
    block_on(async {
        let mut src: &[u8] = b"12345";
        let mut buf = Vec::with_capacity(5);
        assert_eq!(src.read_to_end(&mut buf).await.unwrap(), 5);
        assert_eq!(buf, b"12345");
        assert_eq!(buf.capacity(), 5);
    });
}

#[test]
fn read_to_end_keeps_bytes_read_before_an_error() {
    block_on(async {
        let mut src = Trickle::new(b"abcdef", 2)
            .interrupted_first()
            .then_fail(ErrorKind::BrokenPipe);
        let mut buf = Vec::new();
        let err = src.read_to_end(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BrokenPipe);
        assert_eq!(buf, b"abcdef");
    });
}

#[test]
fn read_to_string_appends_utf8() {
    block_on(async {
        let mut src = Trickle::new("héllo wörld".as_bytes(), 1).pending();
        let mut s = String::from("> ");
        let n = src.read_to_string(&mut s).await.unwrap();
        assert_eq!(n, "héllo wörld".len());
        assert_eq!(s, "> héllo wörld");
    });
}

#[test]
fn read_to_string_invalid_utf8_is_invalid_data_and_leaves_the_string() {
    block_on(async {
        let mut src: &[u8] = b"ok \xff\xfe bad";
        let mut s = String::from("keep");
        let err = src.read_to_string(&mut s).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidData);
        assert_eq!(s, "keep");
        // A multi-byte character cut off by end of file is invalid too.
        let mut src: &[u8] = "é".as_bytes().split_at(1).0;
        let err = src.read_to_string(&mut s).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidData);
        assert_eq!(s, "keep");
    });
}

#[test]
fn read_to_string_io_error_leaves_the_string() {
    block_on(async {
        let mut src = Trickle::new(b"partial", 3).then_fail(ErrorKind::ConnectionAborted);
        let mut s = String::from("keep");
        let err = src.read_to_string(&mut s).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionAborted);
        assert_eq!(s, "keep");
    });
}

#[test]
fn read_to_string_cancelled_keeps_the_original_contents() {
    let mut src = Trickle::new(b"abcdef", 2).pending();
    let mut s = String::with_capacity(64);
    s.push_str("orig");
    {
        let mut fut = pin!(src.read_to_string(&mut s));
        assert!(poll_once(fut.as_mut()).is_pending());
        assert!(
            poll_once(fut.as_mut()).is_pending(),
            "read 2 bytes, then waits"
        );
    }
    assert_eq!(s, "orig");
    assert!(s.capacity() >= 64, "the allocation came back");
    assert_eq!(
        src.pos, 2,
        "the bytes read before the cancellation are gone"
    );
}

macro_rules! int_round_trip {
    ($name:ident: $write:ident, $read:ident, $value:expr, $encode:ident) => {
        #[test]
        fn $name() {
            block_on(async {
                let value = $value;
                let mut out = Vec::new();
                out.$write(value).await.unwrap();
                assert_eq!(out, value.$encode());
                // Read back one byte per read with `Pending` in between.
                let mut src = Trickle::new(&out, 1).pending();
                let back = src.$read().await.unwrap();
                assert_eq!(back.to_bits_or_self(), value.to_bits_or_self());
                // One byte short is `UnexpectedEof`.
                let mut short = Trickle::new(&out[..out.len() - 1], 1);
                let err = short.$read().await.unwrap_err();
                assert_eq!(err.kind(), ErrorKind::UnexpectedEof);
            });
        }
    };
}

/// Compares floats by bits (NaN-safe) and integers as they are.
trait BitsOrSelf {
    type Out: PartialEq + std::fmt::Debug;
    fn to_bits_or_self(self) -> Self::Out;
}

macro_rules! bits_or_self {
    ($($ty:ty => $out:ty, $conv:expr;)*) => {$(
        impl BitsOrSelf for $ty {
            type Out = $out;
            fn to_bits_or_self(self) -> $out {
                ($conv)(self)
            }
        }
    )*};
}

bits_or_self! {
    u8 => u8, |v| v; i8 => i8, |v| v; u16 => u16, |v| v; i16 => i16, |v| v;
    u32 => u32, |v| v; i32 => i32, |v| v; u64 => u64, |v| v; i64 => i64, |v| v;
    u128 => u128, |v| v; i128 => i128, |v| v;
    f32 => u32, f32::to_bits; f64 => u64, f64::to_bits;
}

int_round_trip!(u8_round_trip: write_u8, read_u8, 0xA5u8, to_be_bytes);
int_round_trip!(i8_round_trip: write_i8, read_i8, -5i8, to_be_bytes);
int_round_trip!(u16_round_trip: write_u16, read_u16, 0x0102u16, to_be_bytes);
int_round_trip!(i16_round_trip: write_i16, read_i16, -0x0102i16, to_be_bytes);
int_round_trip!(u32_round_trip: write_u32, read_u32, 0x0102_0304u32, to_be_bytes);
int_round_trip!(i32_round_trip: write_i32, read_i32, -0x0102_0304i32, to_be_bytes);
int_round_trip!(u64_round_trip: write_u64, read_u64, 0x0102_0304_0506_0708u64, to_be_bytes);
int_round_trip!(i64_round_trip: write_i64, read_i64, i64::MIN + 7, to_be_bytes);
int_round_trip!(u128_round_trip: write_u128, read_u128, u128::MAX / 3, to_be_bytes);
int_round_trip!(i128_round_trip: write_i128, read_i128, i128::MIN + 99, to_be_bytes);
int_round_trip!(f32_round_trip: write_f32, read_f32, -1.5e-3f32, to_be_bytes);
int_round_trip!(f64_round_trip: write_f64, read_f64, std::f64::consts::PI, to_be_bytes);
int_round_trip!(u16_le_round_trip: write_u16_le, read_u16_le, 0x0102u16, to_le_bytes);
int_round_trip!(i16_le_round_trip: write_i16_le, read_i16_le, -0x0102i16, to_le_bytes);
int_round_trip!(u32_le_round_trip: write_u32_le, read_u32_le, 0x0102_0304u32, to_le_bytes);
int_round_trip!(i32_le_round_trip: write_i32_le, read_i32_le, -0x0102_0304i32, to_le_bytes);
int_round_trip!(u64_le_round_trip: write_u64_le, read_u64_le, 0x0102_0304_0506_0708u64, to_le_bytes);
int_round_trip!(i64_le_round_trip: write_i64_le, read_i64_le, i64::MIN + 7, to_le_bytes);
int_round_trip!(u128_le_round_trip: write_u128_le, read_u128_le, u128::MAX / 3, to_le_bytes);
int_round_trip!(i128_le_round_trip: write_i128_le, read_i128_le, i128::MIN + 99, to_le_bytes);
int_round_trip!(f32_le_round_trip: write_f32_le, read_f32_le, f32::NAN, to_le_bytes);
int_round_trip!(f64_le_round_trip: write_f64_le, read_f64_le, -0.0f64, to_le_bytes);

#[test]
fn read_u8_is_cancel_safe_and_errors_at_eof() {
    let mut src = Trickle::new(b"\x07", 1).pending();
    {
        let fut = pin!(src.read_u8());
        assert!(poll_once(fut).is_pending());
    }
    assert_eq!(src.pos, 0);
    block_on(async {
        assert_eq!(src.read_u8().await.unwrap(), 7);
        assert_eq!(
            src.read_u8().await.unwrap_err().kind(),
            ErrorKind::UnexpectedEof
        );
    });
}

#[test]
fn read_u32_keeps_bytes_across_pending_polls() {
    let mut src = Trickle::new(&[0, 0, 1, 2], 1).pending();
    let mut fut = pin!(src.read_u32());
    let mut polls = 0;
    let value = loop {
        polls += 1;
        if let Poll::Ready(value) = poll_once(fut.as_mut()) {
            break value.unwrap();
        }
    };
    assert_eq!(value, 0x0102);
    // Each poll takes one byte and then finds the next one not ready yet: the
    // bytes already read are kept across the `Pending`s.
    assert_eq!(polls, 5);
}

#[test]
fn chain_reads_first_then_second() {
    block_on(async {
        let first = Trickle::new(b"abc", 2).pending();
        let second: &[u8] = b"def";
        let mut chained = first.chain(second);
        let mut out = Vec::new();
        chained.read_to_end(&mut out).await.unwrap();
        assert_eq!(out, b"abcdef");
        let (first, second) = chained.get_ref();
        assert_eq!(first.pos, 3);
        assert!(second.is_empty());
        let (first, _second) = chained.into_inner();
        assert_eq!(first.reads, 3, "two chunks and end of file");
    });
}

#[test]
fn chain_an_empty_read_does_not_end_the_first_reader() {
    block_on(async {
        let mut chained = (&b"ab"[..]).chain(&b"cd"[..]);
        assert_eq!(chained.read(&mut []).await.unwrap(), 0);
        let mut out = [0u8; 4];
        chained.read_exact(&mut out).await.unwrap();
        assert_eq!(&out, b"abcd");
        let (first, second) = chained.get_mut();
        assert!(first.is_empty() && second.is_empty());
    });
}

#[test]
fn chain_is_a_buffered_reader_when_both_are() {
    block_on(async {
        let mut lines = (&b"one\ntw"[..]).chain(&b"o\nthree"[..]).lines();
        assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("one"));
        assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("two"));
        assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("three"));
        assert_eq!(lines.next_line().await.unwrap(), None);
    });
}

#[test]
fn take_stops_at_the_limit() {
    block_on(async {
        let mut taken = Trickle::new(b"abcdefgh", 3).pending().take(5);
        assert_eq!(taken.limit(), 5);
        let mut out = Vec::new();
        assert_eq!(taken.read_to_end(&mut out).await.unwrap(), 5);
        assert_eq!(out, b"abcde");
        assert_eq!(taken.limit(), 0);
        // A new limit reads on from where the inner reader is.
        taken.set_limit(10);
        out.clear();
        assert_eq!(taken.read_to_end(&mut out).await.unwrap(), 3);
        assert_eq!(out, b"fgh");
        assert_eq!(taken.limit(), 7);
        assert_eq!(taken.get_ref().pos, 8);
        assert_eq!(taken.get_mut().pos, 8);
        let inner = taken.into_inner();
        assert_eq!(inner.pos, 8);
    });
}

#[test]
fn take_into_uninitialised_spare_capacity() {
    block_on(async {
        // The limit is smaller than the buffer, so the inner read gets a
        // limited view of the BytesMut's uninitialised spare capacity.
        let mut taken = (&b"0123456789"[..]).take(4);
        let mut buf = BytesMut::with_capacity(1024);
        assert_eq!(taken.read_buf(&mut buf).await.unwrap(), 4);
        assert_eq!(&buf[..], b"0123");
        assert_eq!(taken.read_buf(&mut buf).await.unwrap(), 0);
        assert_eq!(taken.into_inner(), b"456789");
    });
}

#[test]
fn take_smaller_than_a_large_buffer() {
    block_on(async {
        // Uninitialised spare capacity far larger than the limit: reads are
        // lent in growing windows and stop exactly at the limit.
        let mut taken = avx::io::repeat(1).take(100_000);
        let mut buf = BytesMut::with_capacity(1 << 20);
        let mut reads = 0;
        while taken.read_buf(&mut buf).await.unwrap() != 0 {
            reads += 1;
        }
        assert!(reads > 0);
        assert_eq!(buf.len(), 100_000);
        assert!(buf.iter().all(|&b| b == 1));

        // An initialised buffer is lent whole up to the limit: one read.
        let mut taken = avx::io::repeat(2).take(50_000);
        let mut storage = vec![0u8; 64 * 1024];
        assert_eq!(taken.read(&mut storage).await.unwrap(), 50_000);
        assert!(storage[..50_000].iter().all(|&b| b == 2));
        assert!(
            storage[50_000..].iter().all(|&b| b == 0),
            "nothing past the limit"
        );
    });
}

#[test]
fn take_limits_a_buffered_reader() {
    block_on(async {
        let mut taken = (&b"line one\nline two\n"[..]).take(12);
        assert_eq!(taken.fill_buf().await.unwrap(), b"line one\nlin");
        taken.consume(5);
        assert_eq!(taken.limit(), 7);
        let mut line = String::new();
        taken.read_line(&mut line).await.unwrap();
        assert_eq!(line, "one\n");
        line.clear();
        taken.read_line(&mut line).await.unwrap();
        assert_eq!(line, "lin", "cut at the limit");
        assert_eq!(taken.fill_buf().await.unwrap(), b"");
        // `consume` past the limit is capped at it.
        taken.set_limit(2);
        taken.consume(100);
        assert_eq!(taken.limit(), 0);
        assert_eq!(taken.into_inner(), b"two\n");
    });
}

#[test]
fn extension_methods_work_through_references_and_boxes() {
    block_on(async {
        let mut src: Box<dyn avx::io::AsyncRead + Unpin> = Box::new(&b"boxed"[..]);
        let mut out = String::new();
        src.read_to_string(&mut out).await.unwrap();
        assert_eq!(out, "boxed");
        let mut sink = Vec::new();
        let writer: &mut Vec<u8> = &mut sink;
        writer.write_all(b"by ref").await.unwrap();
        assert_eq!(sink, b"by ref");
    });
}
