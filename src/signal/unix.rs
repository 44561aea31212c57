//! Unix signals: [`signal`] and the [`Signal`] listener it returns, for a
//! [`SignalKind`].

use std::future::poll_fn;
use std::io;
use std::os::raw::c_int;
use std::task::{Context, Poll, ready};

use avx_native::signal as sys;

use super::dispatch;
use super::registry::Listener;

/// A kind of signal to listen for: a signal number, with constructors for the
/// common ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SignalKind(c_int);

impl SignalKind {
    /// Any signal, by its OS number (for platform-specific signals).
    ///
    /// ```
    /// use avx::signal::unix::SignalKind;
    ///
    /// let kind = SignalKind::from_raw(10);
    /// assert_eq!(kind.as_raw_value(), 10);
    /// ```
    pub const fn from_raw(signum: c_int) -> SignalKind {
        SignalKind(signum)
    }

    /// The signal's OS number.
    ///
    /// ```
    /// use avx::signal::unix::SignalKind;
    ///
    /// assert_eq!(SignalKind::interrupt().as_raw_value(), 2); // SIGINT
    /// ```
    pub const fn as_raw_value(&self) -> c_int {
        self.0
    }

    /// `SIGALRM`: a real-time timer expired. Terminates the process by default.
    pub const fn alarm() -> SignalKind {
        SignalKind(sys::SIGALRM)
    }

    /// `SIGCHLD`: a child process changed state. Ignored by default.
    pub const fn child() -> SignalKind {
        SignalKind(sys::SIGCHLD)
    }

    /// `SIGHUP`: the terminal disconnected. Terminates the process by default.
    pub const fn hangup() -> SignalKind {
        SignalKind(sys::SIGHUP)
    }

    /// `SIGINFO`: a status request from the terminal. Ignored by default.
    #[cfg(any(
        target_vendor = "apple",
        target_os = "freebsd",
        target_os = "dragonfly",
        target_os = "openbsd"
    ))]
    pub const fn info() -> SignalKind {
        SignalKind(sys::SIGINFO)
    }

    /// `SIGINT`: interrupt from the terminal (ctrl-c). Terminates the process by
    /// default.
    pub const fn interrupt() -> SignalKind {
        SignalKind(sys::SIGINT)
    }

    /// `SIGIO`: I/O is possible on a file descriptor. Ignored by default.
    pub const fn io() -> SignalKind {
        SignalKind(sys::SIGIO)
    }

    /// `SIGPIPE`: a write to a pipe with no reader. Terminates the process by
    /// default.
    pub const fn pipe() -> SignalKind {
        SignalKind(sys::SIGPIPE)
    }

    /// `SIGQUIT`: quit from the terminal. Terminates the process with a core dump
    /// by default.
    pub const fn quit() -> SignalKind {
        SignalKind(sys::SIGQUIT)
    }

    /// `SIGTERM`: a request to terminate. Terminates the process by default.
    pub const fn terminate() -> SignalKind {
        SignalKind(sys::SIGTERM)
    }

    /// `SIGUSR1`: user-defined. Terminates the process by default.
    pub const fn user_defined1() -> SignalKind {
        SignalKind(sys::SIGUSR1)
    }

    /// `SIGUSR2`: user-defined. Terminates the process by default.
    pub const fn user_defined2() -> SignalKind {
        SignalKind(sys::SIGUSR2)
    }

    /// `SIGWINCH`: the terminal window changed size. Ignored by default.
    pub const fn window_change() -> SignalKind {
        SignalKind(sys::SIGWINCH)
    }
}

impl From<c_int> for SignalKind {
    fn from(signum: c_int) -> SignalKind {
        SignalKind::from_raw(signum)
    }
}

impl From<SignalKind> for c_int {
    fn from(kind: SignalKind) -> c_int {
        kind.as_raw_value()
    }
}

/// A listener for one kind of signal, created by [`signal`].
///
/// Each item it yields stands for *at least one* delivery: deliveries that arrive
/// before the listener is polled coalesce into one, and once a poll has returned
/// `Pending`, a later delivery is guaranteed to produce an item.
///
/// # Caveats
///
/// The first listener for a signal kind installs a process-wide handler that
/// replaces the signal's default action **for the rest of the process**: after
/// listening for `SIGINT`, a ctrl-c no longer terminates the program, even once
/// every listener is dropped.
///
/// ```no_run
/// use avx::signal::unix::{SignalKind, signal};
///
/// # async fn hangups() -> std::io::Result<()> {
/// let mut hangups = signal(SignalKind::hangup())?;
/// loop {
///     hangups.recv().await;
///     println!("got SIGHUP");
/// }
/// # }
/// ```
#[must_use = "streams do nothing unless polled"]
#[derive(Debug)]
pub struct Signal {
    inner: Inner,
}

#[derive(Debug)]
enum Inner {
    Native(Listener),
    #[cfg(feature = "tokio")]
    Tokio(::tokio::signal::unix::Signal),
}

/// Listens for signals of `kind` sent to this process, on the current runtime.
///
/// Signals delivered after this returns are never lost, though several may
/// coalesce into one item (see [`Signal`]). Any number of listeners may exist for
/// the same kind; each delivery notifies all of them. Once a handler is installed
/// for a kind it stays, and the default action does not come back.
///
/// # Errors
///
/// * `Other` for a signal no handler may be installed for (`SIGKILL`, `SIGSTOP`,
///   `SIGILL`, `SIGFPE`, `SIGSEGV`), a number that is not positive or past the
///   platform's last signal;
/// * the OS error if installing the handler fails (returned again by every later
///   attempt for that kind).
///
/// # Panics
///
/// Outside a runtime, or on one built without `enable_io`, with tokio's messages.
#[track_caller]
pub fn signal(kind: SignalKind) -> io::Result<Signal> {
    #[cfg(feature = "tokio")]
    if !avx_native::runtime::has_current() {
        let kind = ::tokio::signal::unix::SignalKind::from_raw(kind.0);
        return ::tokio::signal::unix::signal(kind).map(|signal| Signal {
            inner: Inner::Tokio(signal),
        });
    }
    dispatch::listen(kind.0).map(|listener| Signal {
        inner: Inner::Native(listener),
    })
}

impl Signal {
    /// Waits for the next delivery. Always `Some(())`; the `Option` is tokio's
    /// signature.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: a delivery that arrives while the future is dropped is kept for
    /// the next call.
    pub async fn recv(&mut self) -> Option<()> {
        poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// Polls for the next delivery, registering `cx`'s waker if there is none
    /// yet. Always `Some(())` when ready.
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<()>> {
        match &mut self.inner {
            Inner::Native(listener) => {
                let coop = ready!(avx_native::coop::poll_proceed(cx));
                ready!(listener.poll_notified(cx));
                coop.made_progress();
                Poll::Ready(Some(()))
            }
            #[cfg(feature = "tokio")]
            Inner::Tokio(signal) => signal.poll_recv(cx),
        }
    }
}

/// A listener for `SIGINT`, for `ctrl_c`.
pub(super) fn ctrl_c() -> io::Result<Signal> {
    signal(SignalKind::interrupt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_the_os_numbers() {
        assert_eq!(SignalKind::interrupt().as_raw_value(), sys::SIGINT);
        assert_eq!(SignalKind::terminate().as_raw_value(), sys::SIGTERM);
        assert_eq!(SignalKind::child().as_raw_value(), sys::SIGCHLD);
        assert_eq!(SignalKind::user_defined1().as_raw_value(), sys::SIGUSR1);
        assert_eq!(SignalKind::from(sys::SIGHUP), SignalKind::hangup());
        assert_eq!(c_int::from(SignalKind::quit()), sys::SIGQUIT);
        assert_eq!(SignalKind::from_raw(-1).as_raw_value(), -1);
    }
}
