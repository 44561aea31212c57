//! `#[avx::main]` and `#[avx::test]`: the proc-macro variant exported under these names
//! depends on the runtime features, as in tokio:
//!
//! | features            | exported as `main`/`test` | `flavor = "multi_thread"`        |
//! |---------------------|---------------------------|----------------------------------|
//! | `rt-multi-thread`   | `main`/`test`             | builds a multi-thread runtime    |
//! | `rt` only           | `main_rt`/`test_rt`       | an error naming `rt-multi-thread` |
//! | neither             | `main_fail`/`test_fail`   | every use: "requires rt ..."     |
//!
//! So a build without `rt-multi-thread` reports the missing feature instead of failing
//! to find `Builder::new_multi_thread`.
//!
//! The attribute's own errors (checked precisely by avx-macros' unit tests):
//!
//! ```compile_fail
//! #[avx::main]
//! fn main() {} // the `async` keyword is missing from the function declaration
//! ```
//!
//! ```compile_fail
//! #[avx::test(worker_threads = 2)] // requires the `multi_thread` runtime flavor
//! async fn needs_multi_thread() {}
//! # fn main() {}
//! ```
//!
//! ```compile_fail
//! #[avx::main(flavor = "fast")] // no such runtime flavor
//! async fn main() {}
//! ```
//!
//! ```compile_fail
//! #[avx::main(threads = 4)] // unknown attribute
//! async fn main() {}
//! ```
//!
//! ```compile_fail
//! #[avx::main(start_paused = "yes")] // not a bool
//! async fn main() {}
//! ```
//!
//! ```compile_fail
//! #[avx::main]
//! async fn main(args: Vec<String>) {} // the main function cannot accept arguments
//! ```
//!
//! ```compile_fail
//! #[avx::test]
//! #[test] // second test attribute
//! async fn twice() {}
//! # fn main() {}
//! ```

#[cfg(feature = "rt-multi-thread")]
pub use avx_macros::{main, test};

#[cfg(all(feature = "rt", not(feature = "rt-multi-thread")))]
pub use avx_macros::{main_rt as main, test_rt as test};

#[cfg(not(feature = "rt"))]
pub use avx_macros::{main_fail as main, test_fail as test};
