//! Byte scanning eight bytes at a time, in safe code.
//!
//! The long runs in a head are request targets and field values; their byte classes
//! are ranges, so a 64-bit word can be tested for "any byte outside the range" with a
//! few arithmetic operations (the SWAR `has_less` / `has_zero` tricks). A borrow or
//! carry between lanes can only mark a lane *above* a lane that truly matched, so the
//! lowest marked lane is always exact: that is the only one these functions use.

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Marks (high bit per lane) every lane below `n` (exact in the lowest marked lane).
#[inline(always)]
fn lanes_below(x: u64, n: u8) -> u64 {
    x.wrapping_sub(ONES * u64::from(n)) & !x & HIGHS
}

/// Marks every lane equal to `b` (exact in the lowest marked lane).
#[inline(always)]
fn lanes_equal(x: u64, b: u8) -> u64 {
    lanes_below(x ^ (ONES * u64::from(b)), 1)
}

/// Marks every lane at or above 0x7f (exact in the lowest marked lane).
#[inline(always)]
fn lanes_from_del(x: u64) -> u64 {
    (x | x.wrapping_add(ONES)) & HIGHS
}

#[inline(always)]
fn word(buf: &[u8], at: usize) -> Option<u64> {
    buf.get(at..)?
        .first_chunk::<8>()
        .map(|w| u64::from_le_bytes(*w))
}

/// The index of the first byte at or after `at` that may not be in a request target
/// (anything but visible ASCII, 0x21-0x7e), or `buf.len()`.
#[inline]
pub(crate) fn target_end(buf: &[u8], mut at: usize) -> usize {
    while let Some(x) = word(buf, at) {
        let marks = lanes_below(x, 0x21) | lanes_from_del(x);
        if marks != 0 {
            return at + (marks.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    while at < buf.len() && (0x21..=0x7e).contains(&buf[at]) {
        at += 1;
    }
    at
}

/// The index of the first byte at or after `at` that may not be in a field value
/// (a control byte other than HTAB, or DEL), or `buf.len()`.
#[inline]
pub(crate) fn value_end(buf: &[u8], mut at: usize) -> usize {
    loop {
        while let Some(x) = word(buf, at) {
            let marks = lanes_below(x, 0x20) | lanes_equal(x, 0x7f);
            if marks != 0 {
                at += (marks.trailing_zeros() / 8) as usize;
                break;
            }
            at += 8;
        }
        while at < buf.len() && crate::header::is_value_byte(buf[at]) && buf[at] != b'\t' {
            at += 1;
        }
        // HTAB is marked by the word test but allowed: step over it and go on.
        if at < buf.len() && buf[at] == b'\t' {
            at += 1;
            continue;
        }
        return at;
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
        for len in 0..20 {
            for stop in 0..len {
                for byte in 0..=255u8 {
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
                    for at in [0, stop.min(3)] {
                        assert_eq!(target_end(&buf, at), target_ref(&buf, at), "{buf:?} {at}");
                        assert_eq!(value_end(&buf, at), value_ref(&buf, at), "{buf:?} {at}");
                    }
                }
            }
        }
    }

    #[test]
    fn tabs_inside_values_are_stepped_over() {
        let buf = b"a\tb\t\t\tcdefghijk\t\tl\r\n";
        assert_eq!(value_end(buf, 0), buf.len() - 2);
    }
}
