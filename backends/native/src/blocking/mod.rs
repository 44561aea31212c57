//! The blocking pool: threads spawned on demand for work that blocks.
//!
//! `spawn_blocking`, `fs` and `lookup_host` send their work here so that it never
//! stalls a scheduler worker; the multi-thread scheduler also starts its workers and
//! `block_in_place` hand-offs here, as [`Mandatory::Yes`] items that the thread cap
//! does not apply to.
//!
//! The pool is generic over its work item ([`Run`]); the runtime's item (`work`)
//! is a task handle, so a `spawn_blocking` allocates nothing beyond its task.
//!
//! Unlike the queues in `scheduler/`, the pool uses std's threads, `Mutex` and
//! `Condvar` directly instead of the `loom` shim: it needs thread names, stack sizes
//! and timed waits, and all of its state sits under one lock, so its tests run on
//! real threads.

mod pool;
mod work;

#[cfg(test)]
mod tests;

pub(crate) use pool::PoolConfig;
pub(crate) use work::{BlockingPool, BlockingSpawner, spawn_blocking, spawn_thread};
