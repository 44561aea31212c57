//! `TlsStream`: a TLS session over an async transport, read and written as plaintext.
//!
//! Invariants:
//! - `conn` is the whole session state. Records move between it and `io` only
//!   through `poll_read_tls` (transport to rustls, then `process_new_packets`) and
//!   `poll_flush_tls` (rustls to transport); plaintext only through rustls's
//!   `reader()` and `writer()`.
//! - A `TlsStream` a caller holds has finished its handshake: `Handshake` builds it
//!   and drives the same two functions until `conn.is_handshaking()` is false.
//! - `write_closed` is set once `poll_shutdown` has queued `close_notify`; from then
//!   on no plaintext is accepted, as nothing may follow that alert.
//!
//! Ends of stream, as `poll_read` reports them:
//!
//! ```text
//! peer's close_notify, then transport EOF or not  -> Ok, nothing filled (EOF)
//! transport EOF without close_notify              -> Err(UnexpectedEof)
//! a bad record, an alert, a failed verification   -> Err(InvalidData), rustls::Error inside
//! ```

use std::io::{self, BufRead, IoSlice, Write};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use avx::io::{AsyncRead, AsyncWrite, ReadBuf};
use rustls::Connection;

use super::error::protocol_error;
use super::sync_io::SyncIo;

/// A TLS connection over the transport `IO`: what is written is encrypted into TLS
/// records on `IO`, what is read is the peer's decrypted data.
///
/// Made by [`TlsAcceptor::accept`](super::TlsAcceptor::accept) (server side) and
/// [`TlsConnector::connect`](super::TlsConnector::connect) (client side), once the
/// handshake is done. [`AsyncWrite::poll_flush`] pushes every queued record into
/// `IO` and flushes it; [`AsyncWrite::poll_shutdown`] sends `close_notify` and then
/// shuts `IO`'s write side down. A read returns end of file after the peer's
/// `close_notify`, and `ErrorKind::UnexpectedEof` if the transport ends without one
/// (a possible truncation attack).
#[derive(Debug)]
pub struct TlsStream<IO> {
    io: IO,
    conn: Connection,
    write_closed: bool,
}

impl<IO> TlsStream<IO> {
    /// A stream whose handshake has not run yet; `Handshake` drives it.
    pub(crate) fn new(io: IO, conn: Connection) -> TlsStream<IO> {
        TlsStream {
            io,
            conn,
            write_closed: false,
        }
    }

    /// The application protocol agreed by ALPN (`b"h2"`, `b"http/1.1"`), or
    /// `None` when either side offered none.
    pub fn alpn_protocol(&self) -> Option<&[u8]> {
        self.conn.alpn_protocol()
    }

    /// The rustls session: protocol version, cipher suite, the peer's
    /// certificates, the SNI name a client asked for.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// The transport.
    pub fn get_ref(&self) -> &IO {
        &self.io
    }

    /// The transport, mutably. Reading or writing it directly corrupts the TLS
    /// session.
    pub fn get_mut(&mut self) -> &mut IO {
        &mut self.io
    }

    /// The transport and the rustls session, taken apart. Records rustls still
    /// holds (unread input, unsent output) stay in the session.
    pub fn into_parts(self) -> (IO, Connection) {
        (self.io, self.conn)
    }

    /// The transport, without the TLS session.
    pub fn into_inner(self) -> IO {
        self.io
    }

    pub(crate) fn is_handshaking(&self) -> bool {
        self.conn.is_handshaking()
    }
}

impl<IO: AsyncRead + AsyncWrite + Unpin> TlsStream<IO> {
    /// Reads records from the transport once and lets rustls process them.
    /// `Ok(0)` is the transport's end of file.
    ///
    /// On a TLS failure rustls queues an alert for the peer; it is sent here if the
    /// transport takes it at once, and the failure is returned either way.
    pub(crate) fn poll_read_tls(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let mut transport = SyncIo {
            io: &mut self.io,
            cx,
        };
        let read = match self.conn.read_tls(&mut transport) {
            Ok(read) => read,
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => return Poll::Pending,
            Err(err) => return Poll::Ready(Err(err)),
        };
        if let Err(err) = self.conn.process_new_packets() {
            // Best effort: the alert tells the peer why; the failure stands regardless.
            let _ = self.poll_flush_tls(cx);
            return Poll::Ready(Err(protocol_error(err)));
        }
        Poll::Ready(Ok(read))
    }

    /// Writes every record rustls has queued into the transport (without flushing
    /// the transport itself).
    pub(crate) fn poll_flush_tls(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.conn.wants_write() {
            let mut transport = SyncIo {
                io: &mut self.io,
                cx,
            };
            match self.conn.write_tls(&mut transport) {
                Ok(0) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Ok(_) => {}
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => return Poll::Pending,
                Err(err) => return Poll::Ready(Err(err)),
            }
        }
        Poll::Ready(Ok(()))
    }

    /// Hands plaintext to rustls with `write` and starts the records on their way.
    ///
    /// rustls takes plaintext up to its buffer limit; when the buffer is full the
    /// records in it are pushed out first, so a slow transport applies back pressure
    /// instead of the buffer growing.
    fn poll_write_with(
        &mut self,
        cx: &mut Context<'_>,
        mut write: impl FnMut(&mut Connection) -> io::Result<usize>,
    ) -> Poll<io::Result<usize>> {
        if self.write_closed {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "TLS stream written after shutdown",
            )));
        }
        loop {
            let accepted = write(&mut self.conn)?;
            if accepted > 0 {
                // Records the transport does not take now go with the next write or
                // flush; the bytes are rustls's already.
                if let Poll::Ready(Err(err)) = self.poll_flush_tls(cx) {
                    return Poll::Ready(Err(err));
                }
                return Poll::Ready(Ok(accepted));
            }
            if !self.conn.wants_write() {
                // Nothing queued, yet no room: rustls will never take these bytes.
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            ready!(self.poll_flush_tls(cx))?;
        }
    }
}

/// Copies the plaintext rustls holds into `buf`, as much as fits.
///
/// `Ok` with something copied, or with nothing once the peer's close_notify has
/// been read (end of file); `WouldBlock` when rustls holds nothing yet;
/// `UnexpectedEof` once the transport has ended without close_notify.
///
/// rustls's chunks are copied straight into `buf`'s unfilled part, never zeroed
/// first: a caller's large uninitialised buffer (`read_to_end`'s spare capacity)
/// costs nothing beyond the bytes that land in it.
fn read_plaintext(conn: &mut Connection, buf: &mut ReadBuf<'_>) -> io::Result<()> {
    let mut reader = conn.reader();
    let mut copied = false;
    while buf.remaining() > 0 {
        let chunk = match reader.fill_buf() {
            Ok(chunk) => chunk,
            // Data already copied is returned now; the condition shows on the next read.
            Err(_) if copied => break,
            Err(err) => return Err(err),
        };
        if chunk.is_empty() {
            // close_notify: nothing more will come.
            break;
        }
        let take = chunk.len().min(buf.remaining());
        buf.put_slice(&chunk[..take]);
        reader.consume(take);
        copied = true;
    }
    Ok(())
}

impl<IO: AsyncRead + AsyncWrite + Unpin> AsyncRead for TlsStream<IO> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if buf.remaining() == 0 {
            return Poll::Ready(Ok(()));
        }
        loop {
            match read_plaintext(&mut this.conn, buf) {
                Ok(()) => return Poll::Ready(Ok(())),
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => {}
                // UnexpectedEof: the transport ended without close_notify.
                Err(err) => return Poll::Ready(Err(err)),
            }
            // Records owed to the peer (a KeyUpdate answer) go out as we read; a
            // transport not ready to take them must not hold reading up, and a write
            // failure shows on the next write.
            if this.conn.wants_write() {
                let _ = this.poll_flush_tls(cx);
            }
            ready!(this.poll_read_tls(cx))?;
        }
    }
}

impl<IO: AsyncRead + AsyncWrite + Unpin> AsyncWrite for TlsStream<IO> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        self.get_mut()
            .poll_write_with(cx, |conn| conn.writer().write(buf))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if bufs.iter().all(|buf| buf.is_empty()) {
            return Poll::Ready(Ok(0));
        }
        self.get_mut()
            .poll_write_with(cx, |conn| conn.writer().write_vectored(bufs))
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_flush_tls(cx))?;
        Pin::new(&mut this.io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if !this.write_closed {
            this.conn.send_close_notify();
            this.write_closed = true;
        }
        ready!(this.poll_flush_tls(cx))?;
        Pin::new(&mut this.io).poll_shutdown(cx)
    }
}
