//! `avx::task::JoinSet`: spawning into a set, joining in completion order,
//! aborting, detaching, cancel safety.

use std::future::{Future, poll_fn};
use std::pin::pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use avx::task::{self, JoinSet, LocalSet};

use super::{Flavor, builder, runtime};

/// A one-way latch tasks can wait on; opening it wakes every waiter, from any
/// thread.
#[derive(Clone, Default)]
pub(crate) struct Gate(Arc<Mutex<GateState>>);

#[derive(Default)]
struct GateState {
    open: bool,
    waiters: Vec<Waker>,
}

impl Gate {
    pub(crate) fn new() -> Gate {
        Gate::default()
    }

    pub(crate) fn open(&self) {
        let waiters = {
            let mut state = self.0.lock().unwrap();
            state.open = true;
            std::mem::take(&mut state.waiters)
        };
        waiters.into_iter().for_each(Waker::wake);
    }

    pub(crate) fn is_open(&self) -> bool {
        self.0.lock().unwrap().open
    }

    pub(crate) fn poll_wait(&self, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.0.lock().unwrap();
        if state.open {
            return Poll::Ready(());
        }
        state.waiters.push(cx.waker().clone());
        Poll::Pending
    }

    pub(crate) async fn wait(&self) {
        poll_fn(|cx| self.poll_wait(cx)).await
    }
}

/// Yields until `f` returns `Some`; panics after far more yields than a
/// working runtime needs, so a bug fails the test instead of hanging it.
pub(crate) async fn yield_until<R>(mut f: impl FnMut() -> Option<R>) -> R {
    for _ in 0..1_000_000 {
        if let Some(output) = f() {
            return output;
        }
        task::yield_now().await;
    }
    panic!("the condition never became true");
}

/// Opens its gate when dropped: proof that a task's future was dropped.
pub(crate) struct OpenOnDrop(pub(crate) Gate);

impl Drop for OpenOnDrop {
    fn drop(&mut self) {
        self.0.open();
    }
}

rt_test! {
    async fn join_next_on_an_empty_set_is_none() {
        let mut set = JoinSet::<u32>::new();
        assert!(set.is_empty());
        assert_eq!(set.len(), 0);
        assert!(set.join_next().await.is_none());
        assert!(set.join_next_with_id().await.is_none());
        assert!(set.try_join_next().is_none());
        assert!(set.try_join_next_with_id().is_none());
        let set = JoinSet::<u32>::default();
        assert!(set.is_empty());
    }
}

rt_test! {
    async fn join_next_returns_every_output_then_none() {
        let mut set = JoinSet::new();
        for i in 0..100u64 {
            set.spawn(async move { i });
        }
        assert_eq!(set.len(), 100);
        let mut seen = [false; 100];
        while let Some(result) = set.join_next().await {
            let i = result.unwrap() as usize;
            assert!(!seen[i], "output {i} returned twice");
            seen[i] = true;
        }
        assert!(seen.iter().all(|&s| s));
        assert!(set.is_empty());
        assert!(set.join_next().await.is_none());
    }
}

rt_test! {
    async fn join_next_follows_completion_order() {
        let gates: Vec<Gate> = (0..3).map(|_| Gate::new()).collect();
        let mut set = JoinSet::new();
        for (i, gate) in gates.iter().enumerate() {
            let gate = gate.clone();
            set.spawn(async move {
                gate.wait().await;
                i
            });
        }
        for (i, left) in [(1, 2), (2, 1), (0, 0)] {
            gates[i].open();
            assert_eq!(set.join_next().await.unwrap().unwrap(), i);
            assert_eq!(set.len(), left);
        }
        assert!(set.join_next().await.is_none());
    }
}

rt_test! {
    async fn len_counts_finished_tasks_until_joined() {
        let mut set = JoinSet::new();
        let abort = set.spawn(async { 1 });
        while !abort.is_finished() {
            task::yield_now().await;
        }
        assert_eq!(set.len(), 1, "a finished task stays until it is joined");
        assert_eq!(set.join_next().await.unwrap().unwrap(), 1);
        assert_eq!(set.len(), 0);
    }
}

rt_test! {
    async fn join_next_with_id_names_the_task() {
        let mut set = JoinSet::new();
        let ok = set.spawn(async { "done" });
        let (id, output) = set.join_next_with_id().await.unwrap().unwrap();
        assert_eq!(id, ok.id());
        assert_eq!(output, "done");

        let failed = set.spawn(async { panic!("boom") });
        let err = set.join_next_with_id().await.unwrap().unwrap_err();
        assert!(err.is_panic());
        assert_eq!(err.id(), failed.id());
    }
}

rt_test! {
    async fn try_join_next_takes_only_finished_tasks() {
        let gate = Gate::new();
        let mut set = JoinSet::new();
        let waiting = gate.clone();
        let abort = set.spawn(async move {
            waiting.wait().await;
            5
        });
        task::yield_now().await;
        assert!(set.try_join_next().is_none(), "the task has not finished");
        assert_eq!(set.len(), 1);
        gate.open();
        // The task's wake reaches the set a moment after it finishes, on another
        // thread: retry, yielding, rather than awaiting the set.
        let output = yield_until(|| set.try_join_next()).await;
        assert_eq!(output.unwrap(), 5);
        assert!(abort.is_finished());
        assert!(set.is_empty());
        assert!(set.try_join_next().is_none());

        let abort = set.spawn(async { 6 });
        let (id, output) = yield_until(|| set.try_join_next_with_id()).await.unwrap();
        assert_eq!((id, output), (abort.id(), 6));
    }
}

rt_test! {
    async fn poll_join_next_reports_pending_ready_and_empty() {
        let gate = Gate::new();
        let mut set = JoinSet::new();
        let waiting = gate.clone();
        let abort = set.spawn(async move {
            waiting.wait().await;
            9
        });
        let mut polls = 0;
        let output = poll_fn(|cx| {
            polls += 1;
            let polled = set.poll_join_next(cx);
            if polled.is_pending() && polls == 1 {
                // Opened after the set registered its waker: it must wake us.
                gate.open();
            }
            polled
        })
        .await;
        assert_eq!(output.unwrap().unwrap(), 9);
        assert!(polls >= 2, "the first poll found the task waiting");
        assert!(poll_fn(|cx| set.poll_join_next(cx)).await.is_none());

        let abort2 = set.spawn(async { 10 });
        let (id, output) = poll_fn(|cx| set.poll_join_next_with_id(cx))
            .await
            .unwrap()
            .unwrap();
        assert_eq!((id, output), (abort2.id(), 10));
        assert_ne!(abort.id(), abort2.id());
        assert!(poll_fn(|cx| set.poll_join_next_with_id(cx)).await.is_none());
    }
}

rt_test! {
    async fn abort_all_cancels_every_task() {
        let mut set = JoinSet::new();
        let dropped: Vec<Gate> = (0..5).map(|_| Gate::new()).collect();
        for gate in &dropped {
            let guard = OpenOnDrop(gate.clone());
            set.spawn(async move {
                let _guard = guard;
                std::future::pending::<()>().await;
            });
        }
        task::yield_now().await;
        set.abort_all();
        assert_eq!(set.len(), 5, "aborted tasks stay until joined");
        let mut cancelled = 0;
        while let Some(result) = set.join_next().await {
            assert!(result.unwrap_err().is_cancelled());
            cancelled += 1;
        }
        assert_eq!(cancelled, 5);
        assert!(dropped.iter().all(Gate::is_open), "every future was dropped");
    }
}

rt_test! {
    async fn abort_handle_from_spawn_cancels_one_task() {
        let mut set = JoinSet::new();
        let pending = set.spawn(std::future::pending::<u8>());
        set.spawn(async { 3 });
        pending.abort();
        let mut outputs = Vec::new();
        while let Some(result) = set.join_next().await {
            match result {
                Ok(v) => outputs.push(v),
                Err(err) => {
                    assert!(err.is_cancelled());
                    assert_eq!(err.id(), pending.id());
                }
            }
        }
        assert_eq!(outputs, [3]);
    }
}

rt_test! {
    async fn shutdown_cancels_and_empties_the_set() {
        let mut set = JoinSet::new();
        let dropped = Gate::new();
        let guard = OpenOnDrop(dropped.clone());
        set.spawn(async move {
            let _guard = guard;
            std::future::pending::<()>().await;
        });
        set.spawn(async { panic!("ignored by shutdown") });
        set.shutdown().await;
        assert!(set.is_empty());
        assert!(dropped.is_open());
        assert!(set.join_next().await.is_none());
    }
}

rt_test! {
    async fn dropping_the_set_aborts_its_tasks() {
        let mut set = JoinSet::new();
        let dropped: Vec<Gate> = (0..3).map(|_| Gate::new()).collect();
        for gate in &dropped {
            let guard = OpenOnDrop(gate.clone());
            set.spawn(async move {
                let _guard = guard;
                std::future::pending::<()>().await;
            });
        }
        task::yield_now().await;
        drop(set);
        for gate in &dropped {
            // Only an aborted task drops its future: a leak hangs here.
            gate.wait().await;
        }
    }
}

rt_test! {
    async fn detach_all_lets_the_tasks_finish() {
        let go = Gate::new();
        let finished = Gate::new();
        let mut set = JoinSet::new();
        let (waiting, done) = (go.clone(), finished.clone());
        set.spawn(async move {
            waiting.wait().await;
            done.open();
        });
        set.detach_all();
        assert!(set.is_empty());
        assert!(set.join_next().await.is_none());
        drop(set);
        go.open();
        finished.wait().await;
    }
}

rt_test! {
    async fn a_set_is_reusable_after_detach_all() {
        let mut set = JoinSet::new();
        set.spawn(std::future::pending::<u8>()).abort();
        set.detach_all();
        set.spawn(async { 4 });
        assert_eq!(set.len(), 1);
        assert_eq!(set.join_next().await.unwrap().unwrap(), 4);
        assert!(set.join_next().await.is_none());
    }
}

rt_test! {
    async fn join_next_is_cancel_safe() {
        let gate = Gate::new();
        let other = Gate::new();
        let mut set = JoinSet::new();
        let waiting = gate.clone();
        set.spawn(async move {
            waiting.wait().await;
            7
        });
        // A select of `join_next` against `other`: `other` wins, and the
        // `join_next` future is dropped after being polled.
        {
            let mut join = pin!(set.join_next());
            let (signal, winner) = (other.clone(), other.clone());
            let won = poll_fn(|cx| {
                if let Poll::Ready(result) = join.as_mut().poll(cx) {
                    return Poll::Ready(Err(result));
                }
                signal.open();
                winner.poll_wait(cx).map(Ok)
            })
            .await;
            assert!(won.is_ok(), "the other branch completes first");
        }
        assert_eq!(set.len(), 1, "the dropped join removed no task");
        gate.open();
        assert_eq!(set.join_next().await.unwrap().unwrap(), 7);
    }
}

rt_test! {
    async fn join_all_returns_outputs_in_completion_order() {
        let gates: Vec<Gate> = (0..3).map(|_| Gate::new()).collect();
        let mut set = JoinSet::new();
        let mut aborts = Vec::new();
        for (i, gate) in gates.iter().enumerate() {
            let gate = gate.clone();
            aborts.push(set.spawn(async move {
                gate.wait().await;
                i
            }));
        }
        // Finish the tasks one at a time, in the order 2, 0, 1.
        let opener = avx::spawn(async move {
            for i in [2, 0, 1] {
                gates[i].open();
                while !aborts[i].is_finished() {
                    task::yield_now().await;
                }
            }
        });
        let outputs = set.join_all().await;
        opener.await.unwrap();
        if avx::runtime::Handle::current().runtime_flavor()
            == avx::runtime::RuntimeFlavor::CurrentThread
        {
            assert_eq!(outputs, [2, 0, 1]);
        } else {
            // Across threads a task's wake may trail its `is_finished` a little,
            // so only the content is fixed.
            let mut sorted = outputs;
            sorted.sort();
            assert_eq!(sorted, [0, 1, 2]);
        }
    }
}

rt_test! {
    async fn join_all_resumes_a_task_panic() {
        let joined = avx::spawn(async {
            let mut set = JoinSet::new();
            set.spawn(async { panic!("inner task failed") });
            set.join_all().await
        });
        let err = joined.await.unwrap_err();
        assert!(err.is_panic());
        let payload = err.into_panic();
        assert_eq!(*payload.downcast_ref::<&str>().unwrap(), "inner task failed");
    }
}

rt_test! {
    async fn join_all_panics_on_a_cancelled_task_and_aborts_the_rest() {
        let dropped = Gate::new();
        let guard = OpenOnDrop(dropped.clone());
        let joined = avx::spawn(async move {
            let mut set = JoinSet::new();
            set.spawn(async move {
                let _guard = guard;
                std::future::pending::<()>().await;
            });
            set.spawn(std::future::pending::<()>()).abort();
            set.join_all().await
        });
        let err = joined.await.unwrap_err();
        let payload = err.into_panic();
        let message = payload.downcast_ref::<String>().unwrap();
        assert!(message.ends_with("was cancelled"), "{message}");
        dropped.wait().await;
    }
}

rt_test! {
    async fn collect_and_extend_spawn_every_future() {
        let mut set: JoinSet<u32> = (0..5).map(|i| async move { i }).collect();
        set.extend((5..10).map(|i| async move { i }));
        assert_eq!(set.len(), 10);
        let mut outputs = set.join_all().await;
        outputs.sort();
        assert_eq!(outputs, (0..10).collect::<Vec<_>>());
    }
}

rt_test! {
    async fn many_tasks_finishing_in_any_order() {
        let count = 2_000;
        let gate = Gate::new();
        let mut set = JoinSet::new();
        for i in 0..count {
            let gate = gate.clone();
            set.spawn(async move {
                if i % 2 == 0 {
                    gate.wait().await;
                }
                i
            });
        }
        let mut joined = 0;
        // The odd half finishes on its own.
        while joined < count / 2 {
            assert_eq!(set.join_next().await.unwrap().unwrap() % 2, 1);
            joined += 1;
        }
        gate.open();
        while let Some(result) = set.join_next().await {
            assert_eq!(result.unwrap() % 2, 0);
            joined += 1;
        }
        assert_eq!(joined, count);
    }
}

rt_test! {
    async fn spawn_local_and_spawn_local_on_run_on_a_local_set() {
        let shared = Rc::new(AtomicUsize::new(0));
        let local = LocalSet::new();
        let mut set = JoinSet::new();
        let on = shared.clone();
        // Spawned onto a set that is not running yet.
        set.spawn_local_on(
            async move {
                on.fetch_add(1, Ordering::SeqCst);
                Rc::new(1)
            },
            &local,
        );
        let outputs = local
            .run_until(async {
                let inside = shared.clone();
                set.spawn_local(async move {
                    inside.fetch_add(1, Ordering::SeqCst);
                    Rc::new(2)
                });
                let mut outputs = Vec::new();
                while let Some(result) = set.join_next().await {
                    outputs.push(*result.unwrap());
                }
                outputs
            })
            .await;
        let mut outputs = outputs;
        outputs.sort();
        assert_eq!(outputs, [1, 2]);
        assert_eq!(shared.load(Ordering::SeqCst), 2);
    }
}

rt_test! {
    async fn debug_shows_the_length() {
        let mut set = JoinSet::new();
        set.spawn(async {});
        assert_eq!(format!("{set:?}"), "JoinSet { len: 1 }");
        set.join_next().await.unwrap().unwrap();
    }
}

#[test]
fn spawn_on_runs_the_task_on_that_runtime() {
    for flavor in [Flavor::CurrentThread, Flavor::MultiThread] {
        let other = builder(Flavor::MultiThread)
            .thread_name("join-set-other")
            .build()
            .unwrap();
        let rt = runtime(flavor);
        let handle = other.handle().clone();
        let name = rt.block_on(async move {
            let mut set = JoinSet::new();
            set.spawn_on(
                async { std::thread::current().name().map(str::to_owned) },
                &handle,
            );
            set.join_next().await.unwrap().unwrap()
        });
        assert_eq!(name.as_deref(), Some("join-set-other"));
    }
}

#[test]
#[should_panic(expected = "there is no reactor running")]
fn spawn_outside_a_runtime_panics() {
    let mut set = JoinSet::new();
    set.spawn(async {});
}

#[test]
#[should_panic(
    expected = "`spawn_local` called from outside of a `task::LocalSet` or `runtime::LocalRuntime`"
)]
fn spawn_local_outside_a_local_set_panics() {
    let rt = runtime(Flavor::CurrentThread);
    rt.block_on(async {
        let mut set = JoinSet::new();
        set.spawn_local(async {});
    });
}

#[test]
fn dropping_the_set_from_another_thread_aborts() {
    let rt = runtime(Flavor::MultiThread);
    let dropped = Gate::new();
    let guard = OpenOnDrop(dropped.clone());
    let set = rt.block_on(async move {
        let mut set = JoinSet::new();
        set.spawn(async move {
            let _guard = guard;
            std::future::pending::<()>().await;
        });
        set
    });
    std::thread::spawn(move || drop(set)).join().unwrap();
    rt.block_on(dropped.wait());
}

#[test]
fn a_set_of_send_outputs_is_send_and_sync() {
    fn send_and_sync<S: Send + Sync>() {}
    send_and_sync::<JoinSet<u32>>();
    send_and_sync::<JoinSet<Box<dyn std::any::Any + Send>>>();
}
