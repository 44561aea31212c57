//! `avx::runtime`: building, entering, blocking on and shutting down runtimes.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use avx::runtime::{Backend, Builder, Handle, RuntimeFlavor};

use super::{Flavor, builder, runtime};

const FLAVORS: [Flavor; 2] = [Flavor::CurrentThread, Flavor::MultiThread];

#[test]
fn block_on_returns_the_future_output() {
    for flavor in FLAVORS {
        let rt = runtime(flavor);
        assert_eq!(rt.block_on(async { 7 }), 7);
        // A runtime can block_on again after the first call returned.
        assert_eq!(rt.block_on(async { 8 }), 8);
    }
}

#[test]
fn runtime_reports_its_backend_and_flavor() {
    let rt = runtime(Flavor::CurrentThread);
    assert_eq!(rt.backend(), crate::BACKEND);
    assert_eq!(rt.handle().runtime_flavor(), RuntimeFlavor::CurrentThread);
    let rt = runtime(Flavor::MultiThread);
    assert_eq!(rt.handle().runtime_flavor(), RuntimeFlavor::MultiThread);
    assert_eq!(rt.handle().backend(), crate::BACKEND);
}

#[test]
fn handle_current_inside_block_on() {
    for flavor in FLAVORS {
        let rt = runtime(flavor);
        rt.block_on(async {
            let handle = Handle::current();
            assert_eq!(handle.backend(), crate::BACKEND);
        });
    }
}

#[test]
fn try_current_outside_a_runtime_is_missing_context() {
    let err = Handle::try_current().unwrap_err();
    assert!(err.is_missing_context());
    assert!(!err.is_thread_local_destroyed());
    assert_eq!(
        err.to_string(),
        "there is no reactor running, must be called from the context of a Tokio 1.x runtime"
    );
}

#[test]
#[should_panic(expected = "there is no reactor running")]
fn handle_current_outside_a_runtime_panics() {
    let _ = Handle::current();
}

#[test]
#[should_panic(expected = "there is no reactor running")]
fn spawn_outside_a_runtime_panics() {
    drop(avx::spawn(async {}));
}

#[test]
fn enter_makes_the_runtime_current() {
    for flavor in FLAVORS {
        let rt = runtime(flavor);
        {
            let _guard = rt.enter();
            let handle = Handle::current();
            assert_eq!(handle.runtime_flavor(), rt.handle().runtime_flavor());
            // Spawning works outside block_on while entered.
            let join = avx::spawn(async { 5 });
            assert_eq!(rt.block_on(join).unwrap(), 5);
        }
        assert!(
            Handle::try_current().is_err(),
            "the guard leaves the runtime"
        );
    }
}

#[test]
fn nested_enter_guards_restore_in_order() {
    let outer = runtime(Flavor::CurrentThread);
    let inner = runtime(Flavor::MultiThread);
    let _a = outer.enter();
    {
        let _b = inner.enter();
        assert_eq!(
            Handle::current().runtime_flavor(),
            RuntimeFlavor::MultiThread
        );
    }
    assert_eq!(
        Handle::current().runtime_flavor(),
        RuntimeFlavor::CurrentThread
    );
}

#[test]
#[should_panic(
    expected = "Cannot start a runtime from within a runtime. This happens because a function (like `block_on`) attempted to block the current thread while the thread is being used to drive asynchronous tasks. If you are in an async function, use `.await` on the future instead of blocking on it."
)]
fn block_on_inside_block_on_panics() {
    let rt = runtime(Flavor::CurrentThread);
    let other = runtime(Flavor::CurrentThread);
    rt.block_on(async { other.block_on(async {}) });
}

#[test]
fn block_on_from_a_spawned_task_panics() {
    for flavor in FLAVORS {
        let rt = Arc::new(runtime(flavor));
        let inner = rt.clone();
        let join = rt.spawn(async move {
            let other = Builder::new_current_thread()
                .backend(crate::BACKEND)
                .build()
                .unwrap();
            // Keep `inner` alive in the task, and drop `other` outside a runtime.
            let _ = &inner;
            let result =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| other.block_on(async {})));
            std::mem::forget(other);
            result.is_err()
        });
        assert!(
            rt.block_on(join).unwrap(),
            "block_on inside a task must panic"
        );
    }
}

#[test]
fn dropping_the_runtime_drops_pending_tasks() {
    struct SetOnDrop(Arc<AtomicUsize>);
    impl Drop for SetOnDrop {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    for flavor in FLAVORS {
        let dropped = Arc::new(AtomicUsize::new(0));
        let rt = runtime(flavor);
        let (started_tx, started_rx) = mpsc::channel();
        for _ in 0..10 {
            let guard = SetOnDrop(dropped.clone());
            let started_tx = started_tx.clone();
            rt.spawn(async move {
                let _guard = guard;
                started_tx.send(()).unwrap();
                std::future::pending::<()>().await;
            });
        }
        // Let every task start and park.
        rt.block_on(async {
            for _ in 0..10 {
                while started_rx.try_recv().is_err() {
                    avx::task::yield_now().await;
                }
            }
        });
        assert_eq!(dropped.load(Ordering::SeqCst), 0);
        drop(rt);
        assert_eq!(dropped.load(Ordering::SeqCst), 10, "{flavor:?}");
    }
}

#[test]
fn shutdown_timeout_and_background_return() {
    for flavor in FLAVORS {
        let rt = runtime(flavor);
        rt.spawn(std::future::pending::<()>());
        rt.shutdown_timeout(std::time::Duration::from_millis(10));
        let rt = runtime(flavor);
        rt.spawn(std::future::pending::<()>());
        rt.shutdown_background();
    }
}

#[test]
fn a_runtime_shuts_down_without_waiting_inside_another_runtime() {
    // Waiting would block the outer runtime's thread; not waiting is allowed there,
    // and the drop that ends the shutdown must not judge the context again.
    for outer in FLAVORS {
        for inner in FLAVORS {
            runtime(outer).block_on(async {
                let rt = runtime(inner);
                rt.spawn(std::future::pending::<()>());
                rt.shutdown_timeout(std::time::Duration::ZERO);
                runtime(inner).shutdown_background();
            });
        }
    }
}

#[test]
fn builder_settings_take_effect() {
    let started = Arc::new(AtomicUsize::new(0));
    let stopped = Arc::new(AtomicUsize::new(0));
    let (started2, stopped2) = (started.clone(), stopped.clone());
    let rt = builder(Flavor::MultiThread)
        .worker_threads(2)
        .max_blocking_threads(4)
        .thread_name("custom-name")
        .thread_stack_size(256 * 1024)
        .on_thread_start(move || {
            started2.fetch_add(1, Ordering::SeqCst);
        })
        .on_thread_stop(move || {
            stopped2.fetch_add(1, Ordering::SeqCst);
        })
        .thread_keep_alive(std::time::Duration::from_millis(100))
        .event_interval(13)
        .global_queue_interval(7)
        .build()
        .unwrap();
    let (task_thread, blocking_thread) = rt.block_on(async {
        let task = avx::spawn(async { std::thread::current().name().map(str::to_owned) });
        let blocking =
            avx::task::spawn_blocking(|| std::thread::current().name().map(str::to_owned));
        (task.await.unwrap(), blocking.await.unwrap())
    });
    assert_eq!(task_thread.as_deref(), Some("custom-name"));
    assert_eq!(blocking_thread.as_deref(), Some("custom-name"));
    assert!(
        started.load(Ordering::SeqCst) >= 3,
        "two workers and a blocking thread"
    );
    drop(rt);
    assert_eq!(
        stopped.load(Ordering::SeqCst),
        started.load(Ordering::SeqCst),
        "every started thread ran the stop hook by the time drop returned"
    );
}

#[test]
fn thread_name_fn_names_each_thread() {
    let counter = Arc::new(AtomicUsize::new(0));
    let rt = builder(Flavor::MultiThread)
        .worker_threads(2)
        .thread_name_fn(move || format!("pool-{}", counter.fetch_add(1, Ordering::SeqCst)))
        .build()
        .unwrap();
    let name = rt.block_on(async {
        avx::spawn(async { std::thread::current().name().map(str::to_owned) })
            .await
            .unwrap()
    });
    assert!(name.is_some_and(|n| n.starts_with("pool-")));
}

#[test]
#[should_panic(expected = "Worker threads cannot be set to 0")]
fn zero_worker_threads_panics() {
    Builder::new_multi_thread().worker_threads(0);
}

#[test]
#[should_panic(expected = "Max blocking threads cannot be set to 0")]
fn zero_blocking_threads_panics() {
    Builder::new_current_thread().max_blocking_threads(0);
}

#[test]
#[should_panic(expected = "global_queue_interval must be greater than 0")]
fn zero_global_queue_interval_panics() {
    Builder::new_current_thread().global_queue_interval(0);
}

#[test]
fn backend_names_parse() {
    assert_eq!("native".parse::<Backend>().unwrap(), Backend::Native);
    assert_eq!(" Tokio ".parse::<Backend>().unwrap(), Backend::Tokio);
    let err = "uring".parse::<Backend>().unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("uring"));
}

#[test]
fn runtime_new_builds_a_multi_thread_runtime() {
    // `Runtime::new` uses the default backend, which the test environment may
    // override with AVX_BACKEND.
    let rt = avx::runtime::Runtime::new().unwrap();
    assert_eq!(rt.handle().runtime_flavor(), RuntimeFlavor::MultiThread);
}

#[test]
fn a_runtime_survives_a_panicking_block_on_inside_catch_unwind() {
    // `Runtime` and `Handle` are `UnwindSafe` and `RefUnwindSafe`, as tokio's are,
    // so a closure borrowing one passes to `catch_unwind` as it is.
    fn unwind_safe<T: std::panic::UnwindSafe + std::panic::RefUnwindSafe>(_: &T) {}
    for flavor in [Flavor::CurrentThread, Flavor::MultiThread] {
        let rt = runtime(flavor);
        unwind_safe(&rt);
        unwind_safe(rt.handle());
        let panicked = std::panic::catch_unwind(|| rt.block_on(async { panic!("in block_on") }));
        assert!(panicked.is_err());
        assert_eq!(rt.block_on(async { 5 }), 5, "{flavor:?}");
    }
}

#[test]
fn a_named_runtime_reports_its_name_on_every_handle() {
    for flavor in FLAVORS {
        let rt = builder(flavor).name("ingest").build().unwrap();
        assert_eq!(rt.handle().name(), Some("ingest"));
        let current = rt.block_on(async { Handle::current().name().map(str::to_owned) });
        assert_eq!(current.as_deref(), Some("ingest"));
        assert_eq!(runtime(flavor).handle().name(), None);
    }
}

#[test]
#[should_panic(expected = "runtime name shouldn't be empty")]
fn an_empty_runtime_name_is_refused() {
    builder(Flavor::CurrentThread).name(" ");
}

#[test]
fn each_runtime_has_its_own_id_and_every_handle_reports_it() {
    let runtimes: Vec<_> = FLAVORS
        .iter()
        .chain(&FLAVORS)
        .map(|&f| runtime(f))
        .collect();
    let ids: Vec<_> = runtimes.iter().map(|rt| rt.handle().id()).collect();
    for (i, a) in ids.iter().enumerate() {
        for b in &ids[i + 1..] {
            assert_ne!(a, b);
        }
    }
    for (rt, id) in runtimes.iter().zip(&ids) {
        assert_eq!(rt.block_on(async { Handle::current().id() }), *id);
        assert_eq!(rt.handle().clone().id(), *id);
        let shown = id.to_string();
        assert!(shown.parse::<u64>().is_ok_and(|n| n > 0), "{shown}");
        assert_eq!(format!("{id:?}"), format!("Id({shown})"));
    }
}

#[test]
fn worker_index_is_some_only_on_a_thread_running_tasks() {
    assert_eq!(avx::runtime::worker_index(), None, "outside any runtime");
    let rt = runtime(Flavor::CurrentThread);
    let (in_block_on, in_task, in_blocking) = rt.block_on(async {
        let in_task = avx::spawn(async { avx::runtime::worker_index() });
        let in_blocking = avx::task::spawn_blocking(avx::runtime::worker_index);
        (
            avx::runtime::worker_index(),
            in_task.await.unwrap(),
            in_blocking.await.unwrap(),
        )
    });
    assert_eq!(
        (in_block_on, in_task, in_blocking),
        (Some(0), Some(0), None)
    );

    let rt = builder(Flavor::MultiThread)
        .worker_threads(2)
        .build()
        .unwrap();
    let (in_block_on, in_tasks, in_blocking) = rt.block_on(async {
        let tasks: Vec<_> = (0..8)
            .map(|_| avx::spawn(async { avx::runtime::worker_index() }))
            .collect();
        let mut in_tasks = Vec::new();
        for task in tasks {
            in_tasks.push(task.await.unwrap());
        }
        let in_blocking = avx::task::spawn_blocking(avx::runtime::worker_index);
        (
            avx::runtime::worker_index(),
            in_tasks,
            in_blocking.await.unwrap(),
        )
    });
    assert_eq!(in_block_on, None, "block_on's thread is not a worker");
    assert!(
        in_tasks.iter().all(|index| matches!(index, Some(0 | 1))),
        "{in_tasks:?}"
    );
    assert_eq!(in_blocking, None);
}

#[test]
fn io_on_a_dropped_runtime_fails_with_the_shutdown_error() {
    let first = runtime(Flavor::CurrentThread);
    let listener = first
        .block_on(avx::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    drop(first);
    let err = runtime(Flavor::CurrentThread)
        .block_on(listener.accept())
        .unwrap_err();
    assert!(avx::runtime::is_rt_shutdown_err(&err), "{err:?}");

    let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
    assert!(!avx::runtime::is_rt_shutdown_err(&refused));
    assert!(!avx::runtime::is_rt_shutdown_err(&std::io::Error::other(
        "shut"
    )));
}

#[test]
fn the_park_hooks_run_around_each_idle_wait() {
    for flavor in FLAVORS {
        let parks = Arc::new(AtomicUsize::new(0));
        let unparks = Arc::new(AtomicUsize::new(0));
        let (p, u) = (parks.clone(), unparks.clone());
        let rt = builder(flavor)
            .on_thread_park(move || {
                p.fetch_add(1, Ordering::SeqCst);
            })
            .on_thread_unpark(move || {
                u.fetch_add(1, Ordering::SeqCst);
            })
            .build()
            .unwrap();
        rt.block_on(async {
            let (tx, rx) = avx::sync::oneshot::channel();
            let seen = parks.clone();
            // Answers only once a runtime thread has gone idle waiting for it.
            let answer = std::thread::spawn(move || {
                while seen.load(Ordering::SeqCst) == 0 {
                    std::thread::yield_now();
                }
                tx.send(()).unwrap();
            });
            avx::spawn(async move { rx.await.unwrap() }).await.unwrap();
            answer.join().unwrap();
        });
        drop(rt);
        let (parks, unparks) = (parks.load(Ordering::SeqCst), unparks.load(Ordering::SeqCst));
        assert!(parks >= 1, "{flavor:?}");
        assert_eq!(unparks, parks, "{flavor:?}: every park ends in an unpark");
    }
}

#[test]
fn a_task_the_park_hook_spawns_runs_instead_of_the_wait() {
    for flavor in FLAVORS {
        let (tx, rx) = avx::sync::oneshot::channel();
        let tx = std::sync::Mutex::new(Some(tx));
        let rt = builder(flavor)
            .on_thread_park(move || {
                if let Some(tx) = tx.lock().unwrap().take() {
                    avx::spawn(async move { tx.send(7).unwrap() });
                }
            })
            .build()
            .unwrap();
        // Nothing else would ever send: only the hook's task completes this.
        assert_eq!(rt.block_on(rx).unwrap(), 7, "{flavor:?}");
    }
}

#[test]
fn a_wake_the_park_hook_defers_is_not_slept_through() {
    // The hook polls `yield_now`, whose wake is deferred to the scheduler; the
    // wake notifies what `block_on` waits for, so parking before it would hang.
    struct NotifyOnWake(avx::sync::Notify);
    impl std::task::Wake for NotifyOnWake {
        fn wake(self: Arc<Self>) {
            self.0.notify_one();
        }
    }
    let notify = Arc::new(NotifyOnWake(avx::sync::Notify::new()));
    let waker = std::task::Waker::from(notify.clone());
    let polled = std::sync::atomic::AtomicBool::new(false);
    let rt = builder(Flavor::CurrentThread)
        .on_thread_park(move || {
            if !polled.swap(true, Ordering::SeqCst) {
                let mut cx = std::task::Context::from_waker(&waker);
                let _ = std::pin::pin!(avx::task::yield_now()).poll(&mut cx);
            }
        })
        .build()
        .unwrap();
    rt.block_on(notify.0.notified());
}

#[test]
fn a_zero_event_interval_panics_at_the_callers_line() {
    let file = super::panic_file(|| {
        builder(Flavor::MultiThread).event_interval(0);
    });
    assert_eq!(file.as_deref(), Some(file!()));
    let panic = std::panic::catch_unwind(|| {
        builder(Flavor::CurrentThread).event_interval(0);
    })
    .unwrap_err();
    let message = panic.downcast_ref::<&str>().copied();
    assert_eq!(message, Some("event_interval must be greater than 0"));
}
