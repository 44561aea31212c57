//! `avx::sync::Mutex`: locking, FIFO hand-off, cancellation, owned and blocking
//! variants, and what a panic while locked does.

use std::sync::Arc;

use avx::sync::{Mutex, MutexGuard, OwnedMutexGuard, TryLockError};

use super::sync_util::Polled;

rt_test! {
    async fn lock_gives_exclusive_access() {
        let mutex = Mutex::new(1);
        let mut guard = mutex.lock().await;
        *guard += 1;
        assert!(mutex.try_lock().is_err());
        drop(guard);
        assert_eq!(*mutex.lock().await, 2);
    }
}

rt_test! {
    async fn try_lock_fails_with_try_lock_error_while_locked() {
        let mutex = Mutex::new(());
        let _guard = mutex.lock().await;
        let err: TryLockError = mutex.try_lock().unwrap_err();
        assert_eq!(err.to_string(), "operation would block");
    }
}

rt_test! {
    async fn waiters_get_the_lock_in_fifo_order() {
        let mutex = Mutex::new(Vec::new());
        let guard = mutex.lock().await;
        let mut first = Polled::new(async {
            mutex.lock().await.push(1);
        });
        let mut second = Polled::new(async {
            mutex.lock().await.push(2);
        });
        first.pending();
        second.pending();
        drop(guard);
        assert!(first.is_woken());
        assert!(!second.is_woken());
        // The lock was handed to `first`: nobody can take it in between.
        assert!(mutex.try_lock().is_err());
        second.pending();
        first.ready();
        assert!(second.is_woken());
        second.ready();
        assert_eq!(*mutex.lock().await, vec![1, 2]);
    }
}

rt_test! {
    async fn cancelling_a_lock_that_was_handed_over_passes_it_on() {
        let mutex = Mutex::new(0);
        let guard = mutex.lock().await;
        let mut first = Polled::new(mutex.lock());
        let mut second = Polled::new(mutex.lock());
        first.pending();
        second.pending();
        drop(guard);
        drop(first);
        assert!(second.is_woken());
        drop(second.ready());
        assert!(mutex.try_lock().is_ok());
    }
}

rt_test! {
    async fn cancelling_a_queued_lock_gives_up_its_place() {
        let mutex = Mutex::new(0);
        let guard = mutex.lock().await;
        let mut first = Polled::new(mutex.lock());
        let mut second = Polled::new(mutex.lock());
        first.pending();
        second.pending();
        drop(first);
        drop(guard);
        assert!(second.is_woken());
        drop(second.ready());
    }
}

mt_test! {
    async fn the_guard_can_be_held_across_await_in_spawned_tasks() {
        let mutex = Arc::new(Mutex::new(0u32));
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let mutex = Arc::clone(&mutex);
            tasks.push(avx::spawn(async move {
                for _ in 0..50 {
                    let mut guard = mutex.lock().await;
                    let seen = *guard;
                    avx::task::yield_now().await;
                    *guard = seen + 1;
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(*mutex.lock().await, 400);
    }
}

rt_test! {
    async fn owned_guards() {
        let mutex = Arc::new(Mutex::new(String::new()));
        let mut guard: OwnedMutexGuard<String> = Arc::clone(&mutex).lock_owned().await;
        guard.push('a');
        assert!(Arc::ptr_eq(OwnedMutexGuard::mutex(&guard), &mutex));
        assert!(Arc::clone(&mutex).try_lock_owned().is_err());
        drop(guard);
        let mut guard = Arc::clone(&mutex).try_lock_owned().unwrap();
        guard.push('b');
        drop(guard);
        assert_eq!(*mutex.lock().await, "ab");
    }
}

mt_test! {
    async fn an_owned_guard_moves_into_a_task() {
        let mutex = Arc::new(Mutex::new(0));
        let guard = Arc::clone(&mutex).lock_owned().await;
        let task = avx::spawn(async move {
            let mut guard = guard;
            *guard = 7;
        });
        task.await.unwrap();
        assert_eq!(*mutex.lock().await, 7);
    }
}

#[test]
fn blocking_lock_outside_a_runtime() {
    let mutex = Arc::new(Mutex::new(0));
    let guard = Arc::clone(&mutex).blocking_lock_owned();
    let thread = {
        let mutex = Arc::clone(&mutex);
        std::thread::spawn(move || *mutex.blocking_lock() += 1)
    };
    drop(guard);
    thread.join().unwrap();
    assert_eq!(*mutex.blocking_lock(), 1);
}

rt_test! {
    #[should_panic(expected = "Cannot block the current thread from within a runtime")]
    async fn blocking_lock_inside_a_runtime_panics() {
        let mutex = Mutex::new(0);
        let _guard = mutex.blocking_lock();
    }
}

mt_test! {
    async fn a_panic_while_locked_unlocks_without_poisoning() {
        let mutex = Arc::new(Mutex::new(5));
        let task = {
            let mutex = Arc::clone(&mutex);
            avx::spawn(async move {
                let _guard = mutex.lock().await;
                panic!("panic while holding the lock");
            })
        };
        assert!(task.await.is_err());
        assert_eq!(*mutex.lock().await, 5);
    }
}

rt_test! {
    async fn get_mut_into_inner_from_default() {
        let mut mutex = Mutex::from(1);
        *mutex.get_mut() = 2;
        assert_eq!(mutex.into_inner(), 2);
        assert_eq!(Mutex::<Vec<u8>>::default().into_inner(), Vec::<u8>::new());
    }
}

rt_test! {
    async fn const_new_debug_and_display() {
        static COUNT: Mutex<u32> = Mutex::const_new(0);
        *COUNT.lock().await += 1;
        let guard: MutexGuard<'_, u32> = COUNT.lock().await;
        assert_eq!(format!("{guard} {guard:?}"), "1 1");
        assert!(std::ptr::eq(MutexGuard::mutex(&guard), &COUNT));
        assert_eq!(format!("{:?}", COUNT), "Mutex { data: <locked> }");
        drop(guard);
        assert_eq!(format!("{:?}", COUNT), "Mutex { data: 1 }");
    }
}

#[test]
fn mutex_types_are_send_and_sync() {
    fn send<T: Send>(_: &T) {}
    fn sync<T: Sync>(_: &T) {}
    let mutex = Arc::new(Mutex::new(0));
    sync(&mutex);
    send(&mutex.lock());
    send(&Arc::clone(&mutex).lock_owned());
    let guard = mutex.try_lock().unwrap();
    send(&guard);
    sync(&guard);
}

#[cfg(feature = "tokio")]
#[test]
fn mutex_across_a_native_and_a_tokio_runtime() {
    use super::sync_util::runtime_on;
    use avx::runtime::Backend;

    let native = runtime_on(Backend::Native);
    let tokio = runtime_on(Backend::Tokio);
    let mutex = Arc::new(Mutex::new(0u32));
    let add = |mutex: Arc<Mutex<u32>>| async move {
        for _ in 0..200 {
            let mut guard = mutex.lock().await;
            avx::task::yield_now().await;
            *guard += 1;
        }
    };
    let on_tokio = tokio.spawn(add(Arc::clone(&mutex)));
    let on_native = native.spawn(add(Arc::clone(&mutex)));
    tokio.block_on(on_tokio).unwrap();
    native.block_on(on_native).unwrap();
    assert_eq!(*mutex.try_lock().unwrap(), 400);
}
