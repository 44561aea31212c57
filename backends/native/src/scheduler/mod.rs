//! The schedulers: current-thread and multi-thread work-stealing.

pub(crate) mod inject;
pub(crate) mod multi_thread;
