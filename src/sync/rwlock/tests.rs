use std::sync::Arc;

use super::*;
use crate::sync::test_util::{Manual, block_on};

#[test]
fn readers_share_and_writers_exclude() {
    let lock = RwLock::new(1);
    let a = block_on(lock.read());
    let b = lock.try_read().unwrap();
    assert_eq!(*a + *b, 2);
    assert!(lock.try_write().is_err());
    drop((a, b));
    let mut w = block_on(lock.write());
    *w = 5;
    assert!(lock.try_read().is_err());
    drop(w);
    assert_eq!(*lock.try_read().unwrap(), 5);
}

#[test]
fn a_queued_writer_holds_back_later_readers() {
    let lock = RwLock::new(0);
    let reader = lock.try_read().unwrap();
    let mut writer = Manual::new(lock.write());
    writer.pending();
    // Fair: a reader arriving after the writer waits behind it.
    assert!(lock.try_read().is_err());
    let mut late_reader = Manual::new(lock.read());
    late_reader.pending();
    drop(reader);
    assert!(writer.is_woken() && !late_reader.is_woken());
    let mut guard = writer.ready();
    *guard = 1;
    drop(guard);
    assert_eq!(*late_reader.ready(), 1);
}

#[test]
fn downgrade_keeps_the_value_and_lets_readers_in() {
    let lock = RwLock::new(1);
    let mut w = lock.try_write().unwrap();
    *w = 2;
    let r = w.downgrade();
    assert_eq!(*r, 2);
    assert_eq!(*lock.try_read().unwrap(), 2);
    assert!(lock.try_write().is_err());
    drop(r);
    assert!(lock.try_write().is_ok());
}

#[test]
fn max_readers_limits_concurrent_readers() {
    let lock = RwLock::with_max_readers((), 2);
    let a = lock.try_read().unwrap();
    let _b = lock.try_read().unwrap();
    assert!(lock.try_read().is_err());
    drop(a);
    assert!(lock.try_read().is_ok());
}

#[test]
#[should_panic(expected = "a RwLock may not be created with 0 readers")]
fn zero_max_readers_panics() {
    let _ = RwLock::with_max_readers((), 0);
}

#[test]
fn owned_guards_and_blocking() {
    let lock = Arc::new(RwLock::new(String::from("a")));
    let mut w = block_on(Arc::clone(&lock).write_owned());
    w.push('b');
    assert!(Arc::ptr_eq(OwnedRwLockWriteGuard::rwlock(&w), &lock));
    let r = w.downgrade();
    assert_eq!(&*r, "ab");
    assert!(Arc::ptr_eq(OwnedRwLockReadGuard::rwlock(&r), &lock));
    let r2 = Arc::clone(&lock).try_read_owned().unwrap();
    assert!(Arc::clone(&lock).try_write_owned().is_err());
    let thread = std::thread::spawn(move || drop((r, r2)));
    lock.blocking_write().push('c');
    thread.join().unwrap();
    assert_eq!(&*lock.blocking_read(), "abc");
    assert_eq!(&*block_on(Arc::clone(&lock).read_owned()), "abc");
}

#[test]
fn get_mut_and_into_inner_after_reads() {
    let mut lock = RwLock::new(vec![1]);
    drop(lock.try_read().unwrap());
    lock.get_mut().push(2);
    drop(lock.try_read().unwrap());
    assert_eq!(lock.into_inner(), vec![1, 2]);
    assert_eq!(format!("{:?}", RwLock::new(3)), "RwLock { data: 3 }");
}

#[test]
fn cancelled_writer_lets_readers_through() {
    let lock = RwLock::new(0);
    let reader = lock.try_read().unwrap();
    let mut writer = Manual::new(lock.write());
    writer.pending();
    let mut late_reader = Manual::new(lock.read());
    late_reader.pending();
    drop(writer);
    assert!(late_reader.is_woken());
    drop(late_reader.ready());
    drop(reader);
}

#[test]
fn readers_and_writers_on_many_threads() {
    let lock = Arc::new(RwLock::new(0u64));
    let threads: Vec<_> = (0..4)
        .map(|i| {
            let lock = Arc::clone(&lock);
            std::thread::spawn(move || {
                for _ in 0..300 {
                    if i % 2 == 0 {
                        *block_on(lock.write()) += 1;
                    } else {
                        let value = *block_on(lock.read());
                        assert!(value <= 600);
                    }
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    assert_eq!(*lock.try_read().unwrap(), 600);
}
