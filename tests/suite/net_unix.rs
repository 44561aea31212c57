//! Unix domain sockets: `UnixListener`, `UnixStream` (pairs, splits, peer
//! credentials, `try_*`), `UnixDatagram`, and `unix::SocketAddr`.

use std::future::poll_fn;
use std::io::{self, IoSlice, IoSliceMut};
use std::os::unix::fs::MetadataExt;

use avx::io::{AsyncReadExt, AsyncWriteExt, Interest, ReadBuf};
use avx::net::{UnixDatagram, UnixListener, UnixStream};

use super::net_util::{TempDir, within};

rt_test! {
    async fn echo_over_a_path() {
        within(async {
            let dir = TempDir::new("echo");
            let path = dir.path().join("echo.sock");
            let listener = UnixListener::bind(&path).unwrap();
            assert_eq!(listener.local_addr().unwrap().as_pathname(), Some(path.as_path()));
            let server = avx::spawn(async move {
                let (mut stream, peer) = listener.accept().await.unwrap();
                assert!(peer.is_unnamed());
                let mut buf = [0; 64];
                loop {
                    let n = stream.read(&mut buf).await.unwrap();
                    if n == 0 {
                        break;
                    }
                    stream.write_all(&buf[..n]).await.unwrap();
                }
            });
            let mut client = UnixStream::connect(&path).await.unwrap();
            assert_eq!(client.peer_addr().unwrap().as_pathname(), Some(path.as_path()));
            assert!(client.local_addr().unwrap().is_unnamed());
            client.write_all(b"over unix").await.unwrap();
            let mut buf = [0; 9];
            client.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"over unix");
            client.shutdown().await.unwrap();
            server.await.unwrap();
        })
        .await;
    }
}

rt_test! {
    async fn abstract_addresses() {
        within(async {
            // A TempDir's path is unique per test instance (each flavor runs the
            // test in its own module, so a static counter here would not be).
            let dir = TempDir::new("abstract");
            let name = format!("\0{}", dir.path().display());
            let listener = UnixListener::bind(&name).unwrap();
            let local = listener.local_addr().unwrap();
            assert_eq!(local.as_abstract_name(), Some(&name.as_bytes()[1..]));
            assert_eq!(local.as_pathname(), None);
            let (client, accepted) = avx::join!(UnixStream::connect(&name), listener.accept());
            let (client, mut server) = (client.unwrap(), accepted.unwrap().0);
            let addr = client.peer_addr().unwrap();
            assert_eq!(addr.as_abstract_name(), local.as_abstract_name());
            // And by address.
            let again = UnixStream::connect_addr(&addr);
            let (again, accepted) = avx::join!(again, listener.accept());
            again.unwrap();
            accepted.unwrap();
            drop(client);
            let mut buf = [0; 1];
            assert_eq!(server.read(&mut buf).await.unwrap(), 0);
        })
        .await;
    }
}

rt_test! {
    async fn poll_accept_and_std_conversions() {
        within(async {
            let dir = TempDir::new("std");
            let path = dir.path().join("s");
            let std_listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
            std_listener.set_nonblocking(true).unwrap();
            let listener = UnixListener::try_from(std_listener).unwrap();
            let connect = UnixStream::connect(&path);
            let (client, accepted) =
                avx::join!(connect, poll_fn(|cx| listener.poll_accept(cx)));
            let (client, (server, _)) = (client.unwrap(), accepted.unwrap());
            assert!(listener.take_error().unwrap().is_none());
            assert!(format!("{listener:?}").contains("UnixListener"));

            let mut std_server = server.into_std().unwrap();
            let mut buf = [0; 1];
            let err = std::io::Read::read(&mut std_server, &mut buf).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::WouldBlock, "still non-blocking");
            let mut server = UnixStream::from_std(std_server).unwrap();
            let mut client = UnixStream::try_from(client.into_std().unwrap()).unwrap();
            client.write_all(b"z").await.unwrap();
            server.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"z");
            let std_listener = listener.into_std().unwrap();
            assert_eq!(std_listener.local_addr().unwrap().as_pathname(), Some(path.as_path()));
            UnixListener::from_std(std_listener).unwrap();
        })
        .await;
    }
}

rt_test! {
    async fn connecting_to_nothing_fails_clearly() {
        within(async {
            let dir = TempDir::new("missing");
            let missing = dir.path().join("nobody-here");
            let err = UnixStream::connect(&missing).await.unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::NotFound);
            // A socket file whose listener is gone.
            let stale = dir.path().join("stale");
            drop(UnixListener::bind(&stale).unwrap());
            let err = UnixStream::connect(&stale).await.unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused);
            // Binding an existing path fails.
            let err = UnixListener::bind(&stale).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::AddrInUse);
        })
        .await;
    }
}

rt_test! {
    async fn pair_try_read_and_try_write() {
        within(async {
            let (a, b) = UnixStream::pair().unwrap();
            let mut buf = [0; 8];
            assert_eq!(b.try_read(&mut buf).unwrap_err().kind(), io::ErrorKind::WouldBlock);
            a.writable().await.unwrap();
            assert!(a.ready(Interest::WRITABLE).await.unwrap().is_writable());
            poll_fn(|cx| a.poll_write_ready(cx)).await.unwrap();
            assert_eq!(a.try_write(b"abc").unwrap(), 3);
            assert_eq!(a.try_write_vectored(&[IoSlice::new(b"d"), IoSlice::new(b"e")]).unwrap(), 2);
            b.readable().await.unwrap();
            poll_fn(|cx| b.poll_read_ready(cx)).await.unwrap();
            let (mut x, mut y) = ([0; 2], [0; 8]);
            let n = b
                .try_read_vectored(&mut [IoSliceMut::new(&mut x), IoSliceMut::new(&mut y)])
                .unwrap();
            assert_eq!((n, &x, &y[..3]), (5, b"ab", &b"cde"[..]));

            assert_eq!(a.try_write(b"buf").unwrap(), 3);
            b.readable().await.unwrap();
            let mut v = Vec::with_capacity(8);
            assert_eq!(b.try_read_buf(&mut v).unwrap(), 3);
            assert_eq!(v, b"buf");
            assert_eq!(b.try_read(&mut buf).unwrap_err().kind(), io::ErrorKind::WouldBlock);
            assert!(a.take_error().unwrap().is_none());
        })
        .await;
    }
}

rt_test! {
    async fn try_io_and_async_io_run_the_callers_operation() {
        within(async {
            use std::io::{Read, Write};

            let (a, b) = UnixStream::pair().unwrap();
            let (raw_a, raw_b) = (std_view(&a), std_view(&b));
            assert_eq!(a.async_io(Interest::WRITABLE, || (&raw_a).write(b"hi")).await.unwrap(), 2);
            let mut buf = [0; 2];
            let n = b.async_io(Interest::READABLE, || (&raw_b).read(&mut buf)).await.unwrap();
            assert_eq!(&buf[..n], b"hi");
            let err = b.try_io(Interest::READABLE, || (&raw_b).read(&mut buf)).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
        })
        .await;
    }
}

fn std_view(stream: &UnixStream) -> std::os::unix::net::UnixStream {
    use std::os::fd::AsFd;
    std::os::unix::net::UnixStream::from(stream.as_fd().try_clone_to_owned().unwrap())
}

rt_test! {
    async fn peer_credentials_name_this_process() {
        within(async {
            let (a, _b) = UnixStream::pair().unwrap();
            let cred = a.peer_cred().unwrap();
            // A file this process creates carries its effective user and group.
            let dir = TempDir::new("cred");
            let file = dir.path().join("owned");
            std::fs::write(&file, b"").unwrap();
            let meta = std::fs::metadata(&file).unwrap();
            assert_eq!(cred.uid(), meta.uid());
            assert_eq!(cred.gid(), meta.gid());
            assert_eq!(cred.pid(), Some(std::process::id() as i32));
        })
        .await;
    }
}

rt_test! {
    async fn large_transfers_over_a_pair() {
        within(async {
            let (mut a, mut b) = UnixStream::pair().unwrap();
            let data: Vec<u8> = (0..4 << 20).map(|i| (i % 253) as u8).collect();
            let expected = data.clone();
            let writer = avx::spawn(async move {
                a.write_all(&data).await.unwrap();
                a.shutdown().await.unwrap();
            });
            let mut got = Vec::new();
            b.read_to_end(&mut got).await.unwrap();
            assert!(got == expected);
            writer.await.unwrap();
        })
        .await;
    }
}

rt_test! {
    async fn split_and_reunite() {
        within(async {
            let (mut a, b) = UnixStream::pair().unwrap();
            {
                let (mut read, mut write) = a.split();
                write.write_all(b"ping").await.unwrap();
                assert!(read.peer_addr().unwrap().is_unnamed());
                assert!(write.local_addr().unwrap().is_unnamed());
                let (mut b_read, b_write) = b.into_split();
                let mut buf = [0; 4];
                b_read.read_exact(&mut buf).await.unwrap();
                b_write.writable().await.unwrap();
                assert!(b_write.ready(Interest::WRITABLE).await.unwrap().is_writable());
                assert_eq!(b_write.try_write(b"po").unwrap(), 2);
                assert_eq!(b_write.try_write_vectored(&[IoSlice::new(b"ng")]).unwrap(), 2);
                read.readable().await.unwrap();
                assert!(read.ready(Interest::READABLE).await.unwrap().is_readable());
                let mut got = [0; 4];
                read.read_exact(&mut got).await.unwrap();
                assert_eq!(&got, b"pong");
                assert_eq!(read.try_read(&mut got).unwrap_err().kind(), io::ErrorKind::WouldBlock);
                assert_eq!(write.try_write(b"!").unwrap(), 1);
                b_read.readable().await.unwrap();
                let mut one = [0; 1];
                assert_eq!(b_read.try_read(&mut one).unwrap(), 1);
                let b = b_read.reunite(b_write).unwrap();
                assert!(b.local_addr().unwrap().is_unnamed());
            }
            // Mismatched halves come back.
            let (c, _d) = UnixStream::pair().unwrap();
            let (a_read, a_write) = a.into_split();
            let (c_read, c_write) = c.into_split();
            let err = a_write.reunite(c_read).unwrap_err();
            assert_eq!(
                err.to_string(),
                "tried to reunite halves that are not from the same socket"
            );
            let avx::net::unix::ReuniteError(c_read, a_write) = err;
            a_read.reunite(a_write).unwrap();
            c_write.reunite(c_read).unwrap();
        })
        .await;
    }
}

rt_test! {
    async fn dropping_the_owned_write_half_sends_eof_and_forget_does_not() {
        within(async {
            let (a, mut b) = UnixStream::pair().unwrap();
            let (_read, write) = a.into_split();
            drop(write);
            let mut buf = [0; 1];
            assert_eq!(b.read(&mut buf).await.unwrap(), 0);

            let (a, b) = UnixStream::pair().unwrap();
            let (_read, write) = a.into_split();
            write.forget();
            assert_eq!(b.try_read(&mut buf).unwrap_err().kind(), io::ErrorKind::WouldBlock);
        })
        .await;
    }
}

rt_test! {
    async fn datagram_pair_keeps_message_boundaries() {
        within(async {
            let (a, b) = UnixDatagram::pair().unwrap();
            for message in [&b"one"[..], b"", b"three"] {
                assert_eq!(a.send(message).await.unwrap(), message.len());
            }
            let mut buf = [0; 16];
            for message in [&b"one"[..], b"", b"three"] {
                let n = b.recv(&mut buf).await.unwrap();
                assert_eq!(&buf[..n], message);
            }
            assert!(a.peer_addr().unwrap().is_unnamed());
            assert!(a.local_addr().unwrap().is_unnamed());
        })
        .await;
    }
}

rt_test! {
    async fn datagrams_between_bound_and_unbound_sockets() {
        within(async {
            let dir = TempDir::new("dgram");
            let server_path = dir.path().join("server");
            let client_path = dir.path().join("client");
            let server = UnixDatagram::bind(&server_path).unwrap();
            let client = UnixDatagram::bind(&client_path).unwrap();
            assert_eq!(client.send_to(b"hello", &server_path).await.unwrap(), 5);
            let mut buf = [0; 16];
            let (n, from) = server.recv_from(&mut buf).await.unwrap();
            assert_eq!((&buf[..n], from.as_pathname()), (&b"hello"[..], Some(client_path.as_path())));
            server.send_to(b"back", &client_path).await.unwrap();
            let (n, _) = client.recv_from(&mut buf).await.unwrap();
            assert_eq!(&buf[..n], b"back");

            // An unbound socket can send to a bound one; it has no address to
            // reply to.
            let anonymous = UnixDatagram::unbound().unwrap();
            anonymous.send_to(b"anon", &server_path).await.unwrap();
            let (n, from) = server.recv_from(&mut buf).await.unwrap();
            assert_eq!(&buf[..n], b"anon");
            assert!(from.is_unnamed());

            // Connected, `send` and `recv` use the peer.
            anonymous.connect(&server_path).unwrap();
            assert_eq!(anonymous.peer_addr().unwrap().as_pathname(), Some(server_path.as_path()));
            anonymous.send(b"conn").await.unwrap();
            assert_eq!(server.recv(&mut buf).await.unwrap(), 4);
        })
        .await;
    }
}

rt_test! {
    async fn datagram_try_and_poll_forms() {
        within(async {
            let dir = TempDir::new("dgram-try");
            let path = dir.path().join("target");
            let target = UnixDatagram::bind(&path).unwrap();
            let (a, b) = UnixDatagram::pair().unwrap();
            let mut buf = [0; 8];
            assert_eq!(b.try_recv(&mut buf).unwrap_err().kind(), io::ErrorKind::WouldBlock);
            assert_eq!(b.try_recv_from(&mut buf).unwrap_err().kind(), io::ErrorKind::WouldBlock);

            a.writable().await.unwrap();
            poll_fn(|cx| a.poll_send_ready(cx)).await.unwrap();
            assert!(a.ready(Interest::WRITABLE).await.unwrap().is_writable());
            assert_eq!(a.try_send(b"t1").unwrap(), 2);
            b.readable().await.unwrap();
            poll_fn(|cx| b.poll_recv_ready(cx)).await.unwrap();
            assert_eq!(b.try_recv(&mut buf).unwrap(), 2);

            assert_eq!(poll_fn(|cx| a.poll_send(cx, b"p1")).await.unwrap(), 2);
            let mut storage = [0; 8];
            let mut read_buf = ReadBuf::new(&mut storage);
            poll_fn(|cx| b.poll_recv(cx, &mut read_buf)).await.unwrap();
            assert_eq!(read_buf.filled(), b"p1");

            assert_eq!(a.try_send_to(b"t2", &path).unwrap(), 2);
            target.readable().await.unwrap();
            let (n, from) = target.try_recv_from(&mut buf).unwrap();
            assert_eq!((n, from.is_unnamed()), (2, true));
            assert_eq!(poll_fn(|cx| a.poll_send_to(cx, b"p2", &path)).await.unwrap(), 2);
            let mut storage = [0; 8];
            let mut read_buf = ReadBuf::new(&mut storage);
            poll_fn(|cx| target.poll_recv_from(cx, &mut read_buf)).await.unwrap();
            assert_eq!(read_buf.filled(), b"p2");

            // Into a `BufMut`.
            a.send(b"b1").await.unwrap();
            let mut v = Vec::with_capacity(8);
            assert_eq!(b.recv_buf(&mut v).await.unwrap(), 2);
            a.send(b"b2").await.unwrap();
            b.readable().await.unwrap();
            assert_eq!(b.try_recv_buf(&mut v).unwrap(), 2);
            a.send(b"b3").await.unwrap();
            assert_eq!(b.recv_buf_from(&mut v).await.unwrap().0, 2);
            a.send(b"b4").await.unwrap();
            b.readable().await.unwrap();
            assert_eq!(b.try_recv_buf_from(&mut v).unwrap().0, 2);
            assert_eq!(v, b"b1b2b3b4");
        })
        .await;
    }
}

rt_test! {
    async fn datagram_shutdown_and_std_conversions() {
        within(async {
            let (a, b) = UnixDatagram::pair().unwrap();
            a.shutdown(std::net::Shutdown::Write).unwrap();
            let err = a.send(b"x").await.unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
            assert!(b.take_error().unwrap().is_none());

            let std_b = b.into_std().unwrap();
            let mut buf = [0; 1];
            assert_eq!(std_b.recv(&mut buf).unwrap_err().kind(), io::ErrorKind::WouldBlock);
            let b = UnixDatagram::try_from(std_b).unwrap();
            assert!(format!("{b:?}").contains("UnixDatagram"));
            UnixDatagram::from_std(b.into_std().unwrap()).unwrap();
        })
        .await;
    }
}

rt_test! {
    async fn datagram_try_io_and_async_io() {
        within(async {
            let (a, b) = UnixDatagram::pair().unwrap();
            let raw_a = datagram_view(&a);
            let raw_b = datagram_view(&b);
            assert_eq!(a.async_io(Interest::WRITABLE, || raw_a.send(b"io")).await.unwrap(), 2);
            let mut buf = [0; 2];
            assert_eq!(b.async_io(Interest::READABLE, || raw_b.recv(&mut buf)).await.unwrap(), 2);
            let err = b.try_io(Interest::READABLE, || raw_b.recv(&mut buf)).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
        })
        .await;
    }
}

fn datagram_view(socket: &UnixDatagram) -> std::os::unix::net::UnixDatagram {
    use std::os::fd::AsFd;
    std::os::unix::net::UnixDatagram::from(socket.as_fd().try_clone_to_owned().unwrap())
}

#[test]
fn socket_addr_converts_to_and_from_std() {
    let std_addr = std::os::unix::net::SocketAddr::from_pathname("/tmp/x.sock").unwrap();
    let addr = avx::net::unix::SocketAddr::from(std_addr.clone());
    assert!(!addr.is_unnamed());
    assert_eq!(addr.as_pathname(), std_addr.as_pathname());
    assert_eq!(format!("{addr:?}"), format!("{std_addr:?}"));
    let back: std::os::unix::net::SocketAddr = addr.clone().into();
    assert_eq!(back.as_pathname(), addr.as_pathname());
}

rt_test! {
    async fn unix_socket_becomes_a_listener_a_stream_or_a_datagram_socket() {
        use avx::net::UnixSocket;

        within(async {
            let dir = TempDir::new("unix-socket");
            let path = dir.path().join("listener");
            let socket = UnixSocket::new_stream().unwrap();
            socket.bind(&path).unwrap();
            let listener = socket.listen(16).unwrap();
            assert_eq!(listener.local_addr().unwrap().as_pathname(), Some(path.as_path()));
            let connect = UnixSocket::new_stream().unwrap().connect(&path);
            let (client, accepted) = avx::join!(connect, listener.accept());
            let (mut client, (mut server, _)) = (client.unwrap(), accepted.unwrap());
            client.write_all(b"via socket").await.unwrap();
            let mut buf = [0; 10];
            server.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"via socket");

            let dgram_path = dir.path().join("dgram");
            let socket = UnixSocket::new_datagram().unwrap();
            socket.bind(&dgram_path).unwrap();
            let receiver = socket.datagram().unwrap();
            let sender = UnixDatagram::unbound().unwrap();
            sender.send_to(b"d", &dgram_path).await.unwrap();
            let mut one = [0; 1];
            assert_eq!(receiver.recv(&mut one).await.unwrap(), 1);

            // Each kind refuses the other's conversions, with tokio's messages.
            let err = UnixSocket::new_datagram().unwrap().listen(1).unwrap_err();
            assert_eq!(err.to_string(), "listen cannot be called on a datagram socket");
            let err = UnixSocket::new_datagram().unwrap().connect(&path).await.unwrap_err();
            assert_eq!(err.to_string(), "connect cannot be called on a datagram socket");
            let err = UnixSocket::new_stream().unwrap().datagram().unwrap_err();
            assert_eq!(err.to_string(), "datagram cannot be called on a stream socket");
            // Connecting to nothing fails like UnixStream::connect.
            let missing = dir.path().join("missing");
            let err = UnixSocket::new_stream().unwrap().connect(&missing).await.unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::NotFound);
        })
        .await;
    }
}

rt_test! {
    async fn a_fresh_pair_starts_writable_not_readable() {
        // As tokio assumes: empty buffers, so writable before the reactor says so.
        // Not on the tokio backend, whose `AsyncFd` cannot assume (migration-guide.md).
        if crate::BACKEND != avx::runtime::Backend::Native {
            return;
        }
        within(async {
            let (a, b) = UnixStream::pair().unwrap();
            let mut writable = std::pin::pin!(a.writable());
            assert!(crate::suite::sync_util::poll_once(writable.as_mut()).is_ready());
            assert_eq!(a.try_write(b"hi").unwrap(), 2);
            let (c, _d) = UnixStream::pair().unwrap();
            let mut readable = std::pin::pin!(c.readable());
            assert!(crate::suite::sync_util::poll_once(readable.as_mut()).is_pending());
            // The peer's bytes arrive through the reactor as usual.
            b.readable().await.unwrap();
            assert_eq!(b.try_read(&mut [0; 8]).unwrap(), 2);

            let (x, _y) = UnixDatagram::pair().unwrap();
            let mut writable = std::pin::pin!(x.writable());
            assert!(crate::suite::sync_util::poll_once(writable.as_mut()).is_ready());
        })
        .await;
    }
}
