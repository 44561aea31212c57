//! Loom models of read/write locking, the hand-off from readers to a writer, and
//! downgrading. The gate records each grant as a loom cell access (shared for
//! readers, exclusive for writers), so the models also check that no writer's
//! access can race a reader's or another writer's.

use std::sync::Arc;

use super::*;
use crate::loom::model::block_on;
use loom::thread;

#[test]
fn a_reader_and_a_writer_on_two_threads() {
    loom::model(|| {
        let lock = Arc::new(RwLock::with_max_readers(0, 2));
        let other = Arc::clone(&lock);
        let reader = thread::spawn(move || *block_on(other.read()));
        *block_on(lock.write()) = 1;
        let seen = reader.join().unwrap();
        assert!(seen == 0 || seen == 1);
        assert_eq!(*lock.try_read().unwrap(), 1);
    });
}

#[test]
fn the_last_reader_hands_the_lock_to_a_waiting_writer() {
    loom::model(|| {
        let lock = Arc::new(RwLock::with_max_readers(0, 2));
        let first = lock.try_read().unwrap();
        let other = Arc::clone(&lock);
        let writer = thread::spawn(move || *block_on(other.write()) += 1);
        drop(first);
        writer.join().unwrap();
        assert_eq!(*lock.try_read().unwrap(), 1);
    });
}

#[test]
fn downgrade_lets_a_reader_in_but_no_writer() {
    loom::model(|| {
        let lock = Arc::new(RwLock::with_max_readers(0, 2));
        let mut guard = lock.try_write().unwrap();
        *guard = 1;
        let other = Arc::clone(&lock);
        let reader = thread::spawn(move || *block_on(other.read()));
        let read = guard.downgrade();
        assert_eq!(*read, 1);
        assert!(lock.try_write().is_err());
        assert_eq!(reader.join().unwrap(), 1);
        drop(read);
        assert!(lock.try_write().is_ok());
    });
}

#[test]
fn two_writers_lose_no_update() {
    loom::model(|| {
        let lock = Arc::new(RwLock::with_max_readers(0, 2));
        let other = Arc::clone(&lock);
        let writer = thread::spawn(move || {
            let guard = block_on(other.write());
            let mut counter = RwLockWriteGuard::map(guard, |v| v);
            *counter += 1;
        });
        *block_on(lock.write()) += 1;
        writer.join().unwrap();
        assert_eq!(*lock.try_read().unwrap(), 2);
    });
}
