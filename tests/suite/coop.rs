//! Not starving the runtime: the cooperative budget (`consume_budget`,
//! `unconstrained`, `has_budget_remaining`) and `block_in_place`.

use std::future::{Future, poll_fn};
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use avx::runtime::{Handle, RuntimeFlavor};
use avx::task::{self, JoinSet, coop};

use super::join_set::{Gate, yield_until};
use super::{Flavor, builder, runtime};

/// Far longer than any healthy hand-off takes; only a deadlock reaches it.
const DEADLOCK: Duration = Duration::from_secs(30);

/// Runs `future` to completion, counting how many polls it took.
async fn count_polls<F: Future>(future: F) -> (F::Output, usize) {
    let mut future = pin!(future);
    let mut polls = 0;
    let output = poll_fn(|cx| {
        polls += 1;
        future.as_mut().poll(cx)
    })
    .await;
    (output, polls)
}

fn is_current_thread() -> bool {
    Handle::current().runtime_flavor() == RuntimeFlavor::CurrentThread
}

rt_test! {
    async fn consume_budget_in_a_long_loop_lets_another_task_run() {
        // On the current-thread runtime the setter runs only if the loop yields.
        let flag = Arc::new(AtomicBool::new(false));
        let set = flag.clone();
        let setter = avx::spawn(async move { set.store(true, Ordering::SeqCst) });
        let mut iterations = 0u64;
        while !flag.load(Ordering::SeqCst) {
            coop::consume_budget().await;
            iterations += 1;
            assert!(iterations < 1_000_000, "consume_budget never yielded");
        }
        setter.await.unwrap();
    }
}

rt_test! {
    async fn the_budget_runs_out_and_is_renewed_after_a_yield() {
        let spent = avx::spawn(async {
            assert!(coop::has_budget_remaining(), "a task starts with a budget");
            let mut spent = 0u32;
            while coop::has_budget_remaining() {
                task::consume_budget().await;
                spent += 1;
                assert!(spent < 100_000, "the budget never ran out");
            }
            // Spent: the next unit costs a yield, after which there is budget again.
            let ((), polls) = count_polls(task::consume_budget()).await;
            assert_eq!(polls, 2, "an empty budget makes consume_budget yield once");
            assert!(coop::has_budget_remaining());
            spent
        })
        .await
        .unwrap();
        assert!(spent > 1, "{spent}");
    }
}

rt_test! {
    async fn a_constrained_loop_yields_and_an_unconstrained_one_does_not() {
        let polls = avx::spawn(async {
            let spend = || async {
                for _ in 0..10_000 {
                    task::consume_budget().await;
                }
                coop::has_budget_remaining()
            };
            let (_, constrained) = count_polls(spend()).await;
            let (remaining, unconstrained) = count_polls(task::unconstrained(spend())).await;
            assert!(remaining, "no budget is spent under `unconstrained`");
            (constrained, unconstrained)
        })
        .await
        .unwrap();
        assert!(polls.0 > 1, "the budget made the loop yield: {polls:?}");
        assert_eq!(polls.1, 1, "unconstrained finished in one poll: {polls:?}");
    }
}

rt_test! {
    async fn joining_many_finished_tasks_respects_the_budget() {
        // Single-threaded only: there, a finished task has woken its set before
        // the next task runs, so every output is ready when the joins start.
        if !is_current_thread() {
            return;
        }
        async fn finished_set(gate: &Gate) -> JoinSet<usize> {
            let mut set = JoinSet::new();
            let aborts: Vec<_> = (0..500)
                .map(|i| {
                    let gate = gate.clone();
                    set.spawn(async move {
                        gate.wait().await;
                        i
                    })
                })
                .collect();
            gate.open();
            yield_until(|| aborts.iter().all(|a| a.is_finished()).then_some(())).await;
            set
        }
        let join_everything = |mut set: JoinSet<usize>| async move {
            let mut joined = 0;
            while let Some(result) = set.join_next().await {
                result.unwrap();
                joined += 1;
            }
            joined
        };

        let set = finished_set(&Gate::new()).await;
        let (joined, polls) = count_polls(join_everything(set)).await;
        assert_eq!(joined, 500);
        assert!(polls > 1, "join_next spent budget and yielded");

        let set = finished_set(&Gate::new()).await;
        let (joined, polls) = count_polls(task::unconstrained(join_everything(set))).await;
        assert_eq!(joined, 500);
        assert_eq!(polls, 1, "unconstrained joins never yield");
    }
}

#[test]
fn outside_a_runtime_the_budget_is_unlimited() {
    for _ in 0..1_000 {
        assert!(coop::has_budget_remaining());
        let mut spend = pin!(task::consume_budget());
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        assert!(spend.as_mut().poll(&mut cx).is_ready());
    }
}

#[test]
fn block_in_place_lets_the_workers_other_tasks_run() {
    // One worker: while its task blocks, the tasks queued behind it can run
    // only if `block_in_place` hands the worker's queue to another thread.
    let rt = builder(Flavor::MultiThread)
        .worker_threads(1)
        .build()
        .unwrap();
    rt.block_on(async {
        avx::spawn(async {
            let (tx, rx) = mpsc::channel();
            let queued_before = {
                let tx = tx.clone();
                avx::spawn(async move { tx.send("queued before").unwrap() })
            };
            let received = task::block_in_place(|| {
                let spawned_during = avx::spawn(async move { tx.send("spawned during").unwrap() });
                let mut received = [
                    rx.recv_timeout(DEADLOCK)
                        .expect("a task ran while this one blocked"),
                    rx.recv_timeout(DEADLOCK)
                        .expect("both tasks ran while this one blocked"),
                ];
                received.sort();
                drop(spawned_during);
                received
            });
            queued_before.await.unwrap();
            assert_eq!(received, ["queued before", "spawned during"]);
        })
        .await
        .unwrap();
    });
}

#[test]
fn block_in_place_keeps_the_runtime_context() {
    let rt = runtime(Flavor::MultiThread);
    let output = rt.block_on(async {
        avx::spawn(async {
            task::block_in_place(|| {
                Handle::current().block_on(async { avx::spawn(async { 6 }).await.unwrap() })
            })
        })
        .await
        .unwrap()
    });
    assert_eq!(output, 6);
}

#[test]
fn block_in_place_wakes_what_the_task_deferred_before_it() {
    // `yield_now` defers its wake to the worker loop, which does not run again on
    // this thread until the blocking call ends: the hand-off must wake it first.
    let rt = builder(Flavor::MultiThread)
        .worker_threads(1)
        .build()
        .unwrap();
    let woken = rt.block_on(async {
        avx::spawn(async {
            let flag = Arc::new(WakeFlag::default());
            let waker = std::task::Waker::from(flag.clone());
            let mut cx = std::task::Context::from_waker(&waker);
            assert!(pin!(task::yield_now()).poll(&mut cx).is_pending());
            task::block_in_place(|| flag.0.load(Ordering::SeqCst))
        })
        .await
        .unwrap()
    });
    assert!(woken);
}

#[test]
fn a_handle_block_on_inside_block_in_place_outlasts_its_budget() {
    // More lock acquisitions than one budget allows: once it is spent each acquire
    // wakes itself, and that wake must reach this thread, which has no worker
    // loop to run deferred wakes.
    let rt = builder(Flavor::MultiThread)
        .worker_threads(1)
        .build()
        .unwrap();
    let last = rt.block_on(async {
        avx::spawn(async {
            task::block_in_place(|| {
                Handle::current().block_on(async {
                    let lock = avx::sync::Mutex::new(0);
                    for i in 0..1_000 {
                        *lock.lock().await = i;
                    }
                    lock.into_inner()
                })
            })
        })
        .await
        .unwrap()
    });
    assert_eq!(last, 999);
}

/// A waker that records that it was woken.
#[derive(Default)]
struct WakeFlag(AtomicBool);

impl std::task::Wake for WakeFlag {
    fn wake(self: Arc<Self>) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[test]
fn block_in_place_in_block_on_of_a_multi_thread_runtime_runs() {
    let rt = runtime(Flavor::MultiThread);
    assert_eq!(rt.block_on(async { task::block_in_place(|| 4) }), 4);
}

#[test]
fn block_in_place_outside_a_runtime_just_runs() {
    assert_eq!(task::block_in_place(|| 5), 5);
}

#[test]
#[should_panic(expected = "can call blocking only when running on the multi-threaded runtime")]
fn block_in_place_on_the_current_thread_runtime_panics() {
    let rt = runtime(Flavor::CurrentThread);
    rt.block_on(async { task::block_in_place(|| ()) });
}

#[test]
fn block_in_place_in_a_current_thread_task_fails_the_task() {
    let rt = runtime(Flavor::CurrentThread);
    let err = rt
        .block_on(rt.spawn(async { task::block_in_place(|| ()) }))
        .unwrap_err();
    let payload = err.into_panic();
    let message = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap();
    assert_eq!(
        message,
        "can call blocking only when running on the multi-threaded runtime"
    );
}

rt_test! {
    async fn udp_send_and_recv_spend_the_budget() {
        // Two budget units a datagram (the send and the receive): with a budget of
        // 128, a loop whose socket is always ready yields once every 64 datagrams,
        // as tokio's does; the counting task runs once per yield.
        let tx = avx::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let rx = avx::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
        tx.connect(rx.local_addr().unwrap()).await.unwrap();
        rx.connect(tx.local_addr().unwrap()).await.unwrap();
        let runs = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = Arc::clone(&runs);
        // Start each test with a fresh budget.
        task::yield_now().await;
        let spinner = avx::spawn(async move {
            loop {
                counter.fetch_add(1, Ordering::SeqCst);
                task::yield_now().await;
            }
        });
        let mut buf = [0; 4];
        for _ in 0..1024 {
            tx.send(b"ping").await.unwrap();
            assert_eq!(rx.recv(&mut buf).await.unwrap(), 4);
        }
        if is_current_thread() {
            assert_eq!(runs.load(Ordering::SeqCst), 1024 / 64);
        }
        spinner.abort();
    }
}

#[test]
fn a_spent_budget_lets_the_io_driver_run_before_the_task_resumes() {
    // Spending the budget wakes the task only after the scheduler has polled its
    // drivers (tokio defers the wake like `yield_now`'s), so a loop that spends its
    // budget every poll still sees a connection arrive. On the current-thread
    // runtime nothing else polls the driver.
    runtime(Flavor::CurrentThread).block_on(async {
        let listener = avx::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let _client = std::net::TcpStream::connect(addr).unwrap();
        let accepted = AtomicBool::new(false);
        let spins = avx::join!(
            async {
                let mut spins = 0;
                while !accepted.load(Ordering::SeqCst) {
                    for _ in 0..coop_budget_units() {
                        coop::consume_budget().await;
                    }
                    spins += 1;
                    assert!(spins < 10, "the driver did not run between yields");
                }
                spins
            },
            async {
                listener.accept().await.unwrap();
                accepted.store(true, Ordering::SeqCst);
            }
        )
        .0;
        assert!(spins >= 1);
    });
}

/// tokio's budget per poll.
fn coop_budget_units() -> usize {
    128
}
