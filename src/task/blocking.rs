//! Running blocking code from async code.

/// Runs `f`, which may block, on this thread without stalling the runtime: on a
/// multi-thread runtime's worker, the worker's other tasks move to a new thread
/// first. Outside a runtime it just runs `f`.
///
/// Other code in the same task (a `join!` sibling) does not run meanwhile.
///
/// # Panics
///
/// On a current-thread runtime, with tokio's message.
#[track_caller]
pub fn block_in_place<F, R>(f: F) -> R
where
    F: FnOnce() -> R,
{
    #[cfg(feature = "tokio")]
    if !avx_native::runtime::has_current() && !avx_native::runtime::is_driving() {
        return ::tokio::task::block_in_place(f);
    }
    avx_native::task::block_in_place(f)
}
