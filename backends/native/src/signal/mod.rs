//! Process-wide delivery of Unix signals: the OS half of the facade's
//! `signal::unix::signal` and of child reaping on SIGCHLD.
//!
//! A signal handler may only do async-signal-safe work, so delivery is split in two:
//!
//! ```text
//! kernel ── signal ──> handler (action.rs)      any thread, any moment
//!                        PENDING[signum] = true   a lock-free atomic store
//!                        write(self-pipe, 1 byte) wakes whoever reads the pipe
//!                        chains to the handler it replaced, if any
//! facade dispatcher ──> drains `receiver()`, then `take_pending()` per signal,
//!                       and notifies that signal's listeners (ordinary code)
//! ```
//!
//! Invariants:
//!
//! - The self-pipe is created once, before any handler is installed, and never
//!   closed: the handler may write to it at any moment for the rest of the process.
//!   Both ends are non-blocking and close-on-exec, so the handler never blocks (a
//!   full pipe already holds a wake-up) and children never inherit them.
//! - A handler is installed at most once per signal and never removed (tokio's rule:
//!   once a program listens for a signal, the default action does not come back).
//!   The outcome of the first attempt is kept, so a failed installation fails the
//!   same way every time.
//! - The handler sets the pending flag *before* it writes to the pipe, and the
//!   dispatcher drains the pipe *before* it takes the flags: a signal whose wake-up
//!   byte has been read is always seen as pending. The reverse can happen (a flag
//!   taken before its byte arrives), which costs one spurious wake-up, never a lost
//!   signal.
//!
//! The facade sees only safe functions: [`enable`], [`receiver`], [`take_pending`],
//! and the signal numbers it needs (it does not depend on `libc` itself).

mod action;
mod pipe;

use std::io;
use std::os::fd::BorrowedFd;
use std::os::raw::c_int;
use std::sync::OnceLock;

#[cfg(any(
    target_vendor = "apple",
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "openbsd"
))]
pub use libc::SIGINFO;
pub use libc::{
    SIGALRM, SIGCHLD, SIGFPE, SIGHUP, SIGILL, SIGINT, SIGIO, SIGKILL, SIGPIPE, SIGQUIT, SIGSEGV,
    SIGSTOP, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH,
};

/// Signals no program may handle: the kernel never lets it (SIGKILL, SIGSTOP), or a
/// handler that returns would re-run the faulting instruction forever.
pub const FORBIDDEN: [c_int; 5] = [SIGKILL, SIGSTOP, SIGILL, SIGFPE, SIGSEGV];

/// One slot per signal number, 0 unused. Linux numbers real-time signals up to
/// `SIGRTMAX()` (64 on most architectures, 127 on MIPS); elsewhere the classic 1..=32.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) const SLOTS: usize = 129;
#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub(crate) const SLOTS: usize = 33;

/// The outcome of the first installation attempt per signal: `Err(errno)` on failure.
static INSTALLED: [OnceLock<Result<(), Option<i32>>>; SLOTS] = [const { OnceLock::new() }; SLOTS];

/// Makes this process catch `signum` for good: from now on each delivery sets its
/// pending flag and wakes the reader of [`receiver`].
///
/// # Errors
///
/// `Other` ("Refusing to register signal N") for a number that is not positive or
/// is one of [`FORBIDDEN`]; `Other` ("signal too large") past this platform's last
/// signal; the OS error if creating the self-pipe or `sigaction` fails (the latter
/// is remembered and returned again by later calls).
pub fn enable(signum: c_int) -> io::Result<()> {
    if signum <= 0 || FORBIDDEN.contains(&signum) {
        return Err(io::Error::other(format!(
            "Refusing to register signal {signum}"
        )));
    }
    let slot = slot(signum).ok_or_else(|| io::Error::other("signal too large"))?;
    let wake = pipe::get()?.write_fd();
    INSTALLED[slot]
        .get_or_init(|| action::install(signum, wake).map_err(|e| e.raw_os_error()))
        .map_err(|errno| match errno {
            Some(errno) => io::Error::from_raw_os_error(errno),
            None => io::Error::other("registering signal handler failed"),
        })
}

/// The read end of the self-pipe (non-blocking): readable after any enabled signal
/// arrived. Each reader should register its own duplicate
/// (`BorrowedFd::try_clone_to_owned`) with its reactor.
///
/// # Errors
///
/// If the pipe does not exist yet and cannot be created.
pub fn receiver() -> io::Result<BorrowedFd<'static>> {
    Ok(pipe::get()?.read_fd())
}

/// Whether `signum` arrived since the last call, clearing the flag. Call it after
/// draining [`receiver`] (see the module's invariants).
pub fn take_pending(signum: c_int) -> bool {
    slot(signum).is_some_and(action::take_pending)
}

/// Every signal number pending since the last call, clearing their flags.
pub fn take_all_pending() -> impl Iterator<Item = c_int> {
    // Only enabled signals are ever set, so every slot can be taken unchecked.
    (1..SLOTS)
        .filter(|&slot| action::take_pending(slot))
        .map(|slot| slot as c_int)
}

/// The table slot of `signum`, if this platform has such a signal.
fn slot(signum: c_int) -> Option<usize> {
    let slot = usize::try_from(signum)
        .ok()
        .filter(|&s| s > 0 && s < SLOTS)?;
    #[cfg(any(target_os = "linux", target_os = "android"))]
    if signum > libc::SIGRTMAX() {
        return None;
    }
    Some(slot)
}

#[cfg(all(test, not(loom), not(miri)))]
mod tests;
