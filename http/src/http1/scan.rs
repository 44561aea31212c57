//! Byte scanning sixteen or eight bytes at a time.
//!
//! The long runs in a head are request targets and field values; their common bytes
//! are one range (visible ASCII, SP too in values), so a block of bytes can be tested
//! for "any byte outside the range" at once:
//! - on x86_64, sixteen bytes with SSE2 (part of every x86_64 processor), which takes
//!   a browser's head about 11% less time than words alone. The only `unsafe` in
//!   avx-http is here;
//! - elsewhere, and for the tail under sixteen bytes, a 64-bit word with a few
//!   arithmetic operations (the SWAR `has_less` trick, widened). A borrow or carry
//!   between lanes can only mark a lane *above* a lane that truly matched, so the
//!   lowest marked lane is always exact: that is the only one these functions use.

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Marks (high bit per lane) every lane below `low` or at or above 0x7f, exact in the
/// lowest marked lane: a lane below `low` borrows from the lane above it, and a lane
/// of 0xff carries into it, so only a lane above one that truly matched can be marked
/// wrongly.
#[inline(always)]
fn lanes_outside(x: u64, low: u8) -> u64 {
    (x.wrapping_sub(ONES * u64::from(low)) | x | x.wrapping_add(ONES)) & HIGHS
}

#[inline(always)]
fn word(buf: &[u8], at: usize) -> Option<u64> {
    buf.get(at..)?
        .first_chunk::<8>()
        .map(|w| u64::from_le_bytes(*w))
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[allow(unsafe_code)]
mod sse2 {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_cmplt_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8,
    };

    /// Bit `i` set when byte `i` of `block` is below `low` (at most 0x7f) or at or
    /// above 0x7f.
    #[inline(always)]
    pub(super) fn outside(block: &[u8; 16], low: u8) -> u32 {
        // SAFETY: the module is compiled only where SSE2 is enabled, which every
        // intrinsic here needs; the unaligned load reads the 16 bytes `block` borrows.
        unsafe {
            let x = _mm_loadu_si128(block.as_ptr().cast());
            // Compared as signed bytes, 0x80-0xff are negative, so below `low` too.
            let below = _mm_cmplt_epi8(x, _mm_set1_epi8(low as i8));
            let del = _mm_cmpeq_epi8(x, _mm_set1_epi8(0x7f));
            _mm_movemask_epi8(_mm_or_si128(below, del)) as u32
        }
    }
}

/// The index of the first byte at or after `at` outside `low..0x7f`, or `buf.len()`:
/// a block at a time while one lasts, then byte by byte.
#[inline(always)]
fn run_end(buf: &[u8], mut at: usize, low: u8) -> usize {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    while let Some(block) = buf.get(at..).and_then(|rest| rest.first_chunk::<16>()) {
        let marks = sse2::outside(block, low);
        if marks != 0 {
            return at + marks.trailing_zeros() as usize;
        }
        at += 16;
    }
    while let Some(x) = word(buf, at) {
        let marks = lanes_outside(x, low);
        if marks != 0 {
            return at + (marks.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    while at < buf.len() && (low..0x7f).contains(&buf[at]) {
        at += 1;
    }
    at
}

/// The index of the first byte at or after `at` that may not be in a request target
/// (anything but visible ASCII, 0x21-0x7e), or `buf.len()`.
#[inline]
pub(crate) fn target_end(buf: &[u8], at: usize) -> usize {
    run_end(buf, at, 0x21)
}

/// The index of the first byte at or after `at` that may not be in a field value
/// (a control byte other than HTAB, or DEL), or `buf.len()`.
#[inline]
pub(crate) fn value_end(buf: &[u8], mut at: usize) -> usize {
    loop {
        at = run_end(buf, at, 0x20);
        // The run stops at HTAB and obs-text too, which are rare and allowed: step
        // over them and go on.
        match buf.get(at) {
            Some(&b) if b == b'\t' || b >= 0x80 => at += 1,
            _ => return at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every position and byte value, against a byte-at-a-time reference.
    #[test]
    fn agrees_with_byte_loops() {
        let target_ref = |buf: &[u8], at: usize| {
            (at..buf.len())
                .find(|&i| !(0x21..=0x7e).contains(&buf[i]))
                .unwrap_or(buf.len())
        };
        let value_ref = |buf: &[u8], at: usize| {
            (at..buf.len())
                .find(|&i| !crate::header::is_value_byte(buf[i]))
                .unwrap_or(buf.len())
        };
        // Past two blocks and a word, so every path and tail is taken; miri, which
        // checks the SSE2 code, takes every third length and the bytes at the edges
        // of the ranges.
        let (lengths, bytes): (Vec<usize>, Vec<u8>) = if cfg!(miri) {
            let edges = [0x00, 0x09, 0x1f, 0x20, 0x21, 0x7e, 0x7f, 0x80, 0xff];
            ((0..42).step_by(3).collect(), edges.to_vec())
        } else {
            ((0..42).collect(), (0..=255).collect())
        };
        for len in lengths {
            for stop in 0..len {
                for &byte in &bytes {
                    // A run of ordinary bytes, with `byte` at `stop` and bytes that
                    // stress borrows (0x00, 0xff) after it.
                    let mut buf = vec![b'a'; len];
                    buf[stop] = byte;
                    if stop + 1 < len {
                        buf[stop + 1] = 0xff;
                    }
                    if stop + 2 < len {
                        buf[stop + 2] = 0;
                    }
                    for at in [0, stop.min(3), stop.min(17)] {
                        assert_eq!(target_end(&buf, at), target_ref(&buf, at), "{buf:?} {at}");
                        assert_eq!(value_end(&buf, at), value_ref(&buf, at), "{buf:?} {at}");
                    }
                }
            }
        }
    }

    #[test]
    fn tabs_and_obs_text_inside_values_are_stepped_over() {
        let buf = b"a\tb\t\t\tcdefghijk\t\tl\r\n";
        assert_eq!(value_end(buf, 0), buf.len() - 2);
        let buf = "caf\u{e9} na\u{ef}ve\t\u{2603} and a long run of text after it\r\n";
        assert_eq!(value_end(buf.as_bytes(), 0), buf.len() - 2);
    }
}
