use std::io::{self, IoSlice, Read};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::time::Duration;

use super::*;

/// A listening IPv4 socket made by this module, and its address.
fn listener() -> (OwnedFd, SocketAddr) {
    let fd = new(Domain::Ipv4, Type::Stream).unwrap();
    bind(fd.as_fd(), &SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).unwrap();
    listen(fd.as_fd(), 16).unwrap();
    let addr = TcpListener::from(fd.try_clone().unwrap())
        .local_addr()
        .unwrap();
    (fd, addr)
}

/// Waits (blocking, with a deadline) until `fd` reports `events`.
fn wait_for(fd: BorrowedFd<'_>, events: libc::c_short) {
    let mut pfd = libc::pollfd {
        fd: fd.as_raw_fd(),
        events,
        revents: 0,
    };
    // SAFETY: `pfd` is one writable pollfd.
    let n = syscall!(poll(&mut pfd, 1, 10_000)).unwrap();
    assert_eq!(n, 1, "the socket never became ready");
}

#[test]
fn new_sockets_are_nonblocking_and_cloexec() {
    for (domain, ty) in [
        (Domain::Ipv4, Type::Stream),
        (Domain::Ipv6, Type::Datagram),
        (Domain::Unix, Type::Stream),
    ] {
        let fd = new(domain, ty).unwrap();
        assert!(is_nonblocking(fd.as_fd()).unwrap());
        // SAFETY: fcntl with F_GETFD takes no further argument.
        let flags = syscall!(fcntl(fd.as_raw_fd(), libc::F_GETFD)).unwrap();
        assert_ne!(flags & libc::FD_CLOEXEC, 0);
    }
}

#[test]
fn is_nonblocking_reads_the_mode_std_sets() {
    let (a, _b) = UnixStream::pair().unwrap();
    assert!(!is_nonblocking(a.as_fd()).unwrap());
    a.set_nonblocking(true).unwrap();
    assert!(is_nonblocking(a.as_fd()).unwrap());
}

#[test]
fn connect_does_not_block_and_accept_returns_the_peer() {
    let (listener, addr) = listener();
    let client = new(Domain::Ipv4, Type::Stream).unwrap();
    connect(client.as_fd(), &addr).unwrap();
    wait_for(client.as_fd(), libc::POLLOUT);
    let client = TcpStream::from(client);
    assert_eq!(client.take_error().unwrap().map(|e| e.kind()), None);

    wait_for(listener.as_fd(), libc::POLLIN);
    let (accepted, peer) = accept(listener.as_fd()).unwrap();
    assert_eq!(peer, client.local_addr().unwrap());
    assert!(is_nonblocking(accepted.as_fd()).unwrap());
    // Nothing sent yet: a non-blocking read says so instead of waiting.
    let mut accepted = TcpStream::from(accepted);
    let err = accepted.read(&mut [0; 4]).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
}

#[test]
fn accept_with_nothing_pending_would_block() {
    let (listener, _) = listener();
    let err = accept(listener.as_fd()).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
}

#[test]
fn ipv6_addresses_survive_the_round_trip() {
    let fd = new(Domain::Ipv6, Type::Stream).unwrap();
    if bind(fd.as_fd(), &SocketAddr::from((Ipv6Addr::LOCALHOST, 0))).is_err() {
        return; // no IPv6 loopback on this machine
    }
    listen(fd.as_fd(), 4).unwrap();
    let addr = TcpListener::from(fd.try_clone().unwrap())
        .local_addr()
        .unwrap();
    assert_eq!(addr.ip(), Ipv6Addr::LOCALHOST);
    let client = new(Domain::Ipv6, Type::Stream).unwrap();
    connect(client.as_fd(), &addr).unwrap();
    wait_for(fd.as_fd(), libc::POLLIN);
    let (_, peer) = accept(fd.as_fd()).unwrap();
    assert_eq!(peer, TcpStream::from(client).local_addr().unwrap());
}

#[test]
fn connect_to_a_closed_port_is_refused() {
    let (listener, addr) = listener();
    drop(listener);
    let client = new(Domain::Ipv4, Type::Stream).unwrap();
    match connect(client.as_fd(), &addr) {
        Err(err) => assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused),
        Ok(()) => {
            wait_for(client.as_fd(), libc::POLLOUT);
            let err = TcpStream::from(client).take_error().unwrap().unwrap();
            assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused);
        }
    }
}

#[test]
fn unix_path_and_abstract_addresses() {
    use std::os::linux::net::SocketAddrExt;
    use std::os::unix::net::{SocketAddr as UnixAddr, UnixListener};

    let dir = std::env::temp_dir().join(format!("avx-native-sock-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir(&dir).unwrap();
    let path = dir.join("s");
    let named = UnixAddr::from_pathname(&path).unwrap();
    let abstract_addr =
        UnixAddr::from_abstract_name(format!("avx-{}", std::process::id())).unwrap();
    for addr in [named, abstract_addr] {
        let fd = new(Domain::Unix, Type::Stream).unwrap();
        bind_unix(fd.as_fd(), &addr).unwrap();
        listen(fd.as_fd(), 4).unwrap();
        let listener = UnixListener::from(fd);
        let bound = listener.local_addr().unwrap();
        assert_eq!(bound.as_pathname(), addr.as_pathname());
        assert_eq!(bound.as_abstract_name(), addr.as_abstract_name());

        let client = new(Domain::Unix, Type::Stream).unwrap();
        connect_unix(client.as_fd(), &addr).unwrap();
        let (mut server, _) = listener.accept().unwrap();
        send(client.as_fd(), b"hi").unwrap();
        let mut buf = [0; 2];
        server.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"hi");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn unnamed_unix_addresses_are_invalid_input() {
    let (a, _b) = UnixStream::pair().unwrap();
    let unnamed = a.local_addr().unwrap();
    let fd = new(Domain::Unix, Type::Stream).unwrap();
    let err = connect_unix(fd.as_fd(), &unnamed).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
}

#[test]
fn send_vectored_sends_every_buffer_in_order() {
    let (a, mut b) = UnixStream::pair().unwrap();
    let bufs = [IoSlice::new(b"ab"), IoSlice::new(b""), IoSlice::new(b"cde")];
    assert_eq!(send_vectored(a.as_fd(), &bufs).unwrap(), 5);
    let mut got = [0; 5];
    b.read_exact(&mut got).unwrap();
    assert_eq!(&got, b"abcde");
}

/// Runs `f` with `SIGPIPE` blocked on this thread and reports whether it raised
/// one. A blocked signal stays pending even though Rust's runtime ignores
/// `SIGPIPE`, so `sigpending` sees it; it is consumed before unblocking.
fn raises_sigpipe(f: impl FnOnce()) -> bool {
    // SAFETY: sigset_t is plain data; all-zero is a valid (empty) value.
    let mut set: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    let mut old: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: `set` and `old` are valid, writable signal sets.
    unsafe {
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGPIPE);
        assert_eq!(libc::pthread_sigmask(libc::SIG_BLOCK, &set, &mut old), 0);
    }
    f();
    // SAFETY: as above.
    let mut pending: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: `pending` is writable.
    syscall!(sigpending(&mut pending)).unwrap();
    // SAFETY: `pending` was filled by sigpending.
    let raised = unsafe { libc::sigismember(&pending, libc::SIGPIPE) } == 1;
    if raised {
        let zero = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `set` holds SIGPIPE, which is pending, so this consumes it.
        unsafe { libc::sigtimedwait(&set, std::ptr::null_mut(), &zero) };
    }
    // SAFETY: `old` is the mask saved above.
    unsafe {
        assert_eq!(
            libc::pthread_sigmask(libc::SIG_SETMASK, &old, std::ptr::null_mut()),
            0
        )
    };
    raised
}

#[test]
fn sends_to_a_closed_peer_fail_with_epipe_and_raise_no_sigpipe() {
    let (a, b) = UnixStream::pair().unwrap();
    drop(b);
    assert!(!raises_sigpipe(|| {
        let err = send(a.as_fd(), b"x").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
        let err = send_vectored(a.as_fd(), &[IoSlice::new(b"x")]).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
    }));
    // The control: a plain write(2) does raise it. (So does std's
    // `write_vectored` on its sockets, which is writev(2) as of Rust 1.95; the
    // facade sends with `send`/`send_vectored` instead.)
    assert!(raises_sigpipe(|| {
        // SAFETY: one readable byte.
        let err = syscall!(write(a.as_raw_fd(), b"x".as_ptr().cast(), 1)).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
    }));
}

#[test]
fn boolean_and_size_options_round_trip() {
    let fd = new(Domain::Ipv4, Type::Stream).unwrap();
    let fd = fd.as_fd();
    for on in [true, false] {
        set_reuse_address(fd, on).unwrap();
        assert_eq!(reuse_address(fd).unwrap(), on);
        set_reuse_port(fd, on).unwrap();
        assert_eq!(reuse_port(fd).unwrap(), on);
        set_keepalive(fd, on).unwrap();
        assert_eq!(keepalive(fd).unwrap(), on);
        set_quickack(fd, on).unwrap();
        assert_eq!(quickack(fd).unwrap(), on);
    }
    set_send_buffer_size(fd, 64 * 1024).unwrap();
    assert!(send_buffer_size(fd).unwrap() >= 64 * 1024);
    set_recv_buffer_size(fd, 64 * 1024).unwrap();
    assert!(recv_buffer_size(fd).unwrap() >= 64 * 1024);
    set_tos_v4(fd, 0x10).unwrap();
    assert_eq!(tos_v4(fd).unwrap(), 0x10);
}

#[test]
fn linger_round_trips() {
    let fd = new(Domain::Ipv4, Type::Stream).unwrap();
    let fd = fd.as_fd();
    assert_eq!(linger(fd).unwrap(), None);
    set_linger(fd, Some(Duration::from_secs(3))).unwrap();
    assert_eq!(linger(fd).unwrap(), Some(Duration::from_secs(3)));
    set_linger(fd, Some(Duration::ZERO)).unwrap();
    assert_eq!(linger(fd).unwrap(), Some(Duration::ZERO));
    set_linger(fd, None).unwrap();
    assert_eq!(linger(fd).unwrap(), None);
}

#[test]
fn tclass_round_trips_on_ipv6() {
    let fd = new(Domain::Ipv6, Type::Datagram).unwrap();
    set_tclass_v6(fd.as_fd(), 0x20).unwrap();
    assert_eq!(tclass_v6(fd.as_fd()).unwrap(), 0x20);
}

#[test]
fn an_unbound_socket_has_no_device() {
    let fd = new(Domain::Ipv4, Type::Datagram).unwrap();
    assert_eq!(device(fd.as_fd()).unwrap(), None);
    // Removing a binding that is not there is fine.
    bind_device(fd.as_fd(), None).unwrap();
    // Binding to a device that does not exist fails (without privileges it may
    // fail with a permission error instead).
    assert!(bind_device(fd.as_fd(), Some(b"avx-no-such-if")).is_err());
}

#[test]
fn peer_cred_names_this_process() {
    let (a, _b) = UnixStream::pair().unwrap();
    let cred = peer_cred(a.as_fd()).unwrap();
    // SAFETY: getuid, getgid and getpid cannot fail.
    let (uid, gid, pid) = unsafe { (libc::getuid(), libc::getgid(), libc::getpid()) };
    assert_eq!(
        cred,
        PeerCred {
            uid,
            gid,
            pid: Some(pid)
        }
    );
}
