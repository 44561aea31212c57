//! Loom models of locking, unlocking and the FIFO hand-off. The gate records every
//! grant as an access to a loom cell, so each model also checks that a new guard's
//! access happens after the previous guard's (no data race on the value).

use std::future::Future;
use std::sync::Arc;
use std::task::{Context, Waker};

use super::*;
use crate::loom::model::block_on;
use loom::thread;

#[test]
fn two_lockers_both_get_the_lock_and_no_update_is_lost() {
    loom::model(|| {
        let mutex = Arc::new(Mutex::new(0));
        let other = Arc::clone(&mutex);
        let thread = thread::spawn(move || *block_on(other.lock()) += 1);
        *block_on(mutex.lock()) += 1;
        thread.join().unwrap();
        assert_eq!(*mutex.try_lock().unwrap(), 2);
    });
}

#[test]
fn a_held_lock_is_handed_to_the_waiter() {
    loom::model(|| {
        let mutex = Arc::new(Mutex::new(0));
        let mut guard = mutex.try_lock().unwrap();
        let other = Arc::clone(&mutex);
        // Waits (or, if it runs late, finds the lock free): either way it must see
        // the write made under the first guard.
        let thread = thread::spawn(move || *block_on(other.lock()));
        *guard = 1;
        drop(guard);
        assert_eq!(thread.join().unwrap(), 1);
        assert!(mutex.try_lock().is_ok());
    });
}

#[test]
fn cancelled_waiter_never_strands_the_lock() {
    loom::model(|| {
        let mutex = Arc::new(Mutex::new(()));
        let guard = mutex.try_lock().unwrap();
        let other = Arc::clone(&mutex);
        let thread = thread::spawn(move || {
            let mut lock = Box::pin(other.lock());
            let mut cx = Context::from_waker(Waker::noop());
            let _ = lock.as_mut().poll(&mut cx);
        });
        drop(guard);
        thread.join().unwrap();
        assert!(mutex.try_lock().is_ok());
    });
}

#[test]
fn owned_mapped_guard_unlocks_from_another_thread() {
    loom::model(|| {
        let mutex = Arc::new(Mutex::new((0, 0)));
        let guard = Arc::clone(&mutex).try_lock_owned().unwrap();
        let mut second = OwnedMutexGuard::map(guard, |pair| &mut pair.1);
        *second = 5;
        let thread = thread::spawn(move || drop(second));
        let seen = block_on(mutex.lock()).1;
        assert_eq!(seen, 5);
        thread.join().unwrap();
    });
}
