//! What the runtime puts on the blocking pool: `spawn_blocking` tasks, and the
//! closures that run scheduler workers.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::pool::{Mandatory, Run, SpawnError, Spawner};
use crate::runtime::context;
use crate::scheduler;
use crate::task::{self, Id, JoinHandle, Notified, Schedule, Task};

/// The runtime's blocking pool.
pub(crate) type BlockingPool = super::pool::BlockingPool<Work>;

/// Where the runtime's handles send blocking work.
pub(crate) type BlockingSpawner = Spawner<Work>;

/// An item of work for the blocking pool.
pub(crate) enum Work {
    /// A `spawn_blocking` task: one allocation, polled once.
    Task(Notified<BlockingSchedule>),
    /// A scheduler worker's loop (boxed once per worker thread start).
    Thread(Box<dyn FnOnce() + Send>),
}

impl Run for Work {
    fn run(self) {
        match self {
            Work::Task(task) => task.run(),
            Work::Thread(f) => f(),
        }
    }

    fn cancel(self) {
        match self {
            // Not started before the shutdown: its JoinHandle reports cancelled.
            Work::Task(task) => task.shutdown(),
            // A worker that never started still has to hand its core back. It does so
            // on the thread shutting the pool down, which may be driving another
            // runtime (`shutdown_background` inside `block_on`): the worker's body
            // must not take that for a nested `block_on`.
            Work::Thread(f) => context::exit_runtime(f),
        }
    }
}

/// The scheduler of blocking tasks: the pool runs them once; nothing wakes them.
pub(crate) struct BlockingSchedule {
    handle: scheduler::Handle,
}

impl BlockingSchedule {
    fn new(handle: &scheduler::Handle) -> BlockingSchedule {
        handle.driver().inhibit_auto_advance();
        BlockingSchedule {
            handle: handle.clone(),
        }
    }
}

impl Schedule for BlockingSchedule {
    fn schedule(&self, _task: Notified<Self>) {
        unreachable!("a blocking task never hands out its waker");
    }

    fn release(&self, _task: &Task<Self>) -> Option<Task<Self>> {
        // The task is done: a paused clock may jump ahead again.
        self.handle.driver().allow_auto_advance();
        None
    }
}

/// A closure run as a task: the first poll runs it to completion.
struct BlockingTask<F> {
    func: Option<F>,
    handle: scheduler::Handle,
}

impl<F> Unpin for BlockingTask<F> {}

impl<F: FnOnce() -> R, R> Future for BlockingTask<F> {
    type Output = R;

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<R> {
        let func = self.func.take().expect("a blocking task is polled once");
        // Blocking code may call `Handle::current()`, but is never budgeted.
        let _current = context::set_current(&self.handle);
        Poll::Ready(crate::coop::with_unconstrained(func))
    }
}

/// Runs `func` on `handle`'s blocking pool.
#[track_caller]
pub(crate) fn spawn_blocking<F, R>(handle: &scheduler::Handle, func: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    let future = BlockingTask {
        func: Some(func),
        handle: handle.clone(),
    };
    let (task, join) = task::unowned(future, BlockingSchedule::new(handle), Id::next());
    match handle
        .blocking_spawner()
        .spawn(Work::Task(task), Mandatory::No)
    {
        Ok(()) => {}
        // The runtime is shutting down: the task reports cancelled.
        Err(SpawnError::ShuttingDown(work)) => work.cancel(),
        Err(SpawnError::NoThreads(e, _)) => panic!("OS can't spawn worker thread: {e}"),
    }
    join
}

/// Starts `f` on a thread of its own (a scheduler worker).
pub(crate) fn spawn_thread(
    spawner: &BlockingSpawner,
    f: impl FnOnce() + Send + 'static,
) -> std::io::Result<()> {
    match spawner.spawn(Work::Thread(Box::new(f)), Mandatory::Yes) {
        Ok(()) => Ok(()),
        Err(SpawnError::ShuttingDown(_)) => {
            Err(std::io::Error::other("the runtime is shutting down"))
        }
        Err(SpawnError::NoThreads(e, _)) => Err(e),
    }
}
