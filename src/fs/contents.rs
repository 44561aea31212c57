//! Whole-file operations: `read`, `read_to_string`, `write`, `copy`.

use std::io;
use std::path::Path;

use super::asyncify;

/// Reads the whole file at `path` into a vector; the async form of
/// [`std::fs::read`].
///
/// One blocking-pool hand-off for the whole file, which makes it the fastest way
/// to load a file that fits in memory.
///
/// # Errors
///
/// std's: `NotFound` if `path` does not exist, `PermissionDenied`, and so on.
pub async fn read(path: impl AsRef<Path>) -> io::Result<Vec<u8>> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::read(path)).await
}

/// Reads the whole file at `path` into a string; the async form of
/// [`std::fs::read_to_string`].
///
/// # Errors
///
/// std's, and `InvalidData` if the contents are not UTF-8.
pub async fn read_to_string(path: impl AsRef<Path>) -> io::Result<String> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::read_to_string(path)).await
}

/// Writes `contents` as the whole of the file at `path`, creating it if needed
/// and truncating it if it exists; the async form of [`std::fs::write`].
///
/// `contents` is copied before the hand-off to the blocking pool, since the
/// write outlives the borrow.
///
/// # Errors
///
/// std's: `NotFound` if the parent directory does not exist, and so on.
pub async fn write(path: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    let contents = contents.as_ref().to_owned();
    asyncify(move || std::fs::write(path, contents)).await
}

/// Copies the contents and permission bits of the file at `from` to `to`,
/// overwriting `to`; returns the number of bytes copied. The async form of
/// [`std::fs::copy`].
///
/// # Errors
///
/// std's: `NotFound` if `from` does not exist, `InvalidInput` if it is not a
/// regular file, and so on.
pub async fn copy(from: impl AsRef<Path>, to: impl AsRef<Path>) -> Result<u64, std::io::Error> {
    let from = from.as_ref().to_owned();
    let to = to.as_ref().to_owned();
    asyncify(move || std::fs::copy(from, to)).await
}
