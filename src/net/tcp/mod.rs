//! TCP: the halves a [`TcpStream`](super::TcpStream) splits into.

pub(crate) mod listener;
pub(crate) mod socket;
mod split;
pub(crate) mod stream;

pub use split::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, ReuniteError, WriteHalf};
