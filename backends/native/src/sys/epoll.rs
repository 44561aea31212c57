//! epoll: the Linux selector, and an eventfd to wake it.
//!
//! Every registration is edge-triggered (`EPOLLET`): the kernel reports a transition
//! once, and the reactor keeps the readiness until the caller clears it after a
//! `WouldBlock`. That saves a syscall per readiness change compared with level- or
//! one-shot triggering, and is why the reactor, not the kernel, owns "is it ready".
//!
//! Flag mapping, event to [`Ready`]:
//!
//! | epoll flags | `Ready` |
//! |---|---|
//! | `EPOLLIN` or `EPOLLPRI` | `READABLE` |
//! | `EPOLLOUT` | `WRITABLE` |
//! | `EPOLLRDHUP` or `EPOLLHUP` | `READ_CLOSED` |
//! | `EPOLLHUP`, `EPOLLOUT` with `EPOLLERR`, or `EPOLLERR` alone | `WRITE_CLOSED` |
//! | `EPOLLERR` | `ERROR` |
//! | `EPOLLPRI` | `PRIORITY` |
//!
//! `EPOLLERR` and `EPOLLHUP` are always reported by the kernel, whatever the interest.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::time::Duration;

use crate::io::{Interest, Ready};

/// An epoll instance. Registration may happen from any thread; `select` from one.
#[derive(Debug)]
pub(crate) struct Selector {
    epoll: OwnedFd,
}

impl Selector {
    pub(crate) fn new() -> io::Result<Selector> {
        // SAFETY: epoll_create1 takes only a flags argument.
        let fd = syscall!(epoll_create1(libc::EPOLL_CLOEXEC))?;
        // SAFETY: the call succeeded, so `fd` is a fresh descriptor that nothing else owns.
        let epoll = unsafe { OwnedFd::from_raw_fd(fd) };
        Ok(Selector { epoll })
    }

    /// Adds `fd` with edge-triggered `interest`; its events will carry `token`.
    pub(crate) fn register(&self, fd: RawFd, token: usize, interest: Interest) -> io::Result<()> {
        let mut event = libc::epoll_event {
            events: interest_flags(interest),
            u64: token as u64,
        };
        // SAFETY: `event` is a valid, writable epoll_event for the duration of the call;
        // an invalid `fd` is reported by the kernel as EBADF, not undefined behaviour.
        syscall!(epoll_ctl(
            self.epoll.as_raw_fd(),
            libc::EPOLL_CTL_ADD,
            fd,
            &mut event
        ))?;
        Ok(())
    }

    /// Removes `fd` from the interest list. The descriptor itself stays open.
    pub(crate) fn deregister(&self, fd: RawFd) -> io::Result<()> {
        // Kernels before 2.6.9 required a non-null event even for DEL; pass one.
        let mut unused = libc::epoll_event { events: 0, u64: 0 };
        // SAFETY: as in `register`: a valid event pointer, and a bad fd is an error return.
        syscall!(epoll_ctl(
            self.epoll.as_raw_fd(),
            libc::EPOLL_CTL_DEL,
            fd,
            &mut unused
        ))?;
        Ok(())
    }

    /// Waits for events into `events` (replacing what it held). `None` waits until an
    /// event or a wake; `Some(ZERO)` only polls. Sub-millisecond timeouts round up,
    /// so a short timer never turns into a busy loop.
    pub(crate) fn select(&self, events: &mut Events, timeout: Option<Duration>) -> io::Result<()> {
        let timeout_ms = match timeout {
            None => -1,
            Some(timeout) => {
                let rounded_up = timeout
                    .checked_add(Duration::from_nanos(999_999))
                    .unwrap_or(timeout);
                libc::c_int::try_from(rounded_up.as_millis()).unwrap_or(libc::c_int::MAX)
            }
        };
        events.len = 0;
        let capacity = libc::c_int::try_from(events.buf.len()).unwrap_or(libc::c_int::MAX);
        // SAFETY: `events.buf` is a writable array of at least `capacity` epoll_events.
        let n = syscall!(epoll_wait(
            self.epoll.as_raw_fd(),
            events.buf.as_mut_ptr(),
            capacity,
            timeout_ms
        ))?;
        events.len = n as usize;
        Ok(())
    }
}

fn interest_flags(interest: Interest) -> u32 {
    let mut flags = libc::EPOLLET;
    if interest.is_readable() {
        flags |= libc::EPOLLIN | libc::EPOLLRDHUP;
    }
    if interest.is_writable() {
        flags |= libc::EPOLLOUT;
    }
    if interest.is_priority() {
        flags |= libc::EPOLLPRI;
    }
    // Error interest needs no flag: EPOLLERR is always reported.
    flags as u32
}

fn ready_from_flags(flags: u32) -> Ready {
    let flags = flags as libc::c_int;
    let has = |flag: libc::c_int| flags & flag != 0;
    let mut ready = Ready::EMPTY;
    if has(libc::EPOLLIN) || has(libc::EPOLLPRI) {
        ready |= Ready::READABLE;
    }
    if has(libc::EPOLLOUT) {
        ready |= Ready::WRITABLE;
    }
    if has(libc::EPOLLRDHUP) || has(libc::EPOLLHUP) {
        ready |= Ready::READ_CLOSED;
    }
    if has(libc::EPOLLHUP)
        || (has(libc::EPOLLOUT) && has(libc::EPOLLERR))
        || flags == libc::EPOLLERR
    {
        ready |= Ready::WRITE_CLOSED;
    }
    if has(libc::EPOLLERR) {
        ready |= Ready::ERROR;
    }
    if has(libc::EPOLLPRI) {
        ready |= Ready::PRIORITY;
    }
    ready
}

/// A reusable buffer of events filled by [`Selector::select`].
pub(crate) struct Events {
    /// INVARIANT: entries `..len` were written by the last successful `select`.
    buf: Box<[libc::epoll_event]>,
    len: usize,
}

impl Events {
    pub(crate) fn with_capacity(capacity: usize) -> Events {
        let empty = libc::epoll_event { events: 0, u64: 0 };
        Events {
            buf: vec![empty; capacity.max(1)].into_boxed_slice(),
            len: 0,
        }
    }

    /// The last `select`'s events as `(token, readiness)`.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (usize, Ready)> + '_ {
        self.buf[..self.len].iter().map(|event| {
            // Copy the fields out: on x86_64 epoll_event is packed.
            let (flags, token) = (event.events, event.u64);
            (token as usize, ready_from_flags(flags))
        })
    }
}

impl std::fmt::Debug for Events {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// An eventfd registered with the selector: writing to it wakes a blocked `select`.
///
/// The counter is drained by [`Waker::reset`] when its event is seen, so every later
/// `wake` is a fresh edge. A wake that happens before `select` leaves the counter
/// non-zero and the event queued, so the next `select` returns at once: no wake is lost.
#[derive(Debug)]
pub(crate) struct Waker {
    fd: OwnedFd,
}

impl Waker {
    pub(crate) fn new(selector: &Selector, token: usize) -> io::Result<Waker> {
        // SAFETY: eventfd takes an initial value and flags.
        let fd = syscall!(eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK))?;
        // SAFETY: the call succeeded, so `fd` is a fresh descriptor that nothing else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        selector.register(fd.as_raw_fd(), token, Interest::READABLE)?;
        Ok(Waker { fd })
    }

    pub(crate) fn wake(&self) -> io::Result<()> {
        let one = 1u64.to_ne_bytes();
        // SAFETY: `one` is 8 readable bytes, the size an eventfd write takes.
        match syscall!(write(self.fd.as_raw_fd(), one.as_ptr().cast(), one.len())) {
            Ok(_) => Ok(()),
            // The counter is at its maximum: a wake is already pending. Drain it and
            // write again so the selector sees a new edge.
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                self.reset();
                self.wake()
            }
            Err(err) => Err(err),
        }
    }

    /// Drains the counter after its event was seen.
    pub(crate) fn reset(&self) {
        let mut buf = [0u8; 8];
        // SAFETY: `buf` is 8 writable bytes, the size an eventfd read takes. The only
        // expected failure is WouldBlock (already drained), which needs nothing done.
        let _ = syscall!(read(
            self.fd.as_raw_fd(),
            buf.as_mut_ptr().cast(),
            buf.len()
        ));
    }
}

// The loom build checks the reactor's models only; these make real syscalls.
#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn flag_mapping() {
        let closed = Ready::READ_CLOSED | Ready::WRITE_CLOSED;
        assert_eq!(ready_from_flags(libc::EPOLLIN as u32), Ready::READABLE);
        assert_eq!(ready_from_flags(libc::EPOLLOUT as u32), Ready::WRITABLE);
        assert_eq!(
            ready_from_flags((libc::EPOLLIN | libc::EPOLLRDHUP) as u32),
            Ready::READABLE | Ready::READ_CLOSED
        );
        assert_eq!(ready_from_flags(libc::EPOLLHUP as u32), closed);
        assert_eq!(
            ready_from_flags(libc::EPOLLERR as u32),
            Ready::WRITE_CLOSED | Ready::ERROR
        );
        assert_eq!(
            ready_from_flags((libc::EPOLLOUT | libc::EPOLLERR) as u32),
            Ready::WRITABLE | Ready::WRITE_CLOSED | Ready::ERROR
        );
        assert_eq!(
            ready_from_flags(libc::EPOLLPRI as u32),
            Ready::READABLE | Ready::PRIORITY
        );
    }

    #[test]
    fn interest_is_edge_triggered() {
        let flags = interest_flags(Interest::READABLE | Interest::WRITABLE) as libc::c_int;
        assert_ne!(flags & libc::EPOLLET, 0);
        assert_ne!(flags & libc::EPOLLIN, 0);
        assert_ne!(flags & libc::EPOLLRDHUP, 0);
        assert_ne!(flags & libc::EPOLLOUT, 0);
        assert_eq!(flags & libc::EPOLLPRI, 0);
        assert_eq!(
            interest_flags(Interest::ERROR) as libc::c_int,
            libc::EPOLLET
        );
    }

    #[test]
    fn select_reports_token_and_readiness() {
        let selector = Selector::new().unwrap();
        let mut events = Events::with_capacity(8);
        let (a, mut b) = crate::sys::socket_pair().unwrap();
        selector
            .register(a.as_raw_fd(), 7, Interest::READABLE)
            .unwrap();

        selector.select(&mut events, Some(Duration::ZERO)).unwrap();
        assert_eq!(events.iter().count(), 0);

        b.write_all(b"x").unwrap();
        selector.select(&mut events, None).unwrap();
        let seen: Vec<_> = events.iter().collect();
        assert_eq!(seen, vec![(7, Ready::READABLE)]);

        // Edge-triggered: nothing new happened, so nothing is reported again.
        selector.select(&mut events, Some(Duration::ZERO)).unwrap();
        assert_eq!(events.iter().count(), 0);

        selector.deregister(a.as_raw_fd()).unwrap();
        b.write_all(b"y").unwrap();
        selector.select(&mut events, Some(Duration::ZERO)).unwrap();
        assert_eq!(events.iter().count(), 0);
    }

    #[test]
    fn bad_fd_is_an_error() {
        let selector = Selector::new().unwrap();
        let err = selector.register(-1, 0, Interest::READABLE).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::EBADF));
        let err = selector.deregister(-1).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::EBADF));
    }

    #[test]
    fn waker_wakes_select_and_resets() {
        let selector = Selector::new().unwrap();
        let waker = Waker::new(&selector, usize::MAX).unwrap();
        let mut events = Events::with_capacity(8);

        // A wake before the select is not lost.
        waker.wake().unwrap();
        waker.wake().unwrap();
        selector.select(&mut events, None).unwrap();
        assert_eq!(
            events.iter().map(|(token, _)| token).collect::<Vec<_>>(),
            [usize::MAX]
        );
        waker.reset();

        selector.select(&mut events, Some(Duration::ZERO)).unwrap();
        assert_eq!(events.iter().count(), 0);

        waker.wake().unwrap();
        selector.select(&mut events, None).unwrap();
        assert_eq!(events.iter().count(), 1);
    }
}
