//! `sleep`, `sleep_until` and `Sleep`.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use pin_project_lite::pin_project;

use super::Instant;

/// Waits until `duration` has elapsed. Equivalent to
/// `sleep_until(Instant::now() + duration)`; a duration too long for an `Instant`
/// sleeps for roughly 30 years.
///
/// The sleep never completes before its deadline; timers have millisecond
/// resolution. Cancel by dropping the returned future.
///
/// ```
/// use avx::time::{sleep, Duration, Instant};
/// # avx::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
/// let start = Instant::now();
/// sleep(Duration::from_millis(10)).await;
/// assert!(start.elapsed() >= Duration::from_millis(10));
/// # });
/// ```
///
/// # Panics
///
/// Outside a runtime, or on a runtime built without `enable_time`, with tokio's
/// messages.
#[track_caller]
pub fn sleep(duration: Duration) -> Sleep {
    let deadline = Instant::now()
        .checked_add(duration)
        .unwrap_or_else(Instant::far_future);
    sleep_until(deadline)
}

/// Waits until `deadline`. See [`sleep`].
///
/// # Panics
///
/// Outside a runtime, or on a runtime built without `enable_time`, with tokio's
/// messages.
#[track_caller]
pub fn sleep_until(deadline: Instant) -> Sleep {
    if let Some(sleep) = avx_native::time::try_sleep_until(deadline.into_std()) {
        return Sleep {
            inner: Inner::Native { sleep },
        };
    }
    #[cfg(feature = "tokio")]
    return Sleep {
        inner: Inner::Tokio {
            sleep: ::tokio::time::sleep_until(::tokio::time::Instant::from_std(
                deadline.into_std(),
            )),
        },
    };
    #[cfg(not(feature = "tokio"))]
    panic!("{}", crate::backend::CONTEXT_MISSING_ERROR);
}

pin_project! {
    /// The future of [`sleep`] and [`sleep_until`].
    ///
    /// It is `!Unpin`: pin it (`std::pin::pin!`, `Box::pin`) to poll it by hand or
    /// use it in `select!`; `.await` needs nothing.
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Sleep {
        #[pin]
        inner: Inner,
    }
}

#[cfg(feature = "tokio")]
type TokioSleep = ::tokio::time::Sleep;
#[cfg(not(feature = "tokio"))]
type TokioSleep = crate::backend::Unavailable;

pin_project! {
    #[project = InnerProj]
    enum Inner {
        Native { #[pin] sleep: avx_native::time::Sleep },
        Tokio { #[pin] sleep: TokioSleep },
    }
}

impl Sleep {
    /// The instant the sleep completes at.
    pub fn deadline(&self) -> Instant {
        match &self.inner {
            Inner::Native { sleep } => Instant::from_std(sleep.deadline()),
            Inner::Tokio { sleep } => BackendSleep::deadline(sleep),
        }
    }

    /// Whether the deadline has passed (the sleep completed or would if polled).
    pub fn is_elapsed(&self) -> bool {
        match &self.inner {
            Inner::Native { sleep } => sleep.is_elapsed(),
            Inner::Tokio { sleep } => BackendSleep::is_elapsed(sleep),
        }
    }

    /// Moves the deadline to `deadline`, re-arming a sleep that already
    /// completed. Cheaper than dropping the sleep and making another.
    pub fn reset(self: Pin<&mut Self>, deadline: Instant) {
        match self.project().inner.project() {
            InnerProj::Native { sleep } => sleep.reset(deadline.into_std()),
            InnerProj::Tokio { sleep } => BackendSleep::reset(sleep, deadline),
        }
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match self.project().inner.project() {
            InnerProj::Native { sleep } => sleep.poll(cx),
            InnerProj::Tokio { sleep } => sleep.poll(cx),
        }
    }
}

impl fmt::Debug for Sleep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sleep")
            .field("deadline", &self.deadline())
            .finish_non_exhaustive()
    }
}

/// What `Sleep` needs of a backend's sleep that is not in `Future`.
trait BackendSleep: Future<Output = ()> {
    fn deadline(&self) -> Instant;
    fn is_elapsed(&self) -> bool;
    fn reset(self: Pin<&mut Self>, deadline: Instant);
}

#[cfg(feature = "tokio")]
impl BackendSleep for ::tokio::time::Sleep {
    fn deadline(&self) -> Instant {
        Instant::from_std(self.deadline().into_std())
    }

    fn is_elapsed(&self) -> bool {
        self.is_elapsed()
    }

    fn reset(self: Pin<&mut Self>, deadline: Instant) {
        self.reset(::tokio::time::Instant::from_std(deadline.into_std()));
    }
}

#[cfg(not(feature = "tokio"))]
impl Future for crate::backend::Unavailable {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        match *self {}
    }
}

#[cfg(not(feature = "tokio"))]
impl BackendSleep for crate::backend::Unavailable {
    fn deadline(&self) -> Instant {
        match *self {}
    }

    fn is_elapsed(&self) -> bool {
        match *self {}
    }

    fn reset(self: Pin<&mut Self>, _deadline: Instant) {
        match *self {}
    }
}
