//! `Notify`: wakes one waiting task, or all of them, with no data attached.
//!
//! # State
//!
//! `state` packs two things into one word. Its low two bits say whether tasks are
//! waiting:
//!
//! ```text
//!   EMPTY ──notify_one──▶ NOTIFIED        (one stored permit)
//!   NOTIFIED ──poll/enable──▶ EMPTY      (a Notified takes the permit)
//!   EMPTY ──poll/enable (under lock)──▶ WAITING   (its waiter joins `waiters`)
//!   WAITING ──last waiter leaves (under lock)──▶ EMPTY
//! ```
//!
//! and the bits above count calls to `notify_waiters`. The rules that make it work:
//!
//! - WAITING if and only if the main queue of `waiters` is non-empty; every change to
//!   or from WAITING, and every change of the call count, happens under the lock.
//!   EMPTY <-> NOTIFIED happens lock-free (the fast paths of `notify_one` and `poll`).
//! - A `Notified` records the call count when it is created. Once the count differs,
//!   it is complete, whether or not it ever joined the queue.
//! - `notify_waiters` detaches the whole queue (see `wait_list`), so the waiters it
//!   wakes are exactly those queued when it ran; waiters that join while it wakes them
//!   in batches are not in its chain.
//! - A waiter picked by `notify_one`/`notify_last` that is dropped before it sees the
//!   notification passes it on to the next waiter (or stores the permit).

use std::fmt;
use std::future::Future;
use std::panic::{RefUnwindSafe, UnwindSafe};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering::{AcqRel, Acquire, Release};
use std::task::{Context, Poll, Waker};

use super::wait_list::{Key, WaitList, WakeList};
use crate::loom::sync::atomic::AtomicUsize;
use crate::loom::sync::{Mutex, MutexGuard};

const EMPTY: usize = 0;
const WAITING: usize = 1;
const NOTIFIED: usize = 2;
const STATE_MASK: usize = 0b11;
const CALLS_SHIFT: usize = 2;

fn state_of(word: usize) -> usize {
    word & STATE_MASK
}

fn with_state(word: usize, state: usize) -> usize {
    (word & !STATE_MASK) | state
}

fn calls_of(word: usize) -> usize {
    word >> CALLS_SHIFT
}

/// Which waiter `notify_one`-style calls pick.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Strategy {
    /// The oldest waiter (`notify_one`).
    Fifo,
    /// The newest waiter (`notify_last`).
    Lifo,
}

/// Why a waiter was unlinked; recorded in its slot for its owner to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Notification {
    One(Strategy),
    All,
}

type Waiters = WaitList<Option<Notification>>;

/// Notifies a single task, or all waiting tasks, to wake up.
///
/// A `Notify` holds at most one permit. [`notified().await`](Notify::notified) waits
/// for the permit and consumes it; [`notify_one`](Notify::notify_one) wakes the
/// longest-waiting task, or stores the permit when no task waits (many calls store
/// one permit). [`notify_waiters`](Notify::notify_waiters) wakes every task waiting at
/// that moment and stores nothing.
pub struct Notify {
    state: AtomicUsize,
    waiters: Mutex<Waiters>,
}

impl Notify {
    /// Creates a new `Notify`, without a permit.
    pub fn new() -> Notify {
        Notify {
            state: AtomicUsize::new(0),
            waiters: Mutex::new(WaitList::new()),
        }
    }

    /// Creates a new `Notify`, without a permit, in a `const` context.
    ///
    /// ```
    /// use avx::sync::Notify;
    ///
    /// static NOTIFY: Notify = Notify::const_new();
    /// ```
    #[cfg(not(all(loom, test)))]
    pub const fn const_new() -> Notify {
        Notify {
            state: AtomicUsize::new(0),
            waiters: Mutex::new(WaitList::new()),
        }
    }

    /// Waits for a notification.
    ///
    /// If a permit is stored, the returned future completes at once and consumes it;
    /// otherwise it waits for the next [`notify_one`](Notify::notify_one). It receives
    /// `notify_one` wake-ups only once it has been polled or
    /// [enabled](Notified::enable), but it receives
    /// [`notify_waiters`](Notify::notify_waiters) wake-ups from the moment it is
    /// created.
    ///
    /// # Cancel safety
    ///
    /// Notifications are handed out in the order the waiters were queued; cancelling
    /// a call to `notified` gives up its place in the queue. A notification that had
    /// already been given to it is passed on to the next waiter.
    pub fn notified(&self) -> Notified<'_> {
        Notified {
            notify: self,
            waiter: WaiterState::new(self),
        }
    }

    /// As [`notified`](Notify::notified), but the future owns an `Arc` of the
    /// `Notify`, so it can be moved into a task.
    pub fn notified_owned(self: Arc<Self>) -> OwnedNotified {
        let waiter = WaiterState::new(&self);
        OwnedNotified {
            notify: self,
            waiter,
        }
    }

    /// Notifies the task that has waited longest.
    ///
    /// If no task waits, a permit is stored and the next `notified().await` completes
    /// at once. At most one permit is stored.
    pub fn notify_one(&self) {
        self.notify_with(Strategy::Fifo);
    }

    /// Notifies the task that started waiting most recently; otherwise as
    /// [`notify_one`](Notify::notify_one).
    pub fn notify_last(&self) {
        self.notify_with(Strategy::Lifo);
    }

    /// Notifies every task waiting now.
    ///
    /// No permit is stored: only futures created by [`notified`](Notify::notified)
    /// before this call complete.
    pub fn notify_waiters(&self) {
        let mut waiters = self.waiters.lock();
        let word = self.state.load(Acquire);
        if state_of(word) != WAITING {
            // Nobody is queued, but futures created before this call must still see
            // it: bump the count (under the lock, as every count change is).
            self.state.fetch_add(1 << CALLS_SHIFT, AcqRel);
            return;
        }
        let next = with_state(word + (1 << CALLS_SHIFT), EMPTY);
        self.state.store(next, Release);
        let chain = waiters
            .detach_all()
            .expect("WAITING implies a non-empty queue");
        let mut wakers = WakeList::new();
        loop {
            while wakers.can_push() {
                match waiters.pop_detached(&chain) {
                    Some(waiter) => {
                        waiter.value = Some(Notification::All);
                        if let Some(waker) = waiter.take_waker() {
                            wakers.push(waker);
                        }
                    }
                    None => {
                        waiters.free_detached(chain);
                        drop(waiters);
                        wakers.wake_all();
                        return;
                    }
                }
            }
            // Wake a full batch without holding the lock, then continue.
            drop(waiters);
            wakers.wake_all();
            waiters = self.waiters.lock();
        }
    }

    fn notify_with(&self, strategy: Strategy) {
        let mut word = self.state.load(Acquire);
        while state_of(word) != WAITING {
            // EMPTY or NOTIFIED: store the permit. NOTIFIED -> NOTIFIED is still
            // written, so that it synchronises with the waiter that takes it.
            match self
                .state
                .compare_exchange(word, with_state(word, NOTIFIED), AcqRel, Acquire)
            {
                Ok(_) => return,
                Err(actual) => word = actual,
            }
        }
        let mut waiters = self.waiters.lock();
        let waker = self.notify_locked(&mut waiters, strategy);
        drop(waiters);
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Hands one notification to a waiter, or stores the permit; the lock is held.
    fn notify_locked(&self, waiters: &mut Waiters, strategy: Strategy) -> Option<Waker> {
        let mut word = self.state.load(Acquire);
        if state_of(word) != WAITING {
            // Only EMPTY <-> NOTIFIED can race with us here, and both end in NOTIFIED.
            loop {
                match self
                    .state
                    .compare_exchange(word, with_state(word, NOTIFIED), AcqRel, Acquire)
                {
                    Ok(_) => return None,
                    Err(actual) => word = actual,
                }
            }
        }
        let waiter = match strategy {
            Strategy::Fifo => waiters.pop_front(),
            Strategy::Lifo => waiters.pop_back(),
        }
        .expect("WAITING implies a non-empty queue");
        waiter.value = Some(Notification::One(strategy));
        let waker = waiter.take_waker();
        if waiters.is_empty() {
            self.state.store(with_state(word, EMPTY), Release);
        }
        waker
    }

    /// Leaves the queue after `remove`: restores EMPTY if it was the last waiter.
    fn after_leaving(&self, waiters: &Waiters) {
        if waiters.is_empty() {
            let word = self.state.load(Acquire);
            if state_of(word) == WAITING {
                self.state.store(with_state(word, EMPTY), Release);
            }
        }
    }

    fn lock(&self) -> MutexGuard<'_, Waiters> {
        self.waiters.lock()
    }
}

impl Default for Notify {
    fn default() -> Notify {
        Notify::new()
    }
}

impl fmt::Debug for Notify {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notify").finish_non_exhaustive()
    }
}

impl UnwindSafe for Notify {}
impl RefUnwindSafe for Notify {}

/// Where a `Notified` future is in its life.
#[derive(Debug)]
enum Stage {
    /// Not yet polled or enabled.
    Init,
    /// Queued; the key owns its waiter slot.
    Waiting(Key),
    /// Completed.
    Done,
}

/// The part of a `Notified` future that does not depend on how it holds the `Notify`.
#[derive(Debug)]
struct WaiterState {
    stage: Stage,
    /// The `notify_waiters` call count when the future was created.
    calls: usize,
}

impl WaiterState {
    fn new(notify: &Notify) -> WaiterState {
        WaiterState {
            stage: Stage::Init,
            calls: calls_of(notify.state.load(Acquire)),
        }
    }

    /// Polls for the notification; `cx` is `None` for `enable`.
    fn poll(&mut self, notify: &Notify, cx: Option<&mut Context<'_>>) -> Poll<()> {
        match &self.stage {
            Stage::Done => Poll::Ready(()),
            Stage::Init => self.poll_init(notify, cx),
            Stage::Waiting(_) => self.poll_waiting(notify, cx),
        }
    }

    fn poll_init(&mut self, notify: &Notify, cx: Option<&mut Context<'_>>) -> Poll<()> {
        let word = notify.state.load(Acquire);
        if calls_of(word) != self.calls {
            self.stage = Stage::Done;
            return Poll::Ready(());
        }
        // Fast path: take a stored permit without the lock.
        if notify
            .state
            .compare_exchange(
                with_state(word, NOTIFIED),
                with_state(word, EMPTY),
                AcqRel,
                Acquire,
            )
            .is_ok()
        {
            self.stage = Stage::Done;
            return Poll::Ready(());
        }
        // Clone before locking: a clone may run arbitrary code.
        let waker = cx.map(|cx| cx.waker().clone());
        let mut waiters = notify.lock();
        let mut word = notify.state.load(Acquire);
        if calls_of(word) != self.calls {
            self.stage = Stage::Done;
            return Poll::Ready(());
        }
        loop {
            match state_of(word) {
                EMPTY => match notify.state.compare_exchange(
                    word,
                    with_state(word, WAITING),
                    AcqRel,
                    Acquire,
                ) {
                    Ok(_) => break,
                    Err(actual) => word = actual,
                },
                WAITING => break,
                _ => match notify.state.compare_exchange(
                    word,
                    with_state(word, EMPTY),
                    AcqRel,
                    Acquire,
                ) {
                    Ok(_) => {
                        self.stage = Stage::Done;
                        return Poll::Ready(());
                    }
                    Err(actual) => word = actual,
                },
            }
        }
        let key = waiters.push_back(None, waker);
        self.stage = Stage::Waiting(key);
        Poll::Pending
    }

    fn poll_waiting(&mut self, notify: &Notify, cx: Option<&mut Context<'_>>) -> Poll<()> {
        let Stage::Waiting(key) = &self.stage else {
            unreachable!("called in the Waiting stage");
        };
        let mut waiters = notify.lock();
        let waiter = waiters.get_mut(key);
        let notified = waiter.value.is_some();
        // A `notify_waiters` that has counted but not yet reached this waiter in its
        // chain: the waiter is as good as notified.
        let counted = calls_of(notify.state.load(Acquire)) != self.calls;
        if !notified && !counted {
            let old = cx.and_then(|cx| waiter.set_waker(cx.waker()));
            drop(waiters);
            drop(old);
            return Poll::Pending;
        }
        let Stage::Waiting(key) = std::mem::replace(&mut self.stage, Stage::Done) else {
            unreachable!("checked above");
        };
        let (_, old) = waiters.remove(key);
        notify.after_leaving(&waiters);
        drop(waiters);
        drop(old);
        Poll::Ready(())
    }

    /// Leaves the queue when the future is dropped, passing on a notification that
    /// was handed to it but not yet seen.
    fn drop_waiter(&mut self, notify: &Notify) {
        let Stage::Waiting(key) = std::mem::replace(&mut self.stage, Stage::Done) else {
            return;
        };
        let mut waiters = notify.lock();
        let (notification, old) = waiters.remove(key);
        notify.after_leaving(&waiters);
        let waker = match notification {
            Some(Notification::One(strategy)) => notify.notify_locked(&mut waiters, strategy),
            _ => None,
        };
        drop(waiters);
        drop(old);
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

/// Future returned by [`Notify::notified`]. Fused: once complete, it stays ready.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Notified<'a> {
    notify: &'a Notify,
    waiter: WaiterState,
}

impl Notified<'_> {
    /// Queues this future for [`notify_one`](Notify::notify_one) wake-ups without
    /// polling it (no waker is registered), exactly as the first poll would.
    ///
    /// Returns `true` if the future is ready: `notify_waiters` ran since it was
    /// created, a stored permit was taken now, or it was notified since it was queued.
    /// After `true`, polling it returns `Ready` at once.
    pub fn enable(self: Pin<&mut Self>) -> bool {
        let this = self.get_mut();
        this.waiter.poll(this.notify, None).is_ready()
    }
}

impl Future for Notified<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        this.waiter.poll(this.notify, Some(cx))
    }
}

impl Drop for Notified<'_> {
    fn drop(&mut self) {
        self.waiter.drop_waiter(self.notify);
    }
}

impl fmt::Debug for Notified<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notified")
            .field("notify", &self.notify)
            .field("state", &self.waiter)
            .finish()
    }
}

/// Future returned by [`Notify::notified_owned`]. Fused: once complete, it stays
/// ready.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct OwnedNotified {
    notify: Arc<Notify>,
    waiter: WaiterState,
}

impl OwnedNotified {
    /// As [`Notified::enable`].
    pub fn enable(self: Pin<&mut Self>) -> bool {
        let this = self.get_mut();
        this.waiter.poll(&this.notify, None).is_ready()
    }
}

impl Future for OwnedNotified {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        this.waiter.poll(&this.notify, Some(cx))
    }
}

impl Drop for OwnedNotified {
    fn drop(&mut self) {
        self.waiter.drop_waiter(&self.notify);
    }
}

impl fmt::Debug for OwnedNotified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedNotified")
            .field("notify", &self.notify)
            .field("state", &self.waiter)
            .finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::sync::test_util::{Manual, block_on};

    #[test]
    fn stored_permit_completes_the_next_waiter_only() {
        let notify = Notify::new();
        notify.notify_one();
        notify.notify_one();
        Manual::new(notify.notified()).ready();
        Manual::new(notify.notified()).pending();
    }

    #[test]
    fn notify_one_wakes_in_fifo_order() {
        let notify = Notify::new();
        let mut a = Manual::new(notify.notified());
        let mut b = Manual::new(notify.notified());
        a.pending();
        b.pending();
        notify.notify_one();
        assert!(a.is_woken() && !b.is_woken());
        a.ready();
        b.pending();
        notify.notify_one();
        b.ready();
    }

    #[test]
    fn notify_last_wakes_the_newest_waiter() {
        let notify = Notify::new();
        let mut a = Manual::new(notify.notified());
        let mut b = Manual::new(notify.notified());
        a.pending();
        b.pending();
        notify.notify_last();
        assert!(b.is_woken() && !a.is_woken());
        b.ready();
        a.pending();
    }

    #[test]
    fn notify_waiters_reaches_unpolled_futures_but_stores_no_permit() {
        let notify = Notify::new();
        let mut polled = Manual::new(notify.notified());
        polled.pending();
        let mut unpolled = Manual::new(notify.notified());
        notify.notify_waiters();
        assert!(polled.is_woken());
        polled.ready();
        unpolled.ready();
        // Created after the call: waits.
        Manual::new(notify.notified()).pending();
    }

    #[test]
    fn waiters_queued_after_notify_waiters_are_not_woken_by_it() {
        let notify = Notify::new();
        let mut old = Manual::new(notify.notified());
        old.pending();
        notify.notify_waiters();
        let mut new = Manual::new(notify.notified());
        new.pending();
        old.ready();
        assert!(!new.is_woken());
        notify.notify_one();
        new.ready();
    }

    #[test]
    fn enable_queues_without_a_waker_and_reports_readiness() {
        let notify = Notify::new();
        let mut a = Manual::new(notify.notified());
        assert!(!a.future().enable());
        notify.notify_one();
        // The notification went to the enabled future, not into a stored permit.
        assert!(a.future().enable());
        Manual::new(notify.notified()).pending();
        a.ready();
    }

    #[test]
    fn dropping_a_notified_waiter_passes_the_notification_on() {
        let notify = Notify::new();
        let mut a = Manual::new(notify.notified());
        let mut b = Manual::new(notify.notified());
        a.pending();
        b.pending();
        notify.notify_one();
        drop(a);
        assert!(b.is_woken());
        b.ready();
    }

    #[test]
    fn dropping_the_only_notified_waiter_stores_the_permit() {
        let notify = Notify::new();
        let mut a = Manual::new(notify.notified());
        a.pending();
        notify.notify_one();
        drop(a);
        Manual::new(notify.notified()).ready();
    }

    #[test]
    fn dropping_a_queued_waiter_leaves_the_rest_queued() {
        let notify = Notify::new();
        let mut a = Manual::new(notify.notified());
        let mut b = Manual::new(notify.notified());
        a.pending();
        b.pending();
        drop(a);
        notify.notify_one();
        b.ready();
        // The queue is empty again, so the next notify_one stores a permit.
        notify.notify_one();
        Manual::new(notify.notified()).ready();
    }

    #[test]
    fn owned_notified_works_like_notified() {
        let notify = Arc::new(Notify::new());
        let mut a = Manual::new(Arc::clone(&notify).notified_owned());
        a.pending();
        notify.notify_one();
        a.ready();
        // Fused.
        a.ready();
    }

    #[test]
    fn notify_waiters_wakes_more_than_one_batch() {
        let notify = Notify::new();
        let mut waiters: Vec<_> = (0..100).map(|_| Manual::new(notify.notified())).collect();
        for waiter in &mut waiters {
            waiter.pending();
        }
        notify.notify_waiters();
        for waiter in &mut waiters {
            assert!(waiter.is_woken());
            waiter.ready();
        }
    }

    #[test]
    fn notify_from_another_thread_wakes_a_blocked_waiter() {
        let notify = Arc::new(Notify::new());
        let notifier = Arc::clone(&notify);
        let thread = std::thread::spawn(move || notifier.notify_one());
        block_on(notify.notified());
        thread.join().unwrap();
    }

    #[test]
    fn is_send_and_sync() {
        fn check<T: Send + Sync>(_: &T) {}
        let notify = Notify::new();
        check(&notify);
        check(&notify.notified());
    }
}

#[cfg(all(loom, test))]
mod loom_models {
    use super::*;
    use crate::loom::model::block_on;
    use loom::thread;

    #[test]
    fn notify_one_is_never_lost() {
        loom::model(|| {
            let notify = Arc::new(Notify::new());
            let notifier = Arc::clone(&notify);
            let thread = thread::spawn(move || notifier.notify_one());
            block_on(notify.notified());
            thread.join().unwrap();
        });
    }

    #[test]
    fn notify_waiters_reaches_a_created_future() {
        loom::model(|| {
            let notify = Arc::new(Notify::new());
            let notified = Arc::clone(&notify).notified_owned();
            let notifier = Arc::clone(&notify);
            let thread = thread::spawn(move || notifier.notify_waiters());
            block_on(notified);
            thread.join().unwrap();
        });
    }

    #[test]
    fn dropped_waiter_passes_notification_on() {
        loom::model(|| {
            let notify = Arc::new(Notify::new());
            let mut first = Box::pin(Arc::clone(&notify).notified_owned());
            assert!(!first.as_mut().enable());
            let notifier = Arc::clone(&notify);
            let thread = thread::spawn(move || notifier.notify_one());
            let mut second = Box::pin(Arc::clone(&notify).notified_owned());
            let _ = second.as_mut().enable();
            // Whether or not `first` was picked already, leaving must not lose it.
            drop(first);
            block_on(second);
            thread.join().unwrap();
        });
    }

    #[test]
    fn two_notifies_two_waiters() {
        loom::model(|| {
            let notify = Arc::new(Notify::new());
            let waiter = Arc::clone(&notify);
            let thread = thread::spawn(move || block_on(waiter.notified_owned()));
            let mut mine = Box::pin(Arc::clone(&notify).notified_owned());
            let _ = mine.as_mut().enable();
            notify.notify_one();
            notify.notify_one();
            block_on(mine);
            thread.join().unwrap();
        });
    }

    #[test]
    fn notify_waiters_with_a_waiter_leaving_concurrently() {
        loom::model(|| {
            let notify = Arc::new(Notify::new());
            let mut stays = Box::pin(Arc::clone(&notify).notified_owned());
            assert!(!stays.as_mut().enable());
            let leaving = Arc::clone(&notify);
            let leaver = thread::spawn(move || {
                let mut leaves = Box::pin(leaving.notified_owned());
                let _ = leaves.as_mut().enable();
                drop(leaves);
            });
            let notifier = Arc::clone(&notify);
            let waker = thread::spawn(move || notifier.notify_waiters());
            block_on(stays);
            leaver.join().unwrap();
            waker.join().unwrap();
            // Nothing was left behind: the next waiter needs a new notification.
            let mut next = Box::pin(notify.notified_owned());
            assert!(!next.as_mut().enable());
        });
    }
}
