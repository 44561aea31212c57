//! `avx::sync::Barrier`: rendezvous of `n` tasks, one leader per generation, reuse.

use std::sync::Arc;

use avx::sync::{Barrier, BarrierWaitResult};

use super::sync_util::Polled;

rt_test! {
    async fn waiters_are_released_together_by_the_last_arrival() {
        let barrier = Barrier::new(3);
        let mut first = Polled::new(barrier.wait());
        let mut second = Polled::new(barrier.wait());
        first.pending();
        second.pending();
        let leader: BarrierWaitResult = barrier.wait().await;
        assert!(leader.is_leader());
        assert!(first.is_woken());
        assert!(second.is_woken());
        assert!(!first.ready().is_leader());
        assert!(!second.ready().is_leader());
    }
}

mt_test! {
    async fn exactly_one_leader_per_generation_across_tasks() {
        let barrier = Arc::new(Barrier::new(8));
        for _generation in 0..3 {
            let mut tasks = Vec::new();
            for _ in 0..8 {
                let barrier = Arc::clone(&barrier);
                tasks.push(avx::spawn(async move { barrier.wait().await.is_leader() }));
            }
            let mut leaders = 0;
            for task in tasks {
                if task.await.unwrap() {
                    leaders += 1;
                }
            }
            assert_eq!(leaders, 1);
        }
    }
}

rt_test! {
    async fn a_barrier_of_zero_or_one_never_waits() {
        assert!(Barrier::new(0).wait().await.is_leader());
        let one = Barrier::new(1);
        assert!(one.wait().await.is_leader());
        assert!(one.wait().await.is_leader());
    }
}

rt_test! {
    async fn a_new_generation_waits_again() {
        let barrier = Barrier::new(2);
        let mut first = Polled::new(barrier.wait());
        first.pending();
        assert!(barrier.wait().await.is_leader());
        first.ready();
        // The next generation starts empty.
        let mut again = Polled::new(barrier.wait());
        again.pending();
        assert!(!again.is_woken());
    }
}

#[test]
fn barrier_is_send_and_sync() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    let barrier = Barrier::new(2);
    send_sync(&barrier);
    send_sync(&barrier.wait());
}

#[cfg(feature = "tokio")]
#[test]
fn barrier_across_a_native_and_a_tokio_runtime() {
    use super::sync_util::runtime_on;
    use avx::runtime::Backend;

    let native = runtime_on(Backend::Native);
    let tokio = runtime_on(Backend::Tokio);
    let barrier = Arc::new(Barrier::new(2));
    let on_tokio = {
        let barrier = Arc::clone(&barrier);
        tokio.spawn(async move { barrier.wait().await.is_leader() })
    };
    let native_leader = native.block_on(async move { barrier.wait().await.is_leader() });
    let tokio_leader = tokio.block_on(on_tokio).unwrap();
    assert!(native_leader ^ tokio_leader);
}
