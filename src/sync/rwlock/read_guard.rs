//! Read guards of an [`RwLock`]: shared access through a share of the value.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use super::RwLock;

/// Shared read access to the value of an [`RwLock`]; releases it when dropped.
#[clippy::has_significant_drop]
#[must_use = "if unused the RwLock will immediately unlock"]
pub struct RwLockReadGuard<'a, T> {
    lock: &'a RwLock<T>,
    /// `Some` until the guard is dropped.
    value: Option<Arc<T>>,
}

impl<'a, T> RwLockReadGuard<'a, T> {
    pub(super) fn new(lock: &'a RwLock<T>, value: Arc<T>) -> Self {
        RwLockReadGuard {
            lock,
            value: Some(value),
        }
    }
}

impl<T> Deref for RwLockReadGuard<'_, T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        self.value.as_deref().expect(HELD)
    }
}

impl<T> Drop for RwLockReadGuard<'_, T> {
    fn drop(&mut self) {
        // Drop the share first: a writer that gets the permits must find the value
        // unshared.
        if let Some(share) = self.value.take() {
            drop(share);
            self.lock.release_read();
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for RwLockReadGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: fmt::Display> fmt::Display for RwLockReadGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

/// Shared read access to the value of an [`RwLock`] held in an `Arc`; releases it
/// when dropped.
#[clippy::has_significant_drop]
#[must_use = "if unused the RwLock will immediately unlock"]
pub struct OwnedRwLockReadGuard<T> {
    lock: Arc<RwLock<T>>,
    /// `Some` until the guard is dropped.
    value: Option<Arc<T>>,
}

impl<T> OwnedRwLockReadGuard<T> {
    pub(super) fn new(lock: Arc<RwLock<T>>, value: Arc<T>) -> Self {
        OwnedRwLockReadGuard {
            lock,
            value: Some(value),
        }
    }

    /// The lock this guard reads.
    pub fn rwlock(this: &Self) -> &Arc<RwLock<T>> {
        &this.lock
    }
}

impl<T> Deref for OwnedRwLockReadGuard<T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        self.value.as_deref().expect(HELD)
    }
}

impl<T> Drop for OwnedRwLockReadGuard<T> {
    fn drop(&mut self) {
        if let Some(share) = self.value.take() {
            drop(share);
            self.lock.release_read();
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for OwnedRwLockReadGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: fmt::Display> fmt::Display for OwnedRwLockReadGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

const HELD: &str = "a live guard always holds its share";
