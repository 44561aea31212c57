//! The blocking floors: the same work as a workload, done with `std` on plain
//! threads and no runtime, timed like a contender's run. A floor shows what the
//! work itself costs (the system calls, the kernel's loopback), under every
//! runtime's overhead; the report shows each contender over it.
//!
//! A floor that sets up (binds, connects, starts its echo thread) times only what
//! follows, as the workload it stands beside does.
//!
//! The ping-pong floors use as many threads as the contender's flavor: on
//! `current_thread` both ends on the calling thread (write, read the far end,
//! echo, read back: four system calls that never block, which is the least a
//! round trip costs), on `multi_thread` a blocking echo thread per far end. The
//! two-thread floor pays a wake-up of a blocked thread on each leg; the
//! contenders, whose two tasks usually share a worker, mostly do not, so it can
//! lie above them: it is the cost of the same exchange done with threads.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::thread;
use std::time::Instant;

use crate::workloads::PING_PONG_BYTES;
use crate::{Flavor, Latencies, Run, Workload, small_files};

/// The blocking floor of `workload` run on `flavor`, if it has one.
pub fn floor_run(workload: Workload, flavor: Flavor, n: usize) -> Option<Run> {
    let one_thread = flavor == Flavor::CurrentThread;
    match workload {
        Workload::FsReadSmall => Some(fs_read_small(n)),
        Workload::TcpPingPong if one_thread => Some(tcp_ping_pong_one_thread(n)),
        Workload::TcpPingPong => Some(tcp_ping_pong_two_threads(n)),
        Workload::UdpPingPong if one_thread => Some(udp_ping_pong_one_thread(n)),
        Workload::UdpPingPong => Some(udp_ping_pong_two_threads(n)),
        _ => None,
    }
}

/// What [`floor_run`] does for `workload` on `flavor`, if it has a floor.
pub fn floor_label(workload: Workload, flavor: Flavor) -> Option<&'static str> {
    let one_thread = flavor == Flavor::CurrentThread;
    match workload {
        Workload::FsReadSmall => Some("std::fs::read, one thread"),
        Workload::TcpPingPong if one_thread => {
            Some("std::net::TcpStream pair, both ends on one thread")
        }
        Workload::TcpPingPong => Some("std::net::TcpStream pair, two blocking threads"),
        Workload::UdpPingPong if one_thread => {
            Some("std::net::UdpSocket pair, both ends on one thread")
        }
        Workload::UdpPingPong => Some("std::net::UdpSocket pair, two blocking threads"),
        _ => None,
    }
}

fn fs_read_small(n: usize) -> Run {
    let files = small_files();
    let start = Instant::now();
    for i in 0..n {
        let bytes = std::fs::read(files.path(i)).expect("a fixture file reads");
        std::hint::black_box(bytes);
    }
    Run {
        elapsed: start.elapsed(),
        latencies: Latencies::new(),
    }
}

/// `n` timed round trips of `round_trip`, which sends a message and waits for
/// its echo.
fn round_trips(n: usize, mut round_trip: impl FnMut()) -> Run {
    let mut latencies = Vec::with_capacity(n);
    let start = Instant::now();
    for _ in 0..n {
        let sent = Instant::now();
        round_trip();
        latencies.push(sent.elapsed());
    }
    Run {
        elapsed: start.elapsed(),
        latencies,
    }
}

/// A connected pair of loopback streams with `TCP_NODELAY`: (client, server).
fn tcp_pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback listener binds");
    let client =
        TcpStream::connect(listener.local_addr().unwrap()).expect("the floor's client connects");
    let (server, _) = listener.accept().expect("the floor's server accepts");
    for stream in [&client, &server] {
        stream.set_nodelay(true).expect("TCP_NODELAY sets");
    }
    (client, server)
}

/// A pair of loopback UDP sockets connected to each other: (near, far).
fn udp_pair() -> (UdpSocket, UdpSocket) {
    let near = UdpSocket::bind("127.0.0.1:0").expect("a UDP socket binds");
    let far = UdpSocket::bind("127.0.0.1:0").expect("a UDP socket binds");
    near.connect(far.local_addr().unwrap()).unwrap();
    far.connect(near.local_addr().unwrap()).unwrap();
    (near, far)
}

fn tcp_ping_pong_one_thread(n: usize) -> Run {
    let (mut client, mut server) = tcp_pair();
    let out = [0x5a_u8; PING_PONG_BYTES];
    let mut buf = [0u8; PING_PONG_BYTES];
    // On loopback a write is in the peer's receive queue when it returns, so no
    // read here blocks.
    round_trips(n, || {
        client.write_all(&out).expect("the client writes");
        server.read_exact(&mut buf).expect("the server reads");
        server.write_all(&buf).expect("the server writes");
        client
            .read_exact(&mut buf)
            .expect("the echo comes back whole");
    })
}

fn udp_ping_pong_one_thread(n: usize) -> Run {
    let (near, far) = udp_pair();
    let out = [0x5a_u8; PING_PONG_BYTES];
    let mut buf = [0u8; PING_PONG_BYTES];
    round_trips(n, || {
        near.send(&out).expect("the client sends");
        let len = far.recv(&mut buf).expect("the far end receives");
        far.send(&buf[..len]).expect("the far end sends");
        let len = near.recv(&mut buf).expect("the client receives");
        assert_eq!(len, PING_PONG_BYTES, "the datagram comes back whole");
    })
}

fn tcp_ping_pong_two_threads(n: usize) -> Run {
    let (mut stream, mut server) = tcp_pair();
    let echo = thread::spawn(move || {
        let mut buf = [0u8; PING_PONG_BYTES];
        for _ in 0..n {
            server.read_exact(&mut buf).expect("the echo reads");
            server.write_all(&buf).expect("the echo writes");
        }
    });
    let out = [0x5a_u8; PING_PONG_BYTES];
    let mut back = [0u8; PING_PONG_BYTES];
    let run = round_trips(n, || {
        stream.write_all(&out).expect("the client writes");
        stream
            .read_exact(&mut back)
            .expect("the echo comes back whole");
    });
    echo.join().expect("the echo thread ends");
    run
}

fn udp_ping_pong_two_threads(n: usize) -> Run {
    let (near, far) = udp_pair();
    let echo = thread::spawn(move || {
        let mut buf = [0u8; PING_PONG_BYTES];
        for _ in 0..n {
            let len = far.recv(&mut buf).expect("the echo receives");
            far.send(&buf[..len]).expect("the echo sends");
        }
    });
    let out = [0x5a_u8; PING_PONG_BYTES];
    let mut back = [0u8; PING_PONG_BYTES];
    let run = round_trips(n, || {
        near.send(&out).expect("the client sends");
        let len = near.recv(&mut back).expect("the client receives");
        assert_eq!(len, PING_PONG_BYTES, "the datagram comes back whole");
    });
    echo.join().expect("the echo thread ends");
    run
}
