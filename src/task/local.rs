//! `LocalSet` and `spawn_local`: tasks that are not `Send`.
//!
//! avx's `LocalSet` is the native backend's, on every backend: it is a small
//! executor that runs inside whatever task polls it, so it needs nothing from the
//! runtime around it.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::JoinHandle;
use crate::runtime::Runtime;

/// A set of tasks that run on the current thread and need not be `Send`.
///
/// Its tasks run only while the set is polled: inside [`LocalSet::run_until`] or
/// [`LocalSet::block_on`], or while the set itself is awaited (which completes
/// when every task in it has). Dropping the set cancels its tasks.
///
/// ```
/// use std::rc::Rc;
///
/// let rt = avx::runtime::Builder::new_current_thread().build().unwrap();
/// let local = avx::task::LocalSet::new();
/// let shared = Rc::new(5);
/// let out = local.block_on(&rt, async move {
///     avx::task::spawn_local(async move { *shared * 2 }).await.unwrap()
/// });
/// assert_eq!(out, 10);
/// ```
#[derive(Default)]
pub struct LocalSet {
    inner: avx_native::task::LocalSet,
}

/// Keeps a `LocalSet` current; returned by [`LocalSet::enter`].
pub struct LocalEnterGuard {
    _inner: avx_native::task::LocalEnterGuard,
}

impl LocalSet {
    /// An empty set, owned by this thread.
    pub fn new() -> LocalSet {
        LocalSet::default()
    }

    /// Makes this set current on this thread until the guard drops, so that
    /// [`spawn_local`] works outside `run_until`.
    pub fn enter(&self) -> LocalEnterGuard {
        LocalEnterGuard {
            _inner: self.inner.enter(),
        }
    }

    /// Spawns a `!Send` task on this set. It runs once the set is polled.
    #[track_caller]
    pub fn spawn_local<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        JoinHandle::from_native(self.inner.spawn_local(future))
    }

    /// Runs `future` to completion on `rt`, running this set's tasks meanwhile.
    ///
    /// # Panics
    ///
    /// If called from inside a runtime.
    #[track_caller]
    pub fn block_on<F: Future>(&self, rt: &Runtime, future: F) -> F::Output {
        rt.block_on(self.run_until(future))
    }

    /// Runs `future` to completion, running this set's tasks while it waits.
    pub async fn run_until<F: Future>(&self, future: F) -> F::Output {
        self.inner.run_until(future).await
    }
}

impl Future for LocalSet {
    type Output = ();

    /// Completes once every task spawned on the set has completed.
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut self.inner).poll(cx)
    }
}

impl fmt::Debug for LocalSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalSet").finish_non_exhaustive()
    }
}

impl fmt::Debug for LocalEnterGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalEnterGuard").finish_non_exhaustive()
    }
}

/// Spawns a `!Send` task on the current [`LocalSet`].
///
/// # Panics
///
/// Outside a `LocalSet` (its `run_until`, `block_on`, poll, or `enter` guard),
/// with tokio's message.
#[track_caller]
pub fn spawn_local<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    JoinHandle::from_native(avx_native::task::spawn_local(future))
}
