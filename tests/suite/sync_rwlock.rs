//! `avx::sync::RwLock`: shared and exclusive access, fairness (writers are not
//! starved), `with_max_readers`, `downgrade`, owned and blocking variants, and
//! cancellation.

use std::sync::Arc;

use avx::sync::{
    OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock, RwLockReadGuard, RwLockWriteGuard,
    TryLockError,
};

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

#[test]
fn rwlock_types_are_send_and_sync() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    let lock = Arc::new(RwLock::new(0));
    send_sync(&lock);
    send_sync(&lock.read());
    send_sync(&lock.write());
    send_sync(&lock.try_read().unwrap());
    send_sync(&Arc::clone(&lock).try_read_owned().unwrap());
}

#[cfg(feature = "tokio")]
#[test]
fn rwlock_across_a_native_and_a_tokio_runtime() {
    use super::sync_util::runtime_on;
    use avx::runtime::Backend;

    let native = runtime_on(Backend::Native);
    let tokio = runtime_on(Backend::Tokio);
    let lock = Arc::new(RwLock::new(0u32));
    let writer = {
        let lock = Arc::clone(&lock);
        tokio.spawn(async move {
            for _ in 0..100 {
                *lock.write().await += 1;
                avx::task::yield_now().await;
            }
        })
    };
    let reader = {
        let lock = Arc::clone(&lock);
        native.spawn(async move {
            let mut last = 0;
            while last < 100 {
                let now = *lock.read().await;
                assert!(now >= last);
                last = now;
                avx::task::yield_now().await;
            }
        })
    };
    tokio.block_on(writer).unwrap();
    native.block_on(reader).unwrap();
}
