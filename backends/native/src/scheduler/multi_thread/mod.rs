//! The multi-thread work-stealing scheduler.
