//! Listeners per signal number, and the broadcast that notifies them (native
//! backend).
//!
//! Every [`Listener`] sits in one global list from creation until it drops. A
//! broadcast for a signal marks each of that signal's listeners notified and wakes
//! the task that last polled it. Notifications are a flag, not a count: deliveries
//! that arrive between two polls coalesce into one `recv` (tokio's documented
//! behaviour), and one that arrives after a poll returned `Pending` is always seen
//! by the next poll.
//!
//! Invariants:
//!
//! - `notified` is set before the waker is taken, and a poll stores its waker before
//!   it checks `notified` again; each side does its half under the listener's
//!   `waker` lock or before taking it, so a broadcast either finds the new waker or
//!   the poll sees the flag. No notification is lost between them.
//! - Lock order: `LISTENERS`, then one listener's `waker`. Wakers are woken after
//!   both are released.

use std::fmt;
use std::os::raw::c_int;
use std::sync::atomic::AtomicBool;
use std::sync::atomic::Ordering::SeqCst;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

static LISTENERS: Mutex<Vec<Arc<Shared>>> = Mutex::new(Vec::new());

struct Shared {
    signum: c_int,
    notified: AtomicBool,
    waker: Mutex<Option<Waker>>,
}

/// A registration for one signal number's notifications; unregisters on drop.
pub(crate) struct Listener {
    shared: Arc<Shared>,
}

impl Listener {
    /// Starts listening for `signum`: every broadcast from now on notifies it.
    pub(crate) fn new(signum: c_int) -> Listener {
        let shared = Arc::new(Shared {
            signum,
            notified: AtomicBool::new(false),
            waker: Mutex::new(None),
        });
        listeners().push(shared.clone());
        Listener { shared }
    }

    /// `Ready` once per batch of broadcasts since the last `Ready`; otherwise
    /// registers `cx`'s waker for the next one.
    pub(crate) fn poll_notified(&self, cx: &mut Context<'_>) -> Poll<()> {
        if self.shared.notified.swap(false, SeqCst) {
            return Poll::Ready(());
        }
        {
            let mut waker = lock(&self.shared.waker);
            match &mut *waker {
                Some(waker) => waker.clone_from(cx.waker()),
                None => *waker = Some(cx.waker().clone()),
            }
        }
        if self.shared.notified.swap(false, SeqCst) {
            return Poll::Ready(());
        }
        Poll::Pending
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let mut list = listeners();
        if let Some(i) = list.iter().position(|s| Arc::ptr_eq(s, &self.shared)) {
            list.swap_remove(i);
        }
    }
}

impl fmt::Debug for Listener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Listener")
            .field("signum", &self.shared.signum)
            .finish_non_exhaustive()
    }
}

/// Notifies every listener of `signum`.
pub(crate) fn broadcast(signum: c_int) {
    let wakers: Vec<Waker> = listeners()
        .iter()
        .filter(|s| s.signum == signum)
        .filter_map(|s| {
            s.notified.store(true, SeqCst);
            lock(&s.waker).take()
        })
        .collect();
    for waker in wakers {
        waker.wake();
    }
}

fn listeners() -> MutexGuard<'static, Vec<Arc<Shared>>> {
    lock(&LISTENERS)
}

/// Nothing panics while holding these locks, but a poisoned lock must not take
/// signal delivery down with it.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::task::Wake;

    struct CountingWaker(AtomicUsize);

    impl Wake for CountingWaker {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, SeqCst);
        }
    }

    // Signal numbers no other test broadcasts (the registry is global; these
    // tests only touch the registry, never the OS).
    const A: c_int = 1001;
    const B: c_int = 1002;

    #[test]
    fn broadcast_notifies_every_listener_of_that_signal_once() {
        let counter = Arc::new(CountingWaker(AtomicUsize::new(0)));
        let waker = Waker::from(counter.clone());
        let mut cx = Context::from_waker(&waker);
        let first = Listener::new(A);
        let second = Listener::new(A);
        let other = Listener::new(B);
        for listener in [&first, &second, &other] {
            assert!(listener.poll_notified(&mut cx).is_pending());
        }
        broadcast(A);
        broadcast(A);
        assert_eq!(counter.0.load(SeqCst), 2, "one wake per polled listener");
        // Two broadcasts before the poll coalesce into one notification.
        assert!(first.poll_notified(&mut cx).is_ready());
        assert!(first.poll_notified(&mut cx).is_pending());
        assert!(second.poll_notified(&mut cx).is_ready());
        assert!(other.poll_notified(&mut cx).is_pending());
    }

    #[test]
    fn dropped_listener_leaves_the_list() {
        const C: c_int = 1003;
        let listener = Listener::new(C);
        let count = || listeners().iter().filter(|s| s.signum == C).count();
        assert_eq!(count(), 1);
        drop(listener);
        assert_eq!(count(), 0);
    }
}
