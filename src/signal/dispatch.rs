//! The dispatcher (native backend): one task per native runtime that has listeners,
//! turning the signal handler's wake-ups into notifications.
//!
//! ```text
//! handler ── byte ──> self-pipe ── readable ──> dispatcher task (this runtime's reactor)
//!                                                 drain the pipe
//!                                                 take each pending signal:
//!                                                   SIGCHLD → reap orphaned children
//!                                                   registry::broadcast(signum)
//! ```
//!
//! Each dispatcher registers its own duplicate of the pipe's read end with its own
//! runtime's reactor, so a signal wakes every live dispatcher; the first to take a
//! pending flag broadcasts it (listeners on any runtime are woken through their
//! wakers), the others find nothing. A dispatcher lives as long as its runtime: it
//! is dropped with the runtime's other tasks at shutdown, and its entry in
//! `DISPATCHERS` goes with it (`Running`'s drop), so a later listener on a new
//! runtime starts a new one.
//!
//! A dispatcher delivers once when it starts, so signals that arrived while no
//! runtime was listening are not lost.

use std::fs::File;
use std::future::poll_fn;
use std::io::{self, Read};
use std::os::raw::c_int;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::registry::{self, Listener};
use crate::io::Interest;
use crate::io::poll_evented::PollEvented;

/// The native runtimes that run a dispatcher.
static DISPATCHERS: Mutex<Vec<Dispatcher>> = Mutex::new(Vec::new());

struct Dispatcher {
    runtime: avx_native::runtime::Handle,
    id: u64,
}

/// Held by a dispatcher task; removes its entry when the task is dropped.
struct Running {
    id: u64,
}

/// Listens for `signum` on the current native runtime: makes sure the runtime runs
/// a dispatcher, installs the process's handler for `signum`, and registers a
/// listener.
///
/// # Errors
///
/// Those of `avx_native::signal::enable` (forbidden or unknown signal, a failed
/// `sigaction`), or failing to duplicate and register the self-pipe.
///
/// # Panics
///
/// Outside a native runtime, or on one without I/O, with tokio's messages.
#[track_caller]
pub(crate) fn listen(signum: c_int) -> io::Result<Listener> {
    let runtime = avx_native::runtime::Handle::current();
    ensure_dispatcher(&runtime)?;
    avx_native::signal::enable(signum)?;
    Ok(Listener::new(signum))
}

#[track_caller]
fn ensure_dispatcher(runtime: &avx_native::runtime::Handle) -> io::Result<()> {
    if dispatchers().iter().any(|d| d.runtime.ptr_eq(runtime)) {
        return Ok(());
    }
    let receiver = File::from(avx_native::signal::receiver()?.try_clone_to_owned()?);
    let events = PollEvented::new_with_interest(receiver, Interest::READABLE)?;
    static NEXT_ID: AtomicU64 = AtomicU64::new(0);
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    {
        let mut list = dispatchers();
        if list.iter().any(|d| d.runtime.ptr_eq(runtime)) {
            // Another thread started one meanwhile; ours is closed unused.
            return Ok(());
        }
        list.push(Dispatcher {
            runtime: runtime.clone(),
            id,
        });
    }
    // Spawned after the lock is released: on a runtime that is shutting down the
    // task is dropped at once, and `Running`'s drop takes the lock.
    drop(runtime.spawn(dispatch(events, Running { id })));
    Ok(())
}

async fn dispatch(events: PollEvented<File>, _running: Running) {
    let mut buf = [0u8; 128];
    loop {
        deliver();
        // A storm of signals must not keep this task from yielding.
        poll_fn(|cx| avx_native::coop::poll_proceed(cx).map(|coop| coop.made_progress())).await;
        let Ok(mut guard) = events.registration().ready(Interest::READABLE).await else {
            return; // the reactor shut down
        };
        loop {
            match (&*events).read(&mut buf) {
                Ok(n) if n > 0 => continue,
                // The write end is never closed; an end-of-file cannot happen.
                Ok(_) => return,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    guard.clear_ready();
                    break;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                // Reading a pipe we own cannot fail otherwise; if it does, this
                // runtime stops dispatching rather than spinning.
                Err(_) => return,
            }
        }
    }
}

/// Notifies the listeners of every pending signal.
fn deliver() {
    for signum in avx_native::signal::take_all_pending() {
        // Orphans first, so that a listener woken for this SIGCHLD finds them reaped.
        #[cfg(feature = "process")]
        if signum == avx_native::signal::SIGCHLD {
            crate::process::reap_orphans();
        }
        registry::broadcast(signum);
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let removed = {
            let mut list = dispatchers();
            list.iter()
                .position(|d| d.id == self.id)
                .map(|i| list.swap_remove(i))
        };
        // The runtime handle is dropped outside the lock.
        drop(removed);
    }
}

fn dispatchers() -> MutexGuard<'static, Vec<Dispatcher>> {
    DISPATCHERS.lock().unwrap_or_else(PoisonError::into_inner)
}
