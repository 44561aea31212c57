//! The io utilities of tokio's `io-util` feature, written once against avx's
//! traits: the extension traits and the futures their methods return, the
//! buffering adapters, copies, in-memory pipes, and `split`/`join`.
//!
//! Nothing here touches a backend. The always-ready types and the copy loops
//! spend the task's cooperative budget (see `budget`), as tokio's do.

mod budget;

mod async_buf_read_ext;
mod async_read_ext;
mod async_seek_ext;
mod async_write_ext;

mod fill_buf;
mod flush;
mod read;
mod read_buf;
mod read_exact;
mod read_int;
mod read_line;
mod read_to_end;
mod read_to_string;
mod read_until;
mod seek;
mod write;
mod write_all;
mod write_buf;
mod write_int;
mod write_vectored;

mod buf_reader;
mod buf_stream;
mod buf_writer;
mod chain;
mod lines;
mod split;
mod take;

mod copy;
mod copy_bidirectional;
mod copy_buf;

mod empty;
mod halves;
mod join;
mod mem;
mod repeat;
mod sink;

pub use async_buf_read_ext::AsyncBufReadExt;
pub use async_read_ext::AsyncReadExt;
pub use async_seek_ext::AsyncSeekExt;
pub use async_write_ext::AsyncWriteExt;
pub use buf_reader::BufReader;
pub use buf_stream::BufStream;
pub use buf_writer::BufWriter;
pub use chain::Chain;
pub use copy::copy;
pub use copy_bidirectional::{copy_bidirectional, copy_bidirectional_with_sizes};
pub use copy_buf::copy_buf;
pub use empty::{Empty, empty};
pub use halves::{ReadHalf, WriteHalf, split};
pub use join::{Join, join};
pub use lines::Lines;
pub use mem::{DuplexStream, SimplexStream, duplex, simplex};
pub use repeat::{Repeat, repeat};
pub use sink::{Sink, sink};
pub use split::Split;
pub use take::Take;

/// Buffer size of `BufReader`, `BufWriter` and the copies: 8 KiB, as std's and
/// tokio's.
const DEFAULT_BUF_SIZE: usize = 8 * 1024;
