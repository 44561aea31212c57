//! [`MutexGuard`] and [`MappedMutexGuard`]: exclusive access borrowed from a
//! [`Mutex`].
//!
//! Each holds the mutex's one permit from creation until `Drop` (or until `map`
//! moves the permit into the next guard), which is what makes its `&mut` unique.

use std::fmt;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};

use super::Mutex;
use crate::sync::gate::Gate;

/// Exclusive access to the value of a [`Mutex`]; unlocks when dropped.
///
/// The guard borrows the mutex, and may be held across `.await`: it is `Send`
/// when `T` is.
#[clippy::has_significant_drop]
#[must_use = "if unused the Mutex will immediately unlock"]
pub struct MutexGuard<'a, T: ?Sized> {
    /// The mutex whose permit this guard holds.
    lock: &'a Mutex<T>,
}

// SAFETY: `&MutexGuard` gives out `&T` only, so sharing the guard shares `T`
// (`T: Sync`); the guard is also `Send` only for `T: Send` (through `&Mutex<T>`),
// and tokio asks both for `Sync`.
unsafe impl<T: ?Sized + Send + Sync> Sync for MutexGuard<'_, T> {}

/// Exclusive access to a part of the value of a [`Mutex`], made by
/// [`MutexGuard::map`]; unlocks when dropped.
#[clippy::has_significant_drop]
#[must_use = "if unused the Mutex will immediately unlock"]
pub struct MappedMutexGuard<'a, T: ?Sized> {
    /// The gate whose permit this guard holds.
    gate: &'a Gate,
    /// INVARIANT: derived from the `&mut` that a mapping closure returned while the
    /// permit of `gate` was held, so it points into (or to something owned by) the
    /// mutex's value, and is valid for reads and writes, by this guard alone, until
    /// the guard releases the permit. `'a` keeps the mutex alive that long.
    data: *mut T,
    marker: PhantomData<&'a mut T>,
}

// SAFETY: the guard is a `&'a mut T` plus a permit to release; the permit may be
// released from any thread (the gate is `Sync`), so it is `Send`/`Sync` exactly
// when `&mut T` is.
unsafe impl<'a, T: ?Sized + Send + 'a> Send for MappedMutexGuard<'a, T> {}
// SAFETY: as above: `&MappedMutexGuard` gives out `&T` only.
unsafe impl<'a, T: ?Sized + Sync + 'a> Sync for MappedMutexGuard<'a, T> {}

impl<'a, T: ?Sized> MutexGuard<'a, T> {
    /// Wraps the permit just taken from `lock`'s gate.
    pub(super) fn new(lock: &'a Mutex<T>) -> Self {
        MutexGuard { lock }
    }

    /// Splits the guard into the mutex it holds, without unlocking it: the caller
    /// takes over the permit.
    fn into_lock(self) -> &'a Mutex<T> {
        ManuallyDrop::new(self).lock
    }

    /// Makes a guard of a part of the locked value, keeping the mutex locked.
    ///
    /// An associated function (`MutexGuard::map(guard, f)`), not a method, so that
    /// it does not hide a `map` method of `T`.
    ///
    /// ```
    /// use avx::sync::{Mutex, MutexGuard};
    ///
    /// let pair = Mutex::new((1, String::from("a")));
    /// {
    ///     let mut name = MutexGuard::map(pair.try_lock().unwrap(), |p| &mut p.1);
    ///     name.push('b');
    ///     assert!(pair.try_lock().is_err());
    /// }
    /// assert_eq!(pair.into_inner(), (1, String::from("ab")));
    /// ```
    #[inline]
    pub fn map<U, F>(mut this: Self, f: F) -> MappedMutexGuard<'a, U>
    where
        U: ?Sized,
        F: FnOnce(&mut T) -> &mut U,
    {
        let data: *mut U = f(&mut *this);
        let lock = this.into_lock();
        MappedMutexGuard::new(&lock.gate, data)
    }

    /// As [`map`](MutexGuard::map), for a closure that may find nothing to map to:
    /// then the original guard comes back as the error.
    ///
    /// ```
    /// use avx::sync::{Mutex, MutexGuard};
    ///
    /// let list = Mutex::new(vec![1, 2]);
    /// let guard = list.try_lock().unwrap();
    /// let guard = MutexGuard::try_map(guard, |v| v.get_mut(5)).unwrap_err();
    /// let mut first = MutexGuard::try_map(guard, |v| v.first_mut()).unwrap();
    /// *first = 10;
    /// drop(first);
    /// assert_eq!(list.into_inner(), [10, 2]);
    /// ```
    #[inline]
    pub fn try_map<U, F>(mut this: Self, f: F) -> Result<MappedMutexGuard<'a, U>, Self>
    where
        U: ?Sized,
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        let Some(data) = f(&mut *this) else {
            return Err(this);
        };
        let data: *mut U = data;
        let lock = this.into_lock();
        Ok(MappedMutexGuard::new(&lock.gate, data))
    }

    /// The mutex this guard locks.
    ///
    /// ```
    /// use avx::sync::{Mutex, MutexGuard};
    ///
    /// let mutex = Mutex::new(0);
    /// let guard = mutex.try_lock().unwrap();
    /// assert!(std::ptr::eq(MutexGuard::mutex(&guard), &mutex));
    /// ```
    #[inline]
    pub fn mutex(this: &Self) -> &'a Mutex<T> {
        this.lock
    }
}

impl<T: ?Sized> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.gate.unlock_exclusive(1);
    }
}

impl<T: ?Sized> Deref for MutexGuard<'_, T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        // SAFETY: this guard holds the mutex's only permit (module invariant of
        // `gate`), so no `&mut T` exists elsewhere; the borrow of `self` ends before
        // the guard can give the permit back.
        unsafe { &*self.lock.data() }
    }
}

impl<T: ?Sized> DerefMut for MutexGuard<'_, T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: this guard holds the mutex's only permit, so no other reference
        // to the value exists; `&mut self` makes this one unique among the guard's.
        unsafe { &mut *self.lock.data() }
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<'a, T: ?Sized> MappedMutexGuard<'a, T> {
    /// A guard of `data`, holding the permit of `gate` that the caller hands over.
    fn new(gate: &'a Gate, data: *mut T) -> Self {
        MappedMutexGuard {
            gate,
            data,
            marker: PhantomData,
        }
    }

    /// Splits the guard into its gate and pointer without unlocking: the caller
    /// takes over the permit.
    fn into_parts(self) -> (&'a Gate, *mut T) {
        let this = ManuallyDrop::new(self);
        (this.gate, this.data)
    }

    /// Maps the guard again, to a part of the part; see [`MutexGuard::map`].
    ///
    /// ```
    /// use avx::sync::{MappedMutexGuard, Mutex, MutexGuard};
    ///
    /// let nested = Mutex::new(((1, 2), 3));
    /// let outer = MutexGuard::map(nested.try_lock().unwrap(), |n| &mut n.0);
    /// let mut inner = MappedMutexGuard::map(outer, |pair| &mut pair.1);
    /// *inner = 20;
    /// drop(inner);
    /// assert_eq!(nested.into_inner(), ((1, 20), 3));
    /// ```
    #[inline]
    pub fn map<U, F>(mut this: Self, f: F) -> MappedMutexGuard<'a, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        let data: *mut U = f(&mut *this);
        let (gate, _) = this.into_parts();
        MappedMutexGuard::new(gate, data)
    }

    /// As [`map`](MappedMutexGuard::map), for a closure that may find nothing to map
    /// to: then the original guard comes back as the error.
    #[inline]
    pub fn try_map<U, F>(mut this: Self, f: F) -> Result<MappedMutexGuard<'a, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        let Some(data) = f(&mut *this) else {
            return Err(this);
        };
        let data: *mut U = data;
        let (gate, _) = this.into_parts();
        Ok(MappedMutexGuard::new(gate, data))
    }
}

impl<T: ?Sized> Drop for MappedMutexGuard<'_, T> {
    fn drop(&mut self) {
        self.gate.unlock_exclusive(1);
    }
}

impl<T: ?Sized> Deref for MappedMutexGuard<'_, T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        // SAFETY: `data` is valid and exclusive to this guard while it holds the
        // permit (field invariant), which it does until `Drop`.
        unsafe { &*self.data }
    }
}

impl<T: ?Sized> DerefMut for MappedMutexGuard<'_, T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`; `&mut self` makes the reference unique.
        unsafe { &mut *self.data }
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for MappedMutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for MappedMutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}
