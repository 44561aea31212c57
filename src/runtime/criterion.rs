//! criterion's async benchmarks on an avx runtime (feature `criterion`).
//!
//! `Runtime` and `&Runtime` implement criterion's `AsyncExecutor`, as tokio's
//! runtime does under criterion's `async_tokio`, so `b.to_async(&rt)` runs each
//! iteration's future with [`Runtime::block_on`]. With both backends compiled, one
//! bench measures the same async function on each, side by side in criterion's
//! report:
//!
//! ```no_run
//! use avx::runtime::{Backend, Builder};
//! use criterion::{Criterion, criterion_group, criterion_main};
//!
//! async fn my_handler(input: u64) -> u64 {
//!     avx::task::yield_now().await;
//!     input * 2
//! }
//!
//! fn native_vs_tokio(c: &mut Criterion) {
//!     let mut group = c.benchmark_group("my_handler");
//!     for backend in [Backend::Native, Backend::Tokio] {
//!         let rt = Builder::new_multi_thread()
//!             .backend(backend)
//!             .enable_all()
//!             .build()
//!             .unwrap();
//!         group.bench_function(backend.name(), |b| {
//!             b.to_async(&rt).iter(|| my_handler(21))
//!         });
//!     }
//!     group.finish();
//! }
//!
//! criterion_group!(benches, native_vs_tokio);
//! criterion_main!(benches);
//! ```
//!
//! A bench that builds its runtime without naming a backend follows
//! `AVX_BACKEND`, so an unchanged bench binary runs on each in turn:
//! `AVX_BACKEND=native cargo bench` then `AVX_BACKEND=tokio cargo bench`.
//!
//! The impls are for criterion 0.8, which needs Rust 1.86 (avx itself needs 1.85).

use std::future::Future;

use ::criterion::async_executor::AsyncExecutor;

use super::Runtime;

impl AsyncExecutor for Runtime {
    fn block_on<T>(&self, future: impl Future<Output = T>) -> T {
        Runtime::block_on(self, future)
    }
}

impl AsyncExecutor for &Runtime {
    fn block_on<T>(&self, future: impl Future<Output = T>) -> T {
        Runtime::block_on(self, future)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use ::criterion::Criterion;

    use crate::runtime::{Backend, Builder, Handle};

    /// Every compiled backend runs criterion's async iterations, inside the
    /// runtime it was given (the future sees that runtime as current).
    #[test]
    fn to_async_runs_iterations_on_the_given_runtime() {
        let mut criterion = Criterion::default()
            .warm_up_time(Duration::from_millis(1))
            .measurement_time(Duration::from_millis(20))
            .sample_size(10)
            .nresamples(100)
            .without_plots();
        for backend in [Backend::Native, Backend::Tokio] {
            if !backend.is_compiled() {
                continue;
            }
            let rt = Builder::new_current_thread()
                .backend(backend)
                .enable_all()
                .build()
                .unwrap();
            let on_the_runtime = AtomicUsize::new(0);
            let elsewhere = AtomicUsize::new(0);
            criterion.bench_function(&format!("avx_criterion_executor/{}", backend.name()), |b| {
                b.to_async(&rt).iter(|| async {
                    let here = Handle::try_current().map(|h| h.backend());
                    let counter = if here.ok() == Some(backend) {
                        &on_the_runtime
                    } else {
                        &elsewhere
                    };
                    counter.fetch_add(1, Ordering::Relaxed);
                    crate::task::yield_now().await;
                })
            });
            assert!(on_the_runtime.load(Ordering::Relaxed) > 0, "{backend:?}");
            assert_eq!(elsewhere.load(Ordering::Relaxed), 0, "{backend:?}");
        }
    }

    /// The owned runtime is an executor too.
    #[test]
    fn an_owned_runtime_blocks_on_a_future() {
        use ::criterion::async_executor::AsyncExecutor;

        let rt = Builder::new_current_thread().enable_all().build().unwrap();
        let answer = AsyncExecutor::block_on(&rt, async { crate::spawn(async { 42 }).await });
        assert_eq!(answer.unwrap(), 42);
    }
}
