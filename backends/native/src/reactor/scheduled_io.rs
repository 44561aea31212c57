//! One registration's readiness and the tasks waiting on it.
//!
//! The state word packs three things, so a poll that finds its resource ready takes
//! no lock:
//!
//! ```text
//!  bit 24      bits 8..24       bits 0..6
//! [shutdown]  [tick: u16]      [ready: Ready]
//! ```
//!
//! - `ready` accumulates what OS events reported ([`ScheduledIo::set_readiness`]) and
//!   loses bits only through [`ScheduledIo::clear_readiness`], which the caller makes
//!   after an operation hit `WouldBlock`. Closed states are final and never cleared.
//! - `tick` counts OS events for this registration. A poll hands it out in its
//!   [`ReadyEvent`]; a clear whose tick is not the current one is ignored, because an
//!   event arrived after the caller looked and its readiness must survive.
//! - `shutdown` is set once by the reactor's shutdown and never unset.
//!
//! Wakers sit behind a mutex: one slot per direction for `poll_ready` callers (like
//! tokio's `poll_read_ready`/`poll_write_ready`, the last task to poll a direction is
//! the one woken), and a [`WaiterList`] for any number of `readiness()` futures.
//!
//! No lost wake-up: the reactor updates the state word *then* takes the lock to
//! collect wakers; a poller takes the lock, stores its waker, and reads the state word
//! *under* the lock. Either the reactor's lock section comes after the store and finds
//! the waker, or it came before and the poller's read sees the new readiness.

use std::sync::PoisonError;
use std::task::{Context, Poll, Waker};

use crate::io::{Interest, Ready, ReadyEvent};
use crate::loom::sync::atomic::AtomicUsize;
use crate::loom::sync::atomic::Ordering::{AcqRel, Acquire};
use crate::loom::sync::{Mutex, MutexGuard};

use super::waiters::WaiterList;

const READY_MASK: usize = 0xff;
const TICK_SHIFT: u32 = 8;
const TICK_MASK: usize = 0xffff << TICK_SHIFT;
const SHUTDOWN: usize = 1 << 24;

#[derive(Debug)]
pub(crate) struct ScheduledIo {
    state: AtomicUsize,
    waiters: Mutex<Waiters>,
}

#[derive(Debug, Default)]
struct Waiters {
    reader: Option<DirectionWaker>,
    writer: Option<DirectionWaker>,
    list: WaiterList,
}

/// The waker of the last `poll_ready` on one direction and the readiness it wants.
#[derive(Debug)]
struct DirectionWaker {
    waker: Waker,
    mask: Ready,
}

/// Which `poll_ready` waker slot an interest uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Read,
    Write,
}

impl Direction {
    /// Writable interest with nothing read-side in it uses the write slot; everything
    /// else (readable, priority, error, or readable and writable) uses the read slot.
    fn of(interest: Interest) -> Direction {
        let read_side = Ready::from_interest(interest) & (Ready::READABLE | Ready::READ_CLOSED);
        if interest.is_writable() && read_side.is_empty() {
            Direction::Write
        } else {
            Direction::Read
        }
    }
}

/// The state word, unpacked.
#[derive(Debug, Clone, Copy)]
struct Snapshot {
    ready: Ready,
    tick: u16,
    is_shutdown: bool,
}

impl Snapshot {
    fn unpack(word: usize) -> Snapshot {
        Snapshot {
            ready: Ready::from_bits(word & READY_MASK),
            tick: ((word & TICK_MASK) >> TICK_SHIFT) as u16,
            is_shutdown: word & SHUTDOWN != 0,
        }
    }

    fn pack(self) -> usize {
        let shutdown = if self.is_shutdown { SHUTDOWN } else { 0 };
        self.ready.to_bits() | ((self.tick as usize) << TICK_SHIFT) | shutdown
    }

    /// What a poll for `mask` reports, or `None` when it has to wait.
    fn event(self, mask: Ready) -> Option<ReadyEvent> {
        let ready = self.ready & mask;
        (!ready.is_empty() || self.is_shutdown).then_some(ReadyEvent {
            ready,
            tick: self.tick,
            is_shutdown: self.is_shutdown,
        })
    }
}

impl ScheduledIo {
    pub(crate) fn new() -> ScheduledIo {
        ScheduledIo {
            state: AtomicUsize::new(0),
            waiters: Mutex::new(Waiters::default()),
        }
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot::unpack(self.state.load(Acquire))
    }

    fn lock(&self) -> MutexGuard<'_, Waiters> {
        // Waker clones and drops run foreign code under this lock; if one panicked,
        // the waiter slots are still consistent, so carry on.
        self.waiters.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records an OS event: adds `ready` and advances the tick.
    pub(crate) fn set_readiness(&self, ready: Ready) {
        let _ = self.state.fetch_update(AcqRel, Acquire, |word| {
            let mut snapshot = Snapshot::unpack(word);
            snapshot.ready |= ready;
            snapshot.tick = snapshot.tick.wrapping_add(1);
            Some(snapshot.pack())
        });
    }

    /// Marks the resource `ready` without an OS event (a socket known to be writable,
    /// say, before the selector has reported it). A false guess costs one operation
    /// that finds `WouldBlock` and clears it. The tick stays, so a clear of an event
    /// seen before still applies; nothing changes after shutdown.
    pub(crate) fn assume_ready(&self, ready: Ready) {
        let _ = self.state.fetch_update(AcqRel, Acquire, |word| {
            let mut snapshot = Snapshot::unpack(word);
            if snapshot.is_shutdown {
                return None;
            }
            snapshot.ready |= ready;
            Some(snapshot.pack())
        });
    }

    /// Forgets `event`'s readiness (except closed states), unless a newer event came in.
    pub(crate) fn clear_readiness(&self, event: ReadyEvent) {
        let clear = event.ready - Ready::READ_CLOSED - Ready::WRITE_CLOSED;
        let _ = self.state.fetch_update(AcqRel, Acquire, |word| {
            let mut snapshot = Snapshot::unpack(word);
            if snapshot.tick != event.tick {
                return None;
            }
            snapshot.ready = snapshot.ready - clear;
            Some(snapshot.pack())
        });
    }

    /// The readiness for `interest` right now, without waiting (possibly empty).
    pub(crate) fn ready_event(&self, interest: Interest) -> ReadyEvent {
        let snapshot = self.snapshot();
        ReadyEvent {
            ready: snapshot.ready & Ready::from_interest(interest),
            tick: snapshot.tick,
            is_shutdown: snapshot.is_shutdown,
        }
    }

    /// Moves the wakers of everyone waiting for any of `ready` into `wakers`; the
    /// caller wakes them once it holds no lock.
    pub(crate) fn wake(&self, ready: Ready, wakers: &mut Vec<Waker>) {
        let mut guard = self.lock();
        let waiters = &mut *guard;
        for slot in [&mut waiters.reader, &mut waiters.writer] {
            if slot.as_ref().is_some_and(|w| !(w.mask & ready).is_empty()) {
                wakers.extend(slot.take().map(|w| w.waker));
            }
        }
        waiters.list.wake(ready, wakers);
    }

    /// Marks the registration shut down and moves every waker into `wakers`.
    pub(crate) fn shutdown(&self, wakers: &mut Vec<Waker>) {
        self.state.fetch_or(SHUTDOWN, AcqRel);
        let mut waiters = self.lock();
        wakers.extend(waiters.reader.take().map(|w| w.waker));
        wakers.extend(waiters.writer.take().map(|w| w.waker));
        waiters.list.wake_all(wakers);
    }

    /// Ready with the readiness for `interest`, or stores the task's waker in the
    /// direction's slot (replacing the previous poller's) and returns `Pending`.
    pub(crate) fn poll_readiness(
        &self,
        cx: &mut Context<'_>,
        interest: Interest,
    ) -> Poll<ReadyEvent> {
        let mask = Ready::from_interest(interest);
        if let Some(event) = self.snapshot().event(mask) {
            return Poll::Ready(event);
        }
        let mut waiters = self.lock();
        let slot = match Direction::of(interest) {
            Direction::Read => &mut waiters.reader,
            Direction::Write => &mut waiters.writer,
        };
        match slot {
            Some(stored) => {
                stored.waker.clone_from(cx.waker());
                stored.mask = mask;
            }
            None => {
                *slot = Some(DirectionWaker {
                    waker: cx.waker().clone(),
                    mask,
                })
            }
        }
        // Read under the lock: see the module docs on lost wake-ups.
        match self.snapshot().event(mask) {
            Some(event) => Poll::Ready(event),
            None => Poll::Pending,
        }
    }

    /// The `readiness()` future's poll. `key` is the future's waiter slot: taken on
    /// the first `Pending`, given back when this returns `Ready`.
    pub(crate) fn poll_waiter(
        &self,
        cx: &mut Context<'_>,
        mask: Ready,
        key: &mut Option<usize>,
    ) -> Poll<ReadyEvent> {
        if key.is_none() {
            if let Some(event) = self.snapshot().event(mask) {
                return Poll::Ready(event);
            }
        }
        let mut waiters = self.lock();
        // Read under the lock: see the module docs on lost wake-ups.
        if let Some(event) = self.snapshot().event(mask) {
            if let Some(key) = key.take() {
                waiters.list.remove(key);
            }
            return Poll::Ready(event);
        }
        match *key {
            Some(key) => waiters.list.arm(key, cx.waker(), mask),
            None => *key = Some(waiters.list.insert(cx.waker(), mask)),
        }
        Poll::Pending
    }

    /// Gives back the waiter slot of a `readiness()` future dropped while waiting.
    pub(crate) fn cancel_waiter(&self, key: usize) {
        self.lock().list.remove(key);
    }

    /// Forgets the `poll_ready` wakers, so a deregistered resource holds no task alive.
    pub(crate) fn clear_wakers(&self) -> [Option<Waker>; 2] {
        let mut waiters = self.lock();
        [
            waiters.reader.take().map(|w| w.waker),
            waiters.writer.take().map(|w| w.waker),
        ]
    }

    /// Waiter slots held by `readiness()` futures, for tests.
    #[cfg(all(test, not(loom), any(target_os = "linux", target_os = "android")))]
    pub(crate) fn waiter_count(&self) -> usize {
        self.lock().list.occupied()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn state_word_round_trips() {
        let snapshot = Snapshot {
            ready: Ready::ALL,
            tick: u16::MAX,
            is_shutdown: true,
        };
        let back = Snapshot::unpack(snapshot.pack());
        assert_eq!(back.ready, Ready::ALL);
        assert_eq!(back.tick, u16::MAX);
        assert!(back.is_shutdown);
    }

    #[test]
    fn tick_wraps_without_touching_readiness() {
        let io = ScheduledIo::new();
        for _ in 0..=u16::MAX {
            io.set_readiness(Ready::EMPTY);
        }
        let snapshot = io.snapshot();
        assert_eq!(snapshot.tick, 0);
        assert!(snapshot.ready.is_empty());
        assert!(!snapshot.is_shutdown);
    }

    #[test]
    fn clear_keeps_closed_states_and_needs_the_current_tick() {
        let io = ScheduledIo::new();
        io.set_readiness(Ready::READABLE | Ready::READ_CLOSED);
        let seen = io.ready_event(Interest::READABLE);
        io.set_readiness(Ready::WRITABLE);
        io.clear_readiness(seen);
        assert_eq!(
            io.snapshot().ready,
            Ready::READABLE | Ready::READ_CLOSED | Ready::WRITABLE
        );

        let seen = io.ready_event(Interest::READABLE);
        io.clear_readiness(seen);
        assert_eq!(io.snapshot().ready, Ready::READ_CLOSED | Ready::WRITABLE);
    }

    #[test]
    fn assumed_readiness_is_cleared_like_an_event_and_never_revives_a_shutdown() {
        let io = ScheduledIo::new();
        io.assume_ready(Ready::READABLE | Ready::WRITABLE);
        let seen = io.ready_event(Interest::READABLE);
        assert_eq!(seen.ready, Ready::READABLE);
        assert_eq!(seen.tick, 0, "an assumption is no event");
        io.clear_readiness(seen);
        assert_eq!(io.snapshot().ready, Ready::WRITABLE);

        let mut wakers = Vec::new();
        io.shutdown(&mut wakers);
        let before = io.snapshot().ready;
        io.assume_ready(Ready::READABLE);
        assert_eq!(io.snapshot().ready, before);
    }

    #[test]
    fn direction_of_interest() {
        assert_eq!(Direction::of(Interest::READABLE), Direction::Read);
        assert_eq!(Direction::of(Interest::WRITABLE), Direction::Write);
        assert_eq!(
            Direction::of(Interest::WRITABLE | Interest::ERROR),
            Direction::Write
        );
        assert_eq!(Direction::of(Interest::ERROR), Direction::Read);
        assert_eq!(
            Direction::of(Interest::READABLE | Interest::WRITABLE),
            Direction::Read
        );
    }

    #[test]
    fn shutdown_survives_a_clear() {
        let io = ScheduledIo::new();
        let mut wakers = Vec::new();
        io.shutdown(&mut wakers);
        io.clear_readiness(io.ready_event(Interest::READABLE));
        assert!(io.snapshot().is_shutdown);
    }
}

/// Model checks of the lost-wake-up argument in the module docs: the driver records
/// readiness and wakes on one thread while a task polls on another.
#[cfg(all(test, loom))]
mod loom_models {
    use super::*;
    use crate::loom::sync::Arc;
    use crate::loom::thread;

    /// Polls on the current loom thread, parking between polls; loom reports a
    /// deadlock if the wake-up that should unpark it never comes.
    fn block_on<T>(mut poll: impl FnMut(&mut Context<'_>) -> Poll<T>) -> T {
        struct Unpark(thread::Thread);
        impl std::task::Wake for Unpark {
            fn wake(self: std::sync::Arc<Self>) {
                self.0.unpark();
            }
        }
        let waker = Waker::from(std::sync::Arc::new(Unpark(thread::current())));
        let mut cx = Context::from_waker(&waker);
        loop {
            if let Poll::Ready(output) = poll(&mut cx) {
                return output;
            }
            thread::park();
        }
    }

    fn deliver(io: &ScheduledIo, ready: Ready) {
        let mut wakers = Vec::new();
        io.set_readiness(ready);
        io.wake(ready, &mut wakers);
        wakers.into_iter().for_each(Waker::wake);
    }

    #[test]
    fn poll_readiness_never_misses_an_event() {
        loom::model(|| {
            let io = Arc::new(ScheduledIo::new());
            let driver = {
                let io = io.clone();
                thread::spawn(move || deliver(&io, Ready::READABLE))
            };
            let event = block_on(|cx| io.poll_readiness(cx, Interest::READABLE));
            assert!(event.ready.is_readable());
            driver.join().unwrap();
        });
    }

    #[test]
    fn readiness_waiter_never_misses_an_event() {
        loom::model(|| {
            let io = Arc::new(ScheduledIo::new());
            let driver = {
                let io = io.clone();
                thread::spawn(move || deliver(&io, Ready::WRITABLE))
            };
            let mask = Ready::from_interest(Interest::WRITABLE);
            let mut key = None;
            let event = block_on(|cx| io.poll_waiter(cx, mask, &mut key));
            assert!(event.ready.is_writable());
            assert!(key.is_none(), "a completed wait kept its slot");
            driver.join().unwrap();
        });
    }

    #[test]
    fn shutdown_never_misses_a_waiter() {
        loom::model(|| {
            let io = Arc::new(ScheduledIo::new());
            let shutdown = {
                let io = io.clone();
                thread::spawn(move || {
                    let mut wakers = Vec::new();
                    io.shutdown(&mut wakers);
                    wakers.into_iter().for_each(Waker::wake);
                })
            };
            let mask = Ready::from_interest(Interest::READABLE);
            let mut key = None;
            let event = block_on(|cx| io.poll_waiter(cx, mask, &mut key));
            assert!(event.is_shutdown);
            shutdown.join().unwrap();
        });
    }

    #[test]
    fn a_clear_racing_an_event_never_erases_it() {
        loom::model(|| {
            let io = Arc::new(ScheduledIo::new());
            io.set_readiness(Ready::READABLE);
            let seen = io.ready_event(Interest::READABLE);
            let driver = {
                let io = io.clone();
                thread::spawn(move || io.set_readiness(Ready::READABLE))
            };
            io.clear_readiness(seen);
            driver.join().unwrap();
            // Either the clear came first and the event re-set readiness, or the event
            // came first and moved the tick past `seen`, voiding the clear.
            assert!(io.ready_event(Interest::READABLE).ready.is_readable());
        });
    }
}
