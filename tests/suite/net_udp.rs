//! UDP: `UdpSocket` send/receive in every form (async, `poll_*`, `try_*`, into a
//! `BufMut`), peeking, readiness, connecting, options and std conversions.

use std::future::poll_fn;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use avx::io::{Interest, ReadBuf};
use avx::net::UdpSocket;

use super::net_util::within;

async fn bound() -> UdpSocket {
    UdpSocket::bind("127.0.0.1:0").await.unwrap()
}

/// Waits until `socket` has a datagram queued.
async fn wait_for_datagram(socket: &UdpSocket) {
    let mut ready = socket.ready(Interest::READABLE).await.unwrap();
    while !ready.is_readable() {
        ready = socket.ready(Interest::READABLE).await.unwrap();
    }
}

rt_test! {
    async fn ping_pong() {
        within(async {
            let a = bound().await;
            let b = bound().await;
            let (a_addr, b_addr) = (a.local_addr().unwrap(), b.local_addr().unwrap());
            let mut buf = [0; 16];
            for round in 0..100u32 {
                a.send_to(&round.to_le_bytes(), b_addr).await.unwrap();
                let (n, from) = b.recv_from(&mut buf).await.unwrap();
                assert_eq!((n, from), (4, a_addr));
                b.send_to(&buf[..n], from).await.unwrap();
                let (n, from) = a.recv_from(&mut buf).await.unwrap();
                assert_eq!((u32::from_le_bytes(buf[..n].try_into().unwrap()), from), (round, b_addr));
            }
        })
        .await;
    }
}

rt_test! {
    async fn connected_send_and_recv() {
        within(async {
            let a = bound().await;
            let b = bound().await;
            assert_eq!(a.peer_addr().unwrap_err().kind(), io::ErrorKind::NotConnected);
            a.connect(b.local_addr().unwrap()).await.unwrap();
            b.connect(a.local_addr().unwrap()).await.unwrap();
            assert_eq!(a.peer_addr().unwrap(), b.local_addr().unwrap());
            assert_eq!(a.send(b"hello").await.unwrap(), 5);
            let mut buf = [0; 8];
            assert_eq!(b.recv(&mut buf).await.unwrap(), 5);
            assert_eq!(&buf[..5], b"hello");
        })
        .await;
    }
}

rt_test! {
    async fn a_short_buffer_truncates_the_datagram() {
        within(async {
            let (a, b) = (bound().await, bound().await);
            a.send_to(b"0123456789", b.local_addr().unwrap()).await.unwrap();
            a.send_to(b"next", b.local_addr().unwrap()).await.unwrap();
            let mut small = [0; 4];
            let (n, _) = b.recv_from(&mut small).await.unwrap();
            assert_eq!(&small[..n], b"0123");
            // The rest of the first datagram is gone, not left for the next call.
            let mut buf = [0; 16];
            let (n, _) = b.recv_from(&mut buf).await.unwrap();
            assert_eq!(&buf[..n], b"next");
        })
        .await;
    }
}

rt_test! {
    async fn try_recv_would_block_when_empty_and_try_send_sends() {
        within(async {
            let (a, b) = (bound().await, bound().await);
            let mut buf = [0; 8];
            assert_eq!(b.try_recv_from(&mut buf).unwrap_err().kind(), io::ErrorKind::WouldBlock);
            assert_eq!(b.try_peek_from(&mut buf).unwrap_err().kind(), io::ErrorKind::WouldBlock);
            assert_eq!(b.try_peek_sender().unwrap_err().kind(), io::ErrorKind::WouldBlock);

            a.writable().await.unwrap();
            assert_eq!(a.try_send_to(b"try", b.local_addr().unwrap()).unwrap(), 3);
            let (n, from) = loop {
                b.readable().await.unwrap();
                match b.try_recv_from(&mut buf) {
                    Ok(got) => break got,
                    Err(err) if err.kind() == io::ErrorKind::WouldBlock => continue,
                    Err(err) => panic!("{err}"),
                }
            };
            assert_eq!((&buf[..n], from), (&b"try"[..], a.local_addr().unwrap()));

            a.connect(b.local_addr().unwrap()).await.unwrap();
            b.connect(a.local_addr().unwrap()).await.unwrap();
            assert_eq!(b.try_recv(&mut buf).unwrap_err().kind(), io::ErrorKind::WouldBlock);
            assert_eq!(b.try_peek(&mut buf).unwrap_err().kind(), io::ErrorKind::WouldBlock);
            assert_eq!(a.try_send(b"conn").unwrap(), 4);
            let n = loop {
                b.readable().await.unwrap();
                match b.try_recv(&mut buf) {
                    Ok(n) => break n,
                    Err(err) if err.kind() == io::ErrorKind::WouldBlock => continue,
                    Err(err) => panic!("{err}"),
                }
            };
            assert_eq!(&buf[..n], b"conn");
        })
        .await;
    }
}

rt_test! {
    async fn peeking_leaves_the_datagram_queued() {
        within(async {
            let (a, b) = (bound().await, bound().await);
            let a_addr = a.local_addr().unwrap();
            a.send_to(b"peek", b.local_addr().unwrap()).await.unwrap();
            assert_eq!(b.peek_sender().await.unwrap(), a_addr);
            let mut buf = [0; 8];
            let (n, from) = b.peek_from(&mut buf).await.unwrap();
            assert_eq!((&buf[..n], from), (&b"peek"[..], a_addr));
            assert_eq!(b.try_peek_sender().unwrap(), a_addr);
            assert_eq!(b.try_peek_from(&mut buf).unwrap(), (4, a_addr));
            assert_eq!(poll_fn(|cx| b.poll_peek_sender(cx)).await.unwrap(), a_addr);
            let mut storage = [0; 8];
            let mut read_buf = ReadBuf::new(&mut storage);
            let from = poll_fn(|cx| b.poll_peek_from(cx, &mut read_buf)).await.unwrap();
            assert_eq!((read_buf.filled(), from), (&b"peek"[..], a_addr));

            b.connect(a_addr).await.unwrap();
            assert_eq!(b.peek(&mut buf).await.unwrap(), 4);
            assert_eq!(b.try_peek(&mut buf).unwrap(), 4);
            let mut storage = [0; 8];
            let mut read_buf = ReadBuf::new(&mut storage);
            poll_fn(|cx| b.poll_peek(cx, &mut read_buf)).await.unwrap();
            assert_eq!(read_buf.filled(), b"peek");
            // Still there for the real receive, once.
            assert_eq!(b.recv(&mut buf).await.unwrap(), 4);
            assert_eq!(b.try_recv(&mut buf).unwrap_err().kind(), io::ErrorKind::WouldBlock);
        })
        .await;
    }
}

rt_test! {
    async fn poll_send_and_receive() {
        within(async {
            let (a, b) = (bound().await, bound().await);
            let (a_addr, b_addr) = (a.local_addr().unwrap(), b.local_addr().unwrap());
            poll_fn(|cx| a.poll_send_ready(cx)).await.unwrap();
            let n = poll_fn(|cx| a.poll_send_to(cx, b"one", b_addr)).await.unwrap();
            assert_eq!(n, 3);
            poll_fn(|cx| b.poll_recv_ready(cx)).await.unwrap();
            let mut storage = [0; 8];
            let mut buf = ReadBuf::new(&mut storage);
            let from = poll_fn(|cx| b.poll_recv_from(cx, &mut buf)).await.unwrap();
            assert_eq!((buf.filled(), from), (&b"one"[..], a_addr));

            a.connect(b_addr).await.unwrap();
            b.connect(a_addr).await.unwrap();
            assert_eq!(poll_fn(|cx| a.poll_send(cx, b"two")).await.unwrap(), 3);
            let mut storage = [0; 8];
            let mut buf = ReadBuf::new(&mut storage);
            poll_fn(|cx| b.poll_recv(cx, &mut buf)).await.unwrap();
            assert_eq!(buf.filled(), b"two");
        })
        .await;
    }
}

rt_test! {
    async fn receiving_into_a_buf_mut() {
        within(async {
            let (a, b) = (bound().await, bound().await);
            let (a_addr, b_addr) = (a.local_addr().unwrap(), b.local_addr().unwrap());
            a.send_to(b"first", b_addr).await.unwrap();
            let mut buf = Vec::with_capacity(32);
            let (n, from) = b.recv_buf_from(&mut buf).await.unwrap();
            assert_eq!((n, from, &buf[..]), (5, a_addr, &b"first"[..]));

            a.send_to(b"second", b_addr).await.unwrap();
            wait_for_datagram(&b).await;
            let mut buf = bytes::BytesMut::with_capacity(32);
            assert_eq!(b.try_recv_buf_from(&mut buf).unwrap(), (6, a_addr));
            assert_eq!(&buf[..], b"second");

            b.connect(a_addr).await.unwrap();
            a.send_to(b"third", b_addr).await.unwrap();
            let mut buf = Vec::with_capacity(32);
            assert_eq!(b.recv_buf(&mut buf).await.unwrap(), 5);
            a.send_to(b"fourth", b_addr).await.unwrap();
            wait_for_datagram(&b).await;
            assert_eq!(b.try_recv_buf(&mut buf).unwrap(), 6);
            assert_eq!(buf, b"thirdfourth");
        })
        .await;
    }
}

rt_test! {
    async fn a_sender_and_a_receiver_share_one_socket() {
        within(async {
            let socket = Arc::new(bound().await);
            let peer = bound().await;
            let peer_addr = peer.local_addr().unwrap();
            let receiver = {
                let socket = Arc::clone(&socket);
                avx::spawn(async move {
                    let mut buf = [0; 4];
                    let mut sum = 0u64;
                    for _ in 0..50 {
                        let (n, _) = socket.recv_from(&mut buf).await.unwrap();
                        sum += u64::from(u32::from_le_bytes(buf[..n].try_into().unwrap()));
                    }
                    sum
                })
            };
            let echo = avx::spawn(async move {
                let mut buf = [0; 4];
                for _ in 0..50 {
                    let (n, from) = peer.recv_from(&mut buf).await.unwrap();
                    peer.send_to(&buf[..n], from).await.unwrap();
                }
            });
            for i in 0..50u32 {
                socket.send_to(&i.to_le_bytes(), peer_addr).await.unwrap();
            }
            echo.await.unwrap();
            assert_eq!(receiver.await.unwrap(), (0..50).sum::<u64>());
        })
        .await;
    }
}

rt_test! {
    async fn a_cancelled_recv_receives_nothing() {
        within(async {
            let (a, b) = (bound().await, bound().await);
            let mut buf = [0; 4];
            avx::select! {
                biased;
                _ = b.recv_from(&mut buf) => panic!("nothing was sent yet"),
                _ = avx::task::yield_now() => {}
            }
            a.send_to(b"kept", b.local_addr().unwrap()).await.unwrap();
            let (n, _) = b.recv_from(&mut buf).await.unwrap();
            assert_eq!(&buf[..n], b"kept");
        })
        .await;
    }
}

rt_test! {
    async fn try_io_and_async_io_run_the_callers_operation() {
        within(async {
            let (a, b) = (bound().await, bound().await);
            let b_addr = b.local_addr().unwrap();
            // A std view of the same sockets (duplicate descriptors).
            let raw_a = std_view(&a);
            let raw_b = std_view(&b);
            let sent = a
                .async_io(Interest::WRITABLE, || raw_a.send_to(b"raw", b_addr))
                .await
                .unwrap();
            assert_eq!(sent, 3);
            let mut buf = [0; 4];
            let (n, _) = b
                .async_io(Interest::READABLE, || raw_b.recv_from(&mut buf))
                .await
                .unwrap();
            assert_eq!(&buf[..n], b"raw");
            let err = b.try_io(Interest::READABLE, || raw_b.recv_from(&mut buf)).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
        })
        .await;
    }
}

fn std_view(socket: &UdpSocket) -> std::net::UdpSocket {
    use std::os::fd::AsFd;
    std::net::UdpSocket::from(socket.as_fd().try_clone_to_owned().unwrap())
}

rt_test! {
    async fn a_connected_send_to_a_closed_port_reports_refused() {
        within(async {
            let gone = bound().await;
            let gone_addr = gone.local_addr().unwrap();
            drop(gone);
            let socket = bound().await;
            socket.connect(gone_addr).await.unwrap();
            socket.send(b"anyone?").await.unwrap();
            // The ICMP port-unreachable comes back as an error on the connected
            // socket; a receive (which also waits for error readiness) sees it.
            let mut buf = [0; 8];
            let err = socket.recv(&mut buf).await.unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused);
        })
        .await;
    }
}

rt_test! {
    async fn options_round_trip() {
        within(async {
            let socket = bound().await;
            for on in [true, false] {
                socket.set_broadcast(on).unwrap();
                assert_eq!(socket.broadcast().unwrap(), on);
                socket.set_multicast_loop_v4(on).unwrap();
                assert_eq!(socket.multicast_loop_v4().unwrap(), on);
            }
            socket.set_multicast_ttl_v4(5).unwrap();
            assert_eq!(socket.multicast_ttl_v4().unwrap(), 5);
            socket.set_ttl(33).unwrap();
            assert_eq!(socket.ttl().unwrap(), 33);
            socket.set_tos_v4(0x08).unwrap();
            assert_eq!(socket.tos_v4().unwrap(), 0x08);
            assert_eq!(socket.device().unwrap(), None);
            assert!(socket.take_error().unwrap().is_none());
            assert!(format!("{socket:?}").contains("UdpSocket"));

            let v6 = UdpSocket::bind((Ipv6Addr::UNSPECIFIED, 0)).await.unwrap();
            v6.set_multicast_loop_v6(false).unwrap();
            assert!(!v6.multicast_loop_v6().unwrap());
            v6.set_tclass_v6(0x40).unwrap();
            assert_eq!(v6.tclass_v6().unwrap(), 0x40);
        })
        .await;
    }
}

rt_test! {
    async fn multicast_on_loopback() {
        within(async {
            let group = Ipv4Addr::new(239, 255, 77, 1);
            let receiver = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0)).await.unwrap();
            receiver.join_multicast_v4(group, Ipv4Addr::LOCALHOST).unwrap();
            let port = receiver.local_addr().unwrap().port();

            let sender = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
            sender.set_multicast_loop_v4(true).unwrap();
            sender.send_to(b"group", (group, port)).await.unwrap();
            let mut buf = [0; 8];
            let (n, from) = receiver.recv_from(&mut buf).await.unwrap();
            assert_eq!((&buf[..n], from), (&b"group"[..], sender.local_addr().unwrap()));

            receiver.leave_multicast_v4(group, Ipv4Addr::LOCALHOST).unwrap();
            // Leaving twice: not a member any more.
            assert!(receiver.leave_multicast_v4(group, Ipv4Addr::LOCALHOST).is_err());
        })
        .await;
    }
}

rt_test! {
    async fn ipv6_multicast_membership() {
        within(async {
            let Ok(socket) = UdpSocket::bind((Ipv6Addr::UNSPECIFIED, 0)).await else {
                eprintln!("skipped: no IPv6 on this machine");
                return;
            };
            let group: Ipv6Addr = "ff02::1:7".parse().unwrap();
            // Interface 1 is loopback on Linux.
            socket.join_multicast_v6(&group, 1).unwrap();
            socket.leave_multicast_v6(&group, 1).unwrap();
            // Not a member any more.
            assert!(socket.leave_multicast_v6(&group, 1).is_err());
        })
        .await;
    }
}

rt_test! {
    async fn from_std_and_into_std() {
        within(async {
            let std_socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
            std_socket.set_nonblocking(true).unwrap();
            let addr = std_socket.local_addr().unwrap();
            let socket = UdpSocket::try_from(std_socket).unwrap();
            let other = bound().await;
            other.send_to(b"in", addr).await.unwrap();
            let mut buf = [0; 4];
            assert_eq!(socket.recv_from(&mut buf).await.unwrap().0, 2);
            let std_socket = socket.into_std().unwrap();
            assert_eq!(std_socket.local_addr().unwrap(), addr);
            let err = std_socket.recv_from(&mut buf).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::WouldBlock, "still non-blocking");
            let again = UdpSocket::from_std(std_socket).unwrap();
            assert_eq!(again.local_addr().unwrap(), addr);
        })
        .await;
    }
}

rt_test! {
    async fn send_to_with_no_address_is_invalid_input() {
        let socket = bound().await;
        let none: &[SocketAddr] = &[];
        let err = socket.send_to(b"x", none).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        let err = socket.connect(none).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    }
}
