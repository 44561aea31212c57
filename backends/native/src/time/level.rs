//! One level of the timing wheel: 64 slot lists and a bitmap of the non-empty ones.
//!
//! Level `L`'s slots are `64^L` ticks wide, so the level spans `64^(L+1)` ticks. The
//! bitmap makes "the next non-empty slot" one rotate and one count of trailing zeros.
//!
//! INVARIANT: bit `s` of `occupied` is set exactly when `slots[s]` is non-empty.

use std::fmt;
use std::ptr::NonNull;

use super::entry::{EntryList, TimerEntry};

/// Bits of a tick each level consumes.
pub(super) const SLOT_BITS: u32 = 6;
/// Slots a level has.
pub(super) const SLOTS: usize = 1 << SLOT_BITS;

/// 64 slots of one wheel level.
pub(super) struct Level {
    /// Bit `s` set exactly when `slots[s]` is non-empty.
    occupied: u64,
    slots: [EntryList; SLOTS],
}

impl Level {
    /// A level with every slot empty.
    pub(super) fn new() -> Level {
        Level {
            occupied: 0,
            slots: [const { EntryList::new() }; SLOTS],
        }
    }

    /// Whether every slot is empty.
    #[inline]
    pub(super) fn is_empty(&self) -> bool {
        self.occupied == 0
    }

    /// The first non-empty slot at `from` or after it, wrapping past slot 63 to 0.
    #[inline]
    pub(super) fn next_occupied(&self, from: usize) -> Option<usize> {
        debug_assert!(from < SLOTS);
        if self.occupied == 0 {
            return None;
        }
        let rotated = self.occupied.rotate_right(from as u32);
        Some((from + rotated.trailing_zeros() as usize) % SLOTS)
    }

    /// Links `entry` into `slot`.
    ///
    /// # Safety
    ///
    /// As [`EntryList::push_front`].
    #[inline]
    pub(super) unsafe fn push(&mut self, slot: usize, entry: NonNull<TimerEntry>) {
        // SAFETY: forwarded from this function's contract.
        unsafe { self.slots[slot].push_front(entry) };
        self.occupied |= 1 << slot;
    }

    /// Unlinks `entry` from `slot`.
    ///
    /// # Safety
    ///
    /// `entry` is linked in `slot` of this level.
    #[inline]
    pub(super) unsafe fn remove(&mut self, slot: usize, entry: NonNull<TimerEntry>) {
        // SAFETY: forwarded from this function's contract.
        unsafe { self.slots[slot].remove(entry) };
        if self.slots[slot].is_empty() {
            self.occupied &= !(1 << slot);
        }
    }

    /// Unlinks and returns one entry of `slot`, if it has any.
    #[inline]
    pub(super) fn pop(&mut self, slot: usize) -> Option<NonNull<TimerEntry>> {
        let entry = self.slots[slot].pop_front();
        if self.slots[slot].is_empty() {
            self.occupied &= !(1 << slot);
        }
        entry
    }

    /// Moves every entry of `slot` out, leaving the slot empty.
    #[inline]
    pub(super) fn take(&mut self, slot: usize) -> EntryList {
        self.occupied &= !(1 << slot);
        self.slots[slot].take()
    }
}

impl fmt::Debug for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Level")
            .field("occupied", &format_args!("{:#018x}", self.occupied))
            .finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::super::entry::{IDLE, REGISTERED};
    use super::*;
    use std::pin::Pin;

    /// A level and the pinned entries it links; emptied before the entries are dropped.
    struct Fixture {
        level: Level,
        entries: Vec<Pin<Box<TimerEntry>>>,
    }

    impl Fixture {
        fn new(n: usize) -> Fixture {
            Fixture {
                level: Level::new(),
                entries: (0..n).map(|_| Box::pin(TimerEntry::new())).collect(),
            }
        }

        fn push(&mut self, i: usize, slot: usize) {
            self.entries[i].set_state(REGISTERED);
            let entry = NonNull::from(&*self.entries[i]);
            // SAFETY: pinned in `entries`, pushed once, unlinked by `Drop` at the latest.
            unsafe { self.level.push(slot, entry) };
        }

        fn remove(&mut self, i: usize, slot: usize) {
            let entry = NonNull::from(&*self.entries[i]);
            // SAFETY: tests remove an entry from the slot they pushed it into.
            unsafe { self.level.remove(slot, entry) };
            self.entries[i].set_state(IDLE);
        }
    }

    impl Drop for Fixture {
        fn drop(&mut self) {
            for slot in 0..SLOTS {
                let _ = self.level.take(slot);
            }
        }
    }

    #[test]
    fn empty_level_has_no_next_slot() {
        let level = Level::new();
        assert!(level.is_empty());
        assert_eq!(level.next_occupied(0), None);
        assert_eq!(level.next_occupied(63), None);
    }

    #[test]
    fn next_occupied_searches_forward_and_wraps() {
        let mut f = Fixture::new(2);
        f.push(0, 5);
        f.push(1, 40);
        assert_eq!(f.level.next_occupied(0), Some(5));
        assert_eq!(f.level.next_occupied(5), Some(5));
        assert_eq!(f.level.next_occupied(6), Some(40));
        assert_eq!(f.level.next_occupied(41), Some(5));
        assert_eq!(f.level.next_occupied(63), Some(5));
    }

    #[test]
    fn edge_slots_are_found() {
        let mut f = Fixture::new(2);
        f.push(0, 0);
        f.push(1, 63);
        assert_eq!(f.level.next_occupied(1), Some(63));
        assert_eq!(f.level.next_occupied(63), Some(63));
        f.remove(1, 63);
        assert_eq!(f.level.next_occupied(1), Some(0));
    }

    #[test]
    fn bitmap_tracks_the_last_entry_of_a_slot() {
        let mut f = Fixture::new(2);
        f.push(0, 9);
        f.push(1, 9);
        f.remove(0, 9);
        assert_eq!(f.level.next_occupied(0), Some(9));
        f.remove(1, 9);
        assert!(f.level.is_empty());
    }

    #[test]
    fn pop_and_take_clear_the_bit() {
        let mut f = Fixture::new(3);
        f.push(0, 2);
        f.push(1, 3);
        f.push(2, 3);
        assert!(f.level.pop(2).is_some());
        assert_eq!(f.level.next_occupied(0), Some(3));
        let mut taken = f.level.take(3);
        assert!(f.level.is_empty());
        assert!(taken.pop_front().is_some() && taken.pop_front().is_some());
        assert!(taken.pop_front().is_none());
    }
}
