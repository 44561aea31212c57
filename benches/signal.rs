//! [`Signal`]: a one-shot signal that works on every executor, so the runtime
//! workloads synchronise without any contender's channel code.
//!
//! Invariant: the flag only goes from unset to set; a waiter that saw it unset has
//! left its waker under the same lock, so `set` always finds the waker to wake.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

/// A one-shot signal: the smallest channel that works on every executor.
#[derive(Debug)]
pub struct Signal {
    /// Whether the signal is set, and the waker of the task waiting for it.
    state: Mutex<(bool, Option<Waker>)>,
}

impl Signal {
    /// An unset signal.
    pub fn new() -> Arc<Signal> {
        Arc::new(Signal {
            state: Mutex::new((false, None)),
        })
    }

    /// Sets the signal and wakes its waiter.
    pub fn set(&self) {
        let waker = {
            let mut state = self.state.lock().unwrap();
            state.0 = true;
            state.1.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Waits for the signal.
    pub fn wait(self: &Arc<Self>) -> impl Future<Output = ()> + Send + 'static {
        SignalWait(self.clone())
    }
}

struct SignalWait(Arc<Signal>);

impl Future for SignalWait {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.0.state.lock().unwrap();
        if state.0 {
            return Poll::Ready(());
        }
        state.1 = Some(cx.waker().clone());
        Poll::Pending
    }
}
