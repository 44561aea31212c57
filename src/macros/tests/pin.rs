//! `pin!`: both forms shadow the names with `Pin<&mut T>`.

use super::{Step, Trace, block_on};
use std::pin::Pin;

#[test]
fn pins_existing_variables() {
    let trace = Trace::default();
    let out = block_on(async {
        let first = Step::new("first", &trace, 1, 1);
        let second = async { 2 };
        crate::pin!(first, second);
        let _: &Pin<&mut Step<i32>> = &first;
        (&mut first).await + (&mut second).await
    });
    assert_eq!(out, 3);
}

#[test]
fn pins_declarations() {
    let out = block_on(async {
        crate::pin! {
            let a = async { 'a' };
            let b = async { 'b' };
        }
        [a.as_mut().await, (&mut b).await]
    });
    assert_eq!(out, ['a', 'b']);
}
