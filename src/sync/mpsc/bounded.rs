//! The bounded channel: senders wait for capacity, in order.

use std::fmt;
use std::sync::Arc;
use std::task::{Context, Poll};

use super::super::batch_semaphore::{Semaphore, TryAcquireError};
use super::super::park;
use super::chan::{Bounded, Capacity, Chan, Rx, Tx};
use super::error::{SendError, TryRecvError, TrySendError};

/// Sends values to the associated [`Receiver`]. Cheap to clone.
pub struct Sender<T> {
    chan: Tx<T, Bounded>,
}

/// A sender that does not keep the channel open; [`upgrade`](WeakSender::upgrade)
/// it to send.
pub struct WeakSender<T> {
    chan: Arc<Chan<T, Bounded>>,
}

/// Capacity for one message, reserved by [`Sender::reserve`]. Dropping it unused
/// returns the capacity.
pub struct Permit<'a, T> {
    chan: &'a Tx<T, Bounded>,
}

/// Capacity for several messages, reserved by [`Sender::reserve_many`]; yields one
/// [`Permit`] per message. Dropping it returns what was not used.
pub struct PermitIterator<'a, T> {
    chan: &'a Tx<T, Bounded>,
    n: usize,
}

/// Capacity for one message, reserved by [`Sender::reserve_owned`]; owns its
/// sender, so it can live for `'static`.
pub struct OwnedPermit<T> {
    /// `None` once used.
    chan: Option<Tx<T, Bounded>>,
}

/// Receives values from the associated [`Sender`]s.
pub struct Receiver<T> {
    chan: Rx<T, Bounded>,
}

/// Creates a bounded channel that buffers at most `buffer` messages.
///
/// # Panics
///
/// Panics if `buffer` is 0 (or exceeds `Semaphore::MAX_PERMITS`).
#[track_caller]
pub fn channel<T>(buffer: usize) -> (Sender<T>, Receiver<T>) {
    assert!(buffer > 0, "mpsc bounded channel requires buffer > 0");
    let (tx, rx) = Chan::channel(Bounded {
        semaphore: Semaphore::new(buffer),
        bound: buffer,
    });
    (Sender { chan: tx }, Receiver { chan: rx })
}

impl<T> Receiver<T> {
    /// Receives the next value, or `None` once every sender is gone (or the channel
    /// was [closed](Receiver::close) and no permit is outstanding) and the buffer is
    /// empty.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if the future is dropped before it completes, no message was
    /// taken from the channel.
    pub async fn recv(&mut self) -> Option<T> {
        std::future::poll_fn(|cx| self.chan.recv(cx)).await
    }

    /// Receives up to `limit` values into `buffer` (which grows as needed) and
    /// returns how many. Waits while the channel is empty; returns 0 only if `limit`
    /// is 0 or the channel has ended.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if the future is dropped before it completes, no message was
    /// taken from the channel.
    pub async fn recv_many(&mut self, buffer: &mut Vec<T>, limit: usize) -> usize {
        std::future::poll_fn(|cx| self.chan.recv_many(cx, buffer, limit)).await
    }

    /// Takes the next value without waiting: [`TryRecvError::Empty`] if none is
    /// buffered but senders or permits remain, [`TryRecvError::Disconnected`] if the
    /// channel has ended.
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

    /// As [`recv_many`](Receiver::recv_many), blocking the current thread.
    ///
    /// # Panics
    ///
    /// Panics if called from within an asynchronous execution context.
    #[track_caller]
    pub fn blocking_recv_many(&mut self, buffer: &mut Vec<T>, limit: usize) -> usize {
        park::block_on(self.recv_many(buffer, limit))
    }

    /// Closes the channel to new sends while keeping the buffered messages (and
    /// those of permits already reserved) receivable. Receive until `None` to see
    /// them all.
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

    /// The capacity available now: `max_capacity` minus buffered messages and
    /// reserved permits.
    pub fn capacity(&self) -> usize {
        self.chan.chan().capacity.semaphore.available_permits()
    }

    /// The buffer size given to [`channel`].
    pub fn max_capacity(&self) -> usize {
        self.chan.chan().capacity.bound
    }

    /// Polls for the next value; `Ready(None)` once the channel has ended. Only the
    /// waker of the latest call is woken.
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

    /// The number of [`Sender`]s.
    pub fn sender_strong_count(&self) -> usize {
        self.chan.chan().strong_count()
    }

    /// The number of [`WeakSender`]s.
    pub fn sender_weak_count(&self) -> usize {
        self.chan.chan().weak_count()
    }
}

impl<T> Unpin for Receiver<T> {}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("chan", &self.chan)
            .finish()
    }
}

impl<T> Sender<T> {
    /// Sends `value`, waiting for capacity.
    ///
    /// Fails, giving the value back, if the receiver is closed or dropped. `Ok` does
    /// not mean the value will be received.
    ///
    /// # Cancel safety
    ///
    /// Sends wait for capacity in the order they were called; cancelling gives up the
    /// place in line. If cancelled, the message was not sent and is dropped; use
    /// [`reserve`](Sender::reserve) to keep it.
    pub async fn send(&self, value: T) -> Result<(), SendError<T>> {
        match self.reserve().await {
            Ok(permit) => {
                permit.send(value);
                Ok(())
            }
            Err(_) => Err(SendError(value)),
        }
    }

    /// Completes once the receiver is closed or dropped.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe; once the channel is closed it stays closed.
    pub async fn closed(&self) {
        self.chan.chan.closed().await;
    }

    /// Sends `value` if there is capacity now: [`TrySendError::Full`] if not,
    /// [`TrySendError::Closed`] if the receiver is closed or dropped.
    pub fn try_send(&self, message: T) -> Result<(), TrySendError<T>> {
        match self.semaphore().try_acquire(1) {
            Ok(()) => {}
            Err(TryAcquireError::Closed) => return Err(TrySendError::Closed(message)),
            Err(TryAcquireError::NoPermits) => return Err(TrySendError::Full(message)),
        }
        Permit { chan: &self.chan }.send(message);
        Ok(())
    }

    /// As [`send`](Sender::send), but gives up with
    /// [`SendTimeoutError::Timeout`](super::error::SendTimeoutError::Timeout) if no
    /// capacity came within `timeout`.
    #[cfg(feature = "time")]
    pub async fn send_timeout(
        &self,
        value: T,
        timeout: std::time::Duration,
    ) -> Result<(), super::error::SendTimeoutError<T>> {
        use super::error::SendTimeoutError;
        use std::future::Future;
        use std::pin::pin;

        let mut reserve = pin!(self.reserve());
        let mut sleep = pin!(super::super::rt::sleep(timeout));
        let reserved = std::future::poll_fn(|cx| {
            if let Poll::Ready(result) = reserve.as_mut().poll(cx) {
                return Poll::Ready(Some(result));
            }
            sleep.as_mut().poll(cx).map(|()| None)
        })
        .await;
        match reserved {
            Some(Ok(permit)) => {
                permit.send(value);
                Ok(())
            }
            Some(Err(_)) => Err(SendTimeoutError::Closed(value)),
            None => Err(SendTimeoutError::Timeout(value)),
        }
    }

    /// Sends `value`, blocking the current thread while the channel is full.
    ///
    /// # Panics
    ///
    /// Panics if called from within an asynchronous execution context.
    #[track_caller]
    pub fn blocking_send(&self, value: T) -> Result<(), SendError<T>> {
        park::block_on(self.send(value))
    }

    /// Whether the receiver is closed or dropped.
    pub fn is_closed(&self) -> bool {
        self.chan.chan.is_rx_closed()
    }

    /// Waits for capacity for one message and reserves it.
    ///
    /// # Cancel safety
    ///
    /// Reservations are granted in the order they were requested; cancelling gives
    /// up the place in line.
    pub async fn reserve(&self) -> Result<Permit<'_, T>, SendError<()>> {
        self.reserve_inner(1).await?;
        Ok(Permit { chan: &self.chan })
    }

    /// Waits for capacity for `n` messages and reserves it all at once. Fails at
    /// once if `n` exceeds [`max_capacity`](Sender::max_capacity).
    ///
    /// # Cancel safety
    ///
    /// As [`reserve`](Sender::reserve); capacity set aside for a cancelled call is
    /// handed on.
    pub async fn reserve_many(&self, n: usize) -> Result<PermitIterator<'_, T>, SendError<()>> {
        self.reserve_inner(n).await?;
        Ok(PermitIterator {
            chan: &self.chan,
            n,
        })
    }

    /// As [`reserve`](Sender::reserve), moving the sender into an [`OwnedPermit`].
    ///
    /// # Cancel safety
    ///
    /// As [`reserve`](Sender::reserve).
    pub async fn reserve_owned(self) -> Result<OwnedPermit<T>, SendError<()>> {
        self.reserve_inner(1).await?;
        Ok(OwnedPermit {
            chan: Some(self.chan),
        })
    }

    async fn reserve_inner(&self, n: usize) -> Result<(), SendError<()>> {
        if n > self.max_capacity() {
            return Err(SendError(()));
        }
        /// On failure or cancellation the semaphore takes back any partly assigned
        /// capacity; if that makes a closed channel idle, the receiver must hear.
        struct WakeReceiverOnDrop<'a, T>(&'a Chan<T, Bounded>);

        impl<T> Drop for WakeReceiverOnDrop<'_, T> {
            fn drop(&mut self) {
                self.0.wake_rx_if_closed_and_idle();
            }
        }

        // Declared before the acquire future, so dropped after it.
        let guard = WakeReceiverOnDrop(&self.chan.chan);
        let acquire = self.semaphore().acquire(n);
        let result = acquire.await;
        match result {
            Ok(()) => {
                std::mem::forget(guard);
                Ok(())
            }
            Err(_) => Err(SendError(())),
        }
    }

    /// Reserves capacity for one message if there is some now.
    pub fn try_reserve(&self) -> Result<Permit<'_, T>, TrySendError<()>> {
        match self.semaphore().try_acquire(1) {
            Ok(()) => Ok(Permit { chan: &self.chan }),
            Err(TryAcquireError::Closed) => Err(TrySendError::Closed(())),
            Err(TryAcquireError::NoPermits) => Err(TrySendError::Full(())),
        }
    }

    /// Reserves capacity for `n` messages if there is that much now
    /// ([`TrySendError::Full`] if not, or if `n` exceeds the maximum capacity).
    pub fn try_reserve_many(&self, n: usize) -> Result<PermitIterator<'_, T>, TrySendError<()>> {
        if n > self.max_capacity() {
            return Err(TrySendError::Full(()));
        }
        match self.semaphore().try_acquire(n) {
            Ok(()) => Ok(PermitIterator {
                chan: &self.chan,
                n,
            }),
            Err(TryAcquireError::Closed) => Err(TrySendError::Closed(())),
            Err(TryAcquireError::NoPermits) => Err(TrySendError::Full(())),
        }
    }

    /// As [`try_reserve`](Sender::try_reserve), moving the sender into an
    /// [`OwnedPermit`]; on failure the error gives the sender back.
    pub fn try_reserve_owned(self) -> Result<OwnedPermit<T>, TrySendError<Self>> {
        match self.semaphore().try_acquire(1) {
            Ok(()) => Ok(OwnedPermit {
                chan: Some(self.chan),
            }),
            Err(TryAcquireError::Closed) => Err(TrySendError::Closed(self)),
            Err(TryAcquireError::NoPermits) => Err(TrySendError::Full(self)),
        }
    }

    /// Whether both senders belong to the same channel.
    pub fn same_channel(&self, other: &Self) -> bool {
        self.chan.same_channel(&other.chan)
    }

    /// The capacity available now.
    pub fn capacity(&self) -> usize {
        self.semaphore().available_permits()
    }

    /// A [`WeakSender`] for this channel; it does not keep the channel open.
    #[must_use = "Downgrade creates a WeakSender without destroying the original non-weak sender."]
    pub fn downgrade(&self) -> WeakSender<T> {
        WeakSender {
            chan: self.chan.downgrade(),
        }
    }

    /// The buffer size given to [`channel`].
    pub fn max_capacity(&self) -> usize {
        self.chan.chan.capacity.bound
    }

    /// The number of [`Sender`]s.
    pub fn strong_count(&self) -> usize {
        self.chan.chan.strong_count()
    }

    /// The number of [`WeakSender`]s.
    pub fn weak_count(&self) -> usize {
        self.chan.chan.weak_count()
    }

    fn semaphore(&self) -> &Semaphore {
        &self.chan.chan.capacity.semaphore
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        Sender {
            chan: self.chan.clone(),
        }
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender").field("chan", &self.chan).finish()
    }
}

impl<T> WeakSender<T> {
    /// A [`Sender`], unless every sender is already gone.
    pub fn upgrade(&self) -> Option<Sender<T>> {
        Tx::upgrade(&self.chan).map(|chan| Sender { chan })
    }

    /// The number of [`Sender`]s.
    pub fn strong_count(&self) -> usize {
        self.chan.strong_count()
    }

    /// The number of [`WeakSender`]s.
    pub fn weak_count(&self) -> usize {
        self.chan.weak_count()
    }
}

impl<T> Clone for WeakSender<T> {
    fn clone(&self) -> Self {
        self.chan.increment_weak_count();
        WeakSender {
            chan: Arc::clone(&self.chan),
        }
    }
}

impl<T> Drop for WeakSender<T> {
    fn drop(&mut self) {
        self.chan.decrement_weak_count();
    }
}

impl<T> fmt::Debug for WeakSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeakSender").finish()
    }
}

/// Returns one unit of capacity, waking a receiver waiting on a closed channel.
fn release_permit<T>(chan: &Tx<T, Bounded>, n: usize) {
    chan.chan.capacity.release(n);
    chan.chan.wake_rx_if_closed_and_idle();
}

/// Sends on reserved capacity; a message for a dropped receiver is dropped and its
/// capacity returned.
fn send_reserved<T>(chan: &Tx<T, Bounded>, value: T) {
    if let Err(value) = chan.chan.push(value, false) {
        drop(value);
        release_permit(chan, 1);
    }
}

impl<T> Permit<'_, T> {
    /// Sends `value` on the reserved capacity. Succeeds even if the receiver has
    /// been closed since (see [`Receiver::close`]).
    pub fn send(self, value: T) {
        let chan = self.chan;
        std::mem::forget(self);
        send_reserved(chan, value);
    }
}

impl<T> Drop for Permit<'_, T> {
    fn drop(&mut self) {
        release_permit(self.chan, 1);
    }
}

impl<T> fmt::Debug for Permit<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Permit").field("chan", self.chan).finish()
    }
}

impl<'a, T> Iterator for PermitIterator<'a, T> {
    type Item = Permit<'a, T>;

    fn next(&mut self) -> Option<Permit<'a, T>> {
        if self.n == 0 {
            return None;
        }
        self.n -= 1;
        Some(Permit { chan: self.chan })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.n, Some(self.n))
    }
}

impl<T> ExactSizeIterator for PermitIterator<'_, T> {}

impl<T> std::iter::FusedIterator for PermitIterator<'_, T> {}

impl<T> Drop for PermitIterator<'_, T> {
    fn drop(&mut self) {
        if self.n > 0 {
            release_permit(self.chan, self.n);
        }
    }
}

impl<T> fmt::Debug for PermitIterator<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PermitIterator")
            .field("chan", self.chan)
            .field("capacity", &self.n)
            .finish()
    }
}

impl<T> OwnedPermit<T> {
    /// Sends `value` on the reserved capacity and gives the sender back.
    pub fn send(mut self, value: T) -> Sender<T> {
        let chan = self.chan.take().expect(USED);
        send_reserved(&chan, value);
        Sender { chan }
    }

    /// Returns the reserved capacity unused and gives the sender back.
    pub fn release(mut self) -> Sender<T> {
        let chan = self.chan.take().expect(USED);
        release_permit(&chan, 1);
        Sender { chan }
    }

    /// Whether both permits belong to the same channel.
    pub fn same_channel(&self, other: &Self) -> bool {
        match (&self.chan, &other.chan) {
            (Some(a), Some(b)) => a.same_channel(b),
            _ => false,
        }
    }

    /// Whether this permit belongs to the channel of `sender`.
    pub fn same_channel_as_sender(&self, sender: &Sender<T>) -> bool {
        self.chan
            .as_ref()
            .is_some_and(|chan| chan.same_channel(&sender.chan))
    }
}

const USED: &str = "an OwnedPermit holds its sender until it is used";

impl<T> Drop for OwnedPermit<T> {
    fn drop(&mut self) {
        if let Some(chan) = self.chan.take() {
            release_permit(&chan, 1);
        }
    }
}

impl<T> fmt::Debug for OwnedPermit<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedPermit")
            .field("chan", &self.chan)
            .finish()
    }
}
