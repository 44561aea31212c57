//! `cargo run --release -p avx-bench -- [--quick] [--filter TEXT] [--backend LIST]
//! [--out DIR] [--json]`: the A/B report. See `--help`.

use std::path::Path;
use std::process::{Child, ExitCode, Stdio};
use std::time::Instant;

use avx_bench::args::{self, Command, IDLE_CLIENTS_FLAG, Options};
use avx_bench::measure::{Plan, run_case};
use avx_bench::progress::Progress;
use avx_bench::report::{Meta, Report, json, markdown, svg, table, utc_now};
use avx_bench::suite::suite;
use avx_benches::{SmallFiles, hold_idle_clients, idle_connection_bytes, parked_task_bytes};

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    match args::parse(&argv) {
        Err(error) => {
            eprintln!("avx-bench: {error}");
            ExitCode::from(2)
        }
        Ok(Command::Help) => {
            println!("{}", args::USAGE);
            ExitCode::SUCCESS
        }
        Ok(Command::List) => {
            for case in suite() {
                println!("{}", case.id());
            }
            ExitCode::SUCCESS
        }
        Ok(Command::ParkedTaskBytes { contender, tasks }) => {
            match parked_task_bytes(contender, tasks) {
                Some(bytes) => {
                    println!("{bytes}");
                    ExitCode::SUCCESS
                }
                None => {
                    eprintln!("avx-bench: this OS does not report resident memory");
                    ExitCode::FAILURE
                }
            }
        }
        Ok(Command::IdleConnBytes {
            contender,
            connections,
        }) => match idle_connection_bytes(contender, connections, start_idle_clients) {
            Ok(measured) => {
                println!("{} {}", measured.bytes_per_connection, measured.connections);
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("avx-bench: idle connections on {contender}: {e}");
                ExitCode::FAILURE
            }
        },
        Ok(Command::IdleConnClients { addr, connections }) => {
            match hold_idle_clients(addr, connections) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("avx-bench: idle clients: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Ok(Command::Run(options)) => run(&options, &argv),
    }
}

/// Starts this binary as the idle server's client process, which holds its
/// connections until its stdin (piped here) closes.
fn start_idle_clients(addr: std::net::SocketAddr, connections: usize) -> std::io::Result<Child> {
    std::process::Command::new(std::env::current_exe()?)
        .args([
            IDLE_CLIENTS_FLAG,
            &addr.to_string(),
            &connections.to_string(),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
}

fn run(options: &Options, argv: &[String]) -> ExitCode {
    let cases: Vec<_> = suite()
        .into_iter()
        .filter(|case| options.selects(&case.id()))
        .collect();
    if cases.is_empty() {
        eprintln!(
            "avx-bench: no workload matches {:?}; `--list` shows the ids",
            options.filters
        );
        return ExitCode::from(2);
    }
    if let Err(e) = std::fs::create_dir_all(&options.out) {
        eprintln!("avx-bench: cannot create {}: {e}", options.out.display());
        return ExitCode::FAILURE;
    }

    let plan = Plan::new(options.quick, options.contenders.clone());
    let date = utc_now();
    let load_before = load_average();
    let started = Instant::now();
    let mut progress = Progress::new(cases.len(), cases.iter().map(|c| plan.units(c)).sum());
    let rows = cases
        .iter()
        .flat_map(|case| run_case(case, &plan, &mut progress))
        .collect();
    progress.finish();
    SmallFiles::remove();

    let report = Report {
        meta: Meta {
            date,
            command: reproduce(argv),
            quick: options.quick,
            rounds: plan.rounds,
            contenders: plan.contenders.clone(),
            cpus: avx_benches::workers(),
            cpu_model: cpu_model(),
            os: std::env::consts::OS,
            arch: std::env::consts::ARCH,
            load_before,
            load_after: load_average(),
            seconds: started.elapsed().as_secs_f64(),
        },
        rows,
    };
    let json_text = json::to_json(&report).to_pretty_string();
    let files = [
        ("report.json", json_text.clone()),
        ("report.md", markdown::render(&report)),
        (markdown::CHART_FILE, svg::render(&report)),
    ];
    for (name, contents) in &files {
        if let Err(e) = write(&options.out.join(name), contents) {
            eprintln!("avx-bench: {e}");
            return ExitCode::FAILURE;
        }
    }
    if options.json {
        print!("{json_text}");
    } else {
        print!("{}", table::render(&report));
    }
    eprintln!(
        "avx-bench: wrote {} (report.json, report.md, {})",
        options.out.display(),
        markdown::CHART_FILE
    );
    ExitCode::SUCCESS
}

/// The command that reproduces this run from a clone of the repository.
fn reproduce(argv: &[String]) -> String {
    let mut command = "cargo run --release -p avx-bench".to_owned();
    if !argv.is_empty() {
        command.push_str(" --");
        for arg in argv {
            command.push(' ');
            command.push_str(arg);
        }
    }
    command
}

fn write(path: &Path, contents: &str) -> Result<(), String> {
    std::fs::write(path, contents).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The one-minute load average (Linux: `/proc/loadavg`).
fn load_average() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// The CPU's model name (Linux: `/proc/cpuinfo`).
fn cpu_model() -> Option<String> {
    let text = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("model name"))?;
    Some(line.split_once(':')?.1.trim().to_owned())
}
