//! Parking a thread without a reactor: for `block_on` on a thread that drives no
//! scheduler, and for runtimes built without I/O.
//!
//! `unpark` is sticky: an unpark that arrives before `park` makes that `park`
//! return at once, so a wake-up is never lost between checking for work and
//! going to sleep.

use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Condvar, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

#[derive(Debug)]
pub(crate) struct ParkThread {
    inner: Arc<Inner>,
}

/// Wakes a `ParkThread`; usable as a `Waker`.
#[derive(Debug, Clone)]
pub(crate) struct UnparkThread {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    notified: Mutex<bool>,
    condvar: Condvar,
}

impl ParkThread {
    pub(crate) fn new() -> ParkThread {
        ParkThread {
            inner: Arc::new(Inner {
                notified: Mutex::new(false),
                condvar: Condvar::new(),
            }),
        }
    }

    pub(crate) fn unparker(&self) -> UnparkThread {
        UnparkThread {
            inner: self.inner.clone(),
        }
    }

    /// Blocks until unparked (or returns at once if an unpark is pending).
    pub(crate) fn park(&self) {
        let mut notified = self.inner.notified.lock().unwrap();
        while !*notified {
            notified = self.inner.condvar.wait(notified).unwrap();
        }
        *notified = false;
    }

    /// Blocks until unparked or `timeout` elapses.
    pub(crate) fn park_timeout(&self, timeout: Duration) {
        let mut notified = self.inner.notified.lock().unwrap();
        if !*notified && !timeout.is_zero() {
            notified = self
                .inner
                .condvar
                .wait_timeout_while(notified, timeout, |notified| !*notified)
                .unwrap()
                .0;
        }
        *notified = false;
    }

    /// Polls `future` to completion on this thread, parking between wake-ups.
    pub(crate) fn block_on<F: Future>(&self, future: F) -> F::Output {
        let waker = Waker::from(self.inner.clone());
        let mut cx = Context::from_waker(&waker);
        let mut future = pin!(future);
        loop {
            if let Poll::Ready(output) = crate::coop::budget(|| future.as_mut().poll(&mut cx)) {
                return output;
            }
            self.park();
        }
    }
}

impl UnparkThread {
    pub(crate) fn unpark(&self) {
        self.inner.unpark();
    }

    pub(crate) fn into_waker(self) -> Waker {
        Waker::from(self.inner)
    }
}

impl Inner {
    fn unpark(&self) {
        let mut notified = self.notified.lock().unwrap();
        if !*notified {
            *notified = true;
            drop(notified);
            self.condvar.notify_one();
        }
    }
}

impl Wake for Inner {
    fn wake(self: Arc<Self>) {
        self.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.unpark();
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn unpark_before_park_is_not_lost() {
        let park = ParkThread::new();
        park.unparker().unpark();
        park.park(); // returns at once
        park.park_timeout(Duration::ZERO);
    }

    #[test]
    fn unpark_from_another_thread_wakes_park() {
        let park = ParkThread::new();
        let unpark = park.unparker();
        let t = std::thread::spawn(move || unpark.unpark());
        park.park();
        t.join().unwrap();
    }

    #[test]
    fn block_on_waits_for_a_wake_from_another_thread() {
        let park = ParkThread::new();
        let (tx, rx) = std::sync::mpsc::channel::<Waker>();
        let t = std::thread::spawn(move || rx.recv().unwrap().wake());
        let mut sent = Some(tx);
        let out = park.block_on(std::future::poll_fn(move |cx| match sent.take() {
            Some(tx) => {
                tx.send(cx.waker().clone()).unwrap();
                Poll::Pending
            }
            None => Poll::Ready(5),
        }));
        assert_eq!(out, 5);
        t.join().unwrap();
    }
}
