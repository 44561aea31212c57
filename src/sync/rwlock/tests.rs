use std::fmt::Debug;
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
                for _ in 0..ROUNDS {
                    if i % 2 == 0 {
                        *block_on(lock.write()) += 1;
                    } else {
                        let value = *block_on(lock.read());
                        assert!(value <= 2 * ROUNDS);
                    }
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    assert_eq!(*lock.try_read().unwrap(), 2 * ROUNDS);
}

/// Iterations for the threaded tests: fewer under miri, which is far slower.
const ROUNDS: u64 = if cfg!(miri) { 20 } else { 300 };

#[test]
fn write_guards_map_and_release_every_permit() {
    let lock = RwLock::with_max_readers((String::from("a"), vec![1, 2, 3], (0u8, 0u8)), 4);
    let guard = lock.try_write().unwrap();
    let guard = RwLockWriteGuard::try_map(guard, |v| v.1.get_mut(9)).unwrap_err();
    let mut name: RwLockMappedWriteGuard<'_, String> = RwLockWriteGuard::map(guard, |v| &mut v.0);
    name.push('b');
    assert_eq!(format!("{name} {name:?}"), "ab \"ab\"");
    assert!(lock.try_read().is_err());
    drop(name);
    assert_eq!(lock.gate.available_permits(), 4);

    let whole = RwLockWriteGuard::into_mapped(lock.try_write().unwrap());
    let pair = RwLockMappedWriteGuard::map(whole, |v| &mut v.2);
    let pair = RwLockMappedWriteGuard::try_map(pair, |_| None::<&mut u8>).unwrap_err();
    let mut second = RwLockMappedWriteGuard::try_map(pair, |p| Some(&mut p.1)).unwrap();
    *second = 9;
    assert!(lock.try_read().is_err());
    drop(second);
    let guard = lock.try_write().unwrap();
    let mut tail = RwLockWriteGuard::map(guard, |v| &mut v.1[1..]);
    tail[0] = 20;
    drop(tail);
    assert_eq!(lock.gate.available_permits(), 4);
    assert_eq!(
        lock.into_inner(),
        (String::from("ab"), vec![1, 20, 3], (0, 9))
    );
}

#[test]
fn downgrade_map_keeps_one_permit_and_lets_readers_in() {
    let lock = RwLock::with_max_readers((1, String::from("x")), 3);
    let mut guard = lock.try_write().unwrap();
    guard.1.push('y');
    let guard = RwLockWriteGuard::try_downgrade_map(guard, |v| v.1.get(5..)).unwrap_err();
    // Failing to map kept the write lock.
    assert!(lock.try_read().is_err());
    let name = RwLockWriteGuard::try_downgrade_map(guard, |v| Some(v.1.as_str())).unwrap();
    assert_eq!(&*name, "xy");
    assert_eq!(lock.gate.available_permits(), 2);
    assert_eq!(lock.try_read().unwrap().0, 1);
    assert!(lock.try_write().is_err());
    let first = RwLockReadGuard::map(name, |s| &s[..1]);
    let first = RwLockReadGuard::try_map(first, |s| s.get(4..)).unwrap_err();
    let first = RwLockReadGuard::try_map(first, |s| s.as_bytes().first()).unwrap();
    assert_eq!(*first, b'x');
    drop(first);
    let number = RwLockWriteGuard::downgrade_map(lock.try_write().unwrap(), |v| &v.0);
    assert_eq!(format!("{number} {number:?}"), "1 1");
    drop(number);
    assert_eq!(lock.gate.available_permits(), 3);
}

#[test]
fn owned_guards_map_downgrade_and_keep_the_lock_alive() {
    let lock = Arc::new(RwLock::new((1u32, vec![1u8, 2])));
    let guard = Arc::clone(&lock).try_write_owned().unwrap();
    let guard = OwnedRwLockWriteGuard::try_map(guard, |v| v.1.get_mut(7)).unwrap_err();
    let mut bytes: OwnedRwLockMappedWriteGuard<(u32, Vec<u8>), Vec<u8>> =
        OwnedRwLockWriteGuard::map(guard, |v| &mut v.1);
    bytes.push(3);
    assert!(Arc::ptr_eq(
        OwnedRwLockMappedWriteGuard::rwlock(&bytes),
        &lock
    ));
    let bytes = OwnedRwLockMappedWriteGuard::try_map(bytes, |_| None::<&mut u8>).unwrap_err();
    let mut last = OwnedRwLockMappedWriteGuard::try_map(bytes, |b| b.last_mut()).unwrap();
    *last = 30;
    let last = OwnedRwLockMappedWriteGuard::map(last, |b| b);
    assert_eq!(format!("{last} {last:?}"), "30 30");
    assert!(Arc::clone(&lock).try_read_owned().is_err());
    std::thread::spawn(move || drop(last)).join().unwrap();

    let whole = OwnedRwLockWriteGuard::into_mapped(Arc::clone(&lock).try_write_owned().unwrap());
    drop(whole);
    let guard = Arc::clone(&lock).try_write_owned().unwrap();
    let guard = OwnedRwLockWriteGuard::try_downgrade_map(guard, |v| v.1.get(9)).unwrap_err();
    let number = OwnedRwLockWriteGuard::try_downgrade_map(guard, |v| Some(&v.0)).unwrap();
    assert_eq!(*number, 1);
    let other = Arc::clone(&lock).try_read_owned().unwrap();
    let bytes: OwnedRwLockReadGuard<(u32, Vec<u8>), [u8]> =
        OwnedRwLockReadGuard::map(other, |v| &v.1[..]);
    let bytes = OwnedRwLockReadGuard::try_map(bytes, |b| b.get(9)).unwrap_err();
    assert_eq!(&*bytes, &[1, 2, 30]);
    assert!(Arc::ptr_eq(OwnedRwLockReadGuard::rwlock(&bytes), &lock));
    let first = OwnedRwLockReadGuard::try_map(bytes, |b| b.first()).unwrap();
    drop(lock);
    // The guards keep the lock alive after the last other handle went.
    assert_eq!((*number, *first), (1, 1));
    let lock = Arc::clone(OwnedRwLockReadGuard::rwlock(&first));
    drop((number, first));
    let number = OwnedRwLockWriteGuard::downgrade_map(lock.try_write_owned().unwrap(), |v| &v.0);
    assert_eq!(format!("{number} {number:?}"), "1 1");
}

#[test]
fn unsized_values_through_coercion() {
    let boxed: Box<RwLock<[u8]>> = Box::new(RwLock::new([1, 2, 3]));
    boxed.try_write().unwrap()[0] = 10;
    {
        let a = boxed.try_read().unwrap();
        let b = boxed.try_read().unwrap();
        assert_eq!((a.len(), b[0]), (3, 10));
    }
    let lock: Arc<RwLock<dyn Debug + Send + Sync>> = Arc::new(RwLock::new(5u8));
    let read = Arc::clone(&lock).try_read_owned().unwrap();
    assert_eq!(format!("{:?}", &*read), "5");
    drop(read);
    assert_eq!(format!("{lock:?}"), "RwLock { data: 5 }");
    let write = block_on(Arc::clone(&lock).write_owned());
    assert_eq!(format!("{lock:?}"), "RwLock { data: <locked> }");
    drop(write);
}

#[test]
fn a_cancelled_writer_hands_its_set_aside_permits_on() {
    let lock = RwLock::with_max_readers(0, 3);
    let reader = lock.try_read().unwrap();
    let mut writer = Manual::new(lock.write());
    // The writer takes the two free permits and waits for the third.
    writer.pending();
    assert_eq!(lock.gate.available_permits(), 0);
    drop(writer);
    assert_eq!(lock.gate.available_permits(), 2);
    drop(reader);
    assert_eq!(lock.gate.available_permits(), 3);
}
