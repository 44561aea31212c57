//! `AsyncSeekExt`.

use std::io::SeekFrom;

use super::seek::{Seek, seek};
use crate::io::AsyncSeek;

/// Convenience methods for every [`AsyncSeek`], as tokio's trait of the same name.
///
/// ```
/// use std::io::{Cursor, SeekFrom};
/// use avx::io::AsyncSeekExt;
/// # avx::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let mut cursor = Cursor::new(b"abcdef".to_vec());
/// assert_eq!(cursor.seek(SeekFrom::End(-2)).await.unwrap(), 4);
/// assert_eq!(cursor.stream_position().await.unwrap(), 4);
/// assert_eq!(cursor.rewind().await.unwrap(), 0);
/// # });
/// ```
pub trait AsyncSeekExt: AsyncSeek {
    /// Seeks to `pos`; returns the new position from the start of the stream.
    ///
    /// A seek started earlier and not yet completed is completed first.
    /// Seeking before the start is an error (`InvalidInput` for std's types).
    fn seek(&mut self, pos: SeekFrom) -> Seek<'_, Self>
    where
        Self: Unpin,
    {
        seek(self, pos)
    }

    /// Seeks to the start of the stream; returns 0.
    fn rewind(&mut self) -> Seek<'_, Self>
    where
        Self: Unpin,
    {
        self.seek(SeekFrom::Start(0))
    }

    /// The current position from the start of the stream (a seek by 0 from the
    /// current position).
    fn stream_position(&mut self) -> Seek<'_, Self>
    where
        Self: Unpin,
    {
        self.seek(SeekFrom::Current(0))
    }
}

impl<S: AsyncSeek + ?Sized> AsyncSeekExt for S {}
