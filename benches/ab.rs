//! A quick A/B report: each runtime workload on raw tokio, avx-over-tokio and
//! avx-native, alternating the contenders round by round so that a drifting
//! machine affects all alike. Prints the median time per operation and the
//! ratios to raw tokio.
//!
//! `cargo run --release -p avx-benches --bin ab [-- --quick]`

use std::time::Duration;

use avx_benches::{Contender, Flavor, Rt, Workload};

struct Case {
    workload: Workload,
    flavor: Flavor,
    /// Operations per run.
    n: usize,
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let rounds = if quick { 5 } else { 21 };
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let cases = [
        Case {
            workload: Workload::SpawnMany,
            flavor: Flavor::CurrentThread,
            n: 10_000,
        },
        Case {
            workload: Workload::SpawnMany,
            flavor: Flavor::MultiThread(workers),
            n: 10_000,
        },
        Case {
            workload: Workload::YieldMany,
            flavor: Flavor::CurrentThread,
            n: 100_000,
        },
        Case {
            workload: Workload::PingPong,
            flavor: Flavor::CurrentThread,
            n: 1_000,
        },
        Case {
            workload: Workload::PingPong,
            flavor: Flavor::MultiThread(workers),
            n: 1_000,
        },
        Case {
            workload: Workload::ChainedSpawn,
            flavor: Flavor::CurrentThread,
            n: 1_000,
        },
        Case {
            workload: Workload::ChainedSpawn,
            flavor: Flavor::MultiThread(workers),
            n: 1_000,
        },
    ];

    println!(
        "{:<14} {:<14} {:>12} {:>12} {:>12} {:>10} {:>10}",
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
        let flavor = match case.flavor {
            Flavor::CurrentThread => "current_thread".to_owned(),
            Flavor::MultiThread(n) => format!("multi_thread/{n}"),
        };
        eprint!("\r");
        println!(
            "{:<14} {:<14} {:>12.1} {:>12.1} {:>12.1} {:>10} {:>10}",
            case.workload.name(),
            flavor,
            medians[0],
            medians[1],
            medians[2],
            ratio(medians[2], medians[0]),
            ratio(medians[1], medians[0]),
        );
    }
    println!("\nratios are median time per op divided by raw tokio's; '!' marks a ratio above 1.0");
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
