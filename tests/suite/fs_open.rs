//! Opening files: `File::open`/`create`/`create_new`/`options` and every
//! `OpenOptions` flag, with the errors each gives.

use std::io::{ErrorKind, SeekFrom};
use std::os::unix::fs::PermissionsExt;

use avx::fs::{self, File, OpenOptions};
use avx::io::{AsyncReadExt, AsyncWriteExt};

use super::fs::{TempDir, ignores_permissions};
use super::fs_file::{read_all, seek};

rt_test! {
    async fn open_create_and_create_new() {
        let dir = TempDir::new("file-open");
        let path = dir.join("f");
        assert_eq!(File::open(&path).await.unwrap_err().kind(), ErrorKind::NotFound);

        let mut created = File::create(&path).await.unwrap();
        created.write_all(b"first version").await.unwrap();
        created.flush().await.unwrap();
        assert_eq!(fs::read(&path).await.unwrap(), b"first version");

        // `create` truncates.
        let mut again = File::create(&path).await.unwrap();
        again.write_all(b"v2").await.unwrap();
        again.flush().await.unwrap();
        assert_eq!(fs::read(&path).await.unwrap(), b"v2");

        let err = File::create_new(&path).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AlreadyExists);
        // `create_new` opens for reading and writing.
        let mut fresh = File::create_new(dir.join("new")).await.unwrap();
        fresh.write_all(b"rw").await.unwrap();
        seek(&mut fresh, SeekFrom::Start(0)).await.unwrap();
        assert_eq!(read_all(&mut fresh).await, b"rw");

        // `open` is read-only: the write is refused when it runs.
        let mut reader = File::open(&path).await.unwrap();
        assert_eq!(read_all(&mut reader).await, b"v2");
        reader.write_all(b"no").await.unwrap();
        assert!(reader.flush().await.is_err());

        // A directory opens for reading but does not read.
        let mut directory = File::open(dir.path()).await.unwrap();
        let mut buf = [0u8; 8];
        assert!(directory.read(&mut buf).await.is_err());
    }
}

rt_test! {
    async fn open_options_cover_every_flag() {
        let dir = TempDir::new("file-options");
        let path = dir.join("f");

        // `create` needs write access: std's `InvalidInput`.
        let err = OpenOptions::new().read(true).create(true).open(&path).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);

        let mut file = OpenOptions::new()
            .write(true)
            .create(true)
            .mode(0o600)
            .open(&path)
            .await
            .unwrap();
        file.write_all(b"0123456789").await.unwrap();
        file.flush().await.unwrap();
        let mode = fs::metadata(&path).await.unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);

        // Without truncate the contents are overwritten in place; with it, gone.
        let mut file = OpenOptions::new().write(true).open(&path).await.unwrap();
        file.write_all(b"ab").await.unwrap();
        file.flush().await.unwrap();
        assert_eq!(fs::read(&path).await.unwrap(), b"ab23456789");
        OpenOptions::new().write(true).truncate(true).open(&path).await.unwrap();
        assert_eq!(fs::read(&path).await.unwrap(), b"");

        let err = OpenOptions::new()
            .write(true)
            .create(true)
            .create_new(true)
            .open(&path)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AlreadyExists);

        // Options built with std's extension traits convert; `File::options`
        // is `OpenOptions::new`.
        let mut std_options = std::fs::OpenOptions::new();
        std_options.read(true);
        let mut from_std = OpenOptions::from(std_options).open(&path).await.unwrap();
        assert_eq!(read_all(&mut from_std).await, b"");
        File::options().read(true).open(&path).await.unwrap();
        let cloned = OpenOptions::default().read(true).clone();
        cloned.open(&path).await.unwrap();
    }
}

#[cfg(all(target_os = "linux", any(target_arch = "x86_64", target_arch = "x86")))]
rt_test! {
    async fn custom_flags_reach_open() {
        const O_NOFOLLOW: i32 = 0o400_000;
        const ELOOP: i32 = 40;
        let dir = TempDir::new("file-flags");
        fs::write(dir.join("target"), b"x").await.unwrap();
        fs::symlink(dir.join("target"), dir.join("link")).await.unwrap();
        let err = OpenOptions::new()
            .read(true)
            .custom_flags(O_NOFOLLOW)
            .open(dir.join("link"))
            .await
            .unwrap_err();
        assert_eq!(err.raw_os_error(), Some(ELOOP));
        OpenOptions::new()
            .read(true)
            .custom_flags(O_NOFOLLOW)
            .open(dir.join("target"))
            .await
            .unwrap();
    }
}

rt_test! {
    async fn opening_without_permission_is_permission_denied() {
        let dir = TempDir::new("file-denied");
        let path = dir.join("private");
        fs::write(&path, b"secret").await.unwrap();
        fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).await.unwrap();
        if ignores_permissions(&dir) {
            // Running as root: mode 0 does not stop the owner, so there is no
            // `PermissionDenied` to observe.
            return;
        }
        let err = File::open(&path).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::PermissionDenied);
        let err = File::create(&path).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::PermissionDenied);
    }
}
