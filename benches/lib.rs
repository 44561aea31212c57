//! The A/B workloads, shared by the criterion benches and the `ab` report.
//!
//! Every workload is written once per API by the `workloads!` macro: once against
//! `tokio::` (raw tokio) and once against `avx::` (which runs on either avx
//! backend). So the three contenders run the same code:
//!
//! | id           | runtime                          | API       |
//! |--------------|----------------------------------|-----------|
//! | `tokio`      | tokio                            | `tokio::` |
//! | `avx-tokio`  | avx over its tokio backend       | `avx::`   |
//! | `avx-native` | avx's native backend             | `avx::`   |
//!
//! Synchronisation inside the workloads uses `Signal`, a minimal oneshot written
//! here, so that no contender runs another's channel code.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

/// Who runs a workload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

    /// The id used in reports and criterion function ids.
    pub fn id(self) -> &'static str {
        match self {
            Contender::Tokio => "tokio",
            Contender::AvxTokio => "avx-tokio",
            Contender::AvxNative => "avx-native",
        }
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

    /// Runs `workload` once with parameter `n`; returns the wall time.
    pub fn run(&self, workload: Workload, n: usize) -> Duration {
        let start = Instant::now();
        match self {
            Rt::Tokio(rt) => rt.block_on(on_tokio::run(workload, n)),
            Rt::Avx(rt) => rt.block_on(on_avx::run(workload, n)),
        }
        start.elapsed()
    }
}

/// The runtime workloads.
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
}

impl Workload {
    /// The scenario name used in reports and criterion group names.
    pub fn name(self) -> &'static str {
        match self {
            Workload::SpawnMany => "spawn_many",
            Workload::YieldMany => "yield_many",
            Workload::PingPong => "ping_pong",
            Workload::ChainedSpawn => "chained_spawn",
            Workload::TimerInsertCancel => "timer_insert_cancel",
            Workload::SleepsFiring => "sleeps_firing",
        }
    }
}

/// Registers a criterion group for `workload` on `flavor`: one function per
/// contender, each timed per operation (`n` operations per run), so the report
/// reads in time per operation.
pub fn criterion_group_for(
    c: &mut criterion::Criterion,
    workload: Workload,
    flavor: Flavor,
    n: usize,
    sample_size: Option<usize>,
) {
    let flavor_name = match flavor {
        Flavor::CurrentThread => "current_thread".to_owned(),
        Flavor::MultiThread(w) => format!("multi_thread_{w}"),
    };
    let mut group = c.benchmark_group(format!("{}/{flavor_name}", workload.name()));
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

/// A one-shot signal: the smallest channel that works on every executor.
#[derive(Debug)]
pub struct Signal {
    state: Mutex<(bool, Option<Waker>)>,
}

impl Signal {
    /// An unset signal.
    pub fn new() -> Arc<Signal> {
        Arc::new(Signal {
            state: Mutex::new((false, None)),
        })
    }

    /// Sets the signal and wakes its waiter.
    pub fn set(&self) {
        let waker = {
            let mut state = self.state.lock().unwrap();
            state.0 = true;
            state.1.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Waits for the signal.
    pub fn wait(self: &Arc<Self>) -> impl Future<Output = ()> + Send + 'static {
        SignalWait(self.clone())
    }
}

struct SignalWait(Arc<Signal>);

impl Future for SignalWait {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.0.state.lock().unwrap();
        if state.0 {
            return Poll::Ready(());
        }
        state.1 = Some(cx.waker().clone());
        Poll::Pending
    }
}

macro_rules! workloads {
    ($krate:ident) => {
        use std::hint::black_box;
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};

        use $crate::{Signal, Workload};

        pub(crate) async fn run(workload: Workload, n: usize) {
            // Run inside a spawned task, as an application's code would be.
            let task = $krate::spawn(async move {
                match workload {
                    Workload::SpawnMany => spawn_many(n).await,
                    Workload::YieldMany => yield_many(n).await,
                    Workload::PingPong => ping_pong(n).await,
                    Workload::ChainedSpawn => chained_spawn(n).await,
                    Workload::TimerInsertCancel => timer_insert_cancel(n).await,
                    Workload::SleepsFiring => sleeps_firing(n).await,
                }
            });
            task.await.unwrap();
        }

        async fn spawn_many(n: usize) {
            let mut handles = Vec::with_capacity(n);
            for i in 0..n {
                handles.push($krate::spawn(async move { black_box(i) }));
            }
            for handle in handles {
                black_box(handle.await.unwrap());
            }
        }

        async fn yield_many(n: usize) {
            for _ in 0..n {
                $krate::task::yield_now().await;
            }
        }

        async fn ping_pong(n: usize) {
            let remaining = Arc::new(AtomicUsize::new(n));
            let done = Signal::new();
            for _ in 0..n {
                let remaining = remaining.clone();
                let done = done.clone();
                $krate::spawn(async move {
                    let (ping, pong) = (Signal::new(), Signal::new());
                    let (ping2, pong2) = (ping.clone(), pong.clone());
                    $krate::spawn(async move {
                        ping2.wait().await;
                        pong2.set();
                    });
                    ping.set();
                    pong.wait().await;
                    if remaining.fetch_sub(1, Ordering::AcqRel) == 1 {
                        done.set();
                    }
                });
            }
            done.wait().await;
        }

        fn chain(left: usize, done: Arc<Signal>) {
            if left == 0 {
                done.set();
            } else {
                $krate::spawn(async move { chain(left - 1, done) });
            }
        }

        async fn chained_spawn(n: usize) {
            let done = Signal::new();
            chain(n, done.clone());
            done.wait().await;
        }

        async fn timer_insert_cancel(n: usize) {
            use std::future::Future;
            // One deadline for all, far enough never to fire: the work measured is
            // the wheel insert on first poll and the removal on drop.
            let deadline = $krate::time::Instant::now() + std::time::Duration::from_secs(3600);
            std::future::poll_fn(|cx| {
                for _ in 0..n {
                    let mut sleep = std::pin::pin!($krate::time::sleep_until(deadline));
                    black_box(sleep.as_mut().poll(cx).is_pending());
                }
                std::task::Poll::Ready(())
            })
            .await;
        }

        async fn sleeps_firing(n: usize) {
            let handles: Vec<_> = (0..n)
                .map(|i| {
                    $krate::spawn(async move {
                        let ms = 1 + (i % 10) as u64;
                        $krate::time::sleep(std::time::Duration::from_millis(ms)).await;
                    })
                })
                .collect();
            for handle in handles {
                handle.await.unwrap();
            }
        }
    };
}

mod on_tokio {
    workloads!(tokio);
}

mod on_avx {
    workloads!(avx);
}
