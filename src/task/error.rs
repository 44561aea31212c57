//! `JoinError`: why a task returned no output.

use std::any::Any;
use std::fmt;
use std::io;

use super::Id;

/// A task was cancelled or panicked.
pub struct JoinError {
    inner: Inner,
}

enum Inner {
    Native(avx_native::task::JoinError),
    #[cfg(feature = "tokio")]
    Tokio(::tokio::task::JoinError),
}

impl JoinError {
    pub(crate) fn from_native(e: avx_native::task::JoinError) -> JoinError {
        JoinError {
            inner: Inner::Native(e),
        }
    }

    #[cfg(feature = "tokio")]
    pub(crate) fn from_tokio(e: ::tokio::task::JoinError) -> JoinError {
        JoinError {
            inner: Inner::Tokio(e),
        }
    }

    /// Whether the task was cancelled (aborted, or its runtime shut down).
    pub fn is_cancelled(&self) -> bool {
        match &self.inner {
            Inner::Native(e) => e.is_cancelled(),
            #[cfg(feature = "tokio")]
            Inner::Tokio(e) => e.is_cancelled(),
        }
    }

    /// Whether the task panicked.
    pub fn is_panic(&self) -> bool {
        match &self.inner {
            Inner::Native(e) => e.is_panic(),
            #[cfg(feature = "tokio")]
            Inner::Tokio(e) => e.is_panic(),
        }
    }

    /// The task's panic payload, to resume the panic with
    /// [`std::panic::resume_unwind`].
    ///
    /// # Panics
    ///
    /// If the task was cancelled rather than panicked.
    #[track_caller]
    pub fn into_panic(self) -> Box<dyn Any + Send + 'static> {
        self.try_into_panic()
            .expect("`JoinError` reason is not a panic.")
    }

    /// The task's panic payload, or the error back if the task was cancelled.
    pub fn try_into_panic(self) -> Result<Box<dyn Any + Send + 'static>, JoinError> {
        match self.inner {
            Inner::Native(e) => e.try_into_panic().map_err(JoinError::from_native),
            #[cfg(feature = "tokio")]
            Inner::Tokio(e) => e.try_into_panic().map_err(JoinError::from_tokio),
        }
    }

    /// The id of the task that failed.
    pub fn id(&self) -> Id {
        match &self.inner {
            Inner::Native(e) => Id::from_native(e.id()),
            #[cfg(feature = "tokio")]
            Inner::Tokio(e) => Id::from_tokio(e.id()),
        }
    }
}

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            Inner::Native(e) => e.fmt(f),
            #[cfg(feature = "tokio")]
            Inner::Tokio(e) => e.fmt(f),
        }
    }
}

impl fmt::Debug for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            Inner::Native(e) => e.fmt(f),
            #[cfg(feature = "tokio")]
            Inner::Tokio(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for JoinError {}

impl From<JoinError> for io::Error {
    fn from(e: JoinError) -> io::Error {
        io::Error::other(if e.is_cancelled() {
            "task was cancelled"
        } else {
            "task panicked"
        })
    }
}
