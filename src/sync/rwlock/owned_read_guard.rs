//! [`OwnedRwLockReadGuard`]: shared access to an [`RwLock`] held in an `Arc`,
//! which the guard keeps alive.

use std::fmt;
use std::mem::ManuallyDrop;
use std::ops::Deref;
use std::ptr;
use std::sync::Arc;

use super::RwLock;

/// Shared read access to the value `T` of an [`RwLock`] held in an `Arc`, or to a
/// part `U` of it after [`map`](OwnedRwLockReadGuard::map); releases the read lock
/// when dropped. Made by [`RwLock::read_owned`]; it is `'static`.
#[clippy::has_significant_drop]
pub struct OwnedRwLockReadGuard<T: ?Sized, U: ?Sized = T> {
    /// The lock one of whose permits this guard holds.
    lock: Arc<RwLock<T>>,
    /// INVARIANT: points into (or to something owned by) the value of `lock`: the
    /// value itself, or what a mapping closure returned from a shared reference to
    /// it. Valid for reads while this guard holds its permit, during which no
    /// writer exists; `lock` keeps the value alive.
    data: *const U,
}

// SAFETY: the guard hands out `&U` (`U: Sync`) and may drop the last `Arc`, so the
// whole lock, on another thread (`RwLock<T>: Send + Sync`, i.e. `T: Send + Sync`).
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Sync> Send for OwnedRwLockReadGuard<T, U> {}
// SAFETY: sharing the guard shares `&U` and the `Arc`; the bounds are tokio's.
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Send + Sync> Sync for OwnedRwLockReadGuard<T, U> {}

impl<T: ?Sized, U: ?Sized> OwnedRwLockReadGuard<T, U> {
    /// A guard of `data`, holding a shared permit of `lock` that the caller hands
    /// over. `data` must satisfy the field invariant.
    pub(super) fn new(lock: Arc<RwLock<T>>, data: *const U) -> Self {
        OwnedRwLockReadGuard { lock, data }
    }

    /// Splits the guard without releasing its permit: the caller takes it over.
    fn into_lock(self) -> Arc<RwLock<T>> {
        let this = ManuallyDrop::new(self);
        // SAFETY: `this` is never dropped, so the `Arc` is moved out, not
        // duplicated.
        unsafe { ptr::read(&this.lock) }
    }

    /// Makes a read guard of a part of the locked value, keeping the read lock.
    ///
    /// An associated function, not a method, so that it does not hide a `map`
    /// method of `U`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use avx::sync::{OwnedRwLockReadGuard, RwLock};
    ///
    /// let lock = Arc::new(RwLock::new((1, 2)));
    /// let guard = Arc::clone(&lock).try_read_owned().unwrap();
    /// let second: OwnedRwLockReadGuard<(i32, i32), i32> =
    ///     OwnedRwLockReadGuard::map(guard, |pair| &pair.1);
    /// assert_eq!(*second, 2);
    /// ```
    #[inline]
    pub fn map<F, V: ?Sized>(this: Self, f: F) -> OwnedRwLockReadGuard<T, V>
    where
        F: FnOnce(&U) -> &V,
    {
        let data: *const V = f(&*this);
        OwnedRwLockReadGuard::new(this.into_lock(), data)
    }

    /// As [`map`](OwnedRwLockReadGuard::map), for a closure that may find nothing to
    /// map to: then the original guard comes back as the error.
    #[inline]
    pub fn try_map<F, V: ?Sized>(this: Self, f: F) -> Result<OwnedRwLockReadGuard<T, V>, Self>
    where
        F: FnOnce(&U) -> Option<&V>,
    {
        let Some(data) = f(&*this) else {
            return Err(this);
        };
        let data: *const V = data;
        Ok(OwnedRwLockReadGuard::new(this.into_lock(), data))
    }

    /// The lock this guard reads.
    #[inline]
    pub fn rwlock(this: &Self) -> &Arc<RwLock<T>> {
        &this.lock
    }
}

impl<T: ?Sized, U: ?Sized> Deref for OwnedRwLockReadGuard<T, U> {
    type Target = U;

    #[inline]
    fn deref(&self) -> &U {
        // SAFETY: this guard holds a shared permit, so no writer exists while the
        // borrow of `self` lasts, and `data` is valid for reads (field invariant).
        unsafe { &*self.data }
    }
}

impl<T: ?Sized, U: ?Sized> Drop for OwnedRwLockReadGuard<T, U> {
    fn drop(&mut self) {
        self.lock.gate.unlock_shared();
    }
}

impl<T: ?Sized, U: ?Sized + fmt::Debug> fmt::Debug for OwnedRwLockReadGuard<T, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized, U: ?Sized + fmt::Display> fmt::Display for OwnedRwLockReadGuard<T, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}
