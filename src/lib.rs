//! avx: an async runtime with tokio's API and pluggable backends.
#![forbid(unsafe_code)]
