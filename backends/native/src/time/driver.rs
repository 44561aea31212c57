//! The time driver: the wheel behind one lock, the clock, and the park/unpark protocol.
//!
//! # Locking
//!
//! One `Mutex` guards the wheel, the park state and the shutdown flag. Registering a
//! sleep (first poll) and cancelling it (drop) take it once each and read no clock: a
//! deadline at or before the wheel's `elapsed` (the last tick processed, which never
//! runs ahead of the clock) is due at once. Wakers are cloned before the lock is taken
//! and woken after it is released, in batches of [`WAKE_BATCH`], so no task code runs
//! under the lock.
//!
//! # The spare waker
//!
//! Cancelling a sleep leaves its waker with the driver (one spare, under the lock)
//! instead of dropping it, and a registration whose waker `will_wake` the same task takes
//! the spare instead of cloning its own: a task that makes, polls and drops sleeps in a
//! loop (a `timeout` around work that is ready at once) touches no reference count. The
//! registration reads [`Inner::spare_hint`] without the lock to decide whether to clone
//! before locking. A spare is dropped, outside the lock, when another cancel replaces
//! it, when the driver next parks or processes, and at shutdown; so it outlives its
//! sleep only until the driver's next turn.
//!
//! # Parking
//!
//! A thread about to park calls [`TimeHandle::park_deadline`], which records, under the
//! lock, the tick it will sleep until ([`Park::Until`]). A registration due before that
//! tick calls `unpark` once and records [`Park::Notified`] so that later ones do not;
//! [`TimeHandle::unparked`] returns to [`Park::Running`], in which a registration never
//! calls `unpark` (a running driver will see the new deadline on its next park).
//!
//! # Ticks
//!
//! Tick `t` is `clock.start() + t` milliseconds. A deadline becomes the tick at or after
//! it (rounded up), and `now` the tick at or before it (rounded down), so an entry fires
//! only once `now >= deadline`.

use std::fmt;
use std::ptr::NonNull;
use std::sync::PoisonError;
use std::task::{Poll, Waker};
use std::time::{Duration, Instant};

use super::clock::Clock;
use super::entry::{FIRED, IDLE, REGISTERED, TimerEntry};
use super::wheel::{AlreadyDue, MAX_TICK, Wheel};
use crate::loom::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use crate::loom::sync::{Arc, Mutex, MutexGuard};

/// tokio's message for using a timer of a runtime that has shut down.
pub(super) const SHUTDOWN_MESSAGE: &str =
    "A Tokio 1.x context was found, but it is being shutdown.";

/// Wakers collected under the lock before it is released to wake them.
const WAKE_BATCH: usize = 32;

/// A handle to a runtime's time driver; clones share it.
#[derive(Clone)]
pub(crate) struct TimeHandle {
    inner: Arc<Inner>,
}

struct Inner {
    clock: Clock,
    /// Tick 0: the clock's start.
    start: Instant,
    unpark: std::sync::Arc<dyn Fn() + Send + Sync>,
    /// Set first thing in `shutdown`; read without the lock by every poll.
    is_shutdown: AtomicBool,
    /// A lower bound of the wheel's `elapsed` (written under the lock, read without it):
    /// a deadline at or before it is due without taking the lock.
    elapsed_hint: AtomicU64,
    /// A lower bound of the earliest pending tick, `u64::MAX` for none (written under
    /// the lock, read without it): lets a driver that polls without blocking skip
    /// the clock read and the lock when no timer is pending at all.
    next_hint: AtomicU64,
    /// [`spare_hint`] of `Locked::spare` ([`NO_SPARE`] without one); written under the
    /// lock, read without it. Only a hint: the registration checks the spare again under
    /// the lock.
    spare_hint: AtomicUsize,
    locked: Mutex<Locked>,
}

/// Everything behind the driver's lock.
struct Locked {
    wheel: Wheel,
    park: Park,
    /// Set under the lock by `shutdown`; no registration succeeds afterwards.
    shutdown: bool,
    /// The waker of the last cancelled entry, for a registration that would wake the
    /// same task (module docs).
    spare: Option<Waker>,
}

/// [`Inner::spare_hint`] when there is no spare.
const NO_SPARE: usize = usize::MAX;

/// What [`Inner::spare_hint`] records of a waker: the address of its data. Equal hints
/// do not prove that two wakers wake the same task (`will_wake` does), but different
/// ones make a match unlikely enough not to take the lock for it.
#[inline]
fn spare_hint(waker: &Waker) -> usize {
    waker.data().addr()
}

/// Whether a registration must wake the parked driver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Park {
    /// The driver is not parked (or is about to look at the wheel again).
    Running,
    /// The driver is parked until this tick (`u64::MAX`: until woken).
    Until(u64),
    /// A registration already called `unpark` since the driver parked.
    Notified,
}

impl TimeHandle {
    /// A time driver over `clock`; `unpark` wakes the thread parked in the driver.
    pub(crate) fn new(clock: Clock, unpark: std::sync::Arc<dyn Fn() + Send + Sync>) -> TimeHandle {
        let start = clock.start();
        TimeHandle {
            inner: Arc::new(Inner {
                clock,
                start,
                unpark,
                is_shutdown: AtomicBool::new(false),
                elapsed_hint: AtomicU64::new(0),
                next_hint: AtomicU64::new(u64::MAX),
                spare_hint: AtomicUsize::new(NO_SPARE),
                locked: Mutex::new(Locked {
                    wheel: Wheel::new(),
                    park: Park::Running,
                    shutdown: false,
                    spare: None,
                }),
            }),
        }
    }

    /// The driver's address: equal for handles to the same driver, and never 0.
    #[inline]
    pub(crate) fn addr(&self) -> usize {
        Arc::as_ptr(&self.inner).addr()
    }

    /// How many handles to this driver are alive (for the tests loom builds leave out).
    #[cfg(all(test, not(loom)))]
    pub(crate) fn handle_count(&self) -> usize {
        Arc::strong_count(&self.inner)
    }

    /// The driver's clock.
    pub(crate) fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    /// For the thread about to park: the earliest pending deadline (`None` if there are
    /// no timers), recorded as the time the driver parks until. Until
    /// [`unparked`](Self::unparked), registering a timer due earlier calls `unpark`, once.
    ///
    /// The instant may be a cascade point of the wheel rather than a sleep's deadline
    /// (processing it then fires nothing), and may be in the past.
    pub(crate) fn park_deadline(&self) -> Option<Instant> {
        let mut locked = self.lock();
        let next = locked.wheel.next_expiration();
        locked.park = Park::Until(next.unwrap_or(u64::MAX));
        self.inner
            .next_hint
            .store(next.unwrap_or(u64::MAX), Ordering::Relaxed);
        let spare = self.take_spare(&mut locked);
        drop(locked);
        drop(spare);
        next.map(|tick| self.tick_to_instant(tick))
    }

    /// The parked thread is running again: registrations no longer call `unpark`.
    pub(crate) fn unparked(&self) {
        self.lock().park = Park::Running;
    }

    /// Fires every timer due at `clock().now()`, waking their tasks outside the lock;
    /// returns how many fired.
    pub(crate) fn process(&self) -> usize {
        let now = self.instant_to_tick(self.inner.clock.now());
        let mut fired = 0;
        let mut wakers = WakeList::new();
        loop {
            let mut locked = self.lock();
            let spare = self.take_spare(&mut locked);
            while !wakers.is_full() {
                let Some(entry) = locked.wheel.fire_next(now) else {
                    break;
                };
                fired += 1;
                wakers.push(entry.waker);
            }
            let more = wakers.is_full();
            self.inner
                .elapsed_hint
                .store(locked.wheel.elapsed(), Ordering::Release);
            if !more {
                let next = locked.wheel.next_expiration();
                self.inner
                    .next_hint
                    .store(next.unwrap_or(u64::MAX), Ordering::Relaxed);
            }
            drop(locked);
            drop(spare);
            wakers.wake_all();
            if !more {
                return fired;
            }
        }
    }

    /// Whether any timer may be pending; false means `process` would fire nothing.
    /// A cancelled timer may leave it true until the next `process`.
    #[inline]
    pub(crate) fn may_have_timers(&self) -> bool {
        self.inner.next_hint.load(Ordering::Relaxed) != u64::MAX
    }

    /// The earliest pending deadline (or cascade point), without the parking side
    /// effect: what auto-advance moves paused time to.
    pub(crate) fn next_expiration(&self) -> Option<Instant> {
        let next = self.lock().wheel.next_expiration();
        next.map(|tick| self.tick_to_instant(tick))
    }

    /// Runtime shutdown: wakes every pending sleep; polling any sleep of this driver
    /// afterwards panics with tokio's message.
    pub(crate) fn shutdown(&self) {
        self.inner.is_shutdown.store(true, Ordering::Release);
        let mut wakers = WakeList::new();
        loop {
            let mut locked = self.lock();
            locked.shutdown = true;
            // No cancel keeps a spare after this.
            let spare = self.take_spare(&mut locked);
            while !wakers.is_full() {
                let Some(entry) = locked.wheel.fire_any() else {
                    break;
                };
                wakers.push(entry.waker);
            }
            let more = wakers.is_full();
            drop(locked);
            drop(spare);
            wakers.wake_all();
            if !more {
                return;
            }
        }
    }

    /// Whether [`shutdown`](Self::shutdown) has begun.
    #[inline]
    pub(super) fn is_shutdown(&self) -> bool {
        self.inner.is_shutdown.load(Ordering::Acquire)
    }

    /// Polls the entry of a sleep due at `deadline`: registers it on the first poll,
    /// updates its waker on later ones, `Ready` once it has fired.
    ///
    /// # Safety
    ///
    /// `entry` is the entry of a pinned `Sleep` of this driver, the caller is that
    /// sleep's owner (no other owner operation runs concurrently), and the sleep calls
    /// [`cancel`](Self::cancel) when dropped if the entry is still REGISTERED.
    #[inline]
    pub(super) unsafe fn poll_entry(
        &self,
        entry: NonNull<TimerEntry>,
        deadline: Instant,
        waker: &Waker,
    ) -> Poll<()> {
        // SAFETY: the entry is live: it is the caller's pinned sleep's (contract).
        let state = unsafe { entry.as_ref() }.state();
        match state {
            FIRED => Poll::Ready(()),
            // SAFETY: forwarded from this function's contract.
            IDLE => unsafe { self.register(entry, deadline, waker) },
            // SAFETY: forwarded from this function's contract.
            _ => unsafe { self.update_waker(entry, waker) },
        }
    }

    /// Unlinks a sleep's entry if it is still registered.
    ///
    /// # Safety
    ///
    /// As for [`poll_entry`](Self::poll_entry).
    #[inline]
    pub(super) unsafe fn cancel(&self, entry: NonNull<TimerEntry>) {
        let mut locked = self.lock();
        // SAFETY: the entry is live (contract).
        let entry_ref = unsafe { entry.as_ref() };
        // The driver may have fired it since the owner looked.
        if entry_ref.state() != REGISTERED {
            return;
        }
        // SAFETY: REGISTERED entries of this driver's sleeps are linked in its wheel,
        // and we hold its lock.
        unsafe { locked.wheel.remove(entry) };
        // SAFETY: still REGISTERED (so ours under the lock) until the store below.
        let waker = unsafe { entry_ref.with_shared(|shared| shared.waker.take()) };
        entry_ref.set_state(IDLE);
        // The waker becomes the spare (module docs); the one it replaces, if any, is
        // dropped outside the lock. After shutdown no spare is kept.
        let dropped = match waker {
            Some(waker) if !locked.shutdown => {
                self.inner
                    .spare_hint
                    .store(spare_hint(&waker), Ordering::Relaxed);
                locked.spare.replace(waker)
            }
            waker => waker,
        };
        drop(locked);
        drop(dropped);
    }

    /// Moves a sleep's entry to `deadline`: refiles it if registered (firing it if the
    /// new deadline is already due); otherwise leaves it to register on the next poll.
    ///
    /// # Safety
    ///
    /// As for [`poll_entry`](Self::poll_entry).
    pub(super) unsafe fn reset(&self, entry: NonNull<TimerEntry>, deadline: Instant) {
        // SAFETY: the entry is live (contract).
        let entry_ref = unsafe { entry.as_ref() };
        if entry_ref.state() != REGISTERED {
            // Not linked: the owner (our caller) owns every field; the next poll
            // registers the new deadline.
            entry_ref.set_state(IDLE);
            return;
        }
        let when = self.deadline_to_tick(deadline);
        let mut locked = self.lock();
        if entry_ref.state() != REGISTERED {
            // Fired since we looked; not linked any more.
            entry_ref.set_state(IDLE);
            return;
        }
        // SAFETY: REGISTERED, so linked in this wheel; we hold its lock.
        unsafe { locked.wheel.remove(entry) };
        // SAFETY: just unlinked, so in no list; live until the sleep's drop cancels it;
        // its shared fields are ours under the lock.
        match unsafe { locked.wheel.insert(entry, when) } {
            Ok(()) => {
                if when < self.inner.next_hint.load(Ordering::Relaxed) {
                    self.inner.next_hint.store(when, Ordering::Relaxed);
                }
                let unpark = locked.note_registration(when);
                drop(locked);
                if unpark {
                    (self.inner.unpark)();
                }
            }
            Err(AlreadyDue) => {
                // SAFETY: live, REGISTERED, unlinked, under the lock; not touched again.
                let waker = unsafe { TimerEntry::fire(entry) };
                drop(locked);
                if let Some(waker) = waker {
                    waker.wake();
                }
            }
        }
    }

    /// First poll: links the entry, or finds it due already.
    ///
    /// # Safety
    ///
    /// As for [`poll_entry`](Self::poll_entry), and the entry is IDLE.
    unsafe fn register(
        &self,
        entry: NonNull<TimerEntry>,
        deadline: Instant,
        waker: &Waker,
    ) -> Poll<()> {
        // SAFETY: the entry is live (contract).
        let entry_ref = unsafe { entry.as_ref() };
        let when = self.deadline_to_tick(deadline);
        if when <= self.inner.elapsed_hint.load(Ordering::Acquire) {
            // Due already: the wheel's `elapsed` is at least the hint.
            entry_ref.set_state(FIRED);
            return Poll::Ready(());
        }
        // Clone before the lock unless the spare looks like it wakes the same task.
        let clone = (self.inner.spare_hint.load(Ordering::Relaxed) != spare_hint(waker))
            .then(|| waker.clone());
        let mut locked = self.lock();
        let waker = match clone {
            Some(clone) => clone,
            None => match self.take_spare_for(&mut locked, waker) {
                Some(spare) => spare,
                None => {
                    // The hint was stale: clone outside the lock after all.
                    drop(locked);
                    let clone = waker.clone();
                    locked = self.lock();
                    clone
                }
            },
        };
        if locked.shutdown {
            drop(locked);
            panic!("{SHUTDOWN_MESSAGE}");
        }
        // SAFETY: the entry is IDLE, so in no list, and its owner (our caller) lends us
        // its shared fields; it stays pinned until the sleep's drop cancels it.
        match unsafe { locked.wheel.insert(entry, when) } {
            Ok(()) => {
                // SAFETY: now linked, and we hold the lock.
                unsafe { entry_ref.with_shared(|shared| shared.waker = Some(waker)) };
                entry_ref.set_state(REGISTERED);
                if when < self.inner.next_hint.load(Ordering::Relaxed) {
                    self.inner.next_hint.store(when, Ordering::Relaxed);
                }
                let unpark = locked.note_registration(when);
                drop(locked);
                if unpark {
                    (self.inner.unpark)();
                }
                Poll::Pending
            }
            Err(AlreadyDue) => {
                entry_ref.set_state(FIRED);
                drop(locked);
                Poll::Ready(())
            }
        }
    }

    /// Later polls: `Ready` if the entry fired, else makes sure it wakes `waker`.
    ///
    /// # Safety
    ///
    /// As for [`poll_entry`](Self::poll_entry).
    unsafe fn update_waker(&self, entry: NonNull<TimerEntry>, waker: &Waker) -> Poll<()> {
        // SAFETY: the entry is live (contract).
        let entry_ref = unsafe { entry.as_ref() };
        let mut new_waker = None;
        loop {
            let locked = self.lock();
            if entry_ref.state() != REGISTERED {
                return Poll::Ready(());
            }
            // SAFETY: REGISTERED, so its shared fields are ours under the lock.
            let old = unsafe {
                entry_ref.with_shared(|shared| {
                    if shared.waker.as_ref().is_some_and(|w| w.will_wake(waker)) {
                        return Ok(None);
                    }
                    match new_waker.take() {
                        Some(new) => Ok(shared.waker.replace(new)),
                        None => Err(()),
                    }
                })
            };
            drop(locked);
            match old {
                // Dropped here, outside the lock.
                Ok(_old) => return Poll::Pending,
                // Clone outside the lock, then look again.
                Err(()) => new_waker = Some(waker.clone()),
            }
        }
    }

    /// The tick at or after `deadline`.
    #[inline]
    pub(super) fn deadline_to_tick(&self, deadline: Instant) -> u64 {
        let Some(since) = deadline.checked_duration_since(self.inner.start) else {
            return 0;
        };
        let round_up = u64::from(since.subsec_nanos().div_ceil(1_000_000));
        since
            .as_secs()
            .saturating_mul(1000)
            .saturating_add(round_up)
            .min(MAX_TICK)
    }

    /// The tick at or before `now`.
    fn instant_to_tick(&self, now: Instant) -> u64 {
        let since = now.saturating_duration_since(self.inner.start);
        since
            .as_secs()
            .saturating_mul(1000)
            .saturating_add(u64::from(since.subsec_millis()))
            .min(MAX_TICK)
    }

    fn tick_to_instant(&self, tick: u64) -> Instant {
        let start = self.inner.start;
        start
            .checked_add(Duration::from_millis(tick))
            // Unreachable on 64-bit Unix (u64 milliseconds fit an Instant); elsewhere,
            // as far ahead as tokio's "far future".
            .or_else(|| start.checked_add(Duration::from_secs(86400 * 365 * 30)))
            .unwrap_or(start)
    }

    /// Takes the spare waker out (to be dropped by the caller, outside the lock).
    #[inline]
    fn take_spare(&self, locked: &mut Locked) -> Option<Waker> {
        let spare = locked.spare.take();
        if spare.is_some() {
            self.inner.spare_hint.store(NO_SPARE, Ordering::Relaxed);
        }
        spare
    }

    /// Takes the spare waker if it wakes the same task as `waker`.
    #[inline]
    fn take_spare_for(&self, locked: &mut Locked, waker: &Waker) -> Option<Waker> {
        if locked
            .spare
            .as_ref()
            .is_some_and(|spare| spare.will_wake(waker))
        {
            self.take_spare(locked)
        } else {
            None
        }
    }

    fn lock(&self) -> MutexGuard<'_, Locked> {
        // No code that can panic runs under the lock (wakers run outside it), so a
        // poisoned lock still guards a consistent wheel.
        self.inner
            .locked
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl Locked {
    /// Records a registration due at `when`; `true` if the caller must call `unpark`.
    #[inline]
    fn note_registration(&mut self, when: u64) -> bool {
        match self.park {
            Park::Until(until) if when < until => {
                self.park = Park::Notified;
                true
            }
            _ => false,
        }
    }
}

impl fmt::Debug for TimeHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TimeHandle")
            .field("clock", &self.inner.clock)
            .field("is_shutdown", &self.is_shutdown())
            .finish_non_exhaustive()
    }
}

/// Up to [`WAKE_BATCH`] wakers, woken together once the lock is released.
struct WakeList {
    wakers: [Option<Waker>; WAKE_BATCH],
    len: usize,
}

impl WakeList {
    fn new() -> WakeList {
        WakeList {
            wakers: [const { None }; WAKE_BATCH],
            len: 0,
        }
    }

    fn is_full(&self) -> bool {
        self.len == WAKE_BATCH
    }

    fn push(&mut self, waker: Option<Waker>) {
        debug_assert!(!self.is_full());
        if let Some(waker) = waker {
            self.wakers[self.len] = Some(waker);
            self.len += 1;
        }
    }

    fn wake_all(&mut self) {
        for slot in &mut self.wakers[..self.len] {
            if let Some(waker) = slot.take() {
                waker.wake();
            }
        }
        self.len = 0;
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::super::sleep::Sleep;
    use super::*;
    use std::future::Future;
    use std::pin::Pin;
    use std::sync::atomic::AtomicUsize;
    use std::task::{Context, Wake};

    const MS: Duration = Duration::from_millis(1);

    struct Counter(AtomicUsize);

    impl Counter {
        fn get(&self) -> usize {
            self.0.load(Ordering::SeqCst)
        }
    }

    impl Wake for Counter {
        fn wake(self: std::sync::Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn counter() -> (std::sync::Arc<Counter>, Waker) {
        let counter = std::sync::Arc::new(Counter(AtomicUsize::new(0)));
        (counter.clone(), Waker::from(counter))
    }

    /// A paused driver and a count of its `unpark` calls.
    fn paused_driver() -> (TimeHandle, std::sync::Arc<AtomicUsize>) {
        let unparks = std::sync::Arc::new(AtomicUsize::new(0));
        let count = unparks.clone();
        let unpark = std::sync::Arc::new(move || {
            count.fetch_add(1, Ordering::SeqCst);
        });
        (TimeHandle::new(Clock::new(true), unpark), unparks)
    }

    fn poll(sleep: Pin<&mut Sleep>, waker: &Waker) -> Poll<()> {
        sleep.poll(&mut Context::from_waker(waker))
    }

    fn sleep_for(handle: &TimeHandle, ms: u64) -> Pin<Box<Sleep>> {
        let deadline = handle.clock().start() + Duration::from_millis(ms);
        Box::pin(Sleep::new(handle.clone(), deadline))
    }

    #[test]
    fn ticks_round_deadlines_up_and_now_down() {
        let (handle, _) = paused_driver();
        let start = handle.clock().start();
        assert_eq!(handle.deadline_to_tick(start), 0);
        assert_eq!(handle.deadline_to_tick(start + Duration::from_nanos(1)), 1);
        assert_eq!(handle.deadline_to_tick(start + MS), 1);
        assert_eq!(
            handle.deadline_to_tick(start + 1500 * Duration::from_micros(1)),
            2
        );
        assert_eq!(
            handle.instant_to_tick(start + 1999 * Duration::from_micros(1)),
            1
        );
        assert_eq!(handle.deadline_to_tick(start - MS), 0);
        let far = start + Duration::from_secs(u64::MAX / 1000 + 1);
        assert_eq!(handle.deadline_to_tick(far), MAX_TICK);
        assert_eq!(handle.tick_to_instant(7), start + 7 * MS);
    }

    #[test]
    fn park_deadline_is_none_without_timers() {
        let (handle, _) = paused_driver();
        assert_eq!(handle.park_deadline(), None);
        assert_eq!(handle.next_expiration(), None);
    }

    #[test]
    fn park_deadline_is_the_rounded_up_deadline() {
        let (handle, _) = paused_driver();
        let (_, waker) = counter();
        let start = handle.clock().start();
        let mut sleep = Box::pin(Sleep::new(
            handle.clone(),
            start + Duration::from_micros(2500),
        ));
        assert!(poll(sleep.as_mut(), &waker).is_pending());
        assert_eq!(handle.park_deadline(), Some(start + 3 * MS));
        assert_eq!(handle.next_expiration(), Some(start + 3 * MS));
    }

    #[test]
    fn earlier_registration_while_parked_unparks_exactly_once() {
        let (handle, unparks) = paused_driver();
        let (_, waker) = counter();
        let mut late = sleep_for(&handle, 50);
        assert!(poll(late.as_mut(), &waker).is_pending());
        assert_eq!(
            handle.park_deadline(),
            Some(handle.clock().start() + 50 * MS)
        );

        // Not earlier: no unpark.
        let mut same = sleep_for(&handle, 50);
        let mut later = sleep_for(&handle, 80);
        assert!(poll(same.as_mut(), &waker).is_pending());
        assert!(poll(later.as_mut(), &waker).is_pending());
        assert_eq!(unparks.load(Ordering::SeqCst), 0);

        // Earlier: one unpark, however many earlier timers follow.
        let mut earlier = sleep_for(&handle, 10);
        let mut earliest = sleep_for(&handle, 5);
        assert!(poll(earlier.as_mut(), &waker).is_pending());
        assert!(poll(earliest.as_mut(), &waker).is_pending());
        assert_eq!(unparks.load(Ordering::SeqCst), 1);

        // Running again: registrations never unpark.
        handle.unparked();
        let mut soon = sleep_for(&handle, 1);
        assert!(poll(soon.as_mut(), &waker).is_pending());
        assert_eq!(unparks.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn any_registration_unparks_a_driver_parked_without_timers() {
        let (handle, unparks) = paused_driver();
        let (_, waker) = counter();
        assert_eq!(handle.park_deadline(), None);
        let mut sleep = sleep_for(&handle, 365 * 24 * 3_600_000);
        assert!(poll(sleep.as_mut(), &waker).is_pending());
        assert_eq!(unparks.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn registration_while_running_never_unparks() {
        let (handle, unparks) = paused_driver();
        let (_, waker) = counter();
        let mut sleeps: Vec<_> = (0..100)
            .rev()
            .map(|ms| sleep_for(&handle, ms + 1))
            .collect();
        for sleep in &mut sleeps {
            assert!(poll(sleep.as_mut(), &waker).is_pending());
        }
        // `next_expiration` has no parking side effect either.
        assert!(handle.next_expiration().is_some());
        let mut early = sleep_for(&handle, 1);
        assert!(poll(early.as_mut(), &waker).is_pending());
        assert_eq!(unparks.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn reset_earlier_while_parked_unparks() {
        let (handle, unparks) = paused_driver();
        let (_, waker) = counter();
        let mut sleep = sleep_for(&handle, 100);
        assert!(poll(sleep.as_mut(), &waker).is_pending());
        handle.park_deadline();
        sleep.as_mut().reset(handle.clock().start() + 10 * MS);
        assert_eq!(unparks.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn process_fires_only_what_is_due() {
        let (handle, _) = paused_driver();
        let (wakes, waker) = counter();
        let mut a = sleep_for(&handle, 10);
        let mut b = sleep_for(&handle, 20);
        assert!(poll(a.as_mut(), &waker).is_pending());
        assert!(poll(b.as_mut(), &waker).is_pending());
        handle.clock().advance(9 * MS);
        assert_eq!(handle.process(), 0);
        handle.clock().advance(MS);
        assert_eq!(handle.process(), 1);
        assert_eq!(wakes.get(), 1);
        assert!(a.is_elapsed() && !b.is_elapsed());
        handle.clock().advance(100 * MS);
        assert_eq!(handle.process(), 1);
        assert_eq!(wakes.get(), 2);
    }

    #[test]
    fn process_wakes_more_than_a_batch() {
        let (handle, _) = paused_driver();
        let (wakes, waker) = counter();
        let n = WAKE_BATCH * 3 + 5;
        let mut sleeps: Vec<_> = (0..n)
            .map(|i| sleep_for(&handle, 1 + (i % 3) as u64))
            .collect();
        for sleep in &mut sleeps {
            assert!(poll(sleep.as_mut(), &waker).is_pending());
        }
        handle.clock().advance(3 * MS);
        assert_eq!(handle.process(), n);
        assert_eq!(wakes.get(), n);
        assert!(sleeps.iter().all(|s| s.is_elapsed()));
    }

    /// A waker that records whether the driver's lock was free when it was woken.
    struct LockProbe {
        handle: TimeHandle,
        lock_was_free: std::sync::Mutex<Vec<bool>>,
    }

    impl Wake for LockProbe {
        fn wake(self: std::sync::Arc<Self>) {
            let free = self.handle.inner.locked.try_lock().is_ok();
            self.lock_was_free.lock().unwrap().push(free);
        }
    }

    #[test]
    fn wakers_run_outside_the_lock() {
        let (handle, _) = paused_driver();
        let probe = std::sync::Arc::new(LockProbe {
            handle: handle.clone(),
            lock_was_free: std::sync::Mutex::new(Vec::new()),
        });
        let waker = Waker::from(probe.clone());
        let mut sleeps: Vec<_> = (0..WAKE_BATCH + 3).map(|_| sleep_for(&handle, 5)).collect();
        for sleep in &mut sleeps {
            assert!(poll(sleep.as_mut(), &waker).is_pending());
        }
        handle.clock().advance(5 * MS);
        assert_eq!(handle.process(), WAKE_BATCH + 3);

        let mut reset = sleep_for(&handle, 50);
        assert!(poll(reset.as_mut(), &waker).is_pending());
        reset.as_mut().reset(handle.clock().start());

        let mut pending = sleep_for(&handle, 50);
        assert!(poll(pending.as_mut(), &waker).is_pending());
        handle.shutdown();

        let seen = probe.lock_was_free.lock().unwrap().clone();
        assert_eq!(seen.len(), WAKE_BATCH + 5);
        assert!(seen.iter().all(|&free| free), "{seen:?}");
    }

    #[test]
    fn shutdown_wakes_every_pending_sleep() {
        let (handle, _) = paused_driver();
        let (wakes, waker) = counter();
        let n = WAKE_BATCH + 10;
        let mut sleeps: Vec<_> = (0..n)
            .map(|i| sleep_for(&handle, 10 + 1000 * i as u64))
            .collect();
        for sleep in &mut sleeps {
            assert!(poll(sleep.as_mut(), &waker).is_pending());
        }
        handle.shutdown();
        assert_eq!(wakes.get(), n);
        assert_eq!(handle.next_expiration(), None);
        // Dropping fired sleeps after shutdown is fine.
        drop(sleeps);
    }

    /// Threads register and cancel sleeps while another advances time and processes:
    /// every kept sleep completes, each fired sleep is woken once, and nothing stays
    /// linked. Under miri this also runs the data-race detector over the protocol.
    #[test]
    fn sleeps_on_many_threads_fire_and_cancel() {
        const WORKERS: usize = 3;
        let per_worker: u64 = if cfg!(miri) { 12 } else { 2000 };
        let (handle, _) = paused_driver();
        let (wakes, waker) = counter();
        let finished = std::sync::Arc::new(AtomicUsize::new(0));
        let workers: Vec<_> = (0..WORKERS)
            .map(|w| {
                let handle = handle.clone();
                let waker = waker.clone();
                let finished = finished.clone();
                std::thread::spawn(move || {
                    let mut kept = Vec::new();
                    for i in 0..per_worker {
                        let mut sleep = sleep_for(&handle, 1 + (i * 7 + w as u64) % 50);
                        let _ = poll(sleep.as_mut(), &waker);
                        if i % 2 == 0 {
                            kept.push(sleep); // the odd ones are cancelled right away
                        }
                    }
                    while !kept.iter_mut().all(|s| poll(s.as_mut(), &waker).is_ready()) {
                        std::thread::yield_now();
                    }
                    finished.fetch_add(1, Ordering::SeqCst);
                    kept.len()
                })
            })
            .collect();
        let mut fired = 0;
        while finished.load(Ordering::SeqCst) < WORKERS {
            if handle.clock().now() < handle.clock().start() + 50 * MS {
                handle.clock().advance(MS);
            }
            fired += handle.process();
            std::thread::yield_now();
        }
        let kept: usize = workers.into_iter().map(|w| w.join().unwrap()).sum();
        assert_eq!(kept, WORKERS * per_worker.div_ceil(2) as usize);
        // Kept sleeps fired (or were due on registration); cancelled ones fired only
        // if the driver got to them before the cancel.
        assert_eq!(wakes.get(), fired);
        assert_eq!(handle.next_expiration(), None);
    }

    #[test]
    #[should_panic(expected = "A Tokio 1.x context was found, but it is being shutdown.")]
    fn polling_a_registered_sleep_after_shutdown_panics() {
        let (handle, _) = paused_driver();
        let (_, waker) = counter();
        let mut sleep = sleep_for(&handle, 10);
        assert!(poll(sleep.as_mut(), &waker).is_pending());
        handle.shutdown();
        let _ = poll(sleep.as_mut(), &waker);
    }

    /// Clones of `counter`'s waker alive besides the test's own `counter` and `waker`.
    fn clones(counter: &std::sync::Arc<Counter>) -> usize {
        std::sync::Arc::strong_count(counter) - 2
    }

    /// A waker over `Arc<Counter>` whose vtable is a `static`, so that its clones
    /// always `will_wake` it (a vtable built in a constant may have several addresses,
    /// as it does under miri, and `will_wake` then says no).
    fn static_vtable_counter() -> (std::sync::Arc<Counter>, Waker) {
        use std::task::{RawWaker, RawWakerVTable};

        static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, wake, wake_by_ref, drop_waker);

        // Each waker owns one strong count of the `Arc<Counter>` its data points to.
        fn clone(data: *const ()) -> RawWaker {
            // SAFETY: `data` came from `Arc::into_raw` and the waker being cloned owns a
            // count, so the counter is alive.
            unsafe { std::sync::Arc::increment_strong_count(data.cast::<Counter>()) };
            RawWaker::new(data, &VTABLE)
        }
        fn wake(data: *const ()) {
            wake_by_ref(data);
            drop_waker(data);
        }
        fn wake_by_ref(data: *const ()) {
            // SAFETY: the waker owns a count, so the counter is alive.
            let counter = unsafe { &*data.cast::<Counter>() };
            counter.0.fetch_add(1, Ordering::SeqCst);
        }
        fn drop_waker(data: *const ()) {
            // SAFETY: gives back the count this waker owns.
            unsafe { std::sync::Arc::decrement_strong_count(data.cast::<Counter>()) };
        }

        let counter = std::sync::Arc::new(Counter(AtomicUsize::new(0)));
        let data = std::sync::Arc::into_raw(counter.clone()).cast::<()>();
        // SAFETY: `data` owns a count of a live `Arc<Counter>`, which is what the
        // vtable's functions expect.
        let waker = unsafe { Waker::from_raw(RawWaker::new(data, &VTABLE)) };
        (counter, waker)
    }

    #[test]
    fn a_cancelled_sleeps_waker_is_taken_by_the_next_registration_of_its_task() {
        let (handle, _) = paused_driver();
        let (wakes, waker) = static_vtable_counter();
        assert!(waker.will_wake(&waker.clone()));
        let mut first = sleep_for(&handle, 10);
        assert!(poll(first.as_mut(), &waker).is_pending());
        assert_eq!(clones(&wakes), 1);
        drop(first);
        // Kept as the spare, not dropped.
        assert_eq!(clones(&wakes), 1);

        let mut second = sleep_for(&handle, 10);
        assert!(poll(second.as_mut(), &waker).is_pending());
        // Took the spare instead of cloning.
        assert_eq!(clones(&wakes), 1);
        handle.clock().advance(10 * MS);
        assert_eq!(handle.process(), 1);
        assert_eq!(wakes.get(), 1);
        assert_eq!(clones(&wakes), 0);
    }

    #[test]
    fn another_tasks_registration_leaves_the_spare_alone() {
        let (handle, _) = paused_driver();
        let (first_wakes, first_waker) = counter();
        let (second_wakes, second_waker) = counter();
        let mut first = sleep_for(&handle, 10);
        assert!(poll(first.as_mut(), &first_waker).is_pending());
        drop(first);

        let mut second = sleep_for(&handle, 10);
        assert!(poll(second.as_mut(), &second_waker).is_pending());
        assert_eq!((clones(&first_wakes), clones(&second_wakes)), (1, 1));
        // Cancelling the second replaces the spare; the first task's clone is dropped.
        drop(second);
        assert_eq!((clones(&first_wakes), clones(&second_wakes)), (0, 1));

        let mut third = sleep_for(&handle, 10);
        assert!(poll(third.as_mut(), &first_waker).is_pending());
        handle.clock().advance(10 * MS);
        assert_eq!(handle.process(), 1);
        assert_eq!((first_wakes.get(), second_wakes.get()), (1, 0));
    }

    #[test]
    fn the_spare_is_dropped_by_the_next_driver_turn_and_by_shutdown() {
        let (handle, _) = paused_driver();
        let (wakes, waker) = counter();
        let cancel_one = |handle: &TimeHandle| {
            let mut sleep = sleep_for(handle, 10);
            assert!(poll(sleep.as_mut(), &waker).is_pending());
        };

        cancel_one(&handle);
        assert_eq!(clones(&wakes), 1);
        assert_eq!(handle.process(), 0);
        assert_eq!(clones(&wakes), 0);

        cancel_one(&handle);
        assert_eq!(clones(&wakes), 1);
        assert_eq!(handle.park_deadline(), None);
        assert_eq!(clones(&wakes), 0);
        handle.unparked();

        cancel_one(&handle);
        assert_eq!(clones(&wakes), 1);
        handle.shutdown();
        assert_eq!(clones(&wakes), 0);
        assert_eq!(wakes.get(), 0);
    }

    #[test]
    fn a_stale_spare_hint_still_registers_the_callers_waker() {
        let (handle, _) = paused_driver();
        let (first_wakes, first_waker) = counter();
        let (second_wakes, second_waker) = counter();
        let mut first = sleep_for(&handle, 10);
        assert!(poll(first.as_mut(), &first_waker).is_pending());
        drop(first);
        // Same data pointer, another vtable: the hint matches, `will_wake` does not.
        let data = first_waker.data();
        let lookalike = {
            fn clone(data: *const ()) -> std::task::RawWaker {
                std::task::RawWaker::new(data, &LOOKALIKE)
            }
            fn noop(_: *const ()) {}
            static LOOKALIKE: std::task::RawWakerVTable =
                std::task::RawWakerVTable::new(clone, noop, noop, noop);
            // SAFETY: the vtable's functions do nothing with `data` (never dereferenced).
            unsafe { Waker::from_raw(std::task::RawWaker::new(data, &LOOKALIKE)) }
        };
        let mut second = sleep_for(&handle, 10);
        assert!(poll(second.as_mut(), &lookalike).is_pending());
        // The spare stayed; the lookalike was cloned and registered.
        assert_eq!(clones(&first_wakes), 1);
        let mut third = sleep_for(&handle, 10);
        assert!(poll(third.as_mut(), &second_waker).is_pending());
        handle.clock().advance(10 * MS);
        assert_eq!(handle.process(), 2);
        assert_eq!((first_wakes.get(), second_wakes.get()), (0, 1));
    }

    #[test]
    #[should_panic(expected = "A Tokio 1.x context was found, but it is being shutdown.")]
    fn polling_a_new_sleep_after_shutdown_panics() {
        let (handle, _) = paused_driver();
        let (_, waker) = counter();
        handle.shutdown();
        let mut sleep = sleep_for(&handle, 10);
        let _ = poll(sleep.as_mut(), &waker);
    }
}

/// Loom models: registration, waker updates, reset and cancel racing the driver.
///
/// `LOOM_MAX_PREEMPTIONS=2 RUSTFLAGS="--cfg loom" cargo test -p avx-native --lib --release time::`
#[cfg(all(test, loom))]
mod loom_tests {
    use super::super::sleep::Sleep;
    use super::*;
    use crate::loom::sync::atomic::AtomicUsize;
    use crate::loom::thread;
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context, Wake};

    const MS: Duration = Duration::from_millis(1);

    struct Counter(AtomicUsize);

    impl Wake for Counter {
        fn wake(self: std::sync::Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn counter() -> (std::sync::Arc<Counter>, Waker) {
        let counter = std::sync::Arc::new(Counter(AtomicUsize::new(0)));
        (counter.clone(), Waker::from(counter))
    }

    fn wakes(counter: &Counter) -> usize {
        counter.0.load(Ordering::SeqCst)
    }

    /// A paused driver whose clock stands at 5 ms, with nothing processed yet.
    fn driver_at_5ms() -> TimeHandle {
        let handle = TimeHandle::new(Clock::new(true), std::sync::Arc::new(|| {}));
        handle.clock().advance(5 * MS);
        handle
    }

    fn poll(sleep: Pin<&mut Sleep>, waker: &Waker) -> Poll<()> {
        sleep.poll(&mut Context::from_waker(waker))
    }

    fn at(handle: &TimeHandle, ms: u64) -> Instant {
        handle.clock().start() + Duration::from_millis(ms)
    }

    #[test]
    fn register_and_cancel_race_process() {
        loom::model(|| {
            let handle = driver_at_5ms();
            let driver = handle.clone();
            let processor = thread::spawn(move || driver.process());

            let (count, waker) = counter();
            let mut sleep = Box::pin(Sleep::new(handle.clone(), at(&handle, 3)));
            let first = poll(sleep.as_mut(), &waker);
            drop(sleep);

            let fired = processor.join().unwrap();
            // A fired entry wakes its waker once; an entry found due on its first poll
            // was never registered, so nothing fired it.
            assert_eq!(wakes(&count), fired);
            if first.is_ready() {
                assert_eq!(fired, 0);
            }
            assert_eq!(handle.next_expiration(), None);
        });
    }

    #[test]
    fn waker_update_and_drop_race_process() {
        loom::model(|| {
            let handle = driver_at_5ms();
            let (first_count, first_waker) = counter();
            let (second_count, second_waker) = counter();
            let mut sleep = Box::pin(Sleep::new(handle.clone(), at(&handle, 3)));
            assert!(poll(sleep.as_mut(), &first_waker).is_pending());

            let driver = handle.clone();
            let processor = thread::spawn(move || driver.process());
            let second = poll(sleep.as_mut(), &second_waker);
            drop(sleep);

            let fired = processor.join().unwrap();
            assert!(fired <= 1);
            assert_eq!(wakes(&first_count) + wakes(&second_count), fired);
            if second.is_ready() {
                // It fired before the second poll, so the first waker was the one woken.
                assert_eq!((fired, wakes(&first_count)), (1, 1));
            }
            assert_eq!(handle.next_expiration(), None);
        });
    }

    #[test]
    fn reset_races_process() {
        loom::model(|| {
            let handle = driver_at_5ms();
            let (count, waker) = counter();
            let mut sleep = Box::pin(Sleep::new(handle.clone(), at(&handle, 3)));
            assert!(poll(sleep.as_mut(), &waker).is_pending());

            let driver = handle.clone();
            let processor = thread::spawn(move || driver.process());
            sleep.as_mut().reset(at(&handle, 10));

            let fired = processor.join().unwrap();
            assert_eq!(wakes(&count), fired);
            // Whether or not it fired at 3 ms first, the sleep now waits for 10 ms.
            assert!(!sleep.is_elapsed());
            let _ = poll(sleep.as_mut(), &waker);
            assert_eq!(handle.next_expiration(), Some(at(&handle, 10)));
            drop(sleep);
            assert_eq!(handle.next_expiration(), None);
        });
    }

    #[test]
    fn cancel_leaving_a_spare_races_a_registration_of_the_same_task() {
        loom::model(|| {
            let handle = driver_at_5ms();
            let (count, waker) = counter();
            let mut first = Box::pin(Sleep::new(handle.clone(), at(&handle, 50)));
            assert!(poll(first.as_mut(), &waker).is_pending());

            let registrar = {
                let handle = handle.clone();
                let waker = waker.clone();
                thread::spawn(move || {
                    let mut second = Box::pin(Sleep::new(handle.clone(), at(&handle, 3)));
                    assert!(poll(second.as_mut(), &waker).is_pending());
                    second
                })
            };
            drop(first);
            let second = registrar.join().unwrap();

            // The second sleep wakes the task once, with the spare or its own clone.
            assert_eq!(handle.process(), 1);
            assert_eq!(wakes(&count), 1);
            assert!(second.is_elapsed());
            // No clone is left behind: only `count` and `waker` remain.
            assert_eq!(std::sync::Arc::strong_count(&count), 2);
            assert_eq!(handle.next_expiration(), None);
        });
    }

    #[test]
    fn shutdown_races_drop() {
        loom::model(|| {
            let handle = driver_at_5ms();
            let (count, waker) = counter();
            let mut sleep = Box::pin(Sleep::new(handle.clone(), at(&handle, 50)));
            assert!(poll(sleep.as_mut(), &waker).is_pending());

            let driver = handle.clone();
            let stopper = thread::spawn(move || driver.shutdown());
            drop(sleep);

            stopper.join().unwrap();
            assert!(wakes(&count) <= 1);
            assert_eq!(handle.next_expiration(), None);
        });
    }

    #[test]
    fn registration_races_park() {
        loom::model(|| {
            let unparks = std::sync::Arc::new(AtomicUsize::new(0));
            let count = unparks.clone();
            let unpark = std::sync::Arc::new(move || {
                count.fetch_add(1, Ordering::SeqCst);
            });
            let handle = TimeHandle::new(Clock::new(true), unpark);
            let (_, waker) = counter();
            let mut late = Box::pin(Sleep::new(handle.clone(), at(&handle, 100)));
            assert!(poll(late.as_mut(), &waker).is_pending());

            let driver = handle.clone();
            let parker = thread::spawn(move || {
                let deadline = driver.park_deadline();
                driver.unparked();
                deadline
            });
            let mut early = Box::pin(Sleep::new(handle.clone(), at(&handle, 10)));
            assert!(poll(early.as_mut(), &waker).is_pending());

            let parked_until = parker.join().unwrap();
            let unparks = unparks.load(Ordering::SeqCst);
            assert!(unparks <= 1);
            // The driver parked until 100 ms only if it looked before the early timer
            // was registered; then that registration (made while parked or after
            // `unparked`) unparks at most once, and only if it came while parked.
            if parked_until == Some(at(&handle, 10)) {
                assert_eq!(unparks, 0);
            }
        });
    }
}
