//! How often a worker checks the injection queue before its own: the builder's
//! `global_queue_interval` when it set one, else tuned as tokio documents it, from
//! the worker's mean task poll time, so that about 200 µs pass between checks.
//!
//! Fixed, a worker whose tasks each take long checks rarely in wall time: with 5 µs
//! tasks and an interval of 61, a task spawned from outside waits 300 µs behind
//! local work. Tuned, slow tasks shorten the interval and fast ones lengthen it.
//! The mean is a moving average over batches (runs of polls between parks and
//! driver polls), weighted by each batch's number of polls.

use std::time::{Duration, Instant};

/// The wall time aimed for between two checks of the injection queue, in ns.
const TARGET_NS: f64 = 200_000.0;
/// The interval before any poll is measured (tokio's former fixed default).
const INITIAL: u32 = 61;
/// The bounds of a tuned interval: below 2 the injection queue would always come
/// first; above 127 a fast worker would all but ignore it.
const MIN: u32 = 2;
const MAX: u32 = 127;
/// The weight of one poll's time in the moving average.
const ALPHA: f64 = 0.1;

impl Tuning {
    /// Folds a batch that took `elapsed` for its polls into the average.
    fn record(&mut self, elapsed: Duration) {
        if self.batch_polls == 0 {
            return;
        }
        let polls = f64::from(self.batch_polls);
        let mean = elapsed.as_nanos() as f64 / polls;
        // A batch of n polls weighs as n single polls would.
        let weight = 1.0 - (1.0 - ALPHA).powf(polls);
        self.mean_poll_ns = weight * mean + (1.0 - weight) * self.mean_poll_ns;
    }
}

/// One worker's interval.
pub(super) struct QueueInterval {
    interval: u32,
    /// `None`: fixed by the builder.
    tuning: Option<Tuning>,
}

struct Tuning {
    mean_poll_ns: f64,
    /// When the current batch began, or `None` between batches.
    batch_start: Option<Instant>,
    batch_polls: u32,
}

impl QueueInterval {
    pub(super) fn new(configured: Option<u32>) -> QueueInterval {
        match configured {
            Some(interval) => QueueInterval {
                interval: interval.max(1),
                tuning: None,
            },
            None => QueueInterval {
                interval: INITIAL,
                tuning: Some(Tuning {
                    mean_poll_ns: TARGET_NS / f64::from(INITIAL),
                    batch_start: None,
                    batch_polls: 0,
                }),
            },
        }
    }

    /// The number of ticks between checks.
    pub(super) fn get(&self) -> u32 {
        self.interval
    }

    /// A run of polls begins (the worker found work after a park or driver poll).
    pub(super) fn start_batch(&mut self) {
        if let Some(tuning) = &mut self.tuning {
            tuning.batch_start = Some(Instant::now());
            tuning.batch_polls = 0;
        }
    }

    /// A task was polled.
    pub(super) fn polled(&mut self) {
        if let Some(tuning) = &mut self.tuning {
            tuning.batch_polls += 1;
        }
    }

    /// The run of polls ends: its mean poll time joins the average.
    pub(super) fn end_batch(&mut self) {
        let Some(tuning) = &mut self.tuning else {
            return;
        };
        if let Some(start) = tuning.batch_start.take() {
            tuning.record(start.elapsed());
        }
    }

    /// Sets the interval from the average, ignoring changes of 2 or less (jitter).
    pub(super) fn retune(&mut self) {
        let Some(tuning) = &self.tuning else {
            return;
        };
        // A float-to-int cast saturates: a mean near 0 gives u32::MAX, then MAX.
        let next = ((TARGET_NS / tuning.mean_poll_ns) as u32).clamp(MIN, MAX);
        if next.abs_diff(self.interval) > 2 {
            self.interval = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A batch of `polls` that each took `poll`, recorded as if measured (the
    /// clock is left out, so the test holds however slowly it runs).
    fn batch(interval: &mut QueueInterval, polls: u32, poll: Duration) {
        interval.start_batch();
        for _ in 0..polls {
            interval.polled();
        }
        let tuning = interval.tuning.as_mut().unwrap();
        tuning.batch_start = None;
        tuning.record(poll * polls);
        interval.retune();
    }

    #[test]
    fn a_configured_interval_is_never_tuned() {
        let mut interval = QueueInterval::new(Some(7));
        interval.start_batch();
        interval.polled();
        interval.end_batch();
        interval.retune();
        assert_eq!(interval.get(), 7);
    }

    #[test]
    fn slow_polls_shorten_the_interval_and_fast_ones_lengthen_it() {
        let mut interval = QueueInterval::new(None);
        assert_eq!(interval.get(), INITIAL);
        for _ in 0..20 {
            batch(&mut interval, 50, Duration::from_micros(50));
        }
        assert_eq!(interval.get(), 4, "200 µs / 50 µs");
        for _ in 0..20 {
            batch(&mut interval, 50, Duration::from_nanos(100));
        }
        assert_eq!(interval.get(), MAX);
    }

    #[test]
    fn a_batch_without_polls_changes_nothing() {
        let mut interval = QueueInterval::new(None);
        interval.start_batch();
        interval.end_batch();
        interval.retune();
        assert_eq!(interval.get(), INITIAL);
    }
}
