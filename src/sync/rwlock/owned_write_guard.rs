//! [`OwnedRwLockWriteGuard`]: exclusive access to an [`RwLock`] held in an `Arc`,
//! which the guard keeps alive, and its ways to a mapped or a read guard.

use std::fmt;
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};
use std::ptr;
use std::sync::Arc;

use super::{OwnedRwLockMappedWriteGuard, OwnedRwLockReadGuard, RwLock};

/// Exclusive write access to the value of an [`RwLock`] held in an `Arc`; releases
/// the write lock when dropped. Made by [`RwLock::write_owned`]; it is `'static`.
///
/// The guard is `Send` and `Sync` when `T: Send + Sync` (as tokio's: both follow
/// from its one field, `Arc<RwLock<T>>`).
#[clippy::has_significant_drop]
pub struct OwnedRwLockWriteGuard<T: ?Sized> {
    /// The lock all of whose permits this guard holds.
    lock: Arc<RwLock<T>>,
}

impl<T: ?Sized> OwnedRwLockWriteGuard<T> {
    /// Wraps the permits just taken from `lock`'s gate.
    pub(super) fn new(lock: Arc<RwLock<T>>) -> Self {
        OwnedRwLockWriteGuard { lock }
    }

    /// Splits the guard without releasing its permits: the caller takes them over.
    fn into_lock(self) -> Arc<RwLock<T>> {
        let this = ManuallyDrop::new(self);
        // SAFETY: `this` is never dropped, so the `Arc` is moved out, not
        // duplicated.
        unsafe { ptr::read(&this.lock) }
    }

    /// Makes a write guard of a part of the locked value, keeping the write lock.
    ///
    /// An associated function, not a method, so that it does not hide a `map`
    /// method of `T`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use avx::sync::{OwnedRwLockWriteGuard, RwLock};
    ///
    /// let lock = Arc::new(RwLock::new((1, 2)));
    /// let guard = Arc::clone(&lock).try_write_owned().unwrap();
    /// let mut first = OwnedRwLockWriteGuard::map(guard, |pair| &mut pair.0);
    /// *first = 10;
    /// drop(first);
    /// assert_eq!(*lock.try_read().unwrap(), (10, 2));
    /// ```
    #[inline]
    pub fn map<F, U: ?Sized>(mut this: Self, f: F) -> OwnedRwLockMappedWriteGuard<T, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        let data: *mut U = f(&mut *this);
        OwnedRwLockMappedWriteGuard::new(this.into_lock(), data)
    }

    /// Downgrades to a read guard of a part of the value, atomically: no writer can
    /// get in between.
    #[inline]
    pub fn downgrade_map<F, U: ?Sized>(this: Self, f: F) -> OwnedRwLockReadGuard<T, U>
    where
        F: FnOnce(&T) -> &U,
    {
        let data: *const U = f(&*this);
        let lock = this.into_lock();
        lock.gate.downgrade(lock.max_readers);
        OwnedRwLockReadGuard::new(lock, data)
    }

    /// As [`map`](OwnedRwLockWriteGuard::map), for a closure that may find nothing
    /// to map to: then the original guard comes back as the error.
    #[inline]
    pub fn try_map<F, U: ?Sized>(
        mut this: Self,
        f: F,
    ) -> Result<OwnedRwLockMappedWriteGuard<T, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        let Some(data) = f(&mut *this) else {
            return Err(this);
        };
        let data: *mut U = data;
        Ok(OwnedRwLockMappedWriteGuard::new(this.into_lock(), data))
    }

    /// As [`downgrade_map`](OwnedRwLockWriteGuard::downgrade_map), for a closure
    /// that may find nothing to map to: then the original write guard comes back as
    /// the error, still holding the write lock.
    #[inline]
    pub fn try_downgrade_map<F, U: ?Sized>(
        this: Self,
        f: F,
    ) -> Result<OwnedRwLockReadGuard<T, U>, Self>
    where
        F: FnOnce(&T) -> Option<&U>,
    {
        let Some(data) = f(&*this) else {
            return Err(this);
        };
        let data: *const U = data;
        let lock = this.into_lock();
        lock.gate.downgrade(lock.max_readers);
        Ok(OwnedRwLockReadGuard::new(lock, data))
    }

    /// Turns this into a mapped write guard of the whole value.
    #[inline]
    pub fn into_mapped(this: Self) -> OwnedRwLockMappedWriteGuard<T> {
        OwnedRwLockWriteGuard::map(this, |value| value)
    }

    /// Downgrades to a read guard, atomically: no writer can get in between.
    pub fn downgrade(self) -> OwnedRwLockReadGuard<T> {
        let lock = self.into_lock();
        lock.gate.downgrade(lock.max_readers);
        let data = lock.value.get();
        OwnedRwLockReadGuard::new(lock, data)
    }

    /// The lock this guard writes.
    #[inline]
    pub fn rwlock(this: &Self) -> &Arc<RwLock<T>> {
        &this.lock
    }
}

impl<T: ?Sized> Deref for OwnedRwLockWriteGuard<T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        // SAFETY: this guard holds every permit of the lock, so no other guard
        // exists while the borrow of `self` lasts; the `Arc` keeps the value alive.
        unsafe { &*self.lock.value.get() }
    }
}

impl<T: ?Sized> DerefMut for OwnedRwLockWriteGuard<T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: this guard holds every permit of the lock, so no other reference
        // to the value exists; `&mut self` makes this one unique.
        unsafe { &mut *self.lock.value.get() }
    }
}

impl<T: ?Sized> Drop for OwnedRwLockWriteGuard<T> {
    fn drop(&mut self) {
        self.lock.gate.unlock_exclusive(self.lock.max_readers);
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for OwnedRwLockWriteGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for OwnedRwLockWriteGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}
