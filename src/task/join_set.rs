//! `JoinSet`: a collection of tasks whose outputs are taken in the order the
//! tasks finish.
//!
//! The set never polls every handle to find a finished one. Each handle sits in a
//! slab slot with a waker of its own (a [`Signal`]); a handle is polled only after
//! its waker fired, so a join costs O(1) amortised per finished task.
//!
//! ```text
//!   insert: handle polled once ── Pending ──► idle ◄──────────────────┐
//!                 │ Ready (stored in the entry)  │ Signal::wake          │
//!                 ▼                              ▼ (task finished,      │
//!               queued ◄─────────────────────  queued   or coop)        │
//!                 │ pop_queued: `queued` cleared,                       │
//!                 ▼ handle polled with the entry waker                  │
//!              polling ── Pending ──────────────────────────────────────┘
//!                 │ Ready
//!                 ▼
//!              removed (`queued` pinned to true: stale wakes are ignored)
//! ```
//!
//! Invariants:
//! * `ReadyList::keys` holds the key of every entry whose `queued` flag is set and
//!   that has not been popped since; a key appears there at most once while its
//!   entry lives. It may also hold keys of entries removed since they were queued;
//!   those are told apart by the slot's generation and skipped.
//! * Every live entry's handle has been polled with the entry's waker, at insert
//!   if not since, so the task wakes the entry when it finishes: the list is fed in
//!   the order tasks finish, and joins follow that order. A task that had already
//!   finished at insert keeps its result in `Entry::finished`, and is queued.
//! * `ReadyList::waker` is the waker of the last `poll_join_next` that found the
//!   list empty; it is stored and taken under the same lock as `keys`, so a wake
//!   that lands between "the list is empty" and "the waker is stored" is not lost.
//! * `len` counts the occupied slots.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::panic;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Wake, Waker};

use super::{AbortHandle, Id, JoinError, JoinHandle, LocalSet};
use crate::runtime::Handle;

/// A collection of tasks, awaited in the order they complete.
///
/// Every task in the set has the output type `T`. Dropping the set aborts every
/// task still in it.
///
/// ```
/// # avx::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// use avx::task::JoinSet;
///
/// let mut set = JoinSet::new();
/// for i in 0..10 {
///     set.spawn(async move { i * 2 });
/// }
/// let mut total = 0;
/// while let Some(result) = set.join_next().await {
///     total += result.unwrap();
/// }
/// assert_eq!(total, 90);
/// # });
/// ```
///
/// While a task is in a set, its [`Id`] is unique among running tasks, just as if
/// a [`JoinHandle`] to it were held.
pub struct JoinSet<T> {
    slots: Vec<Slot<T>>,
    /// Indices of the empty slots, reused before the slab grows.
    vacant: Vec<usize>,
    len: usize,
    /// The generation the next entry gets; unique within this set.
    next_generation: u64,
    ready: Arc<ReadyList>,
}

struct Slot<T> {
    generation: u64,
    entry: Option<Entry<T>>,
}

struct Entry<T> {
    handle: JoinHandle<T>,
    signal: Arc<Signal>,
    /// `signal` as a `Waker`, built once so each poll does not clone an `Arc`.
    waker: Waker,
    /// The result, if the task had finished when the entry was inserted. In a
    /// `Mutex` only so that the set is `Sync` for any `T: Send`, as a
    /// `JoinHandle<T>` is; it is never contended.
    finished: Option<Mutex<Result<T, JoinError>>>,
}

/// Names one entry: a slab index and the generation of the entry in it.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Key {
    index: usize,
    generation: u64,
}

/// The entries whose wakers fired, shared with those wakers.
struct ReadyList {
    state: Mutex<ReadyState>,
}

struct ReadyState {
    keys: VecDeque<Key>,
    waker: Option<Waker>,
}

/// The waker of one entry: queues the entry's key and wakes the set's poller.
struct Signal {
    list: Arc<ReadyList>,
    key: Key,
    /// The key is in the ready list (or the entry is gone, and must stay out).
    queued: AtomicBool,
}

impl ReadyList {
    fn new() -> Arc<ReadyList> {
        Arc::new(ReadyList {
            state: Mutex::new(ReadyState {
                keys: VecDeque::new(),
                waker: None,
            }),
        })
    }

    fn lock(&self) -> MutexGuard<'_, ReadyState> {
        // Nothing panics while the lock is held; a poisoned lock still has
        // consistent contents.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn len(&self) -> usize {
        self.lock().keys.len()
    }

    fn pop(&self) -> Option<Key> {
        self.lock().keys.pop_front()
    }

    /// Stores `waker` to be woken by the next entry that becomes ready, unless one
    /// already is; returns whether one is (the caller should poll again).
    fn park(&self, waker: &Waker) -> bool {
        let mut state = self.lock();
        if !state.keys.is_empty() {
            return true;
        }
        match &state.waker {
            Some(stored) if stored.will_wake(waker) => {}
            _ => state.waker = Some(waker.clone()),
        }
        false
    }
}

impl Wake for Signal {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if self.queued.swap(true, Ordering::AcqRel) {
            return;
        }
        let poller = {
            let mut state = self.list.lock();
            state.keys.push_back(self.key);
            state.waker.take()
        };
        // Woken outside the lock: the poller may run at once and lock it again.
        if let Some(poller) = poller {
            poller.wake();
        }
    }
}

impl<T> JoinSet<T> {
    /// An empty set.
    pub fn new() -> JoinSet<T> {
        JoinSet {
            slots: Vec::new(),
            vacant: Vec::new(),
            len: 0,
            next_generation: 0,
            ready: ReadyList::new(),
        }
    }

    /// The number of tasks in the set, finished ones not yet joined included.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the set holds no tasks.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn entries(&self) -> impl Iterator<Item = &Entry<T>> {
        self.slots.iter().filter_map(|slot| slot.entry.as_ref())
    }

    /// Adds `handle` to the set, registering the entry's waker with its task.
    fn insert(&mut self, mut handle: JoinHandle<T>) -> AbortHandle {
        let abort = handle.abort_handle();
        let generation = self.next_generation;
        self.next_generation += 1;
        let index = self.vacant.pop().unwrap_or_else(|| {
            self.slots.push(Slot {
                generation,
                entry: None,
            });
            self.slots.len() - 1
        });
        let key = Key { index, generation };
        let signal = Arc::new(Signal {
            list: self.ready.clone(),
            key,
            queued: AtomicBool::new(false),
        });
        let waker = Waker::from(signal.clone());
        let finished = match poll_unconstrained(&mut handle, &waker) {
            Poll::Ready(result) => {
                signal.wake_by_ref();
                Some(Mutex::new(result))
            }
            Poll::Pending => None,
        };
        self.slots[index] = Slot {
            generation,
            entry: Some(Entry {
                handle,
                signal,
                waker,
                finished,
            }),
        };
        self.len += 1;
        abort
    }

    /// Takes the entry in slot `index` out of the set.
    fn remove(&mut self, index: usize) -> Entry<T> {
        let entry = self.slots[index]
            .entry
            .take()
            .expect("`remove` is called only for an occupied slot");
        // A wake from the finished task (or a stale clone of the waker) must not
        // queue the key again: the slot may soon hold another entry.
        entry.signal.queued.store(true, Ordering::Release);
        self.vacant.push(index);
        self.len -= 1;
        entry
    }

    /// Pops queued keys until one names a live entry, and returns its index.
    fn pop_queued(&mut self) -> Option<usize> {
        loop {
            let key = self.ready.pop()?;
            let slot = &self.slots[key.index];
            if slot.generation == key.generation && slot.entry.is_some() {
                return Some(key.index);
            }
        }
    }

    /// Polls the handle in slot `index` with the entry's own waker; if it is
    /// ready, removes the entry and returns the task's id and result.
    fn poll_entry(&mut self, index: usize, constrained: bool) -> Poll<(Id, Result<T, JoinError>)> {
        let Some(entry) = self.slots[index].entry.as_mut() else {
            return Poll::Pending;
        };
        // Cleared before the poll: a wake during or after it queues the key again.
        entry.signal.queued.store(false, Ordering::SeqCst);
        let polled = if let Some(result) = entry.finished.take() {
            Poll::Ready(result.into_inner().unwrap_or_else(PoisonError::into_inner))
        } else if constrained {
            Pin::new(&mut entry.handle).poll(&mut Context::from_waker(&entry.waker))
        } else {
            // A synchronous check has no way to yield, so the budget must not
            // turn it away.
            poll_unconstrained(&mut entry.handle, &entry.waker)
        };
        match polled {
            Poll::Ready(result) => {
                let entry = self.remove(index);
                Poll::Ready((entry.handle.id(), result))
            }
            Poll::Pending => Poll::Pending,
        }
    }

    /// Polls queued entries, at most as many as were queued on entry: an entry the
    /// cooperative budget turned away queues itself again, and must not make this
    /// loop spin.
    fn poll_queued(&mut self, constrained: bool) -> Option<(Id, Result<T, JoinError>)> {
        for _ in 0..self.ready.len() {
            let index = self.pop_queued()?;
            if let Poll::Ready(finished) = self.poll_entry(index, constrained) {
                return Some(finished);
            }
        }
        None
    }

    fn poll_finished(&mut self, cx: &mut Context<'_>) -> Poll<Option<(Id, Result<T, JoinError>)>> {
        if self.is_empty() {
            return Poll::Ready(None);
        }
        if let Some(finished) = self.poll_queued(true) {
            return Poll::Ready(Some(finished));
        }
        if self.ready.park(cx.waker()) {
            // Entries were queued meanwhile, or the budget is spent: come back
            // after the scheduler has had its turn.
            cx.waker().wake_by_ref();
        }
        Poll::Pending
    }

    fn try_finished(&mut self) -> Option<(Id, Result<T, JoinError>)> {
        if self.is_empty() {
            return None;
        }
        self.poll_queued(false)
    }
}

impl<T: 'static> JoinSet<T> {
    /// Spawns `task` on the current runtime and adds it to the set. It starts
    /// running at once, whether or not the set is awaited.
    ///
    /// # Panics
    ///
    /// Outside a runtime, with tokio's message.
    #[track_caller]
    pub fn spawn<F>(&mut self, task: F) -> AbortHandle
    where
        F: Future<Output = T>,
        F: Send + 'static,
        T: Send,
    {
        self.insert(super::spawn(task))
    }

    /// Spawns `task` on the runtime behind `handle` and adds it to the set.
    #[track_caller]
    pub fn spawn_on<F>(&mut self, task: F, handle: &Handle) -> AbortHandle
    where
        F: Future<Output = T>,
        F: Send + 'static,
        T: Send,
    {
        self.insert(handle.spawn(task))
    }

    /// Spawns `task` on the current [`LocalSet`] and adds it to the set.
    ///
    /// # Panics
    ///
    /// Outside a `LocalSet`, with tokio's message.
    #[track_caller]
    pub fn spawn_local<F>(&mut self, task: F) -> AbortHandle
    where
        F: Future<Output = T>,
        F: 'static,
    {
        self.insert(super::spawn_local(task))
    }

    /// Spawns `task` on `local_set`, which need not be running, and adds it to the
    /// set. The task starts when the `LocalSet` is next polled.
    #[track_caller]
    pub fn spawn_local_on<F>(&mut self, task: F, local_set: &LocalSet) -> AbortHandle
    where
        F: Future<Output = T>,
        F: 'static,
    {
        self.insert(local_set.spawn_local(task))
    }

    /// Waits for a task in the set to finish and returns its output; `None` if the
    /// set is empty.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: dropping the future before it completes removes no task.
    pub async fn join_next(&mut self) -> Option<Result<T, JoinError>> {
        std::future::poll_fn(|cx| self.poll_join_next(cx)).await
    }

    /// Like [`join_next`](Self::join_next), with the finished task's [`Id`]. A
    /// failed task's id is in its [`JoinError::id`].
    ///
    /// # Cancel safety
    ///
    /// Cancel safe, as `join_next`.
    pub async fn join_next_with_id(&mut self) -> Option<Result<(Id, T), JoinError>> {
        std::future::poll_fn(|cx| self.poll_join_next_with_id(cx)).await
    }

    /// Takes the output of a task that has already finished, without waiting;
    /// `None` if none has, or the set is empty.
    pub fn try_join_next(&mut self) -> Option<Result<T, JoinError>> {
        self.try_finished().map(|(_, result)| result)
    }

    /// Like [`try_join_next`](Self::try_join_next), with the finished task's
    /// [`Id`].
    pub fn try_join_next_with_id(&mut self) -> Option<Result<(Id, T), JoinError>> {
        self.try_finished()
            .map(|(id, result)| result.map(|output| (id, output)))
    }

    /// Aborts every task and waits until all have finished; the set is then
    /// empty. Panics of tasks that were shutting down are ignored.
    pub async fn shutdown(&mut self) {
        self.abort_all();
        while self.join_next().await.is_some() {}
    }

    /// Waits for every task and returns their outputs in the order the tasks
    /// finished.
    ///
    /// # Panics
    ///
    /// If a task panicked, the panic is resumed here; if one was cancelled, this
    /// panics with the [`JoinError`]. Either way the tasks left in the set are
    /// aborted, as the set is dropped.
    pub async fn join_all(mut self) -> Vec<T> {
        let mut outputs = Vec::with_capacity(self.len());
        while let Some(result) = self.join_next().await {
            match result {
                Ok(output) => outputs.push(output),
                Err(err) if err.is_panic() => panic::resume_unwind(err.into_panic()),
                Err(err) => panic!("{err}"),
            }
        }
        outputs
    }

    /// Aborts every task in the set. They stay in it: join them to see them
    /// finish.
    pub fn abort_all(&mut self) {
        self.entries().for_each(|entry| entry.handle.abort());
    }

    /// Removes every task from the set without aborting it: they run on, even
    /// after the set is dropped.
    pub fn detach_all(&mut self) {
        self.slots.clear();
        self.vacant.clear();
        self.len = 0;
        // The old wakers keep their list; they can no longer reach this set.
        self.ready = ReadyList::new();
    }

    /// Polls for a task in the set to finish, removing it if one has.
    ///
    /// Returns `Ready(None)` when the set is empty, and `Pending` when no task's
    /// output is available, having registered `cx`'s waker (only the waker of the
    /// most recent call is woken). It may return `Pending` although a task has
    /// finished, when the cooperative budget is spent.
    pub fn poll_join_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T, JoinError>>> {
        self.poll_finished(cx)
            .map(|finished| finished.map(|(_, result)| result))
    }

    /// Like [`poll_join_next`](Self::poll_join_next), with the finished task's
    /// [`Id`].
    pub fn poll_join_next_with_id(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<(Id, T), JoinError>>> {
        self.poll_finished(cx)
            .map(|finished| finished.map(|(id, result)| result.map(|output| (id, output))))
    }
}

impl<T: 'static> JoinSet<T> {
    /// Runs the blocking `f` on the current runtime's blocking pool and adds it to
    /// the set.
    ///
    /// # Panics
    ///
    /// Outside a runtime, with tokio's message.
    #[track_caller]
    pub fn spawn_blocking<F>(&mut self, f: F) -> AbortHandle
    where
        F: FnOnce() -> T,
        F: Send + 'static,
        T: Send,
    {
        self.insert(super::spawn_blocking(f))
    }

    /// Runs the blocking `f` on the blocking pool of the runtime behind `handle`
    /// and adds it to the set.
    #[track_caller]
    pub fn spawn_blocking_on<F>(&mut self, f: F, handle: &Handle) -> AbortHandle
    where
        F: FnOnce() -> T,
        F: Send + 'static,
        T: Send,
    {
        self.insert(handle.spawn_blocking(f))
    }
}

/// Polls `handle` once with `waker`, outside the cooperative budget.
fn poll_unconstrained<T>(handle: &mut JoinHandle<T>, waker: &Waker) -> Poll<Result<T, JoinError>> {
    Pin::new(&mut super::unconstrained(handle)).poll(&mut Context::from_waker(waker))
}

impl<T> Drop for JoinSet<T> {
    fn drop(&mut self) {
        self.entries().for_each(|entry| entry.handle.abort());
    }
}

impl<T> Default for JoinSet<T> {
    fn default() -> JoinSet<T> {
        JoinSet::new()
    }
}

impl<T> fmt::Debug for JoinSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinSet").field("len", &self.len).finish()
    }
}

/// Spawns each future of the iterator into a new set, as [`JoinSet::spawn`].
impl<T, F> FromIterator<F> for JoinSet<T>
where
    F: Future<Output = T>,
    F: Send + 'static,
    T: Send + 'static,
{
    fn from_iter<I: IntoIterator<Item = F>>(iter: I) -> JoinSet<T> {
        let mut set = JoinSet::new();
        set.extend(iter);
        set
    }
}

/// Spawns each future of the iterator into the set, as [`JoinSet::spawn`].
impl<T, F> Extend<F> for JoinSet<T>
where
    F: Future<Output = T>,
    F: Send + 'static,
    T: Send + 'static,
{
    fn extend<I: IntoIterator<Item = F>>(&mut self, iter: I) {
        for task in iter {
            self.spawn(task);
        }
    }
}
