//! `copy_bidirectional` and `copy_bidirectional_with_sizes`.

use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use super::copy::CopyBuffer;
use crate::io::{AsyncRead, AsyncWrite};

/// One direction of a bidirectional copy.
///
/// ```text
/// Running --(reader at EOF, all written and flushed)--> ShuttingDown
/// ShuttingDown --(writer's poll_shutdown ready)--> Done
/// ```
enum Transfer {
    Running(CopyBuffer),
    ShuttingDown(u64),
    Done(u64),
}

/// Drives `reader -> writer` as far as it can; the byte count once done.
fn poll_transfer<R, W>(
    cx: &mut Context<'_>,
    state: &mut Transfer,
    reader: &mut R,
    writer: &mut W,
) -> Poll<io::Result<u64>>
where
    R: AsyncRead + AsyncWrite + Unpin + ?Sized,
    W: AsyncRead + AsyncWrite + Unpin + ?Sized,
{
    let mut reader = Pin::new(reader);
    let mut writer = Pin::new(writer);
    loop {
        match state {
            Transfer::Running(buf) => {
                let count = ready!(buf.poll_copy(cx, reader.as_mut(), writer.as_mut()))?;
                *state = Transfer::ShuttingDown(count);
            }
            Transfer::ShuttingDown(count) => {
                ready!(writer.as_mut().poll_shutdown(cx))?;
                *state = Transfer::Done(*count);
            }
            Transfer::Done(count) => return Poll::Ready(Ok(*count)),
        }
    }
}

/// Copies `a` to `b` and `b` to `a` at once, each through an 8 KiB buffer,
/// until both reach end of file; returns `(bytes a to b, bytes b to a)`.
///
/// When one side reaches end of file, the other side's write half is shut down
/// (`poll_shutdown`, which sends FIN on a TCP stream) once everything read has
/// been written, and the opposite direction keeps going until its own end of
/// file.
///
/// # Errors
///
/// The first error in either direction, other than `Interrupted` (which is
/// retried), ends both copies; the byte counts are then not reported.
///
/// ```
/// use avx::io::{AsyncReadExt, AsyncWriteExt};
/// # avx::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let (mut client, mut proxy_a) = avx::io::duplex(64);
/// let (mut proxy_b, mut server) = avx::io::duplex(64);
/// let proxy = avx::spawn(async move {
///     avx::io::copy_bidirectional(&mut proxy_a, &mut proxy_b).await
/// });
/// client.write_all(b"ping").await.unwrap();
/// client.shutdown().await.unwrap();
/// let mut got = Vec::new();
/// server.read_to_end(&mut got).await.unwrap();
/// assert_eq!(got, b"ping");
/// server.write_all(b"pong!").await.unwrap();
/// drop(server);
/// assert_eq!(proxy.await.unwrap().unwrap(), (4, 5));
/// # });
/// ```
pub async fn copy_bidirectional<A, B>(a: &mut A, b: &mut B) -> io::Result<(u64, u64)>
where
    A: AsyncRead + AsyncWrite + Unpin + ?Sized,
    B: AsyncRead + AsyncWrite + Unpin + ?Sized,
{
    copy_both(
        a,
        b,
        CopyBuffer::new(super::DEFAULT_BUF_SIZE),
        CopyBuffer::new(super::DEFAULT_BUF_SIZE),
    )
    .await
}

/// [`copy_bidirectional`] with a buffer of `a_to_b_buf_size` bytes for `a` to
/// `b` and one of `b_to_a_buf_size` bytes for `b` to `a`.
///
/// # Panics
///
/// If either size is zero.
pub async fn copy_bidirectional_with_sizes<A, B>(
    a: &mut A,
    b: &mut B,
    a_to_b_buf_size: usize,
    b_to_a_buf_size: usize,
) -> io::Result<(u64, u64)>
where
    A: AsyncRead + AsyncWrite + Unpin + ?Sized,
    B: AsyncRead + AsyncWrite + Unpin + ?Sized,
{
    assert!(
        a_to_b_buf_size > 0,
        "`a_to_b_buf_size` must be greater than 0"
    );
    assert!(
        b_to_a_buf_size > 0,
        "`b_to_a_buf_size` must be greater than 0"
    );
    copy_both(
        a,
        b,
        CopyBuffer::new(a_to_b_buf_size),
        CopyBuffer::new(b_to_a_buf_size),
    )
    .await
}

async fn copy_both<A, B>(
    a: &mut A,
    b: &mut B,
    a_to_b_buf: CopyBuffer,
    b_to_a_buf: CopyBuffer,
) -> io::Result<(u64, u64)>
where
    A: AsyncRead + AsyncWrite + Unpin + ?Sized,
    B: AsyncRead + AsyncWrite + Unpin + ?Sized,
{
    let mut a_to_b = Transfer::Running(a_to_b_buf);
    let mut b_to_a = Transfer::Running(b_to_a_buf);
    poll_fn(|cx| {
        // Both directions are polled every time, so each registers its wakers.
        let a_to_b = poll_transfer(cx, &mut a_to_b, a, b)?;
        let b_to_a = poll_transfer(cx, &mut b_to_a, b, a)?;
        Poll::Ready(Ok((ready!(a_to_b), ready!(b_to_a))))
    })
    .await
}
