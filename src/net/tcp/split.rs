//! The halves a [`TcpStream`] splits into: [`ReadHalf`] and [`WriteHalf`]
//! borrow it, [`OwnedReadHalf`] and [`OwnedWriteHalf`] share it through an
//! `Arc`. Written once for TCP and Unix streams by
//! [`stream_halves!`](crate::net::split); TCP's read halves can also peek.

use std::net::SocketAddr;

use super::stream::TcpStream;
use crate::net::split::stream_halves;

stream_halves! {
    stream: TcpStream,
    addr: SocketAddr,
    read_half: {
        /// [`TcpStream::poll_peek`].
        pub fn poll_peek(
            &mut self,
            cx: &mut std::task::Context<'_>,
            buf: &mut crate::io::ReadBuf<'_>,
        ) -> std::task::Poll<std::io::Result<usize>> {
            self.stream().poll_peek(cx, buf)
        }

        /// Reads received data into `buf` without removing it, waiting until some
        /// arrives ([`TcpStream::peek`]).
        ///
        /// # Cancel safety
        ///
        /// Cancel safe: if the future is dropped before it completes, nothing was
        /// peeked.
        pub async fn peek(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let mut buf = crate::io::ReadBuf::new(buf);
            std::future::poll_fn(|cx| self.poll_peek(cx, &mut buf)).await
        }
    },
}
