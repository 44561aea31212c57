//! The extension traits (`AsyncReadExt`, `AsyncWriteExt`, ...) and the futures
//! their methods return.

mod read;
mod read_exact;
mod read_to_end;
mod write;
mod write_all;

mod async_read_ext;
mod async_write_ext;

pub use async_read_ext::AsyncReadExt;
pub use async_write_ext::AsyncWriteExt;
