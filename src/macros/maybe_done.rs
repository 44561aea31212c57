//! `MaybeDone`: a future that keeps its output until it is taken, for `join!` and
//! `try_join!`.
//!
//! States, and the functions that move between them:
//!
//! ```text
//!   Future --poll: inner future ready--> Done --take_output--> Gone
//! ```
//!
//! Once `Done`, the inner future has been dropped in place (`Pin::set`), so a
//! completed branch holds only its output while the others run.

use core::fmt;
use core::future::{Future, IntoFuture};
use core::pin::Pin;
use core::task::{Context, Poll, ready};

pin_project_lite::pin_project! {
    /// A future that runs `F` to completion and then holds its output.
    #[project = MaybeDoneProj]
    #[project_replace = MaybeDoneProjReplace]
    pub enum MaybeDone<F: Future> {
        /// Still running.
        Future { #[pin] future: F },
        /// Finished; the output is waiting to be taken.
        Done { output: F::Output },
        /// The output was taken.
        Gone,
    }
}

impl<F: Future> MaybeDone<F> {
    /// Wraps `future` (anything `IntoFuture`, as `.await` accepts).
    pub fn new<I: IntoFuture<IntoFuture = F>>(future: I) -> Self {
        MaybeDone::Future {
            future: future.into_future(),
        }
    }

    /// The output, if the future is done and the output not taken yet.
    pub fn output_mut(self: Pin<&mut Self>) -> Option<&mut F::Output> {
        match self.project() {
            MaybeDoneProj::Done { output } => Some(output),
            _ => None,
        }
    }

    /// Takes the output, if the future is done and the output not taken yet.
    pub fn take_output(mut self: Pin<&mut Self>) -> Option<F::Output> {
        if !matches!(*self, MaybeDone::Done { .. }) {
            return None;
        }
        match self.as_mut().project_replace(MaybeDone::Gone) {
            MaybeDoneProjReplace::Done { output } => Some(output),
            // Checked just above: the state was `Done`.
            _ => unreachable!("MaybeDone left the Done state between check and take"),
        }
    }
}

impl<F: Future> Future for MaybeDone<F> {
    type Output = ();

    /// Ready once the inner future has finished (and from then on).
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let output = match self.as_mut().project() {
            MaybeDoneProj::Future { future } => ready!(future.poll(cx)),
            MaybeDoneProj::Done { .. } => return Poll::Ready(()),
            MaybeDoneProj::Gone => panic!("MaybeDone polled after its output was taken"),
        };
        self.set(MaybeDone::Done { output });
        Poll::Ready(())
    }
}

impl<F: Future> fmt::Debug for MaybeDone<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self {
            MaybeDone::Future { .. } => "Future",
            MaybeDone::Done { .. } => "Done",
            MaybeDone::Gone => "Gone",
        };
        f.debug_tuple("MaybeDone")
            .field(&format_args!("{state}"))
            .finish()
    }
}
