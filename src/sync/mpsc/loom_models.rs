use super::*;
use crate::loom::model::block_on;
use loom::thread;

#[test]
fn bounded_messages_arrive_in_order_and_the_stream_ends() {
    loom::model(|| {
        let (tx, mut rx) = channel(1);
        let thread = thread::spawn(move || {
            block_on(tx.send(1)).unwrap();
            block_on(tx.send(2)).unwrap();
        });
        assert_eq!(block_on(rx.recv()), Some(1));
        assert_eq!(block_on(rx.recv()), Some(2));
        assert_eq!(block_on(rx.recv()), None);
        thread.join().unwrap();
    });
}

#[test]
fn two_unbounded_producers() {
    loom::model(|| {
        let (tx, mut rx) = unbounded_channel();
        let tx2 = tx.clone();
        let a = thread::spawn(move || tx.send(1).unwrap());
        let b = thread::spawn(move || tx2.send(2).unwrap());
        let mut got = [block_on(rx.recv()).unwrap(), block_on(rx.recv()).unwrap()];
        got.sort();
        assert_eq!(got, [1, 2]);
        assert_eq!(block_on(rx.recv()), None);
        a.join().unwrap();
        b.join().unwrap();
    });
}

#[test]
fn close_with_an_outstanding_permit() {
    loom::model(|| {
        let (tx, mut rx) = channel::<u8>(1);
        let permit = tx.try_reserve_owned().unwrap();
        let thread = thread::spawn(move || drop(permit.send(7)));
        rx.close();
        // The permit may send after close; the stream ends only after it.
        assert_eq!(block_on(rx.recv()), Some(7));
        assert_eq!(block_on(rx.recv()), None);
        thread.join().unwrap();
    });
}

#[test]
fn receiver_drop_wakes_a_waiting_sender() {
    loom::model(|| {
        let (tx, rx) = channel(1);
        tx.try_send(0).unwrap();
        let thread = thread::spawn(move || drop(rx));
        assert!(block_on(tx.send(1)).is_err());
        thread.join().unwrap();
    });
}

#[test]
fn a_permit_released_after_close_wakes_the_receiver() {
    loom::model(|| {
        let (tx, mut rx) = channel::<u8>(1);
        let permit = tx.clone().try_reserve_owned().unwrap();
        let thread = thread::spawn(move || drop(permit));
        rx.close();
        // `tx` is alive: only the permit's release can end the stream.
        assert_eq!(block_on(rx.recv()), None);
        thread.join().unwrap();
        drop(tx);
    });
}
