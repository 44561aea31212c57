//! The task's one allocation: header, scheduler handle, future-or-output, join waker.
//!
//! `Cell` is `repr(C)` with the `Header` first, so a pointer to the header is a
//! pointer to the cell; everything that knows only the header (wakers, queues,
//! `JoinHandle<T>`) reaches the typed parts through the header's vtable.

use std::future::Future;
use std::ptr::NonNull;
use std::task::Waker;

use super::error::Repr;
use super::id::Id;
use super::raw::Vtable;
use super::state::State;
use crate::loom::cell::UnsafeCell;

#[repr(C)]
pub(crate) struct Cell<F: Future, S> {
    pub(crate) header: Header,
    pub(crate) core: Core<F, S>,
    pub(crate) trailer: Trailer,
}

/// The type-erased front of every task.
#[repr(C)]
pub(crate) struct Header {
    pub(crate) state: State,
    pub(crate) vtable: &'static Vtable,
    /// Links in the owner's task list.
    /// INVARIANT: read and written only with that list's shard lock held.
    pub(crate) owned: UnsafeCell<Links>,
    pub(crate) id: Id,
}

/// Intrusive links of `OwnedTasks`.
pub(crate) struct Links {
    pub(crate) prev: Option<NonNull<Header>>,
    pub(crate) next: Option<NonNull<Header>>,
}

pub(crate) struct Core<F: Future, S> {
    pub(crate) scheduler: S,
    /// INVARIANT: accessed only by the holder of RUNNING, or after COMPLETE by the
    /// owner of the output (see `state`'s module docs).
    pub(crate) stage: UnsafeCell<Stage<F>>,
}

pub(crate) enum Stage<F: Future> {
    Running(F),
    Finished(Result<F::Output, Repr>),
    Consumed,
}

pub(crate) struct Trailer {
    /// The `JoinHandle`'s waker.
    /// INVARIANT: written only by the `JoinHandle` while JOIN_WAKER is clear and the
    /// task is incomplete; while JOIN_WAKER is set, only read.
    pub(crate) waker: UnsafeCell<Option<Waker>>,
}

impl<F: Future, S> Cell<F, S> {
    pub(crate) fn new(future: F, scheduler: S, id: Id, vtable: &'static Vtable) -> Box<Self> {
        Box::new(Cell {
            header: Header {
                state: State::new(),
                vtable,
                owned: UnsafeCell::new(Links {
                    prev: None,
                    next: None,
                }),
                id,
            },
            core: Core {
                scheduler,
                stage: UnsafeCell::new(Stage::Running(future)),
            },
            trailer: Trailer {
                waker: UnsafeCell::new(None),
            },
        })
    }
}

impl<F: Future, S> Core<F, S> {
    /// Replaces the stage, dropping the future or output it held.
    ///
    /// # Safety
    ///
    /// The caller holds the stage per `Core::stage`'s invariant.
    pub(crate) unsafe fn set_stage(&self, stage: Stage<F>) {
        // SAFETY: exclusive access is the caller's precondition.
        self.stage.with_mut(|ptr| unsafe { *ptr = stage });
    }

    /// Takes the output out of a finished task.
    ///
    /// # Safety
    ///
    /// The caller owns the output per `Core::stage`'s invariant.
    pub(crate) unsafe fn take_output(&self) -> Result<F::Output, Repr> {
        // SAFETY: exclusive access is the caller's precondition.
        let stage = self
            .stage
            .with_mut(|ptr| unsafe { std::mem::replace(&mut *ptr, Stage::Consumed) });
        match stage {
            Stage::Finished(output) => output,
            _ => panic!("JoinHandle polled after completion"),
        }
    }
}

impl Trailer {
    /// # Safety
    ///
    /// The caller may write the slot per `Trailer::waker`'s invariant.
    pub(crate) unsafe fn set_waker(&self, waker: Option<Waker>) {
        // SAFETY: exclusive access is the caller's precondition.
        self.waker.with_mut(|ptr| unsafe { *ptr = waker });
    }

    /// # Safety
    ///
    /// JOIN_WAKER is set (no writer) or the caller may write the slot.
    pub(crate) unsafe fn will_wake(&self, waker: &Waker) -> bool {
        // SAFETY: no writer exists per the caller's precondition.
        self.waker
            .with(|ptr| unsafe { (*ptr).as_ref() })
            .is_some_and(|stored| stored.will_wake(waker))
    }

    /// # Safety
    ///
    /// JOIN_WAKER was set when the task completed, so no writer exists.
    pub(crate) unsafe fn wake_join(&self) {
        // SAFETY: no writer exists per the caller's precondition.
        self.waker.with(|ptr| match unsafe { &*ptr } {
            Some(waker) => waker.wake_by_ref(),
            None => panic!("JOIN_WAKER set without a waker"),
        });
    }
}

impl Header {
    /// # Safety
    ///
    /// The caller holds the lock of the list this task is (or will be) linked in.
    pub(crate) unsafe fn links(&self) -> *mut Links {
        self.owned.with_mut(|ptr| ptr)
    }
}
