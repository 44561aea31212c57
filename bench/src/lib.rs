//! avx-bench: the A/B report. Runs the suite of `avx-benches` workloads on raw
//! tokio, avx over its tokio backend and avx's native backend, alternating them
//! round by round, and renders the result as a text table, JSON, Markdown and an
//! SVG chart of the ratios to raw tokio.
//!
//! The binary (`src/main.rs`) wires these together; the pieces are a library so
//! that the tests can check them, and the JSON checker is the same parser the
//! shape test uses.
//!
//! No dependency but the workloads: the command line, the JSON and the SVG are
//! written here.

pub mod args;
pub mod json;
pub mod measure;
pub mod progress;
pub mod report;
pub mod stats;
pub mod suite;
