//! `Blocking<T>`: a blocking `std::io::Read` or `Write` driven from async code
//! through the blocking pool, as tokio drives its stdio handles.
//!
//! ```text
//! Idle(Some(buf)) --poll_read/poll_write/poll_flush spawns--> Busy(handle)
//! Busy(handle)    --the pool's closure finishes--------------> Idle(Some(buf))
//! Busy(handle)    --the closure was cancelled or panicked----> Idle(None)
//! ```
//!
//! INVARIANT: while `Busy`, the `T` and the `Buf` are owned by the closure on
//! the pool (`inner` is `None`); while `Idle(Some(_))`, `inner` is `Some`. After
//! a closure is lost (runtime shutdown, panic) the handle is `Idle(None)` and
//! every operation fails.
//!
//! A write copies (at most [`MAX_BUF`] bytes of) the caller's data into the
//! buffer, starts a blocking `write_all` of it, and reports the bytes taken at
//! once; the next write, flush or read waits for that one to finish and reports
//! its error, if any. So the writes of one handle reach the file in order, and a
//! write's error surfaces on the next operation. Writes and flushes run even if
//! the runtime shuts down before the pool starts them (see `MustRun`).
//!
//! A read hands out bytes left over from the previous blocking read first (a
//! read abandoned while in flight, or one given a smaller buffer, leaves some),
//! then starts a new one sized to the caller's buffer.

use std::future::Future;
use std::io::{self, Read, Write};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use crate::io::ReadBuf;
use crate::task::{JoinHandle, spawn_blocking};

/// The most bytes one blocking read or write moves: 2 MiB, as tokio.
pub(super) const MAX_BUF: usize = 2 * 1024 * 1024;

type Outcome<T> = (io::Result<usize>, Buf, T);

pub(super) struct Blocking<T> {
    inner: Option<T>,
    state: State<T>,
    // A write was started since the last flush.
    need_flush: bool,
}

enum State<T> {
    Idle(Option<Buf>),
    Busy(JoinHandle<Outcome<T>>),
}

/// Bytes moving between the caller and the pool.
///
/// INVARIANT: `pos <= filled <= data.len()`; `data[pos..filled]` are bytes read
/// and not yet handed out, or bytes to write. `data` stays initialised up to its
/// length, so reads reuse it without zeroing it again.
#[derive(Default)]
struct Buf {
    data: Vec<u8>,
    pos: usize,
    filled: usize,
}

impl Buf {
    fn is_empty(&self) -> bool {
        self.pos == self.filled
    }

    fn copy_to(&mut self, dst: &mut ReadBuf<'_>) {
        let n = (self.filled - self.pos).min(dst.remaining());
        dst.put_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
    }

    /// Takes up to `MAX_BUF` bytes of `src`; returns how many.
    fn copy_from(&mut self, src: &[u8]) -> usize {
        let n = src.len().min(MAX_BUF);
        self.data.clear();
        self.data.extend_from_slice(&src[..n]);
        self.pos = 0;
        self.filled = n;
        n
    }

    /// One blocking read of at most `max` bytes (retrying `Interrupted`).
    fn read_from<R: Read>(&mut self, reader: &mut R, max: usize) -> io::Result<usize> {
        if self.data.len() < max {
            self.data.resize(max, 0);
        }
        let result = loop {
            match reader.read(&mut self.data[..max]) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                result => break result,
            }
        };
        self.pos = 0;
        // A reader reporting more than it was given is held to `max`.
        self.filled = result.as_ref().map_or(0, |&n| n.min(max));
        result
    }

    fn write_to<W: Write>(&mut self, writer: &mut W) -> io::Result<()> {
        let result = writer.write_all(&self.data[self.pos..self.filled]);
        self.pos = 0;
        self.filled = 0;
        result
    }
}

impl<T> Blocking<T> {
    pub(super) fn new(inner: T) -> Blocking<T> {
        Blocking {
            inner: Some(inner),
            state: State::Idle(Some(Buf::default())),
            need_flush: false,
        }
    }
}

impl<T: Send + 'static> Blocking<T> {
    /// Waits for the operation in flight, if any; its result is returned once,
    /// here, and the handle is idle afterwards (or lost).
    fn poll_idle(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let State::Busy(handle) = &mut self.state else {
            return Poll::Ready(Ok(0));
        };
        match ready!(Pin::new(handle).poll(cx)) {
            Ok((result, buf, inner)) => {
                self.inner = Some(inner);
                self.state = State::Idle(Some(buf));
                Poll::Ready(result)
            }
            Err(e) => {
                self.state = State::Idle(None);
                Poll::Ready(Err(e.into()))
            }
        }
    }

    /// The idle buffer and `T`, or the error for a lost handle. Called only
    /// when idle.
    fn take_idle(&mut self) -> io::Result<(Buf, T)> {
        let State::Idle(buf) = &mut self.state else {
            return Err(io::Error::other(crate::runtime::SHUTTING_DOWN));
        };
        match (buf.take(), self.inner.take()) {
            (Some(buf), Some(inner)) => Ok((buf, inner)),
            _ => Err(io::Error::other(crate::runtime::SHUTTING_DOWN)),
        }
    }

    fn start(&mut self, op: impl FnOnce() -> Outcome<T> + Send + 'static) {
        self.state = State::Busy(spawn_blocking(op));
    }
}

impl<T: Read + Send + 'static> Blocking<T> {
    pub(super) fn poll_read(
        &mut self,
        cx: &mut Context<'_>,
        dst: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        loop {
            if let State::Idle(Some(buf)) = &mut self.state {
                if !buf.is_empty() {
                    buf.copy_to(dst);
                    return Poll::Ready(Ok(()));
                }
                if dst.remaining() == 0 {
                    return Poll::Ready(Ok(()));
                }
            }
            if let State::Busy(_) = self.state {
                // The read's bytes (if any) are in the buffer now.
                ready!(self.poll_idle(cx))?;
                if let State::Idle(Some(buf)) = &mut self.state {
                    buf.copy_to(dst);
                }
                return Poll::Ready(Ok(()));
            }
            let (mut buf, mut inner) = self.take_idle()?;
            let max = dst.remaining().min(MAX_BUF);
            self.start(move || {
                let result = buf.read_from(&mut inner, max);
                (result, buf, inner)
            });
        }
    }
}

impl<T: Write + Send + 'static> Blocking<T> {
    pub(super) fn poll_write(
        &mut self,
        cx: &mut Context<'_>,
        src: &[u8],
    ) -> Poll<io::Result<usize>> {
        // The previous write first: its error is this call's.
        ready!(self.poll_idle(cx))?;
        if src.is_empty() {
            return Poll::Ready(Ok(0));
        }
        let (mut buf, inner) = self.take_idle()?;
        let n = buf.copy_from(src);
        let job = MustRun::new(Output::Write(n), buf, inner);
        self.start(move || job.run());
        self.need_flush = true;
        Poll::Ready(Ok(n))
    }

    /// Waits for the write in flight, then flushes `T` if anything was written
    /// since the last flush.
    pub(super) fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        loop {
            ready!(self.poll_idle(cx))?;
            if !self.need_flush {
                return Poll::Ready(Ok(()));
            }
            let (buf, inner) = self.take_idle()?;
            self.need_flush = false;
            let job = MustRun::new(Output::Flush, buf, inner);
            self.start(move || job.run());
        }
    }
}

/// What a [`MustRun`] does to its writer.
#[derive(Clone, Copy)]
enum Output {
    /// Writes the buffer out; the result is this byte count.
    Write(usize),
    Flush,
}

/// A write or flush handed to the blocking pool that runs even if the pool
/// drops it unstarted (the runtime is shutting down): then it runs in its
/// destructor, on the thread that dropped it.
///
/// tokio spawns its stdout and stderr work as "mandatory" for the same
/// guarantee: output written before the runtime shut down is not lost. The
/// backends offer no mandatory spawn to the facade, so the job carries the
/// guarantee itself.
///
/// INVARIANT: `buf` and `writer` are `Some` until `run` (or the destructor)
/// takes them, which happens once.
struct MustRun<T: Write> {
    output: Output,
    buf: Option<Buf>,
    writer: Option<T>,
}

impl<T: Write> MustRun<T> {
    fn new(output: Output, buf: Buf, writer: T) -> MustRun<T> {
        MustRun {
            output,
            buf: Some(buf),
            writer: Some(writer),
        }
    }

    fn apply(output: Output, buf: &mut Buf, writer: &mut T) -> io::Result<usize> {
        match output {
            Output::Write(n) => buf.write_to(writer).map(|()| n),
            Output::Flush => writer.flush().map(|()| 0),
        }
    }

    fn run(mut self) -> Outcome<T> {
        let mut buf = self.buf.take().expect("a job runs once");
        let mut writer = self.writer.take().expect("a job runs once");
        let result = MustRun::apply(self.output, &mut buf, &mut writer);
        (result, buf, writer)
    }
}

impl<T: Write> Drop for MustRun<T> {
    fn drop(&mut self) {
        if let (Some(buf), Some(writer)) = (&mut self.buf, &mut self.writer) {
            // Dropped unstarted: nobody is left to hear about an error.
            let _ = MustRun::apply(self.output, buf, writer);
        }
    }
}
