//! `cargo run --release -p avx-http-bench -- [--quick] [OPTIONS]`: avx-http on both avx
//! backends beside hyper 1.x and a minimal C epoll server. Three measures and one
//! report:
//!
//! 1. **plaintext**: `wrk --latency` at 1, 64 and 256 keep-alive connections against
//!    each server (its own process), unpinned, pinned (server on CPU 0, wrk on
//!    CPU 1) and pipelined (pinned, 16 requests written at a time, so the server's
//!    own cost sets the rate), servers alternated round by round; req/s, p50, p99,
//!    CPU, and ratios;
//! 2. **parse**: avx-http's `RequestParser` against httparse on realistic heads;
//! 3. **idle memory**: server RSS per idle keep-alive connection at 10,000 of them.
//!
//! The report is printed as Markdown and written to `target/http-bench/LABEL.{md,json}`.
//! See `--help` for the options.

use std::process::ExitCode;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use avx_http_bench::args::{self, Command, Options};
use avx_http_bench::process::ServerProcess;
use avx_http_bench::report::{self, Meta, Report};
use avx_http_bench::{idle_memory, parse_speed, plaintext, servers, sys};

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    match args::parse(&argv) {
        Err(error) => {
            eprintln!("avx-http-bench: {error}");
            ExitCode::from(2)
        }
        Ok(Command::Help) => {
            print!("{}", args::USAGE);
            ExitCode::SUCCESS
        }
        Ok(Command::Serve { kind, port }) => {
            let _ = sys::raise_nofile_limit();
            match servers::serve(kind, port) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("avx-http-bench serve {}: {error}", kind.name());
                    ExitCode::FAILURE
                }
            }
        }
        Ok(Command::Run(options)) => run(options, argv),
    }
}

fn run(options: Options, argv: Vec<String>) -> ExitCode {
    if let Err(error) = sys::raise_nofile_limit() {
        eprintln!("avx-http-bench: cannot raise the descriptor limit: {error}");
    }
    if options.wrk && !has_program("wrk") {
        eprintln!("avx-http-bench: wrk is not installed (`apt-get install -y wrk`)");
        return ExitCode::FAILURE;
    }
    let started_at = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let started = Instant::now();
    let load_before = sys::load_average();
    let uptime_before = uptime();
    eprintln!("avx-http-bench {}: {}", options.label, uptime_before.trim());

    let parse = if options.parse {
        eprintln!("parse: avx-http vs httparse");
        parse_speed::measure(options.parse_samples, options.parse_slice)
    } else {
        Vec::new()
    };
    let cells = if options.wrk {
        plaintext::run(&options)
    } else {
        Vec::new()
    };
    let ratios = plaintext::ratios(&cells, options.rounds);
    let idle = if options.idle {
        options
            .servers
            .iter()
            .map(|&server| {
                let measured = ServerProcess::start(server, None)
                    .and_then(|process| idle_memory::measure(&process, options.idle_connections))
                    .map_err(|e| e.to_string());
                match &measured {
                    Ok(m) => eprintln!(
                        "idle: {:<13} {:.0} B/connection ({:.0} marginal)",
                        server.name(),
                        m.per_connection(),
                        m.marginal()
                    ),
                    Err(e) => eprintln!("idle: {:<13} FAILED: {e}", server.name()),
                }
                (server, measured)
            })
            .collect()
    } else {
        Vec::new()
    };

    let report = Report {
        meta: Meta {
            started: report::rfc3339(started_at),
            seconds: started.elapsed().as_secs_f64(),
            argv,
            commit: git_commit(),
            cpus: sys::cpus(),
            load_before,
            load_after: sys::load_average(),
            uptime_before,
            uptime_after: uptime(),
        },
        options,
        cells,
        ratios,
        parse,
        idle,
    };
    let markdown = report.markdown();
    print!("{markdown}");
    let out = &report.options.out;
    let label = &report.options.label;
    let written = std::fs::create_dir_all(out)
        .and_then(|()| std::fs::write(out.join(format!("{label}.md")), &markdown))
        .and_then(|()| {
            std::fs::write(
                out.join(format!("{label}.json")),
                report.json().to_pretty_string(),
            )
        });
    match written {
        Ok(()) => {
            eprintln!("wrote {}/{label}.md and .json", out.display());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!(
                "avx-http-bench: writing the report to {}: {error}",
                out.display()
            );
            ExitCode::FAILURE
        }
    }
}

fn has_program(name: &str) -> bool {
    std::process::Command::new(name)
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok()
}

fn uptime() -> String {
    std::process::Command::new("uptime")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_else(|| format!("load average: {:.2}", sys::load_average()))
}

fn git_commit() -> Option<String> {
    let output = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}
