//! `avx::fs::File`: tokio's ordering of reads, writes and seeks on the blocking
//! pool, where write errors surface, and the `&self` methods. Opening and
//! `OpenOptions` are in `fs_open.rs`.

use std::future::poll_fn;
use std::io::{ErrorKind, IoSlice, SeekFrom};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::os::unix::fs::PermissionsExt;
use std::pin::Pin;
use std::sync::mpsc;
use std::task::Poll;
use std::time::{Duration, SystemTime};

use avx::fs::{self, File, OpenOptions};
use avx::io::{AsyncRead, AsyncReadExt, AsyncSeek, AsyncWrite, AsyncWriteExt, ReadBuf};

use super::fs::TempDir;
use super::{Flavor, builder};

/// tokio's `AsyncSeekExt::seek`, from the trait methods: finish what is in
/// flight, start the seek, wait for it.
pub(crate) async fn seek(file: &mut File, position: SeekFrom) -> std::io::Result<u64> {
    poll_fn(|cx| Pin::new(&mut *file).poll_complete(cx)).await?;
    Pin::new(&mut *file).start_seek(position)?;
    poll_fn(|cx| Pin::new(&mut *file).poll_complete(cx)).await
}

pub(crate) async fn read_all(file: &mut File) -> Vec<u8> {
    let mut contents = Vec::new();
    file.read_to_end(&mut contents).await.unwrap();
    contents
}

/// Occupies the only thread of a pool built with `max_blocking_threads(1)`
/// until the returned sender is used or dropped, so work spawned meanwhile
/// queues behind it (the pool runs its queue in order).
fn hold_the_blocking_pool() -> mpsc::Sender<()> {
    let (release, released) = mpsc::channel::<()>();
    drop(avx::task::spawn_blocking(move || {
        let _ = released.recv();
    }));
    release
}

/// Runs `body` on a fresh runtime of each flavor whose blocking pool has one
/// thread.
fn with_one_blocking_thread<F, Fut>(body: F)
where
    F: Fn(Flavor) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for flavor in [Flavor::CurrentThread, Flavor::MultiThread] {
        let runtime = builder(flavor).max_blocking_threads(1).build().unwrap();
        runtime.block_on(body(flavor));
    }
}

rt_test! {
    async fn a_read_after_an_unflushed_write_sees_it() {
        let dir = TempDir::new("file-write-read");
        let path = dir.join("f");
        fs::write(&path, b"0123456789").await.unwrap();
        let mut file = OpenOptions::new().read(true).write(true).open(&path).await.unwrap();

        // The write returns before it ran; the read waits for it, so it starts
        // where the write ended.
        assert_eq!(file.write(b"ab").await.unwrap(), 2);
        let mut rest = [0u8; 8];
        file.read_exact(&mut rest).await.unwrap();
        assert_eq!(&rest, b"23456789");

        // A seek waits for a write too.
        file.write_all(b"XY").await.unwrap();
        assert_eq!(seek(&mut file, SeekFrom::Start(0)).await.unwrap(), 0);
        assert_eq!(read_all(&mut file).await, b"ab23456789XY");
        let mut eof = [0u8; 4];
        assert_eq!(file.read(&mut eof).await.unwrap(), 0, "end of file");
        assert_eq!(file.read(&mut []).await.unwrap(), 0, "an empty buffer");
    }
}

rt_test! {
    async fn flush_reports_the_error_of_a_buffered_write() {
        let dir = TempDir::new("file-write-error");
        let path = dir.join("read-only");
        fs::write(&path, b"abc").await.unwrap();
        let mut file = File::open(&path).await.unwrap();

        // Accepted at once, refused by the OS on the pool, reported by flush,
        // once.
        assert_eq!(file.write(b"data").await.unwrap(), 4);
        let err = file.flush().await.unwrap_err();
        assert_eq!(err.raw_os_error(), Some(9), "EBADF: {err}");
        file.flush().await.unwrap();

        // Reported by the next write instead, when that comes first.
        assert_eq!(file.write(b"one").await.unwrap(), 3);
        let err = file.write(b"two").await.unwrap_err();
        assert_eq!(err.raw_os_error(), Some(9));

        // A read in between does not swallow it: it is kept for the next flush.
        assert_eq!(file.write(b"three").await.unwrap(), 5);
        let mut buf = [0u8; 3];
        file.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"abc");
        assert!(file.flush().await.is_err());

        // Nor does a seek, nor `sync_all`; `shutdown` is a flush.
        assert_eq!(file.write(b"four").await.unwrap(), 4);
        seek(&mut file, SeekFrom::Start(0)).await.unwrap();
        assert!(file.shutdown().await.is_err());
        assert_eq!(file.write(b"five").await.unwrap(), 4);
        file.sync_all().await.unwrap();
        assert!(file.write(b"six").await.is_err());

        assert_eq!(fs::read(&path).await.unwrap(), b"abc", "nothing was written");
    }
}

rt_test! {
    async fn seek_after_a_buffered_write() {
        let dir = TempDir::new("file-seek");
        let mut file = File::create_new(dir.join("f")).await.unwrap();
        file.write_all(b"abcdef").await.unwrap();
        assert_eq!(seek(&mut file, SeekFrom::Current(0)).await.unwrap(), 6);
        assert_eq!(seek(&mut file, SeekFrom::End(-2)).await.unwrap(), 4);
        file.write_all(b"EF!").await.unwrap();
        assert_eq!(seek(&mut file, SeekFrom::Current(-7)).await.unwrap(), 0);
        assert_eq!(read_all(&mut file).await, b"abcdEF!");

        let err = seek(&mut file, SeekFrom::Current(-100)).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);

        // `start_seek` with an operation in flight is an error, not a hang.
        file.write_all(b"x").await.unwrap();
        let err = Pin::new(&mut file).start_seek(SeekFrom::Start(0)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Other);
        file.flush().await.unwrap();
    }
}

#[test]
fn a_seek_accounts_for_read_ahead_data_not_yet_taken() {
    with_one_blocking_thread(|_| async {
        let dir = TempDir::new("file-read-ahead");
        let path = dir.join("f");
        fs::write(&path, b"0123456789abcdef").await.unwrap();
        let mut file = File::open(&path).await.unwrap();

        // Start a read of up to 8 bytes; it queues behind the held pool thread.
        let release = hold_the_blocking_pool();
        let mut big = [0u8; 8];
        let first = poll_fn(|cx| {
            Poll::Ready(Pin::new(&mut file).poll_read(cx, &mut ReadBuf::new(&mut big)))
        })
        .await;
        assert!(first.is_pending());
        drop(release);

        // Finish it with a 3-byte buffer: 5 of the 8 bytes read stay buffered,
        // and the OS position is 8 while the caller's is 3.
        let mut small = [0u8; 3];
        let mut small_buf = ReadBuf::new(&mut small);
        poll_fn(|cx| Pin::new(&mut file).poll_read(cx, &mut small_buf))
            .await
            .unwrap();
        assert_eq!(small_buf.filled(), b"012");

        assert_eq!(seek(&mut file, SeekFrom::Current(0)).await.unwrap(), 3);
        assert_eq!(read_all(&mut file).await, b"3456789abcdef");
    });
}

#[test]
fn a_write_after_read_ahead_lands_at_the_callers_position() {
    with_one_blocking_thread(|_| async {
        let dir = TempDir::new("file-read-ahead-write");
        let path = dir.join("f");
        fs::write(&path, b"0123456789").await.unwrap();
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)
            .await
            .unwrap();

        let release = hold_the_blocking_pool();
        let mut big = [0u8; 8];
        let first = poll_fn(|cx| {
            Poll::Ready(Pin::new(&mut file).poll_read(cx, &mut ReadBuf::new(&mut big)))
        })
        .await;
        assert!(first.is_pending());
        drop(release);
        let mut small = [0u8; 2];
        let mut small_buf = ReadBuf::new(&mut small);
        poll_fn(|cx| Pin::new(&mut file).poll_read(cx, &mut small_buf))
            .await
            .unwrap();
        assert_eq!(small_buf.filled(), b"01");

        file.write_all(b"ab").await.unwrap();
        file.flush().await.unwrap();
        assert_eq!(fs::read(&path).await.unwrap(), b"01ab456789");
    });
}

rt_test! {
    async fn set_len_truncates_and_extends_without_moving_the_position() {
        let dir = TempDir::new("file-set-len");
        let path = dir.join("f");
        let mut file = File::create_new(&path).await.unwrap();
        // Not flushed: set_len waits for the write.
        file.write_all(b"abcdef").await.unwrap();
        file.set_len(3).await.unwrap();
        assert_eq!(fs::read(&path).await.unwrap(), b"abc");
        assert_eq!(file.metadata().await.unwrap().len(), 3);

        // The position stays at 6: the next write leaves a hole of zeros.
        file.write_all(b"Z").await.unwrap();
        file.flush().await.unwrap();
        assert_eq!(fs::read(&path).await.unwrap(), b"abc\0\0\0Z");

        file.set_len(10).await.unwrap();
        assert_eq!(fs::read(&path).await.unwrap(), b"abc\0\0\0Z\0\0\0");

        let reader = File::open(&path).await.unwrap();
        assert!(reader.set_len(0).await.is_err(), "not open for writing");
        assert_eq!(fs::metadata(&path).await.unwrap().len(), 10);
    }
}

rt_test! {
    async fn append_mode_writes_at_the_end() {
        let dir = TempDir::new("file-append");
        let path = dir.join("log");
        fs::write(&path, b"start").await.unwrap();
        let mut log = OpenOptions::new().append(true).open(&path).await.unwrap();
        log.write_all(b"-one").await.unwrap();
        // Even after a seek to the start.
        seek(&mut log, SeekFrom::Start(0)).await.unwrap();
        log.write_all(b"-two").await.unwrap();
        log.flush().await.unwrap();
        assert_eq!(fs::read(&path).await.unwrap(), b"start-one-two");

        // `append` does not create.
        let err = OpenOptions::new().append(true).open(dir.join("missing")).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound);
    }
}

/// A few MiB of bytes that do not repeat at any power-of-two period, so a
/// misplaced chunk shows.
fn pattern(len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i % 251) as u8 ^ (i / 251 % 256) as u8)
        .collect()
}

rt_test! {
    async fn a_large_file_round_trips() {
        let dir = TempDir::new("file-large");
        let path = dir.join("large");
        let data = pattern(5 * 1024 * 1024 + 123);

        let mut file = File::create(&path).await.unwrap();
        assert_eq!(file.max_buf_size(), 2 * 1024 * 1024);
        // One write takes at most the buffer's size.
        assert_eq!(file.write(&data).await.unwrap(), 2 * 1024 * 1024);
        file.write_all(&data[2 * 1024 * 1024..]).await.unwrap();
        file.flush().await.unwrap();

        assert_eq!(fs::metadata(&path).await.unwrap().len(), data.len() as u64);
        assert!(fs::read(&path).await.unwrap() == data);
        let mut reader = File::open(&path).await.unwrap();
        assert!(read_all(&mut reader).await == data);
    }
}

rt_test! {
    async fn max_buf_size_caps_each_read_and_write() {
        let dir = TempDir::new("file-max-buf");
        let path = dir.join("f");
        let mut file = File::create_new(&path).await.unwrap();
        file.set_max_buf_size(4);
        assert_eq!(file.max_buf_size(), 4);
        assert_eq!(file.write(b"0123456789").await.unwrap(), 4);
        file.write_all(b"456789").await.unwrap();
        seek(&mut file, SeekFrom::Start(0)).await.unwrap();
        let mut buf = [0u8; 10];
        assert_eq!(file.read(&mut buf).await.unwrap(), 4);
        assert_eq!(&buf[..4], b"0123");

        // Vectored writes are capped the same way, in order.
        let bufs = [IoSlice::new(b"ab"), IoSlice::new(b"cdef")];
        let n = poll_fn(|cx| Pin::new(&mut file).poll_write_vectored(cx, &bufs)).await.unwrap();
        assert_eq!(n, 4);
        assert!(file.is_write_vectored());
        file.flush().await.unwrap();
        assert_eq!(fs::read(&path).await.unwrap(), b"0123abcd89");

        // A clone keeps the setting.
        assert_eq!(file.try_clone().await.unwrap().max_buf_size(), 4);
    }
}

#[test]
#[should_panic(expected = "`max_buf_size` must be greater than 0")]
fn a_zero_max_buf_size_panics() {
    let dir = TempDir::new("file-zero-buf");
    let std = std::fs::File::create(dir.join("f")).unwrap();
    File::from_std(std).set_max_buf_size(0);
}

rt_test! {
    async fn sync_metadata_permissions_and_times() {
        let dir = TempDir::new("file-sync");
        let path = dir.join("f");
        let mut file = File::create(&path).await.unwrap();
        file.write_all(b"durable").await.unwrap();
        file.sync_all().await.unwrap();
        assert_eq!(fs::read(&path).await.unwrap(), b"durable");
        file.write_all(b"!").await.unwrap();
        file.sync_data().await.unwrap();
        assert_eq!(file.metadata().await.unwrap().len(), 8);

        file.set_permissions(std::fs::Permissions::from_mode(0o600)).await.unwrap();
        let mode = fs::metadata(&path).await.unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);

        let then = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        file.write_all(b"?").await.unwrap();
        // Waits for the write, which would otherwise bump the time after.
        file.set_modified(then).await.unwrap();
        assert_eq!(fs::metadata(&path).await.unwrap().modified().unwrap(), then);
        let accessed = then + Duration::from_secs(5);
        file.set_times(fs::FileTimes::new().set_accessed(accessed)).await.unwrap();
        let metadata = fs::metadata(&path).await.unwrap();
        assert_eq!(metadata.accessed().unwrap(), accessed);
        assert_eq!(metadata.modified().unwrap(), then, "unset times are kept");
    }
}

rt_test! {
    async fn concurrent_shared_calls_on_one_file_all_complete() {
        let dir = TempDir::new("file-shared");
        let path = dir.join("f");
        let mut file = File::create(&path).await.unwrap();
        file.write_all(b"0123456789").await.unwrap();
        let file = &file;
        let (a, b, c, d) = avx::join!(file.sync_all(), file.set_len(4), file.sync_data(), async {
            file.try_clone().await.map(drop)
        });
        a.unwrap();
        b.unwrap();
        c.unwrap();
        d.unwrap();
        assert_eq!(fs::read(&path).await.unwrap(), b"0123");
    }
}

rt_test! {
    async fn try_clone_shares_the_position() {
        let dir = TempDir::new("file-clone");
        let mut file = File::create_new(dir.join("f")).await.unwrap();
        file.write_all(b"hello").await.unwrap();
        let mut clone = file.try_clone().await.unwrap();
        assert_eq!(seek(&mut clone, SeekFrom::Current(0)).await.unwrap(), 5);
        seek(&mut clone, SeekFrom::Start(1)).await.unwrap();
        let mut buf = [0u8; 4];
        file.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"ello");
    }
}

rt_test! {
    async fn std_conversions_keep_the_file_and_its_position() {
        let dir = TempDir::new("file-std");
        let path = dir.join("f");
        let mut file = File::create(&path).await.unwrap();
        file.write_all(b"abc").await.unwrap();
        // `into_std` waits for the write.
        let mut std = file.into_std().await;
        assert_eq!(std::io::Seek::stream_position(&mut std).unwrap(), 3);

        let fd = std.as_raw_fd();
        let mut file = File::from_std(std);
        assert_eq!(file.as_raw_fd(), fd);
        assert_eq!(file.as_fd().as_raw_fd(), fd);
        file.write_all(b"d").await.unwrap();
        file.flush().await.unwrap();
        let std = file.try_into_std().expect("nothing in flight after a flush");
        assert_eq!(std::fs::read(&path).unwrap(), b"abcd");

        let owned = OwnedFd::from(std);
        let mut file = File::from(owned);
        file.write_all(b"e").await.unwrap();
        file.flush().await.unwrap();
        drop(file.try_into_std().unwrap());
        let mut reader = File::from(std::fs::File::open(&path).unwrap());
        assert_eq!(read_all(&mut reader).await, b"abcde");
        assert!(format!("{reader:?}").contains("File"));
    }
}

#[test]
fn try_into_std_gives_the_file_back_while_a_write_is_in_flight() {
    with_one_blocking_thread(|_| async {
        let dir = TempDir::new("file-try-into-std");
        let path = dir.join("f");
        let mut file = File::create(&path).await.unwrap();

        let release = hold_the_blocking_pool();
        file.write_all(b"queued").await.unwrap();
        let mut file = file.try_into_std().expect_err("the write holds the file");
        drop(release);
        file.flush().await.unwrap();
        let std = file.try_into_std().expect("the write finished");
        drop(std);
        assert_eq!(fs::read(&path).await.unwrap(), b"queued");
    });
}

#[test]
fn a_dropped_file_finishes_its_write_in_the_background() {
    with_one_blocking_thread(|_| async {
        let dir = TempDir::new("file-drop");
        let path = dir.join("f");
        let mut file = File::create(&path).await.unwrap();

        let release = hold_the_blocking_pool();
        file.write_all(b"written after the drop").await.unwrap();
        drop(file);
        drop(release);
        // The pool's one thread runs its queue in order: the write, then this
        // read.
        assert_eq!(fs::read(&path).await.unwrap(), b"written after the drop");
    });
}

#[test]
fn file_and_its_futures_are_send_and_sync() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    fn send<T: Send>(_: &T) {}
    let dir = TempDir::new("file-send");
    let file = File::from_std(std::fs::File::create(dir.join("f")).unwrap());
    send_sync(&file);
    send(&file.sync_all());
    send(&file.set_len(0));
    send(&file.try_clone());
    send(&fs::read_dir(dir.path()));
    send(&File::open(dir.join("f")));
}
