//! [`AsyncFd`]: a user's file descriptor, registered with the current runtime.
//!
//! The registration watches the descriptor's number; the object that owns the
//! descriptor stays the user's `T`. Field order makes the registration go first
//! when an `AsyncFd` is dropped, so the reactor forgets the descriptor before `T`
//! can close it.

use std::error::Error;
use std::fmt;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::task::{Context, Poll, ready};

use super::ready_guard::{AsyncFdReadyGuard, AsyncFdReadyMutGuard};
use crate::io::Interest;
use crate::io::poll_evented::PollEvented;
use crate::io::registration::Registration;

/// Associates a non-blocking Unix file descriptor, owned by `T`, with the reactor
/// of the current runtime, so that tasks can wait for it to become readable or
/// writable.
///
/// The descriptor must be pollable (a socket, pipe, tty, eventfd, ...; not a
/// regular file) and in non-blocking mode. It must stay open, and `T::as_raw_fd`
/// must keep returning it, until the `AsyncFd` is dropped or [`into_inner`] is
/// called; closing or replacing it earlier confuses the reactor. (tokio 1.54 made
/// its constructor `unsafe` for this reason and deprecated `new`; avx's facade
/// has no `unsafe` code and keeps the safe constructors.)
///
/// Readiness is edge-triggered underneath: avx remembers that the descriptor became
/// ready until the caller reports, through the guard a readiness wait returns, that
/// an operation hit `WouldBlock`. So the loop is: wait ([`readable`],
/// [`writable`], [`ready`]), try the operation, and on `WouldBlock` clear the
/// guard's readiness (or let [`AsyncFdReadyGuard::try_io`] do it) and wait again.
/// Clearing after anything else loses the readiness and may hang the task.
///
/// Any number of tasks may wait on one `AsyncFd` through the `async` methods. The
/// `poll_*` methods keep one waker per direction: only the last task to poll a
/// direction is woken.
///
/// ```
/// # #[cfg(feature = "rt")]
/// # avx::runtime::Builder::new_current_thread().enable_io().build().unwrap().block_on(async {
/// use std::io::{Read, Write};
/// use std::os::unix::net::UnixStream;
/// use avx::io::unix::AsyncFd;
///
/// let (a, mut b) = UnixStream::pair().unwrap();
/// a.set_nonblocking(true).unwrap();
/// let a = AsyncFd::new(a).unwrap();
/// b.write_all(b"ping").unwrap();
///
/// let mut buf = [0; 4];
/// let n = loop {
///     let mut guard = a.readable().await.unwrap();
///     match guard.try_io(|fd| fd.get_ref().read(&mut buf)) {
///         Ok(result) => break result.unwrap(),
///         Err(_would_block) => continue,
///     }
/// };
/// assert_eq!(&buf[..n], b"ping");
/// # });
/// ```
///
/// [`into_inner`]: AsyncFd::into_inner
/// [`readable`]: AsyncFd::readable
/// [`writable`]: AsyncFd::writable
/// [`ready`]: AsyncFd::ready
pub struct AsyncFd<T: AsRawFd> {
    // Field order is the drop order: the registration goes before `inner`.
    registration: PollEvented<Watched>,
    inner: T,
}

/// The descriptor number a registration watches; it owns nothing.
#[derive(Debug, Clone, Copy)]
struct Watched(RawFd);

impl AsRawFd for Watched {
    fn as_raw_fd(&self) -> RawFd {
        self.0
    }
}

impl<T: AsRawFd> AsyncFd<T> {
    /// Registers `inner`'s descriptor for reading and writing.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or on one built without `enable_io`, with tokio's
    /// messages.
    #[track_caller]
    pub fn new(inner: T) -> io::Result<AsyncFd<T>> {
        AsyncFd::with_interest(inner, Interest::READABLE | Interest::WRITABLE)
    }

    /// Registers `inner`'s descriptor for `interest`.
    ///
    /// # Panics
    ///
    /// As [`AsyncFd::new`].
    #[track_caller]
    pub fn with_interest(inner: T, interest: Interest) -> io::Result<AsyncFd<T>> {
        Ok(AsyncFd::try_with_interest(inner, interest)?)
    }

    /// [`AsyncFd::new`], handing `inner` back with the error when registration
    /// fails.
    ///
    /// # Panics
    ///
    /// As [`AsyncFd::new`].
    #[track_caller]
    pub fn try_new(inner: T) -> Result<AsyncFd<T>, AsyncFdRegisterError<T>> {
        AsyncFd::try_with_interest(inner, Interest::READABLE | Interest::WRITABLE)
    }

    /// [`AsyncFd::with_interest`], handing `inner` back with the error when
    /// registration fails.
    ///
    /// # Panics
    ///
    /// As [`AsyncFd::new`].
    #[track_caller]
    pub fn try_with_interest(
        inner: T,
        interest: Interest,
    ) -> Result<AsyncFd<T>, AsyncFdRegisterError<T>> {
        let watched = Watched(inner.as_raw_fd());
        match PollEvented::new_with_interest(watched, interest) {
            Ok(registration) => Ok(AsyncFd {
                registration,
                inner,
            }),
            Err(cause) => Err(AsyncFdRegisterError { inner, cause }),
        }
    }

    /// The object that owns the descriptor.
    pub fn get_ref(&self) -> &T {
        &self.inner
    }

    /// The object that owns the descriptor, mutably. Do not swap in another
    /// descriptor: the registration keeps watching the first.
    pub fn get_mut(&mut self) -> &mut T {
        &mut self.inner
    }

    /// Deregisters the descriptor and returns the object that owns it.
    pub fn into_inner(self) -> T {
        let AsyncFd {
            registration,
            inner,
        } = self;
        drop(registration);
        inner
    }

    pub(super) fn registration(&self) -> Registration<'_> {
        self.registration.registration()
    }

    /// Polls for read readiness: `Ready` with a guard once the descriptor is
    /// readable (or its read side closed), else `Pending` with `cx`'s waker kept
    /// (replacing the one a previous `poll_read_ready` left; write readiness keeps
    /// its own).
    pub fn poll_read_ready<'a>(
        &'a self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyGuard<'a, T>>> {
        let guard = ready!(self.registration().poll_read_ready(cx))?;
        Poll::Ready(Ok(AsyncFdReadyGuard::new(self, guard)))
    }

    /// [`AsyncFd::poll_read_ready`] with a guard that gives `&mut` access.
    pub fn poll_read_ready_mut<'a>(
        &'a mut self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyMutGuard<'a, T>>> {
        let event = ready!(self.registration().poll_read_ready(cx))?.detach();
        Poll::Ready(Ok(AsyncFdReadyMutGuard::new(self, event)))
    }

    /// Polls for write readiness; see [`AsyncFd::poll_read_ready`].
    pub fn poll_write_ready<'a>(
        &'a self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyGuard<'a, T>>> {
        let guard = ready!(self.registration().poll_write_ready(cx))?;
        Poll::Ready(Ok(AsyncFdReadyGuard::new(self, guard)))
    }

    /// [`AsyncFd::poll_write_ready`] with a guard that gives `&mut` access.
    pub fn poll_write_ready_mut<'a>(
        &'a mut self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyMutGuard<'a, T>>> {
        let event = ready!(self.registration().poll_write_ready(cx))?.detach();
        Poll::Ready(Ok(AsyncFdReadyMutGuard::new(self, event)))
    }

    /// Waits until the descriptor is ready for any of `interest`.
    ///
    /// The guard's [`ready`](AsyncFdReadyGuard::ready) says which; it may be a
    /// false positive (the operation then says `WouldBlock`), and it may hold only
    /// some of the states asked for. With a combined interest, clear only the
    /// direction that blocked, with [`AsyncFdReadyGuard::clear_ready_matching`].
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: once readiness is seen, every wait returns at once until an
    /// operation reports `WouldBlock` through a guard.
    pub async fn ready(&self, interest: Interest) -> io::Result<AsyncFdReadyGuard<'_, T>> {
        let guard = self.registration().ready(interest).await?;
        Ok(AsyncFdReadyGuard::new(self, guard))
    }

    /// [`AsyncFd::ready`] with a guard that gives `&mut` access.
    ///
    /// # Cancel safety
    ///
    /// As [`AsyncFd::ready`].
    pub async fn ready_mut(
        &mut self,
        interest: Interest,
    ) -> io::Result<AsyncFdReadyMutGuard<'_, T>> {
        let event = self.registration().ready(interest).await?.detach();
        Ok(AsyncFdReadyMutGuard::new(self, event))
    }

    /// Waits until the descriptor is readable (or its read side closed).
    ///
    /// # Cancel safety
    ///
    /// As [`AsyncFd::ready`].
    pub async fn readable(&self) -> io::Result<AsyncFdReadyGuard<'_, T>> {
        self.ready(Interest::READABLE).await
    }

    /// [`AsyncFd::readable`] with a guard that gives `&mut` access.
    ///
    /// # Cancel safety
    ///
    /// As [`AsyncFd::ready`].
    pub async fn readable_mut(&mut self) -> io::Result<AsyncFdReadyMutGuard<'_, T>> {
        self.ready_mut(Interest::READABLE).await
    }

    /// Waits until the descriptor is writable (or its write side closed).
    ///
    /// # Cancel safety
    ///
    /// As [`AsyncFd::ready`].
    pub async fn writable(&self) -> io::Result<AsyncFdReadyGuard<'_, T>> {
        self.ready(Interest::WRITABLE).await
    }

    /// [`AsyncFd::writable`] with a guard that gives `&mut` access.
    ///
    /// # Cancel safety
    ///
    /// As [`AsyncFd::ready`].
    pub async fn writable_mut(&mut self) -> io::Result<AsyncFdReadyMutGuard<'_, T>> {
        self.ready_mut(Interest::WRITABLE).await
    }

    /// Waits for `interest` and runs `f`, again after every `WouldBlock` it
    /// returns (clearing the readiness each time), until it returns anything else.
    ///
    /// `f` must return `WouldBlock` only when its operation on the descriptor did;
    /// `interest` should be one direction.
    pub async fn async_io<R>(
        &self,
        interest: Interest,
        mut f: impl FnMut(&T) -> io::Result<R>,
    ) -> io::Result<R> {
        self.registration()
            .async_io(interest, || f(&self.inner))
            .await
    }

    /// [`AsyncFd::async_io`] with `&mut` access to the inner object.
    pub async fn async_io_mut<R>(
        &mut self,
        interest: Interest,
        mut f: impl FnMut(&mut T) -> io::Result<R>,
    ) -> io::Result<R> {
        let inner = &mut self.inner;
        self.registration
            .registration()
            .async_io(interest, || f(inner))
            .await
    }

    /// Runs `f` if the descriptor is ready for `interest`, without waiting: a
    /// `WouldBlock` error (and `f` not called) when it is not, and the readiness
    /// cleared when `f` returns `WouldBlock`.
    pub fn try_io<R>(
        &self,
        interest: Interest,
        f: impl FnOnce(&T) -> io::Result<R>,
    ) -> io::Result<R> {
        self.registration().try_io(interest, || f(&self.inner))
    }

    /// [`AsyncFd::try_io`] with `&mut` access to the inner object.
    pub fn try_io_mut<R>(
        &mut self,
        interest: Interest,
        f: impl FnOnce(&mut T) -> io::Result<R>,
    ) -> io::Result<R> {
        let inner = &mut self.inner;
        self.registration
            .registration()
            .try_io(interest, || f(inner))
    }
}

impl<T: AsRawFd> AsRawFd for AsyncFd<T> {
    fn as_raw_fd(&self) -> RawFd {
        self.inner.as_raw_fd()
    }
}

/// Lends the inner object's descriptor. (tokio implements `AsFd` for any
/// `T: AsRawFd` with `unsafe`; avx needs `T: AsFd`.)
impl<T: AsRawFd + AsFd> AsFd for AsyncFd<T> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.inner.as_fd()
    }
}

impl<T: AsRawFd + fmt::Debug> fmt::Debug for AsyncFd<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncFd")
            .field("inner", &self.inner)
            .finish()
    }
}

/// Registration failed: the error, and the object that was to be registered.
pub struct AsyncFdRegisterError<T> {
    inner: T,
    cause: io::Error,
}

/// The name tokio used for [`AsyncFdRegisterError`] before 1.54 (the error of
/// [`AsyncFd::try_new`]).
pub type AsyncFdTryNewError<T> = AsyncFdRegisterError<T>;

impl<T> AsyncFdRegisterError<T> {
    /// The object passed in, and why registering it failed.
    pub fn into_parts(self) -> (T, io::Error) {
        (self.inner, self.cause)
    }
}

impl<T> fmt::Display for AsyncFdRegisterError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.cause, f)
    }
}

impl<T> fmt::Debug for AsyncFdRegisterError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.cause, f)
    }
}

impl<T> Error for AsyncFdRegisterError<T> {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&self.cause)
    }
}

impl<T> From<AsyncFdRegisterError<T>> for io::Error {
    fn from(error: AsyncFdRegisterError<T>) -> io::Error {
        error.cause
    }
}
