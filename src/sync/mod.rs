//! Synchronisation primitives for async code: tokio's `sync` module, item for item.
//!
//! Everything here is backend-free: it is written once, works on any executor, and
//! works between tasks of different runtimes in one process (a channel between a task
//! on a native runtime and one on a tokio runtime, say). The only things it asks of
//! the runtime go through the private `rt` module.
//!
//! # How it is built
//!
//! Every primitive queues its waiting tasks in a [`wait_list::WaitList`]: a FIFO in a
//! slab, under the primitive's own lock, whose slots are owned by the waiting futures
//! (so dropping a future mid-wait simply removes its slot). Fast paths that need no
//! queue (an uncontended lock, a stored permit) use one atomic word beside the list.
//! The facade is `#![forbid(unsafe_code)]`, so all of it is safe Rust.

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
