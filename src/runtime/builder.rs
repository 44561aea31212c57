//! `Builder`: configures a runtime, tokio's setters plus the choice of backend.

use std::fmt;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use super::{Backend, Runtime};

type Callback = Arc<dyn Fn() + Send + Sync>;
type ThreadNameFn = Arc<dyn Fn() -> String + Send + Sync>;

/// Builds a [`Runtime`] with custom settings.
///
/// ```
/// let runtime = avx::runtime::Builder::new_current_thread()
///     .enable_all()
///     .build()
///     .unwrap();
/// assert_eq!(runtime.block_on(async { 1 + 1 }), 2);
/// ```
pub struct Builder {
    pub(crate) flavor: Flavor,
    pub(crate) backend: Option<Backend>,
    pub(crate) worker_threads: Option<usize>,
    pub(crate) max_blocking_threads: usize,
    pub(crate) thread_name: Option<ThreadNameFn>,
    pub(crate) thread_stack_size: Option<usize>,
    pub(crate) on_thread_start: Option<Callback>,
    pub(crate) on_thread_stop: Option<Callback>,
    pub(crate) on_thread_park: Option<Callback>,
    pub(crate) on_thread_unpark: Option<Callback>,
    pub(crate) keep_alive: Option<Duration>,
    pub(crate) enable_io: bool,
    pub(crate) enable_time: bool,
    pub(crate) start_paused: bool,
    pub(crate) event_interval: u32,
    pub(crate) global_queue_interval: Option<u32>,
    pub(crate) name: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flavor {
    CurrentThread,
    #[cfg(feature = "rt-multi-thread")]
    MultiThread,
}

impl Builder {
    /// A builder for the current-thread runtime: every task runs on the thread
    /// that calls `block_on`.
    pub fn new_current_thread() -> Builder {
        Builder::new(Flavor::CurrentThread)
    }

    /// A builder for the multi-thread runtime: tasks run on a pool of worker
    /// threads (one per CPU by default) that steal work from each other.
    #[cfg(feature = "rt-multi-thread")]
    pub fn new_multi_thread() -> Builder {
        Builder::new(Flavor::MultiThread)
    }

    fn new(flavor: Flavor) -> Builder {
        Builder {
            flavor,
            backend: None,
            worker_threads: None,
            max_blocking_threads: 512,
            thread_name: None,
            thread_stack_size: None,
            on_thread_start: None,
            on_thread_stop: None,
            on_thread_park: None,
            on_thread_unpark: None,
            keep_alive: None,
            enable_io: false,
            enable_time: false,
            start_paused: false,
            event_interval: 61,
            global_queue_interval: None,
            name: None,
        }
    }

    /// Runs the runtime on `backend` instead of the default (see
    /// [`Backend::from_env`]). avx's own setting; tokio has no equivalent.
    pub fn backend(&mut self, backend: Backend) -> &mut Self {
        self.backend = Some(backend);
        self
    }

    /// Enables the I/O and time drivers.
    pub fn enable_all(&mut self) -> &mut Self {
        self.enable_io().enable_time()
    }

    /// Enables the I/O driver.
    pub fn enable_io(&mut self) -> &mut Self {
        self.enable_io = true;
        self
    }

    /// Enables the time driver.
    pub fn enable_time(&mut self) -> &mut Self {
        self.enable_time = true;
        self
    }

    /// The number of worker threads of the multi-thread runtime (default: one per
    /// CPU). Ignored by the current-thread runtime.
    ///
    /// # Panics
    ///
    /// If `val` is zero.
    #[track_caller]
    pub fn worker_threads(&mut self, val: usize) -> &mut Self {
        assert!(val > 0, "Worker threads cannot be set to 0");
        self.worker_threads = Some(val);
        self
    }

    /// The most threads the blocking pool may run at once (default 512).
    ///
    /// # Panics
    ///
    /// If `val` is zero.
    #[track_caller]
    pub fn max_blocking_threads(&mut self, val: usize) -> &mut Self {
        assert!(val > 0, "Max blocking threads cannot be set to 0");
        self.max_blocking_threads = val;
        self
    }

    /// The name of the runtime's threads.
    pub fn thread_name(&mut self, val: impl Into<String>) -> &mut Self {
        let name = val.into();
        self.thread_name = Some(Arc::new(move || name.clone()));
        self
    }

    /// A function naming each thread the runtime spawns.
    pub fn thread_name_fn<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() -> String + Send + Sync + 'static,
    {
        self.thread_name = Some(Arc::new(f));
        self
    }

    /// The stack size, in bytes, of the runtime's threads.
    pub fn thread_stack_size(&mut self, val: usize) -> &mut Self {
        self.thread_stack_size = Some(val);
        self
    }

    /// Runs `f` on each runtime thread after it starts.
    pub fn on_thread_start<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.on_thread_start = Some(Arc::new(f));
        self
    }

    /// Runs `f` on each runtime thread before it stops.
    pub fn on_thread_stop<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.on_thread_stop = Some(Arc::new(f));
        self
    }

    /// Runs `f` on a runtime thread just before it parks: it has no task to run
    /// and is about to wait for one. `f` runs inside the runtime, so it may spawn,
    /// and a task it spawns is run at once rather than waited for. A second call
    /// replaces the first `f`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    ///
    /// let parks = Arc::new(AtomicUsize::new(0));
    /// let counted = parks.clone();
    /// let runtime = avx::runtime::Builder::new_current_thread()
    ///     .enable_time()
    ///     .on_thread_park(move || {
    ///         counted.fetch_add(1, Ordering::Relaxed);
    ///     })
    ///     .build()
    ///     .unwrap();
    /// runtime.block_on(async { avx::time::sleep(std::time::Duration::from_millis(1)).await });
    /// assert!(parks.load(Ordering::Relaxed) >= 1);
    /// ```
    pub fn on_thread_park<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.on_thread_park = Some(Arc::new(f));
        self
    }

    /// Runs `f` on a runtime thread just after it unparks, before it takes up tasks
    /// again; it pairs with [`on_thread_park`](Self::on_thread_park). A second call
    /// replaces the first `f`.
    pub fn on_thread_unpark<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.on_thread_unpark = Some(Arc::new(f));
        self
    }

    /// How long an idle blocking-pool thread waits for work before it exits
    /// (default 10 seconds).
    pub fn thread_keep_alive(&mut self, duration: Duration) -> &mut Self {
        self.keep_alive = Some(duration);
        self
    }

    /// Starts the clock paused: timers advance only with `time::advance`, or
    /// automatically to the next deadline when the runtime has nothing else to do.
    ///
    /// tokio allows this only on the current-thread runtime; avx's native backend
    /// allows it on both flavors.
    #[cfg(feature = "test-util")]
    pub fn start_paused(&mut self, start_paused: bool) -> &mut Self {
        self.start_paused = start_paused;
        self
    }

    /// Scheduler ticks between polls of the I/O and timer drivers while tasks are
    /// always ready (default 61).
    ///
    /// # Panics
    ///
    /// If `val` is 0.
    #[track_caller]
    pub fn event_interval(&mut self, val: u32) -> &mut Self {
        assert!(val > 0, "event_interval must be greater than 0");
        self.event_interval = val;
        self
    }

    /// Scheduler ticks between checks of the shared queue ahead of the local one
    /// (default 31 on the current-thread runtime, 61 on the multi-thread one).
    ///
    /// # Panics
    ///
    /// If `val` is zero.
    #[track_caller]
    pub fn global_queue_interval(&mut self, val: u32) -> &mut Self {
        assert!(val > 0, "global_queue_interval must be greater than 0");
        self.global_queue_interval = Some(val);
        self
    }

    /// Names the runtime: [`Handle::name`](super::Handle::name) reports it (the
    /// names of its threads are [`thread_name`](Self::thread_name)'s).
    ///
    /// ```
    /// let runtime = avx::runtime::Builder::new_current_thread()
    ///     .name("ingest")
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(runtime.handle().name(), Some("ingest"));
    /// ```
    ///
    /// # Panics
    ///
    /// If `val` is empty or only whitespace.
    #[track_caller]
    pub fn name(&mut self, val: impl Into<String>) -> &mut Self {
        let val = val.into();
        assert!(!val.trim().is_empty(), "runtime name shouldn't be empty");
        self.name = Some(val);
        self
    }

    /// Builds the runtime.
    ///
    /// # Errors
    ///
    /// If the backend is not compiled in or `AVX_BACKEND` is invalid, or if the
    /// backend fails to start (no file descriptors for the reactor, no threads).
    pub fn build(&mut self) -> io::Result<Runtime> {
        let backend = match self.backend {
            Some(backend) => backend.ensure_compiled()?,
            None => Backend::from_env()?,
        };
        match backend {
            Backend::Native => super::native::build(self),
            Backend::Tokio => {
                #[cfg(feature = "tokio")]
                return super::tokio::build(self);
                #[cfg(not(feature = "tokio"))]
                unreachable!("ensure_compiled refused the tokio backend")
            }
        }
    }
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("flavor", &self.flavor)
            .field("backend", &self.backend)
            .field("worker_threads", &self.worker_threads)
            .field("max_blocking_threads", &self.max_blocking_threads)
            .field("thread_stack_size", &self.thread_stack_size)
            .field("keep_alive", &self.keep_alive)
            .field("enable_io", &self.enable_io)
            .field("enable_time", &self.enable_time)
            .field("start_paused", &self.start_paused)
            .field("event_interval", &self.event_interval)
            .field("global_queue_interval", &self.global_queue_interval)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}
