//! [`OwnedRwLockMappedWriteGuard`]: exclusive access to a part of the value of an
//! [`RwLock`] held in an `Arc`, which the guard keeps alive.

use std::fmt;
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};
use std::ptr;
use std::sync::Arc;

use super::RwLock;

/// Exclusive write access to a part `U` of the value `T` of an [`RwLock`] held in an
/// `Arc`, made by [`OwnedRwLockWriteGuard::map`](super::OwnedRwLockWriteGuard::map)
/// or [`into_mapped`](super::OwnedRwLockWriteGuard::into_mapped); releases the write
/// lock when dropped. It cannot be downgraded.
#[clippy::has_significant_drop]
pub struct OwnedRwLockMappedWriteGuard<T: ?Sized, U: ?Sized = T> {
    /// The lock all of whose permits this guard holds.
    lock: Arc<RwLock<T>>,
    /// INVARIANT: derived from the `&mut` that a mapping closure returned while this
    /// guard's permits of `lock` were held, so it points into (or to something
    /// owned by) the value of `lock`, which `lock` keeps alive; valid for reads and
    /// writes, by this guard alone, until the guard releases the permits.
    data: *mut U,
}

// SAFETY: the guard hands out `&mut U` and may drop the last `Arc` (the whole
// lock) on another thread; the bounds are tokio's.
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Send + Sync> Send
    for OwnedRwLockMappedWriteGuard<T, U>
{
}
// SAFETY: sharing the guard shares `&U` and the `Arc`; the bounds are tokio's.
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Send + Sync> Sync
    for OwnedRwLockMappedWriteGuard<T, U>
{
}

impl<T: ?Sized, U: ?Sized> OwnedRwLockMappedWriteGuard<T, U> {
    /// A guard of `data`, holding all the permits of `lock` that the caller hands
    /// over. `data` must satisfy the field invariant.
    pub(super) fn new(lock: Arc<RwLock<T>>, data: *mut U) -> Self {
        OwnedRwLockMappedWriteGuard { lock, data }
    }

    /// Splits the guard without releasing its permits: the caller takes them over.
    fn into_lock(self) -> Arc<RwLock<T>> {
        let this = ManuallyDrop::new(self);
        // SAFETY: `this` is never dropped, so the `Arc` is moved out, not
        // duplicated.
        unsafe { ptr::read(&this.lock) }
    }

    /// Maps the guard again, to a part of the part; see
    /// [`OwnedRwLockWriteGuard::map`](super::OwnedRwLockWriteGuard::map).
    #[inline]
    pub fn map<F, V: ?Sized>(mut this: Self, f: F) -> OwnedRwLockMappedWriteGuard<T, V>
    where
        F: FnOnce(&mut U) -> &mut V,
    {
        let data: *mut V = f(&mut *this);
        OwnedRwLockMappedWriteGuard::new(this.into_lock(), data)
    }

    /// As [`map`](OwnedRwLockMappedWriteGuard::map), for a closure that may find
    /// nothing to map to: then the original guard comes back as the error.
    #[inline]
    pub fn try_map<F, V: ?Sized>(
        mut this: Self,
        f: F,
    ) -> Result<OwnedRwLockMappedWriteGuard<T, V>, Self>
    where
        F: FnOnce(&mut U) -> Option<&mut V>,
    {
        let Some(data) = f(&mut *this) else {
            return Err(this);
        };
        let data: *mut V = data;
        Ok(OwnedRwLockMappedWriteGuard::new(this.into_lock(), data))
    }

    /// The lock this guard writes.
    #[inline]
    pub fn rwlock(this: &Self) -> &Arc<RwLock<T>> {
        &this.lock
    }
}

impl<T: ?Sized, U: ?Sized> Deref for OwnedRwLockMappedWriteGuard<T, U> {
    type Target = U;

    #[inline]
    fn deref(&self) -> &U {
        // SAFETY: `data` is valid and exclusive to this guard while it holds the
        // permits (field invariant), which it does until `Drop`.
        unsafe { &*self.data }
    }
}

impl<T: ?Sized, U: ?Sized> DerefMut for OwnedRwLockMappedWriteGuard<T, U> {
    #[inline]
    fn deref_mut(&mut self) -> &mut U {
        // SAFETY: as in `deref`; `&mut self` makes the reference unique.
        unsafe { &mut *self.data }
    }
}

impl<T: ?Sized, U: ?Sized> Drop for OwnedRwLockMappedWriteGuard<T, U> {
    fn drop(&mut self) {
        self.lock.gate.unlock_exclusive(self.lock.max_readers);
    }
}

impl<T: ?Sized, U: ?Sized + fmt::Debug> fmt::Debug for OwnedRwLockMappedWriteGuard<T, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized, U: ?Sized + fmt::Display> fmt::Display for OwnedRwLockMappedWriteGuard<T, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}
