//! `Mutex`: an async mutual-exclusion lock that hands itself on first-in, first-out.
//!
//! # How the value is held
//!
//! The facade has no `unsafe`, so the protected value cannot sit in an `UnsafeCell`
//! that guards dereference. Instead the value *moves*: while the mutex is unlocked it
//! sits in `Inner::value`; locking moves it into the guard, and unlocking moves it
//! back, or straight into the slot of the first waiting task (a FIFO hand-off: the
//! mutex is never free while someone waits, so nobody can barge in).
//!
//! Invariants, all under `inner`'s lock:
//!
//! - exactly one of these holds the value: `Inner::value`, one guard, or the slot of
//!   one unlinked waiter that was handed it and has not yet taken it;
//! - `Inner::value` is `Some` only when no waiter is queued.
//!
//! Differences from tokio that follow from this (written down in the migration guide):
//! `T` must be `Sized`, and the guards have no `map`/`try_map` (a mapped guard would
//! borrow from the value it owns). Locking moves `T` twice, so keep large data boxed.

use std::fmt;
use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker, ready};

use super::park;
use super::rt;
use super::wait_list::{Key, WaitList};
use crate::loom::sync::Mutex as Lock;

/// An asynchronous mutex: [`lock`](Mutex::lock) waits without blocking the thread,
/// and the guard may be held across `.await`.
///
/// Locks are granted in the order [`lock`](Mutex::lock) was called. The mutex is not
/// poisoned when a task panics while holding the guard: it is unlocked, and the data
/// may be left half-updated.
///
/// ```
/// use avx::sync::Mutex;
///
/// let mutex = Mutex::new(1);
/// *mutex.try_lock().unwrap() += 1;
/// assert_eq!(mutex.into_inner(), 2);
/// ```
pub struct Mutex<T> {
    inner: Lock<Inner<T>>,
}

struct Inner<T> {
    /// The value while the mutex is unlocked.
    value: Option<T>,
    /// Tasks waiting to lock; a waiter's slot receives the value on hand-off.
    waiters: WaitList<Option<T>>,
}

/// Error returned by [`Mutex::try_lock`], [`RwLock::try_read`] and
/// [`RwLock::try_write`]: the lock is held.
///
/// [`RwLock::try_read`]: crate::sync::RwLock::try_read
/// [`RwLock::try_write`]: crate::sync::RwLock::try_write
#[derive(Debug)]
pub struct TryLockError(pub(super) ());

impl fmt::Display for TryLockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("operation would block")
    }
}

impl std::error::Error for TryLockError {}

impl<T> Mutex<T> {
    /// Creates an unlocked mutex holding `t`.
    pub fn new(t: T) -> Mutex<T> {
        Mutex {
            inner: Lock::new(Inner {
                value: Some(t),
                waiters: WaitList::new(),
            }),
        }
    }

    /// Creates an unlocked mutex holding `t`, in a `const` context.
    ///
    /// ```
    /// use avx::sync::Mutex;
    ///
    /// static COUNT: Mutex<u32> = Mutex::const_new(0);
    /// ```
    #[cfg(not(all(loom, test)))]
    pub const fn const_new(t: T) -> Mutex<T> {
        Mutex {
            inner: Lock::new(Inner {
                value: Some(t),
                waiters: WaitList::new(),
            }),
        }
    }

    /// Locks the mutex, waiting until it is free.
    ///
    /// # Cancel safety
    ///
    /// Locks are granted in the order they were requested; cancelling a call to
    /// `lock` gives up its place in the queue (and passes the lock on if it had
    /// already been handed to it).
    pub async fn lock(&self) -> MutexGuard<'_, T> {
        let value = Acquire::new(self).await;
        MutexGuard {
            lock: self,
            value: Some(value),
        }
    }

    /// As [`lock`](Mutex::lock), for a mutex in an `Arc`: the guard keeps the mutex
    /// alive and can be moved into a task.
    ///
    /// # Cancel safety
    ///
    /// As [`lock`](Mutex::lock).
    pub async fn lock_owned(self: Arc<Self>) -> OwnedMutexGuard<T> {
        let value = Acquire::new(&self).await;
        OwnedMutexGuard {
            lock: self,
            value: Some(value),
        }
    }

    /// Locks the mutex, blocking the current thread until it is free.
    ///
    /// # Panics
    ///
    /// Panics if called from within an asynchronous execution context.
    #[track_caller]
    pub fn blocking_lock(&self) -> MutexGuard<'_, T> {
        park::block_on(self.lock())
    }

    /// As [`blocking_lock`](Mutex::blocking_lock), for a mutex in an `Arc`.
    ///
    /// # Panics
    ///
    /// Panics if called from within an asynchronous execution context.
    #[track_caller]
    pub fn blocking_lock_owned(self: Arc<Self>) -> OwnedMutexGuard<T> {
        park::block_on(self.lock_owned())
    }

    /// Locks the mutex if it is free now (and nobody is queued for it).
    pub fn try_lock(&self) -> Result<MutexGuard<'_, T>, TryLockError> {
        let value = self.take_if_free().ok_or(TryLockError(()))?;
        Ok(MutexGuard {
            lock: self,
            value: Some(value),
        })
    }

    /// As [`try_lock`](Mutex::try_lock), for a mutex in an `Arc`.
    pub fn try_lock_owned(self: Arc<Self>) -> Result<OwnedMutexGuard<T>, TryLockError> {
        let value = self.take_if_free().ok_or(TryLockError(()))?;
        Ok(OwnedMutexGuard {
            lock: self,
            value: Some(value),
        })
    }

    /// A mutable reference to the value; no locking is needed, as `&mut self` rules
    /// out any guard.
    ///
    /// # Panics
    ///
    /// Panics if a guard of this mutex was leaked (`mem::forget`): the value went
    /// with it.
    pub fn get_mut(&mut self) -> &mut T {
        self.inner.get_mut().value.as_mut().expect(LEAKED)
    }

    /// Consumes the mutex and returns the value.
    ///
    /// # Panics
    ///
    /// As [`get_mut`](Mutex::get_mut).
    pub fn into_inner(self) -> T {
        self.inner.into_inner().value.expect(LEAKED)
    }

    fn take_if_free(&self) -> Option<T> {
        self.inner.lock().value.take()
    }

    /// Unlocks: hands the value to the first waiter, or puts it back.
    fn unlock(&self, value: T) {
        let mut inner = self.inner.lock();
        let waker = Self::hand_off(&mut inner, value);
        drop(inner);
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    fn hand_off(inner: &mut Inner<T>, value: T) -> Option<Waker> {
        match inner.waiters.pop_front() {
            Some(waiter) => {
                waiter.value = Some(value);
                waiter.take_waker()
            }
            None => {
                inner.value = Some(value);
                None
            }
        }
    }
}

const LEAKED: &str = "the value of this mutex went with a leaked guard";

impl<T> From<T> for Mutex<T> {
    fn from(t: T) -> Mutex<T> {
        Mutex::new(t)
    }
}

impl<T: Default> Default for Mutex<T> {
    fn default() -> Mutex<T> {
        Mutex::new(T::default())
    }
}

impl<T: fmt::Debug> fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Mutex");
        match self.try_lock() {
            Ok(guard) => d.field("data", &&*guard),
            Err(_) => d.field("data", &format_args!("<locked>")),
        };
        d.finish()
    }
}

/// The future inside [`Mutex::lock`]: resolves to the value, moved out of the mutex.
struct Acquire<'a, T> {
    mutex: &'a Mutex<T>,
    key: Option<Key>,
}

impl<'a, T> Acquire<'a, T> {
    fn new(mutex: &'a Mutex<T>) -> Acquire<'a, T> {
        Acquire { mutex, key: None }
    }
}

impl<T> Future for Acquire<'_, T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let this = self.get_mut();
        let coop = ready!(rt::poll_proceed(cx));
        let (value, old_waker) = match this.key.take() {
            None => match this.mutex.take_if_free() {
                Some(value) => (value, None),
                None => {
                    // Clone before locking: a clone may run arbitrary code.
                    let waker = cx.waker().clone();
                    let mut inner = this.mutex.inner.lock();
                    match inner.value.take() {
                        Some(value) => (value, None),
                        None => {
                            this.key = Some(inner.waiters.push_back(None, Some(waker)));
                            return Poll::Pending;
                        }
                    }
                }
            },
            Some(key) => {
                let mut inner = this.mutex.inner.lock();
                let waiter = inner.waiters.get_mut(&key);
                match waiter.value.take() {
                    Some(value) => {
                        let (_, old) = inner.waiters.remove(key);
                        (value, old)
                    }
                    None => {
                        let old = waiter.set_waker(cx.waker());
                        drop(inner);
                        drop(old);
                        this.key = Some(key);
                        return Poll::Pending;
                    }
                }
            }
        };
        drop(old_waker);
        coop.made_progress();
        Poll::Ready(value)
    }
}

impl<T> Drop for Acquire<'_, T> {
    fn drop(&mut self) {
        let Some(key) = self.key.take() else {
            return;
        };
        let mut inner = self.mutex.inner.lock();
        let (handed, old) = inner.waiters.remove(key);
        // Cancelled after the lock was handed over: pass it on.
        let waker = handed.and_then(|value| Mutex::hand_off(&mut inner, value));
        drop(inner);
        drop(old);
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

/// Exclusive access to the value of a [`Mutex`]; unlocks when dropped.
#[clippy::has_significant_drop]
#[must_use = "if unused the Mutex will immediately unlock"]
pub struct MutexGuard<'a, T> {
    lock: &'a Mutex<T>,
    /// `Some` until the guard is dropped.
    value: Option<T>,
}

impl<'a, T> MutexGuard<'a, T> {
    /// The mutex this guard locks.
    pub fn mutex(this: &Self) -> &'a Mutex<T> {
        this.lock
    }
}

impl<T> Deref for MutexGuard<'_, T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        self.value.as_ref().expect(HELD)
    }
}

impl<T> DerefMut for MutexGuard<'_, T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        self.value.as_mut().expect(HELD)
    }
}

impl<T> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        if let Some(value) = self.value.take() {
            self.lock.unlock(value);
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: fmt::Display> fmt::Display for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

/// Exclusive access to the value of a [`Mutex`] held in an `Arc`; unlocks when
/// dropped.
#[clippy::has_significant_drop]
#[must_use = "if unused the Mutex will immediately unlock"]
pub struct OwnedMutexGuard<T> {
    lock: Arc<Mutex<T>>,
    /// `Some` until the guard is dropped.
    value: Option<T>,
}

impl<T> OwnedMutexGuard<T> {
    /// The mutex this guard locks.
    pub fn mutex(this: &Self) -> &Arc<Mutex<T>> {
        &this.lock
    }
}

impl<T> Deref for OwnedMutexGuard<T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        self.value.as_ref().expect(HELD)
    }
}

impl<T> DerefMut for OwnedMutexGuard<T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        self.value.as_mut().expect(HELD)
    }
}

impl<T> Drop for OwnedMutexGuard<T> {
    fn drop(&mut self) {
        if let Some(value) = self.value.take() {
            self.lock.unlock(value);
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for OwnedMutexGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: fmt::Display> fmt::Display for OwnedMutexGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

const HELD: &str = "a live guard always holds the value";

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::sync::test_util::{Manual, block_on};

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
                    for _ in 0..1000 {
                        *block_on(mutex.lock()) += 1;
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        assert_eq!(*mutex.try_lock().unwrap(), 4000);
    }

    #[test]
    fn guards_and_futures_are_send() {
        fn send<T: Send>(_: &T) {}
        fn sync<T: Sync>(_: &T) {}
        let mutex = Mutex::new(1);
        send(&mutex.lock());
        sync(&mutex);
        send(&mutex.try_lock().unwrap());
        sync(&mutex.try_lock().unwrap());
    }
}

#[cfg(all(loom, test))]
mod loom_models {
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
}
