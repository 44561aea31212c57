//! Asynchronous I/O: tokio's traits (`AsyncRead`, `AsyncWrite`, `AsyncBufRead`,
//! `AsyncSeek`), their buffers and readiness types; with `io-util` the extension
//! traits, buffering adapters, copies and in-memory pipes built on them; with
//! `io-std` the process's standard streams.
//!
//! The traits are avx's own, shaped exactly like tokio's (`poll_read(cx, &mut
//! ReadBuf)`), so code that implements or uses them ports unchanged; they work the
//! same on every backend.

mod async_buf_read;
mod async_read;
mod async_seek;
mod async_write;

// `io-std` implies `rt`: the blocking pool runs the standard streams.
#[cfg(feature = "io-std")]
mod stdio;
#[cfg(feature = "io-util")]
mod util;

// The socket seam; net, process and signal build on it. `net` uses all of it;
// without it some helpers go unused.
#[cfg(any(feature = "net", feature = "process", feature = "signal"))]
#[cfg_attr(
    not(feature = "net"),
    allow(dead_code, reason = "all of it is used by net")
)]
pub(crate) mod poll_evented;
#[cfg(any(feature = "net", feature = "process", feature = "signal"))]
#[cfg_attr(
    not(feature = "net"),
    allow(dead_code, reason = "all of it is used by net")
)]
pub(crate) mod registration;
#[cfg(feature = "io-std")]
pub use stdio::{Stderr, Stdin, Stdout, stderr, stdin, stdout};

#[cfg(all(unix, feature = "net"))]
pub mod unix;

#[cfg(feature = "io-util")]
pub use util::{
    AsyncBufReadExt, AsyncReadExt, AsyncSeekExt, AsyncWriteExt, BufReader, BufStream, BufWriter,
    Chain, DuplexStream, Empty, Join, Lines, ReadHalf, Repeat, SimplexStream, Sink, Split, Take,
    WriteHalf, copy, copy_bidirectional, copy_bidirectional_with_sizes, copy_buf, duplex, empty,
    join, repeat, simplex, sink, split,
};

pub use async_buf_read::AsyncBufRead;
pub use async_read::AsyncRead;
pub use async_seek::AsyncSeek;
pub use async_write::AsyncWrite;
pub use avx_native::io::{Interest, ReadBuf, Ready};
pub use std::io::{Error, ErrorKind, Result, SeekFrom};
