//! avx's native backend: its own reactor, timer wheel, schedulers and blocking pool,
//! standing on `libc` alone.
//!
//! Users reach this crate through the `avx` facade; its public items are the backend
//! seam, not an API of their own. The facade owns the user-facing types (`JoinHandle`,
//! `Sleep`, sockets) and dispatches to a backend with one predictable branch.
//!
//! # The backend seam
//!
//! Every avx backend provides the same small set of operations; `avx-tokio` provides
//! them over tokio. This crate's side of it:
//!
//! | area | items | notes |
//! |---|---|---|
//! | runtime | [`runtime::Runtime`], [`runtime::Handle`], [`runtime::Config`] | `block_on`, `spawn`, `spawn_blocking`, `enter`, shutdown |
//! | tasks | [`task::JoinHandle`], [`task::AbortHandle`], [`task::JoinError`], [`task::LocalSet`] | one allocation per task; a dropped `JoinHandle` detaches |
//! | time | [`time::Sleep`], [`time::try_now`], `try_pause`/`try_resume`/`try_advance` | millisecond wheel; paused clock for tests |
//! | budget | [`coop`] | a task's poll budget, spent by resources that may be always ready |
//! | I/O | [`io::Registration`] | readiness for a raw fd; the facade owns the socket |
//! | signals | [`signal::enable`], [`signal::receiver`], [`signal::take_pending`] | a process-wide handler records signals and wakes a self-pipe; the facade dispatches |
//! | processes | [`process::set_nonblocking`] | the one `fcntl` a child's pipes need |
//! | sockets | [`socket`] | the socket calls std lacks (unbound sockets, non-blocking connect, options) |
//!
//! A backend never sees the user's sockets or files: the facade asks it for readiness
//! of a file descriptor and does the syscalls itself. That keeps a backend small
//! enough to replace (io_uring, a deterministic simulator).
//!
//! # Layout
//!
//! ```text
//! sys/        epoll (Linux) and kqueue (macOS, BSD): the only place that makes syscalls
//! reactor/    registrations with generation tags, readiness, wakers
//! time/       clock (pausable), hierarchical wheel, timer entries, Sleep
//! task/       the task cell: state word, raw vtable, harness, JoinHandle, LocalSet
//! scheduler/  current-thread and multi-thread work-stealing schedulers
//! blocking/   the blocking pool
//! signal/     the process-wide signal handler (sigaction) and its self-pipe
//! runtime/    configuration, the driver that parks, thread-local context
//! ```
//!
//! `unsafe` lives in `task/`, the queues in `scheduler/`, `sys/`, the timer's
//! intrusive lists and `signal/` (the handler and `sigaction`); every block names its invariant in a `SAFETY:` comment.

#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

#[macro_use]
mod macros;

pub(crate) mod loom;

pub mod coop;
pub mod io;
pub mod process;
pub mod runtime;
pub(crate) mod scheduler;
pub mod signal;
pub(crate) mod sys;

pub use sys::socket;
pub mod task;
pub mod time;

pub(crate) mod blocking;
pub(crate) mod reactor;
