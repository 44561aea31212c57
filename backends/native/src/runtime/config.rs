//! Everything a runtime is built from; the facade's `Builder` fills it in.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// A hook run on runtime threads.
pub type Callback = Arc<dyn Fn() + Send + Sync>;

/// Names the runtime's threads.
pub type ThreadNameFn = Arc<dyn Fn() -> String + Send + Sync>;

/// Which scheduler runs the tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// All tasks run on the thread that calls `block_on`.
    CurrentThread,
    /// Tasks run on a pool of worker threads, which steal work from each other.
    MultiThread,
}

/// A runtime's configuration, with tokio's defaults.
#[derive(Clone)]
pub struct Config {
    /// The scheduler.
    pub flavor: Flavor,
    /// Worker threads of the multi-thread scheduler; `None`: one per CPU.
    pub worker_threads: Option<usize>,
    /// Cap on the blocking pool's threads (workers not included).
    pub max_blocking_threads: usize,
    /// Names every thread the runtime spawns.
    pub thread_name: ThreadNameFn,
    /// Stack size of the runtime's threads; `None`: std's default.
    pub thread_stack_size: Option<usize>,
    /// Runs on each runtime thread after it starts.
    pub on_thread_start: Option<Callback>,
    /// Runs on each runtime thread before it stops.
    pub on_thread_stop: Option<Callback>,
    /// Runs on a runtime thread just before it goes idle.
    pub on_thread_park: Option<Callback>,
    /// Runs on a runtime thread just after it wakes from idle.
    pub on_thread_unpark: Option<Callback>,
    /// How long an idle blocking thread waits for work before it exits.
    pub thread_keep_alive: Duration,
    /// Whether the I/O reactor runs.
    pub enable_io: bool,
    /// Whether timers work.
    pub enable_time: bool,
    /// Whether the clock starts paused (tests).
    pub start_paused: bool,
    /// Scheduler ticks between polls of the I/O and timer drivers when tasks are
    /// always ready.
    pub event_interval: u32,
    /// Scheduler ticks between checks of the shared queue before the local one;
    /// `None`: the flavor's default.
    pub global_queue_interval: Option<u32>,
    /// The runtime's name, which its handle reports.
    pub name: Option<String>,
}

/// The hooks a scheduler runs around parking a thread that ran out of tasks.
#[derive(Clone, Default)]
pub(crate) struct ParkHooks {
    before_park: Option<Callback>,
    after_unpark: Option<Callback>,
}

impl ParkHooks {
    pub(crate) fn new(config: &Config) -> ParkHooks {
        ParkHooks {
            before_park: config.on_thread_park.clone(),
            after_unpark: config.on_thread_unpark.clone(),
        }
    }

    /// Runs the park hook: the thread has no task to run and is about to wait.
    pub(crate) fn before_park(&self) {
        if let Some(hook) = &self.before_park {
            hook();
        }
    }

    /// Runs the unpark hook: the wait that `before_park` announced is over.
    pub(crate) fn after_unpark(&self) {
        if let Some(hook) = &self.after_unpark {
            hook();
        }
    }
}

impl Config {
    /// tokio's defaults for `flavor`.
    pub fn new(flavor: Flavor) -> Config {
        Config {
            flavor,
            worker_threads: None,
            max_blocking_threads: 512,
            thread_name: Arc::new(|| "avx-runtime-worker".to_owned()),
            thread_stack_size: None,
            name: None,
            on_thread_start: None,
            on_thread_stop: None,
            on_thread_park: None,
            on_thread_unpark: None,
            thread_keep_alive: Duration::from_secs(10),
            enable_io: false,
            enable_time: false,
            start_paused: false,
            event_interval: 61,
            global_queue_interval: None,
        }
    }

    /// The current-thread scheduler's interval: the builder's, else tokio's 31. (The
    /// multi-thread scheduler tunes its own when the builder sets none.)
    pub(crate) fn current_thread_queue_interval(&self) -> u32 {
        self.global_queue_interval.unwrap_or(31)
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("flavor", &self.flavor)
            .field("worker_threads", &self.worker_threads)
            .field("max_blocking_threads", &self.max_blocking_threads)
            .field("thread_stack_size", &self.thread_stack_size)
            .field("thread_keep_alive", &self.thread_keep_alive)
            .field("enable_io", &self.enable_io)
            .field("enable_time", &self.enable_time)
            .field("start_paused", &self.start_paused)
            .field("event_interval", &self.event_interval)
            .field("global_queue_interval", &self.global_queue_interval)
            .finish_non_exhaustive()
    }
}
