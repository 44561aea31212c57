//! `avx::task`: spawn, JoinHandle, abort, ids, yield_now.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use avx::task::{self, JoinError};

struct SetOnDrop(Arc<AtomicBool>);

impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

rt_test! {
    async fn spawned_task_returns_its_output() {
        let join = avx::spawn(async { "hello" });
        assert_eq!(join.await.unwrap(), "hello");
    }
}

rt_test! {
    async fn many_tasks_all_complete() {
        let count = Arc::new(AtomicUsize::new(0));
        let handles: Vec<_> = (0..1000)
            .map(|i| {
                let count = count.clone();
                avx::spawn(async move {
                    count.fetch_add(1, Ordering::Relaxed);
                    i
                })
            })
            .collect();
        for (i, handle) in handles.into_iter().enumerate() {
            assert_eq!(handle.await.unwrap(), i);
        }
        assert_eq!(count.load(Ordering::Relaxed), 1000);
    }
}

rt_test! {
    async fn dropping_the_join_handle_detaches() {
        let (tx, rx) = std::sync::mpsc::channel();
        drop(avx::spawn(async move {
            task::yield_now().await;
            tx.send(42).unwrap();
        }));
        let value = loop {
            if let Ok(v) = rx.try_recv() {
                break v;
            }
            task::yield_now().await;
        };
        assert_eq!(value, 42, "a detached task runs to completion");
    }
}

rt_test! {
    async fn abort_cancels_and_drops_the_future() {
        let dropped = Arc::new(AtomicBool::new(false));
        let guard = SetOnDrop(dropped.clone());
        let join = avx::spawn(async move {
            let _guard = guard;
            std::future::pending::<()>().await;
        });
        task::yield_now().await;
        join.abort();
        let err = join.await.unwrap_err();
        assert!(err.is_cancelled());
        assert!(!err.is_panic());
        assert!(dropped.load(Ordering::SeqCst));
    }
}

rt_test! {
    async fn abort_before_first_poll() {
        let polled = Arc::new(AtomicBool::new(false));
        let polled2 = polled.clone();
        let join = avx::spawn(async move {
            polled2.store(true, Ordering::SeqCst);
        });
        join.abort();
        match join.await {
            Err(err) => {
                assert!(err.is_cancelled());
                assert!(!polled.load(Ordering::SeqCst), "an aborted task is never polled");
            }
            // On the multi-thread runtime a worker may run the task before the abort.
            Ok(()) => {
                assert!(polled.load(Ordering::SeqCst));
                assert_ne!(
                    avx::runtime::Handle::current().runtime_flavor(),
                    avx::runtime::RuntimeFlavor::CurrentThread,
                    "nothing runs on the current-thread runtime before the awaiting task yields"
                );
            }
        }
    }
}

rt_test! {
    async fn abort_after_completion_keeps_the_output() {
        let join = avx::spawn(async { 9 });
        while !join.is_finished() {
            task::yield_now().await;
        }
        join.abort();
        assert_eq!(join.await.unwrap(), 9);
    }
}

rt_test! {
    async fn abort_handle_cancels_and_reports() {
        let join = avx::spawn(std::future::pending::<()>());
        let abort = join.abort_handle();
        assert_eq!(abort.id(), join.id());
        assert!(!abort.is_finished());
        abort.clone().abort();
        assert!(join.await.unwrap_err().is_cancelled());
        assert!(abort.is_finished());
    }
}

rt_test! {
    async fn panics_are_caught_per_task() {
        let join = avx::spawn(async {
            panic!("task exploded");
        });
        let err: JoinError = join.await.unwrap_err();
        assert!(err.is_panic());
        assert!(err.to_string().contains("task exploded"), "{err}");
        let payload = err.into_panic();
        assert_eq!(*payload.downcast_ref::<&str>().unwrap(), "task exploded");
        // The runtime is unharmed.
        assert_eq!(avx::spawn(async { 1 }).await.unwrap(), 1);
    }
}

rt_test! {
    async fn try_into_panic_gives_back_a_cancelled_error() {
        let join = avx::spawn(std::future::pending::<()>());
        let id = join.id();
        join.abort();
        let err = join.await.unwrap_err();
        assert_eq!(err.id(), id);
        let err = err.try_into_panic().unwrap_err();
        assert!(err.is_cancelled());
        assert_eq!(err.to_string(), format!("task {id} was cancelled"));
        let io: std::io::Error = err.into();
        assert_eq!(io.to_string(), "task was cancelled");
    }
}

rt_test! {
    async fn task_ids_are_unique_and_visible_inside() {
        let a = avx::spawn(async { task::id() });
        let b = avx::spawn(async { task::try_id() });
        let (a_id, b_id) = (a.id(), b.id());
        assert_ne!(a_id, b_id);
        assert_eq!(a.await.unwrap(), a_id);
        assert_eq!(b.await.unwrap(), Some(b_id));
    }
}

#[test]
fn no_task_id_outside_a_task() {
    assert!(task::try_id().is_none());
    let rt = super::runtime(super::Flavor::CurrentThread);
    // The block_on future is not a task.
    assert!(rt.block_on(async { task::try_id() }).is_none());
}

#[test]
#[should_panic(expected = "Can't get a task id when not inside a task")]
fn task_id_outside_a_task_panics() {
    task::id();
}

rt_test! {
    async fn yield_now_lets_other_ready_tasks_run_first() {
        // Single-threaded order only: on the multi-thread runtime another worker
        // may run the spawned task at any time.
        if avx::runtime::Handle::current().runtime_flavor()
            != avx::runtime::RuntimeFlavor::CurrentThread
        {
            return;
        }
        let ran = Arc::new(AtomicBool::new(false));
        let ran2 = ran.clone();
        let _join = avx::spawn(async move {
            ran2.store(true, Ordering::SeqCst);
        });
        assert!(!ran.load(Ordering::SeqCst));
        task::yield_now().await;
        assert!(ran.load(Ordering::SeqCst), "the ready task ran before the yielder resumed");
    }
}

rt_test! {
    async fn a_spinning_task_does_not_starve_others() {
        // A task that yields in a loop keeps re-queueing itself; the flag-setter
        // must still get its turn.
        let flag = Arc::new(AtomicBool::new(false));
        let flag2 = flag.clone();
        let spinner = avx::spawn(async move {
            let mut spins = 0u64;
            while !flag2.load(Ordering::SeqCst) {
                task::yield_now().await;
                spins += 1;
            }
            spins
        });
        let setter = avx::spawn(async move {
            flag.store(true, Ordering::SeqCst);
        });
        setter.await.unwrap();
        spinner.await.unwrap();
    }
}

rt_test! {
    async fn join_handle_debug_names_the_id() {
        let join = avx::spawn(async {});
        let text = format!("{join:?}");
        assert!(text.contains(&join.id().to_string()), "{text}");
        join.await.unwrap();
    }
}

rt_test! {
    async fn yield_now_lets_the_timer_driver_run() {
        // A task that only yields must still let a due timer fire: each yield
        // resumes after the drivers have run.
        let fired = Arc::new(AtomicBool::new(false));
        let fired2 = fired.clone();
        let _sleeper = avx::spawn(async move {
            avx::time::sleep(std::time::Duration::from_millis(2)).await;
            fired2.store(true, Ordering::SeqCst);
        });
        while !fired.load(Ordering::SeqCst) {
            task::yield_now().await;
        }
    }
}

/// Sends on its channel when dropped, reporting whether a panic was unwinding.
struct ReportUnwindOnDrop(Option<avx::sync::oneshot::Sender<bool>>);

impl std::future::Future for ReportUnwindOnDrop {
    type Output = ();

    fn poll(self: std::pin::Pin<&mut Self>, _: &mut std::task::Context<'_>) -> std::task::Poll<()> {
        panic!("poll panics");
    }
}

impl Drop for ReportUnwindOnDrop {
    fn drop(&mut self) {
        let _ = self.0.take().unwrap().send(std::thread::panicking());
    }
}

rt_test! {
    async fn a_task_that_panics_is_dropped_while_the_panic_unwinds() {
        // tokio drops the future of a panicking poll during the unwind, so its
        // destructor sees `thread::panicking()`.
        let (tx, rx) = avx::sync::oneshot::channel();
        let join = avx::spawn(ReportUnwindOnDrop(Some(tx)));
        assert!(join.await.unwrap_err().is_panic());
        assert_eq!(rx.await, Ok(true));
    }
}
