//! Building a tokio runtime from avx's settings.

use std::fmt;
use std::io;
use std::sync::Arc;
use std::time::Duration;

/// A hook run on runtime threads.
pub type Callback = Arc<dyn Fn() + Send + Sync>;

/// Names the runtime's threads.
pub type ThreadNameFn = Arc<dyn Fn() -> String + Send + Sync>;

/// Which tokio scheduler to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// `Builder::new_current_thread`.
    CurrentThread,
    /// `Builder::new_multi_thread`.
    MultiThread,
}

/// avx's runtime settings; `None` leaves tokio's default.
#[derive(Clone)]
pub struct Config {
    /// The scheduler.
    pub flavor: Flavor,
    /// `worker_threads`.
    pub worker_threads: Option<usize>,
    /// `max_blocking_threads`.
    pub max_blocking_threads: usize,
    /// `thread_name_fn`.
    pub thread_name: Option<ThreadNameFn>,
    /// `thread_stack_size`.
    pub thread_stack_size: Option<usize>,
    /// `on_thread_start`.
    pub on_thread_start: Option<Callback>,
    /// `on_thread_stop`.
    pub on_thread_stop: Option<Callback>,
    /// `on_thread_park`.
    pub on_thread_park: Option<Callback>,
    /// `on_thread_unpark`.
    pub on_thread_unpark: Option<Callback>,
    /// `thread_keep_alive`.
    pub thread_keep_alive: Option<Duration>,
    /// `enable_io`.
    pub enable_io: bool,
    /// `enable_time`.
    pub enable_time: bool,
    /// `start_paused`.
    pub start_paused: bool,
    /// `event_interval`.
    pub event_interval: u32,
    /// `global_queue_interval`.
    pub global_queue_interval: Option<u32>,
    /// `name`.
    pub name: Option<String>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("flavor", &self.flavor)
            .field("worker_threads", &self.worker_threads)
            .field("max_blocking_threads", &self.max_blocking_threads)
            .field("enable_io", &self.enable_io)
            .field("enable_time", &self.enable_time)
            .field("start_paused", &self.start_paused)
            .finish_non_exhaustive()
    }
}

/// Builds a tokio runtime from `config`.
///
/// # Errors
///
/// `Unsupported` for settings tokio cannot honour (a paused clock on the
/// multi-thread scheduler, or a multi-thread runtime without tokio's
/// `rt-multi-thread`); otherwise whatever tokio's `build` returns.
pub fn build(config: &Config) -> io::Result<tokio::runtime::Runtime> {
    let mut builder = match config.flavor {
        Flavor::CurrentThread => tokio::runtime::Builder::new_current_thread(),
        #[cfg(feature = "rt-multi-thread")]
        Flavor::MultiThread => {
            if config.start_paused {
                return Err(unsupported(
                    "tokio pauses time only on the current-thread runtime; use avx's native \
                     backend for a paused multi-thread runtime",
                ));
            }
            let mut builder = tokio::runtime::Builder::new_multi_thread();
            if let Some(n) = config.worker_threads {
                builder.worker_threads(n);
            }
            builder
        }
        #[cfg(not(feature = "rt-multi-thread"))]
        Flavor::MultiThread => {
            return Err(unsupported(
                "the multi-thread runtime needs avx's `rt-multi-thread` feature",
            ));
        }
    };
    builder
        .max_blocking_threads(config.max_blocking_threads)
        .event_interval(config.event_interval);
    if let Some(name) = config.thread_name.clone() {
        builder.thread_name_fn(move || name());
    }
    if let Some(size) = config.thread_stack_size {
        builder.thread_stack_size(size);
    }
    if let Some(hook) = config.on_thread_start.clone() {
        builder.on_thread_start(move || hook());
    }
    if let Some(hook) = config.on_thread_stop.clone() {
        builder.on_thread_stop(move || hook());
    }
    if let Some(hook) = config.on_thread_park.clone() {
        builder.on_thread_park(move || hook());
    }
    if let Some(hook) = config.on_thread_unpark.clone() {
        builder.on_thread_unpark(move || hook());
    }
    if let Some(keep_alive) = config.thread_keep_alive {
        builder.thread_keep_alive(keep_alive);
    }
    if let Some(name) = &config.name {
        builder.name(name.clone());
    }
    if let Some(interval) = config.global_queue_interval {
        builder.global_queue_interval(interval);
    }
    if config.enable_io {
        builder.enable_io();
    }
    if config.enable_time {
        builder.enable_time();
    }
    if config.start_paused {
        #[cfg(feature = "test-util")]
        builder.start_paused(true);
        #[cfg(not(feature = "test-util"))]
        return Err(unsupported(
            "a paused clock needs avx's `test-util` feature",
        ));
    }
    builder.build()
}

fn unsupported(message: &str) -> io::Error {
    io::Error::new(io::ErrorKind::Unsupported, message.to_owned())
}
