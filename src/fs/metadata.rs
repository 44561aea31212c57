//! Questions about paths: `metadata`, `symlink_metadata`, `canonicalize`,
//! `try_exists`; and `set_permissions`.

use std::fs::{Metadata, Permissions};
use std::io;
use std::path::{Path, PathBuf};

use super::asyncify;

/// Metadata of the file or directory at `path`, following symbolic links; the
/// async form of [`std::fs::metadata`].
///
/// # Errors
///
/// std's: `NotFound` if nothing is at `path`, and so on.
pub async fn metadata(path: impl AsRef<Path>) -> io::Result<Metadata> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::metadata(path)).await
}

/// Metadata of `path` itself, without following a symbolic link there; the
/// async form of [`std::fs::symlink_metadata`].
///
/// # Errors
///
/// std's: `NotFound` if nothing is at `path`, and so on.
pub async fn symlink_metadata(path: impl AsRef<Path>) -> io::Result<Metadata> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::symlink_metadata(path)).await
}

/// The absolute form of `path` with every symbolic link and `.`/`..` resolved;
/// the async form of [`std::fs::canonicalize`].
///
/// # Errors
///
/// std's: `NotFound` if `path` does not exist, and so on.
pub async fn canonicalize(path: impl AsRef<Path>) -> io::Result<PathBuf> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::canonicalize(path)).await
}

/// Whether something exists at `path`, following symbolic links (a dangling link
/// is `Ok(false)`); the async form of [`Path::try_exists`].
///
/// # Errors
///
/// Where existence cannot be decided, for example when a parent directory
/// cannot be searched.
pub async fn try_exists(path: impl AsRef<Path>) -> io::Result<bool> {
    let path = path.as_ref().to_owned();
    asyncify(move || path.try_exists()).await
}

/// Sets the permissions of the file or directory at `path`; the async form of
/// [`std::fs::set_permissions`].
///
/// # Errors
///
/// std's: `NotFound`, `PermissionDenied` if the caller may not change them, and
/// so on.
pub async fn set_permissions(path: impl AsRef<Path>, perm: Permissions) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::set_permissions(path, perm)).await
}
