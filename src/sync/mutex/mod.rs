//! `Mutex`: an async mutual-exclusion lock that is handed on first-in, first-out.
//!
//! # How the value is held
//!
//! The value sits in an `UnsafeCell` behind a [`Gate`] of one permit. A guard exists
//! only while it holds that permit (it took it in `lock`/`try_lock` and gives it
//! back in `Drop`), so at most one guard of a mutex exists at a time and the `&mut T`
//! it hands out is unique. Waiters queue in the gate's fair semaphore: a released
//! permit goes to the first waiter, never to a task that arrives later, and a
//! `lock()` future dropped after the permit was set aside for it passes it on.
//!
//! # Guards
//!
//! ```text
//!   Mutex::lock ──────▶ MutexGuard ──map──▶ MappedMutexGuard ──map──▶ ...
//!   Mutex::lock_owned ▶ OwnedMutexGuard ──map──▶ OwnedMappedMutexGuard ──map──▶ ...
//! ```
//!
//! `MutexGuard`/`OwnedMutexGuard` reach the value through the mutex; the mapped
//! guards keep a pointer derived from the guarded value (the `&mut` their mapping
//! closure returned) next to what they need to give the permit back. Mapping moves
//! the permit from one guard to the next without releasing it.
//!
//! This is the only place in the facade, with `rwlock`, that has `unsafe` code:
//! dereferencing the cell and the mapped pointers, moving an `Arc` out of a guard
//! whose `Drop` must not run, and the `Send`/`Sync` impls (tokio's).

#![allow(
    unsafe_code,
    reason = "a lock hands out references into an UnsafeCell that its permit guards"
)]

mod guard;
mod owned_guard;

use std::cell::UnsafeCell;
use std::fmt;
use std::sync::Arc;

use super::gate::Gate;
use super::park;
pub use guard::{MappedMutexGuard, MutexGuard};
pub use owned_guard::{OwnedMappedMutexGuard, OwnedMutexGuard};

/// An asynchronous mutex: [`lock`](Mutex::lock) waits without blocking the thread,
/// and the guard may be held across `.await`.
///
/// Locks are granted in the order [`lock`](Mutex::lock) was called. The mutex is not
/// poisoned when a task panics while holding the guard: it is unlocked, and the data
/// may be left half-updated.
///
/// `T` may be unsized (`Mutex<[u8]>`, `Mutex<dyn Trait>`), reached through unsized
/// coercion of a `Box<Mutex<T>>` or `Arc<Mutex<T>>`.
///
/// ```
/// use avx::sync::Mutex;
///
/// let mutex = Mutex::new(1);
/// *mutex.try_lock().unwrap() += 1;
/// assert_eq!(mutex.into_inner(), 2);
/// ```
pub struct Mutex<T: ?Sized> {
    gate: Gate,
    value: UnsafeCell<T>,
}

// SAFETY: the mutex hands its `T` to one thread at a time (one permit), and may be
// dropped on any thread, so it needs `T: Send` to move or share, as `std`'s does.
unsafe impl<T: ?Sized + Send> Send for Mutex<T> {}
// SAFETY: shared references to the mutex only give out `&mut T` to the single guard
// holding the permit, so sharing the mutex is sending `T`: `T: Send` suffices.
unsafe impl<T: ?Sized + Send> Sync for Mutex<T> {}

/// Error returned by [`Mutex::try_lock`], [`RwLock::try_read`] and
/// [`RwLock::try_write`]: the lock is held (for `try_read`, by a writer; for
/// `try_write`, by anyone), or others are queued for it.
///
/// [`RwLock::try_read`]: crate::sync::RwLock::try_read
/// [`RwLock::try_write`]: crate::sync::RwLock::try_write
#[derive(Debug)]
pub struct TryLockError(pub(in crate::sync) ());

impl fmt::Display for TryLockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("operation would block")
    }
}

impl std::error::Error for TryLockError {}

impl<T: ?Sized> Mutex<T> {
    /// Creates an unlocked mutex holding `t`.
    ///
    /// ```
    /// use avx::sync::Mutex;
    ///
    /// let mutex = Mutex::new(5);
    /// ```
    #[track_caller]
    pub fn new(t: T) -> Self
    where
        T: Sized,
    {
        Mutex {
            gate: Gate::new(1),
            value: UnsafeCell::new(t),
        }
    }

    /// Creates an unlocked mutex holding `t`, in a `const` context.
    ///
    /// ```
    /// use avx::sync::Mutex;
    ///
    /// static COUNT: Mutex<u32> = Mutex::const_new(0);
    /// ```
    #[cfg(not(all(loom, test)))]
    pub const fn const_new(t: T) -> Self
    where
        T: Sized,
    {
        Mutex {
            gate: Gate::const_new(1),
            value: UnsafeCell::new(t),
        }
    }

    /// Locks the mutex, waiting until it is free. When it is free now, this
    /// usually completes without yielding.
    ///
    /// # Cancel safety
    ///
    /// Locks are granted in the order they were requested; cancelling a call to
    /// `lock` gives up its place in the queue (and passes the lock on if it had
    /// already been handed to it).
    ///
    /// ```
    /// use avx::sync::Mutex;
    ///
    /// # avx::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let mutex = Mutex::new(1);
    /// *mutex.lock().await = 2;
    /// assert_eq!(*mutex.lock().await, 2);
    /// # });
    /// ```
    pub async fn lock(&self) -> MutexGuard<'_, T> {
        self.gate.lock_exclusive(1).await;
        MutexGuard::new(self)
    }

    /// As [`lock`](Mutex::lock), for a mutex in an `Arc`: the guard keeps the mutex
    /// alive and can be moved into a task (it is `'static`).
    ///
    /// # Cancel safety
    ///
    /// As [`lock`](Mutex::lock).
    pub async fn lock_owned(self: Arc<Self>) -> OwnedMutexGuard<T> {
        self.gate.lock_exclusive(1).await;
        OwnedMutexGuard::new(self)
    }

    /// Locks the mutex, blocking the current thread until it is free. For
    /// synchronous code that shares the mutex with async code.
    ///
    /// # Panics
    ///
    /// Panics if called from within an asynchronous execution context.
    #[track_caller]
    pub fn blocking_lock(&self) -> MutexGuard<'_, T> {
        park::block_on(self.lock())
    }

    /// As [`blocking_lock`](Mutex::blocking_lock), for a mutex in an `Arc`.
    ///
    /// # Panics
    ///
    /// Panics if called from within an asynchronous execution context.
    #[track_caller]
    pub fn blocking_lock_owned(self: Arc<Self>) -> OwnedMutexGuard<T> {
        park::block_on(self.lock_owned())
    }

    /// Locks the mutex if it is free now and nobody is queued for it.
    ///
    /// Fails with [`TryLockError`] otherwise.
    pub fn try_lock(&self) -> Result<MutexGuard<'_, T>, TryLockError> {
        self.gate.try_lock_exclusive(1)?;
        Ok(MutexGuard::new(self))
    }

    /// As [`try_lock`](Mutex::try_lock), for a mutex in an `Arc`.
    pub fn try_lock_owned(self: Arc<Self>) -> Result<OwnedMutexGuard<T>, TryLockError> {
        self.gate.try_lock_exclusive(1)?;
        Ok(OwnedMutexGuard::new(self))
    }

    /// A mutable reference to the value. No locking is needed: `&mut self` rules
    /// out any guard.
    pub fn get_mut(&mut self) -> &mut T {
        self.value.get_mut()
    }

    /// Consumes the mutex and returns the value.
    pub fn into_inner(self) -> T
    where
        T: Sized,
    {
        self.value.into_inner()
    }

    /// The raw pointer to the value, for guards that hold the permit.
    fn data(&self) -> *mut T {
        self.value.get()
    }
}

impl<T> From<T> for Mutex<T> {
    fn from(t: T) -> Self {
        Mutex::new(t)
    }
}

impl<T: Default> Default for Mutex<T> {
    fn default() -> Self {
        Mutex::new(T::default())
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Mutex");
        match self.try_lock() {
            Ok(guard) => d.field("data", &&*guard),
            Err(_) => d.field("data", &format_args!("<locked>")),
        };
        d.finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests;

#[cfg(all(loom, test))]
mod loom_models;
