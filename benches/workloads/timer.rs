//! The timer workloads: registering and cancelling sleeps, and many sleeps firing.

macro_rules! timer_workloads {
    ($krate:ident) => {
        async fn timer_insert_cancel(n: usize) {
            use std::future::Future;
            // One deadline for all, far enough never to fire: the work measured is
            // the wheel insert on first poll and the removal on drop.
            let deadline = $krate::time::Instant::now() + std::time::Duration::from_secs(3600);
            std::future::poll_fn(|cx| {
                for _ in 0..n {
                    let mut sleep = std::pin::pin!($krate::time::sleep_until(deadline));
                    std::hint::black_box(sleep.as_mut().poll(cx).is_pending());
                }
                std::task::Poll::Ready(())
            })
            .await;
        }

        async fn sleeps_firing(n: usize) {
            let handles: Vec<_> = (0..n)
                .map(|i| {
                    $krate::spawn(async move {
                        let ms = 1 + (i % 10) as u64;
                        $krate::time::sleep(std::time::Duration::from_millis(ms)).await;
                    })
                })
                .collect();
            for handle in handles {
                handle.await.unwrap();
            }
        }
    };
}
