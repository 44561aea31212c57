//! The schedulers: current-thread and multi-thread work-stealing.
//!
//! `Handle` is what tasks, wakers and the runtime's `Handle` hold; `Context` is the
//! scheduler state of the thread that is driving it right now.

pub(crate) mod current_thread;
mod defer;
pub(crate) mod inject;
pub(crate) mod multi_thread;

use std::future::Future;
use std::sync::Arc;
use std::task::Waker;

use crate::blocking::BlockingSpawner;
use crate::runtime::driver;
use crate::task::{Id, JoinHandle};

#[derive(Clone)]
pub(crate) enum Handle {
    CurrentThread(Arc<current_thread::Handle>),
    MultiThread(Arc<multi_thread::Handle>),
}

pub(crate) enum Context {
    CurrentThread(current_thread::Context),
    MultiThread(multi_thread::Context),
}

impl Handle {
    pub(crate) fn spawn<F>(&self, future: F, id: Id) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        match self {
            Handle::CurrentThread(h) => current_thread::Handle::spawn(h, future, id),
            Handle::MultiThread(h) => multi_thread::Handle::spawn(h, future, id),
        }
    }

    pub(crate) fn blocking_spawner(&self) -> &BlockingSpawner {
        match self {
            Handle::CurrentThread(h) => &h.blocking,
            Handle::MultiThread(h) => &h.blocking,
        }
    }

    pub(crate) fn info(&self) -> &crate::runtime::info::Info {
        match self {
            Handle::CurrentThread(h) => &h.info,
            Handle::MultiThread(h) => &h.info,
        }
    }

    pub(crate) fn driver(&self) -> &driver::Handle {
        match self {
            Handle::CurrentThread(h) => &h.driver,
            Handle::MultiThread(h) => &h.driver,
        }
    }

    pub(crate) fn ptr_eq(&self, other: &Handle) -> bool {
        match (self, other) {
            (Handle::CurrentThread(a), Handle::CurrentThread(b)) => Arc::ptr_eq(a, b),
            (Handle::MultiThread(a), Handle::MultiThread(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl Context {
    /// The index of the worker this thread is, as `runtime::worker_index` reports
    /// it: 0 on the thread holding a current-thread runtime's core; a multi-thread
    /// worker's own index; `None` on a thread without a core (a multi-thread
    /// `block_on`, or a worker whose core `block_in_place` handed away).
    pub(crate) fn worker_index(&self) -> Option<usize> {
        match self {
            Context::CurrentThread(cx) => cx.holds_core().then_some(0),
            Context::MultiThread(cx) => cx.core_index(),
        }
    }

    pub(crate) fn defer(&self, waker: &Waker) {
        match self {
            Context::CurrentThread(cx) => cx.defer(waker),
            Context::MultiThread(cx) => cx.defer(waker),
        }
    }

    pub(crate) fn current_thread(&self) -> &current_thread::Context {
        match self {
            Context::CurrentThread(cx) => cx,
            Context::MultiThread(_) => unreachable!("a current-thread context was expected"),
        }
    }

    pub(crate) fn multi_thread(&self) -> &multi_thread::Context {
        match self {
            Context::MultiThread(cx) => cx,
            Context::CurrentThread(_) => unreachable!("a multi-thread context was expected"),
        }
    }
}
