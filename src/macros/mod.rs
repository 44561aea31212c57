//! tokio's macros: `select!`, `join!`, `try_join!` and `pin!` (`macro_rules!`, exported
//! at the crate root), and the `#[avx::main]`/`#[avx::test]` attributes (from
//! avx-macros, re-exported at the crate root by feature).
//!
//! `select!`, `join!` and `try_join!` exist with the `macros` feature, as in tokio;
//! `pin!` always. The macros reach their support code through `$crate::macros::__private`,
//! which is public only so that expansions in other crates can name it: not an API.
//! No `unsafe`: futures are pinned in place with `core::pin::pin!` and projected with
//! pin-project-lite.

mod pin;

#[cfg(feature = "macros")]
pub(crate) mod entry;
#[cfg(feature = "macros")]
mod join;
#[cfg(feature = "macros")]
mod maybe_done;
#[cfg(feature = "macros")]
mod rng;
#[cfg(feature = "macros")]
mod select;
#[cfg(feature = "macros")]
mod try_join;

#[cfg(all(test, feature = "macros"))]
mod tests;

/// What the macros' expansions call. Not a public API: it changes without notice.
#[doc(hidden)]
pub mod __private {
    pub use core::future::{Future, IntoFuture, poll_fn};
    pub use core::pin::Pin;
    pub use core::task::{Poll, ready};

    #[cfg(feature = "macros")]
    pub use super::{
        join::Rotator,
        maybe_done::MaybeDone,
        select::{poll_budget_available, select_start},
        try_join::{into_err, into_ok, is_err},
    };
    #[cfg(feature = "macros")]
    pub use avx_macros::select_clean_pattern;
}
