//! Helpers for the `avx::sync` conformance tests.
//!
//! Most sync tests poll futures by hand ([`Polled`]) so that they can put a waiter in
//! a known state (queued, woken, dropped mid-wait) without depending on how a
//! scheduler orders tasks; the primitives are backend-free, so a hand-polled future
//! behaves as it would in any task. Tests that cross tasks or threads use `spawn` and
//! wait for completion only.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};

use avx::runtime::{Backend, Builder, Runtime};

#[derive(Default)]
struct WakeCounter(AtomicUsize);

impl Wake for WakeCounter {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// A future polled by hand, with a waker that counts its wake-ups.
pub(crate) struct Polled<F> {
    future: Pin<Box<F>>,
    counter: Arc<WakeCounter>,
    waker: Waker,
}

impl<F: Future> Polled<F> {
    pub(crate) fn new(future: F) -> Polled<F> {
        let counter = Arc::new(WakeCounter::default());
        let waker = Waker::from(Arc::clone(&counter));
        Polled {
            future: Box::pin(future),
            counter,
            waker,
        }
    }

    pub(crate) fn poll(&mut self) -> Poll<F::Output> {
        self.future
            .as_mut()
            .poll(&mut Context::from_waker(&self.waker))
    }

    /// Polls once and asserts the future is still waiting.
    #[track_caller]
    pub(crate) fn pending(&mut self) {
        assert!(self.poll().is_pending(), "expected the future to wait");
    }

    /// Polls once and asserts the future completed.
    #[track_caller]
    pub(crate) fn ready(&mut self) -> F::Output {
        match self.poll() {
            Poll::Ready(output) => output,
            Poll::Pending => panic!("expected the future to be ready"),
        }
    }

    /// Whether the waker registered by the last poll has been woken.
    pub(crate) fn is_woken(&self) -> bool {
        self.counter.0.load(Ordering::SeqCst) > 0
    }

    pub(crate) fn as_mut(&mut self) -> Pin<&mut F> {
        self.future.as_mut()
    }
}

/// Polls `future` once with a waker that does nothing.
pub(crate) fn poll_once<F: Future>(future: Pin<&mut F>) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(Waker::noop()))
}

/// A multi-thread runtime on `backend`, for the tests that use two backends at once.
pub(crate) fn runtime_on(backend: Backend) -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(2)
        .backend(backend)
        .enable_all()
        .build()
        .expect("runtime builds")
}
