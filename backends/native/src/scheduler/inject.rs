//! The injection queue: where work scheduled from outside a worker waits, and where
//! a worker's full local queue overflows to.
//!
//! Both schedulers use it. It is a FIFO under a mutex, with its length mirrored in
//! an atomic so that a worker can see that it is empty without taking the lock; that
//! check is the common case on a busy worker's hot path.
//!
//! # Invariants
//!
//! - `len` equals `queue.len()` whenever the mutex is unlocked: every lock goes
//!   through [`Locked`], which stores the length when it is released (even when a
//!   caller's iterator panics mid-batch). A lock-free reader may see a length that is
//!   a moment old, never one that no locked state had.
//! - Once `closed` is set it stays set, and nothing is added to `queue` after it.
//!   Items already queued stay there to be popped (the runtime drains them at
//!   shutdown).

use std::collections::VecDeque;
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::PoisonError;

use crate::loom::sync::atomic::{AtomicUsize, Ordering};
use crate::loom::sync::{Mutex, MutexGuard};
use crate::scheduler::multi_thread::queue::Overflow;

/// A FIFO of work shared by every thread of a runtime.
pub(crate) struct Inject<T> {
    synced: Mutex<Synced<T>>,
    /// Mirrors `synced.queue.len()`; see the module invariants.
    len: AtomicUsize,
}

struct Synced<T> {
    queue: VecDeque<T>,
    closed: bool,
}

impl<T> Inject<T> {
    /// Creates an empty, open queue.
    pub(crate) fn new() -> Inject<T> {
        Inject {
            synced: Mutex::new(Synced {
                queue: VecDeque::new(),
                closed: false,
            }),
            len: AtomicUsize::new(0),
        }
    }

    /// How many items are queued, read without the lock.
    pub(crate) fn len(&self) -> usize {
        self.len.load(Ordering::Acquire)
    }

    /// Whether no items are queued, read without the lock.
    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Closes the queue to new items. Returns `true` if this call closed it, `false`
    /// if it was already closed.
    pub(crate) fn close(&self) -> bool {
        let mut synced = self.lock();
        let was_open = !synced.closed;
        synced.closed = true;
        was_open
    }

    /// Whether [`Inject::close`] has been called.
    pub(crate) fn is_closed(&self) -> bool {
        self.lock().closed
    }

    /// Queues `task` at the back, or hands it back if the queue is closed.
    pub(crate) fn push(&self, task: T) -> Result<(), T> {
        let mut synced = self.lock();
        if synced.closed {
            return Err(task);
        }
        synced.queue.push_back(task);
        Ok(())
    }

    /// Queues every item of `tasks` at the back, in order, under one lock; or, if
    /// the queue is closed, hands the iterator back untouched.
    pub(crate) fn push_batch<I: Iterator<Item = T>>(&self, tasks: I) -> Result<(), I> {
        let mut synced = self.lock();
        if synced.closed {
            return Err(tasks);
        }
        synced.queue.extend(tasks);
        Ok(())
    }

    /// Takes the oldest item.
    pub(crate) fn pop(&self) -> Option<T> {
        if self.is_empty() {
            return None;
        }
        self.lock().queue.pop_front()
    }

    /// Takes up to `n` of the oldest items, holding the lock until the returned
    /// iterator is dropped. Items the caller does not take stay queued.
    ///
    /// The iterator knows its exact length, so it can go straight into
    /// `Local::push_back`; the caller must not touch this queue while holding it.
    pub(crate) fn pop_n(&self, n: usize) -> PopN<'_, T> {
        let synced = if n == 0 || self.is_empty() {
            None
        } else {
            Some(self.lock())
        };
        PopN { synced, left: n }
    }

    fn lock(&self) -> Locked<'_, T> {
        // Nothing panics while holding the lock but a caller's iterator in
        // `push_batch`, and that leaves the queue consistent: ignore poisoning.
        let guard = self.synced.lock().unwrap_or_else(PoisonError::into_inner);
        Locked {
            guard,
            len: &self.len,
        }
    }
}

impl<T> Default for Inject<T> {
    fn default() -> Inject<T> {
        Inject::new()
    }
}

impl<T> fmt::Debug for Inject<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Inject")
            .field("len", &self.len())
            .finish_non_exhaustive()
    }
}

/// A worker's overflow lands here. Once the queue is closed the runtime is shutting
/// down and shuts every task down through its own list of tasks, so items that
/// overflow after that are dropped rather than queued.
impl<T> Overflow<T> for Inject<T> {
    fn push(&self, task: T) {
        if let Err(task) = Inject::push(self, task) {
            drop(task);
        }
    }

    fn push_batch(&self, tasks: impl Iterator<Item = T>) {
        if let Err(tasks) = Inject::push_batch(self, tasks) {
            tasks.for_each(drop);
        }
    }
}

/// The locked queue; publishes its length when released.
struct Locked<'a, T> {
    guard: MutexGuard<'a, Synced<T>>,
    len: &'a AtomicUsize,
}

impl<T> Deref for Locked<'_, T> {
    type Target = Synced<T>;

    fn deref(&self) -> &Synced<T> {
        &self.guard
    }
}

impl<T> DerefMut for Locked<'_, T> {
    fn deref_mut(&mut self) -> &mut Synced<T> {
        &mut self.guard
    }
}

impl<T> Drop for Locked<'_, T> {
    fn drop(&mut self) {
        self.len.store(self.guard.queue.len(), Ordering::Release);
    }
}

/// The items [`Inject::pop_n`] takes, popped one by one under the lock.
pub(crate) struct PopN<'a, T> {
    synced: Option<Locked<'a, T>>,
    left: usize,
}

impl<T> Iterator for PopN<'_, T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        if self.left == 0 {
            return None;
        }
        let task = self.synced.as_mut()?.queue.pop_front()?;
        self.left -= 1;
        Some(task)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let queued = self.synced.as_ref().map_or(0, |synced| synced.queue.len());
        let len = self.left.min(queued);
        (len, Some(len))
    }
}

impl<T> ExactSizeIterator for PopN<'_, T> {}

impl<T> fmt::Debug for PopN<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PopN").field("len", &self.len()).finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::scheduler::multi_thread::queue;
    use std::sync::Arc;

    #[test]
    fn pops_in_fifo_order() {
        let inject = Inject::new();
        for i in 0..5 {
            inject.push(i).unwrap();
        }
        inject.push_batch(5..10).unwrap();
        assert_eq!(inject.len(), 10);
        let popped: Vec<i32> = std::iter::from_fn(|| inject.pop()).collect();
        assert_eq!(popped, (0..10).collect::<Vec<_>>());
        assert!(inject.is_empty());
        assert_eq!(inject.pop(), None);
    }

    #[test]
    fn pop_n_takes_at_most_n_and_leaves_the_rest() {
        let inject = Inject::new();
        inject.push_batch(0..10).unwrap();
        {
            let batch = inject.pop_n(4);
            assert_eq!(batch.len(), 4);
            assert_eq!(batch.collect::<Vec<_>>(), vec![0, 1, 2, 3]);
        }
        assert_eq!(inject.len(), 6);

        // Stopping early leaves what was not taken.
        let mut batch = inject.pop_n(3);
        assert_eq!(batch.next(), Some(4));
        assert_eq!(batch.len(), 2);
        drop(batch);
        assert_eq!(inject.len(), 5);

        let batch = inject.pop_n(100);
        assert_eq!(batch.len(), 5);
        assert_eq!(batch.collect::<Vec<_>>(), vec![5, 6, 7, 8, 9]);
        assert_eq!(inject.len(), 0);
        assert_eq!(inject.pop_n(3).len(), 0);
        assert_eq!(inject.pop_n(3).next(), None);
    }

    #[test]
    fn pop_n_fills_a_local_queue() {
        let inject = Inject::new();
        inject.push_batch(0..10).unwrap();
        let (_steal, mut local) = queue::local();
        local.push_back(inject.pop_n(6));
        assert_eq!(local.len(), 6);
        assert_eq!(inject.len(), 4);
        assert_eq!(local.pop(), Some(0));
    }

    #[test]
    fn close_refuses_new_items_and_keeps_queued_ones() {
        let inject = Inject::new();
        inject.push(1).unwrap();
        assert!(!inject.is_closed());
        assert!(inject.close());
        assert!(!inject.close(), "only the first close reports closing");
        assert!(inject.is_closed());

        assert_eq!(inject.push(2), Err(2));
        let back = inject.push_batch(3..6).unwrap_err();
        assert_eq!(back.collect::<Vec<_>>(), vec![3, 4, 5]);
        assert_eq!(inject.len(), 1);
        assert_eq!(inject.pop(), Some(1));
    }

    #[test]
    fn overflow_from_a_full_local_queue_lands_in_order() {
        let inject = Inject::new();
        let (_steal, mut local) = queue::local();
        for i in 0..=queue::CAPACITY {
            local.push_back_or_overflow(i, &inject);
        }
        assert_eq!(inject.len(), queue::CAPACITY / 2 + 1);
        let overflowed: Vec<usize> = inject.pop_n(usize::MAX).collect();
        let mut expected: Vec<usize> = (0..queue::CAPACITY / 2).collect();
        expected.push(queue::CAPACITY);
        assert_eq!(overflowed, expected);
    }

    #[test]
    fn overflow_into_a_closed_queue_drops_the_items() {
        let inject = Inject::new();
        inject.close();
        let item = Arc::new(());
        Overflow::push(&inject, item.clone());
        Overflow::push_batch(&inject, [item.clone(), item.clone()].into_iter());
        assert_eq!(Arc::strong_count(&item), 1);
        assert!(inject.is_empty());
    }

    #[test]
    fn len_is_right_after_a_batch_iterator_panics() {
        let inject = Arc::new(Inject::new());
        let panicking = inject.clone();
        let result = std::thread::spawn(move || {
            let tasks = (0..5).map(|i| if i == 3 { panic!("boom") } else { i });
            let _ = panicking.push_batch(tasks);
        })
        .join();
        assert!(result.is_err());
        assert_eq!(inject.len(), 3);
        assert_eq!(inject.pop_n(10).collect::<Vec<_>>(), vec![0, 1, 2]);
        inject.push(9).unwrap();
        assert_eq!(inject.pop(), Some(9));
    }

    #[test]
    fn pushes_from_many_threads_all_arrive() {
        let inject = Arc::new(Inject::new());
        let per_thread = if cfg!(miri) { 50 } else { 10_000 };
        let pushers: Vec<_> = (0..4)
            .map(|t| {
                let inject = inject.clone();
                std::thread::spawn(move || {
                    for i in 0..per_thread {
                        inject.push(t * per_thread + i).unwrap();
                    }
                })
            })
            .collect();
        let mut got = Vec::new();
        while got.len() < 4 * per_thread {
            match inject.pop() {
                Some(i) => got.push(i),
                None => std::thread::yield_now(),
            }
        }
        for pusher in pushers {
            pusher.join().unwrap();
        }
        got.sort_unstable();
        assert_eq!(got, (0..4 * per_thread).collect::<Vec<_>>());
        assert!(inject.is_empty());
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use crate::loom::sync::Arc;
    use crate::loom::thread;

    /// A push that happens-before a pop is seen by the lock-free emptiness check.
    #[test]
    fn pop_sees_a_push_it_synchronised_with() {
        loom::model(|| {
            let inject = Arc::new(Inject::new());
            let pusher = {
                let inject = inject.clone();
                thread::spawn(move || inject.push(1).unwrap())
            };
            pusher.join().unwrap();
            assert_eq!(inject.pop(), Some(1));
        });
    }

    /// Concurrent pushes, pops and a close: every item pushed is popped once.
    #[test]
    fn push_pop_and_close_race() {
        loom::model(|| {
            let inject = Arc::new(Inject::new());
            let pusher = {
                let inject = inject.clone();
                thread::spawn(move || {
                    let first = inject.push(1).is_ok();
                    let rest = inject.push_batch([2, 3].into_iter()).is_ok();
                    usize::from(first) + 2 * usize::from(rest)
                })
            };
            let mut got: Vec<i32> = inject.pop().into_iter().collect();
            inject.close();
            let pushed = pusher.join().unwrap();
            got.extend(inject.pop_n(usize::MAX));
            assert_eq!(inject.len(), 0);
            assert_eq!(got.len(), pushed);
            got.sort_unstable();
            got.dedup();
            assert_eq!(got.len(), pushed);
        });
    }
}
