//! The report: what was run where ([`Meta`]), one [`Row`] per case and metric,
//! and the four renderings of it (text table, JSON, Markdown, SVG chart).
//!
//! A ratio is a contender's median divided by raw tokio's median, for the same
//! row. It is *worse* than tokio when, rounded to the two decimals shown, it is
//! above 1.00 for a metric where lower is better (times, bytes) and below 1.00
//! for one where higher is better (rates).
//! Beside it the report keeps the spread of the paired per-round ratios (round r
//! of a contender over round r of tokio): rounds alternate contenders, so a
//! drifting machine moves both halves of a pair alike.
//!
//! A row with a blocking floor also shows each contender over the floor: its
//! median divided by the floor's median ([`Row::over_floor`]).

pub mod json;
pub mod markdown;
pub mod svg;
pub mod table;

use avx_benches::Contender;

use crate::stats::Summary;
use crate::suite::Metric;

/// The contenders that get a ratio to tokio, in column order.
pub const RATIO_CONTENDERS: [Contender; 2] = [Contender::AvxNative, Contender::AvxTokio];

/// What the spread columns show.
pub const SPREAD: &str = "p25-p75";

/// Where and how the report was made.
#[derive(Clone, Debug)]
pub struct Meta {
    /// When the run started, UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub date: String,
    /// The command that reproduces it (`cargo run --release -p avx-bench -- ...`).
    pub command: String,
    /// Whether it was a `--quick` run.
    pub quick: bool,
    /// Rounds per in-process case (memory cases run fewer; each row says).
    pub rounds: usize,
    /// The contenders run, in report order.
    pub contenders: Vec<Contender>,
    /// CPUs available to the process.
    pub cpus: usize,
    /// The CPU's model name, where the OS says.
    pub cpu_model: Option<String>,
    /// `std::env::consts::OS` and `ARCH`.
    pub os: &'static str,
    /// See `os`.
    pub arch: &'static str,
    /// The one-minute load average before and after the run, where the OS says.
    pub load_before: Option<f64>,
    /// See `load_before`.
    pub load_after: Option<f64>,
    /// How long the run took, seconds.
    pub seconds: f64,
}

/// The blocking floor of a row: the same work with `std`, no runtime.
#[derive(Clone, Debug)]
pub struct Floor {
    /// What it does.
    pub label: &'static str,
    /// Its values.
    pub summary: Summary,
}

/// One metric of one case, for every contender.
#[derive(Clone, Debug)]
pub struct Row {
    /// The case's area (`runtime`, `timer`, `sync`, `fs`, `memory`, ...).
    pub area: &'static str,
    /// The workload's name.
    pub workload: String,
    /// The flavor's name.
    pub flavor: String,
    /// The metric.
    pub metric: Metric,
    /// Operations (or tasks) per run.
    pub ops: usize,
    /// Each contender's values; `None` where every measurement failed.
    pub results: Vec<(Contender, Option<Summary>)>,
    /// Each non-tokio contender's per-round ratios to tokio, when tokio ran.
    pub paired: Vec<(Contender, Option<Summary>)>,
    /// The blocking floor, for workloads that have one.
    pub floor: Option<Floor>,
}

/// A contender's ratio to tokio in one row.
#[derive(Clone, Copy, Debug)]
pub struct Ratio {
    /// Median over tokio's median.
    pub value: f64,
    /// Whether it is worse than tokio (as printed: 1.004 is not).
    pub worse: bool,
    /// The spread of the paired per-round ratios.
    pub paired: Option<Summary>,
}

impl Row {
    /// `area/workload/flavor`, as `--filter` matches it.
    pub fn id(&self) -> String {
        format!("{}/{}/{}", self.area, self.workload, self.flavor)
    }

    /// `contender`'s values, if it ran and measured.
    pub fn summary(&self, contender: Contender) -> Option<&Summary> {
        self.results
            .iter()
            .find(|(c, _)| *c == contender)
            .and_then(|(_, s)| s.as_ref())
    }

    /// `contender`'s median over the floor's median, if the row has a floor and
    /// the contender measured.
    pub fn over_floor(&self, contender: Contender) -> Option<f64> {
        let floor = self.floor.as_ref()?.summary.median;
        let value = self.summary(contender)?.median / floor;
        value.is_finite().then_some(value)
    }

    /// `contender`'s ratio to tokio, if both ran and measured.
    pub fn ratio(&self, contender: Contender) -> Option<Ratio> {
        let base = self.summary(Contender::Tokio)?.median;
        let value = self.summary(contender)?.median / base;
        if !value.is_finite() {
            return None;
        }
        // Judged on the ratio as printed (two decimals), so the mark never sits
        // on a "1.00".
        let shown = (value * 100.0).round() / 100.0;
        let worse = if self.metric.lower_is_better() {
            shown > 1.0
        } else {
            shown < 1.0
        };
        let paired = self
            .paired
            .iter()
            .find(|(c, _)| *c == contender)
            .and_then(|(_, s)| *s);
        Some(Ratio {
            value,
            worse,
            paired,
        })
    }
}

/// A whole report.
#[derive(Clone, Debug)]
pub struct Report {
    /// Where and how.
    pub meta: Meta,
    /// The rows, in suite order.
    pub rows: Vec<Row>,
}

impl Report {
    /// The contenders that get a ratio column: those that ran, when tokio ran.
    pub fn ratio_contenders(&self) -> Vec<Contender> {
        if !self.meta.contenders.contains(&Contender::Tokio) {
            return Vec::new();
        }
        RATIO_CONTENDERS
            .into_iter()
            .filter(|c| self.meta.contenders.contains(c))
            .collect()
    }

    /// Whether any row has a blocking floor (and so the floor column shows).
    pub fn has_floor(&self) -> bool {
        self.rows.iter().any(|r| r.floor.is_some())
    }

    /// A line on the machine: CPUs, model, OS, load.
    pub fn machine_line(&self) -> String {
        let m = &self.meta;
        let mut line = format!("{} CPUs", m.cpus);
        if let Some(model) = &m.cpu_model {
            line.push_str(&format!(" ({model})"));
        }
        line.push_str(&format!(", {}/{}", m.os, m.arch));
        if let (Some(before), Some(after)) = (m.load_before, m.load_after) {
            line.push_str(&format!(", load {before:.2} before / {after:.2} after"));
        }
        line
    }

    /// A line on the run: mode, rounds, duration.
    pub fn run_line(&self) -> String {
        let m = &self.meta;
        format!(
            "{} run, {} rounds per case, contenders alternated round by round, {}",
            if m.quick { "quick" } else { "full" },
            m.rounds,
            crate::progress::format_duration(std::time::Duration::from_secs_f64(m.seconds))
        )
    }
}

/// The ratio column's heading for `contender`.
pub fn ratio_heading(contender: Contender) -> &'static str {
    match contender {
        Contender::AvxNative => "native/tokio",
        Contender::AvxTokio => "avx-tokio/tokio",
        Contender::Tokio => "tokio/tokio",
    }
}

/// The ratio's key in the JSON report.
pub fn ratio_key(contender: Contender) -> String {
    format!("{}/tokio", contender.id())
}

/// A value with three significant figures or so, no exponent.
pub fn format_value(x: f64) -> String {
    let magnitude = x.abs();
    if magnitude >= 100.0 {
        format!("{x:.0}")
    } else if magnitude >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

/// `median [p25-p75]`, or `n/a`.
pub fn format_summary(summary: Option<&Summary>) -> String {
    match summary {
        Some(s) => format!(
            "{} [{}-{}]",
            format_value(s.median),
            format_value(s.p25),
            format_value(s.p75)
        ),
        None => "n/a".to_owned(),
    }
}

/// `0.93` or `1.07 !` (the mark: worse than tokio), or `n/a`.
pub fn format_ratio(ratio: Option<Ratio>) -> String {
    match ratio {
        Some(r) if r.worse => format!("{:.2} !", r.value),
        Some(r) => format!("{:.2}", r.value),
        None => "n/a".to_owned(),
    }
}

/// The current time, UTC, as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    utc_from_unix(secs)
}

/// `secs` after the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ` (proleptic Gregorian).
pub fn utc_from_unix(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Days to civil date: shift the epoch to 0000-03-01 so leap days end the
    // year, then count 400-year eras of 146097 days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A small report with every kind of cell: a better and a worse ratio, a
    /// rate, a failed measurement, a floor.
    pub(crate) fn sample_report() -> Report {
        let s = |median: f64| {
            Some(Summary {
                median,
                p25: median * 0.9,
                p75: median * 1.1,
                min: median * 0.8,
                max: median * 1.2,
                samples: 5,
            })
        };
        let row = |workload: &str, metric, tokio, avx_tokio, native| Row {
            area: "sync",
            workload: workload.to_owned(),
            flavor: "current_thread".to_owned(),
            metric,
            ops: 1000,
            results: vec![
                (Contender::Tokio, tokio),
                (Contender::AvxTokio, avx_tokio),
                (Contender::AvxNative, native),
            ],
            paired: vec![
                (Contender::AvxTokio, s(1.0)),
                (Contender::AvxNative, s(1.0)),
            ],
            floor: None,
        };
        let mut with_floor = row(
            "fs_<read>&\"",
            Metric::TimePerOp,
            s(100.0),
            s(120.0),
            s(80.0),
        );
        with_floor.floor = Some(Floor {
            label: "std & co",
            summary: s(50.0).unwrap(),
        });
        Report {
            meta: Meta {
                date: "2025-01-02T03:04:05Z".to_owned(),
                command: "cargo run --release -p avx-bench -- --quick".to_owned(),
                quick: true,
                rounds: 5,
                contenders: Contender::ALL.to_vec(),
                cpus: 2,
                cpu_model: Some("Test CPU <v2>".to_owned()),
                os: "linux",
                arch: "x86_64",
                load_before: Some(0.5),
                load_after: Some(0.75),
                seconds: 12.0,
            },
            rows: vec![
                with_floor,
                row("rate", Metric::OpsPerSec, s(1000.0), s(900.0), s(1100.0)),
                row("failed", Metric::BytesPerTask, s(64.0), None, s(32.0)),
            ],
        }
    }

    #[test]
    fn ratios_divide_medians_and_mark_the_worse_side() {
        let report = sample_report();
        let [time, rate, failed] = &report.rows[..] else {
            unreachable!()
        };
        let native = time.ratio(Contender::AvxNative).unwrap();
        assert!((native.value - 0.8).abs() < 1e-12 && !native.worse);
        assert!(time.ratio(Contender::AvxTokio).unwrap().worse);
        // For a rate, less is worse.
        assert!(rate.ratio(Contender::AvxTokio).unwrap().worse);
        assert!(!rate.ratio(Contender::AvxNative).unwrap().worse);
        assert!(failed.ratio(Contender::AvxTokio).is_none());
        assert_eq!(format_ratio(time.ratio(Contender::AvxTokio)), "1.20 !");
        assert_eq!(format_ratio(time.ratio(Contender::AvxNative)), "0.80");
        assert_eq!(format_ratio(None), "n/a");
    }

    #[test]
    fn a_ratio_that_prints_as_one_is_not_marked() {
        let mut report = sample_report();
        report.rows[0].results[1].1.as_mut().unwrap().median = 100.4;
        let ratio = report.rows[0].ratio(Contender::AvxTokio).unwrap();
        assert!(!ratio.worse);
        assert_eq!(format_ratio(Some(ratio)), "1.00");
        report.rows[0].results[1].1.as_mut().unwrap().median = 100.6;
        assert_eq!(
            format_ratio(report.rows[0].ratio(Contender::AvxTokio)),
            "1.01 !"
        );
    }

    #[test]
    fn over_the_floor_divides_by_the_floors_median() {
        let report = sample_report();
        let with_floor = &report.rows[0];
        assert!((with_floor.over_floor(Contender::Tokio).unwrap() - 2.0).abs() < 1e-12);
        assert!((with_floor.over_floor(Contender::AvxNative).unwrap() - 1.6).abs() < 1e-12);
        assert_eq!(report.rows[1].over_floor(Contender::Tokio), None);
    }

    #[test]
    fn no_ratios_without_tokio() {
        let mut report = sample_report();
        report.meta.contenders = vec![Contender::AvxTokio, Contender::AvxNative];
        assert!(report.ratio_contenders().is_empty());
        report.meta.contenders = vec![Contender::Tokio, Contender::AvxNative];
        assert_eq!(report.ratio_contenders(), [Contender::AvxNative]);
    }

    #[test]
    fn values_keep_about_three_figures() {
        assert_eq!(format_value(12345.6), "12346");
        assert_eq!(format_value(123.45), "123");
        assert_eq!(format_value(12.345), "12.3");
        assert_eq!(format_value(1.2345), "1.23");
    }

    #[test]
    fn dates_are_civil_utc() {
        assert_eq!(utc_from_unix(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc_from_unix(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(utc_from_unix(1_735_787_045), "2025-01-02T03:04:05Z");
        assert_eq!(utc_from_unix(4_107_542_399), "2100-02-28T23:59:59Z");
    }
}
