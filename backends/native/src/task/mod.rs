//! Tasks: one allocation holding the header, the future and its output.
//!
//! A spawned future lives in a heap `Cell` (see `core`) until the last reference to
//! it goes. The cell's state word (see `state`) drives everything else: which thread
//! may poll it, who drops the output, when a waker must re-queue it. The pieces:
//!
//! * `raw`: a type-erased pointer plus the vtable of typed operations;
//! * `harness`: poll, complete, cancel, and the `JoinHandle`'s read and drop;
//! * `waker`: `Waker`s that own a task reference each;
//! * `join`: `JoinHandle` and `AbortHandle`;
//! * `list`: `OwnedTasks`, every live task of a scheduler, for shutdown.
//!
//! A scheduler plugs in through `Schedule`. It receives `Notified` tasks (each
//! owning one reference) to queue, runs them with `Notified::run`, and releases
//! finished ones from its `OwnedTasks`.

mod core;
mod error;
mod harness;
mod id;
mod join;
pub(crate) mod list;
mod local;
mod raw;
mod state;
mod waker;

pub use error::JoinError;
pub use id::{Id, try_id};
pub use join::{AbortHandle, JoinHandle};
pub use local::{LocalEnterGuard, LocalSet, RunUntil, spawn_local};

pub(crate) use raw::RawTask;

mod spawn;
pub use spawn::{YieldNow, spawn, try_spawn, try_spawn_blocking, yield_now};

/// Runs `f`, which may block, without stalling the runtime; see the facade's docs.
#[track_caller]
pub fn block_in_place<F: FnOnce() -> R, R>(f: F) -> R {
    crate::scheduler::multi_thread::block_in_place(f)
}

use std::fmt;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;

/// What a scheduler provides to its tasks.
pub(crate) trait Schedule: Send + Sync + Sized + 'static {
    /// A task was woken: queue it. The `Notified` owns one reference.
    fn schedule(&self, task: Notified<Self>);

    /// The task woke itself during its own poll (it yielded): queue it behind the
    /// other ready tasks.
    fn yield_now(&self, task: Notified<Self>) {
        self.schedule(task);
    }

    /// The task completed: remove it from the scheduler's `OwnedTasks`, returning the
    /// list's reference if it was there.
    fn release(&self, task: &Task<Self>) -> Option<Task<Self>>;
}

/// Creates a task that no `OwnedTasks` list holds (a blocking task): its
/// `Notified`, to hand to whoever runs it, and its `JoinHandle`.
pub(crate) fn unowned<F, S>(future: F, scheduler: S, id: Id) -> (Notified<S>, JoinHandle<F::Output>)
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
    S: Schedule,
{
    let raw = RawTask::new(future, scheduler, id);
    // `RawTask::new` counts a reference for a task list; there is none.
    drop(Task::<S>::from_raw(raw));
    (Notified::from_raw(raw), JoinHandle::new(raw))
}

/// A reference to a task, owned by a scheduler structure (its task list).
pub(crate) struct Task<S: 'static> {
    raw: RawTask,
    _scheduler: PhantomData<S>,
}

impl<S: 'static> Task<S> {
    /// Takes ownership of one reference.
    pub(crate) fn from_raw(raw: RawTask) -> Task<S> {
        Task {
            raw,
            _scheduler: PhantomData,
        }
    }

    pub(crate) fn raw(&self) -> RawTask {
        self.raw
    }

    pub(crate) fn id(&self) -> Id {
        self.raw.id()
    }

    /// Cancels the task from its owner; see `Harness::shutdown`.
    pub(crate) fn shutdown(self) {
        let raw = ManuallyDrop::new(self).raw;
        raw.shutdown();
        raw.drop_reference();
    }
}

impl<S: 'static> Drop for Task<S> {
    fn drop(&mut self) {
        self.raw.drop_reference();
    }
}

impl<S: 'static> fmt::Debug for Task<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Task").field("id", &self.id()).finish()
    }
}

/// A task that is due to be polled, sitting in a run queue; owns one reference.
pub(crate) struct Notified<S: 'static>(Task<S>);

impl<S: 'static> Notified<S> {
    /// Takes ownership of one reference, which must correspond to a set NOTIFIED bit.
    pub(crate) fn from_raw(raw: RawTask) -> Notified<S> {
        Notified(Task::from_raw(raw))
    }

    pub(crate) fn id(&self) -> Id {
        self.0.id()
    }

    pub(crate) fn into_raw(self) -> RawTask {
        ManuallyDrop::new(self).0.raw
    }

    /// Cancels a task that will never run (its scheduler is gone).
    pub(crate) fn shutdown(self) {
        let raw = self.into_raw();
        Task::<S>::from_raw(raw).shutdown();
    }

    /// Polls the task. Only the scheduler the task belongs to may call this, on a
    /// thread where its future may run (any thread for `Send` tasks). The caller
    /// sets the cooperative budget (see `coop::budget`).
    pub(crate) fn run(self) {
        self.into_raw().poll();
    }
}

impl<S: 'static> fmt::Debug for Notified<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notified").field("id", &self.id()).finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests;

#[cfg(all(test, loom))]
mod loom_tests;
