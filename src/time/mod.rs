//! Time: sleeping, timeouts, intervals, and the runtime's clock.
//!
//! Timers belong to the runtime they were created on and need a runtime built with
//! `enable_time` (or `enable_all`). Resolution is one millisecond, and a timer
//! never fires before its deadline.
//!
//! ```
//! use avx::time::{sleep, timeout, Duration};
//! # avx::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
//! sleep(Duration::from_millis(1)).await;
//! let result = timeout(Duration::from_millis(1), std::future::pending::<()>()).await;
//! assert!(result.is_err());
//! # });
//! ```

#[cfg(feature = "test-util")]
mod clock;
pub mod error;
mod instant;
mod interval;
mod sleep;
mod timeout;

#[cfg(feature = "test-util")]
pub use clock::{advance, pause, resume};
pub use instant::Instant;
pub use interval::{Interval, MissedTickBehavior, interval, interval_at};
pub use sleep::{Sleep, sleep, sleep_until};
pub use std::time::Duration;
pub use timeout::{Timeout, timeout, timeout_at};
