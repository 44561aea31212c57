//! The conformance suite on avx's tokio backend.
#![cfg(all(feature = "full", feature = "tokio"))]

const BACKEND: avx::runtime::Backend = avx::runtime::Backend::Tokio;

mod suite;
