//! `Semaphore`: a fair counting semaphore, and its permits.
//!
//! A thin layer over [`batch_semaphore`](super::batch_semaphore): the permits returned
//! here give their count back when dropped (unless forgotten).

use std::fmt;
use std::sync::Arc;

use super::batch_semaphore as ll;
use super::park;
pub use ll::{AcquireError, TryAcquireError};

/// A counting semaphore for async code.
///
/// Permits are handed out in the order they were requested: a task asking for many
/// permits is never starved by tasks asking for few. A permit returns to the semaphore
/// when its [`SemaphorePermit`] or [`OwnedSemaphorePermit`] is dropped, unless it is
/// [forgotten](SemaphorePermit::forget).
///
/// ```
/// use avx::sync::{Semaphore, TryAcquireError};
///
/// let semaphore = Semaphore::new(2);
/// let first = semaphore.try_acquire().unwrap();
/// let _second = semaphore.try_acquire().unwrap();
/// assert_eq!(semaphore.try_acquire().err(), Some(TryAcquireError::NoPermits));
/// drop(first);
/// assert_eq!(semaphore.available_permits(), 1);
/// ```
pub struct Semaphore {
    ll_sem: ll::Semaphore,
}

/// Permits borrowed from a [`Semaphore`]; they return to it when this is dropped.
#[must_use]
#[clippy::has_significant_drop]
pub struct SemaphorePermit<'a> {
    sem: &'a Semaphore,
    permits: usize,
}

/// Permits from a [`Semaphore`] held in an `Arc`; they return to it when this is
/// dropped.
#[must_use]
#[clippy::has_significant_drop]
pub struct OwnedSemaphorePermit {
    sem: Arc<Semaphore>,
    permits: usize,
}

impl Semaphore {
    /// The most permits a semaphore can hold: `usize::MAX >> 3`. Going past it panics.
    pub const MAX_PERMITS: usize = ll::Semaphore::MAX_PERMITS;

    /// Creates a semaphore with `permits` permits.
    ///
    /// # Panics
    ///
    /// Panics if `permits` exceeds [`Semaphore::MAX_PERMITS`].
    #[track_caller]
    pub fn new(permits: usize) -> Semaphore {
        Semaphore {
            ll_sem: ll::Semaphore::new(permits),
        }
    }

    /// Creates a semaphore with `permits` permits, in a `const` context.
    ///
    /// ```
    /// use avx::sync::Semaphore;
    ///
    /// static SEM: Semaphore = Semaphore::const_new(10);
    /// ```
    #[cfg(not(all(loom, test)))]
    pub const fn const_new(permits: usize) -> Semaphore {
        Semaphore {
            ll_sem: ll::Semaphore::const_new(permits),
        }
    }

    /// A closed semaphore with no permits, in a `const` context.
    #[cfg(not(all(loom, test)))]
    pub(crate) const fn const_new_closed() -> Semaphore {
        Semaphore {
            ll_sem: ll::Semaphore::const_new_closed(),
        }
    }

    /// The number of permits available now.
    pub fn available_permits(&self) -> usize {
        self.ll_sem.available_permits()
    }

    /// Adds `n` permits. Waiting tasks get them first, in order.
    ///
    /// # Panics
    ///
    /// Panics if the total would exceed [`Semaphore::MAX_PERMITS`].
    #[track_caller]
    pub fn add_permits(&self, n: usize) {
        self.ll_sem.release(n);
    }

    /// Removes up to `n` available permits and returns how many were removed.
    pub fn forget_permits(&self, n: usize) -> usize {
        self.ll_sem.forget_permits(n)
    }

    /// Acquires one permit, waiting for it if needed.
    ///
    /// Fails only if the semaphore is [closed](Semaphore::close).
    ///
    /// # Cancel safety
    ///
    /// Permits are handed out in the order they were requested; cancelling a call
    /// to `acquire` gives up its place in the queue.
    pub async fn acquire(&self) -> Result<SemaphorePermit<'_>, AcquireError> {
        self.ll_sem.acquire(1).await?;
        Ok(SemaphorePermit {
            sem: self,
            permits: 1,
        })
    }

    /// Acquires `n` permits at once, waiting for them if needed.
    ///
    /// Fails only if the semaphore is [closed](Semaphore::close).
    ///
    /// # Cancel safety
    ///
    /// As [`acquire`](Semaphore::acquire); the permits already set aside for a
    /// cancelled call are handed on.
    pub async fn acquire_many(&self, n: u32) -> Result<SemaphorePermit<'_>, AcquireError> {
        self.ll_sem.acquire(n as usize).await?;
        Ok(SemaphorePermit {
            sem: self,
            permits: n as usize,
        })
    }

    /// Acquires one permit if one is available now.
    ///
    /// Fails with [`TryAcquireError::Closed`] if the semaphore is closed and
    /// [`TryAcquireError::NoPermits`] if no permit is available.
    pub fn try_acquire(&self) -> Result<SemaphorePermit<'_>, TryAcquireError> {
        self.ll_sem.try_acquire(1)?;
        Ok(SemaphorePermit {
            sem: self,
            permits: 1,
        })
    }

    /// Acquires `n` permits if they are available now; fails as
    /// [`try_acquire`](Semaphore::try_acquire).
    pub fn try_acquire_many(&self, n: u32) -> Result<SemaphorePermit<'_>, TryAcquireError> {
        self.ll_sem.try_acquire(n as usize)?;
        Ok(SemaphorePermit {
            sem: self,
            permits: n as usize,
        })
    }

    /// Acquires one permit, blocking the current thread until it is available.
    ///
    /// # Panics
    ///
    /// Panics if called from within an asynchronous execution context.
    #[track_caller]
    pub fn blocking_acquire(&self) -> Result<SemaphorePermit<'_>, AcquireError> {
        park::block_on(self.acquire())
    }

    /// Acquires `n` permits, blocking the current thread until they are available.
    ///
    /// # Panics
    ///
    /// Panics if called from within an asynchronous execution context.
    #[track_caller]
    pub fn blocking_acquire_many(&self, n: u32) -> Result<SemaphorePermit<'_>, AcquireError> {
        park::block_on(self.acquire_many(n))
    }

    /// As [`acquire`](Semaphore::acquire), for a semaphore in an `Arc`: the permit
    /// keeps the semaphore alive.
    ///
    /// # Cancel safety
    ///
    /// As [`acquire`](Semaphore::acquire).
    pub async fn acquire_owned(self: Arc<Self>) -> Result<OwnedSemaphorePermit, AcquireError> {
        self.ll_sem.acquire(1).await?;
        Ok(OwnedSemaphorePermit {
            sem: self,
            permits: 1,
        })
    }

    /// As [`acquire_many`](Semaphore::acquire_many), for a semaphore in an `Arc`.
    ///
    /// # Cancel safety
    ///
    /// As [`acquire_many`](Semaphore::acquire_many).
    pub async fn acquire_many_owned(
        self: Arc<Self>,
        n: u32,
    ) -> Result<OwnedSemaphorePermit, AcquireError> {
        self.ll_sem.acquire(n as usize).await?;
        Ok(OwnedSemaphorePermit {
            sem: self,
            permits: n as usize,
        })
    }

    /// As [`try_acquire`](Semaphore::try_acquire), for a semaphore in an `Arc`.
    pub fn try_acquire_owned(self: Arc<Self>) -> Result<OwnedSemaphorePermit, TryAcquireError> {
        self.ll_sem.try_acquire(1)?;
        Ok(OwnedSemaphorePermit {
            sem: self,
            permits: 1,
        })
    }

    /// As [`try_acquire_many`](Semaphore::try_acquire_many), for a semaphore in an
    /// `Arc`.
    pub fn try_acquire_many_owned(
        self: Arc<Self>,
        n: u32,
    ) -> Result<OwnedSemaphorePermit, TryAcquireError> {
        self.ll_sem.try_acquire(n as usize)?;
        Ok(OwnedSemaphorePermit {
            sem: self,
            permits: n as usize,
        })
    }

    /// As [`blocking_acquire`](Semaphore::blocking_acquire), for a semaphore in an
    /// `Arc`.
    ///
    /// # Panics
    ///
    /// Panics if called from within an asynchronous execution context.
    #[track_caller]
    pub fn blocking_acquire_owned(self: Arc<Self>) -> Result<OwnedSemaphorePermit, AcquireError> {
        park::block_on(self.acquire_owned())
    }

    /// As [`blocking_acquire_many`](Semaphore::blocking_acquire_many), for a
    /// semaphore in an `Arc`.
    ///
    /// # Panics
    ///
    /// Panics if called from within an asynchronous execution context.
    #[track_caller]
    pub fn blocking_acquire_many_owned(
        self: Arc<Self>,
        n: u32,
    ) -> Result<OwnedSemaphorePermit, AcquireError> {
        park::block_on(self.acquire_many_owned(n))
    }

    /// Closes the semaphore: no more permits are issued, and every waiting
    /// `acquire` fails with [`AcquireError`]. Permits already held stay valid.
    pub fn close(&self) {
        self.ll_sem.close();
    }

    /// Whether the semaphore is closed.
    pub fn is_closed(&self) -> bool {
        self.ll_sem.is_closed()
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Semaphore")
            .field("ll_sem", &self.ll_sem)
            .finish()
    }
}

impl<'a> SemaphorePermit<'a> {
    /// Drops the permits without returning them: the semaphore has that many fewer.
    pub fn forget(mut self) {
        self.permits = 0;
    }

    /// Moves the permits of `other` into `self`; they return together when `self` is
    /// dropped.
    ///
    /// # Panics
    ///
    /// Panics if the permits come from different semaphores.
    #[track_caller]
    pub fn merge(&mut self, mut other: Self) {
        assert!(
            std::ptr::eq(self.sem, other.sem),
            "merging permits from different semaphore instances"
        );
        self.permits = self
            .permits
            .checked_add(other.permits)
            .expect("number of permits overflowed");
        other.permits = 0;
    }

    /// Moves `n` of the permits into a new `SemaphorePermit`; `None` if `self` holds
    /// fewer than `n`.
    pub fn split(&mut self, n: usize) -> Option<Self> {
        if n > self.permits {
            return None;
        }
        self.permits -= n;
        Some(SemaphorePermit {
            sem: self.sem,
            permits: n,
        })
    }

    /// The semaphore the permits came from.
    pub fn semaphore(&self) -> &Semaphore {
        self.sem
    }

    /// How many permits this holds.
    pub fn num_permits(&self) -> usize {
        self.permits
    }
}

impl OwnedSemaphorePermit {
    /// Drops the permits without returning them: the semaphore has that many fewer.
    pub fn forget(mut self) {
        self.permits = 0;
    }

    /// Moves the permits of `other` into `self`; they return together when `self` is
    /// dropped.
    ///
    /// # Panics
    ///
    /// Panics if the permits come from different semaphores.
    #[track_caller]
    pub fn merge(&mut self, mut other: Self) {
        assert!(
            Arc::ptr_eq(&self.sem, &other.sem),
            "merging permits from different semaphore instances"
        );
        self.permits = self
            .permits
            .checked_add(other.permits)
            .expect("number of permits overflowed");
        other.permits = 0;
    }

    /// Moves `n` of the permits into a new `OwnedSemaphorePermit` (which clones the
    /// `Arc`); `None` if `self` holds fewer than `n`.
    pub fn split(&mut self, n: usize) -> Option<Self> {
        if n > self.permits {
            return None;
        }
        self.permits -= n;
        Some(OwnedSemaphorePermit {
            sem: Arc::clone(&self.sem),
            permits: n,
        })
    }

    /// The semaphore the permits came from.
    pub fn semaphore(&self) -> &Arc<Semaphore> {
        &self.sem
    }

    /// How many permits this holds.
    pub fn num_permits(&self) -> usize {
        self.permits
    }
}

impl Drop for SemaphorePermit<'_> {
    fn drop(&mut self) {
        self.sem.add_permits(self.permits);
    }
}

impl Drop for OwnedSemaphorePermit {
    fn drop(&mut self) {
        self.sem.add_permits(self.permits);
    }
}

impl fmt::Debug for SemaphorePermit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SemaphorePermit")
            .field("sem", &self.sem)
            .field("permits", &self.permits)
            .finish()
    }
}

impl fmt::Debug for OwnedSemaphorePermit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedSemaphorePermit")
            .field("sem", &self.sem)
            .field("permits", &self.permits)
            .finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::sync::test_util::{Manual, block_on};

    #[test]
    fn permits_come_and_go() {
        let sem = Semaphore::new(3);
        let a = sem.try_acquire_many(2).unwrap();
        assert_eq!(sem.available_permits(), 1);
        assert_eq!(
            sem.try_acquire_many(2).err(),
            Some(TryAcquireError::NoPermits)
        );
        drop(a);
        assert_eq!(sem.available_permits(), 3);
        let b = block_on(sem.acquire_many(3)).unwrap();
        assert_eq!(b.num_permits(), 3);
        assert_eq!(sem.available_permits(), 0);
    }

    #[test]
    fn waiters_are_served_in_fifo_order() {
        let sem = Semaphore::new(0);
        let mut first = Manual::new(sem.acquire());
        let mut second = Manual::new(sem.acquire());
        first.pending();
        second.pending();
        sem.add_permits(1);
        assert!(first.is_woken() && !second.is_woken());
        second.pending();
        let permit = first.ready().unwrap();
        drop(permit);
        assert!(second.is_woken());
        drop(second.ready().unwrap());
    }

    #[test]
    fn a_large_request_is_not_overtaken_by_small_ones() {
        let sem = Semaphore::new(1);
        let mut big = Manual::new(sem.acquire_many(3));
        big.pending();
        // The free permit is set aside for `big`, so a small request must wait.
        assert_eq!(sem.available_permits(), 0);
        assert_eq!(sem.try_acquire().err(), Some(TryAcquireError::NoPermits));
        let mut small = Manual::new(sem.acquire());
        small.pending();
        sem.add_permits(2);
        assert!(big.is_woken() && !small.is_woken());
        let permit = big.ready().unwrap();
        assert_eq!(permit.num_permits(), 3);
        small.pending();
        drop(permit);
        let _small = small.ready().unwrap();
        assert_eq!(sem.available_permits(), 2);
    }

    #[test]
    fn cancelling_a_partly_served_waiter_hands_its_permits_on() {
        let sem = Semaphore::new(2);
        let mut big = Manual::new(sem.acquire_many(5));
        big.pending();
        let mut small = Manual::new(sem.acquire_many(2));
        small.pending();
        drop(big);
        assert!(small.is_woken());
        let _small = small.ready().unwrap();
        assert_eq!(sem.available_permits(), 0);
    }

    #[test]
    fn cancelling_a_woken_waiter_hands_its_permits_on() {
        let sem = Semaphore::new(0);
        let mut first = Manual::new(sem.acquire());
        let mut second = Manual::new(sem.acquire());
        first.pending();
        second.pending();
        sem.add_permits(1);
        assert!(first.is_woken());
        drop(first);
        assert!(second.is_woken());
        drop(second.ready().unwrap());
        assert_eq!(sem.available_permits(), 1);
    }

    #[test]
    fn close_fails_waiters_and_new_acquires_but_keeps_held_permits() {
        let sem = Semaphore::new(1);
        let held = sem.try_acquire().unwrap();
        let mut waiter = Manual::new(sem.acquire());
        waiter.pending();
        sem.close();
        assert!(sem.is_closed());
        assert!(waiter.is_woken());
        assert!(waiter.ready().is_err());
        assert_eq!(sem.try_acquire().err(), Some(TryAcquireError::Closed));
        assert!(block_on(sem.acquire()).is_err());
        drop(held);
        assert_eq!(sem.available_permits(), 1);
    }

    #[test]
    fn zero_permits_are_always_available_until_closed() {
        let sem = Semaphore::new(0);
        let mut waiter = Manual::new(sem.acquire());
        waiter.pending();
        assert_eq!(sem.try_acquire_many(0).unwrap().num_permits(), 0);
        drop(block_on(sem.acquire_many(0)).unwrap());
        sem.close();
        assert_eq!(sem.try_acquire_many(0).err(), Some(TryAcquireError::Closed));
    }

    #[test]
    fn forget_merge_split() {
        let sem = Arc::new(Semaphore::new(10));
        sem.try_acquire_many(4).unwrap().forget();
        assert_eq!(sem.available_permits(), 6);
        let mut permit = sem.try_acquire().unwrap();
        permit.merge(sem.try_acquire_many(2).unwrap());
        assert_eq!(permit.num_permits(), 3);
        let part = permit.split(2).unwrap();
        assert!(permit.split(2).is_none());
        assert_eq!((permit.num_permits(), part.num_permits()), (1, 2));
        drop((permit, part));
        assert_eq!(sem.available_permits(), 6);

        let mut owned = Arc::clone(&sem).try_acquire_many_owned(2).unwrap();
        owned.merge(Arc::clone(&sem).try_acquire_owned().unwrap());
        let piece = owned.split(1).unwrap();
        assert!(Arc::ptr_eq(piece.semaphore(), &sem));
        assert_eq!(sem.available_permits(), 3);
        piece.forget();
        drop(owned);
        assert_eq!(sem.available_permits(), 5);
        assert_eq!(sem.forget_permits(7), 5);
        assert_eq!(sem.available_permits(), 0);
    }

    #[test]
    #[should_panic(expected = "merging permits from different semaphore instances")]
    fn merging_permits_of_two_semaphores_panics() {
        let (a, b) = (Semaphore::new(1), Semaphore::new(1));
        let mut permit = a.try_acquire().unwrap();
        permit.merge(b.try_acquire().unwrap());
    }

    #[test]
    #[should_panic(expected = "would overflow MAX_PERMITS")]
    fn adding_past_max_permits_panics() {
        let sem = Semaphore::new(Semaphore::MAX_PERMITS);
        sem.add_permits(1);
    }

    #[test]
    #[should_panic(expected = "a semaphore may not have more than MAX_PERMITS permits")]
    fn creating_past_max_permits_panics() {
        let _ = Semaphore::new(Semaphore::MAX_PERMITS + 1);
    }

    #[test]
    fn owned_and_blocking_variants() {
        let sem = Arc::new(Semaphore::new(1));
        let permit = block_on(Arc::clone(&sem).acquire_owned()).unwrap();
        let releaser = std::thread::spawn(move || drop(permit));
        let permit = Arc::clone(&sem).blocking_acquire_many_owned(1).unwrap();
        releaser.join().unwrap();
        assert_eq!(permit.num_permits(), 1);
        drop(permit);
        drop(sem.blocking_acquire().unwrap());
    }

    #[test]
    fn contended_acquires_from_many_threads_never_exceed_the_limit() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let sem = Arc::new(Semaphore::new(3));
        let inside = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (sem, inside) = (Arc::clone(&sem), Arc::clone(&inside));
                std::thread::spawn(move || {
                    for _ in 0..500 {
                        let _permit = block_on(sem.acquire()).unwrap();
                        assert!(inside.fetch_add(1, Ordering::SeqCst) < 3);
                        inside.fetch_sub(1, Ordering::SeqCst);
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        assert_eq!(sem.available_permits(), 3);
    }

    #[test]
    fn futures_and_permits_are_send_and_sync() {
        fn check<T: Send + Sync>(_: &T) {}
        let sem = Semaphore::new(1);
        check(&sem.acquire());
        check(&sem.try_acquire().unwrap());
        check(&Arc::new(Semaphore::new(1)).acquire_owned());
    }
}

#[cfg(all(loom, test))]
mod loom_models {
    use super::*;
    use crate::loom::model::block_on;
    use loom::thread;

    #[test]
    fn permits_are_never_lost_between_two_threads() {
        loom::model(|| {
            let sem = Arc::new(Semaphore::new(1));
            let other = Arc::clone(&sem);
            let thread = thread::spawn(move || {
                drop(block_on(other.acquire()).unwrap());
            });
            drop(block_on(sem.acquire()).unwrap());
            thread.join().unwrap();
            assert_eq!(sem.available_permits(), 1);
        });
    }

    #[test]
    fn batch_acquire_is_served_by_concurrent_releases() {
        loom::model(|| {
            let sem = Arc::new(Semaphore::new(0));
            let releaser = Arc::clone(&sem);
            let thread = thread::spawn(move || {
                releaser.add_permits(1);
                releaser.add_permits(1);
            });
            let permit = block_on(sem.acquire_many(2)).unwrap();
            assert_eq!(permit.num_permits(), 2);
            thread.join().unwrap();
            drop(permit);
            assert_eq!(sem.available_permits(), 2);
        });
    }

    #[test]
    fn cancelled_waiter_returns_what_it_was_given() {
        loom::model(|| {
            let sem = Arc::new(Semaphore::new(0));
            let releaser = Arc::clone(&sem);
            let thread = thread::spawn(move || releaser.add_permits(1));
            {
                let mut acquire = Box::pin(sem.acquire_many(2));
                let waker = std::task::Waker::noop();
                let mut cx = std::task::Context::from_waker(waker);
                let _ = std::future::Future::poll(acquire.as_mut(), &mut cx);
            }
            thread.join().unwrap();
            assert_eq!(sem.available_permits(), 1);
        });
    }

    #[test]
    fn close_wakes_a_waiter() {
        loom::model(|| {
            let sem = Arc::new(Semaphore::new(0));
            let closer = Arc::clone(&sem);
            let thread = thread::spawn(move || closer.close());
            assert!(block_on(sem.acquire()).is_err());
            thread.join().unwrap();
        });
    }

    #[test]
    fn a_waiter_cancelled_while_permits_arrive_hands_them_on() {
        loom::model(|| {
            let sem = Arc::new(Semaphore::new(0));
            let other = Arc::clone(&sem);
            let waiter = thread::spawn(move || drop(block_on(other.acquire()).unwrap()));
            {
                // Queue, then leave, while the other waiter and a release race.
                let mut cancelled = Box::pin(sem.acquire());
                let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
                let _ = std::future::Future::poll(cancelled.as_mut(), &mut cx);
            }
            sem.add_permits(1);
            waiter.join().unwrap();
            assert_eq!(sem.available_permits(), 1);
        });
    }
}
