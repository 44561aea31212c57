//! Every `avx::sync` primitive used by a task on a native runtime and a task on a
//! tokio-backed runtime at once, in one process: the primitives are backend-free,
//! so a wake-up issued on one runtime must reach a task parked on the other.
//!
//! Each scenario runs both ways (native waits and tokio wakes, then the reverse).
//! The waiting side is wrapped in [`ReportPending`], and the waking side starts
//! only once the waiting future has returned `Pending`: so the wait can complete
//! only through a wake-up from the other runtime, never by finding the work already
//! done. The ordering signal is [`Signal`], written here, so that no primitive under
//! test orders its own test. No sleeps.
//!
//! Compiled only with the `tokio` backend (`cargo test --features tokio`).

#![cfg(feature = "tokio")]

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex as StdMutex};
use std::task::{Context, Poll, Waker};

use avx::runtime::{Backend, Runtime};
use avx::sync::{
    Barrier, Mutex, Notify, OnceCell, RwLock, Semaphore, broadcast, mpsc, oneshot, watch,
};

use super::sync_util::runtime_on;

/// A one-shot, cross-runtime flag: the minimal future-aware event.
#[derive(Default)]
struct Signal {
    state: StdMutex<(bool, Option<Waker>)>,
}

impl Signal {
    fn new() -> Arc<Signal> {
        Arc::default()
    }

    fn set(&self) {
        let waker = {
            let mut state = self.state.lock().unwrap();
            state.0 = true;
            state.1.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    fn is_set(&self) -> bool {
        self.state.lock().unwrap().0
    }

    async fn wait(&self) {
        std::future::poll_fn(|cx| {
            let mut state = self.state.lock().unwrap();
            if state.0 {
                return Poll::Ready(());
            }
            state.1 = Some(cx.waker().clone());
            Poll::Pending
        })
        .await;
    }
}

/// Polls `inner`; the first time it returns `Pending`, sets `parked`.
struct ReportPending<F> {
    inner: Pin<Box<F>>,
    parked: Arc<Signal>,
    reported: bool,
}

impl<F: Future> Future for ReportPending<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let poll = self.inner.as_mut().poll(cx);
        if poll.is_pending() && !self.reported {
            self.reported = true;
            self.parked.set();
        }
        poll
    }
}

/// The two runtimes of every test.
struct Pair {
    native: Runtime,
    tokio: Runtime,
}

impl Pair {
    fn new() -> Pair {
        Pair {
            native: runtime_on(Backend::Native),
            tokio: runtime_on(Backend::Tokio),
        }
    }

    /// `(waiter, waker)` in both orders: native waits first, then tokio.
    fn both_ways(&self) -> [(&Runtime, &Runtime); 2] {
        [(&self.native, &self.tokio), (&self.tokio, &self.native)]
    }
}

/// Runs `wait` as a task on `waiter` and, once it has returned `Pending`, `wake`
/// as a task on `waker`; returns both outputs. `wait` can only finish through a
/// wake-up sent from `waker`'s task.
fn cross<W, K>(waiter: &Runtime, waker: &Runtime, wait: W, wake: K) -> (W::Output, K::Output)
where
    W: Future + Send + 'static,
    W::Output: Send + 'static,
    K: Future + Send + 'static,
    K::Output: Send + 'static,
{
    let parked = Signal::new();
    let waiting = waiter.spawn(ReportPending {
        inner: Box::pin(wait),
        parked: Arc::clone(&parked),
        reported: false,
    });
    let waking = {
        let parked = Arc::clone(&parked);
        waker.spawn(async move {
            parked.wait().await;
            wake.await
        })
    };
    let woken = waiter
        .block_on(waiting)
        .expect("the waiting task completes");
    assert!(parked.is_set(), "the wait completed without ever waiting");
    let woke = waker.block_on(waking).expect("the waking task completes");
    (woken, woke)
}

#[test]
fn mpsc_bounded_receiver_and_sender_are_woken_across_runtimes() {
    let pair = Pair::new();
    for (waiter, waker) in pair.both_ways() {
        // A receiver on an empty channel is woken by a send on the other runtime.
        let (tx, mut rx) = mpsc::channel::<u32>(1);
        let (got, ()) = cross(waiter, waker, async move { rx.recv().await }, async move {
            tx.send(1).await.unwrap();
        });
        assert_eq!(got, Some(1));

        // A sender on a full channel is woken by a receive on the other runtime.
        let (tx, mut rx) = mpsc::channel::<u32>(1);
        tx.try_send(1).unwrap();
        let (sent, received) = cross(
            waiter,
            waker,
            async move { tx.send(2).await.is_ok() },
            async move { (rx.recv().await, rx.recv().await) },
        );
        assert!(sent);
        assert_eq!(received, (Some(1), Some(2)));
    }
}

#[test]
fn mpsc_unbounded_receiver_is_woken_across_runtimes() {
    let pair = Pair::new();
    for (waiter, waker) in pair.both_ways() {
        let (tx, mut rx) = mpsc::unbounded_channel::<&str>();
        let (got, ()) = cross(
            waiter,
            waker,
            async move { (rx.recv().await, rx.recv().await) },
            async move {
                tx.send("across").unwrap();
                // Dropping the last sender wakes the receiver again, with `None`.
            },
        );
        assert_eq!(got, (Some("across"), None));
    }
}

#[test]
fn oneshot_receiver_and_closed_are_woken_across_runtimes() {
    let pair = Pair::new();
    for (waiter, waker) in pair.both_ways() {
        let (tx, rx) = oneshot::channel::<u32>();
        let (got, ()) = cross(waiter, waker, rx, async move { tx.send(7).unwrap() });
        assert_eq!(got, Ok(7));

        // `Sender::closed` is woken by the receiver's drop on the other runtime.
        let (mut tx, rx) = oneshot::channel::<u32>();
        let (closed, ()) = cross(
            waiter,
            waker,
            async move {
                tx.closed().await;
                tx.is_closed()
            },
            async move { drop(rx) },
        );
        assert!(closed);
    }
}

#[test]
fn broadcast_receivers_are_woken_across_runtimes() {
    let pair = Pair::new();
    for (waiter, waker) in pair.both_ways() {
        let (tx, mut rx) = broadcast::channel::<u32>(4);
        let mut same_side = tx.subscribe();
        let (got, ()) = cross(
            waiter,
            waker,
            async move { (rx.recv().await, same_side.recv().await) },
            async move {
                tx.send(3).unwrap();
            },
        );
        assert_eq!(got, (Ok(3), Ok(3)));
    }
}

#[test]
fn watch_changed_is_woken_across_runtimes() {
    let pair = Pair::new();
    for (waiter, waker) in pair.both_ways() {
        let (tx, mut rx) = watch::channel(0u32);
        let (got, ()) = cross(
            waiter,
            waker,
            async move {
                rx.changed().await.unwrap();
                *rx.borrow_and_update()
            },
            async move {
                tx.send(5).unwrap();
                // Keep the sender until after the send: its drop would also wake.
                drop(tx);
            },
        );
        assert_eq!(got, 5);
    }
}

#[test]
fn mutex_lock_is_handed_across_runtimes() {
    let pair = Pair::new();
    for (waiter, waker) in pair.both_ways() {
        let mutex = Arc::new(Mutex::new(Vec::new()));
        let mut held = Arc::clone(&mutex).try_lock_owned().unwrap();
        let waiting = Arc::clone(&mutex);
        let (seen, ()) = cross(
            waiter,
            waker,
            async move {
                let mut guard = waiting.lock().await;
                guard.push("waiter");
                guard.clone()
            },
            async move {
                held.push("holder");
                drop(held);
            },
        );
        assert_eq!(seen, ["holder", "waiter"]);
    }
}

#[test]
fn rwlock_readers_and_writers_are_woken_across_runtimes() {
    let pair = Pair::new();
    for (waiter, waker) in pair.both_ways() {
        // A reader waits for a writer on the other runtime...
        let lock = Arc::new(RwLock::new(0));
        let mut writer = Arc::clone(&lock).try_write_owned().unwrap();
        let reading = Arc::clone(&lock);
        let (read, ()) = cross(
            waiter,
            waker,
            async move { *reading.read().await },
            async move {
                *writer = 1;
                drop(writer);
            },
        );
        assert_eq!(read, 1);

        // ...and a writer waits for a reader there.
        let reader = Arc::clone(&lock).try_read_owned().unwrap();
        let writing = Arc::clone(&lock);
        let ((), seen) = cross(
            waiter,
            waker,
            async move { *writing.write().await = 2 },
            async move {
                let seen = *reader;
                drop(reader);
                seen
            },
        );
        assert_eq!(seen, 1);
        assert_eq!(*lock.try_read().unwrap(), 2);
    }
}

#[test]
fn semaphore_acquire_is_woken_across_runtimes() {
    let pair = Pair::new();
    for (waiter, waker) in pair.both_ways() {
        let semaphore = Arc::new(Semaphore::new(1));
        let permit = Arc::clone(&semaphore).try_acquire_owned().unwrap();
        let acquiring = Arc::clone(&semaphore);
        let (acquired, ()) = cross(
            waiter,
            waker,
            async move {
                // Two permits: one from the drop, one added.
                acquiring.acquire_many(2).await.map(|p| p.num_permits())
            },
            async move {
                drop(permit);
                semaphore.add_permits(1);
            },
        );
        assert_eq!(acquired.unwrap(), 2);
    }
}

#[test]
fn notify_is_delivered_across_runtimes() {
    let pair = Pair::new();
    for (waiter, waker) in pair.both_ways() {
        let notify = Arc::new(Notify::new());
        let notified = Arc::clone(&notify);
        cross(
            waiter,
            waker,
            async move { notified.notified().await },
            async move { notify.notify_one() },
        );

        // `notify_waiters` wakes a waiter on the other runtime too.
        let notify = Arc::new(Notify::new());
        let notified = Arc::clone(&notify);
        cross(
            waiter,
            waker,
            async move { notified.notified().await },
            async move { notify.notify_waiters() },
        );
    }
}

#[test]
fn barrier_releases_across_runtimes() {
    let pair = Pair::new();
    for (waiter, waker) in pair.both_ways() {
        let barrier = Arc::new(Barrier::new(2));
        let first = Arc::clone(&barrier);
        let (first, second) = cross(
            waiter,
            waker,
            async move { first.wait().await.is_leader() },
            async move { barrier.wait().await.is_leader() },
        );
        assert!(first ^ second, "exactly one leader");
    }
}

#[test]
fn once_cell_waiters_are_woken_by_an_initializer_on_the_other_runtime() {
    let pair = Pair::new();
    for (waiter, waker) in pair.both_ways() {
        let cell = Arc::new(OnceCell::<u32>::new());
        let init_started = Signal::new();
        let waiter_parked = Signal::new();
        // The initializer (on `waker`) starts, and finishes only once the second
        // caller (on `waiter`) is parked behind it.
        let initializing = {
            let cell = Arc::clone(&cell);
            let init_started = Arc::clone(&init_started);
            let waiter_parked = Arc::clone(&waiter_parked);
            waker.spawn(async move {
                *cell
                    .get_or_init(|| async move {
                        init_started.set();
                        waiter_parked.wait().await;
                        9
                    })
                    .await
            })
        };
        let second_ran_init = Arc::new(AtomicBool::new(false));
        let waiting = {
            let cell = Arc::clone(&cell);
            let second_ran_init = Arc::clone(&second_ran_init);
            waiter.spawn(async move {
                init_started.wait().await;
                let get = cell.get_or_init(|| async move {
                    second_ran_init.store(true, Ordering::SeqCst);
                    0
                });
                *ReportPending {
                    inner: Box::pin(get),
                    parked: waiter_parked,
                    reported: false,
                }
                .await
            })
        };
        assert_eq!(waiter.block_on(waiting).unwrap(), 9);
        assert_eq!(waker.block_on(initializing).unwrap(), 9);
        assert!(!second_ran_init.load(Ordering::SeqCst));
    }
}
