//! Running the suite: every case on every contender, alternating.
//!
//! For an in-process case each contender gets its own runtime, built once and
//! kept for the case. A warm-up run of each (thread pools, allocator, caches)
//! comes first and is not counted. Then each round runs every contender once,
//! the order rotating by one each round so that no contender always follows the
//! same one, then the blocking floor if the workload has one. A drifting machine
//! thus moves every contender alike, and round r of one contender is paired with
//! round r of tokio for the paired ratios.
//!
//! Memory per parked task and per idle connection is measured in a fresh child
//! process per contender and round (this binary, re-run with
//! `--parked-task-bytes` or `--idle-conn-bytes`), so that no contender reuses
//! pages another freed. The idle-connection child may hold fewer connections than
//! asked (the descriptor limit); the row shows the fewest any child held.

use std::collections::HashMap;
use std::process::Command;

use avx_benches::{Contender, Flavor, Rt, Workload, floor_label, floor_run};

use crate::args::{CHILD_FLAG, IDLE_SERVER_FLAG};
use crate::progress::Progress;
use crate::report::{Floor, Row};
use crate::stats::Summary;
use crate::suite::{Case, Kind, Metric};

/// How a run of the suite goes.
#[derive(Clone, Debug)]
pub struct Plan {
    /// `--quick`.
    pub quick: bool,
    /// Counted rounds per in-process case.
    pub rounds: usize,
    /// Rounds of child processes per memory case.
    pub memory_rounds: usize,
    /// The contenders, in report order.
    pub contenders: Vec<Contender>,
}

impl Plan {
    /// The plan for a full or a quick run of `contenders`.
    pub fn new(quick: bool, contenders: Vec<Contender>) -> Plan {
        Plan {
            quick,
            rounds: if quick { 11 } else { 31 },
            memory_rounds: if quick { 3 } else { 5 },
            contenders,
        }
    }

    /// Progress units (rounds, warm-ups included) that `case` takes.
    pub fn units(&self, case: &Case) -> usize {
        match case.kind {
            Kind::Timed { .. } => self.rounds + 1,
            Kind::ParkedTask { .. } | Kind::IdleConnections { .. } => self.memory_rounds,
        }
    }

    /// Contender order in `round`: report order, rotated by one per round.
    fn order(&self, round: usize) -> impl Iterator<Item = (usize, Contender)> + '_ {
        let k = self.contenders.len();
        (0..k).map(move |i| {
            let index = (round + i) % k;
            (index, self.contenders[index])
        })
    }
}

/// Runs `case` and returns its rows, one per metric.
pub fn run_case(case: &Case, plan: &Plan, progress: &mut Progress) -> Vec<Row> {
    progress.start_case(&case.id());
    let mut ops = case.ops(plan.quick);
    // values[metric][contender index][round]
    let (values, floor) = match case.kind {
        Kind::Timed {
            workload, flavor, ..
        } => timed(workload, flavor, ops, case.metrics, plan, progress),
        Kind::ParkedTask { .. } => (parked_task(ops, plan, progress), None),
        Kind::IdleConnections { .. } => {
            let (values, held) = idle_connections(ops, plan, progress);
            ops = held;
            (values, None)
        }
    };
    case.metrics
        .iter()
        .zip(values)
        .enumerate()
        .map(|(m, (&metric, per_contender))| Row {
            area: case.area(),
            workload: case.workload(),
            flavor: case.flavor(),
            metric,
            ops,
            results: plan
                .contenders
                .iter()
                .zip(&per_contender)
                .map(|(&c, values)| (c, Summary::of(values)))
                .collect(),
            paired: paired_ratios(&plan.contenders, &per_contender),
            floor: floor.as_ref().and_then(|(label, floor_values)| {
                Some(Floor {
                    label,
                    summary: Summary::of(&floor_values[m])?,
                })
            }),
        })
        .collect()
}

/// `values[metric][contender index][round]`.
type Values = Vec<Vec<Vec<f64>>>;

/// The floor's label and `values[metric][round]`.
type FloorValues = (&'static str, Vec<Vec<f64>>);

fn timed(
    workload: Workload,
    flavor: Flavor,
    ops: usize,
    metrics: &[Metric],
    plan: &Plan,
    progress: &mut Progress,
) -> (Values, Option<FloorValues>) {
    let runtimes: Vec<Rt> = plan
        .contenders
        .iter()
        .map(|&c| Rt::new(c, flavor))
        .collect();
    for rt in &runtimes {
        rt.measure(workload, ops);
    }
    let has_floor = floor_run(workload, flavor, ops).is_some();
    progress.warm_up_done();

    let mut values = vec![vec![Vec::with_capacity(plan.rounds); runtimes.len()]; metrics.len()];
    let mut floor_values = vec![Vec::with_capacity(plan.rounds); metrics.len()];
    for round in 0..plan.rounds {
        for (index, _) in plan.order(round) {
            let run = runtimes[index].measure(workload, ops);
            for (m, metric) in metrics.iter().enumerate() {
                values[m][index].push(metric.of(&run, ops));
            }
        }
        if has_floor {
            if let Some(run) = floor_run(workload, flavor, ops) {
                for (m, metric) in metrics.iter().enumerate() {
                    floor_values[m].push(metric.of(&run, ops));
                }
            }
        }
        progress.round_done(round + 1, plan.rounds);
    }
    let floor = floor_label(workload, flavor)
        .filter(|_| has_floor)
        .map(|label| (label, floor_values));
    (values, floor)
}

fn parked_task(tasks: usize, plan: &Plan, progress: &mut Progress) -> Values {
    let mut values = vec![Vec::with_capacity(plan.memory_rounds); plan.contenders.len()];
    for round in 0..plan.memory_rounds {
        for (index, contender) in plan.order(round) {
            let args = [CHILD_FLAG, contender.id(), &tasks.to_string()];
            let bytes = child_numbers(&args, 1, "parked-task", contender);
            values[index].push(bytes.map_or(f64::NAN, |n| n[0]));
        }
        progress.round_done(round + 1, plan.memory_rounds);
    }
    vec![values]
}

/// The idle-connection figures, and the fewest connections a child held (the
/// request, unless the descriptor limit cut it; the request if every child
/// failed).
fn idle_connections(connections: usize, plan: &Plan, progress: &mut Progress) -> (Values, usize) {
    let mut values = vec![Vec::with_capacity(plan.memory_rounds); plan.contenders.len()];
    let mut held = None::<usize>;
    for round in 0..plan.memory_rounds {
        for (index, contender) in plan.order(round) {
            let args = [IDLE_SERVER_FLAG, contender.id(), &connections.to_string()];
            match child_numbers(&args, 2, "idle-connection", contender) {
                Some(numbers) => {
                    values[index].push(numbers[0]);
                    let count = numbers[1] as usize;
                    held = Some(held.map_or(count, |h| h.min(count)));
                }
                None => values[index].push(f64::NAN),
            }
        }
        progress.round_done(round + 1, plan.memory_rounds);
    }
    (vec![values], held.unwrap_or(connections))
}

/// Runs this binary with `args` (a child mode) and parses the `count` numbers
/// it prints; `None` if the child fails, with the reason on stderr (its figure
/// is then left out of the summary).
fn child_numbers(
    args: &[&str],
    count: usize,
    what: &str,
    contender: Contender,
) -> Option<Vec<f64>> {
    let result = std::env::current_exe().and_then(|exe| Command::new(exe).args(args).output());
    let failure = match result {
        Ok(out) if out.status.success() => {
            let numbers: Vec<f64> = String::from_utf8_lossy(&out.stdout)
                .split_whitespace()
                .map_while(|word| word.parse().ok())
                .collect();
            if numbers.len() == count {
                return Some(numbers);
            }
            format!("printed {numbers:?}, not {count} numbers")
        }
        Ok(out) => format!(
            "failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ),
        Err(e) => format!("could not start: {e}"),
    };
    eprintln!("\navx-bench: the {what} child for {contender} {failure}");
    None
}

/// Each non-tokio contender's per-round ratios to tokio, when tokio ran.
fn paired_ratios(
    contenders: &[Contender],
    values: &[Vec<f64>],
) -> Vec<(Contender, Option<Summary>)> {
    let by_contender: HashMap<Contender, &Vec<f64>> =
        contenders.iter().copied().zip(values).collect();
    let Some(tokio) = by_contender.get(&Contender::Tokio) else {
        return Vec::new();
    };
    contenders
        .iter()
        .filter(|&&c| c != Contender::Tokio)
        .map(|&c| {
            let ratios: Vec<f64> = by_contender[&c]
                .iter()
                .zip(tokio.iter())
                .map(|(x, base)| x / base)
                .collect();
            (c, Summary::of(&ratios))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_order_rotates_so_each_contender_leads_in_turn() {
        let plan = Plan::new(true, Contender::ALL.to_vec());
        let leaders: Vec<Contender> = (0..3).map(|r| plan.order(r).next().unwrap().1).collect();
        assert_eq!(leaders, Contender::ALL);
        for round in 0..3 {
            let mut seen: Vec<usize> = plan.order(round).map(|(i, _)| i).collect();
            seen.sort();
            assert_eq!(seen, [0, 1, 2]);
        }
    }

    #[test]
    fn paired_ratios_divide_round_by_round() {
        let contenders = [Contender::Tokio, Contender::AvxNative];
        let values = vec![vec![10.0, 20.0, 40.0], vec![5.0, 20.0, 80.0]];
        let paired = paired_ratios(&contenders, &values);
        assert_eq!(paired.len(), 1);
        let (c, summary) = paired[0];
        assert_eq!(c, Contender::AvxNative);
        let summary = summary.unwrap();
        assert_eq!((summary.min, summary.median, summary.max), (0.5, 1.0, 2.0));
        assert!(paired_ratios(&[Contender::AvxNative], &values[1..]).is_empty());
    }
}
