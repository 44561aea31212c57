//! Building a runtime on the native backend.

use std::io;

use avx_native::runtime::{Config, Flavor as NativeFlavor};

use super::builder::{Builder, Flavor};
use super::handle::Handle;
use super::{Inner, Runtime};

pub(super) fn build(builder: &Builder) -> io::Result<Runtime> {
    let flavor = match builder.flavor {
        Flavor::CurrentThread => NativeFlavor::CurrentThread,
        #[cfg(feature = "rt-multi-thread")]
        Flavor::MultiThread => NativeFlavor::MultiThread,
    };
    let mut config = Config::new(flavor);
    config.worker_threads = builder.worker_threads;
    config.max_blocking_threads = builder.max_blocking_threads;
    if let Some(name) = &builder.thread_name {
        config.thread_name = name.clone();
    }
    config.thread_stack_size = builder.thread_stack_size;
    config.on_thread_start = builder.on_thread_start.clone();
    config.on_thread_stop = builder.on_thread_stop.clone();
    config.on_thread_park = builder.on_thread_park.clone();
    config.on_thread_unpark = builder.on_thread_unpark.clone();
    if let Some(keep_alive) = builder.keep_alive {
        config.thread_keep_alive = keep_alive;
    }
    config.enable_io = builder.enable_io;
    config.enable_time = builder.enable_time;
    config.start_paused = builder.start_paused;
    config.event_interval = builder.event_interval;
    config.global_queue_interval = builder.global_queue_interval;
    config.name = builder.name.clone();

    let runtime = avx_native::runtime::Runtime::new(config)?;
    let handle = Handle::from_native(runtime.handle().clone());
    Ok(Runtime {
        inner: Inner::Native(runtime),
        handle,
    })
}

/// A native `block_on` inside a tokio runtime's `block_on` or task would stall
/// it, which tokio forbids for its own runtimes; avx forbids it across backends.
#[track_caller]
pub(super) fn refuse_inside_tokio() {
    #[cfg(feature = "tokio")]
    if crate::backend::tokio_driving::get() || ::tokio::task::try_id().is_some() {
        panic!("{}", avx_native::runtime::NESTED_RUNTIME_ERROR);
    }
}
