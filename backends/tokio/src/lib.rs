//! avx's tokio backend.
