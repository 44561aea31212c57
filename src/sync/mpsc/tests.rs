use std::sync::Arc;

use super::error::{SendError, TryRecvError, TrySendError};
use super::*;
use crate::sync::test_util::{Manual, block_on};

#[test]
fn bounded_send_and_receive_in_order() {
    let (tx, mut rx) = channel(4);
    for i in 0..4 {
        block_on(tx.send(i)).unwrap();
    }
    assert_eq!(rx.len(), 4);
    assert_eq!(tx.capacity(), 0);
    for i in 0..4 {
        assert_eq!(block_on(rx.recv()), Some(i));
    }
    assert!(rx.is_empty());
    assert_eq!(tx.capacity(), 4);
}

#[test]
fn a_full_channel_makes_senders_wait_in_order() {
    let (tx, mut rx) = channel(1);
    tx.try_send(0).unwrap();
    assert_eq!(tx.try_send(9), Err(TrySendError::Full(9)));
    let mut first = Manual::new(tx.send(1));
    let mut second = Manual::new(tx.send(2));
    first.pending();
    second.pending();
    assert_eq!(rx.try_recv(), Ok(0));
    assert!(first.is_woken() && !second.is_woken());
    first.ready().unwrap();
    second.pending();
    assert_eq!(rx.try_recv(), Ok(1));
    second.ready().unwrap();
    assert_eq!(rx.try_recv(), Ok(2));
}

#[test]
fn recv_waits_and_is_woken_by_send() {
    let (tx, mut rx) = unbounded_channel();
    {
        let mut recv = Manual::new(rx.recv());
        recv.pending();
        tx.send(5).unwrap();
        assert!(recv.is_woken());
        assert_eq!(recv.ready(), Some(5));
    }
    drop(tx);
    assert_eq!(block_on(rx.recv()), None);
}

#[test]
fn dropping_every_sender_ends_the_stream_after_the_buffer() {
    let (tx, mut rx) = channel(2);
    let tx2 = tx.clone();
    tx.try_send(1).unwrap();
    drop(tx);
    assert!(!rx.is_closed());
    tx2.try_send(2).unwrap();
    drop(tx2);
    assert!(rx.is_closed());
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(block_on(rx.recv()), Some(2));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
    assert_eq!(block_on(rx.recv()), None);
}

#[test]
fn close_keeps_buffered_messages_and_waits_for_permits() {
    let (tx, mut rx) = channel(3);
    tx.try_send(1).unwrap();
    let permit = tx.try_reserve().unwrap();
    rx.close();
    assert!(tx.is_closed());
    assert_eq!(tx.try_send(2), Err(TrySendError::Closed(2)));
    assert_eq!(block_on(tx.send(3)), Err(SendError(3)));
    assert_eq!(block_on(rx.recv()), Some(1));
    // The outstanding permit keeps the channel from ending.
    {
        let mut recv = Manual::new(rx.recv());
        recv.pending();
        permit.send(4);
        assert!(recv.is_woken());
        assert_eq!(recv.ready(), Some(4));
    }
    assert_eq!(block_on(rx.recv()), None);
}

#[test]
fn dropping_an_unused_permit_after_close_ends_the_stream() {
    let (tx, mut rx) = channel::<u8>(1);
    let permit = tx.try_reserve().unwrap();
    rx.close();
    let mut recv = Manual::new(rx.recv());
    recv.pending();
    drop(permit);
    assert!(recv.is_woken());
    assert_eq!(recv.ready(), None);
}

#[test]
fn dropping_the_receiver_fails_sends_and_drops_buffered_messages() {
    let marker = Arc::new(());
    let (tx, rx) = channel(2);
    tx.try_send(Arc::clone(&marker)).unwrap();
    let permit = tx.try_reserve().unwrap();
    drop(rx);
    assert_eq!(Arc::strong_count(&marker), 1);
    assert!(tx.is_closed());
    // A permit from before still "sends", into nothing.
    permit.send(Arc::clone(&marker));
    assert_eq!(Arc::strong_count(&marker), 1);
    assert_eq!(tx.capacity(), 2);
    assert!(tx.try_send(Arc::clone(&marker)).is_err());
}

#[test]
fn closed_completes_when_the_receiver_goes() {
    let (tx, rx) = unbounded_channel::<u8>();
    let mut closed = Manual::new(tx.closed());
    closed.pending();
    drop(rx);
    assert!(closed.is_woken());
    closed.ready();
    assert_eq!(tx.send(1), Err(SendError(1)));
}

#[test]
fn cancelling_recv_loses_no_message() {
    let (tx, mut rx) = channel(1);
    {
        let mut recv = Manual::new(rx.recv());
        recv.pending();
    }
    tx.try_send(7).unwrap();
    assert_eq!(rx.try_recv(), Ok(7));
}

#[test]
fn cancelling_a_reservation_hands_capacity_on() {
    let (tx, mut rx) = channel(1);
    tx.try_send(0).unwrap();
    let mut first = Manual::new(tx.reserve());
    let mut second = Manual::new(tx.reserve());
    first.pending();
    second.pending();
    assert_eq!(rx.try_recv(), Ok(0));
    drop(first);
    assert!(second.is_woken());
    second.ready().unwrap().send(1);
    assert_eq!(rx.try_recv(), Ok(1));
}

#[test]
fn reserve_many_and_permit_iterator() {
    let (tx, mut rx) = channel(3);
    assert!(block_on(tx.reserve_many(4)).is_err());
    assert!(matches!(
        tx.try_reserve_many(4),
        Err(TrySendError::Full(()))
    ));
    let mut permits = block_on(tx.reserve_many(3)).unwrap();
    assert_eq!(permits.len(), 3);
    assert_eq!(tx.capacity(), 0);
    permits.next().unwrap().send(1);
    permits.next().unwrap().send(2);
    drop(permits);
    assert_eq!(tx.capacity(), 1);
    let mut buffer = Vec::new();
    assert_eq!(block_on(rx.recv_many(&mut buffer, 10)), 2);
    assert_eq!(buffer, vec![1, 2]);
    assert_eq!(tx.capacity(), 3);
}

#[test]
fn owned_permits() {
    let (tx, mut rx) = channel(1);
    let permit = block_on(tx.clone().reserve_owned()).unwrap();
    assert!(permit.same_channel_as_sender(&tx));
    let tx = match tx.try_reserve_owned() {
        Err(TrySendError::Full(tx)) => tx,
        other => panic!("expected Full, got {other:?}"),
    };
    let again = permit.send(1);
    assert!(again.same_channel(&tx));
    assert_eq!(rx.try_recv(), Ok(1));
    let permit = tx.clone().try_reserve_owned().unwrap();
    let other = tx.clone().try_reserve_owned();
    assert!(other.is_err());
    let tx2 = permit.release();
    assert_eq!(tx2.capacity(), 1);
}

#[test]
fn recv_many_respects_the_limit() {
    let (tx, mut rx) = unbounded_channel();
    for i in 0..5 {
        tx.send(i).unwrap();
    }
    let mut buffer = Vec::new();
    assert_eq!(block_on(rx.recv_many(&mut buffer, 0)), 0);
    assert_eq!(block_on(rx.recv_many(&mut buffer, 2)), 2);
    assert_eq!(block_on(rx.recv_many(&mut buffer, 10)), 3);
    assert_eq!(buffer, vec![0, 1, 2, 3, 4]);
    drop(tx);
    assert_eq!(block_on(rx.recv_many(&mut buffer, 10)), 0);
}

#[test]
fn weak_senders_do_not_keep_the_channel_open() {
    let (tx, mut rx) = channel::<u8>(1);
    let weak = tx.downgrade();
    assert_eq!((tx.strong_count(), tx.weak_count()), (1, 1));
    let strong = weak.upgrade().unwrap();
    assert_eq!(rx.sender_strong_count(), 2);
    drop((tx, strong));
    assert!(weak.upgrade().is_none());
    assert_eq!(block_on(rx.recv()), None);
    let weak2 = weak.clone();
    assert_eq!(rx.sender_weak_count(), 2);
    drop((weak, weak2));
    assert_eq!(rx.sender_weak_count(), 0);

    let (tx, _rx) = unbounded_channel::<u8>();
    let weak = tx.downgrade();
    assert!(weak.upgrade().unwrap().same_channel(&tx));
}

#[test]
fn blocking_send_and_recv_across_threads() {
    let (tx, mut rx) = channel(1);
    let thread = std::thread::spawn(move || {
        for i in 0..100 {
            tx.blocking_send(i).unwrap();
        }
    });
    for i in 0..100 {
        assert_eq!(rx.blocking_recv(), Some(i));
    }
    thread.join().unwrap();
    assert_eq!(rx.blocking_recv(), None);
}

#[test]
fn many_producers_one_consumer() {
    let (tx, mut rx) = channel(8);
    let threads: Vec<_> = (0..4)
        .map(|p| {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for i in 0..250 {
                    block_on(tx.send((p, i))).unwrap();
                }
            })
        })
        .collect();
    drop(tx);
    let mut next = [0; 4];
    let mut total = 0;
    while let Some((p, i)) = block_on(rx.recv()) {
        // Per-producer order is kept.
        assert_eq!(next[p], i);
        next[p] += 1;
        total += 1;
    }
    assert_eq!(total, 1000);
    for thread in threads {
        thread.join().unwrap();
    }
}

#[cfg(feature = "time")]
#[test]
fn send_timeout_times_out_on_a_full_channel() {
    use super::error::SendTimeoutError;
    use std::time::Duration;
    // The timeout is a runtime timer: run on a runtime with time enabled.
    let rt = crate::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let (tx, mut rx) = channel(1);
    tx.try_send(1).unwrap();
    let err = rt
        .block_on(tx.send_timeout(2, Duration::from_millis(10)))
        .unwrap_err();
    assert!(matches!(err, SendTimeoutError::Timeout(2)));
    assert_eq!(rx.try_recv(), Ok(1));
    rt.block_on(tx.send_timeout(3, Duration::from_secs(60)))
        .unwrap();
    rx.close();
    let err = rt
        .block_on(tx.send_timeout(4, Duration::from_secs(60)))
        .unwrap_err();
    assert!(matches!(err, SendTimeoutError::Closed(4)));
}

#[test]
fn handles_are_send_and_sync() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    let (tx, rx) = channel::<String>(1);
    send_sync(&tx);
    send_sync(&rx);
    send_sync(&tx.send(String::new()));
    let (tx, rx) = unbounded_channel::<std::cell::Cell<u8>>();
    fn send<T: Send>(_: &T) {}
    send(&tx);
    send(&rx);
}
