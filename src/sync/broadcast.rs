//! A multi-producer, multi-consumer queue in which every receiver sees every value.
//!
//! [`channel`] creates a [`Sender`] and a [`Receiver`]; [`Sender::subscribe`] makes
//! more receivers, each of which sees the values sent after it subscribed. A value is
//! stored once and cloned for each receiver; it is released when the last receiver
//! that was subscribed when it was sent has read it.
//!
//! The buffer holds `capacity` values, rounded up to a power of two. A send into a
//! full buffer overwrites the oldest value; a receiver that had not read it gets
//! [`RecvError::Lagged`] with the number of values it
//! missed, and continues from the oldest value still held.
//!
//! When every sender is gone, receivers get the values still held for them, then
//! [`RecvError::Closed`].
//!
//! # State
//!
//! - `tail` (a lock) holds the next write position, the receiver count, `closed`,
//!   and the wait list of receivers with nothing to read.
//! - `buffer[pos % capacity]` (a lock each) holds the value written at `pos` and
//!   how many receivers still have to read it (`remaining`).
//! - Lock order: `tail`, then a slot. A receiver that finds its slot not yet
//!   written drops the slot lock, takes `tail`, and looks again.
//! - A send wakes every waiting receiver by detaching the wait list, so waiters that
//!   queue while it wakes them in batches wait for the next send.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed};
use std::task::{Context, Poll, Waker};

use super::notify::Notify;
use super::park;
use super::rt::cooperative;
use super::wait_list::{Key, WaitList, WakeList};
use crate::loom::sync::atomic::AtomicUsize;
use crate::loom::sync::{Mutex, MutexGuard};

/// `broadcast` error types.
pub mod error {
    use std::fmt;

    /// Error of [`Sender::send`](super::Sender::send): there is no receiver. Holds
    /// the value.
    #[derive(Debug)]
    pub struct SendError<T>(pub T);

    impl<T> fmt::Display for SendError<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("channel closed")
        }
    }

    impl<T: fmt::Debug> std::error::Error for SendError<T> {}

    /// Error of [`Receiver::recv`](super::Receiver::recv).
    #[derive(Debug, PartialEq, Eq, Clone)]
    pub enum RecvError {
        /// Every sender is gone and no value is left for this receiver.
        Closed,
        /// This many values were overwritten before this receiver read them; it
        /// continues from the oldest value still held.
        Lagged(u64),
    }

    impl fmt::Display for RecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                RecvError::Closed => f.write_str("channel closed"),
                RecvError::Lagged(n) => write!(f, "channel lagged by {n}"),
            }
        }
    }

    impl std::error::Error for RecvError {}

    /// Error of [`Receiver::try_recv`](super::Receiver::try_recv).
    #[derive(Debug, PartialEq, Eq, Clone)]
    pub enum TryRecvError {
        /// Nothing to read yet; senders remain.
        Empty,
        /// Every sender is gone and no value is left for this receiver.
        Closed,
        /// As [`RecvError::Lagged`].
        Lagged(u64),
    }

    impl fmt::Display for TryRecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                TryRecvError::Empty => f.write_str("channel empty"),
                TryRecvError::Closed => f.write_str("channel closed"),
                TryRecvError::Lagged(n) => write!(f, "channel lagged by {n}"),
            }
        }
    }

    impl std::error::Error for TryRecvError {}
}

use error::{RecvError, SendError, TryRecvError};

/// The most receivers a channel can have.
const MAX_RECEIVERS: usize = usize::MAX >> 2;

struct Shared<T> {
    buffer: Box<[Mutex<Slot<T>>]>,
    mask: usize,
    tail: Mutex<Tail>,
    num_tx: AtomicUsize,
    num_weak_tx: AtomicUsize,
    notify_last_rx_drop: Notify,
}

struct Tail {
    /// The position the next value is written at.
    pos: u64,
    rx_cnt: usize,
    /// Every sender is gone, or no receiver is left.
    closed: bool,
    /// Receivers with nothing to read.
    waiters: WaitList<()>,
}

struct Slot<T> {
    /// Receivers that still have to read this value.
    remaining: usize,
    /// The position of the value in this slot.
    pos: u64,
    value: Option<T>,
}

/// Sends values to every [`Receiver`]. Cheap to clone.
pub struct Sender<T> {
    shared: Arc<Shared<T>>,
}

/// A sender that does not keep the channel open; upgrade it to send.
pub struct WeakSender<T> {
    shared: Arc<Shared<T>>,
}

/// Receives every value sent after it subscribed.
pub struct Receiver<T> {
    shared: Arc<Shared<T>>,
    /// The position of the next value to read.
    next: u64,
}

/// Creates a broadcast channel that holds `capacity` values (rounded up to a power
/// of two).
///
/// # Panics
///
/// Panics if `capacity` is 0 or more than `usize::MAX / 2`.
#[track_caller]
pub fn channel<T: Clone>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    let tx = Sender::with_receivers(1, capacity);
    let rx = Receiver {
        shared: Arc::clone(&tx.shared),
        next: 0,
    };
    (tx, rx)
}

impl<T> Sender<T> {
    /// Creates a sender with no receiver yet; see [`channel`] for `capacity`.
    ///
    /// # Panics
    ///
    /// Panics if `capacity` is 0 or more than `usize::MAX / 2`.
    #[track_caller]
    pub fn new(capacity: usize) -> Sender<T> {
        Sender::with_receivers(0, capacity)
    }

    #[track_caller]
    fn with_receivers(rx_cnt: usize, capacity: usize) -> Sender<T> {
        assert!(capacity > 0, "broadcast channel capacity cannot be zero");
        assert!(
            capacity <= usize::MAX >> 1,
            "broadcast channel capacity exceeded `usize::MAX / 2`"
        );
        let capacity = capacity.next_power_of_two();
        let buffer = (0..capacity)
            .map(|i| {
                // An empty slot i reads as "written one lap before position i".
                Mutex::new(Slot {
                    remaining: 0,
                    pos: (i as u64).wrapping_sub(capacity as u64),
                    value: None,
                })
            })
            .collect();
        Sender {
            shared: Arc::new(Shared {
                buffer,
                mask: capacity - 1,
                tail: Mutex::new(Tail {
                    pos: 0,
                    rx_cnt,
                    closed: rx_cnt == 0,
                    waiters: WaitList::new(),
                }),
                num_tx: AtomicUsize::new(1),
                num_weak_tx: AtomicUsize::new(0),
                notify_last_rx_drop: Notify::new(),
            }),
        }
    }

    /// Sends `value` to every current receiver and returns how many there are (not
    /// all of them may read it). Fails, giving the value back, if there is none.
    pub fn send(&self, value: T) -> Result<usize, SendError<T>> {
        let mut tail = self.shared.tail.lock();
        if tail.rx_cnt == 0 {
            return Err(SendError(value));
        }
        let pos = tail.pos;
        let remaining = tail.rx_cnt;
        tail.pos = pos.wrapping_add(1);
        let old = {
            let mut slot = self.shared.slot(pos);
            slot.pos = pos;
            slot.remaining = remaining;
            slot.value.replace(value)
        };
        self.shared.notify_rx(tail);
        // An overwritten value is dropped outside the locks.
        drop(old);
        Ok(remaining)
    }

    /// A new receiver that sees the values sent from now on.
    pub fn subscribe(&self) -> Receiver<T> {
        new_receiver(Arc::clone(&self.shared))
    }

    /// A [`WeakSender`] for this channel.
    #[must_use = "Downgrade creates a WeakSender without destroying the original non-weak sender."]
    pub fn downgrade(&self) -> WeakSender<T> {
        self.shared.num_weak_tx.fetch_add(1, Relaxed);
        WeakSender {
            shared: Arc::clone(&self.shared),
        }
    }

    /// The number of values held that some receiver has yet to read.
    pub fn len(&self) -> usize {
        let _tail = self.shared.tail.lock();
        self.shared
            .buffer
            .iter()
            .filter(|slot| slot.lock().remaining > 0)
            .count()
    }

    /// Whether every held value has been read by every receiver.
    pub fn is_empty(&self) -> bool {
        let tail = self.shared.tail.lock();
        self.shared.slot(tail.pos.wrapping_sub(1)).remaining == 0
    }

    /// The number of receivers.
    pub fn receiver_count(&self) -> usize {
        self.shared.tail.lock().rx_cnt
    }

    /// Whether both senders belong to the same channel.
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }

    /// Completes once there is no receiver.
    pub async fn closed(&self) {
        loop {
            let notified = self.shared.notify_last_rx_drop.notified();
            if self.shared.tail.lock().closed {
                return;
            }
            notified.await;
        }
    }

    /// The number of [`Sender`]s.
    pub fn strong_count(&self) -> usize {
        self.shared.num_tx.load(Acquire)
    }

    /// The number of [`WeakSender`]s.
    pub fn weak_count(&self) -> usize {
        self.shared.num_weak_tx.load(Acquire)
    }
}

fn new_receiver<T>(shared: Arc<Shared<T>>) -> Receiver<T> {
    let mut tail = shared.tail.lock();
    assert!(tail.rx_cnt != MAX_RECEIVERS, "max receivers");
    if tail.rx_cnt == 0 {
        // A sender exists (it is subscribing): reopen.
        tail.closed = false;
    }
    tail.rx_cnt += 1;
    let next = tail.pos;
    drop(tail);
    Receiver { shared, next }
}

impl<T> Shared<T> {
    fn slot(&self, pos: u64) -> MutexGuard<'_, Slot<T>> {
        self.buffer[(pos & self.mask as u64) as usize].lock()
    }

    /// Wakes every waiting receiver, releasing `tail` between batches.
    fn notify_rx<'a>(&'a self, mut tail: MutexGuard<'a, Tail>) {
        let Some(chain) = tail.waiters.detach_all() else {
            return;
        };
        let mut wakers = WakeList::new();
        loop {
            while wakers.can_push() {
                match tail.waiters.pop_detached(&chain) {
                    Some(waiter) => {
                        if let Some(waker) = waiter.take_waker() {
                            wakers.push(waker);
                        }
                    }
                    None => {
                        tail.waiters.free_detached(chain);
                        drop(tail);
                        wakers.wake_all();
                        return;
                    }
                }
            }
            drop(tail);
            wakers.wake_all();
            tail = self.tail.lock();
        }
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.shared.num_tx.fetch_add(1, Relaxed);
        Sender {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        if self.shared.num_tx.fetch_sub(1, AcqRel) == 1 {
            let mut tail = self.shared.tail.lock();
            tail.closed = true;
            self.shared.notify_rx(tail);
        }
    }
}

impl<T> WeakSender<T> {
    /// A [`Sender`], unless every sender is already gone.
    #[must_use]
    pub fn upgrade(&self) -> Option<Sender<T>> {
        let mut count = self.shared.num_tx.load(Acquire);
        loop {
            if count == 0 {
                return None;
            }
            match self
                .shared
                .num_tx
                .compare_exchange_weak(count, count + 1, AcqRel, Acquire)
            {
                Ok(_) => {
                    return Some(Sender {
                        shared: Arc::clone(&self.shared),
                    });
                }
                Err(actual) => count = actual,
            }
        }
    }

    /// The number of [`Sender`]s.
    pub fn strong_count(&self) -> usize {
        self.shared.num_tx.load(Acquire)
    }

    /// The number of [`WeakSender`]s.
    pub fn weak_count(&self) -> usize {
        self.shared.num_weak_tx.load(Acquire)
    }
}

impl<T> Clone for WeakSender<T> {
    fn clone(&self) -> Self {
        self.shared.num_weak_tx.fetch_add(1, Relaxed);
        WeakSender {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<T> Drop for WeakSender<T> {
    fn drop(&mut self) {
        self.shared.num_weak_tx.fetch_sub(1, AcqRel);
    }
}

/// What a receiver found at its position.
enum Found<'a, T> {
    /// The slot of the next value, to read and release.
    Value(MutexGuard<'a, Slot<T>>),
    Empty,
    Closed,
    Lagged(u64),
}

impl<T> Receiver<T> {
    /// The number of values sent since this receiver subscribed that it has not read
    /// (including ones already overwritten: if this exceeds the capacity, the next
    /// receive reports a lag).
    pub fn len(&self) -> usize {
        let pos = self.shared.tail.lock().pos;
        pos.wrapping_sub(self.next) as usize
    }

    /// Whether there is nothing for this receiver to read.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether both receivers belong to the same channel.
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }

    /// The number of [`Sender`]s.
    pub fn sender_strong_count(&self) -> usize {
        self.shared.num_tx.load(Acquire)
    }

    /// The number of [`WeakSender`]s.
    pub fn sender_weak_count(&self) -> usize {
        self.shared.num_weak_tx.load(Acquire)
    }

    /// Whether every sender is gone.
    pub fn is_closed(&self) -> bool {
        self.shared.num_tx.load(Acquire) == 0
    }

    /// Finds the next value. With `waiter`, queues (or refreshes) the waiter when
    /// there is nothing to read.
    fn find(&mut self, waiter: Option<(&mut Option<Key>, &Waker)>) -> Found<'_, T> {
        let shared = &*self.shared;
        let mut slot = shared.slot(self.next);
        if slot.pos == self.next {
            self.next = self.next.wrapping_add(1);
            return Found::Value(slot);
        }
        // Take the locks in order, then look again: a send may have raced us.
        drop(slot);
        let mut tail = shared.tail.lock();
        slot = shared.slot(self.next);
        if slot.pos == self.next {
            self.next = self.next.wrapping_add(1);
            return Found::Value(slot);
        }
        let capacity = shared.buffer.len() as u64;
        if slot.pos.wrapping_add(capacity) == self.next {
            // Not written yet: nothing to read.
            if tail.closed {
                return Found::Closed;
            }
            let mut old_waker = None;
            if let Some((key, waker)) = waiter {
                match key {
                    Some(queued) if tail.waiters.get(queued).is_linked() => {
                        old_waker = tail.waiters.get_mut(queued).set_waker(waker);
                    }
                    _ => {
                        if let Some(stale) = key.take() {
                            old_waker = tail.waiters.remove(stale).1;
                        }
                        *key = Some(tail.waiters.push_back((), Some(waker.clone())));
                    }
                }
            }
            drop(slot);
            drop(tail);
            drop(old_waker);
            return Found::Empty;
        }
        // Overwritten: skip to the oldest value still held.
        let oldest = tail.pos.wrapping_sub(capacity);
        let missed = oldest.wrapping_sub(self.next);
        drop(tail);
        if missed == 0 {
            self.next = self.next.wrapping_add(1);
            return Found::Value(slot);
        }
        self.next = oldest;
        Found::Lagged(missed)
    }

    /// Marks the value in `slot` read by this receiver; returns it (a clone, or the
    /// value itself for the last reader).
    fn read(mut slot: MutexGuard<'_, Slot<T>>) -> Option<T>
    where
        T: Clone,
    {
        match slot.remaining {
            // Not counted for this receiver (it caught up from a lag): just read.
            0 => slot.value.clone(),
            1 => {
                // The last reader clones too, as in tokio (a `Clone` with side
                // effects, or one that panics, sees every read), then releases the
                // stored value outside the slot lock.
                slot.remaining = 0;
                let stored = slot.value.take();
                drop(slot);
                stored.clone()
            }
            _ => {
                slot.remaining -= 1;
                slot.value.clone()
            }
        }
    }

    /// Marks the value in `slot` read without reading it (a dropped receiver).
    fn skip(mut slot: MutexGuard<'_, Slot<T>>) -> Option<T> {
        match slot.remaining {
            0 => None,
            1 => {
                slot.remaining = 0;
                slot.value.take()
            }
            _ => {
                slot.remaining -= 1;
                None
            }
        }
    }
}

impl<T: Clone> Receiver<T> {
    /// A new receiver that sees the values sent from now on (not the values this one
    /// has yet to read).
    pub fn resubscribe(&self) -> Self {
        new_receiver(Arc::clone(&self.shared))
    }

    /// Receives the next value.
    ///
    /// Fails with [`RecvError::Lagged`] if values were overwritten before this
    /// receiver read them (it stays subscribed), and with [`RecvError::Closed`] once
    /// every sender is gone and nothing is left to read.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if cancelled, no value was received.
    pub async fn recv(&mut self) -> Result<T, RecvError> {
        cooperative(Recv {
            receiver: self,
            key: None,
        })
        .await
    }

    /// Takes the next value without waiting.
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        match self.find(None) {
            Found::Value(slot) => Self::read(slot).ok_or(TryRecvError::Closed),
            Found::Empty => Err(TryRecvError::Empty),
            Found::Closed => Err(TryRecvError::Closed),
            Found::Lagged(n) => Err(TryRecvError::Lagged(n)),
        }
    }

    /// Receives the next value, blocking the current thread.
    ///
    /// # Panics
    ///
    /// Panics if called from within an asynchronous execution context.
    #[track_caller]
    pub fn blocking_recv(&mut self) -> Result<T, RecvError> {
        park::block_on(self.recv())
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let (until, last) = {
            let mut tail = self.shared.tail.lock();
            tail.rx_cnt -= 1;
            if tail.rx_cnt == 0 {
                tail.closed = true;
            }
            (tail.pos, tail.rx_cnt == 0)
        };
        // Mark what this receiver never read as read, releasing values it was the
        // last reader of.
        while self.next < until {
            match self.find(None) {
                Found::Value(slot) => drop(Self::skip(slot)),
                Found::Lagged(_) => {}
                Found::Empty | Found::Closed => break,
            }
        }
        if last {
            self.shared.notify_last_rx_drop.notify_waiters();
        }
    }
}

/// The future of [`Receiver::recv`].
struct Recv<'a, T> {
    receiver: &'a mut Receiver<T>,
    /// This receiver's slot in the wait list while it waits.
    key: Option<Key>,
}

impl<T: Clone> Future for Recv<'_, T> {
    type Output = Result<T, RecvError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let found = this.receiver.find(Some((&mut this.key, cx.waker())));
        match found {
            Found::Value(slot) => Poll::Ready(Receiver::read(slot).ok_or(RecvError::Closed)),
            Found::Empty => Poll::Pending,
            Found::Closed => Poll::Ready(Err(RecvError::Closed)),
            Found::Lagged(n) => Poll::Ready(Err(RecvError::Lagged(n))),
        }
    }
}

impl<T> Drop for Recv<'_, T> {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            let old = self.receiver.shared.tail.lock().waiters.remove(key).1;
            drop(old);
        }
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("broadcast::Sender")
    }
}

impl<T> fmt::Debug for WeakSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("broadcast::WeakSender")
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("broadcast::Receiver")
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::sync::test_util::{Manual, block_on};

    #[test]
    fn every_receiver_gets_every_value() {
        let (tx, mut a) = channel(4);
        let mut b = tx.subscribe();
        assert_eq!(tx.send(1).unwrap(), 2);
        tx.send(2).unwrap();
        assert_eq!(block_on(a.recv()), Ok(1));
        assert_eq!(block_on(a.recv()), Ok(2));
        assert_eq!(b.try_recv(), Ok(1));
        assert_eq!(b.try_recv(), Ok(2));
        assert_eq!(b.try_recv(), Err(TryRecvError::Empty));
        assert!(tx.is_empty());
    }

    #[test]
    fn a_waiting_receiver_is_woken_by_send() {
        let (tx, mut rx) = channel(2);
        {
            let mut recv = Manual::new(rx.recv());
            recv.pending();
            tx.send("x").unwrap();
            assert!(recv.is_woken());
            assert_eq!(recv.ready(), Ok("x"));
        }
        drop(tx);
        assert_eq!(block_on(rx.recv()), Err(RecvError::Closed));
    }

    #[test]
    fn a_slow_receiver_lags_and_resumes_at_the_oldest_value() {
        let (tx, mut rx) = channel(2);
        for i in 0..5 {
            tx.send(i).unwrap();
        }
        assert_eq!(rx.len(), 5);
        assert_eq!(rx.try_recv(), Err(TryRecvError::Lagged(3)));
        assert_eq!(rx.try_recv(), Ok(3));
        assert_eq!(block_on(rx.recv()), Ok(4));
    }

    #[test]
    fn values_are_released_once_every_receiver_read_them() {
        let marker = Arc::new(());
        let (tx, mut a) = channel(4);
        let mut b = tx.subscribe();
        tx.send(Arc::clone(&marker)).unwrap();
        assert_eq!(tx.len(), 1);
        drop(a.try_recv().unwrap());
        assert_eq!(Arc::strong_count(&marker), 2);
        drop(b.try_recv().unwrap());
        assert_eq!(Arc::strong_count(&marker), 1);
        assert_eq!(tx.len(), 0);
        // A dropped receiver counts as having read what it left.
        tx.send(Arc::clone(&marker)).unwrap();
        drop(a.try_recv().unwrap());
        drop(b);
        assert_eq!(Arc::strong_count(&marker), 1);
    }

    #[test]
    fn send_without_receivers_fails_and_subscribe_reopens() {
        let tx = Sender::<u8>::new(2);
        assert!(tx.send(1).is_err());
        let mut rx = tx.subscribe();
        tx.send(2).unwrap();
        assert_eq!(rx.try_recv(), Ok(2));
        let mut closed = Manual::new(tx.closed());
        closed.pending();
        drop(rx);
        assert!(closed.is_woken());
        closed.ready();
    }

    #[test]
    fn cancelled_recv_leaves_no_waiter_behind() {
        let (tx, mut rx) = channel(2);
        {
            let mut recv = Manual::new(rx.recv());
            recv.pending();
        }
        assert!(tx.shared.tail.lock().waiters.is_empty());
        tx.send(1).unwrap();
        assert_eq!(rx.try_recv(), Ok(1));
    }

    #[test]
    fn many_threads_receive_everything() {
        let (tx, rx) = channel(64);
        let receivers: Vec<_> = (0..4)
            .map(|_| {
                let mut rx = rx.resubscribe();
                std::thread::spawn(move || {
                    let mut sum = 0u64;
                    while let Ok(v) = block_on(rx.recv()) {
                        sum += v;
                    }
                    sum
                })
            })
            .collect();
        drop(rx);
        for i in 0..50u64 {
            tx.send(i).unwrap();
        }
        drop(tx);
        for receiver in receivers {
            assert_eq!(receiver.join().unwrap(), (0..50).sum::<u64>());
        }
    }
}
