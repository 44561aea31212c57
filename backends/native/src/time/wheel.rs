//! The hierarchical timing wheel: six levels of 64 slots, one tick a millisecond.
//!
//! Level `L` has slots `64^L` ticks wide, so the levels span 64 ms, 4 s, 4.4 min,
//! 4.7 h, 12.4 days and 2.2 years ([`MAX_SPAN`]). An entry due at tick `when` is filed by
//! the highest 6-bit digit in which `when` differs from `elapsed` (the last tick the wheel
//! has processed): that digit's level, in the slot `when` has at that level. Insert and
//! cancel are O(1): a few bit operations and a list link.
//!
//! Time moves forward in [`Wheel::fire_next`]. The next slot to come due is the first
//! non-empty slot after `elapsed`'s of the lowest non-empty level (everything on a lower
//! level lies within the current slot of the levels above it). When `elapsed` reaches a
//! slot's start, the slot's entries are filed again relative to the new `elapsed`, which
//! puts them on lower levels (the cascade), or on the pending list once they are due.
//!
//! # Invariants
//!
//! - Every linked entry has `when > elapsed`, except on the pending list, where
//!   `when <= elapsed` (they are due and about to fire).
//! - An entry on level `L < 5` agrees with `elapsed` in every digit above `L` and has a
//!   larger digit `L`: its slot comes due in the level's current turn, after `elapsed`.
//! - Entries due beyond the top level's current turn (differing from `elapsed` above bit
//!   36) go to the top level too, in their own top-level slot, which may be at or behind
//!   `elapsed`'s; that slot comes due in the next turn and files them again then. This
//!   is tokio's clamp, with one difference: the top level is searched starting *after*
//!   `elapsed`'s slot, so such an entry never hides a nearer one in a later slot.
//! - `elapsed` never decreases.

use std::fmt;
use std::ptr::NonNull;
use std::task::Waker;

use super::entry::{EntryList, Location, TimerEntry};
use super::level::{Level, SLOT_BITS, SLOTS};

/// Levels of the wheel.
pub(super) const LEVELS: usize = 6;

/// Ticks one turn of the top level spans: `64^6` ms, about 2.2 years.
pub(super) const MAX_SPAN: u64 = 1 << (SLOT_BITS as usize * LEVELS);

/// The latest tick a deadline can have; later deadlines are clamped to it.
pub(super) const MAX_TICK: u64 = u64::MAX - 1;

/// The deadline is at or before the last processed tick: it is due already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct AlreadyDue;

/// An entry [`Wheel::fire_next`] has fired: its waker, to be woken outside the lock.
#[derive(Debug)]
pub(super) struct Fired {
    /// `None` only if the entry was registered without one.
    pub(super) waker: Option<Waker>,
}

/// The slot that comes due next.
#[derive(Debug, Clone, Copy)]
struct Expiration {
    level: usize,
    slot: usize,
    /// The tick at which the slot's turn starts.
    deadline: u64,
}

/// The timing wheel. It is a plain data structure; the driver keeps it behind its lock,
/// and `&mut Wheel` is what gives the right to the linked entries' shared fields.
pub(super) struct Wheel {
    /// The last tick processed: every entry due at or before it has been moved to
    /// `pending` or fired.
    elapsed: u64,
    levels: [Level; LEVELS],
    /// Entries that are due, waiting to be fired by `fire_next`.
    pending: EntryList,
}

impl Wheel {
    /// An empty wheel at tick 0.
    pub(super) fn new() -> Wheel {
        Wheel {
            elapsed: 0,
            levels: std::array::from_fn(|_| Level::new()),
            pending: EntryList::new(),
        }
    }

    /// The last tick processed.
    #[inline]
    pub(super) fn elapsed(&self) -> u64 {
        self.elapsed
    }

    /// Whether no entry is linked (for the tests loom builds leave out).
    #[cfg(all(test, not(loom)))]
    pub(super) fn is_empty(&self) -> bool {
        self.pending.is_empty() && self.levels.iter().all(Level::is_empty)
    }

    /// Files `entry` to fire at tick `when`, or returns [`AlreadyDue`] (and links
    /// nothing) if `when` is at or before the last processed tick.
    ///
    /// # Safety
    ///
    /// `entry` is live, in no list, and stays live and in place until the wheel unlinks
    /// it ([`remove`](Self::remove), or firing it); the caller has the right to its
    /// shared fields and marks it REGISTERED when this returns `Ok`.
    #[inline]
    pub(super) unsafe fn insert(
        &mut self,
        entry: NonNull<TimerEntry>,
        when: u64,
    ) -> Result<(), AlreadyDue> {
        if when <= self.elapsed {
            return Err(AlreadyDue);
        }
        let (level, slot) = position(self.elapsed, when);
        // SAFETY: the caller has the right to the entry's shared fields (contract).
        unsafe {
            entry.as_ref().with_shared(|shared| {
                shared.when = when;
                shared.location = Location::Slot {
                    level: level as u8,
                    slot: slot as u8,
                };
            });
        }
        // SAFETY: forwarded from this function's contract.
        unsafe { self.levels[level].push(slot, entry) };
        Ok(())
    }

    /// Unlinks a registered entry.
    ///
    /// # Safety
    ///
    /// `entry` is linked in this wheel.
    #[inline]
    pub(super) unsafe fn remove(&mut self, entry: NonNull<TimerEntry>) {
        // SAFETY: linked in this wheel, so live and its shared fields are ours.
        let location = unsafe { entry.as_ref().with_shared(|shared| shared.location) };
        match location {
            // SAFETY: `location` is where `insert` or `refile` linked it.
            Location::Slot { level, slot } => unsafe {
                self.levels[level as usize].remove(slot as usize, entry)
            },
            // SAFETY: as above.
            Location::Pending => unsafe { self.pending.remove(entry) },
        }
    }

    /// The tick at which something next needs doing: an entry fires, or a slot of a
    /// higher level cascades (which fires nothing). `None` if no entry is linked.
    pub(super) fn next_expiration(&self) -> Option<u64> {
        if !self.pending.is_empty() {
            return Some(self.elapsed);
        }
        self.next_slot().map(|expiration| expiration.deadline)
    }

    /// Fires the next entry due at or before `now`, advancing `elapsed` up to `now` as
    /// it goes; `None` once nothing more is due, with `elapsed` at `now`.
    ///
    /// Between two calls the driver may release its lock to wake the fired tasks: the
    /// wheel is consistent then, with `elapsed` at the last slot it processed.
    pub(super) fn fire_next(&mut self, now: u64) -> Option<Fired> {
        loop {
            if let Some(entry) = self.pending.pop_front() {
                // SAFETY: just unlinked from this wheel: live, REGISTERED, its shared
                // fields ours (we hold `&mut self`); it is not touched again.
                let waker = unsafe { TimerEntry::fire(entry) };
                return Some(Fired { waker });
            }
            if now.saturating_sub(self.elapsed) >= MAX_SPAN {
                // Walking a jump longer than the wheel slot by slot would cost a turn of
                // the top level per 2.2 years; sort everything again instead.
                self.refile_all(now);
                continue;
            }
            match self.next_slot() {
                Some(expiration) if expiration.deadline <= now => self.cascade(expiration),
                _ => {
                    self.elapsed = self.elapsed.max(now);
                    return None;
                }
            }
        }
    }

    /// Fires any one linked entry, due or not (runtime shutdown).
    pub(super) fn fire_any(&mut self) -> Option<Fired> {
        let entry = match self.pending.pop_front() {
            Some(entry) => entry,
            None => {
                let level = self.levels.iter_mut().find(|level| !level.is_empty())?;
                let slot = level.next_occupied(0)?;
                level.pop(slot)?
            }
        };
        // SAFETY: just unlinked from this wheel: live, REGISTERED, ours; not touched again.
        let waker = unsafe { TimerEntry::fire(entry) };
        Some(Fired { waker })
    }

    /// The first slot to come due, if any entry is in a slot.
    fn next_slot(&self) -> Option<Expiration> {
        for (level, slots) in self.levels.iter().enumerate() {
            let current = digit(self.elapsed, level);
            // Slots after the current one come due in this turn of the level, in order;
            // the current slot and those before it only in the next turn.
            let Some(slot) = slots.next_occupied((current + 1) % SLOTS) else {
                continue;
            };
            let width = 1u64 << (SLOT_BITS as usize * level);
            let span = width << SLOT_BITS;
            let turn_start = self.elapsed & !(span - 1);
            // No overflow: `turn_start` is a multiple of `span`, and `slot * width < span`.
            let mut deadline = turn_start + slot as u64 * width;
            if slot <= current {
                debug_assert_eq!(level, LEVELS - 1, "an entry behind `elapsed` below the top");
                deadline = deadline.saturating_add(span);
            }
            return Some(Expiration {
                level,
                slot,
                deadline,
            });
        }
        None
    }

    /// Moves time to the start of `expiration`'s slot and files its entries again.
    fn cascade(&mut self, expiration: Expiration) {
        debug_assert!(expiration.deadline > self.elapsed);
        let mut entries = self.levels[expiration.level].take(expiration.slot);
        self.elapsed = expiration.deadline;
        while let Some(entry) = entries.pop_front() {
            // SAFETY: the entry came out of this wheel's slot.
            unsafe { self.refile(entry) };
        }
    }

    /// Moves time to `now` and files every entry again.
    fn refile_all(&mut self, now: u64) {
        debug_assert!(self.pending.is_empty());
        let mut all = EntryList::new();
        for level in &mut self.levels {
            while let Some(slot) = level.next_occupied(0) {
                while let Some(entry) = level.pop(slot) {
                    // SAFETY: the entry was linked in this wheel, so it stays live until
                    // the wheel unlinks it, and its shared fields are ours; it is
                    // linked into `all` only until it is filed again below.
                    unsafe { all.push_front(entry) };
                }
            }
        }
        self.elapsed = now;
        while let Some(entry) = all.pop_front() {
            // SAFETY: the entry came out of this wheel (by way of `all`).
            unsafe { self.refile(entry) };
        }
    }

    /// Links an entry that came out of one of this wheel's lists where it now belongs.
    ///
    /// # Safety
    ///
    /// `entry` was linked in this wheel and has been unlinked under the same `&mut self`.
    unsafe fn refile(&mut self, entry: NonNull<TimerEntry>) {
        // SAFETY: the entry was linked in this wheel: live, and its shared fields ours.
        let when = unsafe { entry.as_ref().with_shared(|shared| shared.when) };
        // SAFETY: the entry stays live until the wheel unlinks it (its owner unlinks it
        // through `remove` under the lock before freeing it), it is in no list, and its
        // shared fields are ours.
        if unsafe { self.insert(entry, when) }.is_err() {
            // SAFETY: as above.
            unsafe {
                entry
                    .as_ref()
                    .with_shared(|shared| shared.location = Location::Pending);
                self.pending.push_front(entry);
            }
        }
    }
}

impl fmt::Debug for Wheel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wheel")
            .field("elapsed", &self.elapsed)
            .field("levels", &self.levels)
            .field("pending", &self.pending)
            .finish()
    }
}

/// The level and slot for an entry due at `when`, with the wheel at `elapsed`.
#[inline]
fn position(elapsed: u64, when: u64) -> (usize, usize) {
    // The highest digit in which the two differ picks the level; or-ing in the low digit
    // puts ticks that differ in no digit at all on level 0.
    let differing = (elapsed ^ when) | (SLOTS as u64 - 1);
    let top_bit = 63 - differing.leading_zeros();
    let level = ((top_bit / SLOT_BITS) as usize).min(LEVELS - 1);
    (level, digit(when, level))
}

/// Digit `level` (base 64) of `tick`.
#[inline]
fn digit(tick: u64, level: usize) -> usize {
    (tick >> (SLOT_BITS as usize * level)) as usize & (SLOTS - 1)
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::super::entry::{FIRED, IDLE, REGISTERED};
    use super::*;
    use std::pin::Pin;
    use std::sync::{Arc, Mutex};
    use std::task::Wake;

    const DAY: u64 = 24 * 60 * 60 * 1000;
    const YEAR: u64 = 365 * DAY;

    /// A waker that records its entry's index when woken.
    struct LogWaker {
        id: usize,
        log: Arc<Mutex<Vec<usize>>>,
    }

    impl Wake for LogWaker {
        fn wake(self: Arc<Self>) {
            self.log.lock().unwrap().push(self.id);
        }
    }

    /// A wheel and the pinned entries it links; `Drop` unlinks what is still linked, as
    /// a `Sleep` would.
    struct Harness {
        wheel: Wheel,
        entries: Vec<Pin<Box<TimerEntry>>>,
        log: Arc<Mutex<Vec<usize>>>,
    }

    impl Harness {
        fn new() -> Harness {
            Harness {
                wheel: Wheel::new(),
                entries: Vec::new(),
                log: Arc::new(Mutex::new(Vec::new())),
            }
        }

        fn try_add(&mut self, when: u64) -> Result<usize, AlreadyDue> {
            let id = self.entries.len();
            self.entries.push(Box::pin(TimerEntry::new()));
            let entry = NonNull::from(&*self.entries[id]);
            let waker = Waker::from(Arc::new(LogWaker {
                id,
                log: self.log.clone(),
            }));
            // SAFETY: the entry is new (in no list, ours) and pinned in `entries`, which
            // outlives every link: `cancel` and `Drop` unlink before anything is freed.
            unsafe {
                self.entries[id].with_shared(|shared| shared.waker = Some(waker));
                self.wheel.insert(entry, when)?;
            }
            self.entries[id].set_state(REGISTERED);
            Ok(id)
        }

        fn add(&mut self, when: u64) -> usize {
            self.try_add(when).expect("deadline already due")
        }

        fn cancel(&mut self, id: usize) {
            assert_eq!(self.entries[id].state(), REGISTERED);
            let entry = NonNull::from(&*self.entries[id]);
            // SAFETY: REGISTERED entries of this harness are linked in its wheel.
            unsafe { self.wheel.remove(entry) };
            self.entries[id].set_state(IDLE);
        }

        /// Fires everything due at `now`; returns the fired ids, sorted.
        fn poll(&mut self, now: u64) -> Vec<usize> {
            while let Some(fired) = self.wheel.fire_next(now) {
                fired.waker.expect("every entry has a waker").wake();
            }
            let mut fired = std::mem::take(&mut *self.log.lock().unwrap());
            fired.sort_unstable();
            fired
        }

        /// Auto-advance: jumps from one expiration to the next up to `until`, firing as
        /// it goes; returns `(tick, id)` per fired entry and how many jumps it made.
        fn run_until(&mut self, until: u64) -> (Vec<(u64, usize)>, usize) {
            let mut fired = Vec::new();
            let mut jumps = 0;
            while let Some(next) = self.wheel.next_expiration() {
                if next > until {
                    break;
                }
                assert!(next >= self.wheel.elapsed(), "expiration in the past");
                jumps += 1;
                fired.extend(self.poll(next).into_iter().map(|id| (next, id)));
            }
            (fired, jumps)
        }

        fn is_fired(&self, id: usize) -> bool {
            self.entries[id].state() == FIRED
        }
    }

    impl Drop for Harness {
        fn drop(&mut self) {
            for id in 0..self.entries.len() {
                if self.entries[id].state() == REGISTERED {
                    self.cancel(id);
                }
            }
            assert!(self.wheel.is_empty());
        }
    }

    #[test]
    fn position_picks_the_highest_differing_digit() {
        assert_eq!(position(0, 1), (0, 1));
        assert_eq!(position(0, 63), (0, 63));
        assert_eq!(position(0, 64), (1, 1));
        assert_eq!(position(0, 4095), (1, 63));
        assert_eq!(position(0, 4096), (2, 1));
        assert_eq!(position(0, (1 << 18) - 1), (2, 63));
        assert_eq!(position(0, 1 << 18), (3, 1));
        assert_eq!(position(0, 1 << 24), (4, 1));
        assert_eq!(position(0, 1 << 30), (5, 1));
        assert_eq!(position(0, MAX_SPAN - 1), (5, 63));
        // Past the top level's turn: clamped to the top level, in the deadline's slot.
        assert_eq!(position(0, MAX_SPAN), (5, 0));
        assert_eq!(position(0, MAX_TICK), (5, 63));
        // Relative to `elapsed`, not to zero.
        assert_eq!(position(63, 64), (1, 1));
        assert_eq!(position(64, 127), (0, 63));
        assert_eq!(position(100, 4096), (2, 1));
    }

    #[test]
    fn deadline_at_or_before_elapsed_is_already_due() {
        let mut h = Harness::new();
        assert_eq!(h.try_add(0), Err(AlreadyDue));
        assert!(h.poll(10).is_empty());
        assert_eq!(h.try_add(10), Err(AlreadyDue));
        assert_eq!(h.try_add(5), Err(AlreadyDue));
        let id = h.add(11);
        assert_eq!(h.poll(11), vec![id]);
    }

    #[test]
    fn level_edges_fire_exactly_at_their_deadline() {
        let edges = [
            1,
            63,
            64,
            65,
            4095,
            4096,
            4097,
            (1 << 18) - 1,
            1 << 18,
            (1 << 24) - 1,
            1 << 24,
            (1 << 30) - 1,
            1 << 30,
            MAX_SPAN - 1,
            MAX_SPAN,
            MAX_SPAN + 1,
        ];
        for when in edges {
            let mut h = Harness::new();
            let id = h.add(when);
            assert!(h.poll(when - 1).is_empty(), "fired before {when}");
            assert!(!h.is_fired(id));
            assert_eq!(h.poll(when), vec![id], "did not fire at {when}");
        }
    }

    #[test]
    fn auto_advance_visits_each_level_edge_at_its_tick() {
        let edges = [63, 64, 4095, 4096, 1 << 18, 1 << 24, 1 << 30, MAX_SPAN - 1];
        let mut h = Harness::new();
        let ids: Vec<usize> = edges.iter().map(|&when| h.add(when)).collect();
        let (fired, _) = h.run_until(u64::MAX);
        let expected: Vec<(u64, usize)> = edges.iter().copied().zip(ids).collect();
        assert_eq!(fired, expected);
    }

    #[test]
    fn far_deadline_cascades_down_every_level() {
        let when = 3 * DAY + 7 * 3_600_000 + 123;
        let mut h = Harness::new();
        let id = h.add(when);
        let (fired, jumps) = h.run_until(u64::MAX);
        assert_eq!(fired, vec![(when, id)]);
        // One stop per level at most: the slot of each level, then the tick itself.
        assert!(jumps <= LEVELS, "{jumps} jumps");
    }

    #[test]
    fn cascade_keeps_neighbours_apart() {
        // Entries one tick apart inside the same high-level slot fire one at a time.
        let base = 5 * (1 << 24) + 17;
        let mut h = Harness::new();
        let ids: Vec<usize> = (0..5).map(|i| h.add(base + i)).collect();
        let (fired, _) = h.run_until(u64::MAX);
        let expected: Vec<(u64, usize)> = (0..5).map(|i| (base + i, ids[i as usize])).collect();
        assert_eq!(fired, expected);
    }

    #[test]
    fn cancel_from_every_level_and_pending() {
        let mut h = Harness::new();
        let whens = [5, 100, 5000, 300_000, 20_000_000, 2_000_000_000, 10 * YEAR];
        let ids: Vec<usize> = whens.iter().map(|&when| h.add(when)).collect();
        for &id in &ids {
            h.cancel(id);
        }
        assert!(h.wheel.is_empty());
        assert_eq!(h.wheel.next_expiration(), None);
        assert!(h.poll(20 * YEAR).is_empty());

        // An entry in the middle of a cascade, cancelled once it reached level 0.
        let mut h = Harness::new();
        let id = h.add(4096 + 10);
        assert!(h.poll(4096).is_empty());
        h.cancel(id);
        assert!(h.wheel.is_empty());
    }

    #[test]
    fn cancel_one_of_many_in_a_slot() {
        let mut h = Harness::new();
        let ids: Vec<usize> = (0..100).map(|_| h.add(4000)).collect();
        for &id in ids.iter().step_by(3) {
            h.cancel(id);
        }
        assert!(h.poll(3999).is_empty());
        let expected: Vec<usize> = ids.iter().copied().filter(|id| id % 3 != 0).collect();
        assert_eq!(h.poll(4000), expected);
        assert!(h.wheel.is_empty());
    }

    #[test]
    fn many_entries_in_one_slot_fire_together() {
        let n = if cfg!(miri) { 50 } else { 2000 };
        let mut h = Harness::new();
        let ids: Vec<usize> = (0..n).map(|_| h.add(77)).collect();
        assert!(h.poll(76).is_empty());
        assert_eq!(h.poll(77), ids);
    }

    #[test]
    fn far_future_beyond_the_wheel_fires_on_time() {
        let mut h = Harness::new();
        let ten_years = 10 * YEAR + 12_345;
        let id = h.add(ten_years);
        // The wheel wakes at least once a turn of the top level to re-file it.
        let next = h.wheel.next_expiration().unwrap();
        assert!(next > 0 && next <= MAX_SPAN, "next expiration {next}");
        let (fired, jumps) = h.run_until(u64::MAX);
        assert_eq!(fired, vec![(ten_years, id)]);
        assert!(jumps <= (ten_years / MAX_SPAN) as usize + 2 * LEVELS);
    }

    #[test]
    fn clamped_entry_does_not_hide_a_nearer_top_level_slot() {
        let mut h = Harness::new();
        // Differs from `elapsed` above the top level, yet lands in the top level's
        // current slot (0); a nearer entry sits in slot 3 of the same level.
        let far = h.add(MAX_SPAN + 5);
        let near = h.add(3 << 30);
        assert_eq!(h.wheel.next_expiration(), Some(3 << 30));
        let (fired, _) = h.run_until(u64::MAX);
        assert_eq!(fired, vec![(3 << 30, near), (MAX_SPAN + 5, far)]);
    }

    #[test]
    fn maximum_deadline_fires_only_at_the_maximum() {
        let mut h = Harness::new();
        let id = h.add(MAX_TICK);
        let near = h.add(DAY);
        assert_eq!(h.poll(MAX_TICK - 1), vec![near]);
        assert!(!h.is_fired(id));
        assert_eq!(h.poll(MAX_TICK), vec![id]);
        assert_eq!(h.wheel.elapsed(), MAX_TICK);
    }

    #[test]
    fn a_long_jump_fires_what_is_due_and_keeps_the_rest() {
        let mut h = Harness::new();
        let due = [1, 70, 5000, 3 * YEAR];
        let later = [5 * YEAR, 9 * YEAR];
        let due_ids: Vec<usize> = due.iter().map(|&when| h.add(when)).collect();
        let later_ids: Vec<usize> = later.iter().map(|&when| h.add(when)).collect();
        assert_eq!(h.poll(4 * YEAR), due_ids);
        let (fired, _) = h.run_until(u64::MAX);
        let expected: Vec<(u64, usize)> = later.iter().copied().zip(later_ids).collect();
        assert_eq!(fired, expected);
    }

    #[test]
    fn insert_during_processing_is_filed_relative_to_elapsed() {
        let mut h = Harness::new();
        h.add(200);
        assert_eq!(h.poll(200).len(), 1);
        // elapsed = 200: a deadline 1 tick later is on level 0, 63 ticks later crosses
        // into the next level-1 slot.
        let a = h.add(201);
        let b = h.add(263);
        assert!(h.poll(200).is_empty());
        assert_eq!(h.poll(201), vec![a]);
        assert!(h.poll(262).is_empty());
        assert_eq!(h.poll(263), vec![b]);
    }

    /// Deterministic pseudo-random deadlines and uneven steps of time: every entry fires
    /// at the first poll whose `now` reaches its deadline, never earlier, never later.
    #[test]
    fn entries_fire_at_the_first_poll_that_reaches_them() {
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let (count, steps) = if cfg!(miri) { (60, 40) } else { (3000, 600) };
        let mut h = Harness::new();
        let mut whens = Vec::new();
        for i in 0..count {
            // Spread over every level: up to 64^(i % 6 + 1) ticks away.
            let span = 1u64 << (SLOT_BITS as u64 * (i % 6 + 1));
            let when = 1 + next() % span;
            whens.push(when);
            h.add(when);
        }
        let mut now = 0;
        for step in 0..steps {
            let before = now;
            now += match step % 4 {
                0 => next() % 3,
                1 => next() % 100,
                2 => next() % 10_000,
                _ => next() % (1 << 30),
            };
            for id in h.poll(now) {
                assert!(
                    whens[id] <= now,
                    "entry {id} due {} fired at {now}",
                    whens[id]
                );
                assert!(
                    whens[id] > before,
                    "entry {id} due {} fired late",
                    whens[id]
                );
            }
            for (id, &when) in whens.iter().enumerate() {
                assert_eq!(
                    h.is_fired(id),
                    when <= now,
                    "entry {id} due {when} at {now}"
                );
            }
        }
    }
}
