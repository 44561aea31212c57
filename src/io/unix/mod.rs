//! Asynchronous I/O on Unix file descriptors that avx does not wrap itself:
//! [`AsyncFd`] registers any non-blocking descriptor (a socket, a pipe, a tty, an
//! eventfd) with the current runtime's reactor and reports its readiness.

mod async_fd;
mod ready_guard;

pub use async_fd::{AsyncFd, AsyncFdRegisterError, AsyncFdTryNewError};
pub use ready_guard::{AsyncFdReadyGuard, AsyncFdReadyMutGuard, TryIoError};
