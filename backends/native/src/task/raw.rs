//! `RawTask`: a typed-erased pointer to a task cell and the vtable behind it.
//!
//! A `RawTask` is `Copy` and owns nothing; the reference-owning wrappers (`Task`,
//! `Notified`, `JoinHandle`, wakers) decide when a reference is dropped.

use std::future::Future;
use std::ptr::NonNull;
use std::task::Waker;

use super::Schedule;
use super::core::{Cell, Header};
use super::harness::Harness;
use super::id::Id;
use super::state::State;

/// The operations that need the task's concrete types, monomorphized per
/// (future, scheduler) pair.
pub(crate) struct Vtable {
    /// Runs the task: consumes the `Notified` reference handed to it.
    pub(crate) poll: unsafe fn(NonNull<Header>),
    /// Hands a `Notified` (owning one reference) to the task's scheduler.
    pub(crate) schedule: unsafe fn(NonNull<Header>),
    pub(crate) dealloc: unsafe fn(NonNull<Header>),
    /// Writes `Poll<Result<T, JoinError>>` to `dst` if the output is ready, or
    /// registers the waker.
    pub(crate) try_read_output: unsafe fn(NonNull<Header>, *mut (), &Waker),
    pub(crate) drop_join_handle_slow: unsafe fn(NonNull<Header>),
    /// The owner cancels the task; the caller holds the list's reference.
    pub(crate) shutdown: unsafe fn(NonNull<Header>),
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawTask {
    ptr: NonNull<Header>,
}

// SAFETY: the task's shared state is synchronised by its state word; which thread may
// poll it is decided by its scheduler, not by who holds the pointer.
unsafe impl Send for RawTask {}
// SAFETY: as above; a `RawTask` only exposes operations that are safe from any thread.
unsafe impl Sync for RawTask {}

fn vtable<F: Future, S: Schedule>() -> &'static Vtable {
    &Vtable {
        poll: poll::<F, S>,
        schedule: schedule::<F, S>,
        dealloc: dealloc::<F, S>,
        try_read_output: try_read_output::<F, S>,
        drop_join_handle_slow: drop_join_handle_slow::<F, S>,
        shutdown: shutdown::<F, S>,
    }
}

impl RawTask {
    /// Allocates the task; its state holds three references (list, `JoinHandle`,
    /// first `Notified`).
    pub(crate) fn new<F, S>(future: F, scheduler: S, id: Id) -> RawTask
    where
        F: Future,
        S: Schedule,
    {
        let cell = Cell::new(future, scheduler, id, vtable::<F, S>());
        let ptr = NonNull::from(Box::leak(cell)).cast::<Header>();
        RawTask { ptr }
    }

    /// # Safety
    ///
    /// `ptr` points to the header of a live task cell.
    pub(crate) unsafe fn from_raw(ptr: NonNull<Header>) -> RawTask {
        RawTask { ptr }
    }

    pub(crate) fn header_ptr(self) -> NonNull<Header> {
        self.ptr
    }

    pub(crate) fn header(&self) -> &Header {
        // SAFETY: a `RawTask` is only made for a live cell, and its holder keeps a
        // reference to it for as long as it uses the pointer.
        unsafe { self.ptr.as_ref() }
    }

    pub(crate) fn state(&self) -> &State {
        &self.header().state
    }

    pub(crate) fn id(&self) -> Id {
        self.header().id
    }

    /// Polls the task, consuming one `Notified` reference.
    pub(crate) fn poll(self) {
        // SAFETY: the vtable matches the cell it was made with.
        unsafe { (self.header().vtable.poll)(self.ptr) }
    }

    /// Schedules the task, handing one reference to the scheduler.
    pub(crate) fn schedule(self) {
        // SAFETY: as above.
        unsafe { (self.header().vtable.schedule)(self.ptr) }
    }

    pub(crate) fn dealloc(self) {
        // SAFETY: as above; callers only dealloc when the count reached zero.
        unsafe { (self.header().vtable.dealloc)(self.ptr) }
    }

    /// # Safety
    ///
    /// `dst` points to a `Poll<Result<T, JoinError>>` where `T` is the task's output.
    pub(crate) unsafe fn try_read_output(self, dst: *mut (), waker: &Waker) {
        // SAFETY: the vtable matches the cell; `dst`'s type is the caller's promise.
        unsafe { (self.header().vtable.try_read_output)(self.ptr, dst, waker) }
    }

    pub(crate) fn drop_join_handle_slow(self) {
        // SAFETY: the vtable matches the cell it was made with.
        unsafe { (self.header().vtable.drop_join_handle_slow)(self.ptr) }
    }

    pub(crate) fn shutdown(self) {
        // SAFETY: the vtable matches the cell it was made with.
        unsafe { (self.header().vtable.shutdown)(self.ptr) }
    }

    pub(crate) fn ref_inc(self) {
        self.state().ref_inc();
    }

    pub(crate) fn drop_reference(self) {
        if self.state().ref_dec() {
            self.dealloc();
        }
    }

    /// Aborts the task; see `State::transition_to_notified_and_cancel`.
    pub(crate) fn remote_abort(self) {
        if self.state().transition_to_notified_and_cancel() {
            self.schedule();
        }
    }
}

unsafe fn poll<F: Future, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: the vtable is only installed on cells of these types.
    unsafe { Harness::<F, S>::from_raw(ptr) }.poll();
}

unsafe fn schedule<F: Future, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: the vtable is only installed on cells of these types; the caller hands
    // over one reference with the pointer, which the `Notified` takes.
    unsafe { Harness::<F, S>::from_raw(ptr) }.schedule();
}

unsafe fn dealloc<F: Future, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: the vtable is only installed on cells of these types.
    unsafe { Harness::<F, S>::from_raw(ptr) }.dealloc();
}

unsafe fn try_read_output<F: Future, S: Schedule>(
    ptr: NonNull<Header>,
    dst: *mut (),
    waker: &Waker,
) {
    // SAFETY: the vtable is only installed on cells of these types; `dst`'s type is
    // the caller's precondition.
    unsafe { Harness::<F, S>::from_raw(ptr).try_read_output(dst.cast(), waker) };
}

unsafe fn drop_join_handle_slow<F: Future, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: the vtable is only installed on cells of these types.
    unsafe { Harness::<F, S>::from_raw(ptr) }.drop_join_handle_slow();
}

unsafe fn shutdown<F: Future, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: the vtable is only installed on cells of these types.
    unsafe { Harness::<F, S>::from_raw(ptr) }.shutdown();
}
