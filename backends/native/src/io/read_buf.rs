//! `ReadBuf`: a buffer being filled by a read, which may start uninitialised.
//!
//! ```text
//! [             capacity                  ]
//! [ filled |     unfilled                 ]
//! [    initialized    |  uninitialized    ]
//! ```
//!
//! INVARIANTS: `filled <= initialized <= buf.len()`; the first `initialized`
//! elements of `buf` hold initialised bytes. Every method keeps both; the `unsafe`
//! ones hand part of the proof to the caller.
//!
//! It lives in this crate rather than in the facade because the facade forbids
//! `unsafe`, and a buffer that may be uninitialised cannot be read without it.

use std::fmt;
use std::io;
use std::mem::MaybeUninit;
use std::os::fd::{AsRawFd, BorrowedFd};

/// A wrapper around a byte buffer that is incrementally filled and initialised,
/// as passed to `AsyncRead::poll_read`.
pub struct ReadBuf<'a> {
    buf: &'a mut [MaybeUninit<u8>],
    filled: usize,
    initialized: usize,
}

impl<'a> ReadBuf<'a> {
    /// A `ReadBuf` over a fully initialised buffer.
    #[inline]
    pub fn new(buf: &'a mut [u8]) -> ReadBuf<'a> {
        let initialized = buf.len();
        // SAFETY: `[u8]` and `[MaybeUninit<u8>]` have the same layout, and the
        // `ReadBuf` never writes an uninitialised byte into the buffer, so the
        // caller's `&mut [u8]` stays valid.
        let buf = unsafe { &mut *(buf as *mut [u8] as *mut [MaybeUninit<u8>]) };
        ReadBuf {
            buf,
            filled: 0,
            initialized,
        }
    }

    /// A `ReadBuf` over a buffer that may be uninitialised.
    #[inline]
    pub fn uninit(buf: &'a mut [MaybeUninit<u8>]) -> ReadBuf<'a> {
        ReadBuf {
            buf,
            filled: 0,
            initialized: 0,
        }
    }

    /// The buffer's total length.
    #[inline]
    pub fn capacity(&self) -> usize {
        self.buf.len()
    }

    /// The filled part.
    #[inline]
    pub fn filled(&self) -> &[u8] {
        let filled = &self.buf[..self.filled];
        // SAFETY: `filled <= initialized` (invariant), so these bytes are initialised.
        unsafe { &*(filled as *const [MaybeUninit<u8>] as *const [u8]) }
    }

    /// The filled part, mutably.
    #[inline]
    pub fn filled_mut(&mut self) -> &mut [u8] {
        let filled = &mut self.buf[..self.filled];
        // SAFETY: as in `filled`.
        unsafe { &mut *(filled as *mut [MaybeUninit<u8>] as *mut [u8]) }
    }

    /// A new `ReadBuf` over at most `n` bytes of the unfilled part.
    #[inline]
    pub fn take(&mut self, n: usize) -> ReadBuf<'_> {
        let max = n.min(self.remaining());
        // SAFETY: the new `ReadBuf` only ever writes initialised bytes.
        let unfilled = unsafe { self.unfilled_mut() };
        ReadBuf::uninit(&mut unfilled[..max])
    }

    /// The initialised part (the filled part and beyond).
    #[inline]
    pub fn initialized(&self) -> &[u8] {
        let initialized = &self.buf[..self.initialized];
        // SAFETY: the first `initialized` bytes are initialised (invariant).
        unsafe { &*(initialized as *const [MaybeUninit<u8>] as *const [u8]) }
    }

    /// The initialised part, mutably.
    #[inline]
    pub fn initialized_mut(&mut self) -> &mut [u8] {
        let initialized = &mut self.buf[..self.initialized];
        // SAFETY: as in `initialized`.
        unsafe { &mut *(initialized as *mut [MaybeUninit<u8>] as *mut [u8]) }
    }

    /// The whole buffer, which may be partly uninitialised.
    ///
    /// # Safety
    ///
    /// The caller must not de-initialise a byte that was initialised (write
    /// `MaybeUninit::uninit()` into it).
    #[inline]
    pub unsafe fn inner_mut(&mut self) -> &mut [MaybeUninit<u8>] {
        self.buf
    }

    /// The unfilled part, which may be partly uninitialised.
    ///
    /// # Safety
    ///
    /// As for [`inner_mut`](Self::inner_mut).
    #[inline]
    pub unsafe fn unfilled_mut(&mut self) -> &mut [MaybeUninit<u8>] {
        &mut self.buf[self.filled..]
    }

    /// The unfilled part, initialising (zeroing) whatever of it was not yet.
    #[inline]
    pub fn initialize_unfilled(&mut self) -> &mut [u8] {
        self.initialize_unfilled_to(self.remaining())
    }

    /// The first `n` bytes of the unfilled part, zeroing whatever of them was not
    /// initialised yet.
    ///
    /// # Panics
    ///
    /// If `n` exceeds `remaining()`.
    #[inline]
    #[track_caller]
    pub fn initialize_unfilled_to(&mut self, n: usize) -> &mut [u8] {
        assert!(self.remaining() >= n, "n overflows remaining");
        let end = self.filled + n;
        if self.initialized < end {
            for byte in &mut self.buf[self.initialized..end] {
                byte.write(0);
            }
            self.initialized = end;
        }
        let slice = &mut self.buf[self.filled..end];
        // SAFETY: bytes up to `end` are initialised now.
        unsafe { &mut *(slice as *mut [MaybeUninit<u8>] as *mut [u8]) }
    }

    /// Bytes left to fill.
    #[inline]
    pub fn remaining(&self) -> usize {
        self.capacity() - self.filled
    }

    /// Empties the filled part; initialised bytes stay initialised.
    #[inline]
    pub fn clear(&mut self) {
        self.filled = 0;
    }

    /// Grows the filled part by `n` bytes.
    ///
    /// # Panics
    ///
    /// If the filled part would pass the initialised part.
    #[inline]
    #[track_caller]
    pub fn advance(&mut self, n: usize) {
        let filled = self.filled.checked_add(n).expect("filled overflow");
        self.set_filled(filled);
    }

    /// Sets the filled part's length.
    ///
    /// # Panics
    ///
    /// If `n` exceeds the initialised part.
    #[inline]
    #[track_caller]
    pub fn set_filled(&mut self, n: usize) {
        assert!(
            n <= self.initialized,
            "filled must not become larger than initialized"
        );
        self.filled = n;
    }

    /// Declares the first `n` unfilled bytes initialised.
    ///
    /// # Safety
    ///
    /// The caller has initialised those bytes (through `unfilled_mut`).
    #[inline]
    pub unsafe fn assume_init(&mut self, n: usize) {
        let end = self.filled + n;
        debug_assert!(end <= self.capacity());
        self.initialized = self.initialized.max(end);
    }

    /// Appends `src` to the filled part.
    ///
    /// # Panics
    ///
    /// If `src` is longer than `remaining()`.
    #[inline]
    #[track_caller]
    pub fn put_slice(&mut self, src: &[u8]) {
        assert!(
            self.remaining() >= src.len(),
            "buf.len() must fit in remaining(); buf.len() = {}, remaining() = {}",
            src.len(),
            self.remaining()
        );
        let end = self.filled + src.len();
        for (dst, byte) in self.buf[self.filled..end].iter_mut().zip(src) {
            dst.write(*byte);
        }
        self.initialized = self.initialized.max(end);
        self.filled = end;
    }
}

/// Reads from `fd` (`read(2)`) into the unfilled part of `buf` as it is, without
/// zeroing it first, and advances `buf` by what came: `Ok(0)` at end of stream.
///
/// The facade's streams read through this, so a `read_buf` into a large spare
/// capacity costs a system call, not a `memset` of the capacity and then the call.
pub fn read_fd(fd: BorrowedFd<'_>, buf: &mut ReadBuf<'_>) -> io::Result<usize> {
    let unfilled = &mut buf.buf[buf.filled..];
    // SAFETY: the pointer and length name `unfilled`, a live exclusive slice, so the
    // range is valid for writes; read(2) writes at most that many bytes into it and
    // never reads from it, so its being uninitialised does not matter.
    let read = unsafe { libc::read(fd.as_raw_fd(), unfilled.as_mut_ptr().cast(), unfilled.len()) };
    let n = usize::try_from(read).map_err(|_| io::Error::last_os_error())?;
    // SAFETY: read(2) initialised the first `n` bytes of the unfilled part.
    unsafe { buf.assume_init(n) };
    buf.advance(n);
    Ok(n)
}

impl fmt::Debug for ReadBuf<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadBuf")
            .field("filled", &self.filled)
            .field("initialized", &self.initialized)
            .field("capacity", &self.capacity())
            .finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn an_initialised_buffer_fills_and_clears() {
        let mut storage = [7u8; 8];
        let mut buf = ReadBuf::new(&mut storage);
        assert_eq!((buf.capacity(), buf.remaining()), (8, 8));
        assert_eq!(buf.initialized(), &[7; 8]);
        buf.put_slice(b"abc");
        assert_eq!(buf.filled(), b"abc");
        buf.filled_mut()[0] = b'x';
        buf.advance(2);
        assert_eq!(buf.filled(), b"xbc\x07\x07");
        buf.clear();
        assert!(buf.filled().is_empty());
        assert_eq!(buf.initialized().len(), 8);
    }

    #[test]
    fn an_uninitialised_buffer_is_zeroed_only_where_needed() {
        let mut storage = [MaybeUninit::<u8>::uninit(); 16];
        let mut buf = ReadBuf::uninit(&mut storage);
        assert!(buf.initialized().is_empty());
        buf.put_slice(b"hi");
        assert_eq!(buf.initialized(), b"hi");
        let more = buf.initialize_unfilled_to(4);
        assert_eq!(more, &[0, 0, 0, 0]);
        more.copy_from_slice(b"1234");
        buf.advance(4);
        assert_eq!(buf.filled(), b"hi1234");
        assert_eq!(buf.initialized().len(), 6);
        assert_eq!(buf.initialize_unfilled().len(), 10);
        assert_eq!(buf.initialized().len(), 16);
    }

    #[test]
    fn take_limits_and_shares_the_unfilled_part() {
        let mut storage = [MaybeUninit::<u8>::uninit(); 8];
        let mut buf = ReadBuf::uninit(&mut storage);
        buf.put_slice(b"ab");
        let mut sub = buf.take(3);
        assert_eq!(sub.capacity(), 3);
        sub.put_slice(b"cde");
        assert_eq!(sub.remaining(), 0);
        // SAFETY: `sub` initialised the three bytes after the filled part.
        unsafe { buf.assume_init(3) };
        buf.advance(3);
        assert_eq!(buf.filled(), b"abcde");
        assert_eq!(buf.take(100).capacity(), 3);
    }

    #[test]
    fn a_read_from_a_descriptor_fills_only_what_came() {
        use std::os::fd::AsFd;

        // A file rather than a socket, so that miri (which has files) runs it too.
        let path = std::env::temp_dir().join(format!("avx-read-fd-{}", std::process::id()));
        std::fs::write(&path, b"hello").unwrap();
        let file = std::fs::File::open(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        let mut storage = [MaybeUninit::<u8>::uninit(); 16];
        let mut buf = ReadBuf::uninit(&mut storage);
        buf.put_slice(b">");
        assert_eq!(read_fd(file.as_fd(), &mut buf).unwrap(), 5);
        assert_eq!(buf.filled(), b">hello");
        assert_eq!(
            buf.initialized().len(),
            6,
            "nothing past the read was zeroed"
        );
        assert_eq!(read_fd(file.as_fd(), &mut buf).unwrap(), 0, "end of file");
        assert_eq!(buf.filled(), b">hello");
    }

    #[test]
    #[cfg_attr(miri, ignore = "miri has no non-blocking socketpair reads")]
    fn a_read_that_would_block_says_so_and_fills_nothing() {
        use std::os::fd::AsFd;
        use std::os::unix::net::UnixStream;

        let (_near, far) = UnixStream::pair().unwrap();
        far.set_nonblocking(true).unwrap();
        let mut storage = [MaybeUninit::<u8>::uninit(); 8];
        let mut buf = ReadBuf::uninit(&mut storage);
        let error = read_fd(far.as_fd(), &mut buf).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::WouldBlock);
        assert!(buf.filled().is_empty() && buf.initialized().is_empty());
    }

    #[test]
    fn unfilled_writes_then_assume_init() {
        let mut storage = [MaybeUninit::<u8>::uninit(); 4];
        let mut buf = ReadBuf::uninit(&mut storage);
        // SAFETY: only initialised bytes are written.
        let unfilled = unsafe { buf.unfilled_mut() };
        unfilled[0].write(9);
        unfilled[1].write(8);
        // SAFETY: two bytes were just initialised.
        unsafe { buf.assume_init(2) };
        buf.advance(2);
        assert_eq!(buf.filled(), &[9, 8]);
    }

    #[test]
    #[should_panic(expected = "filled must not become larger than initialized")]
    fn advancing_past_initialised_panics() {
        let mut storage = [MaybeUninit::<u8>::uninit(); 4];
        ReadBuf::uninit(&mut storage).advance(1);
    }

    #[test]
    #[should_panic(expected = "buf.len() must fit in remaining()")]
    fn putting_too_much_panics() {
        let mut storage = [0u8; 2];
        ReadBuf::new(&mut storage).put_slice(b"abc");
    }

    #[test]
    #[should_panic(expected = "n overflows remaining")]
    fn initialising_past_the_end_panics() {
        let mut storage = [0u8; 2];
        ReadBuf::new(&mut storage).initialize_unfilled_to(3);
    }
}

// SAFETY: `chunk_mut` hands out only the unfilled part, `advance_mut`'s contract
// (the caller initialised `cnt` bytes of that chunk) is exactly what
// `assume_init` needs, and `remaining_mut` is what `chunk_mut` can offer in total.
#[cfg(feature = "bytes")]
unsafe impl bytes::BufMut for ReadBuf<'_> {
    fn remaining_mut(&self) -> usize {
        self.remaining()
    }

    unsafe fn advance_mut(&mut self, cnt: usize) {
        // SAFETY: the caller initialised the first `cnt` unfilled bytes
        // (`BufMut::advance_mut`'s contract).
        unsafe { self.assume_init(cnt) };
        self.advance(cnt);
    }

    fn chunk_mut(&mut self) -> &mut bytes::buf::UninitSlice {
        // SAFETY: an `UninitSlice` only lets its user write bytes, never
        // de-initialise them.
        bytes::buf::UninitSlice::uninit(unsafe { self.unfilled_mut() })
    }
}

#[cfg(all(test, not(loom), feature = "bytes"))]
mod buf_mut_tests {
    use bytes::BufMut;

    use super::*;

    #[test]
    fn put_methods_fill_the_buffer() {
        let mut storage = [MaybeUninit::<u8>::uninit(); 8];
        let mut buf = ReadBuf::uninit(&mut storage);
        buf.put_u16(0x0102);
        buf.put_slice(b"ab");
        assert_eq!(buf.filled(), &[1, 2, b'a', b'b']);
        assert_eq!(buf.remaining_mut(), 4);
    }
}
