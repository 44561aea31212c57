//! `pin!`: pin values on the stack, tokio's two forms, over `core::pin::pin!`.

/// Pins values on the stack, shadowing each variable with a `Pin<&mut T>` to it.
///
/// Futures from `async fn`s are `!Unpin`: `.await` pins them, but awaiting or selecting
/// on `&mut future`, or polling through `Pin<&mut _>`, needs them pinned first. `pin!`
/// does that without an allocation (`Box::pin` is the allocating way).
///
/// Two forms, like tokio's: variables that already exist,
///
/// ```
/// async fn work() -> u32 { 1 }
///
/// # #[avx::main(flavor = "current_thread")]
/// # async fn main() {
/// let first = work();
/// let second = work();
/// avx::pin!(first, second);
/// assert_eq!((&mut first).await + (&mut second).await, 2);
/// # }
/// ```
///
/// and declarations, which create and pin in one go:
///
/// ```
/// # #[avx::main(flavor = "current_thread")]
/// # async fn main() {
/// avx::pin! {
///     let sleepy = async { 2 };
///     let quick = async { 3 };
/// }
/// let value = avx::select! {
///     v = &mut sleepy => v,
///     v = &mut quick => v,
/// };
/// assert!(value == 2 || value == 3);
/// # }
/// ```
///
/// A future must be pinned before `&mut` can be awaited:
///
/// ```compile_fail
/// async fn work() {}
///
/// async fn f() {
///     let mut future = work();
///     (&mut future).await;
/// }
/// ```
///
/// `pin!` takes variable names (or `let` declarations), not expressions; for an
/// expression use `core::pin::pin!`:
///
/// ```compile_fail
/// async fn work() {}
///
/// async fn f() {
///     let mut future = avx::pin!(work());
///     (&mut future).await;
/// }
/// ```
#[macro_export]
macro_rules! pin {
    ($($x:ident),* $(,)?) => { $(
        // Moves the value into a temporary that `let` keeps alive for the scope, and
        // shadows the name, so the unpinned value cannot be reached again.
        #[allow(unused_mut)]
        let mut $x = ::core::pin::pin!($x);
    )* };
    ($( let $x:ident = $init:expr; )*) => { $(
        let $x = $init;
        $crate::pin!($x);
    )* };
}
