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
mod id;
mod native;
#[cfg(feature = "tokio")]
mod tokio;

pub use crate::backend::{BACKEND_ENV, Backend};
pub use builder::Builder;
pub use handle::{EnterGuard, Handle, RuntimeFlavor, TryCurrentError};
pub use id::Id;

use std::fmt;
use std::future::Future;
use std::io;
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

/// The message of the errors that I/O on a runtime being shut down returns: tokio's,
/// so that code matching on it works on either backend.
pub(crate) const SHUTTING_DOWN: &str = "A Tokio 1.x context was found, but it is being shutdown.";

/// Whether `err` is the error I/O returns because its runtime is shutting down (a
/// socket whose runtime was dropped, say), rather than one from the OS.
///
/// ```
/// use avx::runtime::Runtime;
///
/// let first = Runtime::new().unwrap();
/// let second = Runtime::new().unwrap();
/// let listener = first.block_on(avx::net::TcpListener::bind("127.0.0.1:0")).unwrap();
/// drop(first);
/// second.block_on(async {
///     let err = listener.accept().await.unwrap_err();
///     assert!(avx::runtime::is_rt_shutdown_err(&err));
/// });
/// ```
pub fn is_rt_shutdown_err(err: &io::Error) -> bool {
    err.kind() == io::ErrorKind::Other
        && err
            .get_ref()
            .is_some_and(|inner| inner.source().is_none() && inner.to_string() == SHUTTING_DOWN)
}

/// The index of the runtime worker thread this is, if it is one: on the
/// multi-thread runtime, the worker's index (the thread inside `block_on` is not a
/// worker); on the current-thread runtime, 0 on the thread running it. `None`
/// elsewhere, on blocking threads too. A task may move between workers at an
/// `.await`, so the index can change across one.
///
/// ```
/// #[avx::main(flavor = "multi_thread", worker_threads = 2)]
/// async fn main() {
///     let index = avx::spawn(async { avx::runtime::worker_index() }).await.unwrap();
///     assert!(matches!(index, Some(0 | 1)));
///     assert_eq!(avx::runtime::worker_index(), None, "main runs in block_on");
/// }
/// ```
pub fn worker_index() -> Option<usize> {
    // A thread is a worker of one backend at most; the other says `None`.
    #[cfg(feature = "tokio")]
    if let Some(index) = ::tokio::runtime::worker_index() {
        return Some(index);
    }
    avx_native::runtime::worker_index()
}
