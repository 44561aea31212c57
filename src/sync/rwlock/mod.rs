//! `RwLock`: a fair asynchronous reader-writer lock.
//!
//! # How it works
//!
//! The value sits in an `UnsafeCell` behind a [`Gate`] of `max_readers` permits. A
//! reader holds one permit, a writer all of them, so a write guard is never beside
//! another guard and read guards are never beside a write guard: that is what makes
//! a write guard's `&mut T` unique and a read guard's `&T` shared only with other
//! readers. The gate's semaphore serves requests strictly in order, so a queued
//! writer holds back the readers that come after it and is never starved.
//!
//! # Guards
//!
//! ```text
//!   read ──▶ RwLockReadGuard ──map──▶ RwLockReadGuard<U>
//!   write ─▶ RwLockWriteGuard ──map / into_mapped──▶ RwLockMappedWriteGuard ──map──▶ ...
//!                  │  └──downgrade_map──▶ RwLockReadGuard<U>
//!                  └──downgrade──▶ RwLockReadGuard       (gives back all permits but one)
//! ```
//!
//! and the same with `Owned*` guards, which hold an `Arc` of the lock instead of a
//! borrow. Guards of the whole value reach it through the lock; mapped guards (and
//! every read guard, since `map` keeps the type) keep a pointer derived from the
//! guarded value next to what they need to give their permits back. Mapping moves
//! the permits from one guard to the next without releasing them.
//!
//! With `mutex`, the only place in the facade with `unsafe` code: dereferencing the
//! cell and the guard pointers, moving an `Arc` out of a guard whose `Drop` must not
//! run, and the `Send`/`Sync` impls (tokio's).

#![allow(
    unsafe_code,
    reason = "a lock hands out references into an UnsafeCell that its permits guard"
)]

mod owned_read_guard;
mod owned_write_guard;
mod owned_write_guard_mapped;
mod read_guard;
mod write_guard;
mod write_guard_mapped;

use std::cell::UnsafeCell;
use std::fmt;
use std::sync::Arc;

use super::TryLockError;
use super::gate::Gate;
use super::park;
pub use owned_read_guard::OwnedRwLockReadGuard;
pub use owned_write_guard::OwnedRwLockWriteGuard;
pub use owned_write_guard_mapped::OwnedRwLockMappedWriteGuard;
pub use read_guard::RwLockReadGuard;
pub use write_guard::RwLockWriteGuard;
pub use write_guard_mapped::RwLockMappedWriteGuard;

/// The most readers a lock can admit at once.
#[cfg(not(all(loom, test)))]
const MAX_READS: u32 = u32::MAX >> 3;
#[cfg(all(loom, test))]
const MAX_READS: u32 = 10;

/// An asynchronous reader-writer lock: many readers or one writer at a time.
///
/// The lock is fair (write-preferring): requests are served in the order they were
/// made, so a read lock is not granted while a write lock requested before it is
/// waiting, and readers cannot starve a writer. It follows that a task holding a
/// read guard that asks for a write guard and then another read guard deadlocks.
///
/// `T` may be unsized, reached through unsized coercion of a `Box<RwLock<T>>` or
/// `Arc<RwLock<T>>`. The lock is `Send` when `T: Send`, and `Sync` when
/// `T: Send + Sync`.
///
/// ```
/// use avx::sync::RwLock;
///
/// # avx::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let lock = RwLock::new(5);
/// {
///     let a = lock.read().await;
///     let b = lock.read().await;
///     assert_eq!(*a + *b, 10);
///     assert!(lock.try_write().is_err());
/// }
/// *lock.write().await += 1;
/// assert_eq!(lock.into_inner(), 6);
/// # });
/// ```
pub struct RwLock<T: ?Sized> {
    /// The gate's permit count: what a writer takes.
    max_readers: u32,
    gate: Gate,
    value: UnsafeCell<T>,
}

// SAFETY: moving the lock moves the `T` in it: `T: Send`.
unsafe impl<T: ?Sized + Send> Send for RwLock<T> {}
// SAFETY: through `&RwLock` a writer gets `&mut T` (so `T` moves between threads:
// `T: Send`) and readers on several threads get `&T` at once (`T: Sync`).
unsafe impl<T: ?Sized + Send + Sync> Sync for RwLock<T> {}

impl<T: ?Sized> RwLock<T> {
    /// Creates an unlocked lock holding `value`.
    #[track_caller]
    pub fn new(value: T) -> RwLock<T>
    where
        T: Sized,
    {
        RwLock {
            max_readers: MAX_READS,
            gate: Gate::new(MAX_READS),
            value: UnsafeCell::new(value),
        }
    }

    /// Creates an unlocked lock that admits at most `max_reads` readers at once.
    ///
    /// # Panics
    ///
    /// Panics if `max_reads` is 0 or more than `u32::MAX >> 3`.
    #[track_caller]
    pub fn with_max_readers(value: T, max_reads: u32) -> RwLock<T>
    where
        T: Sized,
    {
        assert_ne!(max_reads, 0, "a RwLock may not be created with 0 readers");
        assert!(
            max_reads <= MAX_READS,
            "a RwLock may not be created with more than {MAX_READS} readers"
        );
        RwLock {
            max_readers: max_reads,
            gate: Gate::new(max_reads),
            value: UnsafeCell::new(value),
        }
    }

    /// Creates an unlocked lock holding `value`, in a `const` context.
    ///
    /// ```
    /// use avx::sync::RwLock;
    ///
    /// static CONFIG: RwLock<u32> = RwLock::const_new(1);
    /// ```
    #[cfg(not(all(loom, test)))]
    pub const fn const_new(value: T) -> RwLock<T>
    where
        T: Sized,
    {
        RwLock {
            max_readers: MAX_READS,
            gate: Gate::const_new(MAX_READS),
            value: UnsafeCell::new(value),
        }
    }

    /// As [`with_max_readers`](RwLock::with_max_readers), in a `const` context.
    ///
    /// # Panics
    ///
    /// Panics if `max_reads` is 0 or more than `u32::MAX >> 3`.
    #[cfg(not(all(loom, test)))]
    pub const fn const_with_max_readers(value: T, max_reads: u32) -> RwLock<T>
    where
        T: Sized,
    {
        assert!(max_reads != 0, "a RwLock may not be created with 0 readers");
        assert!(max_reads <= MAX_READS);
        RwLock {
            max_readers: max_reads,
            gate: Gate::const_new(max_reads),
            value: UnsafeCell::new(value),
        }
    }

    /// Locks for reading, waiting while a writer holds the lock or is queued ahead.
    /// Other readers may hold it at the same time.
    ///
    /// # Cancel safety
    ///
    /// Locks are granted in the order they were requested; cancelling a call to
    /// `read` gives up its place in the queue.
    pub async fn read(&self) -> RwLockReadGuard<'_, T> {
        self.gate.lock_shared().await;
        RwLockReadGuard::new(&self.gate, self.value.get())
    }

    /// As [`read`](RwLock::read), for a lock in an `Arc`: the guard keeps the lock
    /// alive and is `'static`.
    ///
    /// # Cancel safety
    ///
    /// As [`read`](RwLock::read).
    pub async fn read_owned(self: Arc<Self>) -> OwnedRwLockReadGuard<T> {
        self.gate.lock_shared().await;
        let data = self.value.get();
        OwnedRwLockReadGuard::new(self, data)
    }

    /// Locks for reading, blocking the current thread.
    ///
    /// # Panics
    ///
    /// Panics if called from within an asynchronous execution context.
    #[track_caller]
    pub fn blocking_read(&self) -> RwLockReadGuard<'_, T> {
        park::block_on(self.read())
    }

    /// Locks for reading if no writer holds the lock or is queued for it.
    pub fn try_read(&self) -> Result<RwLockReadGuard<'_, T>, TryLockError> {
        self.gate.try_lock_shared()?;
        Ok(RwLockReadGuard::new(&self.gate, self.value.get()))
    }

    /// As [`try_read`](RwLock::try_read), for a lock in an `Arc`.
    pub fn try_read_owned(self: Arc<Self>) -> Result<OwnedRwLockReadGuard<T>, TryLockError> {
        self.gate.try_lock_shared()?;
        let data = self.value.get();
        Ok(OwnedRwLockReadGuard::new(self, data))
    }

    /// Locks for writing, waiting until no reader or writer holds the lock and the
    /// requests queued before this one are served.
    ///
    /// # Cancel safety
    ///
    /// Locks are granted in the order they were requested; cancelling a call to
    /// `write` gives up its place in the queue (and hands on the permits already
    /// set aside for it).
    pub async fn write(&self) -> RwLockWriteGuard<'_, T> {
        self.gate.lock_exclusive(self.max_readers).await;
        RwLockWriteGuard::new(self)
    }

    /// As [`write`](RwLock::write), for a lock in an `Arc`: the guard keeps the lock
    /// alive and is `'static`.
    ///
    /// # Cancel safety
    ///
    /// As [`write`](RwLock::write).
    pub async fn write_owned(self: Arc<Self>) -> OwnedRwLockWriteGuard<T> {
        self.gate.lock_exclusive(self.max_readers).await;
        OwnedRwLockWriteGuard::new(self)
    }

    /// Locks for writing, blocking the current thread.
    ///
    /// # Panics
    ///
    /// Panics if called from within an asynchronous execution context.
    #[track_caller]
    pub fn blocking_write(&self) -> RwLockWriteGuard<'_, T> {
        park::block_on(self.write())
    }

    /// Locks for writing if nobody holds the lock or is queued for it.
    pub fn try_write(&self) -> Result<RwLockWriteGuard<'_, T>, TryLockError> {
        self.gate.try_lock_exclusive(self.max_readers)?;
        Ok(RwLockWriteGuard::new(self))
    }

    /// As [`try_write`](RwLock::try_write), for a lock in an `Arc`.
    pub fn try_write_owned(self: Arc<Self>) -> Result<OwnedRwLockWriteGuard<T>, TryLockError> {
        self.gate.try_lock_exclusive(self.max_readers)?;
        Ok(OwnedRwLockWriteGuard::new(self))
    }

    /// A mutable reference to the value. No locking is needed: `&mut self` rules
    /// out any guard.
    pub fn get_mut(&mut self) -> &mut T {
        self.value.get_mut()
    }

    /// Consumes the lock and returns the value.
    pub fn into_inner(self) -> T
    where
        T: Sized,
    {
        self.value.into_inner()
    }
}

impl<T> From<T> for RwLock<T> {
    fn from(value: T) -> Self {
        RwLock::new(value)
    }
}

impl<T: Default> Default for RwLock<T> {
    fn default() -> Self {
        RwLock::new(T::default())
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RwLock<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("RwLock");
        match self.try_read() {
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
