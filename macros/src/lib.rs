//! avx's procedural macros: `#[avx::main]`, `#[avx::test]`, and a helper of `avx::select!`.
//!
//! Use them through the `avx` crate (its `macros` feature), not directly: `avx` exports
//! the variant that matches its features under the names `main` and `test`.
//!
//! Written with plain `proc_macro`, no syn or quote, so the crate builds in a fraction of
//! the time. The logic works on a small token model (`tokens.rs`) so it can be unit tested
//! outside the compiler; only `tokens::compiler` touches `proc_macro`.

mod args;
mod entry;
mod error;
mod item;
mod pattern;
mod tokens;

use proc_macro::TokenStream;

use crate::args::Kind;
use crate::tokens::compiler::{from_proc_macro, into_proc_macro};

fn expand(kind: Kind, rt_multi_thread: bool, args: TokenStream, item: TokenStream) -> TokenStream {
    let args = from_proc_macro(args);
    into_proc_macro(entry::expand(
        kind,
        rt_multi_thread,
        &args,
        from_proc_macro(item),
    ))
}

/// Marks an `async fn` to run on an avx runtime: the function becomes a synchronous one
/// that builds a runtime and blocks on the original body.
///
/// ```ignore
/// #[avx::main]
/// async fn main() {
///     println!("Hello world");
/// }
/// ```
///
/// is the same as
///
/// ```ignore
/// fn main() {
///     avx::runtime::Builder::new_multi_thread()
///         .enable_all()
///         .build()
///         .expect("Failed building the Runtime")
///         .block_on(async {
///             println!("Hello world");
///         })
/// }
/// ```
///
/// The function may be any `async fn` (it starts a runtime on each call); `main` itself
/// cannot take arguments. Its return type is kept, so `-> Result<(), E>` works.
///
/// # Arguments
///
/// The same as tokio's, plus `backend`:
///
/// - `flavor = "multi_thread"` (the default) or `"current_thread"`;
/// - `worker_threads = N`: the number of worker threads, `multi_thread` only;
/// - `start_paused = true`: start with time paused (needs the `test-util` feature).
///   Unlike tokio, avx accepts it with either flavor;
/// - `crate = "path"`: where to find avx when it is renamed (`crate = "avx1"`);
/// - `backend = "native"` or `"tokio"`: which backend runs the runtime (avx only).
///
/// ```ignore
/// #[avx::main(flavor = "multi_thread", worker_threads = 4, backend = "native")]
/// async fn main() {}
/// ```
#[proc_macro_attribute]
pub fn main(args: TokenStream, item: TokenStream) -> TokenStream {
    expand(Kind::Main, true, args, item)
}

/// Marks an `async fn` as a test run on an avx runtime, one runtime per test.
///
/// The default flavor is `current_thread`; the arguments are [`main`]'s. The function
/// keeps its other attributes (`#[should_panic]`, `#[ignore]`, doc comments), its
/// visibility and its return type (`-> Result<(), E>` works as with `#[test]`).
///
/// ```ignore
/// #[avx::test]
/// async fn my_test() {
///     assert!(true);
/// }
///
/// #[avx::test(flavor = "multi_thread", worker_threads = 2)]
/// async fn my_parallel_test() {
///     assert!(true);
/// }
/// ```
///
/// is the same as
///
/// ```ignore
/// #[test]
/// fn my_test() {
///     avx::runtime::Builder::new_current_thread()
///         .enable_all()
///         .build()
///         .expect("Failed building the Runtime")
///         .block_on(async {
///             assert!(true);
///         })
/// }
/// ```
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    expand(Kind::Test, true, args, item)
}

/// [`main`] for an `avx` built without `rt-multi-thread`: the `multi_thread` flavor
/// (the default) is a compile error that names the missing feature.
#[proc_macro_attribute]
pub fn main_rt(args: TokenStream, item: TokenStream) -> TokenStream {
    expand(Kind::Main, false, args, item)
}

/// [`test`] for an `avx` built without `rt-multi-thread`: the `multi_thread` flavor is a
/// compile error that names the missing feature.
#[proc_macro_attribute]
pub fn test_rt(args: TokenStream, item: TokenStream) -> TokenStream {
    expand(Kind::Test, false, args, item)
}

/// [`main`] for an `avx` built without a runtime: always the error
/// "The `#[avx::main]` macro requires rt or rt-multi-thread."
#[proc_macro_attribute]
pub fn main_fail(_args: TokenStream, _item: TokenStream) -> TokenStream {
    into_proc_macro(entry::requires_rt(Kind::Main))
}

/// [`test`] for an `avx` built without a runtime: always the error
/// "The `#[avx::test]` macro requires rt or rt-multi-thread."
#[proc_macro_attribute]
pub fn test_fail(_args: TokenStream, _item: TokenStream) -> TokenStream {
    into_proc_macro(entry::requires_rt(Kind::Test))
}

/// Part of `avx::select!`, not a public API: a branch pattern made to test a value by
/// reference (`ref`/`mut` modifiers and `&` patterns removed; see `pattern.rs`).
#[doc(hidden)]
#[proc_macro]
pub fn select_clean_pattern(input: TokenStream) -> TokenStream {
    into_proc_macro(pattern::clean(&from_proc_macro(input)))
}
