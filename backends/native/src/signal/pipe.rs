//! The self-pipe: how the signal handler wakes ordinary code.
//!
//! Created on first use and kept for the life of the process (it lives in a
//! `static`), so the handler can write to it at any moment. Both ends are
//! non-blocking and close-on-exec.

use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::sync::OnceLock;

/// The process's self-pipe.
#[derive(Debug)]
pub(super) struct SelfPipe {
    read: OwnedFd,
    write: OwnedFd,
}

static PIPE: OnceLock<SelfPipe> = OnceLock::new();

/// The self-pipe, created on first use.
///
/// # Errors
///
/// If it does not exist yet and creating it fails (out of descriptors). A later
/// call tries again.
pub(super) fn get() -> io::Result<&'static SelfPipe> {
    if let Some(pipe) = PIPE.get() {
        return Ok(pipe);
    }
    // Two threads may race here: the loser's pipe is closed unused, and everyone
    // uses the one stored.
    let created = create()?;
    Ok(PIPE.get_or_init(|| created))
}

impl SelfPipe {
    pub(super) fn read_fd(&'static self) -> BorrowedFd<'static> {
        self.read.as_fd()
    }

    /// The write end, for the handler. Valid for the rest of the process.
    pub(super) fn write_fd(&self) -> RawFd {
        self.write.as_raw_fd()
    }

    /// Only the signal tests use it, which loom and miri builds leave out.
    #[cfg(all(test, not(loom), not(miri)))]
    pub(super) fn write_end(&'static self) -> BorrowedFd<'static> {
        self.write.as_fd()
    }
}

#[cfg(not(target_vendor = "apple"))]
fn create() -> io::Result<SelfPipe> {
    let mut fds = [-1 as libc::c_int; 2];
    // SAFETY: `fds` is a writable array of two `c_int`s, as pipe2(2) requires.
    syscall!(pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC))?;
    Ok(own(fds))
}

// macOS has no pipe2: set the flags after. A fork in between could leak the fds
// into a child; the pipe is created once, so the window is one syscall wide, once.
#[cfg(target_vendor = "apple")]
fn create() -> io::Result<SelfPipe> {
    let mut fds = [-1 as libc::c_int; 2];
    // SAFETY: `fds` is a writable array of two `c_int`s, as pipe(2) requires.
    syscall!(pipe(fds.as_mut_ptr()))?;
    let pipe = own(fds);
    for fd in [pipe.read.as_raw_fd(), pipe.write.as_raw_fd()] {
        // SAFETY: `fd` is open (owned by `pipe`); F_SETFD/F_SETFL take an int.
        syscall!(fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC))?;
        // SAFETY: as above.
        syscall!(fcntl(fd, libc::F_SETFL, libc::O_NONBLOCK))?;
    }
    Ok(pipe)
}

/// Takes ownership of the two descriptors a successful pipe call returned.
fn own(fds: [libc::c_int; 2]) -> SelfPipe {
    // SAFETY: the pipe call just created both descriptors; nothing else owns them.
    unsafe {
        SelfPipe {
            read: OwnedFd::from_raw_fd(fds[0]),
            write: OwnedFd::from_raw_fd(fds[1]),
        }
    }
}
