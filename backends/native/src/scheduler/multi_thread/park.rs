//! Parking a worker: on the shared driver if it is free, else on a condvar.
//!
//! One driver (reactor + timers) serves all workers; whichever worker parks first
//! blocks in it, the others wait on their own condvar. `unpark` reaches a worker
//! either way: a condvar notify, or the driver's own unpark.
//!
//! ```text
//! state:   EMPTY ──park──▶ PARKED_CONDVAR / PARKED_DRIVER ──unpark──▶ NOTIFIED ──▶ EMPTY
//!          EMPTY ──unpark──▶ NOTIFIED  (the next park returns at once)
//! ```

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use crate::runtime::driver::{self, Driver};

const EMPTY: usize = 0;
const PARKED_CONDVAR: usize = 1;
const PARKED_DRIVER: usize = 2;
const NOTIFIED: usize = 3;

/// The driver all workers share; at most one of them parks in it at a time.
pub(crate) struct SharedDriver {
    driver: Mutex<Option<Driver>>,
}

impl SharedDriver {
    pub(crate) fn new(driver: Driver) -> Arc<SharedDriver> {
        Arc::new(SharedDriver {
            driver: Mutex::new(Some(driver)),
        })
    }

    /// Shuts the driver down, waiting for a worker parked in it to leave first.
    pub(crate) fn shutdown(&self, handle: &driver::Handle) {
        if let Some(mut driver) = self.driver.lock().unwrap().take() {
            driver.shutdown(handle);
        }
    }
}

pub(crate) struct Parker {
    inner: Arc<Inner>,
}

#[derive(Clone)]
pub(crate) struct Unparker {
    inner: Arc<Inner>,
}

struct Inner {
    state: AtomicUsize,
    mutex: Mutex<()>,
    condvar: Condvar,
    shared: Arc<SharedDriver>,
}

/// Whether a parked worker may advance a paused clock to the next timer.
pub(crate) type MayAutoAdvance<'a> = &'a dyn Fn() -> bool;

impl Parker {
    pub(crate) fn new(shared: Arc<SharedDriver>) -> Parker {
        Parker {
            inner: Arc::new(Inner {
                state: AtomicUsize::new(EMPTY),
                mutex: Mutex::new(()),
                condvar: Condvar::new(),
                shared,
            }),
        }
    }

    pub(crate) fn unparker(&self) -> Unparker {
        Unparker {
            inner: self.inner.clone(),
        }
    }

    /// Blocks until unparked (returns at once if an unpark is pending). A worker
    /// that gets the driver also wakes for I/O events and timers.
    pub(crate) fn park(&mut self, handle: &driver::Handle, may_auto_advance: MayAutoAdvance<'_>) {
        let inner = &self.inner;
        if inner
            .state
            .compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst)
            .is_ok()
        {
            return;
        }
        match inner.shared.driver.try_lock() {
            Ok(mut guard) => match guard.as_mut() {
                Some(driver) => inner.park_driver(driver, handle, may_auto_advance),
                // Shut down: nothing will ever wake a condvar sleeper for I/O.
                None => inner.park_condvar(),
            },
            Err(_) => inner.park_condvar(),
        }
    }

    /// Polls the driver without blocking, if no other worker holds it.
    pub(crate) fn poll_driver(&mut self, handle: &driver::Handle) {
        if let Ok(mut guard) = self.inner.shared.driver.try_lock() {
            if let Some(driver) = guard.as_mut() {
                driver.park_timeout(handle, Duration::ZERO);
            }
        }
    }
}

impl Unparker {
    pub(crate) fn unpark(&self, handle: &driver::Handle) {
        match self.inner.state.swap(NOTIFIED, SeqCst) {
            EMPTY | NOTIFIED => {}
            PARKED_CONDVAR => {
                // Taking the lock orders this notify after the sleeper's wait began.
                drop(self.inner.mutex.lock().unwrap());
                self.inner.condvar.notify_one();
            }
            PARKED_DRIVER => handle.unpark(),
            state => unreachable!("invalid park state {state}"),
        }
    }
}

impl Inner {
    fn park_driver(
        &self,
        driver: &mut Driver,
        handle: &driver::Handle,
        may_auto_advance: MayAutoAdvance<'_>,
    ) {
        match self
            .state
            .compare_exchange(EMPTY, PARKED_DRIVER, SeqCst, SeqCst)
        {
            Ok(_) => {}
            Err(NOTIFIED) => {
                self.state.swap(EMPTY, SeqCst);
                return;
            }
            Err(state) => unreachable!("invalid park state {state}"),
        }
        driver.park_idle(handle, may_auto_advance);
        match self.state.swap(EMPTY, SeqCst) {
            NOTIFIED | PARKED_DRIVER => {}
            state => unreachable!("invalid park state {state}"),
        }
    }

    fn park_condvar(&self) {
        let mut guard = self.mutex.lock().unwrap();
        match self
            .state
            .compare_exchange(EMPTY, PARKED_CONDVAR, SeqCst, SeqCst)
        {
            Ok(_) => {}
            Err(NOTIFIED) => {
                self.state.swap(EMPTY, SeqCst);
                return;
            }
            Err(state) => unreachable!("invalid park state {state}"),
        }
        loop {
            guard = self.condvar.wait(guard).unwrap();
            if self
                .state
                .compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst)
                .is_ok()
            {
                return;
            }
            // Spurious wake-up: keep waiting.
        }
    }
}
