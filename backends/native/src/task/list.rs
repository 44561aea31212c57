//! `OwnedTasks`: every live task of a scheduler, so that shutting the runtime down
//! can find and cancel the ones that are parked (referenced only by wakers).
//!
//! An intrusive doubly-linked list through `Header::owned`, sharded by task id so
//! that workers spawning at once rarely share a lock. A task is in the list from
//! `bind` until `remove` (its completion) or `close_and_shutdown_all`; the list
//! holds one reference to it meanwhile.
//!
//! Invariants, for each shard, under its lock:
//! * `head` is the first linked task or `None`; `prev` of the head is `None`;
//! * a task is linked in this shard iff its `prev` is `Some` or it is the head.

use std::future::Future;
use std::marker::PhantomData;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, Ordering};

use super::core::Header;
use super::id::Id;
use super::join::JoinHandle;
use super::raw::RawTask;
use super::{Notified, Schedule, Task};
use crate::loom::sync::Mutex;

pub(crate) struct OwnedTasks<S: 'static> {
    shards: Box<[Mutex<Shard>]>,
    closed: AtomicBool,
    _scheduler: PhantomData<S>,
}

struct Shard {
    head: Option<NonNull<Header>>,
    len: usize,
}

// SAFETY: the pointers are only followed with the shard's lock held, and the tasks
// they point to are `Send`-safe to reference from any thread (see `RawTask`).
unsafe impl Send for Shard {}

impl<S: Schedule> OwnedTasks<S> {
    /// `shards` is rounded up to a power of two.
    pub(crate) fn new(shards: usize) -> OwnedTasks<S> {
        let shards = shards.max(1).next_power_of_two();
        OwnedTasks {
            shards: (0..shards)
                .map(|_| Mutex::new(Shard { head: None, len: 0 }))
                .collect(),
            closed: AtomicBool::new(false),
            _scheduler: PhantomData,
        }
    }

    fn shard(&self, id: Id) -> &Mutex<Shard> {
        // Ids are sequential, so the low bits spread tasks evenly.
        &self.shards[(id.as_u64() as usize) & (self.shards.len() - 1)]
    }

    /// Creates a task and adds it to the list. Returns its `JoinHandle`, and its first
    /// `Notified` unless the list is closed, in which case the task has already been
    /// cancelled and the handle yields a cancelled `JoinError`.
    pub(crate) fn bind<F>(
        &self,
        future: F,
        scheduler: S,
        id: Id,
    ) -> (JoinHandle<F::Output>, Option<Notified<S>>)
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        // SAFETY: the future is `Send`, so it may be polled and dropped on any thread.
        unsafe { self.bind_inner(future, scheduler, id) }
    }

    /// As `bind`, for a future that is not `Send`.
    ///
    /// # Safety
    ///
    /// The scheduler polls the task, and drops its future and output, only on the
    /// thread that calls this.
    pub(crate) unsafe fn bind_local<F>(
        &self,
        future: F,
        scheduler: S,
        id: Id,
    ) -> (JoinHandle<F::Output>, Option<Notified<S>>)
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        // SAFETY: forwarded from the caller.
        unsafe { self.bind_inner(future, scheduler, id) }
    }

    /// # Safety
    ///
    /// The future may be polled and dropped on any thread the scheduler chooses.
    unsafe fn bind_inner<F>(
        &self,
        future: F,
        scheduler: S,
        id: Id,
    ) -> (JoinHandle<F::Output>, Option<Notified<S>>)
    where
        F: Future + 'static,
    {
        let raw = RawTask::new(future, scheduler, id);
        let join = JoinHandle::new(raw);
        let owned = Task::<S>::from_raw(raw);
        let notified = Notified::<S>::from_raw(raw);

        {
            let mut shard = self.shard(id).lock().unwrap();
            // Checked under the shard lock: `close_and_shutdown_all` sets the flag and
            // then drains every shard under its lock, so a task is either seen by the
            // drain or sees the flag.
            if !self.closed.load(Ordering::Acquire) {
                // SAFETY: we hold the shard lock, and the task is not linked anywhere.
                unsafe { shard.push_front(raw.header_ptr()) };
                std::mem::forget(owned);
                return (join, Some(notified));
            }
        }

        // The runtime is shutting down: cancel at once, on this thread.
        owned.shutdown();
        drop(notified);
        (join, None)
    }

    /// Unlinks a completed task; returns the list's reference if it was linked.
    pub(crate) fn remove(&self, task: &Task<S>) -> Option<Task<S>> {
        let raw = task.raw();
        let mut shard = self.shard(raw.id()).lock().unwrap();
        // SAFETY: we hold the shard lock; a task is only ever linked in the shard of
        // its id.
        let linked = unsafe { shard.unlink(raw.header_ptr()) };
        linked.then(|| Task::from_raw(raw))
    }

    /// Refuses new tasks from now on, and shuts down every task in the list. Futures
    /// are dropped on this thread, outside the shard locks.
    pub(crate) fn close_and_shutdown_all(&self) {
        self.closed.store(true, Ordering::Release);
        for shard in self.shards.iter() {
            loop {
                let task = {
                    let mut shard = shard.lock().unwrap();
                    // SAFETY: we hold the shard lock.
                    unsafe { shard.pop_front() }
                };
                let Some(header) = task else { break };
                // SAFETY: the list held a reference, which is now ours.
                let task = Task::<S>::from_raw(unsafe { RawTask::from_raw(header) });
                task.shutdown();
            }
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(crate) fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|shard| shard.lock().unwrap().len)
            .sum()
    }
}

impl Shard {
    /// # Safety
    ///
    /// The shard's lock is held and `task` is not linked in any list.
    unsafe fn push_front(&mut self, task: NonNull<Header>) {
        // SAFETY: the lock is held (caller), so the links are ours to write.
        unsafe {
            let links = task.as_ref().links();
            (*links).prev = None;
            (*links).next = self.head;
            if let Some(head) = self.head {
                (*head.as_ref().links()).prev = Some(task);
            }
        }
        self.head = Some(task);
        self.len += 1;
    }

    /// # Safety
    ///
    /// The shard's lock is held.
    unsafe fn pop_front(&mut self) -> Option<NonNull<Header>> {
        let head = self.head?;
        // SAFETY: `head` is linked here, and the lock is held.
        let linked = unsafe { self.unlink(head) };
        debug_assert!(linked);
        Some(head)
    }

    /// Unlinks `task` if it is linked in this shard; returns whether it was.
    ///
    /// # Safety
    ///
    /// The shard's lock is held, and `task` is live and can only be linked in this
    /// shard.
    unsafe fn unlink(&mut self, task: NonNull<Header>) -> bool {
        // SAFETY: the lock is held (caller); linked neighbours are live because the
        // list holds a reference to each of them.
        unsafe {
            let links = task.as_ref().links();
            let (prev, next) = ((*links).prev, (*links).next);
            match prev {
                Some(prev) => (*prev.as_ref().links()).next = next,
                None if self.head == Some(task) => self.head = next,
                None => return false,
            }
            if let Some(next) = next {
                (*next.as_ref().links()).prev = prev;
            }
            (*links).prev = None;
            (*links).next = None;
        }
        self.len -= 1;
        true
    }
}
