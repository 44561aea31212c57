//! A worker: a thread running the scheduler loop over its `Core`.
//!
//! The loop, each tick:
//!
//! ```text
//! every event_interval ticks: poll the driver without blocking, look for shutdown
//! next task: the injection queue first every global_queue_interval ticks (so
//!     remote tasks are not starved; tuned, see `queue_interval`), else LIFO
//!     slot → local queue → a batch from the injection queue
//! none: steal half of a random other worker's queue (searching)
//! none: park — on the shared driver if free, else on a condvar
//! ```
//!
//! A task runs with one cooperative budget, shared with the tasks it wakes into
//! the LIFO slot (at most `MAX_LIFO_POLLS` of them), so two tasks that keep waking
//! each other still yield to the rest of the queue.
//!
//! `block_in_place` hands the core to a new thread and lets this thread block;
//! the task continues here without a core, and the thread leaves the worker loop
//! when the task's poll returns.

use std::cell::RefCell;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::handle::{Handle, Queued};
use super::park::Parker;
use super::queue::Local;
use super::queue_interval::QueueInterval;
use crate::runtime::context;
use crate::scheduler::defer::Defer;
use std::task::Waker;

/// LIFO-slot tasks run back to back in one tick before the slot's task goes to
/// the back of the queue.
const MAX_LIFO_POLLS: usize = 3;

/// A worker's scheduling state, owned by the thread running it.
pub(crate) struct Core {
    index: usize,
    tick: u32,
    /// The task woken most recently by the running task; it runs next.
    pub(super) lifo_slot: Option<Queued>,
    pub(super) run_queue: Local<Queued>,
    is_searching: bool,
    is_shutdown: bool,
    queue_interval: QueueInterval,
    /// `None` while the worker is parked (the parker is in use).
    pub(super) park: Option<Parker>,
    rand: FastRand,
}

/// A worker as the scheduler knows it.
pub(super) struct Worker {
    handle: Arc<Handle>,
    /// The core while no thread runs it: before the worker starts, and during a
    /// `block_in_place` hand-off.
    core: Mutex<Option<Box<Core>>>,
}

/// The scheduler context of a worker thread.
pub(crate) struct Context {
    worker: Arc<Worker>,
    pub(super) core: RefCell<Option<Box<Core>>>,
    defer: Defer,
}

/// The core was taken by `block_in_place`: this thread is no longer a worker.
struct CoreLost;

impl Core {
    pub(super) fn new(
        index: usize,
        run_queue: Local<Queued>,
        park: Parker,
        global_queue_interval: Option<u32>,
    ) -> Box<Core> {
        Box::new(Core {
            index,
            tick: 0,
            lifo_slot: None,
            run_queue,
            is_searching: false,
            is_shutdown: false,
            queue_interval: QueueInterval::new(global_queue_interval),
            park: Some(park),
            rand: FastRand::new(index as u64 + 1),
        })
    }

    fn next_task(&mut self, handle: &Handle) -> Option<Queued> {
        if self.tick % self.queue_interval.get() == 0 {
            self.queue_interval.retune();
            return handle
                .shared
                .inject
                .pop()
                .or_else(|| self.next_local_task());
        }
        if let Some(task) = self.next_local_task() {
            return Some(task);
        }
        let inject = &handle.shared.inject;
        if inject.is_empty() {
            return None;
        }
        // Take a fair share of the injection queue, one to run and the rest queued
        // locally, so other workers find some too.
        let share = inject.len() / handle.num_workers() + 1;
        let batch = share
            .min(super::queue::CAPACITY / 2)
            .min(self.run_queue.remaining_slots() + 1);
        let mut tasks = inject.pop_n(batch);
        let first = tasks.next()?;
        self.run_queue.push_back(tasks);
        Some(first)
    }

    fn next_local_task(&mut self) -> Option<Queued> {
        self.lifo_slot.take().or_else(|| self.run_queue.pop())
    }

    fn has_local_work(&self) -> bool {
        self.lifo_slot.is_some() || !self.run_queue.is_empty()
    }

    fn steal_work(&mut self, handle: &Handle) -> Option<Queued> {
        if !self.transition_to_searching(handle) {
            return None;
        }
        let remotes = &handle.shared.remotes;
        let start = self.rand.below(remotes.len());
        for i in 0..remotes.len() {
            let victim = (start + i) % remotes.len();
            if victim == self.index {
                continue;
            }
            if let Some(task) = remotes[victim].steal.steal_into(&mut self.run_queue) {
                return Some(task);
            }
        }
        handle.shared.inject.pop()
    }

    fn transition_to_searching(&mut self, handle: &Handle) -> bool {
        if !self.is_searching {
            self.is_searching = handle.shared.idle.transition_worker_to_searching();
        }
        self.is_searching
    }

    fn transition_from_searching(&mut self, handle: &Handle) {
        if !self.is_searching {
            return;
        }
        self.is_searching = false;
        if handle.shared.idle.transition_worker_from_searching() {
            // The last searcher found work: work is arriving, keep someone looking.
            handle.notify_parked();
        }
    }

    /// Returns false if the worker should not sleep after all.
    fn transition_to_parked(&mut self, handle: &Handle) -> bool {
        if self.has_local_work() || self.is_shutdown {
            return false;
        }
        let was_last_searcher = handle
            .shared
            .idle
            .transition_worker_to_parked(self.index, self.is_searching);
        self.is_searching = false;
        if was_last_searcher && handle.has_stealable_work() {
            // A task may have been pushed while every worker was going to sleep.
            handle.notify_parked();
        }
        if handle.driver.is_clock_paused() && handle.shared.idle.all_parked() {
            // The worker parked in the driver decided not to advance the paused clock
            // while we were busy; now that all are idle, let it reconsider.
            handle.driver.unpark();
        }
        true
    }

    /// Returns true if the worker should leave `park`.
    fn transition_from_parked(&mut self, handle: &Handle) -> bool {
        if self.has_local_work() {
            // Woken by the driver with tasks of its own. If a notification also
            // picked this worker, `worker_to_notify` counted it as searching: take
            // that role, or the count stays raised and no sleeper is ever woken
            // again.
            self.is_searching = !handle.shared.idle.unpark_worker_by_id(self.index);
            return true;
        }
        if handle.shared.idle.is_parked(self.index) {
            return false;
        }
        // Woken by a notification: it came with the searching role.
        self.is_searching = true;
        true
    }

    fn maintenance(&mut self, handle: &Handle) {
        if !self.is_shutdown {
            self.is_shutdown = handle.is_shutdown();
        }
    }

    /// Drops the tasks still queued here (they were cancelled by the shutdown).
    pub(super) fn drain(&mut self) {
        drop(self.lifo_slot.take());
        while let Some(task) = self.run_queue.pop() {
            drop(task);
        }
    }
}

impl Worker {
    pub(super) fn new(handle: Arc<Handle>, core: Box<Core>) -> Arc<Worker> {
        Arc::new(Worker {
            handle,
            core: Mutex::new(Some(core)),
        })
    }
}

/// The body of a worker thread.
pub(super) fn run(worker: Arc<Worker>) {
    let Some(core) = worker.core.lock().unwrap().take() else {
        // A block_in_place hand-off whose core was taken back before we started.
        return;
    };
    let handle = crate::scheduler::Handle::MultiThread(worker.handle.clone());
    context::enter_runtime(&handle, true, || {
        let cx = crate::scheduler::Context::MultiThread(Context {
            worker,
            core: RefCell::new(None),
            defer: Defer::new(),
        });
        context::set_scheduler(&cx, || {
            let cx = cx.multi_thread();
            if let Ok(core) = cx.run(core) {
                cx.worker.handle.shutdown_core(core);
            }
        });
    });
}

impl Context {
    /// The index of the core this worker holds, if it holds one. (Borrowed, it is
    /// in use here, and not to be read.)
    pub(crate) fn core_index(&self) -> Option<usize> {
        self.core.try_borrow().ok()?.as_ref().map(|core| core.index)
    }

    pub(super) fn handle(&self) -> &Arc<Handle> {
        &self.worker.handle
    }

    fn run(&self, mut core: Box<Core>) -> Result<Box<Core>, CoreLost> {
        let handle = self.handle().clone();
        core.queue_interval.start_batch();
        while !core.is_shutdown {
            core.tick = core.tick.wrapping_add(1);
            if core.tick % handle.shared.event_interval == 0 {
                core.queue_interval.end_batch();
                core = self.park_timeout(core, Some(Duration::ZERO));
                core.maintenance(&handle);
                core.queue_interval.start_batch();
            }
            if let Some(task) = core.next_task(&handle) {
                core = self.run_task(task, core)?;
                continue;
            }
            // Out of local work: the batch of polls ends here.
            core.queue_interval.end_batch();
            if let Some(task) = core.steal_work(&handle) {
                core.queue_interval.start_batch();
                core = self.run_task(task, core)?;
                continue;
            }
            core = if self.defer.is_empty() {
                self.park(core)
            } else {
                self.park_timeout(core, Some(Duration::ZERO))
            };
            core.queue_interval.start_batch();
        }
        Ok(core)
    }

    fn run_task(&self, task: Queued, mut core: Box<Core>) -> Result<Box<Core>, CoreLost> {
        let handle = self.handle();
        core.transition_from_searching(handle);
        core.queue_interval.polled();
        *self.core.borrow_mut() = Some(core);
        crate::coop::budget(|| {
            task.run();
            let mut lifo_polls = 0;
            loop {
                let mut core = self.core.borrow_mut().take().ok_or(CoreLost)?;
                let Some(task) = core.lifo_slot.take() else {
                    return Ok(core);
                };
                if lifo_polls >= MAX_LIFO_POLLS || !crate::coop::has_budget_remaining() {
                    // Two tasks waking each other must not monopolise the worker.
                    core.run_queue
                        .push_back_or_overflow(task, &handle.shared.inject);
                    return Ok(core);
                }
                lifo_polls += 1;
                core.queue_interval.polled();
                *self.core.borrow_mut() = Some(core);
                task.run();
            }
        })
    }

    fn park(&self, mut core: Box<Core>) -> Box<Core> {
        let handle = self.handle();
        handle.shared.hooks.before_park();
        if core.transition_to_parked(handle) {
            while !core.is_shutdown {
                core = self.park_timeout(core, None);
                core.maintenance(handle);
                if core.transition_from_parked(handle) {
                    break;
                }
            }
        }
        handle.shared.hooks.after_unpark();
        core
    }

    /// Parks (`None`: until woken) or just polls the driver (`Some(ZERO)`), with
    /// the core in the context so that tasks the driver wakes land in this
    /// worker's queues.
    fn park_timeout(&self, mut core: Box<Core>, timeout: Option<Duration>) -> Box<Core> {
        let handle = self.handle();
        let mut park = core.park.take().expect("a running worker has its parker");
        *self.core.borrow_mut() = Some(core);
        match timeout {
            Some(_) => park.poll_driver(&handle.driver),
            None => park.park(&handle.driver, &|| handle.is_idle()),
        }
        self.defer.wake();
        let mut core = self
            .core
            .borrow_mut()
            .take()
            .expect("the core stays in the context while parked");
        core.park = Some(park);
        if !core.is_searching && core.run_queue.len() >= 2 {
            // The driver woke a batch of tasks here: let an idle worker share them.
            handle.notify_parked();
        }
        core
    }

    pub(crate) fn defer(&self, waker: &Waker) {
        // Without its core (handed away by `block_in_place`) this thread no longer
        // runs the worker loop that wakes deferred wakers: a `Handle::block_on`
        // there would wait for a wake that never comes. Wake at once instead.
        if matches!(self.core.try_borrow().as_deref(), Ok(None)) {
            waker.wake_by_ref();
        } else {
            self.defer.defer(waker);
        }
    }
}

/// Runs `f`, which may block, on this thread; see `task::block_in_place`.
#[track_caller]
pub(crate) fn block_in_place<F: FnOnce() -> R, R>(f: F) -> R {
    if let context::Driving::Yes {
        allow_block_in_place: false,
    } = context::driving()
    {
        panic!("can call blocking only when running on the multi-threaded runtime");
    }

    // A worker hands its core to a new thread, so its other tasks keep running.
    let handed_off = context::with_scheduler(|cx| {
        let Some(crate::scheduler::Context::MultiThread(cx)) = cx else {
            return None;
        };
        let mut core = cx.core.borrow_mut().take()?;
        if let Some(task) = core.lifo_slot.take() {
            // It would wait behind the blocking call otherwise.
            core.run_queue
                .push_back_or_overflow(task, &cx.worker.handle.shared.inject);
        }
        *cx.worker.core.lock().unwrap() = Some(core);
        match super::launch(&cx.worker.handle, cx.worker.clone()) {
            Ok(()) => {
                // Wakers deferred by tasks this thread ran would wait for its worker
                // loop, which does not come back until the blocking call ends.
                cx.defer.wake();
                Some(cx.worker.clone())
            }
            Err(_) => {
                // No thread to hand the core to: keep it, and block this worker
                // (what a runtime out of threads can do).
                let core = cx.worker.core.lock().unwrap().take();
                *cx.core.borrow_mut() = core;
                None
            }
        }
    });

    let budget = crate::coop::stop();
    let driving = context::is_driving();
    let output = if driving {
        context::exit_runtime(f)
    } else {
        f()
    };
    crate::coop::set(budget);

    if let Some(worker) = handed_off {
        // If the new thread has not claimed the core yet, take it back.
        let reclaimed = worker.core.lock().unwrap().take();
        if let Some(core) = reclaimed {
            context::with_scheduler(|cx| {
                if let Some(crate::scheduler::Context::MultiThread(cx)) = cx {
                    *cx.core.borrow_mut() = Some(core);
                }
            });
        }
    }
    output
}

impl Handle {
    /// A worker saw the shutdown. The last one cancels every task and stops the
    /// driver.
    pub(super) fn shutdown_core(&self, core: Box<Core>) {
        let mut cores = self.shared.shutdown_cores.lock().unwrap();
        cores.push(core);
        if cores.len() != self.num_workers() {
            return;
        }
        self.shared.owned.close_and_shutdown_all();
        for core in cores.iter_mut() {
            core.drain();
        }
        while let Some(task) = self.shared.inject.pop() {
            drop(task);
        }
        for core in cores.iter_mut() {
            drop(core.park.take());
        }
        drop(cores);
        self.shutdown_driver();
    }
}

/// A small xorshift generator: picks steal victims without a shared counter.
struct FastRand(u64);

impl FastRand {
    fn new(seed: u64) -> FastRand {
        FastRand(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn below(&mut self, n: usize) -> usize {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        ((x >> 32) as usize * n) >> 32
    }
}
