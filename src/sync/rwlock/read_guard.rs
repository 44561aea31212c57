//! [`RwLockReadGuard`]: shared access borrowed from an [`RwLock`].
//!
//! [`RwLock`]: super::RwLock

use std::fmt;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ops::Deref;

use crate::sync::gate::Gate;

/// Shared read access to the value of an [`RwLock`](super::RwLock), or to a part of
/// it after [`map`](RwLockReadGuard::map); releases the read lock when dropped.
#[clippy::has_significant_drop]
#[must_use = "if unused the RwLock will immediately unlock"]
pub struct RwLockReadGuard<'a, T: ?Sized> {
    /// The gate one of whose permits this guard holds.
    gate: &'a Gate,
    /// INVARIANT: points into (or to something owned by) the value of the lock of
    /// `gate`: the value itself, or what a mapping closure returned from a shared
    /// reference to it. Valid for reads while this guard holds its permit, during
    /// which no writer exists; `'a` keeps the lock alive.
    data: *const T,
    marker: PhantomData<&'a T>,
}

// SAFETY: the guard is a `&'a T` plus a permit that may be released from any
// thread: sending it sends `&T` (`T: Sync`).
unsafe impl<T: ?Sized + Sync> Send for RwLockReadGuard<'_, T> {}
// SAFETY: sharing the guard shares `&T` (`T: Sync`); tokio also asks `T: Send`.
unsafe impl<T: ?Sized + Send + Sync> Sync for RwLockReadGuard<'_, T> {}

impl<'a, T: ?Sized> RwLockReadGuard<'a, T> {
    /// A guard of `data`, holding a shared permit of `gate` that the caller hands
    /// over. `data` must satisfy the field invariant.
    pub(super) fn new(gate: &'a Gate, data: *const T) -> Self {
        RwLockReadGuard {
            gate,
            data,
            marker: PhantomData,
        }
    }

    /// Splits the guard without releasing its permit: the caller takes it over.
    fn into_gate(self) -> &'a Gate {
        ManuallyDrop::new(self).gate
    }

    /// Makes a read guard of a part of the locked value, keeping the read lock.
    ///
    /// An associated function (`RwLockReadGuard::map(guard, f)`), not a method, so
    /// that it does not hide a `map` method of `T`.
    ///
    /// ```
    /// use avx::sync::{RwLock, RwLockReadGuard};
    ///
    /// let lock = RwLock::new((1, String::from("name")));
    /// let name = RwLockReadGuard::map(lock.try_read().unwrap(), |pair| &pair.1);
    /// assert_eq!(&*name, "name");
    /// assert!(lock.try_write().is_err());
    /// ```
    #[inline]
    pub fn map<F, U: ?Sized>(this: Self, f: F) -> RwLockReadGuard<'a, U>
    where
        F: FnOnce(&T) -> &U,
    {
        let data: *const U = f(&*this);
        RwLockReadGuard::new(this.into_gate(), data)
    }

    /// As [`map`](RwLockReadGuard::map), for a closure that may find nothing to map
    /// to: then the original guard comes back as the error.
    ///
    /// ```
    /// use avx::sync::{RwLock, RwLockReadGuard};
    ///
    /// let lock = RwLock::new(vec![1, 2]);
    /// let guard = RwLockReadGuard::try_map(lock.try_read().unwrap(), |v| v.get(7)).unwrap_err();
    /// let last = RwLockReadGuard::try_map(guard, |v| v.last()).unwrap();
    /// assert_eq!(*last, 2);
    /// ```
    #[inline]
    pub fn try_map<F, U: ?Sized>(this: Self, f: F) -> Result<RwLockReadGuard<'a, U>, Self>
    where
        F: FnOnce(&T) -> Option<&U>,
    {
        let Some(data) = f(&*this) else {
            return Err(this);
        };
        let data: *const U = data;
        Ok(RwLockReadGuard::new(this.into_gate(), data))
    }
}

impl<T: ?Sized> Deref for RwLockReadGuard<'_, T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        // SAFETY: this guard holds a shared permit, so no writer exists while the
        // borrow of `self` lasts, and `data` is valid for reads (field invariant).
        unsafe { &*self.data }
    }
}

impl<T: ?Sized> Drop for RwLockReadGuard<'_, T> {
    fn drop(&mut self) {
        self.gate.unlock_shared();
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RwLockReadGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for RwLockReadGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}
