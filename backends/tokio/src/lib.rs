//! avx's tokio backend: the avx backend seam implemented over tokio.
//!
//! Most of tokio's types serve avx's facade as they are (`JoinHandle`, `Sleep`);
//! this crate holds what needs translating: building a runtime from avx's settings
//! (and refusing what tokio cannot do, with an error instead of a panic).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod io;
pub mod runtime;
