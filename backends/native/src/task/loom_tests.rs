//! Loom models of the task cell: completion, wakes, aborts and the `JoinHandle`
//! racing each other on different threads.
//!
//! `LOOM_MAX_PREEMPTIONS=2 RUSTFLAGS="--cfg loom" cargo test -p avx-native --lib --release task::loom`

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::sync::{Arc, Mutex};
use loom::thread;

use super::list::OwnedTasks;
use super::{Id, JoinHandle, Notified, Schedule, Task};

#[derive(Clone)]
struct Queue(Arc<QueueInner>);

struct QueueInner {
    ready: Mutex<VecDeque<Notified<Queue>>>,
    owned: OwnedTasks<Queue>,
}

impl Schedule for Queue {
    fn schedule(&self, task: Notified<Self>) {
        self.0.ready.lock().unwrap().push_back(task);
    }

    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        self.0.owned.remove(task)
    }
}

impl Queue {
    fn new() -> Queue {
        Queue(Arc::new(QueueInner {
            ready: Mutex::new(VecDeque::new()),
            owned: OwnedTasks::new(1),
        }))
    }

    fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let (join, notified) = self.0.owned.bind(future, self.clone(), Id::next());
        self.schedule(notified.expect("open"));
        join
    }

    fn run_all(&self) {
        loop {
            let next = self.0.ready.lock().unwrap().pop_front();
            match next {
                Some(task) => task.run(),
                None => return,
            }
        }
    }

    fn shutdown(&self) {
        self.0.owned.close_and_shutdown_all();
        let leftover: Vec<_> = self.0.ready.lock().unwrap().drain(..).collect();
        drop(leftover);
    }
}

/// Counts its drops.
struct DropCount(Arc<AtomicUsize>);

impl Drop for DropCount {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// Pending on the first poll (handing its waker out), ready on the next.
struct TwoPolls {
    polled: bool,
    waker_slot: Arc<Mutex<Option<Waker>>>,
}

impl Future for TwoPolls {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.polled {
            return Poll::Ready(());
        }
        self.polled = true;
        *self.waker_slot.lock().unwrap() = Some(cx.waker().clone());
        Poll::Pending
    }
}

#[test]
fn join_handle_drop_races_completion() {
    loom::model(|| {
        let queue = Queue::new();
        let drops = Arc::new(AtomicUsize::new(0));
        let output = DropCount(drops.clone());
        let join = queue.spawn(async move { output });
        let runner = {
            let queue = queue.clone();
            thread::spawn(move || queue.run_all())
        };
        drop(join);
        runner.join().unwrap();
        // Dropped exactly once, by whichever side owned it.
        assert_eq!(drops.load(Ordering::SeqCst), 1);
        queue.shutdown();
    });
}

#[test]
fn join_handle_poll_races_completion() {
    loom::model(|| {
        let queue = Queue::new();
        let mut join = queue.spawn(async { 7 });
        let runner = {
            let queue = queue.clone();
            thread::spawn(move || queue.run_all())
        };
        let waker = futures_waker();
        let first = Pin::new(&mut join).poll(&mut Context::from_waker(&waker));
        runner.join().unwrap();
        // Either it was done at once, or the registered waker leads to the output.
        let output = match first {
            Poll::Ready(output) => output,
            Poll::Pending => match Pin::new(&mut join).poll(&mut Context::from_waker(&waker)) {
                Poll::Ready(output) => output,
                Poll::Pending => panic!("completed task still pending"),
            },
        };
        assert_eq!(output.unwrap(), 7);
        queue.shutdown();
    });
}

#[test]
fn wake_races_the_poll() {
    loom::model(|| {
        let queue = Queue::new();
        let waker_slot: Arc<Mutex<Option<Waker>>> = Arc::new(Mutex::new(None));
        let join = queue.spawn(TwoPolls {
            polled: false,
            waker_slot: waker_slot.clone(),
        });
        queue.run_all();
        let waker = waker_slot
            .lock()
            .unwrap()
            .take()
            .expect("first poll stored it");
        let waking = thread::spawn(move || waker.wake());
        // Run whatever the wake queued, racing it.
        queue.run_all();
        waking.join().unwrap();
        queue.run_all();
        assert!(join.is_finished(), "the wake was lost");
        drop(join);
        queue.shutdown();
    });
}

#[test]
fn abort_races_the_run() {
    loom::model(|| {
        let queue = Queue::new();
        let drops = Arc::new(AtomicUsize::new(0));
        let guard = DropCount(drops.clone());
        let waker_slot: Arc<Mutex<Option<Waker>>> = Arc::new(Mutex::new(None));
        let slot = waker_slot.clone();
        let join = queue.spawn(async move {
            let _guard = guard;
            TwoPolls {
                polled: false,
                waker_slot: slot,
            }
            .await;
        });
        let abort = join.abort_handle();
        let aborter = thread::spawn(move || abort.abort());
        queue.run_all();
        aborter.join().unwrap();
        queue.run_all();
        // Aborted before or after its first poll: the future is gone either way.
        assert_eq!(drops.load(Ordering::SeqCst), 1);
        assert!(join.is_finished());
        drop(waker_slot.lock().unwrap().take());
        drop(join);
        queue.shutdown();
    });
}

fn futures_waker() -> Waker {
    Waker::noop().clone()
}
