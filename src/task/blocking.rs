//! Running blocking code from async code.

use super::JoinHandle;

/// Runs `func` on the runtime's blocking pool, a set of threads for work that
/// blocks (file I/O, CPU-heavy work, synchronous libraries), and returns a handle
/// to its result.
///
/// The pool grows on demand up to `Builder::max_blocking_threads`; work beyond
/// that waits in a queue. Aborting the handle cancels the work only if it has not
/// started; a started closure always runs to completion, and the runtime's
/// shutdown waits for it (see `Runtime::shutdown_timeout`).
///
/// ```
/// # avx::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let sum = avx::task::spawn_blocking(|| (1..=100u32).sum::<u32>()).await.unwrap();
/// assert_eq!(sum, 5050);
/// # });
/// ```
///
/// # Panics
///
/// Outside a runtime, with tokio's message.
#[track_caller]
pub fn spawn_blocking<F, R>(func: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    let func = match avx_native::task::try_spawn_blocking(func) {
        Ok(handle) => return JoinHandle::from_native(handle),
        Err(func) => func,
    };
    #[cfg(feature = "tokio")]
    return JoinHandle::from_tokio(::tokio::task::spawn_blocking(func));
    #[cfg(not(feature = "tokio"))]
    {
        drop(func);
        panic!("{}", crate::backend::CONTEXT_MISSING_ERROR);
    }
}

/// Runs `f`, which may block, on this thread without stalling the runtime: on a
/// multi-thread runtime's worker, the worker's other tasks move to a new thread
/// first. Outside a runtime it just runs `f`.
///
/// Other code in the same task (a `join!` sibling) does not run meanwhile.
///
/// # Panics
///
/// On a current-thread runtime, with tokio's message.
#[cfg(feature = "rt-multi-thread")]
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
