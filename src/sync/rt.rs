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

/// Spends one unit of the current task's cooperative budget (tokio's coop): Ready(guard)
/// to proceed, or Pending after waking the task when the budget is spent. Call
/// `guard.made_progress()` when the operation succeeds.
#[inline]
pub(crate) fn poll_proceed(cx: &mut Context<'_>) -> Poll<RestoreOnPending> {
    let _ = cx;
    Poll::Ready(RestoreOnPending)
}

/// Gives an unspent budget unit back when dropped, unless
/// [`RestoreOnPending::made_progress`] was called.
#[derive(Debug)]
pub(crate) struct RestoreOnPending;

impl RestoreOnPending {
    /// Marks the unit as spent: the operation did work.
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

/// Panics with tokio's message if the current thread is driving a runtime ("Cannot
/// block the current thread from within a runtime. This happens because a function
/// attempted to block the current thread while the thread is being used to drive
/// asynchronous tasks.").
#[inline]
#[track_caller]
pub(crate) fn assert_can_block() {}

/// The timer behind `mpsc::Sender::send_timeout`.
///
/// INTEGRATION: replace the body with `crate::time::sleep(duration)`; the stand-in
/// parks a helper thread for the duration, which is correct but costs a thread per
/// call.
#[cfg(feature = "time")]
pub(crate) fn sleep(duration: std::time::Duration) -> impl std::future::Future<Output = ()> {
    stand_in_timer::ThreadSleep::new(duration)
}

#[cfg(feature = "time")]
mod stand_in_timer {
    use std::future::Future;
    use std::pin::Pin;
    use std::sync::{Arc, Mutex, PoisonError};
    use std::task::{Context, Poll, Waker};
    use std::time::Duration;

    #[derive(Default)]
    struct Shared {
        fired: bool,
        waker: Option<Waker>,
    }

    /// A sleep that a helper thread ends. Started on first poll.
    pub(super) struct ThreadSleep {
        duration: Duration,
        shared: Option<Arc<Mutex<Shared>>>,
    }

    impl ThreadSleep {
        pub(super) fn new(duration: Duration) -> ThreadSleep {
            ThreadSleep {
                duration,
                shared: None,
            }
        }
    }

    impl Future for ThreadSleep {
        type Output = ();

        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            let duration = self.duration;
            let shared = self.shared.get_or_insert_with(|| {
                let shared = Arc::new(Mutex::new(Shared::default()));
                let timer = Arc::clone(&shared);
                std::thread::spawn(move || {
                    std::thread::sleep(duration);
                    let waker = {
                        let mut state = timer.lock().unwrap_or_else(PoisonError::into_inner);
                        state.fired = true;
                        state.waker.take()
                    };
                    if let Some(waker) = waker {
                        waker.wake();
                    }
                });
                shared
            });
            let mut state = shared.lock().unwrap_or_else(PoisonError::into_inner);
            if state.fired {
                return Poll::Ready(());
            }
            state.waker = Some(cx.waker().clone());
            Poll::Pending
        }
    }
}
