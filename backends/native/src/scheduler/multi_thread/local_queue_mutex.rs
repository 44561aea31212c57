//! Temporary stand-in for the lock-free run queue (same API), until it lands.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

pub(crate) const CAPACITY: usize = 256;

pub(crate) struct Local<T>(Arc<Mutex<VecDeque<T>>>);
pub(crate) struct Steal<T>(Arc<Mutex<VecDeque<T>>>);

pub(crate) trait Overflow<T> {
    fn push(&self, task: T);
    fn push_batch(&self, tasks: impl Iterator<Item = T>);
}

pub(crate) fn local<T>() -> (Steal<T>, Local<T>) {
    let q = Arc::new(Mutex::new(VecDeque::with_capacity(CAPACITY)));
    (Steal(q.clone()), Local(q))
}

impl<T> Local<T> {
    pub(crate) fn len(&self) -> usize {
        self.0.lock().unwrap().len()
    }
    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub(crate) fn push_back_or_overflow(&mut self, task: T, overflow: &impl Overflow<T>) {
        let mut q = self.0.lock().unwrap();
        if q.len() >= CAPACITY {
            let half: Vec<T> = q.drain(..CAPACITY / 2).collect();
            drop(q);
            overflow.push_batch(half.into_iter().chain(std::iter::once(task)));
            return;
        }
        q.push_back(task);
    }
    pub(crate) fn pop(&mut self) -> Option<T> {
        self.0.lock().unwrap().pop_front()
    }
}

impl<T> Steal<T> {
    pub(crate) fn steal_into(&self, dst: &mut Local<T>) -> Option<T> {
        if Arc::ptr_eq(&self.0, &dst.0) {
            return None;
        }
        let mut src = self.0.lock().unwrap();
        let n = src.len().div_ceil(2);
        if n == 0 {
            return None;
        }
        let mut taken: VecDeque<T> = src.drain(..n).collect();
        drop(src);
        let first = taken.pop_front();
        dst.0.lock().unwrap().extend(taken);
        first
    }
    pub(crate) fn is_empty(&self) -> bool {
        self.0.lock().unwrap().is_empty()
    }
}

impl<T> Overflow<T> for crate::scheduler::inject::Inject<T> {
    fn push(&self, task: T) {
        let _ = crate::scheduler::inject::Inject::push(self, task);
    }
    fn push_batch(&self, tasks: impl Iterator<Item = T>) {
        crate::scheduler::inject::Inject::push_batch(self, tasks);
    }
}
