//! In-memory streams and adapters: `duplex`, `simplex`, `split`/`unsplit`,
//! `join`, `empty`, `sink`, `repeat`, and the cooperative budget they spend.

use std::future::{Future, poll_fn};
use std::io::{ErrorKind, IoSlice, SeekFrom};
use std::pin::{Pin, pin};
use std::task::Poll;

use avx::io::{
    AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncSeekExt, AsyncWrite, AsyncWriteExt, ReadBuf,
    SimplexStream,
};

use super::io_support::{block_on, poll_once};

#[test]
fn duplex_carries_bytes_both_ways() {
    block_on(async {
        let (mut a, mut b) = avx::io::duplex(64);
        a.write_all(b"ping").await.unwrap();
        b.write_all(b"pong").await.unwrap();
        let mut buf = [0u8; 4];
        b.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"ping");
        a.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"pong");
        assert_eq!(a.write(b"").await.unwrap(), 0);
        a.flush().await.unwrap();
    });
}

#[test]
fn duplex_write_takes_only_the_room_left() {
    block_on(async {
        let (mut a, mut b) = avx::io::duplex(4);
        assert_eq!(a.write(b"abcdef").await.unwrap(), 4, "a partial write");
        let slices = [IoSlice::new(b"x"), IoSlice::new(b"y")];
        let mut buf = [0u8; 3];
        assert_eq!(b.read(&mut buf).await.unwrap(), 3);
        assert!(a.is_write_vectored());
        assert_eq!(a.write_vectored(&slices).await.unwrap(), 2);
        assert_eq!(a.write_vectored(&slices).await.unwrap(), 1, "room for one");
        let mut rest = [0u8; 4];
        b.read_exact(&mut rest).await.unwrap();
        assert_eq!(&rest, b"dxyx");
    });
}

#[test]
fn duplex_full_write_waits_for_the_reader() {
    let (mut a, mut b) = avx::io::duplex(2);
    let mut write = pin!(a.write_all(b"abcd"));
    assert!(
        poll_once(write.as_mut()).is_pending(),
        "2 bytes in, then full"
    );
    let mut buf = [0u8; 1];
    block_on(async {
        b.read_exact(&mut buf).await.unwrap();
    });
    assert!(
        poll_once(write.as_mut()).is_pending(),
        "one more byte fits, then full"
    );
    block_on(async {
        let mut two = [0u8; 2];
        b.read_exact(&mut two).await.unwrap();
        assert_eq!(&two, b"bc");
    });
    assert!(matches!(poll_once(write.as_mut()), Poll::Ready(Ok(()))));
    block_on(async {
        b.read_exact(&mut buf).await.unwrap();
    });
    assert_eq!(&buf, b"d");
}

rt_test! {
    async fn duplex_backpressure_between_tasks() {
        let (mut a, mut b) = avx::io::duplex(7);
        let data: Vec<u8> = (0..10_000u32).map(|i| (i % 253) as u8).collect();
        let expected = data.clone();
        let writer = avx::spawn(async move {
            a.write_all(&data).await.unwrap();
            a.shutdown().await.unwrap();
            a
        });
        let mut got = Vec::new();
        b.read_to_end(&mut got).await.unwrap();
        assert_eq!(got, expected);
        drop(writer.await.unwrap());
    }
}

#[test]
fn duplex_drop_gives_the_peer_eof_after_the_buffered_bytes() {
    block_on(async {
        let (mut a, mut b) = avx::io::duplex(64);
        a.write_all(b"last words").await.unwrap();
        drop(a);
        let mut got = String::new();
        b.read_to_string(&mut got).await.unwrap();
        assert_eq!(got, "last words");
        assert_eq!(b.read(&mut [0u8; 4]).await.unwrap(), 0);
        let err = b.write(b"anyone?").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BrokenPipe);
        let err = b.write_vectored(&[IoSlice::new(b"x")]).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BrokenPipe);
    });
}

rt_test! {
    async fn duplex_drop_wakes_a_waiting_reader_and_writer() {
        let (mut a, b) = avx::io::duplex(1);
        let (mut c, d) = avx::io::duplex(1);
        let reader = avx::spawn(async move {
            let mut buf = [0u8; 1];
            a.read(&mut buf).await
        });
        let writer = avx::spawn(async move {
            c.write_all(b"too much").await
        });
        avx::task::yield_now().await;
        drop(b);
        drop(d);
        assert_eq!(reader.await.unwrap().unwrap(), 0, "end of file");
        assert_eq!(writer.await.unwrap().unwrap_err().kind(), ErrorKind::BrokenPipe);
    }
}

rt_test! {
    async fn duplex_shutdown_is_a_half_close() {
        let (mut a, mut b) = avx::io::duplex(64);
        let reader = avx::spawn(async move {
            let mut got = Vec::new();
            b.read_to_end(&mut got).await.unwrap();
            b.write_all(b"reply").await.unwrap();
            got
        });
        a.write_all(b"request").await.unwrap();
        a.shutdown().await.unwrap();
        assert_eq!(a.write(b"more").await.unwrap_err().kind(), ErrorKind::BrokenPipe);
        assert_eq!(reader.await.unwrap(), b"request");
        let mut reply = [0u8; 5];
        a.read_exact(&mut reply).await.unwrap();
        assert_eq!(&reply, b"reply");
    }
}

#[test]
#[should_panic(expected = "`max_buf_size` must be greater than 0")]
fn duplex_zero_size_panics() {
    let _ = avx::io::duplex(0);
}

#[test]
#[should_panic(expected = "`max_buf_size` must be greater than 0")]
fn simplex_zero_size_panics() {
    let _ = avx::io::simplex(0);
}

#[test]
fn simplex_halves_and_unsplit() {
    block_on(async {
        let (mut reader, mut writer) = avx::io::simplex(3);
        assert_eq!(writer.write(b"abcd").await.unwrap(), 3);
        let mut buf = [0u8; 3];
        reader.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"abc");
        assert!(reader.is_pair_of(&writer));
        let mut whole: SimplexStream = reader.unsplit(writer);
        whole.write_all(b"xy").await.unwrap();
        whole.read_exact(&mut buf[..2]).await.unwrap();
        assert_eq!(&buf[..2], b"xy");
        whole.shutdown().await.unwrap();
        assert_eq!(whole.read(&mut buf).await.unwrap(), 0);
        assert_eq!(
            whole.write(b"z").await.unwrap_err().kind(),
            ErrorKind::BrokenPipe
        );
    });
}

rt_test! {
    async fn simplex_between_tasks() {
        let (mut reader, mut writer) = avx::io::simplex(5);
        let sender = avx::spawn(async move {
            for i in 0..100u32 {
                writer.write_u32(i).await.unwrap();
            }
            writer.shutdown().await.unwrap();
        });
        for i in 0..100u32 {
            assert_eq!(reader.read_u32().await.unwrap(), i);
        }
        assert_eq!(reader.read_u8().await.unwrap_err().kind(), ErrorKind::UnexpectedEof);
        sender.await.unwrap();
    }
}

#[test]
fn simplex_new_unsplit_is_a_loopback() {
    block_on(async {
        let mut pipe = SimplexStream::new_unsplit(8);
        assert_eq!(
            pipe.write_vectored(&[IoSlice::new(b"ab"), IoSlice::new(b"cd")])
                .await
                .unwrap(),
            4
        );
        pipe.flush().await.unwrap();
        let mut buf = [0u8; 4];
        pipe.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"abcd");
        let waiting = pin!(pipe.read(&mut buf));
        assert!(poll_once(waiting).is_pending(), "empty and open: waits");
    });
}

rt_test! {
    async fn split_halves_work_from_separate_tasks() {
        let (stream, mut peer) = avx::io::duplex(8);
        let (mut reader, mut writer) = avx::io::split(stream);
        assert!(writer.is_pair_of(&reader));
        assert!(writer.is_write_vectored());
        let echo = avx::spawn(async move {
            let mut buf = vec![0u8; 1000];
            peer.read_exact(&mut buf).await.unwrap();
            peer.write_all(&buf).await.unwrap();
            peer
        });
        let send = avx::spawn(async move {
            let data: Vec<u8> = (0..1000u32).map(|i| i as u8).collect();
            writer.write_all(&data).await.unwrap();
            writer.flush().await.unwrap();
            writer
        });
        let mut back = vec![0u8; 1000];
        reader.read_exact(&mut back).await.unwrap();
        assert!(back.iter().enumerate().all(|(i, &b)| b == i as u8));
        let writer = send.await.unwrap();
        let _peer = echo.await.unwrap();
        let mut stream = reader.unsplit(writer);
        stream.shutdown().await.unwrap();
    }
}

#[test]
fn split_shutdown_goes_to_the_stream() {
    block_on(async {
        let (stream, mut peer) = avx::io::duplex(8);
        let (_reader, mut writer) = avx::io::split(stream);
        writer.write_vectored(&[IoSlice::new(b"hi")]).await.unwrap();
        writer.shutdown().await.unwrap();
        let mut got = Vec::new();
        peer.read_to_end(&mut got).await.unwrap();
        assert_eq!(got, b"hi");
        assert_eq!(format!("{writer:?}"), "split::WriteHalf");
    });
}

#[test]
#[should_panic(expected = "Unrelated `split::Write` passed to `split::Read::unsplit`.")]
fn unsplit_of_unrelated_halves_panics() {
    let (one, _two) = avx::io::duplex(1);
    let (three, _four) = avx::io::duplex(1);
    let (reader, _) = avx::io::split(one);
    let (other_reader, writer) = avx::io::split(three);
    assert!(!reader.is_pair_of(&writer));
    assert!(!writer.is_pair_of(&reader));
    assert!(other_reader.is_pair_of(&writer));
    let _ = reader.unsplit(writer);
}

#[test]
fn join_reads_one_and_writes_the_other() {
    block_on(async {
        let mut joined = avx::io::join(&b"input\n"[..], Vec::new());
        let mut line = String::new();
        joined.read_line(&mut line).await.unwrap();
        assert_eq!(line, "input\n");
        joined.write_all(b"output").await.unwrap();
        assert!(joined.is_write_vectored());
        assert_eq!(joined.writer(), b"output");
        assert!(joined.reader().is_empty());
        joined.writer_mut().push(b'!');
        *joined.reader_mut() = b"again";
        let mut rest = Vec::new();
        joined.read_to_end(&mut rest).await.unwrap();
        assert_eq!(rest, b"again");
        let mut pinned = pin!(joined);
        pinned.as_mut().writer_pin_mut().get_mut().push(b'?');
        let _ = pinned.as_mut().reader_pin_mut();
    });
    let (_reader, writer) = avx::io::join(&b""[..], Vec::new()).into_inner();
    assert!(writer.is_empty());
}

#[test]
fn empty_reads_eof_and_takes_writes() {
    block_on(async {
        let mut empty = avx::io::empty();
        let mut buf = [0u8; 4];
        assert_eq!(empty.read(&mut buf).await.unwrap(), 0);
        assert_eq!(empty.fill_buf().await.unwrap(), b"");
        empty.consume(10);
        assert_eq!(empty.write(b"abc").await.unwrap(), 3);
        assert_eq!(
            empty
                .write_vectored(&[IoSlice::new(b"ab"), IoSlice::new(b"c")])
                .await
                .unwrap(),
            3
        );
        assert!(empty.is_write_vectored());
        empty.flush().await.unwrap();
        empty.shutdown().await.unwrap();
        assert_eq!(empty.seek(SeekFrom::End(100)).await.unwrap(), 0);
        assert_eq!(format!("{empty:?}"), "Empty { .. }");
    });
}

#[test]
fn sink_takes_everything() {
    block_on(async {
        let mut sink = avx::io::sink();
        assert_eq!(sink.write(b"abc").await.unwrap(), 3);
        assert_eq!(
            sink.write_vectored(&[IoSlice::new(b"ab"), IoSlice::new(b"cd")])
                .await
                .unwrap(),
            4
        );
        assert!(sink.is_write_vectored());
        sink.write_all(&[0u8; 100_000]).await.unwrap();
        sink.flush().await.unwrap();
        sink.shutdown().await.unwrap();
        assert_eq!(format!("{sink:?}"), "Sink { .. }");
    });
}

#[test]
fn repeat_fills_every_read() {
    block_on(async {
        let mut repeat = avx::io::repeat(0xAB);
        let mut buf = vec![0u8; 1000];
        assert_eq!(repeat.read(&mut buf).await.unwrap(), 1000);
        assert!(buf.iter().all(|&b| b == 0xAB));
        let mut taken = Vec::new();
        avx::io::repeat(b'z')
            .take(5)
            .read_to_end(&mut taken)
            .await
            .unwrap();
        assert_eq!(taken, b"zzzzz");
    });
}

/// Polls `op` until it returns `Pending`, which the cooperative budget must
/// force; returns how many times it was ready first.
async fn ready_streak(mut op: impl FnMut(&mut std::task::Context<'_>) -> Poll<()>) -> usize {
    poll_fn(|cx| {
        let mut streak = 0;
        while op(cx).is_ready() {
            streak += 1;
            assert!(streak < 100_000, "never made to yield");
        }
        Poll::Ready(streak)
    })
    .await
}

rt_test! {
    async fn always_ready_io_spends_the_budget() {
        avx::spawn(async {
            let mut buf = [0u8; 8];
            let mut repeat = avx::io::repeat(1);
            let streak = ready_streak(|cx| {
                Pin::new(&mut repeat).poll_read(cx, &mut ReadBuf::new(&mut buf)).map(drop)
            })
            .await;
            assert!(streak > 0);
            avx::task::yield_now().await;

            let mut empty = avx::io::empty();
            ready_streak(|cx| Pin::new(&mut empty).poll_read(cx, &mut ReadBuf::new(&mut buf)).map(drop)).await;
            avx::task::yield_now().await;
            ready_streak(|cx| Pin::new(&mut empty).poll_write(cx, b"x").map(drop)).await;
            avx::task::yield_now().await;

            let mut sink = avx::io::sink();
            ready_streak(|cx| Pin::new(&mut sink).poll_write(cx, b"x").map(drop)).await;
            avx::task::yield_now().await;

            // A duplex with room and data is always ready too.
            let (mut a, mut b) = avx::io::duplex(1 << 20);
            ready_streak(|cx| Pin::new(&mut a).poll_write(cx, b"x").map(drop)).await;
            avx::task::yield_now().await;
            // An empty read is ready at once, data or not.
            ready_streak(|cx| Pin::new(&mut b).poll_read(cx, &mut ReadBuf::new(&mut [])).map(drop)).await;
        })
        .await
        .unwrap();
    }
}

rt_test! {
    async fn a_long_copy_lets_other_tasks_run() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicBool, Ordering};
        // On the current-thread runtime the flag is set only if the copy yields.
        let flag = Arc::new(AtomicBool::new(false));
        let set = flag.clone();
        let setter = avx::spawn(async move { set.store(true, Ordering::SeqCst) });
        let watch = flag.clone();
        let mut source = avx::io::repeat(7).take(64 << 20);
        let mut sink = avx::io::sink();
        let copy = avx::io::copy(&mut source, &mut sink);
        let mut copy = pin!(copy);
        poll_fn(|cx| {
            if watch.load(Ordering::SeqCst) {
                return Poll::Ready(());
            }
            match copy.as_mut().poll(cx) {
                Poll::Ready(result) => panic!("the copy finished without yielding: {result:?}"),
                Poll::Pending => Poll::Pending,
            }
        })
        .await;
        setter.await.unwrap();
    }
}

#[test]
fn public_types_are_send_sync_and_unpin_as_tokios() {
    fn send_sync_unpin<T: Send + Sync + Unpin>() {}
    send_sync_unpin::<avx::io::DuplexStream>();
    send_sync_unpin::<SimplexStream>();
    send_sync_unpin::<avx::io::ReadHalf<avx::io::DuplexStream>>();
    send_sync_unpin::<avx::io::WriteHalf<avx::io::DuplexStream>>();
    send_sync_unpin::<avx::io::Empty>();
    send_sync_unpin::<avx::io::Sink>();
    send_sync_unpin::<avx::io::Repeat>();
    send_sync_unpin::<avx::io::Stdin>();
    send_sync_unpin::<avx::io::Stdout>();
    send_sync_unpin::<avx::io::Stderr>();
    send_sync_unpin::<avx::io::BufReader<()>>();
    send_sync_unpin::<avx::io::BufWriter<()>>();
    send_sync_unpin::<avx::io::BufStream<()>>();
    send_sync_unpin::<avx::io::Take<()>>();
    send_sync_unpin::<avx::io::Chain<(), ()>>();
    send_sync_unpin::<avx::io::Lines<()>>();
    send_sync_unpin::<avx::io::Split<()>>();
    send_sync_unpin::<avx::io::Join<(), ()>>();
}

#[test]
fn adapters_hand_out_their_inner_values_pinned() {
    block_on(async {
        let mut reader = pin!(avx::io::BufReader::new(&b"r"[..]));
        assert_eq!(*reader.as_mut().get_pin_mut(), b"r");
        let mut writer = pin!(avx::io::BufWriter::new(Vec::new()));
        writer.as_mut().get_pin_mut().push(1);
        assert_eq!(writer.as_ref().get_ref().get_ref(), &[1]);
        let mut stream = pin!(avx::io::BufStream::new(SimplexStream::new_unsplit(4)));
        stream
            .as_mut()
            .get_pin_mut()
            .write_all(b"ab")
            .await
            .unwrap();
        let mut two = [0u8; 2];
        stream.read_exact(&mut two).await.unwrap();
        assert_eq!(&two, b"ab");
        let mut taken = pin!((&b"take"[..]).take(2));
        assert_eq!(*taken.as_mut().get_pin_mut(), b"take");
        let mut chained = pin!((&b"a"[..]).chain(&b"b"[..]));
        let (first, second) = chained.as_mut().get_pin_mut();
        assert_eq!((*first, *second), (&b"a"[..], &b"b"[..]));
    });
}

rt_test! {
    async fn a_long_copy_buf_lets_other_tasks_run() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicBool, Ordering};
        let flag = Arc::new(AtomicBool::new(false));
        let set = flag.clone();
        let setter = avx::spawn(async move { set.store(true, Ordering::SeqCst) });
        let mut source = avx::io::BufReader::new(avx::io::repeat(7).take(64 << 20));
        let mut sink = avx::io::sink();
        let mut copy = pin!(avx::io::copy_buf(&mut source, &mut sink));
        poll_fn(|cx| {
            if flag.load(Ordering::SeqCst) {
                return Poll::Ready(());
            }
            match copy.as_mut().poll(cx) {
                Poll::Ready(result) => panic!("the copy finished without yielding: {result:?}"),
                Poll::Pending => Poll::Pending,
            }
        })
        .await;
        setter.await.unwrap();
    }
}
