//! avx: an async runtime with tokio's API and pluggable backends.
#![forbid(unsafe_code)]

// tokio's macros: `select!`, `join!`, `try_join!`, `pin!` (exported at the root by
// `#[macro_export]`), and the attributes below. `macros` is public only for the
// expansions' support code.
#[doc(hidden)]
pub mod macros;
#[cfg(feature = "macros")]
#[doc(inline)]
pub use crate::macros::entry::{main, test};
