//! One import path for the atomics and locks that `sync` is built from, so the same
//! code runs under std and under the loom model checker (`RUSTFLAGS="--cfg loom"`).
//!
//! loom is a dev-dependency, so only the crate's own test build (`cfg(all(loom, test))`)
//! uses it; the library that the test build also links (the crate's dev-dependency on
//! itself) compiles against std even under `--cfg loom`.
//!
//! The [`sync::Mutex`] here never reports poisoning: every critical section in `sync`
//! leaves its state consistent before it can run user code (a `Drop`, a `Clone`, a
//! closure), so a panic in user code must not make the primitive unusable for others.

pub(crate) mod sync {
    #[cfg(not(all(loom, test)))]
    pub(crate) use std::sync::atomic;

    #[cfg(all(loom, test))]
    pub(crate) use loom::sync::atomic;

    #[cfg(not(all(loom, test)))]
    use std::sync as imp;

    #[cfg(all(loom, test))]
    use loom::sync as imp;

    pub(crate) use imp::MutexGuard;

    /// A mutex whose `lock` ignores poisoning (see the module docs).
    #[derive(Debug)]
    pub(crate) struct Mutex<T>(imp::Mutex<T>);

    impl<T> Mutex<T> {
        #[cfg(not(all(loom, test)))]
        pub(crate) const fn new(value: T) -> Mutex<T> {
            Mutex(imp::Mutex::new(value))
        }

        #[cfg(all(loom, test))]
        pub(crate) fn new(value: T) -> Mutex<T> {
            Mutex(imp::Mutex::new(value))
        }

        #[inline]
        pub(crate) fn lock(&self) -> MutexGuard<'_, T> {
            self.0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        }

        pub(crate) fn get_mut(&mut self) -> &mut T {
            self.0
                .get_mut()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        }

        pub(crate) fn into_inner(self) -> T {
            self.0
                .into_inner()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        }
    }
}

/// `block_on` for loom models, built on loom's `Notify` so that parking is modelled
/// (loom's own `future::block_on` needs a cargo feature of loom).
#[cfg(all(loom, test))]
pub(crate) mod model {
    use std::future::Future;
    use std::pin::pin;
    use std::sync::Arc;
    use std::task::{Context, Poll, Wake, Waker};

    struct Unpark(loom::sync::Notify);

    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.notify();
        }

        fn wake_by_ref(self: &Arc<Self>) {
            self.0.notify();
        }
    }

    /// Polls `future` on the current loom thread until it completes.
    pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
        let unpark = Arc::new(Unpark(loom::sync::Notify::new()));
        let waker = Waker::from(Arc::clone(&unpark));
        let mut cx = Context::from_waker(&waker);
        let mut future = pin!(future);
        loop {
            if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
                return output;
            }
            unpark.0.wait();
        }
    }
}
