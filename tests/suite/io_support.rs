//! Test readers and writers for the io suite: sources and sinks that move a few
//! bytes per call, return `Pending` between calls, or fail on cue, so the
//! utilities' resumption, cancel safety and error paths are exercised.

use std::future::Future;
use std::io::{self, IoSlice, SeekFrom};
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use avx::io::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite, ReadBuf};

use super::{Flavor, runtime};

/// Runs `future` on a current-thread runtime of this binary's backend.
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    runtime(Flavor::CurrentThread).block_on(future)
}

/// Polls `future` once with a waker that does nothing.
pub(crate) fn poll_once<F: Future>(future: Pin<&mut F>) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(Waker::noop()))
}

/// Whether the next call should return `Pending` (then the one after proceeds).
/// A `Pending` wakes the task at once, so an executor polls again.
fn take_turn(pending: bool, pending_next: &mut bool, cx: &Context<'_>) -> bool {
    if pending && *pending_next {
        *pending_next = false;
        cx.waker().wake_by_ref();
        return true;
    }
    *pending_next = true;
    false
}

/// A reader (and buffered reader) over `data` that yields at most `chunk` bytes
/// per call and, if `pending`, returns `Pending` before every call that yields.
/// After `data` it reports `error` once, if set, then end of file.
#[derive(Debug)]
pub(crate) struct Trickle {
    data: Vec<u8>,
    pub(crate) pos: usize,
    chunk: usize,
    pending: bool,
    pending_next: bool,
    error: Option<io::ErrorKind>,
    interrupt_next: bool,
    /// Calls that moved bytes or reported end of file.
    pub(crate) reads: usize,
    /// The largest buffer a `poll_read` was given.
    pub(crate) largest_read: usize,
}

impl Trickle {
    pub(crate) fn new(data: &[u8], chunk: usize) -> Trickle {
        Trickle {
            data: data.to_vec(),
            pos: 0,
            chunk,
            pending: false,
            pending_next: true,
            error: None,
            interrupt_next: false,
            reads: 0,
            largest_read: 0,
        }
    }

    /// Returns `Pending` before every read.
    pub(crate) fn pending(mut self) -> Trickle {
        self.pending = true;
        self
    }

    /// Fails with `kind` once the data is used up.
    pub(crate) fn then_fail(mut self, kind: io::ErrorKind) -> Trickle {
        self.error = Some(kind);
        self
    }

    /// Fails the first read with `Interrupted`.
    pub(crate) fn interrupted_first(mut self) -> Trickle {
        self.interrupt_next = true;
        self
    }

    fn remaining(&self) -> &[u8] {
        let end = (self.pos + self.chunk).min(self.data.len());
        &self.data[self.pos..end]
    }

    /// The shared start of a read: `Some(result)` to return it instead.
    fn before_read(&mut self, cx: &Context<'_>) -> Option<Poll<io::Result<()>>> {
        if take_turn(self.pending, &mut self.pending_next, cx) {
            return Some(Poll::Pending);
        }
        if self.interrupt_next {
            self.interrupt_next = false;
            return Some(Poll::Ready(Err(io::ErrorKind::Interrupted.into())));
        }
        if self.pos == self.data.len() {
            if let Some(kind) = self.error.take() {
                return Some(Poll::Ready(Err(kind.into())));
            }
        }
        None
    }
}

impl AsyncRead for Trickle {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let me = &mut *self;
        me.largest_read = me.largest_read.max(buf.remaining());
        if let Some(result) = me.before_read(cx) {
            return result;
        }
        let n = me.remaining().len().min(buf.remaining());
        buf.put_slice(&me.data[me.pos..me.pos + n]);
        me.pos += n;
        me.reads += 1;
        Poll::Ready(Ok(()))
    }
}

impl AsyncBufRead for Trickle {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let me = self.get_mut();
        if let Some(result) = me.before_read(cx) {
            return result.map_ok(|()| &[][..]);
        }
        me.reads += 1;
        // Once the bytes are on offer, polling again must return them at once.
        me.pending_next = false;
        Poll::Ready(Ok(me.remaining()))
    }

    fn consume(mut self: Pin<&mut Self>, amt: usize) {
        let available = self.remaining().len();
        assert!(amt <= available, "consumed {amt} of {available} bytes");
        self.pos += amt;
        self.pending_next = true;
    }
}

/// A writer into `data` that takes at most `chunk` bytes per call and, if
/// `pending`, returns `Pending` before every call that takes bytes. It takes at
/// most `capacity` bytes in all (then writes return `Ok(0)`).
#[derive(Debug)]
pub(crate) struct TrickleWriter {
    pub(crate) data: Vec<u8>,
    chunk: usize,
    pending: bool,
    pending_next: bool,
    capacity: usize,
    vectored: bool,
    interrupt_next: bool,
    /// Calls that took bytes.
    pub(crate) writes: usize,
    /// Completed `poll_flush` and `poll_shutdown` calls.
    pub(crate) flushes: usize,
    pub(crate) shutdowns: usize,
    /// How much `data` held at the last completed flush.
    pub(crate) flushed_len: usize,
    /// The most slices one vectored write was given.
    pub(crate) most_slices: usize,
}

impl TrickleWriter {
    pub(crate) fn new(chunk: usize) -> TrickleWriter {
        TrickleWriter {
            data: Vec::new(),
            chunk,
            pending: false,
            pending_next: true,
            capacity: usize::MAX,
            vectored: false,
            interrupt_next: false,
            writes: 0,
            flushes: 0,
            shutdowns: 0,
            flushed_len: 0,
            most_slices: 0,
        }
    }

    /// Returns `Pending` before every write and flush.
    pub(crate) fn pending(mut self) -> TrickleWriter {
        self.pending = true;
        self
    }

    /// Takes `capacity` bytes in all, then returns `Ok(0)`.
    pub(crate) fn capacity(mut self, capacity: usize) -> TrickleWriter {
        self.capacity = capacity;
        self
    }

    /// Claims vectored writes and takes from several slices per call.
    pub(crate) fn vectored(mut self) -> TrickleWriter {
        self.vectored = true;
        self
    }

    /// Fails the first write with `Interrupted`.
    pub(crate) fn interrupted_first(mut self) -> TrickleWriter {
        self.interrupt_next = true;
        self
    }

    fn room(&self) -> usize {
        self.chunk.min(self.capacity - self.data.len())
    }
}

impl AsyncWrite for TrickleWriter {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let me = &mut *self;
        if take_turn(me.pending, &mut me.pending_next, cx) {
            return Poll::Pending;
        }
        if me.interrupt_next {
            me.interrupt_next = false;
            return Poll::Ready(Err(io::ErrorKind::Interrupted.into()));
        }
        let n = me.room().min(buf.len());
        me.data.extend_from_slice(&buf[..n]);
        me.writes += 1;
        Poll::Ready(Ok(n))
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if !self.vectored {
            let first = bufs.iter().find(|b| !b.is_empty()).map_or(&[][..], |b| b);
            return self.poll_write(cx, first);
        }
        let me = &mut *self;
        if take_turn(me.pending, &mut me.pending_next, cx) {
            return Poll::Pending;
        }
        if me.interrupt_next {
            me.interrupt_next = false;
            return Poll::Ready(Err(io::ErrorKind::Interrupted.into()));
        }
        me.most_slices = me.most_slices.max(bufs.len());
        let mut room = me.room();
        let mut n = 0;
        for b in bufs {
            let take = room.min(b.len());
            me.data.extend_from_slice(&b[..take]);
            room -= take;
            n += take;
        }
        me.writes += 1;
        Poll::Ready(Ok(n))
    }

    fn is_write_vectored(&self) -> bool {
        self.vectored
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let me = &mut *self;
        if take_turn(me.pending, &mut me.pending_next, cx) {
            return Poll::Pending;
        }
        me.flushes += 1;
        me.flushed_len = me.data.len();
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let me = &mut *self;
        if take_turn(me.pending, &mut me.pending_next, cx) {
            return Poll::Pending;
        }
        me.shutdowns += 1;
        Poll::Ready(Ok(()))
    }
}

/// A seekable reader whose seeks complete only on the second `poll_complete`,
/// and which counts the seeks it was asked to start.
#[derive(Debug)]
pub(crate) struct SlowSeek {
    pub(crate) inner: io::Cursor<Vec<u8>>,
    pending_next: bool,
    pub(crate) seeks: Vec<SeekFrom>,
}

impl SlowSeek {
    pub(crate) fn new(data: &[u8]) -> SlowSeek {
        SlowSeek {
            inner: io::Cursor::new(data.to_vec()),
            pending_next: false,
            seeks: Vec::new(),
        }
    }
}

impl AsyncRead for SlowSeek {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncSeek for SlowSeek {
    fn start_seek(mut self: Pin<&mut Self>, position: SeekFrom) -> io::Result<()> {
        self.seeks.push(position);
        self.pending_next = true;
        Pin::new(&mut self.inner).start_seek(position)
    }

    fn poll_complete(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        if std::mem::take(&mut self.pending_next) {
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        Pin::new(&mut self.inner).poll_complete(cx)
    }
}
