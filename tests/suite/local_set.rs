//! `avx::task::LocalSet` and `spawn_local`: `!Send` tasks on the owning thread.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::thread::{self, ThreadId};

use avx::task::{self, LocalSet};

use super::join_set::{Gate, OpenOnDrop};
use super::{Flavor, runtime};

const FLAVORS: [Flavor; 2] = [Flavor::CurrentThread, Flavor::MultiThread];

/// Records the thread its drop runs on.
struct RecordDropThread(Arc<Mutex<Option<ThreadId>>>);

impl Drop for RecordDropThread {
    fn drop(&mut self) {
        *self.0.lock().unwrap() = Some(thread::current().id());
    }
}

rt_test! {
    async fn spawn_local_runs_not_send_tasks_in_run_until() {
        let local = LocalSet::new();
        let shared = Rc::new(RefCell::new(Vec::new()));
        let output = local
            .run_until(async {
                let handles: Vec<_> = (0..3)
                    .map(|i| {
                        let shared = shared.clone();
                        task::spawn_local(async move {
                            task::yield_now().await;
                            shared.borrow_mut().push(i);
                            Rc::new(i)
                        })
                    })
                    .collect();
                let mut sum = 0;
                for handle in handles {
                    sum += *handle.await.unwrap();
                }
                sum
            })
            .await;
        assert_eq!(output, 3);
        let mut seen = shared.borrow().clone();
        seen.sort();
        assert_eq!(seen, [0, 1, 2]);
    }
}

rt_test! {
    async fn local_tasks_run_on_the_thread_that_polls_the_set() {
        let local = LocalSet::new();
        let here = thread::current().id();
        let ran_on = local
            .run_until(async {
                task::spawn_local(async {
                    task::yield_now().await;
                    thread::current().id()
                })
                .await
                .unwrap()
            })
            .await;
        assert_eq!(ran_on, here);
    }
}

rt_test! {
    async fn local_tasks_can_spawn_local_tasks() {
        let local = LocalSet::new();
        let output = local
            .run_until(async {
                task::spawn_local(async {
                    let inner = Rc::new(20);
                    task::spawn_local(async move { *inner + 1 }).await.unwrap()
                })
                .await
                .unwrap()
            })
            .await;
        assert_eq!(output, 21);
    }
}

rt_test! {
    async fn spawn_inside_run_until_still_reaches_the_runtime() {
        let local = LocalSet::new();
        let output = local
            .run_until(async { avx::spawn(async { 5 }).await.unwrap() })
            .await;
        assert_eq!(output, 5);
    }
}

rt_test! {
    async fn awaiting_the_set_completes_when_every_task_has() {
        let local = LocalSet::new();
        let gate = Gate::new();
        let log = Rc::new(RefCell::new(Vec::new()));
        let (waiting, first) = (gate.clone(), log.clone());
        local.spawn_local(async move {
            waiting.wait().await;
            first.borrow_mut().push("waiter");
        });
        let second = log.clone();
        local.spawn_local(async move {
            task::yield_now().await;
            second.borrow_mut().push("opener");
            gate.open();
        });
        local.await;
        assert_eq!(*log.borrow(), ["opener", "waiter"]);
    }
}

rt_test! {
    async fn an_empty_set_completes_at_once() {
        LocalSet::new().await;
    }
}

rt_test! {
    async fn tasks_left_by_run_until_run_on_the_next_poll() {
        let local = LocalSet::new();
        let gate = Gate::new();
        let waiting = gate.clone();
        let handle = local.spawn_local(async move {
            waiting.wait().await;
            "finished later"
        });
        local.run_until(task::yield_now()).await;
        assert!(!handle.is_finished());
        gate.open();
        assert_eq!(local.run_until(handle).await.unwrap(), "finished later");
    }
}

rt_test! {
    async fn enter_guard_makes_spawn_local_work_outside_run_until() {
        let local = LocalSet::new();
        let handle = {
            let _guard = local.enter();
            let data = Rc::new("entered");
            task::spawn_local(async move { *data })
        };
        let outside = std::panic::catch_unwind(|| {
            drop(task::spawn_local(async {}));
        });
        assert!(outside.is_err(), "the guard is gone: spawn_local panics again");
        assert_eq!(local.run_until(handle).await.unwrap(), "entered");
    }
}

rt_test! {
    async fn a_task_woken_from_another_thread_still_runs() {
        let local = LocalSet::new();
        let gate = Gate::new();
        let waiting = gate.clone();
        let output = local
            .run_until(async move {
                let handle = task::spawn_local(async move {
                    waiting.wait().await;
                    Rc::new(99)
                });
                let opener = thread::spawn(move || gate.open());
                let output = handle.await.unwrap();
                opener.join().unwrap();
                *output
            })
            .await;
        assert_eq!(output, 99);
    }
}

rt_test! {
    async fn abort_cancels_a_local_task() {
        let local = LocalSet::new();
        let dropped = Gate::new();
        let guard = OpenOnDrop(dropped.clone());
        local
            .run_until(async move {
                let handle = task::spawn_local(async move {
                    let _guard = guard;
                    std::future::pending::<()>().await;
                });
                task::yield_now().await;
                handle.abort();
                assert!(handle.await.unwrap_err().is_cancelled());
            })
            .await;
        assert!(dropped.is_open());
    }
}

rt_test! {
    async fn dropping_the_set_cancels_its_tasks_on_the_owning_thread() {
        let local = LocalSet::new();
        let started = Arc::new(Mutex::new(None));
        let never_polled = Arc::new(Mutex::new(None));
        let (a, b) = (
            RecordDropThread(started.clone()),
            RecordDropThread(never_polled.clone()),
        );
        let running = local.spawn_local(async move {
            let _guard = a;
            let _not_send = Rc::new(());
            std::future::pending::<()>().await;
        });
        local.run_until(task::yield_now()).await;
        let queued = local.spawn_local(async move {
            let _guard = b;
            std::future::pending::<()>().await;
        });
        drop(local);
        let here = Some(thread::current().id());
        assert_eq!(*started.lock().unwrap(), here, "a started task is dropped here");
        assert_eq!(*never_polled.lock().unwrap(), here, "so is one never polled");
        assert!(running.await.unwrap_err().is_cancelled());
        assert!(queued.await.unwrap_err().is_cancelled());
    }
}

#[test]
fn block_on_runs_local_tasks_on_either_flavor() {
    for flavor in FLAVORS {
        let rt = runtime(flavor);
        let local = LocalSet::new();
        let shared = Rc::new(RefCell::new(0));
        let inner = shared.clone();
        let output = local.block_on(&rt, async move {
            task::spawn_local(async move {
                *inner.borrow_mut() += 1;
                "done"
            })
            .await
            .unwrap()
        });
        assert_eq!(output, "done");
        assert_eq!(*shared.borrow(), 1);
    }
}

#[test]
fn spawn_local_on_a_set_before_it_runs() {
    let rt = runtime(Flavor::CurrentThread);
    let local = LocalSet::new();
    let handle = local.spawn_local(async { Rc::new(3) });
    assert_eq!(*local.block_on(&rt, handle).unwrap(), 3);
}

#[test]
#[should_panic(
    expected = "`spawn_local` called from outside of a `task::LocalSet` or `runtime::LocalRuntime`"
)]
fn spawn_local_outside_a_set_panics() {
    let rt = runtime(Flavor::CurrentThread);
    rt.block_on(async {
        drop(task::spawn_local(async {}));
    });
}

#[test]
#[should_panic(
    expected = "`spawn_local` called from outside of a `task::LocalSet` or `runtime::LocalRuntime`"
)]
fn spawn_local_outside_a_runtime_panics() {
    drop(task::spawn_local(async {}));
}

#[test]
fn debug_names_the_types() {
    let local = LocalSet::new();
    assert!(format!("{local:?}").starts_with("LocalSet"));
    let guard = local.enter();
    assert!(format!("{guard:?}").starts_with("LocalEnterGuard"));
}

#[test]
fn a_local_set_and_runtime_in_a_thread_local_are_dropped_at_thread_exit() {
    // Both are dropped by the thread-local's destructor, after avx's own
    // thread-locals may be gone; tokio allows this, and so must avx (a panic in a
    // thread-local destructor aborts the process).
    struct RuntimeAndSet {
        runtime: avx::runtime::Runtime,
        set: LocalSet,
    }
    thread_local! {
        static KEPT: RuntimeAndSet = RuntimeAndSet {
            runtime: runtime(Flavor::CurrentThread),
            set: LocalSet::new(),
        };
    }
    let ran = thread::spawn(|| {
        KEPT.with(|kept| {
            kept.runtime.block_on(kept.set.run_until(async {
                // A task left pending, to be cancelled by the set's drop.
                task::spawn_local(std::future::pending::<()>());
                task::spawn_local(async { 7 }).await.unwrap()
            }))
        })
    })
    .join()
    .unwrap();
    assert_eq!(ran, 7);
}

#[test]
fn block_in_place_in_the_drop_of_a_local_task_panics_and_the_task_reports_it() {
    // tokio forbids `block_in_place` inside a `LocalSet`, its tasks' destructors
    // included, even on a multi-thread runtime. On avx's tokio backend it runs
    // instead (migration-guide.md lists the gap).
    if crate::BACKEND != avx::runtime::Backend::Native {
        return;
    }
    struct BlockInPlaceOnDrop;
    impl Drop for BlockInPlaceOnDrop {
        fn drop(&mut self) {
            task::block_in_place(|| {});
        }
    }
    runtime(Flavor::MultiThread).block_on(async {
        let set = LocalSet::new();
        let join = set.spawn_local(async {
            let _on_drop = BlockInPlaceOnDrop;
            std::future::pending::<()>().await;
        });
        set.run_until(task::yield_now()).await;
        drop(set);
        let err = join.await.unwrap_err();
        assert!(err.is_panic(), "{err:?}");
        let message = err.into_panic();
        let message = message
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| message.downcast_ref::<String>().map(String::as_str))
            .unwrap();
        assert!(
            message.contains("can call blocking only when running on the multi-threaded runtime"),
            "{message}"
        );
    });
}
