//! Signal delivery on avx's tokio backend, in a binary of its own: the handlers the
//! tests install (SIGINT and SIGTERM among them) stay for the life of the process,
//! and must neither leak into the main suite nor race with the other backend's.
#![cfg(all(feature = "full", feature = "tokio"))]

const BACKEND: avx::runtime::Backend = avx::runtime::Backend::Tokio;

#[path = "suite/signal.rs"]
mod signal;
