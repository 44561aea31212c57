//! The cooperative budget: how much work a task may do in one poll.
