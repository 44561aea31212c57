//! Guards the timers: wheel insert + cancel, and many sleeps firing, on raw
//! tokio, avx-over-tokio and avx-native. Group = scenario, function id = contender.

use avx_benches::{Flavor, Workload, criterion_group_for as group, workers};
use criterion::{Criterion, criterion_group, criterion_main};

fn timer_insert_cancel(c: &mut Criterion) {
    group(
        c,
        Workload::TimerInsertCancel,
        Flavor::CurrentThread,
        100_000,
        None,
    );
    group(
        c,
        Workload::TimerInsertCancel,
        Flavor::MultiThread(workers()),
        100_000,
        None,
    );
}

fn sleeps_firing(c: &mut Criterion) {
    // Each run waits ~10 ms of timer deadlines: fewer samples keep it short.
    group(
        c,
        Workload::SleepsFiring,
        Flavor::CurrentThread,
        10_000,
        Some(10),
    );
}

criterion_group!(benches, timer_insert_cancel, sleeps_firing);
criterion_main!(benches);
