//! The task state machine driven by a hand-cranked scheduler: each test names the
//! interleaving it checks. Run under miri too, which also catches leaks.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

use super::list::OwnedTasks;
use super::{AbortHandle, Id, JoinError, JoinHandle, Notified, Schedule, Task};

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
            owned: OwnedTasks::new(4),
        }))
    }

    fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let (join, notified) = self.0.owned.bind(future, self.clone(), Id::next());
        if let Some(notified) = notified {
            self.schedule(notified);
        }
        join
    }

    fn queued(&self) -> usize {
        self.0.ready.lock().unwrap().len()
    }

    /// Runs the task at the front of the queue; false if there was none.
    fn tick(&self) -> bool {
        let next = self.0.ready.lock().unwrap().pop_front();
        match next {
            Some(task) => {
                task.run();
                true
            }
            None => false,
        }
    }

    fn run_all(&self) {
        while self.tick() {}
    }

    /// Cancels everything left and empties the queue, breaking the Arc cycle
    /// between the queue and its tasks.
    fn shutdown(&self) {
        self.0.owned.close_and_shutdown_all();
        let leftover: Vec<_> = self.0.ready.lock().unwrap().drain(..).collect();
        drop(leftover);
    }
}

struct CountWakes(AtomicUsize);

impl Wake for CountWakes {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn counting_waker() -> (Arc<CountWakes>, Waker) {
    let wakes = Arc::new(CountWakes(AtomicUsize::new(0)));
    (wakes.clone(), Waker::from(wakes))
}

fn poll_join<T>(join: &mut JoinHandle<T>, waker: &Waker) -> Poll<Result<T, JoinError>> {
    Pin::new(join).poll(&mut Context::from_waker(waker))
}

/// Counts its drops.
struct DropCount(Arc<AtomicUsize>);

impl Drop for DropCount {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// A future driven by a closure, so each test can script its polls.
struct Script<F>(F);

impl<F: FnMut(&mut Context<'_>) -> Poll<u32> + Unpin> Future for Script<F> {
    type Output = u32;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        (self.0)(cx)
    }
}

#[test]
fn spawn_run_join() {
    let queue = Queue::new();
    let mut join = queue.spawn(async { 7 });
    let (_wakes, waker) = counting_waker();
    assert!(poll_join(&mut join, &waker).is_pending());
    queue.run_all();
    assert!(join.is_finished());
    match poll_join(&mut join, &waker) {
        Poll::Ready(Ok(7)) => {}
        other => panic!("unexpected {other:?}"),
    }
    queue.shutdown();
}

#[test]
fn join_waker_is_woken_at_completion() {
    let queue = Queue::new();
    let mut join = queue.spawn(async { 1 });
    let (wakes, waker) = counting_waker();
    assert!(poll_join(&mut join, &waker).is_pending());
    // Polling again with an equivalent waker keeps the registration.
    assert!(poll_join(&mut join, &waker).is_pending());
    let (other_wakes, other_waker) = counting_waker();
    assert!(poll_join(&mut join, &other_waker).is_pending());
    queue.run_all();
    assert_eq!(
        wakes.0.load(Ordering::SeqCst),
        0,
        "the replaced waker is not woken"
    );
    assert_eq!(other_wakes.0.load(Ordering::SeqCst), 1);
    assert!(matches!(poll_join(&mut join, &waker), Poll::Ready(Ok(1))));
    queue.shutdown();
}

#[test]
fn wake_while_running_requeues_once() {
    let queue = Queue::new();
    let mut polls = 0;
    let mut join = queue.spawn(Script(move |cx: &mut Context<'_>| {
        polls += 1;
        if polls == 1 {
            cx.waker().wake_by_ref();
            cx.waker().wake_by_ref();
            // By value, as a clone handed to a resource and then woken would be.
            let by_value = cx.waker().clone();
            by_value.wake();
            Poll::Pending
        } else {
            Poll::Ready(polls)
        }
    }));
    assert!(queue.tick());
    assert_eq!(
        queue.queued(),
        1,
        "woken while running: queued exactly once"
    );
    queue.run_all();
    let (_w, waker) = counting_waker();
    assert!(matches!(poll_join(&mut join, &waker), Poll::Ready(Ok(2))));
    queue.shutdown();
}

#[test]
fn wake_after_completion_does_not_requeue() {
    let queue = Queue::new();
    let stash: Arc<Mutex<Option<Waker>>> = Arc::default();
    let stash2 = stash.clone();
    let join = queue.spawn(Script(move |cx: &mut Context<'_>| {
        *stash2.lock().unwrap() = Some(cx.waker().clone());
        Poll::Ready(0)
    }));
    queue.run_all();
    drop(join);
    let waker = stash.lock().unwrap().take().unwrap();
    waker.wake_by_ref();
    assert_eq!(queue.queued(), 0);
    // The last reference: dropping the waker frees the task (miri checks it).
    waker.wake();
    assert_eq!(queue.queued(), 0);
    queue.shutdown();
}

#[test]
fn abort_while_running_cancels_right_after_the_poll() {
    let queue = Queue::new();
    let handle: Arc<Mutex<Option<AbortHandle>>> = Arc::default();
    let handle2 = handle.clone();
    let drops = Arc::new(AtomicUsize::new(0));
    let guard = DropCount(drops.clone());
    let drops_seen_in_poll = drops.clone();
    let mut join = queue.spawn(Script(move |_cx: &mut Context<'_>| {
        let _keep = &guard;
        handle2.lock().unwrap().as_ref().unwrap().abort();
        assert_eq!(
            drops_seen_in_poll.load(Ordering::SeqCst),
            0,
            "dropped during its own poll"
        );
        Poll::Pending
    }));
    *handle.lock().unwrap() = Some(join.abort_handle());
    assert!(queue.tick());
    assert_eq!(
        drops.load(Ordering::SeqCst),
        1,
        "dropped as soon as the poll returned"
    );
    assert_eq!(queue.queued(), 0, "not re-queued: already cancelled");
    let (_w, waker) = counting_waker();
    match poll_join(&mut join, &waker) {
        Poll::Ready(Err(e)) => assert!(e.is_cancelled()),
        other => panic!("unexpected {other:?}"),
    }
    handle.lock().unwrap().take();
    queue.shutdown();
}

#[test]
fn abort_idle_task_drops_its_future_when_run() {
    let queue = Queue::new();
    let drops = Arc::new(AtomicUsize::new(0));
    let guard = DropCount(drops.clone());
    let mut join = queue.spawn(Script(move |_cx: &mut Context<'_>| {
        let _keep = &guard;
        Poll::Pending
    }));
    queue.run_all();
    assert_eq!(queue.queued(), 0);
    join.abort();
    assert_eq!(queue.queued(), 1, "abort schedules an idle task");
    assert_eq!(
        drops.load(Ordering::SeqCst),
        0,
        "dropped by its scheduler, not by abort"
    );
    queue.run_all();
    assert_eq!(drops.load(Ordering::SeqCst), 1);
    let (_w, waker) = counting_waker();
    assert!(matches!(poll_join(&mut join, &waker), Poll::Ready(Err(e)) if e.is_cancelled()));
    queue.shutdown();
}

#[test]
fn abort_after_completion_keeps_the_output() {
    let queue = Queue::new();
    let mut join = queue.spawn(async { 5 });
    queue.run_all();
    join.abort();
    assert_eq!(queue.queued(), 0);
    let (_w, waker) = counting_waker();
    assert!(matches!(poll_join(&mut join, &waker), Poll::Ready(Ok(5))));
    queue.shutdown();
}

#[test]
fn join_handle_dropped_first_output_dropped_at_completion() {
    let queue = Queue::new();
    let drops = Arc::new(AtomicUsize::new(0));
    let out = DropCount(drops.clone());
    let join = queue.spawn(async move { out });
    drop(join);
    assert_eq!(queue.queued(), 1, "a detached task still runs");
    queue.run_all();
    assert_eq!(drops.load(Ordering::SeqCst), 1);
    queue.shutdown();
}

#[test]
fn join_handle_dropped_after_completion_drops_the_output() {
    let queue = Queue::new();
    let drops = Arc::new(AtomicUsize::new(0));
    let out = DropCount(drops.clone());
    let join = queue.spawn(async move { out });
    queue.run_all();
    assert_eq!(drops.load(Ordering::SeqCst), 0, "kept for the JoinHandle");
    drop(join);
    assert_eq!(drops.load(Ordering::SeqCst), 1);
    queue.shutdown();
}

#[test]
fn join_handle_dropped_with_a_registered_waker() {
    let queue = Queue::new();
    let mut join = queue.spawn(async { 3 });
    let (wakes, waker) = counting_waker();
    assert!(poll_join(&mut join, &waker).is_pending());
    drop(join);
    queue.run_all();
    assert_eq!(wakes.0.load(Ordering::SeqCst), 0);
    queue.shutdown();
}

#[test]
fn panic_is_caught_and_reported() {
    let queue = Queue::new();
    let mut join = queue.spawn(Script(|_cx: &mut Context<'_>| panic!("boom")));
    queue.run_all();
    let (_w, waker) = counting_waker();
    let Poll::Ready(Err(err)) = poll_join(&mut join, &waker) else {
        panic!("expected a panic error");
    };
    assert!(err.is_panic() && !err.is_cancelled());
    assert_eq!(err.id(), join.id());
    assert!(err.to_string().contains("panicked with message \"boom\""));
    let payload = err.into_panic();
    assert_eq!(*payload.downcast_ref::<&str>().unwrap(), "boom");
    queue.shutdown();
}

#[test]
fn shutdown_cancels_parked_tasks_and_refuses_new_ones() {
    let queue = Queue::new();
    let drops = Arc::new(AtomicUsize::new(0));
    let guard = DropCount(drops.clone());
    let mut parked = queue.spawn(Script(move |_cx: &mut Context<'_>| {
        let _keep = &guard;
        Poll::Pending
    }));
    queue.run_all();
    queue.shutdown();
    assert_eq!(drops.load(Ordering::SeqCst), 1);
    let (_w, waker) = counting_waker();
    assert!(matches!(poll_join(&mut parked, &waker), Poll::Ready(Err(e)) if e.is_cancelled()));

    let late_drops = Arc::new(AtomicUsize::new(0));
    let late_guard = DropCount(late_drops.clone());
    let mut late = queue.spawn(async move {
        let _keep = late_guard;
    });
    assert_eq!(queue.queued(), 0, "a closed list never queues");
    assert_eq!(late_drops.load(Ordering::SeqCst), 1, "dropped at once");
    assert!(matches!(poll_join(&mut late, &waker), Poll::Ready(Err(e)) if e.is_cancelled()));
}

#[test]
fn shutdown_of_a_queued_task_then_pop_is_harmless() {
    let queue = Queue::new();
    let mut join = queue.spawn(async { 1 });
    queue.0.owned.close_and_shutdown_all();
    assert_eq!(queue.queued(), 1);
    queue.run_all();
    let (_w, waker) = counting_waker();
    assert!(matches!(poll_join(&mut join, &waker), Poll::Ready(Err(e)) if e.is_cancelled()));
}

#[test]
fn panic_in_drop_during_cancel_is_a_panic_error() {
    struct PanicOnDrop;
    impl Drop for PanicOnDrop {
        fn drop(&mut self) {
            panic!("drop boom");
        }
    }
    let queue = Queue::new();
    let guard = PanicOnDrop;
    let mut join = queue.spawn(Script(move |_cx: &mut Context<'_>| {
        let _keep = &guard;
        Poll::Pending
    }));
    queue.run_all();
    join.abort();
    queue.run_all();
    let (_w, waker) = counting_waker();
    assert!(matches!(poll_join(&mut join, &waker), Poll::Ready(Err(e)) if e.is_panic()));
    queue.shutdown();
}

#[test]
fn task_id_is_visible_inside_the_task() {
    let queue = Queue::new();
    let seen: Arc<Mutex<Option<Id>>> = Arc::default();
    let seen2 = seen.clone();
    let join = queue.spawn(async move {
        *seen2.lock().unwrap() = super::try_id();
    });
    let id = join.id();
    queue.run_all();
    assert_eq!(*seen.lock().unwrap(), Some(id));
    assert_eq!(super::try_id(), None, "no task outside a poll");
    queue.shutdown();
}

#[test]
fn wakes_from_other_threads_race_with_the_poll() {
    let queue = Queue::new();
    let stash: Arc<Mutex<Option<Waker>>> = Arc::default();
    let stash2 = stash.clone();
    let mut polls = 0;
    let mut join = queue.spawn(Script(move |cx: &mut Context<'_>| {
        polls += 1;
        *stash2.lock().unwrap() = Some(cx.waker().clone());
        if polls == 50 {
            Poll::Ready(polls)
        } else {
            Poll::Pending
        }
    }));
    let waker_thread = {
        let stash = stash.clone();
        let queue = queue.clone();
        std::thread::spawn(move || {
            while !queue.0.owned.is_empty() {
                if let Some(w) = stash.lock().unwrap().take() {
                    w.wake();
                }
                std::thread::yield_now();
            }
        })
    };
    while !join.is_finished() {
        if !queue.tick() {
            std::thread::yield_now();
        }
    }
    waker_thread.join().unwrap();
    let (_w, waker) = counting_waker();
    assert!(matches!(poll_join(&mut join, &waker), Poll::Ready(Ok(50))));
    stash.lock().unwrap().take();
    queue.shutdown();
}
