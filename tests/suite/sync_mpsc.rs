//! `avx::sync::mpsc`: bounded and unbounded channels, permits, weak senders,
//! closing, the error types, blocking use, cancellation and `Drop` semantics.

use std::sync::Arc;

use avx::sync::mpsc::error::{SendError, TryRecvError, TrySendError};
use avx::sync::mpsc::{
    self, OwnedPermit, Permit, PermitIterator, Receiver, Sender, UnboundedReceiver,
    UnboundedSender, WeakSender, WeakUnboundedSender,
};

use super::sync_util::Polled;

rt_test! {
    async fn bounded_channel_delivers_in_order() {
        let (tx, mut rx): (Sender<i32>, Receiver<i32>) = mpsc::channel(8);
        for i in 0..8 {
            tx.send(i).await.unwrap();
        }
        for i in 0..8 {
            assert_eq!(rx.recv().await, Some(i));
        }
    }
}

mt_test! {
    async fn producers_in_other_tasks() {
        let (tx, mut rx) = mpsc::channel(4);
        for p in 0..4 {
            let tx = tx.clone();
            avx::spawn(async move {
                for i in 0..100 {
                    tx.send((p, i)).await.unwrap();
                }
            });
        }
        drop(tx);
        let mut next = [0; 4];
        while let Some((p, i)) = rx.recv().await {
            assert_eq!(next[p], i, "each producer's messages stay in order");
            next[p] += 1;
        }
        assert_eq!(next, [100; 4]);
    }
}

#[test]
#[should_panic(expected = "mpsc bounded channel requires buffer > 0")]
fn a_zero_buffer_panics() {
    let _ = mpsc::channel::<u8>(0);
}

rt_test! {
    async fn a_full_channel_makes_senders_wait_in_order() {
        let (tx, mut rx) = mpsc::channel(1);
        tx.send(0).await.unwrap();
        let mut first = Polled::new(tx.send(1));
        let mut second = Polled::new(tx.send(2));
        first.pending();
        second.pending();
        assert_eq!(rx.recv().await, Some(0));
        assert!(first.is_woken());
        assert!(!second.is_woken());
        first.ready().unwrap();
        second.pending();
        assert_eq!(rx.recv().await, Some(1));
        second.ready().unwrap();
        assert_eq!(rx.recv().await, Some(2));
    }
}

rt_test! {
    async fn try_send_reports_full_and_closed() {
        let (tx, rx) = mpsc::channel(1);
        tx.try_send(1).unwrap();
        let full = tx.try_send(2).unwrap_err();
        assert!(matches!(full, TrySendError::Full(2)));
        assert_eq!(full.to_string(), "no available capacity");
        assert_eq!(format!("{full:?}"), "Full(..)");
        drop(rx);
        let closed = tx.try_send(3).unwrap_err();
        assert!(matches!(closed, TrySendError::Closed(3)));
        assert_eq!(closed.to_string(), "channel closed");
        assert_eq!(closed.into_inner(), 3);
        let from: TrySendError<u8> = SendError(4).into();
        assert!(matches!(from, TrySendError::Closed(4)));
    }
}

rt_test! {
    async fn send_fails_with_the_value_once_the_receiver_is_gone() {
        let (tx, rx) = mpsc::channel(1);
        drop(rx);
        assert!(tx.is_closed());
        let err = tx.send(5).await.unwrap_err();
        assert_eq!(err, SendError(5));
        assert_eq!(err.to_string(), "channel closed");
        assert!(tx.reserve().await.is_err());
    }
}

rt_test! {
    async fn dropping_all_senders_ends_the_stream_after_the_buffer() {
        let (tx, mut rx) = mpsc::channel(2);
        let tx2 = tx.clone();
        tx.send(1).await.unwrap();
        tx2.send(2).await.unwrap();
        drop((tx, tx2));
        assert!(rx.is_closed());
        assert_eq!(rx.recv().await, Some(1));
        assert_eq!(rx.try_recv(), Ok(2));
        assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
        assert_eq!(rx.recv().await, None);
        assert_eq!(
            TryRecvError::Disconnected.to_string(),
            "receiving on a closed channel"
        );
    }
}

rt_test! {
    async fn try_recv_on_an_empty_open_channel() {
        let (_tx, mut rx) = mpsc::channel::<u8>(1);
        assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
        assert_eq!(
            TryRecvError::Empty.to_string(),
            "receiving on an empty channel"
        );
    }
}

rt_test! {
    async fn close_drains_and_waits_for_outstanding_permits() {
        let (tx, mut rx) = mpsc::channel(4);
        tx.send(1).await.unwrap();
        let permit = tx.reserve().await.unwrap();
        rx.close();
        assert!(rx.is_closed());
        assert!(tx.is_closed());
        assert!(tx.send(2).await.is_err());
        assert_eq!(rx.recv().await, Some(1));
        {
            let mut recv = Polled::new(rx.recv());
            recv.pending(); // Not the end yet: a permit is outstanding.
            permit.send(3);
            assert!(recv.is_woken());
            assert_eq!(recv.ready(), Some(3));
        }
        assert_eq!(rx.recv().await, None);
    }
}

rt_test! {
    async fn an_unused_permit_after_close_lets_the_stream_end() {
        let (tx, mut rx) = mpsc::channel::<u8>(2);
        let permit = tx.reserve().await.unwrap();
        rx.close();
        let mut recv = Polled::new(rx.recv());
        recv.pending();
        drop(permit);
        assert!(recv.is_woken());
        assert_eq!(recv.ready(), None);
    }
}

rt_test! {
    async fn dropping_the_receiver_drops_buffered_messages() {
        let marker = Arc::new(());
        let (tx, rx) = mpsc::channel(2);
        tx.send(Arc::clone(&marker)).await.unwrap();
        let (utx, urx) = mpsc::unbounded_channel();
        utx.send(Arc::clone(&marker)).unwrap();
        assert_eq!(Arc::strong_count(&marker), 3);
        drop((rx, urx));
        assert_eq!(Arc::strong_count(&marker), 1);
    }
}

rt_test! {
    async fn closed_completes_when_the_receiver_goes() {
        let (tx, rx) = mpsc::channel::<u8>(1);
        let mut closed = Polled::new(tx.closed());
        closed.pending();
        drop(rx);
        assert!(closed.is_woken());
        closed.ready();
        tx.closed().await; // Stays closed.
    }
}

rt_test! {
    async fn cancelling_recv_takes_no_message() {
        let (tx, mut rx) = mpsc::channel(1);
        {
            let mut recv = Polled::new(rx.recv());
            recv.pending();
        }
        tx.send(1).await.unwrap();
        {
            let mut recv_many = Polled::new(async {
                let mut buffer = Vec::new();
                rx.recv_many(&mut buffer, 4).await;
                buffer
            });
            assert_eq!(recv_many.ready(), vec![1]);
        }
        assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    }
}

rt_test! {
    async fn cancelling_reserve_hands_the_capacity_on() {
        let (tx, mut rx) = mpsc::channel(1);
        tx.send(0).await.unwrap();
        let mut first = Polled::new(tx.reserve());
        let mut second = Polled::new(tx.reserve());
        first.pending();
        second.pending();
        assert_eq!(rx.recv().await, Some(0));
        drop(first);
        assert!(second.is_woken());
        let permit: Permit<'_, i32> = second.ready().unwrap();
        permit.send(1);
        assert_eq!(rx.recv().await, Some(1));
    }
}

rt_test! {
    async fn permits_hold_and_return_capacity() {
        let (tx, mut rx) = mpsc::channel(2);
        assert_eq!((tx.capacity(), tx.max_capacity()), (2, 2));
        let permit = tx.try_reserve().unwrap();
        assert_eq!(tx.capacity(), 1);
        assert_eq!(rx.capacity(), 1);
        drop(permit);
        assert_eq!(tx.capacity(), 2);
        tx.reserve().await.unwrap().send(1);
        assert_eq!((rx.len(), rx.capacity(), rx.max_capacity()), (1, 1, 2));
        assert!(!rx.is_empty());
        rx.recv().await.unwrap();
        assert!(rx.is_empty());
        assert_eq!(tx.capacity(), 2);
    }
}

rt_test! {
    async fn reserve_many_and_try_reserve_many() {
        let (tx, mut rx) = mpsc::channel(3);
        assert!(tx.reserve_many(4).await.is_err());
        assert!(matches!(
            tx.try_reserve_many(4),
            Err(TrySendError::Full(()))
        ));
        let mut permits: PermitIterator<'_, u32> = tx.reserve_many(2).await.unwrap();
        assert_eq!(permits.len(), 2);
        assert_eq!(tx.capacity(), 1);
        permits.next().unwrap().send(1);
        drop(permits); // The unused one returns.
        assert_eq!(tx.capacity(), 2);
        let permits = tx.try_reserve_many(2).unwrap();
        for (i, permit) in permits.enumerate() {
            permit.send(10 + i as u32);
        }
        let mut buffer = Vec::new();
        assert_eq!(rx.recv_many(&mut buffer, 8).await, 3);
        assert_eq!(buffer, vec![1, 10, 11]);
        drop(rx);
        assert!(matches!(
            tx.try_reserve_many(1),
            Err(TrySendError::Closed(()))
        ));
    }
}

rt_test! {
    async fn owned_permits() {
        let (tx, mut rx) = mpsc::channel(1);
        let permit: OwnedPermit<u8> = tx.clone().reserve_owned().await.unwrap();
        assert!(permit.same_channel_as_sender(&tx));
        let tx = match tx.try_reserve_owned() {
            Err(TrySendError::Full(tx)) => tx,
            _ => panic!("the channel is full"),
        };
        let sender = permit.send(1);
        assert!(sender.same_channel(&tx));
        assert_eq!(rx.recv().await, Some(1));
        let a = tx.clone().try_reserve_owned().unwrap();
        let tx = a.release();
        assert_eq!(tx.capacity(), 1);
        let a = tx.clone().try_reserve_owned().unwrap();
        drop(a);
        assert_eq!(tx.capacity(), 1);
    }
}

rt_test! {
    async fn recv_many_limits() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        for i in 0..5 {
            tx.send(i).unwrap();
        }
        let mut buffer = vec![-1];
        assert_eq!(rx.recv_many(&mut buffer, 0).await, 0);
        assert_eq!(rx.recv_many(&mut buffer, 2).await, 2);
        assert_eq!(rx.recv_many(&mut buffer, 10).await, 3);
        assert_eq!(buffer, vec![-1, 0, 1, 2, 3, 4]);
        drop(tx);
        assert_eq!(rx.recv_many(&mut buffer, 10).await, 0);
    }
}

rt_test! {
    async fn poll_recv_and_poll_recv_many() {
        let (tx, mut rx) = mpsc::channel(2);
        let pending = std::future::poll_fn(|cx| std::task::Poll::Ready(rx.poll_recv(cx).is_pending()));
        assert!(pending.await);
        tx.send(1).await.unwrap();
        tx.send(2).await.unwrap();
        assert_eq!(std::future::poll_fn(|cx| rx.poll_recv(cx)).await, Some(1));
        let mut buffer = Vec::new();
        let n = std::future::poll_fn(|cx| rx.poll_recv_many(cx, &mut buffer, 5)).await;
        assert_eq!((n, buffer), (1, vec![2]));
    }
}

rt_test! {
    async fn weak_senders() {
        let (tx, mut rx) = mpsc::channel::<u8>(1);
        let weak: WeakSender<u8> = tx.downgrade();
        assert_eq!((tx.strong_count(), tx.weak_count()), (1, 1));
        assert_eq!((weak.strong_count(), weak.weak_count()), (1, 1));
        let upgraded = weak.upgrade().unwrap();
        assert_eq!(rx.sender_strong_count(), 2);
        upgraded.send(1).await.unwrap();
        drop((tx, upgraded));
        // Weak senders do not keep the channel open.
        assert!(weak.upgrade().is_none());
        assert_eq!(rx.recv().await, Some(1));
        assert_eq!(rx.recv().await, None);
        let weak2 = weak.clone();
        assert_eq!(rx.sender_weak_count(), 2);
        drop((weak, weak2));
        assert_eq!(rx.sender_weak_count(), 0);
    }
}

rt_test! {
    async fn unbounded_channel_basics() {
        let (tx, mut rx): (UnboundedSender<u8>, UnboundedReceiver<u8>) = mpsc::unbounded_channel();
        for i in 0..100 {
            tx.send(i).unwrap();
        }
        assert_eq!(rx.len(), 100);
        for i in 0..100 {
            assert_eq!(rx.recv().await, Some(i));
        }
        assert!(rx.is_empty());
        let weak: WeakUnboundedSender<u8> = tx.downgrade();
        assert!(weak.upgrade().unwrap().same_channel(&tx));
        assert_eq!((tx.strong_count(), tx.weak_count()), (1, 1));
        rx.close();
        assert!(tx.is_closed());
        assert_eq!(tx.send(1), Err(SendError(1)));
        tx.closed().await;
        assert_eq!(rx.recv().await, None);
    }
}

rt_test! {
    async fn unbounded_recv_is_woken_by_a_send() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let mut recv = Polled::new(rx.recv());
        recv.pending();
        tx.send("hi").unwrap();
        assert!(recv.is_woken());
        assert_eq!(recv.ready(), Some("hi"));
    }
}

#[test]
fn blocking_send_and_recv_outside_a_runtime() {
    let (tx, mut rx) = mpsc::channel(1);
    let producer = std::thread::spawn(move || {
        for i in 0..50 {
            tx.blocking_send(i).unwrap();
        }
    });
    for i in 0..50 {
        assert_eq!(rx.blocking_recv(), Some(i));
    }
    producer.join().unwrap();
    assert_eq!(rx.blocking_recv(), None);

    let (tx, mut rx) = mpsc::unbounded_channel();
    tx.send(1).unwrap();
    tx.send(2).unwrap();
    drop(tx);
    let mut buffer = Vec::new();
    assert_eq!(rx.blocking_recv_many(&mut buffer, 8), 2);
    assert_eq!(rx.blocking_recv(), None);
}

rt_test! {
    #[should_panic(expected = "Cannot block the current thread from within a runtime")]
    async fn blocking_recv_inside_a_runtime_panics() {
        let (tx, mut rx) = mpsc::channel::<u8>(1);
        drop(tx); // If the check were missing, the call would return `None`, not hang.
        let _ = rx.blocking_recv();
    }
}

mt_test! {
    async fn sync_producer_async_consumer() {
        let (tx, mut rx) = mpsc::channel(2);
        let producer = std::thread::spawn(move || {
            for i in 0..20 {
                tx.blocking_send(i).unwrap();
            }
        });
        for i in 0..20 {
            assert_eq!(rx.recv().await, Some(i));
        }
        assert_eq!(rx.recv().await, None);
        producer.join().unwrap();
    }
}

rt_test! {
    async fn send_timeout_gives_up_on_a_full_channel() {
        use avx::sync::mpsc::error::SendTimeoutError;
        use std::time::Duration;

        let (tx, mut rx) = mpsc::channel(1);
        tx.send(1).await.unwrap();
        let err = tx
            .send_timeout(2, Duration::from_millis(10))
            .await
            .unwrap_err();
        assert!(matches!(err, SendTimeoutError::Timeout(2)));
        assert_eq!(err.to_string(), "timed out waiting on send operation");
        assert_eq!(rx.recv().await, Some(1));
        tx.send_timeout(3, Duration::from_secs(60)).await.unwrap();
        rx.close();
        let err = tx
            .send_timeout(4, Duration::from_secs(60))
            .await
            .unwrap_err();
        assert!(matches!(err, SendTimeoutError::Closed(4)));
        assert_eq!(err.into_inner(), 4);
    }
}

#[test]
fn mpsc_handles_are_send_and_sync() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    let (tx, rx) = mpsc::channel::<String>(1);
    send_sync(&tx);
    send_sync(&rx);
    send_sync(&tx.send(String::new()));
    send_sync(&tx.downgrade());
    let (tx, rx) = mpsc::unbounded_channel::<String>();
    send_sync(&tx);
    send_sync(&rx);
}

#[cfg(feature = "tokio")]
#[test]
fn mpsc_across_a_native_and_a_tokio_runtime() {
    use super::sync_util::runtime_on;
    use avx::runtime::Backend;

    let native = runtime_on(Backend::Native);
    let tokio = runtime_on(Backend::Tokio);
    let (tx, mut rx) = mpsc::channel(2);
    let (utx, mut urx) = mpsc::unbounded_channel();
    let producer = tokio.spawn(async move {
        for i in 0..200u32 {
            tx.send(i).await.unwrap();
        }
        drop(tx);
        urx.recv().await
    });
    native.block_on(async move {
        for i in 0..200 {
            assert_eq!(rx.recv().await, Some(i));
        }
        assert_eq!(rx.recv().await, None);
        utx.send("done").unwrap();
    });
    assert_eq!(tokio.block_on(producer).unwrap(), Some("done"));
}
