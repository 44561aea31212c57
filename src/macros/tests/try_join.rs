//! `try_join!`: `Ok` of every value, or the first `Err` with the other branches dropped.

use super::{Probe, Step, Trace, block_on};
use std::convert::Infallible;

#[test]
fn returns_every_value_when_all_succeed() {
    let trace = Trace::default();
    let out = block_on(async {
        crate::try_join!(Step::new("a", &trace, 2, Ok::<_, String>(1)), async {
            Ok("two")
        })
    });
    assert_eq!(out, Ok((1, "two")));
}

#[test]
fn the_first_err_returns_at_once_and_drops_the_others() {
    let probe = Probe::default();
    let out = block_on(async {
        let out = crate::try_join!(
            async {
                probe.pending().await;
                Ok::<u8, &str>(1)
            },
            Step::new("fails", &Trace::default(), 1, Err::<u8, _>("failed")),
        );
        // The pending branch is gone once the macro's value is available.
        (out, probe.dropped())
    });
    assert_eq!(out, (Err("failed"), true));
    // Polled once: the second poll starts at the failing branch (rotation), which
    // returns before the pending branch's turn.
    assert_eq!(probe.polls(), 1);
}

#[test]
fn an_err_wins_over_later_branches_in_the_same_poll() {
    let trace = Trace::default();
    let out = block_on(async {
        crate::try_join!(biased; async { Err::<u8, u8>(1) }, Step::new("never", &trace, 0, Ok(2)))
    });
    assert_eq!(out, Err(1));
    assert!(trace.borrow().is_empty());
}

#[test]
fn rotates_and_biases_like_join() {
    let trace = Trace::default();
    let ok = |name| Step::new(name, &trace, 1, Ok::<(), ()>(()));
    block_on(async { crate::try_join!(ok("a"), ok("b")) }).unwrap();
    block_on(async { crate::try_join!(biased; ok("c"), ok("d")) }).unwrap();
    assert_eq!(*trace.borrow(), ["a", "b", "b", "a", "c", "d", "c", "d"]);
}

#[test]
fn works_with_an_uninhabited_error_type() {
    let out =
        block_on(async { crate::try_join!(async { Ok::<_, Infallible>(1) }, async { Ok(2) }) });
    assert_eq!(out, Ok((1, 2)));
}

#[test]
fn joins_zero_branches() {
    let out: Result<(), ()> = block_on(async { crate::try_join!() });
    assert_eq!(out, Ok(()));
    let out: Result<(), ()> = block_on(async { crate::try_join!(biased;) });
    assert_eq!(out, Ok(()));
}
