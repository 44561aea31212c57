//! The runtime's clock: real time, or virtual time that tests pause and advance.
//!
//! Semantics follow tokio's `test-util` clock:
//!
//! - Running: `now()` is `base + (real time since unfrozen)`. Until the first pause,
//!   `base == unfrozen == start`, so `now()` is the real `Instant::now()` and skips the
//!   lock.
//! - Paused (`pause`, or `start_paused`): `now()` is `base`; only `advance` moves it.
//! - `resume` continues from the paused virtual time, which then advances with real time
//!   again (it does not jump back to the real clock).
//! - Auto-advance: when the runtime has nothing to do and time is paused, it moves the
//!   clock to the next timer. Blocking tasks inhibit that while they run (counted).
//!
//! INVARIANT: `state.unfrozen` is `None` exactly while paused; `ever_paused` is set (under
//! the lock) before the first pause releases the lock, and never cleared.

use std::fmt;
use std::sync::PoisonError;
use std::time::{Duration, Instant};

use crate::loom::sync::Mutex;
use crate::loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// The runtime's source of `now`: real time, or paused virtual time in tests.
pub(crate) struct Clock {
    /// The clock's time when it was created: tick 0 of the timer wheel.
    start: Instant,
    /// Set at the first pause. Until then `now` is plain `Instant::now()`.
    ever_paused: AtomicBool,
    /// Blocking tasks running now; auto-advance waits while it is non-zero.
    inhibit_count: AtomicUsize,
    state: Mutex<State>,
}

struct State {
    /// The virtual time at the instant `unfrozen`, or the frozen time while paused.
    base: Instant,
    /// The real instant time last started running; `None` while paused.
    unfrozen: Option<Instant>,
}

impl Clock {
    /// A clock at the current real time, paused from the start if `start_paused`.
    pub(crate) fn new(start_paused: bool) -> Clock {
        let now = Instant::now();
        Clock {
            start: now,
            ever_paused: AtomicBool::new(start_paused),
            inhibit_count: AtomicUsize::new(0),
            state: Mutex::new(State {
                base: now,
                // Paused from the start means frozen exactly at `start`.
                unfrozen: (!start_paused).then_some(now),
            }),
        }
    }

    /// The clock's time when it was created.
    pub(crate) fn start(&self) -> Instant {
        self.start
    }

    /// The current time: virtual while paused; after a resume, the virtual time of the
    /// resume plus the real time since.
    pub(crate) fn now(&self) -> Instant {
        // A thread that races the first `pause` may still read the real time, which is
        // then at most a moment past the frozen time.
        if !self.ever_paused.load(Ordering::Acquire) {
            return Instant::now();
        }
        let state = self.lock();
        match state.unfrozen {
            None => state.base,
            Some(unfrozen) => state
                .base
                .checked_add(unfrozen.elapsed())
                .unwrap_or(state.base),
        }
    }

    /// Whether time is paused.
    pub(crate) fn is_paused(&self) -> bool {
        self.lock().unfrozen.is_none()
    }

    /// Freezes time at its current value.
    ///
    /// # Panics
    ///
    /// With tokio's message "time is already frozen" if time is paused.
    #[track_caller]
    pub(crate) fn pause(&self) {
        let mut state = self.lock();
        let Some(unfrozen) = state.unfrozen.take() else {
            drop(state);
            panic!("time is already frozen");
        };
        state.base = state
            .base
            .checked_add(unfrozen.elapsed())
            .unwrap_or(state.base);
        self.ever_paused.store(true, Ordering::Release);
    }

    /// Lets paused time run again, from where it stopped.
    ///
    /// # Panics
    ///
    /// With tokio's message "time is not frozen" if time is not paused.
    #[track_caller]
    pub(crate) fn resume(&self) {
        let mut state = self.lock();
        if state.unfrozen.is_some() {
            drop(state);
            panic!("time is not frozen");
        }
        state.unfrozen = Some(Instant::now());
    }

    /// Moves paused time forward by `duration`.
    ///
    /// # Panics
    ///
    /// With tokio's message "time is not frozen" if time is not paused, and, as tokio
    /// documents, if `duration` is too large to add to the current time.
    #[track_caller]
    pub(crate) fn advance(&self, duration: Duration) {
        let mut state = self.lock();
        if state.unfrozen.is_some() {
            drop(state);
            panic!("time is not frozen");
        }
        let Some(base) = state.base.checked_add(duration) else {
            drop(state);
            panic!("overflow when adding duration to instant");
        };
        state.base = base;
    }

    /// Keeps auto-advance off until the matching [`allow_auto_advance`](Self::allow_auto_advance).
    pub(crate) fn inhibit_auto_advance(&self) {
        self.inhibit_count.fetch_add(1, Ordering::AcqRel);
    }

    /// Ends one [`inhibit_auto_advance`](Self::inhibit_auto_advance).
    pub(crate) fn allow_auto_advance(&self) {
        let previous = self
            .inhibit_count
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1));
        debug_assert!(previous.is_ok(), "allow_auto_advance without inhibit");
    }

    /// Whether the runtime may move paused time to the next timer: time is paused and
    /// no blocking task is running.
    pub(crate) fn can_auto_advance(&self) -> bool {
        self.inhibit_count.load(Ordering::Acquire) == 0 && self.is_paused()
    }

    fn lock(&self) -> crate::loom::sync::MutexGuard<'_, State> {
        // The lock is never held across code that can panic.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Clock")
            .field("start", &self.start)
            .field("paused", &self.is_paused())
            .field("inhibit_count", &self.inhibit_count.load(Ordering::Relaxed))
            .finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    /// Lets real time pass; what is being tested is that the clock ignores it.
    fn let_real_time_pass() {
        let before = Instant::now();
        std::thread::sleep(2 * MS);
        assert!(before.elapsed() >= 2 * MS);
    }

    #[test]
    fn running_clock_follows_real_time() {
        let clock = Clock::new(false);
        assert!(!clock.is_paused());
        assert!(!clock.can_auto_advance());
        let before = Instant::now();
        let now = clock.now();
        let after = Instant::now();
        assert!(before <= now && now <= after);
        assert!(clock.start() <= now);
    }

    #[test]
    fn start_paused_freezes_at_start() {
        let clock = Clock::new(true);
        assert!(clock.is_paused());
        let_real_time_pass();
        assert_eq!(clock.now(), clock.start());
    }

    #[test]
    fn advance_moves_paused_time_exactly() {
        let clock = Clock::new(true);
        let start = clock.now();
        clock.advance(1500 * MS);
        assert_eq!(clock.now(), start + 1500 * MS);
        clock.advance(Duration::ZERO);
        clock.advance(MS);
        assert_eq!(clock.now(), start + 1501 * MS);
    }

    #[test]
    fn pause_freezes_a_running_clock() {
        let clock = Clock::new(false);
        let before = clock.now();
        clock.pause();
        let frozen = clock.now();
        assert!(frozen >= before);
        let_real_time_pass();
        assert_eq!(clock.now(), frozen);
    }

    #[test]
    fn resume_continues_from_virtual_time() {
        let clock = Clock::new(true);
        clock.advance(Duration::from_secs(3600));
        let frozen = clock.now();
        let real_before = Instant::now();
        clock.resume();
        assert!(!clock.is_paused());
        let_real_time_pass();
        let now = clock.now();
        let real_elapsed = real_before.elapsed();
        // Continues from the virtual hour, moving with real time, not jumping back.
        assert!(now >= frozen + 2 * MS, "{now:?} vs {frozen:?}");
        assert!(now <= frozen + real_elapsed);
        // Pausing again freezes where it got to.
        clock.pause();
        let refrozen = clock.now();
        assert!(refrozen >= now);
        let_real_time_pass();
        assert_eq!(clock.now(), refrozen);
    }

    #[test]
    #[should_panic(expected = "time is already frozen")]
    fn pause_twice_panics() {
        let clock = Clock::new(true);
        clock.pause();
    }

    #[test]
    #[should_panic(expected = "time is not frozen")]
    fn resume_running_panics() {
        Clock::new(false).resume();
    }

    #[test]
    #[should_panic(expected = "time is not frozen")]
    fn advance_running_panics() {
        Clock::new(false).advance(MS);
    }

    #[test]
    #[should_panic(expected = "overflow when adding duration to instant")]
    fn advance_past_the_representable_panics() {
        Clock::new(true).advance(Duration::MAX);
    }

    #[test]
    fn panics_leave_the_clock_usable() {
        let clock = Clock::new(true);
        let result = std::panic::catch_unwind(|| clock.pause());
        assert!(result.is_err());
        clock.advance(MS);
        assert_eq!(clock.now(), clock.start() + MS);
    }

    #[test]
    fn auto_advance_is_inhibited_while_counted() {
        let clock = Clock::new(true);
        assert!(clock.can_auto_advance());
        clock.inhibit_auto_advance();
        clock.inhibit_auto_advance();
        assert!(!clock.can_auto_advance());
        clock.allow_auto_advance();
        assert!(!clock.can_auto_advance());
        clock.allow_auto_advance();
        assert!(clock.can_auto_advance());
        clock.resume();
        assert!(!clock.can_auto_advance());
    }
}
