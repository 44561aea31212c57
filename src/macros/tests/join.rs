//! `join!`: outputs in order, every branch waited for, rotation and `biased;`.

use super::{Step, Trace, block_on};

#[test]
fn returns_every_output_in_written_order() {
    let trace = Trace::default();
    let out = block_on(async {
        crate::join!(
            Step::new("a", &trace, 3, 'a'),
            Step::new("b", &trace, 0, "b"),
            async { 3u8 },
        )
    });
    assert_eq!(out, ('a', "b", 3));
}

#[test]
fn a_finished_branch_is_not_polled_again() {
    let trace = Trace::default();
    block_on(async {
        crate::join!(biased; Step::new("quick", &trace, 0, ()), Step::new("slow", &trace, 2, ()))
    });
    assert_eq!(*trace.borrow(), ["quick", "slow", "slow", "slow"]);
}

#[test]
fn each_poll_starts_at_the_next_branch() {
    let trace = Trace::default();
    block_on(async {
        crate::join!(
            Step::new("a", &trace, 2, ()),
            Step::new("b", &trace, 2, ()),
            Step::new("c", &trace, 2, ()),
        )
    });
    assert_eq!(
        *trace.borrow(),
        ["a", "b", "c", "b", "c", "a", "c", "a", "b"]
    );
}

#[test]
fn biased_polls_in_written_order_every_time() {
    let trace = Trace::default();
    block_on(async {
        crate::join!(
            biased;
            Step::new("a", &trace, 2, ()),
            Step::new("b", &trace, 2, ()),
            Step::new("c", &trace, 2, ()),
        )
    });
    assert_eq!(
        *trace.borrow(),
        ["a", "b", "c", "a", "b", "c", "a", "b", "c"]
    );
}

#[test]
fn joins_zero_and_one_branches() {
    let () = block_on(async { crate::join!() });
    let () = block_on(async { crate::join!(biased;) });
    assert_eq!(block_on(async { crate::join!(async { 1 }) }), (1,));
}

#[test]
fn waits_for_every_branch_even_after_an_err() {
    let trace = Trace::default();
    let out = block_on(async {
        crate::join!(
            async { Err::<u8, u8>(1) },
            Step::new("ok", &trace, 2, Ok::<u8, u8>(2))
        )
    });
    assert_eq!(out, (Err(1), Ok(2)));
    assert_eq!(trace.borrow().len(), 3);
}
