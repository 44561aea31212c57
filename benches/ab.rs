//! A quick A/B report: each runtime workload on raw tokio, avx-over-tokio and
//! avx-native, alternating the contenders round by round so that a drifting
//! machine affects all alike. Prints the median time per operation and the
//! ratios to raw tokio, then the memory of a parked task, measured in a fresh
//! process per contender.
//!
//! `cargo run --release -p avx-benches --bin ab [-- --quick]`

use std::time::Duration;

use avx_benches::{Contender, Flavor, Rt, Workload, parked_task_bytes};

struct Case {
    workload: Workload,
    flavor: Flavor,
    /// Operations per run: enough that the one or two cross-CPU wake-ups a run
    /// includes (60-140 us each on small VMs) do not dominate the time per op.
    n: usize,
}

/// Tasks spawned to measure the memory of a parked task.
const PARKED_TASKS: usize = 200_000;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--parked-task-bytes") {
        // Child mode: one contender, one number.
        let contender = match args.get(i + 1).map(String::as_str) {
            Some("tokio") => Contender::Tokio,
            Some("avx-tokio") => Contender::AvxTokio,
            _ => Contender::AvxNative,
        };
        println!(
            "{}",
            parked_task_bytes(contender, PARKED_TASKS).unwrap_or(f64::NAN)
        );
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
    let rounds = if quick { 5 } else { 21 };
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let multi = Flavor::MultiThread(workers);
    let cases = [
        case(Workload::SpawnMany, Flavor::CurrentThread, 10_000),
        case(Workload::SpawnMany, multi, 50_000),
        case(Workload::YieldMany, Flavor::CurrentThread, 100_000),
        case(Workload::PingPong, Flavor::CurrentThread, 10_000),
        case(Workload::PingPong, multi, 10_000),
        case(Workload::ChainedSpawn, Flavor::CurrentThread, 50_000),
        case(Workload::ChainedSpawn, multi, 50_000),
        case(Workload::TimerInsertCancel, Flavor::CurrentThread, 100_000),
        case(Workload::TimerInsertCancel, multi, 100_000),
        case(Workload::SleepsFiring, Flavor::CurrentThread, 10_000),
    ];

    println!(
        "{:<20} {:<15} {:>12} {:>12} {:>12} {:>8} {:>8}",
        "workload", "flavor", "tokio ns/op", "avx-tokio", "avx-native", "nat/tok", "avxt/tok"
    );
    for (i, case) in cases.iter().enumerate() {
        eprint!("\r[{}/{}] {} ...", i + 1, cases.len(), case.workload.name());
        let runtimes: Vec<Rt> = Contender::ALL
            .iter()
            .map(|&c| Rt::new(c, case.flavor))
            .collect();
        // Warm up every contender once: thread pools, allocator, caches.
        for rt in &runtimes {
            rt.run(case.workload, case.n);
        }
        let mut samples = vec![Vec::with_capacity(rounds); runtimes.len()];
        for _ in 0..rounds {
            for (rt, samples) in runtimes.iter().zip(samples.iter_mut()) {
                samples.push(per_op(rt.run(case.workload, case.n), case.n));
            }
        }
        let medians: Vec<f64> = samples.iter_mut().map(|s| median(s)).collect();
        eprint!("\r");
        println!(
            "{:<20} {:<15} {:>12.1} {:>12.1} {:>12.1} {:>8} {:>8}",
            case.workload.name(),
            flavor_name(case.flavor),
            medians[0],
            medians[1],
            medians[2],
            ratio(medians[2], medians[0]),
            ratio(medians[1], medians[0]),
        );
    }

    let exe = std::env::current_exe().expect("the report's own path");
    let bytes: Vec<String> = Contender::ALL
        .iter()
        .map(|c| {
            let out = std::process::Command::new(&exe)
                .args(["--parked-task-bytes", c.id()])
                .output()
                .expect("the report re-runs itself for memory figures");
            String::from_utf8_lossy(&out.stdout).trim().to_owned()
        })
        .collect();
    println!(
        "{:<20} {:<15} {:>12} {:>12} {:>12}",
        "parked_task (bytes)", "current_thread", bytes[0], bytes[1], bytes[2]
    );
    println!(
        "\nns/op is the median of {rounds} rounds; ratios divide by raw tokio's; '!' marks a ratio above 1.0"
    );
}

fn case(workload: Workload, flavor: Flavor, n: usize) -> Case {
    Case {
        workload,
        flavor,
        n,
    }
}

fn flavor_name(flavor: Flavor) -> String {
    match flavor {
        Flavor::CurrentThread => "current_thread".to_owned(),
        Flavor::MultiThread(n) => format!("multi_thread/{n}"),
    }
}

fn per_op(elapsed: Duration, n: usize) -> f64 {
    elapsed.as_nanos() as f64 / n as f64
}

fn median(samples: &mut [f64]) -> f64 {
    samples.sort_by(|a, b| a.total_cmp(b));
    samples[samples.len() / 2]
}

fn ratio(x: f64, base: f64) -> String {
    let r = x / base;
    format!("{r:.2}{}", if r > 1.0 { "!" } else { " " })
}
