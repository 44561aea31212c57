//! `LocalSet`: tasks that are not `Send`, run on the thread that owns the set.
//!
//! A `LocalSet` is a small executor of its own that runs inside whichever task (or
//! `block_on`) polls it, on any backend. Its tasks are polled only while it is
//! being polled (`run_until`, awaiting it, `block_on`), and only on its thread.
//! Wakes from other threads go to a locked remote queue and wake the task that
//! polls the set.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use super::list::OwnedTasks;
use super::{Id, JoinHandle, Notified, Schedule, Task};

/// Local tasks run per poll of the set before it yields to its own caller.
const MAX_TASKS_PER_TICK: usize = 61;

/// A set of tasks that run on the current thread and need not be `Send`.
pub struct LocalSet {
    context: Rc<LocalContext>,
    _not_send: PhantomData<*const ()>,
}

struct LocalContext {
    shared: Arc<Shared>,
    /// The set is being polled right now: a task queued locally will be run by
    /// the current tick (or the next, which the tick asks for), with no wake.
    polling: std::cell::Cell<bool>,
    /// Tasks woken on the owning thread.
    queue: RefCell<VecDeque<Notified<Arc<Shared>>>>,
}

/// The part of a set that other threads reach through wakers.
struct Shared {
    /// Tasks woken on other threads; `None` once the set is dropped.
    remote: Mutex<Option<VecDeque<Notified<Arc<Shared>>>>>,
    /// The waker of whoever polls the set.
    waker: Mutex<Option<Waker>>,
    owned: OwnedTasks<Arc<Shared>>,
}

thread_local! {
    static CURRENT: RefCell<Option<Rc<LocalContext>>> = const { RefCell::new(None) };
}

impl LocalSet {
    /// An empty set, owned by this thread.
    pub fn new() -> LocalSet {
        LocalSet {
            context: Rc::new(LocalContext {
                shared: Arc::new(Shared {
                    remote: Mutex::new(Some(VecDeque::new())),
                    waker: Mutex::new(None),
                    owned: OwnedTasks::new(1),
                }),
                queue: RefCell::new(VecDeque::new()),
                polling: std::cell::Cell::new(false),
            }),
            _not_send: PhantomData,
        }
    }

    /// Spawns a `!Send` task on this set. It runs once the set is polled.
    pub fn spawn_local<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.context.spawn(future)
    }

    /// Makes this set current on this thread until the guard drops, so that
    /// [`spawn_local`] works outside `run_until`.
    pub fn enter(&self) -> LocalEnterGuard {
        LocalEnterGuard {
            prev: CURRENT.with(|cx| cx.replace(Some(self.context.clone()))),
            _not_send: PhantomData,
        }
    }

    /// `enter`, unless this thread's `CURRENT` is already destroyed (thread exit).
    fn try_enter(&self) -> Option<LocalEnterGuard> {
        let prev = CURRENT
            .try_with(|cx| cx.replace(Some(self.context.clone())))
            .ok()?;
        Some(LocalEnterGuard {
            prev,
            _not_send: PhantomData,
        })
    }

    /// Runs `future` to completion, running the set's tasks while it waits.
    pub fn run_until<F: Future>(&self, future: F) -> RunUntil<'_, F> {
        RunUntil { set: self, future }
    }

    /// Polls the set once: runs up to a tick's worth of ready tasks. Returns true
    /// if tasks are still ready (the caller should be woken again).
    fn tick(&self) -> bool {
        for _ in 0..MAX_TASKS_PER_TICK {
            let next = self.context.queue.borrow_mut().pop_front().or_else(|| {
                self.context
                    .shared
                    .remote
                    .lock()
                    .unwrap()
                    .as_mut()
                    .and_then(VecDeque::pop_front)
            });
            match next {
                Some(task) => crate::coop::budget(|| task.run()),
                None => return false,
            }
        }
        true
    }

    /// Runs `f` with this set current and its caller's waker registered.
    fn with<R>(&self, waker: &Waker, f: impl FnOnce() -> R) -> R {
        {
            let mut stored = self.context.shared.waker.lock().unwrap();
            if !stored.as_ref().is_some_and(|w| w.will_wake(waker)) {
                *stored = Some(waker.clone());
            }
        }
        let _enter = self.enter();
        let was_polling = self.context.polling.replace(true);
        let output = crate::runtime::context::disallow_block_in_place(f);
        self.context.polling.set(was_polling);
        output
    }

    fn poll_set(&self, cx: &mut Context<'_>) -> Poll<()> {
        self.with(cx.waker(), || {
            if self.tick() {
                cx.waker().wake_by_ref();
                Poll::Pending
            } else if self.context.shared.owned.is_empty() {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
    }
}

impl Default for LocalSet {
    fn default() -> LocalSet {
        LocalSet::new()
    }
}

impl Future for LocalSet {
    type Output = ();

    /// Completes once every task spawned on the set has completed.
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.poll_set(cx)
    }
}

impl Drop for LocalSet {
    fn drop(&mut self) {
        // Cancel every task here, on the owning thread, with the set current so
        // that destructors may still call `spawn_local` (which then cancels). A set
        // kept in a thread-local may be dropped after `CURRENT` is gone: then it
        // cancels without being current.
        let _enter = self.try_enter();
        let shared = &self.context.shared;
        // A task's destructor runs inside the set, as its polls do: it may not
        // `block_in_place` (tokio panics there too, and the task reports the panic).
        crate::runtime::context::disallow_block_in_place(|| shared.owned.close_and_shutdown_all());
        let remote = shared.remote.lock().unwrap().take();
        drop(remote);
        loop {
            let task = self.context.queue.borrow_mut().pop_front();
            match task {
                Some(task) => drop(task),
                None => break,
            }
        }
    }
}

impl fmt::Debug for LocalSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalSet").finish_non_exhaustive()
    }
}

impl LocalContext {
    fn spawn<F>(self: &Rc<Self>, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let shared = &self.shared;
        // SAFETY: a local task is polled only by `LocalSet::tick`, and dropped only
        // by it, by `LocalSet::drop`, or by `OwnedTasks::close_and_shutdown_all`
        // from `LocalSet::drop` — all on the owning thread (`LocalSet` is !Send).
        let (join, notified) =
            unsafe { shared.owned.bind_local(future, shared.clone(), Id::next()) };
        if let Some(notified) = notified {
            self.queue.borrow_mut().push_back(notified);
            if !self.polling.get() {
                shared.wake_owner();
            }
        }
        join
    }
}

impl Shared {
    fn wake_owner(&self) {
        let waker = self.waker.lock().unwrap().clone();
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl Schedule for Arc<Shared> {
    fn schedule(&self, task: Notified<Self>) {
        let mut task = Some(task);
        // The set is current only on its own thread, so a match here also means
        // this is the owning thread.
        let polling = CURRENT
            .try_with(|cx| match cx.borrow().as_ref() {
                Some(cx) if Arc::ptr_eq(&cx.shared, self) => {
                    cx.queue.borrow_mut().extend(task.take());
                    cx.polling.get()
                }
                _ => false,
            })
            .unwrap_or(false);
        if polling {
            return;
        }
        if let Some(task) = task {
            let rejected = match self.remote.lock().unwrap().as_mut() {
                Some(queue) => {
                    queue.push_back(task);
                    None
                }
                None => Some(task),
            };
            // The set is gone and the task cancelled: just drop the reference,
            // outside the lock.
            drop(rejected);
        }
        self.wake_owner();
    }

    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        self.owned.remove(task)
    }
}

/// Makes a `LocalSet` current; see [`LocalSet::enter`].
pub struct LocalEnterGuard {
    prev: Option<Rc<LocalContext>>,
    _not_send: PhantomData<*const ()>,
}

impl Drop for LocalEnterGuard {
    fn drop(&mut self) {
        let prev = self.prev.take();
        // At thread exit `CURRENT` may be gone already; nothing is left to restore.
        let replaced = CURRENT.try_with(|cx| cx.replace(prev)).ok();
        drop(replaced);
    }
}

impl fmt::Debug for LocalEnterGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalEnterGuard").finish_non_exhaustive()
    }
}

/// The future of [`LocalSet::run_until`].
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct RunUntil<'a, F> {
    set: &'a LocalSet,
    future: F,
}

impl<F: Future> Future for RunUntil<'_, F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: `future` is pinned with `self` and never moved out; `set` is a
        // shared reference, which needs no pinning.
        let this = unsafe { self.get_unchecked_mut() };
        let set = this.set;
        // SAFETY: as above.
        let future = unsafe { Pin::new_unchecked(&mut this.future) };
        set.with(cx.waker(), || {
            if let Poll::Ready(output) = future.poll(cx) {
                return Poll::Ready(output);
            }
            if set.tick() {
                cx.waker().wake_by_ref();
            }
            Poll::Pending
        })
    }
}

impl<F> fmt::Debug for RunUntil<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunUntil").finish_non_exhaustive()
    }
}

/// Spawns a `!Send` task on the current `LocalSet`.
///
/// # Panics
///
/// Outside a `LocalSet` (`run_until`, awaiting it, or `LocalSet::enter`).
#[track_caller]
pub fn spawn_local<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    let context = CURRENT.with(|cx| cx.borrow().clone());
    match context {
        Some(context) => context.spawn(future),
        None => panic!(
            "`spawn_local` called from outside of a `task::LocalSet` or `runtime::LocalRuntime`"
        ),
    }
}
