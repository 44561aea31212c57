//! The injection queue: tasks scheduled from outside a worker (placeholder until
//! the pool branch lands; same API).

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

pub(crate) struct Inject<T> {
    queue: Mutex<VecDeque<T>>,
    len: AtomicUsize,
    closed: AtomicBool,
}

impl<T> Inject<T> {
    pub(crate) fn new() -> Inject<T> {
        Inject {
            queue: Mutex::new(VecDeque::new()),
            len: AtomicUsize::new(0),
            closed: AtomicBool::new(false),
        }
    }

    pub(crate) fn push(&self, task: T) -> Result<(), T> {
        let mut queue = self.queue.lock().unwrap();
        if self.closed.load(Ordering::Relaxed) {
            return Err(task);
        }
        queue.push_back(task);
        self.len.store(queue.len(), Ordering::Release);
        Ok(())
    }

    pub(crate) fn push_batch(&self, tasks: impl Iterator<Item = T>) {
        let mut queue = self.queue.lock().unwrap();
        queue.extend(tasks);
        self.len.store(queue.len(), Ordering::Release);
    }

    pub(crate) fn pop(&self) -> Option<T> {
        if self.is_empty() {
            return None;
        }
        let mut queue = self.queue.lock().unwrap();
        let task = queue.pop_front();
        self.len.store(queue.len(), Ordering::Release);
        task
    }

    pub(crate) fn len(&self) -> usize {
        self.len.load(Ordering::Acquire)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(crate) fn close(&self) -> bool {
        let _queue = self.queue.lock().unwrap();
        !self.closed.swap(true, Ordering::Relaxed)
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Relaxed)
    }
}
