//! `timeout`, `timeout_at` and `Timeout`.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use pin_project_lite::pin_project;

use super::error::Elapsed;
use super::{Instant, Sleep, sleep_until};

/// Requires `future` to complete within `duration`, or gives up with
/// [`Elapsed`]. The future is dropped (cancelled) when the time is up.
///
/// The future is polled before the timer, so one that is ready at once succeeds
/// even with a zero duration. If the future spends the task's whole budget, the
/// timer is still checked, so a busy future cannot outlive its timeout.
///
/// ```
/// use avx::time::{timeout, Duration};
/// # avx::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
/// let slow = std::future::pending::<()>();
/// assert!(timeout(Duration::from_millis(5), slow).await.is_err());
/// assert_eq!(timeout(Duration::from_millis(5), async { 1 }).await, Ok(1));
/// # });
/// ```
///
/// # Panics
///
/// Outside a runtime with timers, as [`super::sleep`].
#[track_caller]
pub fn timeout<F: IntoFuture>(duration: Duration, future: F) -> Timeout<F::IntoFuture> {
    let deadline = Instant::now()
        .checked_add(duration)
        .unwrap_or_else(Instant::far_future);
    timeout_at(deadline, future)
}

/// Requires `future` to complete before `deadline`; see [`timeout`].
#[track_caller]
pub fn timeout_at<F: IntoFuture>(deadline: Instant, future: F) -> Timeout<F::IntoFuture> {
    Timeout {
        value: future.into_future(),
        delay: sleep_until(deadline),
    }
}

pin_project! {
    /// The future of [`timeout`] and [`timeout_at`].
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    #[derive(Debug)]
    pub struct Timeout<T> {
        #[pin]
        value: T,
        #[pin]
        delay: Sleep,
    }
}

impl<T> Timeout<T> {
    /// The inner future.
    pub fn get_ref(&self) -> &T {
        &self.value
    }

    /// The inner future, mutably.
    pub fn get_mut(&mut self) -> &mut T {
        &mut self.value
    }

    /// The inner future, without the timeout.
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T: Future> Future for Timeout<T> {
    type Output = Result<T::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let me = self.project();
        let had_budget = crate::task::coop::has_budget_remaining();
        if let Poll::Ready(value) = me.value.poll(cx) {
            return Poll::Ready(Ok(value));
        }
        let delay = if had_budget && !crate::task::coop::has_budget_remaining() {
            // The inner future spent the budget; the timer must still get a look.
            crate::task::coop::poll_unconstrained(me.delay, cx)
        } else {
            me.delay.poll(cx)
        };
        delay.map(|()| Err(Elapsed::new()))
    }
}
