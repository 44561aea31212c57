//! `DirBuilder`.

use std::io;
use std::path::Path;

use super::asyncify;

/// A builder for creating directories: recursively or not, and (on unix) with a
/// mode. The async form of [`std::fs::DirBuilder`].
///
/// ```
/// # avx::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let root = std::env::temp_dir().join(format!("avx-dir-builder-doc-{}", std::process::id()));
/// avx::fs::DirBuilder::new()
///     .recursive(true)
///     .create(root.join("a/b/c"))
///     .await?;
/// assert!(avx::fs::metadata(root.join("a/b/c")).await?.is_dir());
/// avx::fs::remove_dir_all(&root).await?;
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
#[derive(Debug, Default)]
pub struct DirBuilder {
    /// Whether missing parents are created too.
    recursive: bool,
    /// The mode new directories get, before the umask; std's 0o777 if `None`.
    #[cfg(unix)]
    mode: Option<u32>,
}

impl DirBuilder {
    /// A builder that creates one directory (not its parents) with the default
    /// mode.
    pub fn new() -> Self {
        DirBuilder::default()
    }

    /// Whether to create missing parent directories as well (default `false`).
    /// Parents are created with the same mode.
    pub fn recursive(&mut self, recursive: bool) -> &mut Self {
        self.recursive = recursive;
        self
    }

    /// The permission bits new directories are created with, before the
    /// process's umask applies (default `0o777`).
    #[cfg(unix)]
    pub fn mode(&mut self, mode: u32) -> &mut Self {
        self.mode = Some(mode);
        self
    }

    /// Creates the directory at `path` with these options.
    ///
    /// # Errors
    ///
    /// If `path` exists as a file; if it exists as a directory and the builder
    /// is not recursive (`AlreadyExists`); if a parent is missing and the
    /// builder is not recursive (`NotFound`); if the caller may not create it;
    /// or on any other I/O error.
    pub async fn create(&self, path: impl AsRef<Path>) -> io::Result<()> {
        let path = path.as_ref().to_owned();
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(self.recursive);
        #[cfg(unix)]
        if let Some(mode) = self.mode {
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, mode);
        }
        asyncify(move || builder.create(path)).await
    }
}
