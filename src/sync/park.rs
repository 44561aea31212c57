//! Blocking the current thread on a `sync` future, for the `blocking_*` methods.
//!
//! These run outside any runtime (tokio panics if they are called on a thread that
//! drives one; [`rt::assert_can_block`] does the same), so they park the thread with
//! std's `Mutex`/`Condvar` and let the future's waker unpark it.

use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::task::{Context, Poll, Wake, Waker};

use super::rt;

/// Runs `future` to completion on the current thread, parking between polls.
///
/// Panics with tokio's message when the current thread drives a runtime.
#[track_caller]
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    rt::assert_can_block();
    let parker = Arc::new(Parker::default());
    let waker = Waker::from(Arc::clone(&parker));
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        parker.park();
    }
}

/// A wake-up flag and the condition variable that waits for it.
#[derive(Debug, Default)]
struct Parker {
    woken: Mutex<bool>,
    condvar: Condvar,
}

impl Parker {
    /// Waits until woken, then clears the flag.
    fn park(&self) {
        let mut woken = self.woken.lock().unwrap_or_else(PoisonError::into_inner);
        while !*woken {
            woken = self
                .condvar
                .wait(woken)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *woken = false;
    }
}

impl Wake for Parker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        *self.woken.lock().unwrap_or_else(PoisonError::into_inner) = true;
        self.condvar.notify_one();
    }
}
