//! The conformance suite: written once against `avx::`, compiled into one test
//! binary per backend (`tests/native.rs`, `tests/tokio.rs`), each of which sets
//! `crate::BACKEND`.
//!
//! `rt_test!` expands a test body into one test per scheduler flavor.

#![allow(dead_code, unused_macros)]

use avx::runtime::{Builder, Runtime};

/// Builds a runtime of `flavor` on this binary's backend, with I/O and timers.
pub(crate) fn runtime(flavor: Flavor) -> Runtime {
    builder(flavor).build().expect("runtime builds")
}

/// A builder of `flavor` on this binary's backend, with I/O and timers.
pub(crate) fn builder(flavor: Flavor) -> Builder {
    let mut builder = match flavor {
        Flavor::CurrentThread => Builder::new_current_thread(),
        Flavor::MultiThread => Builder::new_multi_thread(),
    };
    builder.backend(crate::BACKEND).enable_all();
    builder
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flavor {
    CurrentThread,
    MultiThread,
}

/// Whether this backend supports `flavor` with a paused clock (tokio pauses time
/// only on its current-thread scheduler; avx's native backend on both).
pub(crate) fn can_pause(flavor: Flavor) -> bool {
    flavor == Flavor::CurrentThread || crate::BACKEND == avx::runtime::Backend::Native
}

/// `rt_test! { async fn name() { body } }` becomes `name::current_thread` and
/// `name::multi_thread`, each running `body` in `block_on` on a fresh runtime.
/// Attributes (`#[should_panic]`, ...) apply to both.
macro_rules! rt_test {
    ($(#[$attr:meta])* async fn $name:ident() $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[test]
            $(#[$attr])*
            fn current_thread() {
                $crate::suite::runtime($crate::suite::Flavor::CurrentThread).block_on(async $body)
            }

            #[test]
            $(#[$attr])*
            fn multi_thread() {
                $crate::suite::runtime($crate::suite::Flavor::MultiThread).block_on(async $body)
            }
        }
    };
}

/// `mt_test! { async fn name() { body } }`: like `rt_test!`, on the multi-thread
/// flavor only (for bodies that need more than one thread).
macro_rules! mt_test {
    ($(#[$attr:meta])* async fn $name:ident() $body:block) => {
        #[test]
        $(#[$attr])*
        fn $name() {
            $crate::suite::runtime($crate::suite::Flavor::MultiThread).block_on(async $body)
        }
    };
}

mod async_fd;
mod blocking;
mod coop;
mod fs;
mod fs_file;
mod fs_open;
mod io_buf_read;
mod io_buffered;
mod io_copy;
mod io_mem;
mod io_read_ext;
mod io_stdio;
mod io_support;
mod io_write_ext;
mod join_set;
mod local_set;
mod macros;
mod net_addr;
mod net_faults;
mod net_tcp;
mod net_udp;
mod net_unix;
mod net_util;
mod process;
mod rt;
mod sync_barrier;
mod sync_broadcast;
mod sync_cross_runtime;
mod sync_mpsc;
mod sync_mutex;
mod sync_notify;
mod sync_once_cell;
mod sync_oneshot;
mod sync_rwlock;
mod sync_semaphore;
mod sync_set_once;
mod sync_util;
mod sync_watch;
mod task;
mod task_local;
mod time;
// signal.rs runs in binaries of its own (tests/signal_native.rs, tests/signal_tokio.rs):
// the handlers it installs (SIGINT, SIGTERM among them) stay for the life of the process.

/// The file that a panic in `f` names as its location (tokio's tests check that a
/// misuse panics at the application's line, not inside the runtime).
pub(crate) fn panic_file(f: impl FnOnce() + std::panic::UnwindSafe) -> Option<String> {
    use std::cell::RefCell;
    thread_local! {
        static FILE: RefCell<Option<String>> = const { RefCell::new(None) };
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|info| {
        if let Some(location) = info.location() {
            FILE.with(|file| *file.borrow_mut() = Some(location.file().to_owned()));
        }
    }));
    let result = std::panic::catch_unwind(f);
    std::panic::set_hook(previous);
    assert!(result.is_err(), "it did not panic");
    FILE.with(|file| file.borrow_mut().take())
}
