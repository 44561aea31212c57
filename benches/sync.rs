//! Guards `avx::sync` against `tokio::sync`: each scenario runs both on the same
//! runtime, once on avx's native runtime and once on raw tokio's, so the report
//! holds the avx/tokio ratio of each primitive on each runtime.
//!
//! Group = scenario; function id = `<sync>/<runtime>`: `avx-sync/native-rt`,
//! `tokio-sync/native-rt`, `avx-sync/tokio-rt`, `tokio-sync/tokio-rt`. Every
//! scenario runs as a spawned task on a multi-thread runtime with one worker per
//! core, as application code would.
//!
//! `cargo bench -p avx-benches --bench sync -- --warm-up-time 1 --measurement-time 3`
//!
//! On a shared, drifting machine criterion's one-contender-after-another runs can
//! skew a ratio; `SYNC_AB=<rounds>` (optionally `SYNC_AB_FILTER=<part of a scenario
//! name>`) runs the bench binary in alternating mode instead: the four contenders
//! take turns, round by round, and it prints the medians and ratios.

use std::future::Future;
use std::pin::Pin;

use avx_benches::{Contender, Flavor, Rt};
use criterion::{Criterion, Throughput, criterion_group};

/// Messages per run of the channel scenarios.
const MESSAGES: usize = 10_000;
/// Capacity of the bounded channels.
const CAPACITY: usize = 128;
/// Round trips per run of the oneshot scenario.
const ROUND_TRIPS: usize = 1_000;
/// Tasks and increments per task of the mutex scenario.
const LOCKERS: usize = 16;
const INCREMENTS: usize = 500;
/// Tasks, rounds per task and permits of the semaphore scenario.
const ACQUIRERS: usize = 8;
const ACQUIRES: usize = 1_000;
const PERMITS: usize = 4;
/// Receivers and messages of the broadcast scenario.
const SUBSCRIBERS: usize = 16;
const BROADCASTS: usize = 1_000;
/// Values sent in the watch scenario.
const WATCH_SENDS: usize = 10_000;

/// One scenario, ready to spawn (boxed so that all contenders share one type).
type Scenario = fn() -> Pin<Box<dyn Future<Output = ()> + Send>>;

/// Writes every scenario against the sync module of `$sync` (`avx` or `tokio`),
/// spawning with `$rt::spawn` (the runtime the scenario runs on).
macro_rules! scenarios {
    ($sync:ident, $rt:ident) => {
        use std::hint::black_box;
        use std::sync::Arc;

        use $sync::sync::{Mutex, Semaphore, broadcast, mpsc, oneshot, watch};

        async fn join_all<T>(handles: Vec<$rt::task::JoinHandle<T>>) {
            for handle in handles {
                black_box(handle.await.unwrap());
            }
        }

        /// `producers` tasks send `MESSAGES` in all through a bounded channel to
        /// one consumer.
        pub(crate) async fn mpsc_bounded(producers: usize) {
            let (tx, mut rx) = mpsc::channel::<usize>(super::CAPACITY);
            let per = super::MESSAGES / producers;
            for _ in 0..producers {
                let tx = tx.clone();
                $rt::spawn(async move {
                    for i in 0..per {
                        tx.send(i).await.unwrap();
                    }
                });
            }
            drop(tx);
            let mut received = 0;
            while let Some(value) = rx.recv().await {
                black_box(value);
                received += 1;
            }
            assert_eq!(received, per * producers);
        }

        /// As [`mpsc_bounded`], through an unbounded channel.
        pub(crate) async fn mpsc_unbounded(producers: usize) {
            let (tx, mut rx) = mpsc::unbounded_channel::<usize>();
            let per = super::MESSAGES / producers;
            for _ in 0..producers {
                let tx = tx.clone();
                $rt::spawn(async move {
                    for i in 0..per {
                        tx.send(i).unwrap();
                    }
                });
            }
            drop(tx);
            let mut received = 0;
            while let Some(value) = rx.recv().await {
                black_box(value);
                received += 1;
            }
            assert_eq!(received, per * producers);
        }

        /// A request: a value to echo, where to send the reply, and where the next
        /// request will come from.
        struct Request {
            value: usize,
            reply: oneshot::Sender<usize>,
            next: oneshot::Receiver<Request>,
        }

        /// Two tasks, `ROUND_TRIPS` round trips, each over two fresh oneshots: the
        /// request carries the reply's sender and the next request's receiver.
        pub(crate) async fn oneshot_round_trip() {
            let (mut tx, rx) = oneshot::channel::<Request>();
            let echo = $rt::spawn(async move {
                let mut rx = rx;
                while let Ok(request) = rx.await {
                    request.reply.send(request.value).unwrap();
                    rx = request.next;
                }
            });
            for i in 0..super::ROUND_TRIPS {
                let (next_tx, next_rx) = oneshot::channel();
                let (reply_tx, reply_rx) = oneshot::channel();
                let request = Request {
                    value: i,
                    reply: reply_tx,
                    next: next_rx,
                };
                assert!(tx.send(request).is_ok(), "the echo task is alive");
                assert_eq!(reply_rx.await.unwrap(), i);
                tx = next_tx;
            }
            drop(tx);
            echo.await.unwrap();
        }

        /// `LOCKERS` tasks each lock a shared counter `INCREMENTS` times.
        pub(crate) async fn mutex_contended() {
            let counter = Arc::new(Mutex::new(0usize));
            let handles = (0..super::LOCKERS)
                .map(|_| {
                    let counter = Arc::clone(&counter);
                    $rt::spawn(async move {
                        for _ in 0..super::INCREMENTS {
                            *counter.lock().await += 1;
                        }
                    })
                })
                .collect();
            join_all(handles).await;
            assert_eq!(*counter.lock().await, super::LOCKERS * super::INCREMENTS);
        }

        /// `ACQUIRERS` tasks each acquire and release one of `PERMITS` permits
        /// `ACQUIRES` times.
        pub(crate) async fn semaphore_acquire_release() {
            let semaphore = Arc::new(Semaphore::new(super::PERMITS));
            let handles = (0..super::ACQUIRERS)
                .map(|_| {
                    let semaphore = Arc::clone(&semaphore);
                    $rt::spawn(async move {
                        for _ in 0..super::ACQUIRES {
                            let permit = semaphore.acquire().await.unwrap();
                            black_box(&permit);
                        }
                    })
                })
                .collect();
            join_all(handles).await;
        }

        /// One sender, `SUBSCRIBERS` receiver tasks, `BROADCASTS` messages; the
        /// channel holds them all, so no receiver lags.
        pub(crate) async fn broadcast_fan_out() {
            let (tx, _) = broadcast::channel::<usize>(super::BROADCASTS);
            let handles = (0..super::SUBSCRIBERS)
                .map(|_| {
                    let mut rx = tx.subscribe();
                    $rt::spawn(async move {
                        let mut received = 0;
                        while let Ok(value) = rx.recv().await {
                            black_box(value);
                            received += 1;
                        }
                        assert_eq!(received, super::BROADCASTS);
                    })
                })
                .collect();
            for i in 0..super::BROADCASTS {
                tx.send(i).unwrap();
            }
            drop(tx);
            join_all(handles).await;
        }

        /// One sender sends `WATCH_SENDS` values; a receiver task follows with
        /// `changed` until it sees the last (it may skip values in between).
        pub(crate) async fn watch_send_changed() {
            let (tx, mut rx) = watch::channel(0usize);
            let follower = $rt::spawn(async move {
                let mut changes = 0usize;
                while rx.changed().await.is_ok() {
                    changes += 1;
                    if *rx.borrow_and_update() == super::WATCH_SENDS {
                        break;
                    }
                }
                changes
            });
            for i in 1..=super::WATCH_SENDS {
                tx.send(i).unwrap();
                // Let the follower run now and then, as a real producer would.
                if i % 64 == 0 {
                    $rt::task::yield_now().await;
                }
            }
            black_box(follower.await.unwrap());
        }

        /// Every scenario, by name, in report order.
        pub(crate) const ALL: super::Scenarios = [
            ("mpsc_bounded_1_producer", || Box::pin(mpsc_bounded(1))),
            ("mpsc_bounded_8_producers", || Box::pin(mpsc_bounded(8))),
            ("mpsc_unbounded_1_producer", || Box::pin(mpsc_unbounded(1))),
            ("mpsc_unbounded_8_producers", || Box::pin(mpsc_unbounded(8))),
            ("oneshot_round_trip", || Box::pin(oneshot_round_trip())),
            ("mutex_contended", || Box::pin(mutex_contended())),
            ("semaphore_acquire_release", || {
                Box::pin(semaphore_acquire_release())
            }),
            ("broadcast_fan_out_16", || Box::pin(broadcast_fan_out())),
            ("watch_send_changed", || Box::pin(watch_send_changed())),
        ];
    };
}

mod avx_on_native {
    scenarios!(avx, avx);
}

mod tokio_on_native {
    scenarios!(tokio, avx);
}

mod avx_on_tokio {
    scenarios!(avx, tokio);
}

mod tokio_on_tokio {
    scenarios!(tokio, tokio);
}

/// Elements (messages, lock or permit operations) per run, for the throughput line.
fn elements(scenario: &str) -> u64 {
    let n = match scenario {
        "oneshot_round_trip" => ROUND_TRIPS,
        "mutex_contended" => LOCKERS * INCREMENTS,
        "semaphore_acquire_release" => ACQUIRERS * ACQUIRES,
        "broadcast_fan_out_16" => BROADCASTS * SUBSCRIBERS,
        "watch_send_changed" => WATCH_SENDS,
        _ => MESSAGES,
    };
    n as u64
}

/// Runs `scenario` once as a spawned task on `rt`.
fn run(rt: &Rt, scenario: Scenario) {
    match rt {
        Rt::Avx(rt) => rt.block_on(async { avx::spawn(scenario()).await.unwrap() }),
        Rt::Tokio(rt) => rt.block_on(async { tokio::spawn(scenario()).await.unwrap() }),
    }
}

/// Every scenario of one sync implementation, by name, in report order.
type Scenarios = [(&'static str, Scenario); 9];

/// One contender: its id, the runtime it runs on, and its scenarios.
type SyncContender<'a> = (&'static str, &'a Rt, &'static Scenarios);

/// The four contenders.
fn contenders<'a>(native: &'a Rt, tokio: &'a Rt) -> [SyncContender<'a>; 4] {
    [
        ("avx-sync/native-rt", native, &avx_on_native::ALL),
        ("tokio-sync/native-rt", native, &tokio_on_native::ALL),
        ("avx-sync/tokio-rt", tokio, &avx_on_tokio::ALL),
        ("tokio-sync/tokio-rt", tokio, &tokio_on_tokio::ALL),
    ]
}

fn runtimes() -> (Rt, Rt) {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    (
        Rt::new(Contender::AvxNative, Flavor::MultiThread(workers)),
        Rt::new(Contender::Tokio, Flavor::MultiThread(workers)),
    )
}

fn sync_benches(c: &mut Criterion) {
    let (native, tokio) = runtimes();
    let contenders = contenders(&native, &tokio);
    for (index, (scenario, _)) in avx_on_native::ALL.iter().enumerate() {
        let mut group = c.benchmark_group(*scenario);
        group.throughput(Throughput::Elements(elements(scenario)));
        for (id, rt, all) in contenders {
            let (name, run_once) = all[index];
            debug_assert_eq!(name, *scenario);
            group.bench_function(id, |b| b.iter(|| run(rt, run_once)));
        }
        group.finish();
    }
}

/// `SYNC_AB=<rounds>`: instead of criterion, runs the four contenders of each
/// scenario in alternation, round by round (so that a drifting, shared machine
/// affects all alike), and prints the median run time and the avx/tokio ratios.
fn alternating_report(rounds: usize, filter: Option<&str>) {
    let (native, tokio) = runtimes();
    let contenders = contenders(&native, &tokio);
    println!(
        "{:<28} {:>12} {:>12} {:>7} {:>12} {:>12} {:>7}",
        "scenario (median µs)",
        "avx/native",
        "tokio/native",
        "ratio",
        "avx/tokio",
        "tokio/tokio",
        "ratio"
    );
    for (index, (scenario, _)) in avx_on_native::ALL.iter().enumerate() {
        if filter.is_some_and(|f| !scenario.contains(f)) {
            continue;
        }
        let mut samples = [const { Vec::new() }; 4];
        for round in 0..=rounds {
            for ((_, rt, all), samples) in contenders.iter().zip(samples.iter_mut()) {
                let start = std::time::Instant::now();
                run(rt, all[index].1);
                // Round 0 warms up.
                if round > 0 {
                    samples.push(start.elapsed().as_secs_f64() * 1e6);
                }
            }
        }
        let medians: Vec<f64> = samples
            .iter_mut()
            .map(|s| {
                s.sort_by(f64::total_cmp);
                s[s.len() / 2]
            })
            .collect();
        println!(
            "{:<28} {:>12.1} {:>12.1} {:>7.2} {:>12.1} {:>12.1} {:>7.2}",
            scenario,
            medians[0],
            medians[1],
            medians[0] / medians[1],
            medians[2],
            medians[3],
            medians[2] / medians[3],
        );
    }
}

criterion_group!(benches, sync_benches);

fn main() {
    if let Some(rounds) = std::env::var("SYNC_AB").ok().and_then(|r| r.parse().ok()) {
        let filter = std::env::var("SYNC_AB_FILTER").ok();
        alternating_report(rounds, filter.as_deref());
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
