//! The OS readiness primitives: epoll on Linux, kqueue on macOS and the BSDs.
//!
//! This is the only module that makes syscalls for the reactor. Each platform file
//! provides the same three types, and the reactor uses nothing else:
//!
//! | item | what it is |
//! |---|---|
//! | `Selector::new()` | a fresh epoll/kqueue instance, close-on-exec |
//! | `Selector::register(fd, token, interest)` | edge-triggered interest in `fd`; events carry `token` |
//! | `Selector::deregister(fd)` | forget `fd`; never closes it |
//! | `Selector::select(&mut Events, timeout)` | wait for events: `None` blocks, `Some(ZERO)` polls |
//! | `Events::with_capacity(n)`, `Events::iter()` | the event buffer, read as `(token, Ready)` pairs |
//! | `Waker::new(&selector, token)`, `wake()`, `reset()` | wakes a blocked `select` (eventfd; `EVFILT_USER`) |
//!
//! `socket` is the other half of this module: the socket calls the facade needs and
//! std lacks, each a safe function over one syscall (re-exported as
//! `avx_native::socket`).
//!
//! Tokens are plain `usize`s chosen by the reactor; this layer never interprets them.
//! Readiness is translated to [`Ready`](crate::io::Ready) here, so the reactor never
//! sees an OS flag.

pub mod socket;

#[cfg(any(target_os = "linux", target_os = "android"))]
mod epoll;
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) use epoll::{Events, Selector, Waker};

#[cfg(any(
    target_vendor = "apple",
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "openbsd"
))]
mod kqueue;
#[cfg(any(
    target_vendor = "apple",
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "openbsd"
))]
pub(crate) use kqueue::{Events, Selector, Waker};

#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_vendor = "apple",
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "openbsd"
)))]
compile_error!(
    "avx-native's reactor supports Linux and Android (epoll) and macOS, iOS, FreeBSD, \
     DragonFly and OpenBSD (kqueue); use the tokio backend elsewhere"
);

/// A non-blocking, close-on-exec pipe `(read end, write end)` for tests.
#[cfg(all(test, not(loom), any(target_os = "linux", target_os = "android")))]
pub(crate) fn pipe() -> std::io::Result<(std::fs::File, std::fs::File)> {
    let mut fds = [-1 as libc::c_int; 2];
    // SAFETY: `fds` is a writable array of two `c_int`s, as pipe2(2) requires.
    syscall!(pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC))?;
    let (read, write) = own(fds);
    Ok((read.into(), write.into()))
}

/// A connected, non-blocking, close-on-exec Unix stream socket pair, for tests.
///
/// Returned as `File`s, read and written with read(2)/write(2): `UnixStream` sets
/// non-blocking mode with an `ioctl` and writes with `send`, neither of which miri's
/// socket emulation supports.
#[cfg(all(test, not(loom), any(target_os = "linux", target_os = "android")))]
pub(crate) fn socket_pair() -> std::io::Result<(std::fs::File, std::fs::File)> {
    let mut fds = [-1 as libc::c_int; 2];
    let kind = libc::SOCK_STREAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC;
    // SAFETY: `fds` is a writable array of two `c_int`s, as socketpair(2) requires.
    syscall!(socketpair(libc::AF_UNIX, kind, 0, fds.as_mut_ptr()))?;
    let (a, b) = own(fds);
    Ok((a.into(), b.into()))
}

/// Takes ownership of the two descriptors a successful pipe2/socketpair returned.
#[cfg(all(test, not(loom), any(target_os = "linux", target_os = "android")))]
fn own(fds: [libc::c_int; 2]) -> (std::os::fd::OwnedFd, std::os::fd::OwnedFd) {
    use std::os::fd::{FromRawFd, OwnedFd};

    // SAFETY: the caller's syscall just created both descriptors; no one else owns them.
    unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
}

/// Sends one byte of TCP out-of-band (urgent) data on `fd`, for tests.
#[cfg(all(test, not(loom), any(target_os = "linux", target_os = "android")))]
pub(crate) fn send_out_of_band(fd: std::os::fd::RawFd, byte: u8) -> std::io::Result<usize> {
    // SAFETY: `byte` is one readable byte for the duration of the call; a bad `fd` is
    // an error return.
    let sent = syscall!(send(fd, (&byte as *const u8).cast(), 1, libc::MSG_OOB))?;
    Ok(sent as usize)
}
