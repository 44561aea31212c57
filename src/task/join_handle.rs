//! `JoinHandle` and `AbortHandle`.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::{Id, JoinError};

/// An owned permission to await a task's output.
///
/// Dropping a `JoinHandle` detaches the task: it keeps running, and its output is
/// dropped when it finishes. Awaiting it is cancel-safe.
pub struct JoinHandle<T> {
    inner: Inner<T>,
}

enum Inner<T> {
    Native(avx_native::task::JoinHandle<T>),
    #[cfg(feature = "tokio")]
    Tokio(::tokio::task::JoinHandle<T>),
}

impl<T> JoinHandle<T> {
    pub(crate) fn from_native(handle: avx_native::task::JoinHandle<T>) -> JoinHandle<T> {
        JoinHandle {
            inner: Inner::Native(handle),
        }
    }

    #[cfg(feature = "tokio")]
    pub(crate) fn from_tokio(handle: ::tokio::task::JoinHandle<T>) -> JoinHandle<T> {
        JoinHandle {
            inner: Inner::Tokio(handle),
        }
    }

    /// Cancels the task. Its future is dropped the next time it would be polled,
    /// and awaiting this handle then returns a cancelled [`JoinError`]; a task that
    /// already finished keeps its output.
    pub fn abort(&self) {
        match &self.inner {
            Inner::Native(h) => h.abort(),
            #[cfg(feature = "tokio")]
            Inner::Tokio(h) => h.abort(),
        }
    }

    /// Whether the task has finished: returned, panicked or been cancelled.
    pub fn is_finished(&self) -> bool {
        match &self.inner {
            Inner::Native(h) => h.is_finished(),
            #[cfg(feature = "tokio")]
            Inner::Tokio(h) => h.is_finished(),
        }
    }

    /// A handle that can abort the task without awaiting it.
    pub fn abort_handle(&self) -> AbortHandle {
        AbortHandle {
            inner: match &self.inner {
                Inner::Native(h) => AbortInner::Native(h.abort_handle()),
                #[cfg(feature = "tokio")]
                Inner::Tokio(h) => AbortInner::Tokio(h.abort_handle()),
            },
        }
    }

    /// The task's id.
    pub fn id(&self) -> Id {
        match &self.inner {
            Inner::Native(h) => Id::from_native(h.id()),
            #[cfg(feature = "tokio")]
            Inner::Tokio(h) => Id::from_tokio(h.id()),
        }
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match &mut self.inner {
            Inner::Native(h) => Pin::new(h).poll(cx).map_err(JoinError::from_native),
            #[cfg(feature = "tokio")]
            Inner::Tokio(h) => Pin::new(h).poll(cx).map_err(JoinError::from_tokio),
        }
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle")
            .field("id", &self.id())
            .finish()
    }
}

/// An owned permission to abort a task without awaiting it.
#[derive(Clone)]
pub struct AbortHandle {
    inner: AbortInner,
}

#[derive(Clone)]
enum AbortInner {
    Native(avx_native::task::AbortHandle),
    #[cfg(feature = "tokio")]
    Tokio(::tokio::task::AbortHandle),
}

impl AbortHandle {
    /// Cancels the task; see [`JoinHandle::abort`].
    pub fn abort(&self) {
        match &self.inner {
            AbortInner::Native(h) => h.abort(),
            #[cfg(feature = "tokio")]
            AbortInner::Tokio(h) => h.abort(),
        }
    }

    /// Whether the task has finished.
    pub fn is_finished(&self) -> bool {
        match &self.inner {
            AbortInner::Native(h) => h.is_finished(),
            #[cfg(feature = "tokio")]
            AbortInner::Tokio(h) => h.is_finished(),
        }
    }

    /// The task's id.
    pub fn id(&self) -> Id {
        match &self.inner {
            AbortInner::Native(h) => Id::from_native(h.id()),
            #[cfg(feature = "tokio")]
            AbortInner::Tokio(h) => Id::from_tokio(h.id()),
        }
    }
}

impl fmt::Debug for AbortHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AbortHandle")
            .field("id", &self.id())
            .finish()
    }
}
