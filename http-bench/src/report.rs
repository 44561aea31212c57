//! The report: what was measured and under what conditions, as a Markdown page (also
//! printed) and as JSON.

use crate::args::{Mode, Options, PIPELINE_DEPTH};
use crate::idle_memory::IdleMemory;
use crate::json::Json;
use crate::parse_speed::ParseSpeed;
use crate::plaintext::{Cell, Ratio};
use crate::servers::ServerKind;

/// The conditions of the run.
#[derive(Clone, Debug, PartialEq)]
pub struct Meta {
    /// When it started, UTC, RFC 3339.
    pub started: String,
    /// How long it took, seconds.
    pub seconds: f64,
    /// The command line after the program name.
    pub argv: Vec<String>,
    /// The git commit of the workspace, if known.
    pub commit: Option<String>,
    /// Online CPUs.
    pub cpus: usize,
    /// The 1-minute load average before and after.
    pub load_before: f64,
    /// See `load_before`.
    pub load_after: f64,
    /// `uptime`'s line before the run.
    pub uptime_before: String,
    /// `uptime`'s line after the run.
    pub uptime_after: String,
}

/// Everything the run measured.
#[derive(Debug)]
pub struct Report {
    /// Conditions.
    pub meta: Meta,
    /// The settings.
    pub options: Options,
    /// wrk runs.
    pub cells: Vec<Cell>,
    /// Ratios of the wrk medians.
    pub ratios: Vec<Ratio>,
    /// Parse throughput.
    pub parse: Vec<ParseSpeed>,
    /// Idle connection memory, per server (an error if its measure failed).
    pub idle: Vec<(ServerKind, Result<IdleMemory, String>)>,
}

/// wrk's CPU use from which a row's rate counts as bounded by the client.
const CLIENT_BOUND: f64 = 0.95;

fn rate(x: f64) -> String {
    if x.is_nan() {
        "–".into()
    } else {
        format!("{x:.0}")
    }
}

fn micros(x: f64) -> String {
    if x.is_nan() {
        "–".into()
    } else if x >= 1000.0 {
        format!("{:.2} ms", x / 1000.0)
    } else {
        format!("{x:.0} µs")
    }
}

fn fixed(x: f64, digits: usize) -> String {
    if x.is_nan() {
        "–".into()
    } else {
        format!("{x:.digits$}")
    }
}

fn gib_per_sec(x: f64) -> String {
    if x.is_nan() {
        "–".into()
    } else {
        format!("{:.2} GiB/s", x / (1u64 << 30) as f64)
    }
}

impl Report {
    /// The Markdown page.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let m = &self.meta;
        let o = &self.options;
        out.push_str(&format!("# avx-http bench: {}\n\n", o.label));
        out.push_str(&format!(
            "Started {} ({:.0} s), commit {}, {} CPUs. `avx-http-bench{}{}`\n\n",
            m.started,
            m.seconds,
            m.commit.as_deref().unwrap_or("?"),
            m.cpus,
            if m.argv.is_empty() { "" } else { " " },
            m.argv.join(" ")
        ));
        out.push_str(&format!(
            "Load (shared machine): before `{}`; after `{}`.\n\n",
            m.uptime_before.trim(),
            m.uptime_after.trim()
        ));
        if !self.cells.is_empty() {
            out.push_str(&format!(
                "## Plaintext (wrk, keep-alive, 13-byte body)\n\n{} round(s) of {} s per run, \
                 servers alternated; medians over rounds. `spread` is the lowest and highest \
                 rate of the rounds; `CPU` is cores busy (server / wrk); `µs CPU/req` the \
                 server's CPU time per request (less disturbed by other load than req/s); \
                 `load` the 1-minute load average as the run started.\n\n",
                o.rounds,
                o.duration.as_secs()
            ));
            for mode in [Mode::Unpinned, Mode::Pinned, Mode::Pipelined] {
                let cells: Vec<&Cell> = self.cells.iter().filter(|c| c.mode == mode).collect();
                if cells.is_empty() {
                    continue;
                }
                out.push_str(&match mode {
                    Mode::Unpinned => format!(
                        "### unpinned (server and wrk free; wrk -t{})\n\n",
                        o.wrk_threads
                    ),
                    Mode::Pinned => {
                        "### pinned (server on CPU 0, one thread; wrk -t1 on CPU 1)\n\n".to_owned()
                    }
                    Mode::Pipelined => format!(
                        "### pipelined (as pinned; wrk writes {PIPELINE_DEPTH} requests at a time \
                         on each connection; wrk's latency percentiles are not kept with \
                         pipelining, it prints 0 for the 90th and 99th, so none are shown)\n\n"
                    ),
                });
                out.push_str(
                    "| server | conns | req/s | spread | p50 | p99 | CPU server / wrk | µs CPU/req | errors | load |\n\
                     |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
                );
                // wrk's latency histogram is not filled right under pipelining.
                let latency = |us: f64| {
                    if mode == Mode::Pipelined {
                        "–".to_owned()
                    } else {
                        micros(us)
                    }
                };
                for c in &cells {
                    let (lo, hi) = c.spread();
                    let loads: Vec<f64> = c.samples.iter().map(|s| s.load).collect();
                    out.push_str(&format!(
                        "| {} | {} | {} | {}–{} | {} | {} | {} / {} | {} | {} | {} |\n",
                        c.server.name(),
                        c.connections,
                        rate(c.requests_per_sec()),
                        rate(lo),
                        rate(hi),
                        latency(c.p50_us()),
                        latency(c.p99_us()),
                        fixed(c.server_cpu(), 2),
                        fixed(c.client_cpu(), 2),
                        fixed(c.server_cpu_us_per_request(), 2),
                        c.errors(),
                        fixed(crate::stats::median(&loads), 2),
                    ));
                }
                out.push('\n');
                let client_bound = cells
                    .iter()
                    .filter(|c| c.client_cpu() >= CLIENT_BOUND)
                    .count();
                if client_bound > 0 {
                    out.push_str(&format!(
                        "wrk was at ≥ {CLIENT_BOUND} of a core in {client_bound} of {} rows: \
                         there the rate is bounded by the client as much as by the server, \
                         and `µs CPU/req` tells the servers apart better than req/s.\n\n",
                        cells.len()
                    ));
                }
            }
            let failures: Vec<String> = self
                .cells
                .iter()
                .flat_map(|c| {
                    c.samples.iter().filter_map(move |s| {
                        s.error.as_ref().map(|e| {
                            format!(
                                "- {} {} c={} round {}: {e}\n",
                                c.mode.name(),
                                c.server.name(),
                                c.connections,
                                s.round + 1
                            )
                        })
                    })
                })
                .collect();
            if !failures.is_empty() {
                out.push_str("Failed runs:\n\n");
                out.extend(failures);
                out.push('\n');
            }
        }
        if !self.ratios.is_empty() {
            out.push_str(
                "### Ratios (median of the per-round ratios)\n\n\
                 `req/s` above 1: the first server is faster. `CPU/req` below 1: it spends \
                 less server CPU on a request.\n\n\
                 | mode | conns | servers | req/s | per round | target | CPU/req |\n\
                 |---|---:|---|---:|---|---:|---:|\n",
            );
            for r in &self.ratios {
                let per_round: Vec<String> = r.per_round.iter().map(|x| fixed(*x, 2)).collect();
                let target = match r.target {
                    Some(t) if r.median() >= t => format!("≥ {t:.2} met"),
                    Some(t) => format!("≥ {t:.2} **missed**"),
                    None => String::new(),
                };
                out.push_str(&format!(
                    "| {} | {} | {} / {} | {} | {} | {} | {} |\n",
                    r.mode.name(),
                    r.connections,
                    r.of.name(),
                    r.to.name(),
                    fixed(r.median(), 2),
                    per_round.join(", "),
                    target,
                    fixed(r.cpu_median(), 2)
                ));
            }
            out.push('\n');
        }
        if !self.parse.is_empty() {
            out.push_str(
                "## Parse throughput (request heads; copy into a buffer + parse)\n\n\
                 Like for like, avx-http's `parse_borrowed` and httparse both check the \
                 head and return slices of the buffer (avx-http also judges the framing \
                 fields). avx-http's `parse`, what its server runs, also builds an owned \
                 typed head (method, URI, `HeaderMap`). Target: borrowed ≥ 1.0× httparse.\n\n\
                 | head | bytes | avx borrowed | avx owned | httparse | borrowed / httparse | owned / httparse |\n\
                 |---|---:|---:|---:|---:|---:|---:|\n",
            );
            for p in &self.parse {
                out.push_str(&format!(
                    "| {} | {} | {} | {} | {} | {} | {} |\n",
                    p.head,
                    p.bytes,
                    gib_per_sec(p.avx_borrowed_bytes_per_sec),
                    gib_per_sec(p.avx_owned_bytes_per_sec),
                    gib_per_sec(p.httparse_bytes_per_sec),
                    fixed(p.borrowed_ratio(), 2),
                    fixed(p.owned_ratio(), 2)
                ));
            }
            out.push('\n');
        }
        if !self.idle.is_empty() {
            out.push_str(&format!(
                "## Resident memory per idle keep-alive connection\n\n\
                 {} connections, each served one request, then idle; server `VmRSS` \
                 after one warm-up request, at N/2 and at N. Target for avx: ≤ 4 KiB.\n\n\
                 | server | RSS before | RSS after | (after − before) / N | marginal (2nd half) |\n\
                 |---|---:|---:|---:|---:|\n",
                o.idle_connections
            ));
            for (server, result) in &self.idle {
                match result {
                    Ok(m) => out.push_str(&format!(
                        "| {} | {:.1} MiB | {:.1} MiB | {:.0} B | {:.0} B |\n",
                        server.name(),
                        m.before as f64 / (1 << 20) as f64,
                        m.after as f64 / (1 << 20) as f64,
                        m.per_connection(),
                        m.marginal()
                    )),
                    Err(e) => out.push_str(&format!("| {} | failed: {e} | | | |\n", server.name())),
                }
            }
            out.push('\n');
        }
        out
    }

    /// The JSON document.
    pub fn json(&self) -> Json {
        let m = &self.meta;
        let o = &self.options;
        let cells = self.cells.iter().map(|c| {
            let samples = c.samples.iter().map(|s| {
                Json::object([
                    ("round", Json::from(s.round)),
                    ("requests_per_sec", s.run.map(|r| r.requests_per_sec).into()),
                    ("p50_us", s.run.map(|r| r.p50_us).into()),
                    ("p99_us", s.run.map(|r| r.p99_us).into()),
                    ("requests", s.run.map(|r| r.requests).into()),
                    ("errors", s.run.map(|r| r.errors).into()),
                    ("server_cpu", s.server_cpu.into()),
                    ("server_cpu_secs", s.server_cpu_secs.into()),
                    ("server_cpu_us_per_request", s.cpu_us_per_request().into()),
                    ("client_cpu", s.run.map(|r| r.client_cpu).into()),
                    ("load", s.load.into()),
                    ("error", s.error.clone().into()),
                ])
            });
            Json::object([
                ("mode", Json::from(c.mode.name())),
                ("server", c.server.name().into()),
                ("connections", c.connections.into()),
                ("requests_per_sec", c.requests_per_sec().into()),
                ("p50_us", c.p50_us().into()),
                ("p99_us", c.p99_us().into()),
                ("server_cpu", c.server_cpu().into()),
                ("client_cpu", c.client_cpu().into()),
                (
                    "server_cpu_us_per_request",
                    c.server_cpu_us_per_request().into(),
                ),
                ("errors", c.errors().into()),
                ("samples", Json::Arr(samples.collect())),
            ])
        });
        let ratios = self.ratios.iter().map(|r| {
            Json::object([
                ("mode", Json::from(r.mode.name())),
                ("connections", r.connections.into()),
                ("of", r.of.name().into()),
                ("to", r.to.name().into()),
                ("median", r.median().into()),
                (
                    "per_round",
                    Json::Arr(r.per_round.iter().map(|&x| x.into()).collect()),
                ),
                ("target", r.target.into()),
            ])
        });
        let parse = self.parse.iter().map(|p| {
            Json::object([
                ("head", Json::from(p.head)),
                ("bytes", p.bytes.into()),
                (
                    "avx_borrowed_bytes_per_sec",
                    p.avx_borrowed_bytes_per_sec.into(),
                ),
                ("avx_owned_bytes_per_sec", p.avx_owned_bytes_per_sec.into()),
                ("httparse_bytes_per_sec", p.httparse_bytes_per_sec.into()),
                ("borrowed_ratio", p.borrowed_ratio().into()),
                ("owned_ratio", p.owned_ratio().into()),
            ])
        });
        let idle = self.idle.iter().map(|(server, result)| match result {
            Ok(m) => Json::object([
                ("server", Json::from(server.name())),
                ("connections", m.connections.into()),
                ("rss_before", m.before.into()),
                ("rss_half", m.half.into()),
                ("rss_after", m.after.into()),
                ("bytes_per_connection", m.per_connection().into()),
                ("marginal_bytes_per_connection", m.marginal().into()),
            ]),
            Err(e) => Json::object([
                ("server", Json::from(server.name())),
                ("error", e.as_str().into()),
            ]),
        });
        Json::object([
            (
                "meta",
                Json::object([
                    ("label", Json::from(o.label.as_str())),
                    ("started", m.started.as_str().into()),
                    ("seconds", m.seconds.into()),
                    (
                        "argv",
                        Json::Arr(m.argv.iter().map(|a| a.as_str().into()).collect()),
                    ),
                    ("commit", m.commit.clone().into()),
                    ("cpus", m.cpus.into()),
                    ("load_before", m.load_before.into()),
                    ("load_after", m.load_after.into()),
                    ("uptime_before", m.uptime_before.trim().into()),
                    ("uptime_after", m.uptime_after.trim().into()),
                    ("rounds", o.rounds.into()),
                    ("duration_secs", o.duration.as_secs().into()),
                    ("wrk_threads_unpinned", o.wrk_threads.into()),
                ]),
            ),
            ("plaintext", Json::Arr(cells.collect())),
            ("ratios", Json::Arr(ratios.collect())),
            ("parse", Json::Arr(parse.collect())),
            ("idle_memory", Json::Arr(idle.collect())),
        ])
    }
}

/// `seconds` since the Unix epoch as an RFC 3339 UTC timestamp.
pub fn rfc3339(seconds: u64) -> String {
    let days = (seconds / 86_400) as i64;
    let rem = seconds % 86_400;
    // Days to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::rfc3339;

    #[test]
    fn timestamps() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_767_225_599), "2025-12-31T23:59:59Z");
    }
}
