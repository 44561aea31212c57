//! The A/B workloads, shared by the `avx-bench` report and the criterion benches.
//!
//! Every workload is written once per API by the `workloads!` macro (see
//! [`workloads`]): once against `tokio::` (raw tokio) and once
//! against `avx::` (which runs on either avx backend). So the three contenders run
//! the same code, each with its own runtime *and* its own synchronisation
//! primitives (`tokio::sync` for raw tokio, `avx::sync` for both avx contenders):
//!
//! | id           | runtime                          | API       |
//! |--------------|----------------------------------|-----------|
//! | `tokio`      | tokio                            | `tokio::` |
//! | `avx-tokio`  | avx over its tokio backend       | `avx::`   |
//! | `avx-native` | avx's native backend             | `avx::`   |
//!
//! The runtime and timer workloads synchronise with [`Signal`], a minimal oneshot
//! written here, so that they measure the scheduler and not a channel.
//!
//! The network workloads (`workloads/net.rs`, `workloads/http.rs`) run client and
//! server on the contender's own runtime over loopback. They connect before their
//! clock starts and report the time of their measured section (see [`Run`]).
//!
//! # Adding a workload
//!
//! 1. A variant of [`Workload`], with its [`name`](Workload::name) and
//!    [`area`](Workload::area).
//! 2. Its body, written once with `$krate::` paths, in the area's macro
//!    (`workloads/runtime.rs`, `timer.rs`, `sync.rs`, `fs.rs`, `net.rs`,
//!    `http.rs`; a new area is a new file whose macro `workloads!` in
//!    `workloads/mod.rs` invokes).
//! 3. An arm in the dispatcher in `workloads/mod.rs`. A workload that times
//!    each operation (a request's latency), or only a section of its run (after
//!    connecting), returns a `Recorded` from its arm with
//!    `return`; the others end the match and the run is timed whole.
//! 4. Optionally a blocking floor in [`floor_run`] (the same work with `std` on
//!    plain threads, in `floor.rs`), shown beside the contenders.
//! 5. A line in the report's suite (`bench/src/suite.rs`), which picks the flavor,
//!    the operations per run and the metrics shown.

use std::fmt;
use std::time::{Duration, Instant};

mod fixture;
mod floor;
mod idle;
mod signal;
pub mod workloads;

pub use fixture::{SMALL_FILE_BYTES, SMALL_FILE_COUNT, SmallFiles, small_files};
pub use floor::{floor_label, floor_run};
pub use idle::{
    IDLE_CLIENT_BATCH, IDLE_ECHO_BUFFER, IdleConnections, hold_idle_clients, idle_connection_bytes,
    idle_connections_possible, raise_open_file_limit,
};
pub use signal::Signal;
pub use workloads::Workload;

/// Per-operation times a workload recorded, when it records any.
pub type Latencies = Vec<Duration>;

/// Who runs a workload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Contender {
    /// tokio itself.
    Tokio,
    /// avx's facade over the tokio backend.
    AvxTokio,
    /// avx's native backend.
    AvxNative,
}

impl Contender {
    /// Every contender, in report order.
    pub const ALL: [Contender; 3] = [Contender::Tokio, Contender::AvxTokio, Contender::AvxNative];

    /// The id used in reports, on the command line and in criterion function ids.
    pub fn id(self) -> &'static str {
        match self {
            Contender::Tokio => "tokio",
            Contender::AvxTokio => "avx-tokio",
            Contender::AvxNative => "avx-native",
        }
    }

    /// The contender whose [`id`](Contender::id) is `id`.
    pub fn from_id(id: &str) -> Option<Contender> {
        Contender::ALL.into_iter().find(|c| c.id() == id)
    }
}

impl fmt::Display for Contender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// The scheduler flavor a workload runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    /// One thread.
    CurrentThread,
    /// A worker pool of the given size.
    MultiThread(usize),
}

impl Flavor {
    /// `current_thread` or `multi_thread_N`.
    pub fn name(self) -> String {
        match self {
            Flavor::CurrentThread => "current_thread".to_owned(),
            Flavor::MultiThread(n) => format!("multi_thread_{n}"),
        }
    }
}

/// What one run of a workload measured.
#[derive(Clone, Debug)]
pub struct Run {
    /// Wall time of the whole run, from `block_on`'s call to its return; for a
    /// workload that sets up first (binds and connects), of its measured section.
    pub elapsed: Duration,
    /// Per-operation times, for workloads that record them (else empty).
    pub latencies: Latencies,
}

/// A runtime of one contender.
#[derive(Debug)]
pub enum Rt {
    /// Raw tokio.
    Tokio(tokio::runtime::Runtime),
    /// avx, on either backend.
    Avx(avx::runtime::Runtime),
}

impl Rt {
    /// Builds `contender`'s runtime of `flavor`, with I/O and timers.
    pub fn new(contender: Contender, flavor: Flavor) -> Rt {
        match contender {
            Contender::Tokio => {
                let mut builder = match flavor {
                    Flavor::CurrentThread => tokio::runtime::Builder::new_current_thread(),
                    Flavor::MultiThread(n) => {
                        let mut b = tokio::runtime::Builder::new_multi_thread();
                        b.worker_threads(n);
                        b
                    }
                };
                Rt::Tokio(builder.enable_all().build().expect("tokio runtime"))
            }
            Contender::AvxTokio | Contender::AvxNative => {
                let mut builder = match flavor {
                    Flavor::CurrentThread => avx::runtime::Builder::new_current_thread(),
                    Flavor::MultiThread(n) => {
                        let mut b = avx::runtime::Builder::new_multi_thread();
                        b.worker_threads(n);
                        b
                    }
                };
                let backend = if contender == Contender::AvxTokio {
                    avx::runtime::Backend::Tokio
                } else {
                    avx::runtime::Backend::Native
                };
                Rt::Avx(
                    builder
                        .backend(backend)
                        .enable_all()
                        .build()
                        .expect("avx runtime"),
                )
            }
        }
    }

    /// Runs `workload` once with `n` operations; returns the wall time.
    pub fn run(&self, workload: Workload, n: usize) -> Duration {
        self.measure(workload, n).elapsed
    }

    /// Runs `workload` once with `n` operations; returns the wall time and the
    /// per-operation times the workload recorded.
    pub fn measure(&self, workload: Workload, n: usize) -> Run {
        let start = Instant::now();
        let recorded = match self {
            Rt::Tokio(rt) => rt.block_on(workloads::on_tokio::run(workload, n)),
            Rt::Avx(rt) => rt.block_on(workloads::on_avx::run(workload, n)),
        };
        let whole = start.elapsed();
        Run {
            elapsed: recorded.section.unwrap_or(whole),
            latencies: recorded.latencies,
        }
    }
}

/// The number of worker threads the multi-thread cases use: one per CPU.
pub fn workers() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// Resident memory of this process, in bytes (Linux: `/proc/self/status`).
pub fn rss_bytes() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: usize = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Bytes of resident memory per parked task: spawns `n` tasks on a current-thread
/// runtime of `contender`, lets each run to its first `Pending`, and divides the
/// growth of the resident set by `n`. Run it in a fresh process per contender so
/// that no contender reuses memory another freed.
pub fn parked_task_bytes(contender: Contender, n: usize) -> Option<f64> {
    let rt = Rt::new(contender, Flavor::CurrentThread);
    let before = rss_bytes()?;
    match &rt {
        Rt::Tokio(rt) => rt.block_on(async {
            for _ in 0..n {
                drop(tokio::spawn(std::future::pending::<()>()));
            }
            tokio::task::yield_now().await;
        }),
        Rt::Avx(rt) => rt.block_on(async {
            for _ in 0..n {
                drop(avx::spawn(std::future::pending::<()>()));
            }
            avx::task::yield_now().await;
        }),
    }
    let after = rss_bytes()?;
    Some(after.saturating_sub(before) as f64 / n as f64)
}

/// Registers a criterion group for `workload` on `flavor`: one function per
/// contender, each timed per operation (`n` operations per run), so the report
/// reads in time per operation.
#[cfg(feature = "criterion")]
pub fn criterion_group_for(
    c: &mut criterion::Criterion,
    workload: Workload,
    flavor: Flavor,
    n: usize,
    sample_size: Option<usize>,
) {
    let mut group = c.benchmark_group(format!("{}/{}", workload.name(), flavor.name()));
    if let Some(size) = sample_size {
        group.sample_size(size);
    }
    for contender in Contender::ALL {
        let rt = Rt::new(contender, flavor);
        group.bench_function(contender.id(), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    total += rt.run(workload, n);
                }
                total / u32::try_from(n).expect("operations per run fit in u32")
            })
        });
    }
    group.finish();
}
