//! Faults and bad input on sockets: resets, writes to a closed peer, refused
//! connections, half-close, running out of file descriptors at `accept`, and
//! dropping sockets mid-operation without leaking descriptors or registrations.
//!
//! The last two run in a child process of their own (see
//! [`run_child`](super::net_util::run_child)): one lowers its descriptor limit,
//! the other counts descriptors, which tests running in parallel would disturb.

use std::fs::File;
use std::future::poll_fn;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::sync::Arc;

use avx::io::unix::AsyncFd;
use avx::io::{AsyncReadExt, AsyncWrite, AsyncWriteExt};
use avx::net::{TcpListener, TcpSocket, TcpStream, UdpSocket, UnixStream};
use avx::sync::{Notify, mpsc};

use super::net_util::{run_child, tcp_pair, test_path, within};
use super::{Flavor, runtime};

/// `EMFILE` on Linux: this process has no descriptor numbers left.
const EMFILE: i32 = 24;

/// Writes `stream` until a write fails, and returns that error.
async fn write_until_error(stream: &mut (impl AsyncWrite + Unpin), vectored: bool) -> io::Error {
    let chunk = vec![7u8; 64 * 1024];
    for _ in 0..10_000 {
        let result = if vectored {
            let slices = [IoSlice::new(&chunk[..1]), IoSlice::new(&chunk[1..])];
            poll_fn(|cx| Pin::new(&mut *stream).poll_write_vectored(cx, &slices)).await
        } else {
            stream.write(&chunk).await
        };
        match result {
            Ok(_) => avx::task::yield_now().await,
            Err(err) => return err,
        }
    }
    panic!("writes to a closed peer kept succeeding");
}

rt_test! {
    async fn a_peer_reset_mid_write_is_connection_reset() {
        within(async {
            let (mut client, server) = tcp_pair().await;
            // Far more than the socket buffers hold: the writer is still writing
            // (or waiting to) when the reset arrives.
            let writer = avx::spawn(async move {
                let data = vec![1u8; 64 << 20];
                client.write_all(&data).await
            });
            server.readable().await.unwrap();
            // Closing with a zero linger (and unread data) sends RST, not FIN.
            server.set_zero_linger().unwrap();
            drop(server);
            let err = writer.await.unwrap().unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::ConnectionReset, "{err}");
        })
        .await;
    }
}

rt_test! {
    async fn a_read_from_a_reset_connection_is_connection_reset() {
        within(async {
            let (client, mut server) = tcp_pair().await;
            client.set_zero_linger().unwrap();
            drop(client);
            let mut buf = [0; 8];
            let err = server.read(&mut buf).await.unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::ConnectionReset);
        })
        .await;
    }
}

rt_test! {
    async fn writes_to_a_closed_tcp_peer_end_in_broken_pipe() {
        within(async {
            for vectored in [false, true] {
                let (mut client, server) = tcp_pair().await;
                drop(server);
                // The first write after the peer closed may succeed; the peer's
                // reset then fails the next one, and every later write is EPIPE.
                // None of it raises SIGPIPE: sends use MSG_NOSIGNAL (the native
                // crate's tests check that the signal is never even raised).
                let first = write_until_error(&mut client, vectored).await;
                assert!(
                    matches!(
                        first.kind(),
                        io::ErrorKind::ConnectionReset | io::ErrorKind::BrokenPipe
                    ),
                    "{first}"
                );
                let next = write_until_error(&mut client, vectored).await;
                assert_eq!(next.kind(), io::ErrorKind::BrokenPipe, "{next}");
            }
        })
        .await;
    }
}

rt_test! {
    async fn writes_to_a_closed_unix_peer_are_broken_pipe() {
        within(async {
            for vectored in [false, true] {
                let (mut a, b) = UnixStream::pair().unwrap();
                drop(b);
                let err = write_until_error(&mut a, vectored).await;
                assert_eq!(err.kind(), io::ErrorKind::BrokenPipe, "{err}");
                let err = a.try_write(b"x").unwrap_err();
                assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
            }
        })
        .await;
    }
}

rt_test! {
    async fn a_unix_peer_gone_mid_write_is_broken_pipe() {
        within(async {
            let (mut a, mut b) = UnixStream::pair().unwrap();
            let writer = avx::spawn(async move {
                let data = vec![2u8; 64 << 20];
                a.write_all(&data).await
            });
            let mut buf = [0; 1024];
            b.read_exact(&mut buf).await.unwrap();
            drop(b);
            let err = writer.await.unwrap().unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::BrokenPipe, "{err}");
        })
        .await;
    }
}

rt_test! {
    async fn connecting_to_a_closed_port_is_refused() {
        within(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            drop(listener);
            let err = TcpStream::connect(addr).await.unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused);
            let err = TcpSocket::new_v4().unwrap().connect(addr).await.unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused);
        })
        .await;
    }
}

rt_test! {
    async fn half_close_delivers_eof_and_keeps_the_other_direction() {
        within(async {
            let (mut client, mut server) = tcp_pair().await;
            client.write_all(b"request").await.unwrap();
            client.shutdown().await.unwrap();
            // Shutting down twice is fine.
            client.shutdown().await.unwrap();
            let mut request = Vec::new();
            server.read_to_end(&mut request).await.unwrap();
            assert_eq!(request, b"request", "then end-of-file");
            // The other direction still works, in both halves of the exchange.
            server.write_all(b"response").await.unwrap();
            server.shutdown().await.unwrap();
            let mut response = Vec::new();
            client.read_to_end(&mut response).await.unwrap();
            assert_eq!(response, b"response");
            // Writing after our own shutdown is refused.
            let err = client.write(b"late").await.unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);

            let (mut a, mut b) = UnixStream::pair().unwrap();
            a.shutdown().await.unwrap();
            let mut buf = [0; 4];
            assert_eq!(b.read(&mut buf).await.unwrap(), 0);
            b.write_all(b"back").await.unwrap();
            a.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"back");
        })
        .await;
    }
}

#[test]
fn an_accept_loop_survives_running_out_of_fds() {
    run_child(
        &test_path(module_path!(), "accept_loop_out_of_fds_child"),
        Some(64),
    );
}

/// Run by [`an_accept_loop_survives_running_out_of_fds`] under `ulimit -n 64`.
#[test]
#[ignore = "run by an_accept_loop_survives_running_out_of_fds, under a lowered fd limit"]
fn accept_loop_out_of_fds_child() {
    for flavor in [Flavor::CurrentThread, Flavor::MultiThread] {
        runtime(flavor).block_on(within(accept_loop_out_of_fds()));
    }
}

async fn accept_loop_out_of_fds() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // What each accept did: Ok, or the OS error. On an error the loop backs off
    // until told to retry (in a server, a short sleep); the test drives the
    // retries so it can count them.
    let (events, mut seen) = mpsc::unbounded_channel::<Result<(), Option<i32>>>();
    let retry = Arc::new(Notify::new());
    let accept_loop = {
        let retry = Arc::clone(&retry);
        avx::spawn(async move {
            loop {
                match listener.accept().await {
                    Ok((mut stream, _)) => {
                        events.send(Ok(())).unwrap();
                        let mut buf = [0; 4];
                        stream.read_exact(&mut buf).await.unwrap();
                        stream.write_all(&buf).await.unwrap();
                    }
                    Err(err) => {
                        events.send(Err(err.raw_os_error())).unwrap();
                        retry.notified().await;
                    }
                }
            }
        })
    };

    // Use up every descriptor, then give one back for the client's socket.
    let mut fillers = Vec::new();
    loop {
        match File::open("/dev/null") {
            Ok(file) => fillers.push(file),
            Err(err) => {
                assert_eq!(err.raw_os_error(), Some(EMFILE), "{err}");
                break;
            }
        }
    }
    fillers.pop();
    let mut client = TcpStream::connect(addr).await.unwrap();

    // The connection waits in the backlog; accepting it needs a descriptor.
    assert_eq!(seen.recv().await, Some(Err(Some(EMFILE))));
    for _ in 0..3 {
        retry.notify_one();
        // Each retry fails at once, and the loop tries exactly once per retry.
        assert_eq!(seen.recv().await, Some(Err(Some(EMFILE))));
        assert!(seen.try_recv().is_err(), "the loop retried on its own");
    }

    // With descriptors back, the next retry accepts the waiting connection.
    fillers.truncate(fillers.len().saturating_sub(4));
    retry.notify_one();
    assert_eq!(seen.recv().await, Some(Ok(())));
    client.write_all(b"live").await.unwrap();
    let mut buf = [0; 4];
    client.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"live");
    accept_loop.abort();
}

#[test]
fn dropping_sockets_mid_operation_leaks_no_fd_or_registration() {
    run_child(&test_path(module_path!(), "drop_mid_operation_child"), None);
}

/// Run by [`dropping_sockets_mid_operation_leaks_no_fd_or_registration`] alone in
/// its process, so the descriptor counts are its own.
#[test]
#[ignore = "run by dropping_sockets_mid_operation_leaks_no_fd_or_registration, alone in a process"]
fn drop_mid_operation_child() {
    for flavor in [Flavor::CurrentThread, Flavor::MultiThread] {
        runtime(flavor).block_on(within(async {
            // Warm up whatever the runtime creates lazily on first use.
            drop_sockets_mid_operation(1).await;
            let before = (open_fds(), registered_fds());
            drop_sockets_mid_operation(20).await;
            let after = (open_fds(), registered_fds());
            assert_eq!(
                before, after,
                "(open fds, epoll registrations) before and after"
            );
        }));
    }
}

/// Opens sockets, starts operations that cannot finish, and drops both.
async fn drop_sockets_mid_operation(rounds: usize) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    for _ in 0..rounds {
        // A task blocked reading, aborted.
        let (client, server) = tcp_pair().await;
        let reader = avx::spawn(async move {
            let mut server = server;
            let mut buf = [0; 8];
            server.read(&mut buf).await
        });
        avx::task::yield_now().await;
        reader.abort();
        assert!(reader.await.unwrap_err().is_cancelled());
        drop(client);

        // A write that filled the socket buffers (the peer does not read),
        // dropped while waiting.
        let (mut client, server) = tcp_pair().await;
        let big = vec![0u8; 64 << 20];
        avx::select! {
            biased;
            _ = client.write_all(&big) => panic!("64 MiB fit in the socket buffers"),
            _ = avx::task::yield_now() => {}
        }
        drop((client, server));

        // A connect and an accept, dropped mid-way.
        avx::select! {
            biased;
            _ = TcpStream::connect(addr) => {}
            _ = avx::task::yield_now() => {}
        }
        avx::select! {
            biased;
            _ = listener.accept() => {}
            _ = avx::task::yield_now() => {}
        }

        // Unix, UDP and AsyncFd waits, dropped.
        let (mut a, b) = UnixStream::pair().unwrap();
        let mut buf = [0; 8];
        avx::select! {
            biased;
            _ = a.read(&mut buf) => panic!("nothing was sent"),
            _ = avx::task::yield_now() => {}
        }
        drop((a, b));
        let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        avx::select! {
            biased;
            _ = udp.recv_from(&mut buf) => panic!("nothing was sent"),
            _ = avx::task::yield_now() => {}
        }
        drop(udp);
        let (x, _y) = std::os::unix::net::UnixStream::pair().unwrap();
        x.set_nonblocking(true).unwrap();
        let fd = AsyncFd::new(x).unwrap();
        avx::select! {
            biased;
            _ = fd.readable() => panic!("nothing was sent"),
            _ = avx::task::yield_now() => {}
        }
    }
}

/// The number of descriptors this process has open.
fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

/// The number of descriptors registered with this process's epoll instances
/// (each registration is a `tfd:` line in the epoll descriptor's fdinfo; an
/// instance reachable through several descriptors, as tokio's is, counts once).
fn registered_fds() -> usize {
    let mut instances = std::collections::HashMap::new();
    for entry in std::fs::read_dir("/proc/self/fd").unwrap() {
        let entry = entry.unwrap();
        let is_epoll = std::fs::read_link(entry.path())
            .is_ok_and(|target| target.to_string_lossy() == "anon_inode:[eventpoll]");
        if !is_epoll {
            continue;
        }
        let info = format!("/proc/self/fdinfo/{}", entry.file_name().to_string_lossy());
        let Ok(info) = std::fs::read_to_string(info) else {
            continue; // closed meanwhile (this read_dir's own descriptor)
        };
        let inode = info
            .lines()
            .find(|line| line.starts_with("ino:"))
            .map(str::to_owned);
        let registrations = info.lines().filter(|line| line.starts_with("tfd:")).count();
        instances.insert(inode, registrations);
    }
    instances.values().sum()
}
