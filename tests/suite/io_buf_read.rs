//! `AsyncBufReadExt` (fill_buf, consume, read_until, read_line, lines, split)
//! and `AsyncSeekExt` (seek, rewind, stream_position).

use std::io::{Cursor, ErrorKind, SeekFrom};
use std::pin::{Pin, pin};
use std::task::Poll;

use avx::io::{AsyncBufReadExt, AsyncSeekExt, BufReader};

use super::io_support::{Trickle, block_on, poll_once};

#[test]
fn fill_buf_and_consume() {
    block_on(async {
        let mut src = Trickle::new(b"abcdef", 4).pending();
        assert_eq!(src.fill_buf().await.unwrap(), b"abcd");
        // Not consumed: offered again.
        assert_eq!(src.fill_buf().await.unwrap(), b"abcd");
        src.consume(3);
        assert_eq!(src.fill_buf().await.unwrap(), b"def");
        src.consume(3);
        assert_eq!(src.fill_buf().await.unwrap(), b"", "end of file");
    });
}

#[test]
fn fill_buf_is_cancel_safe() {
    let mut src = BufReader::new(Trickle::new(b"xyz", 8).pending());
    {
        let fut = pin!(src.fill_buf());
        assert!(poll_once(fut).is_pending());
    }
    assert!(src.buffer().is_empty());
    block_on(async {
        assert_eq!(src.fill_buf().await.unwrap(), b"xyz");
    });
}

#[test]
fn fill_buf_reports_errors() {
    block_on(async {
        let mut src = Trickle::new(b"", 4).then_fail(ErrorKind::TimedOut);
        assert_eq!(
            src.fill_buf().await.unwrap_err().kind(),
            ErrorKind::TimedOut
        );
    });
}

#[test]
fn read_until_finds_the_delimiter_across_chunks() {
    block_on(async {
        let mut src = Trickle::new(b"ab-cdef-gh", 3).pending();
        let mut buf = Vec::new();
        assert_eq!(src.read_until(b'-', &mut buf).await.unwrap(), 3);
        assert_eq!(buf, b"ab-");
        assert_eq!(src.read_until(b'-', &mut buf).await.unwrap(), 5);
        assert_eq!(buf, b"ab-cdef-", "appended");
        buf.clear();
        assert_eq!(
            src.read_until(b'-', &mut buf).await.unwrap(),
            2,
            "to end of file"
        );
        assert_eq!(buf, b"gh");
        assert_eq!(src.read_until(b'-', &mut buf).await.unwrap(), 0);
    });
}

#[test]
fn read_until_cancelled_keeps_what_it_read_and_continues() {
    let mut src = Trickle::new(b"abcdef\nrest", 2).pending();
    let mut buf = Vec::new();
    {
        let mut fut = pin!(src.read_until(b'\n', &mut buf));
        assert!(poll_once(fut.as_mut()).is_pending());
        assert!(poll_once(fut.as_mut()).is_pending());
        assert!(poll_once(fut.as_mut()).is_pending());
    }
    assert_eq!(buf, b"abcd", "the bytes read are in buf");
    block_on(async {
        assert_eq!(
            src.read_until(b'\n', &mut buf).await.unwrap(),
            3,
            "the count restarts"
        );
    });
    assert_eq!(buf, b"abcdef\n");
}

#[test]
fn read_until_error_keeps_the_bytes_read() {
    block_on(async {
        let mut src = Trickle::new(b"abc", 2)
            .interrupted_first()
            .then_fail(ErrorKind::ConnectionReset);
        let mut buf = Vec::new();
        let err = src.read_until(b'\n', &mut buf).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionReset);
        assert_eq!(buf, b"abc");
    });
}

#[test]
fn read_line_appends_a_line() {
    block_on(async {
        let mut src = Trickle::new("ünï\ncode\nlast".as_bytes(), 1).pending();
        let mut line = String::from("> ");
        assert_eq!(src.read_line(&mut line).await.unwrap(), "ünï\n".len());
        assert_eq!(line, "> ünï\n");
        line.clear();
        assert_eq!(src.read_line(&mut line).await.unwrap(), 5);
        assert_eq!(line, "code\n");
        line.clear();
        assert_eq!(src.read_line(&mut line).await.unwrap(), 4);
        assert_eq!(line, "last");
        assert_eq!(src.read_line(&mut line).await.unwrap(), 0);
        assert_eq!(line, "last");
    });
}

#[test]
fn read_line_invalid_utf8_is_invalid_data_and_leaves_the_line() {
    block_on(async {
        let mut src: &[u8] = b"bad \xc3\x28 line\nnext\n";
        let mut line = String::from("keep");
        let err = src.read_line(&mut line).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidData);
        assert_eq!(line, "keep");
        // The bad line was consumed; the next one reads normally.
        line.clear();
        src.read_line(&mut line).await.unwrap();
        assert_eq!(line, "next\n");
    });
}

#[test]
fn read_line_io_error_keeps_valid_bytes() {
    block_on(async {
        let mut src = Trickle::new(b"partial", 4).then_fail(ErrorKind::BrokenPipe);
        let mut line = String::from("> ");
        let err = src.read_line(&mut line).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BrokenPipe);
        assert_eq!(line, "> partial", "valid UTF-8 read before the error stays");

        let mut src = Trickle::new(b"\xff", 4).then_fail(ErrorKind::BrokenPipe);
        let mut line = String::from("> ");
        let err = src.read_line(&mut line).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BrokenPipe);
        assert_eq!(line, "> ", "invalid bytes are not kept");
    });
}

#[test]
fn read_line_cancelled_keeps_the_original_contents() {
    let mut src = Trickle::new(b"abc\n", 2).pending();
    let mut line = String::from("orig");
    {
        let mut fut = pin!(src.read_line(&mut line));
        assert!(poll_once(fut.as_mut()).is_pending());
        assert!(poll_once(fut.as_mut()).is_pending());
    }
    assert_eq!(line, "orig");
}

#[test]
fn lines_strip_line_endings() {
    block_on(async {
        let src = Trickle::new(b"unix\nwindows\r\n\nlone\rcr\nlast", 3).pending();
        let mut lines = src.lines();
        let mut got = Vec::new();
        while let Some(line) = lines.next_line().await.unwrap() {
            got.push(line);
        }
        assert_eq!(got, ["unix", "windows", "", "lone\rcr", "last"]);
        assert_eq!(
            lines.next_line().await.unwrap(),
            None,
            "stays at end of file"
        );
        assert_eq!(lines.get_ref().pos, 27);
        assert_eq!(lines.get_mut().pos, 27);
        assert_eq!(lines.into_inner().pos, 27);
    });
}

#[test]
fn lines_invalid_utf8_is_invalid_data_and_skipped() {
    block_on(async {
        let mut lines = (&b"ok\n\xff\xfe\nafter\n"[..]).lines();
        assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("ok"));
        let err = lines.next_line().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidData);
        assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("after"));
    });
}

#[test]
fn next_line_is_cancel_safe() {
    let mut lines = Trickle::new(b"hello\nworld\n", 2).pending().lines();
    {
        let mut fut = pin!(lines.next_line());
        assert!(poll_once(fut.as_mut()).is_pending());
        assert!(poll_once(fut.as_mut()).is_pending());
    }
    // "he" was read by the dropped call; the next call completes the line.
    block_on(async {
        assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("hello"));
        assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("world"));
    });
}

#[test]
fn poll_next_line_from_a_poll_function() {
    let mut lines = (&b"a\nb"[..]).lines();
    let mut lines = Pin::new(&mut lines);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    let mut got = Vec::new();
    while let Poll::Ready(Some(line)) = lines.as_mut().poll_next_line(&mut cx).map(Result::unwrap) {
        got.push(line);
    }
    assert_eq!(got, ["a", "b"]);
}

#[test]
fn split_yields_segments_without_the_delimiter() {
    block_on(async {
        let mut segments = Trickle::new(b"a,bc,,def,", 2).pending().split(b',');
        let mut got = Vec::new();
        while let Some(segment) = segments.next_segment().await.unwrap() {
            got.push(segment);
        }
        let expected: [&[u8]; 4] = [b"a", b"bc", b"", b"def"];
        assert_eq!(got, expected, "a trailing delimiter ends the last segment");

        let mut segments = AsyncBufReadExt::split(&b"x;y"[..], b';');
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        let first = Pin::new(&mut segments).poll_next_segment(&mut cx);
        assert!(matches!(first, Poll::Ready(Ok(Some(ref s))) if s == b"x"));
        assert_eq!(
            segments.next_segment().await.unwrap().as_deref(),
            Some(&b"y"[..])
        );
        assert_eq!(segments.next_segment().await.unwrap(), None);
    });
}

#[test]
fn split_is_cancel_safe() {
    let mut segments = Trickle::new(b"abcd|e", 2).pending().split(b'|');
    {
        let mut fut = pin!(segments.next_segment());
        assert!(poll_once(fut.as_mut()).is_pending());
        assert!(poll_once(fut.as_mut()).is_pending());
    }
    block_on(async {
        assert_eq!(
            segments.next_segment().await.unwrap().as_deref(),
            Some(&b"abcd"[..])
        );
        assert_eq!(
            segments.next_segment().await.unwrap().as_deref(),
            Some(&b"e"[..])
        );
    });
}

#[test]
fn seek_rewind_and_stream_position() {
    block_on(async {
        let mut cursor = Cursor::new(b"0123456789".to_vec());
        assert_eq!(cursor.seek(SeekFrom::Start(3)).await.unwrap(), 3);
        assert_eq!(cursor.seek(SeekFrom::Current(2)).await.unwrap(), 5);
        assert_eq!(cursor.seek(SeekFrom::End(-1)).await.unwrap(), 9);
        assert_eq!(cursor.stream_position().await.unwrap(), 9);
        assert_eq!(cursor.rewind().await.unwrap(), 0);
        let err = cursor.seek(SeekFrom::Current(-1)).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert_eq!(
            cursor.stream_position().await.unwrap(),
            0,
            "a failed seek moves nothing"
        );
    });
}
