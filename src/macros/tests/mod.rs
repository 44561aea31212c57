//! Tests of `select!`, `join!`, `try_join!` and `pin!` on a std-only executor, so they
//! run without a runtime. The conformance suite (`tests/suite/macros.rs`) runs the same
//! behaviours on every backend.

mod join;
mod pin;
mod select;
mod try_join;

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::{Pin, pin};
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

/// Wakes the thread blocked in `block_on`.
struct ThreadWaker(Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

/// Runs `future` to completion on this thread, parking while it is pending.
pub(super) fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let waker = Waker::from(Arc::new(ThreadWaker(thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        match future.as_mut().poll(&mut cx) {
            Poll::Ready(output) => return output,
            // A wake before the park makes the park return at once; a spurious return
            // only costs a poll.
            Poll::Pending => thread::park(),
        }
    }
}

/// The message of a panic caught by `catch_unwind`.
pub(super) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

/// A shared, ordered record of events.
pub(super) type Trace = Rc<RefCell<Vec<&'static str>>>;

/// A future that is pending `pending_polls` times (waking itself each time), then ready
/// with `value`; it records `name` in `trace` on every poll.
pub(super) struct Step<T> {
    name: &'static str,
    trace: Trace,
    pending_polls: u32,
    value: Option<T>,
}

impl<T> Step<T> {
    pub(super) fn new(name: &'static str, trace: &Trace, pending_polls: u32, value: T) -> Self {
        Step {
            name,
            trace: trace.clone(),
            pending_polls,
            value: Some(value),
        }
    }
}

impl<T: Unpin> Future for Step<T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        self.trace.borrow_mut().push(self.name);
        if self.pending_polls > 0 {
            self.pending_polls -= 1;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        Poll::Ready(self.value.take().expect("Step polled after completion"))
    }
}

/// Observes a never-ready future: how often it was polled and whether it was dropped.
#[derive(Clone, Default)]
pub(super) struct Probe {
    polls: Rc<Cell<u32>>,
    dropped: Rc<Cell<bool>>,
}

impl Probe {
    /// A future that is never ready and reports to this probe.
    pub(super) fn pending(&self) -> ProbedPending {
        ProbedPending {
            probe: self.clone(),
        }
    }

    pub(super) fn polls(&self) -> u32 {
        self.polls.get()
    }

    pub(super) fn dropped(&self) -> bool {
        self.dropped.get()
    }
}

/// See [`Probe::pending`].
pub(super) struct ProbedPending {
    probe: Probe,
}

impl Future for ProbedPending {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        self.probe.polls.set(self.probe.polls.get() + 1);
        Poll::Pending
    }
}

impl Drop for ProbedPending {
    fn drop(&mut self) {
        self.probe.dropped.set(true);
    }
}
