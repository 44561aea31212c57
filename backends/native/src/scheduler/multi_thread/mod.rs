//! The multi-thread work-stealing scheduler.

pub(crate) mod queue;
