//! `avx::sync::RwLock`: shared and exclusive access, fairness (writers are not
//! starved), `with_max_readers`, `downgrade`, owned and blocking variants,
//! cancellation, mapped guards, unsized values, and tokio's `Send`/`Sync` bounds
//! (checked at compile time).

use std::cell::Cell;
use std::fmt::Debug;
use std::rc::Rc;
use std::sync::Arc;

use avx::sync::{
    OwnedRwLockMappedWriteGuard, OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock,
    RwLockMappedWriteGuard, RwLockReadGuard, RwLockWriteGuard, TryLockError,
};

use super::sync_mutex::assert_not_impl;

use super::sync_util::Polled;

rt_test! {
    async fn many_readers_or_one_writer() {
        let lock = RwLock::new(1);
        let a: RwLockReadGuard<'_, i32> = lock.read().await;
        let b = lock.read().await;
        assert_eq!(*a + *b, 2);
        let err: TryLockError = lock.try_write().unwrap_err();
        assert_eq!(err.to_string(), "operation would block");
        drop((a, b));
        let mut w: RwLockWriteGuard<'_, i32> = lock.write().await;
        *w += 1;
        assert!(lock.try_read().is_err());
        assert!(lock.try_write().is_err());
        drop(w);
        assert_eq!(*lock.read().await, 2);
    }
}

rt_test! {
    async fn a_waiting_writer_is_not_starved_by_new_readers() {
        let lock = RwLock::new(0);
        let reader = lock.read().await;
        let mut writer = Polled::new(async {
            *lock.write().await += 1;
        });
        writer.pending();
        // A reader that comes after the writer waits behind it.
        assert!(lock.try_read().is_err());
        let mut late_reader = Polled::new(async { *lock.read().await });
        late_reader.pending();
        drop(reader);
        assert!(writer.is_woken());
        assert!(!late_reader.is_woken());
        writer.ready();
        assert_eq!(late_reader.ready(), 1);
    }
}

rt_test! {
    async fn waiting_writers_are_served_in_order() {
        let lock = RwLock::new(Vec::new());
        let reader = lock.read().await;
        let mut first = Polled::new(async { lock.write().await.push(1) });
        let mut second = Polled::new(async { lock.write().await.push(2) });
        first.pending();
        second.pending();
        drop(reader);
        first.ready();
        second.ready();
        assert_eq!(*lock.read().await, vec![1, 2]);
    }
}

rt_test! {
    async fn cancelling_a_queued_writer_releases_the_readers_behind_it() {
        let lock = RwLock::new(0);
        let reader = lock.read().await;
        let mut writer = Polled::new(lock.write());
        writer.pending();
        let mut late_reader = Polled::new(lock.read());
        late_reader.pending();
        drop(writer);
        assert!(late_reader.is_woken());
        drop(late_reader.ready());
        drop(reader);
        assert!(lock.try_write().is_ok());
    }
}

rt_test! {
    async fn downgrade_is_atomic() {
        let lock = Arc::new(RwLock::new(1));
        let mut w = lock.write().await;
        *w = 2;
        let mut other_writer = Polled::new({
            let lock = Arc::clone(&lock);
            async move { *lock.write().await = 3 }
        });
        other_writer.pending();
        let r = w.downgrade();
        assert_eq!(*r, 2, "no writer got in between");
        other_writer.pending();
        drop(r);
        other_writer.ready();
        assert_eq!(*lock.read().await, 3);
    }
}

rt_test! {
    async fn with_max_readers_limits_readers() {
        let lock = RwLock::with_max_readers(0, 2);
        let a = lock.read().await;
        let _b = lock.read().await;
        let mut third = Polled::new(lock.read());
        third.pending();
        drop(a);
        assert!(third.is_woken());
        drop(third.ready());
    }
}

#[test]
#[should_panic(expected = "a RwLock may not be created with 0 readers")]
fn zero_max_readers_panics() {
    let _ = RwLock::with_max_readers((), 0);
}

#[test]
#[should_panic(expected = "a RwLock may not be created with more than")]
fn too_many_max_readers_panics() {
    let _ = RwLock::with_max_readers((), u32::MAX);
}

rt_test! {
    async fn owned_guards() {
        let lock = Arc::new(RwLock::new(String::from("a")));
        let mut w: OwnedRwLockWriteGuard<String> = Arc::clone(&lock).write_owned().await;
        w.push('b');
        assert!(Arc::ptr_eq(OwnedRwLockWriteGuard::rwlock(&w), &lock));
        assert!(Arc::clone(&lock).try_read_owned().is_err());
        let r: OwnedRwLockReadGuard<String> = w.downgrade();
        assert_eq!(&*r, "ab");
        assert!(Arc::ptr_eq(OwnedRwLockReadGuard::rwlock(&r), &lock));
        let r2 = Arc::clone(&lock).read_owned().await;
        assert!(Arc::clone(&lock).try_write_owned().is_err());
        drop((r, r2));
        let mut w = Arc::clone(&lock).try_write_owned().unwrap();
        w.push('c');
        drop(w);
        assert_eq!(&*Arc::clone(&lock).try_read_owned().unwrap(), "abc");
    }
}

mt_test! {
    async fn readers_and_writers_in_many_tasks() {
        let lock = Arc::new(RwLock::new(0u32));
        let mut tasks = Vec::new();
        for i in 0..8 {
            let lock = Arc::clone(&lock);
            tasks.push(avx::spawn(async move {
                for _ in 0..50 {
                    if i % 2 == 0 {
                        let mut w = lock.write().await;
                        let seen = *w;
                        avx::task::yield_now().await;
                        *w = seen + 1;
                    } else {
                        let r = lock.read().await;
                        avx::task::yield_now().await;
                        assert!(*r <= 200);
                    }
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(*lock.read().await, 200);
    }
}

#[test]
fn blocking_read_and_write_outside_a_runtime() {
    let lock = Arc::new(RwLock::new(0));
    let reader = lock.blocking_read();
    let writer = {
        let lock = Arc::clone(&lock);
        std::thread::spawn(move || *lock.blocking_write() = 1)
    };
    assert_eq!(*reader, 0);
    drop(reader);
    writer.join().unwrap();
    assert_eq!(*lock.blocking_read(), 1);
}

mt_test! {
    async fn a_panic_while_writing_unlocks() {
        let lock = Arc::new(RwLock::new(1));
        let task = {
            let lock = Arc::clone(&lock);
            avx::spawn(async move {
                let _w = lock.write().await;
                panic!("panic while holding the write lock");
            })
        };
        assert!(task.await.is_err());
        assert_eq!(*lock.read().await, 1);
    }
}

rt_test! {
    async fn get_mut_into_inner_default_from_debug() {
        let mut lock = RwLock::from(vec![1]);
        drop(lock.read().await);
        lock.get_mut().push(2);
        assert_eq!(format!("{lock:?}"), "RwLock { data: [1, 2] }");
        {
            let _w = lock.write().await;
            assert_eq!(format!("{lock:?}"), "RwLock { data: <locked> }");
        }
        assert_eq!(lock.into_inner(), vec![1, 2]);
        assert_eq!(RwLock::<u8>::default().into_inner(), 0);
        let guard_text = {
            let lock = RwLock::new(7);
            let r = lock.read().await;
            format!("{r} {r:?}")
        };
        assert_eq!(guard_text, "7 7");
    }
}

rt_test! {
    async fn const_constructors() {
        static LOCK: RwLock<u32> = RwLock::const_new(1);
        static LIMITED: RwLock<u32> = RwLock::const_with_max_readers(2, 1);
        *LOCK.write().await += 1;
        assert_eq!(*LOCK.read().await, 2);
        let only = LIMITED.read().await;
        assert!(LIMITED.try_read().is_err());
        drop(only);
    }
}

rt_test! {
    async fn mapped_write_guards_hold_the_write_lock() {
        let lock = RwLock::new((String::from("a"), [1u8, 2]));
        let guard = lock.write().await;
        let guard = RwLockWriteGuard::try_map(guard, |v| v.1.get_mut(5)).unwrap_err();
        let mut name: RwLockMappedWriteGuard<'_, String> =
            RwLockWriteGuard::map(guard, |v| &mut v.0);
        name.push('b');
        assert!(lock.try_read().is_err());
        let name = RwLockMappedWriteGuard::try_map(name, |_| None::<&mut u8>).unwrap_err();
        let name = RwLockMappedWriteGuard::map(name, |s| s);
        assert_eq!(format!("{name} {name:?}"), "ab \"ab\"");
        let mut reader = Polled::new(lock.read());
        reader.pending();
        drop(name);
        assert!(reader.is_woken());
        assert_eq!(reader.ready().0, "ab");

        let whole = RwLockWriteGuard::into_mapped(lock.write().await);
        let mut second = RwLockMappedWriteGuard::try_map(whole, |v| v.1.get_mut(1)).unwrap();
        *second = 20;
        drop(second);
        assert_eq!(lock.read().await.1, [1, 20]);
    }
}

rt_test! {
    async fn downgrade_map_is_atomic_and_read_guards_map() {
        let lock = Arc::new(RwLock::new((1, vec![1, 2, 3])));
        let mut guard = lock.write().await;
        guard.0 = 2;
        let mut other_writer = Polled::new({
            let lock = Arc::clone(&lock);
            async move { lock.write().await.0 = 3 }
        });
        other_writer.pending();
        let guard = RwLockWriteGuard::try_downgrade_map(guard, |v| v.1.get(9)).unwrap_err();
        // Still the writer: nobody else can read.
        assert!(lock.try_read().is_err());
        let list: RwLockReadGuard<'_, Vec<i32>> = RwLockWriteGuard::downgrade_map(guard, |v| &v.1);
        other_writer.pending();
        // The queued writer keeps new readers out (fairness), downgrade or not.
        assert!(lock.try_read().is_err());
        let tail = RwLockReadGuard::map(list, |v| &v[1..]);
        let tail = RwLockReadGuard::try_map(tail, |t| t.get(7)).unwrap_err();
        let last = RwLockReadGuard::try_map(tail, |t| t.last()).unwrap();
        assert_eq!(format!("{last} {last:?}"), "3 3");
        assert!(!other_writer.is_woken(), "no writer got in while a reader held on");
        drop(last);
        assert!(other_writer.is_woken());
        other_writer.ready();
        assert_eq!(lock.read().await.0, 3);
        let guard = lock.write().await;
        let number = RwLockWriteGuard::try_downgrade_map(guard, |v| Some(&v.0)).unwrap();
        assert_eq!(*number, 3);
    }
}

rt_test! {
    async fn owned_mapped_guards() {
        let lock = Arc::new(RwLock::new((0u32, String::new())));
        let guard = Arc::clone(&lock).write_owned().await;
        let guard = OwnedRwLockWriteGuard::try_map(guard, |_| None::<&mut u8>).unwrap_err();
        let text: OwnedRwLockMappedWriteGuard<(u32, String), String> =
            OwnedRwLockWriteGuard::map(guard, |v| &mut v.1);
        assert!(Arc::ptr_eq(OwnedRwLockMappedWriteGuard::rwlock(&text), &lock));
        let text = OwnedRwLockMappedWriteGuard::try_map(text, |_| None::<&mut u8>).unwrap_err();
        let mut text = OwnedRwLockMappedWriteGuard::try_map(text, |s| Some(s)).unwrap();
        text.push_str("owned");
        let mut text = OwnedRwLockMappedWriteGuard::map(text, |s| s);
        let task = avx::spawn(async move { text.push('!') });
        task.await.unwrap();

        let whole = OwnedRwLockWriteGuard::into_mapped(Arc::clone(&lock).write_owned().await);
        assert_eq!(whole.1, "owned!");
        drop(whole);
        let guard = Arc::clone(&lock).write_owned().await;
        let guard = OwnedRwLockWriteGuard::try_downgrade_map(guard, |_| None::<&u8>).unwrap_err();
        let number: OwnedRwLockReadGuard<(u32, String), u32> =
            OwnedRwLockWriteGuard::downgrade_map(guard, |v| &v.0);
        let text = OwnedRwLockReadGuard::map(Arc::clone(&lock).read_owned().await, |v| &v.1);
        let text = OwnedRwLockReadGuard::try_map(text, |_| None::<&u8>).unwrap_err();
        let bang = OwnedRwLockReadGuard::try_map(text, |t| t.get(5..)).unwrap();
        assert_eq!((*number, &*bang), (0, "!"));
        assert!(lock.try_write().is_err());
        drop((number, bang));
        let guard = Arc::clone(&lock).write_owned().await;
        let text = OwnedRwLockWriteGuard::try_downgrade_map(guard, |v| Some(&v.1)).unwrap();
        assert_eq!(format!("{text} {text:?}"), "owned! \"owned!\"");
    }
}

rt_test! {
    async fn unsized_values_through_box_and_arc() {
        let boxed: Box<RwLock<dyn Debug + Send + Sync>> = Box::new(RwLock::new(7u8));
        assert_eq!(format!("{:?}", &*boxed.read().await), "7");
        assert_eq!(format!("{boxed:?}"), "RwLock { data: 7 }");
        let shared: Arc<RwLock<[u32]>> = Arc::new(RwLock::new([1, 2, 3]));
        Arc::clone(&shared).write_owned().await[2] = 30;
        let a = Arc::clone(&shared).read_owned().await;
        let b = shared.read().await;
        assert_eq!((a[2], b.len()), (30, 3));
        drop((a, b));
        let mut head = RwLockWriteGuard::map(shared.write().await, |s| &mut s[..1]);
        head[0] = 10;
        drop(head);
        assert_eq!(&*shared.read().await, &[10, 2, 30]);
    }
}

rt_test! {
    async fn lock_futures_are_send_and_sync() {
        fn send_sync<T: Send + Sync>(_: &T) {}
        let lock = Arc::new(RwLock::new(0));
        send_sync(&lock.read());
        send_sync(&lock.write());
        send_sync(&Arc::clone(&lock).read_owned());
        send_sync(&Arc::clone(&lock).write_owned());
    }
}

/// Compile-time checks of tokio's bounds: `RwLock<T>` is `Send` for `T: Send` and
/// `Sync` for `T: Send + Sync`; a read guard is `Send` for `T: Sync`; write guards
/// ask `T: Send + Sync` for both.
#[allow(
    dead_code,
    reason = "compiled, not run: the check is that it type-checks"
)]
fn send_and_sync_bounds_are_tokios() {
    /// `Sync` but not `Send`.
    type SyncOnly = std::sync::MutexGuard<'static, u8>;
    fn send<T: ?Sized + Send>() {}
    fn sync<T: ?Sized + Sync>() {}
    fn unpin<T: ?Sized + Unpin>() {}
    send::<RwLock<Cell<u8>>>();
    send::<RwLock<u8>>();
    sync::<RwLock<u8>>();
    send::<RwLock<dyn Debug + Send>>();
    send::<RwLockReadGuard<'static, SyncOnly>>();
    send::<OwnedRwLockReadGuard<u8, SyncOnly>>();
    sync::<RwLockReadGuard<'static, u8>>();
    sync::<OwnedRwLockReadGuard<u8, u16>>();
    send::<RwLockWriteGuard<'static, u8>>();
    sync::<RwLockWriteGuard<'static, u8>>();
    send::<RwLockMappedWriteGuard<'static, u8>>();
    sync::<RwLockMappedWriteGuard<'static, u8>>();
    send::<OwnedRwLockWriteGuard<u8>>();
    sync::<OwnedRwLockWriteGuard<u8>>();
    send::<OwnedRwLockMappedWriteGuard<u8, u16>>();
    sync::<OwnedRwLockMappedWriteGuard<u8, u16>>();
    unpin::<RwLockReadGuard<'static, u8>>();
    unpin::<OwnedRwLockReadGuard<u8, u16>>();
    unpin::<RwLockWriteGuard<'static, u8>>();
    unpin::<RwLockMappedWriteGuard<'static, u8>>();
    unpin::<OwnedRwLockWriteGuard<u8>>();
    unpin::<OwnedRwLockMappedWriteGuard<u8, u16>>();
}

assert_not_impl!(RwLock<Cell<u8>>: Sync);
assert_not_impl!(RwLock<Rc<u8>>: Send);
assert_not_impl!(RwLock<std::sync::MutexGuard<'static, u8>>: Send);
assert_not_impl!(RwLockReadGuard<'static, Cell<u8>>: Send);
assert_not_impl!(RwLockReadGuard<'static, std::sync::MutexGuard<'static, u8>>: Sync);
assert_not_impl!(OwnedRwLockReadGuard<Cell<u8>, u8>: Send);
assert_not_impl!(OwnedRwLockReadGuard<u8, Cell<u8>>: Send);
assert_not_impl!(RwLockWriteGuard<'static, Cell<u8>>: Send);
assert_not_impl!(RwLockWriteGuard<'static, Cell<u8>>: Sync);
assert_not_impl!(RwLockMappedWriteGuard<'static, Cell<u8>>: Send);
assert_not_impl!(OwnedRwLockWriteGuard<Cell<u8>>: Send);
assert_not_impl!(OwnedRwLockMappedWriteGuard<u8, Cell<u8>>: Send);
assert_not_impl!(OwnedRwLockMappedWriteGuard<Cell<u8>, u8>: Sync);
