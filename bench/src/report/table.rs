//! The report as the text table the tool prints, and the column layout the
//! Markdown table shares.

use super::{Ratio, Report, SPREAD, format_ratio, format_summary, ratio_heading};

/// The table's heading and its rows, cell by cell: workload, unit, each
/// contender's `median [p25-p75]`, the floor (if any row has one), the ratios
/// (written by `ratio_cell`).
pub fn cells(
    report: &Report,
    ratio_cell: fn(Option<Ratio>) -> String,
) -> (Vec<String>, Vec<Vec<String>>) {
    let ratio_contenders = report.ratio_contenders();
    let mut heading = vec!["workload".to_owned(), "unit".to_owned()];
    heading.extend(report.meta.contenders.iter().map(|c| c.id().to_owned()));
    if report.has_floor() {
        heading.push("floor".to_owned());
    }
    heading.extend(
        ratio_contenders
            .iter()
            .map(|&c| ratio_heading(c).to_owned()),
    );
    let rows = report
        .rows
        .iter()
        .map(|row| {
            let mut cells = vec![row.id(), row.metric.unit().to_owned()];
            cells.extend(
                report
                    .meta
                    .contenders
                    .iter()
                    .map(|&c| format_summary(row.summary(c))),
            );
            if report.has_floor() {
                cells.push(match &row.floor {
                    Some(floor) => format_summary(Some(&floor.summary)),
                    None => "-".to_owned(),
                });
            }
            cells.extend(ratio_contenders.iter().map(|&c| ratio_cell(row.ratio(c))));
            cells
        })
        .collect();
    (heading, rows)
}

/// The legend under the table.
pub fn legend(report: &Report) -> Vec<String> {
    let mut lines = vec![format!(
        "Each cell: median [{SPREAD}] of the rounds. Ratios: the contender's median over raw tokio's."
    )];
    if !report.ratio_contenders().is_empty() {
        lines.push(
            "'!' marks a ratio worse than tokio: above 1.00 for times and bytes, below 1.00 for rates."
                .to_owned(),
        );
    }
    // A floor per workload and flavor, named once however many metrics show it.
    let mut floors: Vec<String> = Vec::new();
    for row in &report.rows {
        if let Some(floor) = &row.floor {
            let line = format!("{}/{}: {}", row.workload, row.flavor, floor.label);
            if !floors.contains(&line) {
                floors.push(line);
            }
        }
    }
    if !floors.is_empty() {
        lines.push(format!(
            "floor: the same work without a runtime ({}).",
            floors.join("; ")
        ));
    }
    lines
}

/// The heading of the lines that show each contender over the floor.
pub const OVER_FLOOR_HEADING: &str =
    "Over the floor (the contender's median over the floor's; below 1.00: faster than the floor):";

/// A line per row with a floor: its id and unit, then each contender over the
/// floor, `tokio 1.35, avx-tokio 1.40, avx-native 1.20`.
pub fn over_floor_lines(report: &Report) -> Vec<(String, String)> {
    report
        .rows
        .iter()
        .filter(|row| row.floor.is_some())
        .map(|row| {
            let ratios: Vec<String> = report
                .meta
                .contenders
                .iter()
                .map(|&c| match row.over_floor(c) {
                    Some(x) => format!("{c} {x:.2}"),
                    None => format!("{c} n/a"),
                })
                .collect();
            (
                format!("{} {}", row.id(), row.metric.unit()),
                ratios.join(", "),
            )
        })
        .collect()
}

/// A ratio with room for the mark, so the numbers of a column line up.
fn text_ratio(ratio: Option<Ratio>) -> String {
    match ratio {
        Some(r) if !r.worse => format!("{}  ", format_ratio(Some(r))),
        other => format_ratio(other),
    }
}

/// The whole text report: a title, the machine, the table, the legend.
pub fn render(report: &Report) -> String {
    let (heading, rows) = cells(report, text_ratio);
    let columns = heading.len();
    let width = |i: usize| {
        rows.iter()
            .map(|r| r[i].chars().count())
            .chain([heading[i].chars().count()])
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..columns).map(width).collect();
    let line = |cells: &[String]| {
        let mut out = String::new();
        for (i, cell) in cells.iter().enumerate() {
            let pad = widths[i] - cell.chars().count();
            if i > 0 {
                out.push_str("  ");
            }
            // Text columns align left, numbers right.
            if i < 2 {
                out.push_str(cell);
                out.push_str(&" ".repeat(pad));
            } else {
                out.push_str(&" ".repeat(pad));
                out.push_str(cell);
            }
        }
        out.trim_end().to_owned()
    };
    let mut out = format!(
        "avx-bench, {}\n{}\n{}\nreproduce: {}\n\n",
        report.meta.date,
        report.machine_line(),
        report.run_line(),
        report.meta.command
    );
    out.push_str(&line(&heading));
    out.push('\n');
    let rule: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
    out.push_str(&line(&rule));
    out.push('\n');
    for row in &rows {
        out.push_str(&line(row));
        out.push('\n');
    }
    out.push('\n');
    for legend_line in legend(report) {
        out.push_str(&legend_line);
        out.push('\n');
    }
    let over_floor = over_floor_lines(report);
    if !over_floor.is_empty() {
        out.push('\n');
        out.push_str(OVER_FLOOR_HEADING);
        out.push('\n');
        for (what, ratios) in over_floor {
            out.push_str(&format!("  {what}: {ratios}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::sample_report;

    #[test]
    fn every_row_has_every_column_and_marks_the_worse_ratio() {
        let text = render(&sample_report());
        let header = text.lines().find(|l| l.starts_with("workload")).unwrap();
        for column in [
            "unit",
            "tokio",
            "avx-tokio",
            "avx-native",
            "floor",
            "native/tokio",
            "avx-tokio/tokio",
        ] {
            assert!(header.contains(column), "{column} missing: {header}");
        }
        let fs = text.lines().find(|l| l.starts_with("sync/fs_")).unwrap();
        assert!(fs.ends_with("1.20 !") && fs.contains(" 0.80 "), "{fs}");
        assert!(fs.contains("100 [90.0-110]"), "{fs}");
        let failed = text.lines().find(|l| l.starts_with("sync/failed")).unwrap();
        assert!(failed.contains("n/a"), "{failed}");
        assert!(text.contains(OVER_FLOOR_HEADING), "{text}");
        let over = text.lines().find(|l| l.starts_with("  sync/fs_")).unwrap();
        assert!(
            over.ends_with("ns/op: tokio 2.00, avx-tokio 2.40, avx-native 1.60"),
            "{over}"
        );
    }
}
