//! Socket options std does not set, read and written with `setsockopt` and
//! `getsockopt`.

use std::io;
use std::mem;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::time::Duration;

/// Sets an `int`-valued option.
pub(super) fn set_int(
    fd: BorrowedFd<'_>,
    level: libc::c_int,
    name: libc::c_int,
    value: libc::c_int,
) -> io::Result<()> {
    set(fd, level, name, value)
}

fn get_int(fd: BorrowedFd<'_>, level: libc::c_int, name: libc::c_int) -> io::Result<libc::c_int> {
    get(fd, level, name, 0)
}

/// Sets an option whose value is the plain-data `T`.
fn set<T: Copy>(
    fd: BorrowedFd<'_>,
    level: libc::c_int,
    name: libc::c_int,
    value: T,
) -> io::Result<()> {
    // SAFETY: `value` is a readable `T` of the length passed, alive for the call.
    syscall!(setsockopt(
        fd.as_raw_fd(),
        level,
        name,
        (&raw const value).cast(),
        mem::size_of::<T>() as libc::socklen_t
    ))?;
    Ok(())
}

/// Reads an option whose value is the plain-data `T`, starting from `initial` (so
/// bytes the kernel does not write keep a valid value).
fn get<T: Copy>(
    fd: BorrowedFd<'_>,
    level: libc::c_int,
    name: libc::c_int,
    initial: T,
) -> io::Result<T> {
    let mut value = initial;
    let mut len = mem::size_of::<T>() as libc::socklen_t;
    // SAFETY: `value` is a writable `T` and `len` its size; the kernel writes at
    // most `len` bytes.
    syscall!(getsockopt(
        fd.as_raw_fd(),
        level,
        name,
        (&raw mut value).cast(),
        &mut len
    ))?;
    Ok(value)
}

fn set_bool(fd: BorrowedFd<'_>, level: libc::c_int, name: libc::c_int, on: bool) -> io::Result<()> {
    set_int(fd, level, name, libc::c_int::from(on))
}

fn get_bool(fd: BorrowedFd<'_>, level: libc::c_int, name: libc::c_int) -> io::Result<bool> {
    Ok(get_int(fd, level, name)? != 0)
}

/// A `u32` option value as the C `int` the kernel takes, saturating.
fn to_c_int(value: u32) -> libc::c_int {
    libc::c_int::try_from(value).unwrap_or(libc::c_int::MAX)
}

/// `SO_REUSEADDR`: allow binding an address still in `TIME_WAIT`.
pub fn set_reuse_address(fd: BorrowedFd<'_>, on: bool) -> io::Result<()> {
    set_bool(fd, libc::SOL_SOCKET, libc::SO_REUSEADDR, on)
}

/// Reads `SO_REUSEADDR`.
pub fn reuse_address(fd: BorrowedFd<'_>) -> io::Result<bool> {
    get_bool(fd, libc::SOL_SOCKET, libc::SO_REUSEADDR)
}

/// `SO_REUSEPORT`: allow several sockets to bind the same address and port.
pub fn set_reuse_port(fd: BorrowedFd<'_>, on: bool) -> io::Result<()> {
    set_bool(fd, libc::SOL_SOCKET, libc::SO_REUSEPORT, on)
}

/// Reads `SO_REUSEPORT`.
pub fn reuse_port(fd: BorrowedFd<'_>) -> io::Result<bool> {
    get_bool(fd, libc::SOL_SOCKET, libc::SO_REUSEPORT)
}

/// `SO_SNDBUF`: the send buffer size to ask for (Linux doubles it for
/// bookkeeping, and reads report the doubled value).
pub fn set_send_buffer_size(fd: BorrowedFd<'_>, size: u32) -> io::Result<()> {
    set_int(fd, libc::SOL_SOCKET, libc::SO_SNDBUF, to_c_int(size))
}

/// Reads `SO_SNDBUF`.
pub fn send_buffer_size(fd: BorrowedFd<'_>) -> io::Result<u32> {
    Ok(get_int(fd, libc::SOL_SOCKET, libc::SO_SNDBUF)? as u32)
}

/// `SO_RCVBUF`: the receive buffer size to ask for (see
/// [`set_send_buffer_size`]).
pub fn set_recv_buffer_size(fd: BorrowedFd<'_>, size: u32) -> io::Result<()> {
    set_int(fd, libc::SOL_SOCKET, libc::SO_RCVBUF, to_c_int(size))
}

/// Reads `SO_RCVBUF`.
pub fn recv_buffer_size(fd: BorrowedFd<'_>) -> io::Result<u32> {
    Ok(get_int(fd, libc::SOL_SOCKET, libc::SO_RCVBUF)? as u32)
}

/// `SO_KEEPALIVE`: send keep-alive probes on an idle connection.
pub fn set_keepalive(fd: BorrowedFd<'_>, on: bool) -> io::Result<()> {
    set_bool(fd, libc::SOL_SOCKET, libc::SO_KEEPALIVE, on)
}

/// Reads `SO_KEEPALIVE`.
pub fn keepalive(fd: BorrowedFd<'_>) -> io::Result<bool> {
    get_bool(fd, libc::SOL_SOCKET, libc::SO_KEEPALIVE)
}

/// `SO_LINGER`: `None` turns lingering off; `Some(d)` makes close wait up to `d`
/// (whole seconds, saturating) for unsent data, and `Some(ZERO)` makes close reset
/// the connection instead.
pub fn set_linger(fd: BorrowedFd<'_>, linger: Option<Duration>) -> io::Result<()> {
    let value = libc::linger {
        l_onoff: libc::c_int::from(linger.is_some()),
        l_linger: linger.map_or(0, |d| {
            libc::c_int::try_from(d.as_secs()).unwrap_or(libc::c_int::MAX)
        }),
    };
    set(fd, libc::SOL_SOCKET, LINGER, value)
}

/// Reads `SO_LINGER`.
pub fn linger(fd: BorrowedFd<'_>) -> io::Result<Option<Duration>> {
    let value = get(
        fd,
        libc::SOL_SOCKET,
        LINGER,
        libc::linger {
            l_onoff: 0,
            l_linger: 0,
        },
    )?;
    Ok((value.l_onoff != 0).then(|| Duration::from_secs(value.l_linger.max(0) as u64)))
}

/// The linger option in seconds: Apple's plain `SO_LINGER` counts clock ticks.
#[cfg(target_vendor = "apple")]
const LINGER: libc::c_int = libc::SO_LINGER_SEC;
#[cfg(not(target_vendor = "apple"))]
const LINGER: libc::c_int = libc::SO_LINGER;

/// `IP_TOS`: the type-of-service byte of outgoing IPv4 packets.
pub fn set_tos_v4(fd: BorrowedFd<'_>, tos: u32) -> io::Result<()> {
    set_int(fd, libc::IPPROTO_IP, libc::IP_TOS, to_c_int(tos))
}

/// Reads `IP_TOS`.
pub fn tos_v4(fd: BorrowedFd<'_>) -> io::Result<u32> {
    Ok(get_int(fd, libc::IPPROTO_IP, libc::IP_TOS)? as u32)
}

/// `IPV6_TCLASS`: the traffic class of outgoing IPv6 packets.
pub fn set_tclass_v6(fd: BorrowedFd<'_>, tclass: u32) -> io::Result<()> {
    set_int(fd, libc::IPPROTO_IPV6, libc::IPV6_TCLASS, to_c_int(tclass))
}

/// Reads `IPV6_TCLASS`.
pub fn tclass_v6(fd: BorrowedFd<'_>) -> io::Result<u32> {
    Ok(get_int(fd, libc::IPPROTO_IPV6, libc::IPV6_TCLASS)? as u32)
}

/// `SO_BINDTODEVICE`: send and receive only through the named interface; `None`
/// or an empty name removes the binding.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub fn bind_device(fd: BorrowedFd<'_>, interface: Option<&[u8]>) -> io::Result<()> {
    let name = interface.unwrap_or(&[]);
    // SAFETY: `name` is readable for its length for the duration of the call.
    syscall!(setsockopt(
        fd.as_raw_fd(),
        libc::SOL_SOCKET,
        libc::SO_BINDTODEVICE,
        name.as_ptr().cast(),
        name.len() as libc::socklen_t
    ))?;
    Ok(())
}

/// Reads `SO_BINDTODEVICE`: the interface name, or `None` when unbound.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub fn device(fd: BorrowedFd<'_>) -> io::Result<Option<Vec<u8>>> {
    let mut name = [0u8; libc::IFNAMSIZ];
    let mut len = name.len() as libc::socklen_t;
    // SAFETY: `name` is writable for `len` bytes; the kernel writes at most `len`.
    syscall!(getsockopt(
        fd.as_raw_fd(),
        libc::SOL_SOCKET,
        libc::SO_BINDTODEVICE,
        name.as_mut_ptr().cast(),
        &mut len
    ))?;
    // The length may count a terminating NUL; the name ends at the first one.
    let name = &name[..(len as usize).min(name.len())];
    let end = name.iter().position(|&b| b == 0).unwrap_or(name.len());
    Ok((end > 0).then(|| name[..end].to_vec()))
}

/// `TCP_QUICKACK`: acknowledge at once instead of delaying (Linux may turn it back
/// off by itself).
#[cfg(any(target_os = "linux", target_os = "android"))]
pub fn set_quickack(fd: BorrowedFd<'_>, on: bool) -> io::Result<()> {
    set_bool(fd, libc::IPPROTO_TCP, libc::TCP_QUICKACK, on)
}

/// Reads `TCP_QUICKACK`.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub fn quickack(fd: BorrowedFd<'_>) -> io::Result<bool> {
    get_bool(fd, libc::IPPROTO_TCP, libc::TCP_QUICKACK)
}

/// The credentials of the process at the other end of a Unix stream socket, as
/// they were when it connected (or created the pair).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerCred {
    /// User ID.
    pub uid: u32,
    /// Group ID.
    pub gid: u32,
    /// Process ID, where the platform reports it.
    pub pid: Option<i32>,
}

/// Reads the peer's credentials (`SO_PEERCRED` on Linux; `getpeereid` and, on
/// Apple platforms, `LOCAL_PEERPID` elsewhere).
#[cfg(any(target_os = "linux", target_os = "android"))]
pub fn peer_cred(fd: BorrowedFd<'_>) -> io::Result<PeerCred> {
    let cred = get(
        fd,
        libc::SOL_SOCKET,
        libc::SO_PEERCRED,
        libc::ucred {
            pid: 0,
            uid: 0,
            gid: 0,
        },
    )?;
    Ok(PeerCred {
        uid: cred.uid,
        gid: cred.gid,
        pid: Some(cred.pid),
    })
}

/// Reads the peer's credentials (see the Linux version).
#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub fn peer_cred(fd: BorrowedFd<'_>) -> io::Result<PeerCred> {
    let mut uid: libc::uid_t = 0;
    let mut gid: libc::gid_t = 0;
    // SAFETY: `uid` and `gid` are writable for the duration of the call.
    syscall!(getpeereid(fd.as_raw_fd(), &mut uid, &mut gid))?;
    #[cfg(target_vendor = "apple")]
    let pid = Some(get::<libc::pid_t>(
        fd,
        libc::SOL_LOCAL,
        libc::LOCAL_PEERPID,
        0,
    )?);
    #[cfg(not(target_vendor = "apple"))]
    let pid = None;
    Ok(PeerCred { uid, gid, pid })
}
