//! `avx::time`: sleep, timeout, interval, Instant, and the paused clock.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};

use avx::time::{
    self, Duration, Instant, MissedTickBehavior, interval, interval_at, sleep, sleep_until,
    timeout, timeout_at,
};

use super::{Flavor, builder, can_pause, runtime};

const FLAVORS: [Flavor; 2] = [Flavor::CurrentThread, Flavor::MultiThread];

/// A runtime of `flavor` whose clock starts paused, where the backend allows it.
fn paused(flavor: Flavor) -> Option<avx::runtime::Runtime> {
    can_pause(flavor).then(|| builder(flavor).start_paused(true).build().unwrap())
}

rt_test! {
    async fn sleep_never_completes_before_its_deadline() {
        for ms in [0, 1, 2, 5, 13] {
            let start = Instant::now();
            sleep(Duration::from_millis(ms)).await;
            assert!(start.elapsed() >= Duration::from_millis(ms), "{ms} ms");
        }
    }
}

rt_test! {
    async fn sleeps_complete_in_deadline_order() {
        let order = Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut handles = Vec::new();
        for ms in [30u64, 10, 20] {
            let order = order.clone();
            handles.push(avx::spawn(async move {
                sleep(Duration::from_millis(ms)).await;
                order.lock().unwrap().push(ms);
            }));
        }
        for h in handles {
            h.await.unwrap();
        }
        assert_eq!(*order.lock().unwrap(), vec![10, 20, 30]);
    }
}

rt_test! {
    async fn thousands_of_concurrent_sleeps_all_fire() {
        let fired = Arc::new(AtomicUsize::new(0));
        let handles: Vec<_> = (0..5000u64)
            .map(|i| {
                let fired = fired.clone();
                avx::spawn(async move {
                    sleep(Duration::from_millis(1 + i % 20)).await;
                    fired.fetch_add(1, Ordering::Relaxed);
                })
            })
            .collect();
        for h in handles {
            h.await.unwrap();
        }
        assert_eq!(fired.load(Ordering::Relaxed), 5000);
    }
}

rt_test! {
    async fn sleep_reports_deadline_and_elapsed() {
        let deadline = Instant::now() + Duration::from_millis(5);
        let mut s = pin!(sleep_until(deadline));
        assert_eq!(s.deadline(), deadline);
        assert!(!s.is_elapsed());
        s.as_mut().await;
        assert!(s.is_elapsed());
        // reset re-arms a completed sleep.
        let later = Instant::now() + Duration::from_millis(3);
        s.as_mut().reset(later);
        assert_eq!(s.deadline(), later);
        assert!(!s.is_elapsed());
        s.as_mut().await;
        assert!(Instant::now() >= later);
    }
}

rt_test! {
    async fn reset_moves_a_pending_sleep_earlier() {
        let mut s = pin!(sleep(Duration::from_secs(3600)));
        // Register it with the timer first.
        assert!(futures_poll(s.as_mut()).is_pending());
        s.as_mut().reset(Instant::now() + Duration::from_millis(2));
        s.await;
    }
}

rt_test! {
    async fn dropping_a_sleep_cancels_it() {
        for _ in 0..1000 {
            let mut s = pin!(sleep(Duration::from_millis(50)));
            assert!(futures_poll(s.as_mut()).is_pending());
        }
        // The cancelled timers left nothing behind: a fresh one still fires.
        sleep(Duration::from_millis(1)).await;
    }
}

rt_test! {
    async fn timeout_returns_the_value_or_elapsed() {
        assert_eq!(timeout(Duration::from_millis(50), async { 5 }).await, Ok(5));
        let err = timeout(Duration::from_millis(2), std::future::pending::<()>())
            .await
            .unwrap_err();
        assert_eq!(err.to_string(), "deadline has elapsed");
        let io: std::io::Error = err.into();
        assert_eq!(io.kind(), std::io::ErrorKind::TimedOut);
        // A zero timeout still lets a ready future through: it is polled first.
        assert_eq!(timeout(Duration::ZERO, async { 7 }).await, Ok(7));
        let deadline = Instant::now() + Duration::from_millis(2);
        assert!(timeout_at(deadline, std::future::pending::<()>()).await.is_err());
        assert!(Instant::now() >= deadline);
    }
}

rt_test! {
    async fn timeout_fires_even_when_the_inner_future_spends_the_budget() {
        // A future that always spends budget and wakes itself, never completing.
        struct Spin;
        impl Future for Spin {
            type Output = ();
            fn poll(self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
                match avx::task::coop::poll_proceed(cx) {
                    Poll::Ready(guard) => {
                        guard.made_progress();
                        cx.waker().wake_by_ref();
                        Poll::Pending
                    }
                    Poll::Pending => Poll::Pending,
                }
            }
        }
        assert!(timeout(Duration::from_millis(5), Spin).await.is_err());
    }
}

rt_test! {
    async fn timeout_accessors() {
        let mut t = timeout(Duration::from_secs(1), async { 3 });
        let _: &_ = t.get_ref();
        let _: &mut _ = t.get_mut();
        assert_eq!(t.into_inner().await, 3);
    }
}

rt_test! {
    async fn interval_ticks_at_start_then_every_period() {
        let start = Instant::now();
        let mut ticks = interval(Duration::from_millis(3));
        let first = ticks.tick().await;
        assert!(first <= Instant::now());
        assert!(first >= start);
        let second = ticks.tick().await;
        assert_eq!(second, first + Duration::from_millis(3));
        assert!(Instant::now() >= second);
        assert_eq!(ticks.period(), Duration::from_millis(3));
        assert_eq!(ticks.missed_tick_behavior(), MissedTickBehavior::Burst);
    }
}

#[test]
#[should_panic(expected = "`period` must be non-zero.")]
fn interval_of_zero_panics() {
    let rt = runtime(Flavor::CurrentThread);
    let _guard = rt.enter();
    let _ = interval(Duration::ZERO);
}

#[test]
#[should_panic(expected = "there is no reactor running")]
fn sleep_outside_a_runtime_panics() {
    drop(sleep(Duration::from_millis(1)));
}

#[test]
#[should_panic(expected = "timers are disabled")]
fn sleep_without_enable_time_panics() {
    let rt = avx::runtime::Builder::new_current_thread()
        .backend(crate::BACKEND)
        .build()
        .unwrap();
    rt.block_on(async {
        sleep(Duration::from_millis(1)).await;
    });
}

#[test]
fn sleep_outlives_its_runtime_and_panics_when_polled() {
    let rt = runtime(Flavor::CurrentThread);
    // Created inside the runtime, kept past its drop.
    let s = {
        let _guard = rt.enter();
        Box::pin(sleep(Duration::from_secs(60)))
    };
    drop(rt);
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        let mut s = s;
        futures_poll(s.as_mut())
    }));
    let message = panic_message(outcome.unwrap_err());
    assert!(message.contains("being shutdown"), "{message}");
}

#[test]
fn paused_time_auto_advances_to_the_next_timer() {
    for flavor in FLAVORS {
        let Some(rt) = paused(flavor) else { continue };
        rt.block_on(async {
            let real = std::time::Instant::now();
            let start = Instant::now();
            sleep(Duration::from_secs(3600)).await;
            assert_eq!(Instant::now() - start, Duration::from_secs(3600));
            // Days of virtual time take no real time.
            sleep(Duration::from_secs(86_400 * 3)).await;
            assert!(real.elapsed() < Duration::from_secs(30), "{flavor:?}");
        });
    }
}

#[test]
fn paused_time_advance_fires_due_timers_in_order() {
    for flavor in FLAVORS {
        let Some(rt) = paused(flavor) else { continue };
        rt.block_on(async {
            let fired = Arc::new(std::sync::Mutex::new(Vec::new()));
            let mut handles = Vec::new();
            for ms in [300u64, 100, 200] {
                let fired = fired.clone();
                handles.push(avx::spawn(async move {
                    sleep(Duration::from_millis(ms)).await;
                    fired.lock().unwrap().push(ms);
                }));
            }
            let start = Instant::now();
            time::advance(Duration::from_millis(150)).await;
            assert_eq!(Instant::now() - start, Duration::from_millis(150));
            for h in handles {
                h.await.unwrap();
            }
            assert_eq!(*fired.lock().unwrap(), vec![100, 200, 300]);
        });
    }
}

#[test]
fn pause_and_resume_in_a_running_runtime() {
    let rt = runtime(Flavor::CurrentThread);
    rt.block_on(async {
        time::pause();
        let frozen = Instant::now();
        time::advance(Duration::from_secs(10)).await;
        assert_eq!(Instant::now() - frozen, Duration::from_secs(10));
        time::resume();
        let resumed = Instant::now();
        assert!(resumed >= frozen + Duration::from_secs(10));
        sleep(Duration::from_millis(1)).await;
        assert!(Instant::now() > resumed);
    });
}

#[test]
#[should_panic(expected = "time is already frozen")]
fn pausing_twice_panics() {
    let rt = paused(Flavor::CurrentThread).unwrap();
    rt.block_on(async { time::pause() });
}

#[test]
#[should_panic(expected = "time is not frozen")]
fn resuming_a_running_clock_panics() {
    let rt = runtime(Flavor::CurrentThread);
    rt.block_on(async { time::resume() });
}

#[test]
fn auto_advance_waits_for_blocking_tasks() {
    for flavor in FLAVORS {
        let Some(rt) = paused(flavor) else { continue };
        rt.block_on(async {
            let start = Instant::now();
            let (tx, rx) = std::sync::mpsc::channel::<()>();
            let blocking = avx::task::spawn_blocking(move || rx.recv().unwrap());
            let sleeper = avx::spawn(async move {
                sleep(Duration::from_millis(10)).await;
                Instant::now()
            });
            // Release the blocking task from outside the runtime. The window before
            // the release is when an idle runtime would wrongly jump its clock to
            // the sleeper's deadline; the outcome never depends on its length.
            let releaser = std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_millis(20));
                tx.send(()).unwrap();
            });
            let fired_at = sleeper.await.unwrap();
            assert!(
                blocking.is_finished(),
                "{flavor:?}: the clock jumped while a blocking task ran"
            );
            assert_eq!(fired_at - start, Duration::from_millis(10), "{flavor:?}");
            blocking.await.unwrap();
            releaser.join().unwrap();
        });
    }
}

#[test]
fn interval_missed_tick_behaviors_on_a_paused_clock() {
    let rt = paused(Flavor::CurrentThread).unwrap();
    rt.block_on(async {
        let period = Duration::from_millis(10);
        for (behavior, expected_gap) in [
            (MissedTickBehavior::Burst, Duration::ZERO),
            (MissedTickBehavior::Delay, period),
            (MissedTickBehavior::Skip, Duration::from_millis(5)),
        ] {
            let start = Instant::now();
            let mut ticks = interval_at(start, period);
            ticks.set_missed_tick_behavior(behavior);
            ticks.tick().await;
            // Fall 25 ms behind: ticks at 10 and 20 are missed.
            time::advance(Duration::from_millis(25)).await;
            let late = ticks.tick().await;
            assert_eq!(
                late,
                start + period,
                "{behavior:?}: the missed tick is reported"
            );
            let next = ticks.tick().await;
            assert_eq!(next - Instant::now(), Duration::ZERO);
            assert_eq!(
                next - (start + Duration::from_millis(25)),
                expected_gap,
                "{behavior:?}"
            );
        }
    });
}

#[test]
fn interval_resets() {
    let rt = paused(Flavor::CurrentThread).unwrap();
    rt.block_on(async {
        let period = Duration::from_millis(10);
        let mut ticks = interval(period);
        ticks.tick().await;
        time::advance(Duration::from_millis(3)).await;
        ticks.reset();
        let at = Instant::now();
        assert_eq!(ticks.tick().await, at + period);
        ticks.reset_immediately();
        assert_eq!(ticks.tick().await, Instant::now());
        ticks.reset_after(Duration::from_millis(4));
        let at = Instant::now();
        assert_eq!(ticks.tick().await, at + Duration::from_millis(4));
        let deadline = Instant::now() + Duration::from_millis(7);
        ticks.reset_at(deadline);
        assert_eq!(ticks.tick().await, deadline);
    });
}

#[test]
fn instant_arithmetic_matches_std() {
    let a = Instant::from_std(std::time::Instant::now());
    let b = a + Duration::from_millis(5);
    assert_eq!(b - a, Duration::from_millis(5));
    assert_eq!(a - b, Duration::ZERO, "saturates");
    assert_eq!(a.checked_duration_since(b), None);
    assert_eq!(b.duration_since(a), Duration::from_millis(5));
    assert_eq!(b - Duration::from_millis(5), a);
    assert_eq!(b.checked_sub(Duration::from_millis(5)), Some(a));
    assert_eq!(std::time::Instant::from(b), b.into_std());
    let mut c = a;
    c += Duration::from_secs(1);
    c -= Duration::from_millis(500);
    assert_eq!(c - a, Duration::from_millis(500));
}

/// Polls a future once with a no-op waker.
fn futures_poll<F: Future + ?Sized>(future: std::pin::Pin<&mut F>) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(std::task::Waker::noop()))
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

rt_test! {
    async fn an_interval_reset_past_the_representable_does_not_panic() {
        // tokio saturates to a far-future deadline.
        let mut long = interval(Duration::MAX);
        long.tick().await;
        long.reset();
        let mut short = interval(Duration::from_millis(1));
        short.reset_after(Duration::MAX);
        let next = pin!(short.tick());
        assert!(crate::suite::sync_util::poll_once(next).is_pending());
    }
}

#[test]
fn a_sleep_first_polled_after_an_advance_past_its_deadline_is_ready_at_once() {
    for flavor in FLAVORS {
        let Some(rt) = paused(flavor) else { continue };
        rt.block_on(async {
            let deadline = Instant::now();
            let mut late = pin!(timeout_at(deadline, std::future::pending::<()>()));
            time::advance(Duration::from_millis(1)).await;
            let polled = crate::suite::sync_util::poll_once(late.as_mut());
            assert!(matches!(polled, Poll::Ready(Err(_))), "{flavor:?}");
        });
    }
}

#[test]
fn auto_advance_waits_for_io_that_is_already_ready() {
    // With a paused clock the runtime jumps to the next timer only when it is idle
    // after polling I/O: a datagram already sent is received at the same instant.
    // tokio pauses time only on the current-thread runtime; avx's multi-thread one
    // may jump first (migration-guide.md, "paused time").
    for flavor in [Flavor::CurrentThread] {
        let Some(rt) = paused(flavor) else { continue };
        rt.block_on(async {
            let start = Instant::now();
            let (a, b) = avx::net::UnixDatagram::pair().unwrap();
            let mut buf = [0; 1];
            avx::join!(
                async {
                    a.send(&[1]).await.unwrap();
                    sleep(Duration::from_millis(100)).await;
                },
                async {
                    b.recv(&mut buf).await.unwrap();
                    assert_eq!(start.elapsed(), Duration::ZERO, "{flavor:?}");
                },
            );
        });
    }
}

#[test]
fn pause_and_resume_misused_panic_at_the_callers_line() {
    // On the tokio backend the panic comes from inside tokio.
    if crate::BACKEND != avx::runtime::Backend::Native {
        return;
    }
    let rt = runtime(Flavor::CurrentThread);
    let file = crate::suite::panic_file(|| {
        rt.block_on(async {
            time::pause();
            time::pause();
        });
    });
    assert_eq!(file.as_deref(), Some(file!()));
    let rt = runtime(Flavor::CurrentThread);
    let file = crate::suite::panic_file(|| rt.block_on(async { time::resume() }));
    assert_eq!(file.as_deref(), Some(file!()));
}
