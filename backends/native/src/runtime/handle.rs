//! `Handle`: a clonable reference to a runtime, for spawning and entering it.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;

use super::Flavor;
use super::context::{self, SetCurrentGuard, TryCurrentError};
use crate::scheduler;
use crate::task::{Id, JoinHandle};

/// A handle to a native runtime.
#[derive(Clone)]
pub struct Handle {
    pub(crate) inner: scheduler::Handle,
}

/// Keeps a runtime current on this thread; see [`Handle::enter`].
#[must_use = "the runtime is current only while the guard lives"]
pub struct EnterGuard<'a> {
    _guard: SetCurrentGuard,
    _runtime: PhantomData<&'a Handle>,
}

impl Handle {
    /// The current runtime's handle; panics outside a runtime.
    #[track_caller]
    pub fn current() -> Handle {
        context::expect_current(|inner| Handle {
            inner: inner.clone(),
        })
    }

    /// The current runtime's handle, if there is one.
    pub fn try_current() -> Result<Handle, TryCurrentError> {
        context::with_current(|inner| Handle {
            inner: inner.clone(),
        })
    }

    /// Makes this runtime current on this thread until the guard drops.
    pub fn enter(&self) -> EnterGuard<'_> {
        EnterGuard {
            _guard: context::set_current(&self.inner),
            _runtime: PhantomData,
        }
    }

    /// Spawns a task on this runtime.
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.inner.spawn(future, Id::next())
    }

    /// Runs `func` on the runtime's blocking pool.
    #[track_caller]
    pub fn spawn_blocking<F, R>(&self, func: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        crate::blocking::spawn_blocking(&self.inner, func)
    }

    /// Polls `future` to completion on this thread, parking it between wake-ups.
    ///
    /// The runtime is current meanwhile, but this thread does not run the runtime's
    /// tasks or drivers: on a current-thread runtime they advance only while some
    /// thread is inside `Runtime::block_on` (tokio's rule).
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        context::enter_runtime(&self.inner, true, || {
            super::park::ParkThread::new().block_on(future)
        })
    }

    /// Which scheduler this runtime runs.
    pub fn flavor(&self) -> Flavor {
        match self.inner {
            scheduler::Handle::CurrentThread(_) => Flavor::CurrentThread,
            scheduler::Handle::MultiThread(_) => Flavor::MultiThread,
        }
    }

    /// The runtime's id: no other runtime of this process has it.
    pub fn id(&self) -> std::num::NonZeroU64 {
        self.inner.info().id
    }

    /// The name the runtime was built with, if any.
    pub fn name(&self) -> Option<&str> {
        self.inner.info().name.as_deref()
    }

    /// Whether two handles refer to the same runtime.
    pub fn ptr_eq(&self, other: &Handle) -> bool {
        self.inner.ptr_eq(&other.inner)
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("flavor", &self.flavor())
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for EnterGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnterGuard").finish_non_exhaustive()
    }
}
