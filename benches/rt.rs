//! Guards the schedulers: spawn, yield, wake-up and spawn-chain costs on raw tokio,
//! avx-over-tokio and avx-native. Group = scenario, function id = contender.

use avx_benches::{Flavor, Workload, criterion_group_for as group, workers};
use criterion::{Criterion, criterion_group, criterion_main};

fn spawn_many(c: &mut Criterion) {
    group(c, Workload::SpawnMany, Flavor::CurrentThread, 10_000, None);
    group(
        c,
        Workload::SpawnMany,
        Flavor::MultiThread(workers()),
        10_000,
        None,
    );
}

fn yield_many(c: &mut Criterion) {
    group(c, Workload::YieldMany, Flavor::CurrentThread, 10_000, None);
}

fn ping_pong(c: &mut Criterion) {
    group(c, Workload::PingPong, Flavor::CurrentThread, 10_000, None);
    group(
        c,
        Workload::PingPong,
        Flavor::MultiThread(workers()),
        1_000,
        None,
    );
}

fn chained_spawn(c: &mut Criterion) {
    group(
        c,
        Workload::ChainedSpawn,
        Flavor::CurrentThread,
        1_000,
        None,
    );
    group(
        c,
        Workload::ChainedSpawn,
        Flavor::MultiThread(workers()),
        1_000,
        None,
    );
}

criterion_group!(benches, spawn_many, yield_many, ping_pong, chained_spawn);
criterion_main!(benches);
