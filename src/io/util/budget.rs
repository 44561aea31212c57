//! The cooperative budget as the io utilities spend it.
//!
//! tokio's always-ready adapters (`empty`, `repeat`, `sink`, the in-memory pipes)
//! and its copy loops spend one unit of the task's budget per operation, so a task
//! driving them in a loop still yields. With `rt` this is avx's budget
//! ([`crate::task::coop`]); without it there is no avx runtime to yield to and every
//! operation proceeds.

use std::task::{Context, Poll, ready};

#[cfg(feature = "rt")]
pub(crate) use crate::task::coop::poll_proceed;

/// Without a runtime there is no budget: the guard does nothing.
#[cfg(not(feature = "rt"))]
pub(crate) struct RestoreOnPending;

#[cfg(not(feature = "rt"))]
impl RestoreOnPending {
    pub(crate) fn made_progress(&self) {}
}

#[cfg(not(feature = "rt"))]
pub(crate) fn poll_proceed(_cx: &mut Context<'_>) -> Poll<RestoreOnPending> {
    Poll::Ready(RestoreOnPending)
}

/// Spends one unit for an operation that always completes once it may proceed.
pub(crate) fn poll_proceed_and_make_progress(cx: &mut Context<'_>) -> Poll<()> {
    let coop = ready!(poll_proceed(cx));
    coop.made_progress();
    Poll::Ready(())
}
