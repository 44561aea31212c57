//! `Handshake`: the future that runs a TLS handshake to completion, within a time limit.
//!
//! The driver alternates two steps until rustls says the handshake is over:
//!
//! ```text
//! flush: push every queued record (ClientHello, Finished, an alert) to the peer
//! read:  read the peer's records and process them; EOF here is UnexpectedEof
//! ```
//!
//! Queued records go first because the peer answers nothing until it has them.
//! After the last step the records rustls queued on finishing (a client's Finished,
//! a TLS 1.3 server's session tickets) are flushed too, so the peer is never left
//! waiting on a stream the caller has not written to yet.
//!
//! `Driver` is `Running` until it resolves, then `Done`; a connection rustls refused
//! to start is `Failed` from the outset and resolves to that error on first poll.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use avx::io::{AsyncRead, AsyncWrite};
use avx::time::Timeout;
use pin_project_lite::pin_project;

use super::error::{handshake_eof, handshake_timed_out};
use super::stream::TlsStream;

/// How long a handshake may take unless the acceptor or connector says otherwise.
pub const DEFAULT_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

pin_project! {
    /// The future of [`TlsAcceptor::accept`](super::TlsAcceptor::accept) and
    /// [`TlsConnector::connect`](super::TlsConnector::connect): a TLS handshake over
    /// `IO`, resolving to the established [`TlsStream`].
    ///
    /// Errors: `ErrorKind::TimedOut` when the handshake outlasts its time limit;
    /// `InvalidData` for a TLS failure (the peer's alert, a certificate that does not
    /// verify, no common protocol), with the `rustls::Error` as the inner error;
    /// `UnexpectedEof` when the peer closes the connection mid-handshake;
    /// `InvalidInput` when rustls refuses to start the connection; the transport's
    /// own errors as they are. Dropping the future drops the transport.
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    #[derive(Debug)]
    pub struct Handshake<IO> {
        #[pin]
        driver: Timeout<Driver<IO>>,
        limit: Duration,
    }
}

impl<IO: AsyncRead + AsyncWrite + Unpin> Handshake<IO> {
    /// A handshake on `stream` that must finish within `limit`.
    ///
    /// Must be called within an avx runtime with timers, which the limit's timer
    /// needs.
    #[track_caller]
    pub(crate) fn new(stream: TlsStream<IO>, limit: Duration) -> Handshake<IO> {
        Handshake::with_driver(Driver::Running(stream), limit)
    }

    /// A handshake that fails with `err` when polled.
    #[track_caller]
    pub(crate) fn failed(err: io::Error, limit: Duration) -> Handshake<IO> {
        Handshake::with_driver(Driver::Failed(err), limit)
    }

    #[track_caller]
    fn with_driver(driver: Driver<IO>, limit: Duration) -> Handshake<IO> {
        Handshake {
            driver: avx::time::timeout(limit, driver),
            limit,
        }
    }
}

impl<IO: AsyncRead + AsyncWrite + Unpin> Future for Handshake<IO> {
    type Output = io::Result<TlsStream<IO>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        match ready!(this.driver.poll(cx)) {
            Ok(result) => Poll::Ready(result),
            Err(_elapsed) => Poll::Ready(Err(handshake_timed_out(*this.limit))),
        }
    }
}

/// The handshake without its time limit.
#[derive(Debug)]
#[allow(
    clippy::large_enum_variant,
    reason = "one per handshake and moved out whole when done: boxing the stream would only add an allocation"
)]
enum Driver<IO> {
    Running(TlsStream<IO>),
    Failed(io::Error),
    Done,
}

impl<IO: AsyncRead + AsyncWrite + Unpin> Future for Driver<IO> {
    type Output = io::Result<TlsStream<IO>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if let Driver::Running(stream) = this {
            if let Err(err) = ready!(drive(stream, cx)) {
                *this = Driver::Done;
                return Poll::Ready(Err(err));
            }
        }
        match std::mem::replace(this, Driver::Done) {
            Driver::Running(stream) => Poll::Ready(Ok(stream)),
            Driver::Failed(err) => Poll::Ready(Err(err)),
            Driver::Done => panic!("`Handshake` polled after completion"),
        }
    }
}

/// Steps the handshake on `stream` until it is over and its last records are out.
fn drive<IO: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut TlsStream<IO>,
    cx: &mut Context<'_>,
) -> Poll<io::Result<()>> {
    loop {
        ready!(stream.poll_flush_tls(cx))?;
        if !stream.is_handshaking() {
            break;
        }
        if ready!(stream.poll_read_tls(cx))? == 0 {
            return Poll::Ready(Err(handshake_eof()));
        }
    }
    Pin::new(stream.get_mut()).poll_flush(cx)
}
