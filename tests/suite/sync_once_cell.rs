//! `avx::sync::OnceCell`: set once, async initialisation with waiters, what a
//! cancelled or failed initialiser does, and the constructors.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use avx::sync::{OnceCell, SetError};

use super::sync_util::Polled;

rt_test! {
    async fn set_then_get() {
        let cell = OnceCell::new();
        assert!(!cell.initialized());
        assert_eq!(cell.get(), None);
        cell.set(1).unwrap();
        assert!(cell.initialized());
        assert_eq!(cell.get(), Some(&1));
        let err = cell.set(2).unwrap_err();
        assert_eq!(err, SetError::AlreadyInitializedError(2));
        assert!(err.is_already_init_err());
        assert_eq!(err.to_string(), "AlreadyInitializedError");
    }
}

mt_test! {
    async fn get_or_init_runs_the_initialiser_once() {
        static CELL: OnceCell<u32> = OnceCell::const_new();
        let runs = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let runs = Arc::clone(&runs);
            tasks.push(avx::spawn(async move {
                *CELL
                    .get_or_init(|| async {
                        runs.fetch_add(1, Ordering::SeqCst);
                        avx::task::yield_now().await;
                        42
                    })
                    .await
            }));
        }
        for task in tasks {
            assert_eq!(task.await.unwrap(), 42);
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }
}

rt_test! {
    async fn waiters_get_the_value_of_the_running_initialiser() {
        let cell = OnceCell::new();
        let (tx, rx) = avx::sync::oneshot::channel();
        let mut first = Polled::new(cell.get_or_init(|| async { rx.await.unwrap() }));
        first.pending();
        let mut second = Polled::new(cell.get_or_init(|| async { unreachable!("not run") }));
        second.pending();
        let err = cell.set(0).unwrap_err();
        assert!(err.is_initializing_err());
        assert_eq!(err.to_string(), "InitializingError");
        tx.send(5).unwrap();
        assert_eq!(*first.ready(), 5);
        assert!(second.is_woken());
        assert_eq!(*second.ready(), 5);
    }
}

rt_test! {
    async fn a_cancelled_initialiser_lets_the_next_waiter_try() {
        let cell = OnceCell::new();
        let mut first = Polled::new(cell.get_or_init(std::future::pending::<u8>));
        first.pending();
        let mut second = Polled::new(cell.get_or_init(|| async { 2 }));
        second.pending();
        drop(first);
        assert!(second.is_woken());
        assert_eq!(*second.ready(), 2);
    }
}

rt_test! {
    async fn a_failed_initialiser_leaves_the_cell_empty() {
        let cell = OnceCell::new();
        let result = cell
            .get_or_try_init(|| async { Err::<u8, &str>("no") })
            .await;
        assert_eq!(result, Err("no"));
        assert!(!cell.initialized());
        let value = cell.get_or_try_init(|| async { Ok::<u8, &str>(3) }).await;
        assert_eq!(value, Ok(&3));
    }
}

rt_test! {
    async fn take_get_mut_into_inner() {
        let mut cell = OnceCell::new();
        assert_eq!(cell.take(), None);
        cell.set(String::from("a")).unwrap();
        cell.get_mut().unwrap().push('b');
        assert_eq!(cell.take().as_deref(), Some("ab"));
        assert!(!cell.initialized());
        cell.set(String::from("c")).unwrap(); // Settable again after take.
        assert_eq!(cell.into_inner().as_deref(), Some("c"));
    }
}

rt_test! {
    async fn constructors_and_traits() {
        static PRESET: OnceCell<u8> = OnceCell::const_new_with(1);
        assert_eq!(PRESET.get(), Some(&1));
        assert_eq!(*PRESET.get_or_init(|| async { unreachable!() }).await, 1);
        assert_eq!(OnceCell::new_with(Some(2)).get(), Some(&2));
        assert_eq!(OnceCell::<u8>::new_with(None).get(), None);
        let from = OnceCell::from(3);
        assert!(from.set(4).unwrap_err().is_already_init_err());
        assert_eq!(from.clone(), from);
        assert_ne!(from, OnceCell::default());
        assert_eq!(format!("{from:?}"), "OnceCell { value: Some(3) }");
    }
}

#[test]
fn once_cell_is_send_and_sync() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    let cell = OnceCell::<String>::new();
    send_sync(&cell);
    send_sync(&cell.get_or_init(|| async { String::new() }));
}

#[cfg(feature = "tokio")]
#[test]
fn once_cell_across_a_native_and_a_tokio_runtime() {
    use super::sync_util::runtime_on;
    use avx::runtime::Backend;

    let native = runtime_on(Backend::Native);
    let tokio = runtime_on(Backend::Tokio);
    let cell = Arc::new(OnceCell::new());
    let (tx, rx) = avx::sync::oneshot::channel::<u32>();
    let initialiser = {
        let cell = Arc::clone(&cell);
        tokio.spawn(async move { *cell.get_or_init(|| async { rx.await.unwrap() }).await })
    };
    let waiter = {
        let cell = Arc::clone(&cell);
        native.spawn(async move {
            // Whichever task initialises, both see the same value.
            *cell.get_or_init(|| async { 7 }).await
        })
    };
    let _ = tx.send(9);
    let a = tokio.block_on(initialiser).unwrap();
    let b = native.block_on(waiter).unwrap();
    assert_eq!(a, b);
}
