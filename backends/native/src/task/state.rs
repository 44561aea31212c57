//! The task's state word: lifecycle bits and a reference count in one atomic.
//!
//! ```text
//! bit  name           set by                              cleared by
//! 0    RUNNING        transition_to_running (a worker)    transition_to_idle / _complete
//!                     transition_to_shutdown (the owner)
//! 1    COMPLETE       transition_to_complete              never
//! 2    NOTIFIED       a wake, an abort                    transition_to_running
//! 3    CANCELLED      an abort, a shutdown                never
//! 4    JOIN_INTEREST  spawn (the JoinHandle exists)       unset_join_interested
//! 5    JOIN_WAKER     JoinHandle (set_join_waker)         JoinHandle (unset_waker, unset_join_interested)
//! 6..  reference count, in units of REF_ONE
//! ```
//!
//! A task's life, with the functions that move it:
//!
//! ```text
//!             wake (ref +1 or the waker's ref)          transition_to_running
//!   idle ─────────────────────────────────────▶ notified ─────────────────────▶ running
//!    ▲                                                                           │ │ │
//!    │ transition_to_idle (not notified: the run's ref is dropped)              │ │ │
//!    └───────────────────────────────────────────────────────────────────────────┘ │ │
//!      notified while running: transition_to_idle keeps the ref and re-queues ◀────┘ │
//!                                                      transition_to_complete ◀──────┘
//! ```
//!
//! References are held by: the owner's task list (until completion), the
//! `JoinHandle`, each `AbortHandle`, each `Waker`, and each `Notified` sitting in a
//! run queue. A task starts with three: the list, the `JoinHandle` and the first
//! `Notified`. The last reference to go deallocates the cell.
//!
//! Who may touch what:
//! * the future/output (`Stage`) belongs to whoever holds RUNNING; after COMPLETE,
//!   the output belongs to the `JoinHandle` if JOIN_INTEREST was set at completion,
//!   else to the completing thread, which drops it at once;
//! * the join waker slot belongs to the `JoinHandle` while JOIN_WAKER is clear and
//!   the task is not complete; while JOIN_WAKER is set, both sides may only read it.

use crate::loom::sync::atomic::AtomicUsize;
use crate::loom::sync::atomic::Ordering::{AcqRel, Acquire};

const RUNNING: usize = 1 << 0;
const COMPLETE: usize = 1 << 1;
const NOTIFIED: usize = 1 << 2;
const CANCELLED: usize = 1 << 3;
const JOIN_INTEREST: usize = 1 << 4;
const JOIN_WAKER: usize = 1 << 5;

const LIFECYCLE_MASK: usize = RUNNING | COMPLETE;
const REF_ONE: usize = 1 << 6;
const REF_COUNT_SHIFT: u32 = REF_ONE.trailing_zeros();

/// Spawned: referenced by the owner's list, the `JoinHandle` and the run queue.
const INITIAL: usize = (REF_ONE * 3) | JOIN_INTEREST | NOTIFIED;

pub(crate) struct State {
    val: AtomicUsize,
}

/// A copy of the state word at one instant.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Snapshot(usize);

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum TransitionToRunning {
    /// The caller now holds RUNNING and should poll the future.
    Success,
    /// The caller holds RUNNING but the task was aborted: drop the future instead.
    Cancelled,
    /// The task is running elsewhere or done; the queue's reference was dropped.
    Failed,
    /// As `Failed`, and that was the last reference.
    Dealloc,
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum TransitionToIdle {
    /// Idle; the run's reference was dropped.
    Ok,
    /// Woken during the poll: the run's reference now belongs to a new `Notified`.
    OkNotified,
    /// Idle, and that was the last reference.
    OkDealloc,
    /// Aborted during the poll; RUNNING is still held so the caller can cancel.
    Cancelled,
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum TransitionToNotified {
    /// Nothing to do: the task is running, queued or done.
    DoNothing,
    /// The caller now owns a `Notified` and must schedule it.
    Submit,
    /// The caller dropped the last reference.
    Dealloc,
}

impl State {
    pub(crate) fn new() -> State {
        State {
            val: AtomicUsize::new(INITIAL),
        }
    }

    pub(crate) fn load(&self) -> Snapshot {
        Snapshot(self.val.load(Acquire))
    }

    /// Runs `f` on the current value until the CAS sticks; `f` returns the new value
    /// (or `None` to leave the word alone) and what the caller should do.
    fn fetch_update_action<T>(&self, mut f: impl FnMut(Snapshot) -> (T, Option<Snapshot>)) -> T {
        let mut curr = self.load();
        loop {
            let (output, next) = f(curr);
            let Some(next) = next else { return output };
            match self
                .val
                .compare_exchange_weak(curr.0, next.0, AcqRel, Acquire)
            {
                Ok(_) => return output,
                Err(actual) => curr = Snapshot(actual),
            }
        }
    }

    /// Like `fetch_update_action`, but `f` may refuse; returns the snapshot the
    /// decision was made on.
    fn fetch_update(
        &self,
        mut f: impl FnMut(Snapshot) -> Option<Snapshot>,
    ) -> Result<Snapshot, Snapshot> {
        let mut curr = self.load();
        loop {
            let Some(next) = f(curr) else {
                return Err(curr);
            };
            match self
                .val
                .compare_exchange_weak(curr.0, next.0, AcqRel, Acquire)
            {
                Ok(_) => return Ok(curr),
                Err(actual) => curr = Snapshot(actual),
            }
        }
    }

    /// A worker popped the task's `Notified` and wants to poll it.
    pub(crate) fn transition_to_running(&self) -> TransitionToRunning {
        self.fetch_update_action(|mut next| {
            debug_assert!(next.is_notified(), "a queued task must be NOTIFIED");
            if !next.is_idle() {
                // Shut down or finished while queued: the queue's reference goes.
                next.ref_dec();
                let action = if next.ref_count() == 0 {
                    TransitionToRunning::Dealloc
                } else {
                    TransitionToRunning::Failed
                };
                return (action, Some(next));
            }
            next.0 = (next.0 | RUNNING) & !NOTIFIED;
            let action = if next.is_cancelled() {
                TransitionToRunning::Cancelled
            } else {
                TransitionToRunning::Success
            };
            (action, Some(next))
        })
    }

    /// The poll returned `Pending`.
    pub(crate) fn transition_to_idle(&self) -> TransitionToIdle {
        self.fetch_update_action(|curr| {
            debug_assert!(curr.is_running());
            if curr.is_cancelled() {
                return (TransitionToIdle::Cancelled, None);
            }
            let mut next = curr;
            next.0 &= !RUNNING;
            let action = if next.is_notified() {
                TransitionToIdle::OkNotified
            } else {
                next.ref_dec();
                if next.ref_count() == 0 {
                    TransitionToIdle::OkDealloc
                } else {
                    TransitionToIdle::Ok
                }
            };
            (action, Some(next))
        })
    }

    /// The future finished (or was dropped): RUNNING off, COMPLETE on. Returns the
    /// state before, whose JOIN_* bits say who owns the output and the waker.
    pub(crate) fn transition_to_complete(&self) -> Snapshot {
        let prev = Snapshot(self.val.fetch_xor(RUNNING | COMPLETE, AcqRel));
        debug_assert!(prev.is_running() && !prev.is_complete());
        prev
    }

    /// Drops `count` references at once after completion; true if none are left.
    pub(crate) fn transition_to_terminal(&self, count: usize) -> bool {
        let prev = Snapshot(self.val.fetch_sub(count * REF_ONE, AcqRel));
        debug_assert!(prev.ref_count() >= count, "task reference count underflow");
        prev.ref_count() == count
    }

    /// A waker is consumed by `wake`: its reference either becomes the `Notified`
    /// or is dropped.
    pub(crate) fn transition_to_notified_by_val(&self) -> TransitionToNotified {
        self.fetch_update_action(|mut next| {
            let action = if next.is_running() {
                // The worker polling it re-queues it when the poll returns.
                next.set_notified();
                next.ref_dec();
                debug_assert!(next.ref_count() > 0, "the running poll holds a reference");
                TransitionToNotified::DoNothing
            } else if next.is_complete() || next.is_notified() {
                next.ref_dec();
                if next.ref_count() == 0 {
                    TransitionToNotified::Dealloc
                } else {
                    TransitionToNotified::DoNothing
                }
            } else {
                next.set_notified();
                TransitionToNotified::Submit
            };
            (action, Some(next))
        })
    }

    /// A waker is used by reference: a `Notified` needs a reference of its own.
    pub(crate) fn transition_to_notified_by_ref(&self) -> TransitionToNotified {
        self.fetch_update_action(|mut next| {
            if next.is_complete() || next.is_notified() {
                (TransitionToNotified::DoNothing, None)
            } else if next.is_running() {
                next.set_notified();
                (TransitionToNotified::DoNothing, Some(next))
            } else {
                next.set_notified();
                next.ref_inc();
                (TransitionToNotified::Submit, Some(next))
            }
        })
    }

    /// An abort: marks the task cancelled and, if it is idle, hands the caller a
    /// `Notified` (with a fresh reference) so the task's own scheduler drops the
    /// future on the right thread. Returns true when the caller must schedule.
    pub(crate) fn transition_to_notified_and_cancel(&self) -> bool {
        self.fetch_update_action(|mut next| {
            if next.is_cancelled() || next.is_complete() {
                (false, None)
            } else if next.is_running() {
                // transition_to_idle sees CANCELLED after the poll.
                next.0 |= CANCELLED | NOTIFIED;
                (false, Some(next))
            } else if next.is_notified() {
                // transition_to_running sees CANCELLED when it is popped.
                next.0 |= CANCELLED;
                (false, Some(next))
            } else {
                next.0 |= CANCELLED | NOTIFIED;
                next.ref_inc();
                (true, Some(next))
            }
        })
    }

    /// The owner shuts the task down. Returns true if the caller took RUNNING and
    /// must drop the future; otherwise whoever runs it will see CANCELLED.
    pub(crate) fn transition_to_shutdown(&self) -> bool {
        let mut took_running = false;
        let _ = self.fetch_update(|mut next| {
            took_running = false;
            if next.is_idle() {
                next.0 |= RUNNING;
                took_running = true;
            }
            next.0 |= CANCELLED;
            Some(next)
        });
        took_running
    }

    /// The `JoinHandle` is dropped before completion: nobody wants the output.
    /// Clears JOIN_WAKER too, which hands the waker slot back to the caller. Fails,
    /// returning the complete snapshot, if the output is already there.
    pub(crate) fn unset_join_interested(&self) -> Result<Snapshot, Snapshot> {
        self.fetch_update(|mut next| {
            debug_assert!(next.is_join_interested());
            if next.is_complete() {
                return None;
            }
            next.0 &= !(JOIN_INTEREST | JOIN_WAKER);
            Some(next)
        })
    }

    /// Publishes the waker the `JoinHandle` just wrote; fails if the task completed.
    pub(crate) fn set_join_waker(&self) -> Result<Snapshot, Snapshot> {
        self.fetch_update(|mut next| {
            debug_assert!(next.is_join_interested() && !next.is_join_waker_set());
            if next.is_complete() {
                return None;
            }
            next.0 |= JOIN_WAKER;
            Some(next)
        })
    }

    /// Takes the waker slot back so the `JoinHandle` can replace the waker; fails if
    /// the task completed (the runtime may be reading the slot).
    pub(crate) fn unset_waker(&self) -> Result<Snapshot, Snapshot> {
        self.fetch_update(|mut next| {
            debug_assert!(next.is_join_interested() && next.is_join_waker_set());
            if next.is_complete() {
                return None;
            }
            next.0 &= !JOIN_WAKER;
            Some(next)
        })
    }

    pub(crate) fn ref_inc(&self) {
        let prev = self
            .val
            .fetch_add(REF_ONE, crate::loom::sync::atomic::Ordering::Relaxed);
        // A count this large means references leak in a loop; wrapping around would
        // free a live task, so stop the process instead.
        if prev > isize::MAX as usize {
            std::process::abort();
        }
    }

    /// Drops one reference; true if it was the last.
    pub(crate) fn ref_dec(&self) -> bool {
        let prev = Snapshot(self.val.fetch_sub(REF_ONE, AcqRel));
        debug_assert!(prev.ref_count() >= 1, "task reference count underflow");
        prev.ref_count() == 1
    }

    /// Drops the `JoinHandle` when nothing else happened yet: the common case of a
    /// detached task, done with one CAS. Falls back to the slow path otherwise.
    pub(crate) fn drop_join_handle_fast(&self) -> Result<(), ()> {
        self.val
            .compare_exchange(
                INITIAL,
                (INITIAL - REF_ONE) & !JOIN_INTEREST,
                AcqRel,
                Acquire,
            )
            .map(drop)
            .map_err(drop)
    }
}

impl Snapshot {
    pub(crate) fn is_idle(self) -> bool {
        self.0 & LIFECYCLE_MASK == 0
    }

    pub(crate) fn is_running(self) -> bool {
        self.0 & RUNNING != 0
    }

    pub(crate) fn is_complete(self) -> bool {
        self.0 & COMPLETE != 0
    }

    pub(crate) fn is_notified(self) -> bool {
        self.0 & NOTIFIED != 0
    }

    pub(crate) fn is_cancelled(self) -> bool {
        self.0 & CANCELLED != 0
    }

    pub(crate) fn is_join_interested(self) -> bool {
        self.0 & JOIN_INTEREST != 0
    }

    pub(crate) fn is_join_waker_set(self) -> bool {
        self.0 & JOIN_WAKER != 0
    }

    pub(crate) fn ref_count(self) -> usize {
        self.0 >> REF_COUNT_SHIFT
    }

    fn set_notified(&mut self) {
        self.0 |= NOTIFIED;
    }

    fn ref_inc(&mut self) {
        self.0 += REF_ONE;
    }

    fn ref_dec(&mut self) {
        debug_assert!(self.ref_count() > 0);
        self.0 -= REF_ONE;
    }
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshot")
            .field("running", &self.is_running())
            .field("complete", &self.is_complete())
            .field("notified", &self.is_notified())
            .field("cancelled", &self.is_cancelled())
            .field("join_interested", &self.is_join_interested())
            .field("join_waker", &self.is_join_waker_set())
            .field("refs", &self.ref_count())
            .finish()
    }
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.load().fmt(f)
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn spawned_task_runs_and_goes_idle() {
        let state = State::new();
        assert_eq!(state.load().ref_count(), 3);
        assert_eq!(state.transition_to_running(), TransitionToRunning::Success);
        let s = state.load();
        assert!(s.is_running() && !s.is_notified());
        assert_eq!(state.transition_to_idle(), TransitionToIdle::Ok);
        let s = state.load();
        assert!(s.is_idle());
        assert_eq!(s.ref_count(), 2, "the queue's reference is dropped");
    }

    #[test]
    fn wake_while_running_requeues_with_the_run_reference() {
        let state = State::new();
        state.transition_to_running();
        assert_eq!(
            state.transition_to_notified_by_ref(),
            TransitionToNotified::DoNothing
        );
        assert_eq!(
            state.load().ref_count(),
            3,
            "no reference taken while running"
        );
        assert_eq!(state.transition_to_idle(), TransitionToIdle::OkNotified);
        let s = state.load();
        assert!(s.is_notified() && !s.is_running());
        assert_eq!(s.ref_count(), 3);
    }

    #[test]
    fn wake_by_val_while_running_drops_the_wakers_reference() {
        let state = State::new();
        state.transition_to_running();
        state.ref_inc(); // a cloned waker
        assert_eq!(
            state.transition_to_notified_by_val(),
            TransitionToNotified::DoNothing
        );
        assert_eq!(state.load().ref_count(), 3);
        assert_eq!(state.transition_to_idle(), TransitionToIdle::OkNotified);
    }

    #[test]
    fn wake_idle_task_submits_once() {
        let state = State::new();
        state.transition_to_running();
        state.transition_to_idle();
        assert_eq!(
            state.transition_to_notified_by_ref(),
            TransitionToNotified::Submit
        );
        assert_eq!(
            state.transition_to_notified_by_ref(),
            TransitionToNotified::DoNothing,
            "a queued task is not queued twice"
        );
        assert_eq!(state.load().ref_count(), 3);
    }

    #[test]
    fn wake_after_completion_does_nothing() {
        let state = State::new();
        state.transition_to_running();
        state.ref_inc(); // a waker kept by some resource
        let prev = state.transition_to_complete();
        assert!(prev.is_join_interested());
        assert_eq!(
            state.transition_to_notified_by_ref(),
            TransitionToNotified::DoNothing
        );
        // The waker is finally consumed: its reference goes, the task is not queued.
        assert_eq!(
            state.transition_to_notified_by_val(),
            TransitionToNotified::DoNothing
        );
    }

    #[test]
    fn last_waker_after_completion_deallocates() {
        let state = State::new();
        state.transition_to_running();
        state.ref_inc(); // a waker
        state.transition_to_complete();
        // run + owned list released, JoinHandle dropped
        assert!(!state.transition_to_terminal(3));
        assert_eq!(
            state.transition_to_notified_by_val(),
            TransitionToNotified::Dealloc
        );
    }

    #[test]
    fn abort_while_running_cancels_after_the_poll() {
        let state = State::new();
        state.transition_to_running();
        assert!(!state.transition_to_notified_and_cancel());
        assert_eq!(state.transition_to_idle(), TransitionToIdle::Cancelled);
        assert!(state.load().is_running(), "the canceller keeps RUNNING");
    }

    #[test]
    fn abort_idle_task_schedules_it_cancelled() {
        let state = State::new();
        state.transition_to_running();
        state.transition_to_idle();
        assert!(state.transition_to_notified_and_cancel());
        assert_eq!(
            state.load().ref_count(),
            3,
            "the Notified holds a reference"
        );
        assert_eq!(
            state.transition_to_running(),
            TransitionToRunning::Cancelled
        );
        assert!(
            !state.transition_to_notified_and_cancel(),
            "abort is idempotent"
        );
    }

    #[test]
    fn abort_queued_task_cancels_when_popped() {
        let state = State::new();
        assert!(!state.transition_to_notified_and_cancel());
        assert_eq!(
            state.transition_to_running(),
            TransitionToRunning::Cancelled
        );
    }

    #[test]
    fn abort_after_completion_does_nothing() {
        let state = State::new();
        state.transition_to_running();
        state.transition_to_complete();
        assert!(!state.transition_to_notified_and_cancel());
        assert!(!state.load().is_cancelled());
    }

    #[test]
    fn join_handle_dropped_first() {
        let state = State::new();
        assert!(state.drop_join_handle_fast().is_ok());
        let s = state.load();
        assert!(!s.is_join_interested());
        assert_eq!(s.ref_count(), 2);
        state.transition_to_running();
        let prev = state.transition_to_complete();
        assert!(
            !prev.is_join_interested(),
            "completion sees that it must drop the output itself"
        );
    }

    #[test]
    fn join_handle_dropped_after_completion_owns_the_output() {
        let state = State::new();
        state.transition_to_running();
        state.transition_to_complete();
        assert!(state.drop_join_handle_fast().is_err());
        assert!(state.unset_join_interested().is_err());
    }

    #[test]
    fn join_waker_cannot_be_set_after_completion() {
        let state = State::new();
        assert!(state.set_join_waker().is_ok());
        assert!(state.unset_waker().is_ok());
        state.transition_to_running();
        let prev = state.transition_to_complete();
        assert!(!prev.is_join_waker_set());
        assert!(state.set_join_waker().is_err());
    }

    #[test]
    fn shutdown_takes_an_idle_task_but_not_a_running_one() {
        let idle = State::new();
        idle.transition_to_running();
        idle.transition_to_idle();
        assert!(idle.transition_to_shutdown());
        assert!(idle.load().is_running() && idle.load().is_cancelled());

        let running = State::new();
        running.transition_to_running();
        assert!(!running.transition_to_shutdown());
        assert_eq!(running.transition_to_idle(), TransitionToIdle::Cancelled);
    }

    #[test]
    fn popping_a_finished_task_drops_the_queue_reference() {
        let state = State::new();
        // shut down while queued
        assert!(state.transition_to_shutdown());
        state.transition_to_complete();
        assert_eq!(state.transition_to_running(), TransitionToRunning::Failed);
        assert_eq!(state.load().ref_count(), 2);
    }
}
