//! `select!`: wait on several branches, run the handler of the first that completes.
//!
//! How the expansion works (the invariants the macro keeps):
//! - A `macro_rules!` muncher normalizes one branch per step, giving each a slot
//!   `[index Variant]` from a list of 64; running out of slots is the 64-branch limit.
//! - All `if` preconditions run first, then every future expression (disabled ones too),
//!   as tokio documents. The futures are pinned in place in a tuple with
//!   `core::pin::pin!` (no boxing, no `unsafe`).
//! - A `poll_fn` polls the enabled futures from a start index (random per poll, or 0
//!   when `biased;`). A completed future's branch is disabled at once; if its value
//!   matches the pattern (tested by reference through `select_clean_pattern!`) the
//!   value leaves the closure as a variant of a per-call enum. If every branch is
//!   disabled and none is pending, the closure returns `Disabled`.
//! - The futures are dropped before the handler runs, and the handler runs outside the
//!   closure, in the caller's `async` context: `.await`, `?`, `return`, `break` and
//!   `continue` in a handler act on the caller's function and loops.

/// Waits on several concurrent branches and runs the handler of the **first** one to
/// complete, dropping (cancelling) the others.
///
/// Use it inside `async` functions, blocks and closures. The branches have the form
///
/// ```text
/// <pattern> = <async expression> (, if <precondition>)? => <handler>,
/// ```
///
/// and an optional last branch `else => <expression>` runs when no other branch can.
///
/// All branches run **concurrently on the current task**, not in parallel: one branch
/// blocking the thread blocks the others. To run them in parallel, spawn them with
/// [`spawn`](crate::spawn) and select on the join handles.
///
/// # How a `select!` runs
///
/// 1. Every `<precondition>` is evaluated; a branch whose precondition is `false` is
///    disabled for this `select!`.
/// 2. Every `<async expression>` is evaluated, disabled branches included (their
///    futures are never polled).
/// 3. The enabled futures are polled, concurrently. When one completes, its branch is
///    disabled and its value is matched against `<pattern>`:
///    - if it matches, the other futures are dropped, the pattern's bindings are made
///      and `<handler>` runs; its value is the value of the `select!`;
///    - if it does not, polling goes on with the remaining branches.
/// 4. When every branch is disabled, the `else` expression is the value of the
///    `select!`; without an `else` branch, `select!` panics.
///
/// A `select!` in a loop starts from step 1 on each iteration: disabling lasts for one
/// `select!` only.
///
/// The handler runs in the surrounding `async` context, so `.await`, `?`, `return`,
/// `break` and `continue` in it behave as they would outside the macro.
///
/// # Fairness
///
/// By default each poll starts at a randomly chosen branch, so a branch that is always
/// ready cannot starve the others. Write `biased;` first to poll the branches in the
/// order they are written instead: useful when the order matters (a shutdown signal
/// checked before a busy stream) or to save the random number. With `biased;`, making
/// sure no branch starves is up to the order you choose.
///
/// # Panics
///
/// When all branches are disabled (by their preconditions, or because their values
/// did not match their patterns) and there is no `else` branch, with the message "all
/// branches are disabled and there is no else branch".
///
/// # Cancellation safety
///
/// Every future that did not win is dropped. When `select!` runs in a loop, a future
/// that was part-way through its work loses that work unless it is *cancellation
/// safe*: dropping it and creating it again must lose nothing. Receiving from a
/// channel (`mpsc::Receiver::recv`), `TcpListener::accept` and `AsyncReadExt::read`
/// are cancellation safe; `AsyncReadExt::read_exact`, `AsyncWriteExt::write_all` and
/// queue-based waits such as `Mutex::lock` or `Semaphore::acquire` are not (the last
/// lose their place in the queue). To keep a future's progress across iterations,
/// create it once outside the loop, [`pin!`](crate::pin) it, and select on `&mut fut`.
///
/// # Limits
///
/// At most 64 branches. A top-level string literal pattern (`"x" = fut => ...`) does not
/// compile, as in tokio; match the string in the handler instead.
///
/// # Examples
///
/// Two branches; the first to complete wins:
///
/// ```
/// async fn fetch_a() -> u32 { 1 }
/// async fn fetch_b() -> u32 { 2 }
///
/// # #[avx::main(flavor = "current_thread")]
/// # async fn main() {
/// let winner = avx::select! {
///     a = fetch_a() => a,
///     b = fetch_b() => b,
/// };
/// assert!(winner == 1 || winner == 2);
/// # }
/// ```
///
/// Patterns disable the branches whose values do not match, and `else` ends a loop once
/// every branch is disabled:
///
/// ```
/// # #[avx::main(flavor = "current_thread")]
/// # async fn main() {
/// let mut evens = vec![2, 4].into_iter();
/// let mut odds = vec![1, 3].into_iter();
/// let mut seen = Vec::new();
/// loop {
///     avx::select! {
///         Some(n) = async { evens.next() } => seen.push(n),
///         Some(n) = async { odds.next() } => seen.push(n),
///         else => break,
///     }
/// }
/// seen.sort();
/// assert_eq!(seen, [1, 2, 3, 4]);
/// # }
/// ```
///
/// Preconditions, and reusing a pinned future across iterations:
///
/// ```
/// # #[avx::main(flavor = "current_thread")]
/// # async fn main() {
/// let slow = async { 7 };
/// avx::pin!(slow);
/// let mut slow_done = false;
/// let mut ticks = 0;
/// while !slow_done || ticks < 3 {
///     avx::select! {
///         value = &mut slow, if !slow_done => {
///             assert_eq!(value, 7);
///             slow_done = true;
///         }
///         _ = async {}, if ticks < 3 => ticks += 1,
///     }
/// }
/// # }
/// ```
///
/// `biased;` polls in the written order:
///
/// ```
/// # #[avx::main(flavor = "current_thread")]
/// # async fn main() {
/// let mut order = Vec::new();
/// for _ in 0..3 {
///     avx::select! {
///         biased;
///         _ = async {}, if order.len() < 2 => order.push("first"),
///         _ = async {} => order.push("second"),
///     }
/// }
/// assert_eq!(order, ["first", "first", "second"]);
/// # }
/// ```
///
/// A `select!` needs at least one branch:
///
/// ```compile_fail
/// async fn f() {
///     avx::select! {}
/// }
/// ```
///
/// A branch's value must have its pattern's type:
///
/// ```compile_fail
/// async fn f() {
///     avx::select! {
///         Some(x) = async { 5 } => x,
///     };
/// }
/// ```
///
/// Handlers are expressions: one that is not a block needs a comma before the next
/// branch:
///
/// ```compile_fail
/// async fn f() -> u8 {
///     avx::select! {
///         a = async { 1 } => a
///         b = async { 2 } => b,
///     }
/// }
/// ```
///
/// More than 64 branches do not compile:
///
/// ```compile_fail
/// macro_rules! many {
///     ($($i:literal)*) => { avx::select! { $( _ = async {} => $i, )* } };
/// }
/// async fn f() -> u8 {
///     many!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29
///           30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56
///           57 58 59 60 61 62 63 64)
/// }
/// ```
#[macro_export]
macro_rules! select {
    // ===== Expansion: every branch normalized =====
    (@expand {
        biased: $biased:tt;
        done: ( $( [$i:tt $v:ident] ($p:pat) ($f:expr) ($($c:expr)?) ($h:expr) )+ );
        else: $else:expr
    }) => {{
        // The value that leaves the polling closure: which branch won, with its output.
        enum __AvxSelectOutput<$($v,)+> {
            $( $v($v), )+
            Disabled,
        }

        // A constant, not a local: the select's future then neither stores nor
        // captures it.
        const BRANCHES: u32 = [$($i),+].len() as u32;
        // Bit `i` set: branch `i` is not polled again.
        let mut disabled: u64 = 0;
        $( $( if !$c { disabled |= 1 << $i; } )? )+

        // `mut`: a handler's pattern may bind `ref mut`.
        #[allow(unused_mut)]
        let mut output = {
            // Evaluated into a tuple first so `&mut temporary()` expressions live on.
            let futures_init = ( $( $f, )+ );
            let mut futures = ( $(
                ::core::pin::pin!($crate::macros::__private::IntoFuture::into_future(futures_init.$i)),
            )+ );
            $crate::macros::__private::poll_fn(|cx| {
                $crate::macros::__private::ready!($crate::macros::__private::poll_budget_available(cx));
                let start = $crate::macros::__private::select_start($biased, BRANCHES);
                let mut any_pending = false;
                for offset in 0..BRANCHES {
                    // One branch makes this `% 1`, which clippy flags in the caller's crate.
                    #[allow(clippy::modulo_one)]
                    let branch = (start + offset) % BRANCHES;
                    let mask: u64 = 1 << branch;
                    if disabled & mask != 0 {
                        continue;
                    }
                    match branch {
                        $(
                            #[allow(unreachable_code)]
                            $i => {
                                // The `continue` arm unifies the output's type with a
                                // diverging one, so a future whose output is never
                                // named (`poll_fn(|_| panic!())`) still infers, as in
                                // tokio's expansion.
                                let out = match $crate::macros::__private::Future::poll(futures.$i.as_mut(), cx) {
                                    $crate::macros::__private::Poll::Ready(out) => out,
                                    $crate::macros::__private::Poll::Pending => {
                                        any_pending = true;
                                        continue;
                                    }
                                };
                                disabled |= mask;
                                let matched = match &out {
                                    #[allow(unused_variables)]
                                    $crate::macros::__private::select_clean_pattern!($p) => true,
                                    #[allow(unreachable_patterns)]
                                    _ => false,
                                };
                                if matched {
                                    return $crate::macros::__private::Poll::Ready(__AvxSelectOutput::$v(out));
                                }
                            }
                        )+
                        _ => ::core::unreachable!("select!: branch index out of range"),
                    }
                }
                if any_pending {
                    $crate::macros::__private::Poll::Pending
                } else {
                    $crate::macros::__private::Poll::Ready(__AvxSelectOutput::Disabled)
                }
            })
            .await
        };

        match output {
            $( __AvxSelectOutput::$v($p) => $h, )+
            __AvxSelectOutput::Disabled => $else,
            #[allow(unreachable_patterns)]
            _ => ::core::unreachable!("select!: the winning value no longer matches its pattern"),
        }
    }};

    // One slot per branch: its index and the name of its output variant.
    (@start $biased:tt; $($branches:tt)+) => {
        $crate::select!(@munch {
            biased: $biased;
            slots: (
                [0 B0] [1 B1] [2 B2] [3 B3] [4 B4] [5 B5] [6 B6] [7 B7]
                [8 B8] [9 B9] [10 B10] [11 B11] [12 B12] [13 B13] [14 B14] [15 B15]
                [16 B16] [17 B17] [18 B18] [19 B19] [20 B20] [21 B21] [22 B22] [23 B23]
                [24 B24] [25 B25] [26 B26] [27 B27] [28 B28] [29 B29] [30 B30] [31 B31]
                [32 B32] [33 B33] [34 B34] [35 B35] [36 B36] [37 B37] [38 B38] [39 B39]
                [40 B40] [41 B41] [42 B42] [43 B43] [44 B44] [45 B45] [46 B46] [47 B47]
                [48 B48] [49 B49] [50 B50] [51 B51] [52 B52] [53 B53] [54 B54] [55 B55]
                [56 B56] [57 B57] [58 B58] [59 B59] [60 B60] [61 B61] [62 B62] [63 B63]
            );
            done: ()
        } $($branches)+)
    };

    // ===== Normalization: one branch per step =====
    // The `else` branch ends the input.
    (@munch { biased: $biased:tt; slots: $slots:tt; done: $done:tt } else => $else:expr $(,)?) => {
        $crate::select!(@expand { biased: $biased; done: $done; else: $else })
    };
    (@munch { biased: $biased:tt; slots: $slots:tt; done: $done:tt }) => {
        $crate::select!(@expand {
            biased: $biased;
            done: $done;
            else: ::core::panic!("all branches are disabled and there is no else branch")
        })
    };
    (@munch { biased: $biased:tt; slots: (); done: $done:tt } $($rest:tt)+) => {
        ::core::compile_error!("select! supports at most 64 branches")
    };
    // A block handler, with or without a comma after it. Matched as a `{ ... }` group,
    // not a `block` fragment: a `block` fragment would be tried, and fail hard, on a
    // handler that another macro forwards as an `expr` or `literal` fragment.
    (@munch { biased: $biased:tt; slots: ([$i:tt $v:ident] $($slots:tt)*); done: ($($done:tt)*) }
        $p:pat = $f:expr $(, if $c:expr)? => { $($h:tt)* }, $($rest:tt)*
    ) => {
        $crate::select!(@munch {
            biased: $biased; slots: ($($slots)*); done: ($($done)* [$i $v] ($p) ($f) ($($c)?) ({ $($h)* }))
        } $($rest)*)
    };
    (@munch { biased: $biased:tt; slots: ([$i:tt $v:ident] $($slots:tt)*); done: ($($done:tt)*) }
        $p:pat = $f:expr $(, if $c:expr)? => { $($h:tt)* } $($rest:tt)*
    ) => {
        $crate::select!(@munch {
            biased: $biased; slots: ($($slots)*); done: ($($done)* [$i $v] ($p) ($f) ($($c)?) ({ $($h)* }))
        } $($rest)*)
    };
    // An expression handler: a comma ends it, unless it is the last branch.
    (@munch { biased: $biased:tt; slots: ([$i:tt $v:ident] $($slots:tt)*); done: ($($done:tt)*) }
        $p:pat = $f:expr $(, if $c:expr)? => $h:expr, $($rest:tt)*
    ) => {
        $crate::select!(@munch {
            biased: $biased; slots: ($($slots)*); done: ($($done)* [$i $v] ($p) ($f) ($($c)?) ($h))
        } $($rest)*)
    };
    (@munch { biased: $biased:tt; slots: ([$i:tt $v:ident] $($slots:tt)*); done: ($($done:tt)*) }
        $p:pat = $f:expr $(, if $c:expr)? => $h:expr
    ) => {
        $crate::select!(@munch {
            biased: $biased; slots: ($($slots)*); done: ($($done)* [$i $v] ($p) ($f) ($($c)?) ($h))
        })
    };

    // ===== Entry points =====
    ($(biased;)? else => $else:expr $(,)?) => {{
        $else
    }};
    ($(biased;)?) => {
        ::core::compile_error!("select! requires at least one branch.")
    };
    // Starting with `pattern =` (which `@` cannot begin) keeps input that no internal
    // rule takes from coming back here: the compiler reports the unexpected token.
    (biased; $p:pat = $($rest:tt)*) => {
        $crate::select!(@start true; $p = $($rest)*)
    };
    ($p:pat = $($rest:tt)*) => {
        $crate::select!(@start false; $p = $($rest)*)
    };
}

/// The polling start of a `select!`: 0 when biased, else random in `0..branches`.
#[inline]
pub fn select_start(biased: bool, branches: u32) -> u32 {
    if biased {
        0
    } else {
        super::rng::thread_rng_n(branches)
    }
}

/// Ready while the task has cooperative budget left; otherwise wakes the task and
/// returns `Pending`, so a `select!` over always-ready branches still yields (as
/// tokio's does). The budget is the native scheduler's; outside it (another backend,
/// a hand-rolled executor) the budget is unconstrained and this is always ready.
#[inline]
pub fn poll_budget_available(cx: &mut core::task::Context<'_>) -> core::task::Poll<()> {
    if avx_native::coop::has_budget_remaining() {
        core::task::Poll::Ready(())
    } else {
        cx.waker().wake_by_ref();
        core::task::Poll::Pending
    }
}
