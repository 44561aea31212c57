use std::fmt::Debug;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use super::*;
use crate::sync::test_util::{Manual, block_on};

/// Iterations for the tests that hammer the lock from threads: fewer under miri,
/// which runs them a thousand times slower.
const ROUNDS: u32 = if cfg!(miri) { 20 } else { 1000 };

#[test]
fn lock_unlock_and_try_lock() {
    let mutex = Mutex::new(vec![1]);
    let mut guard = block_on(mutex.lock());
    guard.push(2);
    assert!(mutex.try_lock().is_err());
    drop(guard);
    assert_eq!(*mutex.try_lock().unwrap(), vec![1, 2]);
    assert_eq!(format!("{mutex:?}"), "Mutex { data: [1, 2] }");
    let _held = mutex.try_lock().unwrap();
    assert_eq!(format!("{mutex:?}"), "Mutex { data: <locked> }");
}

#[test]
fn contended_lock_is_handed_over_in_fifo_order() {
    let mutex = Mutex::new(0);
    let guard = mutex.try_lock().unwrap();
    let mut first = Manual::new(mutex.lock());
    let mut second = Manual::new(mutex.lock());
    first.pending();
    second.pending();
    drop(guard);
    assert!(first.is_woken() && !second.is_woken());
    // Handed over: nobody can barge in before `first` runs.
    assert!(mutex.try_lock().is_err());
    assert_eq!(mutex.gate.available_permits(), 0);
    let mut guard = first.ready();
    *guard += 1;
    drop(guard);
    assert_eq!(*second.ready(), 1);
}

#[test]
fn cancelling_a_handed_lock_passes_it_on() {
    let mutex = Mutex::new(0);
    let guard = mutex.try_lock().unwrap();
    let mut first = Manual::new(mutex.lock());
    let mut second = Manual::new(mutex.lock());
    first.pending();
    second.pending();
    drop(guard);
    drop(first);
    assert!(second.is_woken());
    drop(second.ready());
    // And when nobody waits, the lock is simply free again.
    let mut third = Manual::new(mutex.lock());
    let guard = mutex.try_lock().unwrap();
    third.pending();
    drop(guard);
    drop(third);
    assert_eq!(mutex.gate.available_permits(), 1);
    assert!(mutex.try_lock().is_ok());
}

#[test]
fn owned_guards_and_blocking_lock() {
    let mutex = Arc::new(Mutex::new(String::from("a")));
    let mut guard = block_on(Arc::clone(&mutex).lock_owned());
    guard.push('b');
    assert!(Arc::ptr_eq(OwnedMutexGuard::mutex(&guard), &mutex));
    assert!(Arc::clone(&mutex).try_lock_owned().is_err());
    let thread = std::thread::spawn(move || drop(guard));
    let mut guard = mutex.blocking_lock();
    thread.join().unwrap();
    guard.push('c');
    drop(guard);
    assert_eq!(*Arc::clone(&mutex).blocking_lock_owned(), "abc");
}

#[test]
fn a_panic_while_locked_unlocks_without_poisoning() {
    let mutex = Arc::new(Mutex::new(1));
    let clone = Arc::clone(&mutex);
    let result = std::thread::spawn(move || {
        let _guard = clone.try_lock().unwrap();
        panic!("boom");
    })
    .join();
    assert!(result.is_err());
    assert_eq!(*mutex.try_lock().unwrap(), 1);
}

#[test]
fn get_mut_into_inner_default_from() {
    let mut mutex = Mutex::from(3);
    *mutex.get_mut() += 1;
    assert_eq!(mutex.into_inner(), 4);
    assert_eq!(Mutex::<u8>::default().into_inner(), 0);
}

#[test]
fn many_threads_increment_without_losing_updates() {
    let mutex = Arc::new(Mutex::new(0u32));
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let mutex = Arc::clone(&mutex);
            std::thread::spawn(move || {
                for _ in 0..ROUNDS {
                    *block_on(mutex.lock()) += 1;
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    assert_eq!(*mutex.try_lock().unwrap(), 4 * ROUNDS);
}

#[test]
fn mapped_guards_keep_the_lock_and_release_it_once() {
    let mutex = Mutex::new((String::from("a"), vec![1, 2]));
    let guard = block_on(mutex.lock());
    let mut name = MutexGuard::map(guard, |pair| &mut pair.0);
    name.push('b');
    assert!(mutex.try_lock().is_err());
    assert_eq!(format!("{name} {name:?}"), "ab \"ab\"");
    drop(name);
    assert_eq!(mutex.gate.available_permits(), 1);

    let guard = mutex.try_lock().unwrap();
    let guard = MutexGuard::try_map(guard, |pair| pair.1.get_mut(9)).unwrap_err();
    // Map to an unsized part, then on to a sized part of that.
    let slice: MappedMutexGuard<'_, [i32]> = MutexGuard::map(guard, |pair| &mut pair.1[..]);
    let second = MappedMutexGuard::map(slice, |slice| &mut slice[1]);
    let second = MappedMutexGuard::try_map(second, |_| None::<&mut u8>).unwrap_err();
    let mut second = MappedMutexGuard::try_map(second, |v| Some(v)).unwrap();
    *second = 20;
    assert!(mutex.try_lock().is_err());
    drop(second);
    assert_eq!(mutex.into_inner(), (String::from("ab"), vec![1, 20]));
}

#[test]
fn owned_mapped_guards() {
    let mutex = Arc::new(Mutex::new((1u8, [0u16; 3])));
    let guard = Arc::clone(&mutex).try_lock_owned().unwrap();
    let guard = OwnedMutexGuard::try_map(guard, |_| None::<&mut u8>).unwrap_err();
    let mut array: OwnedMappedMutexGuard<(u8, [u16; 3]), [u16; 3]> =
        OwnedMutexGuard::map(guard, |pair| &mut pair.1);
    array[2] = 7;
    let mut last = OwnedMappedMutexGuard::map(array, |array| &mut array[2]);
    *last += 1;
    let last = OwnedMappedMutexGuard::try_map(last, |_| None::<&mut u8>).unwrap_err();
    let last = OwnedMappedMutexGuard::try_map(last, |v| Some(v)).unwrap();
    assert!(mutex.try_lock().is_err());
    assert_eq!(format!("{last} {last:?}"), "8 8");
    // The guard is 'static: it can go to another thread and unlock there.
    std::thread::spawn(move || drop(last)).join().unwrap();
    assert_eq!(*mutex.try_lock().unwrap(), (1, [0, 0, 8]));
}

#[test]
fn owned_mapped_guard_keeps_the_mutex_alive() {
    let mutex = Arc::new(Mutex::new(vec![String::from("kept")]));
    let guard = Arc::clone(&mutex).try_lock_owned().unwrap();
    drop(mutex);
    let first = OwnedMutexGuard::map(guard, |v| &mut v[0]);
    assert_eq!(*first, "kept");
    drop(first);
}

#[test]
fn unsized_values_through_coercion() {
    let boxed: Box<Mutex<[u32]>> = Box::new(Mutex::new([1, 2, 3]));
    {
        let mut guard = boxed.try_lock().unwrap();
        guard[1] = 20;
        assert_eq!(guard.len(), 3);
    }
    let arc: Arc<Mutex<dyn Debug + Send>> = Arc::new(Mutex::new(5u8));
    let guard = block_on(Arc::clone(&arc).lock_owned());
    assert_eq!(format!("{:?}", &*guard), "5");
    assert!(arc.try_lock().is_err());
    drop(guard);
    assert_eq!(format!("{arc:?}"), "Mutex { data: 5 }");
    let guard = boxed.try_lock().unwrap();
    let tail = MutexGuard::map(guard, |slice| &mut slice[1..]);
    assert_eq!(&*tail, &[20, 3]);
}

#[test]
fn a_dropped_lock_future_that_never_ran_costs_nothing() {
    let mutex = Mutex::new(());
    drop(mutex.lock());
    let mut cx = Context::from_waker(Waker::noop());
    let mut pinned = Box::pin(mutex.lock());
    let Poll::Ready(guard) = pinned.as_mut().poll(&mut cx) else {
        panic!("a free mutex locks on the first poll");
    };
    assert!(mutex.try_lock().is_err());
    drop(pinned);
    assert!(
        mutex.try_lock().is_err(),
        "the guard, not the future, holds the lock"
    );
    drop(guard);
    assert_eq!(mutex.gate.available_permits(), 1);
}

#[test]
fn guards_and_futures_are_send_and_sync() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    let mutex = Arc::new(Mutex::new(1));
    send_sync(&mutex);
    send_sync(&mutex.lock());
    send_sync(&Arc::clone(&mutex).lock_owned());
    let guard = mutex.try_lock().unwrap();
    send_sync(&guard);
    let mapped = MutexGuard::map(guard, |v| v);
    send_sync(&mapped);
    drop(mapped);
    let owned = OwnedMutexGuard::map(Arc::clone(&mutex).try_lock_owned().unwrap(), |v| v);
    send_sync(&owned);
}
