//! `Buf`: the bytes a `File` moves between the caller and the blocking pool.
//!
//! Invariants: `start <= end <= storage.len()`; `storage[start..end]` are the
//! bytes not yet handed on (read data the caller has not taken, or write data
//! not yet written). `storage` is all initialised: it only grows (zero-filled,
//! once) and is reused, so reads never zero a buffer again and no `unsafe` is
//! needed to lend it to `Read::read`.

use std::cmp;
use std::io::{self, IoSlice, Read, Write};

use crate::io::ReadBuf;

#[derive(Debug, Default)]
pub(super) struct Buf {
    storage: Vec<u8>,
    start: usize,
    end: usize,
}

impl Buf {
    /// An empty buffer; allocates nothing until used.
    pub(super) fn new() -> Buf {
        Buf::default()
    }

    pub(super) fn is_empty(&self) -> bool {
        self.start == self.end
    }

    fn len(&self) -> usize {
        self.end - self.start
    }

    /// Makes `storage` at least `n` bytes long and marks the buffer empty.
    fn reset_for(&mut self, n: usize) {
        if self.storage.len() < n {
            self.storage.resize(n, 0);
        }
        self.start = 0;
        self.end = 0;
    }

    /// Moves as many buffered bytes into `dst` as fit; returns how many.
    pub(super) fn copy_to(&mut self, dst: &mut ReadBuf<'_>) -> usize {
        let n = cmp::min(self.len(), dst.remaining());
        dst.put_slice(&self.storage[self.start..self.start + n]);
        self.start += n;
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
        n
    }

    /// Takes up to `max` bytes of `src` to write; returns how many.
    ///
    /// # Panics
    ///
    /// If the buffer is not empty (a caller bug: unread data must be discarded
    /// first).
    pub(super) fn copy_from(&mut self, src: &[u8], max: usize) -> usize {
        assert!(self.is_empty(), "write into a non-empty file buffer");
        let n = cmp::min(src.len(), max);
        self.reset_for(n);
        self.storage[..n].copy_from_slice(&src[..n]);
        self.end = n;
        n
    }

    /// Takes up to `max` bytes from the front of `bufs`, in order; returns how
    /// many.
    pub(super) fn copy_from_bufs(&mut self, bufs: &[IoSlice<'_>], max: usize) -> usize {
        assert!(self.is_empty(), "write into a non-empty file buffer");
        let total = bufs
            .iter()
            .map(|b| b.len())
            .fold(0usize, usize::saturating_add);
        let n = cmp::min(total, max);
        self.reset_for(n);
        let mut filled = 0;
        for buf in bufs {
            let take = cmp::min(buf.len(), n - filled);
            self.storage[filled..filled + take].copy_from_slice(&buf[..take]);
            filled += take;
            if filled == n {
                break;
            }
        }
        self.end = n;
        n
    }

    /// Reads once (retrying on `Interrupted`) up to `max` bytes from `reader`
    /// into the empty buffer; on the blocking pool.
    pub(super) fn read_from(&mut self, reader: &mut impl Read, max: usize) -> io::Result<usize> {
        assert!(self.is_empty(), "read into a non-empty file buffer");
        self.reset_for(max);
        let result = loop {
            match reader.read(&mut self.storage[..max]) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                result => break result,
            }
        };
        if let Ok(n) = result {
            // A reader that claims more than it was given would be a bug in it;
            // the clamp keeps the invariant either way.
            self.end = cmp::min(n, max);
        }
        result
    }

    /// Writes every buffered byte to `writer` and empties the buffer, whether or
    /// not that succeeds; on the blocking pool.
    pub(super) fn write_to(&mut self, writer: &mut impl Write) -> io::Result<()> {
        let result = writer.write_all(&self.storage[self.start..self.end]);
        self.start = 0;
        self.end = 0;
        result
    }

    /// Drops read-ahead data; returns the (non-positive) offset that moves the
    /// OS file position back to where the caller's reading stands.
    pub(super) fn discard_read(&mut self) -> i64 {
        // A buffer holds at most `max_buf_size` bytes, a `usize`; on every
        // platform std runs on that fits an `i64`.
        let unread = i64::try_from(self.len()).unwrap_or(i64::MAX);
        self.start = 0;
        self.end = 0;
        -unread
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_to_hands_over_what_fits_and_keeps_the_rest() {
        let mut buf = Buf::new();
        buf.read_from(&mut &b"abcdef"[..], 16).unwrap();
        let mut small = [0u8; 4];
        let mut dst = ReadBuf::new(&mut small);
        assert_eq!(buf.copy_to(&mut dst), 4);
        assert_eq!(dst.filled(), b"abcd");
        assert_eq!(buf.discard_read(), -2);
        assert!(buf.is_empty());
    }

    #[test]
    fn a_read_is_capped_at_max() {
        let mut buf = Buf::new();
        assert_eq!(buf.read_from(&mut &b"abcdef"[..], 3).unwrap(), 3);
        let mut out = Vec::new();
        buf.write_to(&mut out).unwrap();
        assert_eq!(out, b"abc");
    }

    #[test]
    fn vectored_copies_keep_order_and_stop_at_max() {
        let mut buf = Buf::new();
        let bufs = [
            IoSlice::new(b"ab"),
            IoSlice::new(b""),
            IoSlice::new(b"cdef"),
        ];
        assert_eq!(buf.copy_from_bufs(&bufs, 5), 5);
        let mut out = Vec::new();
        buf.write_to(&mut out).unwrap();
        assert_eq!(out, b"abcde");
    }

    #[test]
    fn storage_is_reused_across_operations() {
        let mut buf = Buf::new();
        assert_eq!(buf.copy_from(b"0123456789", 8), 8);
        buf.write_to(&mut Vec::new()).unwrap();
        assert_eq!(buf.copy_from(b"xy", 8), 2);
        let mut out = Vec::new();
        buf.write_to(&mut out).unwrap();
        assert_eq!(out, b"xy");
        assert_eq!(buf.storage.len(), 8);
    }
}
