//! `spawn_blocking` and the blocking pool.

use std::sync::mpsc;
use std::sync::{Arc, Barrier};
use std::time::Duration;

use avx::task::{self, JoinSet};

use super::{Flavor, builder};

rt_test! {
    async fn spawn_blocking_returns_the_closures_value_from_another_thread() {
        let caller = std::thread::current().id();
        let (value, thread) = task::spawn_blocking(move || (6 * 7, std::thread::current().id()))
            .await
            .unwrap();
        assert_eq!(value, 42);
        assert_ne!(thread, caller);
    }
}

rt_test! {
    async fn blocking_code_sees_the_runtime() {
        let flavor = avx::runtime::Handle::current().runtime_flavor();
        let seen = task::spawn_blocking(|| avx::runtime::Handle::current().runtime_flavor())
            .await
            .unwrap();
        assert_eq!(seen, flavor);
        // It can hand work back to the runtime.
        let join = task::spawn_blocking(|| avx::spawn(async { 5 })).await.unwrap();
        assert_eq!(join.await.unwrap(), 5);
    }
}

rt_test! {
    async fn a_panicking_closure_is_a_panic_error() {
        let err = task::spawn_blocking(|| panic!("blocking boom")).await.unwrap_err();
        assert!(err.is_panic());
        assert!(err.to_string().contains("blocking boom"));
        // The pool survives.
        assert_eq!(task::spawn_blocking(|| 1).await.unwrap(), 1);
    }
}

rt_test! {
    async fn many_blocking_tasks_run_concurrently() {
        // Eight closures that can only finish together: the pool must give each a
        // thread (the default cap is far above eight).
        let barrier = Arc::new(Barrier::new(8));
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let barrier = barrier.clone();
                task::spawn_blocking(move || {
                    barrier.wait();
                    i
                })
            })
            .collect();
        for (i, handle) in handles.into_iter().enumerate() {
            assert_eq!(handle.await.unwrap(), i);
        }
    }
}

rt_test! {
    async fn join_set_runs_blocking_work() {
        let mut set = JoinSet::new();
        for i in 0..4 {
            set.spawn_blocking(move || i * 10);
        }
        set.spawn_blocking_on(|| 100, &avx::runtime::Handle::current());
        let mut results = set.join_all().await;
        results.sort();
        assert_eq!(results, vec![0, 10, 20, 30, 100]);
    }
}

#[test]
fn the_cap_queues_work_until_a_thread_frees() {
    for flavor in [Flavor::CurrentThread, Flavor::MultiThread] {
        let rt = builder(flavor).max_blocking_threads(1).build().unwrap();
        rt.block_on(async {
            let (release_tx, release_rx) = mpsc::channel::<()>();
            let (order_tx, order_rx) = mpsc::channel();
            let first_order = order_tx.clone();
            let first = task::spawn_blocking(move || {
                release_rx.recv().unwrap();
                first_order.send(1).unwrap();
            });
            let second = task::spawn_blocking(move || order_tx.send(2).unwrap());
            // With one thread, the second closure cannot start before the first ends.
            release_tx.send(()).unwrap();
            first.await.unwrap();
            second.await.unwrap();
            assert_eq!(
                order_rx.iter().take(2).collect::<Vec<_>>(),
                vec![1, 2],
                "{flavor:?}"
            );
        });
    }
}

#[test]
fn dropping_the_runtime_waits_for_running_blocking_work() {
    let rt = builder(Flavor::MultiThread).build().unwrap();
    let (started_tx, started_rx) = mpsc::channel();
    let (done_tx, done_rx) = mpsc::channel();
    rt.spawn_blocking(move || {
        started_tx.send(()).unwrap();
        // Long enough that a drop which did not wait would return first.
        std::thread::sleep(Duration::from_millis(50));
        done_tx.send(()).unwrap();
    });
    started_rx.recv().unwrap();
    drop(rt);
    assert!(
        done_rx.try_recv().is_ok(),
        "drop returned before the blocking closure ended"
    );
}

#[test]
fn shutdown_timeout_returns_while_blocking_work_is_stuck() {
    let rt = builder(Flavor::CurrentThread).build().unwrap();
    let (started_tx, started_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    rt.spawn_blocking(move || {
        started_tx.send(()).unwrap();
        let _ = release_rx.recv();
    });
    started_rx.recv().unwrap();
    rt.shutdown_timeout(Duration::from_millis(10));
    // The stuck closure was left running; let it end.
    drop(release_tx);
}

#[test]
fn blocking_work_queued_at_shutdown_still_runs() {
    // Work handed to `spawn_blocking` before a runtime goes away is not lost: the
    // pool's threads take what is queued before they exit, as tokio's do.
    let rt = builder(Flavor::CurrentThread)
        .max_blocking_threads(1)
        .build()
        .unwrap();
    let (started_tx, started_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let running = rt.spawn_blocking(move || {
        started_tx.send(()).unwrap();
        let _ = release_rx.recv();
    });
    started_rx.recv().unwrap();
    let queued = rt.spawn_blocking(|| "ran after the shutdown");
    // The pool's one thread is stuck, so `queued` is still waiting when the runtime
    // shuts down, and is still waiting when the shutdown stops waiting for it.
    rt.shutdown_timeout(Duration::from_millis(10));
    drop(release_tx);
    let waiter = builder(Flavor::CurrentThread).build().unwrap();
    assert!(waiter.block_on(running).is_ok());
    assert_eq!(waiter.block_on(queued).unwrap(), "ran after the shutdown");
}

#[test]
fn blocking_work_spawned_just_before_a_drop_runs() {
    let rt = builder(Flavor::MultiThread).build().unwrap();
    let (tx, rx) = mpsc::channel();
    let written = {
        let _enter = rt.enter();
        task::spawn_blocking(move || tx.send("flushed").unwrap())
    };
    // The drop waits for the pool's threads, so the work has run by the time it
    // returns.
    drop(rt);
    assert_eq!(rx.try_recv(), Ok("flushed"));
    drop(written);
}

#[test]
#[should_panic(expected = "there is no reactor running")]
fn spawn_blocking_outside_a_runtime_panics() {
    drop(task::spawn_blocking(|| ()));
}
