//! `Barrier`: makes `n` tasks wait until all of them have arrived.
//!
//! `state` (a lock) counts the arrivals of the current generation. The `n`th arrival
//! resets the count, bumps `generation` (mirrored in an atomic for waiters to read
//! without the lock) and wakes everyone with `notify_waiters`. A waiter creates its
//! `Notified` before it checks the generation, so the wake-up cannot slip between.

use std::sync::atomic::Ordering::{Acquire, Release};

use super::notify::Notify;
use crate::loom::sync::Mutex;
use crate::loom::sync::atomic::AtomicUsize;

/// Lets `n` tasks wait for each other: each call to [`wait`](Barrier::wait)
/// blocks until `n` calls are waiting, then all complete. It can be reused.
#[derive(Debug)]
pub struct Barrier {
    n: usize,
    state: Mutex<BarrierState>,
    /// The number of completed generations.
    generation: AtomicUsize,
    notify: Notify,
}

#[derive(Debug)]
struct BarrierState {
    arrived: usize,
    generation: usize,
}

/// What [`Barrier::wait`] returns; exactly one waiter of each generation is the
/// leader.
#[derive(Debug, Clone)]
pub struct BarrierWaitResult(bool);

impl BarrierWaitResult {
    /// Whether this waiter was the leader (the last to arrive).
    pub fn is_leader(&self) -> bool {
        self.0
    }
}

impl Barrier {
    /// Creates a barrier for `n` tasks. As with `std::sync::Barrier`, `n == 0`
    /// behaves as `n == 1`.
    pub fn new(n: usize) -> Barrier {
        Barrier {
            n: n.max(1),
            state: Mutex::new(BarrierState {
                arrived: 0,
                generation: 0,
            }),
            generation: AtomicUsize::new(0),
            notify: Notify::new(),
        }
    }

    /// Waits until `n` tasks are waiting; one of them (the last to arrive) is told
    /// it is the leader.
    ///
    /// # Cancel safety
    ///
    /// Not cancel safe: a cancelled call still counts as arrived.
    pub async fn wait(&self) -> BarrierWaitResult {
        let generation = {
            let mut state = self.state.lock();
            state.arrived += 1;
            if state.arrived == self.n {
                state.arrived = 0;
                state.generation = state.generation.wrapping_add(1);
                self.generation.store(state.generation, Release);
                drop(state);
                self.notify.notify_waiters();
                return BarrierWaitResult(true);
            }
            state.generation
        };
        loop {
            let notified = self.notify.notified();
            if self.generation.load(Acquire) != generation {
                return BarrierWaitResult(false);
            }
            notified.await;
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::sync::test_util::{Manual, block_on};
    use std::sync::Arc;

    #[test]
    fn the_last_arrival_leads_and_releases_the_rest() {
        let barrier = Barrier::new(3);
        let mut a = Manual::new(barrier.wait());
        let mut b = Manual::new(barrier.wait());
        a.pending();
        b.pending();
        let leader = block_on(barrier.wait());
        assert!(leader.is_leader());
        assert!(a.is_woken() && b.is_woken());
        assert!(!a.ready().is_leader());
        assert!(!b.ready().is_leader());
    }

    #[test]
    fn the_barrier_is_reusable_and_zero_means_one() {
        let barrier = Barrier::new(0);
        assert!(block_on(barrier.wait()).is_leader());
        assert!(block_on(barrier.wait()).is_leader());
        let barrier = Arc::new(Barrier::new(4));
        for _ in 0..3 {
            let threads: Vec<_> = (0..4)
                .map(|_| {
                    let barrier = Arc::clone(&barrier);
                    std::thread::spawn(move || block_on(barrier.wait()).is_leader())
                })
                .collect();
            let leaders = threads
                .into_iter()
                .map(|t| t.join().unwrap())
                .filter(|leader| *leader)
                .count();
            assert_eq!(leaders, 1);
        }
    }
}
