//! `Handle`: a clonable reference to a runtime.

use std::fmt;
use std::future::Future;

use super::{Backend, Id};
use crate::task::JoinHandle;

/// A handle to a runtime: spawns onto it and enters it, from any thread.
#[derive(Clone)]
pub struct Handle {
    inner: HandleInner,
}

// As tokio's; see `Runtime`'s impls.
impl std::panic::UnwindSafe for Handle {}
impl std::panic::RefUnwindSafe for Handle {}

#[derive(Clone)]
enum HandleInner {
    Native(avx_native::runtime::Handle),
    #[cfg(feature = "tokio")]
    Tokio(::tokio::runtime::Handle),
}

/// Keeps a runtime current on this thread; returned by [`Handle::enter`].
#[must_use = "the runtime is current only while the guard lives"]
pub struct EnterGuard<'a> {
    _inner: EnterInner<'a>,
}

// Fields are held only for their `Drop`.
#[allow(dead_code)]
enum EnterInner<'a> {
    Native(avx_native::runtime::EnterGuard<'a>),
    #[cfg(feature = "tokio")]
    Tokio {
        tokio: ::tokio::runtime::EnterGuard<'a>,
        native: avx_native::runtime::SuspendGuard,
    },
}

/// The flavor of a runtime's scheduler; see [`Handle::runtime_flavor`].
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
#[non_exhaustive]
pub enum RuntimeFlavor {
    /// Every task runs on the thread in `block_on`.
    CurrentThread,
    /// Tasks run on a pool of worker threads.
    MultiThread,
}

/// There is no runtime to return from [`Handle::try_current`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TryCurrentError {
    thread_local_destroyed: bool,
}

impl TryCurrentError {
    /// No runtime is current on this thread.
    pub fn is_missing_context(&self) -> bool {
        !self.thread_local_destroyed
    }

    /// The thread is exiting and its runtime context is already gone.
    pub fn is_thread_local_destroyed(&self) -> bool {
        self.thread_local_destroyed
    }
}

impl fmt::Display for TryCurrentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.thread_local_destroyed {
            "The Tokio context thread-local variable has been destroyed."
        } else {
            crate::backend::CONTEXT_MISSING_ERROR
        })
    }
}

impl std::error::Error for TryCurrentError {}

impl Handle {
    pub(super) fn from_native(handle: avx_native::runtime::Handle) -> Handle {
        Handle {
            inner: HandleInner::Native(handle),
        }
    }

    #[cfg(feature = "tokio")]
    pub(super) fn from_tokio(handle: ::tokio::runtime::Handle) -> Handle {
        Handle {
            inner: HandleInner::Tokio(handle),
        }
    }

    /// The handle of the runtime current on this thread.
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    #[track_caller]
    pub fn current() -> Handle {
        match Handle::try_current() {
            Ok(handle) => handle,
            Err(e) => panic!("{e}"),
        }
    }

    /// The handle of the runtime current on this thread, if any.
    pub fn try_current() -> Result<Handle, TryCurrentError> {
        let native = avx_native::runtime::Handle::try_current();
        #[cfg(feature = "native")]
        if let Ok(handle) = native {
            return Ok(Handle::from_native(handle));
        }
        #[cfg(feature = "tokio")]
        if let Ok(handle) = ::tokio::runtime::Handle::try_current() {
            return Ok(Handle::from_tokio(handle));
        }
        Err(TryCurrentError {
            thread_local_destroyed: native.is_err_and(|e| e.is_thread_local_destroyed()),
        })
    }

    /// Makes this runtime current on this thread until the guard drops. Guards must
    /// be dropped in the reverse order of creation.
    pub fn enter(&self) -> EnterGuard<'_> {
        EnterGuard {
            _inner: match &self.inner {
                HandleInner::Native(h) => EnterInner::Native(h.enter()),
                #[cfg(feature = "tokio")]
                HandleInner::Tokio(h) => EnterInner::Tokio {
                    native: avx_native::runtime::suspend(),
                    tokio: h.enter(),
                },
            },
        }
    }

    /// Spawns a task on this runtime; see [`crate::task::spawn`].
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        match &self.inner {
            HandleInner::Native(h) => JoinHandle::from_native(h.spawn(future)),
            #[cfg(feature = "tokio")]
            HandleInner::Tokio(h) => JoinHandle::from_tokio(h.spawn(future)),
        }
    }

    /// Runs `func` on this runtime's blocking pool; see
    /// [`crate::task::spawn_blocking`].
    #[track_caller]
    pub fn spawn_blocking<F, R>(&self, func: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        match &self.inner {
            HandleInner::Native(h) => JoinHandle::from_native(h.spawn_blocking(func)),
            #[cfg(feature = "tokio")]
            HandleInner::Tokio(h) => JoinHandle::from_tokio(h.spawn_blocking(func)),
        }
    }

    /// Runs `future` to completion on this thread.
    ///
    /// # Panics
    ///
    /// If called from inside a runtime.
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        match &self.inner {
            HandleInner::Native(h) => {
                super::native::refuse_inside_tokio();
                h.block_on(future)
            }
            #[cfg(feature = "tokio")]
            HandleInner::Tokio(h) => {
                super::tokio::refuse_inside_native_runtime();
                let _native = avx_native::runtime::suspend();
                let _driving = crate::backend::tokio_driving::enter();
                h.block_on(future)
            }
        }
    }

    /// The flavor of this runtime's scheduler.
    pub fn runtime_flavor(&self) -> RuntimeFlavor {
        match &self.inner {
            HandleInner::Native(h) => match h.flavor() {
                avx_native::runtime::Flavor::CurrentThread => RuntimeFlavor::CurrentThread,
                avx_native::runtime::Flavor::MultiThread => RuntimeFlavor::MultiThread,
            },
            #[cfg(feature = "tokio")]
            HandleInner::Tokio(h) => match h.runtime_flavor() {
                ::tokio::runtime::RuntimeFlavor::CurrentThread => RuntimeFlavor::CurrentThread,
                _ => RuntimeFlavor::MultiThread,
            },
        }
    }

    /// The runtime's id: another runtime of this process never has it.
    ///
    /// ```
    /// #[avx::main(flavor = "current_thread")]
    /// async fn main() {
    ///     println!("runtime {}", avx::runtime::Handle::current().id());
    /// }
    /// ```
    pub fn id(&self) -> Id {
        match &self.inner {
            HandleInner::Native(h) => Id::native(h.id()),
            #[cfg(feature = "tokio")]
            HandleInner::Tokio(h) => Id::tokio(h.id()),
        }
    }

    /// The name the runtime was built with ([`Builder::name`](super::Builder::name)),
    /// if any.
    pub fn name(&self) -> Option<&str> {
        match &self.inner {
            HandleInner::Native(h) => h.name(),
            #[cfg(feature = "tokio")]
            HandleInner::Tokio(h) => h.name(),
        }
    }

    /// The backend running this runtime. avx's own; tokio has no equivalent.
    pub fn backend(&self) -> Backend {
        match &self.inner {
            HandleInner::Native(_) => Backend::Native,
            #[cfg(feature = "tokio")]
            HandleInner::Tokio(_) => Backend::Tokio,
        }
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("backend", &self.backend())
            .field("flavor", &self.runtime_flavor())
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for EnterGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnterGuard").finish_non_exhaustive()
    }
}
