//! [`FieldBytes`]: the bytes of a header name or value (or a request target), kept
//! without a reference count where that is cheaper; [`HeadBytes`]: the parsed head
//! they are taken from.
//!
//! Most names and values in a head are short. Sharing each as a slice of the head's
//! buffer costs an atomic increment when the field is built and a decrement when it is
//! dropped, which dominated the cost of parsing a head; copying up to `N` bytes
//! ([`INLINE_CAPACITY`] for fields) into the field itself costs a few moves and nothing
//! on drop. Longer fields still share the buffer, and constants point at static bytes.
//! A head none of whose parts is long is never frozen into a shared buffer at all
//! ([`HeadBytes::shared`] is `None`), so parsing it counts no reference.
//!
//! A copy of fixed length compiles to a few moves where one of variable length calls
//! `memcpy`, so a short field is copied as the whole `N`-byte window that starts at it
//! or, near the head's end where that window would run past it, the one that ends at
//! it. Only a field with fewer than `N` bytes from its start to the head's end that
//! also ends in the head's first `N` bytes is copied by length.
//!
//! INVARIANT: `N` is at most 127. An `Inline` value's `tail` is its length, at most
//! `N`, with [`AT_END`] set if its bytes are the last ones of `data`: they are
//! `data[..len]` or `data[N - len..]`. The other bytes of `data` are unspecified
//! (equality, ordering and hashing look only at [`FieldBytes::as_bytes`]). The field
//! is written in place, so which end the bytes lie at is a bit of the length rather
//! than a variant of its own (changing the variant would build the value anew and move
//! it, the slow path described at [`FieldBytes::set_range`]).

use bytes::Bytes;

/// The longest field kept inline: with the length byte and the enum's tag it makes the
/// type exactly as large as the `Bytes` variant plus its tag (40 bytes).
pub(crate) const INLINE_CAPACITY: usize = 38;

/// The bit of an `Inline` field's `tail` that says its bytes end `data`.
const AT_END: u8 = 0x80;

#[derive(Clone)]
pub(crate) enum FieldBytes<const N: usize = INLINE_CAPACITY> {
    Inline { tail: u8, data: [u8; N] },
    Static(&'static [u8]),
    Shared(Bytes),
}

/// The bytes of a complete head, and the frozen buffer that holds them when some part
/// of the typed head is too long to copy and must share them.
#[derive(Clone, Copy)]
pub(crate) struct HeadBytes<'a> {
    bytes: &'a [u8],
    shared: Option<&'a Bytes>,
}

impl<'a> HeadBytes<'a> {
    /// A head whose long parts share `bytes`.
    pub(crate) fn shared(bytes: &'a Bytes) -> HeadBytes<'a> {
        HeadBytes {
            bytes,
            shared: Some(bytes),
        }
    }

    /// A head in a buffer that is not frozen: the parser found no part of it too long
    /// to copy. (Were it wrong, a long part would be copied into an allocation of its
    /// own: slower, never incorrect.)
    pub(crate) fn copied(bytes: &'a [u8]) -> HeadBytes<'a> {
        HeadBytes {
            bytes,
            shared: None,
        }
    }

    #[inline]
    pub(crate) fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// `start..end` as `Bytes`: a slice of the frozen buffer, or a copy. Inlined, so
    /// that the slice is built where it is stored rather than returned and moved.
    #[inline]
    pub(crate) fn share(&self, start: usize, end: usize) -> Bytes {
        match self.shared {
            Some(bytes) => bytes.slice(start..end),
            None => Bytes::copy_from_slice(&self.bytes[start..end]),
        }
    }
}

impl<const N: usize> FieldBytes<N> {
    /// An empty inline value, for [`FieldBytes::set_range`] to fill in place.
    pub(crate) const EMPTY: FieldBytes<N> = {
        assert!(
            N < AT_END as usize,
            "an inline length must leave AT_END free"
        );
        FieldBytes::Inline {
            tail: 0,
            data: [0; N],
        }
    };

    /// Sets the value to the bytes of `head[start..end]`, copied inline when they
    /// fit, else shared with the head (see [`HeadBytes::share`]).
    ///
    /// Filling a field where it already lies (rather than building one and moving it
    /// there) matters: a moved field is read back in other widths than it was written
    /// in, which stalls the processor's store forwarding, and that cost more than the
    /// reference count it saves.
    ///
    /// # Panics
    ///
    /// If the range is out of `head`'s bounds or reversed, as slicing would.
    #[inline]
    pub(crate) fn set_range(&mut self, head: HeadBytes<'_>, start: usize, end: usize) {
        let len = end - start;
        if len > N {
            *self = FieldBytes::Shared(head.share(start, end));
            return;
        }
        let buf = head.bytes();
        let FieldBytes::Inline { tail, data } = self else {
            *self = FieldBytes::copy_from_slice(&buf[start..end]);
            return;
        };
        // `len` is at most N, below AT_END.
        let len = len as u8;
        if let Some(window) = buf.get(start..).and_then(|rest| rest.first_chunk::<N>()) {
            *data = *window;
            *tail = len;
        } else if let Some(window) = end
            .checked_sub(N)
            .and_then(|from| buf.get(from..end))
            .and_then(|window| window.first_chunk::<N>())
        {
            *data = *window;
            *tail = len | AT_END;
        } else {
            copy_short(data, &buf[start..end]);
            *tail = len;
        }
    }

    /// The bytes of `bytes`, copied inline when they fit, else kept as they are.
    pub(crate) fn from_bytes(bytes: Bytes) -> FieldBytes<N> {
        if bytes.len() > N {
            return FieldBytes::Shared(bytes);
        }
        FieldBytes::copy_from_slice(&bytes)
    }

    /// A copy of `src`: inline when it fits, else in a new allocation.
    pub(crate) fn copy_from_slice(src: &[u8]) -> FieldBytes<N> {
        if src.len() > N {
            return FieldBytes::Shared(Bytes::copy_from_slice(src));
        }
        let mut data = [0; N];
        data[..src.len()].copy_from_slice(src);
        FieldBytes::Inline {
            tail: src.len() as u8,
            data,
        }
    }

    #[inline]
    pub(crate) const fn from_static(bytes: &'static [u8]) -> FieldBytes<N> {
        FieldBytes::Static(bytes)
    }

    #[inline]
    pub(crate) fn as_bytes(&self) -> &[u8] {
        match self {
            FieldBytes::Inline { tail, data } => {
                let len = usize::from(*tail & !AT_END);
                let start = if *tail & AT_END != 0 { N - len } else { 0 };
                &data[start..start + len]
            }
            FieldBytes::Static(bytes) => bytes,
            FieldBytes::Shared(bytes) => bytes,
        }
    }
}

/// The copy of a field in a head too short for a whole window before or after it:
/// rare. Kept out of line, or the compiler merges the copies into one `memcpy` call of
/// variable length, which every field would then pay for.
#[cold]
#[inline(never)]
fn copy_short(data: &mut [u8], src: &[u8]) {
    data[..src.len()].copy_from_slice(src);
}

// Equality and hashing are those of the bytes, however they are held.

impl<const N: usize> PartialEq for FieldBytes<N> {
    fn eq(&self, other: &FieldBytes<N>) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl<const N: usize> Eq for FieldBytes<N> {}

impl<const N: usize> std::hash::Hash for FieldBytes<N> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every range of heads long enough for both windows (100 bytes), for only one or
    /// the other (50), and for neither (10): each way of copying.
    #[test]
    fn every_length_round_trips() {
        for len in [100, 50, 10] {
            round_trips(len);
        }
    }

    fn round_trips(len: u8) {
        let text: Vec<u8> = (0..len).collect();
        let buf = Bytes::from(text.clone());
        for start in 0..text.len() {
            for end in start..=text.len() {
                let mut field: FieldBytes = FieldBytes::EMPTY;
                field.set_range(HeadBytes::shared(&buf), start, end);
                assert_eq!(field.as_bytes(), &text[start..end], "{start}..{end}");
                let inline = matches!(field, FieldBytes::Inline { .. });
                assert_eq!(inline, end - start <= INLINE_CAPACITY, "{start}..{end}");
                // A field that holds shared bytes is overwritten as well.
                let mut reused: FieldBytes = FieldBytes::Shared(buf.clone());
                reused.set_range(HeadBytes::shared(&buf), start, end);
                assert_eq!(reused.as_bytes(), &text[start..end], "{start}..{end}");
                // An unfrozen head: long ranges are copied, not shared.
                let mut unfrozen: FieldBytes = FieldBytes::EMPTY;
                unfrozen.set_range(HeadBytes::copied(&text), start, end);
                assert_eq!(unfrozen.as_bytes(), &text[start..end], "{start}..{end}");
                let copied: FieldBytes = FieldBytes::copy_from_slice(&text[start..end]);
                assert_eq!(copied.as_bytes(), &text[start..end]);
                let owned: FieldBytes = FieldBytes::from_bytes(buf.slice(start..end));
                assert_eq!(owned.as_bytes(), &text[start..end]);
            }
        }
    }

    #[test]
    fn no_larger_than_shared_bytes_and_a_tag() {
        assert!(size_of::<FieldBytes>() <= size_of::<Bytes>() + size_of::<usize>());
        // A request target's inline capacity fills the same shape at 48 bytes.
        assert_eq!(size_of::<FieldBytes<46>>(), 48);
    }
}
