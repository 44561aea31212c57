//! The synchronisation workloads: each contender's own `sync` (tokio's for raw
//! tokio, avx's for both avx contenders) on its own runtime. Every body checks
//! that all its operations happened, so no contender can win by skipping work.

macro_rules! sync_workloads {
    ($krate:ident) => {
        /// Splits `n` operations among `tasks`; the remainder goes to the first.
        fn share(n: usize, tasks: usize, index: usize) -> usize {
            n / tasks + if index == 0 { n % tasks } else { 0 }
        }

        async fn mpsc_bounded(producers: usize, n: usize) {
            let (tx, mut rx) =
                $krate::sync::mpsc::channel::<usize>($crate::workloads::MPSC_CAPACITY);
            for p in 0..producers {
                let tx = tx.clone();
                $krate::spawn(async move {
                    for i in 0..share(n, producers, p) {
                        tx.send(i).await.unwrap();
                    }
                });
            }
            drop(tx);
            let mut received = 0;
            while let Some(value) = rx.recv().await {
                std::hint::black_box(value);
                received += 1;
            }
            assert_eq!(received, n);
        }

        async fn mpsc_unbounded(producers: usize, n: usize) {
            let (tx, mut rx) = $krate::sync::mpsc::unbounded_channel::<usize>();
            for p in 0..producers {
                let tx = tx.clone();
                $krate::spawn(async move {
                    for i in 0..share(n, producers, p) {
                        tx.send(i).unwrap();
                    }
                });
            }
            drop(tx);
            let mut received = 0;
            while let Some(value) = rx.recv().await {
                std::hint::black_box(value);
                received += 1;
            }
            assert_eq!(received, n);
        }

        /// A request to the oneshot responder: a value, where to answer, and
        /// where the next request will come from.
        struct Request {
            value: usize,
            reply: $krate::sync::oneshot::Sender<usize>,
            next: $krate::sync::oneshot::Receiver<Request>,
        }

        async fn oneshot_round_trip(n: usize) {
            use $krate::sync::oneshot;

            let (mut requests, first) = oneshot::channel::<Request>();
            let responder = $krate::spawn(async move {
                let mut incoming = first;
                // The requester drops its last sender unused: that ends the loop.
                while let Ok(request) = incoming.await {
                    request.reply.send(request.value + 1).unwrap();
                    incoming = request.next;
                }
            });
            for value in 0..n {
                let (reply, answer) = oneshot::channel();
                let (next_requests, next) = oneshot::channel();
                let request = Request { value, reply, next };
                assert!(requests.send(request).is_ok(), "the responder is alive");
                assert_eq!(answer.await.unwrap(), value + 1);
                requests = next_requests;
            }
            drop(requests);
            responder.await.unwrap();
        }

        async fn mutex_contended(n: usize) {
            use std::sync::Arc;

            let tasks = $crate::workloads::CONTENDERS;
            let counter = Arc::new($krate::sync::Mutex::new(0usize));
            let handles: Vec<_> = (0..tasks)
                .map(|t| {
                    let counter = counter.clone();
                    $krate::spawn(async move {
                        for _ in 0..share(n, tasks, t) {
                            let mut guard = counter.lock().await;
                            *guard += 1;
                            // Held across a yield: the others queue behind it.
                            $krate::task::yield_now().await;
                            drop(guard);
                        }
                    })
                })
                .collect();
            for handle in handles {
                handle.await.unwrap();
            }
            assert_eq!(*counter.lock().await, n);
        }

        async fn semaphore_acquire_release(n: usize) {
            use std::sync::Arc;
            use std::sync::atomic::{AtomicUsize, Ordering};

            let tasks = $crate::workloads::CONTENDERS;
            let semaphore = Arc::new($krate::sync::Semaphore::new(
                $crate::workloads::SEMAPHORE_PERMITS,
            ));
            let acquired = Arc::new(AtomicUsize::new(0));
            let handles: Vec<_> = (0..tasks)
                .map(|t| {
                    let semaphore = semaphore.clone();
                    let acquired = acquired.clone();
                    $krate::spawn(async move {
                        for _ in 0..share(n, tasks, t) {
                            let permit = semaphore.acquire().await.unwrap();
                            acquired.fetch_add(1, Ordering::Relaxed);
                            $krate::task::yield_now().await;
                            drop(permit);
                        }
                    })
                })
                .collect();
            for handle in handles {
                handle.await.unwrap();
            }
            assert_eq!(acquired.load(Ordering::Relaxed), n);
        }

        async fn broadcast_fan_out(receivers: usize, n: usize) {
            use std::sync::Arc;
            use std::sync::atomic::{AtomicUsize, Ordering};

            use $crate::Signal;
            use $krate::sync::broadcast::{self, error::RecvError};

            // The sender sends in batches of half the capacity and sends batch b
            // only once every receiver has read batch b - 2, so at most a full
            // ring is unread and no receiver ever lags. Receivers count their
            // reads of each batch; the last to finish a batch sets its signal.
            let capacity = $crate::workloads::BROADCAST_CAPACITY;
            let batch = capacity / 2;
            let batches = n.div_ceil(batch);
            let finished: Arc<Vec<(AtomicUsize, Arc<Signal>)>> = Arc::new(
                (0..batches)
                    .map(|_| (AtomicUsize::new(0), Signal::new()))
                    .collect(),
            );
            let (tx, _) = broadcast::channel::<usize>(capacity);
            let handles: Vec<_> = (0..receivers)
                .map(|_| {
                    let mut rx = tx.subscribe();
                    let finished = finished.clone();
                    $krate::spawn(async move {
                        let mut received = 0;
                        loop {
                            match rx.recv().await {
                                Ok(value) => {
                                    received += 1;
                                    if (value + 1) % batch == 0 || value + 1 == n {
                                        let (count, signal) = &finished[value / batch];
                                        if count.fetch_add(1, Ordering::AcqRel) + 1 == receivers {
                                            signal.set();
                                        }
                                    }
                                }
                                Err(RecvError::Closed) => return received,
                                Err(RecvError::Lagged(k)) => {
                                    panic!("a receiver lagged by {k}: the pacing failed")
                                }
                            }
                        }
                    })
                })
                .collect();
            for b in 0..batches {
                if b >= 2 {
                    finished[b - 2].1.wait().await;
                }
                for value in b * batch..n.min((b + 1) * batch) {
                    tx.send(value).unwrap();
                }
            }
            drop(tx);
            for handle in handles {
                assert_eq!(handle.await.unwrap(), n);
            }
        }

        async fn watch_send_changed(n: usize) {
            let (tx, _initial) = $krate::sync::watch::channel(0usize);
            let handles: Vec<_> = (0..$crate::workloads::WATCH_RECEIVERS)
                .map(|_| {
                    let mut rx = tx.subscribe();
                    $krate::spawn(async move {
                        let mut seen = 0;
                        while seen < n {
                            rx.changed().await.unwrap();
                            seen = *rx.borrow_and_update();
                        }
                    })
                })
                .collect();
            for value in 1..=n {
                tx.send(value).unwrap();
                $krate::task::yield_now().await;
            }
            for handle in handles {
                handle.await.unwrap();
            }
        }
    };
}
