//! The process's standard streams as async handles (tokio's `io-std` feature):
//! [`stdin`], [`stdout`], [`stderr`].
//!
//! Each handle drives the blocking std handle on the runtime's blocking pool
//! (see `blocking`), as tokio's do, so they work on every backend and need a
//! runtime. Each call of `stdout()` (or `stderr()`, `stdin()`) makes a new
//! handle with its own state: writes through one handle reach the stream in
//! order, writes through different handles are not ordered with each other.

mod blocking;
mod output;
mod stdin;

pub use output::{Stderr, Stdout, stderr, stdout};
pub use stdin::{Stdin, stdin};
