//! `BufReader`, `BufWriter` and `BufStream`: buffering, bypass for large
//! operations, seeking through the buffer, and pass-through of the other
//! direction.

use std::io::{Cursor, ErrorKind, IoSlice, SeekFrom};
use std::pin::pin;

use avx::io::{
    AsyncBufReadExt, AsyncReadExt, AsyncSeekExt, AsyncWrite, AsyncWriteExt, BufReader, BufStream,
    BufWriter,
};

use super::io_support::{SlowSeek, Trickle, TrickleWriter, block_on, poll_once};

#[test]
fn buf_reader_serves_small_reads_from_one_inner_read() {
    block_on(async {
        let mut reader = BufReader::with_capacity(16, Trickle::new(b"abcdefghij", 100));
        let mut byte = [0u8; 1];
        for expected in b"abcdefghij" {
            reader.read_exact(&mut byte).await.unwrap();
            assert_eq!(byte[0], *expected);
        }
        assert_eq!(reader.get_ref().reads, 1);
        assert_eq!(reader.read(&mut byte).await.unwrap(), 0);
    });
}

#[test]
fn buf_reader_buffer_and_into_inner() {
    block_on(async {
        let mut reader = BufReader::with_capacity(4, &b"abcdef"[..]);
        assert!(reader.buffer().is_empty(), "buffer() does not read");
        let mut two = [0u8; 2];
        reader.read_exact(&mut two).await.unwrap();
        assert_eq!(reader.buffer(), b"cd");
        assert_eq!(*reader.get_ref(), b"ef");
        *reader.get_mut() = b"XY";
        // The buffered bytes come first, then the replaced reader.
        let mut rest = Vec::new();
        reader.read_to_end(&mut rest).await.unwrap();
        assert_eq!(rest, b"cdXY");
        let mut reader = BufReader::with_capacity(4, &b"abcdef"[..]);
        reader.fill_buf().await.unwrap();
        assert_eq!(reader.into_inner(), b"ef", "buffered bytes are dropped");
        assert!(format!("{:?}", BufReader::new(&b""[..])).contains("0/8192"));
    });
}

#[test]
fn buf_reader_large_reads_bypass_the_buffer() {
    block_on(async {
        let data: Vec<u8> = (0..100u8).collect();
        let mut reader = BufReader::with_capacity(8, Trickle::new(&data, 1000));
        let mut big = [0u8; 64];
        assert_eq!(reader.read(&mut big).await.unwrap(), 64);
        assert_eq!(&big[..], &data[..64]);
        assert_eq!(
            reader.get_ref().largest_read,
            64,
            "the caller's buffer went to the inner read"
        );
        assert!(reader.buffer().is_empty());
        // A small read fills the buffer; a large one then drains it first.
        let mut small = [0u8; 2];
        reader.read_exact(&mut small).await.unwrap();
        assert_eq!(reader.buffer().len(), 6);
        assert_eq!(
            reader.read(&mut big).await.unwrap(),
            6,
            "the buffered bytes first"
        );
        assert_eq!(&big[..6], &data[66..72]);
    });
}

#[test]
fn buf_reader_resumes_across_pending_reads() {
    block_on(async {
        let mut reader =
            BufReader::with_capacity(3, Trickle::new(b"line one\nline two\n", 2).pending());
        let mut line = String::new();
        reader.read_line(&mut line).await.unwrap();
        assert_eq!(line, "line one\n");
        line.clear();
        reader.read_line(&mut line).await.unwrap();
        assert_eq!(line, "line two\n");
    });
}

#[test]
#[should_panic(expected = "capacity must be greater than zero")]
fn buf_reader_zero_capacity_panics() {
    let _ = BufReader::with_capacity(0, &b""[..]);
}

#[test]
fn buf_reader_seek_current_is_relative_to_the_callers_position() {
    block_on(async {
        let mut reader = BufReader::with_capacity(4, Cursor::new(b"0123456789".to_vec()));
        let mut one = [0u8; 1];
        reader.read_exact(&mut one).await.unwrap();
        assert_eq!(reader.buffer(), b"123", "the inner cursor is at 4");
        // Current(2) from the caller's position 1, not the inner 4.
        assert_eq!(reader.seek(SeekFrom::Current(2)).await.unwrap(), 3);
        assert!(reader.buffer().is_empty(), "a seek discards the buffer");
        reader.read_exact(&mut one).await.unwrap();
        assert_eq!(one[0], b'3');
        assert_eq!(reader.stream_position().await.unwrap(), 4);
        // A seek that lands inside the buffer still discards it, so the inner
        // reader is where the caller is.
        assert_eq!(reader.seek(SeekFrom::Start(5)).await.unwrap(), 5);
        assert_eq!(reader.get_ref().position(), 5);
        assert_eq!(reader.into_inner().position(), 5);
    });
}

#[test]
fn buf_reader_seek_through_a_slow_inner_seek() {
    block_on(async {
        let mut reader = BufReader::with_capacity(4, SlowSeek::new(b"abcdefgh"));
        let mut one = [0u8; 1];
        reader.read_exact(&mut one).await.unwrap();
        assert_eq!(reader.seek(SeekFrom::Current(1)).await.unwrap(), 2);
        assert_eq!(reader.get_ref().seeks, [SeekFrom::Current(-2)]);
        reader.read_exact(&mut one).await.unwrap();
        assert_eq!(one[0], b'c');
        assert_eq!(reader.seek(SeekFrom::End(-1)).await.unwrap(), 7);
        reader.read_exact(&mut one).await.unwrap();
        assert_eq!(one[0], b'h');
    });
}

#[test]
fn buf_reader_seek_with_an_overflowing_offset_seeks_twice() {
    block_on(async {
        let mut reader = BufReader::with_capacity(4, SlowSeek::new(b"abcdefgh"));
        let mut one = [0u8; 1];
        reader.read_exact(&mut one).await.unwrap();
        // i64::MIN minus the 3 buffered bytes overflows: back over the buffer
        // first, then the requested offset, which the cursor refuses.
        let err = reader.seek(SeekFrom::Current(i64::MIN)).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert_eq!(
            reader.get_ref().seeks,
            [SeekFrom::Current(-3), SeekFrom::Current(i64::MIN)]
        );
        assert_eq!(
            reader.stream_position().await.unwrap(),
            1,
            "left where Current(0) is"
        );
    });
}

#[test]
fn buf_reader_passes_writes_through() {
    block_on(async {
        let (near, mut far) = avx::io::duplex(64);
        let mut reader = BufReader::new(near);
        reader.write_all(b"out").await.unwrap();
        reader.flush().await.unwrap();
        let mut got = [0u8; 3];
        far.read_exact(&mut got).await.unwrap();
        assert_eq!(&got, b"out");
        far.write_all(b"in").await.unwrap();
        reader.read_exact(&mut got[..2]).await.unwrap();
        assert_eq!(&got[..2], b"in");
        reader.shutdown().await.unwrap();
        assert_eq!(far.read(&mut got).await.unwrap(), 0);
    });
}

#[test]
fn buf_writer_holds_small_writes_until_flush() {
    block_on(async {
        let mut writer = BufWriter::with_capacity(8, TrickleWriter::new(100));
        writer.write_all(b"abc").await.unwrap();
        writer.write_all(b"de").await.unwrap();
        assert_eq!(writer.buffer(), b"abcde");
        assert!(
            writer.get_ref().data.is_empty(),
            "nothing reached the writer yet"
        );
        writer.flush().await.unwrap();
        assert!(writer.buffer().is_empty());
        assert_eq!(writer.get_ref().data, b"abcde");
        assert_eq!(writer.get_ref().writes, 1, "one inner write");
        assert_eq!(writer.get_ref().flushes, 1);
        assert!(format!("{writer:?}").contains("0/8"));
    });
}

#[test]
fn buf_writer_flushes_when_a_write_does_not_fit() {
    block_on(async {
        let mut writer = BufWriter::with_capacity(8, TrickleWriter::new(100));
        writer.write_all(b"12345").await.unwrap();
        writer.write_all(b"6789").await.unwrap();
        assert_eq!(
            writer.get_ref().data,
            b"12345",
            "the full buffer went out first"
        );
        assert_eq!(writer.buffer(), b"6789");
        assert_eq!(writer.get_ref().flushes, 0, "writing out is not flushing");
    });
}

#[test]
fn buf_writer_large_writes_bypass_the_buffer() {
    block_on(async {
        let mut writer = BufWriter::with_capacity(4, TrickleWriter::new(100));
        writer.write_all(b"ab").await.unwrap();
        assert_eq!(writer.write(b"0123456789").await.unwrap(), 10);
        let inner = writer.get_ref();
        assert_eq!(inner.data, b"ab0123456789");
        assert_eq!(inner.writes, 2, "the buffer, then the large write directly");
        assert!(writer.buffer().is_empty());
        // With no capacity, every write goes straight through.
        let mut unbuffered = BufWriter::with_capacity(0, TrickleWriter::new(100));
        unbuffered.write_all(b"x").await.unwrap();
        assert_eq!(unbuffered.get_ref().data, b"x");
    });
}

#[test]
fn buf_writer_shutdown_flushes_then_shuts_down() {
    block_on(async {
        let mut writer = BufWriter::new(TrickleWriter::new(3).pending());
        writer.write_all(b"buffered bytes").await.unwrap();
        writer.shutdown().await.unwrap();
        let inner = writer.into_inner();
        assert_eq!(inner.data, b"buffered bytes");
        assert_eq!(inner.shutdowns, 1);
    });
}

#[test]
fn buf_writer_flush_resumes_after_a_cancelled_flush() {
    let mut writer = BufWriter::new(TrickleWriter::new(2).pending());
    block_on(async { writer.write_all(b"abcdef").await.unwrap() });
    {
        let mut fut = pin!(writer.flush());
        assert!(poll_once(fut.as_mut()).is_pending());
        assert!(poll_once(fut.as_mut()).is_pending(), "wrote 2, then waits");
    }
    assert_eq!(writer.get_ref().data, b"ab");
    assert_eq!(writer.buffer(), b"cdef", "written bytes left the buffer");
    block_on(async { writer.flush().await.unwrap() });
    assert_eq!(writer.get_ref().data, b"abcdef");
}

#[test]
fn buf_writer_flush_to_a_full_writer_is_write_zero() {
    block_on(async {
        let mut writer = BufWriter::new(TrickleWriter::new(100).capacity(2));
        writer.write_all(b"abcd").await.unwrap();
        let err = writer.flush().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WriteZero);
        assert_eq!(writer.buffer(), b"cd", "what could not be written stays");
    });
}

#[test]
fn buf_writer_vectored_writes() {
    block_on(async {
        let bufs = [
            IoSlice::new(b"ab"),
            IoSlice::new(b"cd"),
            IoSlice::new(b"efghij"),
        ];
        // Into a vectored writer: all slices buffered together if they fit.
        let mut writer = BufWriter::with_capacity(8, TrickleWriter::new(100).vectored());
        assert!(writer.is_write_vectored());
        assert_eq!(writer.write_vectored(&bufs[..2]).await.unwrap(), 4);
        assert_eq!(writer.buffer(), b"abcd");
        // Too many bytes: flush, then the whole batch goes straight through.
        assert_eq!(writer.write_vectored(&bufs).await.unwrap(), 10);
        assert_eq!(writer.get_ref().data, b"abcdabcdefghij");

        // Into a plain writer: as many whole slices as fit are buffered.
        let mut writer = BufWriter::with_capacity(5, TrickleWriter::new(100));
        assert!(writer.is_write_vectored());
        let empty_first = [
            IoSlice::new(b""),
            IoSlice::new(b"ab"),
            IoSlice::new(b"cd"),
            IoSlice::new(b"ef"),
        ];
        assert_eq!(writer.write_vectored(&empty_first).await.unwrap(), 4);
        assert_eq!(writer.buffer(), b"abcd");
        assert_eq!(
            writer.write_vectored(&[IoSlice::new(b"")]).await.unwrap(),
            0
        );
        // A first slice as large as the buffer goes straight through.
        writer.flush().await.unwrap();
        assert_eq!(
            writer
                .write_vectored(&[IoSlice::new(b"0123456")])
                .await
                .unwrap(),
            7
        );
        assert_eq!(writer.get_ref().data, b"abcd0123456");
    });
}

#[test]
fn buf_writer_seek_writes_the_buffer_out_first() {
    block_on(async {
        let mut writer = BufWriter::with_capacity(16, Cursor::new(Vec::new()));
        writer.write_all(b"hello").await.unwrap();
        assert_eq!(writer.seek(SeekFrom::Start(1)).await.unwrap(), 1);
        writer.write_all(b"E").await.unwrap();
        writer.flush().await.unwrap();
        assert_eq!(writer.get_ref().get_ref(), b"hEllo");
        assert_eq!(writer.stream_position().await.unwrap(), 2);
    });
}

#[test]
fn buf_writer_passes_reads_through() {
    block_on(async {
        let (near, mut far) = avx::io::duplex(64);
        let mut writer = BufWriter::new(near);
        far.write_all(b"to read\n").await.unwrap();
        let mut got = [0u8; 7];
        writer.read_exact(&mut got).await.unwrap();
        assert_eq!(&got, b"to read");
        let (near, mut far) = avx::io::duplex(64);
        far.write_all(b"x\n").await.unwrap();
        let mut buffered = BufWriter::new(BufReader::new(near));
        let mut line = String::new();
        buffered.read_line(&mut line).await.unwrap();
        assert_eq!(line, "x\n");
    });
}

#[test]
fn buf_stream_buffers_both_directions() {
    block_on(async {
        let (near, mut far) = avx::io::duplex(1024);
        let mut stream = BufStream::new(near);
        stream.write_all(b"request\n").await.unwrap();
        let mut nothing = [0u8; 1];
        {
            let early = pin!(far.read(&mut nothing));
            assert!(poll_once(early).is_pending(), "not sent before flush");
        }
        stream.flush().await.unwrap();
        let mut line = String::new();
        BufReader::new(&mut far).read_line(&mut line).await.unwrap();
        assert_eq!(line, "request\n");
        far.write_all(b"response\nmore").await.unwrap();
        line.clear();
        stream.read_line(&mut line).await.unwrap();
        assert_eq!(line, "response\n");
        let _: &avx::io::DuplexStream = stream.get_ref();
        let _: &mut avx::io::DuplexStream = stream.get_mut();
        drop(stream.into_inner());
    });
}

#[test]
fn buf_stream_with_capacity_and_conversions() {
    block_on(async {
        let mut stream = BufStream::with_capacity(2, 2, Cursor::new(b"abcdef".to_vec()));
        let mut two = [0u8; 2];
        stream.read_exact(&mut two).await.unwrap();
        assert_eq!(&two, b"ab");
        assert_eq!(stream.seek(SeekFrom::Start(4)).await.unwrap(), 4);
        stream.read_exact(&mut two).await.unwrap();
        assert_eq!(&two, b"ef");

        let reader_outside = BufWriter::new(BufReader::new(Cursor::new(b"xyz".to_vec())));
        let mut stream = BufStream::from(reader_outside);
        let mut all = String::new();
        stream.read_to_string(&mut all).await.unwrap();
        assert_eq!(all, "xyz");

        let mut stream = BufStream::from(BufReader::new(BufWriter::new(Cursor::new(Vec::new()))));
        stream.write_all(b"kept").await.unwrap();
        stream.flush().await.unwrap();
        assert_eq!(stream.into_inner().into_inner(), b"kept");
    });
}
