//! `avx::sync::oneshot`: sending, the error cases, closing, `try_recv`,
//! `is_terminated`/`is_empty`, blocking receive, and what each `Drop` does.

use std::sync::Arc;

use avx::sync::oneshot::{self, error::RecvError, error::TryRecvError};

use super::sync_util::Polled;

mt_test! {
    async fn a_value_sent_from_another_task_arrives() {
        let (tx, rx) = oneshot::channel();
        avx::spawn(async move {
            tx.send(3).unwrap();
        });
        assert_eq!(rx.await, Ok(3));
    }
}

rt_test! {
    async fn a_waiting_receiver_is_woken_by_send() {
        let (tx, rx) = oneshot::channel();
        let mut rx = Polled::new(rx);
        rx.pending();
        tx.send("hello").unwrap();
        assert!(rx.is_woken());
        assert_eq!(rx.ready(), Ok("hello"));
    }
}

rt_test! {
    async fn dropping_the_sender_fails_the_receiver() {
        let (tx, rx) = oneshot::channel::<u32>();
        let mut rx = Polled::new(rx);
        rx.pending();
        drop(tx);
        assert!(rx.is_woken());
        let err: RecvError = rx.ready().unwrap_err();
        assert_eq!(err.to_string(), "channel closed");
    }
}

rt_test! {
    async fn send_fails_once_the_receiver_is_dropped() {
        let (tx, rx) = oneshot::channel();
        drop(rx);
        assert!(tx.is_closed());
        assert_eq!(tx.send(7), Err(7));
    }
}

rt_test! {
    async fn closed_waits_for_the_receiver_to_close() {
        let (mut tx, mut rx) = oneshot::channel::<u8>();
        assert!(!tx.is_closed());
        {
            let mut closed = Polled::new(tx.closed());
            closed.pending();
            rx.close();
            assert!(closed.is_woken());
            closed.ready();
        }
        assert!(tx.is_closed());
        assert_eq!(tx.send(1), Err(1));
        assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    }
}

rt_test! {
    async fn poll_closed_is_ready_after_the_receiver_drops() {
        let (mut tx, rx) = oneshot::channel::<u8>();
        assert!(
            std::future::poll_fn(|cx| std::task::Poll::Ready(tx.poll_closed(cx).is_pending())).await
        );
        drop(rx);
        std::future::poll_fn(|cx| tx.poll_closed(cx)).await;
    }
}

rt_test! {
    async fn a_value_sent_before_close_is_still_received() {
        let (tx, mut rx) = oneshot::channel();
        tx.send(5).unwrap();
        rx.close();
        assert_eq!(rx.try_recv(), Ok(5));
    }
}

rt_test! {
    async fn try_recv_reports_empty_then_the_value_then_closed() {
        let (tx, mut rx) = oneshot::channel();
        assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
        assert_eq!(TryRecvError::Empty.to_string(), "channel empty");
        tx.send(1).unwrap();
        assert_eq!(rx.try_recv(), Ok(1));
        assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
        assert_eq!(TryRecvError::Closed.to_string(), "channel closed");

        let (tx, mut rx) = oneshot::channel::<u8>();
        drop(tx);
        assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    }
}

rt_test! {
    async fn is_terminated_and_is_empty() {
        let (tx, mut rx) = oneshot::channel();
        assert!(!rx.is_terminated());
        assert!(rx.is_empty());
        tx.send(1).unwrap();
        assert!(!rx.is_terminated());
        assert!(!rx.is_empty());
        assert_eq!((&mut rx).await, Ok(1));
        assert!(rx.is_terminated());
        assert!(rx.is_empty());

        let (tx, mut rx) = oneshot::channel::<u8>();
        drop(tx);
        assert!(rx.is_empty());
        assert!(!rx.is_terminated());
        assert!((&mut rx).await.is_err());
        assert!(rx.is_terminated());
    }
}

rt_test! {
    async fn cancelling_a_receive_loses_nothing() {
        let (tx, mut rx) = oneshot::channel();
        {
            let mut recv = Polled::new(&mut rx);
            recv.pending();
        } // The `&mut rx` future is dropped mid-wait.
        tx.send(2).unwrap();
        assert_eq!(rx.await, Ok(2));
    }
}

rt_test! {
    async fn dropping_the_receiver_drops_an_unreceived_value() {
        let marker = Arc::new(());
        let (tx, rx) = oneshot::channel();
        tx.send(Arc::clone(&marker)).unwrap();
        drop(rx);
        assert_eq!(Arc::strong_count(&marker), 1);
    }
}

#[test]
fn blocking_recv_outside_a_runtime() {
    let (tx, rx) = oneshot::channel();
    let thread = std::thread::spawn(move || tx.send(9).unwrap());
    assert_eq!(rx.blocking_recv(), Ok(9));
    thread.join().unwrap();
}

#[test]
#[should_panic(expected = "called after complete")]
fn polling_a_terminated_receiver_panics() {
    let (tx, rx) = oneshot::channel();
    tx.send(()).unwrap();
    let mut rx = Polled::new(rx);
    let _ = rx.ready();
    let _ = rx.poll();
}

#[test]
fn oneshot_handles_are_send_and_sync() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    let (tx, rx) = oneshot::channel::<String>();
    send_sync(&tx);
    send_sync(&rx);
}

#[cfg(feature = "tokio")]
#[test]
fn oneshot_across_a_native_and_a_tokio_runtime() {
    use super::sync_util::runtime_on;
    use avx::runtime::Backend;

    let native = runtime_on(Backend::Native);
    let tokio = runtime_on(Backend::Tokio);
    let (request_tx, request_rx) = oneshot::channel::<u32>();
    let (reply_tx, reply_rx) = oneshot::channel::<u32>();
    let server = tokio.spawn(async move {
        let n = request_rx.await.unwrap();
        reply_tx.send(n + 1).unwrap();
    });
    let reply = native.block_on(async move {
        request_tx.send(41).unwrap();
        reply_rx.await.unwrap()
    });
    assert_eq!(reply, 42);
    tokio.block_on(server).unwrap();
}

rt_test! {
    async fn a_closed_receiver_polled_after_a_failed_send_reports_the_error() {
        let (tx, rx) = oneshot::channel::<i32>();
        let mut rx = Polled::new(rx);
        rx.as_mut().get_mut().close();
        assert_eq!(tx.send(1), Err(1));
        let _: RecvError = rx.ready().unwrap_err();
    }
}
