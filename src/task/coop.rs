//! The cooperative budget, as tokio's `task::coop` module exposes it.
//!
//! Each poll of a task may spend a budget of operations on resources (channels,
//! sockets, timers, join handles). Once it is spent, those operations return
//! `Pending` and wake the task, so a task whose resources are always ready still
//! yields to the others.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use pin_project_lite::pin_project;

/// Whether the current task may still spend budget before it is made to yield.
/// Outside a task the budget is unlimited.
pub fn has_budget_remaining() -> bool {
    // The native budget lives in the native scheduler's thread-local; anywhere
    // else tokio's answers (and outside both, both say "unlimited").
    #[cfg(feature = "tokio")]
    if !avx_native::runtime::has_current() {
        return ::tokio::task::coop::has_budget_remaining();
    }
    avx_native::coop::has_budget_remaining()
}

/// Spends one unit of the current task's budget, or, once it is spent, wakes the
/// task and returns `Pending`. For resources written outside avx.
///
/// Call [`RestoreOnPending::made_progress`] when the operation completes;
/// otherwise dropping the guard gives the unit back.
pub fn poll_proceed(cx: &mut Context<'_>) -> Poll<RestoreOnPending> {
    #[cfg(feature = "tokio")]
    if !avx_native::runtime::has_current() {
        let guard = ready!(::tokio::task::coop::poll_proceed(cx));
        return Poll::Ready(RestoreOnPending(Restore::Tokio(guard)));
    }
    let guard = ready!(avx_native::coop::poll_proceed(cx));
    Poll::Ready(RestoreOnPending(Restore::Native(guard)))
}

/// Gives a budget unit back when dropped, unless the operation made progress.
#[must_use = "dropping the guard at once gives the unit back"]
pub struct RestoreOnPending(Restore);

enum Restore {
    Native(avx_native::coop::RestoreOnPending),
    #[cfg(feature = "tokio")]
    Tokio(::tokio::task::coop::RestoreOnPending),
}

impl RestoreOnPending {
    /// The operation completed: the unit stays spent.
    pub fn made_progress(&self) {
        match &self.0 {
            Restore::Native(guard) => guard.made_progress(),
            #[cfg(feature = "tokio")]
            Restore::Tokio(guard) => guard.made_progress(),
        }
    }
}

impl fmt::Debug for RestoreOnPending {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RestoreOnPending").finish_non_exhaustive()
    }
}

/// Polls `future` with the budget lifted on every backend: for a timer that must
/// still be checked after the task spent its budget (see `time::Timeout`).
#[cfg_attr(not(feature = "time"), allow(dead_code))]
pub(crate) fn poll_unconstrained<F: Future>(
    future: Pin<&mut F>,
    cx: &mut Context<'_>,
) -> Poll<F::Output> {
    #[cfg(feature = "tokio")]
    let mut future = ::tokio::task::coop::unconstrained(future);
    #[cfg(feature = "tokio")]
    let future = Pin::new(&mut future);
    avx_native::coop::with_unconstrained(|| future.poll(cx))
}

/// Spends one unit of the budget, yielding to the scheduler first if none is
/// left. For long computations in a task that touch no resource.
///
/// ```
/// # avx::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let mut sum = 0u64;
/// for i in 0..10_000 {
///     sum += i;
///     avx::task::consume_budget().await;
/// }
/// # });
/// ```
pub async fn consume_budget() {
    std::future::poll_fn(|cx| {
        let guard = ready!(poll_proceed(cx));
        guard.made_progress();
        Poll::Ready(())
    })
    .await
}

#[cfg(feature = "tokio")]
type Inner<F> = ::tokio::task::coop::Unconstrained<F>;
#[cfg(not(feature = "tokio"))]
type Inner<F> = F;

pin_project! {
    /// A future that is never made to yield by the budget; see [`unconstrained`].
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Unconstrained<F> {
        #[pin]
        inner: Inner<F>,
    }
}

/// Turns off the cooperative budget for `inner`: its resources never make it
/// yield. It can then starve other tasks on its thread; use sparingly.
pub fn unconstrained<F>(inner: F) -> Unconstrained<F> {
    #[cfg(feature = "tokio")]
    let inner = ::tokio::task::coop::unconstrained(inner);
    Unconstrained { inner }
}

impl<F: Future> Future for Unconstrained<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // Lifted on both backends: avx's here, tokio's by its own wrapper inside.
        let inner = self.project().inner;
        avx_native::coop::with_unconstrained(|| inner.poll(cx))
    }
}

impl<F> fmt::Debug for Unconstrained<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Unconstrained").finish_non_exhaustive()
    }
}
