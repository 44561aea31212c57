//! Tasks: spawning, joining, cancelling, yielding.
//!
//! A task is a future the runtime polls on its own. [`spawn`] returns a
//! [`JoinHandle`] that resolves to the task's output; dropping the handle detaches
//! the task, [`JoinHandle::abort`] cancels it.
//!
//! ```
//! # avx::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let handle = avx::task::spawn(async { 40 + 2 });
//! assert_eq!(handle.await.unwrap(), 42);
//! # });
//! ```

mod blocking;
pub mod coop;
mod error;
mod id;
mod join_handle;
mod join_set;
mod local;
mod task_local;
mod yield_now;

#[cfg(feature = "rt-multi-thread")]
pub use blocking::block_in_place;
pub use blocking::spawn_blocking;
pub use coop::{Unconstrained, consume_budget, unconstrained};
pub use error::JoinError;
pub use id::{Id, id, try_id};
pub use join_handle::{AbortHandle, JoinHandle};
pub use join_set::JoinSet;
pub use local::{LocalEnterGuard, LocalSet, spawn_local};
pub use task_local::LocalKey;
pub use yield_now::yield_now;

/// Futures returned by this module's functions.
pub mod futures {
    pub use super::task_local::TaskLocalFuture;
}

use std::future::Future;

/// Spawns `future` as a new task on the current runtime.
///
/// The task starts running at once, in the background; awaiting the returned
/// handle gives its output. Dropping the handle detaches the task.
///
/// # Panics
///
/// Outside a runtime, with tokio's message.
#[track_caller]
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let future = match avx_native::task::try_spawn(future) {
        Ok(handle) => return JoinHandle::from_native(handle),
        Err(future) => future,
    };
    #[cfg(feature = "tokio")]
    return JoinHandle::from_tokio(::tokio::task::spawn(future));
    #[cfg(not(feature = "tokio"))]
    {
        drop(future);
        panic!("{}", crate::backend::CONTEXT_MISSING_ERROR);
    }
}
