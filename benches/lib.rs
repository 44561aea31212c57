//! Shared helpers for the A/B benches.
