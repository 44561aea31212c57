//! The scheduler workloads: spawning, yielding, wake-ups, spawn chains. They
//! synchronise with `Signal`, never a contender's channel.

macro_rules! runtime_workloads {
    ($krate:ident) => {
        async fn spawn_many(n: usize) {
            let mut handles = Vec::with_capacity(n);
            for i in 0..n {
                handles.push($krate::spawn(async move { std::hint::black_box(i) }));
            }
            for handle in handles {
                std::hint::black_box(handle.await.unwrap());
            }
        }

        async fn yield_many(n: usize) {
            for _ in 0..n {
                $krate::task::yield_now().await;
            }
        }

        async fn ping_pong(n: usize) {
            use std::sync::Arc;
            use std::sync::atomic::{AtomicUsize, Ordering};

            use $crate::Signal;

            let remaining = Arc::new(AtomicUsize::new(n));
            let done = Signal::new();
            for _ in 0..n {
                let remaining = remaining.clone();
                let done = done.clone();
                $krate::spawn(async move {
                    let (ping, pong) = (Signal::new(), Signal::new());
                    let (ping2, pong2) = (ping.clone(), pong.clone());
                    $krate::spawn(async move {
                        ping2.wait().await;
                        pong2.set();
                    });
                    ping.set();
                    pong.wait().await;
                    if remaining.fetch_sub(1, Ordering::AcqRel) == 1 {
                        done.set();
                    }
                });
            }
            done.wait().await;
        }

        fn chain(left: usize, done: std::sync::Arc<$crate::Signal>) {
            if left == 0 {
                done.set();
            } else {
                $krate::spawn(async move { chain(left - 1, done) });
            }
        }

        async fn chained_spawn(n: usize) {
            let done = $crate::Signal::new();
            chain(n, done.clone());
            done.wait().await;
        }
    };
}
