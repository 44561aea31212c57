//! `read_dir`, `ReadDir` and `DirEntry`.
//!
//! Entries are read on the blocking pool in batches of [`BATCH`], so walking a
//! directory costs one hand-off per batch rather than one per entry.
//!
//! ```text
//!          poll_next_entry: no entries left, the iterator remains
//!   Idle ─────────────────────────────────────────────────► Reading
//!   (entries, iterator?) ◄──────────────────────────────── (JoinHandle)
//!     │                  the blocking read finished           │
//!     │ no entries left, no iterator                          │ the blocking
//!     ▼                                                       │ task failed
//!   Done ◄────────────────────────────────────────────────────┘
//! ```
//!
//! Invariants: a batch holds std's iterator until that returned `None`, and is
//! dropped to `Done` once it holds neither entries nor an iterator; a batch ends
//! early after an error, so that entries after it come in a later one, in order.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::fmt;
use std::fs::{FileType, Metadata};
use std::future::poll_fn;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use super::asyncify;
use crate::task::JoinHandle;

/// Entries read per blocking-pool hand-off.
const BATCH: usize = 32;

/// Opens the directory at `path` for listing; the async form of
/// [`std::fs::read_dir`]. The first batch of entries is read at once.
///
/// ```
/// # avx::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let dir = std::env::temp_dir().join(format!("avx-read-dir-doc-{}", std::process::id()));
/// avx::fs::create_dir_all(&dir).await?;
/// avx::fs::write(dir.join("a.txt"), b"a").await?;
/// let mut entries = avx::fs::read_dir(&dir).await?;
/// while let Some(entry) = entries.next_entry().await? {
///     assert_eq!(entry.file_name(), "a.txt");
/// }
/// avx::fs::remove_dir_all(&dir).await?;
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
///
/// # Errors
///
/// std's: `NotFound` if nothing is at `path`, an error if it is not a
/// directory, and so on.
pub async fn read_dir(path: impl AsRef<Path>) -> io::Result<ReadDir> {
    let path = path.as_ref().to_owned();
    let batch = asyncify(move || {
        let std = std::fs::read_dir(path)?;
        Ok(Batch::read(std, VecDeque::with_capacity(BATCH)))
    })
    .await?;
    Ok(ReadDir {
        state: State::Idle(batch),
    })
}

/// The entries of a directory, from [`read_dir`].
///
/// Entries come in no particular order, without `.` and `..`. An entry that
/// could not be read comes as an `Err`, and listing can go on after it.
#[must_use = "streams do nothing unless polled"]
pub struct ReadDir {
    state: State,
}

enum State {
    Idle(Batch),
    Reading(JoinHandle<Batch>),
    Done,
}

/// Entries read ahead, and what is left to read them from.
struct Batch {
    entries: VecDeque<io::Result<DirEntry>>,
    std: Option<std::fs::ReadDir>,
}

impl Batch {
    /// Reads up to [`BATCH`] entries from `std` onto `entries`, stopping after
    /// an error. The batch keeps `std` unless it ran out.
    fn read(mut std: std::fs::ReadDir, mut entries: VecDeque<io::Result<DirEntry>>) -> Batch {
        for _ in 0..BATCH {
            match std.next() {
                None => {
                    return Batch { entries, std: None };
                }
                Some(Ok(entry)) => entries.push_back(Ok(DirEntry::from_std(entry))),
                Some(Err(e)) => {
                    entries.push_back(Err(e));
                    break;
                }
            }
        }
        Batch {
            entries,
            std: Some(std),
        }
    }
}

impl ReadDir {
    /// The next entry, or `None` once every entry has been returned.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: an entry is removed only when this returns it.
    pub async fn next_entry(&mut self) -> io::Result<Option<DirEntry>> {
        poll_fn(|cx| self.poll_next_entry(cx)).await
    }

    /// Polls for the next entry: `Ready(Ok(Some(entry)))`, `Ready(Ok(None))` at
    /// the end, `Ready(Err(e))` for an entry that could not be read, or
    /// `Pending` while a batch is being read, in which case the waker of the
    /// most recent call is woken when it is ready.
    pub fn poll_next_entry(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Option<DirEntry>>> {
        loop {
            match &mut self.state {
                State::Idle(batch) => {
                    if let Some(entry) = batch.entries.pop_front() {
                        return Poll::Ready(entry.map(Some));
                    }
                    let Some(std) = batch.std.take() else {
                        self.state = State::Done;
                        return Poll::Ready(Ok(None));
                    };
                    let entries = std::mem::take(&mut batch.entries);
                    self.state = State::Reading(crate::task::spawn_blocking(move || {
                        Batch::read(std, entries)
                    }));
                }
                State::Reading(handle) => match ready!(Pin::new(handle).poll(cx)) {
                    Ok(batch) => self.state = State::Idle(batch),
                    Err(e) => {
                        self.state = State::Done;
                        return Poll::Ready(Err(e.into()));
                    }
                },
                State::Done => return Poll::Ready(Ok(None)),
            }
        }
    }
}

impl fmt::Debug for ReadDir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            State::Idle(_) => "idle",
            State::Reading(_) => "reading",
            State::Done => "done",
        };
        f.debug_struct("ReadDir").field("state", &state).finish()
    }
}

/// An entry of a directory, from [`ReadDir`]: its name and path, and its type
/// and metadata on request. The async form of [`std::fs::DirEntry`].
pub struct DirEntry {
    std: Arc<std::fs::DirEntry>,
    /// The type std learned while listing (from `d_type`), if it did.
    file_type: Option<FileType>,
}

impl DirEntry {
    fn from_std(std: std::fs::DirEntry) -> DirEntry {
        // On Linux and the BSDs this comes from the directory listing itself, so
        // asking now costs no system call; where it would, std makes one here,
        // on the blocking pool, which is still better than a hand-off later.
        let file_type = std.file_type().ok();
        DirEntry {
            std: Arc::new(std),
            file_type,
        }
    }

    /// The entry's full path: the path given to [`read_dir`] joined with the
    /// entry's file name.
    pub fn path(&self) -> PathBuf {
        self.std.path()
    }

    /// The entry's file name, without any leading path.
    pub fn file_name(&self) -> OsString {
        self.std.file_name()
    }

    /// The entry's metadata, not following a symbolic link (on unix, the same as
    /// [`symlink_metadata`](super::symlink_metadata) of its path).
    ///
    /// # Errors
    ///
    /// std's, for example `NotFound` if the entry was removed since it was
    /// listed.
    pub async fn metadata(&self) -> io::Result<Metadata> {
        let std = self.std.clone();
        asyncify(move || std.metadata()).await
    }

    /// The entry's file type, not following a symbolic link. Usually known from
    /// the listing, so this does not touch the filesystem.
    ///
    /// # Errors
    ///
    /// std's, where the type has to be looked up and that fails.
    pub async fn file_type(&self) -> io::Result<FileType> {
        if let Some(file_type) = self.file_type {
            return Ok(file_type);
        }
        let std = self.std.clone();
        asyncify(move || std.file_type()).await
    }

    /// The entry's inode number (`d_ino`), from the listing.
    #[cfg(unix)]
    pub fn ino(&self) -> u64 {
        std::os::unix::fs::DirEntryExt::ino(&*self.std)
    }
}

impl fmt::Debug for DirEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DirEntry").field(&self.path()).finish()
    }
}
