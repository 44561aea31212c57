//! Socket calls that `std::net` and `std::os::unix::net` do not offer, made safe.
//!
//! The facade owns every socket as a std type and uses std's methods where std has
//! them; this module fills the gaps tokio's API needs: creating a socket without
//! binding or connecting it (`TcpSocket`), a connect that does not block, an accept
//! that returns a non-blocking socket in one call, sends that never raise `SIGPIPE`,
//! and the socket options std lacks (see [`options`](self#options)).
//!
//! Every function takes the socket as a [`BorrowedFd`], so it can never act on a
//! closed descriptor, and reports failures as `io::Error` with the OS error code.
//!
//! # Options
//!
//! `SO_REUSEADDR`, `SO_REUSEPORT`, `SO_SNDBUF`, `SO_RCVBUF`, `SO_KEEPALIVE`,
//! `SO_LINGER`, `IP_TOS`, `IPV6_TCLASS`, `SO_BINDTODEVICE` and `TCP_QUICKACK`
//! (Linux), and the peer credentials of a Unix stream socket.
//!
//! # `SIGPIPE`
//!
//! Writing to a stream whose peer has gone raises `SIGPIPE`, which kills a process
//! that has not ignored it (Rust's `main` ignores it; a C host loading a Rust
//! library may not). [`send`] and [`send_vectored`] pass `MSG_NOSIGNAL` where the
//! OS has it; on Apple platforms, which lack it, [`set_nosigpipe`] sets the
//! per-socket `SO_NOSIGPIPE` instead, and sockets made by [`new`] and [`accept`]
//! have it already. Either way the write fails with `EPIPE` (`BrokenPipe`).

mod addr;
mod options;

use std::io::{self, IoSlice};
use std::net::SocketAddr;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

pub use options::*;

/// The address family of a new socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domain {
    /// IPv4 (`AF_INET`).
    Ipv4,
    /// IPv6 (`AF_INET6`).
    Ipv6,
    /// Unix domain (`AF_UNIX`).
    Unix,
}

impl Domain {
    /// The family of `addr`.
    pub fn for_address(addr: &SocketAddr) -> Domain {
        match addr {
            SocketAddr::V4(_) => Domain::Ipv4,
            SocketAddr::V6(_) => Domain::Ipv6,
        }
    }

    fn raw(self) -> libc::c_int {
        match self {
            Domain::Ipv4 => libc::AF_INET,
            Domain::Ipv6 => libc::AF_INET6,
            Domain::Unix => libc::AF_UNIX,
        }
    }
}

/// The kind of a new socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    /// A byte stream (`SOCK_STREAM`): TCP, or a Unix stream socket.
    Stream,
    /// Datagrams (`SOCK_DGRAM`): UDP, or a Unix datagram socket.
    Datagram,
}

impl Type {
    fn raw(self) -> libc::c_int {
        match self {
            Type::Stream => libc::SOCK_STREAM,
            Type::Datagram => libc::SOCK_DGRAM,
        }
    }
}

/// Creates a socket that is non-blocking and close-on-exec (and, on Apple
/// platforms, never raises `SIGPIPE`). It is neither bound nor connected.
pub fn new(domain: Domain, ty: Type) -> io::Result<OwnedFd> {
    let fd = flagged::socket(domain.raw(), ty.raw())?;
    set_nosigpipe(fd.as_fd())?;
    Ok(fd)
}

/// Accepts a connection on `fd`, a listening IPv4 or IPv6 socket. The new socket is
/// non-blocking and close-on-exec (one `accept4` call where the OS has it).
pub fn accept(fd: BorrowedFd<'_>) -> io::Result<(OwnedFd, SocketAddr)> {
    let mut peer = addr::RawAddr::storage();
    let new = flagged::accept(fd, &mut peer)?;
    set_nosigpipe(new.as_fd())?;
    Ok((new, peer.to_inet()?))
}

/// `socket` and `accept` returning descriptors that are already non-blocking and
/// close-on-exec: with `SOCK_NONBLOCK | SOCK_CLOEXEC` in one call where the OS
/// takes them.
#[cfg(any(
    target_os = "linux",
    target_os = "android",
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "openbsd",
    target_os = "netbsd"
))]
mod flagged {
    use super::*;

    const FLAGS: libc::c_int = libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC;

    pub(super) fn socket(domain: libc::c_int, ty: libc::c_int) -> io::Result<OwnedFd> {
        // SAFETY: socket(2) takes three integers.
        let fd = syscall!(socket(domain, ty | FLAGS, 0))?;
        // SAFETY: the call succeeded, so `fd` is a fresh descriptor nothing else owns.
        Ok(unsafe { OwnedFd::from_raw_fd(fd) })
    }

    pub(super) fn accept(fd: BorrowedFd<'_>, peer: &mut addr::RawAddr) -> io::Result<OwnedFd> {
        let (storage, len) = peer.out_params();
        // SAFETY: `storage` and `len` point to a writable sockaddr_storage and its
        // size, both alive for the call.
        let new = syscall!(accept4(fd.as_raw_fd(), storage, len, FLAGS))?;
        // SAFETY: the call succeeded, so `new` is a fresh descriptor nothing else owns.
        Ok(unsafe { OwnedFd::from_raw_fd(new) })
    }
}

/// The same for platforms without the flags (Apple's): set with `fcntl` after the
/// call. The descriptor is close-on-exec only from then on, so a concurrent `exec`
/// in another thread may inherit it (as with std on these platforms).
#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "openbsd",
    target_os = "netbsd"
)))]
mod flagged {
    use super::*;

    pub(super) fn socket(domain: libc::c_int, ty: libc::c_int) -> io::Result<OwnedFd> {
        // SAFETY: socket(2) takes three integers.
        let fd = syscall!(socket(domain, ty, 0))?;
        // SAFETY: the call succeeded, so `fd` is a fresh descriptor nothing else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        set_flags(fd.as_fd())?;
        Ok(fd)
    }

    pub(super) fn accept(fd: BorrowedFd<'_>, peer: &mut addr::RawAddr) -> io::Result<OwnedFd> {
        let (storage, len) = peer.out_params();
        // SAFETY: `storage` and `len` point to a writable sockaddr_storage and its
        // size, both alive for the call.
        let new = syscall!(accept(fd.as_raw_fd(), storage, len))?;
        // SAFETY: the call succeeded, so `new` is a fresh descriptor nothing else owns.
        let new = unsafe { OwnedFd::from_raw_fd(new) };
        set_flags(new.as_fd())?;
        Ok(new)
    }

    fn set_flags(fd: BorrowedFd<'_>) -> io::Result<()> {
        let fd = fd.as_raw_fd();
        // SAFETY: fcntl with F_SETFD and an integer flag set; a bad fd is an error return.
        syscall!(fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC))?;
        // SAFETY: fcntl with F_GETFL takes no further argument.
        let status = syscall!(fcntl(fd, libc::F_GETFL))?;
        // SAFETY: fcntl with F_SETFL and an integer flag set.
        syscall!(fcntl(fd, libc::F_SETFL, status | libc::O_NONBLOCK))?;
        Ok(())
    }
}

/// Makes writes to `fd` fail with `EPIPE` instead of raising `SIGPIPE` where the
/// platform needs a socket option for that (Apple's `SO_NOSIGPIPE`); elsewhere
/// [`send`] and [`send_vectored`] already pass `MSG_NOSIGNAL` and this does nothing.
pub fn set_nosigpipe(fd: BorrowedFd<'_>) -> io::Result<()> {
    #[cfg(target_vendor = "apple")]
    options::set_int(fd, libc::SOL_SOCKET, libc::SO_NOSIGPIPE, 1)?;
    #[cfg(not(target_vendor = "apple"))]
    let _ = fd;
    Ok(())
}

/// Binds `fd` to `addr`.
pub fn bind(fd: BorrowedFd<'_>, addr: &SocketAddr) -> io::Result<()> {
    let raw = addr::RawAddr::from_inet(addr);
    // SAFETY: `raw` holds a sockaddr of the length it reports, alive for the call.
    syscall!(bind(fd.as_raw_fd(), raw.as_ptr(), raw.len()))?;
    Ok(())
}

/// Binds `fd`, a Unix socket, to `addr` (a path, or on Linux an abstract name).
///
/// # Errors
///
/// `InvalidInput` if `addr` is unnamed.
pub fn bind_unix(fd: BorrowedFd<'_>, addr: &std::os::unix::net::SocketAddr) -> io::Result<()> {
    let raw = addr::RawAddr::from_unix(addr)?;
    // SAFETY: as in `bind`.
    syscall!(bind(fd.as_raw_fd(), raw.as_ptr(), raw.len()))?;
    Ok(())
}

/// Starts connecting `fd` to `addr` without waiting: `Ok` when the connection is
/// made or in progress (`EINPROGRESS`). Wait for the socket to become writable,
/// then read `SO_ERROR` (std's `take_error`) to learn how it ended.
pub fn connect(fd: BorrowedFd<'_>, addr: &SocketAddr) -> io::Result<()> {
    let raw = addr::RawAddr::from_inet(addr);
    // SAFETY: as in `bind`.
    connect_result(syscall!(connect(fd.as_raw_fd(), raw.as_ptr(), raw.len())))
}

/// [`connect`] for a Unix socket. A listener whose backlog is full makes this fail
/// with `WouldBlock` (`EAGAIN`) on Linux rather than wait.
///
/// # Errors
///
/// `InvalidInput` if `addr` is unnamed.
pub fn connect_unix(fd: BorrowedFd<'_>, addr: &std::os::unix::net::SocketAddr) -> io::Result<()> {
    let raw = addr::RawAddr::from_unix(addr)?;
    // SAFETY: as in `bind`.
    connect_result(syscall!(connect(fd.as_raw_fd(), raw.as_ptr(), raw.len())))
}

fn connect_result(result: io::Result<libc::c_int>) -> io::Result<()> {
    match result {
        Ok(_) => Ok(()),
        Err(err) if err.raw_os_error() == Some(libc::EINPROGRESS) => Ok(()),
        Err(err) => Err(err),
    }
}

/// Marks `fd` as accepting connections, with room for `backlog` pending ones.
pub fn listen(fd: BorrowedFd<'_>, backlog: i32) -> io::Result<()> {
    // SAFETY: listen(2) takes two integers.
    syscall!(listen(fd.as_raw_fd(), backlog))?;
    Ok(())
}

/// The flags every send passes: no `SIGPIPE` where a flag can say so.
#[cfg(not(target_vendor = "apple"))]
const SEND_FLAGS: libc::c_int = libc::MSG_NOSIGNAL;
#[cfg(target_vendor = "apple")]
const SEND_FLAGS: libc::c_int = 0;

/// Sends `buf` on `fd`, a connected socket; never raises `SIGPIPE` (see the module
/// docs). Returns the count sent.
pub fn send(fd: BorrowedFd<'_>, buf: &[u8]) -> io::Result<usize> {
    // SAFETY: `buf` is readable for `buf.len()` bytes for the duration of the call.
    let sent = syscall!(send(
        fd.as_raw_fd(),
        buf.as_ptr().cast(),
        buf.len(),
        SEND_FLAGS
    ))?;
    Ok(sent as usize)
}

/// Sends the buffers in order with one `sendmsg`, never raising `SIGPIPE`. Returns
/// the count sent.
pub fn send_vectored(fd: BorrowedFd<'_>, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
    // Beyond IOV_MAX the kernel refuses the call; sending a prefix is a valid
    // partial write.
    let bufs = &bufs[..bufs.len().min(IOV_MAX)];
    // SAFETY: all-zero bytes are a valid msghdr (integers, null pointers, padding).
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    // `IoSlice` is documented to be ABI-compatible with `iovec` on Unix. sendmsg
    // only reads through the pointer, whatever its mutability says.
    msg.msg_iov = bufs.as_ptr().cast_mut().cast();
    msg.msg_iovlen = bufs.len() as _;
    // SAFETY: `msg` names `bufs.len()` iovecs, each readable for its length, all
    // alive for the call; no name and no control data.
    let sent = syscall!(sendmsg(fd.as_raw_fd(), &msg, SEND_FLAGS))?;
    Ok(sent as usize)
}

/// The most buffers one `sendmsg` takes (POSIX guarantees at least 16; Linux and
/// the BSDs take 1024).
const IOV_MAX: usize = 1024;

/// Whether `fd` is in non-blocking mode (`O_NONBLOCK`).
pub fn is_nonblocking(fd: BorrowedFd<'_>) -> io::Result<bool> {
    // SAFETY: fcntl with F_GETFL takes no further argument; a bad fd is an error return.
    let status = syscall!(fcntl(fd.as_raw_fd(), libc::F_GETFL))?;
    Ok(status & libc::O_NONBLOCK != 0)
}

#[cfg(all(test, not(loom), any(target_os = "linux", target_os = "android")))]
mod tests;
