//! `avx::fs`'s free functions, `DirBuilder`, `read_dir`/`DirEntry`, and the
//! error a failed blocking task becomes. `File` and `OpenOptions` are in
//! `fs_file.rs`; both use the scratch directories made here.

use std::collections::BTreeMap;
use std::future::Future;
use std::io::ErrorKind;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::time::SystemTime;

use avx::fs;

use super::{Flavor, builder};

/// A directory of its own under the system's temporary directory, removed
/// (with everything in it) when dropped, also when the test fails.
pub(crate) struct TempDir {
    path: PathBuf,
}

impl TempDir {
    pub(crate) fn new(label: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "avx-{}-{}-{}-{}",
            label,
            crate::BACKEND.name(),
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed),
        ));
        std::fs::create_dir(&path).expect("a fresh scratch directory");
        TempDir { path }
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn join(&self, name: impl AsRef<Path>) -> PathBuf {
        self.path.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Whether this process ignores permission bits (it runs as root, or with
/// `CAP_DAC_OVERRIDE`): then `PermissionDenied` cannot be provoked, and the
/// tests that would assert it check only what is still observable.
pub(crate) fn ignores_permissions(dir: &TempDir) -> bool {
    let probe = dir.join("permission-probe");
    std::fs::write(&probe, b"").unwrap();
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o000)).unwrap();
    let opened = std::fs::File::open(&probe).is_ok();
    std::fs::remove_file(&probe).unwrap();
    opened
}

rt_test! {
    async fn write_then_read_round_trips_bytes_and_strings() {
        let dir = TempDir::new("fs-round-trip");
        let path = dir.join("data");
        fs::write(&path, b"hello, world").await.unwrap();
        assert_eq!(fs::read(&path).await.unwrap(), b"hello, world");
        assert_eq!(fs::read_to_string(&path).await.unwrap(), "hello, world");

        // `write` replaces the contents; it takes anything that is `AsRef<[u8]>`.
        fs::write(&path, String::from("short")).await.unwrap();
        assert_eq!(fs::read(&path).await.unwrap(), b"short");
        fs::write(&path, Vec::<u8>::new()).await.unwrap();
        assert_eq!(fs::read(&path).await.unwrap(), b"");
    }
}

rt_test! {
    async fn read_to_string_rejects_invalid_utf8() {
        let dir = TempDir::new("fs-utf8");
        let path = dir.join("latin1");
        fs::write(&path, [0x66, 0x6f, 0xf6]).await.unwrap();
        let err = fs::read_to_string(&path).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidData);
    }
}

rt_test! {
    async fn a_missing_path_is_not_found_everywhere() {
        let dir = TempDir::new("fs-not-found");
        let missing = dir.join("missing");
        let other = dir.join("other");
        let kinds = [
            ("read", fs::read(&missing).await.map(drop)),
            ("read_to_string", fs::read_to_string(&missing).await.map(drop)),
            ("copy", fs::copy(&missing, &other).await.map(drop)),
            ("rename", fs::rename(&missing, &other).await),
            ("remove_file", fs::remove_file(&missing).await),
            ("remove_dir", fs::remove_dir(&missing).await),
            ("remove_dir_all", fs::remove_dir_all(&missing).await),
            ("metadata", fs::metadata(&missing).await.map(drop)),
            ("symlink_metadata", fs::symlink_metadata(&missing).await.map(drop)),
            ("canonicalize", fs::canonicalize(&missing).await.map(drop)),
            ("read_link", fs::read_link(&missing).await.map(drop)),
            ("read_dir", fs::read_dir(&missing).await.map(drop)),
            ("hard_link", fs::hard_link(&missing, &other).await),
            (
                "set_permissions",
                fs::set_permissions(&missing, std::fs::Permissions::from_mode(0o600)).await,
            ),
            ("create_dir (missing parent)", fs::create_dir(missing.join("child")).await),
            ("write (missing parent)", fs::write(missing.join("child"), b"x").await),
        ];
        for (call, result) in kinds {
            assert_eq!(result.unwrap_err().kind(), ErrorKind::NotFound, "{call}");
        }
        assert!(!fs::try_exists(&missing).await.unwrap());
    }
}

rt_test! {
    async fn copy_returns_the_length_and_keeps_the_permission_bits() {
        let dir = TempDir::new("fs-copy");
        let (from, to) = (dir.join("from"), dir.join("to"));
        fs::write(&from, b"0123456789").await.unwrap();
        fs::set_permissions(&from, std::fs::Permissions::from_mode(0o640)).await.unwrap();
        fs::write(&to, b"old contents that are longer").await.unwrap();

        assert_eq!(fs::copy(&from, &to).await.unwrap(), 10);
        assert_eq!(fs::read(&to).await.unwrap(), b"0123456789");
        let mode = fs::metadata(&to).await.unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);

        // Copying a directory is std's `InvalidInput`.
        let err = fs::copy(dir.path(), dir.join("dir-copy")).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
    }
}

rt_test! {
    async fn rename_moves_and_replaces() {
        let dir = TempDir::new("fs-rename");
        let (a, b) = (dir.join("a"), dir.join("b"));
        fs::write(&a, b"first").await.unwrap();
        fs::rename(&a, &b).await.unwrap();
        assert!(!fs::try_exists(&a).await.unwrap());
        assert_eq!(fs::read(&b).await.unwrap(), b"first");

        fs::write(&a, b"second").await.unwrap();
        fs::rename(&a, &b).await.unwrap();
        assert_eq!(fs::read(&b).await.unwrap(), b"second");
    }
}

rt_test! {
    async fn create_and_remove_directories() {
        let dir = TempDir::new("fs-dirs");
        let one = dir.join("one");
        fs::create_dir(&one).await.unwrap();
        assert!(fs::metadata(&one).await.unwrap().is_dir());
        assert_eq!(fs::create_dir(&one).await.unwrap_err().kind(), ErrorKind::AlreadyExists);

        let deep = dir.join("a/b/c");
        fs::create_dir_all(&deep).await.unwrap();
        fs::create_dir_all(&deep).await.unwrap(); // existing is fine
        assert!(fs::metadata(&deep).await.unwrap().is_dir());

        // A file in the way.
        fs::write(dir.join("file"), b"").await.unwrap();
        assert!(fs::create_dir_all(dir.join("file/below")).await.is_err());

        fs::write(deep.join("leaf"), b"x").await.unwrap();
        let err = fs::remove_dir(dir.join("a")).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::DirectoryNotEmpty);
        fs::remove_dir(&one).await.unwrap();
        assert!(!fs::try_exists(&one).await.unwrap());
        fs::remove_dir_all(dir.join("a")).await.unwrap();
        assert!(!fs::try_exists(dir.join("a")).await.unwrap());

        // `remove_file` refuses a directory, `remove_dir` a file.
        fs::create_dir(&one).await.unwrap();
        assert!(fs::remove_file(&one).await.is_err());
        assert!(fs::remove_dir(dir.join("file")).await.is_err());
        fs::remove_file(dir.join("file")).await.unwrap();
    }
}

rt_test! {
    async fn metadata_follows_links_and_symlink_metadata_does_not() {
        let dir = TempDir::new("fs-links");
        let target = dir.join("target");
        let link = dir.join("link");
        fs::write(&target, b"12345").await.unwrap();
        fs::symlink(&target, &link).await.unwrap();

        let followed = fs::metadata(&link).await.unwrap();
        assert!(followed.is_file());
        assert_eq!(followed.len(), 5);
        let own = fs::symlink_metadata(&link).await.unwrap();
        assert!(own.file_type().is_symlink());
        assert_eq!(fs::read_link(&link).await.unwrap(), target);
        assert_eq!(fs::read(&link).await.unwrap(), b"12345");

        // `read_link` on a non-link is std's `InvalidInput`.
        let err = fs::read_link(&target).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        // A symlink where one exists.
        let err = fs::symlink(&target, &link).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AlreadyExists);

        // A dangling link exists as a link, not as a file.
        let dangling = dir.join("dangling");
        fs::symlink(dir.join("nowhere"), &dangling).await.unwrap();
        assert!(!fs::try_exists(&dangling).await.unwrap());
        assert!(fs::symlink_metadata(&dangling).await.is_ok());
        assert!(fs::try_exists(&link).await.unwrap());
    }
}

rt_test! {
    async fn canonicalize_resolves_links_and_dots() {
        let dir = TempDir::new("fs-canonical");
        fs::create_dir_all(dir.join("real/sub")).await.unwrap();
        fs::symlink(dir.join("real"), dir.join("alias")).await.unwrap();
        let canonical_root = std::fs::canonicalize(dir.path()).unwrap();

        let resolved = fs::canonicalize(dir.join("alias/sub/../sub/.")).await.unwrap();
        assert_eq!(resolved, canonical_root.join("real/sub"));
        assert!(resolved.is_absolute());
    }
}

rt_test! {
    async fn hard_link_shares_the_inode() {
        let dir = TempDir::new("fs-hard-link");
        let (original, link) = (dir.join("original"), dir.join("link"));
        fs::write(&original, b"shared").await.unwrap();
        fs::hard_link(&original, &link).await.unwrap();

        let (a, b) = (
            fs::metadata(&original).await.unwrap(),
            fs::metadata(&link).await.unwrap(),
        );
        assert_eq!(a.ino(), b.ino());
        assert_eq!(a.nlink(), 2);
        fs::write(&link, b"changed").await.unwrap();
        assert_eq!(fs::read(&original).await.unwrap(), b"changed");

        let err = fs::hard_link(&original, &link).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AlreadyExists);
    }
}

rt_test! {
    async fn set_permissions_changes_the_mode() {
        let dir = TempDir::new("fs-permissions");
        let path = dir.join("secret");
        fs::write(&path, b"x").await.unwrap();
        fs::set_permissions(&path, std::fs::Permissions::from_mode(0o400)).await.unwrap();
        let perms = fs::metadata(&path).await.unwrap().permissions();
        assert_eq!(perms.mode() & 0o777, 0o400);
        assert!(perms.readonly());

        if ignores_permissions(&dir) {
            // Running as root: the mode does not stop the owner, so there is no
            // `PermissionDenied` to observe.
            return;
        }
        let err = fs::write(&path, b"y").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::PermissionDenied);
        let locked = dir.join("locked");
        fs::create_dir(&locked).await.unwrap();
        fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o500)).await.unwrap();
        let err = fs::write(locked.join("file"), b"").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::PermissionDenied);
        fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o700)).await.unwrap();
    }
}

rt_test! {
    async fn dir_builder_creates_with_recursion_and_mode() {
        let dir = TempDir::new("fs-dir-builder");
        let nested = dir.join("x/y/z");
        let err = fs::DirBuilder::new().create(&nested).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound);

        fs::DirBuilder::new().recursive(true).create(&nested).await.unwrap();
        assert!(fs::metadata(&nested).await.unwrap().is_dir());
        // Recursive creation of an existing directory succeeds; plain does not.
        fs::DirBuilder::new().recursive(true).create(&nested).await.unwrap();
        let err = fs::DirBuilder::new().create(&nested).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AlreadyExists);

        // 0o700 survives any usual umask (which only clears group/other bits).
        let private = dir.join("private");
        fs::DirBuilder::new().mode(0o700).create(&private).await.unwrap();
        let mode = fs::metadata(&private).await.unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
    }
}

rt_test! {
    async fn read_dir_lists_every_entry_across_batches() {
        let dir = TempDir::new("fs-read-dir");
        // More entries than one blocking-pool batch holds.
        let mut expected = BTreeMap::new();
        for i in 0..100 {
            let name = format!("file-{i:03}");
            fs::write(dir.join(&name), vec![b'x'; i]).await.unwrap();
            expected.insert(name, "file");
        }
        fs::create_dir(dir.join("subdir")).await.unwrap();
        expected.insert("subdir".to_owned(), "dir");
        fs::symlink(dir.join("file-000"), dir.join("link")).await.unwrap();
        expected.insert("link".to_owned(), "symlink");

        let mut seen = BTreeMap::new();
        let mut entries = fs::read_dir(dir.path()).await.unwrap();
        while let Some(entry) = entries.next_entry().await.unwrap() {
            let name = entry.file_name().into_string().unwrap();
            assert_eq!(entry.path(), dir.join(&name));
            let file_type = entry.file_type().await.unwrap();
            let metadata = entry.metadata().await.unwrap();
            // Neither follows the link.
            assert_eq!(metadata.file_type().is_symlink(), file_type.is_symlink());
            assert_eq!(entry.ino(), metadata.ino());
            let kind = if file_type.is_dir() {
                "dir"
            } else if file_type.is_symlink() {
                "symlink"
            } else {
                assert!(file_type.is_file());
                let size: u64 = name["file-".len()..].parse().unwrap();
                assert_eq!(metadata.len(), size);
                "file"
            };
            assert!(seen.insert(name, kind).is_none(), "an entry listed twice");
        }
        assert_eq!(seen, expected);
        // The end is sticky.
        assert!(entries.next_entry().await.unwrap().is_none());
        assert!(std::future::poll_fn(|cx| entries.poll_next_entry(cx)).await.unwrap().is_none());
    }
}

rt_test! {
    async fn read_dir_of_an_empty_directory_and_of_a_file() {
        let dir = TempDir::new("fs-read-dir-edge");
        let mut entries = fs::read_dir(dir.path()).await.unwrap();
        assert!(entries.next_entry().await.unwrap().is_none());

        fs::write(dir.join("plain"), b"").await.unwrap();
        let err = fs::read_dir(dir.join("plain")).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotADirectory);
    }
}

rt_test! {
    async fn many_concurrent_reads_of_small_files() {
        let dir = Arc::new(TempDir::new("fs-many-reads"));
        const FILES: usize = 200;
        for i in 0..FILES {
            fs::write(dir.join(i.to_string()), format!("contents of {i}")).await.unwrap();
        }
        let reads: Vec<_> = (0..FILES)
            .map(|i| {
                let dir = dir.clone();
                avx::spawn(async move { (i, fs::read(dir.join(i.to_string())).await) })
            })
            .collect();
        for read in reads {
            let (i, contents) = read.await.unwrap();
            assert_eq!(contents.unwrap(), format!("contents of {i}").into_bytes());
        }
    }
}

rt_test! {
    async fn metadata_reports_times_and_sizes() {
        let dir = TempDir::new("fs-metadata");
        let before = SystemTime::now() - std::time::Duration::from_secs(60);
        let path = dir.join("sized");
        fs::write(&path, [0u8; 1234]).await.unwrap();
        let metadata = fs::metadata(&path).await.unwrap();
        assert_eq!(metadata.len(), 1234);
        assert!(metadata.is_file() && !metadata.is_dir());
        assert!(metadata.modified().unwrap() > before);
    }
}

/// Wakes the thread that waits in [`block_on_parked`].
struct Unpark(std::thread::Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// Polls `future` to completion on this thread, outside any runtime's
/// `block_on` (so the runtime entered around it is the one its calls use).
fn block_on_parked<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        std::thread::park();
    }
}

#[test]
fn a_blocking_task_that_cannot_run_is_an_other_error() {
    for flavor in [Flavor::CurrentThread, Flavor::MultiThread] {
        let dir = TempDir::new("fs-shutdown");
        let runtime = builder(flavor).build().unwrap();
        let handle = runtime.handle().clone();
        runtime.shutdown_background();

        // The runtime is shut down: its blocking pool refuses the work, and the
        // call reports tokio's error instead of hanging or panicking.
        let _entered = handle.enter();
        let err = block_on_parked(fs::metadata(dir.path())).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Other, "{flavor:?}");
        assert_eq!(err.to_string(), "background task failed", "{flavor:?}");
    }
}
