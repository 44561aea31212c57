//! [`OwnedMutexGuard`] and [`OwnedMappedMutexGuard`]: exclusive access to a
//! [`Mutex`] held in an `Arc`, which the guard keeps alive.
//!
//! Each holds the mutex's one permit from creation until `Drop` (or until `map`
//! moves the permit into the next guard), and a clone of the `Arc`, so the guard is
//! `'static` and the value outlives it.

use std::fmt;
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};
use std::ptr;
use std::sync::Arc;

use super::Mutex;

/// Exclusive access to the value of a [`Mutex`] held in an `Arc`; unlocks when
/// dropped. Made by [`Mutex::lock_owned`]; unlike [`MutexGuard`] it does not borrow
/// the mutex, so it can be moved into a task.
///
/// [`MutexGuard`]: super::MutexGuard
#[clippy::has_significant_drop]
pub struct OwnedMutexGuard<T: ?Sized> {
    /// The mutex whose permit this guard holds.
    lock: Arc<Mutex<T>>,
}

// SAFETY: `&OwnedMutexGuard` gives out `&T` only, so sharing it shares `T`
// (`T: Sync`); the guard is `Send` only for `T: Send` (through `Arc<Mutex<T>>`),
// and tokio asks both for `Sync`.
unsafe impl<T: ?Sized + Send + Sync> Sync for OwnedMutexGuard<T> {}

/// Exclusive access to a part `U` of the value of a [`Mutex<T>`] held in an `Arc`,
/// made by [`OwnedMutexGuard::map`]; unlocks when dropped.
#[clippy::has_significant_drop]
#[must_use = "if unused the Mutex will immediately unlock"]
pub struct OwnedMappedMutexGuard<T: ?Sized, U: ?Sized = T> {
    /// INVARIANT: derived from the `&mut` that a mapping closure returned while this
    /// guard's permit of `lock` was held, so it points into (or to something owned
    /// by) the mutex's value, which `lock` keeps alive; valid for reads and writes,
    /// by this guard alone, until the guard releases the permit.
    data: *mut U,
    /// The mutex whose permit this guard holds.
    lock: Arc<Mutex<T>>,
}

// SAFETY: the guard can drop the last `Arc` (so the whole `T`) on another thread,
// and hands out `&mut U`: it needs `T: Send` and `U: Send`.
unsafe impl<T: ?Sized + Send, U: ?Sized + Send> Send for OwnedMappedMutexGuard<T, U> {}
// SAFETY: `&OwnedMappedMutexGuard` gives out `&U` only (`U: Sync`); the bounds
// are tokio's, which also ask `Send` of both so that a shared guard is never more
// than a sendable one.
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Send + Sync> Sync for OwnedMappedMutexGuard<T, U> {}

impl<T: ?Sized> OwnedMutexGuard<T> {
    /// Wraps the permit just taken from `lock`'s gate.
    pub(super) fn new(lock: Arc<Mutex<T>>) -> Self {
        OwnedMutexGuard { lock }
    }

    /// Splits the guard into the mutex it holds, without unlocking it: the caller
    /// takes over the permit.
    fn into_lock(self) -> Arc<Mutex<T>> {
        let this = ManuallyDrop::new(self);
        // SAFETY: `this` is never dropped, so the `Arc` read out here is moved, not
        // duplicated: its reference count stays right.
        unsafe { ptr::read(&this.lock) }
    }

    /// Makes a guard of a part of the locked value, keeping the mutex locked.
    ///
    /// An associated function, not a method, so that it does not hide a `map`
    /// method of `T`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use avx::sync::{Mutex, OwnedMutexGuard};
    ///
    /// let pair = Arc::new(Mutex::new((1, 2)));
    /// let mut second = OwnedMutexGuard::map(pair.clone().try_lock_owned().unwrap(), |p| &mut p.1);
    /// *second = 3;
    /// drop(second);
    /// assert_eq!(*pair.try_lock().unwrap(), (1, 3));
    /// ```
    #[inline]
    pub fn map<U, F>(mut this: Self, f: F) -> OwnedMappedMutexGuard<T, U>
    where
        U: ?Sized,
        F: FnOnce(&mut T) -> &mut U,
    {
        let data: *mut U = f(&mut *this);
        OwnedMappedMutexGuard {
            data,
            lock: this.into_lock(),
        }
    }

    /// As [`map`](OwnedMutexGuard::map), for a closure that may find nothing to map
    /// to: then the original guard comes back as the error.
    #[inline]
    pub fn try_map<U, F>(mut this: Self, f: F) -> Result<OwnedMappedMutexGuard<T, U>, Self>
    where
        U: ?Sized,
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        let Some(data) = f(&mut *this) else {
            return Err(this);
        };
        let data: *mut U = data;
        Ok(OwnedMappedMutexGuard {
            data,
            lock: this.into_lock(),
        })
    }

    /// The mutex this guard locks.
    #[inline]
    pub fn mutex(this: &Self) -> &Arc<Mutex<T>> {
        &this.lock
    }
}

impl<T: ?Sized> Drop for OwnedMutexGuard<T> {
    fn drop(&mut self) {
        self.lock.gate.unlock_exclusive(1);
    }
}

impl<T: ?Sized> Deref for OwnedMutexGuard<T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        // SAFETY: this guard holds the mutex's only permit, so no `&mut T` exists
        // elsewhere; the `Arc` keeps the value alive.
        unsafe { &*self.lock.data() }
    }
}

impl<T: ?Sized> DerefMut for OwnedMutexGuard<T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: this guard holds the mutex's only permit, so no other reference
        // to the value exists; `&mut self` makes this one unique.
        unsafe { &mut *self.lock.data() }
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for OwnedMutexGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for OwnedMutexGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<T: ?Sized, U: ?Sized> OwnedMappedMutexGuard<T, U> {
    /// Splits the guard into its pointer and mutex without unlocking: the caller
    /// takes over the permit.
    fn into_parts(self) -> (*mut U, Arc<Mutex<T>>) {
        let this = ManuallyDrop::new(self);
        // SAFETY: `this` is never dropped, so the `Arc` is moved out, not
        // duplicated.
        (this.data, unsafe { ptr::read(&this.lock) })
    }

    /// Maps the guard again, to a part of the part; see [`OwnedMutexGuard::map`].
    #[inline]
    pub fn map<S, F>(mut this: Self, f: F) -> OwnedMappedMutexGuard<T, S>
    where
        F: FnOnce(&mut U) -> &mut S,
    {
        let data: *mut S = f(&mut *this);
        let (_, lock) = this.into_parts();
        OwnedMappedMutexGuard { data, lock }
    }

    /// As [`map`](OwnedMappedMutexGuard::map), for a closure that may find nothing
    /// to map to: then the original guard comes back as the error.
    #[inline]
    pub fn try_map<S, F>(mut this: Self, f: F) -> Result<OwnedMappedMutexGuard<T, S>, Self>
    where
        F: FnOnce(&mut U) -> Option<&mut S>,
    {
        let Some(data) = f(&mut *this) else {
            return Err(this);
        };
        let data: *mut S = data;
        let (_, lock) = this.into_parts();
        Ok(OwnedMappedMutexGuard { data, lock })
    }
}

impl<T: ?Sized, U: ?Sized> Drop for OwnedMappedMutexGuard<T, U> {
    fn drop(&mut self) {
        self.lock.gate.unlock_exclusive(1);
    }
}

impl<T: ?Sized, U: ?Sized> Deref for OwnedMappedMutexGuard<T, U> {
    type Target = U;

    #[inline]
    fn deref(&self) -> &U {
        // SAFETY: `data` is valid and exclusive to this guard while it holds the
        // permit (field invariant), which it does until `Drop`.
        unsafe { &*self.data }
    }
}

impl<T: ?Sized, U: ?Sized> DerefMut for OwnedMappedMutexGuard<T, U> {
    #[inline]
    fn deref_mut(&mut self) -> &mut U {
        // SAFETY: as in `deref`; `&mut self` makes the reference unique.
        unsafe { &mut *self.data }
    }
}

impl<T: ?Sized, U: ?Sized + fmt::Debug> fmt::Debug for OwnedMappedMutexGuard<T, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized, U: ?Sized + fmt::Display> fmt::Display for OwnedMappedMutexGuard<T, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}
