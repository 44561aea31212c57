//! Asynchronous filesystem access: tokio's `fs` module.
//!
//! Operating systems offer no readiness-based file I/O that works everywhere, so
//! every operation here runs the matching `std::fs` call on the runtime's
//! blocking pool ([`spawn_blocking`](crate::task::spawn_blocking)) and awaits
//! it. Each call therefore costs a hand-off to another thread: batch work where
//! you can (read a whole file with [`read`] rather than many small reads, or run
//! a whole sequence of `std::fs` calls in one `spawn_blocking`).
//!
//! Errors are std's, unchanged. If the blocking task itself fails (it panicked,
//! or the runtime shut down before it ran), the operation returns an
//! [`io::Error`] of kind `Other` saying "background task failed", as tokio does.
//!
//! Every function must be called from inside a runtime; outside one it panics,
//! with tokio's message.
//!
//! ```
//! # avx::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let dir = std::env::temp_dir().join(format!("avx-fs-doc-{}", std::process::id()));
//! avx::fs::create_dir_all(&dir).await?;
//! let path = dir.join("greeting.txt");
//! avx::fs::write(&path, b"hello").await?;
//! assert_eq!(avx::fs::read_to_string(&path).await?, "hello");
//! avx::fs::remove_dir_all(&dir).await?;
//! # Ok::<(), std::io::Error>(())
//! # }).unwrap();
//! ```

// Every operation runs on the runtime's blocking pool, which `rt` brings.
#[cfg(not(feature = "rt"))]
compile_error!("avx's `fs` feature needs the `rt` feature (the blocking pool)");

mod contents;
mod dir_builder;
mod entries;
mod file;
mod file_times;
mod metadata;
mod open_options;
mod read_dir;

pub use contents::{copy, read, read_to_string, write};
pub use dir_builder::DirBuilder;
#[cfg(unix)]
pub use entries::symlink;
pub use entries::{
    create_dir, create_dir_all, hard_link, read_link, remove_dir, remove_dir_all, remove_file,
    rename,
};
pub use file::File;
pub use file_times::FileTimes;
pub use metadata::{canonicalize, metadata, set_permissions, symlink_metadata, try_exists};
pub use open_options::OpenOptions;
pub use read_dir::{DirEntry, ReadDir, read_dir};

use std::io;

/// Runs `f` on the blocking pool and returns its result; a blocking task that
/// did not return (it panicked, or was cancelled at shutdown) becomes tokio's
/// "background task failed" error.
pub(crate) async fn asyncify<F, T>(f: F) -> io::Result<T>
where
    F: FnOnce() -> io::Result<T> + Send + 'static,
    T: Send + 'static,
{
    match crate::task::spawn_blocking(f).await {
        Ok(result) => result,
        Err(_) => Err(background_task_failed()),
    }
}

/// The error for a blocking task that never returned.
fn background_task_failed() -> io::Error {
    io::Error::other("background task failed")
}
