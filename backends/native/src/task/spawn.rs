//! Spawning onto the current runtime, and yielding to it.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::{Id, JoinHandle};
use crate::runtime::context;

/// Spawns `future` on the current runtime; panics outside one.
#[track_caller]
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let id = Id::next();
    context::expect_current(|handle| handle.spawn(future, id))
}

/// Spawns `future` on the current native runtime, or gives it back if there is none
/// (so the facade can try another backend without a second thread-local lookup).
pub fn try_spawn<F>(future: F) -> Result<JoinHandle<F::Output>, F>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let mut future = Some(future);
    context::with_current(|handle| handle.spawn(future.take().expect("taken once"), Id::next()))
        .map_err(|_| future.take().expect("not taken when there is no runtime"))
}

/// Runs `func` on the current native runtime's blocking pool, or gives it back if
/// there is no native runtime.
pub fn try_spawn_blocking<F, R>(func: F) -> Result<JoinHandle<R>, F>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    let mut func = Some(func);
    context::with_current(|handle| {
        crate::blocking::spawn_blocking(handle, func.take().expect("taken once"))
    })
    .map_err(|_| func.take().expect("not taken when there is no runtime"))
}

/// Yields to the scheduler: the task is resumed only after every other ready task
/// and the I/O and timer drivers have had their turn.
pub fn yield_now() -> YieldNow {
    YieldNow { yielded: false }
}

/// The future of [`yield_now`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        context::defer(cx.waker());
        Poll::Pending
    }
}
