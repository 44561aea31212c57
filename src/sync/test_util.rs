//! A small std-only executor for the unit tests: `block_on` on a parked thread, and a
//! by-hand poller whose waker counts its wake-ups.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};

pub(crate) use super::park::block_on;

/// A waker that counts how many times it was woken.
#[derive(Debug, Default)]
pub(crate) struct CountingWaker {
    wakes: AtomicUsize,
}

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
    }
}

/// A future polled by hand, with its own counting waker.
pub(crate) struct Manual<F> {
    future: Pin<Box<F>>,
    counter: Arc<CountingWaker>,
    waker: Waker,
}

impl<F: Future> Manual<F> {
    pub(crate) fn new(future: F) -> Manual<F> {
        let counter = Arc::new(CountingWaker::default());
        let waker = Waker::from(Arc::clone(&counter));
        Manual {
            future: Box::pin(future),
            counter,
            waker,
        }
    }

    /// Polls once.
    pub(crate) fn poll(&mut self) -> Poll<F::Output> {
        let mut cx = Context::from_waker(&self.waker);
        self.future.as_mut().poll(&mut cx)
    }

    /// Polls once and expects `Pending`.
    #[track_caller]
    pub(crate) fn pending(&mut self) {
        assert!(
            self.poll().is_pending(),
            "expected the future to be pending"
        );
    }

    /// Polls once and expects `Ready`.
    #[track_caller]
    pub(crate) fn ready(&mut self) -> F::Output {
        match self.poll() {
            Poll::Ready(output) => output,
            Poll::Pending => panic!("expected the future to be ready"),
        }
    }

    /// How many times the future's waker has been woken.
    pub(crate) fn wakes(&self) -> usize {
        self.counter.wakes.load(Ordering::SeqCst)
    }

    /// Whether the future's waker has been woken at least once.
    pub(crate) fn is_woken(&self) -> bool {
        self.wakes() > 0
    }

    /// The pinned future, for methods such as `Notified::enable`.
    pub(crate) fn future(&mut self) -> Pin<&mut F> {
        self.future.as_mut()
    }
}
