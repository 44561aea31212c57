//! `avx::io::unix::AsyncFd`: readiness of a descriptor the caller owns, the
//! shared and `&mut` guards, `try_io`/`async_io`, and registration errors.

use std::future::poll_fn;
use std::io::{self, Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;

use avx::io::unix::{AsyncFd, AsyncFdRegisterError, AsyncFdTryNewError, TryIoError};
use avx::io::{Interest, Ready};

use super::net_util::within;

/// A non-blocking std Unix stream pair.
fn pair() -> (UnixStream, UnixStream) {
    let (a, b) = UnixStream::pair().unwrap();
    a.set_nonblocking(true).unwrap();
    b.set_nonblocking(true).unwrap();
    (a, b)
}

/// Reads through `fd` the tokio way: wait, try, and on `WouldBlock` wait again.
async fn read_via_guard(fd: &AsyncFd<UnixStream>, buf: &mut [u8]) -> usize {
    loop {
        let mut guard = fd.readable().await.unwrap();
        match guard.try_io(|inner| inner.get_ref().read(buf)) {
            Ok(result) => return result.unwrap(),
            Err(_would_block) => continue,
        }
    }
}

rt_test! {
    async fn readable_then_try_io() {
        within(async {
            let (a, mut b) = pair();
            let a = AsyncFd::new(a).unwrap();
            b.write_all(b"hello").unwrap();
            let mut buf = [0; 16];
            let n = read_via_guard(&a, &mut buf).await;
            assert_eq!(&buf[..n], b"hello");

            // Drained: a guard's try_io sees WouldBlock, clears, and says so.
            b.write_all(b"x").unwrap();
            let mut guard = a.readable().await.unwrap();
            assert!(guard.ready().is_readable());
            assert_eq!(guard.try_io(|inner| inner.get_ref().read(&mut buf)).unwrap().unwrap(), 1);
            let cleared: Result<io::Result<usize>, TryIoError> =
                guard.try_io(|inner| inner.get_ref().read(&mut buf));
            assert!(cleared.is_err());
            assert_eq!(guard.ready(), Ready::EMPTY);
        })
        .await;
    }
}

rt_test! {
    async fn writable_and_combined_interest() {
        within(async {
            let (a, mut b) = pair();
            let a = AsyncFd::with_interest(a, Interest::READABLE | Interest::WRITABLE).unwrap();
            let guard = a.writable().await.unwrap();
            assert!(guard.ready().is_writable());
            drop(guard);
            b.write_all(b"r").unwrap();
            // Once the read readiness is in, a combined wait reports both (the
            // write readiness was never cleared).
            drop(a.readable().await.unwrap());
            let mut guard = a.ready(Interest::READABLE | Interest::WRITABLE).await.unwrap();
            assert!(guard.ready().is_readable() && guard.ready().is_writable());
            // Clearing the read side keeps the write side in the guard...
            guard.clear_ready_matching(Ready::READABLE);
            assert!(!guard.ready().is_readable());
            assert!(guard.ready().is_writable());
            guard.retain_ready();
            drop(guard);
            // ...and in the registration.
            let guard = a.writable().await.unwrap();
            assert!(guard.ready().is_writable());
            // The read readiness was cleared by the guard, but the byte is still
            // unread: a cleared flag only means "wait for the next event".
            let mut buf = [0; 1];
            assert_eq!(a.get_ref().read(&mut buf).unwrap(), 1);
        })
        .await;
    }
}

rt_test! {
    async fn mut_guards_lend_the_inner_object() {
        within(async {
            let (a, mut b) = pair();
            let mut a = AsyncFd::new(a).unwrap();
            b.write_all(b"mut").unwrap();
            let mut buf = [0; 8];
            let n = loop {
                let mut guard = a.readable_mut().await.unwrap();
                assert!(guard.get_inner().as_raw_fd() >= 0);
                match guard.try_io(|fd| fd.get_mut().read(&mut buf)) {
                    Ok(result) => break result.unwrap(),
                    Err(_would_block) => continue,
                }
            };
            assert_eq!(&buf[..n], b"mut");

            let mut guard = a.writable_mut().await.unwrap();
            guard.get_inner_mut().write_all(b"w").unwrap();
            assert!(guard.get_ref().get_ref().as_raw_fd() >= 0);
            guard.get_mut().get_mut().flush().unwrap();
            guard.retain_ready();
            drop(guard);
            let mut one = [0; 1];
            b.set_nonblocking(false).unwrap();
            b.read_exact(&mut one).unwrap();
            assert_eq!(&one, b"w");

            // A clear on a drained socket makes the next wait wait for new data.
            let mut guard = a.ready_mut(Interest::READABLE | Interest::WRITABLE).await.unwrap();
            if guard.ready().is_readable() {
                assert_eq!(
                    guard.get_inner_mut().read(&mut buf).unwrap_err().kind(),
                    io::ErrorKind::WouldBlock
                );
            }
            guard.clear_ready_matching(Ready::READABLE);
            assert!(!guard.ready().is_readable());
            guard.clear_ready();
            assert_eq!(guard.ready(), Ready::EMPTY);
            drop(guard);
            b.write_all(b"again").unwrap();
            let n = loop {
                let mut guard = a.readable_mut().await.unwrap();
                match guard.get_inner_mut().read(&mut buf) {
                    Ok(n) => break n,
                    Err(err) if err.kind() == io::ErrorKind::WouldBlock => guard.clear_ready(),
                    Err(err) => panic!("{err}"),
                }
            };
            assert_eq!(&buf[..n], b"again");
        })
        .await;
    }
}

rt_test! {
    async fn poll_ready_methods() {
        within(async {
            let (a, mut b) = pair();
            let mut a = AsyncFd::new(a).unwrap();
            let guard = poll_fn(|cx| a.poll_write_ready(cx)).await.unwrap();
            assert!(guard.ready().is_writable());
            drop(guard);
            b.write_all(b"p").unwrap();
            let guard = poll_fn(|cx| a.poll_read_ready(cx)).await.unwrap();
            assert!(guard.ready().is_readable());
            drop(guard);
            let guard = poll_fn(|cx| a.poll_read_ready_mut(cx).map_ok(drop)).await;
            guard.unwrap();
            let guard = poll_fn(|cx| a.poll_write_ready_mut(cx).map_ok(drop)).await;
            guard.unwrap();
        })
        .await;
    }
}

rt_test! {
    async fn async_io_and_try_io() {
        within(async {
            let (a, mut b) = pair();
            let mut a = AsyncFd::new(a).unwrap();
            let mut buf = [0; 8];
            // Nothing to read yet.
            let err = a.try_io(Interest::READABLE, |mut inner| inner.read(&mut buf)).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
            let err = a.try_io_mut(Interest::READABLE, |inner| inner.read(&mut buf)).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::WouldBlock);

            let sent = a.async_io(Interest::WRITABLE, |mut inner| inner.write(b"io")).await.unwrap();
            assert_eq!(sent, 2);
            let mut got = [0; 2];
            b.set_nonblocking(false).unwrap();
            b.read_exact(&mut got).unwrap();
            b.write_all(b"back").unwrap();
            let n = a
                .async_io_mut(Interest::READABLE, |inner| inner.read(&mut buf))
                .await
                .unwrap();
            assert_eq!(&buf[..n], b"back");
        })
        .await;
    }
}

rt_test! {
    async fn many_tasks_wait_on_one_fd() {
        within(async {
            let (a, mut b) = pair();
            let a = std::sync::Arc::new(AsyncFd::new(a).unwrap());
            let waiters: Vec<_> = (0..4)
                .map(|_| {
                    let a = a.clone();
                    avx::spawn(async move {
                        let guard = a.readable().await.unwrap();
                        guard.ready().is_readable()
                    })
                })
                .collect();
            b.write_all(b"all").unwrap();
            for waiter in waiters {
                assert!(waiter.await.unwrap());
            }
        })
        .await;
    }
}

rt_test! {
    async fn into_inner_deregisters() {
        within(async {
            let (a, mut b) = pair();
            let fd = AsyncFd::new(a).unwrap();
            let raw = fd.as_raw_fd();
            let inner = fd.into_inner();
            assert_eq!(inner.as_raw_fd(), raw);
            // Registering the same descriptor again works only if the first
            // registration is gone.
            let fd = AsyncFd::new(inner).unwrap();
            b.write_all(b"z").unwrap();
            let mut buf = [0; 1];
            assert_eq!(read_via_guard(&fd, &mut buf).await, 1);
            assert!(format!("{fd:?}").contains("AsyncFd"));
        })
        .await;
    }
}

rt_test! {
    async fn a_failed_registration_hands_the_object_back() {
        // epoll refuses regular files (EPERM), so registering one fails.
        let file = std::fs::File::open("/proc/self/exe").unwrap();
        let raw = file.as_raw_fd();
        let err: AsyncFdRegisterError<std::fs::File> = AsyncFd::try_new(file).unwrap_err();
        let (shown, debug) = (err.to_string(), format!("{err:?}"));
        assert!(std::error::Error::source(&err).is_some());
        let (file, cause) = err.into_parts();
        assert_eq!((shown, debug), (cause.to_string(), format!("{cause:?}")));
        assert_eq!(file.as_raw_fd(), raw, "the same object comes back");
        assert_eq!(cause.kind(), io::ErrorKind::PermissionDenied);

        let err: AsyncFdTryNewError<std::fs::File> =
            AsyncFd::try_with_interest(file, Interest::READABLE).unwrap_err();
        let as_io: io::Error = err.into();
        assert_eq!(as_io.kind(), io::ErrorKind::PermissionDenied);
        let file = std::fs::File::open("/proc/self/exe").unwrap();
        assert_eq!(AsyncFd::new(file).unwrap_err().kind(), io::ErrorKind::PermissionDenied);
    }
}

#[test]
#[should_panic(expected = "there is no reactor running")]
fn outside_a_runtime_it_panics_with_tokios_message() {
    let (a, _b) = pair();
    let _ = AsyncFd::new(a);
}
