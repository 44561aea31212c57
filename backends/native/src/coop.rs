//! The cooperative budget: how much work a task may do in one poll.
//!
//! A task that only ever finds its resources ready (a channel that always has a
//! message, a socket that always has bytes) would never return `Pending` and would
//! starve every other task on its worker. So each poll of a task gets a budget of
//! [`INITIAL`] units; every resource operation that could have waited spends one, and
//! once the budget is spent such operations return `Pending` and wake the task once
//! the scheduler has next polled its I/O and timer drivers (as `yield_now` does).
//!
//! The budget lives in a thread-local. The scheduler sets it around each poll with
//! [`budget`]; outside a runtime it is unconstrained, so a resource polled by hand
//! never refuses.

use std::cell::Cell;
use std::task::{Context, Poll};

/// Units a task may spend in one poll before its resources make it yield.
pub const INITIAL: u8 = 128;

/// What is left of the current task's budget; `None` means unconstrained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget(Option<u8>);

impl Budget {
    const UNCONSTRAINED: Budget = Budget(None);

    fn initial() -> Budget {
        Budget(Some(INITIAL))
    }

    fn has_remaining(self) -> bool {
        self.0 != Some(0)
    }
}

thread_local! {
    static CURRENT: Cell<Budget> = const { Cell::new(Budget::UNCONSTRAINED) };
}

/// Runs `f` with a fresh budget, as the scheduler does around each task poll, and
/// restores the previous budget afterwards (even if `f` panics).
#[inline]
pub fn budget<R>(f: impl FnOnce() -> R) -> R {
    with_budget(Budget::initial(), f)
}

/// Runs `f` with no budget at all: its resources never make it yield.
#[inline]
pub fn with_unconstrained<R>(f: impl FnOnce() -> R) -> R {
    with_budget(Budget::UNCONSTRAINED, f)
}

#[inline]
fn with_budget<R>(budget: Budget, f: impl FnOnce() -> R) -> R {
    struct Reset(Option<Budget>);

    impl Drop for Reset {
        fn drop(&mut self) {
            if let Some(prev) = self.0 {
                let _ = CURRENT.try_with(|cell| cell.set(prev));
            }
        }
    }

    let _reset = Reset(CURRENT.try_with(|cell| cell.replace(budget)).ok());
    f()
}

/// Whether the current task may still do work before it has to yield.
#[inline]
pub fn has_budget_remaining() -> bool {
    CURRENT
        .try_with(|cell| cell.get().has_remaining())
        .unwrap_or(true)
}

/// Spends one unit of the current task's budget, or, when none is left, wakes the
/// task and returns `Pending` so that it yields.
///
/// The returned guard gives the unit back when dropped, unless
/// [`RestoreOnPending::made_progress`] was called: an operation that ends up
/// `Pending` anyway has done no work and should not be charged.
#[inline]
pub fn poll_proceed(cx: &mut Context<'_>) -> Poll<RestoreOnPending> {
    let spent = CURRENT.try_with(|cell| {
        let budget = cell.get();
        match budget.0 {
            Some(0) => None,
            Some(n) => {
                cell.set(Budget(Some(n - 1)));
                Some(budget)
            }
            None => Some(budget),
        }
    });
    match spent {
        // The thread is being torn down: let the resource proceed.
        Err(_) => Poll::Ready(RestoreOnPending(Cell::new(Budget::UNCONSTRAINED))),
        Ok(Some(before)) => Poll::Ready(RestoreOnPending(Cell::new(before))),
        Ok(None) => {
            // Like a `yield_now`, the wake waits until the scheduler has polled its
            // drivers: a task that spends its budget each poll still lets I/O in.
            crate::runtime::context::defer(cx.waker());
            Poll::Pending
        }
    }
}

/// Gives a budget unit back on drop unless the operation made progress.
#[derive(Debug)]
#[must_use = "dropping the guard at once gives the unit back"]
pub struct RestoreOnPending(Cell<Budget>);

impl RestoreOnPending {
    /// Marks the operation as done: the unit stays spent.
    pub fn made_progress(&self) {
        self.0.set(Budget::UNCONSTRAINED);
    }
}

impl Drop for RestoreOnPending {
    fn drop(&mut self) {
        let before = self.0.get();
        // An unconstrained snapshot means either no budget was in force or progress
        // was made; there is nothing to give back in both cases.
        if before.0.is_some() {
            let _ = CURRENT.try_with(|cell| cell.set(before));
        }
    }
}

/// Takes the current budget out of the thread, leaving it unconstrained; used when a
/// worker hands its thread over to blocking work.
pub(crate) fn stop() -> Budget {
    CURRENT
        .try_with(|cell| cell.replace(Budget::UNCONSTRAINED))
        .unwrap_or(Budget::UNCONSTRAINED)
}

/// Puts back a budget taken by [`stop`].
pub(crate) fn set(budget: Budget) {
    let _ = CURRENT.try_with(|cell| cell.set(budget));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::task::{Wake, Waker};

    struct CountWakes(AtomicUsize);

    impl Wake for CountWakes {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn counting_waker() -> (Arc<CountWakes>, Waker) {
        let count = Arc::new(CountWakes(AtomicUsize::new(0)));
        (count.clone(), Waker::from(count))
    }

    #[test]
    fn unconstrained_outside_a_budget() {
        let (wakes, waker) = counting_waker();
        let mut cx = Context::from_waker(&waker);
        for _ in 0..1000 {
            let Poll::Ready(guard) = poll_proceed(&mut cx) else {
                panic!("an unconstrained thread refused to proceed");
            };
            guard.made_progress();
        }
        assert!(has_budget_remaining());
        assert_eq!(wakes.0.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn spent_budget_wakes_and_refuses() {
        let (wakes, waker) = counting_waker();
        let mut cx = Context::from_waker(&waker);
        budget(|| {
            for _ in 0..INITIAL {
                match poll_proceed(&mut cx) {
                    Poll::Ready(guard) => guard.made_progress(),
                    Poll::Pending => panic!("refused before the budget was spent"),
                }
            }
            assert!(!has_budget_remaining());
            assert!(poll_proceed(&mut cx).is_pending());
            assert_eq!(wakes.0.load(Ordering::SeqCst), 1);
        });
        // The budget ends with the scope that set it.
        assert!(has_budget_remaining());
    }

    #[test]
    fn no_progress_gives_the_unit_back() {
        let (_wakes, waker) = counting_waker();
        let mut cx = Context::from_waker(&waker);
        budget(|| {
            for _ in 0..(INITIAL as usize * 2) {
                let Poll::Ready(guard) = poll_proceed(&mut cx) else {
                    panic!("a unit was charged for an operation that made no progress");
                };
                drop(guard);
            }
            assert!(has_budget_remaining());
        });
    }

    #[test]
    fn unconstrained_inside_a_budget() {
        let (_wakes, waker) = counting_waker();
        let mut cx = Context::from_waker(&waker);
        budget(|| {
            with_unconstrained(|| {
                for _ in 0..(INITIAL as usize * 2) {
                    let Poll::Ready(guard) = poll_proceed(&mut cx) else {
                        panic!("unconstrained code was made to yield");
                    };
                    guard.made_progress();
                }
            });
            assert!(has_budget_remaining());
        });
    }
}
