//! The thread-local runtime context.
//!
//! Three things, with different lifetimes:
//! * `current`: the handle of the innermost *entered* runtime (`Runtime::enter`,
//!   `block_on`, worker threads). `spawn`, `sleep` and `Handle::current` read it.
//! * `driving`: whether this thread is driving a runtime (inside `block_on` or a
//!   worker). Blocking here (`block_on`, `blocking_recv`) would stall every task on
//!   this thread, so it panics with tokio's message instead.
//! * `scheduler`: the scheduler whose core this thread holds right now, so a wake
//!   on this thread pushes to the local queue instead of the shared one.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::marker::PhantomData;
use std::task::Waker;

use crate::scheduler;

/// Tokio's message for a missing runtime, kept verbatim so ported code and tests
/// that match on it behave the same.
pub(crate) const CONTEXT_MISSING_ERROR: &str =
    "there is no reactor running, must be called from the context of a Tokio 1.x runtime";

pub(crate) const THREAD_LOCAL_DESTROYED_ERROR: &str =
    "The Tokio context thread-local variable has been destroyed.";

const NESTED_RUNTIME_ERROR: &str = "Cannot start a runtime from within a runtime. This happens \
    because a function (like `block_on`) attempted to block the current thread while the \
    thread is being used to drive asynchronous tasks.";

struct Context {
    current: RefCell<Option<scheduler::Handle>>,
    /// Bumped by every `set_current`, so out-of-order guard drops are caught.
    depth: Cell<usize>,
    driving: Cell<Driving>,
    scheduler: Scoped<scheduler::Context>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Driving {
    No,
    Yes { allow_block_in_place: bool },
}

thread_local! {
    static CONTEXT: Context = const {
        Context {
            current: RefCell::new(None),
            depth: Cell::new(0),
            driving: Cell::new(Driving::No),
            scheduler: Scoped::new(),
        }
    };
}

/// Why there is no current runtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TryCurrentError {
    thread_local_destroyed: bool,
}

impl TryCurrentError {
    /// No runtime has been entered on this thread.
    pub fn is_missing_context(&self) -> bool {
        !self.thread_local_destroyed
    }

    /// The thread is exiting and its context is already gone.
    pub fn is_thread_local_destroyed(&self) -> bool {
        self.thread_local_destroyed
    }
}

impl fmt::Display for TryCurrentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.thread_local_destroyed {
            THREAD_LOCAL_DESTROYED_ERROR
        } else {
            CONTEXT_MISSING_ERROR
        })
    }
}

impl std::error::Error for TryCurrentError {}

/// Runs `f` with the current runtime's handle.
pub(crate) fn with_current<R>(
    f: impl FnOnce(&scheduler::Handle) -> R,
) -> Result<R, TryCurrentError> {
    match CONTEXT.try_with(|cx| cx.current.borrow().as_ref().map(f)) {
        Ok(Some(r)) => Ok(r),
        Ok(None) => Err(TryCurrentError {
            thread_local_destroyed: false,
        }),
        Err(_) => Err(TryCurrentError {
            thread_local_destroyed: true,
        }),
    }
}

/// Whether a native runtime is current on this thread.
pub fn has_current() -> bool {
    CONTEXT
        .try_with(|cx| cx.current.borrow().is_some())
        .unwrap_or(false)
}

/// Like `with_current`, panicking with tokio's message outside a runtime.
#[track_caller]
pub(crate) fn expect_current<R>(f: impl FnOnce(&scheduler::Handle) -> R) -> R {
    match with_current(f) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    }
}

/// Makes `handle` current until the guard drops.
pub(crate) fn set_current(handle: &scheduler::Handle) -> SetCurrentGuard {
    CONTEXT
        .try_with(|cx| {
            let prev = cx.current.replace(Some(handle.clone()));
            let depth = cx.depth.get() + 1;
            cx.depth.set(depth);
            SetCurrentGuard {
                prev,
                depth,
                _not_send: PhantomData,
            }
        })
        .expect(THREAD_LOCAL_DESTROYED_ERROR)
}

/// Restores the previously current runtime. Must be dropped in the reverse order
/// of creation, on the thread that made it.
pub(crate) struct SetCurrentGuard {
    prev: Option<scheduler::Handle>,
    depth: usize,
    _not_send: PhantomData<*const ()>,
}

impl Drop for SetCurrentGuard {
    fn drop(&mut self) {
        let prev = self.prev.take();
        let _ = CONTEXT.try_with(|cx| {
            if cx.depth.get() != self.depth {
                if !std::thread::panicking() {
                    panic!(
                        "`EnterGuard` values dropped out of order. Guards returned by \
                         `tokio::runtime::Handle::enter()` must be dropped in the reverse \
                         order as they were acquired."
                    );
                }
                return;
            }
            cx.depth.set(self.depth - 1);
            // The old handle is dropped after the borrow ends: its drop may reach
            // back into the context (a runtime's last handle shutting it down).
            let replaced = cx.current.replace(prev);
            drop(replaced);
        });
    }
}

impl fmt::Debug for SetCurrentGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SetCurrentGuard").finish()
    }
}

/// Hides the current native runtime until the guard drops: the facade does this
/// while a thread is inside a runtime of another backend, so the innermost runtime
/// is the current one.
pub fn suspend() -> SuspendGuard {
    let prev = CONTEXT.try_with(|cx| cx.current.take()).ok().flatten();
    SuspendGuard {
        prev,
        _not_send: PhantomData,
    }
}

/// Restores the runtime hidden by [`suspend`].
pub struct SuspendGuard {
    prev: Option<scheduler::Handle>,
    _not_send: PhantomData<*const ()>,
}

impl Drop for SuspendGuard {
    fn drop(&mut self) {
        if let Some(prev) = self.prev.take() {
            let _ = CONTEXT.try_with(|cx| {
                let replaced = cx.current.replace(Some(prev));
                drop(replaced);
            });
        }
    }
}

impl fmt::Debug for SuspendGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SuspendGuard").finish_non_exhaustive()
    }
}

/// Marks this thread as driving `handle`'s runtime while `f` runs (and makes it
/// current). Panics if it already drives one.
#[track_caller]
pub(crate) fn enter_runtime<R>(
    handle: &scheduler::Handle,
    allow_block_in_place: bool,
    f: impl FnOnce() -> R,
) -> R {
    let entered = CONTEXT.with(|cx| {
        if cx.driving.get() != Driving::No {
            return false;
        }
        cx.driving.set(Driving::Yes {
            allow_block_in_place,
        });
        true
    });
    if !entered {
        panic!("{NESTED_RUNTIME_ERROR}");
    }
    let _reset = ResetDriving(Driving::No);
    let _current = set_current(handle);
    f()
}

/// Whether this thread is driving a runtime, so that blocking it is an error.
pub fn is_driving() -> bool {
    CONTEXT
        .try_with(|cx| cx.driving.get() != Driving::No)
        .unwrap_or(false)
}

pub(crate) fn driving() -> Driving {
    CONTEXT
        .try_with(|cx| cx.driving.get())
        .unwrap_or(Driving::No)
}

/// Runs `f` as if this thread did not drive a runtime (a worker that handed its
/// core away in `block_in_place`), restoring the state after.
pub(crate) fn exit_runtime<R>(f: impl FnOnce() -> R) -> R {
    let prev = CONTEXT.with(|cx| cx.driving.replace(Driving::No));
    let _reset = ResetDriving(prev);
    f()
}

/// Disallows `block_in_place` on this thread until `f` returns.
pub(crate) fn disallow_block_in_place<R>(f: impl FnOnce() -> R) -> R {
    let prev = CONTEXT.with(|cx| {
        let prev = cx.driving.get();
        if let Driving::Yes { .. } = prev {
            cx.driving.set(Driving::Yes {
                allow_block_in_place: false,
            });
        }
        prev
    });
    let _reset = ResetDriving(prev);
    f()
}

struct ResetDriving(Driving);

impl Drop for ResetDriving {
    fn drop(&mut self) {
        let _ = CONTEXT.try_with(|cx| cx.driving.set(self.0));
    }
}

/// Runs `f` with `cx` as the scheduler on this thread.
pub(crate) fn set_scheduler<R>(cx: &scheduler::Context, f: impl FnOnce() -> R) -> R {
    CONTEXT.with(|c| c.scheduler.set(cx, f))
}

/// Runs `f` with the scheduler on this thread, if any.
pub(crate) fn with_scheduler<R>(f: impl FnOnce(Option<&scheduler::Context>) -> R) -> R {
    let mut f = Some(f);
    CONTEXT
        .try_with(|c| {
            let f = f.take().expect("called once");
            c.scheduler.with(f)
        })
        .unwrap_or_else(|_| (f.take().expect("called once"))(None))
}

/// Wakes `waker` only after the scheduler on this thread has polled its drivers:
/// how `yield_now` lets every other ready task and the I/O and timer drivers run
/// first. Outside a scheduler it wakes at once.
pub(crate) fn defer(waker: &Waker) {
    with_scheduler(|cx| match cx {
        Some(cx) => cx.defer(waker),
        None => waker.wake_by_ref(),
    });
}

/// A thread-local pointer to a value on the stack of the code that set it.
///
/// INVARIANT: `ptr` is null or points to a value borrowed by a live `set` call
/// further up this thread's stack; `set` restores the previous pointer when it
/// returns or unwinds.
struct Scoped<T> {
    ptr: Cell<*const T>,
}

impl<T> Scoped<T> {
    const fn new() -> Scoped<T> {
        Scoped {
            ptr: Cell::new(std::ptr::null()),
        }
    }

    fn set<R>(&self, value: &T, f: impl FnOnce() -> R) -> R {
        struct Reset<'a, T> {
            cell: &'a Cell<*const T>,
            prev: *const T,
        }

        impl<T> Drop for Reset<'_, T> {
            fn drop(&mut self) {
                self.cell.set(self.prev);
            }
        }

        let prev = self.ptr.replace(value);
        let _reset = Reset {
            cell: &self.ptr,
            prev,
        };
        f()
    }

    fn with<R>(&self, f: impl FnOnce(Option<&T>) -> R) -> R {
        let ptr = self.ptr.get();
        // SAFETY: per the invariant, a non-null pointer refers to a value that
        // outlives this call, since the `set` that installed it is still running
        // further up the stack of this same thread.
        f(unsafe { ptr.as_ref() })
    }
}
