//! One `wrk --latency` run and what its report says: requests per second, the 50th
//! and 99th percentile latencies, and the errors it counted.

use std::io;
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::sys;

/// What one run measured.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WrkRun {
    /// Requests answered per second.
    pub requests_per_sec: f64,
    /// Median latency, in microseconds.
    pub p50_us: f64,
    /// 99th percentile latency, in microseconds.
    pub p99_us: f64,
    /// Requests answered.
    pub requests: u64,
    /// Socket errors (connect, read, write, timeout) and non-2xx/3xx answers.
    pub errors: u64,
    /// wrk's own CPU time over the run's wall time (1.0 = one core busy).
    pub client_cpu: f64,
}

/// How to load the server.
#[derive(Clone, Copy, Debug)]
pub struct Load {
    /// Open connections, each keep-alive.
    pub connections: usize,
    /// wrk threads (at most `connections`).
    pub threads: usize,
    /// How long to run.
    pub duration: Duration,
    /// The CPU to pin wrk to, if any.
    pub cpu: Option<usize>,
    /// Requests written at once on a connection (1: one at a time, as wrk does
    /// without a script).
    pub pipeline: usize,
}

/// A wrk script that writes `depth` copies of the plain request at once; wrk counts
/// each response as a request.
fn pipeline_script(depth: usize) -> String {
    format!(
        "init = function(args)\n  local r = {{}}\n  for i = 1, {depth} do r[i] = wrk.format(nil) end\n  req = table.concat(r)\nend\nrequest = function() return req end\n"
    )
}

/// Runs wrk against `addr` and parses its report.
pub fn run(addr: SocketAddr, load: Load) -> io::Result<WrkRun> {
    let mut command = match load.cpu {
        Some(cpu) => {
            let mut command = Command::new("taskset");
            command.arg("-c").arg(cpu.to_string()).arg("wrk");
            command
        }
        None => Command::new("wrk"),
    };
    let threads = load.threads.clamp(1, load.connections.max(1));
    let script = if load.pipeline > 1 {
        let path = std::env::temp_dir().join(format!(
            "avx-http-bench-pipeline-{}-{}.lua",
            std::process::id(),
            load.pipeline
        ));
        std::fs::write(&path, pipeline_script(load.pipeline))?;
        command.arg("-s").arg(&path);
        Some(path)
    } else {
        None
    };
    command
        .arg(format!("-t{threads}"))
        .arg(format!("-c{}", load.connections))
        .arg(format!("-d{}s", load.duration.as_secs().max(1)))
        .arg("--latency")
        .arg(format!("http://{addr}/"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let cpu_before = sys::reaped_children_cpu_secs();
    let started = Instant::now();
    let output = command
        .output()
        .map_err(|e| io::Error::new(e.kind(), format!("running wrk: {e}")))?;
    let wall = started.elapsed().as_secs_f64();
    if let Some(path) = script {
        let _ = std::fs::remove_file(path);
    }
    let client_cpu = (sys::reaped_children_cpu_secs() - cpu_before) / wall;
    let report = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(io::Error::other(format!(
            "wrk failed ({}): {}{}",
            output.status,
            report,
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    let mut run = parse_report(&report)?;
    run.client_cpu = client_cpu;
    Ok(run)
}

/// Reads wrk's text report.
pub fn parse_report(report: &str) -> io::Result<WrkRun> {
    let bad = |what: &str| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("no {what} in wrk's report:\n{report}"),
        )
    };
    let mut run = WrkRun {
        requests_per_sec: f64::NAN,
        p50_us: f64::NAN,
        p99_us: f64::NAN,
        requests: 0,
        errors: 0,
        client_cpu: f64::NAN,
    };
    for line in report.lines().map(str::trim) {
        if let Some(rate) = line.strip_prefix("Requests/sec:") {
            run.requests_per_sec = rate.trim().parse().map_err(|_| bad("Requests/sec"))?;
        } else if let Some(latency) = line.strip_prefix("50%") {
            run.p50_us = parse_duration_us(latency.trim()).ok_or_else(|| bad("50% latency"))?;
        } else if let Some(latency) = line.strip_prefix("99%") {
            run.p99_us = parse_duration_us(latency.trim()).ok_or_else(|| bad("99% latency"))?;
        } else if let Some((count, _)) = line.split_once(" requests in ") {
            run.requests = count.trim().parse().map_err(|_| bad("request count"))?;
        } else if let Some(counts) = line.strip_prefix("Socket errors:") {
            // "connect 0, read 0, write 0, timeout 0"
            run.errors += counts
                .split(',')
                .filter_map(|part| part.split_whitespace().nth(1)?.parse::<u64>().ok())
                .sum::<u64>();
        } else if let Some(count) = line.strip_prefix("Non-2xx or 3xx responses:") {
            run.errors += count
                .trim()
                .parse::<u64>()
                .map_err(|_| bad("non-2xx count"))?;
        }
    }
    if run.requests_per_sec.is_nan() {
        return Err(bad("Requests/sec"));
    }
    if run.p50_us.is_nan() || run.p99_us.is_nan() {
        return Err(bad("latency distribution (was --latency passed?)"));
    }
    Ok(run)
}

/// `504.00us`, `1.55ms`, `2.01s`, `1.00m` as microseconds.
fn parse_duration_us(text: &str) -> Option<f64> {
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(split);
    let scale = match unit {
        "us" => 1.0,
        "ms" => 1e3,
        "s" => 1e6,
        "m" => 60e6,
        "h" => 3600e6,
        _ => return None,
    };
    Some(number.parse::<f64>().ok()? * scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "Running 2s test @ http://127.0.0.1:18080/
  1 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   516.26us  260.28us   5.95ms   97.41%
    Req/Sec    87.08k     1.99k   89.45k    80.00%
  Latency Distribution
     50%  504.00us
     75%  568.00us
     90%  607.00us
     99%    1.55ms
  173213 requests in 2.00s, 14.70MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:  86561.27
Transfer/sec:      7.35MB
";

    #[test]
    fn reads_rate_percentiles_and_errors() {
        let run = parse_report(REPORT).unwrap();
        assert_eq!(run.requests_per_sec, 86561.27);
        assert_eq!(run.p50_us, 504.0);
        assert_eq!(run.p99_us, 1550.0);
        assert_eq!(run.requests, 173213);
        assert_eq!(run.errors, 7);
    }

    #[test]
    fn a_report_without_latencies_is_an_error() {
        let without = REPORT.replace("     50%  504.00us\n", "");
        assert!(parse_report(&without).is_err());
        assert!(parse_report("garbage").is_err());
    }

    #[test]
    fn durations_in_every_unit() {
        assert_eq!(parse_duration_us("12.50us"), Some(12.5));
        assert_eq!(parse_duration_us("2.00s"), Some(2e6));
        assert_eq!(parse_duration_us("1.00m"), Some(60e6));
        assert_eq!(parse_duration_us("3.0parsecs"), None);
    }
}
