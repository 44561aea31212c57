//! Reading into a `bytes::BufMut`'s spare capacity without zeroing it first.

use bytes::BufMut;

use super::ReadBuf;

/// Lends `dst`'s next chunk of spare capacity to `read` as a [`ReadBuf`], then
/// advances `dst` past what `read` filled. Returns `read`'s result and the count.
///
/// # Panics
///
/// If `read` replaces the `ReadBuf` it was given with another one
/// ("the ReadBuf was swapped"), since then the filled bytes are not `dst`'s.
pub fn read_into_buf_mut<B, R>(dst: &mut B, read: impl FnOnce(&mut ReadBuf<'_>) -> R) -> (R, usize)
where
    B: BufMut + ?Sized,
{
    let chunk = dst.chunk_mut();
    // SAFETY: a `ReadBuf` only ever writes initialised bytes, so no byte of the
    // chunk is de-initialised through it.
    let mut buf = ReadBuf::uninit(unsafe { chunk.as_uninit_slice_mut() });
    let start = buf.filled().as_ptr();
    let result = read(&mut buf);
    assert_eq!(start, buf.filled().as_ptr(), "the ReadBuf was swapped");
    let n = buf.filled().len();
    // SAFETY: the first `n` bytes of the chunk are the `ReadBuf`'s filled part,
    // which it guarantees initialised.
    unsafe { dst.advance_mut(n) };
    (result, n)
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn fills_spare_capacity_and_advances() {
        let mut dst = Vec::with_capacity(4);
        dst.extend_from_slice(b"ab");
        let ((), n) = read_into_buf_mut(&mut dst, |buf| buf.put_slice(b"cd"));
        assert_eq!(n, 2);
        assert_eq!(dst, b"abcd");
    }

    #[test]
    fn nothing_filled_leaves_the_buffer_alone() {
        let mut dst = bytes::BytesMut::with_capacity(8);
        let (value, n) = read_into_buf_mut(&mut dst, |_| 5);
        assert_eq!((value, n, dst.len()), (5, 0, 0));
    }
}
