//! What every thread can reach of the multi-thread scheduler: the shared queues,
//! the idle workers, and scheduling.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::idle::Idle;
use super::park::Unparker;
use super::queue::Steal;
use super::worker::Core;
use crate::runtime::context;
use crate::runtime::driver;
use crate::scheduler::inject::Inject;
use crate::task::list::OwnedTasks;
use crate::task::{Id, JoinHandle, Notified, Schedule, Task};

pub(super) type Queued = Notified<Arc<Handle>>;

/// Tasks a worker's local run queue must hold (besides its LIFO slot) before a
/// push wakes a parked worker to steal them. Waking a thread on another CPU costs
/// more than running a short task here, so a lone task never wakes anyone.
const WAKE_THRESHOLD: usize = 2;

pub(crate) struct Handle {
    pub(super) shared: Shared,
    pub(crate) driver: driver::Handle,
    pub(crate) blocking: crate::blocking::BlockingSpawner,
    pub(crate) info: crate::runtime::info::Info,
}

pub(super) struct Shared {
    pub(super) remotes: Box<[Remote]>,
    pub(super) inject: Inject<Queued>,
    pub(super) idle: Idle,
    pub(super) owned: OwnedTasks<Arc<Handle>>,
    /// Cores of workers that saw the shutdown; the last one to arrive finishes it.
    #[allow(
        clippy::vec_box,
        reason = "cores travel between threads as boxes; unboxing here would copy each"
    )]
    pub(super) shutdown_cores: std::sync::Mutex<Vec<Box<Core>>>,
    /// Threads inside `block_on` that are polling their future right now: a paused
    /// clock must not jump ahead while they compute.
    pub(super) busy_block_on: AtomicUsize,
    pub(super) hooks: crate::runtime::ParkHooks,
    pub(super) event_interval: u32,
    pub(super) driver: Arc<super::park::SharedDriver>,
}

/// The parts of a worker other workers use: its queue to steal from, and how to
/// wake it.
pub(super) struct Remote {
    pub(super) steal: Steal<Queued>,
    pub(super) unpark: Unparker,
}

impl Handle {
    pub(crate) fn spawn<F>(me: &Arc<Handle>, future: F, id: Id) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let (join, notified) = me.shared.owned.bind(future, me.clone(), id);
        if let Some(notified) = notified {
            me.schedule_task(notified, false);
        }
        join
    }

    pub(super) fn num_workers(&self) -> usize {
        self.shared.remotes.len()
    }

    /// Queues `task`: on this thread's worker if it is one of ours, else on the
    /// injection queue.
    pub(super) fn schedule_task(self: &Arc<Handle>, task: Queued, is_yield: bool) {
        context::with_scheduler(|cx| {
            if let Some(crate::scheduler::Context::MultiThread(cx)) = cx {
                if Arc::ptr_eq(self, cx.handle()) {
                    if let Some(core) = cx.core.borrow_mut().as_mut() {
                        self.schedule_local(core, task, is_yield);
                        return;
                    }
                }
            }
            self.schedule_remote(task);
        });
    }

    fn schedule_local(&self, core: &mut Core, task: Queued, is_yield: bool) {
        // A woken task runs next (the LIFO slot: it likely shares the waker's
        // cache lines); a yielding one goes behind everything else.
        let pushed_to_queue = if is_yield {
            core.run_queue
                .push_back_or_overflow(task, &self.shared.inject);
            true
        } else if let Some(prev) = core.lifo_slot.replace(task) {
            core.run_queue
                .push_back_or_overflow(prev, &self.shared.inject);
            true
        } else {
            false
        };
        // While this worker is parked in the driver it will look after the batch
        // itself when it wakes (see `Worker::after_park`).
        if pushed_to_queue && core.park.is_some() && core.run_queue.len() >= WAKE_THRESHOLD {
            self.notify_parked();
        }
    }

    fn schedule_remote(&self, task: Queued) {
        match self.shared.inject.push(task) {
            Ok(()) => self.notify_parked(),
            // Shut down: the task was cancelled already; drop its reference.
            Err(task) => drop(task),
        }
    }

    /// Wakes a parked worker to look for work, unless one is searching already.
    pub(super) fn notify_parked(&self) {
        if let Some(index) = self.shared.idle.worker_to_notify() {
            self.shared.remotes[index].unpark.unpark(&self.driver);
        }
    }

    /// Whether any queue has a task another worker could take.
    pub(super) fn has_stealable_work(&self) -> bool {
        !self.shared.inject.is_empty() || self.shared.remotes.iter().any(|r| !r.steal.is_empty())
    }

    /// Starts the shutdown: no more remote tasks, every worker woken to notice.
    pub(crate) fn begin_shutdown(&self) {
        if self.shared.inject.close() {
            for index in self.shared.idle.drain_sleepers() {
                self.shared.remotes[index].unpark.unpark(&self.driver);
            }
            // Workers already awake notice the closed queue at their next tick.
            for remote in self.shared.remotes.iter() {
                remote.unpark.unpark(&self.driver);
            }
        }
    }

    pub(super) fn is_shutdown(&self) -> bool {
        self.shared.inject.is_closed()
    }

    /// May the paused clock jump to the next timer? Only when nothing at all is
    /// running: every worker parked, no task queued, no `block_on` computing.
    pub(super) fn is_idle(&self) -> bool {
        self.shared.idle.all_parked()
            && self.shared.busy_block_on.load(Ordering::SeqCst) == 0
            && !self.has_stealable_work()
    }
}

impl Schedule for Arc<Handle> {
    fn schedule(&self, task: Queued) {
        self.schedule_task(task, false);
    }

    fn yield_now(&self, task: Queued) {
        self.schedule_task(task, true);
    }

    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        self.shared.owned.remove(task)
    }
}
