//! [`RwLockWriteGuard`]: exclusive access borrowed from an [`RwLock`], and its ways
//! to a mapped write guard or a read guard.

use std::fmt;
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};

use super::{RwLock, RwLockMappedWriteGuard, RwLockReadGuard};

/// Exclusive write access to the value of an [`RwLock`]; releases the write lock
/// when dropped.
///
/// The guard is `Send` and `Sync` when `T: Send + Sync` (as tokio's: both follow
/// from its one field, `&RwLock<T>`).
#[clippy::has_significant_drop]
#[must_use = "if unused the RwLock will immediately unlock"]
pub struct RwLockWriteGuard<'a, T: ?Sized> {
    /// The lock all of whose permits this guard holds.
    lock: &'a RwLock<T>,
}

impl<'a, T: ?Sized> RwLockWriteGuard<'a, T> {
    /// Wraps the permits just taken from `lock`'s gate.
    pub(super) fn new(lock: &'a RwLock<T>) -> Self {
        RwLockWriteGuard { lock }
    }

    /// Splits the guard without releasing its permits: the caller takes them over.
    fn into_lock(self) -> &'a RwLock<T> {
        ManuallyDrop::new(self).lock
    }

    /// Makes a write guard of a part of the locked value, keeping the write lock.
    ///
    /// An associated function (`RwLockWriteGuard::map(guard, f)`), not a method, so
    /// that it does not hide a `map` method of `T`. The mapped guard cannot be
    /// downgraded.
    ///
    /// ```
    /// use avx::sync::{RwLock, RwLockWriteGuard};
    ///
    /// let lock = RwLock::new((1, 2));
    /// {
    ///     let mut second = RwLockWriteGuard::map(lock.try_write().unwrap(), |p| &mut p.1);
    ///     *second = 20;
    /// }
    /// assert_eq!(lock.into_inner(), (1, 20));
    /// ```
    #[inline]
    pub fn map<F, U: ?Sized>(mut this: Self, f: F) -> RwLockMappedWriteGuard<'a, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        let data: *mut U = f(&mut *this);
        let lock = this.into_lock();
        RwLockMappedWriteGuard::new(&lock.gate, lock.max_readers, data)
    }

    /// As [`map`](RwLockWriteGuard::map), for a closure that may find nothing to map
    /// to: then the original guard comes back as the error.
    #[inline]
    pub fn try_map<F, U: ?Sized>(
        mut this: Self,
        f: F,
    ) -> Result<RwLockMappedWriteGuard<'a, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        let Some(data) = f(&mut *this) else {
            return Err(this);
        };
        let data: *mut U = data;
        let lock = this.into_lock();
        Ok(RwLockMappedWriteGuard::new(
            &lock.gate,
            lock.max_readers,
            data,
        ))
    }

    /// Turns this into a mapped write guard of the whole value.
    #[inline]
    pub fn into_mapped(this: Self) -> RwLockMappedWriteGuard<'a, T> {
        RwLockWriteGuard::map(this, |value| value)
    }

    /// Downgrades to a read guard of a part of the value, atomically: no writer can
    /// get in between. Readers may then share the lock (unless a writer is queued
    /// first: the lock is fair).
    ///
    /// ```
    /// use avx::sync::{RwLock, RwLockWriteGuard};
    ///
    /// let lock = RwLock::new((1, 2));
    /// let mut guard = lock.try_write().unwrap();
    /// guard.1 = 3;
    /// let second = RwLockWriteGuard::downgrade_map(guard, |p| &p.1);
    /// assert_eq!(*second, 3);
    /// assert_eq!(lock.try_read().unwrap().0, 1);
    /// assert!(lock.try_write().is_err());
    /// ```
    #[inline]
    pub fn downgrade_map<F, U: ?Sized>(this: Self, f: F) -> RwLockReadGuard<'a, U>
    where
        F: FnOnce(&T) -> &U,
    {
        let data: *const U = f(&*this);
        let lock = this.into_lock();
        lock.gate.downgrade(lock.max_readers);
        RwLockReadGuard::new(&lock.gate, data)
    }

    /// As [`downgrade_map`](RwLockWriteGuard::downgrade_map), for a closure that may
    /// find nothing to map to: then the original write guard comes back as the
    /// error, still holding the write lock.
    #[inline]
    pub fn try_downgrade_map<F, U: ?Sized>(this: Self, f: F) -> Result<RwLockReadGuard<'a, U>, Self>
    where
        F: FnOnce(&T) -> Option<&U>,
    {
        let Some(data) = f(&*this) else {
            return Err(this);
        };
        let data: *const U = data;
        let lock = this.into_lock();
        lock.gate.downgrade(lock.max_readers);
        Ok(RwLockReadGuard::new(&lock.gate, data))
    }

    /// Downgrades to a read guard, atomically: no writer can get in between. Other
    /// readers may then enter (unless a writer is queued first: the lock is fair).
    ///
    /// ```
    /// use avx::sync::RwLock;
    ///
    /// let lock = RwLock::new(1);
    /// let mut guard = lock.try_write().unwrap();
    /// *guard = 2;
    /// let read = guard.downgrade();
    /// assert_eq!(*lock.try_read().unwrap(), 2);
    /// assert!(lock.try_write().is_err());
    /// drop(read);
    /// ```
    pub fn downgrade(self) -> RwLockReadGuard<'a, T> {
        let lock = self.into_lock();
        lock.gate.downgrade(lock.max_readers);
        RwLockReadGuard::new(&lock.gate, lock.value.get())
    }
}

impl<T: ?Sized> Deref for RwLockWriteGuard<'_, T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        // SAFETY: this guard holds every permit of the lock, so no other guard
        // exists while the borrow of `self` lasts.
        unsafe { &*self.lock.value.get() }
    }
}

impl<T: ?Sized> DerefMut for RwLockWriteGuard<'_, T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: this guard holds every permit of the lock, so no other reference
        // to the value exists; `&mut self` makes this one unique.
        unsafe { &mut *self.lock.value.get() }
    }
}

impl<T: ?Sized> Drop for RwLockWriteGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.gate.unlock_exclusive(self.lock.max_readers);
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RwLockWriteGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for RwLockWriteGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}
