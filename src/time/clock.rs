//! Pausing and advancing the runtime's clock, for tests (`test-util`).

use std::time::Duration;

#[cfg(not(feature = "tokio"))]
const OUTSIDE_RUNTIME: &str = "time cannot be frozen from outside the Tokio runtime";

/// Pauses the current runtime's clock: `Instant::now()` stops, and timers fire
/// only when time is advanced — by [`advance`], or automatically to the next
/// timer when the runtime has nothing else to do (which makes timer-heavy tests
/// instant). `spawn_blocking` work in flight holds auto-advance back.
///
/// tokio allows this only on its current-thread runtime; avx's native backend
/// allows it on the multi-thread runtime too.
///
/// # Panics
///
/// If time is already paused, or outside a runtime.
#[track_caller]
pub fn pause() {
    if avx_native::time::try_pause().is_some() {
        return;
    }
    #[cfg(feature = "tokio")]
    return ::tokio::time::pause();
    #[cfg(not(feature = "tokio"))]
    panic!("{OUTSIDE_RUNTIME}");
}

/// Resumes the current runtime's clock: from now on it advances with real time,
/// from where it stood.
///
/// # Panics
///
/// If time is not paused, or outside a runtime.
#[track_caller]
pub fn resume() {
    if avx_native::time::try_resume().is_some() {
        return;
    }
    #[cfg(feature = "tokio")]
    return ::tokio::time::resume();
    #[cfg(not(feature = "tokio"))]
    panic!("{OUTSIDE_RUNTIME}");
}

/// Moves the paused clock forward by `duration`, then yields so that the timers
/// now due fire before this returns.
///
/// # Panics
///
/// If time is not paused, or outside a runtime.
#[track_caller]
pub fn advance(duration: Duration) -> impl std::future::Future<Output = ()> {
    // The clock moves when `advance` is called, as tokio's does; the future only
    // yields to let the timers fire.
    #[cfg(feature = "tokio")]
    let tokio_advance = match avx_native::time::try_advance(duration) {
        Some(()) => None,
        None => Some(::tokio::time::advance(duration)),
    };
    #[cfg(not(feature = "tokio"))]
    if avx_native::time::try_advance(duration).is_none() {
        panic!("{OUTSIDE_RUNTIME}");
    }
    async move {
        #[cfg(feature = "tokio")]
        if let Some(advance) = tokio_advance {
            return advance.await;
        }
        crate::task::yield_now().await;
    }
}
