//! Write guards of an [`RwLock`]: exclusive access through owning the value.

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use super::{OwnedRwLockReadGuard, RwLock, RwLockReadGuard};

/// Exclusive write access to the value of an [`RwLock`]; releases it when dropped.
#[clippy::has_significant_drop]
#[must_use = "if unused the RwLock will immediately unlock"]
pub struct RwLockWriteGuard<'a, T> {
    lock: &'a RwLock<T>,
    /// `Some` until the guard is dropped or downgraded.
    value: Option<T>,
}

impl<'a, T> RwLockWriteGuard<'a, T> {
    pub(super) fn new(lock: &'a RwLock<T>, value: T) -> Self {
        RwLockWriteGuard {
            lock,
            value: Some(value),
        }
    }

    /// Turns this into a read guard without letting a writer in between. Other
    /// readers may then enter (unless a writer is queued first: the lock is fair).
    pub fn downgrade(mut self) -> RwLockReadGuard<'a, T> {
        let value = self.value.take().expect(HELD);
        let shared = self.lock.restore_shared(value);
        // Keep one permit for the read guard; give the rest back.
        self.lock
            .semaphore
            .release(self.lock.max_readers as usize - 1);
        RwLockReadGuard::new(self.lock, shared)
    }
}

impl<T> Deref for RwLockWriteGuard<'_, T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        self.value.as_ref().expect(HELD)
    }
}

impl<T> DerefMut for RwLockWriteGuard<'_, T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        self.value.as_mut().expect(HELD)
    }
}

impl<T> Drop for RwLockWriteGuard<'_, T> {
    fn drop(&mut self) {
        if let Some(value) = self.value.take() {
            self.lock.restore(value);
            self.lock.release_write();
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for RwLockWriteGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: fmt::Display> fmt::Display for RwLockWriteGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

/// Exclusive write access to the value of an [`RwLock`] held in an `Arc`; releases
/// it when dropped.
#[clippy::has_significant_drop]
#[must_use = "if unused the RwLock will immediately unlock"]
pub struct OwnedRwLockWriteGuard<T> {
    lock: Arc<RwLock<T>>,
    /// `Some` until the guard is dropped or downgraded.
    value: Option<T>,
}

impl<T> OwnedRwLockWriteGuard<T> {
    pub(super) fn new(lock: Arc<RwLock<T>>, value: T) -> Self {
        OwnedRwLockWriteGuard {
            lock,
            value: Some(value),
        }
    }

    /// As [`RwLockWriteGuard::downgrade`].
    pub fn downgrade(mut self) -> OwnedRwLockReadGuard<T> {
        let value = self.value.take().expect(HELD);
        let shared = self.lock.restore_shared(value);
        self.lock
            .semaphore
            .release(self.lock.max_readers as usize - 1);
        OwnedRwLockReadGuard::new(Arc::clone(&self.lock), shared)
    }

    /// The lock this guard writes.
    pub fn rwlock(this: &Self) -> &Arc<RwLock<T>> {
        &this.lock
    }
}

impl<T> Deref for OwnedRwLockWriteGuard<T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        self.value.as_ref().expect(HELD)
    }
}

impl<T> DerefMut for OwnedRwLockWriteGuard<T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        self.value.as_mut().expect(HELD)
    }
}

impl<T> Drop for OwnedRwLockWriteGuard<T> {
    fn drop(&mut self) {
        if let Some(value) = self.value.take() {
            self.lock.restore(value);
            self.lock.release_write();
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for OwnedRwLockWriteGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: fmt::Display> fmt::Display for OwnedRwLockWriteGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

const HELD: &str = "a live guard always holds the value";
