//! The handler on real signals. Each test uses its own signal number, since
//! handlers are process-wide and tests run in parallel; all of them default to
//! "ignore" or are caught before they are raised, so a failure cannot kill the
//! test binary.

use std::io::{self, Read};
use std::os::raw::c_int;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;

/// Held by tests that read or fill the self-pipe, which all tests share.
static PIPE_USERS: Mutex<()> = Mutex::new(());

fn raise(signum: c_int) {
    // SAFETY: raise(3) with a signal whose handler is installed (or ignored).
    let rc = unsafe { libc::raise(signum) };
    assert_eq!(rc, 0, "raise({signum}) failed");
}

/// Reads every wake-up byte currently in the pipe, through a duplicate of the read
/// end (as a dispatcher would).
fn drain_receiver() -> usize {
    let mut receiver = std::fs::File::from(receiver().unwrap().try_clone_to_owned().unwrap());
    let mut total = 0;
    let mut buf = [0u8; 64];
    loop {
        match receiver.read(&mut buf) {
            Ok(0) => return total,
            Ok(n) => total += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return total,
            Err(e) => panic!("reading the self-pipe: {e}"),
        }
    }
}

#[test]
fn refuses_forbidden_and_invalid_signals() {
    for signum in FORBIDDEN.into_iter().chain([0, -1]) {
        let err = enable(signum).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::Other);
        assert_eq!(
            err.to_string(),
            format!("Refusing to register signal {signum}")
        );
    }
    let err = enable(SLOTS as c_int).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::Other);
    assert_eq!(err.to_string(), "signal too large");
    assert!(!take_pending(0) && !take_pending(-3) && !take_pending(SLOTS as c_int));
}

#[test]
fn raised_signal_is_pending_and_wakes_the_pipe() {
    let _pipe = PIPE_USERS.lock().unwrap();
    drain_receiver();
    enable(SIGWINCH).unwrap();
    // Enabling twice is a no-op that succeeds again.
    enable(SIGWINCH).unwrap();
    raise(SIGWINCH);
    // raise(3) returns after the handler ran on this thread.
    assert!(drain_receiver() >= 1);
    assert!(take_pending(SIGWINCH));
    assert!(!take_pending(SIGWINCH), "taking clears the flag");
}

#[test]
fn take_all_pending_lists_each_signal_once() {
    enable(SIGURG_FOR_TESTS).unwrap();
    raise(SIGURG_FOR_TESTS);
    raise(SIGURG_FOR_TESTS);
    let pending: Vec<c_int> = take_all_pending().collect();
    // Other tests may have left their own signals pending; ours appears once.
    assert_eq!(
        pending.iter().filter(|&&s| s == SIGURG_FOR_TESTS).count(),
        1
    );
    assert!(!take_pending(SIGURG_FOR_TESTS));
}

// SIGURG and SIGCONT default to "ignore", so a stray one is harmless.
const SIGURG_FOR_TESTS: c_int = libc::SIGURG;
const SIGCONT_FOR_TESTS: c_int = libc::SIGCONT;

static CLASSIC_CALLS: AtomicUsize = AtomicUsize::new(0);

extern "C" fn classic_handler(_signum: c_int) {
    CLASSIC_CALLS.fetch_add(1, Ordering::SeqCst);
}

#[test]
fn chains_to_the_handler_it_replaced() {
    // SAFETY: all-zero is a valid sigaction; the handler only bumps an atomic,
    // which is async-signal-safe.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        let handler: extern "C" fn(c_int) = classic_handler;
        action.sa_sigaction = handler as libc::sighandler_t;
        libc::sigemptyset(&mut action.sa_mask);
        assert_eq!(
            libc::sigaction(SIGCONT_FOR_TESTS, &action, std::ptr::null_mut()),
            0
        );
    }
    enable(SIGCONT_FOR_TESTS).unwrap();
    raise(SIGCONT_FOR_TESTS);
    assert!(take_pending(SIGCONT_FOR_TESTS), "ours ran");
    assert_eq!(
        CLASSIC_CALLS.load(Ordering::SeqCst),
        1,
        "the old one ran too"
    );
}

#[test]
fn handler_preserves_errno() {
    enable(SIGUSR2).unwrap();
    // Fill the pipe so the handler's write fails with EAGAIN (it would otherwise
    // leave errno alone and prove nothing).
    let _pipe = PIPE_USERS.lock().unwrap();
    let write_end = pipe::get().unwrap().write_end().try_clone_to_owned();
    let mut writer = std::fs::File::from(write_end.unwrap());
    let mut filled = 0usize;
    loop {
        match io::Write::write(&mut writer, &[0u8; 4096]) {
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) => panic!("filling the self-pipe: {e}"),
        }
    }
    assert!(filled > 0);
    action::set_errno(libc::ENOENT);
    raise(SIGUSR2);
    assert_eq!(
        io::Error::last_os_error().raw_os_error(),
        Some(libc::ENOENT)
    );
    assert!(take_pending(SIGUSR2));
    drain_receiver();
}
