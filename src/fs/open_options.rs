//! `OpenOptions`.

use std::io;
use std::path::Path;

use super::{File, asyncify};

/// Options for opening a [`File`]: what access it allows and what happens when
/// it exists or not. The async form of [`std::fs::OpenOptions`], which it wraps
/// (`From<std::fs::OpenOptions>` takes options built with std's extension
/// traits).
///
/// [`File::open`] and [`File::create`] are shorthands for the common cases.
///
/// ```
/// use avx::fs::OpenOptions;
/// use avx::io::AsyncWriteExt;
/// # avx::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let path = std::env::temp_dir().join(format!("avx-open-options-doc-{}", std::process::id()));
/// let mut log = OpenOptions::new().append(true).create(true).open(&path).await?;
/// log.write_all(b"one line\n").await?;
/// log.flush().await?;
/// # avx::fs::remove_file(&path).await?;
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
#[derive(Clone, Debug)]
pub struct OpenOptions {
    std: std::fs::OpenOptions,
}

impl OpenOptions {
    /// Options with everything off; set at least one of read, write or append
    /// before opening.
    pub fn new() -> OpenOptions {
        OpenOptions {
            std: std::fs::OpenOptions::new(),
        }
    }

    /// Whether the file may be read.
    pub fn read(&mut self, read: bool) -> &mut OpenOptions {
        self.std.read(read);
        self
    }

    /// Whether the file may be written; writes start at the beginning and
    /// overwrite.
    pub fn write(&mut self, write: bool) -> &mut OpenOptions {
        self.std.write(write);
        self
    }

    /// Whether every write goes to the end of the file. `append(true)` implies
    /// write access. It does not create the file: add
    /// [`create`](OpenOptions::create) for that.
    ///
    /// With read access too, the position for reading may be at the end of the
    /// file after opening and after each write: save it with a seek to
    /// `SeekFrom::Current(0)` before writing and restore it before reading.
    pub fn append(&mut self, append: bool) -> &mut OpenOptions {
        self.std.append(append);
        self
    }

    /// Whether an existing file is truncated to length 0 on opening; needs write
    /// access.
    pub fn truncate(&mut self, truncate: bool) -> &mut OpenOptions {
        self.std.truncate(truncate);
        self
    }

    /// Whether a missing file is created; needs write or append access.
    pub fn create(&mut self, create: bool) -> &mut OpenOptions {
        self.std.create(create);
        self
    }

    /// Whether to create a new file, failing with `AlreadyExists` if one is
    /// there (also for a symbolic link, even a dangling one). Atomic: no other
    /// process can slip a file in between the check and the creation. When set,
    /// `create` and `truncate` are ignored.
    pub fn create_new(&mut self, create_new: bool) -> &mut OpenOptions {
        self.std.create_new(create_new);
        self
    }

    /// The permission bits a newly created file gets, before the process's umask
    /// (default `0o666`).
    #[cfg(unix)]
    pub fn mode(&mut self, mode: u32) -> &mut OpenOptions {
        std::os::unix::fs::OpenOptionsExt::mode(&mut self.std, mode);
        self
    }

    /// Extra flags for `open(2)` (`O_NOFOLLOW`, `O_DIRECT`, ...). The access
    /// mode bits are masked off: set access with `read`/`write`/`append`.
    #[cfg(unix)]
    pub fn custom_flags(&mut self, flags: i32) -> &mut OpenOptions {
        std::os::unix::fs::OpenOptionsExt::custom_flags(&mut self.std, flags);
        self
    }

    /// Opens the file at `path` with these options.
    ///
    /// # Errors
    ///
    /// std's: `NotFound` if the file does not exist and is not to be created,
    /// `AlreadyExists` with `create_new` if it does, `PermissionDenied`,
    /// `InvalidInput` for a combination of options that makes no sense (such as
    /// `create` without write access), and so on.
    pub async fn open(&self, path: impl AsRef<Path>) -> io::Result<File> {
        let path = path.as_ref().to_owned();
        let options = self.std.clone();
        let std = asyncify(move || options.open(path)).await?;
        Ok(File::from_std(std))
    }
}

impl From<std::fs::OpenOptions> for OpenOptions {
    fn from(std: std::fs::OpenOptions) -> OpenOptions {
        OpenOptions { std }
    }
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self::new()
    }
}
