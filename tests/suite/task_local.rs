//! `avx::task_local!`, `LocalKey` and `TaskLocalFuture`.

use std::cell::Cell;
use std::future::{Future, poll_fn};
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::task::Poll;

use avx::task::{self, LocalKey};

use super::{Flavor, runtime};

avx::task_local! {
    static NUMBER: u32;
    /// Keys take attributes and visibility, and several fit in one invocation.
    pub(crate) static NAME: String;
    static COUNTER: Cell<u32>
}

avx::task_local! {}

avx::task_local! {
    static TRAILING: u8;
    // A key's type need not be `Send` or `Sync`.
    static SHARED: std::rc::Rc<u8>;
}

rt_test! {
    async fn scope_sets_the_value_for_the_future() {
        let inside = NUMBER
            .scope(5, async {
                assert_eq!(NUMBER.get(), 5);
                assert_eq!(NUMBER.try_get(), Ok(5));
                assert_eq!(NUMBER.with(|n| n * 2), 10);
                assert_eq!(NUMBER.try_with(|n| n + 1), Ok(6));
                task::yield_now().await;
                // Still set after the future was suspended and resumed.
                NUMBER.get()
            })
            .await;
        assert_eq!(inside, 5);
        assert!(NUMBER.try_get().is_err(), "unset once the scope is done");
    }
}

rt_test! {
    async fn a_value_outlives_thread_moves_in_a_spawned_task() {
        let joins: Vec<_> = (0..16u32)
            .map(|i| {
                avx::spawn(NUMBER.scope(i, async move {
                    for _ in 0..10 {
                        task::yield_now().await;
                        assert_eq!(NUMBER.get(), i);
                    }
                    NUMBER.get()
                }))
            })
            .collect();
        for (i, join) in joins.into_iter().enumerate() {
            assert_eq!(join.await.unwrap(), i as u32);
        }
    }
}

rt_test! {
    async fn scopes_nest_and_restore_the_outer_value() {
        NUMBER
            .scope(1, async {
                let inner = NUMBER.scope(2, async {
                    task::yield_now().await;
                    NUMBER.get()
                });
                assert_eq!(inner.await, 2);
                assert_eq!(NUMBER.get(), 1, "the outer value is back");
                let synced = NUMBER.sync_scope(3, || NUMBER.get());
                assert_eq!(synced, 3);
                assert_eq!(NUMBER.get(), 1);
            })
            .await;
    }
}

rt_test! {
    async fn interleaved_scopes_on_one_thread_see_their_own_values() {
        // Two scoped futures polled alternately by one task, so on one thread.
        let trace = Mutex::new(Vec::new());
        let mut a = pin!(NUMBER.scope(10, async {
            for _ in 0..3 {
                trace.lock().unwrap().push(NUMBER.get());
                task::yield_now().await;
            }
        }));
        let mut b = pin!(NUMBER.scope(20, async {
            for _ in 0..3 {
                trace.lock().unwrap().push(NUMBER.get());
                task::yield_now().await;
            }
        }));
        let (mut a_done, mut b_done) = (false, false);
        poll_fn(|cx| {
            if !a_done {
                a_done = a.as_mut().poll(cx).is_ready();
            }
            assert!(NUMBER.try_get().is_err(), "nothing leaks between polls");
            if !b_done {
                b_done = b.as_mut().poll(cx).is_ready();
            }
            if a_done && b_done {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
        .await;
        assert_eq!(*trace.lock().unwrap(), [10, 20, 10, 20, 10, 20]);
    }
}

rt_test! {
    async fn a_spawned_task_does_not_inherit_the_value() {
        NUMBER
            .scope(7, async {
                let seen = avx::spawn(async { NUMBER.try_get() }).await.unwrap();
                assert!(seen.is_err());
                assert_eq!(NUMBER.get(), 7);
            })
            .await;
    }
}

rt_test! {
    async fn each_key_is_independent() {
        NAME.scope("outer".to_owned(), NUMBER.scope(9, async {
            assert_eq!(NAME.get(), "outer");
            assert_eq!(NUMBER.get(), 9);
            assert!(TRAILING.try_get().is_err());
            SHARED.sync_scope(std::rc::Rc::new(1), || assert_eq!(*SHARED.get(), 1));
        }))
        .await;
    }
}

#[test]
fn sync_scope_returns_the_closure_output_and_unsets_after() {
    assert_eq!(NUMBER.sync_scope(4, || NUMBER.get() + 1), 5);
    assert!(NUMBER.try_with(|_| ()).is_err());
    let nested = NAME.sync_scope("a".into(), || {
        let inner = NAME.sync_scope("b".into(), || NAME.get());
        (inner, NAME.get())
    });
    assert_eq!(nested, ("b".to_owned(), "a".to_owned()));
}

#[test]
fn sync_scope_restores_the_value_after_a_panic() {
    NUMBER.sync_scope(1, || {
        let caught = std::panic::catch_unwind(|| NUMBER.sync_scope(2, || panic!("inner")));
        assert!(caught.is_err());
        assert_eq!(NUMBER.get(), 1);
    });
    assert!(NUMBER.try_get().is_err());
}

#[test]
fn the_inner_future_is_dropped_with_the_value_set() {
    struct ReadOnDrop(Arc<Mutex<Option<u32>>>);
    impl Drop for ReadOnDrop {
        fn drop(&mut self) {
            *self.0.lock().unwrap() = Some(NUMBER.get());
        }
    }

    // Dropped before it was ever polled.
    let seen = Arc::new(Mutex::new(None));
    let guard = ReadOnDrop(seen.clone());
    drop(NUMBER.scope(11, async move {
        let _guard = guard;
    }));
    assert_eq!(*seen.lock().unwrap(), Some(11));

    // Dropped mid-way, after a poll.
    let rt = runtime(Flavor::CurrentThread);
    let seen = Arc::new(Mutex::new(None));
    let guard = ReadOnDrop(seen.clone());
    rt.block_on(async {
        let mut scoped = Box::pin(NUMBER.scope(12, async move {
            let _guard = guard;
            std::future::pending::<()>().await;
        }));
        poll_fn(|cx| {
            assert!(scoped.as_mut().poll(cx).is_pending());
            Poll::Ready(())
        })
        .await;
        drop(scoped);
    });
    assert_eq!(*seen.lock().unwrap(), Some(12));

    // And on completion.
    let seen = Arc::new(Mutex::new(None));
    let guard = ReadOnDrop(seen.clone());
    rt.block_on(NUMBER.scope(13, async move {
        let _guard = guard;
    }));
    assert_eq!(*seen.lock().unwrap(), Some(13));
}

#[test]
fn a_cell_value_can_be_updated_inside_the_scope() {
    let rt = runtime(Flavor::CurrentThread);
    let last = rt.block_on(COUNTER.scope(Cell::new(0), async {
        for i in 1..=3 {
            COUNTER.with(|cell| cell.set(i));
            task::yield_now().await;
        }
        COUNTER.with(Cell::get)
    }));
    assert_eq!(last, 3);
}

#[test]
fn take_value_removes_it_from_the_future() {
    let rt = runtime(Flavor::CurrentThread);
    rt.block_on(async {
        let mut scoped = pin!(NUMBER.scope(8, async { NUMBER.try_get() }));
        assert_eq!(scoped.as_mut().take_value(), Some(8));
        assert_eq!(scoped.as_mut().take_value(), None);
        assert!(
            scoped.await.is_err(),
            "a taken value is unset in later polls"
        );
    });
}

#[test]
fn debug_and_display() {
    let key: &'static LocalKey<u32> = &NUMBER;
    assert_eq!(format!("{key:?}"), "LocalKey { .. }");
    let scoped = NUMBER.scope(3, async {});
    assert_eq!(format!("{scoped:?}"), "TaskLocalFuture { value: 3 }");
    let err = NUMBER.try_get().unwrap_err();
    assert_eq!(err.to_string(), "task-local value not set");
    assert_eq!(format!("{err:?}"), "AccessError");
    let _: &dyn std::error::Error = &err;
    let named: avx::task::futures::TaskLocalFuture<u32, std::future::Ready<()>> =
        NUMBER.scope(1, std::future::ready(()));
    drop(named);
}

#[test]
#[should_panic(expected = "cannot access a task-local storage value without setting it first")]
fn with_outside_a_scope_panics() {
    NUMBER.with(|_| ());
}

#[test]
#[should_panic(expected = "cannot access a task-local storage value without setting it first")]
fn get_outside_a_scope_panics() {
    NAME.get();
}

#[test]
#[should_panic(
    expected = "cannot enter a task-local scope while the task-local storage is borrowed"
)]
fn entering_a_scope_inside_with_panics() {
    NUMBER.sync_scope(1, || NUMBER.with(|_| NUMBER.sync_scope(2, || ())));
}

#[test]
#[should_panic(
    expected = "cannot enter a task-local scope while the task-local storage is borrowed"
)]
fn polling_a_scope_inside_with_panics() {
    NUMBER.sync_scope(1, || {
        NUMBER.with(|_| {
            let mut scoped = pin!(NUMBER.scope(2, async {}));
            let _ = scoped
                .as_mut()
                .poll(&mut std::task::Context::from_waker(std::task::Waker::noop()));
        })
    });
}

#[test]
#[should_panic(expected = "`TaskLocalFuture` polled after completion")]
fn polling_after_completion_panics() {
    let mut scoped = pin!(NUMBER.scope(1, async {}));
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    assert!(scoped.as_mut().poll(&mut cx).is_ready());
    let _ = scoped.as_mut().poll(&mut cx);
}
