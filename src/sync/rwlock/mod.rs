//! `RwLock`: a fair asynchronous reader-writer lock.
//!
//! # Fairness
//!
//! The lock is a [batch semaphore](super::batch_semaphore) with `max_readers`
//! permits: a reader takes one, a writer takes all of them. The semaphore serves
//! requests strictly in order, so a queued writer holds back the readers that come
//! after it and is never starved.
//!
//! # How the value is held
//!
//! The facade has no `unsafe`, so readers cannot share a `&T` into an `UnsafeCell`.
//! Instead `slot` holds the value either owned or in an `Arc`:
//!
//! ```text
//!   Owned(T) ──first reader──▶ Shared(Arc<T>)   readers clone the Arc
//!   Shared(Arc<T>) ──writer (all permits, so no reader left)──▶ Out   the writer
//!       unwraps the Arc (it is unique) and owns T
//!   Out ──write guard dropped──▶ Owned(T)     ──downgrade──▶ Shared(Arc<T>)
//! ```
//!
//! A read guard drops its `Arc` before it returns its permit, so the writer that
//! gets all permits always finds the `Arc` unique. Costs: a read after a write
//! allocates the `Arc` once. Differences from tokio (in the migration guide): `T`
//! must be `Sized`, `RwLock<T>` is `Send` only if `T: Send + Sync`, and guards have
//! no `map`/`try_map`/`downgrade_map`/`into_mapped` (a mapped guard would borrow from
//! the value it owns).

mod read_guard;
mod write_guard;

use std::fmt;
use std::sync::Arc;

use super::TryLockError;
use super::batch_semaphore::{Semaphore, TryAcquireError};
use super::park;
use crate::loom::sync::Mutex as Lock;
pub use read_guard::{OwnedRwLockReadGuard, RwLockReadGuard};
pub use write_guard::{OwnedRwLockWriteGuard, RwLockWriteGuard};

/// The most readers a lock can admit at once.
#[cfg(not(all(loom, test)))]
const MAX_READS: u32 = u32::MAX >> 3;
#[cfg(all(loom, test))]
const MAX_READS: u32 = 10;

/// Where the protected value is; see the module docs.
enum Slot<T> {
    Owned(T),
    Shared(Arc<T>),
    /// A write guard owns the value.
    Out,
}

/// An asynchronous reader-writer lock: many readers or one writer at a time.
///
/// Requests are served in the order they were made, so a waiting writer is not
/// starved by a stream of readers. (It follows that a task holding a read guard that
/// asks for a write guard and then another read guard deadlocks.)
///
/// ```
/// use avx::sync::RwLock;
///
/// let lock = RwLock::new(5);
/// {
///     let a = lock.try_read().unwrap();
///     let b = lock.try_read().unwrap();
///     assert_eq!(*a + *b, 10);
///     assert!(lock.try_write().is_err());
/// }
/// *lock.try_write().unwrap() += 1;
/// assert_eq!(lock.into_inner(), 6);
/// ```
pub struct RwLock<T> {
    max_readers: u32,
    semaphore: Semaphore,
    slot: Lock<Slot<T>>,
}

impl<T> RwLock<T> {
    /// Creates an unlocked lock holding `value`.
    pub fn new(value: T) -> RwLock<T> {
        RwLock {
            max_readers: MAX_READS,
            semaphore: Semaphore::new(MAX_READS as usize),
            slot: Lock::new(Slot::Owned(value)),
        }
    }

    /// Creates an unlocked lock that admits at most `max_reads` readers at once.
    ///
    /// # Panics
    ///
    /// Panics if `max_reads` is 0 or more than `u32::MAX >> 3`.
    #[track_caller]
    pub fn with_max_readers(value: T, max_reads: u32) -> RwLock<T> {
        assert_ne!(max_reads, 0, "a RwLock may not be created with 0 readers");
        assert!(
            max_reads <= MAX_READS,
            "a RwLock may not be created with more than {MAX_READS} readers"
        );
        RwLock {
            max_readers: max_reads,
            semaphore: Semaphore::new(max_reads as usize),
            slot: Lock::new(Slot::Owned(value)),
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
    pub const fn const_new(value: T) -> RwLock<T> {
        RwLock {
            max_readers: MAX_READS,
            semaphore: Semaphore::const_new(MAX_READS as usize),
            slot: Lock::new(Slot::Owned(value)),
        }
    }

    /// As [`with_max_readers`](RwLock::with_max_readers), in a `const` context.
    ///
    /// # Panics
    ///
    /// Panics if `max_reads` is 0 or more than `u32::MAX >> 3`.
    #[cfg(not(all(loom, test)))]
    pub const fn const_with_max_readers(value: T, max_reads: u32) -> RwLock<T> {
        assert!(max_reads != 0 && max_reads <= MAX_READS);
        RwLock {
            max_readers: max_reads,
            semaphore: Semaphore::const_new(max_reads as usize),
            slot: Lock::new(Slot::Owned(value)),
        }
    }

    /// Locks for reading, waiting while a writer holds the lock or is queued ahead.
    ///
    /// # Cancel safety
    ///
    /// Locks are granted in the order they were requested; cancelling a call to
    /// `read` gives up its place in the queue.
    pub async fn read(&self) -> RwLockReadGuard<'_, T> {
        self.acquire_read().await;
        RwLockReadGuard::new(self, self.share())
    }

    /// As [`read`](RwLock::read), for a lock in an `Arc`.
    ///
    /// # Cancel safety
    ///
    /// As [`read`](RwLock::read).
    pub async fn read_owned(self: Arc<Self>) -> OwnedRwLockReadGuard<T> {
        self.acquire_read().await;
        let value = self.share();
        OwnedRwLockReadGuard::new(self, value)
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

    /// Locks for reading if no writer holds the lock or is queued.
    pub fn try_read(&self) -> Result<RwLockReadGuard<'_, T>, TryLockError> {
        self.try_acquire(1)?;
        Ok(RwLockReadGuard::new(self, self.share()))
    }

    /// As [`try_read`](RwLock::try_read), for a lock in an `Arc`.
    pub fn try_read_owned(self: Arc<Self>) -> Result<OwnedRwLockReadGuard<T>, TryLockError> {
        self.try_acquire(1)?;
        let value = self.share();
        Ok(OwnedRwLockReadGuard::new(self, value))
    }

    /// Locks for writing, waiting until no reader or writer holds the lock.
    ///
    /// # Cancel safety
    ///
    /// Locks are granted in the order they were requested; cancelling a call to
    /// `write` gives up its place in the queue.
    pub async fn write(&self) -> RwLockWriteGuard<'_, T> {
        self.acquire_write().await;
        RwLockWriteGuard::new(self, self.take())
    }

    /// As [`write`](RwLock::write), for a lock in an `Arc`.
    ///
    /// # Cancel safety
    ///
    /// As [`write`](RwLock::write).
    pub async fn write_owned(self: Arc<Self>) -> OwnedRwLockWriteGuard<T> {
        self.acquire_write().await;
        let value = self.take();
        OwnedRwLockWriteGuard::new(self, value)
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

    /// Locks for writing if the lock is free now.
    pub fn try_write(&self) -> Result<RwLockWriteGuard<'_, T>, TryLockError> {
        self.try_acquire(self.max_readers as usize)?;
        Ok(RwLockWriteGuard::new(self, self.take()))
    }

    /// As [`try_write`](RwLock::try_write), for a lock in an `Arc`.
    pub fn try_write_owned(self: Arc<Self>) -> Result<OwnedRwLockWriteGuard<T>, TryLockError> {
        self.try_acquire(self.max_readers as usize)?;
        let value = self.take();
        Ok(OwnedRwLockWriteGuard::new(self, value))
    }

    /// A mutable reference to the value; `&mut self` rules out any guard.
    ///
    /// # Panics
    ///
    /// Panics if a guard of this lock was leaked (`mem::forget`).
    pub fn get_mut(&mut self) -> &mut T {
        let slot = self.slot.get_mut();
        if let Slot::Shared(_) = slot {
            let Slot::Shared(shared) = std::mem::replace(slot, Slot::Out) else {
                unreachable!("matched above");
            };
            *slot = Slot::Owned(Arc::try_unwrap(shared).ok().expect(LEAKED));
        }
        match slot {
            Slot::Owned(value) => value,
            _ => panic!("{LEAKED}"),
        }
    }

    /// Consumes the lock and returns the value.
    ///
    /// # Panics
    ///
    /// As [`get_mut`](RwLock::get_mut).
    pub fn into_inner(self) -> T {
        match self.slot.into_inner() {
            Slot::Owned(value) => value,
            Slot::Shared(shared) => Arc::try_unwrap(shared).ok().expect(LEAKED),
            Slot::Out => panic!("{LEAKED}"),
        }
    }

    async fn acquire_read(&self) {
        // Never fails: this semaphore is never closed.
        let _ = self.semaphore.acquire(1).await;
    }

    async fn acquire_write(&self) {
        let _ = self.semaphore.acquire(self.max_readers as usize).await;
    }

    fn try_acquire(&self, permits: usize) -> Result<(), TryLockError> {
        match self.semaphore.try_acquire(permits) {
            Ok(()) => Ok(()),
            Err(TryAcquireError::NoPermits | TryAcquireError::Closed) => Err(TryLockError(())),
        }
    }

    /// A shared handle to the value; the caller holds a read permit.
    fn share(&self) -> Arc<T> {
        let mut slot = self.slot.lock();
        match &mut *slot {
            Slot::Shared(shared) => Arc::clone(shared),
            Slot::Owned(_) => {
                let Slot::Owned(value) = std::mem::replace(&mut *slot, Slot::Out) else {
                    unreachable!("matched above");
                };
                let shared = Arc::new(value);
                *slot = Slot::Shared(Arc::clone(&shared));
                shared
            }
            Slot::Out => unreachable!("a reader never runs beside a writer"),
        }
    }

    /// The value itself; the caller holds every permit, so no reader is left.
    fn take(&self) -> T {
        match std::mem::replace(&mut *self.slot.lock(), Slot::Out) {
            Slot::Owned(value) => value,
            Slot::Shared(shared) => Arc::try_unwrap(shared)
                .ok()
                .expect("readers drop their share before their permit"),
            Slot::Out => unreachable!("a writer never runs beside another"),
        }
    }

    /// Puts the value back, as a write guard is dropped or downgraded.
    fn restore(&self, value: T) {
        *self.slot.lock() = Slot::Owned(value);
    }

    /// Turns a written value into a shared one for a downgraded guard.
    fn restore_shared(&self, value: T) -> Arc<T> {
        let shared = Arc::new(value);
        *self.slot.lock() = Slot::Shared(Arc::clone(&shared));
        shared
    }

    fn release_read(&self) {
        self.semaphore.release(1);
    }

    fn release_write(&self) {
        self.semaphore.release(self.max_readers as usize);
    }
}

const LEAKED: &str = "the value of this RwLock went with a leaked guard";

impl<T> From<T> for RwLock<T> {
    fn from(value: T) -> RwLock<T> {
        RwLock::new(value)
    }
}

impl<T: Default> Default for RwLock<T> {
    fn default() -> RwLock<T> {
        RwLock::new(T::default())
    }
}

impl<T: fmt::Debug> fmt::Debug for RwLock<T> {
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
