//! The conformance suite on avx's native backend.
#![cfg(feature = "full")]

const BACKEND: avx::runtime::Backend = avx::runtime::Backend::Native;

mod suite;
