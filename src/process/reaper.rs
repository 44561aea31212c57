//! Waiting for a child's exit on the native backend, without a thread per child.
//!
//! Unix offers no readiness event for "a child exited" that every kernel has, but
//! every exit sends `SIGCHLD`. Each `Reaper` listens for it; a `SIGCHLD` may stand
//! for any child (and several exits may coalesce into one), so on every
//! notification each waiting child checks itself with `try_wait` (tokio's approach
//! where it does not use pidfds).
//!
//! ```text
//! poll_wait: listen for the next SIGCHLD ── then ── try_wait
//!              exited           → Ready(status)
//!              running, listening → Pending (the next SIGCHLD wakes us)
//!              running, a SIGCHLD was already there → try again
//! ```
//!
//! Listening *before* `try_wait` closes the race where the child exits between
//! the check and the registration.
//!
//! Dropping a reaper whose child still runs kills it first if `kill_on_drop` is
//! set, then hands it to the orphan queue, which reaps it when it exits.

use std::fmt;
use std::io;
use std::process::{Child as StdChild, ExitStatus};
use std::task::{Context, Poll, ready};

use super::orphan;
use crate::signal::registry::Listener;

pub(super) struct Reaper {
    // `Some` until dropped.
    child: Option<StdChild>,
    sigchld: Listener,
    kill_on_drop: bool,
    /// The exit status was collected: nothing to kill or reap on drop.
    reaped: bool,
}

impl Reaper {
    pub(super) fn new(child: StdChild, sigchld: Listener, kill_on_drop: bool) -> Reaper {
        Reaper {
            child: Some(child),
            sigchld,
            kill_on_drop,
            reaped: false,
        }
    }

    fn child(&mut self) -> &mut StdChild {
        self.child.as_mut().expect("present until dropped")
    }

    pub(super) fn id(&self) -> u32 {
        self.child.as_ref().expect("present until dropped").id()
    }

    /// Waits for the child to exit and reaps it; spends budget.
    pub(super) fn poll_wait(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<ExitStatus>> {
        let coop = ready!(avx_native::coop::poll_proceed(cx));
        loop {
            let listening = self.sigchld.poll_notified(cx).is_pending();
            if let Some(status) = self.try_wait()? {
                coop.made_progress();
                return Poll::Ready(Ok(status));
            }
            if listening {
                return Poll::Pending;
            }
        }
    }

    /// The exit status, reaping the child, if it has exited.
    pub(super) fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        let status = self.child().try_wait()?;
        self.reaped |= status.is_some();
        Ok(status)
    }

    /// Sends `SIGKILL`; does not wait.
    pub(super) fn kill(&mut self) -> io::Result<()> {
        self.child().kill()?;
        self.kill_on_drop = false;
        Ok(())
    }
}

impl Drop for Reaper {
    fn drop(&mut self) {
        if self.reaped {
            return;
        }
        if self.kill_on_drop {
            let _ = self.kill();
        }
        if let Some(child) = self.child.take() {
            orphan::push(child);
        }
    }
}

impl fmt::Debug for Reaper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reaper")
            .field("pid", &self.child.as_ref().map(StdChild::id))
            .field("kill_on_drop", &self.kill_on_drop)
            .field("reaped", &self.reaped)
            .finish_non_exhaustive()
    }
}
