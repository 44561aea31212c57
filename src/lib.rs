//! avx: an async runtime with tokio's API and pluggable backends.
//!
//! Code written for tokio builds and behaves the same after `tokio::` becomes
//! `avx::` and `#[tokio::main]` becomes `#[avx::main]`. Under the same API sit two
//! backends:
//!
//! * **native** (default): avx's own runtime — an epoll reactor, a hierarchical
//!   timer wheel, current-thread and work-stealing schedulers and a blocking pool,
//!   standing on `libc` alone;
//! * **tokio** (feature `tokio`): the same API over tokio itself.
//!
//! With both compiled in, [`runtime::Builder::backend`] picks one per runtime, and
//! the `AVX_BACKEND` environment variable (`native` or `tokio`) picks the default,
//! so one unmodified binary can be measured on both.
//!
//! ```
//! # #[cfg(all(feature = "macros", feature = "rt-multi-thread"))]
//! #[avx::main]
//! async fn main() {
//!     let answer = avx::spawn(async { 6 * 7 }).await.unwrap();
//!     assert_eq!(answer, 42);
//! }
//! # #[cfg(not(all(feature = "macros", feature = "rt-multi-thread")))]
//! # fn main() {}
//! ```
//!
//! # Feature flags
//!
//! tokio's names, so switching a `Cargo.toml` is mechanical: `rt`,
//! `rt-multi-thread`, `time`, `sync`, `macros`, `io-util`, `io-std`, `net`, `fs`,
//! `process`, `signal`, `test-util` and `full`; plus the backends, `native` (on by
//! default) and `tokio`.
//!
//! # What avx does not do
//!
//! avx offers a subset of tokio's API, and where it offers an item it matches
//! tokio's path, signature and documented behaviour. What it leaves out, and the
//! few places it differs, are listed in `migration-guide.md`.

#![deny(unsafe_code)]
#![warn(missing_docs)]

mod backend;

#[cfg(feature = "fs")]
pub mod fs;
pub mod io;

#[cfg(feature = "sync")]
mod loom;
#[cfg(all(unix, feature = "net"))]
pub mod net;
#[cfg(feature = "process")]
pub mod process;
#[cfg(feature = "rt")]
pub mod runtime;
#[cfg(feature = "signal")]
pub mod signal;
// `process` waits for SIGCHLD through the signal machinery, without making
// `avx::signal` public.
#[cfg(all(feature = "process", not(feature = "signal")))]
mod signal;
#[cfg(feature = "sync")]
pub mod sync;
#[cfg(feature = "rt")]
pub mod task;
#[cfg(feature = "time")]
pub mod time;

#[cfg(feature = "rt")]
pub use task::spawn;

// tokio's macros: `select!`, `join!`, `try_join!`, `pin!` (exported at the root by
// `#[macro_export]`), and the attributes below. `macros` is public only for the
// expansions' support code.
#[doc(hidden)]
pub mod macros;
#[cfg(feature = "macros")]
#[doc(inline)]
pub use crate::macros::entry::{main, test};

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
