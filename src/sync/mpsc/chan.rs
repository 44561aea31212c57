//! The channel core shared by the bounded and unbounded `mpsc` channels.
//!
//! # Layout
//!
//! Senders push into `Queue::buffer` under the channel's lock and take the
//! receiver's parked waker, if any, to wake it after unlocking. The receiver owns a
//! second queue, `Rx::batch`: when that runs dry it swaps it with the shared buffer in
//! one locked step, then pops messages without touching the lock. The two `VecDeque`s
//! trade places, so their storage is reused and steady-state traffic does not
//! allocate.
//!
//! # Closing
//!
//! - `tx_closed`: the last `Sender` is gone (set under the lock, after the count hit
//!   zero). No message can arrive any more.
//! - `rx_closed`: the receiver called `close` or was dropped (written under the lock,
//!   readable without it). Sends fail from then on, but permits reserved before can
//!   still send, so the receiver reports the end only once the channel is *idle*: no
//!   buffered message and no outstanding permit (`Capacity::is_idle`). Whoever makes
//!   it idle after closing wakes the receiver.
//! - `rx_dropped`: the receiver is gone; a message that still arrives (from an old
//!   permit) is dropped at once instead of waiting for the last handle.

use std::collections::VecDeque;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed, Release};
use std::task::{Context, Poll, Waker, ready};

use super::super::batch_semaphore::Semaphore;
use super::super::notify::Notify;
use super::super::rt;
use super::error::TryRecvError;
use crate::loom::sync::Mutex;
use crate::loom::sync::atomic::{AtomicBool, AtomicUsize};

/// How a channel accounts for its capacity.
pub(super) trait Capacity {
    /// Returns the capacity of `n` received (or discarded) messages.
    fn release(&self, n: usize);
    /// No buffered message and no outstanding permit.
    fn is_idle(&self) -> bool;
    /// Refuses new reservations (the receiver closed).
    fn close(&self);
}

/// The bounded channel's capacity: a fair semaphore of `bound` permits, one per
/// buffered message or reserved slot.
#[derive(Debug)]
pub(super) struct Bounded {
    pub(super) semaphore: Semaphore,
    pub(super) bound: usize,
}

impl Capacity for Bounded {
    #[inline]
    fn release(&self, n: usize) {
        self.semaphore.release(n);
    }

    fn is_idle(&self) -> bool {
        self.semaphore.available_permits() == self.bound
    }

    fn close(&self) {
        self.semaphore.close();
    }
}

/// The unbounded channel has no capacity to track: a send is one locked push, so
/// "idle" is just "the buffer is empty", which the receiver checks itself.
#[derive(Debug)]
pub(super) struct Unbounded;

impl Capacity for Unbounded {
    #[inline]
    fn release(&self, _: usize) {}

    fn is_idle(&self) -> bool {
        true
    }

    fn close(&self) {}
}

pub(super) struct Chan<T, S> {
    queue: Mutex<Queue<T>>,
    /// Live `Sender`s (permits that own a sender count as one).
    tx_count: AtomicUsize,
    tx_weak_count: AtomicUsize,
    /// See the module docs; written under `queue`'s lock.
    rx_closed: AtomicBool,
    notify_rx_closed: Notify,
    pub(super) capacity: S,
}

struct Queue<T> {
    buffer: VecDeque<T>,
    rx_waker: Option<Waker>,
    tx_closed: bool,
    rx_dropped: bool,
}

impl<T, S: Capacity> Chan<T, S> {
    pub(super) fn channel(capacity: S) -> (Tx<T, S>, Rx<T, S>) {
        let chan = Arc::new(Chan {
            queue: Mutex::new(Queue {
                buffer: VecDeque::new(),
                rx_waker: None,
                tx_closed: false,
                rx_dropped: false,
            }),
            tx_count: AtomicUsize::new(1),
            tx_weak_count: AtomicUsize::new(0),
            rx_closed: AtomicBool::new(false),
            notify_rx_closed: Notify::new(),
            capacity,
        });
        let rx = Rx {
            chan: Arc::clone(&chan),
            batch: Mutex::new(VecDeque::new()),
        };
        (Tx { chan }, rx)
    }

    /// Pushes a message and wakes the receiver. With `require_open`, fails once the
    /// receiver is closed; always fails (returning the value) once it is dropped.
    pub(super) fn push(&self, value: T, require_open: bool) -> Result<(), T> {
        let mut queue = self.queue.lock();
        if queue.rx_dropped || (require_open && self.rx_closed.load(Relaxed)) {
            return Err(value);
        }
        queue.buffer.push_back(value);
        let waker = queue.rx_waker.take();
        drop(queue);
        if let Some(waker) = waker {
            waker.wake();
        }
        Ok(())
    }

    pub(super) fn is_rx_closed(&self) -> bool {
        self.rx_closed.load(Acquire)
    }

    /// Wakes the receiver if capacity just came back to a closed channel and made
    /// it idle: its `recv` may now report the end.
    pub(super) fn wake_rx_if_closed_and_idle(&self) {
        if self.is_rx_closed() && self.capacity.is_idle() {
            let waker = self.queue.lock().rx_waker.take();
            if let Some(waker) = waker {
                waker.wake();
            }
        }
    }

    pub(super) async fn closed(&self) {
        // Created before the check: `notify_waiters` reaches it from here on.
        let notified = self.notify_rx_closed.notified();
        if self.is_rx_closed() {
            return;
        }
        notified.await;
    }

    pub(super) fn strong_count(&self) -> usize {
        self.tx_count.load(Acquire)
    }

    pub(super) fn weak_count(&self) -> usize {
        self.tx_weak_count.load(Relaxed)
    }

    pub(super) fn increment_weak_count(&self) {
        self.tx_weak_count.fetch_add(1, Relaxed);
    }

    pub(super) fn decrement_weak_count(&self) {
        self.tx_weak_count.fetch_sub(1, Relaxed);
    }
}

impl<T, S> fmt::Debug for Chan<T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Chan")
            .field("tx_count", &self.tx_count.load(Relaxed))
            .field("tx_weak_count", &self.tx_weak_count.load(Relaxed))
            .field("rx_closed", &self.rx_closed.load(Relaxed))
            .finish_non_exhaustive()
    }
}

/// A strong sender: counts towards keeping the channel open.
pub(super) struct Tx<T, S> {
    pub(super) chan: Arc<Chan<T, S>>,
}

impl<T, S: Capacity> Tx<T, S> {
    /// A weak handle: the channel, with the weak count bumped.
    pub(super) fn downgrade(&self) -> Arc<Chan<T, S>> {
        self.chan.increment_weak_count();
        Arc::clone(&self.chan)
    }

    /// A new strong sender from a weak handle, unless every sender is gone.
    pub(super) fn upgrade(chan: &Arc<Chan<T, S>>) -> Option<Tx<T, S>> {
        let mut count = chan.tx_count.load(Acquire);
        loop {
            if count == 0 {
                return None;
            }
            match chan
                .tx_count
                .compare_exchange_weak(count, count + 1, AcqRel, Acquire)
            {
                Ok(_) => {
                    return Some(Tx {
                        chan: Arc::clone(chan),
                    });
                }
                Err(actual) => count = actual,
            }
        }
    }

    pub(super) fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.chan, &other.chan)
    }
}

impl<T, S> Clone for Tx<T, S> {
    fn clone(&self) -> Self {
        // Relaxed: our own count keeps it above zero.
        self.chan.tx_count.fetch_add(1, Relaxed);
        Tx {
            chan: Arc::clone(&self.chan),
        }
    }
}

impl<T, S> Drop for Tx<T, S> {
    fn drop(&mut self) {
        if self.chan.tx_count.fetch_sub(1, AcqRel) != 1 {
            return;
        }
        let mut queue = self.chan.queue.lock();
        queue.tx_closed = true;
        let waker = queue.rx_waker.take();
        drop(queue);
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl<T, S> fmt::Debug for Tx<T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.chan.fmt(f)
    }
}

/// The receiving half, with its private batch of messages taken from the buffer.
pub(super) struct Rx<T, S: Capacity> {
    chan: Arc<Chan<T, S>>,
    /// Only ever touched through `&mut self` (`get_mut`, no locking) except by the
    /// `&self` queries `len`/`is_empty`; the lock makes `Rx` `Sync` for `T: Send`.
    batch: Mutex<VecDeque<T>>,
}

/// What the receiver found when its batch was empty.
enum Refill {
    Filled,
    /// Nothing buffered, and nothing more will come.
    Ended,
    /// Nothing buffered yet.
    Empty,
}

impl<T, S: Capacity> Rx<T, S> {
    /// Receives one message, or `None` once the channel has ended.
    pub(super) fn recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let coop = ready!(rt::poll_proceed(cx));
        if self.batch.get_mut().is_empty() {
            match self.refill(Some(cx)) {
                Refill::Filled => {}
                Refill::Ended => {
                    coop.made_progress();
                    return Poll::Ready(None);
                }
                Refill::Empty => return Poll::Pending,
            }
        }
        let value = self.batch.get_mut().pop_front();
        debug_assert!(value.is_some());
        self.chan.capacity.release(1);
        coop.made_progress();
        Poll::Ready(value)
    }

    /// Receives up to `limit` messages into `buffer`; 0 only for `limit == 0` or
    /// once the channel has ended.
    pub(super) fn recv_many(
        &mut self,
        cx: &mut Context<'_>,
        buffer: &mut Vec<T>,
        limit: usize,
    ) -> Poll<usize> {
        let coop = ready!(rt::poll_proceed(cx));
        if limit == 0 {
            coop.made_progress();
            return Poll::Ready(0);
        }
        if self.batch.get_mut().is_empty() {
            match self.refill(Some(cx)) {
                Refill::Filled => {}
                Refill::Ended => {
                    coop.made_progress();
                    return Poll::Ready(0);
                }
                Refill::Empty => return Poll::Pending,
            }
        }
        let batch = self.batch.get_mut();
        let taken = limit.min(batch.len());
        buffer.extend(batch.drain(..taken));
        self.chan.capacity.release(taken);
        coop.made_progress();
        Poll::Ready(taken)
    }

    pub(super) fn try_recv(&mut self) -> Result<T, TryRecvError> {
        if self.batch.get_mut().is_empty() {
            match self.refill(None) {
                Refill::Filled => {}
                Refill::Ended => return Err(TryRecvError::Disconnected),
                Refill::Empty => return Err(TryRecvError::Empty),
            }
        }
        let value = self.batch.get_mut().pop_front();
        self.chan.capacity.release(1);
        value.ok_or(TryRecvError::Empty)
    }

    /// Swaps the empty batch with the shared buffer; with `cx`, parks the waker when
    /// there is nothing yet.
    fn refill(&mut self, cx: Option<&mut Context<'_>>) -> Refill {
        let mut queue = self.chan.queue.lock();
        if !queue.buffer.is_empty() {
            std::mem::swap(self.batch.get_mut(), &mut queue.buffer);
            return Refill::Filled;
        }
        if queue.tx_closed || (self.chan.rx_closed.load(Relaxed) && self.chan.capacity.is_idle()) {
            return Refill::Ended;
        }
        if let Some(cx) = cx {
            let old = match &queue.rx_waker {
                Some(current) if current.will_wake(cx.waker()) => None,
                _ => queue.rx_waker.replace(cx.waker().clone()),
            };
            drop(queue);
            drop(old);
        }
        Refill::Empty
    }

    /// Closes the channel for senders; buffered messages stay receivable.
    pub(super) fn close(&mut self) {
        let queue = self.chan.queue.lock();
        if self.chan.rx_closed.load(Relaxed) {
            return;
        }
        self.chan.rx_closed.store(true, Release);
        drop(queue);
        self.chan.capacity.close();
        self.chan.notify_rx_closed.notify_waiters();
    }

    pub(super) fn is_closed(&self) -> bool {
        self.chan.is_rx_closed() || self.chan.tx_count.load(Acquire) == 0
    }

    pub(super) fn len(&self) -> usize {
        self.batch.lock().len() + self.chan.queue.lock().buffer.len()
    }

    pub(super) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(super) fn chan(&self) -> &Chan<T, S> {
        &self.chan
    }
}

impl<T, S: Capacity> Drop for Rx<T, S> {
    fn drop(&mut self) {
        self.close();
        let batch = std::mem::take(self.batch.get_mut());
        let (buffer, old_waker) = {
            let mut queue = self.chan.queue.lock();
            queue.rx_dropped = true;
            (std::mem::take(&mut queue.buffer), queue.rx_waker.take())
        };
        drop(old_waker);
        self.chan.capacity.release(batch.len() + buffer.len());
        // Unreceived messages are dropped now, outside the lock.
        drop(batch);
        drop(buffer);
    }
}

impl<T, S: Capacity> fmt::Debug for Rx<T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.chan.fmt(f)
    }
}
