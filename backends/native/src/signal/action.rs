//! The signal handler and its installation: the code that runs inside a signal
//! handler, and the `sigaction` calls that put it there.
//!
//! The handler touches only what async-signal-safe code may touch:
//!
//! - `errno`, saved on entry and restored on exit, because `write` may change it
//!   under the interrupted code's feet;
//! - lock-free atomics in statics (`PENDING`, `WAKE_FD`, `PREVIOUS*`);
//! - `write(2)`, on POSIX's list of async-signal-safe functions, to a non-blocking
//!   pipe that stays open for the life of the process;
//! - the handler it replaced, called the way the kernel would have called it.
//!
//! It allocates nothing, takes no lock and cannot panic (every lookup is checked).
//! Writers of `PREVIOUS*` and `WAKE_FD` store them before the handler that reads
//! them is installed (Release) and the handler loads them with Acquire.

use std::io;
use std::mem;
use std::os::fd::RawFd;
use std::os::raw::{c_int, c_void};
use std::ptr;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release, SeqCst};
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicUsize};

use super::SLOTS;

/// Set by the handler, taken by the dispatcher: "this signal arrived".
static PENDING: [AtomicBool; SLOTS] = [const { AtomicBool::new(false) }; SLOTS];

/// The self-pipe's write end, or -1 before the first installation.
static WAKE_FD: AtomicI32 = AtomicI32::new(-1);

/// The `sa_sigaction` address of the handler ours replaced per signal, or 0 when it
/// replaced the default action or `SIG_IGN` (nothing to call).
static PREVIOUS: [AtomicUsize; SLOTS] = [const { AtomicUsize::new(0) }; SLOTS];

/// Whether that handler was installed with `SA_SIGINFO` (takes three arguments).
static PREVIOUS_SIGINFO: [AtomicBool; SLOTS] = [const { AtomicBool::new(false) }; SLOTS];

/// Whether the signal in `slot` arrived since the last call; clears the flag.
pub(super) fn take_pending(slot: usize) -> bool {
    PENDING.get(slot).is_some_and(|p| p.swap(false, SeqCst))
}

/// Installs the handler for `signum` (in `1..SLOTS`), waking `wake` on delivery.
/// Called at most once per signal (the caller keeps the outcome).
pub(super) fn install(signum: c_int, wake: RawFd) -> io::Result<()> {
    debug_assert!(signum > 0 && (signum as usize) < SLOTS);
    let slot = signum as usize;
    WAKE_FD.store(wake, Release);

    // SAFETY: `sigaction` is a plain C struct; all-zero bytes are a valid value
    // (default handler, no flags, empty mask).
    let mut previous: libc::sigaction = unsafe { mem::zeroed() };
    // SAFETY: a null new action makes sigaction(2) only report the current one,
    // into `previous`, a valid and writable struct.
    syscall!(sigaction(signum, ptr::null(), &mut previous))?;
    if previous.sa_sigaction != libc::SIG_DFL && previous.sa_sigaction != libc::SIG_IGN {
        PREVIOUS_SIGINFO[slot].store(previous.sa_flags & libc::SA_SIGINFO != 0, Relaxed);
        PREVIOUS[slot].store(previous.sa_sigaction, Release);
    }

    // SAFETY: as for `previous`.
    let mut action: libc::sigaction = unsafe { mem::zeroed() };
    let handler: extern "C" fn(c_int, *mut libc::siginfo_t, *mut c_void) = handler;
    action.sa_sigaction = handler as libc::sighandler_t;
    // SA_RESTART: a blocking syscall the signal interrupts resumes instead of
    // failing with EINTR in code that never asked for signals.
    action.sa_flags = libc::SA_RESTART | libc::SA_SIGINFO;
    // SAFETY: `action.sa_mask` is a valid sigset_t for sigemptyset(3) to fill.
    syscall!(sigemptyset(&mut action.sa_mask))?;
    // SAFETY: `action` is fully initialised; its handler has the three-argument
    // signature SA_SIGINFO asks for and does only async-signal-safe work (see the
    // module docs). A null old-action pointer is allowed.
    syscall!(sigaction(signum, &action, ptr::null_mut()))?;
    Ok(())
}

extern "C" fn handler(signum: c_int, info: *mut libc::siginfo_t, context: *mut c_void) {
    let saved_errno = errno();
    let slot = usize::try_from(signum).unwrap_or(0);
    if let Some(pending) = PENDING.get(slot) {
        pending.store(true, SeqCst);
    }
    let fd = WAKE_FD.load(Acquire);
    if fd >= 0 {
        let byte = 1u8;
        // SAFETY: write(2) is async-signal-safe; `byte` is readable for the call;
        // `fd` is the self-pipe's write end, open for the rest of the process and
        // non-blocking, so this never blocks. A full pipe (EAGAIN) already holds a
        // wake-up, so the result is not needed.
        let _ = unsafe { libc::write(fd, ptr::from_ref(&byte).cast(), 1) };
    }
    let previous = PREVIOUS.get(slot).map_or(0, |p| p.load(Acquire));
    if previous != 0 {
        if PREVIOUS_SIGINFO[slot].load(Relaxed) {
            // SAFETY: `previous` is the `sa_sigaction` the kernel reported for a
            // handler installed with SA_SIGINFO: a function of exactly this
            // signature, which the kernel would have called with these arguments.
            let previous: extern "C" fn(c_int, *mut libc::siginfo_t, *mut c_void) =
                unsafe { mem::transmute::<usize, _>(previous) };
            previous(signum, info, context);
        } else {
            // SAFETY: as above, for a classic one-argument handler.
            let previous: extern "C" fn(c_int) = unsafe { mem::transmute::<usize, _>(previous) };
            previous(signum);
        }
    }
    set_errno(saved_errno);
}

#[cfg(any(target_os = "android", target_os = "openbsd"))]
use libc::__errno as errno_location;
#[cfg(any(target_os = "linux", target_os = "dragonfly"))]
use libc::__errno_location as errno_location;
#[cfg(any(target_vendor = "apple", target_os = "freebsd"))]
use libc::__error as errno_location;

fn errno() -> c_int {
    // SAFETY: the location is this thread's errno, valid for the thread's life;
    // finding it is async-signal-safe (it reads the thread pointer).
    unsafe { *errno_location() }
}

pub(super) fn set_errno(value: c_int) {
    // SAFETY: as in `errno`.
    unsafe { *errno_location() = value }
}
