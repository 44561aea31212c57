//! [`RwLockMappedWriteGuard`]: exclusive access to a part of the value of an
//! [`RwLock`](super::RwLock), borrowed from the lock.

use std::fmt;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};

use crate::sync::gate::Gate;

/// Exclusive write access to a part of the value of an [`RwLock`](super::RwLock),
/// made by [`RwLockWriteGuard::map`](super::RwLockWriteGuard::map) or
/// [`into_mapped`](super::RwLockWriteGuard::into_mapped); releases the write lock
/// when dropped. Unlike a write guard it cannot be downgraded.
#[clippy::has_significant_drop]
pub struct RwLockMappedWriteGuard<'a, T: ?Sized> {
    /// The gate all of whose permits this guard holds.
    gate: &'a Gate,
    /// How many permits that is (the lock's `max_readers`).
    permits: u32,
    /// INVARIANT: derived from the `&mut` that a mapping closure returned while the
    /// permits of `gate` were held, so it points into (or to something owned by)
    /// the lock's value; valid for reads and writes, by this guard alone, until the
    /// guard releases the permits. `'a` keeps the lock alive that long.
    data: *mut T,
    marker: PhantomData<&'a mut T>,
}

// SAFETY: the guard is a `&'a mut T` plus permits that may be released from any
// thread; the bounds are tokio's (`T: Send` for `&mut T`, plus `Sync`).
unsafe impl<T: ?Sized + Send + Sync> Send for RwLockMappedWriteGuard<'_, T> {}
// SAFETY: sharing the guard shares `&T` (`T: Sync`); the bounds are tokio's.
unsafe impl<T: ?Sized + Send + Sync> Sync for RwLockMappedWriteGuard<'_, T> {}

impl<'a, T: ?Sized> RwLockMappedWriteGuard<'a, T> {
    /// A guard of `data`, holding the `permits` permits of `gate` (all of them)
    /// that the caller hands over. `data` must satisfy the field invariant.
    pub(super) fn new(gate: &'a Gate, permits: u32, data: *mut T) -> Self {
        RwLockMappedWriteGuard {
            gate,
            permits,
            data,
            marker: PhantomData,
        }
    }

    /// Splits the guard without releasing its permits: the caller takes them over.
    fn into_gate(self) -> (&'a Gate, u32) {
        let this = ManuallyDrop::new(self);
        (this.gate, this.permits)
    }

    /// Maps the guard again, to a part of the part; see
    /// [`RwLockWriteGuard::map`](super::RwLockWriteGuard::map).
    ///
    /// ```
    /// use avx::sync::{RwLock, RwLockMappedWriteGuard, RwLockWriteGuard};
    ///
    /// let lock = RwLock::new(((1, 2), 3));
    /// let outer = RwLockWriteGuard::map(lock.try_write().unwrap(), |v| &mut v.0);
    /// let mut inner = RwLockMappedWriteGuard::map(outer, |pair| &mut pair.0);
    /// *inner = 10;
    /// drop(inner);
    /// assert_eq!(lock.into_inner(), ((10, 2), 3));
    /// ```
    #[inline]
    pub fn map<F, U: ?Sized>(mut this: Self, f: F) -> RwLockMappedWriteGuard<'a, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        let data: *mut U = f(&mut *this);
        let (gate, permits) = this.into_gate();
        RwLockMappedWriteGuard::new(gate, permits, data)
    }

    /// As [`map`](RwLockMappedWriteGuard::map), for a closure that may find nothing
    /// to map to: then the original guard comes back as the error.
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
        let (gate, permits) = this.into_gate();
        Ok(RwLockMappedWriteGuard::new(gate, permits, data))
    }
}

impl<T: ?Sized> Deref for RwLockMappedWriteGuard<'_, T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        // SAFETY: `data` is valid and exclusive to this guard while it holds the
        // permits (field invariant), which it does until `Drop`.
        unsafe { &*self.data }
    }
}

impl<T: ?Sized> DerefMut for RwLockMappedWriteGuard<'_, T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`; `&mut self` makes the reference unique.
        unsafe { &mut *self.data }
    }
}

impl<T: ?Sized> Drop for RwLockMappedWriteGuard<'_, T> {
    fn drop(&mut self) {
        self.gate.unlock_exclusive(self.permits);
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RwLockMappedWriteGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for RwLockMappedWriteGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}
