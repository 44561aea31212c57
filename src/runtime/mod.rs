//! The avx runtime: a scheduler for tasks, drivers for I/O and time, and a pool for
//! blocking work, on the backend a [`Builder`] picks.
//!
//! ```
//! use avx::runtime::Builder;
//!
//! let runtime = Builder::new_current_thread().enable_all().build()?;
//! let handle = runtime.spawn(async { "spawned" });
//! assert_eq!(runtime.block_on(handle).unwrap(), "spawned");
//! # Ok::<(), std::io::Error>(())
//! ```

mod builder;
#[cfg(feature = "criterion")]
mod criterion;
mod handle;
mod native;
#[cfg(feature = "tokio")]
mod tokio;

pub use crate::backend::{BACKEND_ENV, Backend};
pub use builder::Builder;
pub use handle::{EnterGuard, Handle, RuntimeFlavor, TryCurrentError};

use std::fmt;
use std::future::Future;
use std::time::Duration;

use crate::task::JoinHandle;

/// A runtime: runs tasks until it is dropped.
///
/// Dropping a runtime cancels its tasks: each is dropped the next time it would
/// yield. The drop waits for running blocking tasks; [`Runtime::shutdown_timeout`]
/// and [`Runtime::shutdown_background`] bound that wait.
pub struct Runtime {
    inner: Inner,
    handle: Handle,
}

// As tokio's: a runtime is used across `catch_unwind` (a panicking `block_on` leaves
// it usable, its tasks cancelled or still queued, never half-updated).
impl std::panic::UnwindSafe for Runtime {}
impl std::panic::RefUnwindSafe for Runtime {}

enum Inner {
    Native(avx_native::runtime::Runtime),
    #[cfg(feature = "tokio")]
    Tokio(::tokio::runtime::Runtime),
}

impl Runtime {
    /// A multi-thread runtime with I/O and timers enabled, on the default backend.
    ///
    /// # Errors
    ///
    /// See [`Builder::build`].
    #[cfg(feature = "rt-multi-thread")]
    pub fn new() -> std::io::Result<Runtime> {
        Builder::new_multi_thread().enable_all().build()
    }

    /// Runs `future` to completion on this thread, driving the runtime meanwhile.
    ///
    /// On the current-thread runtime, spawned tasks run only while some thread is
    /// inside `block_on`.
    ///
    /// # Panics
    ///
    /// If called from inside a runtime (from a task, or inside another `block_on`).
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        match &self.inner {
            Inner::Native(rt) => {
                native::refuse_inside_tokio();
                rt.block_on(future)
            }
            #[cfg(feature = "tokio")]
            Inner::Tokio(rt) => {
                tokio::refuse_inside_native_runtime();
                let _native = avx_native::runtime::suspend();
                let _driving = crate::backend::tokio_driving::enter();
                rt.block_on(future)
            }
        }
    }

    /// Spawns a task on this runtime; see [`crate::task::spawn`].
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.handle.spawn(future)
    }

    /// Runs `func` on this runtime's blocking pool; see
    /// [`crate::task::spawn_blocking`].
    #[track_caller]
    pub fn spawn_blocking<F, R>(&self, func: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.handle.spawn_blocking(func)
    }

    /// This runtime's handle.
    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// Makes this runtime current on this thread until the guard drops, so that
    /// `spawn` and timers work outside `block_on`.
    pub fn enter(&self) -> EnterGuard<'_> {
        self.handle.enter()
    }

    /// The backend running this runtime. avx's own; tokio has no equivalent.
    pub fn backend(&self) -> Backend {
        self.handle.backend()
    }

    /// Shuts down, waiting at most `duration` for blocking tasks to finish; those
    /// still running then are left to finish on their own.
    pub fn shutdown_timeout(self, duration: Duration) {
        match self.inner {
            Inner::Native(rt) => rt.shutdown_timeout(duration),
            #[cfg(feature = "tokio")]
            Inner::Tokio(rt) => rt.shutdown_timeout(duration),
        }
    }

    /// Shuts down without waiting for blocking tasks.
    pub fn shutdown_background(self) {
        match self.inner {
            Inner::Native(rt) => rt.shutdown_background(),
            #[cfg(feature = "tokio")]
            Inner::Tokio(rt) => rt.shutdown_background(),
        }
    }
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("backend", &self.backend())
            .field("flavor", &self.handle.runtime_flavor())
            .finish_non_exhaustive()
    }
}
