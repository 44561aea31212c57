//! The halves a [`UnixStream`] splits into: [`ReadHalf`] and [`WriteHalf`]
//! borrow it, [`OwnedReadHalf`] and [`OwnedWriteHalf`] share it through an
//! `Arc`. Written once for TCP and Unix streams by
//! [`stream_halves!`](crate::net::split).

use super::SocketAddr;
use super::stream::UnixStream;
use crate::net::split::stream_halves;

stream_halves! {
    stream: UnixStream,
    addr: SocketAddr,
    read_half: {},
}
