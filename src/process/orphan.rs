//! The orphan queue (native backend): children whose [`Child`](super::Child) was
//! dropped before they exited, kept until they can be reaped so none is left a
//! zombie.
//!
//! Reaping is `try_wait` on each queued child, never `waitpid(-1)`, so a child that
//! someone else spawned and waits for (std's `Command::status`, say) is never
//! stolen. The dispatcher reaps on every `SIGCHLD` it delivers, and each native
//! spawn reaps first as well, so the queue drains even if a signal was coalesced.
//!
//! Invariant: a child is pushed only after a `try_wait` under the queue's lock
//! found it running. Whoever reaps takes the same lock, so an exit is either seen
//! by that `try_wait` or followed by a `SIGCHLD` whose reap finds the child queued.

use std::process::Child as StdChild;
use std::sync::{Mutex, MutexGuard, PoisonError};

static ORPHANS: Mutex<Vec<StdChild>> = Mutex::new(Vec::new());

/// Queues `child` to be reaped once it exits (unless it already has: then it is
/// reaped now).
pub(super) fn push(mut child: StdChild) {
    let mut orphans = orphans();
    if let Ok(None) = child.try_wait() {
        orphans.push(child);
    }
}

/// Reaps every queued child that has exited. A child whose status cannot be
/// collected (someone else reaped it) leaves the queue too.
pub(crate) fn reap() {
    orphans().retain_mut(|child| matches!(child.try_wait(), Ok(None)));
}

fn orphans() -> MutexGuard<'static, Vec<StdChild>> {
    ORPHANS.lock().unwrap_or_else(PoisonError::into_inner)
}
