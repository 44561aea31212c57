//! A multi-producer, multi-consumer channel that keeps only the latest value.
//!
//! [`channel`] returns a [`Sender`] and a [`Receiver`], sharing a value. Each
//! receiver remembers the version it last *saw*: [`Receiver::changed`] waits for a
//! version it has not seen (and marks it seen), [`Receiver::borrow_and_update`] reads
//! the value and marks it seen, [`Receiver::borrow`] reads without marking. The value
//! present when a receiver is created counts as seen.
//!
//! `changed` fails with [`error::RecvError`] once every sender is gone *and* the
//! current value is seen; [`Receiver::has_changed`] fails as soon as every sender is
//! gone.
//!
//! # State
//!
//! - `value`: a std `RwLock` (not poisoned by panicking closures: they run under
//!   `catch_unwind` and the panic is resumed after unlocking). A [`Ref`] holds its
//!   read guard, so it is `!Send` and must not be held across `.await`, as in tokio.
//! - `state`: the version (bumped by 2 per change, under the write lock) and, in bit
//!   0, "every sender is gone".
//! - `notify_rx` wakes receivers on a change or close; a receiver creates its
//!   `Notified` *before* it checks the version, so no change is missed.
//!   `notify_tx` wakes `Sender::closed` when the last receiver goes.

use std::fmt;
use std::ops;
use std::panic;
use std::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed, Release};
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard};

use super::notify::Notify;
use super::rt::cooperative;
use crate::loom::sync::atomic::AtomicUsize;

const CLOSED: usize = 1;
const STEP: usize = 2;

/// `watch` error types.
pub mod error {
    use std::error::Error;
    use std::fmt;

    /// Error of [`Sender::send`](super::Sender::send): no receiver exists. Holds the
    /// value, which was not stored.
    #[derive(PartialEq, Eq, Clone, Copy)]
    pub struct SendError<T>(pub T);

    impl<T> fmt::Debug for SendError<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("SendError").finish_non_exhaustive()
        }
    }

    impl<T> fmt::Display for SendError<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("channel closed")
        }
    }

    impl<T> Error for SendError<T> {}

    /// Error of [`Receiver::changed`](super::Receiver::changed) and friends: every
    /// sender is gone.
    #[derive(Debug, Clone)]
    pub struct RecvError(pub(super) ());

    impl fmt::Display for RecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("channel closed")
        }
    }

    impl Error for RecvError {}
}

use error::{RecvError, SendError};

struct Shared<T> {
    value: RwLock<T>,
    /// Version and CLOSED bit; see the module docs.
    state: AtomicUsize,
    rx_count: AtomicUsize,
    tx_count: AtomicUsize,
    notify_rx: Notify,
    notify_tx: Notify,
}

impl<T> Shared<T> {
    fn read(&self) -> RwLockReadGuard<'_, T> {
        self.value.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn version(&self) -> usize {
        self.state.load(Acquire) & !CLOSED
    }
}

/// Creates a watch channel holding `init`.
pub fn channel<T>(init: T) -> (Sender<T>, Receiver<T>) {
    let shared = Arc::new(Shared {
        value: RwLock::new(init),
        state: AtomicUsize::new(0),
        rx_count: AtomicUsize::new(1),
        tx_count: AtomicUsize::new(1),
        notify_rx: Notify::new(),
        notify_tx: Notify::new(),
    });
    let receiver = Receiver {
        shared: Arc::clone(&shared),
        version: 0,
    };
    (Sender { shared }, receiver)
}

/// Receives the latest value of the associated [`Sender`]s.
pub struct Receiver<T> {
    shared: Arc<Shared<T>>,
    /// The version this receiver last saw.
    version: usize,
}

/// Sets the value of the channel. Cheap to clone.
pub struct Sender<T> {
    shared: Arc<Shared<T>>,
}

/// A borrow of the value; holds a read lock, so keep it short and never across
/// `.await`.
pub struct Ref<'a, T> {
    inner: RwLockReadGuard<'a, T>,
    has_changed: bool,
}

impl<T> Ref<'_, T> {
    /// Whether this value was unseen by the receiver when borrowed (always `false`
    /// for a borrow from the sender). Unlike [`Receiver::has_changed`], never fails.
    pub fn has_changed(&self) -> bool {
        self.has_changed
    }
}

impl<T> ops::Deref for Ref<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T: fmt::Debug> fmt::Debug for Ref<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ref")
            .field("inner", &*self.inner)
            .field("has_changed", &self.has_changed)
            .finish()
    }
}

impl<T> Receiver<T> {
    fn new(shared: Arc<Shared<T>>, version: usize) -> Receiver<T> {
        shared.rx_count.fetch_add(1, Relaxed);
        Receiver { shared, version }
    }

    /// The latest value, without marking it seen.
    pub fn borrow(&self) -> Ref<'_, T> {
        let inner = self.shared.read();
        // Under the read lock the version cannot move.
        let has_changed = self.shared.version() != self.version;
        Ref { inner, has_changed }
    }

    /// The latest value, marking it seen.
    pub fn borrow_and_update(&mut self) -> Ref<'_, T> {
        let inner = self.shared.read();
        let version = self.shared.version();
        let has_changed = version != self.version;
        self.version = version;
        Ref { inner, has_changed }
    }

    /// Whether the latest value is unseen; fails once every sender is gone.
    pub fn has_changed(&self) -> Result<bool, RecvError> {
        let state = self.shared.state.load(Acquire);
        if state & CLOSED != 0 {
            return Err(RecvError(()));
        }
        Ok(state & !CLOSED != self.version)
    }

    /// Whether every sender is gone.
    pub fn is_closed(&self) -> bool {
        self.shared.state.load(Acquire) & CLOSED != 0
    }

    /// Makes the current value count as unseen.
    pub fn mark_changed(&mut self) {
        self.version = self.version.wrapping_sub(STEP);
    }

    /// Makes the current value count as seen.
    pub fn mark_unchanged(&mut self) {
        self.version = self.shared.version();
    }

    /// Waits for an unseen value and marks it seen; returns at once if the current
    /// value is unseen. Fails once every sender is gone and the value is seen.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if cancelled, no value was marked seen by this call.
    pub async fn changed(&mut self) -> Result<(), RecvError> {
        cooperative(changed(&self.shared, &mut self.version)).await
    }

    /// Waits until `f` returns `true` for the value, and returns a borrow of that
    /// value (marked seen). `f` is called on the current value first, even if seen,
    /// then on each new value. Fails once every sender is gone, after `f` returned
    /// `false` for the last value.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if cancelled, the last value marked seen (if any) is one `f`
    /// rejected.
    ///
    /// # Panics
    ///
    /// If `f` panics; the channel is not poisoned.
    pub async fn wait_for(
        &mut self,
        mut f: impl FnMut(&T) -> bool,
    ) -> Result<Ref<'_, T>, RecvError> {
        cooperative(async move {
            let mut closed = false;
            loop {
                {
                    let inner = self.shared.read();
                    let version = self.shared.version();
                    let has_changed = version != self.version;
                    self.version = version;
                    if !closed || has_changed {
                        match panic::catch_unwind(panic::AssertUnwindSafe(|| f(&inner))) {
                            Ok(true) => return Ok(Ref { inner, has_changed }),
                            Ok(false) => {}
                            Err(payload) => {
                                drop(inner);
                                panic::resume_unwind(payload);
                            }
                        }
                    }
                }
                if closed {
                    return Err(RecvError(()));
                }
                closed = changed(&self.shared, &mut self.version).await.is_err();
            }
        })
        .await
    }

    /// Whether both receivers belong to the same channel.
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }
}

/// Marks a newer version seen, or reports the close; `None` if neither.
fn maybe_changed<T>(shared: &Shared<T>, version: &mut usize) -> Option<Result<(), RecvError>> {
    let state = shared.state.load(Acquire);
    if state & !CLOSED != *version {
        *version = state & !CLOSED;
        return Some(Ok(()));
    }
    if state & CLOSED != 0 {
        return Some(Err(RecvError(())));
    }
    None
}

async fn changed<T>(shared: &Shared<T>, version: &mut usize) -> Result<(), RecvError> {
    loop {
        // Ask for the wake-up first, then check: a change in between is not lost.
        let notified = shared.notify_rx.notified();
        if let Some(result) = maybe_changed(shared, version) {
            return result;
        }
        notified.await;
    }
}

impl<T> Clone for Receiver<T> {
    fn clone(&self) -> Self {
        Receiver::new(Arc::clone(&self.shared), self.version)
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        if self.shared.rx_count.fetch_sub(1, AcqRel) == 1 {
            self.shared.notify_tx.notify_waiters();
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("value", &*self.shared.read())
            .field("version", &self.version)
            .finish()
    }
}

impl<T> Sender<T> {
    /// Creates a sender with no receiver; [`subscribe`](Sender::subscribe) makes
    /// one. (`send` fails until then; the other send methods do not.)
    pub fn new(init: T) -> Sender<T> {
        channel(init).0
    }

    /// Stores `value` and notifies the receivers; fails, giving the value back, if
    /// there is no receiver.
    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        if self.receiver_count() == 0 {
            return Err(SendError(value));
        }
        self.send_replace(value);
        Ok(())
    }

    /// Modifies the value in place and notifies the receivers, even if there are
    /// none.
    ///
    /// # Panics
    ///
    /// If `modify` panics; receivers are not notified, but its changes stay.
    pub fn send_modify<F: FnOnce(&mut T)>(&self, modify: F) {
        self.send_if_modified(|value| {
            modify(value);
            true
        });
    }

    /// Modifies the value in place, and notifies the receivers only if `modify`
    /// returns `true`; returns what `modify` returned.
    ///
    /// # Panics
    ///
    /// If `modify` panics; receivers are not notified, but its changes stay.
    pub fn send_if_modified<F: FnOnce(&mut T) -> bool>(&self, modify: F) -> bool {
        {
            let mut value = self
                .shared
                .value
                .write()
                .unwrap_or_else(PoisonError::into_inner);
            match panic::catch_unwind(panic::AssertUnwindSafe(|| modify(&mut value))) {
                Ok(true) => {}
                Ok(false) => return false,
                Err(payload) => {
                    drop(value);
                    panic::resume_unwind(payload);
                }
            }
            // Under the write lock, so a reader sees the version of what it reads.
            self.shared.state.fetch_add(STEP, Release);
        }
        self.shared.notify_rx.notify_waiters();
        true
    }

    /// Stores `value`, notifies the receivers (even if there are none) and returns
    /// the previous value.
    pub fn send_replace(&self, mut value: T) -> T {
        self.send_modify(|old| std::mem::swap(old, &mut value));
        value
    }

    /// The current value.
    pub fn borrow(&self) -> Ref<'_, T> {
        Ref {
            inner: self.shared.read(),
            has_changed: false,
        }
    }

    /// Whether every receiver is gone.
    pub fn is_closed(&self) -> bool {
        self.receiver_count() == 0
    }

    /// Completes once every receiver is gone (a later `subscribe` may reopen it).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    pub async fn closed(&self) {
        cooperative(async {
            while self.receiver_count() > 0 {
                let notified = self.shared.notify_tx.notified();
                if self.receiver_count() == 0 {
                    return;
                }
                notified.await;
            }
        })
        .await;
    }

    /// A new receiver, for which the current value counts as seen. Reopens a
    /// channel whose receivers were all dropped.
    pub fn subscribe(&self) -> Receiver<T> {
        let version = self.shared.version();
        Receiver::new(Arc::clone(&self.shared), version)
    }

    /// The number of receivers.
    pub fn receiver_count(&self) -> usize {
        self.shared.rx_count.load(Relaxed)
    }

    /// The number of senders.
    pub fn sender_count(&self) -> usize {
        self.shared.tx_count.load(Relaxed)
    }

    /// Whether both senders belong to the same channel.
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.shared.tx_count.fetch_add(1, Relaxed);
        Sender {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<T: Default> Default for Sender<T> {
    fn default() -> Self {
        Sender::new(T::default())
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        if self.shared.tx_count.fetch_sub(1, AcqRel) == 1 {
            self.shared.state.fetch_or(CLOSED, Release);
            self.shared.notify_rx.notify_waiters();
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("value", &*self.shared.read())
            .field("receivers", &self.receiver_count())
            .finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::sync::test_util::{Manual, block_on};

    #[test]
    fn changed_sees_each_new_version_once() {
        let (tx, mut rx) = channel(0);
        assert!(!rx.has_changed().unwrap());
        tx.send(1).unwrap();
        assert!(rx.has_changed().unwrap());
        assert!(rx.borrow().has_changed());
        block_on(rx.changed()).unwrap();
        assert_eq!(*rx.borrow(), 1);
        assert!(!rx.borrow().has_changed());
        let mut changed = Manual::new(rx.changed());
        changed.pending();
        tx.send_modify(|v| *v += 1);
        assert!(changed.is_woken());
        changed.ready().unwrap();
    }

    #[test]
    fn close_is_reported_only_after_the_last_value_is_seen() {
        let (tx, mut rx) = channel("a");
        tx.send("b").unwrap();
        drop(tx);
        assert!(rx.has_changed().is_err());
        assert!(rx.is_closed());
        block_on(rx.changed()).unwrap();
        assert_eq!(*rx.borrow_and_update(), "b");
        assert!(block_on(rx.changed()).is_err());
    }

    #[test]
    fn send_if_modified_notifies_only_on_true() {
        let (tx, rx) = channel(1);
        assert!(!tx.send_if_modified(|v| {
            *v = 2;
            false
        }));
        assert!(!rx.has_changed().unwrap());
        assert_eq!(*rx.borrow(), 2);
        assert_eq!(tx.send_replace(3), 2);
        assert!(rx.has_changed().unwrap());
    }

    #[test]
    fn a_panicking_modify_does_not_poison() {
        let (tx, rx) = channel(1);
        let result = panic::catch_unwind(panic::AssertUnwindSafe(|| {
            tx.send_modify(|v| {
                *v = 5;
                panic!("boom");
            })
        }));
        assert!(result.is_err());
        assert_eq!(*rx.borrow(), 5);
        assert!(!rx.has_changed().unwrap());
        tx.send(6).unwrap();
        assert_eq!(*rx.borrow(), 6);
    }

    #[test]
    fn wait_for_checks_the_current_value_first() {
        let (tx, mut rx) = channel(1);
        assert_eq!(*block_on(rx.wait_for(|v| *v == 1)).unwrap(), 1);
        let thread = std::thread::spawn(move || {
            for i in 2..=5 {
                tx.send(i).unwrap();
            }
        });
        assert_eq!(*block_on(rx.wait_for(|v| *v == 5)).unwrap(), 5);
        thread.join().unwrap();
        assert!(block_on(rx.wait_for(|v| *v == 9)).is_err());
    }

    #[test]
    fn receivers_and_senders_count_and_close() {
        let (tx, rx) = channel(());
        let rx2 = rx.clone();
        assert_eq!(tx.receiver_count(), 2);
        let mut closed = Manual::new(tx.closed());
        closed.pending();
        drop(rx);
        closed.pending();
        drop(rx2);
        assert!(closed.is_woken());
        closed.ready();
        assert!(tx.is_closed());
        assert!(tx.send(()).is_err());
        let rx3 = tx.subscribe();
        assert!(!tx.is_closed());
        let tx2 = tx.clone();
        assert_eq!(tx.sender_count(), 2);
        assert!(tx.same_channel(&tx2) && rx3.same_channel(&rx3.clone()));
    }

    #[test]
    fn mark_changed_and_unchanged() {
        let (tx, mut rx) = channel(0);
        rx.mark_changed();
        assert!(rx.has_changed().unwrap());
        block_on(rx.changed()).unwrap();
        tx.send(1).unwrap();
        rx.mark_unchanged();
        assert!(!rx.has_changed().unwrap());
    }
}
