//! TCP: `TcpListener`, `TcpStream` (I/O traits, `try_*`, readiness, peek,
//! splits, options, std conversions) and `TcpSocket`, over IPv4 loopback.

use std::future::poll_fn;
use std::io::{self, IoSlice, IoSliceMut};
use std::net::{Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use avx::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, Interest, ReadBuf};
use avx::net::{TcpListener, TcpSocket, TcpStream};

use super::net_util::{tcp_pair, within};

/// Reads from `stream` until `want` bytes have arrived or it hits end-of-file.
async fn read_n(stream: &mut (impl AsyncRead + Unpin), want: usize) -> Vec<u8> {
    let mut got = Vec::with_capacity(want);
    let mut buf = [0; 4096];
    while got.len() < want {
        let n = stream.read(&mut buf).await.unwrap();
        if n == 0 {
            break;
        }
        got.extend_from_slice(&buf[..n]);
    }
    got
}

/// Deterministic test data.
fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

/// Waits until `stream` has something to read (data or end-of-file).
async fn wait_readable(stream: &TcpStream) {
    stream.readable().await.unwrap();
}

rt_test! {
    async fn echo_over_loopback() {
        within(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let server = avx::spawn(async move {
                let (mut stream, _) = listener.accept().await.unwrap();
                let mut buf = [0; 1024];
                loop {
                    let n = stream.read(&mut buf).await.unwrap();
                    if n == 0 {
                        break;
                    }
                    stream.write_all(&buf[..n]).await.unwrap();
                }
            });
            let mut client = TcpStream::connect(addr).await.unwrap();
            for message in [&b"hello"[..], b"world", &[7; 1000]] {
                client.write_all(message).await.unwrap();
                assert_eq!(read_n(&mut client, message.len()).await, message);
            }
            client.shutdown().await.unwrap();
            server.await.unwrap();
        })
        .await;
    }
}

rt_test! {
    async fn connect_resolves_a_host_name_and_tries_each_address() {
        within(async {
            // `localhost` may resolve to ::1 first, which nothing listens on here;
            // connect must go on to 127.0.0.1.
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let port = listener.local_addr().unwrap().port();
            let (client, accepted) =
                avx::join!(TcpStream::connect(("localhost", port)), listener.accept());
            let client = client.unwrap();
            assert_eq!(client.peer_addr().unwrap().port(), port);
            assert_eq!(accepted.unwrap().1, client.local_addr().unwrap());
        })
        .await;
    }
}

rt_test! {
    async fn connect_with_no_addresses_is_invalid_input() {
        let none: &[SocketAddr] = &[];
        let err = TcpStream::connect(none).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        let err = TcpListener::bind(none).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    }
}

rt_test! {
    async fn addresses_match_on_both_ends() {
        within(async {
            let (client, server) = tcp_pair().await;
            assert_eq!(client.local_addr().unwrap(), server.peer_addr().unwrap());
            assert_eq!(client.peer_addr().unwrap(), server.local_addr().unwrap());
            assert_eq!(client.local_addr().unwrap().ip(), Ipv4Addr::LOCALHOST);
        })
        .await;
    }
}

rt_test! {
    async fn stream_options_round_trip() {
        within(async {
            let (client, _server) = tcp_pair().await;
            client.set_nodelay(true).unwrap();
            assert!(client.nodelay().unwrap());
            client.set_nodelay(false).unwrap();
            assert!(!client.nodelay().unwrap());
            client.set_ttl(42).unwrap();
            assert_eq!(client.ttl().unwrap(), 42);
            assert_eq!(client.linger().unwrap(), None);
            client.set_zero_linger().unwrap();
            assert_eq!(client.linger().unwrap(), Some(Duration::ZERO));
            #[allow(deprecated)]
            client.set_linger(None).unwrap();
            assert_eq!(client.linger().unwrap(), None);
            client.set_quickack(true).unwrap();
            assert!(client.quickack().unwrap());
            assert!(client.take_error().unwrap().is_none());
        })
        .await;
    }
}

rt_test! {
    async fn listener_options_and_debug() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.set_ttl(17).unwrap();
        assert_eq!(listener.ttl().unwrap(), 17);
        assert!(format!("{listener:?}").contains("TcpListener"));
    }
}

rt_test! {
    async fn try_read_would_block_when_nothing_has_arrived() {
        within(async {
            let (client, server) = tcp_pair().await;
            let mut buf = [0; 16];
            let err = server.try_read(&mut buf).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
            let mut bufs = [IoSliceMut::new(&mut buf)];
            let err = server.try_read_vectored(&mut bufs).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::WouldBlock);

            // Write with `try_write` once writable, then read it with `try_read`
            // once readable.
            client.writable().await.unwrap();
            assert_eq!(client.try_write(b"abc").unwrap(), 3);
            let n = loop {
                wait_readable(&server).await;
                match server.try_read(&mut buf) {
                    Ok(n) => break n,
                    Err(err) if err.kind() == io::ErrorKind::WouldBlock => continue,
                    Err(err) => panic!("{err}"),
                }
            };
            assert_eq!(&buf[..n], b"abc");
            // Drained again.
            let err = server.try_read(&mut buf).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
        })
        .await;
    }
}

rt_test! {
    async fn vectored_try_io_and_read_buf() {
        within(async {
            let (client, server) = tcp_pair().await;
            client.writable().await.unwrap();
            let bufs = [IoSlice::new(b"ab"), IoSlice::new(b"cd"), IoSlice::new(b"e")];
            assert_eq!(client.try_write_vectored(&bufs).unwrap(), 5);
            let (mut first, mut second) = ([0; 3], [0; 8]);
            let n = loop {
                wait_readable(&server).await;
                let mut bufs = [IoSliceMut::new(&mut first), IoSliceMut::new(&mut second)];
                match server.try_read_vectored(&mut bufs) {
                    Ok(n) => break n,
                    Err(err) if err.kind() == io::ErrorKind::WouldBlock => continue,
                    Err(err) => panic!("{err}"),
                }
            };
            assert_eq!(n, 5);
            assert_eq!((&first, &second[..2]), (b"abc", &b"de"[..]));

            assert_eq!(client.try_write(b"xyz").unwrap(), 3);
            let mut buf = Vec::with_capacity(16);
            loop {
                wait_readable(&server).await;
                match server.try_read_buf(&mut buf) {
                    Ok(n) => {
                        assert_eq!(n, 3);
                        break;
                    }
                    Err(err) if err.kind() == io::ErrorKind::WouldBlock => continue,
                    Err(err) => panic!("{err}"),
                }
            }
            assert_eq!(buf, b"xyz");
        })
        .await;
    }
}

rt_test! {
    async fn try_io_and_async_io_run_the_callers_operation() {
        within(async {
            use std::io::{Read, Write};

            let (client, server) = tcp_pair().await;
            // Std views of the same sockets, for the caller's own syscalls.
            let (raw_client, raw_server) = (std_view(&client), std_view(&server));
            let sent = client
                .async_io(Interest::WRITABLE, || (&raw_client).write(b"ping"))
                .await
                .unwrap();
            assert_eq!(sent, 4);
            let mut buf = [0; 4];
            let n = server
                .async_io(Interest::READABLE, || (&raw_server).read(&mut buf))
                .await
                .unwrap();
            assert_eq!(&buf[..n], b"ping");
            // Nothing more: try_io reports WouldBlock.
            let err = server
                .try_io(Interest::READABLE, || (&raw_server).read(&mut buf))
                .unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
        })
        .await;
    }
}

/// A std stream on a duplicate of `stream`'s descriptor, for operations of the
/// caller's own.
fn std_view(stream: &TcpStream) -> std::net::TcpStream {
    use std::os::fd::AsFd;
    std::net::TcpStream::from(stream.as_fd().try_clone_to_owned().unwrap())
}

rt_test! {
    async fn peek_does_not_consume() {
        within(async {
            let (mut client, mut server) = tcp_pair().await;
            client.write_all(b"peekaboo").await.unwrap();
            let mut buf = [0; 8];
            let mut peeked = 0;
            while peeked < 8 {
                peeked = server.peek(&mut buf).await.unwrap();
            }
            assert_eq!(&buf, b"peekaboo");
            // poll_peek sees the same bytes.
            let mut storage = [0; 4];
            let mut read_buf = ReadBuf::new(&mut storage);
            let n = poll_fn(|cx| server.poll_peek(cx, &mut read_buf)).await.unwrap();
            assert_eq!((n, read_buf.filled()), (4, &b"peek"[..]));
            // And so does a read.
            assert_eq!(read_n(&mut server, 8).await, b"peekaboo");
        })
        .await;
    }
}

rt_test! {
    async fn a_cancelled_peek_consumes_nothing() {
        within(async {
            let (mut client, server) = tcp_pair().await;
            let mut buf = [0; 4];
            avx::select! {
                biased;
                _ = server.peek(&mut buf) => panic!("nothing was sent yet"),
                _ = avx::task::yield_now() => {}
            }
            client.write_all(b"data").await.unwrap();
            let mut buf = [0; 4];
            let mut n = 0;
            while n < 4 {
                n = server.peek(&mut buf).await.unwrap();
            }
            assert_eq!(&buf, b"data");
        })
        .await;
    }
}

rt_test! {
    async fn ready_reports_what_is_ready() {
        within(async {
            let (mut client, server) = tcp_pair().await;
            let ready = server.ready(Interest::READABLE | Interest::WRITABLE).await.unwrap();
            assert!(ready.is_writable());
            client.write_all(b"x").await.unwrap();
            let mut ready = server.ready(Interest::READABLE).await.unwrap();
            while !ready.is_readable() {
                ready = server.ready(Interest::READABLE).await.unwrap();
            }
            assert!(ready.is_readable());
            poll_fn(|cx| server.poll_read_ready(cx)).await.unwrap();
            poll_fn(|cx| server.poll_write_ready(cx)).await.unwrap();
        })
        .await;
    }
}

rt_test! {
    async fn concurrent_readers_are_all_woken_through_readable() {
        within(async {
            let (mut client, server) = tcp_pair().await;
            let server = Arc::new(server);
            let mut waiters = Vec::new();
            for _ in 0..4 {
                let server = Arc::clone(&server);
                waiters.push(avx::spawn(async move { server.readable().await.unwrap() }));
            }
            // Let every waiter reach its wait before the data arrives.
            for _ in 0..8 {
                avx::task::yield_now().await;
            }
            client.write_all(b"wake").await.unwrap();
            for waiter in waiters {
                waiter.await.unwrap();
            }
        })
        .await;
    }
}

rt_test! {
    async fn large_transfers_survive_partial_writes() {
        within(async {
            let (mut client, mut server) = tcp_pair().await;
            let data = pattern(8 << 20);
            let expected = data.clone();
            // The kernel's buffers are far smaller than 8 MiB, so the writer
            // repeatedly fills them and waits for the reader.
            let writer = avx::spawn(async move {
                client.write_all(&data).await.unwrap();
                client.shutdown().await.unwrap();
                client
            });
            let mut received = Vec::new();
            server.read_to_end(&mut received).await.unwrap();
            assert!(received == expected, "the data arrived changed");
            writer.await.unwrap();
        })
        .await;
    }
}

rt_test! {
    async fn vectored_writes_through_async_write() {
        within(async {
            let (mut client, mut server) = tcp_pair().await;
            assert!(client.is_write_vectored());
            let chunk = pattern(64 * 1024);
            let total = chunk.len() * 64;
            let reader = avx::spawn(async move { read_n(&mut server, total).await });
            let mut sent = 0;
            while sent < total {
                // 64 slices of 64 KiB, skipping what was sent: partial writes are
                // expected once the send buffer fills.
                let mut slices = Vec::new();
                let mut skip = sent;
                for _ in 0..64 {
                    if skip >= chunk.len() {
                        skip -= chunk.len();
                        continue;
                    }
                    slices.push(IoSlice::new(&chunk[skip..]));
                    skip = 0;
                }
                let n = poll_fn(|cx| Pin::new(&mut client).poll_write_vectored(cx, &slices))
                    .await
                    .unwrap();
                assert!(n > 0);
                sent += n;
            }
            let received = reader.await.unwrap();
            assert_eq!(received.len(), total);
            assert!(received.chunks(chunk.len()).all(|c| c == chunk));
        })
        .await;
    }
}

rt_test! {
    async fn many_connections_at_once() {
        within(async {
            const CLIENTS: usize = 100;
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let server = avx::spawn(async move {
                let mut handlers = Vec::new();
                for _ in 0..CLIENTS {
                    let (mut stream, _) = listener.accept().await.unwrap();
                    handlers.push(avx::spawn(async move {
                        let mut buf = [0; 8];
                        stream.read_exact(&mut buf).await.unwrap();
                        stream.write_all(&buf).await.unwrap();
                    }));
                }
                for handler in handlers {
                    handler.await.unwrap();
                }
            });
            let mut clients = Vec::new();
            for i in 0..CLIENTS as u64 {
                clients.push(avx::spawn(async move {
                    let mut stream = TcpStream::connect(addr).await.unwrap();
                    stream.write_all(&i.to_le_bytes()).await.unwrap();
                    let mut buf = [0; 8];
                    stream.read_exact(&mut buf).await.unwrap();
                    assert_eq!(u64::from_le_bytes(buf), i);
                }));
            }
            for client in clients {
                client.await.unwrap();
            }
            server.await.unwrap();
        })
        .await;
    }
}

rt_test! {
    async fn split_reads_and_writes_at_once() {
        within(async {
            let (mut client, mut server) = tcp_pair().await;
            let (mut read, mut write) = server.split();
            assert_eq!(read.peer_addr().unwrap(), write.peer_addr().unwrap());
            assert_eq!(read.local_addr().unwrap(), write.local_addr().unwrap());
            let echo = async {
                let mut buf = [0; 5];
                read.read_exact(&mut buf).await.unwrap();
                write.write_all(&buf).await.unwrap();
                write.shutdown().await.unwrap();
            };
            let talk = async {
                client.write_all(b"split").await.unwrap();
                read_n(&mut client, 6).await
            };
            let ((), echoed) = avx::join!(echo, talk);
            assert_eq!(echoed, b"split", "then end-of-file from the write half's shutdown");
        })
        .await;
    }
}

rt_test! {
    async fn borrowed_halves_have_the_try_and_peek_methods() {
        within(async {
            let (mut client, mut server) = tcp_pair().await;
            let (mut read, write) = server.split();
            let mut buf = [0; 4];
            assert_eq!(read.try_read(&mut buf).unwrap_err().kind(), io::ErrorKind::WouldBlock);
            write.writable().await.unwrap();
            assert!(write.ready(Interest::WRITABLE).await.unwrap().is_writable());
            assert_eq!(write.try_write(b"to").unwrap(), 2);
            assert_eq!(write.try_write_vectored(&[IoSlice::new(b"!")]).unwrap(), 1);
            assert_eq!(read_n(&mut client, 3).await, b"to!");
            assert_eq!(write.as_ref().local_addr().unwrap(), read.as_ref().local_addr().unwrap());

            client.write_all(b"back").await.unwrap();
            let mut n = 0;
            while n < 4 {
                n = read.peek(&mut buf).await.unwrap();
            }
            read.readable().await.unwrap();
            assert!(read.ready(Interest::READABLE).await.unwrap().is_readable());
            let mut bufs = [IoSliceMut::new(&mut buf)];
            assert_eq!(read.try_read_vectored(&mut bufs).unwrap(), 4);
            assert_eq!(&buf, b"back");
        })
        .await;
    }
}

rt_test! {
    async fn owned_halves_move_to_tasks_and_reunite() {
        within(async {
            let (mut client, server) = tcp_pair().await;
            let server_addr = server.local_addr().unwrap();
            let (mut read, mut write) = server.into_split();
            let reader = avx::spawn(async move {
                let mut buf = [0; 3];
                read.read_exact(&mut buf).await.unwrap();
                assert_eq!(&buf, b"one");
                read
            });
            let writer = avx::spawn(async move {
                write.write_all(b"two").await.unwrap();
                write
            });
            client.write_all(b"one").await.unwrap();
            assert_eq!(read_n(&mut client, 3).await, b"two");
            let (read, write) = (reader.await.unwrap(), writer.await.unwrap());
            let stream = read.reunite(write).unwrap();
            assert_eq!(stream.local_addr().unwrap(), server_addr);
        })
        .await;
    }
}

rt_test! {
    async fn reuniting_halves_of_different_streams_fails() {
        within(async {
            let (_c1, first) = tcp_pair().await;
            let (_c2, second) = tcp_pair().await;
            let (read1, write1) = first.into_split();
            let (read2, write2) = second.into_split();
            let err = read1.reunite(write2).unwrap_err();
            assert_eq!(
                err.to_string(),
                "tried to reunite halves that are not from the same socket"
            );
            // The halves come back intact and still pair up with their own.
            let avx::net::tcp::ReuniteError(read1, write2) = err;
            write1.reunite(read1).unwrap();
            write2.reunite(read2).unwrap();
        })
        .await;
    }
}

rt_test! {
    async fn dropping_the_owned_write_half_sends_eof_and_forget_does_not() {
        within(async {
            let (mut client, server) = tcp_pair().await;
            let (_read, write) = server.into_split();
            drop(write);
            assert_eq!(read_n(&mut client, 1).await, b"", "end-of-file");

            let (client, server) = tcp_pair().await;
            let (_read, write) = server.into_split();
            write.forget();
            // No end-of-file: the stream is still open for writing.
            let mut buf = [0; 1];
            assert_eq!(client.try_read(&mut buf).unwrap_err().kind(), io::ErrorKind::WouldBlock);
        })
        .await;
    }
}

rt_test! {
    async fn owned_halves_have_the_try_and_peek_methods() {
        within(async {
            let (mut client, server) = tcp_pair().await;
            let (mut read, mut write) = server.into_split();
            write.writable().await.unwrap();
            assert!(write.ready(Interest::WRITABLE).await.unwrap().is_writable());
            assert_eq!(write.try_write(b"a").unwrap(), 1);
            assert_eq!(write.try_write_vectored(&[IoSlice::new(b"b")]).unwrap(), 1);
            assert_eq!(write.peer_addr().unwrap(), client.local_addr().unwrap());
            assert_eq!(read_n(&mut client, 2).await, b"ab");
            write.shutdown().await.unwrap();
            // Shut down once: dropping later does nothing more.
            drop(write);
            assert_eq!(read_n(&mut client, 1).await, b"");

            client.write_all(b"cd").await.unwrap();
            let mut buf = [0; 2];
            let mut n = 0;
            while n < 2 {
                n = read.peek(&mut buf).await.unwrap();
            }
            read.readable().await.unwrap();
            let mut bufs = [IoSliceMut::new(&mut buf)];
            assert_eq!(read.try_read_vectored(&mut bufs).unwrap(), 2);
            assert_eq!(&buf, b"cd");
            assert_eq!(read.local_addr().unwrap(), client.peer_addr().unwrap());
        })
        .await;
    }
}

rt_test! {
    async fn from_std_and_into_std() {
        within(async {
            let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            std_listener.set_nonblocking(true).unwrap();
            let listener = TcpListener::from_std(std_listener).unwrap();
            let addr = listener.local_addr().unwrap();
            let std_client = std::net::TcpStream::connect(addr).unwrap();
            std_client.set_nonblocking(true).unwrap();
            let mut client = TcpStream::try_from(std_client).unwrap();
            let (server, _) = listener.accept().await.unwrap();
            client.write_all(b"std").await.unwrap();

            // Back to std, still non-blocking.
            let mut server = server.into_std().unwrap();
            let mut buf = [0; 3];
            let n = loop {
                match std::io::Read::read(&mut server, &mut buf) {
                    Ok(n) => break n,
                    Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                        avx::task::yield_now().await
                    }
                    Err(err) => panic!("{err}"),
                }
            };
            assert_eq!(&buf[..n], b"std");
            let err = std::io::Read::read(&mut server, &mut buf).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
            let listener = listener.into_std().unwrap();
            assert_eq!(listener.local_addr().unwrap(), addr);
            let listener = TcpListener::try_from(listener).unwrap();
            assert_eq!(listener.local_addr().unwrap(), addr);
        })
        .await;
    }
}

#[cfg(debug_assertions)]
rt_test! {
    #[should_panic(expected = "Registering a blocking socket")]
    async fn from_std_refuses_a_blocking_socket_in_debug_builds() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let _ = TcpListener::from_std(listener);
    }
}

rt_test! {
    async fn poll_accept_accepts() {
        within(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let client = avx::spawn(async move { TcpStream::connect(addr).await.unwrap() });
            let (stream, peer) = poll_fn(|cx| listener.poll_accept(cx)).await.unwrap();
            let client = client.await.unwrap();
            assert_eq!(peer, client.local_addr().unwrap());
            assert_eq!(stream.peer_addr().unwrap(), peer);
        })
        .await;
    }
}

rt_test! {
    async fn a_cancelled_accept_takes_no_connection() {
        within(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            // Poll accept once (nothing pending), then drop it.
            let mut accept = Box::pin(listener.accept());
            let polled = poll_fn(|cx| Poll::Ready(accept.as_mut().poll(cx))).await;
            assert!(polled.is_pending());
            drop(accept);
            let client = TcpStream::connect(addr).await.unwrap();
            let (_, peer) = listener.accept().await.unwrap();
            assert_eq!(peer, client.local_addr().unwrap());
        })
        .await;
    }
}

rt_test! {
    async fn tcp_socket_options_and_connect() {
        within(async {
            let socket = TcpSocket::new_v4().unwrap();
            for on in [true, false] {
                socket.set_reuseaddr(on).unwrap();
                assert_eq!(socket.reuseaddr().unwrap(), on);
                socket.set_reuseport(on).unwrap();
                assert_eq!(socket.reuseport().unwrap(), on);
                socket.set_keepalive(on).unwrap();
                assert_eq!(socket.keepalive().unwrap(), on);
                socket.set_nodelay(on).unwrap();
                assert_eq!(socket.nodelay().unwrap(), on);
            }
            socket.set_send_buffer_size(32 * 1024).unwrap();
            assert!(socket.send_buffer_size().unwrap() >= 32 * 1024);
            socket.set_recv_buffer_size(32 * 1024).unwrap();
            assert!(socket.recv_buffer_size().unwrap() >= 32 * 1024);
            socket.set_zero_linger().unwrap();
            assert_eq!(socket.linger().unwrap(), Some(Duration::ZERO));
            #[allow(deprecated)]
            socket.set_linger(None).unwrap();
            assert_eq!(socket.linger().unwrap(), None);
            socket.set_tos_v4(0x10).unwrap();
            assert_eq!(socket.tos_v4().unwrap(), 0x10);
            assert_eq!(socket.device().unwrap(), None);
            assert!(socket.take_error().unwrap().is_none());
            assert!(format!("{socket:?}").contains("TcpSocket"));

            // Unbound, then bound.
            assert_eq!(socket.local_addr().unwrap().port(), 0);
            socket.set_reuseaddr(true).unwrap();
            socket.bind((Ipv4Addr::LOCALHOST, 0).into()).unwrap();
            let addr = socket.local_addr().unwrap();
            assert_ne!(addr.port(), 0);
            let listener = socket.listen(16).unwrap();
            assert_eq!(listener.local_addr().unwrap(), addr);

            let client = TcpSocket::new_v4().unwrap();
            client.bind((Ipv4Addr::LOCALHOST, 0).into()).unwrap();
            let client_addr = client.local_addr().unwrap();
            let (stream, accepted) = avx::join!(client.connect(addr), listener.accept());
            let stream = stream.unwrap();
            assert_eq!(stream.local_addr().unwrap(), client_addr);
            assert_eq!(accepted.unwrap().1, client_addr);
        })
        .await;
    }
}

rt_test! {
    async fn tcp_socket_on_ipv6_and_from_std_stream() {
        within(async {
            let v6 = TcpSocket::new_v6().unwrap();
            v6.set_tclass_v6(0x20).unwrap();
            assert_eq!(v6.tclass_v6().unwrap(), 0x20);

            let (client, _server) = tcp_pair().await;
            let std_stream = client.into_std().unwrap();
            let addr = std_stream.local_addr().unwrap();
            let socket = TcpSocket::from_std_stream(std_stream);
            assert_eq!(socket.local_addr().unwrap(), addr);
            socket.set_keepalive(true).unwrap();
            assert!(socket.keepalive().unwrap());
        })
        .await;
    }
}

rt_test! {
    async fn reuseport_lets_two_listeners_share_a_port() {
        within(async {
            let first = TcpSocket::new_v4().unwrap();
            first.set_reuseport(true).unwrap();
            first.bind((Ipv4Addr::LOCALHOST, 0).into()).unwrap();
            let addr = first.local_addr().unwrap();
            let _first = first.listen(16).unwrap();

            let second = TcpSocket::new_v4().unwrap();
            second.set_reuseport(true).unwrap();
            second.bind(addr).unwrap();
            let _second = second.listen(16).unwrap();

            let third = TcpSocket::new_v4().unwrap();
            let err = third.bind(addr).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::AddrInUse);
        })
        .await;
    }
}

rt_test! {
    async fn stream_debug_and_raw_fd() {
        use std::os::fd::{AsFd, AsRawFd};

        within(async {
            let (client, _server) = tcp_pair().await;
            assert!(format!("{client:?}").contains("TcpStream"));
            assert_eq!(client.as_fd().as_raw_fd(), client.as_raw_fd());
        })
        .await;
    }
}

rt_test! {
    async fn an_accepted_stream_starts_ready_until_an_operation_finds_it_is_not() {
        // tokio assumes an accepted stream readable and writable, so its first read
        // tries the socket at once. The tokio backend's `AsyncFd` cannot make that
        // assumption (migration-guide.md): there readiness comes with the first event.
        if crate::BACKEND != avx::runtime::Backend::Native {
            return;
        }
        within(async {
            let (_client, server) = tcp_pair().await;
            // Nothing is ever sent: only the assumption makes it readable.
            let mut readable = std::pin::pin!(server.readable());
            assert!(crate::suite::sync_util::poll_once(readable.as_mut()).is_ready());
            let mut writable = std::pin::pin!(server.writable());
            assert!(crate::suite::sync_util::poll_once(writable.as_mut()).is_ready());
            // A read that finds nothing clears it. On the multi-thread runtime the
            // socket's first event may land between the read and its clear, which
            // then (rightly) keeps the readiness: a few tries see it settle.
            let cleared = (0..100).any(|_| {
                let error = server.try_read(&mut [0; 8]).unwrap_err();
                assert_eq!(error.kind(), io::ErrorKind::WouldBlock);
                let mut readable = std::pin::pin!(server.readable());
                crate::suite::sync_util::poll_once(readable.as_mut()).is_pending()
            });
            assert!(cleared, "reads that found nothing never cleared the assumption");
        })
        .await;
    }
}

#[test]
fn io_on_a_runtime_without_io_panics_at_the_callers_line() {
    // On the tokio backend the panic comes from inside tokio's own registration.
    if crate::BACKEND != avx::runtime::Backend::Native {
        return;
    }
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let rt = avx::runtime::Builder::new_current_thread()
        .backend(crate::BACKEND)
        .build()
        .unwrap();
    let file = crate::suite::panic_file(move || {
        rt.block_on(async {
            let _ = TcpListener::from_std(listener);
        });
    });
    assert_eq!(file.as_deref(), Some(file!()));
}
