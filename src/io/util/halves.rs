//! `split`: one `AsyncRead + AsyncWrite` value as separate read and write
//! halves, and `unsplit` to put it back together.
//!
//! Both halves share the stream behind an `Arc<Mutex<_>>`; each operation locks
//! it for the length of one poll. The stream is pinned in its own box (the
//! facade has no `unsafe` to pin it inside the mutex), which also lets
//! `unsplit` hand it back by value when it is `Unpin`.

use std::fmt;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use crate::io::{AsyncRead, AsyncWrite, ReadBuf};

/// The reading half of a value split by [`split`].
pub struct ReadHalf<T> {
    inner: Arc<Inner<T>>,
}

/// The writing half of a value split by [`split`].
pub struct WriteHalf<T> {
    inner: Arc<Inner<T>>,
}

struct Inner<T> {
    stream: Mutex<Pin<Box<T>>>,
    // Read once at split time, so `is_write_vectored` needs no lock.
    is_write_vectored: bool,
}

/// Splits `stream` into a reading half and a writing half, which can be used
/// from different tasks. [`ReadHalf::unsplit`] puts them back together.
///
/// The halves take turns on a lock around `stream`, held for one poll at a
/// time. For a TCP stream, `TcpStream::split`/`into_split` avoid the lock.
///
/// ```
/// use avx::io::{AsyncReadExt, AsyncWriteExt};
/// # avx::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let (left, mut right) = avx::io::duplex(64);
/// let (mut reader, mut writer) = avx::io::split(left);
/// writer.write_all(b"hi").await.unwrap();
/// let mut buf = [0u8; 2];
/// right.read_exact(&mut buf).await.unwrap();
/// right.write_all(b"yo").await.unwrap();
/// reader.read_exact(&mut buf).await.unwrap();
/// assert_eq!(&buf, b"yo");
/// let _left = reader.unsplit(writer);
/// # });
/// ```
pub fn split<T>(stream: T) -> (ReadHalf<T>, WriteHalf<T>)
where
    T: AsyncRead + AsyncWrite,
{
    let inner = Arc::new(Inner {
        is_write_vectored: stream.is_write_vectored(),
        stream: Mutex::new(Box::pin(stream)),
    });
    let reader = ReadHalf {
        inner: Arc::clone(&inner),
    };
    (reader, WriteHalf { inner })
}

impl<T> Inner<T> {
    fn with_lock<R>(&self, f: impl FnOnce(Pin<&mut T>) -> R) -> R {
        // A panic inside a poll leaves the stream in whatever state its own
        // code left it; the lock itself holds no invariant of ours.
        let mut stream = self.stream.lock().unwrap_or_else(PoisonError::into_inner);
        f(stream.as_mut())
    }
}

impl<T> ReadHalf<T> {
    /// Whether `other` was split from the same value as `self`.
    pub fn is_pair_of(&self, other: &WriteHalf<T>) -> bool {
        other.is_pair_of(self)
    }

    /// Puts the value back together from its two halves.
    ///
    /// # Panics
    ///
    /// If `writer` was not split from the same value as `self` (check with
    /// [`is_pair_of`](Self::is_pair_of)).
    #[track_caller]
    pub fn unsplit(self, writer: WriteHalf<T>) -> T
    where
        T: Unpin,
    {
        if !self.is_pair_of(&writer) {
            panic!("Unrelated `split::Write` passed to `split::Read::unsplit`.");
        }
        drop(writer);
        let inner = Arc::into_inner(self.inner).expect("`Arc::try_unwrap` failed");
        let stream = inner
            .stream
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        *Pin::into_inner(stream)
    }
}

impl<T> WriteHalf<T> {
    /// Whether `other` was split from the same value as `self`.
    pub fn is_pair_of(&self, other: &ReadHalf<T>) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

impl<T: AsyncRead> AsyncRead for ReadHalf<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.inner.with_lock(|stream| stream.poll_read(cx, buf))
    }
}

impl<T: AsyncWrite> AsyncWrite for WriteHalf<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.inner.with_lock(|stream| stream.poll_write(cx, buf))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.inner
            .with_lock(|stream| stream.poll_write_vectored(cx, bufs))
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.inner.with_lock(|stream| stream.poll_flush(cx))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.inner.with_lock(|stream| stream.poll_shutdown(cx))
    }
}

impl<T> fmt::Debug for ReadHalf<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("split::ReadHalf").finish()
    }
}

impl<T> fmt::Debug for WriteHalf<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("split::WriteHalf").finish()
    }
}
