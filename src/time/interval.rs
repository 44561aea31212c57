//! `interval`, `interval_at`, `Interval` and `MissedTickBehavior`.

use std::future::poll_fn;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use super::{Instant, Sleep, sleep_until};

/// A ticker that completes first at once, then every `period`.
///
/// ```
/// use avx::time::{interval, Duration};
/// # avx::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
/// let mut ticks = interval(Duration::from_millis(2));
/// let first = ticks.tick().await;
/// let second = ticks.tick().await;
/// assert!(second - first >= Duration::from_millis(2));
/// # });
/// ```
///
/// # Panics
///
/// If `period` is zero, or outside a runtime with timers.
#[track_caller]
pub fn interval(period: Duration) -> Interval {
    assert!(period > Duration::ZERO, "`period` must be non-zero.");
    interval_at(Instant::now(), period)
}

/// A ticker that completes first at `start`, then every `period`.
///
/// # Panics
///
/// If `period` is zero, or outside a runtime with timers.
#[track_caller]
pub fn interval_at(start: Instant, period: Duration) -> Interval {
    assert!(period > Duration::ZERO, "`period` must be non-zero.");
    Interval {
        delay: Box::pin(sleep_until(start)),
        period,
        missed_tick_behavior: MissedTickBehavior::default(),
    }
}

/// What an [`Interval`] does when ticks were missed (the code awaiting it fell
/// behind by more than a few milliseconds).
///
/// ```text
/// expected:  | 1 | 2 | 3 | 4 | 5 |
/// Burst:     | 1 ------| 2|3|4| 5 |   catch up at once, same schedule
/// Delay:     | 1 ------| 2 | 3 | 4 | 5   restart the period from the late tick
/// Skip:      | 1 ------|   | 4 | 5 |   drop the missed ticks, keep the schedule
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissedTickBehavior {
    /// Ticks as fast as possible until caught up with the original schedule.
    #[default]
    Burst,
    /// Ticks at once, then `period` after each tick from then on.
    Delay,
    /// Skips the missed ticks: the next tick is the next multiple of `period`
    /// after now, on the original schedule.
    Skip,
}

impl MissedTickBehavior {
    /// The next deadline after a tick due at `timeout` was seen at `now`, late.
    fn next_timeout(self, timeout: Instant, now: Instant, period: Duration) -> Instant {
        match self {
            MissedTickBehavior::Burst => timeout.checked_add(period),
            MissedTickBehavior::Delay => now.checked_add(period),
            MissedTickBehavior::Skip => {
                let behind = (now - timeout).as_nanos();
                // `period` is non-zero and the remainder is below it.
                let into_period = (behind % period.as_nanos()) as u64;
                now.checked_add(period - Duration::from_nanos(into_period))
            }
        }
        .unwrap_or_else(Instant::far_future)
    }
}

/// Ticks at a fixed period; see [`interval`]. `tick` is cancel-safe.
#[derive(Debug)]
pub struct Interval {
    delay: Pin<Box<Sleep>>,
    period: Duration,
    missed_tick_behavior: MissedTickBehavior,
}

/// Lateness below this is timer jitter, not a missed tick.
const MISSED_TICK_SLACK: Duration = Duration::from_millis(5);

impl Interval {
    /// Completes at the next tick, returning the instant it was due.
    ///
    /// Cancel-safe: if the returned future is dropped, the tick is not lost.
    pub async fn tick(&mut self) -> Instant {
        poll_fn(|cx| self.poll_tick(cx)).await
    }

    /// Polls for the next tick. When `Pending`, the waker of `cx` is woken at the
    /// tick (only the latest `cx` is remembered).
    pub fn poll_tick(&mut self, cx: &mut Context<'_>) -> Poll<Instant> {
        ready!(self.delay.as_mut().poll(cx));
        let due = self.delay.deadline();
        let now = Instant::now();
        let next = if now > due + MISSED_TICK_SLACK {
            self.missed_tick_behavior
                .next_timeout(due, now, self.period)
        } else {
            due.checked_add(self.period)
                .unwrap_or_else(Instant::far_future)
        };
        self.delay.as_mut().reset(next);
        Poll::Ready(due)
    }

    /// Restarts the schedule: the next tick is one period from now.
    pub fn reset(&mut self) {
        self.delay.as_mut().reset(after_now(self.period));
    }

    /// Restarts the schedule with a tick due now.
    pub fn reset_immediately(&mut self) {
        self.delay.as_mut().reset(Instant::now());
    }

    /// Restarts the schedule with the next tick `after` from now.
    pub fn reset_after(&mut self, after: Duration) {
        self.delay.as_mut().reset(after_now(after));
    }

    /// Restarts the schedule with the next tick at `deadline`.
    pub fn reset_at(&mut self, deadline: Instant) {
        self.delay.as_mut().reset(deadline);
    }

    /// What happens when ticks are missed.
    pub fn missed_tick_behavior(&self) -> MissedTickBehavior {
        self.missed_tick_behavior
    }

    /// Sets what happens when ticks are missed.
    pub fn set_missed_tick_behavior(&mut self, behavior: MissedTickBehavior) {
        self.missed_tick_behavior = behavior;
    }

    /// The time between ticks.
    pub fn period(&self) -> Duration {
        self.period
    }
}

/// `now + after`, or the far future where that overflows an `Instant` (a period of
/// `Duration::MAX` never panics, as in tokio).
fn after_now(after: Duration) -> Instant {
    Instant::now()
        .checked_add(after)
        .unwrap_or_else(Instant::far_future)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missed_tick_behaviors_pick_the_next_deadline() {
        let start = Instant::from_std(std::time::Instant::now());
        let period = Duration::from_millis(10);
        let due = start + period;
        let now = due + Duration::from_millis(25);
        assert_eq!(
            MissedTickBehavior::Burst.next_timeout(due, now, period),
            due + period
        );
        assert_eq!(
            MissedTickBehavior::Delay.next_timeout(due, now, period),
            now + period
        );
        // 25 ms late with a 10 ms period: the schedule continues at due + 30 ms.
        assert_eq!(
            MissedTickBehavior::Skip.next_timeout(due, now, period),
            due + Duration::from_millis(30)
        );
    }
}
