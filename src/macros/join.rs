//! `join!`: wait for every branch, concurrently on the current task.
//!
//! The expansion pins one [`MaybeDone`](super::maybe_done::MaybeDone) per branch in a
//! tuple (`core::pin::pin!`, no boxing, no `unsafe`) and polls them from a `poll_fn`.
//! Normalization gives each branch `( _ _ )`, one `_` per branch before it (to
//! destructure its tuple field), and its index as `0 + 1 + 1`.
//! Each poll starts at the branch after the previous poll's start (a [`Rotator`]), so
//! a branch that uses up the task's budget cannot starve the ones after it; `biased;`
//! always starts at the first.

/// Waits on several concurrent branches and returns when **all** of them have
/// completed, with their outputs in a tuple in the order written.
///
/// Use it inside `async` functions, blocks and closures. The branches are `async`
/// expressions (anything `IntoFuture`); they run **concurrently on the current task**,
/// not in parallel: to use several threads, [`spawn`](crate::spawn) them and join the
/// handles. The futures are stored inline, no allocation.
///
/// `join!` waits for every branch even when some return `Err`; [`try_join!`](crate::try_join!) returns
/// at the first `Err`.
///
/// # Fairness
///
/// Each time the joined future is polled it starts with the next branch in turn, so
/// every branch makes progress even if one exhausts the task's budget. Write `biased;`
/// first to poll in the written order on every poll instead; then fairness is up to the
/// order you choose.
///
/// # Examples
///
/// ```
/// async fn name() -> &'static str { "avx" }
/// async fn answer() -> u32 { 42 }
///
/// # #[avx::main(flavor = "current_thread")]
/// # async fn main() {
/// let (name, answer) = avx::join!(name(), answer());
/// assert_eq!((name, answer), ("avx", 42));
///
/// let (first, second) = avx::join!(biased; async { 1 }, async { 2 });
/// assert_eq!(first + second, 3);
///
/// let () = avx::join!();
/// # }
/// ```
///
/// The branches are expressions separated by commas:
///
/// ```compile_fail
/// async fn f() {
///     let (a, b) = avx::join!(async { 1 } async { 2 });
/// }
/// ```
#[macro_export]
macro_rules! join {
    // ===== Expansion: every branch normalized =====
    (@munch {
        biased: $biased:tt;
        skip: $unused:tt;
        index: ($($count:tt)*);
        done: ( $( [($($skip:tt)*) ($($index:tt)*)] ($e:expr) )+ )
    }) => {{
        let mut futures = ( $( ::core::pin::pin!($crate::macros::__private::MaybeDone::new($e)), )+ );
        let count: u32 = $($count)*;
        let mut rotator = $crate::macros::__private::Rotator::new($biased);
        $crate::macros::__private::poll_fn(move |cx| {
            let start = rotator.start(count);
            let mut pending = false;
            // The branches from `start` on, then those before it.
            for from_start in [true, false] {
                $(
                    let index: u32 = $($index)*;
                    if (index >= start) == from_start {
                        let ( $($skip,)* fut, .. ) = &mut futures;
                        if $crate::macros::__private::Future::poll(fut.as_mut(), cx).is_pending() {
                            pending = true;
                        }
                    }
                )+
            }
            if pending {
                return $crate::macros::__private::Poll::Pending;
            }
            $crate::macros::__private::Poll::Ready(( $( {
                let ( $($skip,)* fut, .. ) = &mut futures;
                fut.as_mut().take_output().expect("join!: every branch is done")
            }, )+ ))
        })
        .await
    }};

    // ===== Normalization: one branch per step =====
    (@munch {
        biased: $biased:tt;
        skip: ($($s:tt)*);
        index: ($($n:tt)*);
        done: ($($done:tt)*)
    } $e:expr, $($rest:tt)*) => {
        $crate::join!(@munch {
            biased: $biased;
            skip: ($($s)* _);
            index: ($($n)* + 1);
            done: ($($done)* [($($s)*) ($($n)*)] ($e))
        } $($rest)*)
    };

    // ===== Entry points =====
    (biased; $($e:expr),+ $(,)?) => {
        $crate::join!(@munch { biased: true; skip: (); index: (0); done: () } $($e,)+)
    };
    ($($e:expr),+ $(,)?) => {
        $crate::join!(@munch { biased: false; skip: (); index: (0); done: () } $($e,)+)
    };
    ($(biased;)?) => {
        async {}.await
    };
}

/// Picks the branch a `join!`/`try_join!` poll starts at.
#[derive(Debug)]
pub struct Rotator {
    biased: bool,
    next: u32,
}

impl Rotator {
    /// `biased`: always start at branch 0.
    pub fn new(biased: bool) -> Self {
        Rotator { biased, next: 0 }
    }

    /// The start for this poll, in `0..count`; advances by one each call unless biased.
    pub fn start(&mut self, count: u32) -> u32 {
        if self.biased {
            return 0;
        }
        let start = self.next;
        self.next = if start + 1 >= count { 0 } else { start + 1 };
        start
    }
}
