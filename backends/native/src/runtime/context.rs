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
//! * `spare_time_handles`: clones of `current`'s time handle that dropped sleeps gave
//!   back, for new sleeps to take, so that making and dropping a `Sleep` on a runtime
//!   thread touches no reference count of the driver. They are clones of the handle `current` already
//!   holds, and are dropped whenever `current` changes, so they keep nothing alive
//!   longer than `current` does.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::marker::PhantomData;
use std::task::Waker;

use crate::scheduler;
use crate::time::TimeHandle;

/// Tokio's message for a missing runtime, kept verbatim so ported code and tests
/// that match on it behave the same.
pub(crate) const CONTEXT_MISSING_ERROR: &str =
    "there is no reactor running, must be called from the context of a Tokio 1.x runtime";

pub(crate) const THREAD_LOCAL_DESTROYED_ERROR: &str =
    "The Tokio context thread-local variable has been destroyed.";

/// tokio 1.54's message, verbatim.
pub const NESTED_RUNTIME_ERROR: &str = "Cannot start a runtime from within a runtime. This \
    happens because a function (like `block_on`) attempted to block the current thread while \
    the thread is being used to drive asynchronous tasks. If you are in an async function, \
    use `.await` on the future instead of blocking on it.";

struct Context {
    current: RefCell<Option<scheduler::Handle>>,
    /// INVARIANT: its `owner` is the address of `current`'s time driver (0 while
    /// `current` is `None` or has timers disabled), and every handle in it is a clone of
    /// `current`'s time handle. Both hold because only [`replace_current`] sets `current`.
    spare_time_handles: RefCell<SpareTimeHandles>,
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
            spare_time_handles: RefCell::new(SpareTimeHandles::new(0)),
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

/// A handle to the current runtime's time driver for a new `Sleep`: one that a dropped
/// sleep gave back if there is one, else a clone. `Ok(None)`: the runtime has timers
/// disabled.
#[inline]
pub(crate) fn time_handle_for_sleep() -> Result<Option<TimeHandle>, TryCurrentError> {
    let taken = CONTEXT.try_with(|cx| {
        if let Some(spare) = cx
            .spare_time_handles
            .try_borrow_mut()
            .ok()
            .and_then(|mut spares| spares.pop())
        {
            return Some(Some(spare));
        }
        let current = cx.current.borrow();
        let handle = current.as_ref()?;
        Some(handle.driver().time().cloned())
    });
    match taken {
        Ok(Some(time)) => Ok(time),
        Ok(None) => Err(TryCurrentError {
            thread_local_destroyed: false,
        }),
        Err(_) => Err(TryCurrentError {
            thread_local_destroyed: true,
        }),
    }
}

/// Takes back the handle of a dropped `Sleep` for the next one, if it belongs to the
/// current runtime and there is room; drops it otherwise.
#[inline]
pub(crate) fn give_back_time_handle(handle: TimeHandle) {
    let refused = CONTEXT.try_with(|cx| match cx.spare_time_handles.try_borrow_mut() {
        Ok(mut spares) => spares.push(handle),
        Err(_) => Some(handle),
    });
    // Dropped outside the borrow: the last handle's drop may reach back into the
    // context.
    drop(refused);
}

/// Makes `handle` current and empties the spare time handles (keeping room for those
/// of `handle`'s driver). Returns the previous handle and the old spares, for the
/// caller to drop (or keep) once the context is no longer borrowed: dropping a
/// runtime's last handle may reach back into the context.
fn replace_current(
    cx: &Context,
    handle: Option<scheduler::Handle>,
) -> (Option<scheduler::Handle>, SpareTimeHandles) {
    let owner = handle
        .as_ref()
        .and_then(|handle| handle.driver().time())
        .map_or(0, TimeHandle::addr);
    let spares = std::mem::replace(
        &mut *cx.spare_time_handles.borrow_mut(),
        SpareTimeHandles::new(owner),
    );
    let prev = cx.current.replace(handle);
    (prev, spares)
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
    try_set_current(handle).expect(THREAD_LOCAL_DESTROYED_ERROR)
}

/// `set_current`, or `None` once this thread's context is destroyed (a runtime
/// dropped by a thread-local's destructor at thread exit).
pub(crate) fn try_set_current(handle: &scheduler::Handle) -> Option<SetCurrentGuard> {
    CONTEXT
        .try_with(|cx| {
            // The guard keeps the old handle, so nothing is dropped here but the spares
            // (clones of what the old handle holds).
            let (prev, spares) = replace_current(cx, Some(handle.clone()));
            drop(spares);
            let depth = cx.depth.get() + 1;
            cx.depth.set(depth);
            SetCurrentGuard {
                prev,
                depth,
                _not_send: PhantomData,
            }
        })
        .ok()
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
            let (replaced, spares) = replace_current(cx, prev);
            drop(spares);
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
    let prev = CONTEXT
        .try_with(|cx| {
            let (prev, spares) = replace_current(cx, None);
            drop(spares);
            prev
        })
        .ok()
        .flatten();
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
                let (replaced, spares) = replace_current(cx, Some(prev));
                drop(spares);
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

/// Disallows `block_in_place` on this thread until `f` returns. At thread exit,
/// with the context already destroyed, `f` just runs (nothing drives the thread).
pub(crate) fn disallow_block_in_place<R>(f: impl FnOnce() -> R) -> R {
    let prev = CONTEXT
        .try_with(|cx| {
            let prev = cx.driving.get();
            if let Driving::Yes { .. } = prev {
                cx.driving.set(Driving::Yes {
                    allow_block_in_place: false,
                });
            }
            prev
        })
        .unwrap_or(Driving::No);
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

/// `set_scheduler`, or `f` alone once this thread's context is destroyed (thread
/// exit): wakes then take the shared path, as from any other thread.
pub(crate) fn set_scheduler_if_alive<R>(cx: &scheduler::Context, f: impl FnOnce() -> R) -> R {
    let mut f = Some(f);
    CONTEXT
        .try_with(|c| c.scheduler.set(cx, f.take().expect("called once")))
        .unwrap_or_else(|_| (f.take().expect("called once"))())
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

/// How many handles [`SpareTimeHandles`] keeps: enough for the sleeps of a `select!`.
const SPARE_TIME_HANDLES: usize = 8;

/// A small stack of handles to one time driver (see the module docs).
struct SpareTimeHandles {
    /// The address of the driver whose handles it takes ([`TimeHandle::addr`]); 0: none.
    /// Only compared: it is the address of a live driver, which no other driver shares.
    owner: usize,
    /// `handles[..len]` are `Some`, the rest `None`.
    handles: [Option<TimeHandle>; SPARE_TIME_HANDLES],
    len: usize,
}

impl SpareTimeHandles {
    const fn new(owner: usize) -> SpareTimeHandles {
        SpareTimeHandles {
            owner,
            handles: [const { None }; SPARE_TIME_HANDLES],
            len: 0,
        }
    }

    #[inline]
    fn pop(&mut self) -> Option<TimeHandle> {
        let last = self.len.checked_sub(1)?;
        self.len = last;
        self.handles[last].take()
    }

    /// Keeps `handle`, or hands it back when it is another driver's or there is no
    /// room.
    #[inline]
    fn push(&mut self, handle: TimeHandle) -> Option<TimeHandle> {
        if handle.addr() != self.owner {
            return Some(handle);
        }
        let Some(slot) = self.handles.get_mut(self.len) else {
            return Some(handle);
        };
        *slot = Some(handle);
        self.len += 1;
        None
    }
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

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::runtime::{Config, Flavor, Runtime};
    use std::time::{Duration, Instant};

    fn runtime_with_time() -> Runtime {
        let mut config = Config::new(Flavor::CurrentThread);
        config.enable_time = true;
        Runtime::new(config).unwrap()
    }

    /// A clone of `rt`'s time handle, to count the handles alive.
    fn time_of(rt: &Runtime) -> TimeHandle {
        rt.handle().inner.driver().time().unwrap().clone()
    }

    fn far() -> Instant {
        Instant::now() + Duration::from_secs(3600)
    }

    #[test]
    fn a_dropped_sleeps_handle_is_taken_by_the_next_sleep() {
        let rt = runtime_with_time();
        let time = time_of(&rt);
        let _guard = rt.enter();
        let before = time.handle_count();
        let sleep = crate::time::try_sleep_until(far()).unwrap();
        assert_eq!(time.handle_count(), before + 1);
        drop(sleep);
        // Kept by the context, not dropped.
        assert_eq!(time.handle_count(), before + 1);
        let again = crate::time::try_sleep_until(far()).unwrap();
        assert_eq!(time.handle_count(), before + 1);
        drop(again);
    }

    #[test]
    fn spare_handles_are_dropped_when_the_context_changes() {
        let rt = runtime_with_time();
        let other = runtime_with_time();
        let time = time_of(&rt);
        let before = time.handle_count();
        {
            let _guard = rt.enter();
            drop(crate::time::try_sleep_until(far()).unwrap());
            assert_eq!(time.handle_count(), before + 1);
        }
        assert_eq!(time.handle_count(), before);

        let _guard = rt.enter();
        drop(crate::time::try_sleep_until(far()).unwrap());
        {
            // Entering another runtime drops them too, and so does suspending.
            let _inner = other.enter();
            assert_eq!(time.handle_count(), before);
        }
        drop(crate::time::try_sleep_until(far()).unwrap());
        let suspended = suspend();
        assert_eq!(time.handle_count(), before);
        drop(suspended);
    }

    #[test]
    fn a_sleep_of_another_runtime_is_not_kept() {
        let rt = runtime_with_time();
        let other = runtime_with_time();
        let time = time_of(&rt);
        let before = time.handle_count();
        let sleep = {
            let _guard = rt.enter();
            crate::time::try_sleep_until(far()).unwrap()
        };
        let _guard = other.enter();
        drop(sleep);
        assert_eq!(time.handle_count(), before);
        // Nor one dropped outside any runtime.
        let sleep = crate::time::try_sleep_until(far()).unwrap();
        let time = time_of(&other);
        let before = time.handle_count();
        drop(_guard);
        drop(sleep);
        assert_eq!(time.handle_count(), before - 1);
    }

    #[test]
    fn spare_handles_never_exceed_their_room() {
        let rt = runtime_with_time();
        let time = time_of(&rt);
        let _guard = rt.enter();
        let before = time.handle_count();
        let sleeps: Vec<_> = (0..SPARE_TIME_HANDLES * 2)
            .map(|_| crate::time::try_sleep_until(far()).unwrap())
            .collect();
        drop(sleeps);
        assert_eq!(time.handle_count(), before + SPARE_TIME_HANDLES);
    }
}
