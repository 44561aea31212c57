//! The suite: which workloads the report runs, on which flavor, with how many
//! operations per run, and which metrics it shows for each.
//!
//! Operations per run are chosen so that a run takes a few to a few tens of
//! milliseconds on a small VM: long enough that the one or two cross-CPU wake-ups
//! a run includes (60-140 us each there) do not dominate the time per operation,
//! short enough for many rounds. `--quick` divides them by [`QUICK_DIVISOR`].
//!
//! # The network workloads
//!
//! Each is a [`Workload`] variant like any other (see `benches/lib.rs`, "Adding a
//! workload") and a line in the `net` block of [`suite`]. Rates (echo messages,
//! accepted connections, requests) are [`Metric::OpsPerSec`]; the ping-pongs
//! show the median and the 99th percentile of their round trips beside their
//! blocking floor (`std::net` on two threads); the HTTP-like workload shows its
//! request rate and request latencies. Runs connect before their clock starts,
//! so these sizes set the measured traffic only. The idle-connection memory
//! ([`Kind::IdleConnections`]) runs in child processes, like the parked task.

use avx_benches::{Flavor, Run, Workload, workers};

/// Operations per run are divided by this under `--quick`.
pub const QUICK_DIVISOR: usize = 3;

/// One number a run yields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    /// Wall time per operation, ns.
    TimePerOp,
    /// Operations per second.
    OpsPerSec,
    /// The median of the per-operation times the run recorded, us.
    LatencyP50,
    /// The 99th percentile of the per-operation times the run recorded, us.
    LatencyP99,
    /// Resident bytes per parked task.
    BytesPerTask,
    /// Resident bytes per idle TCP connection of an echo server.
    BytesPerConnection,
}

impl Metric {
    /// Its id in the JSON report.
    pub fn id(self) -> &'static str {
        match self {
            Metric::TimePerOp => "time_per_op",
            Metric::OpsPerSec => "ops_per_sec",
            Metric::LatencyP50 => "latency_p50",
            Metric::LatencyP99 => "latency_p99",
            Metric::BytesPerTask => "bytes_per_task",
            Metric::BytesPerConnection => "bytes_per_connection",
        }
    }

    /// Its unit, as the table heads it.
    pub fn unit(self) -> &'static str {
        match self {
            Metric::TimePerOp => "ns/op",
            Metric::OpsPerSec => "op/s",
            Metric::LatencyP50 => "us p50",
            Metric::LatencyP99 => "us p99",
            Metric::BytesPerTask => "B/task",
            Metric::BytesPerConnection => "B/conn",
        }
    }

    /// Whether a smaller value is the better one (everything but rates).
    pub fn lower_is_better(self) -> bool {
        self != Metric::OpsPerSec
    }

    /// The metric's value for one run of `ops` operations (NaN where the run
    /// recorded no per-operation times, or no time at all).
    pub fn of(self, run: &Run, ops: usize) -> f64 {
        let seconds = run.elapsed.as_secs_f64();
        match self {
            Metric::TimePerOp => seconds * 1e9 / ops as f64,
            Metric::OpsPerSec if seconds > 0.0 => ops as f64 / seconds,
            Metric::LatencyP50 => latency_percentile(run, 0.50),
            Metric::LatencyP99 => latency_percentile(run, 0.99),
            Metric::OpsPerSec | Metric::BytesPerTask | Metric::BytesPerConnection => f64::NAN,
        }
    }
}

fn latency_percentile(run: &Run, q: f64) -> f64 {
    if run.latencies.is_empty() {
        return f64::NAN;
    }
    let mut us: Vec<f64> = run
        .latencies
        .iter()
        .map(|d| d.as_secs_f64() * 1e6)
        .collect();
    us.sort_by(f64::total_cmp);
    crate::stats::percentile(&us, q)
}

/// What a case runs.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// A workload in-process, on each contender's runtime in turn.
    Timed {
        /// The workload.
        workload: Workload,
        /// Its runtime's flavor.
        flavor: Flavor,
        /// Operations per run (before `--quick` divides them).
        ops: usize,
    },
    /// Resident memory of a parked task, in a fresh child process per contender
    /// and round.
    ParkedTask {
        /// Tasks spawned per measurement (before `--quick` divides them).
        tasks: usize,
    },
    /// Resident memory of an idle TCP connection of an echo server, in a fresh
    /// child process per contender and round, its clients in another.
    IdleConnections {
        /// Connections per measurement (before `--quick` divides them; fewer
        /// where the descriptor limit says so, and the report shows the count).
        connections: usize,
    },
}

/// One entry of the suite: what runs, and the metrics shown (a row each).
#[derive(Clone, Copy, Debug)]
pub struct Case {
    /// What runs.
    pub kind: Kind,
    /// What the rows show.
    pub metrics: &'static [Metric],
}

impl Case {
    /// A workload timed per operation.
    pub fn timed(workload: Workload, flavor: Flavor, ops: usize) -> Case {
        Case::showing(workload, flavor, ops, &[Metric::TimePerOp])
    }

    /// A workload shown in `metrics`, a row each.
    pub fn showing(
        workload: Workload,
        flavor: Flavor,
        ops: usize,
        metrics: &'static [Metric],
    ) -> Case {
        Case {
            kind: Kind::Timed {
                workload,
                flavor,
                ops,
            },
            metrics,
        }
    }

    /// The area of the suite the case belongs to.
    pub fn area(&self) -> &'static str {
        match self.kind {
            Kind::Timed { workload, .. } => workload.area(),
            Kind::ParkedTask { .. } | Kind::IdleConnections { .. } => "memory",
        }
    }

    /// The workload's name.
    pub fn workload(&self) -> String {
        match self.kind {
            Kind::Timed { workload, .. } => workload.name(),
            Kind::ParkedTask { .. } => "parked_task".to_owned(),
            Kind::IdleConnections { .. } => "idle_tcp_connection".to_owned(),
        }
    }

    /// The flavor's name.
    pub fn flavor(&self) -> String {
        match self.kind {
            Kind::Timed { flavor, .. } => flavor.name(),
            Kind::ParkedTask { .. } | Kind::IdleConnections { .. } => Flavor::CurrentThread.name(),
        }
    }

    /// `area/workload/flavor`: what `--filter` matches and `--list` prints.
    pub fn id(&self) -> String {
        format!("{}/{}/{}", self.area(), self.workload(), self.flavor())
    }

    /// Operations per run (tasks or connections, for memory) in `quick` mode
    /// or not.
    pub fn ops(&self, quick: bool) -> usize {
        let full = match self.kind {
            Kind::Timed { ops, .. } => ops,
            Kind::ParkedTask { tasks } => tasks,
            Kind::IdleConnections { connections } => connections,
        };
        if quick {
            (full / QUICK_DIVISOR).max(1)
        } else {
            full
        }
    }
}

/// The whole suite, in report order.
pub fn suite() -> Vec<Case> {
    let ct = Flavor::CurrentThread;
    let mt = Flavor::MultiThread(workers());
    let mpsc = |bounded, producers| Workload::Mpsc { bounded, producers };
    let mut cases = vec![
        // runtime
        Case::timed(Workload::SpawnMany, ct, 10_000),
        Case::timed(Workload::SpawnMany, mt, 50_000),
        Case::timed(Workload::YieldMany, ct, 100_000),
        Case::timed(Workload::PingPong, ct, 10_000),
        Case::timed(Workload::PingPong, mt, 10_000),
        Case::timed(Workload::ChainedSpawn, ct, 50_000),
        Case::timed(Workload::ChainedSpawn, mt, 50_000),
        // timer
        Case::timed(Workload::TimerInsertCancel, ct, 100_000),
        Case::timed(Workload::TimerInsertCancel, mt, 100_000),
        Case::timed(Workload::SleepsFiring, ct, 10_000),
    ];
    // sync: every primitive on both flavors; multi-thread is where they contend.
    for flavor in [ct, mt] {
        cases.extend([
            Case::timed(mpsc(true, 1), flavor, 100_000),
            Case::timed(mpsc(true, 8), flavor, 100_000),
            Case::timed(mpsc(false, 1), flavor, 100_000),
            Case::timed(mpsc(false, 8), flavor, 100_000),
            Case::timed(Workload::OneshotRoundTrip, flavor, 20_000),
            Case::timed(Workload::MutexContended, flavor, 40_000),
            Case::timed(Workload::SemaphoreAcquireRelease, flavor, 40_000),
            Case::timed(Workload::BroadcastFanOut { receivers: 16 }, flavor, 10_000),
            Case::timed(Workload::WatchSendChanged, flavor, 20_000),
        ]);
    }
    cases.extend([
        // fs: the blocking pool carries every read.
        Case::timed(Workload::FsReadSmall, mt, 2_000),
    ]);
    // net: loopback, client and server on the contender's runtime.
    let echo = |connections, message| Workload::TcpEcho {
        connections,
        message,
    };
    let http = |connections| Workload::HttpKeepAlive { connections };
    const ROUND_TRIPS: &[Metric] = &[Metric::LatencyP50, Metric::LatencyP99];
    const REQUESTS: &[Metric] = &[Metric::OpsPerSec, Metric::LatencyP50, Metric::LatencyP99];
    const RATE: &[Metric] = &[Metric::OpsPerSec];
    cases.extend([
        Case::showing(echo(1, 64), mt, 3_000, RATE),
        Case::showing(echo(64, 64), mt, 8_000, RATE),
        Case::showing(echo(256, 64), mt, 8_000, RATE),
        Case::showing(echo(1, 16 * 1024), mt, 1_500, RATE),
        Case::showing(echo(64, 16 * 1024), mt, 3_000, RATE),
        Case::showing(echo(256, 16 * 1024), mt, 3_000, RATE),
        Case::showing(Workload::TcpAccept, mt, 600, RATE),
        Case::showing(Workload::UdpPingPong, ct, 3_000, ROUND_TRIPS),
        Case::showing(Workload::UdpPingPong, mt, 3_000, ROUND_TRIPS),
        Case::showing(Workload::TcpPingPong, ct, 3_000, ROUND_TRIPS),
        Case::showing(Workload::TcpPingPong, mt, 3_000, ROUND_TRIPS),
        Case::showing(http(1), mt, 3_000, REQUESTS),
        Case::showing(http(64), mt, 8_000, REQUESTS),
    ]);
    // http: a real server (hyper on raw tokio, avx-http on avx) under the same clients.
    let server = |connections| Workload::HttpServer { connections };
    cases.extend([
        Case::showing(server(1), mt, 3_000, REQUESTS),
        Case::showing(server(64), ct, 8_000, REQUESTS),
        Case::showing(server(64), mt, 8_000, REQUESTS),
    ]);
    cases.extend([
        // memory
        Case {
            kind: Kind::ParkedTask { tasks: 200_000 },
            metrics: &[Metric::BytesPerTask],
        },
        Case {
            kind: Kind::IdleConnections {
                connections: 10_000,
            },
            metrics: &[Metric::BytesPerConnection],
        },
    ]);
    cases
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn ids_are_unique() {
        let mut ids: Vec<String> = suite().iter().map(Case::id).collect();
        let count = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), count);
    }

    #[test]
    fn quick_mode_shrinks_every_case_but_keeps_it_nonempty() {
        for case in suite() {
            assert!(
                case.ops(true) >= 1 && case.ops(true) < case.ops(false),
                "{}",
                case.id()
            );
        }
    }

    #[test]
    fn metrics_of_a_run() {
        let run = Run {
            elapsed: Duration::from_millis(2),
            latencies: (1..=100).map(Duration::from_micros).collect(),
        };
        assert!((Metric::TimePerOp.of(&run, 1000) - 2000.0).abs() < 1e-6);
        assert!((Metric::OpsPerSec.of(&run, 1000) - 500_000.0).abs() < 1e-6);
        assert!((Metric::LatencyP50.of(&run, 1000) - 50.5).abs() < 1e-6);
        assert!((Metric::LatencyP99.of(&run, 1000) - 99.01).abs() < 1e-6);
        let unrecorded = Run {
            elapsed: Duration::from_millis(2),
            latencies: Vec::new(),
        };
        assert!(Metric::LatencyP99.of(&unrecorded, 1000).is_nan());
    }
}
