//! Opening a connection to an origin: resolve the host (`avx::net::lookup_host`),
//! connect to its addresses in turn, and for `https` run the TLS handshake, all
//! within the connect timeout.
//!
//! [`Transport`] is the connected stream, TCP or TLS over TCP, as one
//! `AsyncRead + AsyncWrite` type.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use avx::io::{AsyncRead, AsyncWrite, ReadBuf};
use avx::net::TcpStream;

use super::Error;
use super::error::Timeout;
use super::target::{Origin, Scheme};
use super::tls::TlsSettings;

/// A connection to an origin.
#[derive(Debug)]
pub(crate) enum Transport {
    Plain(TcpStream),
    #[cfg(feature = "tls")]
    Tls(Box<crate::tls::TlsStream<TcpStream>>),
}

/// Connects to `origin` within `limit`.
pub(crate) async fn connect(
    origin: &Origin,
    tls: &TlsSettings,
    limit: Option<Duration>,
) -> Result<Transport, Error> {
    let connecting = open(origin, tls);
    match limit {
        Some(limit) => avx::time::timeout(limit, connecting)
            .await
            .unwrap_or(Err(Error::Timeout(Timeout::Connect))),
        None => connecting.await,
    }
}

async fn open(origin: &Origin, tls: &TlsSettings) -> Result<Transport, Error> {
    let tcp = connect_tcp(origin).await?;
    // Requests are written whole; Nagle's timer would only delay them.
    let _ = tcp.set_nodelay(true);
    match origin.scheme {
        Scheme::Http => Ok(Transport::Plain(tcp)),
        Scheme::Https => tls.handshake(origin, tcp).await,
    }
}

/// Connects to the first of the host's addresses that answers.
async fn connect_tcp(origin: &Origin) -> Result<TcpStream, Error> {
    let addrs = avx::net::lookup_host((&*origin.host, origin.port))
        .await
        .map_err(Error::Connect)?;
    let mut last_error = None;
    for addr in addrs {
        match TcpStream::connect(addr).await {
            Ok(tcp) => return Ok(tcp),
            Err(error) => last_error = Some(error),
        }
    }
    Err(Error::Connect(last_error.unwrap_or_else(|| {
        io::Error::new(
            io::ErrorKind::NotFound,
            format!("no address found for {}", origin.host),
        )
    })))
}

impl AsyncRead for Transport {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Transport::Plain(tcp) => Pin::new(tcp).poll_read(cx, buf),
            #[cfg(feature = "tls")]
            Transport::Tls(tls) => Pin::new(&mut **tls).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Transport {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Transport::Plain(tcp) => Pin::new(tcp).poll_write(cx, buf),
            #[cfg(feature = "tls")]
            Transport::Tls(tls) => Pin::new(&mut **tls).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Transport::Plain(tcp) => Pin::new(tcp).poll_write_vectored(cx, bufs),
            #[cfg(feature = "tls")]
            Transport::Tls(tls) => Pin::new(&mut **tls).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Transport::Plain(tcp) => tcp.is_write_vectored(),
            #[cfg(feature = "tls")]
            Transport::Tls(tls) => tls.is_write_vectored(),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Transport::Plain(tcp) => Pin::new(tcp).poll_flush(cx),
            #[cfg(feature = "tls")]
            Transport::Tls(tls) => Pin::new(&mut **tls).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Transport::Plain(tcp) => Pin::new(tcp).poll_shutdown(cx),
            #[cfg(feature = "tls")]
            Transport::Tls(tls) => Pin::new(&mut **tls).poll_shutdown(cx),
        }
    }
}
