//! `select!`: branch choice, fairness, disabling, `else`, the all-disabled panic and
//! handler control flow.

use super::{Probe, Step, Trace, block_on, panic_message};
use std::cell::Cell;
use std::future::{pending, ready};

#[test]
fn returns_the_branch_that_completes() {
    let probe = Probe::default();
    let out = block_on(async {
        crate::select! {
            _ = probe.pending() => 0,
            v = ready(7) => v * 2,
        }
    });
    assert_eq!(out, 14);
}

#[test]
fn waits_for_a_branch_that_completes_later() {
    let trace = Trace::default();
    let out = block_on(async {
        crate::select! {
            _ = pending::<()>() => "never",
            v = Step::new("late", &trace, 3, "late") => v,
        }
    });
    assert_eq!(out, "late");
    assert_eq!(trace.borrow().len(), 4);
}

#[test]
fn unbiased_start_lets_every_ready_branch_win() {
    let mut wins = [0u32; 4];
    for _ in 0..400 {
        let winner = block_on(async {
            crate::select! {
                _ = ready(()) => 0,
                _ = ready(()) => 1,
                _ = ready(()) => 2,
                _ = ready(()) => 3,
            }
        });
        wins[winner] += 1;
    }
    // A branch that never wins in 400 fair draws has probability below 1e-49.
    assert!(wins.iter().all(|&w| w > 0), "{wins:?}");
}

#[test]
fn biased_polls_in_written_order() {
    for _ in 0..100 {
        let winner = block_on(async {
            crate::select! {
                biased;
                _ = ready(()) => 0,
                _ = ready(()) => 1,
            }
        });
        assert_eq!(winner, 0);
    }
    let trace = Trace::default();
    let out = block_on(async {
        crate::select! {
            biased;
            v = Step::new("a", &trace, 2, 'a') => v,
            v = Step::new("b", &trace, 1, 'b') => v,
            v = Step::new("c", &trace, 5, 'c') => v,
        }
    });
    assert_eq!(out, 'b');
    assert_eq!(*trace.borrow(), ["a", "b", "c", "a", "b"]);
}

#[test]
fn a_value_that_does_not_match_disables_its_branch() {
    let polls = Cell::new(0);
    let out = block_on(async {
        crate::select! {
            biased;
            Some(v) = async { polls.set(polls.get() + 1); None::<u8> } => v,
            v = Step::new("b", &Trace::default(), 2, 9) => v,
        }
    });
    assert_eq!(out, 9);
    // The first branch completed on the first poll and was not polled again.
    assert_eq!(polls.get(), 1);
}

#[test]
fn a_false_precondition_evaluates_but_never_polls_the_future() {
    let probe = Probe::default();
    let created = Cell::new(false);
    let out = block_on(async {
        crate::select! {
            _ = { created.set(true); probe.pending() }, if false => "disabled",
            v = ready("enabled") => v,
        }
    });
    assert_eq!(out, "enabled");
    assert!(created.get());
    assert_eq!(probe.polls(), 0);
    assert!(probe.dropped());
}

#[test]
fn preconditions_run_before_the_futures_are_created() {
    let trace = Trace::default();
    let note = |event| trace.borrow_mut().push(event);
    block_on(async {
        crate::select! {
            _ = async { note("poll a") }, if { note("check a"); true } => {}
            _ = { note("create b"); ready(()) }, if { note("check b"); true } => {}
        }
    });
    let trace = trace.borrow();
    assert_eq!(trace[..3], ["check a", "check b", "create b"]);
}

#[test]
fn else_runs_when_every_branch_is_disabled() {
    let out = block_on(async {
        crate::select! {
            _ = pending::<()>(), if false => 1,
            Some(v) = ready(None) => v,
            else => 3,
        }
    });
    assert_eq!(out, 3);
    assert_eq!(
        block_on(async {
            crate::select! { else => 4 }
        }),
        4
    );
    assert_eq!(
        block_on(async {
            crate::select! { biased; else => 5, }
        }),
        5
    );
}

#[test]
fn every_branch_disabled_without_else_panics_with_tokios_message() {
    let result = std::panic::catch_unwind(|| {
        block_on(async {
            crate::select! {
                Some(v) = ready(None::<u8>) => v,
                _ = pending::<()>(), if false => 0,
            }
        })
    });
    let payload = result.expect_err("select! should panic");
    assert_eq!(
        panic_message(&*payload),
        "all branches are disabled and there is no else branch"
    );
}

#[test]
fn the_other_futures_are_dropped_before_the_handler_runs() {
    let probe = Probe::default();
    let dropped_in_handler = block_on(async {
        crate::select! {
            _ = probe.pending() => false,
            _ = ready(()) => probe.dropped(),
        }
    });
    assert!(dropped_in_handler);
}

#[test]
fn handlers_can_break_and_continue_the_callers_loop() {
    let out = block_on(async {
        let mut seen = Vec::new();
        for i in 0..10 {
            crate::select! {
                v = ready(i) => {
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
        seen
    });
    assert_eq!(out, [1, 3, 5]);

    let labelled = block_on(async {
        let mut round = 0;
        'outer: loop {
            round += 1;
            for i in 0..3 {
                crate::select! {
                    biased;
                    v = ready(i), if round == 2 => break 'outer (round, v),
                    _ = ready(()) => {}
                }
            }
        }
    });
    assert_eq!(labelled, (2, 0));
}

#[test]
fn handlers_can_return_await_and_use_question_mark() {
    async fn first_even(values: &[u32]) -> Result<u32, String> {
        for &v in values {
            crate::select! {
                x = ready(v) => {
                    let checked = async { if x > 100 { Err(format!("{x} too big")) } else { Ok(x) } }.await?;
                    if checked % 2 == 0 {
                        return Ok(checked);
                    }
                }
            }
        }
        Err("none".to_owned())
    }
    assert_eq!(block_on(first_even(&[1, 3, 4, 5])), Ok(4));
    assert_eq!(
        block_on(first_even(&[1, 300])),
        Err("300 too big".to_owned())
    );
    assert_eq!(block_on(first_even(&[1])), Err("none".to_owned()));
}

#[test]
fn patterns_may_use_ref_mut_and_reference_patterns() {
    let out = block_on(async {
        let mut total = 0;
        crate::select! {
            Some(mut v) = ready(Some(1)) => { v += 10; total += v; }
        }
        crate::select! {
            (ref a, ref mut b) = ready((String::from("x"), 2)) => { *b += 1; total += a.len() + *b; }
        }
        crate::select! {
            Some(&v) = ready(Some(&100)) => total += v,
        }
        let mut thousand = 1000;
        crate::select! {
            &mut v = ready(&mut thousand) => total += v,
        }
        total
    });
    assert_eq!(out, 11 + 4 + 100 + 1000);
}

#[test]
fn a_pinned_future_can_be_selected_on_across_iterations() {
    let trace = Trace::default();
    let out = block_on(async {
        let slow = Step::new("slow", &trace, 3, "done");
        crate::pin!(slow);
        let mut ticks = 0;
        loop {
            crate::select! {
                biased;
                v = &mut slow => break (v, ticks),
                _ = ready(()), if ticks < 2 => ticks += 1,
            }
        }
    });
    assert_eq!(out, ("done", 2));
}

#[test]
fn borrowed_temporaries_live_through_the_select() {
    let out = block_on(async {
        crate::select! {
            v = &mut ready(3) => v,
        }
    });
    assert_eq!(out, 3);
}

#[test]
fn handlers_may_use_what_the_futures_borrowed() {
    let mut data = vec![1, 2, 3];
    let out = block_on(async {
        crate::select! {
            n = async { data.len() } => { data.push(n); data.clone() }
        }
    });
    assert_eq!(out, [1, 2, 3, 3]);
}

#[test]
fn selects_nest_and_accept_any_into_future() {
    struct Later(u8);
    impl std::future::IntoFuture for Later {
        type Output = u8;
        type IntoFuture = std::future::Ready<u8>;
        fn into_future(self) -> Self::IntoFuture {
            ready(self.0)
        }
    }
    let out = block_on(async {
        crate::select! {
            a = Later(1) => crate::select! {
                b = Later(a + 1) => b * 10,
            },
        }
    });
    assert_eq!(out, 20);
}

#[test]
fn the_expansions_locals_do_not_capture_the_callers_names() {
    let (output, futures, disabled, branches, start, cx, count) = (1, 2, 3, 4, 5, 6, 7);
    let out = block_on(async {
        let selected = crate::select! {
            v = ready(output), if disabled == 3 => v + futures + branches + start + cx + count,
        };
        let (a, b) = crate::join!(ready(output), ready(futures));
        let tried = crate::try_join!(ready(Ok::<_, ()>(disabled)), ready(Ok(count)));
        (selected, a + b, tried)
    });
    assert_eq!(out, (1 + 2 + 4 + 5 + 6 + 7, 3, Ok((3, 7))));
}

#[test]
fn handlers_may_be_fragments_forwarded_by_another_macro() {
    macro_rules! forward {
        ($literal:literal, $expr:expr, $block:block) => {
            crate::select! {
                biased;
                _ = ready(()), if false => $literal,
                x = ready(1) => $expr + x,
                _ = ready(()) => $block,
            }
        };
    }
    assert_eq!(block_on(async { forward!(1, 10, { 100 }) }), 11);
}

/// 64 branches, the most `select!` takes; only the last is enabled.
#[test]
fn takes_sixty_four_branches() {
    macro_rules! sixty_four {
        ($($i:literal)*) => {
            crate::select! { $( v = ready($i), if $i == 63 => v, )* }
        };
    }
    let out = block_on(async {
        sixty_four!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28
            29 30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56
            57 58 59 60 61 62 63)
    });
    assert_eq!(out, 63);
}

#[test]
fn yields_when_the_cooperative_budget_is_spent() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::task::{Context, Poll, Wake, Waker};

    struct Flag(AtomicBool);
    impl Wake for Flag {
        fn wake(self: Arc<Self>) {
            self.0.store(true, Ordering::SeqCst);
        }
    }
    let woken = Arc::new(Flag(AtomicBool::new(false)));
    let waker = Waker::from(woken.clone());
    let mut cx = Context::from_waker(&waker);
    let mut select = std::pin::pin!(async {
        crate::select! { v = ready(1) => v }
    });

    avx_native::coop::budget(|| {
        // Spend the whole budget, as a task that did a lot of work would.
        while let Poll::Ready(spent) = avx_native::coop::poll_proceed(&mut cx) {
            spent.made_progress();
        }
        woken.0.store(false, Ordering::SeqCst);
        assert_eq!(select.as_mut().poll(&mut cx), Poll::Pending);
        assert!(
            woken.0.load(Ordering::SeqCst),
            "a yielding select! must wake its task"
        );
    });
    // With a fresh budget the ready branch wins.
    assert_eq!(
        avx_native::coop::budget(|| select.as_mut().poll(&mut cx)),
        Poll::Ready(1)
    );
}
