//! The pool's threads, its queue, and its shutdown.
//!
//! # State
//!
//! Everything lives in one [`State`] under one mutex; each field's meaning:
//!
//! - `queue`: items waiting for a pool thread, oldest first.
//! - `mandatory`: items handed to mandatory threads that have not picked them up yet;
//!   each mandatory thread takes one and exits when it is done.
//! - `threads`: pool threads (the ones the cap counts) that have not decided to
//!   exit. A thread leaves this count in the same critical section in which it
//!   decides to exit, so a spawner that sees the cap reached can rely on a counted
//!   thread coming back to the queue.
//! - `idle`: pool threads waiting for work that have not been handed a wakeup.
//! - `wakeups`: wakeups handed to idle threads and not yet taken. A spawner moves
//!   one thread from `idle` to `wakeups` per item, so one item wakes one thread.
//! - `live`: every thread, pool or mandatory, that has not finished its exit
//!   (`on_thread_stop` included); shutdown waits for it to reach zero.
//!
//! `idle <= threads`, and `queue` is non-empty only while `idle == 0` (an idle
//! thread is woken for each item queued) or between a wakeup and its taking.
//!
//! # A pool thread's life
//!
//! ```text
//!            spawn (no idle thread, below the cap)
//!                 │
//!                 ▼       queue empty            keep-alive lapses, no wakeup
//!   ┌────────► running ───────────────► idle ─────────────────────────────► retired
//!   │             │                      │
//!   │             │ item panicked        │ a spawner hands it a wakeup
//!   │             ▼                      │
//!   │           exits (panic resumed)    │     shutdown: running and idle threads
//!   └────────────────────────────────────┘     exit once the queue is empty
//! ```
//!
//! An idle thread that wakes with no wakeup to take and before its deadline
//! (a spurious wakeup, or another thread's `notify`) goes back to waiting for the
//! rest of its keep-alive, so threads retire one by one as their own time lapses.

use std::cell::Cell;
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::io;
use std::mem;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// A unit of work the pool runs.
pub(crate) trait Run: Send + 'static {
    /// Runs the work on a pool thread. It is expected to catch its own panics; one
    /// that escapes ends the thread it ran on (the pool stays consistent).
    fn run(self);

    /// Drops the work without running it: the pool is shutting down.
    fn cancel(self);
}

/// How a pool's threads are made.
#[derive(Clone)]
pub(crate) struct PoolConfig {
    /// The most pool threads alive at once; mandatory threads are not counted.
    pub(crate) max_threads: usize,
    /// How long an idle thread waits for work before it exits.
    pub(crate) keep_alive: Duration,
    /// Names each new thread.
    pub(crate) thread_name: Arc<dyn Fn() -> String + Send + Sync>,
    /// Stack size for new threads; `None` uses std's default.
    pub(crate) stack_size: Option<usize>,
    /// Runs on each new thread before it takes any work.
    pub(crate) on_thread_start: Option<Arc<dyn Fn() + Send + Sync>>,
    /// Runs on each thread as it exits.
    pub(crate) on_thread_stop: Option<Arc<dyn Fn() + Send + Sync>>,
}

/// Whether an item must get a thread even when the pool is at its cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mandatory {
    /// Runs on a thread of its own, started for it, outside the cap: scheduler
    /// workers and `block_in_place` hand-offs, which must not wait behind other
    /// blocking work.
    Yes,
    /// Runs on a pool thread, waiting in the queue if all are busy at the cap.
    No,
}

/// Why [`Spawner::spawn`] gave an item back.
pub(crate) enum SpawnError<T> {
    /// The pool is shutting down and takes no more work.
    ShuttingDown(T),
    /// The OS refused a new thread, and no pool thread exists that would ever run
    /// the item.
    NoThreads(io::Error, T),
}

/// The blocking pool; the runtime owns it. Dropping it shuts it down and waits for
/// running items (`shutdown(None)`).
pub(crate) struct BlockingPool<T: Run> {
    spawner: Spawner<T>,
}

/// A handle that queues work on the pool; cheap to clone.
pub(crate) struct Spawner<T: Run> {
    shared: Arc<Shared<T>>,
}

struct Shared<T> {
    state: Mutex<State<T>>,
    /// Idle pool threads wait here for a wakeup.
    work: Condvar,
    /// Shutdown waits here for `live` to drop.
    exited: Condvar,
    config: PoolConfig,
    /// Tells this pool's threads apart from other pools' in [`CURRENT_POOL`].
    id: usize,
}

struct State<T> {
    queue: VecDeque<T>,
    mandatory: VecDeque<T>,
    shutdown: bool,
    threads: usize,
    idle: usize,
    wakeups: usize,
    live: usize,
    /// Threads to join at shutdown, by the pool's own thread number.
    handles: HashMap<usize, JoinHandle<()>>,
    /// The last thread that exited before shutdown, joined by the next one to exit
    /// (or by shutdown), so retired threads are reaped without piling up.
    last_exited: Option<JoinHandle<()>>,
    next_thread: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Pool,
    Mandatory,
}

static NEXT_POOL_ID: AtomicUsize = AtomicUsize::new(1);

thread_local! {
    /// The id of the pool this thread belongs to; 0 on other threads.
    static CURRENT_POOL: Cell<usize> = const { Cell::new(0) };
}

impl<T: Run> BlockingPool<T> {
    /// Creates a pool with no threads; they start as work arrives.
    ///
    /// # Panics
    ///
    /// If `config.max_threads` is 0, with the message tokio's builder uses; the
    /// runtime builder checks this first.
    pub(crate) fn new(config: PoolConfig) -> BlockingPool<T> {
        assert!(
            config.max_threads > 0,
            "Max blocking threads cannot be set to 0"
        );
        let shared = Shared {
            state: Mutex::new(State {
                queue: VecDeque::new(),
                mandatory: VecDeque::new(),
                shutdown: false,
                threads: 0,
                idle: 0,
                wakeups: 0,
                live: 0,
                handles: HashMap::new(),
                last_exited: None,
                next_thread: 0,
            }),
            work: Condvar::new(),
            exited: Condvar::new(),
            config,
            id: NEXT_POOL_ID.fetch_add(1, Ordering::Relaxed),
        };
        BlockingPool {
            spawner: Spawner {
                shared: Arc::new(shared),
            },
        }
    }

    /// The handle that queues work on this pool.
    pub(crate) fn spawner(&self) -> &Spawner<T> {
        &self.spawner
    }

    /// Stops taking work and waits for the pool's threads to finish what they run
    /// and what is queued: forever with `None`, else until `timeout` has passed,
    /// after which threads still running are left to finish on their own. Queued
    /// items still run, as tokio's do (its threads empty the queue before they
    /// exit), so work handed to `spawn_blocking` before a runtime is dropped is not
    /// lost; only an item no thread is left to take is cancelled. Calls after the
    /// first return at once. Called from one of this pool's own threads, it waits
    /// for the others.
    pub(crate) fn shutdown(&mut self, timeout: Option<Duration>) {
        let shared = &self.spawner.shared;
        let mut state = shared.lock();
        if state.shutdown {
            return;
        }
        state.shutdown = true;
        let mandatory = mem::take(&mut state.mandatory);
        let queued = shared.stranded(&mut state);
        shared.work.notify_all();
        drop(state);

        // Outside the lock: cancelling may drop futures that touch the runtime.
        for task in mandatory.into_iter().chain(queued) {
            task.cancel();
        }

        let deadline = timeout.and_then(|timeout| Instant::now().checked_add(timeout));
        let own_threads = usize::from(CURRENT_POOL.with(Cell::get) == shared.id);
        let mut state = shared.lock();
        let all_exited = loop {
            if state.live <= own_threads {
                break true;
            }
            state = match deadline {
                None => shared
                    .exited
                    .wait(state)
                    .unwrap_or_else(PoisonError::into_inner),
                Some(deadline) => {
                    let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                        break false;
                    };
                    shared
                        .exited
                        .wait_timeout(state, left)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0
                }
            };
        };
        let handles = mem::take(&mut state.handles);
        let last_exited = state.last_exited.take();
        drop(state);

        // Every thread but this one has finished its exit; joining them waits only
        // for their thread-local destructors. Threads still running past the
        // deadline are detached.
        if all_exited {
            let me = thread::current().id();
            for handle in handles.into_values().chain(last_exited) {
                if handle.thread().id() != me {
                    let _ = handle.join();
                }
            }
        }
    }

    /// `(threads, idle, queued, live)`, for tests that check the accounting.
    #[cfg(test)]
    pub(super) fn counts(&self) -> (usize, usize, usize, usize) {
        let state = self.spawner.shared.lock();
        (state.threads, state.idle, state.queue.len(), state.live)
    }
}

impl<T: Run> Drop for BlockingPool<T> {
    fn drop(&mut self) {
        self.shutdown(None);
    }
}

impl<T: Run> Spawner<T> {
    /// Queues `task` to run on a pool thread, starting a thread for it if none is
    /// idle and the cap allows; a [`Mandatory::Yes`] item always gets a thread.
    pub(crate) fn spawn(&self, task: T, mandatory: Mandatory) -> Result<(), SpawnError<T>> {
        let shared = &self.shared;
        let mut state = shared.lock();
        if state.shutdown {
            return Err(SpawnError::ShuttingDown(task));
        }
        match mandatory {
            Mandatory::No => {
                let woke = match shared.wake_or_start(&mut state) {
                    Ok(woke) => woke,
                    Err(err) if state.threads == 0 => {
                        return Err(SpawnError::NoThreads(err, task));
                    }
                    // A busy pool thread will come back to the queue.
                    Err(_) => false,
                };
                // The thread woken or started cannot look before we unlock.
                state.queue.push_back(task);
                drop(state);
                if woke {
                    shared.work.notify_one();
                }
                Ok(())
            }
            Mandatory::Yes => match shared.start_thread(&mut state, Kind::Mandatory) {
                Ok(()) => {
                    state.mandatory.push_back(task);
                    Ok(())
                }
                Err(err) if state.threads == 0 => Err(SpawnError::NoThreads(err, task)),
                Err(_) => {
                    // No thread of its own, but the pool's threads can still run it.
                    let woke = state.idle > 0;
                    if woke {
                        shared.hand_wakeup(&mut state);
                    }
                    state.queue.push_back(task);
                    drop(state);
                    if woke {
                        shared.work.notify_one();
                    }
                    Ok(())
                }
            },
        }
    }
}

impl<T: Run> Clone for Spawner<T> {
    fn clone(&self) -> Spawner<T> {
        Spawner {
            shared: self.shared.clone(),
        }
    }
}

impl<T: Run> Shared<T> {
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // User code (items, hooks) never runs under the lock, except `thread_name`,
        // which runs before any change to the state: ignore poisoning.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Makes sure a pool thread will take the item about to be queued: hands a
    /// wakeup to an idle one, or starts one if the cap allows, or leaves it to a
    /// busy one. Returns true when it handed a wakeup: the caller then notifies
    /// `work` once it has unlocked, so the woken thread does not wake only to wait
    /// for the lock.
    fn wake_or_start(self: &Arc<Self>, state: &mut State<T>) -> io::Result<bool> {
        if state.idle > 0 {
            self.hand_wakeup(state);
            return Ok(true);
        }
        if state.threads < self.config.max_threads {
            self.start_thread(state, Kind::Pool)?;
            state.threads += 1;
        }
        Ok(false)
    }

    /// Moves one idle thread's worth to `wakeups`; the caller notifies `work`.
    fn hand_wakeup(&self, state: &mut State<T>) {
        state.idle -= 1;
        state.wakeups += 1;
    }

    fn start_thread(self: &Arc<Self>, state: &mut State<T>, kind: Kind) -> io::Result<()> {
        let number = state.next_thread;
        let mut builder = thread::Builder::new().name((self.config.thread_name)());
        if let Some(stack_size) = self.config.stack_size {
            builder = builder.stack_size(stack_size);
        }
        let shared = self.clone();
        let handle = builder.spawn(move || shared.thread_main(number, kind))?;
        state.next_thread += 1;
        state.handles.insert(number, handle);
        state.live += 1;
        Ok(())
    }

    fn thread_main(self: Arc<Self>, number: usize, kind: Kind) {
        CURRENT_POOL.with(|pool| pool.set(self.id));
        let mut started = false;
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
            if let Some(on_start) = &self.config.on_thread_start {
                on_start();
            }
            started = true;
            match kind {
                Kind::Pool => self.serve(),
                Kind::Mandatory => {
                    let task = self.lock().mandatory.pop_front();
                    // `None`: shutdown cancelled it first.
                    if let Some(task) = task {
                        task.run();
                    }
                }
            }
        }));

        if kind == Kind::Pool {
            let mut state = self.lock();
            // `serve` leaves `threads` itself, except when it unwinds.
            if outcome.is_err() {
                state.threads -= 1;
                if !state.shutdown && !state.queue.is_empty() {
                    // Queued items may have been counting on this thread; a
                    // replacement failing to start leaves them to the others.
                    if let Ok(true) = self.wake_or_start(&mut state) {
                        self.work.notify_one();
                    }
                }
            }
            let stranded = self.stranded(&mut state);
            drop(state);
            for task in stranded {
                task.cancel();
            }
        }

        let stopped = if started {
            self.config
                .on_thread_stop
                .as_ref()
                .map_or(Ok(()), |on_stop| {
                    panic::catch_unwind(AssertUnwindSafe(|| on_stop()))
                })
        } else {
            Ok(())
        };

        let previous = {
            let mut state = self.lock();
            state.live -= 1;
            let previous = if state.shutdown {
                None
            } else {
                let own = state.handles.remove(&number);
                mem::replace(&mut state.last_exited, own)
            };
            self.exited.notify_all();
            previous
        };
        if let Some(previous) = previous {
            let _ = previous.join();
        }

        // Die of the panic the item (or a hook) raised, now that the counts are
        // right: the panic hook has already reported it.
        if let Err(payload) = outcome.and(stopped) {
            panic::resume_unwind(payload);
        }
    }

    /// The queued items no thread will take, to be cancelled outside the lock: all
    /// of them once the pool is shutting down and its last thread has left (before
    /// that, the threads take every queued item before they exit).
    fn stranded(&self, state: &mut State<T>) -> VecDeque<T> {
        if state.shutdown && state.threads == 0 {
            mem::take(&mut state.queue)
        } else {
            VecDeque::new()
        }
    }

    /// A pool thread's loop: runs queued items, waits idle for more, and returns
    /// once it has left `threads` (keep-alive lapsed, or shutdown).
    fn serve(&self) {
        let mut state = self.lock();
        loop {
            if let Some(task) = state.queue.pop_front() {
                drop(state);
                task.run();
                state = self.lock();
                continue;
            }
            if state.shutdown {
                state.threads -= 1;
                return;
            }

            state.idle += 1;
            // A keep-alive too long to represent is no keep-alive limit at all.
            let deadline = Instant::now().checked_add(self.config.keep_alive);
            loop {
                state = match deadline {
                    None => self
                        .work
                        .wait(state)
                        .unwrap_or_else(PoisonError::into_inner),
                    Some(deadline) => {
                        let left = deadline.saturating_duration_since(Instant::now());
                        self.work
                            .wait_timeout(state, left)
                            .unwrap_or_else(PoisonError::into_inner)
                            .0
                    }
                };
                if state.wakeups > 0 {
                    // Whichever thread takes a wakeup serves the item it stands for.
                    state.wakeups -= 1;
                    break;
                }
                let expired = deadline.is_some_and(|deadline| Instant::now() >= deadline);
                if state.shutdown || expired {
                    state.idle -= 1;
                    state.threads -= 1;
                    return;
                }
            }
        }
    }
}

impl fmt::Debug for PoolConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PoolConfig")
            .field("max_threads", &self.max_threads)
            .field("keep_alive", &self.keep_alive)
            .field("stack_size", &self.stack_size)
            .field("on_thread_start", &self.on_thread_start.is_some())
            .field("on_thread_stop", &self.on_thread_stop.is_some())
            .finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for SpawnError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpawnError::ShuttingDown(_) => f.write_str("ShuttingDown(..)"),
            SpawnError::NoThreads(err, _) => f.debug_tuple("NoThreads").field(err).finish(),
        }
    }
}

impl<T: Run> fmt::Debug for BlockingPool<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockingPool")
            .field("spawner", &self.spawner)
            .finish()
    }
}

impl<T: Run> fmt::Debug for Spawner<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.shared.lock();
        f.debug_struct("Spawner")
            .field("threads", &state.threads)
            .field("idle", &state.idle)
            .field("queued", &state.queue.len())
            .field("shutdown", &state.shutdown)
            .finish()
    }
}
