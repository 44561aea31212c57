//! What the facade's `process` module needs from the OS that std does not offer
//! safely: switching a child's pipe between blocking and non-blocking mode.
//!
//! std hands a child's stdio pipes over in blocking mode; the facade makes them
//! non-blocking before it registers them with the reactor, and blocking again
//! before it hands them to another process (`into_owned_fd`, `TryInto<Stdio>`),
//! since most programs expect blocking stdio.

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};

/// Sets or clears `O_NONBLOCK` on `fd`'s open file description.
///
/// # Errors
///
/// The OS error from `fcntl` (a closed or invalid descriptor cannot be borrowed,
/// so in practice none).
pub fn set_nonblocking(fd: BorrowedFd<'_>, nonblocking: bool) -> io::Result<()> {
    let fd = fd.as_raw_fd();
    // SAFETY: `fd` is open for the borrow's lifetime; F_GETFL takes no argument.
    let flags = syscall!(fcntl(fd, libc::F_GETFL))?;
    let wanted = if nonblocking {
        flags | libc::O_NONBLOCK
    } else {
        flags & !libc::O_NONBLOCK
    };
    if wanted != flags {
        // SAFETY: `fd` is open; F_SETFL takes an int of file status flags.
        syscall!(fcntl(fd, libc::F_SETFL, wanted))?;
    }
    Ok(())
}

#[cfg(all(test, not(loom), not(miri)))]
mod tests {
    use super::*;
    use std::io::Read;
    use std::os::fd::AsFd;
    use std::os::unix::net::UnixStream;

    #[test]
    fn toggles_o_nonblock() {
        // fcntl's O_NONBLOCK works the same on any descriptor; a socket pair stands
        // in for a pipe (std's `io::pipe` is newer than the MSRV).
        let (mut reader, writer) = UnixStream::pair().unwrap();
        set_nonblocking(reader.as_fd(), true).unwrap();
        let err = reader.read(&mut [0; 8]).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
        set_nonblocking(reader.as_fd(), false).unwrap();
        drop(writer);
        // Blocking again: with the writer gone the read sees end-of-file.
        assert_eq!(reader.read(&mut [0; 8]).unwrap(), 0);
    }
}
