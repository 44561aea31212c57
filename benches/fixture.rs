//! [`SmallFiles`]: the directory of small files the fs workload reads.
//!
//! Made once per process on first use, in the system's temporary directory under a
//! name with the process id (so concurrent reports do not share it), and removed
//! by [`SmallFiles::remove`]. Making it is not part of any timed run.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// How many files the fixture holds; reads cycle through them.
pub const SMALL_FILE_COUNT: usize = 256;
/// The size of each file.
pub const SMALL_FILE_BYTES: usize = 1024;

/// A directory of [`SMALL_FILE_COUNT`] files of [`SMALL_FILE_BYTES`] bytes each.
#[derive(Debug)]
pub struct SmallFiles {
    dir: PathBuf,
    paths: Vec<PathBuf>,
}

static SMALL_FILES: OnceLock<SmallFiles> = OnceLock::new();

/// This process's small-file fixture, made on first use.
///
/// # Panics
///
/// If the files cannot be written: the fs workload cannot run without them.
pub fn small_files() -> &'static SmallFiles {
    SMALL_FILES.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("avx-bench-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("the fs fixture's directory can be made");
        let paths = (0..SMALL_FILE_COUNT)
            .map(|i| {
                let path = dir.join(format!("{i:03}.bin"));
                let contents: Vec<u8> = (0..SMALL_FILE_BYTES).map(|b| (b + i) as u8).collect();
                std::fs::write(&path, contents).expect("the fs fixture's files can be written");
                path
            })
            .collect();
        SmallFiles { dir, paths }
    })
}

impl SmallFiles {
    /// The path of the `i`-th read: reads cycle through the files.
    pub fn path(&self, i: usize) -> &Path {
        &self.paths[i % self.paths.len()]
    }

    /// Removes the fixture's directory, if this process made it.
    pub fn remove() {
        if let Some(files) = SMALL_FILES.get() {
            // Best effort: a leftover directory in the temp dir is harmless.
            let _ = std::fs::remove_dir_all(&files.dir);
        }
    }
}
