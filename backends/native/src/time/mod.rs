//! Time: a pausable clock, the hierarchical timer wheel and `Sleep`.
//!
//! ```text
//! clock.rs   Clock: real or paused virtual time (start_paused, pause, resume, advance)
//! entry.rs   TimerEntry: the node a Sleep embeds; the intrusive lists; who owns what
//! level.rs   one wheel level: 64 slot lists and an occupancy bitmap
//! wheel.rs   the 6-level wheel: file, cancel, cascade, fire
//! driver.rs  TimeHandle: the wheel behind one lock, process, park/unpark, shutdown,
//!            the spare waker a cancel leaves for the next registration of its task
//! sleep.rs   Sleep: registers on first poll, cancels on drop, then gives its handle
//!            back to the runtime context for the next sleep
//! ```
//!
//! # Invariants
//!
//! - A sleep never completes before its deadline: deadlines round up to the next
//!   millisecond tick, `now` rounds down, and an entry fires once `now`'s tick reaches its
//!   own.
//! - The wheel only links entries of pinned sleeps, and a sleep unlinks its entry (under
//!   the driver's lock) before it is dropped; see `entry.rs` for who owns which field.
//! - No task code runs under the driver's lock: wakers are cloned before it, and woken
//!   and dropped after it.
//! - A task that makes, polls and drops sleeps in a row on a runtime thread (a `timeout`
//!   around work that is ready at once) pays two lock round trips a sleep and no
//!   reference-count update: the driver handle comes from the context's spares
//!   (`runtime::context`) and the waker from the driver's spare.
//!
//! # For the runtime
//!
//! The thread that parks calls `park_deadline()`, sleeps until that instant (or until
//! `unpark` is called), then `unparked()` and `process()`. With paused time and nothing
//! to run, it auto-advances while `clock().can_auto_advance()`: moves the clock to
//! `next_expiration()` and calls `process()`. That instant may be a cascade point of the
//! wheel, where `process()` fires nothing; loop until it fires something or there is
//! no expiration left.

mod clock;
mod driver;
mod entry;
mod level;
mod sleep;
mod wheel;

pub(crate) use clock::Clock;
pub(crate) use driver::TimeHandle;
pub use sleep::Sleep;

use std::time::{Duration, Instant};

use crate::runtime::context;

/// tokio's message for a timer on a runtime built without `enable_time`.
const TIMERS_DISABLED: &str = "A Tokio 1.x context was found, but timers are disabled. Call \
    `enable_time` on the runtime builder to enable timers.";

/// Runs `f` with the current native runtime's time driver; `None` without a native
/// runtime. Panics with tokio's message if that runtime has timers disabled.
#[track_caller]
fn with_time<R>(f: impl FnOnce(&TimeHandle) -> R) -> Option<R> {
    context::with_current(|handle| match handle.driver().time() {
        Some(time) => f(time),
        None => panic!("{TIMERS_DISABLED}"),
    })
    .ok()
}

/// A sleep until `deadline` on the current native runtime; `None` without one.
// Inline: a `Sleep` is large, and built in place it is not copied on its way out.
#[inline]
#[track_caller]
pub fn try_sleep_until(deadline: Instant) -> Option<Sleep> {
    // A handle a dropped sleep gave back to this thread's context if there is one: no
    // reference count to update.
    match context::time_handle_for_sleep() {
        Ok(Some(time)) => Some(Sleep::new(time, deadline)),
        Ok(None) => panic!("{TIMERS_DISABLED}"),
        Err(_) => None,
    }
}

/// The current native runtime's clock (virtual when paused); `None` without a
/// native runtime or with timers disabled.
pub fn try_now() -> Option<Instant> {
    context::with_current(|handle| handle.driver().time().map(|time| time.clock().now()))
        .ok()
        .flatten()
}

/// Pauses the current native runtime's clock; `None` without a native runtime.
///
/// # Panics
///
/// If the clock is already paused ("time is already frozen").
#[track_caller]
pub fn try_pause() -> Option<()> {
    // Called out here, not in the closure, which `#[track_caller]` does not reach: the
    // panic names the application's line, as tokio's does.
    with_time(TimeHandle::clone)?.clock().pause();
    Some(())
}

/// Resumes the current native runtime's clock; `None` without a native runtime.
///
/// # Panics
///
/// If the clock is not paused ("time is not frozen").
#[track_caller]
pub fn try_resume() -> Option<()> {
    // Outside the closure, as in `try_pause`.
    with_time(TimeHandle::clone)?.clock().resume();
    Some(())
}

/// Moves the current native runtime's paused clock forward by `duration` and fires
/// the timers that became due (their tasks run when the caller yields). The wheel's
/// elapsed time moves with the clock even when no timer is registered, so a sleep
/// first polled after the advance with a deadline now passed is ready at once, as
/// in tokio. `None` without a native runtime.
///
/// # Panics
///
/// If the clock is not paused ("time is not frozen").
#[track_caller]
pub fn try_advance(duration: Duration) -> Option<()> {
    with_time(|time| {
        time.clock().advance(duration);
        time.process();
    })
}
