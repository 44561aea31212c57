//! The report as JSON (format 1):
//!
//! ```text
//! { "tool": "avx-bench", "format": 1, "date", "command", "mode": "quick"|"full",
//!   "rounds", "spread": "p25-p75", "seconds",
//!   "machine": { "cpus", "cpu_model", "os", "arch", "load_before", "load_after" },
//!   "contenders": ["tokio", "avx-tokio", "avx-native"],
//!   "rows": [ { "id", "area", "workload", "flavor", "metric", "unit",
//!               "better": "lower"|"higher", "ops_per_run",
//!               "results": { "<contender>": { "median", "p25", "p75", "min", "max",
//!                                             "samples" } | null },
//!               "ratios": { "avx-native/tokio": { "value", "worse", "paired_median",
//!                                                 "paired_p25", "paired_p75" } | null,
//!                           "avx-tokio/tokio": ... },
//!               "floor": { "label", "median", ...,
//!                          "over_floor": { "<contender>": number | null } } | null } ] }
//! ```
//!
//! A contender that did not run has no key in `results`; one that ran but failed
//! to measure has `null`. `ratios` has a key per non-tokio contender that ran,
//! when tokio ran.

use super::{Report, Row, SPREAD, ratio_key};
use crate::json::Json;
use crate::stats::Summary;

/// The report's JSON value.
pub fn to_json(report: &Report) -> Json {
    let m = &report.meta;
    Json::Obj(vec![
        ("tool".into(), Json::str("avx-bench")),
        ("format".into(), Json::Num(1.0)),
        ("date".into(), Json::str(&m.date)),
        ("command".into(), Json::str(&m.command)),
        (
            "mode".into(),
            Json::str(if m.quick { "quick" } else { "full" }),
        ),
        ("rounds".into(), Json::Num(m.rounds as f64)),
        ("spread".into(), Json::str(SPREAD)),
        ("seconds".into(), Json::Num(m.seconds)),
        (
            "machine".into(),
            Json::Obj(vec![
                ("cpus".into(), Json::Num(m.cpus as f64)),
                (
                    "cpu_model".into(),
                    m.cpu_model.as_deref().map_or(Json::Null, Json::str),
                ),
                ("os".into(), Json::str(m.os)),
                ("arch".into(), Json::str(m.arch)),
                ("load_before".into(), Json::num_or_null(m.load_before)),
                ("load_after".into(), Json::num_or_null(m.load_after)),
            ]),
        ),
        (
            "contenders".into(),
            Json::Arr(m.contenders.iter().map(|c| Json::str(c.id())).collect()),
        ),
        (
            "rows".into(),
            Json::Arr(
                report
                    .rows
                    .iter()
                    .map(|row| row_json(report, row))
                    .collect(),
            ),
        ),
    ])
}

fn row_json(report: &Report, row: &Row) -> Json {
    let results = row
        .results
        .iter()
        .map(|(c, s)| {
            (
                c.id().to_owned(),
                s.as_ref().map_or(Json::Null, summary_json),
            )
        })
        .collect();
    let ratios = report
        .ratio_contenders()
        .into_iter()
        .map(|c| {
            let ratio = row.ratio(c).map_or(Json::Null, |r| {
                Json::Obj(vec![
                    ("value".into(), Json::Num(r.value)),
                    ("worse".into(), Json::Bool(r.worse)),
                    (
                        "paired_median".into(),
                        Json::num_or_null(r.paired.map(|p| p.median)),
                    ),
                    (
                        "paired_p25".into(),
                        Json::num_or_null(r.paired.map(|p| p.p25)),
                    ),
                    (
                        "paired_p75".into(),
                        Json::num_or_null(r.paired.map(|p| p.p75)),
                    ),
                ])
            });
            (ratio_key(c), ratio)
        })
        .collect();
    let floor = row.floor.as_ref().map_or(Json::Null, |floor| {
        let mut members = vec![("label".into(), Json::str(floor.label))];
        if let Json::Obj(summary) = summary_json(&floor.summary) {
            members.extend(summary);
        }
        let over_floor = row
            .results
            .iter()
            .map(|&(c, _)| (c.id().to_owned(), Json::num_or_null(row.over_floor(c))))
            .collect();
        members.push(("over_floor".into(), Json::Obj(over_floor)));
        Json::Obj(members)
    });
    Json::Obj(vec![
        ("id".into(), Json::str(row.id())),
        ("area".into(), Json::str(row.area)),
        ("workload".into(), Json::str(&row.workload)),
        ("flavor".into(), Json::str(&row.flavor)),
        ("metric".into(), Json::str(row.metric.id())),
        ("unit".into(), Json::str(row.metric.unit())),
        (
            "better".into(),
            Json::str(if row.metric.lower_is_better() {
                "lower"
            } else {
                "higher"
            }),
        ),
        ("ops_per_run".into(), Json::Num(row.ops as f64)),
        ("results".into(), Json::Obj(results)),
        ("ratios".into(), Json::Obj(ratios)),
        ("floor".into(), floor),
    ])
}

fn summary_json(s: &Summary) -> Json {
    Json::Obj(vec![
        ("median".into(), Json::Num(s.median)),
        ("p25".into(), Json::Num(s.p25)),
        ("p75".into(), Json::Num(s.p75)),
        ("min".into(), Json::Num(s.min)),
        ("max".into(), Json::Num(s.max)),
        ("samples".into(), Json::Num(s.samples as f64)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse;
    use crate::report::tests::sample_report;

    #[test]
    fn the_json_parses_back_with_every_row_result_and_ratio() {
        let report = sample_report();
        let text = to_json(&report).to_pretty_string();
        let json = parse(&text).unwrap();
        assert_eq!(json.get("tool").and_then(Json::as_str), Some("avx-bench"));
        let rows = json.get("rows").and_then(Json::as_array).unwrap();
        assert_eq!(rows.len(), report.rows.len());
        let first = &rows[0];
        assert_eq!(
            first.get("workload").and_then(Json::as_str),
            Some("fs_<read>&\"")
        );
        let tokio = first.get("results").and_then(|r| r.get("tokio")).unwrap();
        assert_eq!(tokio.get("median").and_then(Json::as_f64), Some(100.0));
        let worse = first
            .get("ratios")
            .and_then(|r| r.get("avx-tokio/tokio"))
            .and_then(|r| r.get("worse"));
        assert_eq!(worse, Some(&Json::Bool(true)));
        assert_eq!(
            first
                .get("floor")
                .and_then(|f| f.get("label"))
                .and_then(Json::as_str),
            Some("std & co")
        );
        let over_floor = first
            .get("floor")
            .and_then(|f| f.get("over_floor"))
            .and_then(|o| o.get("avx-native"))
            .and_then(Json::as_f64);
        assert!(over_floor.is_some_and(|x| (x - 1.6).abs() < 1e-12));
        // A failed measurement is null, and so is its ratio.
        let failed = &rows[2];
        assert_eq!(
            failed.get("results").and_then(|r| r.get("avx-tokio")),
            Some(&Json::Null)
        );
        assert_eq!(
            failed.get("ratios").and_then(|r| r.get("avx-tokio/tokio")),
            Some(&Json::Null)
        );
    }
}
