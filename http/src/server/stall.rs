//! Timeouts on progress: a client that stops taking a response, or stops sending a
//! request body, is given up on after a while without a byte, however long the whole
//! transfer takes.
//!
//! [`StallTimer`] arms a deadline when an operation first has to wait and disarms it
//! when the operation moves, so a transfer that keeps moving never times out and the
//! timer costs nothing while nothing waits. [`TimedWrite`] puts one on every write of
//! a connection's writing half.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use avx::io::AsyncWrite;
use avx::time::{Instant, Sleep, sleep_until};

/// A deadline that runs only while an operation waits without progress.
#[derive(Debug)]
pub(crate) struct StallTimer {
    limit: Duration,
    /// Kept between waits and reset for the next, so a stream that waits often
    /// allocates once.
    sleep: Option<Pin<Box<Sleep>>>,
    /// The sleep's deadline counts from the current wait.
    armed: bool,
}

impl StallTimer {
    pub(crate) fn new(limit: Duration) -> StallTimer {
        StallTimer {
            limit,
            sleep: None,
            armed: false,
        }
    }

    /// The operation moved: the next wait gets the whole limit again.
    pub(crate) fn progressed(&mut self) {
        self.armed = false;
    }

    /// The operation has to wait: `Ready` once it has waited `limit` since it last
    /// moved. Registers `cx` to be woken then.
    ///
    /// Outside a runtime (a body polled from a plain thread), and for a limit too
    /// far out to name an instant, it never fires.
    pub(crate) fn poll_stalled(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if !self.armed {
            let Some(deadline) = Instant::now().checked_add(self.limit) else {
                return Poll::Pending;
            };
            match &mut self.sleep {
                Some(sleep) => sleep.as_mut().reset(deadline),
                None if avx::runtime::Handle::try_current().is_ok() => {
                    self.sleep = Some(Box::pin(sleep_until(deadline)));
                }
                None => return Poll::Pending,
            }
            self.armed = true;
        }
        match &mut self.sleep {
            Some(sleep) => sleep.as_mut().poll(cx),
            None => Poll::Pending,
        }
    }
}

/// A writing half whose writes fail with [`io::ErrorKind::TimedOut`] once the peer
/// has taken no byte for the limit.
#[derive(Debug)]
pub(crate) struct TimedWrite<W> {
    inner: W,
    timer: StallTimer,
}

impl<W> TimedWrite<W> {
    pub(crate) fn new(inner: W, limit: Duration) -> TimedWrite<W> {
        TimedWrite {
            inner,
            timer: StallTimer::new(limit),
        }
    }

    pub(crate) fn into_inner(self) -> W {
        self.inner
    }

    fn watch<T>(&mut self, cx: &mut Context<'_>, poll: Poll<io::Result<T>>) -> Poll<io::Result<T>> {
        if poll.is_ready() {
            self.timer.progressed();
            return poll;
        }
        self.timer.poll_stalled(cx).map(|()| {
            Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client took no bytes within the write timeout",
            ))
        })
    }
}

impl<W: AsyncWrite + Unpin> AsyncWrite for TimedWrite<W> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.watch(cx, poll)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.watch(cx, poll)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let poll = Pin::new(&mut self.inner).poll_flush(cx);
        self.watch(cx, poll)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let poll = Pin::new(&mut self.inner).poll_shutdown(cx);
        self.watch(cx, poll)
    }
}

#[cfg(test)]
mod tests {
    use std::future::poll_fn;

    use avx::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    const LIMIT: Duration = Duration::from_secs(5);

    #[avx::test(start_paused = true)]
    async fn a_write_the_peer_never_takes_times_out() {
        let (mut peer, ours) = avx::io::duplex(16);
        let mut writer = TimedWrite::new(ours, LIMIT);
        let started = Instant::now();
        let error = writer.write_all(&[7; 64]).await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
        let waited = started.elapsed();
        assert!(
            waited >= LIMIT && waited < 2 * LIMIT,
            "timed out after {waited:?}"
        );
        let mut got = [0; 16];
        peer.read_exact(&mut got).await.unwrap();
        assert_eq!(got, [7; 16], "what the peer had room for was written");
    }

    #[avx::test(start_paused = true)]
    async fn a_slow_peer_that_keeps_reading_never_times_out() {
        let (mut peer, ours) = avx::io::duplex(16);
        let mut writer = TimedWrite::new(ours, LIMIT);
        let reader = avx::spawn(async move {
            let mut total = Vec::new();
            let mut piece = [0; 16];
            loop {
                // Each read comes most of a limit after the last: the whole transfer
                // takes many limits, no single wait takes one.
                avx::time::sleep(LIMIT - Duration::from_secs(1)).await;
                match peer.read(&mut piece).await.unwrap() {
                    0 => return total,
                    n => total.extend_from_slice(&piece[..n]),
                }
            }
        });
        let sent: Vec<u8> = (0..100).collect();
        let started = Instant::now();
        writer.write_all(&sent).await.unwrap();
        writer.shutdown().await.unwrap();
        drop(writer);
        assert_eq!(reader.await.unwrap(), sent);
        assert!(started.elapsed() > 3 * LIMIT);
    }

    #[avx::test(start_paused = true)]
    async fn the_timer_restarts_after_progress() {
        let mut timer = StallTimer::new(LIMIT);
        let started = Instant::now();
        let waited = poll_fn(|cx| Poll::Ready(timer.poll_stalled(cx))).await;
        assert!(waited.is_pending());
        avx::time::sleep(LIMIT - Duration::from_secs(1)).await;
        timer.progressed();
        poll_fn(|cx| timer.poll_stalled(cx)).await;
        assert!(
            started.elapsed() >= 2 * LIMIT - Duration::from_secs(1),
            "the second wait got a whole limit"
        );
    }

    #[test]
    fn outside_a_runtime_it_never_fires() {
        let mut timer = StallTimer::new(Duration::ZERO);
        let waker = std::task::Waker::noop();
        let mut cx = Context::from_waker(waker);
        assert!(timer.poll_stalled(&mut cx).is_pending());
    }
}
