//! `avx::sync::watch`: versions seen and unseen, `changed`/`has_changed`/`wait_for`,
//! the send variants, closing from either side, and `Ref`.

use std::sync::Arc;

use avx::sync::watch::{self, Ref, error::RecvError, error::SendError};

use super::sync_util::Polled;

rt_test! {
    async fn the_initial_value_counts_as_seen() {
        let (_tx, rx) = watch::channel("hello");
        assert!(!rx.has_changed().unwrap());
        let value: Ref<'_, &str> = rx.borrow();
        assert_eq!(*value, "hello");
        assert!(!value.has_changed());
    }
}

rt_test! {
    async fn changed_waits_for_a_new_value_and_marks_it_seen() {
        let (tx, mut rx) = watch::channel(0);
        let mut changed = Polled::new(rx.changed());
        changed.pending();
        tx.send(1).unwrap();
        assert!(changed.is_woken());
        changed.ready().unwrap();
        drop(changed);
        assert_eq!(*rx.borrow(), 1);
        assert!(!rx.has_changed().unwrap());
    }
}

mt_test! {
    async fn a_receiver_in_another_task_sees_the_latest_value() {
        let (tx, mut rx) = watch::channel(0);
        let watcher = avx::spawn(async move {
            loop {
                if *rx.borrow_and_update() == 10 {
                    return;
                }
                rx.changed().await.unwrap();
            }
        });
        for i in 1..=10 {
            tx.send(i).unwrap();
            avx::task::yield_now().await;
        }
        watcher.await.unwrap();
    }
}

rt_test! {
    async fn borrow_does_not_mark_seen_but_borrow_and_update_does() {
        let (tx, mut rx) = watch::channel(1);
        tx.send(2).unwrap();
        assert!(rx.borrow().has_changed());
        assert!(rx.has_changed().unwrap());
        let seen = rx.borrow_and_update();
        assert!(seen.has_changed());
        drop(seen);
        assert!(!rx.has_changed().unwrap());
        assert!(
            !tx.borrow().has_changed(),
            "a sender's borrow never counts as changed"
        );
    }
}

rt_test! {
    async fn closing_has_changed_errs_at_once_changed_only_once_seen() {
        let (tx, mut rx) = watch::channel("a");
        tx.send("b").unwrap();
        drop(tx);
        assert!(rx.is_closed());
        let err: RecvError = rx.has_changed().unwrap_err();
        assert_eq!(err.to_string(), "channel closed");
        assert!(rx.borrow().has_changed());
        rx.changed().await.unwrap(); // The unseen "b" is still delivered.
        assert_eq!(*rx.borrow(), "b");
        assert!(rx.changed().await.is_err());
    }
}

rt_test! {
    async fn dropping_the_last_sender_wakes_changed() {
        let (tx, mut rx) = watch::channel(());
        let tx2 = tx.clone();
        let mut changed = Polled::new(rx.changed());
        changed.pending();
        drop(tx);
        changed.pending();
        drop(tx2);
        assert!(changed.is_woken());
        assert!(changed.ready().is_err());
    }
}

rt_test! {
    async fn cancelling_changed_marks_nothing_seen() {
        let (tx, mut rx) = watch::channel(0);
        {
            let mut changed = Polled::new(rx.changed());
            changed.pending();
        }
        tx.send(1).unwrap();
        assert!(rx.has_changed().unwrap());
        rx.changed().await.unwrap();
    }
}

rt_test! {
    async fn send_variants() {
        let (tx, rx) = watch::channel(vec![1]);
        tx.send_modify(|v| v.push(2));
        assert!(rx.has_changed().unwrap());
        assert_eq!(*rx.borrow(), vec![1, 2]);
        let (tx2, mut rx2) = watch::channel(0);
        assert!(!tx2.send_if_modified(|v| {
            *v = 5;
            false
        }));
        assert!(
            !rx2.has_changed().unwrap(),
            "a silent modification does not notify"
        );
        assert_eq!(*rx2.borrow(), 5);
        assert!(tx2.send_if_modified(|v| {
            *v = 6;
            true
        }));
        assert!(rx2.has_changed().unwrap());
        assert_eq!(tx2.send_replace(7), 6);
        assert_eq!(*rx2.borrow_and_update(), 7);
    }
}

rt_test! {
    async fn send_fails_without_receivers_but_send_replace_still_stores() {
        let (tx, rx) = watch::channel(1);
        drop(rx);
        assert!(tx.is_closed());
        let err = tx.send(2).unwrap_err();
        assert_eq!(err, SendError(2));
        assert_eq!(*tx.borrow(), 1, "a failed send stores nothing");
        assert_eq!(tx.send_replace(3), 1);
        let rx = tx.subscribe();
        assert!(!tx.is_closed());
        assert_eq!(*rx.borrow(), 3);
        assert!(!rx.has_changed().unwrap());
    }
}

rt_test! {
    async fn sender_closed_waits_for_every_receiver() {
        let (tx, rx) = watch::channel(());
        let rx2 = rx.clone();
        assert_eq!(tx.receiver_count(), 2);
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
    async fn mark_changed_and_mark_unchanged() {
        let (tx, mut rx) = watch::channel(0);
        rx.mark_changed();
        assert!(rx.has_changed().unwrap());
        rx.changed().await.unwrap();
        tx.send(1).unwrap();
        rx.mark_unchanged();
        assert!(!rx.has_changed().unwrap());
    }
}

rt_test! {
    async fn wait_for_tests_the_current_value_first() {
        let (tx, mut rx) = watch::channel(1);
        assert_eq!(*rx.wait_for(|v| *v == 1).await.unwrap(), 1);
        {
            let mut waiting = Polled::new(async {
                let value = rx.wait_for(|v| *v >= 3).await.unwrap();
                *value
            });
            waiting.pending();
            tx.send(2).unwrap();
            waiting.pending();
            tx.send(3).unwrap();
            assert_eq!(waiting.ready(), 3);
        }
        drop(tx);
        assert!(rx.wait_for(|v| *v == 100).await.is_err());
    }
}

rt_test! {
    async fn counts_new_and_same_channel() {
        let tx = watch::Sender::new(0);
        assert_eq!(tx.receiver_count(), 0);
        assert!(tx.send(1).is_err());
        let rx = tx.subscribe();
        let tx2 = tx.clone();
        assert_eq!((tx.sender_count(), tx.receiver_count()), (2, 1));
        assert!(tx.same_channel(&tx2));
        assert!(rx.same_channel(&rx.clone()));
        let (other, _other_rx) = watch::channel(0);
        assert!(!tx.same_channel(&other));
        let defaulted: watch::Sender<u8> = Default::default();
        assert_eq!(*defaulted.borrow(), 0);
    }
}

#[test]
fn watch_handles_are_send_and_sync() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    let (tx, rx) = watch::channel(String::new());
    send_sync(&tx);
    send_sync(&rx);
    let shared = Arc::new(tx);
    send_sync(&shared);
}

#[cfg(feature = "tokio")]
#[test]
fn watch_across_a_native_and_a_tokio_runtime() {
    use super::sync_util::runtime_on;
    use avx::runtime::Backend;

    let native = runtime_on(Backend::Native);
    let tokio = runtime_on(Backend::Tokio);
    let (tx, mut rx) = watch::channel(0u32);
    let watcher = tokio.spawn(async move {
        while rx.changed().await.is_ok() {
            if *rx.borrow_and_update() == 50 {
                return true;
            }
        }
        false
    });
    native.block_on(async move {
        for i in 1..=50 {
            tx.send(i).unwrap();
            avx::task::yield_now().await;
        }
    });
    assert!(tokio.block_on(watcher).unwrap());
}
