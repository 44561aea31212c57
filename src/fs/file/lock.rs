//! `StateLock`: an async lock around a `File`'s state, for the methods that take
//! `&self` (`sync_all`, `set_len`, ...) and must wait for the in-flight
//! operation without letting another such call consume its result.
//!
//! The state lives in `Slot::value`. A [`Guard`] takes it out by value and puts
//! it back when dropped, so the guard can be held across `.await` (a std
//! `MutexGuard` could not) and the futures stay `Send`. The std mutex is only
//! held for the few instructions that move the value or a waker.
//!
//! Invariants: `value` is `None` exactly while a guard is alive (or was leaked
//! with `mem::forget`); every `Acquire` that returned `Pending` has its waker in
//! `waiters` until the value is next put back, which wakes them all. Waking all
//! rather than one means a woken waiter that is then dropped never strands the
//! others; contention here is rare (two `&self` calls on one file at once).

use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

#[derive(Debug)]
pub(super) struct StateLock<T> {
    slot: Mutex<Slot<T>>,
}

#[derive(Debug)]
struct Slot<T> {
    value: Option<T>,
    waiters: Vec<(u64, Waker)>,
    next_waiter: u64,
}

impl<T> StateLock<T> {
    pub(super) fn new(value: T) -> StateLock<T> {
        StateLock {
            slot: Mutex::new(Slot {
                value: Some(value),
                waiters: Vec::new(),
                next_waiter: 0,
            }),
        }
    }

    /// The state, through exclusive access; `None` only if a guard was leaked.
    pub(super) fn get_mut(&mut self) -> Option<&mut T> {
        self.slot
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .value
            .as_mut()
    }

    /// Waits until no guard is alive and takes the state.
    pub(super) fn lock(&self) -> Acquire<'_, T> {
        Acquire {
            lock: self,
            waiter: None,
        }
    }

    fn slot(&self) -> MutexGuard<'_, Slot<T>> {
        // Nothing panics while the mutex is held, but a poisoned one is still
        // consistent: every critical section leaves `Slot` valid at each step.
        self.slot.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The future of [`StateLock::lock`].
#[derive(Debug)]
pub(super) struct Acquire<'a, T> {
    lock: &'a StateLock<T>,
    /// This future's entry in `waiters`, once it has waited.
    waiter: Option<u64>,
}

impl<'a, T> Future for Acquire<'a, T> {
    type Output = Guard<'a, T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Guard<'a, T>> {
        let lock = self.lock;
        let mut slot = lock.slot();
        if let Some(value) = slot.value.take() {
            if let Some(id) = self.waiter.take() {
                slot.waiters.retain(|(waiter, _)| *waiter != id);
            }
            return Poll::Ready(Guard {
                lock,
                value: Some(value),
            });
        }
        let id = *self.waiter.get_or_insert_with(|| {
            let id = slot.next_waiter;
            slot.next_waiter += 1;
            id
        });
        match slot.waiters.iter_mut().find(|(waiter, _)| *waiter == id) {
            Some((_, waker)) => waker.clone_from(cx.waker()),
            None => slot.waiters.push((id, cx.waker().clone())),
        }
        Poll::Pending
    }
}

impl<T> Drop for Acquire<'_, T> {
    fn drop(&mut self) {
        if let Some(id) = self.waiter {
            self.lock.slot().waiters.retain(|(waiter, _)| *waiter != id);
        }
    }
}

/// Exclusive access to the state; puts it back and wakes the waiters on drop.
#[derive(Debug)]
pub(super) struct Guard<'a, T> {
    lock: &'a StateLock<T>,
    /// Always `Some` until `drop`.
    value: Option<T>,
}

impl<T> std::ops::Deref for Guard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        self.value
            .as_ref()
            .expect("a guard holds the state until dropped")
    }
}

impl<T> std::ops::DerefMut for Guard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.value
            .as_mut()
            .expect("a guard holds the state until dropped")
    }
}

impl<T> Drop for Guard<'_, T> {
    fn drop(&mut self) {
        let waiters = {
            let mut slot = self.lock.slot();
            slot.value = self.value.take();
            std::mem::take(&mut slot.waiters)
        };
        // Woken outside the mutex: a waker may run code that locks it again.
        for (_, waker) in waiters {
            waker.wake();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::task::Wake;

    struct CountWakes(AtomicUsize);

    impl Wake for CountWakes {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn poll<F: Future + Unpin>(future: &mut F, waker: &Waker) -> Poll<F::Output> {
        Pin::new(future).poll(&mut Context::from_waker(waker))
    }

    #[test]
    fn a_second_lock_waits_for_the_first_guard_and_sees_its_changes() {
        let lock = StateLock::new(1);
        let wakes = Arc::new(CountWakes(AtomicUsize::new(0)));
        let waker = Waker::from(wakes.clone());

        let Poll::Ready(mut first) = poll(&mut lock.lock(), &waker) else {
            panic!("an unheld lock is taken at once");
        };
        let mut second = lock.lock();
        assert!(poll(&mut second, &waker).is_pending());
        assert!(poll(&mut second, &waker).is_pending());
        *first = 2;
        drop(first);
        assert_eq!(
            wakes.0.load(Ordering::SeqCst),
            1,
            "one wake, not one per poll"
        );
        let Poll::Ready(second) = poll(&mut second, &waker) else {
            panic!("a released lock is taken");
        };
        assert_eq!(*second, 2);
    }

    #[test]
    fn a_dropped_waiter_leaves_no_entry() {
        let mut lock = StateLock::new(());
        let waker = Waker::from(Arc::new(CountWakes(AtomicUsize::new(0))));
        {
            let Poll::Ready(_held) = poll(&mut lock.lock(), &waker) else {
                panic!("an unheld lock is taken at once");
            };
            let mut waiting = lock.lock();
            assert!(poll(&mut waiting, &waker).is_pending());
        }
        assert!(lock.slot.get_mut().unwrap().waiters.is_empty());
        assert!(lock.get_mut().is_some());
    }
}
