//! [`NoSigPipe`]: a std stream socket whose writes never raise `SIGPIPE`.
//!
//! std writes a `TcpStream` with `send(MSG_NOSIGNAL)`, but its `write_vectored`
//! with `writev` (and, on older Rust, a `UnixStream`'s `write` with `write`),
//! which raise `SIGPIPE` when the peer has gone. A Rust `main` ignores the signal; a
//! process that hosts avx in a library may not, and would be killed. So stream
//! writes go through `avx_native::socket::send` and `send_vectored`.

use std::io::{self, IoSlice, IoSliceMut, Read, Write};
use std::ops::Deref;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};

/// A connected stream socket `S` (std's `TcpStream` or `UnixStream`).
#[derive(Debug)]
pub(crate) struct NoSigPipe<S>(S);

impl<S: AsFd> NoSigPipe<S> {
    pub(crate) fn new(socket: S) -> io::Result<NoSigPipe<S>> {
        avx_native::socket::set_nosigpipe(socket.as_fd())?;
        Ok(NoSigPipe(socket))
    }

    pub(crate) fn into_inner(self) -> S {
        self.0
    }
}

impl<S> Deref for NoSigPipe<S> {
    type Target = S;

    fn deref(&self) -> &S {
        &self.0
    }
}

impl<S: AsFd> AsFd for NoSigPipe<S> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.0.as_fd()
    }
}

impl<S: AsRawFd> AsRawFd for NoSigPipe<S> {
    fn as_raw_fd(&self) -> RawFd {
        self.0.as_raw_fd()
    }
}

impl<'a, S> Read for &'a NoSigPipe<S>
where
    &'a S: Read,
{
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        (&self.0).read(buf)
    }

    fn read_vectored(&mut self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        (&self.0).read_vectored(bufs)
    }
}

impl<S: AsFd> Write for &NoSigPipe<S> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        avx_native::socket::send(self.0.as_fd(), buf)
    }

    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        avx_native::socket::send_vectored(self.0.as_fd(), bufs)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
