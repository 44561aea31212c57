//! The report as Markdown: a title, the machine and the run, the table (worse
//! ratios in bold with the mark), the legend, and the chart beside it.

use super::table::{OVER_FLOOR_HEADING, cells, legend, over_floor_lines};
use super::{Ratio, Report, format_ratio};

/// The file name the chart is written under, beside the Markdown.
pub const CHART_FILE: &str = "ratios.svg";

/// The whole report as Markdown.
pub fn render(report: &Report) -> String {
    let (heading, rows) = cells(report, markdown_ratio);
    let mut out = String::from("# avx-bench report\n\n");
    out.push_str(&format!(
        "- date: {}\n- machine: {}\n- run: {}\n- reproduce: `{}`\n\n",
        escape(&report.meta.date),
        escape(&report.machine_line()),
        escape(&report.run_line()),
        report.meta.command.replace('`', "'"),
    ));
    out.push_str(&table_line(&heading));
    // Text columns align left, numbers right.
    let alignments: Vec<String> = (0..heading.len())
        .map(|i| {
            if i < 2 {
                "---".to_owned()
            } else {
                "---:".to_owned()
            }
        })
        .collect();
    out.push_str(&table_line(&alignments));
    for row in &rows {
        let escaped: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(i, cell)| {
                if i == 0 {
                    // The id as code: readable raw and rendered alike.
                    format!("`{}`", cell.replace('`', "'").replace('|', "\\|"))
                } else {
                    escape_cell(cell)
                }
            })
            .collect();
        out.push_str(&table_line(&escaped));
    }
    out.push('\n');
    for line in legend(report) {
        out.push_str(&escape(&line));
        out.push_str("\n\n");
    }
    let over_floor = over_floor_lines(report);
    if !over_floor.is_empty() {
        out.push_str(&escape(OVER_FLOOR_HEADING));
        out.push_str("\n\n");
        for (what, ratios) in over_floor {
            out.push_str(&format!(
                "- `{}`: {}\n",
                what.replace('`', "'"),
                escape(&ratios)
            ));
        }
        out.push('\n');
    }
    if !report.ratio_contenders().is_empty() {
        out.push_str(&format!("![ratios to raw tokio]({CHART_FILE})\n"));
    }
    out
}

fn table_line(cells: &[String]) -> String {
    format!("| {} |\n", cells.join(" | "))
}

/// Worse ratios in bold, so they stand out in a rendered table.
fn markdown_ratio(ratio: Option<Ratio>) -> String {
    match ratio {
        Some(r) if r.worse => format!("**{}**", format_ratio(Some(r))),
        other => format_ratio(other),
    }
}

/// Text with the Markdown specials that could change its meaning escaped (an
/// underscore inside a word, a lone bracket and a `#` mid-line are plain text).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '`' | '<' | '>' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A table cell: the ratio's bold is ours, everything else is text.
fn escape_cell(cell: &str) -> String {
    match cell.strip_prefix("**").and_then(|c| c.strip_suffix("**")) {
        Some(inner) => format!("**{}**", escape(inner)),
        None => escape(cell),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::sample_report;

    #[test]
    fn the_table_has_a_heading_an_alignment_row_and_a_row_per_result() {
        let report = sample_report();
        let md = render(&report);
        let table: Vec<&str> = md.lines().filter(|l| l.starts_with('|')).collect();
        assert_eq!(table.len(), 2 + report.rows.len(), "{md}");
        let columns = table[0].matches(" | ").count();
        assert!(
            table.iter().all(|l| l.matches(" | ").count() == columns),
            "{md}"
        );
        assert!(table[0].contains("native/tokio") && table[0].contains("avx-tokio/tokio"));
        assert!(table[1].starts_with("| --- | --- | ---: |"));
        assert!(md.contains("**1.20 !**"), "{md}");
        assert!(
            md.contains("| `sync/fs_<read>&\"/current_thread` |"),
            "{md}"
        );
        assert!(md.contains("![ratios to raw tokio](ratios.svg)"));
        assert!(
            md.contains(
                "- `sync/fs_<read>&\"/current_thread ns/op`: tokio 2.00, avx-tokio 2.40, avx-native 1.60\n"
            ),
            "{md}"
        );
    }
}
