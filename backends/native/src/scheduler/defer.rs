//! Wakers deferred until the scheduler has polled its drivers (`yield_now`).

use std::cell::RefCell;
use std::task::Waker;

#[derive(Debug, Default)]
pub(crate) struct Defer {
    deferred: RefCell<Vec<Waker>>,
}

impl Defer {
    pub(crate) fn new() -> Defer {
        Defer::default()
    }

    pub(crate) fn defer(&self, waker: &Waker) {
        let mut deferred = self.deferred.borrow_mut();
        // A task that yields twice before the driver runs is woken once.
        if deferred.last().is_some_and(|last| last.will_wake(waker)) {
            return;
        }
        deferred.push(waker.clone());
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.deferred.borrow().is_empty()
    }

    /// Wakes every deferred waker, in the order they were deferred.
    pub(crate) fn wake(&self) {
        // Wakers are taken out first: waking may schedule and schedule may defer.
        let wakers = std::mem::take(&mut *self.deferred.borrow_mut());
        for waker in wakers {
            waker.wake();
        }
    }
}
