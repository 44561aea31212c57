//! Readiness for a raw file descriptor: the I/O half of the backend seam.
//!
//! The facade owns every socket and makes every I/O syscall itself; this backend only
//! says *when* to try. A resource is registered once with [`Interest`]s, yielding a
//! [`Registration`]. The facade then loops:
//!
//! 1. wait until the registration reports readiness ([`Registration::poll_ready`] or
//!    [`Registration::readiness`]), which hands back a [`ReadyEvent`];
//! 2. make the syscall;
//! 3. on `WouldBlock`, give the event back with [`Registration::clear_readiness`] and
//!    go to 1.
//!
//! [`Registration::try_io`] and [`Registration::poll_io`] package that loop.
//!
//! Readiness is edge-triggered underneath, so the reactor remembers it until the
//! caller proves it stale by clearing it; a clear names the event it saw, so readiness
//! that arrived after that event survives the clear. [`Interest`] and [`Ready`] have
//! the names, constants and methods of tokio's `tokio::io` types of the same names.

use std::fmt;
use std::ops;

#[cfg(feature = "bytes")]
mod buf_mut;
mod read_buf;

#[cfg(feature = "bytes")]
pub use buf_mut::read_into_buf_mut;
pub use read_buf::{ReadBuf, read_fd};

pub use crate::reactor::{Readiness, Registration};

const READABLE: u8 = 0b00_0001;
const WRITABLE: u8 = 0b00_0010;
const READ_CLOSED: u8 = 0b00_0100;
const WRITE_CLOSED: u8 = 0b00_1000;
#[cfg(any(target_os = "linux", target_os = "android"))]
const PRIORITY: u8 = 0b01_0000;
const ERROR: u8 = 0b10_0000;

#[cfg(any(target_os = "linux", target_os = "android"))]
const ALL: u8 = READABLE | WRITABLE | READ_CLOSED | WRITE_CLOSED | PRIORITY | ERROR;
#[cfg(not(any(target_os = "linux", target_os = "android")))]
const ALL: u8 = READABLE | WRITABLE | READ_CLOSED | WRITE_CLOSED | ERROR;

/// The readiness a caller wants to wait for. Never empty.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Interest(u8);

impl Interest {
    /// Interest in reading; it also covers the read side being closed.
    pub const READABLE: Interest = Interest(READABLE);

    /// Interest in writing; it also covers the write side being closed.
    pub const WRITABLE: Interest = Interest(WRITABLE);

    /// Interest in error readiness. Error readiness is reported only to callers whose
    /// interest includes this.
    pub const ERROR: Interest = Interest(ERROR);

    /// Interest in priority (out-of-band) data, `EPOLLPRI`.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub const PRIORITY: Interest = Interest(PRIORITY);

    /// Whether readable interest is included.
    pub const fn is_readable(self) -> bool {
        self.0 & READABLE != 0
    }

    /// Whether writable interest is included.
    pub const fn is_writable(self) -> bool {
        self.0 & WRITABLE != 0
    }

    /// Whether error interest is included.
    pub const fn is_error(self) -> bool {
        self.0 & ERROR != 0
    }

    /// Whether priority interest is included.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub const fn is_priority(self) -> bool {
        self.0 & PRIORITY != 0
    }

    /// Both sets of interests together; usable in `const` items.
    #[must_use = "this returns the result of the operation, without modifying the original"]
    pub const fn add(self, other: Interest) -> Interest {
        Interest(self.0 | other.0)
    }

    /// `self` without the interests in `other`, or `None` when nothing would be left.
    #[must_use = "this returns the result of the operation, without modifying the original"]
    pub fn remove(self, other: Interest) -> Option<Interest> {
        let left = self.0 & !other.0;
        (left != 0).then_some(Interest(left))
    }
}

impl ops::BitOr for Interest {
    type Output = Interest;

    #[inline]
    fn bitor(self, other: Interest) -> Interest {
        self.add(other)
    }
}

impl ops::BitOrAssign for Interest {
    #[inline]
    fn bitor_assign(&mut self, other: Interest) {
        *self = self.add(other);
    }
}

impl fmt::Debug for Interest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names = Vec::with_capacity(4);
        if self.is_readable() {
            names.push("READABLE");
        }
        if self.is_writable() {
            names.push("WRITABLE");
        }
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if self.is_priority() {
            names.push("PRIORITY");
        }
        if self.is_error() {
            names.push("ERROR");
        }
        f.write_str(&names.join(" | "))
    }
}

/// A set of readiness states of an I/O resource.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ready(u8);

impl Ready {
    /// No readiness at all.
    pub const EMPTY: Ready = Ready(0);

    /// Ready to read.
    pub const READABLE: Ready = Ready(READABLE);

    /// Ready to write.
    pub const WRITABLE: Ready = Ready(WRITABLE);

    /// The read side is closed: reads return end-of-file.
    pub const READ_CLOSED: Ready = Ready(READ_CLOSED);

    /// The write side is closed: writes fail.
    pub const WRITE_CLOSED: Ready = Ready(WRITE_CLOSED);

    /// Priority (out-of-band) data is available.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub const PRIORITY: Ready = Ready(PRIORITY);

    /// The resource has a pending error.
    pub const ERROR: Ready = Ready(ERROR);

    /// Every readiness state this platform reports.
    pub const ALL: Ready = Ready(ALL);

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether the set includes readable or read-closed readiness.
    pub const fn is_readable(self) -> bool {
        self.0 & (READABLE | READ_CLOSED) != 0
    }

    /// Whether the set includes writable or write-closed readiness.
    pub const fn is_writable(self) -> bool {
        self.0 & (WRITABLE | WRITE_CLOSED) != 0
    }

    /// Whether the set includes read-closed readiness.
    pub const fn is_read_closed(self) -> bool {
        self.0 & READ_CLOSED != 0
    }

    /// Whether the set includes write-closed readiness.
    pub const fn is_write_closed(self) -> bool {
        self.0 & WRITE_CLOSED != 0
    }

    /// Whether the set includes priority readiness.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub const fn is_priority(self) -> bool {
        self.0 & PRIORITY != 0
    }

    /// Whether the set includes error readiness.
    pub const fn is_error(self) -> bool {
        self.0 & ERROR != 0
    }

    /// The readiness states that answer `interest`: each direction includes its closed
    /// state (priority data is read, so it includes read-closed), and error readiness
    /// belongs only to error interest.
    pub(crate) const fn from_interest(interest: Interest) -> Ready {
        let mut bits = 0;
        if interest.is_readable() {
            bits |= READABLE | READ_CLOSED;
        }
        if interest.is_writable() {
            bits |= WRITABLE | WRITE_CLOSED;
        }
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if interest.is_priority() {
            bits |= PRIORITY | READ_CLOSED;
        }
        if interest.is_error() {
            bits |= ERROR;
        }
        Ready(bits)
    }

    /// The set as bits, for packing into an atomic word (at most 6 bits).
    pub(crate) const fn to_bits(self) -> usize {
        self.0 as usize
    }

    /// The inverse of [`Ready::to_bits`]; bits outside [`Ready::ALL`] are dropped.
    pub(crate) const fn from_bits(bits: usize) -> Ready {
        Ready((bits & ALL as usize) as u8)
    }
}

impl ops::BitOr for Ready {
    type Output = Ready;

    #[inline]
    fn bitor(self, other: Ready) -> Ready {
        Ready(self.0 | other.0)
    }
}

impl ops::BitOrAssign for Ready {
    #[inline]
    fn bitor_assign(&mut self, other: Ready) {
        self.0 |= other.0;
    }
}

impl ops::BitAnd for Ready {
    type Output = Ready;

    #[inline]
    fn bitand(self, other: Ready) -> Ready {
        Ready(self.0 & other.0)
    }
}

impl ops::Sub for Ready {
    type Output = Ready;

    #[inline]
    fn sub(self, other: Ready) -> Ready {
        Ready(self.0 & !other.0)
    }
}

impl fmt::Debug for Ready {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Ready");
        s.field("is_readable", &self.is_readable())
            .field("is_writable", &self.is_writable())
            .field("is_read_closed", &self.is_read_closed())
            .field("is_write_closed", &self.is_write_closed())
            .field("is_error", &self.is_error());
        #[cfg(any(target_os = "linux", target_os = "android"))]
        s.field("is_priority", &self.is_priority());
        s.finish()
    }
}

/// The readiness one poll observed, and when: give it back to
/// [`Registration::clear_readiness`] after the operation it allowed hit `WouldBlock`.
///
/// The event carries the registration's tick (a count of OS events it has received)
/// at the moment of the poll; a clear with an older tick is ignored, so readiness that
/// arrived after this event was seen is never erased by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadyEvent {
    pub(crate) ready: Ready,
    pub(crate) tick: u16,
    pub(crate) is_shutdown: bool,
}

impl ReadyEvent {
    /// The readiness seen, limited to the interest that was polled.
    pub fn ready(&self) -> Ready {
        self.ready
    }

    /// The same event narrowed to `ready`: clearing it clears only those states.
    pub fn with_ready(self, ready: Ready) -> ReadyEvent {
        ReadyEvent {
            ready: self.ready & ready,
            ..self
        }
    }
}

/// tokio's message for I/O on a runtime built without `enable_io`.
const IO_DISABLED: &str = "A Tokio 1.x context was found, but IO is disabled. Call `enable_io` \
    on the runtime builder to enable IO.";

/// Registers `fd` with the current native runtime's reactor; `None` without a
/// native runtime.
///
/// # Panics
///
/// If the current runtime was built without `enable_io`, with tokio's message.
#[track_caller]
pub fn try_register(
    fd: std::os::fd::RawFd,
    interest: Interest,
) -> Option<std::io::Result<Registration>> {
    let registered = crate::runtime::context::with_current(|handle| {
        handle
            .driver()
            .io()
            .map(|reactor| reactor.register(fd, interest))
    })
    .ok()?;
    // Outside the closure, which `#[track_caller]` does not reach: the panic names
    // the line of the application that asked for I/O, as tokio's does.
    match registered {
        Some(registered) => Some(registered),
        None => panic!("{IO_DISABLED}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interest_add_remove_and_bitor() {
        let both = Interest::READABLE | Interest::WRITABLE;
        assert!(both.is_readable() && both.is_writable() && !both.is_error());
        assert_eq!(both, Interest::READABLE.add(Interest::WRITABLE));
        assert_eq!(both.remove(Interest::READABLE), Some(Interest::WRITABLE));
        assert_eq!(both.remove(both), None);
        // Removing what is not there leaves the set alone.
        assert_eq!(
            Interest::READABLE.remove(Interest::ERROR),
            Some(Interest::READABLE)
        );
        let mut interest = Interest::ERROR;
        interest |= Interest::READABLE;
        assert!(interest.is_error() && interest.is_readable());
        assert_eq!(format!("{both:?}"), "READABLE | WRITABLE");
    }

    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[test]
    fn priority_interest() {
        assert!(Interest::PRIORITY.is_priority());
        assert!(!Interest::READABLE.is_priority());
        let mask = Ready::from_interest(Interest::PRIORITY);
        assert_eq!(mask, Ready::PRIORITY | Ready::READ_CLOSED);
        assert!(Ready::PRIORITY.is_priority());
    }

    #[test]
    fn ready_predicates_include_closed_states() {
        assert!(Ready::EMPTY.is_empty());
        assert!(Ready::READ_CLOSED.is_readable());
        assert!(!Ready::READ_CLOSED.is_writable());
        assert!(Ready::WRITE_CLOSED.is_writable());
        assert!(Ready::WRITE_CLOSED.is_write_closed());
        assert!(!Ready::READABLE.is_read_closed());
        assert!(Ready::ERROR.is_error());
        assert!(!Ready::ALL.is_empty());
    }

    #[test]
    fn ready_set_operations() {
        let rw = Ready::READABLE | Ready::WRITABLE;
        assert_eq!(rw & Ready::READABLE, Ready::READABLE);
        assert_eq!(rw - Ready::READABLE, Ready::WRITABLE);
        assert_eq!(rw - rw, Ready::EMPTY);
        let mut r = Ready::EMPTY;
        r |= Ready::ERROR;
        assert_eq!(r, Ready::ERROR);
        assert_eq!(Ready::from_bits(Ready::ALL.to_bits() | 0x80), Ready::ALL);
    }

    #[test]
    fn error_readiness_belongs_to_error_interest_only() {
        let read = Ready::from_interest(Interest::READABLE);
        let write = Ready::from_interest(Interest::WRITABLE);
        assert_eq!(read, Ready::READABLE | Ready::READ_CLOSED);
        assert_eq!(write, Ready::WRITABLE | Ready::WRITE_CLOSED);
        assert!(!(read | write).is_error());
        assert_eq!(Ready::from_interest(Interest::ERROR), Ready::ERROR);
    }
}
