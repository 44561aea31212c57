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
//! [`Mutex`] and [`RwLock`] keep their value in an `UnsafeCell` behind a gate of
//! permits of the same fair semaphore (`gate::Gate`); theirs is the only `unsafe`
//! code in `sync`, allowed module by module under the crate's
//! `#![deny(unsafe_code)]`.
//!
//! # Differences from tokio
//!
//! None in the API: every item has tokio's name, signature, bounds (`Send`/`Sync`
//! included) and documented behaviour, including fairness, cancel safety, the
//! mapped lock guards, `T: ?Sized` locks and what `Drop` does.

mod park;
mod rt;
mod wait_list;

pub mod broadcast;
pub mod mpsc;
pub mod oneshot;
pub mod watch;

mod notify;
pub use notify::Notify;

mod gate;
mod mutex;
pub use mutex::{
    MappedMutexGuard, Mutex, MutexGuard, OwnedMappedMutexGuard, OwnedMutexGuard, TryLockError,
};

mod rwlock;
pub use rwlock::{
    OwnedRwLockMappedWriteGuard, OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock,
    RwLockMappedWriteGuard, RwLockReadGuard, RwLockWriteGuard,
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
