//! The blocking pool's tests. They run on real threads and synchronise with
//! channels; where a test must see the pool reach a state that no item or hook can
//! report (a thread going idle), it polls the pool's counters in a bounded loop
//! ([`wait_until`]).

use super::pool::*;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Barrier, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// Long enough that only a broken pool makes a test wait this long.
const PATIENCE: Duration = Duration::from_secs(20);

/// Long enough that no test thread retires while the test needs it.
const LONG_KEEP_ALIVE: Duration = Duration::from_secs(600);

/// A work item made of closures, counting its cancellations.
struct Job {
    run: Box<dyn FnOnce() + Send>,
    cancels: Arc<AtomicUsize>,
}

impl Run for Job {
    fn run(self) {
        (self.run)();
    }

    fn cancel(self) {
        self.cancels.fetch_add(1, Ordering::SeqCst);
    }
}

fn job(run: impl FnOnce() + Send + 'static) -> Job {
    Job {
        run: Box::new(run),
        cancels: Arc::new(AtomicUsize::new(0)),
    }
}

fn config(max_threads: usize, keep_alive: Duration) -> PoolConfig {
    let next = Arc::new(AtomicUsize::new(0));
    PoolConfig {
        max_threads,
        keep_alive,
        thread_name: Arc::new(move || format!("blocking-{}", next.fetch_add(1, Ordering::SeqCst))),
        stack_size: None,
        on_thread_start: None,
        on_thread_stop: None,
    }
}

fn spawn(pool: &BlockingPool<Job>, job: Job) {
    spawn_as(pool, job, Mandatory::No);
}

fn spawn_as(pool: &BlockingPool<Job>, job: Job, mandatory: Mandatory) {
    if let Err(err) = pool.spawner().spawn(job, mandatory) {
        panic!("spawn failed: {err:?}");
    }
}

/// A job that reports `id` on `started`, then blocks until its gate opens or closes.
fn gated(id: usize, started: &Sender<usize>) -> (Job, Sender<()>) {
    let (open, gate) = mpsc::channel::<()>();
    let started = started.clone();
    let job = job(move || {
        started.send(id).unwrap();
        let _ = gate.recv();
    });
    (job, open)
}

fn recv<T>(rx: &Receiver<T>) -> T {
    rx.recv_timeout(PATIENCE).expect("the pool stalled")
}

/// Polls `done` until it holds, failing the test after [`PATIENCE`].
fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < PATIENCE, "timed out waiting until {what}");
        thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn grows_on_demand_up_to_the_cap_then_queues() {
    let pool = BlockingPool::new(config(3, LONG_KEEP_ALIVE));
    let (started_tx, started) = mpsc::channel();
    let mut gates = Vec::new();
    for id in 0..3 {
        let (job, gate) = gated(id, &started_tx);
        spawn(&pool, job);
        gates.push(gate);
        assert_eq!(pool.counts().0, id + 1, "one new thread per busy item");
    }
    let mut first: Vec<usize> = (0..3).map(|_| recv(&started)).collect();
    first.sort_unstable();
    assert_eq!(first, vec![0, 1, 2]);

    // At the cap: more items queue instead of starting threads.
    for id in 3..5 {
        let (job, gate) = gated(id, &started_tx);
        spawn(&pool, job);
        gates.push(gate);
    }
    assert_eq!(pool.counts(), (3, 0, 2, 3));

    // Each thread that frees up takes the oldest queued item.
    drop(gates.remove(0));
    assert_eq!(recv(&started), 3);
    assert_eq!(pool.counts().2, 1);
    drop(gates.remove(0));
    assert_eq!(recv(&started), 4);
    assert_eq!(pool.counts(), (3, 0, 0, 3));
    drop(gates);
}

#[test]
fn a_cloned_spawner_spawns_from_another_thread() {
    let pool = BlockingPool::new(config(2, LONG_KEEP_ALIVE));
    let spawner: Spawner<Job> = pool.spawner().clone();
    let (done_tx, done) = mpsc::channel();
    thread::spawn(move || {
        let spawned = spawner.spawn(job(move || done_tx.send(()).unwrap()), Mandatory::No);
        assert!(spawned.is_ok());
    })
    .join()
    .unwrap();
    recv(&done);
}

#[test]
fn queued_work_runs_in_fifo_order() {
    let pool = BlockingPool::new(config(1, LONG_KEEP_ALIVE));
    let (started_tx, started) = mpsc::channel();
    let (blocker, gate) = gated(0, &started_tx);
    spawn(&pool, blocker);
    recv(&started);

    let order = Arc::new(Mutex::new(Vec::new()));
    let (done_tx, done) = mpsc::channel();
    for id in 1..=20 {
        let (order, done_tx) = (order.clone(), done_tx.clone());
        spawn(
            &pool,
            job(move || {
                order.lock().unwrap().push(id);
                done_tx.send(()).unwrap();
            }),
        );
    }
    assert_eq!(pool.counts().2, 20);
    drop(gate);
    for _ in 1..=20 {
        recv(&done);
    }
    assert_eq!(*order.lock().unwrap(), (1..=20).collect::<Vec<_>>());
}

#[test]
fn an_idle_thread_takes_new_work_without_a_new_thread() {
    let pool = BlockingPool::new(config(4, LONG_KEEP_ALIVE));
    let (done_tx, done) = mpsc::channel();
    let ids = Arc::new(Mutex::new(Vec::new()));
    for _ in 0..3 {
        let (done_tx, ids) = (done_tx.clone(), ids.clone());
        spawn(
            &pool,
            job(move || {
                ids.lock().unwrap().push(thread::current().id());
                done_tx.send(()).unwrap();
            }),
        );
        recv(&done);
        wait_until("the thread is idle", || pool.counts().1 == 1);
        // One wakeup per item: the idle thread is claimed at once, no thread added.
        assert_eq!(pool.counts().0, 1);
    }
    let ids = ids.lock().unwrap();
    assert!(
        ids.iter().all(|id| *id == ids[0]),
        "work moved threads: {ids:?}"
    );
}

#[test]
fn idle_threads_retire_after_keep_alive_one_exit_each() {
    let (stopped_tx, stopped) = mpsc::channel();
    let mut config = config(4, Duration::from_millis(20));
    config.on_thread_stop = Some(Arc::new(move || {
        stopped_tx.send(thread::current().id()).unwrap()
    }));
    let pool = BlockingPool::new(config);

    // Three items that all wait for each other need three threads.
    let barrier = Arc::new(Barrier::new(4));
    for _ in 0..3 {
        let barrier = barrier.clone();
        spawn(
            &pool,
            job(move || {
                barrier.wait();
            }),
        );
    }
    barrier.wait();
    let mut exited: Vec<_> = (0..3).map(|_| recv(&stopped)).collect();
    exited.sort_unstable_by_key(|id| format!("{id:?}"));
    exited.dedup();
    assert_eq!(exited.len(), 3, "each thread exits once");
    assert_eq!(pool.counts().0, 0);
    wait_until("the retired threads finish exiting", || {
        pool.counts().3 == 0
    });

    // A new item after retirement starts a new thread.
    let (done_tx, done) = mpsc::channel();
    spawn(&pool, job(move || done_tx.send(()).unwrap()));
    recv(&done);
    recv(&stopped);
    drop(pool);
    // The pool is gone with its hooks: no thread exited twice.
    assert_eq!(
        stopped.recv_timeout(PATIENCE),
        Err(RecvTimeoutError::Disconnected)
    );
}

#[test]
fn hooks_run_once_per_thread() {
    let starts = Arc::new(Mutex::new(Vec::new()));
    let stops = Arc::new(Mutex::new(Vec::new()));
    let mut config = config(3, LONG_KEEP_ALIVE);
    config.on_thread_start = Some({
        let starts = starts.clone();
        Arc::new(move || starts.lock().unwrap().push(thread::current().id()))
    });
    config.on_thread_stop = Some({
        let stops = stops.clone();
        Arc::new(move || stops.lock().unwrap().push(thread::current().id()))
    });
    let pool = BlockingPool::new(config);

    let barrier = Arc::new(Barrier::new(5));
    let names = Arc::new(Mutex::new(Vec::new()));
    let wait = |barrier: &Arc<Barrier>, names: &Arc<Mutex<Vec<String>>>| {
        let (barrier, names) = (barrier.clone(), names.clone());
        job(move || {
            names
                .lock()
                .unwrap()
                .push(thread::current().name().unwrap().to_owned());
            barrier.wait();
        })
    };
    for _ in 0..3 {
        spawn(&pool, wait(&barrier, &names));
    }
    spawn_as(&pool, wait(&barrier, &names), Mandatory::Yes);
    barrier.wait();
    drop(pool);

    let mut starts = starts.lock().unwrap().clone();
    let mut stops = stops.lock().unwrap().clone();
    starts.sort_unstable_by_key(|id| format!("{id:?}"));
    stops.sort_unstable_by_key(|id| format!("{id:?}"));
    assert_eq!(starts.len(), 4);
    assert_eq!(starts, stops);
    starts.dedup();
    assert_eq!(starts.len(), 4, "a thread ran its start hook twice");
    let mut names = names.lock().unwrap().clone();
    names.sort_unstable();
    assert_eq!(
        names,
        ["blocking-0", "blocking-1", "blocking-2", "blocking-3"]
    );
}

#[test]
fn shutdown_runs_queued_items_and_waits_for_them() {
    let mut pool = BlockingPool::new(config(1, LONG_KEEP_ALIVE));
    let (started_tx, started) = mpsc::channel();
    let (running, gate) = gated(0, &started_tx);
    let finished = Arc::new(AtomicBool::new(false));
    spawn(&pool, {
        let finished = finished.clone();
        job(move || {
            (running.run)();
            finished.store(true, Ordering::SeqCst);
        })
    });
    recv(&started);

    // Two items queued behind the running one. Its gate opens only once the pool
    // refuses new work, so the queued items can only run after shutdown has begun.
    let cancels = Arc::new(AtomicUsize::new(0));
    let ran = Arc::new(AtomicUsize::new(0));
    for _ in 0..2 {
        let ran = ran.clone();
        spawn(
            &pool,
            Job {
                run: Box::new(move || {
                    ran.fetch_add(1, Ordering::SeqCst);
                }),
                cancels: cancels.clone(),
            },
        );
    }
    let opener = thread::spawn({
        let spawner = pool.spawner().clone();
        move || {
            let mut accepted = 0;
            loop {
                match spawner.spawn(job(|| {}), Mandatory::No) {
                    Err(SpawnError::ShuttingDown(_)) => break,
                    Ok(()) => accepted += 1,
                    Err(other) => panic!("spawn before shutdown: {other:?}"),
                }
                thread::yield_now();
            }
            drop(gate);
            accepted
        }
    });

    pool.shutdown(None);
    let accepted = opener.join().unwrap();
    assert!(
        finished.load(Ordering::SeqCst),
        "shutdown returned before the item finished"
    );
    assert_eq!(ran.load(Ordering::SeqCst), 2, "queued items ran");
    assert_eq!(cancels.load(Ordering::SeqCst), 0);
    assert_eq!(
        pool.counts(),
        (0, 0, 0, 0),
        "{accepted} more were accepted and ran"
    );

    match pool.spawner().spawn(job(|| {}), Mandatory::Yes) {
        Err(SpawnError::ShuttingDown(_)) => {}
        other => panic!("spawn after shutdown: {other:?}"),
    }
    // Idempotent.
    pool.shutdown(None);
}

#[test]
fn shutdown_with_timeout_leaves_a_stuck_item_running() {
    let mut pool = BlockingPool::new(config(2, LONG_KEEP_ALIVE));
    let (started_tx, started) = mpsc::channel();
    let (stuck, gate) = gated(0, &started_tx);
    let (done_tx, done) = mpsc::channel();
    spawn(
        &pool,
        job(move || {
            (stuck.run)();
            done_tx.send(()).unwrap();
        }),
    );
    recv(&started);

    pool.shutdown(Some(Duration::from_millis(10)));
    assert_eq!(
        done.try_recv(),
        Err(mpsc::TryRecvError::Empty),
        "the item was not stuck"
    );
    assert_eq!(pool.counts().3, 1, "the stuck thread is still live");
    // A second shutdown, even one that would wait forever, returns at once.
    pool.shutdown(None);

    // The detached thread finishes on its own once unstuck.
    drop(gate);
    recv(&done);
    drop(pool);
}

#[test]
fn mandatory_items_exceed_the_cap() {
    let pool = BlockingPool::new(config(1, LONG_KEEP_ALIVE));
    let (started_tx, started) = mpsc::channel();
    let (busy, busy_gate) = gated(0, &started_tx);
    spawn(&pool, busy);
    assert_eq!(recv(&started), 0);

    let mut gates = vec![busy_gate];
    for id in 1..=2 {
        let (mandatory, gate) = gated(id, &started_tx);
        spawn_as(&pool, mandatory, Mandatory::Yes);
        assert_eq!(recv(&started), id, "a mandatory item waited for the cap");
        gates.push(gate);
    }
    // The cap still holds for ordinary items.
    let (queued, gate) = gated(3, &started_tx);
    spawn(&pool, queued);
    gates.push(gate);
    assert_eq!(pool.counts(), (1, 0, 1, 3));

    drop(gates.remove(1));
    drop(gates.remove(1));
    wait_until("the mandatory threads exit", || pool.counts().3 == 1);
    assert_eq!(
        pool.counts(),
        (1, 0, 1, 1),
        "mandatory threads do not serve the queue"
    );
    drop(gates.remove(0));
    assert_eq!(recv(&started), 3);
}

#[test]
fn shutdown_from_inside_a_pool_thread_does_not_wait_for_itself() {
    let pool = Arc::new(Mutex::new(Some(BlockingPool::new(config(
        2,
        LONG_KEEP_ALIVE,
    )))));
    let (started_tx, started) = mpsc::channel();
    let (other, gate) = gated(0, &started_tx);
    let other_done = Arc::new(AtomicBool::new(false));
    {
        let other_done = other_done.clone();
        let guard = pool.lock().unwrap();
        spawn(
            guard.as_ref().unwrap(),
            job(move || {
                (other.run)();
                other_done.store(true, Ordering::SeqCst);
            }),
        );
    }
    recv(&started);

    let (done_tx, done) = mpsc::channel();
    let owner = pool.clone();
    let guard = pool.lock().unwrap();
    spawn(
        guard.as_ref().unwrap(),
        job(move || {
            let taken = owner.lock().unwrap().take();
            drop(gate);
            // Dropping the pool shuts it down: it must wait for the other item only.
            drop(taken);
            done_tx.send(other_done.load(Ordering::SeqCst)).unwrap();
        }),
    );
    drop(guard);
    assert!(
        recv(&done),
        "shutdown did not wait for the other running item"
    );
}

#[test]
fn a_panicking_item_ends_its_thread_and_the_pool_recovers() {
    let (stopped_tx, stopped) = mpsc::channel();
    let mut config = config(1, LONG_KEEP_ALIVE);
    config.on_thread_stop = Some(Arc::new(move || stopped_tx.send(()).unwrap()));
    let pool = BlockingPool::new(config);
    let (started_tx, started) = mpsc::channel();
    let (panicking, gate) = gated(0, &started_tx);
    spawn(
        &pool,
        job(move || {
            (panicking.run)();
            panic!("an item's panic escaped");
        }),
    );
    recv(&started);
    // Queued behind the panicking item, at the cap.
    let (done_tx, done) = mpsc::channel();
    spawn(
        &pool,
        job(move || {
            done_tx
                .send(thread::current().name().map(str::to_owned))
                .unwrap()
        }),
    );
    assert_eq!(pool.counts(), (1, 0, 1, 1));

    drop(gate);
    recv(&stopped);
    // The dead thread's place went to a new one, which ran the queued item.
    assert_eq!(recv(&done).as_deref(), Some("blocking-1"));
    wait_until("the panicked thread finishes exiting", || {
        pool.counts().3 == 1
    });
    assert_eq!(pool.counts().0, 1);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "miri's threads have no real stacks, so it never refuses one"
)]
fn spawn_reports_a_refused_thread_with_the_item() {
    let mut config = config(2, LONG_KEEP_ALIVE);
    // No OS can map a stack of 4 EiB.
    config.stack_size = Some(1 << 62);
    let pool = BlockingPool::new(config);
    let cancels = Arc::new(AtomicUsize::new(0));
    for mandatory in [Mandatory::No, Mandatory::Yes] {
        let item = Job {
            run: Box::new(|| panic!("ran without a thread")),
            cancels: cancels.clone(),
        };
        match pool.spawner().spawn(item, mandatory) {
            Err(SpawnError::NoThreads(_, item)) => item.cancel(),
            other => panic!("{mandatory:?}: expected NoThreads, got {other:?}"),
        }
    }
    assert_eq!(cancels.load(Ordering::SeqCst), 2, "the items came back");
    assert_eq!(pool.counts(), (0, 0, 0, 0));
}
