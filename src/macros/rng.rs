//! The random start of `select!`: a per-thread xorshift generator.
//!
//! Fairness needs only that consecutive `select!`s do not always start at the same
//! branch; a xorshift64 step per poll is enough and costs a few instructions. Each
//! thread seeds its generator once from std's `RandomState` (random keys per thread),
//! so threads do not share a sequence and no state is shared between threads.

use std::cell::Cell;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;

thread_local! {
    /// The generator's state; 0 means not seeded yet (xorshift never produces 0).
    static STATE: Cell<u64> = const { Cell::new(0) };
}

/// A pseudo-random number in `0..n`; 0 when `n` is 0.
pub(super) fn thread_rng_n(n: u32) -> u32 {
    let x = STATE.with(|state| {
        let mut x = state.get();
        if x == 0 {
            x = RandomState::new().hash_one(0u8) | 1;
        }
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        state.set(x);
        x
    });
    // The high 32 bits scaled into 0..n (Lemire's multiply-shift, without the rejection
    // step: the bias is below n / 2^32).
    (((x >> 32) * u64::from(n)) >> 32) as u32
}

#[cfg(test)]
mod tests {
    use super::thread_rng_n;

    #[test]
    fn stays_in_range_and_reaches_every_value() {
        let mut seen = [0u32; 7];
        for _ in 0..7_000 {
            let n = thread_rng_n(7);
            assert!(n < 7);
            seen[n as usize] += 1;
        }
        // Each of 7 values expected 1,000 times; 500 is far outside any plausible spread.
        assert!(seen.iter().all(|&count| count > 500), "{seen:?}");
        assert_eq!(thread_rng_n(1), 0);
        assert_eq!(thread_rng_n(0), 0);
    }

    #[test]
    fn threads_get_different_sequences() {
        let run = || (0..8).map(|_| thread_rng_n(u32::MAX)).collect::<Vec<_>>();
        let other = std::thread::spawn(run).join().unwrap();
        assert_ne!(run(), other);
    }
}
