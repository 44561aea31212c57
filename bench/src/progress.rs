//! Progress on stderr: which case, n of m, the round, and an estimate of the time
//! left. On a terminal one line is redrawn in place; otherwise (CI logs) a line
//! is printed per case, so the log stays readable.
//!
//! The estimate assumes the rounds still to come cost what the rounds so far cost
//! on average; it is shown once a round has finished.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// The progress of one report run.
#[derive(Debug)]
pub struct Progress {
    started: Instant,
    cases: usize,
    /// Rounds (warm-up included) in the whole run, and those done.
    units_total: usize,
    units_done: usize,
    in_place: bool,
    /// The current case: its number (1-based) and id.
    case: usize,
    case_id: String,
}

impl Progress {
    /// Progress over `cases` cases of `units_total` rounds in all.
    pub fn new(cases: usize, units_total: usize) -> Progress {
        Progress {
            started: Instant::now(),
            cases,
            units_total,
            units_done: 0,
            in_place: std::io::stderr().is_terminal(),
            case: 0,
            case_id: String::new(),
        }
    }

    /// A case begins.
    pub fn start_case(&mut self, id: &str) {
        self.case += 1;
        self.case_id = id.to_owned();
        if !self.in_place {
            eprintln!("[{}/{}] {}{}", self.case, self.cases, id, self.left());
        } else {
            self.draw("warm-up");
        }
    }

    /// A round of the current case is done; `round` of `rounds` (1-based).
    pub fn round_done(&mut self, round: usize, rounds: usize) {
        self.units_done += 1;
        if self.in_place {
            self.draw(&format!("round {round}/{rounds}"));
        }
    }

    /// The warm-up of the current case is done.
    pub fn warm_up_done(&mut self) {
        self.units_done += 1;
    }

    /// The run is over: clears the in-place line and says how long it took.
    pub fn finish(&self) {
        if self.in_place {
            eprint!("\r\x1b[2K");
        }
        eprintln!(
            "avx-bench: {} case{} in {}",
            self.cases,
            if self.cases == 1 { "" } else { "s" },
            format_duration(self.started.elapsed())
        );
    }

    fn draw(&self, stage: &str) {
        let mut stderr = std::io::stderr().lock();
        let _ = write!(
            stderr,
            "\r\x1b[2K[{}/{}] {} {stage}{}",
            self.case,
            self.cases,
            self.case_id,
            self.left()
        );
        let _ = stderr.flush();
    }

    /// `, ~1m05s left`, or nothing before the first round has finished.
    fn left(&self) -> String {
        match estimate_left(self.started.elapsed(), self.units_done, self.units_total) {
            Some(left) => format!(", ~{} left", format_duration(left)),
            None => String::new(),
        }
    }
}

/// The time left if the `total - done` units to come cost what the `done` did.
pub fn estimate_left(elapsed: Duration, done: usize, total: usize) -> Option<Duration> {
    if done == 0 {
        return None;
    }
    let per_unit = elapsed.as_secs_f64() / done as f64;
    Some(Duration::from_secs_f64(
        per_unit * total.saturating_sub(done) as f64,
    ))
}

/// `42s` or `3m07s`.
pub fn format_duration(d: Duration) -> String {
    let secs = d.as_secs_f64().round() as u64;
    if secs < 60 {
        format!("{secs}s")
    } else {
        format!("{}m{:02}s", secs / 60, secs % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimate_scales_the_average_round() {
        assert_eq!(estimate_left(Duration::from_secs(10), 0, 10), None);
        assert_eq!(
            estimate_left(Duration::from_secs(10), 5, 20),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            estimate_left(Duration::from_secs(10), 20, 20),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn durations_read_as_seconds_or_minutes() {
        assert_eq!(format_duration(Duration::from_millis(41_600)), "42s");
        assert_eq!(format_duration(Duration::from_secs(187)), "3m07s");
    }
}
