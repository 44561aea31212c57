//! [`FieldBytes`]: the bytes of a header name or value, kept without a reference count
//! where that is cheaper.
//!
//! Most names and values in a head are short. Sharing each as a slice of the head's
//! buffer costs an atomic increment when the field is built and a decrement when it is
//! dropped, which dominated the cost of parsing a head; copying up to
//! [`INLINE_CAPACITY`] bytes into the field itself costs a few moves and nothing on
//! drop. Longer fields still share the buffer, and constants point at static bytes.
//!
//! INVARIANT: an `Inline` field's `len` is at most [`INLINE_CAPACITY`]; its bytes are
//! `data[..len]`, and the bytes after them are unspecified (equality, ordering and
//! hashing look only at [`FieldBytes::as_bytes`]).

use bytes::Bytes;

/// The longest field kept inline: with the length byte and the enum's tag it makes the
/// type exactly as large as the `Bytes` variant plus its tag (40 bytes).
pub(crate) const INLINE_CAPACITY: usize = 38;

#[derive(Clone)]
pub(crate) enum FieldBytes {
    Inline {
        len: u8,
        data: [u8; INLINE_CAPACITY],
    },
    Static(&'static [u8]),
    Shared(Bytes),
}

impl FieldBytes {
    /// An empty inline field, for [`FieldBytes::set_range`] to fill in place.
    pub(crate) const EMPTY: FieldBytes = FieldBytes::Inline {
        len: 0,
        data: [0; INLINE_CAPACITY],
    };

    /// Sets the field to the bytes of `buf[start..end]`, copied inline when they fit,
    /// else a slice of `buf` sharing its allocation.
    ///
    /// Filling a field where it already lies (rather than building one and moving it
    /// there) matters: a moved field is read back in other widths than it was written
    /// in, which stalls the processor's store forwarding, and that cost more than the
    /// reference count it saves.
    ///
    /// # Panics
    ///
    /// If the range is out of `buf`'s bounds or reversed, as slicing would.
    #[inline]
    pub(crate) fn set_range(&mut self, buf: &Bytes, start: usize, end: usize) {
        let len = end - start;
        if len > INLINE_CAPACITY {
            *self = FieldBytes::Shared(buf.slice(start..end));
            return;
        }
        let FieldBytes::Inline { len: held, data } = self else {
            *self = FieldBytes::copy_from_slice(&buf[start..end]);
            return;
        };
        match buf[start..].first_chunk::<INLINE_CAPACITY>() {
            // A copy of fixed length compiles to a few moves (a variable one calls
            // memcpy); the bytes past `len` come along unused.
            Some(window) => *data = *window,
            None => data[..len].copy_from_slice(&buf[start..end]),
        }
        // `len` is at most INLINE_CAPACITY, which fits a u8.
        *held = len as u8;
    }

    /// The bytes of `bytes`, copied inline when they fit, else kept as they are.
    pub(crate) fn from_bytes(bytes: Bytes) -> FieldBytes {
        if bytes.len() > INLINE_CAPACITY {
            return FieldBytes::Shared(bytes);
        }
        FieldBytes::copy_from_slice(&bytes)
    }

    /// A copy of `src`: inline when it fits, else in a new allocation.
    pub(crate) fn copy_from_slice(src: &[u8]) -> FieldBytes {
        if src.len() > INLINE_CAPACITY {
            return FieldBytes::Shared(Bytes::copy_from_slice(src));
        }
        let mut data = [0; INLINE_CAPACITY];
        data[..src.len()].copy_from_slice(src);
        FieldBytes::Inline {
            len: src.len() as u8,
            data,
        }
    }

    #[inline]
    pub(crate) const fn from_static(bytes: &'static [u8]) -> FieldBytes {
        FieldBytes::Static(bytes)
    }

    #[inline]
    pub(crate) fn as_bytes(&self) -> &[u8] {
        match self {
            FieldBytes::Inline { len, data } => &data[..usize::from(*len)],
            FieldBytes::Static(bytes) => bytes,
            FieldBytes::Shared(bytes) => bytes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_length_round_trips() {
        let text: Vec<u8> = (0..100u8).collect();
        let buf = Bytes::from(text.clone());
        for start in 0..text.len() {
            for end in start..=text.len() {
                let mut field = FieldBytes::EMPTY;
                field.set_range(&buf, start, end);
                assert_eq!(field.as_bytes(), &text[start..end], "{start}..{end}");
                let inline = matches!(field, FieldBytes::Inline { .. });
                assert_eq!(inline, end - start <= INLINE_CAPACITY, "{start}..{end}");
                // A field that holds shared bytes is overwritten as well.
                let mut reused = FieldBytes::Shared(buf.clone());
                reused.set_range(&buf, start, end);
                assert_eq!(reused.as_bytes(), &text[start..end], "{start}..{end}");
                let copied = FieldBytes::copy_from_slice(&text[start..end]);
                assert_eq!(copied.as_bytes(), &text[start..end]);
                let owned = FieldBytes::from_bytes(buf.slice(start..end));
                assert_eq!(owned.as_bytes(), &text[start..end]);
            }
        }
    }

    #[test]
    fn no_larger_than_shared_bytes_and_a_tag() {
        assert!(size_of::<FieldBytes>() <= size_of::<Bytes>() + size_of::<usize>());
    }
}
