//! `copy`, `copy_buf`, `copy_bidirectional` and
//! `copy_bidirectional_with_sizes`.

use std::io::ErrorKind;

use avx::io::{AsyncReadExt, AsyncWriteExt, BufReader};

use super::io_support::{Trickle, TrickleWriter, block_on};

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

#[test]
fn copy_moves_everything_and_flushes() {
    block_on(async {
        let data = pattern(50_000);
        let mut reader = Trickle::new(&data, 777).pending();
        let mut writer = TrickleWriter::new(333).pending();
        let n = avx::io::copy(&mut reader, &mut writer).await.unwrap();
        assert_eq!(n, 50_000);
        assert_eq!(writer.data, data);
        assert_eq!(writer.flushed_len, 50_000, "flushed after the last byte");
        assert_eq!(writer.shutdowns, 0, "copy does not shut down");
    });
}

#[test]
fn copy_flushes_while_the_reader_waits() {
    block_on(async {
        // Every read waits once; the writer must have been flushed with the
        // bytes written so far before the copy parks on the reader.
        let data = pattern(100);
        let mut reader = Trickle::new(&data, 10).pending();
        let mut writer = TrickleWriter::new(100);
        avx::io::copy(&mut reader, &mut writer).await.unwrap();
        assert!(writer.flushes >= 10, "flushed {} times", writer.flushes);
    });
}

#[test]
fn copy_errors() {
    block_on(async {
        let mut reader = Trickle::new(b"abcdef", 2).then_fail(ErrorKind::ConnectionReset);
        let mut writer = TrickleWriter::new(100);
        let err = avx::io::copy(&mut reader, &mut writer).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionReset);

        let mut reader = Trickle::new(b"abcdef", 6);
        let mut writer = TrickleWriter::new(100).capacity(4);
        let err = avx::io::copy(&mut reader, &mut writer).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WriteZero);

        let mut reader = Trickle::new(b"abcdef", 6).interrupted_first();
        let mut writer = TrickleWriter::new(1).interrupted_first();
        assert_eq!(avx::io::copy(&mut reader, &mut writer).await.unwrap(), 6);
        assert_eq!(
            writer.data, b"abcdef",
            "Interrupted is retried on both sides"
        );
    });
}

#[test]
fn copy_from_an_empty_reader() {
    block_on(async {
        let mut writer = TrickleWriter::new(10);
        let n = avx::io::copy(&mut avx::io::empty(), &mut writer)
            .await
            .unwrap();
        assert_eq!(n, 0);
        assert_eq!(writer.flushes, 1);
    });
}

#[test]
fn copy_buf_moves_everything_and_flushes() {
    block_on(async {
        let data = pattern(20_000);
        let mut reader = BufReader::with_capacity(1000, Trickle::new(&data, 700).pending());
        let mut writer = TrickleWriter::new(333).pending();
        let n = avx::io::copy_buf(&mut reader, &mut writer).await.unwrap();
        assert_eq!(n, 20_000);
        assert_eq!(writer.data, data);
        assert_eq!(writer.flushed_len, 20_000);

        // A reader that is its own buffer.
        let mut reader = Trickle::new(b"direct", 4).pending().interrupted_first();
        let mut writer = TrickleWriter::new(1);
        assert_eq!(
            avx::io::copy_buf(&mut reader, &mut writer).await.unwrap(),
            6
        );
        assert_eq!(writer.data, b"direct");
    });
}

#[test]
fn copy_buf_errors() {
    block_on(async {
        let mut reader = Trickle::new(b"ab", 2).then_fail(ErrorKind::TimedOut);
        let mut writer = TrickleWriter::new(100);
        let err = avx::io::copy_buf(&mut reader, &mut writer)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::TimedOut);
        assert_eq!(writer.data, b"ab");

        let mut reader: &[u8] = b"abcdef";
        let mut writer = TrickleWriter::new(100).capacity(3);
        let err = avx::io::copy_buf(&mut reader, &mut writer)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WriteZero);
        assert_eq!(reader, b"def", "only the written bytes were consumed");
    });
}

rt_test! {
    async fn copy_bidirectional_counts_both_directions_and_shuts_down_after_eof() {
        let (mut client, mut proxy_client_side) = avx::io::duplex(16);
        let (mut proxy_server_side, mut server) = avx::io::duplex(16);
        let proxy = avx::spawn(async move {
            avx::io::copy_bidirectional(&mut proxy_client_side, &mut proxy_server_side).await
        });

        let request = pattern(1000);
        let response = pattern(3000);
        let (req, resp) = (request.clone(), response.clone());
        let client_task = avx::spawn(async move {
            client.write_all(&req).await.unwrap();
            // The client closes its sending side first.
            client.shutdown().await.unwrap();
            let mut got = Vec::new();
            client.read_to_end(&mut got).await.unwrap();
            got
        });

        // The server sees the whole request, then end of file: the proxy shut
        // down its write side after the client's end of file.
        let mut got = Vec::new();
        server.read_to_end(&mut got).await.unwrap();
        assert_eq!(got, request);
        // The other direction still works after that.
        server.write_all(&resp).await.unwrap();
        server.shutdown().await.unwrap();

        assert_eq!(client_task.await.unwrap(), response);
        assert_eq!(proxy.await.unwrap().unwrap(), (1000, 3000));
    }
}

rt_test! {
    async fn copy_bidirectional_with_the_other_side_closing_first() {
        let (mut client, mut a) = avx::io::duplex(64);
        let (mut b, mut server) = avx::io::duplex(64);
        let proxy = avx::spawn(async move {
            let result = avx::io::copy_bidirectional(&mut a, &mut b).await;
            (result, a, b)
        });
        server.write_all(b"banner").await.unwrap();
        drop(server);
        let mut got = [0u8; 6];
        client.read_exact(&mut got).await.unwrap();
        assert_eq!(&got, b"banner");
        // b's peer is gone, so b reads end of file and a's write side is shut
        // down; the client then sees end of file ...
        assert_eq!(client.read(&mut got).await.unwrap(), 0);
        // ... while it can still send until it closes too. Its bytes have no
        // reader on the far side, so the proxy fails with BrokenPipe.
        client.write_all(b"late").await.unwrap();
        drop(client);
        let (result, _a, _b) = proxy.await.unwrap();
        assert_eq!(result.unwrap_err().kind(), ErrorKind::BrokenPipe);
    }
}

rt_test! {
    async fn copy_bidirectional_with_sizes_and_one_byte_buffers() {
        let (mut client, mut a) = avx::io::duplex(3);
        let (mut b, mut server) = avx::io::duplex(5);
        let proxy = avx::spawn(async move {
            avx::io::copy_bidirectional_with_sizes(&mut a, &mut b, 1, 1).await
        });
        let up = pattern(200);
        let down = pattern(150);
        let (up2, down2) = (up.clone(), down.clone());
        let server_task = avx::spawn(async move {
            let mut got = vec![0u8; up2.len()];
            server.read_exact(&mut got).await.unwrap();
            server.write_all(&down2).await.unwrap();
            server.shutdown().await.unwrap();
            let mut rest = Vec::new();
            server.read_to_end(&mut rest).await.unwrap();
            assert!(rest.is_empty());
            got
        });
        client.write_all(&up).await.unwrap();
        let mut got = vec![0u8; down.len()];
        client.read_exact(&mut got).await.unwrap();
        assert_eq!(got, down);
        client.shutdown().await.unwrap();
        assert_eq!(client.read(&mut [0u8; 1]).await.unwrap(), 0);
        assert_eq!(server_task.await.unwrap(), up);
        assert_eq!(proxy.await.unwrap().unwrap(), (200, 150));
    }
}

#[test]
#[should_panic(expected = "`a_to_b_buf_size` must be greater than 0")]
fn copy_bidirectional_with_a_zero_size_panics() {
    block_on(async {
        let (mut a, mut b) = avx::io::duplex(1);
        let _ = avx::io::copy_bidirectional_with_sizes(&mut a, &mut b, 0, 1).await;
    });
}

#[test]
#[should_panic(expected = "`b_to_a_buf_size` must be greater than 0")]
fn copy_bidirectional_with_a_zero_return_size_panics() {
    block_on(async {
        let (mut a, mut b) = avx::io::duplex(1);
        let _ = avx::io::copy_bidirectional_with_sizes(&mut a, &mut b, 1, 0).await;
    });
}
