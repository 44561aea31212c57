//! The runtime: configuration, the driver that parks a thread, the thread-local
//! context, and `Runtime`/`Handle`, the seam's entry points.

mod config;
pub(crate) mod context;
pub(crate) mod driver;
mod handle;
pub(crate) mod info;
pub(crate) mod park;

pub(crate) use config::ParkHooks;
pub use config::{Callback, Config, Flavor, ThreadNameFn};
pub use context::{
    NESTED_RUNTIME_ERROR, SuspendGuard, TryCurrentError, has_current, is_driving, suspend,
};
pub use handle::{EnterGuard, Handle};

/// The index of the runtime worker this thread is, if it is one; see
/// `Context::worker_index` in the scheduler for what counts as one.
pub fn worker_index() -> Option<usize> {
    context::with_scheduler(|cx| cx.and_then(|cx| cx.worker_index()))
}

use std::fmt;
use std::future::Future;
use std::io;
use std::mem;
use std::time::Duration;

use crate::blocking::{BlockingPool, PoolConfig};
use crate::scheduler::{self, current_thread::CurrentThread, multi_thread::MultiThread};

/// A native runtime: a scheduler, its drivers and its blocking pool.
pub struct Runtime {
    scheduler: Scheduler,
    handle: Handle,
    blocking_pool: BlockingPool,
    /// Set by `shutdown_timeout`, so that the drop which ends it does not shut down
    /// (and judge its context) a second time.
    shut_down: bool,
}

enum Scheduler {
    CurrentThread(CurrentThread),
    MultiThread(MultiThread),
}

impl Runtime {
    /// Builds a runtime from `config`.
    pub fn new(config: Config) -> io::Result<Runtime> {
        let blocking_pool = BlockingPool::new(PoolConfig {
            max_threads: config.max_blocking_threads,
            keep_alive: config.thread_keep_alive,
            thread_name: config.thread_name.clone(),
            stack_size: config.thread_stack_size,
            on_thread_start: config.on_thread_start.clone(),
            on_thread_stop: config.on_thread_stop.clone(),
        });
        let blocking = blocking_pool.spawner().clone();
        let (driver, driver_handle) = driver::Driver::new(driver::DriverConfig {
            enable_io: config.enable_io,
            enable_time: config.enable_time,
            start_paused: config.start_paused,
        })?;
        let info = info::Info::new(config.name.clone());
        let (scheduler, handle) = match config.flavor {
            Flavor::CurrentThread => {
                let (scheduler, handle) = CurrentThread::new(
                    driver,
                    driver_handle,
                    blocking,
                    info,
                    ParkHooks::new(&config),
                    config.event_interval,
                    config.current_thread_queue_interval(),
                );
                (
                    Scheduler::CurrentThread(scheduler),
                    scheduler::Handle::CurrentThread(handle),
                )
            }
            Flavor::MultiThread => {
                let num_workers = config
                    .worker_threads
                    .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
                let (scheduler, handle) = MultiThread::new(
                    driver,
                    driver_handle,
                    blocking,
                    info,
                    scheduler::multi_thread::Settings {
                        num_workers,
                        hooks: ParkHooks::new(&config),
                        event_interval: config.event_interval,
                        global_queue_interval: config.global_queue_interval,
                    },
                )?;
                (
                    Scheduler::MultiThread(scheduler),
                    scheduler::Handle::MultiThread(handle),
                )
            }
        };
        Ok(Runtime {
            scheduler,
            handle: Handle { inner: handle },
            blocking_pool,
            shut_down: false,
        })
    }

    /// Runs `future` to completion on this thread, driving the runtime meanwhile.
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        match (&self.scheduler, &self.handle.inner) {
            (Scheduler::CurrentThread(ct), scheduler::Handle::CurrentThread(h)) => {
                ct.block_on(&self.handle.inner, h, future)
            }
            (Scheduler::MultiThread(mt), scheduler::Handle::MultiThread(h)) => {
                mt.block_on(&self.handle.inner, h, future)
            }
            _ => unreachable!("a runtime's scheduler matches its handle"),
        }
    }

    /// The runtime's handle.
    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// Makes this runtime current on this thread until the guard drops.
    pub fn enter(&self) -> EnterGuard<'_> {
        self.handle.enter()
    }

    /// Shuts down, waiting at most `timeout` for blocking work to finish.
    pub fn shutdown_timeout(mut self, timeout: Duration) {
        self.shutdown(Some(timeout));
    }

    /// Shuts down without waiting for blocking work.
    pub fn shutdown_background(self) {
        self.shutdown_timeout(Duration::ZERO);
    }

    /// Cancels every task, then waits up to `blocking_timeout` (`None`: forever)
    /// for the blocking pool's threads, the multi-thread workers among them.
    fn shutdown(&mut self, blocking_timeout: Option<Duration>) {
        if mem::replace(&mut self.shut_down, true) {
            return;
        }
        match (&self.scheduler, &self.handle.inner) {
            (Scheduler::CurrentThread(ct), scheduler::Handle::CurrentThread(h)) => {
                ct.shutdown(&self.handle.inner, h)
            }
            (Scheduler::MultiThread(mt), scheduler::Handle::MultiThread(h)) => mt.shutdown(h),
            _ => unreachable!("a runtime's scheduler matches its handle"),
        }
        if blocking_timeout != Some(Duration::ZERO) && context::is_driving() {
            if std::thread::panicking() {
                return;
            }
            panic!(
                "Cannot drop a runtime in a context where blocking is not allowed. This \
                 happens when a runtime is dropped from within an asynchronous context."
            );
        }
        self.blocking_pool.shutdown(blocking_timeout);
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.shutdown(None);
    }
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("flavor", &self.handle.flavor())
            .finish_non_exhaustive()
    }
}
