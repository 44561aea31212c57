//! Operations on directory entries: creating and removing files, directories and
//! links, and renaming.

use std::io;
use std::path::{Path, PathBuf};

use super::asyncify;

/// Creates a directory at `path`; its parent must exist. The async form of
/// [`std::fs::create_dir`].
///
/// # Errors
///
/// std's: `AlreadyExists` if something is already at `path`, `NotFound` if the
/// parent does not exist, and so on.
pub async fn create_dir(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::create_dir(path)).await
}

/// Creates a directory at `path` and every missing parent; succeeds if the
/// directory already exists. The async form of [`std::fs::create_dir_all`].
///
/// # Errors
///
/// std's: for example when a component of `path` is a file.
pub async fn create_dir_all(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::create_dir_all(path)).await
}

/// Removes the file (or symbolic link) at `path`; the async form of
/// [`std::fs::remove_file`].
///
/// # Errors
///
/// std's: `NotFound` if nothing is at `path`, and an error if it is a directory.
pub async fn remove_file(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::remove_file(path)).await
}

/// Removes the empty directory at `path`; the async form of
/// [`std::fs::remove_dir`].
///
/// # Errors
///
/// std's: `NotFound`, and an error if the directory is not empty.
pub async fn remove_dir(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::remove_dir(path)).await
}

/// Removes the directory at `path` and everything in it; the async form of
/// [`std::fs::remove_dir_all`]. Symbolic links inside are removed, not followed.
///
/// # Errors
///
/// std's: `NotFound` if nothing is at `path`, and so on.
pub async fn remove_dir_all(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::remove_dir_all(path)).await
}

/// Renames `from` to `to`, replacing `to` if it is a file; the async form of
/// [`std::fs::rename`]. Both must be on the same filesystem.
///
/// # Errors
///
/// std's: `NotFound` if `from` does not exist, and so on.
pub async fn rename(from: impl AsRef<Path>, to: impl AsRef<Path>) -> io::Result<()> {
    let from = from.as_ref().to_owned();
    let to = to.as_ref().to_owned();
    asyncify(move || std::fs::rename(from, to)).await
}

/// Creates a hard link at `link` to the file at `original`; the async form of
/// [`std::fs::hard_link`].
///
/// # Errors
///
/// std's: `NotFound` if `original` does not exist, `AlreadyExists` if `link`
/// does.
pub async fn hard_link(original: impl AsRef<Path>, link: impl AsRef<Path>) -> io::Result<()> {
    let original = original.as_ref().to_owned();
    let link = link.as_ref().to_owned();
    asyncify(move || std::fs::hard_link(original, link)).await
}

/// Creates a symbolic link at `link` pointing at `original`; the async form of
/// [`std::os::unix::fs::symlink`]. `original` need not exist.
///
/// # Errors
///
/// std's: `AlreadyExists` if `link` exists, and so on.
#[cfg(unix)]
pub async fn symlink(original: impl AsRef<Path>, link: impl AsRef<Path>) -> io::Result<()> {
    let original = original.as_ref().to_owned();
    let link = link.as_ref().to_owned();
    asyncify(move || std::os::unix::fs::symlink(original, link)).await
}

/// The path the symbolic link at `path` points at, unresolved; the async form of
/// [`std::fs::read_link`].
///
/// # Errors
///
/// std's: `NotFound`, and `InvalidInput` if `path` is not a symbolic link.
pub async fn read_link(path: impl AsRef<Path>) -> io::Result<PathBuf> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::read_link(path)).await
}
