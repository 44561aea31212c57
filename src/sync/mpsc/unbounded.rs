//! The unbounded channel: sending never waits.

use std::fmt;
use std::sync::Arc;
use std::task::{Context, Poll};

use super::super::park;
use super::chan::{Chan, Rx, Tx, Unbounded};
use super::error::{SendError, TryRecvError};

/// Sends values to the associated [`UnboundedReceiver`]. Cheap to clone; `send`
/// is not async, so it works from any code.
pub struct UnboundedSender<T> {
    chan: Tx<T, Unbounded>,
}

/// An unbounded sender that does not keep the channel open; upgrade it to send.
pub struct WeakUnboundedSender<T> {
    chan: Arc<Chan<T, Unbounded>>,
}

/// Receives values from the associated [`UnboundedSender`]s.
pub struct UnboundedReceiver<T> {
    chan: Rx<T, Unbounded>,
}

/// Creates an unbounded channel: sends never wait, and the buffer grows as needed.
pub fn unbounded_channel<T>() -> (UnboundedSender<T>, UnboundedReceiver<T>) {
    let (tx, rx) = Chan::channel(Unbounded);
    (UnboundedSender { chan: tx }, UnboundedReceiver { chan: rx })
}

impl<T> UnboundedReceiver<T> {
    /// Receives the next value, or `None` once every sender is gone (or the channel
    /// was closed) and the buffer is empty.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if the future is dropped before it completes, no message was
    /// taken from the channel.
    pub async fn recv(&mut self) -> Option<T> {
        std::future::poll_fn(|cx| self.chan.recv(cx)).await
    }

    /// Receives up to `limit` values into `buffer` and returns how many; 0 only if
    /// `limit` is 0 or the channel has ended.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if the future is dropped before it completes, no message was
    /// taken from the channel.
    pub async fn recv_many(&mut self, buffer: &mut Vec<T>, limit: usize) -> usize {
        std::future::poll_fn(|cx| self.chan.recv_many(cx, buffer, limit)).await
    }

    /// Takes the next value without waiting.
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        self.chan.try_recv()
    }

    /// Receives the next value, blocking the current thread.
    ///
    /// # Panics
    ///
    /// Panics if called from within an asynchronous execution context.
    #[track_caller]
    pub fn blocking_recv(&mut self) -> Option<T> {
        park::block_on(self.recv())
    }

    /// As [`recv_many`](UnboundedReceiver::recv_many), blocking the current thread.
    ///
    /// # Panics
    ///
    /// Panics if called from within an asynchronous execution context.
    #[track_caller]
    pub fn blocking_recv_many(&mut self, buffer: &mut Vec<T>, limit: usize) -> usize {
        park::block_on(self.recv_many(buffer, limit))
    }

    /// Closes the channel to new sends; buffered messages stay receivable.
    pub fn close(&mut self) {
        self.chan.close();
    }

    /// Whether the channel is closed: the receiver closed it or every sender is gone.
    pub fn is_closed(&self) -> bool {
        self.chan.is_closed()
    }

    /// Whether no message is buffered.
    pub fn is_empty(&self) -> bool {
        self.chan.is_empty()
    }

    /// The number of buffered messages.
    pub fn len(&self) -> usize {
        self.chan.len()
    }

    /// Polls for the next value; `Ready(None)` once the channel has ended.
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.chan.recv(cx)
    }

    /// Polls for up to `limit` values into `buffer`; `Ready(0)` only if `limit` is 0
    /// or the channel has ended.
    pub fn poll_recv_many(
        &mut self,
        cx: &mut Context<'_>,
        buffer: &mut Vec<T>,
        limit: usize,
    ) -> Poll<usize> {
        self.chan.recv_many(cx, buffer, limit)
    }

    /// The number of [`UnboundedSender`]s.
    pub fn sender_strong_count(&self) -> usize {
        self.chan.chan().strong_count()
    }

    /// The number of [`WeakUnboundedSender`]s.
    pub fn sender_weak_count(&self) -> usize {
        self.chan.chan().weak_count()
    }
}

impl<T> Unpin for UnboundedReceiver<T> {}

impl<T> fmt::Debug for UnboundedReceiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnboundedReceiver")
            .field("chan", &self.chan)
            .finish()
    }
}

impl<T> UnboundedSender<T> {
    /// Sends `value` without waiting; fails, giving it back, if the receiver is
    /// closed or dropped.
    pub fn send(&self, message: T) -> Result<(), SendError<T>> {
        self.chan.chan.push(message, true).map_err(SendError)
    }

    /// Completes once the receiver is closed or dropped.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe; once the channel is closed it stays closed.
    pub async fn closed(&self) {
        self.chan.chan.closed().await;
    }

    /// Whether the receiver is closed or dropped.
    pub fn is_closed(&self) -> bool {
        self.chan.chan.is_rx_closed()
    }

    /// Whether both senders belong to the same channel.
    pub fn same_channel(&self, other: &Self) -> bool {
        self.chan.same_channel(&other.chan)
    }

    /// A [`WeakUnboundedSender`] for this channel.
    #[must_use = "Downgrade creates a WeakUnboundedSender without destroying the original non-weak sender."]
    pub fn downgrade(&self) -> WeakUnboundedSender<T> {
        WeakUnboundedSender {
            chan: self.chan.downgrade(),
        }
    }

    /// The number of [`UnboundedSender`]s.
    pub fn strong_count(&self) -> usize {
        self.chan.chan.strong_count()
    }

    /// The number of [`WeakUnboundedSender`]s.
    pub fn weak_count(&self) -> usize {
        self.chan.chan.weak_count()
    }
}

impl<T> Clone for UnboundedSender<T> {
    fn clone(&self) -> Self {
        UnboundedSender {
            chan: self.chan.clone(),
        }
    }
}

impl<T> fmt::Debug for UnboundedSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnboundedSender")
            .field("chan", &self.chan)
            .finish()
    }
}

impl<T> WeakUnboundedSender<T> {
    /// An [`UnboundedSender`], unless every sender is already gone.
    pub fn upgrade(&self) -> Option<UnboundedSender<T>> {
        Tx::upgrade(&self.chan).map(|chan| UnboundedSender { chan })
    }

    /// The number of [`UnboundedSender`]s.
    pub fn strong_count(&self) -> usize {
        self.chan.strong_count()
    }

    /// The number of [`WeakUnboundedSender`]s.
    pub fn weak_count(&self) -> usize {
        self.chan.weak_count()
    }
}

impl<T> Clone for WeakUnboundedSender<T> {
    fn clone(&self) -> Self {
        self.chan.increment_weak_count();
        WeakUnboundedSender {
            chan: Arc::clone(&self.chan),
        }
    }
}

impl<T> Drop for WeakUnboundedSender<T> {
    fn drop(&mut self) {
        self.chan.decrement_weak_count();
    }
}

impl<T> fmt::Debug for WeakUnboundedSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeakUnboundedSender").finish()
    }
}
