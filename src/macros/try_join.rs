//! `try_join!`: `join!` that returns at the first `Err`.
//!
//! Same expansion as `join!` (see `join.rs`), plus: after a branch completes, its output
//! is checked and an `Err` is returned at once. The other branches are dropped when
//! the macro's block ends, before the caller's next statement runs.

/// Waits on several concurrent branches that return `Result`, and returns `Ok` with a
/// tuple of their values when **all** succeed, or the **first** `Err`.
///
/// Like [`join!`](crate::join!), the branches run concurrently on the current task and are stored
/// inline. All branches must have the same error type. On the first `Err`, the other
/// branches are dropped (cancelled) without being polled again.
///
/// # Fairness
///
/// As [`join!`](crate::join!): each poll starts at the next branch in turn, unless `biased;` is
/// written first.
///
/// # Examples
///
/// ```
/// async fn parse(s: &str) -> Result<u32, std::num::ParseIntError> { s.parse() }
///
/// # #[avx::main(flavor = "current_thread")]
/// # async fn main() {
/// let both = avx::try_join!(parse("1"), parse("2"));
/// assert_eq!(both, Ok((1, 2)));
///
/// let failed = avx::try_join!(biased; parse("1"), parse("x"));
/// assert!(failed.is_err());
/// # }
/// ```
///
/// Every branch must return a `Result`:
///
/// ```compile_fail
/// async fn f() {
///     let _ = avx::try_join!(async { Ok::<u8, ()>(1) }, async { 2 });
/// }
/// ```
///
/// with one error type:
///
/// ```compile_fail
/// async fn f() {
///     let _ = avx::try_join!(async { Ok::<u8, u8>(1) }, async { Ok::<u8, i8>(2) });
/// }
/// ```
#[macro_export]
macro_rules! try_join {
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
                        } else if $crate::macros::__private::is_err(fut.as_mut().output_mut()) {
                            return $crate::macros::__private::Poll::Ready(
                                $crate::macros::__private::into_err(fut.as_mut().take_output()),
                            );
                        }
                    }
                )+
            }
            if pending {
                return $crate::macros::__private::Poll::Pending;
            }
            $crate::macros::__private::Poll::Ready(::core::result::Result::Ok(( $( {
                let ( $($skip,)* fut, .. ) = &mut futures;
                $crate::macros::__private::into_ok(fut.as_mut().take_output())
            }, )+ )))
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
        $crate::try_join!(@munch {
            biased: $biased;
            skip: ($($s)* _);
            index: ($($n)* + 1);
            done: ($($done)* [($($s)*) ($($n)*)] ($e))
        } $($rest)*)
    };

    // ===== Entry points =====
    (biased; $($e:expr),+ $(,)?) => {
        $crate::try_join!(@munch { biased: true; skip: (); index: (0); done: () } $($e,)+)
    };
    ($($e:expr),+ $(,)?) => {
        $crate::try_join!(@munch { biased: false; skip: (); index: (0); done: () } $($e,)+)
    };
    ($(biased;)?) => {
        async { ::core::result::Result::Ok(()) }.await
    };
}

/// Whether a completed branch's output is an `Err`. Generic so that an uninhabited
/// error type (`Infallible`) raises no unreachable-code lint at the call site.
#[inline]
pub fn is_err<T, E>(output: Option<&mut Result<T, E>>) -> bool {
    matches!(output, Some(Err(_)))
}

/// The error of an output that [`is_err`] found to be one.
#[inline]
pub fn into_err<T, E, U>(output: Option<Result<T, E>>) -> Result<U, E> {
    match output {
        Some(Err(error)) => Err(error),
        _ => unreachable!("try_join!: the output checked to be an Err is gone"),
    }
}

/// The value of an output that is `Ok` (`try_join!` returned at every `Err`).
#[inline]
pub fn into_ok<T, E>(output: Option<Result<T, E>>) -> T {
    match output {
        Some(Ok(value)) => value,
        _ => unreachable!("try_join!: a branch finished without an Ok output"),
    }
}
