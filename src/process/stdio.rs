//! A child's standard streams: [`ChildStdin`] (`AsyncWrite`), [`ChildStdout`] and
//! [`ChildStderr`] (`AsyncRead`).
//!
//! On the native backend each is the pipe std created, switched to non-blocking
//! mode and registered with the runtime's reactor (`PollEvented`); on the tokio
//! backend, tokio's own type. Handing a pipe on (`into_owned_fd`, `TryInto<Stdio>`)
//! deregisters it and switches it back to blocking mode, which is what the program
//! that receives it almost certainly expects.

use std::fs::File;
use std::io::{self, IoSlice};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::pin::Pin;
use std::process::Stdio;
use std::task::{Context, Poll};

use crate::io::poll_evented::PollEvented;
use crate::io::{AsyncRead, AsyncWrite, Interest, ReadBuf};

/// Declares one stream type: the struct, its backend enum, and what all three
/// streams share (`from_std`, `into_owned_fd`, `TryInto<Stdio>`, `AsRawFd`,
/// `AsFd`).
macro_rules! child_stream {
    (
        $(#[$doc:meta])*
        $name:ident, $inner:ident, $std:ty, $tokio:ty, $interest:expr
    ) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name {
            inner: $inner,
        }

        #[derive(Debug)]
        enum $inner {
            Native(PollEvented<File>),
            #[cfg(feature = "tokio")]
            Tokio($tokio),
        }

        impl $name {
            /// Makes a std stream asynchronous on the current runtime.
            ///
            /// # Errors
            ///
            /// If the pipe cannot be switched to non-blocking mode or registered
            /// with the runtime's reactor.
            ///
            /// # Panics
            ///
            /// Outside a runtime, or on one without I/O, with tokio's messages.
            #[track_caller]
            pub fn from_std(inner: $std) -> io::Result<$name> {
                #[cfg(feature = "tokio")]
                if !avx_native::runtime::has_current() {
                    return <$tokio>::from_std(inner).map($name::from_tokio);
                }
                register(OwnedFd::from(inner), $interest).map(|events| $name {
                    inner: $inner::Native(events),
                })
            }

            #[cfg(feature = "tokio")]
            pub(super) fn from_tokio(inner: $tokio) -> $name {
                $name {
                    inner: $inner::Tokio(inner),
                }
            }

            /// Deregisters the pipe and returns it, in blocking mode.
            ///
            /// # Errors
            ///
            /// If switching it back to blocking mode fails.
            pub fn into_owned_fd(self) -> io::Result<OwnedFd> {
                match self.inner {
                    $inner::Native(events) => into_blocking_fd(events),
                    #[cfg(feature = "tokio")]
                    $inner::Tokio(inner) => inner.into_owned_fd(),
                }
            }
        }

        impl TryInto<Stdio> for $name {
            type Error = io::Error;

            /// The pipe, in blocking mode, as another child's stdio.
            fn try_into(self) -> Result<Stdio, io::Error> {
                self.into_owned_fd().map(Stdio::from)
            }
        }

        impl AsRawFd for $name {
            fn as_raw_fd(&self) -> RawFd {
                self.as_fd().as_raw_fd()
            }
        }

        impl AsFd for $name {
            fn as_fd(&self) -> BorrowedFd<'_> {
                match &self.inner {
                    $inner::Native(events) => events.as_fd(),
                    #[cfg(feature = "tokio")]
                    $inner::Tokio(inner) => inner.as_fd(),
                }
            }
        }
    };
}

child_stream! {
    /// The writing end of a child's standard input; `AsyncWrite`.
    ///
    /// Dropping it closes the pipe, which the child reads as end-of-file.
    ChildStdin, StdinInner, std::process::ChildStdin, ::tokio::process::ChildStdin,
    Interest::WRITABLE
}

child_stream! {
    /// The reading end of a child's standard output; `AsyncRead`.
    ChildStdout, StdoutInner, std::process::ChildStdout, ::tokio::process::ChildStdout,
    Interest::READABLE
}

child_stream! {
    /// The reading end of a child's standard error; `AsyncRead`.
    ChildStderr, StderrInner, std::process::ChildStderr, ::tokio::process::ChildStderr,
    Interest::READABLE
}

impl AsyncWrite for ChildStdin {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match &mut self.get_mut().inner {
            StdinInner::Native(events) => events.poll_write(cx, buf),
            #[cfg(feature = "tokio")]
            StdinInner::Tokio(inner) => {
                ::tokio::io::AsyncWrite::poll_write(Pin::new(inner), cx, buf)
            }
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match &mut self.get_mut().inner {
            StdinInner::Native(events) => events.poll_write_vectored(cx, bufs),
            #[cfg(feature = "tokio")]
            StdinInner::Tokio(inner) => {
                ::tokio::io::AsyncWrite::poll_write_vectored(Pin::new(inner), cx, bufs)
            }
        }
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    /// A pipe has no buffer of ours to flush.
    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    /// Does nothing, as in tokio: the pipe closes (and the child sees end-of-file)
    /// when the `ChildStdin` is dropped.
    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

impl AsyncRead for ChildStdout {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match &mut self.get_mut().inner {
            StdoutInner::Native(events) => events.poll_read(cx, buf),
            #[cfg(feature = "tokio")]
            StdoutInner::Tokio(inner) => poll_read_tokio(inner, cx, buf),
        }
    }
}

impl AsyncRead for ChildStderr {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match &mut self.get_mut().inner {
            StderrInner::Native(events) => events.poll_read(cx, buf),
            #[cfg(feature = "tokio")]
            StderrInner::Tokio(inner) => poll_read_tokio(inner, cx, buf),
        }
    }
}

/// Switches a child's pipe to non-blocking mode and registers it.
#[track_caller]
fn register(fd: OwnedFd, interest: Interest) -> io::Result<PollEvented<File>> {
    avx_native::process::set_nonblocking(fd.as_fd(), true)?;
    PollEvented::new_with_interest(File::from(fd), interest)
}

/// Deregisters a pipe and switches it back to blocking mode.
fn into_blocking_fd(events: PollEvented<File>) -> io::Result<OwnedFd> {
    let file = events.into_inner();
    avx_native::process::set_nonblocking(file.as_fd(), false)?;
    Ok(OwnedFd::from(file))
}

/// Reads through one of tokio's streams into avx's `ReadBuf`.
#[cfg(feature = "tokio")]
fn poll_read_tokio<R: ::tokio::io::AsyncRead + Unpin>(
    reader: &mut R,
    cx: &mut Context<'_>,
    buf: &mut ReadBuf<'_>,
) -> Poll<io::Result<()>> {
    let mut tokio_buf = ::tokio::io::ReadBuf::new(buf.initialize_unfilled());
    std::task::ready!(::tokio::io::AsyncRead::poll_read(
        Pin::new(reader),
        cx,
        &mut tokio_buf
    ))?;
    let n = tokio_buf.filled().len();
    buf.advance(n);
    Poll::Ready(Ok(()))
}
