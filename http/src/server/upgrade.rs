//! Protocol upgrades: after a `101 Switching Protocols` (or a 2xx to CONNECT), the
//! handler takes the raw connection over, for WebSocket or a tunnel.
//!
//! ```text
//! handler: let on_upgrade = upgrade::on(&mut request);   (before returning)
//!          spawn(async { let io = on_upgrade.await?; ... });  return 101
//! server:  writes the 101 ─▶ hands the transport (and any bytes the client sent
//!          after its request) to `on_upgrade` ─▶ leaves the connection alone
//! ```
//!
//! A request that does not ask to upgrade (no `Connection: upgrade` with `Upgrade`,
//! and not CONNECT), or a response that is not a 101 / 2xx to CONNECT, resolves the
//! future with [`UpgradeError`].

use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use avx::io::{AsyncRead, AsyncWrite, ReadBuf};
use avx::sync::oneshot;
use bytes::{Buf, Bytes};

use super::RequestBody;
use super::read_side::BoxRead;
use crate::Request;

/// The connection's writing half, whatever the transport.
pub(crate) type BoxWrite = Box<dyn AsyncWrite + Send + Unpin>;

/// The raw connection after an upgrade.
pub struct Upgraded {
    reader: BoxRead,
    writer: BoxWrite,
    /// Bytes the client sent after its request, read before the hand-off.
    read_buf: Bytes,
}

impl fmt::Debug for Upgraded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Upgraded")
            .field("buffered", &self.read_buf.len())
            .finish_non_exhaustive()
    }
}

impl Upgraded {
    pub(crate) fn new(reader: BoxRead, writer: BoxWrite, read_buf: Bytes) -> Upgraded {
        Upgraded {
            reader,
            writer,
            read_buf,
        }
    }
}

impl AsyncRead for Upgraded {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if !this.read_buf.is_empty() {
            let len = this.read_buf.len().min(buf.remaining());
            buf.put_slice(&this.read_buf[..len]);
            this.read_buf.advance(len);
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.reader).poll_read(cx, buf)
    }
}

impl AsyncWrite for Upgraded {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().writer).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().writer).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.writer.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().writer).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().writer).poll_shutdown(cx)
    }
}

/// The error for an upgrade that did not happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UpgradeError;

impl fmt::Display for UpgradeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the connection was not upgraded")
    }
}

impl std::error::Error for UpgradeError {}

/// The connection of an upgraded request, once the server has sent the 101.
#[derive(Debug)]
pub struct OnUpgrade {
    rx: Option<oneshot::Receiver<Upgraded>>,
}

impl Future for OnUpgrade {
    type Output = Result<Upgraded, UpgradeError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let Some(rx) = &mut self.get_mut().rx else {
            return Poll::Ready(Err(UpgradeError));
        };
        Pin::new(rx)
            .poll(cx)
            .map(|result| result.map_err(|_| UpgradeError))
    }
}

/// Claims the connection of `request` for after the response: call it before
/// returning a `101 Switching Protocols` (or a 2xx to CONNECT), then await the
/// future (in a spawned task: the server writes the 101 only after the handler
/// returns).
pub fn on(request: &mut Request<RequestBody>) -> OnUpgrade {
    OnUpgrade {
        rx: request.body_mut().upgrade.take(),
    }
}
