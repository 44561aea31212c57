//! Which workers are parked and which are searching for work.
//!
//! A worker is *searching* between being woken and finding a task; it is
//! *unparked* whenever it is not blocked in `park`. Two rules keep wake-ups rare,
//! which matters on machines where waking a thread on another CPU costs tens of
//! microseconds:
//!
//! * a new task wakes a parked worker only if nobody is searching already (the
//!   searcher will find it) — `worker_to_notify`;
//! * at most half the workers search at once — `transition_worker_to_searching`.
//!
//! When the last searcher finds work it wakes one more worker, so that while work
//! keeps arriving someone is always looking for it; a worker that parks as the
//! last searcher re-checks every queue first (see `Worker::park`), so a task
//! pushed while everyone was going to sleep is never stranded.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

pub(crate) struct Idle {
    /// Workers searching for work.
    num_searching: AtomicUsize,
    /// Workers not parked.
    num_unparked: AtomicUsize,
    /// Indices of parked workers, most recently parked last.
    sleepers: Mutex<Vec<usize>>,
    num_workers: usize,
}

impl Idle {
    pub(crate) fn new(num_workers: usize) -> Idle {
        Idle {
            num_searching: AtomicUsize::new(0),
            num_unparked: AtomicUsize::new(num_workers),
            sleepers: Mutex::new(Vec::with_capacity(num_workers)),
            num_workers,
        }
    }

    /// The worker to wake for new work, if one should be woken. The chosen worker
    /// is counted as unparked and searching before it actually wakes, so two
    /// notifications never pick the same sleeper or wake more than needed.
    pub(crate) fn worker_to_notify(&self) -> Option<usize> {
        if !self.notify_should_wake() {
            return None;
        }
        let mut sleepers = self.sleepers.lock().unwrap();
        // Re-check under the lock: a worker may have started searching meanwhile.
        if !self.notify_should_wake() {
            return None;
        }
        let worker = sleepers.pop()?;
        self.num_searching.fetch_add(1, Ordering::SeqCst);
        self.num_unparked.fetch_add(1, Ordering::SeqCst);
        Some(worker)
    }

    fn notify_should_wake(&self) -> bool {
        self.num_searching.load(Ordering::SeqCst) == 0
            && self.num_unparked.load(Ordering::SeqCst) < self.num_workers
    }

    /// A worker goes to sleep. Returns true if it was the last searcher.
    pub(crate) fn transition_worker_to_parked(&self, worker: usize, is_searching: bool) -> bool {
        let mut sleepers = self.sleepers.lock().unwrap();
        let was_last_searcher =
            is_searching && self.num_searching.fetch_sub(1, Ordering::SeqCst) == 1;
        self.num_unparked.fetch_sub(1, Ordering::SeqCst);
        sleepers.push(worker);
        was_last_searcher
    }

    /// A worker without work wants to steal; refused when half the workers
    /// already search.
    pub(crate) fn transition_worker_to_searching(&self) -> bool {
        let searching = self.num_searching.load(Ordering::SeqCst);
        if 2 * searching >= self.num_workers {
            return false;
        }
        self.num_searching.fetch_add(1, Ordering::SeqCst);
        true
    }

    /// A searching worker found work. Returns true if it was the last searcher
    /// (and should wake another).
    pub(crate) fn transition_worker_from_searching(&self) -> bool {
        self.num_searching.fetch_sub(1, Ordering::SeqCst) == 1
    }

    /// Removes `worker` from the sleepers if it is there (it woke for its own
    /// reasons: I/O or a timer). Returns true if it was.
    pub(crate) fn unpark_worker_by_id(&self, worker: usize) -> bool {
        let mut sleepers = self.sleepers.lock().unwrap();
        match sleepers.iter().position(|&w| w == worker) {
            Some(i) => {
                sleepers.swap_remove(i);
                self.num_unparked.fetch_add(1, Ordering::SeqCst);
                true
            }
            None => false,
        }
    }

    /// Whether `worker` is on the sleepers list (not yet woken by a notification).
    pub(crate) fn is_parked(&self, worker: usize) -> bool {
        self.sleepers.lock().unwrap().contains(&worker)
    }

    /// Whether every worker is parked.
    pub(crate) fn all_parked(&self) -> bool {
        self.num_unparked.load(Ordering::SeqCst) == 0
    }

    /// Every parked worker, to wake them all (shutdown).
    pub(crate) fn drain_sleepers(&self) -> Vec<usize> {
        let mut sleepers = self.sleepers.lock().unwrap();
        self.num_unparked
            .fetch_add(sleepers.len(), Ordering::SeqCst);
        std::mem::take(&mut *sleepers)
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn nobody_is_woken_while_all_are_awake() {
        let idle = Idle::new(2);
        assert_eq!(idle.worker_to_notify(), None);
    }

    #[test]
    fn one_sleeper_is_woken_once() {
        let idle = Idle::new(2);
        assert!(!idle.transition_worker_to_parked(1, false));
        assert_eq!(idle.worker_to_notify(), Some(1));
        // It now counts as searching: a second notification wakes nobody.
        assert_eq!(idle.worker_to_notify(), None);
        assert!(idle.transition_worker_from_searching());
    }

    #[test]
    fn searching_is_limited_to_half_the_workers() {
        let idle = Idle::new(4);
        assert!(idle.transition_worker_to_searching());
        assert!(idle.transition_worker_to_searching());
        assert!(!idle.transition_worker_to_searching());
        assert!(!idle.transition_worker_from_searching());
        assert!(idle.transition_worker_from_searching());
    }

    #[test]
    fn last_searcher_parking_is_reported() {
        let idle = Idle::new(2);
        assert!(idle.transition_worker_to_searching());
        assert!(idle.transition_worker_to_parked(0, true));
        assert!(!idle.transition_worker_to_parked(1, false));
        assert!(idle.all_parked());
    }

    #[test]
    fn a_notified_worker_is_no_longer_a_sleeper_but_a_searcher() {
        // A worker the driver woke with work of its own may have been picked by a
        // notification too; `unpark_worker_by_id` says which, so it can take the
        // searching role the notification counted and give it back later.
        let idle = Idle::new(2);
        idle.transition_worker_to_parked(0, false);
        assert_eq!(idle.worker_to_notify(), Some(0));
        assert!(
            !idle.unpark_worker_by_id(0),
            "already woken by the notification"
        );
        assert_eq!(idle.worker_to_notify(), None, "it counts as searching");
        assert!(idle.transition_worker_from_searching());
        idle.transition_worker_to_parked(0, false);
        assert_eq!(idle.worker_to_notify(), Some(0), "notifications work again");
    }

    #[test]
    fn a_worker_woken_by_io_leaves_the_sleepers() {
        let idle = Idle::new(2);
        idle.transition_worker_to_parked(0, false);
        assert!(idle.is_parked(0));
        assert!(idle.unpark_worker_by_id(0));
        assert!(!idle.is_parked(0));
        assert!(!idle.unpark_worker_by_id(0));
        assert_eq!(idle.worker_to_notify(), None);
    }
}
