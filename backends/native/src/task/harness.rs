//! The typed side of a task: polling, completing, cancelling, and the `JoinHandle`'s
//! read and drop. Every function here follows the state machine in `state`.

use std::future::Future;
use std::mem::ManuallyDrop;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::ptr::NonNull;
use std::task::{Context, Poll, Waker};

use super::core::{Cell, Core, Header, Stage, Trailer};
use super::error::{JoinError, Repr};
use super::id::TaskIdGuard;
use super::raw::RawTask;
use super::state::{State, TransitionToIdle, TransitionToRunning};
use super::waker::borrowed_waker;
use super::{Notified, Schedule, Task};

pub(crate) struct Harness<F: Future, S: 'static> {
    cell: NonNull<Cell<F, S>>,
}

impl<F: Future, S: Schedule> Harness<F, S> {
    /// # Safety
    ///
    /// `ptr` is the header of a live `Cell<F, S>`.
    pub(crate) unsafe fn from_raw(ptr: NonNull<Header>) -> Harness<F, S> {
        Harness { cell: ptr.cast() }
    }

    fn cell(&self) -> &Cell<F, S> {
        // SAFETY: `from_raw`'s precondition; the caller keeps a reference alive.
        unsafe { self.cell.as_ref() }
    }

    fn header(&self) -> &Header {
        &self.cell().header
    }

    fn state(&self) -> &State {
        &self.header().state
    }

    fn core(&self) -> &Core<F, S> {
        &self.cell().core
    }

    fn trailer(&self) -> &Trailer {
        &self.cell().trailer
    }

    fn raw(&self) -> RawTask {
        // SAFETY: the cell is live (see `cell`).
        unsafe { RawTask::from_raw(self.cell.cast()) }
    }

    pub(crate) fn schedule(self) {
        self.core()
            .scheduler
            .schedule(Notified::from_raw(self.raw()));
    }

    pub(crate) fn dealloc(self) {
        // SAFETY: the last reference is gone, so nothing else can reach the cell; it
        // was allocated as a `Box<Cell<F, S>>` in `RawTask::new`.
        drop(unsafe { Box::from_raw(self.cell.as_ptr()) });
    }

    /// Runs one poll; the caller handed over a `Notified` reference.
    pub(crate) fn poll(self) {
        match self.state().transition_to_running() {
            TransitionToRunning::Success => self.poll_future(),
            TransitionToRunning::Cancelled => self.cancel_and_complete(true),
            TransitionToRunning::Failed => {}
            TransitionToRunning::Dealloc => self.dealloc(),
        }
    }

    fn poll_future(self) {
        let header = self.cell.cast::<Header>();
        // The poll borrows the run's reference instead of taking one: cloning the
        // waker is what takes a reference.
        // SAFETY: the header is live for the whole poll.
        let waker = ManuallyDrop::new(unsafe { borrowed_waker(header) });
        let mut cx = Context::from_waker(&waker);
        let id = self.header().id;

        let polled = panic::catch_unwind(AssertUnwindSafe(|| {
            let _id = TaskIdGuard::enter(id);
            // A panicking poll drops its future while the panic unwinds, as tokio
            // does: the future's `Drop` sees `thread::panicking()`.
            let drop_on_unwind = DropFutureOnUnwind { core: self.core() };
            // SAFETY: RUNNING is held, so this thread owns the stage.
            let poll = self
                .core()
                .stage
                .with_mut(|stage| match unsafe { &mut *stage } {
                    Stage::Running(future) => {
                        // SAFETY: the future is pinned in the heap cell; it is never moved
                        // out, only dropped in place (`set_stage`).
                        let future = unsafe { Pin::new_unchecked(future) };
                        future.poll(&mut cx)
                    }
                    _ => unreachable!("a running task has a future"),
                });
            std::mem::forget(drop_on_unwind);
            poll
        }));

        match polled {
            Ok(Poll::Ready(output)) => self.complete(Ok(output), true),
            Ok(Poll::Pending) => match self.state().transition_to_idle() {
                TransitionToIdle::Ok => {}
                TransitionToIdle::OkNotified => {
                    // Woken during its own poll: it yielded. The run's reference
                    // becomes the new `Notified`.
                    self.core()
                        .scheduler
                        .yield_now(Notified::from_raw(self.raw()));
                }
                TransitionToIdle::OkDealloc => self.dealloc(),
                TransitionToIdle::Cancelled => self.cancel_and_complete(true),
            },
            Err(payload) => self.complete(Err(Repr::Panic(payload)), true),
        }
    }

    /// The owner (runtime shutdown) cancels the task; it holds the list's reference.
    pub(crate) fn shutdown(self) {
        if self.state().transition_to_shutdown() {
            self.cancel_and_complete(false);
        }
    }

    /// Drops the future (catching a panic in its `Drop`) and completes the task as
    /// cancelled, or as panicked if the drop panicked.
    fn cancel_and_complete(self, holds_run_ref: bool) {
        let id = self.header().id;
        let dropped = panic::catch_unwind(AssertUnwindSafe(|| {
            let _id = TaskIdGuard::enter(id);
            // SAFETY: RUNNING is held.
            unsafe { self.core().set_stage(Stage::Consumed) };
        }));
        let error = match dropped {
            Ok(()) => Repr::Cancelled,
            Err(payload) => Repr::Panic(payload),
        };
        self.complete(Err(error), holds_run_ref);
    }

    /// Stores the output, publishes COMPLETE, hands the output to the `JoinHandle`
    /// (or drops it if there is none), and releases the task from its owner.
    fn complete(self, output: Result<F::Output, Repr>, holds_run_ref: bool) {
        let id = self.header().id;
        // Drop the future before storing the output; a panic in its `Drop` after a
        // successful poll is swallowed, as the output is what the user asked for.
        let _ = panic::catch_unwind(AssertUnwindSafe(|| {
            let _id = TaskIdGuard::enter(id);
            // SAFETY: RUNNING is held.
            unsafe { self.core().set_stage(Stage::Consumed) };
        }));
        // SAFETY: RUNNING is held.
        unsafe { self.core().set_stage(Stage::Finished(output)) };

        let prev = self.state().transition_to_complete();
        let _ = panic::catch_unwind(AssertUnwindSafe(|| {
            if !prev.is_join_interested() {
                // Nobody will read the output; it was ours since the JoinHandle left.
                let _id = TaskIdGuard::enter(id);
                // SAFETY: without JOIN_INTEREST at completion the output is ours.
                unsafe { self.core().set_stage(Stage::Consumed) };
            } else if prev.is_join_waker_set() {
                // SAFETY: JOIN_WAKER was set at completion, so the slot has no writer.
                unsafe { self.trailer().wake_join() };
            }
        }));

        let mut release = usize::from(holds_run_ref);
        let me = ManuallyDrop::new(Task::<S>::from_raw(self.raw()));
        if let Some(owned) = self.core().scheduler.release(&me) {
            // The list's reference is dropped with the others below.
            std::mem::forget(owned);
            release += 1;
        }
        if release > 0 && self.state().transition_to_terminal(release) {
            self.dealloc();
        }
    }

    /// The `JoinHandle` polls: writes the output to `dst` if the task is complete,
    /// else leaves `dst` alone and makes sure `waker` will be woken at completion.
    pub(crate) fn try_read_output(
        self,
        dst: *mut Poll<Result<F::Output, JoinError>>,
        waker: &Waker,
    ) {
        if self.can_read_output(waker) {
            // SAFETY: COMPLETE with JOIN_INTEREST held by the caller: the output is the
            // JoinHandle's.
            let output = unsafe { self.core().take_output() };
            let output = output.map_err(|repr| JoinError::new(repr, self.header().id));
            // SAFETY: `dst` is valid for writes (the JoinHandle's own stack slot), and
            // the old value is `Pending`, which owns nothing.
            unsafe { dst.write(Poll::Ready(output)) };
        }
    }

    fn can_read_output(&self, waker: &Waker) -> bool {
        let snapshot = self.state().load();
        debug_assert!(snapshot.is_join_interested());
        if snapshot.is_complete() {
            return true;
        }
        if snapshot.is_join_waker_set() {
            // SAFETY: JOIN_WAKER is set: the slot has no writer.
            if unsafe { self.trailer().will_wake(waker) } {
                return false;
            }
            // Take the slot back before replacing the waker.
            if self.state().unset_waker().is_err() {
                return true;
            }
        }
        self.set_join_waker(waker.clone())
    }

    /// Returns true if the task completed meanwhile (the waker was not published).
    fn set_join_waker(&self, waker: Waker) -> bool {
        // SAFETY: JOIN_WAKER is clear and the task was incomplete: the slot is ours.
        unsafe { self.trailer().set_waker(Some(waker)) };
        match self.state().set_join_waker() {
            Ok(_) => false,
            Err(_) => {
                // Completed before we published: the slot is still ours; empty it.
                // SAFETY: JOIN_WAKER was never set.
                unsafe { self.trailer().set_waker(None) };
                true
            }
        }
    }

    pub(crate) fn drop_join_handle_slow(self) {
        match self.state().unset_join_interested() {
            Err(_) => {
                // Complete with JOIN_INTEREST: the output is ours to drop.
                let id = self.header().id;
                let _ = panic::catch_unwind(AssertUnwindSafe(|| {
                    let _id = TaskIdGuard::enter(id);
                    // SAFETY: COMPLETE and JOIN_INTEREST: the output is the JoinHandle's.
                    unsafe { self.core().set_stage(Stage::Consumed) };
                }));
            }
            Ok(prev) => {
                if prev.is_join_waker_set() {
                    // SAFETY: we cleared JOIN_WAKER before completion: the slot is ours.
                    unsafe { self.trailer().set_waker(None) };
                }
            }
        }
        self.raw().drop_reference();
    }
}

/// Drops a task's future if the poll holding it unwinds; forgotten when the poll
/// returns. Created only while the task's RUNNING bit is held by this thread.
struct DropFutureOnUnwind<'a, F: Future, S> {
    core: &'a Core<F, S>,
}

impl<F: Future, S> Drop for DropFutureOnUnwind<'_, F, S> {
    fn drop(&mut self) {
        // SAFETY: the guard lives only inside a poll, while RUNNING is held, and the
        // poll's borrow of the stage ended as its frame unwound.
        unsafe { self.core.set_stage(Stage::Consumed) };
    }
}
