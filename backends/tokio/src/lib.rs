//! avx's tokio backend: the avx backend seam implemented over tokio.
//!
//! Most of tokio's types serve avx's facade as they are (`JoinHandle`, `Sleep`);
//! this crate holds what needs translating: building a runtime from avx's settings
//! (and refusing what tokio cannot do, with an error instead of a panic).

// `io::register` forwards tokio's unsafe `AsyncFd::register_with_interest`
// contract; nothing else here is unsafe.
#![deny(unsafe_code)]
#![warn(missing_docs)]

#[allow(unsafe_code, reason = "forwards AsyncFd's I/O-safety contract")]
pub mod io;
pub mod runtime;
