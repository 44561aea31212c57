//! The report's shape, never its numbers: the tool runs one cheap workload in
//! `--quick` mode, and the JSON must parse and hold every contender's median and
//! spread and both ratios, the Markdown must hold the table, and the SVG must be
//! well-formed XML. Also: bad arguments are refused with exit status 2.

use std::path::PathBuf;
use std::process::{Command, Output};

use avx_bench::json::{Json, parse};

const TOOL: &str = env!("CARGO_BIN_EXE_avx-bench");
const CHEAP: &str = "runtime/yield_many/current_thread";

fn out_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn tool(args: &[&str]) -> Output {
    Command::new(TOOL)
        .args(args)
        .output()
        .expect("the tool runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

#[test]
fn quick_filtered_run_writes_json_markdown_and_svg_of_the_right_shape() {
    let dir = out_dir("shape");
    let out = tool(&[
        "--quick",
        "--filter",
        CHEAP,
        "--json",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    // stdout is the JSON, the same as the file.
    let stdout = text(&out.stdout);
    let file = std::fs::read_to_string(dir.join("report.json")).unwrap();
    assert_eq!(stdout, file);
    let json = parse(&stdout).unwrap_or_else(|e| panic!("{e}:\n{stdout}"));
    assert_eq!(json.get("tool").and_then(Json::as_str), Some("avx-bench"));
    assert_eq!(json.get("mode").and_then(Json::as_str), Some("quick"));
    assert_eq!(json.get("spread").and_then(Json::as_str), Some("p25-p75"));
    assert!(
        json.get("date")
            .and_then(Json::as_str)
            .is_some_and(|d| d.ends_with('Z'))
    );
    let cpus = json
        .get("machine")
        .and_then(|m| m.get("cpus"))
        .and_then(Json::as_f64);
    assert!(cpus.is_some_and(|n| n >= 1.0));
    let contenders: Vec<&str> = json
        .get("contenders")
        .and_then(Json::as_array)
        .unwrap()
        .iter()
        .filter_map(Json::as_str)
        .collect();
    assert_eq!(contenders, ["tokio", "avx-tokio", "avx-native"]);

    let rows = json.get("rows").and_then(Json::as_array).unwrap();
    assert_eq!(rows.len(), 1, "the filter selects one case with one metric");
    let row = &rows[0];
    assert_eq!(row.get("id").and_then(Json::as_str), Some(CHEAP));
    assert_eq!(row.get("unit").and_then(Json::as_str), Some("ns/op"));
    assert_eq!(row.get("better").and_then(Json::as_str), Some("lower"));
    for contender in contenders {
        let result = row.get("results").and_then(|r| r.get(contender)).unwrap();
        for key in ["median", "p25", "p75", "min", "max", "samples"] {
            let value = result.get(key).and_then(Json::as_f64);
            assert!(
                value.is_some_and(|x| x > 0.0),
                "{contender}.{key}: {value:?}"
            );
        }
    }
    for key in ["avx-native/tokio", "avx-tokio/tokio"] {
        let ratio = row.get("ratios").and_then(|r| r.get(key)).unwrap();
        assert!(
            ratio
                .get("value")
                .and_then(Json::as_f64)
                .is_some_and(|r| r > 0.0)
        );
        assert!(matches!(ratio.get("worse"), Some(Json::Bool(_))), "{key}");
        assert!(ratio.get("paired_p25").and_then(Json::as_f64).is_some());
        assert!(ratio.get("paired_p75").and_then(Json::as_f64).is_some());
    }
    assert_eq!(row.get("floor"), Some(&Json::Null));

    // The Markdown holds the table: heading, alignment row, one row.
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    let table: Vec<&str> = md.lines().filter(|l| l.starts_with('|')).collect();
    assert_eq!(table.len(), 3, "{md}");
    for column in [
        "workload",
        "tokio",
        "avx-tokio",
        "avx-native",
        "native/tokio",
        "avx-tokio/tokio",
    ] {
        assert!(table[0].contains(column), "{column}: {}", table[0]);
    }
    assert!(table[1].contains("---:"));
    assert!(
        table[2].starts_with(&format!("| `{CHEAP}` |")),
        "{}",
        table[2]
    );
    assert!(md.contains("](ratios.svg)"));

    // The SVG is well-formed and draws a bar per ratio.
    let svg = std::fs::read_to_string(dir.join("ratios.svg")).unwrap();
    let root = check_well_formed(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
    assert_eq!(root, "svg");
    assert!(svg.contains("xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(
        svg.matches("<rect ").count() >= 2 + 2,
        "background, legend, bars"
    );
}

#[test]
fn the_table_shows_only_the_chosen_contenders() {
    let dir = out_dir("table");
    let out = tool(&[
        "--quick",
        "--filter",
        CHEAP,
        "--backend",
        "avx-native,tokio",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let header = stdout.lines().find(|l| l.starts_with("workload")).unwrap();
    assert!(
        header.contains("native/tokio") && !header.contains("avx-tokio"),
        "{header}"
    );
    assert!(stdout.lines().any(|l| l.starts_with(CHEAP)), "{stdout}");
    // Progress went to stderr.
    assert!(text(&out.stderr).contains("[1/1]"));
}

#[test]
fn bad_arguments_exit_2_with_a_message() {
    for (args, says) in [
        (&["--backend", "nope"][..], "unknown contender"),
        (&["--filter", "no-such-workload"][..], "no workload matches"),
        (&["--frobnicate"][..], "unknown option"),
    ] {
        let out = tool(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            text(&out.stderr).contains(says),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    let help = tool(&["--help"]);
    assert!(help.status.success() && text(&help.stdout).contains("--backend"));
    let list = tool(&["--list"]);
    assert!(text(&list.stdout).lines().any(|l| l == CHEAP));
}

#[test]
fn the_memory_child_prints_a_number() {
    let out = tool(&["--parked-task-bytes", "avx-native", "1000"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let bytes: f64 = text(&out.stdout).trim().parse().unwrap();
    assert!(bytes >= 0.0);
}

#[test]
fn the_idle_connection_child_prints_bytes_per_connection_and_the_count() {
    let out = tool(&["--idle-conn-bytes", "avx-native", "100"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let words: Vec<&str> = stdout.split_whitespace().collect();
    let [bytes, connections] = words[..] else {
        panic!("two numbers expected: {stdout:?}");
    };
    assert!(bytes.parse::<f64>().is_ok_and(|b| b >= 0.0), "{stdout:?}");
    assert_eq!(connections, "100");
}

/// Checks that `xml` is one well-formed element (tags nest and match, attributes
/// are quoted, `&` starts a known entity, `<` appears only in markup); returns
/// the root element's name.
fn check_well_formed(xml: &str) -> Result<String, String> {
    let mut stack: Vec<&str> = Vec::new();
    let mut root = None;
    let mut rest = xml;
    loop {
        let Some(lt) = rest.find('<') else {
            check_text(rest)?;
            if !rest.trim().is_empty() && stack.is_empty() {
                return Err("text after the root element".into());
            }
            break;
        };
        check_text(&rest[..lt])?;
        if stack.is_empty() && root.is_some() && !rest[..lt].trim().is_empty() {
            return Err("text after the root element".into());
        }
        rest = &rest[lt + 1..];
        let gt = rest.find('>').ok_or("a tag without '>'")?;
        let tag = &rest[..gt];
        rest = &rest[gt + 1..];
        if tag.starts_with('?') || tag.starts_with("!--") {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack.pop().ok_or(format!("</{name}> closes nothing"))?;
            if open != name.trim() {
                return Err(format!("<{open}> closed by </{name}>"));
            }
            continue;
        }
        let (body, self_closing) = match tag.strip_suffix('/') {
            Some(body) => (body, true),
            None => (tag, false),
        };
        let name_end = body.find(char::is_whitespace).unwrap_or(body.len());
        let name = &body[..name_end];
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_:".contains(c))
        {
            return Err(format!("a bad element name in <{tag}>"));
        }
        check_attributes(&body[name_end..]).map_err(|e| format!("<{name}>: {e}"))?;
        if stack.is_empty() {
            if root.is_some() {
                return Err(format!("a second root element <{name}>"));
            }
            root = Some(name.to_owned());
        }
        if !self_closing {
            stack.push(name);
        }
    }
    if let Some(open) = stack.pop() {
        return Err(format!("<{open}> is never closed"));
    }
    root.ok_or_else(|| "no element".into())
}

fn check_attributes(mut rest: &str) -> Result<(), String> {
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return Ok(());
        }
        let eq = rest.find('=').ok_or("an attribute without '='")?;
        let name = &rest[..eq];
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_:".contains(c))
        {
            return Err(format!("a bad attribute name {name:?}"));
        }
        rest = &rest[eq + 1..];
        let quote = rest
            .chars()
            .next()
            .filter(|&q| q == '"' || q == '\'')
            .ok_or("an unquoted value")?;
        let end = rest[1..].find(quote).ok_or("an unterminated value")? + 1;
        let value = &rest[1..end];
        if value.contains('<') {
            return Err("'<' in an attribute value".into());
        }
        check_text(value)?;
        rest = &rest[end + 1..];
        if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
            return Err("attributes not separated by space".into());
        }
    }
}

/// Every `&` starts a known entity or a character reference.
fn check_text(text: &str) -> Result<(), String> {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        rest = &rest[amp + 1..];
        let semi = rest.find(';').ok_or("a '&' without ';'")?;
        let entity = &rest[..semi];
        let known = matches!(entity, "amp" | "lt" | "gt" | "quot" | "apos")
            || entity.strip_prefix('#').is_some_and(|n| {
                n.strip_prefix('x').map_or_else(
                    || n.parse::<u32>().is_ok(),
                    |hex| u32::from_str_radix(hex, 16).is_ok(),
                )
            });
        if !known {
            return Err(format!("an unknown entity &{entity};"));
        }
        rest = &rest[semi + 1..];
    }
    Ok(())
}

#[test]
fn the_checker_refuses_malformed_xml() {
    assert_eq!(
        check_well_formed("<svg a=\"1\"><g/><text>x &amp; y</text></svg>").unwrap(),
        "svg"
    );
    for bad in [
        "<svg><g></svg>",
        "<svg></g>",
        "<svg a=1></svg>",
        "<svg>a & b</svg>",
        "<svg></svg><svg></svg>",
        "<svg><text a=\"x<y\"></text></svg>",
        "<svg>",
        "text",
    ] {
        assert!(check_well_formed(bad).is_err(), "accepted {bad}");
    }
}
