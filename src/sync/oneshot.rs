//! A channel for sending a single value between tasks.
//!
//! [`channel`] returns a [`Sender`] and a [`Receiver`]. [`Sender::send`] is not async,
//! so it works from any code, on any runtime; the `Receiver` is a future of the value.
//! If the `Sender` is dropped without sending, the `Receiver` fails with
//! [`error::RecvError`]. If the `Receiver` is closed before it receives a value that
//! was sent, the value stays in the channel until the `Receiver` is dropped.
//!
//! # State
//!
//! Both halves share one `Inner` under a lock:
//!
//! ```text
//!   open ──send──▶ complete + value     ──rx takes it──▶ (receiver terminated)
//!   open ──Sender dropped──▶ complete, no value           (receiver gets RecvError)
//!   open ──close / Receiver dropped──▶ closed             (send fails, Sender::closed wakes)
//! ```
//!
//! `complete` and `closed` are never cleared. Each side parks its waker in the shared
//! state; the other side takes it under the lock and wakes it after unlocking.
//!
//! The sender sets `complete` before it drops its handle, and drops it before it
//! wakes the receiver. So a receiver that finds itself the last handle knows the
//! outcome is settled and takes the state with `Arc::into_inner`, without locking:
//! on a round trip across threads that saves the lock's two contended atomics.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker, ready};

use super::park;
use super::rt;
use crate::loom::sync::Mutex;

/// `oneshot` error types.
pub mod error {
    use std::fmt;

    /// Error of the `Receiver` future: the `Sender` was dropped without sending.
    #[derive(Debug, Eq, PartialEq, Clone)]
    pub struct RecvError(pub(super) ());

    impl fmt::Display for RecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("channel closed")
        }
    }

    impl std::error::Error for RecvError {}

    /// Error of [`Receiver::try_recv`](super::Receiver::try_recv).
    #[derive(Debug, Eq, PartialEq, Clone)]
    pub enum TryRecvError {
        /// No value has been sent yet.
        Empty,
        /// The `Sender` was dropped without sending, or the value was already taken.
        Closed,
    }

    impl fmt::Display for TryRecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                TryRecvError::Empty => f.write_str("channel empty"),
                TryRecvError::Closed => f.write_str("channel closed"),
            }
        }
    }

    impl std::error::Error for TryRecvError {}
}

use error::{RecvError, TryRecvError};

/// Creates a one-shot channel.
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let inner = Arc::new(Inner {
        state: Mutex::new(State {
            value: None,
            complete: false,
            closed: false,
            rx_waker: None,
            tx_waker: None,
        }),
    });
    (
        Sender {
            inner: Some(Arc::clone(&inner)),
        },
        Receiver { inner: Some(inner) },
    )
}

struct Inner<T> {
    state: Mutex<State<T>>,
}

struct State<T> {
    value: Option<T>,
    /// The sender sent a value or was dropped.
    complete: bool,
    /// The receiver was closed or dropped.
    closed: bool,
    /// Woken when `complete` is set.
    rx_waker: Option<Waker>,
    /// Woken when `closed` is set.
    tx_waker: Option<Waker>,
}

/// Sends a value to the associated [`Receiver`].
pub struct Sender<T> {
    /// `None` once the value is sent.
    inner: Option<Arc<Inner<T>>>,
}

/// Receives the value of the associated [`Sender`]; a future of
/// `Result<T, RecvError>`.
///
/// Polling it after it returned `Ready` panics; see
/// [`is_terminated`](Receiver::is_terminated).
pub struct Receiver<T> {
    /// `None` once the receiver has yielded its result.
    inner: Option<Arc<Inner<T>>>,
}

impl<T> Sender<T> {
    /// Sends `t`, or gives it back if the receiver is closed or dropped.
    ///
    /// `Ok` does not mean the value will be received: the receiver may still be
    /// dropped before it takes the value.
    pub fn send(mut self, t: T) -> Result<(), T> {
        let inner = self.inner.take().expect(SENT);
        let mut state = inner.state.lock();
        if state.closed {
            // The sender is gone all the same: a receiver polled after its `close`
            // finds itself the last handle and relies on `complete` being set.
            state.complete = true;
            return Err(t);
        }
        state.value = Some(t);
        state.complete = true;
        let waker = state.rx_waker.take();
        drop(state);
        // Let go of the channel before waking the receiver, so that it usually
        // finds itself the last handle and takes the value without locking.
        drop(inner);
        if let Some(waker) = waker {
            waker.wake();
        }
        Ok(())
    }

    /// Waits until the receiver is closed or dropped.
    pub async fn closed(&mut self) {
        std::future::poll_fn(|cx| self.poll_closed(cx)).await;
    }

    /// Whether the receiver is closed or dropped; if so, `send` will fail.
    pub fn is_closed(&self) -> bool {
        self.inner.as_ref().expect(SENT).state.lock().closed
    }

    /// `Ready` once the receiver is closed or dropped; otherwise registers `cx`'s
    /// waker (replacing the one from the previous call) and returns `Pending`.
    pub fn poll_closed(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let coop = ready!(rt::poll_proceed(cx));
        let inner = self.inner.as_ref().expect(SENT);
        let mut state = inner.state.lock();
        if state.closed {
            coop.made_progress();
            return Poll::Ready(());
        }
        let old = replace_waker(&mut state.tx_waker, cx.waker());
        drop(state);
        drop(old);
        Poll::Pending
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let Some(inner) = self.inner.take() else {
            return;
        };
        let mut state = inner.state.lock();
        state.complete = true;
        let waker = state.rx_waker.take();
        let old = state.tx_waker.take();
        drop(state);
        drop(old);
        // As in `send`: the receiver then usually takes the fast path.
        drop(inner);
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl<T> Receiver<T> {
    /// Closes the channel without dropping the receiver: a later `send` fails. A
    /// value sent before can still be taken with [`try_recv`](Receiver::try_recv).
    /// Does nothing once the value was received.
    pub fn close(&mut self) {
        if let Some(inner) = &self.inner {
            Self::close_inner(inner);
        }
    }

    /// Whether the receiver has yielded its result (from `.await` or `try_recv`);
    /// it must not be polled again.
    pub fn is_terminated(&self) -> bool {
        self.inner.is_none()
    }

    /// Whether the channel holds no value (also true once terminated).
    pub fn is_empty(&self) -> bool {
        match &self.inner {
            None => true,
            Some(inner) => inner.state.lock().value.is_none(),
        }
    }

    /// Takes the value if one was sent, without waiting or registering a waker.
    ///
    /// Fails with [`TryRecvError::Empty`] if nothing was sent yet, and with
    /// [`TryRecvError::Closed`] if the sender was dropped without sending, the
    /// channel was closed before a send, or the value was already taken.
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        let result = match &self.inner {
            None => Err(TryRecvError::Closed),
            Some(inner) => {
                let mut state = inner.state.lock();
                if state.complete {
                    state.value.take().ok_or(TryRecvError::Closed)
                } else if state.closed {
                    Err(TryRecvError::Closed)
                } else {
                    return Err(TryRecvError::Empty);
                }
            }
        };
        self.inner = None;
        result
    }

    /// Waits for the value, blocking the current thread.
    ///
    /// # Panics
    ///
    /// Panics if called from within an asynchronous execution context.
    #[track_caller]
    pub fn blocking_recv(self) -> Result<T, RecvError> {
        park::block_on(self)
    }

    fn close_inner(inner: &Inner<T>) {
        let mut state = inner.state.lock();
        state.closed = true;
        let waker = if state.complete {
            None
        } else {
            state.tx_waker.take()
        };
        let old = state.rx_waker.take();
        drop(state);
        drop(old);
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl<T> Future for Receiver<T> {
    type Output = Result<T, RecvError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let inner = this.inner.as_ref().expect("called after complete");
        let coop = ready!(rt::poll_proceed(cx));
        if Arc::strong_count(inner) == 1 {
            // The sender is gone, and it set `complete` before it let go of the
            // channel: this handle is the last, so the state is ours without a
            // lock (`into_inner` synchronises with the sender's release of it).
            let inner = this.inner.take().expect("checked above");
            let state = Arc::into_inner(inner)
                .expect("no other handle exists")
                .state
                .into_inner();
            debug_assert!(state.complete);
            coop.made_progress();
            return Poll::Ready(state.value.ok_or(RecvError(())));
        }
        let mut state = inner.state.lock();
        let result = if state.complete {
            state.value.take().ok_or(RecvError(()))
        } else if state.closed {
            Err(RecvError(()))
        } else {
            let old = replace_waker(&mut state.rx_waker, cx.waker());
            drop(state);
            drop(old);
            return Poll::Pending;
        };
        drop(state);
        coop.made_progress();
        this.inner = None;
        Poll::Ready(result)
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let Some(inner) = self.inner.take() else {
            return;
        };
        Self::close_inner(&inner);
        // A value sent but never received is dropped now, not with the last handle.
        let value = inner.state.lock().value.take();
        drop(value);
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field(
                "closed",
                &self.inner.as_ref().map(|i| i.state.lock().closed),
            )
            .finish()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("terminated", &self.inner.is_none())
            .finish()
    }
}

/// Stores `waker` unless the stored one wakes the same task; returns the replaced
/// waker, to be dropped after unlocking.
fn replace_waker(slot: &mut Option<Waker>, waker: &Waker) -> Option<Waker> {
    match slot {
        Some(current) if current.will_wake(waker) => None,
        _ => slot.replace(waker.clone()),
    }
}

const SENT: &str = "a Sender is consumed by send";

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::sync::test_util::{Manual, block_on};

    #[test]
    fn send_then_receive() {
        let (tx, rx) = channel();
        assert!(tx.send(1).is_ok());
        assert_eq!(block_on(rx), Ok(1));
    }

    #[test]
    fn a_waiting_receiver_is_woken_by_send() {
        let (tx, rx) = channel();
        let mut rx = Manual::new(rx);
        rx.pending();
        tx.send("x").unwrap();
        assert!(rx.is_woken());
        assert_eq!(rx.ready(), Ok("x"));
    }

    #[test]
    fn dropping_the_sender_fails_the_receiver() {
        let (tx, rx) = channel::<u8>();
        let mut rx = Manual::new(rx);
        rx.pending();
        drop(tx);
        assert!(rx.is_woken());
        assert_eq!(rx.ready(), Err(RecvError(())));
    }

    #[test]
    fn send_fails_after_close_or_drop_and_closed_wakes() {
        let (mut tx, mut rx) = channel::<u8>();
        assert!(!tx.is_closed());
        {
            let mut closed = Manual::new(tx.closed());
            closed.pending();
            rx.close();
            assert!(closed.is_woken());
            closed.ready();
        }
        assert!(tx.is_closed());
        assert_eq!(tx.send(1), Err(1));
        assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));

        let (tx, rx) = channel::<u8>();
        drop(rx);
        assert_eq!(tx.send(2), Err(2));
    }

    #[test]
    fn a_value_sent_before_close_can_still_be_taken() {
        let (tx, mut rx) = channel();
        tx.send(5).unwrap();
        rx.close();
        assert!(!rx.is_empty());
        assert_eq!(rx.try_recv(), Ok(5));
        assert!(rx.is_terminated());
        assert!(rx.is_empty());
    }

    #[test]
    fn try_recv_states() {
        let (tx, mut rx) = channel();
        assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
        assert!(!rx.is_terminated());
        tx.send(1).unwrap();
        assert_eq!(rx.try_recv(), Ok(1));
        assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
        let (tx, mut rx) = channel::<u8>();
        drop(tx);
        assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
        assert!(rx.is_terminated());
    }

    #[test]
    fn dropping_the_receiver_drops_a_sent_value_at_once() {
        let marker = Arc::new(());
        let (tx, rx) = channel();
        tx.send(Arc::clone(&marker)).unwrap();
        drop(rx);
        assert_eq!(Arc::strong_count(&marker), 1);
    }

    #[test]
    #[should_panic(expected = "called after complete")]
    fn polling_after_completion_panics() {
        let (tx, rx) = channel();
        tx.send(()).unwrap();
        let mut rx = Manual::new(rx);
        let _ = rx.ready();
        let _ = rx.poll();
    }

    #[test]
    fn blocking_recv_across_threads() {
        let (tx, rx) = channel();
        let thread = std::thread::spawn(move || tx.send(9).unwrap());
        assert_eq!(rx.blocking_recv(), Ok(9));
        thread.join().unwrap();
    }

    #[test]
    fn handles_are_send_and_sync() {
        fn send_sync<T: Send + Sync>(_: &T) {}
        let (tx, rx) = channel::<u8>();
        send_sync(&tx);
        send_sync(&rx);
    }
}

#[cfg(all(loom, test))]
mod loom_models {
    use super::*;
    use crate::loom::model::block_on;
    use loom::thread;

    #[test]
    fn value_sent_from_another_thread_arrives() {
        loom::model(|| {
            let (tx, rx) = channel();
            let thread = thread::spawn(move || tx.send(1).unwrap());
            assert_eq!(block_on(rx), Ok(1));
            thread.join().unwrap();
        });
    }

    #[test]
    fn dropped_sender_wakes_the_receiver() {
        loom::model(|| {
            let (tx, rx) = channel::<u8>();
            let thread = thread::spawn(move || drop(tx));
            assert!(block_on(rx).is_err());
            thread.join().unwrap();
        });
    }

    #[test]
    fn receiver_drop_wakes_closed_and_send_either_lands_or_returns() {
        loom::model(|| {
            let (mut tx, rx) = channel::<u8>();
            let thread = thread::spawn(move || drop(rx));
            block_on(tx.closed());
            assert_eq!(tx.send(1), Err(1));
            thread.join().unwrap();
        });
    }

    #[test]
    fn send_races_close() {
        loom::model(|| {
            let (tx, mut rx) = channel::<u8>();
            let thread = thread::spawn(move || tx.send(1));
            rx.close();
            let sent = thread.join().unwrap();
            // Either the value landed before close and can be taken, or send failed.
            match rx.try_recv() {
                Ok(1) => assert!(sent.is_ok()),
                Err(TryRecvError::Closed) => assert_eq!(sent, Err(1)),
                other => panic!("unexpected {other:?}"),
            }
        });
    }
}
