//! avx's macros on a real runtime: `#[avx::main]`/`#[avx::test]` and their arguments,
//! and `select!`, `join!`, `try_join!`, `pin!` with the runtime's wakers, on the
//! current-thread and the multi-thread flavor.
//!
//! Self-contained: the helper futures below wake through the runtime's waker, so these
//! tests need no other avx API than the attributes.

use std::cell::Cell;
use std::future::{Future, pending, ready};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::task::{Context, Poll};

/// Pending `n` times, waking itself through the runtime's waker each time, then ready.
struct YieldTimes(u32);

impl Future for YieldTimes {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 == 0 {
            return Poll::Ready(());
        }
        self.0 -= 1;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// Counts polls of a never-ready future and notes its drop; `Send`, for multi_thread.
#[derive(Clone, Default)]
struct Probe {
    polls: Arc<AtomicU32>,
    dropped: Arc<AtomicBool>,
}

struct ProbedPending(Probe);

impl Probe {
    fn pending(&self) -> ProbedPending {
        ProbedPending(self.clone())
    }
    fn polls(&self) -> u32 {
        self.polls.load(Ordering::SeqCst)
    }
    fn dropped(&self) -> bool {
        self.dropped.load(Ordering::SeqCst)
    }
}

impl Future for ProbedPending {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        self.0.polls.fetch_add(1, Ordering::SeqCst);
        Poll::Pending
    }
}

impl Drop for ProbedPending {
    fn drop(&mut self) {
        self.0.dropped.store(true, Ordering::SeqCst);
    }
}

fn assert_send<T: Send>(value: T) -> T {
    value
}

// ===== #[avx::main] and #[avx::test] =====

#[avx::test]
async fn test_defaults_to_a_working_runtime() {
    YieldTimes(3).await;
}

#[avx::test(flavor = "multi_thread")]
async fn test_runs_on_multi_thread() {
    YieldTimes(3).await;
}

#[avx::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_takes_worker_threads() {
    YieldTimes(1).await;
}

#[avx::test(start_paused = true)]
async fn test_takes_start_paused() {
    YieldTimes(1).await;
}

#[avx::test(backend = "native")]
async fn test_takes_the_native_backend() {
    YieldTimes(1).await;
}

#[cfg(feature = "tokio")]
#[avx::test(flavor = "multi_thread", backend = "tokio")]
async fn test_takes_the_tokio_backend() {
    YieldTimes(1).await;
}

/// Doc comments and other attributes stay on the test.
#[avx::test]
#[should_panic(expected = "kept")]
async fn test_keeps_other_attributes() {
    YieldTimes(1).await;
    panic!("kept");
}

#[avx::test(name = "named-by-the-attribute")]
async fn test_takes_a_runtime_name() {
    let handle = avx::runtime::Handle::current();
    assert_eq!(handle.name(), Some("named-by-the-attribute"));
}

#[avx::test]
async fn test_may_return_a_result() -> Result<(), std::num::ParseIntError> {
    let n: u8 = "5".parse()?;
    YieldTimes(1).await;
    assert_eq!(n, 5);
    Ok(())
}

#[avx::test]
async fn return_in_the_body_returns_from_the_test() {
    YieldTimes(1).await;
    if std::hint::black_box(true) {
        return;
    }
    unreachable!("`return` left the test");
}

mod renamed_crate {
    use super::YieldTimes;
    use avx as renamed;

    #[renamed::test(crate = "renamed")]
    async fn test_finds_a_renamed_crate() {
        YieldTimes(1).await;
    }
}

#[avx::main(flavor = "current_thread")]
async fn add_on_current_thread(a: u32, b: u32) -> u32 {
    YieldTimes(1).await;
    a + b
}

#[avx::main]
async fn add_on_multi_thread(a: u32, b: u32) -> u32 {
    YieldTimes(1).await;
    a + b
}

#[test]
fn main_turns_an_async_fn_into_a_blocking_one() {
    assert_eq!(add_on_current_thread(1, 2), 3);
    assert_eq!(add_on_multi_thread(3, 4), 7);
}

/// The attributes inside `macro_rules!`, where fragments reach them wrapped.
macro_rules! both_flavors {
    ($( $(#[$meta:meta])* async fn $name:ident() $body:block )*) => {
        mod current_thread {
            use super::*;
            $( $(#[$meta])* #[avx::test] async fn $name() $body )*
        }
        mod multi_thread {
            use super::*;
            $( $(#[$meta])* #[avx::test(flavor = "multi_thread")] async fn $name() $body )*
        }
    };
}

// ===== select!, join!, try_join!, pin! on both flavors =====

both_flavors! {
    async fn select_runs_the_first_branch_to_complete() {
        let probe = Probe::default();
        let out = avx::select! {
            _ = probe.pending() => 0,
            _ = YieldTimes(2) => 1,
        };
        assert_eq!(out, 1);
        assert!(probe.dropped());
    }

    async fn select_without_biased_lets_every_ready_branch_win() {
        let mut wins = [0u32; 2];
        for _ in 0..200 {
            let winner = avx::select! {
                _ = ready(()) => 0,
                _ = ready(()) => 1,
            };
            wins[winner] += 1;
        }
        // A branch that never wins in 200 fair draws has probability 2^-199.
        assert!(wins[0] > 0 && wins[1] > 0, "{wins:?}");
    }

    async fn select_biased_polls_in_written_order() {
        for _ in 0..50 {
            let winner = avx::select! {
                biased;
                _ = ready(()) => 0,
                _ = ready(()) => 1,
            };
            assert_eq!(winner, 0);
        }
    }

    async fn select_disables_a_branch_whose_value_does_not_match() {
        let polls = Arc::new(AtomicU32::new(0));
        let out = avx::select! {
            biased;
            Some(v) = async { polls.fetch_add(1, Ordering::SeqCst); None::<u8> } => v,
            _ = YieldTimes(2) => 2,
        };
        assert_eq!(out, 2);
        assert_eq!(polls.load(Ordering::SeqCst), 1);
    }

    async fn select_never_polls_a_branch_whose_precondition_is_false() {
        let probe = Probe::default();
        let out = avx::select! {
            _ = probe.pending(), if false => 0,
            _ = YieldTimes(1) => 1,
        };
        assert_eq!((out, probe.polls()), (1, 0));
    }

    async fn select_infers_a_branch_whose_output_is_never_named() {
        // The closure's `Poll<T>` names no `T`: as in tokio, the branch's output type
        // falls back as a diverging one does, rather than failing to infer.
        let never = std::future::poll_fn(|_| panic!("a disabled branch is polled"));
        let out = avx::select! {
            _ = never, if false => unreachable!(),
            v = ready(7) => v,
        };
        assert_eq!(out, 7);
    }

    async fn select_runs_else_when_every_branch_is_disabled() {
        let out = avx::select! {
            _ = pending::<()>(), if false => 0,
            Some(v) = ready(None) => v,
            else => 2,
        };
        assert_eq!(out, 2);
    }

    #[should_panic(expected = "all branches are disabled and there is no else branch")]
    async fn select_panics_when_every_branch_is_disabled_and_there_is_no_else() {
        avx::select! {
            _ = pending::<()>(), if false => {}
            Some(v) = ready(None::<u8>) => { let _ = v; }
        }
    }

    async fn select_handlers_control_the_callers_flow() {
        let mut seen = Vec::new();
        for i in 0..10u32 {
            avx::select! {
                v = async { YieldTimes(1).await; i } => {
                    if v % 2 == 0 {
                        continue;
                    }
                    if v > 6 {
                        break;
                    }
                    seen.push(v);
                }
            }
        }
        assert_eq!(seen, [1, 3, 5]);

        async fn parse_big(text: &str) -> Result<u8, std::num::ParseIntError> {
            avx::select! {
                v = async { YieldTimes(1).await; text } => {
                    let n: u8 = v.parse()?;
                    if n > 3 {
                        return Ok(n);
                    }
                }
            }
            Ok(0)
        }
        assert_eq!(parse_big("4").await, Ok(4));
        assert_eq!(parse_big("2").await, Ok(0));
        assert!(parse_big("x").await.is_err());
    }

    async fn select_futures_are_send_when_their_branches_are() {
        let out = assert_send(async {
            avx::select! {
                v = async { YieldTimes(1).await; 1 } => v,
                _ = pending::<()>() => 0,
            }
        })
        .await;
        assert_eq!(out, 1);
    }

    async fn join_waits_for_every_branch() {
        let (a, b, c) = avx::join!(
            async { YieldTimes(3).await; 'a' },
            async { YieldTimes(1).await; "b" },
            ready(3),
        );
        assert_eq!((a, b, c), ('a', "b", 3));
        let (x, y) = avx::join!(biased; YieldTimes(1), YieldTimes(2));
        assert_eq!((x, y), ((), ()));
        let () = avx::join!();
    }

    async fn try_join_returns_every_value_or_the_first_err() {
        let ok = avx::try_join!(async { YieldTimes(2).await; Ok::<_, &str>(1) }, ready(Ok(2)));
        assert_eq!(ok, Ok((1, 2)));

        let probe = Probe::default();
        let failed = avx::try_join!(
            async { probe.pending().await; Ok::<u8, &str>(0) },
            async { YieldTimes(2).await; Err::<u8, _>("failed") },
        );
        assert_eq!(failed, Err("failed"));
        // Short-circuited: the pending branch was dropped, not left running.
        assert!(probe.dropped());
    }

    async fn pin_pins_variables_and_declarations() {
        let first = async { YieldTimes(1).await; 1 };
        avx::pin!(first);
        avx::pin! {
            let second = async { YieldTimes(2).await; 2 };
        }
        let mut total = 0;
        let mut first_done = false;
        let mut second_done = false;
        while !(first_done && second_done) {
            avx::select! {
                v = &mut first, if !first_done => { first_done = true; total += v; }
                v = &mut second, if !second_done => { second_done = true; total += v; }
            }
        }
        assert_eq!(total, 3);
    }
}

/// A `!Send` future works on the current-thread flavor (the runtime blocks on it in
/// place).
#[avx::test]
async fn select_accepts_non_send_futures_on_current_thread() {
    let shared = Rc::new(Cell::new(0));
    let out = avx::select! {
        _ = async { YieldTimes(1).await; shared.set(1) } => shared.get(),
        _ = pending::<()>() => 0,
    };
    assert_eq!(out, 1);
}
