//! The wrk plaintext runs: every server at every connection count, in each mode,
//! round after round, and the medians and ratios the report shows.
//!
//! A round starts each server in turn as a fresh process and runs wrk against it at
//! each connection count, lowest first (so the 1-connection run also warms it). The
//! server order rotates from round to round, so none is always the first after
//! whatever else the machine was doing.

use std::time::{Duration, Instant};

use crate::args::{Mode, Options};
use crate::process::ServerProcess;
use crate::servers::ServerKind;
use crate::stats::median;
use crate::sys;
use crate::wrk::{self, Load, WrkRun};

/// One wrk run's figures and the server's side of it.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    /// The round it was taken in.
    pub round: usize,
    /// wrk's figures; `None` if the run failed (see `error`).
    pub run: Option<WrkRun>,
    /// The server's CPU time over the run's wall time (1.0 = one core busy).
    pub server_cpu: f64,
    /// The server's CPU time over the run, seconds.
    pub server_cpu_secs: f64,
    /// The 1-minute load average as the run started.
    pub load: f64,
    /// Why the run failed, if it did.
    pub error: Option<String>,
}

impl Sample {
    /// The server's CPU time per request answered, microseconds; NaN if the run failed.
    pub fn cpu_us_per_request(&self) -> f64 {
        match &self.run {
            Some(run) if run.requests > 0 => self.server_cpu_secs * 1e6 / run.requests as f64,
            _ => f64::NAN,
        }
    }
}

/// Every sample of one server at one connection count in one mode.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// How the processes were placed.
    pub mode: Mode,
    /// The server.
    pub server: ServerKind,
    /// wrk's connections.
    pub connections: usize,
    /// One per round.
    pub samples: Vec<Sample>,
}

impl Cell {
    fn median_of(&self, figure: impl Fn(&WrkRun) -> f64) -> f64 {
        let values: Vec<f64> = self
            .samples
            .iter()
            .map(|s| s.run.as_ref().map_or(f64::NAN, &figure))
            .collect();
        median(&values)
    }

    /// Median requests per second.
    pub fn requests_per_sec(&self) -> f64 {
        self.median_of(|r| r.requests_per_sec)
    }

    /// Median of the runs' 50th percentile latencies, microseconds.
    pub fn p50_us(&self) -> f64 {
        self.median_of(|r| r.p50_us)
    }

    /// Median of the runs' 99th percentile latencies, microseconds.
    pub fn p99_us(&self) -> f64 {
        self.median_of(|r| r.p99_us)
    }

    /// Median of wrk's CPU use.
    pub fn client_cpu(&self) -> f64 {
        self.median_of(|r| r.client_cpu)
    }

    /// Median of the server's CPU use.
    pub fn server_cpu(&self) -> f64 {
        median(
            &self
                .samples
                .iter()
                .map(|s| s.server_cpu)
                .collect::<Vec<_>>(),
        )
    }

    /// Median of the server's CPU time per request answered, microseconds: less
    /// disturbed than the rate by other load on the machine, which takes CPU time
    /// from the server but adds little to what each request costs it.
    pub fn server_cpu_us_per_request(&self) -> f64 {
        median(
            &self
                .samples
                .iter()
                .map(|s| s.cpu_us_per_request())
                .collect::<Vec<_>>(),
        )
    }

    /// The server's CPU time per request in round `round`, NaN if missing.
    pub fn cpu_in_round(&self, round: usize) -> f64 {
        self.samples
            .iter()
            .find(|s| s.round == round)
            .map_or(f64::NAN, Sample::cpu_us_per_request)
    }

    /// Errors wrk counted over every run, plus failed runs.
    pub fn errors(&self) -> u64 {
        self.samples
            .iter()
            .map(|s| s.run.as_ref().map_or(1, |r| r.errors))
            .sum()
    }

    /// (min, max) requests per second over the rounds: how much they disagree.
    pub fn spread(&self) -> (f64, f64) {
        let rates = self
            .samples
            .iter()
            .filter_map(|s| s.run.as_ref().map(|r| r.requests_per_sec));
        rates.fold((f64::NAN, f64::NAN), |(lo, hi), r| (lo.min(r), hi.max(r)))
    }

    /// The rate of round `round`, NaN if that run failed or is missing.
    pub fn rate_in_round(&self, round: usize) -> f64 {
        self.samples
            .iter()
            .find(|s| s.round == round)
            .and_then(|s| s.run.as_ref())
            .map_or(f64::NAN, |r| r.requests_per_sec)
    }
}

/// The servers `mode` runs: the pinned modes run only the single-threaded ones.
pub fn servers_in(mode: Mode, servers: &[ServerKind]) -> Vec<ServerKind> {
    servers
        .iter()
        .copied()
        .filter(|kind| mode == Mode::Unpinned || kind.is_single_threaded())
        .collect()
}

/// Runs every round; progress goes to stderr.
pub fn run(options: &Options) -> Vec<Cell> {
    let mut cells: Vec<Cell> = Vec::new();
    for &mode in &options.modes {
        for server in servers_in(mode, &options.servers) {
            for &connections in &options.connections {
                cells.push(Cell {
                    mode,
                    server,
                    connections,
                    samples: Vec::new(),
                });
            }
        }
    }
    let started = Instant::now();
    for round in 0..options.rounds {
        for &mode in &options.modes {
            let mut servers = servers_in(mode, &options.servers);
            if !servers.is_empty() {
                let by = round % servers.len();
                servers.rotate_left(by);
            }
            for server in servers {
                run_server(options, round, mode, server, &mut cells);
            }
        }
        eprintln!(
            "plaintext: round {}/{} done at {:.0} s (load {:.2})",
            round + 1,
            options.rounds,
            started.elapsed().as_secs_f64(),
            sys::load_average()
        );
    }
    cells
}

/// One server's runs in one round: every connection count, one process.
fn run_server(options: &Options, round: usize, mode: Mode, server: ServerKind, cells: &mut [Cell]) {
    let (server_cpu, client_cpu) = mode.cpus();
    let mut process = ServerProcess::start(server, server_cpu);
    for &connections in &options.connections {
        let load = sys::load_average();
        let sample = match &mut process {
            Err(e) => Sample {
                round,
                run: None,
                server_cpu: f64::NAN,
                server_cpu_secs: f64::NAN,
                load,
                error: Some(format!("server did not start: {e}")),
            },
            Ok(process) => one_run(options, mode, client_cpu, process, connections, round, load),
        };
        match (&sample.run, &sample.error) {
            (Some(run), _) => eprintln!(
                "  {:>8} {:<13} c={:<3} {:>9.0} req/s  p50 {:>7.0} us  p99 {:>7.0} us  cpu {:.2}/{:.2} ({:.2} us/req)  load {:.2}",
                mode.name(),
                server.name(),
                connections,
                run.requests_per_sec,
                run.p50_us,
                run.p99_us,
                sample.server_cpu,
                run.client_cpu,
                sample.cpu_us_per_request(),
                load
            ),
            (None, error) => eprintln!(
                "  {:>8} {:<13} c={:<3} FAILED: {}",
                mode.name(),
                server.name(),
                connections,
                error.as_deref().unwrap_or("?")
            ),
        }
        let cell = cells
            .iter_mut()
            .find(|c| c.mode == mode && c.server == server && c.connections == connections)
            .expect("a cell for every run");
        cell.samples.push(sample);
    }
}

fn one_run(
    options: &Options,
    mode: Mode,
    client_cpu: Option<usize>,
    process: &mut ServerProcess,
    connections: usize,
    round: usize,
    load: f64,
) -> Sample {
    let threads = match mode {
        Mode::Unpinned => options.wrk_threads,
        Mode::Pinned | Mode::Pipelined => 1,
    };
    let pid = process.pid();
    let cpu_before = sys::cpu_secs(pid).unwrap_or(f64::NAN);
    let started = Instant::now();
    let result = wrk::run(
        process.addr(),
        Load {
            connections,
            threads,
            duration: options.duration,
            cpu: client_cpu,
            pipeline: mode.pipeline(),
        },
    );
    let wall = started
        .elapsed()
        .max(Duration::from_millis(1))
        .as_secs_f64();
    let server_cpu_secs = sys::cpu_secs(pid).unwrap_or(f64::NAN) - cpu_before;
    let mut error = result.as_ref().err().map(ToString::to_string);
    if !process.is_running() {
        error = Some("the server exited during the run".into());
    }
    Sample {
        round,
        run: if error.is_none() { result.ok() } else { None },
        server_cpu: server_cpu_secs / wall,
        server_cpu_secs,
        load,
        error,
    }
}

/// One ratio of two servers' rates at one connection count in one mode.
#[derive(Clone, Debug, PartialEq)]
pub struct Ratio {
    /// The mode.
    pub mode: Mode,
    /// wrk's connections.
    pub connections: usize,
    /// The numerator's server.
    pub of: ServerKind,
    /// The denominator's server.
    pub to: ServerKind,
    /// The ratio of rates in each round (paired runs of the same round).
    pub per_round: Vec<f64>,
    /// The ratio of server CPU time per request in each round (below 1: the
    /// numerator spends less on a request).
    pub cpu_per_round: Vec<f64>,
    /// The target for it, if it has one.
    pub target: Option<f64>,
}

impl Ratio {
    /// The median of the per-round ratios of rates.
    pub fn median(&self) -> f64 {
        median(&self.per_round)
    }

    /// The median of the per-round ratios of CPU time per request.
    pub fn cpu_median(&self) -> f64 {
        median(&self.cpu_per_round)
    }
}

/// The ratios the report shows: avx-native against the C server and hyper (the
/// issue's targets), avx-http against hyper on the same runtime (the HTTP layer
/// alone), and avx-native against avx's tokio backend (the runtime alone).
pub fn ratios(cells: &[Cell], rounds: usize) -> Vec<Ratio> {
    use ServerKind::*;
    let wanted: [(Mode, ServerKind, ServerKind, Option<f64>); 13] = [
        (Mode::Unpinned, AvxNativeCurrent, CEpoll, Some(1.0)),
        (Mode::Unpinned, AvxNativeMulti, CEpoll, Some(1.0)),
        (Mode::Unpinned, AvxNativeCurrent, HyperCurrent, None),
        (Mode::Unpinned, AvxNativeMulti, HyperMulti, None),
        (Mode::Unpinned, AvxTokioCurrent, HyperCurrent, None),
        (Mode::Unpinned, AvxNativeCurrent, AvxTokioCurrent, None),
        (Mode::Pinned, AvxNativeCurrent, HyperCurrent, Some(1.15)),
        (Mode::Pinned, AvxNativeCurrent, CEpoll, None),
        (Mode::Pinned, AvxTokioCurrent, HyperCurrent, None),
        (Mode::Pinned, AvxNativeCurrent, AvxTokioCurrent, None),
        (Mode::Pipelined, AvxNativeCurrent, HyperCurrent, None),
        (Mode::Pipelined, AvxNativeCurrent, CEpoll, None),
        (Mode::Pipelined, AvxTokioCurrent, HyperCurrent, None),
    ];
    let find = |mode, server, connections| {
        cells
            .iter()
            .find(|c| c.mode == mode && c.server == server && c.connections == connections)
    };
    let mut connection_counts: Vec<usize> = cells.iter().map(|c| c.connections).collect();
    connection_counts.sort_unstable();
    connection_counts.dedup();
    let mut out = Vec::new();
    for (mode, of, to, target) in wanted {
        for &connections in &connection_counts {
            let (Some(a), Some(b)) = (find(mode, of, connections), find(mode, to, connections))
            else {
                continue;
            };
            out.push(Ratio {
                mode,
                connections,
                of,
                to,
                per_round: (0..rounds)
                    .map(|r| a.rate_in_round(r) / b.rate_in_round(r))
                    .collect(),
                cpu_per_round: (0..rounds)
                    .map(|r| a.cpu_in_round(r) / b.cpu_in_round(r))
                    .collect(),
                target,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(server: ServerKind, rates: &[f64]) -> Cell {
        // Each run: `rate` requests in its second, on half a second of server CPU.
        Cell {
            mode: Mode::Pinned,
            server,
            connections: 64,
            samples: rates
                .iter()
                .enumerate()
                .map(|(round, &rate)| Sample {
                    round,
                    run: Some(WrkRun {
                        requests_per_sec: rate,
                        p50_us: 100.0,
                        p99_us: 300.0,
                        requests: rate as u64,
                        errors: 0,
                        client_cpu: 1.0,
                    }),
                    server_cpu: 0.5,
                    server_cpu_secs: 0.5,
                    load: 0.0,
                    error: None,
                })
                .collect(),
        }
    }

    #[test]
    fn ratios_pair_rounds_and_take_the_median() {
        let cells = [
            cell(ServerKind::AvxNativeCurrent, &[120.0, 60.0, 130.0]),
            cell(ServerKind::HyperCurrent, &[100.0, 50.0, 100.0]),
        ];
        let ratios = ratios(&cells, 3);
        assert_eq!(ratios.len(), 1, "only the pair both cells cover");
        let ratio = &ratios[0];
        assert_eq!(
            (ratio.of, ratio.to),
            (ServerKind::AvxNativeCurrent, ServerKind::HyperCurrent)
        );
        assert_eq!(ratio.per_round, [1.2, 1.2, 1.3]);
        assert_eq!(ratio.median(), 1.2);
        assert_eq!(ratio.target, Some(1.15));
        // CPU per request: 0.5 s over the requests of each round.
        let cpu = ratio
            .cpu_per_round
            .iter()
            .map(|x| (x * 1000.0).round() / 1000.0);
        assert_eq!(cpu.collect::<Vec<_>>(), [0.833, 0.833, 0.769]);
        assert_eq!(cells[1].server_cpu_us_per_request(), 5000.0);
    }

    #[test]
    fn pinned_mode_runs_single_threaded_servers_only() {
        let pinned = servers_in(Mode::Pinned, &ServerKind::ALL);
        assert!(pinned.iter().all(|kind| kind.is_single_threaded()));
        assert_eq!(pinned.len(), 4);
        assert_eq!(servers_in(Mode::Unpinned, &ServerKind::ALL).len(), 7);
    }

    #[test]
    fn medians_skip_failed_runs() {
        let mut cell = cell(ServerKind::CEpoll, &[10.0, 30.0]);
        cell.samples.push(Sample {
            round: 2,
            run: None,
            server_cpu: f64::NAN,
            server_cpu_secs: f64::NAN,
            load: 0.0,
            error: Some("boom".into()),
        });
        assert_eq!(cell.requests_per_sec(), 20.0);
        assert_eq!(cell.errors(), 1);
        assert_eq!(cell.spread(), (10.0, 30.0));
    }
}
