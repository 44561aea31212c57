//! The reactor: registrations for raw file descriptors, their readiness, and the
//! wakers of the tasks waiting on them.
//!
//! Pieces and who owns them:
//!
//! - [`Reactor`]: the selector's event buffer. Owned by whichever thread parks on it;
//!   [`Reactor::turn`] waits for OS events, records them, and wakes tasks.
//! - [`ReactorHandle`]: shared (`Arc`) by the runtime and every [`Registration`]. It
//!   holds the selector (registration works from any thread), the wake-up event, and
//!   the slab of registrations.
//! - [`Registration`]: one fd's entry, owned by the facade's socket; its
//!   [`ScheduledIo`] (readiness word and wakers) is shared with the slab.
//!
//! Invariants:
//!
//! - Every live registration sits in the slab under its token, and the selector
//!   reports its events with that token. Dropping a registration removes it from the
//!   selector first, then from the slab, which retires the token (generation tags):
//!   an event fetched before the removal finds no entry, or a newer one with another
//!   token, and is dropped. A stale event can therefore never reach a later waiter.
//! - Lock order: the slab lock, then a `ScheduledIo`'s waiter lock. Wakers are
//!   collected under the locks and woken after both are released.
//! - `is_shutdown` only goes from false to true, under the slab lock, and every
//!   registration in the slab at that moment is marked; later registrations are
//!   refused. So no registration misses the shutdown.
//! - `live` mirrors the slab's length (updated under the slab lock), so
//!   [`ReactorHandle::has_registrations`] is one atomic load.

mod registration;
mod scheduled_io;
mod slab;
mod waiters;

// Linux-only: they use epoll's error codes and Linux's pipe2/socketpair flags.
#[cfg(all(test, not(loom), any(target_os = "linux", target_os = "android")))]
mod tests;

use std::io;
use std::os::fd::RawFd;
use std::sync::PoisonError;
use std::task::Waker;
use std::time::Duration;

use crate::io::{Interest, Ready};
use crate::loom::sync::atomic::AtomicUsize;
use crate::loom::sync::atomic::Ordering::{Acquire, Release};
use crate::loom::sync::{Arc, Mutex, MutexGuard};
use crate::sys;

pub use registration::{Readiness, Registration};
use scheduled_io::ScheduledIo;
use slab::{Full, Slab};

/// Events fetched per `turn`; more wait for the next one.
const EVENTS_PER_TURN: usize = 1024;

/// The token of the reactor's own wake-up event; no registration has it.
const WAKE_TOKEN: usize = Slab::<()>::RESERVED_TOKEN;

/// tokio's message for I/O attempted on a runtime that is shutting down.
const SHUTDOWN_MESSAGE: &str = "A Tokio 1.x context was found, but it is being shutdown.";

/// The error every poll returns once the reactor has shut down.
fn gone() -> io::Error {
    io::Error::other(SHUTDOWN_MESSAGE)
}

/// The driving half of the reactor, owned by the thread that parks on it.
#[derive(Debug)]
pub(crate) struct Reactor {
    shared: Arc<Shared>,
    events: sys::Events,
    /// Reused across turns so that waking allocates nothing once warmed up.
    wakers: Vec<Waker>,
}

/// The sharing half of the reactor: registers fds, wakes the parked driver, shuts
/// down. Cheap to clone.
#[derive(Debug, Clone)]
pub(crate) struct ReactorHandle {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    selector: sys::Selector,
    waker: sys::Waker,
    registrations: Mutex<Registrations>,
    /// The slab's length; see the module invariants.
    live: AtomicUsize,
}

#[derive(Debug)]
struct Registrations {
    slab: Slab<Arc<ScheduledIo>>,
    is_shutdown: bool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Registrations> {
        // Nothing runs foreign code under this lock except waker drops in the slab's
        // entries' own locks; a poisoned slab is still a consistent slab.
        self.registrations
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Retires `token`: its slot may be reused, under another token.
    fn release(&self, token: usize) {
        let removed = {
            let mut registrations = self.lock();
            let removed = registrations.slab.remove(token);
            self.live.store(registrations.slab.len(), Release);
            removed
        };
        // The state (and any wakers left in it) is dropped outside the lock.
        drop(removed);
    }
}

impl Reactor {
    /// Opens the selector and its wake-up event.
    pub(crate) fn new() -> io::Result<(Reactor, ReactorHandle)> {
        let selector = sys::Selector::new()?;
        let waker = sys::Waker::new(&selector, WAKE_TOKEN)?;
        let shared = Arc::new(Shared {
            selector,
            waker,
            registrations: Mutex::new(Registrations {
                slab: Slab::new(),
                is_shutdown: false,
            }),
            live: AtomicUsize::new(0),
        });
        let reactor = Reactor {
            shared: shared.clone(),
            events: sys::Events::with_capacity(EVENTS_PER_TURN),
            wakers: Vec::new(),
        };
        Ok((reactor, ReactorHandle { shared }))
    }

    /// Blocks up to `timeout` (`None`: until an event or an unpark; `Some(ZERO)`: just
    /// polls), records readiness on the registrations, and wakes the waiting tasks
    /// once no lock is held. A signal interrupting the wait ends the turn early.
    ///
    /// # Panics
    ///
    /// If the selector fails for any reason but `EINTR`; the reactor owns its
    /// descriptor and buffer, so that would be a bug in the reactor.
    pub(crate) fn turn(&mut self, timeout: Option<Duration>) {
        match self.shared.selector.select(&mut self.events, timeout) {
            Ok(()) => {}
            Err(err) if err.kind() == io::ErrorKind::Interrupted => return,
            Err(err) => panic!("avx: waiting for I/O events failed: {err}"),
        }
        dispatch(&self.shared, self.events.iter(), &mut self.wakers);
        for waker in self.wakers.drain(..) {
            waker.wake();
        }
    }

    /// Delivers `events` as if the selector had returned them.
    #[cfg(all(test, not(loom), any(target_os = "linux", target_os = "android")))]
    fn dispatch_for_test(&mut self, events: impl IntoIterator<Item = (usize, Ready)>) {
        dispatch(&self.shared, events.into_iter(), &mut self.wakers);
        for waker in self.wakers.drain(..) {
            waker.wake();
        }
    }
}

/// Records each event on its registration and collects the wakers it releases.
fn dispatch(
    shared: &Shared,
    events: impl Iterator<Item = (usize, Ready)>,
    wakers: &mut Vec<Waker>,
) {
    let mut registrations = None;
    for (token, ready) in events {
        if token == WAKE_TOKEN {
            shared.waker.reset();
            continue;
        }
        // Locked on the first registration event only: a wake-up alone takes no lock.
        let registrations = registrations.get_or_insert_with(|| shared.lock());
        // A token whose registration is gone is stale; see the module invariants.
        if let Some(io) = registrations.slab.get(token) {
            io.set_readiness(ready);
            io.wake(ready, wakers);
        }
    }
}

impl Drop for Reactor {
    /// No one will turn the reactor again: fail every waiter rather than strand it.
    fn drop(&mut self) {
        ReactorHandle {
            shared: self.shared.clone(),
        }
        .shutdown();
    }
}

impl ReactorHandle {
    /// Wakes the thread blocked in [`Reactor::turn`], or, if none is, makes the next
    /// turn return at once.
    pub(crate) fn unpark(&self) {
        // Writing to our own nonblocking eventfd cannot fail; a full counter is
        // handled inside `wake`.
        let result = self.shared.waker.wake();
        debug_assert!(result.is_ok(), "waking the reactor failed: {result:?}");
    }

    /// Whether any registration is live (the reactor's own wake-up event aside).
    pub(crate) fn has_registrations(&self) -> bool {
        self.shared.live.load(Acquire) != 0
    }

    /// Shuts the reactor down: every waiter is woken, and every later poll, wait or
    /// registration fails with an error of kind `Other`. Idempotent.
    pub(crate) fn shutdown(&self) {
        let mut wakers = Vec::new();
        {
            let mut registrations = self.shared.lock();
            registrations.is_shutdown = true;
            for io in registrations.slab.iter() {
                io.shutdown(&mut wakers);
            }
        }
        for waker in wakers {
            waker.wake();
        }
        // Let a driver parked with no timeout see the shutdown.
        self.unpark();
    }

    /// Registers `fd` for edge-triggered readiness `interest`. The fd must stay open
    /// until the returned registration is dropped; the registration never closes it.
    ///
    /// Fails with the OS error for a bad fd (`EBADF`, `EPERM` for a regular file on
    /// Linux, `EEXIST` when `fd` is already registered), or with kind `Other` after
    /// shutdown.
    pub(crate) fn register(&self, fd: RawFd, interest: Interest) -> io::Result<Registration> {
        let io = Arc::new(ScheduledIo::new());
        let token = {
            let mut registrations = self.shared.lock();
            if registrations.is_shutdown {
                return Err(gone());
            }
            let token = registrations.slab.insert(io.clone()).map_err(|Full| {
                io::Error::other("avx: too many I/O registrations on one reactor")
            })?;
            self.shared.live.store(registrations.slab.len(), Release);
            token
        };
        // In the slab before the selector knows the fd, so the first event finds it.
        if let Err(err) = self.shared.selector.register(fd, token, interest) {
            self.shared.release(token);
            return Err(err);
        }
        Ok(Registration::new(self.shared.clone(), io, token, fd))
    }
}
