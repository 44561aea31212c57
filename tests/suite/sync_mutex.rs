//! `avx::sync::Mutex`: locking, FIFO hand-off, cancellation, owned and blocking
//! variants, mapped guards, unsized values, what a panic while locked does, and
//! tokio's `Send`/`Sync` bounds (checked at compile time).

use std::cell::Cell;
use std::fmt::{Debug, Display};
use std::rc::Rc;
use std::sync::Arc;

use avx::sync::{
    MappedMutexGuard, Mutex, MutexGuard, OwnedMappedMutexGuard, OwnedMutexGuard, TryLockError,
};

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

rt_test! {
    async fn map_and_try_map_keep_the_lock_until_the_mapped_guard_drops() {
        #[derive(Debug, PartialEq)]
        struct Config {
            name: String,
            ports: Vec<u16>,
        }
        let mutex = Mutex::new(Config { name: "a".into(), ports: vec![80] });
        let guard = mutex.lock().await;
        let guard = MutexGuard::try_map(guard, |c| c.ports.get_mut(3)).unwrap_err();
        let mut ports: MappedMutexGuard<'_, Vec<u16>> = MutexGuard::map(guard, |c| &mut c.ports);
        ports.push(443);
        assert!(mutex.try_lock().is_err());
        let mut first = MappedMutexGuard::map(ports, |p| &mut p[0]);
        *first = 8080;
        let first = MappedMutexGuard::try_map(first, |_| None::<&mut u8>).unwrap_err();
        assert_eq!(format!("{first} {first:?}"), "8080 8080");
        // A waiter queued behind the mapped guard gets the lock when it drops.
        let mut waiter = Polled::new(mutex.lock());
        waiter.pending();
        drop(first);
        assert!(waiter.is_woken());
        let guard = waiter.ready();
        assert_eq!(*guard, Config { name: "a".into(), ports: vec![8080, 443] });
    }
}

rt_test! {
    async fn owned_mapped_guards_are_static_and_unlock_on_drop() {
        let mutex = Arc::new(Mutex::new((0u32, String::new())));
        let guard = Arc::clone(&mutex).lock_owned().await;
        let guard = OwnedMutexGuard::try_map(guard, |_| None::<&mut u8>).unwrap_err();
        let text: OwnedMappedMutexGuard<(u32, String), String> =
            OwnedMutexGuard::map(guard, |pair| &mut pair.1);
        let text = OwnedMappedMutexGuard::try_map(text, |_| None::<&mut u8>).unwrap_err();
        let text = OwnedMappedMutexGuard::map(text, |s| s);
        let mut text = OwnedMappedMutexGuard::try_map(text, |s| Some(s)).unwrap();
        text.push_str("moved");
        let task = avx::spawn(async move {
            let mut text = text;
            text.push_str(" into a task");
        });
        task.await.unwrap();
        assert_eq!(mutex.lock().await.1, "moved into a task");
    }
}

rt_test! {
    async fn unsized_values_through_box_and_arc() {
        let boxed: Box<Mutex<dyn Debug + Send>> = Box::new(Mutex::new(vec![1, 2]));
        assert_eq!(format!("{:?}", &*boxed.lock().await), "[1, 2]");
        assert_eq!(format!("{boxed:?}"), "Mutex { data: [1, 2] }");

        let shared: Arc<Mutex<[u8]>> = Arc::new(Mutex::new([1, 2, 3]));
        Arc::clone(&shared).lock_owned().await[0] = 10;
        let tail = MutexGuard::map(shared.lock().await, |bytes| &mut bytes[1..]);
        assert_eq!(&*tail, &[2, 3]);
        drop(tail);
        let mut display: Box<Mutex<dyn Display + Send>> = Box::new(Mutex::new(5));
        assert_eq!(display.get_mut().to_string(), "5");
        assert_eq!(display.try_lock().unwrap().to_string(), "5");
    }
}

rt_test! {
    async fn lock_futures_are_send_and_sync() {
        fn send_sync<T: Send + Sync>(_: &T) {}
        let mutex = Arc::new(Mutex::new(0));
        send_sync(&mutex.lock());
        send_sync(&Arc::clone(&mutex).lock_owned());
    }
}

/// Fails to compile if `$ty` implements the trait: with both impls below applying,
/// the `_` cannot be inferred.
macro_rules! assert_not_impl {
    ($ty:ty: $($bound:tt)+) => {
        const _: fn() = || {
            trait AmbiguousIfImpl<A> {
                fn some_item() {}
            }
            impl<T: ?Sized> AmbiguousIfImpl<()> for T {}
            struct Invalid;
            impl<T: ?Sized + $($bound)+> AmbiguousIfImpl<Invalid> for T {}
            let _ = <$ty as AmbiguousIfImpl<_>>::some_item;
        };
    };
}
pub(crate) use assert_not_impl;

/// Compile-time checks of tokio's bounds: `Mutex<T>` is `Send + Sync` for
/// `T: Send`; the guards are `Send` for `T: Send` and `Sync` only for
/// `T: Send + Sync`; the owned mapped guard asks both of `T` and `U`.
#[allow(
    dead_code,
    reason = "compiled, not run: the check is that it type-checks"
)]
fn send_and_sync_bounds_are_tokios() {
    fn send<T: ?Sized + Send>() {}
    fn sync<T: ?Sized + Sync>() {}
    fn unpin<T: ?Sized + Unpin>() {}
    // `Cell` is `Send` but not `Sync`: a mutex makes it shareable.
    send::<Mutex<Cell<u8>>>();
    sync::<Mutex<Cell<u8>>>();
    send::<Mutex<dyn Debug + Send>>();
    sync::<Mutex<dyn Debug + Send>>();
    send::<MutexGuard<'static, Cell<u8>>>();
    send::<MappedMutexGuard<'static, Cell<u8>>>();
    send::<OwnedMutexGuard<Cell<u8>>>();
    send::<OwnedMappedMutexGuard<Cell<u8>, Cell<u8>>>();
    sync::<MutexGuard<'static, u8>>();
    sync::<MappedMutexGuard<'static, u8>>();
    sync::<OwnedMutexGuard<u8>>();
    sync::<OwnedMappedMutexGuard<u8, u8>>();
    unpin::<MutexGuard<'static, u8>>();
    unpin::<MappedMutexGuard<'static, u8>>();
    unpin::<OwnedMutexGuard<u8>>();
    unpin::<OwnedMappedMutexGuard<u8, u8>>();
}

assert_not_impl!(Mutex<Rc<u8>>: Send);
assert_not_impl!(Mutex<Rc<u8>>: Sync);
assert_not_impl!(MutexGuard<'static, Cell<u8>>: Sync);
assert_not_impl!(MutexGuard<'static, Rc<u8>>: Send);
assert_not_impl!(MappedMutexGuard<'static, Cell<u8>>: Sync);
assert_not_impl!(MappedMutexGuard<'static, Rc<u8>>: Send);
assert_not_impl!(OwnedMutexGuard<Cell<u8>>: Sync);
assert_not_impl!(OwnedMutexGuard<Rc<u8>>: Send);
assert_not_impl!(OwnedMappedMutexGuard<u8, Cell<u8>>: Sync);
assert_not_impl!(OwnedMappedMutexGuard<Cell<u8>, u8>: Sync);
assert_not_impl!(OwnedMappedMutexGuard<Rc<u8>, u8>: Send);
assert_not_impl!(OwnedMappedMutexGuard<u8, Rc<u8>>: Send);

rt_test! {
    async fn a_task_with_its_budget_spent_keeps_its_place_in_line() {
        // The queue comes before the budget: a waiter whose task spent its budget
        // is still queued first, and the hand-off wakes it, not the one behind.
        let mutex = Arc::new(Mutex::new(()));
        let first = mutex.clone().lock_owned().await;
        let spent = Arc::clone(&mutex);
        let mut a = Polled::new(async move {
            while futures_now_or_never(avx::task::coop::consume_budget()) {}
            spent.lock_owned().await
        });
        a.pending();
        let mut b = Polled::new(mutex.clone().lock_owned());
        b.pending();
        drop(first);
        assert!(a.is_woken());
        assert!(!b.is_woken());
    }
}

/// Polls `future` once: whether it completed.
fn futures_now_or_never<F: std::future::Future>(future: F) -> bool {
    super::sync_util::poll_once(std::pin::pin!(future)).is_ready()
}
