//! The fair, batch-acquiring semaphore under `Semaphore`, `Mutex`, `RwLock` and the
//! bounded `mpsc` channel.
//!
//! # State
//!
//! One atomic word holds the available permits (shifted left by [`SHIFT`]) and two
//! flags:
//!
//! - `CLOSED`: no permit will be handed out again. Set under the lock, never cleared.
//! - `QUEUED`: the wait list is non-empty. Set and cleared only under the lock. While
//!   it is set the permit count is zero: released permits go to the queue first.
//!
//! ```text
//!   acquire(n), enough permits, !QUEUED ──CAS──▶ permits -= n       (no lock)
//!   acquire(n), otherwise ──lock──▶ take what is there, set QUEUED, wait for the rest
//!   release(n), !QUEUED ──CAS──▶ permits += n                       (no lock)
//!   release(n), QUEUED ──lock──▶ assign to waiters front to back; wake the satisfied;
//!                                 the last one out clears QUEUED, the rest is added
//! ```
//!
//! So a waiter is never overtaken: while anyone waits, no permit reaches the counter
//! that the lock-free path reads. A waiter's slot records the permits it still needs;
//! the permits already assigned to it are returned if its future is dropped.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering::{self, AcqRel};

/// `Ordering::Acquire` (the name `Acquire` is the future below).
const ACQUIRE: Ordering = Ordering::Acquire;
use std::task::{Context, Poll, ready};

use super::rt;
use super::wait_list::{Key, WaitList, WakeList};
use crate::loom::sync::atomic::AtomicUsize;
use crate::loom::sync::{Mutex, MutexGuard};

const CLOSED: usize = 0b01;
const QUEUED: usize = 0b10;
const SHIFT: usize = 2;

/// Waiters record how many permits they still need.
type Waiters = WaitList<usize>;

/// Error returned by [`Semaphore::try_acquire`](crate::sync::Semaphore::try_acquire)
/// and its variants.
#[derive(Debug, PartialEq, Eq)]
pub enum TryAcquireError {
    /// The semaphore has been [closed](crate::sync::Semaphore::close) and cannot
    /// issue new permits.
    Closed,
    /// The semaphore has no available permits.
    NoPermits,
}

impl fmt::Display for TryAcquireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryAcquireError::Closed => f.write_str("semaphore closed"),
            TryAcquireError::NoPermits => f.write_str("no permits available"),
        }
    }
}

impl std::error::Error for TryAcquireError {}

/// Error returned by [`Semaphore::acquire`](crate::sync::Semaphore::acquire) and its
/// variants: the semaphore has been [closed](crate::sync::Semaphore::close).
#[derive(Debug)]
pub struct AcquireError(());

impl fmt::Display for AcquireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("semaphore closed")
    }
}

impl std::error::Error for AcquireError {}

/// See the module docs.
pub(crate) struct Semaphore {
    state: AtomicUsize,
    waiters: Mutex<Waiters>,
}

impl Semaphore {
    /// The most permits a semaphore can hold.
    pub(crate) const MAX_PERMITS: usize = usize::MAX >> 3;

    #[track_caller]
    pub(crate) fn new(permits: usize) -> Semaphore {
        assert_permits(permits);
        Semaphore {
            state: AtomicUsize::new(permits << SHIFT),
            waiters: Mutex::new(WaitList::new()),
        }
    }

    #[cfg(not(all(loom, test)))]
    #[track_caller]
    pub(crate) const fn const_new(permits: usize) -> Semaphore {
        assert!(permits <= Self::MAX_PERMITS);
        Semaphore {
            state: AtomicUsize::new(permits << SHIFT),
            waiters: Mutex::new(WaitList::new()),
        }
    }

    /// A closed semaphore with no permits.
    #[cfg(not(all(loom, test)))]
    pub(crate) const fn const_new_closed() -> Semaphore {
        Semaphore {
            state: AtomicUsize::new(CLOSED),
            waiters: Mutex::new(WaitList::new()),
        }
    }

    pub(crate) fn available_permits(&self) -> usize {
        self.state.load(ACQUIRE) >> SHIFT
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.state.load(ACQUIRE) & CLOSED != 0
    }

    /// Takes `n` permits if they are available now and nobody is queued for them.
    #[track_caller]
    pub(crate) fn try_acquire(&self, n: usize) -> Result<(), TryAcquireError> {
        assert_permits(n);
        let mut word = self.state.load(ACQUIRE);
        loop {
            if word & CLOSED != 0 {
                return Err(TryAcquireError::Closed);
            }
            if n == 0 {
                return Ok(());
            }
            if word & QUEUED != 0 || word >> SHIFT < n {
                return Err(TryAcquireError::NoPermits);
            }
            match self
                .state
                .compare_exchange(word, word - (n << SHIFT), AcqRel, ACQUIRE)
            {
                Ok(_) => return Ok(()),
                Err(actual) => word = actual,
            }
        }
    }

    /// A future that takes `n` permits, waiting its turn for them.
    #[track_caller]
    pub(crate) fn acquire(&self, n: usize) -> Acquire<'_> {
        assert_permits(n);
        Acquire {
            semaphore: self,
            permits: n,
            stage: Stage::Init,
        }
    }

    /// Adds `n` permits, handing them to queued waiters first.
    #[track_caller]
    pub(crate) fn release(&self, n: usize) {
        if n == 0 {
            return;
        }
        let mut word = self.state.load(ACQUIRE);
        while word & QUEUED == 0 {
            let next = add_permits(word, n);
            match self.state.compare_exchange(word, next, AcqRel, ACQUIRE) {
                Ok(_) => return,
                Err(actual) => word = actual,
            }
        }
        self.release_locked(n, self.waiters.lock());
    }

    /// Removes up to `n` available permits; returns how many were removed.
    pub(crate) fn forget_permits(&self, n: usize) -> usize {
        let mut word = self.state.load(ACQUIRE);
        loop {
            let forgotten = n.min(word >> SHIFT);
            if forgotten == 0 {
                return 0;
            }
            match self
                .state
                .compare_exchange(word, word - (forgotten << SHIFT), AcqRel, ACQUIRE)
            {
                Ok(_) => return forgotten,
                Err(actual) => word = actual,
            }
        }
    }

    /// Closes the semaphore and wakes every waiter, which then fails.
    pub(crate) fn close(&self) {
        let mut waiters = self.waiters.lock();
        self.state.fetch_or(CLOSED, AcqRel);
        let mut wakers = WakeList::new();
        loop {
            while wakers.can_push() {
                let Some(waiter) = waiters.pop_front() else {
                    break;
                };
                if let Some(waker) = waiter.take_waker() {
                    wakers.push(waker);
                }
            }
            let emptied = waiters.is_empty();
            if emptied {
                self.state.fetch_and(!QUEUED, AcqRel);
            }
            drop(waiters);
            wakers.wake_all();
            if emptied {
                return;
            }
            waiters = self.waiters.lock();
        }
    }

    /// Assigns `n` permits to the queue front to back, waking the waiters it
    /// satisfies; whatever the queue does not need goes to the counter.
    #[track_caller]
    fn release_locked<'a>(&'a self, mut n: usize, mut waiters: MutexGuard<'a, Waiters>) {
        let mut wakers = WakeList::new();
        loop {
            while n > 0 && wakers.can_push() {
                let Some(front) = waiters.front_mut() else {
                    break;
                };
                let given = front.value.min(n);
                front.value -= given;
                n -= given;
                if front.value > 0 {
                    break;
                }
                if let Some(waker) = waiters.pop_front().and_then(|w| w.take_waker()) {
                    wakers.push(waker);
                }
            }
            if waiters.is_empty() {
                // Nobody is left to hand permits to: clear QUEUED, keep the rest.
                let mut word = self.state.load(ACQUIRE);
                loop {
                    let next = add_permits(word & !QUEUED, n);
                    match self.state.compare_exchange(word, next, AcqRel, ACQUIRE) {
                        Ok(_) => break,
                        Err(actual) => word = actual,
                    }
                }
                n = 0;
            }
            drop(waiters);
            wakers.wake_all();
            if n == 0 {
                return;
            }
            waiters = self.waiters.lock();
        }
    }

    /// Takes `n` permits, or queues for them (returning the waiter's key); the first
    /// poll of an `Acquire`.
    fn poll_first(&self, n: usize, cx: &mut Context<'_>) -> Result<Option<Key>, AcquireError> {
        match self.try_acquire(n) {
            Ok(()) => return Ok(None),
            Err(TryAcquireError::Closed) => return Err(AcquireError(())),
            Err(TryAcquireError::NoPermits) => {}
        }
        let waker = cx.waker().clone();
        let mut waiters = self.waiters.lock();
        let mut word = self.state.load(ACQUIRE);
        let needed = loop {
            if word & CLOSED != 0 {
                return Err(AcquireError(()));
            }
            let available = word >> SHIFT;
            if word & QUEUED == 0 && available >= n {
                match self
                    .state
                    .compare_exchange(word, word - (n << SHIFT), AcqRel, ACQUIRE)
                {
                    Ok(_) => return Ok(None),
                    Err(actual) => word = actual,
                }
                continue;
            }
            // Take whatever is there (nothing if others are queued) and queue for
            // the rest: we are first in line for it anyway.
            let next = (word & CLOSED) | QUEUED;
            match self.state.compare_exchange(word, next, AcqRel, ACQUIRE) {
                Ok(_) => break n - available,
                Err(actual) => word = actual,
            }
        };
        let key = waiters.push_back(needed, Some(waker));
        Ok(Some(key))
    }

    /// Polls a queued `Acquire`: `Ready(Ok)` once all its permits are assigned.
    fn poll_queued(&self, key: &Key, cx: &mut Context<'_>) -> Poll<Result<(), AcquireError>> {
        let mut waiters = self.waiters.lock();
        let waiter = waiters.get_mut(key);
        if self.is_closed() {
            return Poll::Ready(Err(AcquireError(())));
        }
        if waiter.value == 0 {
            return Poll::Ready(Ok(()));
        }
        let old = waiter.set_waker(cx.waker());
        drop(waiters);
        drop(old);
        Poll::Pending
    }

    /// Frees a waiter's slot and returns the permits assigned to it. `granted` says
    /// whether its owner keeps them (a completed acquire).
    fn leave(&self, key: Key, requested: usize, granted: bool) {
        let mut waiters = self.waiters.lock();
        let (still_needed, old) = waiters.remove(key);
        let assigned = if granted { 0 } else { requested - still_needed };
        if waiters.is_empty() && self.state.load(ACQUIRE) & QUEUED != 0 {
            self.state.fetch_and(!QUEUED, AcqRel);
        }
        if assigned > 0 {
            self.release_locked(assigned, waiters);
        } else {
            drop(waiters);
        }
        drop(old);
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Semaphore")
            .field("permits", &self.available_permits())
            .finish()
    }
}

#[track_caller]
fn assert_permits(n: usize) {
    assert!(
        n <= Semaphore::MAX_PERMITS,
        "a semaphore may not have more than MAX_PERMITS permits ({})",
        Semaphore::MAX_PERMITS
    );
}

/// `word` with `n` more permits; panics (as tokio does) past `MAX_PERMITS`.
#[track_caller]
fn add_permits(word: usize, n: usize) -> usize {
    let permits = word >> SHIFT;
    assert!(
        n <= Semaphore::MAX_PERMITS && permits + n <= Semaphore::MAX_PERMITS,
        "number of added permits ({}) would overflow MAX_PERMITS ({})",
        n,
        Semaphore::MAX_PERMITS
    );
    word + (n << SHIFT)
}

#[derive(Debug)]
enum Stage {
    Init,
    Queued(Key),
    /// The permits are this future's, but the task's cooperative budget is spent:
    /// it yields once before returning them (dropping it now gives them back).
    Acquired,
    Done,
}

/// Future of [`Semaphore::acquire`]. Dropping it before it completes gives up its
/// place in the queue and returns any permits already assigned to it, which go to the
/// next waiters.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub(crate) struct Acquire<'a> {
    semaphore: &'a Semaphore,
    permits: usize,
    stage: Stage,
}

impl Future for Acquire<'_> {
    type Output = Result<(), AcquireError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        // The queue comes before the budget (as in tokio): a task whose budget is
        // spent still takes its place in line, and keeps permits granted to it.
        let result = match &this.stage {
            Stage::Init => match this.semaphore.poll_first(this.permits, cx) {
                Ok(Some(key)) => {
                    this.stage = Stage::Queued(key);
                    return Poll::Pending;
                }
                Ok(None) => Ok(()),
                Err(closed) => Err(closed),
            },
            Stage::Queued(key) => ready!(this.semaphore.poll_queued(key, cx)),
            Stage::Acquired => Ok(()),
            Stage::Done => panic!("`Acquire` polled after completion"),
        };
        if let Stage::Queued(key) = std::mem::replace(&mut this.stage, Stage::Done) {
            this.semaphore.leave(key, this.permits, result.is_ok());
        }
        if result.is_err() {
            return Poll::Ready(result);
        }
        this.stage = Stage::Acquired;
        let coop = ready!(rt::poll_proceed(cx));
        this.stage = Stage::Done;
        coop.made_progress();
        Poll::Ready(result)
    }
}

impl Drop for Acquire<'_> {
    fn drop(&mut self) {
        match std::mem::replace(&mut self.stage, Stage::Done) {
            Stage::Queued(key) => self.semaphore.leave(key, self.permits, false),
            Stage::Acquired => self.semaphore.release(self.permits),
            Stage::Init | Stage::Done => {}
        }
    }
}

impl fmt::Debug for Acquire<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Acquire")
            .field("permits", &self.permits)
            .field("stage", &self.stage)
            .finish()
    }
}
