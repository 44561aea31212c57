//! `avx::sync::broadcast`: fan-out, lagging, closing, counts, weak senders, and
//! what dropping a receiver or a receive future does.

use std::sync::Arc;

use avx::sync::broadcast::{
    self, Receiver, Sender, WeakSender,
    error::{RecvError, SendError, TryRecvError},
};

use super::sync_util::Polled;

rt_test! {
    async fn every_receiver_gets_every_value_in_order() {
        let (tx, mut a): (Sender<i32>, Receiver<i32>) = broadcast::channel(16);
        let mut b = tx.subscribe();
        for i in 0..5 {
            assert_eq!(tx.send(i).unwrap(), 2);
        }
        for i in 0..5 {
            assert_eq!(a.recv().await, Ok(i));
            assert_eq!(b.recv().await, Ok(i));
        }
    }
}

mt_test! {
    async fn fan_out_to_tasks() {
        let (tx, rx) = broadcast::channel(32);
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let mut rx = rx.resubscribe();
            tasks.push(avx::spawn(async move {
                let mut sum = 0u64;
                loop {
                    match rx.recv().await {
                        Ok(v) => sum += v,
                        Err(RecvError::Closed) => return sum,
                        Err(RecvError::Lagged(n)) => panic!("lagged by {n}"),
                    }
                }
            }));
        }
        drop(rx);
        for i in 0..20u64 {
            tx.send(i).unwrap();
        }
        drop(tx);
        for task in tasks {
            assert_eq!(task.await.unwrap(), (0..20).sum::<u64>());
        }
    }
}

rt_test! {
    async fn a_subscriber_sees_only_later_values() {
        let (tx, mut first) = broadcast::channel(4);
        tx.send(1).unwrap();
        let mut second = tx.subscribe();
        tx.send(2).unwrap();
        assert_eq!(first.recv().await, Ok(1));
        assert_eq!(second.recv().await, Ok(2));
        let mut third = first.resubscribe();
        assert_eq!(first.recv().await, Ok(2));
        assert_eq!(third.try_recv(), Err(TryRecvError::Empty));
    }
}

rt_test! {
    async fn a_waiting_receiver_is_woken_by_send() {
        let (tx, mut rx) = broadcast::channel(2);
        let mut recv = Polled::new(rx.recv());
        recv.pending();
        tx.send(7).unwrap();
        assert!(recv.is_woken());
        assert_eq!(recv.ready(), Ok(7));
    }
}

rt_test! {
    async fn a_slow_receiver_lags_then_resumes_at_the_oldest_value() {
        let (tx, mut rx) = broadcast::channel(2);
        for i in 0..5 {
            tx.send(i).unwrap();
        }
        assert_eq!(rx.len(), 5);
        let lagged = rx.recv().await.unwrap_err();
        assert_eq!(lagged, RecvError::Lagged(3));
        assert_eq!(lagged.to_string(), "channel lagged by 3");
        assert_eq!(rx.recv().await, Ok(3));
        assert_eq!(rx.try_recv(), Ok(4));
        assert!(rx.is_empty());
    }
}

rt_test! {
    async fn capacity_rounds_up_to_a_power_of_two() {
        let (tx, mut rx) = broadcast::channel(3);
        for i in 0..4 {
            tx.send(i).unwrap();
        }
        // Four values fit in a buffer of four: no lag.
        for i in 0..4 {
            assert_eq!(rx.try_recv(), Ok(i));
        }
        for i in 0..5 {
            tx.send(i).unwrap();
        }
        assert_eq!(rx.try_recv(), Err(TryRecvError::Lagged(1)));
    }
}

rt_test! {
    async fn closing_delivers_what_is_left_then_closed() {
        let (tx, mut rx) = broadcast::channel(4);
        tx.send(1).unwrap();
        drop(tx);
        assert!(rx.is_closed());
        assert_eq!(rx.recv().await, Ok(1));
        assert_eq!(rx.recv().await, Err(RecvError::Closed));
        assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
        assert_eq!(RecvError::Closed.to_string(), "channel closed");
        assert_eq!(TryRecvError::Empty.to_string(), "channel empty");
    }
}

rt_test! {
    async fn dropping_the_last_sender_wakes_receivers() {
        let (tx, mut rx) = broadcast::channel::<u8>(2);
        let mut recv = Polled::new(rx.recv());
        recv.pending();
        drop(tx);
        assert!(recv.is_woken());
        assert_eq!(recv.ready(), Err(RecvError::Closed));
    }
}

rt_test! {
    async fn send_fails_without_receivers() {
        let (tx, rx) = broadcast::channel(2);
        drop(rx);
        let err: SendError<i32> = tx.send(5).unwrap_err();
        assert_eq!(err.0, 5);
        assert_eq!(err.to_string(), "channel closed");
        let tx2 = broadcast::Sender::<u8>::new(2);
        assert_eq!(tx2.receiver_count(), 0);
        assert!(tx2.send(1).is_err());
        let mut rx = tx2.subscribe();
        tx2.send(2).unwrap();
        assert_eq!(rx.recv().await, Ok(2));
    }
}

rt_test! {
    async fn closed_completes_when_the_last_receiver_goes() {
        let (tx, rx) = broadcast::channel::<u8>(2);
        let rx2 = tx.subscribe();
        let mut closed = Polled::new(tx.closed());
        closed.pending();
        drop(rx);
        closed.pending();
        drop(rx2);
        assert!(closed.is_woken());
        closed.ready();
    }
}

rt_test! {
    async fn cancelling_recv_takes_no_value() {
        let (tx, mut rx) = broadcast::channel(2);
        {
            let mut recv = Polled::new(rx.recv());
            recv.pending();
        }
        tx.send(1).unwrap();
        assert_eq!(rx.recv().await, Ok(1));
    }
}

rt_test! {
    async fn values_are_released_when_every_receiver_has_them() {
        let marker = Arc::new(());
        let (tx, mut a) = broadcast::channel(4);
        let b = tx.subscribe();
        tx.send(Arc::clone(&marker)).unwrap();
        assert_eq!((tx.len(), tx.is_empty()), (1, false));
        drop(a.recv().await.unwrap());
        assert_eq!(Arc::strong_count(&marker), 2, "b has not read it yet");
        drop(b); // A dropped receiver counts as having read it.
        assert_eq!(Arc::strong_count(&marker), 1);
        assert!(tx.is_empty());
    }
}

rt_test! {
    async fn counts_weak_senders_and_same_channel() {
        let (tx, rx) = broadcast::channel::<u8>(2);
        assert_eq!(tx.receiver_count(), 1);
        let weak: WeakSender<u8> = tx.downgrade();
        assert_eq!((tx.strong_count(), tx.weak_count()), (1, 1));
        assert_eq!((rx.sender_strong_count(), rx.sender_weak_count()), (1, 1));
        let strong = weak.upgrade().unwrap();
        assert!(strong.same_channel(&tx));
        assert!(rx.same_channel(&tx.subscribe()));
        drop((tx, strong));
        assert!(weak.upgrade().is_none());
        assert!(rx.is_closed());
    }
}

#[test]
#[should_panic(expected = "broadcast channel capacity cannot be zero")]
fn zero_capacity_panics() {
    let _ = broadcast::channel::<u8>(0);
}

#[test]
fn blocking_recv_outside_a_runtime() {
    let (tx, mut rx) = broadcast::channel(2);
    let thread = std::thread::spawn(move || {
        tx.send(1).unwrap();
    });
    assert_eq!(rx.blocking_recv(), Ok(1));
    thread.join().unwrap();
    assert_eq!(rx.blocking_recv(), Err(RecvError::Closed));
}

#[test]
fn broadcast_handles_are_send_and_sync() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    let (tx, mut rx) = broadcast::channel::<String>(2);
    send_sync(&tx);
    send_sync(&rx);
    send_sync(&rx.recv());
}

#[cfg(feature = "tokio")]
#[test]
fn broadcast_across_a_native_and_a_tokio_runtime() {
    use super::sync_util::runtime_on;
    use avx::runtime::Backend;

    let native = runtime_on(Backend::Native);
    let tokio = runtime_on(Backend::Tokio);
    let (tx, rx) = broadcast::channel(64);
    let receive = |mut rx: Receiver<u32>| async move {
        let mut count = 0;
        while rx.recv().await.is_ok() {
            count += 1;
        }
        count
    };
    let on_tokio = tokio.spawn(receive(rx.resubscribe()));
    let on_native = native.spawn(receive(rx));
    for i in 0..50 {
        tx.send(i).unwrap();
    }
    drop(tx);
    assert_eq!(tokio.block_on(on_tokio).unwrap(), 50);
    assert_eq!(native.block_on(on_native).unwrap(), 50);
}

#[test]
fn the_last_receiver_clones_too_and_a_panicking_clone_skips_the_value() {
    // tokio clones a value for every receiver, the last included, and a receiver
    // whose clone panicked has moved past that value.
    #[derive(Debug, PartialEq, Eq)]
    struct PanicOnCloneOfZero(usize);
    impl Clone for PanicOnCloneOfZero {
        fn clone(&self) -> Self {
            assert_ne!(self.0, 0, "cloning zero");
            PanicOnCloneOfZero(self.0)
        }
    }
    let (tx, mut rx) = broadcast::channel(16);
    tx.send(PanicOnCloneOfZero(0)).unwrap();
    tx.send(PanicOnCloneOfZero(1)).unwrap();
    let cloned = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| rx.try_recv()));
    assert!(cloned.is_err());
    assert_eq!(rx.try_recv(), Ok(PanicOnCloneOfZero(1)));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
}
