//! Time: a pausable clock, the hierarchical timer wheel and `Sleep`.
//!
//! ```text
//! clock.rs   Clock: real or paused virtual time (start_paused, pause, resume, advance)
//! entry.rs   TimerEntry: the node a Sleep embeds; the intrusive lists; who owns what
//! level.rs   one wheel level: 64 slot lists and an occupancy bitmap
//! wheel.rs   the 6-level wheel: file, cancel, cascade, fire
//! driver.rs  TimeHandle: the wheel behind one lock, process, park/unpark, shutdown
//! sleep.rs   Sleep: registers on first poll, cancels on drop
//! ```
//!
//! # Invariants
//!
//! - A sleep never completes before its deadline: deadlines round up to the next
//!   millisecond tick, `now` rounds down, and an entry fires once `now`'s tick reaches its
//!   own.
//! - The wheel only links entries of pinned sleeps, and a sleep unlinks its entry (under
//!   the driver's lock) before it is dropped; see `entry.rs` for who owns which field.
//! - No task code runs under the driver's lock: wakers are cloned before it and woken
//!   after it.
//!
//! # For the runtime
//!
//! The thread that parks calls `park_deadline()`, sleeps until that instant (or until
//! `unpark` is called), then `unparked()` and `process()`. With paused time and nothing
//! to run, it auto-advances while `clock().can_auto_advance()`: moves the clock to
//! `next_expiration()` and calls `process()`. That instant may be a cascade point of the
//! wheel, where `process()` fires nothing; loop until it fires something or there is
//! no expiration left.

// The runtime (runtime/, scheduler/) wires the driver up; until it does, only the tests
// use it. Remove these allowances then.
#![allow(dead_code)]

mod clock;
mod driver;
mod entry;
mod level;
mod sleep;
mod wheel;

#[allow(unused_imports)]
pub(crate) use clock::Clock;
#[allow(unused_imports)]
pub(crate) use driver::TimeHandle;
pub use sleep::Sleep;
