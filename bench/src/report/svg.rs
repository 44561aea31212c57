//! The report's ratios as an SVG bar chart, written by hand.
//!
//! One band per row, one bar per non-tokio contender, drawn from 1.0 (raw tokio)
//! on a log2 axis, so 0.5 and 2.0 sit equally far from it. Bars that are worse
//! than tokio get a red outline and a red `!` label; a whisker spans the paired
//! per-round ratios' p25-p75. The axis covers 1/2 to 2 at least and 1/8 to 8 at
//! most; a bar beyond it stops at the edge and its label says the true value.

use std::fmt::Write as _;

use avx_benches::Contender;

use super::{Report, Row, format_ratio, ratio_heading};
use crate::suite::Metric;

const WIDTH: f64 = 960.0;
const LABEL_RIGHT: f64 = 356.0;
// Room left of the plot for a value label beside a bar that reaches the edge.
const PLOT_LEFT: f64 = 404.0;
const PLOT_RIGHT: f64 = WIDTH - 72.0;
const TOP: f64 = 112.0;
const BAR: f64 = 10.0;
const BAR_GAP: f64 = 3.0;
const BAND_PAD: f64 = 5.0;
const WORSE: &str = "#c0392b";

fn colour(contender: Contender) -> &'static str {
    match contender {
        Contender::AvxNative => "#2f6db5",
        Contender::AvxTokio => "#e08a2c",
        Contender::Tokio => "#777777",
    }
}

/// The chart of `report`'s ratios.
pub fn render(report: &Report) -> String {
    let contenders = report.ratio_contenders();
    let band = (2.0 * BAND_PAD + contenders.len().max(1) as f64 * (BAR + BAR_GAP)).max(20.0);
    let rows = if contenders.is_empty() {
        0
    } else {
        report.rows.len()
    };
    let height = TOP + rows as f64 * band + 70.0;
    let half_decades = axis_extent(report, &contenders);
    let scale = Scale {
        extent: half_decades,
    };

    let mut svg = String::new();
    writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="Helvetica, Arial, sans-serif" font-size="12">"#
    )
    .unwrap();
    writeln!(
        svg,
        r#"<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="white"/>"#
    )
    .unwrap();
    text(
        &mut svg,
        16.0,
        26.0,
        "start",
        "font-size=\"18\" font-weight=\"bold\"",
        "avx-bench: each contender's median over raw tokio's",
    );
    let machine = format!("{}; {}", report.meta.date, report.machine_line());
    text(&mut svg, 16.0, 46.0, "start", "fill=\"#444\"", &machine);
    text(
        &mut svg,
        16.0,
        62.0,
        "start",
        "fill=\"#444\"",
        &report.run_line(),
    );

    if contenders.is_empty() {
        text(
            &mut svg,
            16.0,
            TOP,
            "start",
            "",
            "No ratios: raw tokio was not among the contenders run.",
        );
        svg.push_str("</svg>\n");
        return svg;
    }

    // Legend.
    let mut x = 16.0;
    for &c in &contenders {
        writeln!(
            svg,
            r#"<rect x="{x}" y="76" width="14" height="{BAR}" fill="{}"/>"#,
            colour(c)
        )
        .unwrap();
        text(&mut svg, x + 20.0, 85.0, "start", "", ratio_heading(c));
        x += 140.0;
    }
    text(
        &mut svg,
        x,
        85.0,
        "start",
        &format!("fill=\"{WORSE}\""),
        "! = worse than tokio (red outline)",
    );

    // Axis grid, with 1.0 (tokio) in black.
    let bottom = TOP + rows as f64 * band;
    for e in -half_decades..=half_decades {
        let r = 2f64.powi(e);
        let gx = scale.x(r);
        let (stroke, width) = if e == 0 { ("#000", 1.5) } else { ("#ccc", 1.0) };
        writeln!(
            svg,
            r#"<line x1="{gx:.1}" y1="{:.1}" x2="{gx:.1}" y2="{bottom:.1}" stroke="{stroke}" stroke-width="{width}"/>"#,
            TOP - 6.0
        )
        .unwrap();
        let label = if r >= 1.0 {
            format!("{r}")
        } else {
            format!("1/{}", 1.0 / r)
        };
        text(&mut svg, gx, TOP - 10.0, "middle", "fill=\"#444\"", &label);
        text(
            &mut svg,
            gx,
            bottom + 16.0,
            "middle",
            "fill=\"#444\"",
            &label,
        );
    }

    for (i, row) in report.rows.iter().enumerate() {
        let y = TOP + i as f64 * band;
        if i % 2 == 0 {
            writeln!(
                svg,
                "<rect x=\"8\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{band:.1}\" fill=\"#f4f4f4\" fill-opacity=\"0.7\"/>",
                WIDTH - 16.0
            )
            .unwrap();
        }
        text(
            &mut svg,
            LABEL_RIGHT,
            y + band / 2.0 + 4.0,
            "end",
            "font-family=\"Menlo, Consolas, monospace\" font-size=\"11\"",
            &row_label(row),
        );
        for (j, &c) in contenders.iter().enumerate() {
            let bar_y = y + BAND_PAD + j as f64 * (BAR + BAR_GAP);
            bar(&mut svg, &scale, row, c, bar_y);
        }
    }
    text(
        &mut svg,
        16.0,
        bottom + 38.0,
        "start",
        "fill=\"#444\"",
        "Log scale. Times and bytes: left of 1 is better than tokio. Rates (op/s): right of 1 is better.",
    );
    text(
        &mut svg,
        16.0,
        bottom + 54.0,
        "start",
        "fill=\"#444\"",
        "Whiskers: p25-p75 of the per-round ratios (each round runs every contender once, alternating).",
    );
    svg.push_str("</svg>\n");
    svg
}

/// The row's label: its id, and its unit when it is not time per operation.
fn row_label(row: &Row) -> String {
    if row.metric == Metric::TimePerOp {
        row.id()
    } else {
        format!("{} ({})", row.id(), row.metric.unit())
    }
}

fn bar(svg: &mut String, scale: &Scale, row: &Row, contender: Contender, y: f64) {
    let Some(ratio) = row.ratio(contender) else {
        text(
            svg,
            scale.x(1.0) + 4.0,
            y + BAR - 1.0,
            "start",
            "fill=\"#888\"",
            "n/a",
        );
        return;
    };
    let origin = scale.x(1.0);
    let end = scale.x(ratio.value);
    let (left, width) = if end < origin {
        (end, origin - end)
    } else {
        (origin, end - origin)
    };
    let outline = if ratio.worse {
        format!(" stroke=\"{WORSE}\" stroke-width=\"1.5\"")
    } else {
        String::new()
    };
    writeln!(
        svg,
        r#"<rect x="{left:.1}" y="{y:.1}" width="{:.1}" height="{BAR}" fill="{}"{outline}/>"#,
        width.max(0.5),
        colour(contender)
    )
    .unwrap();
    if let Some(paired) = ratio.paired {
        let (x1, x2, cy) = (scale.x(paired.p25), scale.x(paired.p75), y + BAR / 2.0);
        writeln!(
            svg,
            "<path d=\"M{x1:.1} {:.1}V{:.1}M{x1:.1} {cy:.1}H{x2:.1}M{x2:.1} {:.1}V{:.1}\" stroke=\"#222\" fill=\"none\"/>",
            cy - 3.0,
            cy + 3.0,
            cy - 3.0,
            cy + 3.0
        )
        .unwrap();
    }
    // The label goes past the bar's far end, and past the whisker.
    let reach = ratio.paired.map_or(end, |p| {
        if end < origin {
            scale.x(p.p25).min(end)
        } else {
            scale.x(p.p75).max(end)
        }
    });
    let style = if ratio.worse {
        format!("fill=\"{WORSE}\" font-weight=\"bold\"")
    } else {
        "fill=\"#222\"".to_owned()
    };
    let label = format_ratio(Some(ratio));
    if end < origin {
        text(svg, reach - 4.0, y + BAR - 1.0, "end", &style, &label);
    } else {
        text(svg, reach + 4.0, y + BAR - 1.0, "start", &style, &label);
    }
}

/// The log2 axis: ratio `2^-extent` at the plot's left edge, `2^extent` at its
/// right, 1.0 in the middle; ratios beyond are drawn at the edge.
struct Scale {
    extent: i32,
}

impl Scale {
    fn x(&self, ratio: f64) -> f64 {
        let extent = f64::from(self.extent);
        let t = if ratio > 0.0 {
            ratio.log2().clamp(-extent, extent)
        } else {
            -extent
        };
        let middle = (PLOT_LEFT + PLOT_RIGHT) / 2.0;
        middle + t / extent * (PLOT_RIGHT - PLOT_LEFT) / 2.0
    }
}

/// Powers of two the axis spans each side of 1.0: enough for every ratio and
/// whisker, between 1 and 3.
fn axis_extent(report: &Report, contenders: &[Contender]) -> i32 {
    let mut largest: f64 = 0.0;
    for row in &report.rows {
        for &c in contenders {
            if let Some(r) = row.ratio(c) {
                largest = largest.max(r.value.log2().abs());
                if let Some(p) = r.paired {
                    largest = largest.max(p.p25.log2().abs()).max(p.p75.log2().abs());
                }
            }
        }
    }
    if largest.is_finite() {
        (largest.ceil() as i32).clamp(1, 3)
    } else {
        3
    }
}

/// A `<text>` element with `content` escaped.
fn text(svg: &mut String, x: f64, y: f64, anchor: &str, attributes: &str, content: &str) {
    writeln!(
        svg,
        r#"<text x="{x:.1}" y="{y:.1}" text-anchor="{anchor}" {attributes}>{}</text>"#,
        escape(content)
    )
    .unwrap();
}

/// Text escaped for XML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters other than tab and newline are not XML 1.0.
            c if c < ' ' && c != '\t' && c != '\n' => out.push('?'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::sample_report;

    #[test]
    fn bars_per_row_and_contender_and_escaped_labels() {
        let report = sample_report();
        let svg = render(&report);
        assert!(svg.starts_with("<svg ") && svg.trim_end().ends_with("</svg>"));
        // Worse ratios: avx-tokio on the time row and on the rate row.
        assert_eq!(svg.matches(&format!("stroke=\"{WORSE}\"")).count(), 2);
        assert!(svg.contains("fs_&lt;read&gt;&amp;&quot;"));
        assert!(!svg.contains("fs_<read>"));
        assert!(svg.contains("(op/s)"));
    }

    #[test]
    fn the_axis_grows_with_the_ratios_within_bounds() {
        let mut report = sample_report();
        let contenders = report.ratio_contenders();
        assert_eq!(axis_extent(&report, &contenders), 1);
        report.rows[0].results[2].1.as_mut().unwrap().median = 1000.0;
        assert_eq!(axis_extent(&report, &contenders), 3);
        let scale = Scale { extent: 2 };
        assert_eq!(scale.x(1.0), (PLOT_LEFT + PLOT_RIGHT) / 2.0);
        assert_eq!(scale.x(4.0), PLOT_RIGHT);
        assert_eq!(scale.x(100.0), PLOT_RIGHT);
        assert_eq!(scale.x(0.0), PLOT_LEFT);
    }

    #[test]
    fn without_tokio_the_chart_says_so() {
        let mut report = sample_report();
        report.meta.contenders = vec![Contender::AvxNative];
        assert!(render(&report).contains("No ratios"));
    }
}
