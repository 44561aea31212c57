//! The blocking floors: the same work as a workload, done with `std` on plain
//! threads and no runtime, timed like a contender's run. A floor shows what the
//! work itself costs (the system calls, the kernel's loopback), under every
//! runtime's overhead; the report shows each contender over it.
//!
//! A floor that sets up (binds, connects, starts its echo thread) times only what
//! follows, as the workload it stands beside does.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::thread;
use std::time::Instant;

use crate::workloads::PING_PONG_BYTES;
use crate::{Latencies, Run, Workload, small_files};

/// The blocking floor of `workload`, if it has one.
pub fn floor_run(workload: Workload, n: usize) -> Option<Run> {
    match workload {
        Workload::FsReadSmall => Some(fs_read_small(n)),
        Workload::TcpPingPong => Some(tcp_ping_pong(n)),
        Workload::UdpPingPong => Some(udp_ping_pong(n)),
        _ => None,
    }
}

/// What [`floor_run`] does for `workload`, if it has a floor.
pub fn floor_label(workload: Workload) -> Option<&'static str> {
    match workload {
        Workload::FsReadSmall => Some("std::fs::read, one thread"),
        Workload::TcpPingPong => Some("std::net::TcpStream pair, two blocking threads"),
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

fn tcp_ping_pong(n: usize) -> Run {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback listener binds");
    let addr = listener.local_addr().unwrap();
    let echo = thread::spawn(move || {
        let (mut stream, _) = listener.accept().expect("the floor's server accepts");
        stream.set_nodelay(true).expect("TCP_NODELAY sets");
        let mut buf = [0u8; PING_PONG_BYTES];
        for _ in 0..n {
            stream.read_exact(&mut buf).expect("the echo reads");
            stream.write_all(&buf).expect("the echo writes");
        }
    });
    let mut stream = TcpStream::connect(addr).expect("the floor's client connects");
    stream.set_nodelay(true).expect("TCP_NODELAY sets");
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

fn udp_ping_pong(n: usize) -> Run {
    let near = UdpSocket::bind("127.0.0.1:0").expect("a UDP socket binds");
    let far = UdpSocket::bind("127.0.0.1:0").expect("a UDP socket binds");
    near.connect(far.local_addr().unwrap()).unwrap();
    far.connect(near.local_addr().unwrap()).unwrap();
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
