//! `File`: an open file whose reads, writes and seeks run on the blocking pool.
//!
//! The std file is shared (`Arc`) between the `File` and the blocking-pool
//! closure working on it, so an operation can finish after the `File` is gone.
//! `state` (see `state.rs`) orders the operations; `&self` methods that must
//! wait for the in-flight one take it through an async lock (`lock.rs`), while
//! the `Pin<&mut Self>` trait methods reach it directly.

mod buf;
mod io_impls;
mod lock;
mod state;

use std::fmt;
use std::fs::{Metadata, Permissions};
use std::future::poll_fn;
use std::io;
use std::path::Path;
use std::sync::Arc;

use super::{FileTimes, OpenOptions, asyncify};
use lock::StateLock;
use state::Inner;

/// tokio's default cap on the bytes one read or write hands to the blocking
/// pool: 2 MiB.
const DEFAULT_MAX_BUF_SIZE: usize = 2 * 1024 * 1024;

/// An open file; the async form of [`std::fs::File`].
///
/// Reads, writes and seeks go through [`AsyncRead`](crate::io::AsyncRead),
/// [`AsyncWrite`](crate::io::AsyncWrite) and [`AsyncSeek`](crate::io::AsyncSeek)
/// (usually through `AsyncReadExt`/`AsyncWriteExt`), and each runs on the
/// blocking pool, one at a time and in the order issued:
///
/// * A write copies up to [`max_buf_size`](File::max_buf_size) bytes, hands them
///   to the pool and returns at once. Its result is reported by the next write
///   or by [`flush`](crate::io::AsyncWriteExt::flush), which waits for it.
/// * A read or a seek first waits for the write in flight, so it sees the
///   written data.
///
/// Dropping a `File` with a write in flight lets that write finish in the
/// background, and its error is lost; call `flush` before dropping to know the
/// data reached the OS, and [`sync_all`](File::sync_all) to know it reached
/// the disk.
///
/// ```
/// use avx::fs::File;
/// use avx::io::{AsyncReadExt, AsyncWriteExt};
/// # avx::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let path = std::env::temp_dir().join(format!("avx-file-doc-{}", std::process::id()));
/// let mut file = File::create(&path).await?;
/// file.write_all(b"hello, world!").await?;
/// file.flush().await?;
///
/// let mut contents = Vec::new();
/// File::open(&path).await?.read_to_end(&mut contents).await?;
/// assert_eq!(contents, b"hello, world!");
/// # avx::fs::remove_file(&path).await?;
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
pub struct File {
    std: Arc<std::fs::File>,
    inner: StateLock<Inner>,
    max_buf_size: usize,
}

impl File {
    /// Opens the file at `path` for reading.
    ///
    /// # Errors
    ///
    /// `NotFound` if it does not exist; otherwise as
    /// [`OpenOptions::open`].
    pub async fn open(path: impl AsRef<Path>) -> io::Result<File> {
        Self::options().read(true).open(path).await
    }

    /// Opens the file at `path` for writing, creating it if it does not exist
    /// and truncating it if it does.
    ///
    /// # Errors
    ///
    /// As [`OpenOptions::open`].
    pub async fn create(path: impl AsRef<Path>) -> io::Result<File> {
        Self::options()
            .write(true)
            .create(true)
            .truncate(true)
            .open(path)
            .await
    }

    /// Creates a new file at `path` and opens it for reading and writing,
    /// failing if anything is already there; atomic, unlike checking first.
    ///
    /// # Errors
    ///
    /// `AlreadyExists` if `path` exists; otherwise as [`OpenOptions::open`].
    pub async fn create_new<P: AsRef<Path>>(path: P) -> std::io::Result<File> {
        Self::options()
            .read(true)
            .write(true)
            .create_new(true)
            .open(path)
            .await
    }

    /// New [`OpenOptions`], the same as `OpenOptions::new()`.
    #[must_use]
    pub fn options() -> OpenOptions {
        OpenOptions::new()
    }

    /// Wraps an open std file. Its position is kept.
    pub fn from_std(std: std::fs::File) -> File {
        File {
            std: Arc::new(std),
            inner: StateLock::new(Inner::new()),
            max_buf_size: DEFAULT_MAX_BUF_SIZE,
        }
    }

    /// Waits for the operation in flight, if any, then flushes the file's data
    /// and metadata to the disk (`fsync`).
    ///
    /// A write error met while waiting is not returned here but by the next
    /// write or flush.
    ///
    /// # Errors
    ///
    /// std's, from `fsync`.
    pub async fn sync_all(&self) -> io::Result<()> {
        let mut inner = self.inner.lock().await;
        poll_fn(|cx| inner.poll_complete_inflight(cx)).await;
        let std = self.std.clone();
        asyncify(move || std.sync_all()).await
    }

    /// Like [`sync_all`](File::sync_all), but may skip metadata the data does
    /// not need (`fdatasync`).
    ///
    /// # Errors
    ///
    /// std's, from `fdatasync`.
    pub async fn sync_data(&self) -> io::Result<()> {
        let mut inner = self.inner.lock().await;
        poll_fn(|cx| inner.poll_complete_inflight(cx)).await;
        let std = self.std.clone();
        asyncify(move || std.sync_data()).await
    }

    /// Truncates or extends the file to `size` bytes, after the operation in
    /// flight; an extension reads as zeros. The position does not move.
    ///
    /// # Errors
    ///
    /// If the file is not open for writing, and std's others.
    pub async fn set_len(&self, size: u64) -> io::Result<()> {
        let mut inner = self.inner.lock().await;
        poll_fn(|cx| inner.poll_complete_inflight(cx)).await;
        inner.start_set_len(&self.std, size);
        poll_fn(|cx| inner.poll_set_len(cx)).await
    }

    /// The file's metadata.
    ///
    /// # Errors
    ///
    /// std's, from `fstat`.
    pub async fn metadata(&self) -> io::Result<Metadata> {
        let std = self.std.clone();
        asyncify(move || std.metadata()).await
    }

    /// A second `File` for the same open file (a `dup`): reads, writes and
    /// seeks through either move the same position. Waits for the operation in
    /// flight first.
    ///
    /// # Errors
    ///
    /// std's, for example when the process is out of file descriptors.
    pub async fn try_clone(&self) -> io::Result<File> {
        {
            let mut inner = self.inner.lock().await;
            poll_fn(|cx| inner.poll_complete_inflight(cx)).await;
        }
        let std = self.std.clone();
        let clone = asyncify(move || std.try_clone()).await?;
        let mut file = File::from_std(clone);
        file.set_max_buf_size(self.max_buf_size);
        Ok(file)
    }

    /// Turns this into a [`std::fs::File`], after the operation in flight
    /// finishes. A write error that operation met is lost: flush first to see
    /// it.
    ///
    /// # Panics
    ///
    /// Only if a `metadata` or `set_permissions` call on this file is still
    /// running on the blocking pool after its future was dropped, and the file
    /// descriptor cannot be duplicated to stand in for it.
    pub async fn into_std(mut self) -> std::fs::File {
        if let Some(inner) = self.inner.get_mut() {
            poll_fn(|cx| inner.poll_complete_inflight(cx)).await;
        }
        Arc::try_unwrap(self.std).unwrap_or_else(|shared| {
            // A detached `metadata`/`set_permissions` still holds the file; a
            // duplicate descriptor shares its position and flags.
            shared
                .try_clone()
                .expect("the file is still in use and cannot be duplicated")
        })
    }

    /// Turns this into a [`std::fs::File`] at once, or gives it back if an
    /// operation is still running on the blocking pool.
    ///
    /// # Errors
    ///
    /// `Err(self)` while an operation is in flight.
    #[allow(clippy::result_large_err)]
    pub fn try_into_std(mut self) -> Result<std::fs::File, Self> {
        match Arc::try_unwrap(self.std) {
            Ok(std) => Ok(std),
            Err(shared) => {
                self.std = shared;
                Err(self)
            }
        }
    }

    /// Changes the file's permissions (`fchmod`).
    ///
    /// # Errors
    ///
    /// `PermissionDenied` if the caller may not change them, and std's others.
    pub async fn set_permissions(&self, perm: Permissions) -> io::Result<()> {
        let std = self.std.clone();
        asyncify(move || std.set_permissions(perm)).await
    }

    /// Changes the file's access and modification times, after the operation
    /// in flight (so a write finishing later cannot overwrite them).
    ///
    /// # Errors
    ///
    /// If the caller may not change them, and std's others.
    pub async fn set_times(&self, times: FileTimes) -> io::Result<()> {
        let mut inner = self.inner.lock().await;
        poll_fn(|cx| inner.poll_complete_inflight(cx)).await;
        let std = self.std.clone();
        let times = times.into_std();
        asyncify(move || std.set_times(times)).await
    }

    /// Changes the file's modification time; `set_times` with only that set.
    ///
    /// # Errors
    ///
    /// As [`set_times`](File::set_times).
    pub async fn set_modified(&self, time: std::time::SystemTime) -> io::Result<()> {
        self.set_times(FileTimes::new().set_modified(time)).await
    }

    /// Sets the most bytes one read or write hands to the blocking pool
    /// (default 2 MiB). A larger write is taken in parts: `write` returns how
    /// many bytes it took, and `write_all` loops.
    ///
    /// # Panics
    ///
    /// If `max_buf_size` is 0.
    #[track_caller]
    pub fn set_max_buf_size(&mut self, max_buf_size: usize) {
        assert!(max_buf_size > 0, "`max_buf_size` must be greater than 0");
        self.max_buf_size = max_buf_size;
    }

    /// The most bytes one read or write hands to the blocking pool.
    pub fn max_buf_size(&self) -> usize {
        self.max_buf_size
    }

    /// The state and what operations on it need, for the trait methods (which
    /// have `&mut self`, so no guard of the async lock can be alive).
    fn parts(&mut self) -> io::Result<(&mut Inner, &Arc<std::fs::File>, usize)> {
        match self.inner.get_mut() {
            Some(inner) => Ok((inner, &self.std, self.max_buf_size)),
            // Only `mem::forget` on a pending `sync_all`-like future gets here.
            None => Err(io::Error::other(
                "the file's state is held by a leaked `File` operation",
            )),
        }
    }
}

impl From<std::fs::File> for File {
    fn from(std: std::fs::File) -> Self {
        Self::from_std(std)
    }
}

impl fmt::Debug for File {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("avx::fs::File")
            .field("std", &self.std)
            .finish()
    }
}

#[cfg(unix)]
impl From<std::os::fd::OwnedFd> for File {
    fn from(fd: std::os::fd::OwnedFd) -> Self {
        Self::from_std(std::fs::File::from(fd))
    }
}

#[cfg(unix)]
impl std::os::fd::AsRawFd for File {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        self.std.as_raw_fd()
    }
}

#[cfg(unix)]
impl std::os::fd::AsFd for File {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        self.std.as_fd()
    }
}
