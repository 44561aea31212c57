//! kqueue: the selector on macOS and the BSDs, and an `EVFILT_USER` event to wake it.
//!
//! A registration adds one filter per direction (`EVFILT_READ`, `EVFILT_WRITE`), each
//! with `EV_CLEAR`, kqueue's edge trigger. Changes are submitted with `EV_RECEIPT`, so
//! the kernel answers every change with its own status instead of mixing failures
//! into the event stream.
//!
//! Event to [`Ready`]:
//!
//! | kevent | `Ready` |
//! |---|---|
//! | `EVFILT_READ` | `READABLE`, plus `READ_CLOSED` with `EV_EOF` |
//! | `EVFILT_WRITE` | `WRITABLE`, plus `WRITE_CLOSED` with `EV_EOF` |
//! | `EV_ERROR`, or `EV_EOF` with an error code in `fflags` | `ERROR` |
//!
//! One file descriptor may produce an event per filter in the same batch; the reactor
//! merges them.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::ptr;
use std::time::Duration;

use crate::io::{Interest, Ready};

/// A kqueue instance. Registration may happen from any thread; `select` from one.
#[derive(Debug)]
pub(crate) struct Selector {
    kq: OwnedFd,
}

/// A kevent with every field zero except those given.
fn kevent(ident: usize, filter: i16, flags: u16, fflags: u32, token: usize) -> libc::kevent {
    // SAFETY: `kevent` is a C struct of integers and a pointer (plus reserved integer
    // fields on some BSDs); all-zero is a valid value for each of them.
    let mut event: libc::kevent = unsafe { std::mem::zeroed() };
    event.ident = ident as _;
    event.filter = filter as _;
    event.flags = flags as _;
    event.fflags = fflags as _;
    // The token is an integer carried through the kernel, never dereferenced.
    event.udata = ptr::without_provenance_mut(token);
    event
}

impl Selector {
    pub(crate) fn new() -> io::Result<Selector> {
        // SAFETY: kqueue takes no arguments.
        let fd = syscall!(kqueue())?;
        // SAFETY: the call succeeded, so `fd` is a fresh descriptor that nothing else owns.
        let kq = unsafe { OwnedFd::from_raw_fd(fd) };
        // kqueue has no CLOEXEC flag on every platform; set it by hand.
        // SAFETY: `fd` is open (owned above); F_SETFD takes an int argument.
        syscall!(fcntl(kq.as_raw_fd(), libc::F_SETFD, libc::FD_CLOEXEC))?;
        Ok(Selector { kq })
    }

    /// Submits `changes` and checks every receipt; errors in `ignored` are not failures.
    fn apply(&self, changes: &mut [libc::kevent], ignored: &[i32]) -> io::Result<()> {
        let n = libc::c_int::try_from(changes.len()).unwrap_or(libc::c_int::MAX);
        let list = changes.as_mut_ptr();
        // SAFETY: `list` points to `n` initialised kevents, readable as the change list
        // and writable as the receipt list (the kernel reads every change before it
        // writes a receipt); the timeout may be null.
        let received = syscall!(kevent(self.kq.as_raw_fd(), list, n, list, n, ptr::null()));
        match received {
            Ok(_) => {}
            // EINTR only interrupts the wait for receipts; the changes were applied.
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
        for receipt in changes.iter() {
            let code = receipt.data as i64;
            if receipt.flags & libc::EV_ERROR != 0 && code != 0 && !ignored.contains(&(code as i32))
            {
                return Err(io::Error::from_raw_os_error(code as i32));
            }
        }
        Ok(())
    }

    /// Adds `fd` with edge-triggered `interest`; its events will carry `token`.
    pub(crate) fn register(&self, fd: RawFd, token: usize, interest: Interest) -> io::Result<()> {
        if fd < 0 {
            return Err(io::Error::from_raw_os_error(libc::EBADF));
        }
        let flags = libc::EV_ADD | libc::EV_CLEAR | libc::EV_RECEIPT;
        let mut changes = [kevent(0, 0, 0, 0, 0), kevent(0, 0, 0, 0, 0)];
        let mut n = 0;
        // Error interest alone still needs a filter to attach to; errors arrive on it.
        if interest.is_readable() || !interest.is_writable() {
            changes[n] = kevent(fd as usize, libc::EVFILT_READ, flags, 0, token);
            n += 1;
        }
        if interest.is_writable() {
            changes[n] = kevent(fd as usize, libc::EVFILT_WRITE, flags, 0, token);
            n += 1;
        }
        // EPIPE: a pipe whose reader is gone still registers; the error shows up as an
        // event later, as it does on Linux.
        self.apply(&mut changes[..n], &[libc::EPIPE])
    }

    /// Removes `fd`'s filters. The descriptor itself stays open.
    pub(crate) fn deregister(&self, fd: RawFd) -> io::Result<()> {
        if fd < 0 {
            return Err(io::Error::from_raw_os_error(libc::EBADF));
        }
        let flags = libc::EV_DELETE | libc::EV_RECEIPT;
        let mut changes = [
            kevent(fd as usize, libc::EVFILT_READ, flags, 0, 0),
            kevent(fd as usize, libc::EVFILT_WRITE, flags, 0, 0),
        ];
        // ENOENT: that direction was never registered.
        self.apply(&mut changes, &[libc::ENOENT])
    }

    /// Waits for events into `events` (replacing what it held). `None` waits until an
    /// event or a wake; `Some(ZERO)` only polls.
    pub(crate) fn select(&self, events: &mut Events, timeout: Option<Duration>) -> io::Result<()> {
        let timespec = timeout.map(|timeout| libc::timespec {
            tv_sec: libc::time_t::try_from(timeout.as_secs()).unwrap_or(libc::time_t::MAX),
            tv_nsec: timeout.subsec_nanos() as _,
        });
        let timeout_ptr = timespec
            .as_ref()
            .map_or(ptr::null(), |timespec| timespec as *const libc::timespec);
        events.len = 0;
        let capacity = libc::c_int::try_from(events.buf.len()).unwrap_or(libc::c_int::MAX);
        // SAFETY: no changes are passed; `events.buf` is a writable array of at least
        // `capacity` kevents; `timeout_ptr` is null or points to `timespec`, which
        // outlives the call.
        let n = syscall!(kevent(
            self.kq.as_raw_fd(),
            ptr::null(),
            0,
            events.buf.as_mut_ptr(),
            capacity,
            timeout_ptr
        ))?;
        events.len = n as usize;
        Ok(())
    }
}

fn ready_from_event(event: &libc::kevent) -> Ready {
    let flags = event.flags;
    let eof = flags & libc::EV_EOF != 0;
    let mut ready = Ready::EMPTY;
    match event.filter {
        libc::EVFILT_READ | libc::EVFILT_USER => {
            ready |= Ready::READABLE;
            if eof {
                ready |= Ready::READ_CLOSED;
            }
        }
        libc::EVFILT_WRITE => {
            ready |= Ready::WRITABLE;
            if eof {
                ready |= Ready::WRITE_CLOSED;
            }
        }
        _ => {}
    }
    if flags & libc::EV_ERROR != 0 || (eof && event.fflags != 0) {
        ready |= Ready::ERROR;
    }
    ready
}

/// A reusable buffer of events filled by [`Selector::select`].
pub(crate) struct Events {
    /// INVARIANT: entries `..len` were written by the last successful `select`.
    buf: Box<[libc::kevent]>,
    len: usize,
}

// SAFETY: the only pointer in a kevent is `udata`, which this crate uses as an integer
// token and never dereferences; the buffer is plain owned data.
unsafe impl Send for Events {}

impl Events {
    pub(crate) fn with_capacity(capacity: usize) -> Events {
        Events {
            buf: vec![kevent(0, 0, 0, 0, 0); capacity.max(1)].into_boxed_slice(),
            len: 0,
        }
    }

    /// The last `select`'s events as `(token, readiness)`.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (usize, Ready)> + '_ {
        self.buf[..self.len]
            .iter()
            .map(|event| (event.udata.addr(), ready_from_event(event)))
    }
}

impl std::fmt::Debug for Events {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// An `EVFILT_USER` event on the selector: triggering it wakes a blocked `select`.
///
/// `EV_CLEAR` resets the trigger when the event is delivered, so [`Waker::reset`] has
/// nothing to do. A trigger before `select` stays pending until `select` collects it.
#[derive(Debug)]
pub(crate) struct Waker {
    /// A duplicate of the selector's descriptor, so the waker is self-contained.
    kq: OwnedFd,
    token: usize,
}

impl Waker {
    /// The `EVFILT_USER` identifier; one user event per kqueue is all the reactor needs.
    const IDENT: usize = 0;

    pub(crate) fn new(selector: &Selector, token: usize) -> io::Result<Waker> {
        let waker = Waker {
            kq: selector.kq.try_clone()?,
            token,
        };
        let flags = libc::EV_ADD | libc::EV_CLEAR | libc::EV_RECEIPT;
        let mut change = [kevent(Self::IDENT, libc::EVFILT_USER, flags, 0, token)];
        selector.apply(&mut change, &[])?;
        Ok(waker)
    }

    pub(crate) fn wake(&self) -> io::Result<()> {
        let flags = libc::EV_ADD | libc::EV_RECEIPT;
        let mut change = [kevent(
            Self::IDENT,
            libc::EVFILT_USER,
            flags,
            libc::NOTE_TRIGGER,
            self.token,
        )];
        let list = change.as_mut_ptr();
        // SAFETY: `list` points to one initialised kevent, used as the change and the
        // receipt; the timeout may be null.
        syscall!(kevent(self.kq.as_raw_fd(), list, 1, list, 1, ptr::null()))?;
        let code = change[0].data as i64;
        if change[0].flags & libc::EV_ERROR != 0 && code != 0 {
            return Err(io::Error::from_raw_os_error(code as i32));
        }
        Ok(())
    }

    /// Nothing to drain: `EV_CLEAR` reset the trigger when it was delivered.
    pub(crate) fn reset(&self) {}
}
