//! `avx::sync::Notify`: permits, FIFO/LIFO wake-up order, `notify_waiters`,
//! `Notified::enable`, and what dropping a waiter does.

use std::sync::Arc;

use avx::sync::Notify;

use super::sync_util::Polled;

rt_test! {
    async fn a_stored_permit_completes_the_next_notified() {
        let notify = Notify::new();
        notify.notify_one();
        notify.notify_one(); // At most one permit is stored.
        notify.notified().await;
        Polled::new(notify.notified()).pending();
    }
}

mt_test! {
    async fn notify_one_wakes_a_task_waiting_in_another_task() {
        let notify = Arc::new(Notify::new());
        let started = Arc::new(Notify::new());
        let waiter = {
            let (notify, started) = (Arc::clone(&notify), Arc::clone(&started));
            avx::spawn(async move {
                let notified = notify.notified();
                let mut notified = std::pin::pin!(notified);
                notified.as_mut().enable();
                started.notify_one();
                notified.await;
            })
        };
        started.notified().await;
        notify.notify_one();
        waiter.await.unwrap();
    }
}

rt_test! {
    async fn notify_one_serves_waiters_first_in_first_out() {
        let notify = Notify::new();
        let mut first = Polled::new(notify.notified());
        let mut second = Polled::new(notify.notified());
        first.pending();
        second.pending();
        notify.notify_one();
        assert!(first.is_woken());
        assert!(!second.is_woken());
        first.ready();
        second.pending();
        notify.notify_one();
        second.ready();
    }
}

rt_test! {
    async fn notify_last_serves_the_newest_waiter() {
        let notify = Notify::new();
        let mut first = Polled::new(notify.notified());
        let mut second = Polled::new(notify.notified());
        first.pending();
        second.pending();
        notify.notify_last();
        assert!(second.is_woken());
        assert!(!first.is_woken());
        second.ready();
        first.pending();
    }
}

rt_test! {
    async fn notify_waiters_completes_every_created_future_and_stores_nothing() {
        let notify = Notify::new();
        let mut polled = Polled::new(notify.notified());
        polled.pending();
        let never_polled = notify.notified();
        notify.notify_waiters();
        polled.ready();
        never_polled.await;
        // No permit was stored: a future created afterwards waits.
        Polled::new(notify.notified()).pending();
    }
}

rt_test! {
    async fn enable_registers_interest_before_the_first_poll() {
        let notify = Notify::new();
        let mut notified = Polled::new(notify.notified());
        assert!(!notified.as_mut().enable());
        notify.notify_one();
        // The notification went to the enabled future, not into a stored permit.
        Polled::new(notify.notified()).pending();
        assert!(notified.as_mut().enable());
        notified.ready();
    }
}

rt_test! {
    async fn enable_takes_a_stored_permit() {
        let notify = Notify::new();
        notify.notify_one();
        let mut notified = Polled::new(notify.notified());
        assert!(notified.as_mut().enable());
        notified.ready();
    }
}

rt_test! {
    async fn dropping_a_notified_waiter_passes_the_notification_on() {
        let notify = Notify::new();
        let mut first = Polled::new(notify.notified());
        let mut second = Polled::new(notify.notified());
        first.pending();
        second.pending();
        notify.notify_one();
        drop(first); // Cancelled after being picked: the wake-up moves on.
        assert!(second.is_woken());
        second.ready();
    }
}

rt_test! {
    async fn dropping_the_only_notified_waiter_keeps_the_permit() {
        let notify = Notify::new();
        let mut only = Polled::new(notify.notified());
        only.pending();
        notify.notify_one();
        drop(only);
        notify.notified().await;
    }
}

rt_test! {
    async fn dropping_a_queued_waiter_gives_up_its_place() {
        let notify = Notify::new();
        let mut first = Polled::new(notify.notified());
        let mut second = Polled::new(notify.notified());
        first.pending();
        second.pending();
        drop(first);
        notify.notify_one();
        assert!(second.is_woken());
        second.ready();
    }
}

rt_test! {
    async fn a_completed_notified_stays_ready() {
        let notify = Notify::new();
        notify.notify_one();
        let mut notified = Polled::new(notify.notified());
        notified.ready();
        notified.ready();
    }
}

mt_test! {
    async fn notified_owned_moves_into_a_task() {
        let notify = Arc::new(Notify::new());
        let notified = Arc::clone(&notify).notified_owned();
        let waiter = avx::spawn(notified);
        notify.notify_waiters();
        waiter.await.unwrap();
    }
}

rt_test! {
    async fn const_new_and_default() {
        static NOTIFY: Notify = Notify::const_new();
        NOTIFY.notify_one();
        NOTIFY.notified().await;
        let notify = Notify::default();
        Polled::new(notify.notified()).pending();
    }
}

#[test]
fn notify_and_notified_are_send_and_sync() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    let notify = Arc::new(Notify::new());
    send_sync(&notify);
    send_sync(&notify.notified());
    send_sync(&Arc::clone(&notify).notified_owned());
}

/// One `Notify` shared by a task on the native backend and a task on the tokio
/// backend.
#[cfg(feature = "tokio")]
#[test]
fn notify_across_a_native_and_a_tokio_runtime() {
    use super::sync_util::runtime_on;
    use avx::runtime::Backend;

    let native = runtime_on(Backend::Native);
    let tokio = runtime_on(Backend::Tokio);
    let ping = Arc::new(Notify::new());
    let pong = Arc::new(Notify::new());
    let responder = {
        let (ping, pong) = (Arc::clone(&ping), Arc::clone(&pong));
        tokio.spawn(async move {
            for _ in 0..100 {
                ping.notified().await;
                pong.notify_one();
            }
        })
    };
    native.block_on(async move {
        for _ in 0..100 {
            ping.notify_one();
            pong.notified().await;
        }
    });
    tokio.block_on(responder).unwrap();
}
