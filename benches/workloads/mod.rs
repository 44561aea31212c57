//! The workloads: what each does, and the one dispatcher that runs them.
//!
//! Each area's bodies are a macro of `$krate` (`runtime.rs`, `timer.rs`,
//! `sync.rs`, `fs.rs`); `workloads!` expands all of them plus the dispatcher into
//! a module per API, `on_tokio` and `on_avx`, so every body exists exactly
//! twice and differs only in its paths.

#[macro_use]
mod runtime;
#[macro_use]
mod timer;
#[macro_use]
mod sync;
#[macro_use]
mod fs;

/// A workload: one kind of work, run `n` operations at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Workload {
    /// Spawn `n` trivial tasks from a task, then join them all.
    SpawnMany,
    /// One task alone on its runtime yields `n` times.
    YieldMany,
    /// `n` pairs of tasks pass a message there and back.
    PingPong,
    /// Each of `n` tasks spawns the next; the last signals.
    ChainedSpawn,
    /// `n` times: create a sleep, poll it once (registers it), drop it (cancels).
    TimerInsertCancel,
    /// `n` tasks each sleep 1 to 10 ms; all are joined.
    SleepsFiring,
    /// `producers` tasks send `n` messages in all through one mpsc channel
    /// (bounded, capacity [`MPSC_CAPACITY`], or unbounded) to one receiver.
    Mpsc {
        /// `channel` or `unbounded_channel`.
        bounded: bool,
        /// Sending tasks; each sends `n / producers`.
        producers: usize,
    },
    /// `n` request/response round trips between two tasks, each over a fresh
    /// pair of oneshot channels (the request carries the reply's sender and the
    /// receiver of the next request).
    OneshotRoundTrip,
    /// [`CONTENDERS`] tasks take one `Mutex` `n` times in all, each holding it
    /// across a yield, so every lock but the first of a turn waits in line.
    MutexContended,
    /// [`CONTENDERS`] tasks acquire and release a `Semaphore` of
    /// [`SEMAPHORE_PERMITS`] permits `n` times in all, holding a permit across
    /// a yield.
    SemaphoreAcquireRelease,
    /// One sender broadcasts `n` values to `receivers` receiving tasks (capacity
    /// [`BROADCAST_CAPACITY`]; the sender sends half a ring at a time and waits,
    /// with a `Signal`, until the receivers have read the half before, so no
    /// receiver lags).
    BroadcastFanOut {
        /// Receiving tasks, each of which receives every value.
        receivers: usize,
    },
    /// One sender sends `n` values on a `watch` channel, yielding after each;
    /// [`WATCH_RECEIVERS`] tasks wait with `changed` until they see the last.
    WatchSendChanged,
    /// [`FS_READERS`] tasks read `n` files of 1 KiB in all with `fs::read`.
    FsReadSmall,
}

/// Capacity of the bounded mpsc channel.
pub const MPSC_CAPACITY: usize = 1024;
/// Tasks contending for the `Mutex` and the `Semaphore`.
pub const CONTENDERS: usize = 8;
/// Permits of the contended `Semaphore`.
pub const SEMAPHORE_PERMITS: usize = 4;
/// Capacity of the broadcast channel; the sender sends half of it at a time.
pub const BROADCAST_CAPACITY: usize = 256;
/// Receivers of the watch channel.
pub const WATCH_RECEIVERS: usize = 4;
/// Tasks reading files at once in the fs workload.
pub const FS_READERS: usize = 8;

impl Workload {
    /// The scenario name used in reports and criterion group names.
    pub fn name(self) -> String {
        match self {
            Workload::SpawnMany => "spawn_many".to_owned(),
            Workload::YieldMany => "yield_many".to_owned(),
            Workload::PingPong => "ping_pong".to_owned(),
            Workload::ChainedSpawn => "chained_spawn".to_owned(),
            Workload::TimerInsertCancel => "timer_insert_cancel".to_owned(),
            Workload::SleepsFiring => "sleeps_firing".to_owned(),
            Workload::Mpsc { bounded, producers } => {
                let kind = if bounded { "bounded" } else { "unbounded" };
                format!("mpsc_{kind}_{producers}p")
            }
            Workload::OneshotRoundTrip => "oneshot_round_trip".to_owned(),
            Workload::MutexContended => "mutex_contended".to_owned(),
            Workload::SemaphoreAcquireRelease => "semaphore_acquire_release".to_owned(),
            Workload::BroadcastFanOut { receivers } => format!("broadcast_{receivers}rx"),
            Workload::WatchSendChanged => "watch_send_changed".to_owned(),
            Workload::FsReadSmall => "fs_read_small".to_owned(),
        }
    }

    /// The area a workload exercises: `runtime`, `timer`, `sync` or `fs`.
    pub fn area(self) -> &'static str {
        match self {
            Workload::SpawnMany
            | Workload::YieldMany
            | Workload::PingPong
            | Workload::ChainedSpawn => "runtime",
            Workload::TimerInsertCancel | Workload::SleepsFiring => "timer",
            Workload::Mpsc { .. }
            | Workload::OneshotRoundTrip
            | Workload::MutexContended
            | Workload::SemaphoreAcquireRelease
            | Workload::BroadcastFanOut { .. }
            | Workload::WatchSendChanged => "sync",
            Workload::FsReadSmall => "fs",
        }
    }
}

macro_rules! workloads {
    ($krate:ident) => {
        use $crate::{Latencies, Workload};

        runtime_workloads!($krate);
        timer_workloads!($krate);
        sync_workloads!($krate);
        fs_workloads!($krate);

        /// Runs `workload` with `n` operations inside a spawned task, as an
        /// application's code would run; returns what it recorded per operation.
        /// An arm whose workload records latencies returns them with `return`.
        pub(crate) async fn run(workload: Workload, n: usize) -> Latencies {
            let task = $krate::spawn(async move {
                match workload {
                    Workload::SpawnMany => spawn_many(n).await,
                    Workload::YieldMany => yield_many(n).await,
                    Workload::PingPong => ping_pong(n).await,
                    Workload::ChainedSpawn => chained_spawn(n).await,
                    Workload::TimerInsertCancel => timer_insert_cancel(n).await,
                    Workload::SleepsFiring => sleeps_firing(n).await,
                    Workload::Mpsc {
                        bounded: true,
                        producers,
                    } => mpsc_bounded(producers, n).await,
                    Workload::Mpsc {
                        bounded: false,
                        producers,
                    } => mpsc_unbounded(producers, n).await,
                    Workload::OneshotRoundTrip => oneshot_round_trip(n).await,
                    Workload::MutexContended => mutex_contended(n).await,
                    Workload::SemaphoreAcquireRelease => semaphore_acquire_release(n).await,
                    Workload::BroadcastFanOut { receivers } => {
                        broadcast_fan_out(receivers, n).await
                    }
                    Workload::WatchSendChanged => watch_send_changed(n).await,
                    Workload::FsReadSmall => fs_read_small(n).await,
                }
                Latencies::new()
            });
            task.await.unwrap()
        }
    };
}

/// The workloads against `tokio::`.
pub(crate) mod on_tokio {
    workloads!(tokio);
}

/// The workloads against `avx::`.
pub(crate) mod on_avx {
    workloads!(avx);
}
