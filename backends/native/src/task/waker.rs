//! Wakers for tasks: the data pointer is the task's header, and each `Waker` owns one
//! reference to the task.

use std::ptr::NonNull;
use std::task::{RawWaker, RawWakerVTable, Waker};

use super::core::Header;
use super::raw::RawTask;
use super::state::TransitionToNotified;

static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, wake, wake_by_ref, drop_waker);

/// A waker for the task being polled that does not own a reference: the caller must
/// keep it in `ManuallyDrop` and not let it outlive the poll. Cloning it takes a
/// reference, as for any task waker.
///
/// # Safety
///
/// `header` is a live task that stays alive while the returned waker is used.
pub(crate) unsafe fn borrowed_waker(header: NonNull<Header>) -> Waker {
    // SAFETY: the vtable's functions uphold `RawWaker`'s contract for task headers.
    unsafe { Waker::from_raw(RawWaker::new(header.as_ptr().cast(), &VTABLE)) }
}

/// # Safety
///
/// `ptr` came from a waker of this vtable, so it is a live task header.
unsafe fn task(ptr: *const ()) -> RawTask {
    // SAFETY: wakers only carry non-null task headers (see above).
    unsafe { RawTask::from_raw(NonNull::new_unchecked(ptr as *mut Header)) }
}

unsafe fn clone(ptr: *const ()) -> RawWaker {
    // SAFETY: `ptr` is a live task header.
    unsafe { task(ptr) }.ref_inc();
    RawWaker::new(ptr, &VTABLE)
}

unsafe fn wake(ptr: *const ()) {
    // SAFETY: `ptr` is a live task header; this waker owns a reference.
    let task = unsafe { task(ptr) };
    match task.state().transition_to_notified_by_val() {
        // The waker's reference becomes the `Notified`.
        TransitionToNotified::Submit => task.schedule(),
        TransitionToNotified::DoNothing => {}
        TransitionToNotified::Dealloc => task.dealloc(),
    }
}

unsafe fn wake_by_ref(ptr: *const ()) {
    // SAFETY: `ptr` is a live task header.
    let task = unsafe { task(ptr) };
    if task.state().transition_to_notified_by_ref() == TransitionToNotified::Submit {
        task.schedule();
    }
}

unsafe fn drop_waker(ptr: *const ()) {
    // SAFETY: `ptr` is a live task header; this waker owns a reference.
    unsafe { task(ptr) }.drop_reference();
}
