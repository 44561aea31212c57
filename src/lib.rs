//! avx: an async runtime with tokio's API and pluggable backends.
#![forbid(unsafe_code)]

#[cfg(feature = "sync")]
mod loom;
#[cfg(feature = "sync")]
pub mod sync;
