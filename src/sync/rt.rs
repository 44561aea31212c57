//! The few things `sync` needs from whichever runtime is driving it.
//!
//! `sync` is backend-free: its primitives work on any executor and between tasks of
//! different runtimes. It asks the runtime three things, all through this module:
//! the cooperative budget ([`poll_proceed`]), whether the current thread may block
//! ([`assert_can_block`]), and a timer for `mpsc::Sender::send_timeout` ([`sleep`]).
//!
//! INTEGRATION: the bodies below are stand-ins that are correct on their own
//! (an unlimited budget, blocking always allowed, a thread-backed timer); the
//! integrator points them at the runtime's `task::coop`, its "is this thread driving
//! a runtime" check and `crate::time::sleep`.

use std::task::{Context, Poll};

/// Spends one unit of the current task's cooperative budget: `Ready(guard)` to
/// proceed, or `Pending` (after waking the task) once the budget is spent. Call
/// `guard.made_progress()` when the operation succeeds.
#[cfg(feature = "rt")]
#[inline]
pub(crate) fn poll_proceed(cx: &mut Context<'_>) -> Poll<RestoreOnPending> {
    crate::task::coop::poll_proceed(cx)
}

#[cfg(feature = "rt")]
pub(crate) use crate::task::coop::RestoreOnPending;

/// Without a runtime there is no budget to spend.
#[cfg(not(feature = "rt"))]
#[inline]
pub(crate) fn poll_proceed(_cx: &mut Context<'_>) -> Poll<RestoreOnPending> {
    Poll::Ready(RestoreOnPending)
}

/// Without a runtime there is no budget to give back.
#[cfg(not(feature = "rt"))]
#[derive(Debug)]
pub(crate) struct RestoreOnPending;

#[cfg(not(feature = "rt"))]
impl RestoreOnPending {
    #[inline]
    pub(crate) fn made_progress(&self) {}
}

pin_project_lite::pin_project! {
    /// Runs `inner` under the cooperative budget: one unit is spent per poll, and
    /// given back unless `inner` completes.
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub(crate) struct Cooperative<F> {
        #[pin]
        inner: F,
    }
}

/// Wraps `inner` in [`Cooperative`].
pub(crate) fn cooperative<F: std::future::Future>(inner: F) -> Cooperative<F> {
    Cooperative { inner }
}

impl<F: std::future::Future> std::future::Future for Cooperative<F> {
    type Output = F::Output;

    fn poll(self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let coop = std::task::ready!(poll_proceed(cx));
        let output = std::task::ready!(self.project().inner.poll(cx));
        coop.made_progress();
        Poll::Ready(output)
    }
}

/// Panics with tokio's message if the current thread is driving a runtime (inside
/// `block_on` or a task), where blocking would stall other tasks.
#[inline]
#[track_caller]
pub(crate) fn assert_can_block() {
    if is_driving() {
        panic!(
            "Cannot block the current thread from within a runtime. This happens because a \
             function attempted to block the current thread while the thread is being used \
             to drive asynchronous tasks."
        );
    }
}

#[cfg(feature = "rt")]
fn is_driving() -> bool {
    crate::backend::is_driving()
}

/// Without `rt` there is no runtime in this build to drive.
#[cfg(not(feature = "rt"))]
fn is_driving() -> bool {
    false
}

/// The timer behind `mpsc::Sender::send_timeout`.
#[cfg(feature = "time")]
pub(crate) fn sleep(duration: std::time::Duration) -> crate::time::Sleep {
    crate::time::sleep(duration)
}
