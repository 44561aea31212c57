//! The blocking pool: threads spawned on demand for work that blocks.
//!
//! `spawn_blocking`, `fs` and `lookup_host` send their work here so that it never
//! stalls a scheduler worker; the multi-thread scheduler also starts its workers and
//! `block_in_place` hand-offs here, as [`Mandatory::Yes`] items that the thread cap
//! does not apply to.
//!
//! The pool is generic over its work item ([`Run`]), so the runtime queues its task
//! handles directly: a spawn allocates nothing beyond the queue slot.
//!
//! Unlike the queues in `scheduler/`, the pool uses std's threads, `Mutex` and
//! `Condvar` directly instead of the `loom` shim: it needs thread names, stack sizes
//! and timed waits, and all of its state sits under one lock, so its tests run on
//! real threads.

#![allow(
    dead_code,
    reason = "used by the runtime, which is wired up separately"
)]

mod pool;

#[cfg(test)]
mod tests;

#[allow(
    unused_imports,
    reason = "the runtime, which uses these, is wired up separately"
)]
pub(crate) use pool::{BlockingPool, Mandatory, PoolConfig, Run, SpawnError, Spawner};
