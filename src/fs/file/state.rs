//! The state machine behind `File`'s `AsyncRead`, `AsyncWrite` and `AsyncSeek`.
//!
//! At most one operation is in flight on the blocking pool. While it runs, the
//! pool owns the buffer; when it finishes, the buffer comes back with the
//! result:
//!
//! ```text
//!      poll_read / poll_write / start_seek / start_set_len
//!   Idle(buf) ──────────────────────────────────────────────► Busy(JoinHandle)
//!       ▲                                                        │
//!       └──────── poll_idle: the operation finished, ────────────┘
//!                  (Operation, buf) handed back
//! ```
//!
//! Invariants:
//! * In `Idle`, `buf` holds read-ahead data the caller has not taken, or
//!   nothing. The OS file position is then `buf.len()` bytes past the caller's
//!   logical position, so a write, seek or `set_len` first moves it back
//!   (`Buf::discard_read`).
//! * A write is never buffered in `Idle`: it goes straight to the pool, and the
//!   caller is told it succeeded. Its real result is reported by the next
//!   write, flush or shutdown. An operation that finds a failed write while
//!   waiting for it (a read, a seek, a `&self` method) keeps the error in
//!   `last_write_err` for the next write or flush, as tokio does.
//! * `pos` is the position the last finished seek returned; `poll_complete`
//!   reports it when no seek is in flight.
//! * If the blocking task fails (it panicked or was cancelled), the state goes
//!   back to `Idle` with an empty buffer and the caller gets an `Other` error.
//!   Writes use the ordinary blocking pool: a write the pool cancels because
//!   the runtime shuts down is reported by the next write or flush, where tokio
//!   (whose writes may take a thread beyond the cap) refuses the write itself.

use std::fs::File as StdFile;
use std::io::{self, IoSlice, Seek, SeekFrom};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use super::buf::Buf;
use crate::io::ReadBuf;
use crate::task::{JoinHandle, spawn_blocking};

#[derive(Debug)]
pub(super) struct Inner {
    state: State,
    last_write_err: Option<io::Error>,
    pos: u64,
}

#[derive(Debug)]
enum State {
    Idle(Buf),
    Busy(JoinHandle<(Operation, Buf)>),
}

/// What an operation on the pool did, and its result.
#[derive(Debug)]
enum Operation {
    Read(io::Result<usize>),
    Write(io::Result<()>),
    Seek(io::Result<u64>),
    SetLen(io::Result<()>),
}

impl Inner {
    pub(super) fn new() -> Inner {
        Inner {
            state: State::Idle(Buf::new()),
            last_write_err: None,
            pos: 0,
        }
    }

    /// The idle buffer.
    ///
    /// # Panics
    ///
    /// If an operation is in flight: callers first wait with `poll_idle`.
    fn idle_buf(&mut self) -> &mut Buf {
        match &mut self.state {
            State::Idle(buf) => buf,
            State::Busy(_) => unreachable!("the file state is idle here"),
        }
    }

    /// Hands `op` to the pool with the idle buffer.
    fn start<F>(&mut self, op: F)
    where
        F: FnOnce(&mut Buf) -> Operation + Send + 'static,
    {
        let mut buf = std::mem::take(self.idle_buf());
        self.state = State::Busy(spawn_blocking(move || {
            let op = op(&mut buf);
            (op, buf)
        }));
    }

    /// Waits for the in-flight operation, if any, and returns what it did; the
    /// state is `Idle` afterwards, also on error.
    fn poll_idle(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Option<Operation>>> {
        let State::Busy(handle) = &mut self.state else {
            return Poll::Ready(Ok(None));
        };
        let finished = ready!(Pin::new(handle).poll(cx));
        Poll::Ready(match finished {
            Ok((op, buf)) => {
                self.state = State::Idle(buf);
                Ok(Some(op))
            }
            Err(e) => {
                self.state = State::Idle(Buf::new());
                Err(e.into())
            }
        })
    }

    /// Keeps a write error that a non-write operation came across.
    fn stash_write_err(&mut self, e: io::Error) {
        // Writes check `last_write_err` before starting, so no second error
        // can arrive while one is kept; the first would win regardless.
        self.last_write_err.get_or_insert(e);
    }

    pub(super) fn poll_read(
        &mut self,
        cx: &mut Context<'_>,
        std: &Arc<StdFile>,
        max_buf_size: usize,
        dst: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        loop {
            match ready!(self.poll_idle(cx))? {
                None => {
                    let buf = self.idle_buf();
                    if !buf.is_empty() || dst.remaining() == 0 {
                        buf.copy_to(dst);
                        return Poll::Ready(Ok(()));
                    }
                    let max = dst.remaining().min(max_buf_size);
                    let std = std.clone();
                    self.start(move |buf| Operation::Read(buf.read_from(&mut &*std, max)));
                }
                Some(Operation::Read(Ok(_))) => {
                    self.idle_buf().copy_to(dst);
                    return Poll::Ready(Ok(()));
                }
                Some(Operation::Read(Err(e))) => return Poll::Ready(Err(e)),
                Some(Operation::Write(Err(e))) => self.stash_write_err(e),
                Some(Operation::Write(Ok(())) | Operation::SetLen(_)) => {}
                Some(Operation::Seek(result)) => {
                    if let Ok(pos) = result {
                        self.pos = pos;
                    }
                }
            }
        }
    }

    /// Hands up to `max_buf_size` bytes to the pool to write, after waiting
    /// for the in-flight operation; returns how many were taken.
    pub(super) fn poll_write(
        &mut self,
        cx: &mut Context<'_>,
        std: &Arc<StdFile>,
        max_buf_size: usize,
        src: Source<'_, '_>,
    ) -> Poll<io::Result<usize>> {
        if let Some(e) = self.last_write_err.take() {
            return Poll::Ready(Err(e));
        }
        loop {
            match ready!(self.poll_idle(cx))? {
                None => {
                    let buf = self.idle_buf();
                    let rewind = (!buf.is_empty()).then(|| SeekFrom::Current(buf.discard_read()));
                    let n = match src {
                        Source::Slice(src) => buf.copy_from(src, max_buf_size),
                        Source::Slices(bufs) => buf.copy_from_bufs(bufs, max_buf_size),
                    };
                    let std = std.clone();
                    self.start(move |buf| {
                        let mut file = &*std;
                        let rewound = match rewind {
                            Some(rewind) => file.seek(rewind).map(drop),
                            None => Ok(()),
                        };
                        Operation::Write(rewound.and_then(|()| buf.write_to(&mut file)))
                    });
                    return Poll::Ready(Ok(n));
                }
                Some(Operation::Write(result)) => result?,
                Some(Operation::Read(_) | Operation::Seek(_) | Operation::SetLen(_)) => {}
            }
        }
    }

    /// Waits for the in-flight operation and reports a write error it or an
    /// earlier operation met.
    pub(super) fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(e) = self.last_write_err.take() {
            return Poll::Ready(Err(e));
        }
        match ready!(self.poll_idle(cx))? {
            Some(Operation::Write(result)) => Poll::Ready(result),
            None | Some(Operation::Read(_) | Operation::Seek(_) | Operation::SetLen(_)) => {
                Poll::Ready(Ok(()))
            }
        }
    }

    /// Waits for the in-flight operation without reporting its error: a write
    /// error is kept for the next write or flush.
    pub(super) fn poll_complete_inflight(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if let Err(e) = ready!(self.poll_flush(cx)) {
            self.stash_write_err(e);
        }
        Poll::Ready(())
    }

    pub(super) fn start_seek(&mut self, std: &Arc<StdFile>, mut pos: SeekFrom) -> io::Result<()> {
        if let State::Busy(_) = self.state {
            return Err(io::Error::other(
                "other file operation is pending, call poll_complete before start_seek",
            ));
        }
        let buf = self.idle_buf();
        // Read-ahead data the caller has not taken moves the OS position past
        // the logical one: fold the difference into a relative seek, or seek
        // back first if folding would overflow.
        let mut rewind = None;
        if !buf.is_empty() {
            let unread = buf.discard_read();
            if let SeekFrom::Current(offset) = &mut pos {
                match offset.checked_add(unread) {
                    Some(folded) => *offset = folded,
                    None => rewind = Some(SeekFrom::Current(unread)),
                }
            }
        }
        let std = std.clone();
        self.start(move |_| {
            let mut file = &*std;
            let rewound = match rewind {
                Some(rewind) => file.seek(rewind).map(drop),
                None => Ok(()),
            };
            Operation::Seek(rewound.and_then(|()| file.seek(pos)))
        });
        Ok(())
    }

    pub(super) fn poll_complete(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        loop {
            match ready!(self.poll_idle(cx))? {
                None => return Poll::Ready(Ok(self.pos)),
                Some(Operation::Seek(result)) => {
                    if let Ok(pos) = result {
                        self.pos = pos;
                    }
                    return Poll::Ready(result);
                }
                Some(Operation::Write(Err(e))) => self.stash_write_err(e),
                Some(Operation::Write(Ok(())) | Operation::Read(_) | Operation::SetLen(_)) => {}
            }
        }
    }

    /// Starts `set_len(size)` on the pool, after moving the OS position back
    /// over read-ahead data. The state must be idle (the caller waited).
    pub(super) fn start_set_len(&mut self, std: &Arc<StdFile>, size: u64) {
        let buf = self.idle_buf();
        let rewind = (!buf.is_empty()).then(|| SeekFrom::Current(buf.discard_read()));
        let std = std.clone();
        self.start(move |_| {
            let rewound = match rewind {
                Some(rewind) => (&*std).seek(rewind).map(drop),
                None => Ok(()),
            };
            Operation::SetLen(rewound.and_then(|()| std.set_len(size)))
        });
    }

    /// Waits for the `set_len` that `start_set_len` began.
    pub(super) fn poll_set_len(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match ready!(self.poll_idle(cx))? {
            Some(Operation::SetLen(result)) => Poll::Ready(result),
            // `start_set_len` left it busy and only the lock holder polls it.
            _ => unreachable!("set_len's operation is the one in flight"),
        }
    }
}

/// The bytes a write takes: one slice or several.
#[derive(Clone, Copy)]
pub(super) enum Source<'a, 'b> {
    Slice(&'a [u8]),
    Slices(&'a [IoSlice<'b>]),
}
