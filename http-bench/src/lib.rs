//! avx-http side by side with hyper 1.x and a minimal C epoll server; the binary
//! (`src/main.rs`) runs the measures and writes the report. The pieces:
//!
//! * [`servers`]: the servers under test, and `serve`, which the bench re-execs;
//! * [`process`]: a server as a child process, pinned or free;
//! * [`wrk`] and [`plaintext`]: the wrk runs, rounds, medians and ratios;
//! * [`parse_speed`]: request-head parsing against httparse;
//! * [`idle_memory`]: resident memory per idle keep-alive connection;
//! * [`report`] and [`json`]: the Markdown and JSON output;
//! * [`args`], [`stats`], [`sys`]: the command line, medians, and `/proc`.

pub mod args;
pub mod heads;
pub mod idle_memory;
pub use avx_bench::json;
pub mod parse_speed;
pub mod plaintext;
pub mod process;
pub mod report;
pub mod servers;
pub mod stats;
pub mod sys;
pub mod wrk;
