//! The driver: what a scheduler thread blocks on when it has nothing to run.
//!
//! It stacks the time driver over the I/O reactor (or, with I/O disabled, over a
//! plain thread parker): parking blocks until an unpark, an I/O event, or the next
//! timer deadline, then fires the timers that are due. With a paused clock, time
//! does not pass while the thread sleeps; instead a scheduler with nothing to run
//! lets the driver jump the clock to the next deadline (auto-advance).

use std::io;
use std::sync::Arc;
use std::time::Duration;

use super::park::{ParkThread, UnparkThread};
use crate::reactor::{Reactor, ReactorHandle};
use crate::time::{Clock, TimeHandle};

/// What the driver needs from the runtime's configuration.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DriverConfig {
    pub(crate) enable_io: bool,
    pub(crate) enable_time: bool,
    pub(crate) start_paused: bool,
}

/// The parking side; owned by one thread at a time (a scheduler core).
#[derive(Debug)]
pub(crate) struct Driver {
    park: Park,
}

#[derive(Debug)]
enum Park {
    Io(Reactor),
    Thread(ParkThread),
}

/// The shared side: wakes the parked driver, reaches the reactor and the timers.
#[derive(Debug, Clone)]
pub(crate) struct Handle {
    unpark: Unpark,
    io: Option<ReactorHandle>,
    time: Option<TimeHandle>,
}

#[derive(Debug, Clone)]
enum Unpark {
    Io(ReactorHandle),
    Thread(UnparkThread),
}

impl Driver {
    pub(crate) fn new(config: DriverConfig) -> io::Result<(Driver, Handle)> {
        let (park, unpark, io) = if config.enable_io {
            let (reactor, handle) = Reactor::new()?;
            (Park::Io(reactor), Unpark::Io(handle.clone()), Some(handle))
        } else {
            let park = ParkThread::new();
            let unpark = park.unparker();
            (Park::Thread(park), Unpark::Thread(unpark), None)
        };
        let time = config.enable_time.then(|| {
            let unpark = unpark.clone();
            TimeHandle::new(
                Clock::new(config.start_paused),
                Arc::new(move || unpark.unpark()),
            )
        });
        Ok((Driver { park }, Handle { unpark, io, time }))
    }

    /// Blocks until unparked, an I/O event, or the next timer; then fires timers.
    pub(crate) fn park(&mut self, handle: &Handle) {
        let Some(time) = &handle.time else {
            self.block(None);
            return;
        };
        let deadline = time.park_deadline();
        let clock = time.clock();
        let timeout = match deadline {
            // A paused clock does not move while we sleep: wait for a wake-up.
            Some(deadline) if !clock.is_paused() => {
                Some(deadline.saturating_duration_since(clock.now()))
            }
            _ => None,
        };
        self.block(timeout);
        time.unparked();
        time.process();
    }

    /// Waits for I/O events or an unpark, up to `timeout` (`None`: no limit).
    fn block(&mut self, timeout: Option<Duration>) {
        match &mut self.park {
            Park::Io(reactor) => reactor.turn(timeout),
            Park::Thread(park) => match timeout {
                None => park.park(),
                Some(timeout) => park.park_timeout(timeout),
            },
        }
    }

    /// As `park`, for a scheduler with nothing to run: with a paused clock that
    /// may auto-advance and `may_auto_advance()` (every worker idle), moves the
    /// clock to the next timer and fires it instead of blocking.
    pub(crate) fn park_idle(&mut self, handle: &Handle, may_auto_advance: &dyn Fn() -> bool) {
        if let Some(time) = &handle.time {
            let clock = time.clock();
            if clock.can_auto_advance() {
                // I/O that is ready and timers already due go first; if they gave
                // the scheduler work, time stays where it is.
                self.park_timeout(handle, Duration::ZERO);
                if !may_auto_advance() {
                    return;
                }
                // The next expiration may be a point where the wheel only cascades
                // timers down a level; keep going until something fires.
                while let Some(next) = time.next_expiration() {
                    let now = clock.now();
                    if next > now {
                        clock.advance(next - now);
                    }
                    if time.process() > 0 {
                        return;
                    }
                }
            }
        }
        self.park(handle);
    }

    /// As `park`, returning after `timeout` at the latest (zero: just poll).
    pub(crate) fn park_timeout(&mut self, handle: &Handle, timeout: Duration) {
        // With nothing registered there is no event to poll for: a lone task that
        // yields costs no syscall. A pending unpark stays pending for the next park.
        let io_idle = handle.io.as_ref().is_none_or(|io| !io.has_registrations());
        if !timeout.is_zero() || !io_idle {
            self.block(Some(timeout));
        }
        if let Some(time) = &handle.time {
            if time.may_have_timers() {
                time.process();
            }
        }
    }

    /// Runtime shutdown: every pending timer is woken; polling a `Sleep` afterwards
    /// panics with tokio's message.
    pub(crate) fn shutdown(&mut self, handle: &Handle) {
        if let Some(io) = &handle.io {
            io.shutdown();
        }
        if let Some(time) = &handle.time {
            time.shutdown();
        }
    }
}

impl Handle {
    /// The reactor, if the runtime enabled I/O.
    pub(crate) fn io(&self) -> Option<&ReactorHandle> {
        self.io.as_ref()
    }

    /// The time driver, if the runtime enabled time.
    pub(crate) fn time(&self) -> Option<&TimeHandle> {
        self.time.as_ref()
    }

    /// A blocking task started: a paused clock must not jump ahead while it runs.
    pub(crate) fn inhibit_auto_advance(&self) {
        if let Some(time) = &self.time {
            time.clock().inhibit_auto_advance();
        }
    }

    /// A blocking task finished. An idle runtime parked on a paused clock may now
    /// jump ahead, so it is woken to reconsider.
    pub(crate) fn allow_auto_advance(&self) {
        if let Some(time) = &self.time {
            time.clock().allow_auto_advance();
            if time.clock().is_paused() {
                self.unpark();
            }
        }
    }

    /// Whether the clock is paused (so a scheduler going idle must give the driver a
    /// chance to auto-advance).
    pub(crate) fn is_clock_paused(&self) -> bool {
        self.time.as_ref().is_some_and(|t| t.clock().is_paused())
    }

    /// Wakes the driver if it is parked; otherwise its next park returns at once.
    pub(crate) fn unpark(&self) {
        self.unpark.unpark();
    }
}

impl Unpark {
    fn unpark(&self) {
        match self {
            Unpark::Io(reactor) => reactor.unpark(),
            Unpark::Thread(park) => park.unpark(),
        }
    }
}
