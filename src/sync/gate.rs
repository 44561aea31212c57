//! The gate in front of the value of a [`Mutex`](super::Mutex) or an
//! [`RwLock`](super::RwLock): a fair semaphore whose permits say who may touch the
//! value.
//!
//! A lock of `max` permits grants *exclusive* access to whoever holds all `max` of
//! them, and *shared* access to whoever holds one. A `Mutex` is a gate of one permit
//! that is only ever taken exclusively; an `RwLock` of `max_readers` permits admits
//! that many readers, or one writer.
//!
//! Invariant, relied on by every `unsafe` block in the lock modules: while a guard
//! holds an exclusive grant, no other grant of the same gate exists; while guards
//! hold shared grants, no exclusive grant exists. This follows from the permit count
//! alone (an exclusive grant is all the permits there are), and the semaphore
//! serves requests strictly in order, so a queued writer is never starved by
//! readers that come after it.
//!
//! Memory ordering: the semaphore releases with `Release` and acquires with
//! `Acquire` (its atomic word, or its wait-list lock on a hand-off), so everything a
//! guard wrote before it released its permits is visible to the next guard.
//!
//! Under loom (`cfg(all(loom, test))`) the gate also records each grant's start
//! and end as an access to a loom `UnsafeCell`, so that a model fails if a grant
//! could begin without happening after the end of a conflicting one.

use super::TryLockError;
use super::batch_semaphore::Semaphore;

/// See the module docs.
pub(super) struct Gate {
    semaphore: Semaphore,
    /// Loom's record of the accesses that grants make to the guarded value.
    #[cfg(all(loom, test))]
    accesses: loom::cell::UnsafeCell<()>,
}

impl Gate {
    /// A gate of `permits` permits, all free.
    pub(super) fn new(permits: u32) -> Gate {
        Gate {
            semaphore: Semaphore::new(permits as usize),
            #[cfg(all(loom, test))]
            accesses: loom::cell::UnsafeCell::new(()),
        }
    }

    /// As [`new`](Gate::new), in a `const` context.
    #[cfg(not(all(loom, test)))]
    pub(super) const fn const_new(permits: u32) -> Gate {
        Gate {
            semaphore: Semaphore::const_new(permits as usize),
        }
    }

    /// Waits in line for all `permits` permits: exclusive access.
    ///
    /// Cancel safe in tokio's sense: dropping the future gives up its place, and
    /// any permits already set aside for it go to the next in line.
    pub(super) async fn lock_exclusive(&self, permits: u32) {
        // The semaphore is never closed, so the acquire cannot fail.
        let _ = self.semaphore.acquire(permits as usize).await;
        self.began_exclusive();
    }

    /// Takes all `permits` permits if they are free now and nobody is queued.
    pub(super) fn try_lock_exclusive(&self, permits: u32) -> Result<(), TryLockError> {
        self.semaphore
            .try_acquire(permits as usize)
            .map_err(|_| TryLockError(()))?;
        self.began_exclusive();
        Ok(())
    }

    /// Ends an exclusive grant of `permits` permits.
    pub(super) fn unlock_exclusive(&self, permits: u32) {
        self.ending_exclusive();
        self.semaphore.release(permits as usize);
    }

    /// Waits in line for one permit: shared access.
    ///
    /// Cancel safe, as [`lock_exclusive`](Gate::lock_exclusive).
    pub(super) async fn lock_shared(&self) {
        let _ = self.semaphore.acquire(1).await;
        self.began_shared();
    }

    /// Takes one permit if one is free now and nobody is queued.
    pub(super) fn try_lock_shared(&self) -> Result<(), TryLockError> {
        self.semaphore
            .try_acquire(1)
            .map_err(|_| TryLockError(()))?;
        self.began_shared();
        Ok(())
    }

    /// Ends a shared grant.
    pub(super) fn unlock_shared(&self) {
        self.ending_shared();
        self.semaphore.release(1);
    }

    /// Turns an exclusive grant of `permits` permits into a shared one without
    /// letting anyone else take the exclusive grant in between: all permits but one
    /// go back.
    pub(super) fn downgrade(&self, permits: u32) {
        // The exclusive access ends, the shared one begins (on this thread, so in
        // this order).
        self.ending_exclusive();
        self.began_shared();
        self.semaphore.release(permits as usize - 1);
    }

    /// The number of permits free now (for `Debug` and tests).
    #[cfg(all(test, not(loom)))]
    pub(super) fn available_permits(&self) -> usize {
        self.semaphore.available_permits()
    }

    #[inline]
    fn began_exclusive(&self) {
        #[cfg(all(loom, test))]
        self.accesses.with_mut(|_| ());
    }

    #[inline]
    fn ending_exclusive(&self) {
        #[cfg(all(loom, test))]
        self.accesses.with_mut(|_| ());
    }

    #[inline]
    fn began_shared(&self) {
        #[cfg(all(loom, test))]
        self.accesses.with(|_| ());
    }

    #[inline]
    fn ending_shared(&self) {
        #[cfg(all(loom, test))]
        self.accesses.with(|_| ());
    }
}
