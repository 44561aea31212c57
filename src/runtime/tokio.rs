//! Building a runtime on the tokio backend.

use std::io;

use avx_tokio::runtime::{Config, Flavor as TokioFlavor};

use super::builder::{Builder, Flavor};
use super::handle::Handle;
use super::{Inner, Runtime};

pub(super) fn build(builder: &Builder) -> io::Result<Runtime> {
    let config = Config {
        flavor: match builder.flavor {
            Flavor::CurrentThread => TokioFlavor::CurrentThread,
            #[cfg(feature = "rt-multi-thread")]
            Flavor::MultiThread => TokioFlavor::MultiThread,
        },
        worker_threads: builder.worker_threads,
        max_blocking_threads: builder.max_blocking_threads,
        thread_name: builder.thread_name.clone(),
        thread_stack_size: builder.thread_stack_size,
        on_thread_start: builder.on_thread_start.clone(),
        on_thread_stop: builder.on_thread_stop.clone(),
        on_thread_park: builder.on_thread_park.clone(),
        on_thread_unpark: builder.on_thread_unpark.clone(),
        thread_keep_alive: builder.keep_alive,
        enable_io: builder.enable_io,
        enable_time: builder.enable_time,
        start_paused: builder.start_paused,
        event_interval: builder.event_interval,
        global_queue_interval: builder.global_queue_interval,
        name: builder.name.clone(),
    };
    let runtime = avx_tokio::runtime::build(&config)?;
    let handle = Handle::from_tokio(runtime.handle().clone());
    Ok(Runtime {
        inner: Inner::Tokio(runtime),
        handle,
    })
}

/// A tokio `block_on` on a thread that drives a native runtime would stall it;
/// tokio forbids that for its own runtimes, avx across backends too.
#[track_caller]
pub(super) fn refuse_inside_native_runtime() {
    if avx_native::runtime::is_driving() {
        panic!("{}", avx_native::runtime::NESTED_RUNTIME_ERROR);
    }
}
