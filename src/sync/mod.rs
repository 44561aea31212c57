//! Synchronisation primitives for async code: tokio's `sync` module, item for item.
//!
//! - Channels: [`mpsc`] (bounded and unbounded), [`oneshot`], [`broadcast`],
//!   [`watch`].
//! - Locks: [`Mutex`], [`RwLock`], [`Semaphore`].
//! - Signalling: [`Notify`], [`Barrier`], [`OnceCell`], [`SetOnce`].
//!
//! Everything here is backend-free: it is written once, works on any executor, and
//! works between tasks of different runtimes in one process (a channel between a task
//! on a native runtime and one on a tokio runtime, say). The only things it asks of
//! the runtime (the cooperative budget, "may this thread block", a timer for
//! `send_timeout`) go through the private `rt` module.
//!
//! # How it is built
//!
//! Every primitive queues its waiting tasks in a `wait_list::WaitList`: a FIFO in a
//! slab, under the primitive's own lock, whose slots are owned by the waiting futures
//! (so dropping a future mid-wait simply removes its slot, and a wake-up it had been
//! given is passed on). Fast paths that need no queue (an uncontended semaphore, a
//! stored `Notify` permit) use one atomic word beside the list. Waking always happens
//! after the lock is released.
//!
//! # Differences from tokio
//!
//! The facade is `#![forbid(unsafe_code)]`, so a lock cannot hand out references into
//! an `UnsafeCell`. [`Mutex`] and the write guards of [`RwLock`] therefore *own* the
//! protected value while locked (it moves in and out), and read guards share it
//! through an `Arc`. It follows that `Mutex<T>` and `RwLock<T>` need `T: Sized`, that
//! `RwLock<T>` is `Send` only for `T: Send + Sync`, and that the guard projections
//! (`MutexGuard::map`/`try_map`, `MappedMutexGuard`, `OwnedMappedMutexGuard`,
//! `RwLockReadGuard::map`, `RwLockWriteGuard::map`/`downgrade_map`/`into_mapped`,
//! `RwLockMappedWriteGuard`, and their owned forms) are not provided: a mapped guard
//! would have to borrow from the value it owns. Everything else, including fairness,
//! cancel safety and `Drop` behaviour, follows tokio.

mod park;
mod rt;
mod wait_list;

pub mod broadcast;
pub mod mpsc;
pub mod oneshot;
pub mod watch;

mod notify;
pub use notify::Notify;

mod mutex;
pub use mutex::{Mutex, MutexGuard, OwnedMutexGuard, TryLockError};

mod rwlock;
pub use rwlock::{
    OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock, RwLockReadGuard, RwLockWriteGuard,
};

mod barrier;
pub use barrier::{Barrier, BarrierWaitResult};

mod once_cell;
pub use once_cell::{OnceCell, SetError};

mod set_once;
pub use set_once::{SetOnce, SetOnceError};

mod batch_semaphore;
mod semaphore;
pub use semaphore::{
    AcquireError, OwnedSemaphorePermit, Semaphore, SemaphorePermit, TryAcquireError,
};

/// Named future types of this module.
pub mod futures {
    pub use super::notify::{Notified, OwnedNotified};
}

#[cfg(all(test, not(loom)))]
mod test_util;
