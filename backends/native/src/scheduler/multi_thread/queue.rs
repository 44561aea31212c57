//! A worker's local run queue: a fixed-capacity ring that one thread pushes to and
//! pops from, while any other thread may steal half of it.
//!
//! [`Local`] is the owner's end (one per worker, never shared); [`Steal`] is the
//! stealers' end (cloned to every other worker). The owner pushes at the tail and
//! pops at the head, so its own work runs in FIFO order; a stealer takes a range
//! from the head too. When the ring is full the owner moves half of it, plus the
//! item it was pushing, to an [`Overflow`] sink (the injection queue) in one batch.
//!
//! # Indices and invariants
//!
//! Positions are `u32` counters that only grow (wrapping); a position's slot is
//! `pos & MASK`. Three positions describe the ring:
//!
//! - `tail` (`AtomicU32`): the next position the owner writes. Only the owner stores
//!   it, with `Release`, after writing the slots below it.
//! - `head` (`AtomicU64`) packs two positions, `steal` (high half) and `real` (low
//!   half), so they change together:
//!   - `real` is the first item nobody has claimed. The owner's `pop` and a stealer's
//!     claim both advance it, and only with a compare-and-swap on `head`.
//!   - `steal` is the first slot a stealer is still reading. When no steal is in
//!     progress, `steal == real`.
//!
//! With wrapping arithmetic, at every instant:
//!
//! 1. `steal <= real <= tail` and `tail - steal <= CAPACITY`.
//! 2. Slots `[real, tail)` hold initialised items owned by the queue; slots
//!    `[steal, real)` hold items one stealer has claimed and is moving out; every
//!    other slot is uninitialised and belongs to the owner, who writes only at
//!    `tail` and only while `tail - steal < CAPACITY`.
//! 3. At most one steal is in progress: a stealer claims only when `steal == real`
//!    (setting `real` past its range), and only that stealer moves `steal` up to
//!    `real` again, after it has read every slot it claimed.
//! 4. A successful compare-and-swap on `head` is the only way an item changes hands,
//!    so each position is handed to exactly one taker (the owner's `pop`, the
//!    owner's overflow, or one stealer).
//!
//! Orderings: a slot write happens-before the `Release` store of `tail` that
//! publishes it, and every reader of items loads `tail` with `Acquire`. A stealer
//! gives its slots back with an `AcqRel` swap of `head`, and the owner loads `head`
//! with `Acquire` before it reuses a slot, so a stealer's read happens-before the
//! owner's overwrite.
//!
//! Positions could in principle wrap all the way round (2^32 pushes) between a
//! stealer's load of `head` and its compare-and-swap, and the swap would then succeed
//! on a stale value. A stealer holds nothing across that window but a few loads, so
//! like other work-stealing queues this one accepts that theoretical ABA.

#![allow(
    dead_code,
    reason = "used by the multi-thread scheduler, which is wired up separately"
)]

use std::fmt;
use std::iter;
use std::mem::MaybeUninit;

use crate::loom::cell::UnsafeCell;
use crate::loom::sync::Arc;
use crate::loom::sync::atomic::{AtomicU32, AtomicU64, Ordering};

/// How many items a local queue holds. Loom models use a small ring so that they
/// reach the full and wrapping cases in few steps.
#[cfg(not(loom))]
pub(crate) const CAPACITY: usize = 256;
#[cfg(loom)]
pub(crate) const CAPACITY: usize = 4;

const MASK: u32 = CAPACITY as u32 - 1;

const _: () = assert!(CAPACITY.is_power_of_two() && CAPACITY >= 2);

/// Where the owner sends work when its ring is full.
pub(crate) trait Overflow<T> {
    /// Takes one item.
    fn push(&self, task: T);

    /// Takes every item the iterator yields, in order.
    fn push_batch(&self, tasks: impl Iterator<Item = T>);
}

/// The owner's end of a local queue. Exactly one exists per queue.
pub(crate) struct Local<T> {
    inner: Arc<Inner<T>>,
}

/// A stealer's end of a local queue.
pub(crate) struct Steal<T> {
    inner: Arc<Inner<T>>,
}

struct Inner<T> {
    /// `steal` in the high 32 bits, `real` in the low 32 bits.
    head: AtomicU64,
    tail: AtomicU32,
    buffer: Box<[UnsafeCell<MaybeUninit<T>>]>,
}

// SAFETY: items move between threads only by value (pushed by the owner, read out by
// whoever claims them), so `T: Send` is all that sharing the ring needs; no `&T` is
// ever handed to another thread. The invariants above give each slot one accessor at
// a time.
unsafe impl<T: Send> Send for Inner<T> {}
// SAFETY: as for `Send`: all shared access goes through the atomics, and a slot is
// read or written only by the thread the invariants hand it to.
unsafe impl<T: Send> Sync for Inner<T> {}

/// Creates a local queue, returning the stealers' end and the owner's end.
pub(crate) fn local<T>() -> (Steal<T>, Local<T>) {
    local_starting_at(0)
}

/// Creates a local queue whose positions start at `start`, so tests can cross the
/// `u32` wrap without pushing four billion items.
fn local_starting_at<T>(start: u32) -> (Steal<T>, Local<T>) {
    let buffer = (0..CAPACITY)
        .map(|_| UnsafeCell::new(MaybeUninit::uninit()))
        .collect();
    let inner = Arc::new(Inner {
        head: AtomicU64::new(pack(start, start)),
        tail: AtomicU32::new(start),
        buffer,
    });
    (
        Steal {
            inner: inner.clone(),
        },
        Local { inner },
    )
}

fn pack(steal: u32, real: u32) -> u64 {
    (u64::from(steal) << 32) | u64::from(real)
}

fn unpack(head: u64) -> (u32, u32) {
    ((head >> 32) as u32, head as u32)
}

impl<T> Inner<T> {
    fn slot(&self, pos: u32) -> &UnsafeCell<MaybeUninit<T>> {
        &self.buffer[(pos & MASK) as usize]
    }

    /// Moves the item at `pos` out of the ring.
    ///
    /// # Safety
    ///
    /// The caller has claimed `pos` (it lies in a range the caller took with a
    /// compare-and-swap on `head`, invariant 4), the slot holds an initialised item
    /// (invariant 2), and nothing reads `pos` again until it is rewritten.
    unsafe fn take(&self, pos: u32) -> T {
        self.slot(pos).with(|ptr| {
            // SAFETY: the caller's claim makes this the only access to the slot, and
            // the slot was initialised by a write that happens-before the claim.
            unsafe { ptr.read().assume_init() }
        })
    }

    /// Writes `task` at `pos`.
    ///
    /// # Safety
    ///
    /// Only the owner calls this, for a position in `[tail, steal + CAPACITY)` as of
    /// an `Acquire` load of `head`: the slot is uninitialised and no stealer reads it
    /// (invariant 2).
    unsafe fn write(&self, pos: u32, task: T) {
        self.slot(pos).with_mut(|ptr| {
            // SAFETY: the caller's position is free (uninitialised, unread), so this
            // is the only access and overwrites no live item.
            unsafe { ptr.write(MaybeUninit::new(task)) }
        })
    }

    fn len(&self) -> usize {
        let (_, real) = unpack(self.head.load(Ordering::Acquire));
        let tail = self.tail.load(Ordering::Acquire);
        tail.wrapping_sub(real) as usize
    }
}

impl<T> Local<T> {
    /// How many items the queue holds (those being stolen are not counted).
    pub(crate) fn len(&self) -> usize {
        self.inner.len()
    }

    /// Whether the queue holds no items.
    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many items [`Local::push_back`] may push right now.
    pub(crate) fn remaining_slots(&self) -> usize {
        let (steal, _) = unpack(self.inner.head.load(Ordering::Acquire));
        let tail = self.inner.tail.load(Ordering::Relaxed);
        CAPACITY - tail.wrapping_sub(steal) as usize
    }

    /// Pushes `task`; if the ring is full, moves its older half and `task` to
    /// `overflow` instead, in one [`Overflow::push_batch`]. If the ring is full while
    /// a stealer is emptying part of it, only `task` goes, by [`Overflow::push`].
    pub(crate) fn push_back_or_overflow(&mut self, task: T, overflow: &impl Overflow<T>) {
        loop {
            let head = self.inner.head.load(Ordering::Acquire);
            let (steal, real) = unpack(head);
            // Only this thread stores `tail`, so a relaxed load sees its last store.
            let tail = self.inner.tail.load(Ordering::Relaxed);

            if tail.wrapping_sub(steal) < CAPACITY as u32 {
                // SAFETY: `tail - steal < CAPACITY` as of an `Acquire` load of `head`,
                // so slot `tail` is free (invariant 2), and we are the owner.
                unsafe { self.inner.write(tail, task) };
                self.inner
                    .tail
                    .store(tail.wrapping_add(1), Ordering::Release);
                return;
            }

            if steal != real {
                // A stealer is emptying part of the ring right now; the ring will have
                // room in a moment, but waiting for it would stall this worker.
                overflow.push(task);
                return;
            }

            // Full, and no steal in progress: take the older half for the overflow.
            let half = (CAPACITY / 2) as u32;
            let new_real = real.wrapping_add(half);
            if self
                .inner
                .head
                .compare_exchange(
                    head,
                    pack(new_real, new_real),
                    Ordering::AcqRel,
                    Ordering::Acquire,
                )
                .is_err()
            {
                // A stealer claimed items first, so there is room now: retry the push.
                continue;
            }
            let batch = Claimed {
                inner: &self.inner,
                next: real,
                end: new_real,
            };
            overflow.push_batch(batch.chain(iter::once(task)));
            return;
        }
    }

    /// Pushes every item of `tasks`, in order.
    ///
    /// # Panics
    ///
    /// If `tasks` has more items than [`Local::remaining_slots`]; the caller checks.
    pub(crate) fn push_back(&mut self, tasks: impl ExactSizeIterator<Item = T>) {
        let (steal, _) = unpack(self.inner.head.load(Ordering::Acquire));
        let tail = self.inner.tail.load(Ordering::Relaxed);
        let room = CAPACITY - tail.wrapping_sub(steal) as usize;
        assert!(
            tasks.len() <= room,
            "local queue push_back of {} items with room for {room}",
            tasks.len()
        );

        let mut pos = tail;
        for task in tasks {
            // `ExactSizeIterator::len` is only a promise; the slots are not.
            assert!(
                (pos.wrapping_sub(tail) as usize) < room,
                "local queue push_back iterator yielded more than its len"
            );
            // SAFETY: `pos - steal < CAPACITY` (checked above against an `Acquire`
            // load of `head`; stealers only ever move `steal` up), so the slot is
            // free, and we are the owner.
            unsafe { self.inner.write(pos, task) };
            pos = pos.wrapping_add(1);
        }
        self.inner.tail.store(pos, Ordering::Release);
    }

    /// Pops the oldest item.
    pub(crate) fn pop(&mut self) -> Option<T> {
        let mut head = self.inner.head.load(Ordering::Acquire);
        loop {
            let (steal, real) = unpack(head);
            let tail = self.inner.tail.load(Ordering::Relaxed);
            if real == tail {
                return None;
            }
            let next_real = real.wrapping_add(1);
            // Leave an in-progress steal's range alone; otherwise keep `steal == real`.
            let next = if steal == real {
                pack(next_real, next_real)
            } else {
                pack(steal, next_real)
            };
            match self.inner.head.compare_exchange_weak(
                head,
                next,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                // SAFETY: the swap claimed position `real`, which was in
                // `[real, tail)` and so initialised (invariants 2 and 4).
                Ok(_) => return Some(unsafe { self.inner.take(real) }),
                Err(actual) => head = actual,
            }
        }
    }
}

impl<T> Drop for Local<T> {
    fn drop(&mut self) {
        // Stealers may outlive the owner, but nothing pushes once it is gone: drop
        // what is left here so that no item leaks with the ring.
        while let Some(task) = self.pop() {
            drop(task);
        }
    }
}

impl<T> Steal<T> {
    /// Whether the queue holds no items.
    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many items the queue holds (those being stolen are not counted).
    pub(crate) fn len(&self) -> usize {
        self.inner.len()
    }

    /// Moves about half of this queue's items into `dst` and returns one more to run
    /// now, the oldest. Returns `None` when there is nothing to steal, when another
    /// steal from this queue is in progress, or when `dst` is this same queue.
    pub(crate) fn steal_into(&self, dst: &mut Local<T>) -> Option<T> {
        if Arc::ptr_eq(&self.inner, &dst.inner) {
            return None;
        }
        // `dst` is ours (`&mut`), so its tail cannot move; only its stealers can make
        // more room while we work, so this room is a safe lower bound.
        let dst_tail = dst.inner.tail.load(Ordering::Relaxed);
        let room = dst.remaining_slots() as u32;

        // Claim: advance `real` past the range, leaving `steal` at its start.
        let mut head = self.inner.head.load(Ordering::Acquire);
        let (first, count) = loop {
            let (steal, real) = unpack(head);
            if steal != real {
                // Another stealer is mid-copy (invariant 3).
                return None;
            }
            let tail = self.inner.tail.load(Ordering::Acquire);
            let available = tail.wrapping_sub(real);
            debug_assert!(available as usize <= CAPACITY);
            // Half, rounded up, and no more than `dst` can hold plus the one we return.
            let count = (available - available / 2).min(room.saturating_add(1));
            if count == 0 {
                return None;
            }
            let claimed = pack(steal, real.wrapping_add(count));
            match self.inner.head.compare_exchange_weak(
                head,
                claimed,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => break (real, count),
                Err(actual) => head = actual,
            }
        };

        // SAFETY: the swap claimed `[first, first + count)` (invariant 4); those
        // slots were in `[real, tail)` as of an `Acquire` load of `tail`, so they
        // are initialised, and no one else reads them until we move `steal` past.
        let next = unsafe { self.inner.take(first) };
        for i in 1..count {
            let pos = first.wrapping_add(i);
            // SAFETY: `pos` is in our claimed range, as above.
            let task = unsafe { self.inner.take(pos) };
            // SAFETY: we hold `&mut dst`, so we act as its owner, and at most
            // `room` items (`count - 1 <= room`) go to `dst_tail..`, all free as of
            // the `Acquire` load of `dst.head` in `remaining_slots`.
            unsafe { dst.inner.write(dst_tail.wrapping_add(i - 1), task) };
        }

        // Give the claimed slots back: move `steal` up to wherever `real` is now (the
        // owner may have popped meanwhile).
        let mut head = self.inner.head.load(Ordering::Acquire);
        loop {
            let (steal, real) = unpack(head);
            debug_assert_eq!(steal, first);
            match self.inner.head.compare_exchange_weak(
                head,
                pack(real, real),
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => break,
                Err(actual) => head = actual,
            }
        }

        if count > 1 {
            dst.inner
                .tail
                .store(dst_tail.wrapping_add(count - 1), Ordering::Release);
        }
        Some(next)
    }
}

impl<T> Clone for Steal<T> {
    fn clone(&self) -> Steal<T> {
        Steal {
            inner: self.inner.clone(),
        }
    }
}

impl<T> fmt::Debug for Local<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Local").field("len", &self.len()).finish()
    }
}

impl<T> fmt::Debug for Steal<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Steal").field("len", &self.len()).finish()
    }
}

/// Items the owner claimed for its overflow, read out of the ring one by one as the
/// sink consumes them. Whatever the sink leaves unread is dropped with the iterator.
struct Claimed<'a, T> {
    inner: &'a Inner<T>,
    next: u32,
    end: u32,
}

impl<T> Iterator for Claimed<'_, T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        if self.next == self.end {
            return None;
        }
        let pos = self.next;
        self.next = pos.wrapping_add(1);
        // SAFETY: `[next, end)` was claimed by the owner's swap in
        // `push_back_or_overflow`, and the owner cannot write to the ring while this
        // borrow of it lives (it is inside that `&mut self` call); each position is
        // read once because `next` moves past it first.
        Some(unsafe { self.inner.take(pos) })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let len = self.end.wrapping_sub(self.next) as usize;
        (len, Some(len))
    }
}

impl<T> ExactSizeIterator for Claimed<'_, T> {}

impl<T> Drop for Claimed<'_, T> {
    fn drop(&mut self) {
        for task in self.by_ref() {
            drop(task);
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::collections::VecDeque;
    use std::sync::atomic::{AtomicBool, AtomicUsize};

    /// An overflow sink that records each call separately.
    struct Recorder<T> {
        singles: RefCell<Vec<T>>,
        batches: RefCell<Vec<Vec<T>>>,
    }

    impl<T> Recorder<T> {
        fn new() -> Recorder<T> {
            Recorder {
                singles: RefCell::new(Vec::new()),
                batches: RefCell::new(Vec::new()),
            }
        }
    }

    impl<T> Overflow<T> for Recorder<T> {
        fn push(&self, task: T) {
            self.singles.borrow_mut().push(task);
        }

        fn push_batch(&self, tasks: impl Iterator<Item = T>) {
            self.batches.borrow_mut().push(tasks.collect());
        }
    }

    /// A sink that must never be used.
    struct NoOverflow;

    impl<T> Overflow<T> for NoOverflow {
        fn push(&self, _: T) {
            panic!("overflowed a queue with room");
        }

        fn push_batch(&self, _: impl Iterator<Item = T>) {
            panic!("overflowed a queue with room");
        }
    }

    /// Counts its own drops.
    struct Counted(Arc<AtomicUsize>);

    impl Drop for Counted {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn drain<T>(local: &mut Local<T>) -> Vec<T> {
        iter::from_fn(|| local.pop()).collect()
    }

    #[test]
    fn pops_in_fifo_order() {
        let (_steal, mut local) = local();
        for i in 0..10 {
            local.push_back_or_overflow(i, &NoOverflow);
        }
        assert_eq!(local.len(), 10);
        assert_eq!(drain(&mut local), (0..10).collect::<Vec<_>>());
        assert!(local.is_empty());
        assert_eq!(local.pop(), None);
    }

    #[test]
    fn push_back_fills_remaining_slots_in_order() {
        let (_steal, mut local) = local();
        assert_eq!(local.remaining_slots(), CAPACITY);
        local.push_back_or_overflow(0, &NoOverflow);
        local.push_back(1..CAPACITY);
        assert_eq!(local.remaining_slots(), 0);
        assert_eq!(local.len(), CAPACITY);
        assert_eq!(drain(&mut local), (0..CAPACITY).collect::<Vec<_>>());
        assert_eq!(local.remaining_slots(), CAPACITY);
    }

    #[test]
    #[should_panic(expected = "local queue push_back of 3 items with room for 2")]
    fn push_back_past_capacity_panics() {
        let (_steal, mut local) = local();
        local.push_back(0..CAPACITY - 2);
        local.push_back(0..3);
    }

    /// Claims one item and yields five.
    struct LyingIter(usize);

    impl Iterator for LyingIter {
        type Item = usize;

        fn next(&mut self) -> Option<usize> {
            self.0 += 1;
            (self.0 <= 5).then_some(self.0)
        }
    }

    impl ExactSizeIterator for LyingIter {
        fn len(&self) -> usize {
            1
        }
    }

    #[test]
    #[should_panic(expected = "yielded more than its len")]
    fn push_back_refuses_an_iterator_longer_than_its_len() {
        let (_steal, mut local) = local();
        local.push_back(0..CAPACITY - 2);
        local.push_back(LyingIter(0));
    }

    #[test]
    fn full_queue_overflows_half_and_the_item_in_one_batch() {
        let (_steal, mut local) = local();
        let sink = Recorder::new();
        for i in 0..=CAPACITY {
            local.push_back_or_overflow(i, &sink);
        }
        let batches = sink.batches.into_inner();
        assert!(sink.singles.into_inner().is_empty());
        assert_eq!(batches.len(), 1, "one batch, not one call per item");
        let mut expected: Vec<usize> = (0..CAPACITY / 2).collect();
        expected.push(CAPACITY);
        assert_eq!(batches[0], expected);
        // The newer half stays, still in order.
        assert_eq!(local.len(), CAPACITY / 2);
        assert_eq!(
            drain(&mut local),
            (CAPACITY / 2..CAPACITY).collect::<Vec<_>>()
        );
    }

    #[test]
    fn steal_takes_half_and_returns_the_oldest() {
        let (steal, mut src) = local();
        let (_dst_steal, mut dst) = local();
        src.push_back(0..10);
        assert_eq!(steal.len(), 10);

        assert_eq!(steal.steal_into(&mut dst), Some(0));
        assert_eq!(drain(&mut dst), vec![1, 2, 3, 4]);
        assert_eq!(steal.len(), 5);
        assert_eq!(drain(&mut src), vec![5, 6, 7, 8, 9]);

        // An odd count rounds the stolen half up.
        src.push_back(0..5);
        assert_eq!(steal.steal_into(&mut dst), Some(0));
        assert_eq!(drain(&mut dst), vec![1, 2]);
        assert_eq!(drain(&mut src), vec![3, 4]);
    }

    #[test]
    fn steal_of_one_item_returns_it() {
        let (steal, mut src) = local();
        let (_dst_steal, mut dst) = local();
        src.push_back_or_overflow(7, &NoOverflow);
        assert_eq!(steal.steal_into(&mut dst), Some(7));
        assert!(dst.is_empty());
        assert!(steal.is_empty());
    }

    #[test]
    fn steal_from_empty_returns_none() {
        let (steal, _src) = local::<usize>();
        let (_dst_steal, mut dst) = local();
        dst.push_back(0..3);
        assert_eq!(steal.steal_into(&mut dst), None);
        assert_eq!(drain(&mut dst), vec![0, 1, 2]);
    }

    #[test]
    fn steal_into_itself_returns_none() {
        let (steal, mut local) = local();
        local.push_back(0..4);
        assert_eq!(steal.steal_into(&mut local), None);
        assert_eq!(drain(&mut local), vec![0, 1, 2, 3]);
    }

    #[test]
    fn steal_takes_no_more_than_dst_can_hold() {
        let (steal, mut src) = local();
        let (_dst_steal, mut dst) = local();
        src.push_back(0..100);
        dst.push_back(1000..1000 + CAPACITY - 2);

        // Room for two in `dst`, plus the one returned.
        assert_eq!(steal.steal_into(&mut dst), Some(0));
        assert_eq!(steal.len(), 97);
        assert_eq!(dst.remaining_slots(), 0);
        assert_eq!(&drain(&mut dst)[CAPACITY - 2..], &[1, 2]);

        // A full `dst` still gets one item to run.
        dst.push_back(0..CAPACITY);
        assert_eq!(steal.steal_into(&mut dst), Some(3));
        assert_eq!(dst.len(), CAPACITY);
        assert_eq!(steal.len(), 96);
    }

    /// Runs a fixed pseudo-random mix of every operation against a `VecDeque` model,
    /// starting just below the `u32` wrap so that positions cross it.
    #[test]
    fn positions_wrap_past_u32_max() {
        let start = u32::MAX - (CAPACITY as u32 + 7);
        let (steal, mut local) = local_starting_at(start);
        let (_dst_steal, mut dst) = local_starting_at(u32::MAX - 3);
        let sink = Recorder::new();
        let mut model = VecDeque::new();
        let mut next = 0usize;
        let mut rng = 0x2545_f491_u32;
        let rounds = if cfg!(miri) { 3_000 } else { 20_000 };
        let (mut overflows, mut steals) = (0, 0);

        for round in 0..rounds {
            rng ^= rng << 13;
            rng ^= rng >> 17;
            rng ^= rng << 5;
            // Alternate phases that fill the ring (and overflow) with ones that drain it.
            let op = match ((round / 400) % 2, rng % 8) {
                (0, 7) => 12, // pop
                (0, _) => 0,  // push
                (_, r) => 10 + r % 6,
            };
            match op {
                0..=11 => {
                    local.push_back_or_overflow(next, &sink);
                    model.push_back(next);
                    next += 1;
                    for batch in sink.batches.borrow_mut().drain(..) {
                        overflows += 1;
                        // The batch is the model's oldest half plus the new item.
                        let half: Vec<usize> = model.drain(..CAPACITY / 2).collect();
                        assert_eq!(batch[..CAPACITY / 2], half[..]);
                        assert_eq!(batch[CAPACITY / 2], model.pop_back().unwrap());
                    }
                }
                12 | 13 => assert_eq!(local.pop(), model.pop_front()),
                _ => {
                    let stolen = steal.steal_into(&mut dst);
                    let expect = model.len() - model.len() / 2;
                    let taken: Vec<usize> = model.drain(..expect).collect();
                    assert_eq!(stolen, taken.first().copied());
                    steals += usize::from(taken.len() > 1);
                    assert_eq!(drain(&mut dst), taken.get(1..).unwrap_or(&[]));
                }
            }
            assert_eq!(local.len(), model.len());
            assert_eq!(steal.len(), model.len());
        }
        assert!(sink.singles.borrow().is_empty());
        assert!(
            overflows > 2 && steals > 2,
            "{overflows} overflows, {steals} steals"
        );
        let tail = local.inner.tail.load(Ordering::Relaxed);
        assert!(tail < start, "the test never wrapped (tail {tail})");
    }

    #[test]
    fn dropping_local_drops_remaining_items() {
        let drops = Arc::new(AtomicUsize::new(0));
        let (steal, mut src) = local();
        let (_dst_steal, mut dst) = local();
        for _ in 0..100 {
            src.push_back_or_overflow(Counted(drops.clone()), &NoOverflow);
        }
        let running = steal.steal_into(&mut dst);
        assert_eq!(dst.len(), 49);
        drop(running);
        assert_eq!(drops.load(Ordering::SeqCst), 1);

        drop(src);
        assert_eq!(drops.load(Ordering::SeqCst), 51);
        // The stealers' end outliving the owner holds nothing.
        assert!(steal.is_empty());
        drop(dst);
        assert_eq!(drops.load(Ordering::SeqCst), 100);
    }

    /// A sink that keeps three items of each batch and drops the iterator.
    struct TakesThree(RefCell<Vec<Counted>>);

    impl Overflow<Counted> for TakesThree {
        fn push(&self, task: Counted) {
            self.0.borrow_mut().push(task);
        }

        fn push_batch(&self, tasks: impl Iterator<Item = Counted>) {
            self.0.borrow_mut().extend(tasks.take(3));
        }
    }

    #[test]
    fn overflow_batch_left_unread_is_dropped() {
        let drops = Arc::new(AtomicUsize::new(0));
        let (_steal, mut local) = local();
        let sink = TakesThree(RefCell::new(Vec::new()));
        for _ in 0..=CAPACITY {
            local.push_back_or_overflow(Counted(drops.clone()), &sink);
        }
        assert_eq!(sink.0.borrow().len(), 3);
        assert_eq!(drops.load(Ordering::SeqCst), CAPACITY / 2 + 1 - 3);
        assert_eq!(local.len(), CAPACITY / 2);
    }

    /// One owner pushing and popping while two threads steal: every item is taken
    /// exactly once.
    #[test]
    fn concurrent_steals_lose_and_duplicate_nothing() {
        struct Shared(std::sync::Mutex<Vec<usize>>);

        impl Overflow<usize> for Shared {
            fn push(&self, task: usize) {
                self.0.lock().unwrap().push(task);
            }

            fn push_batch(&self, tasks: impl Iterator<Item = usize>) {
                self.0.lock().unwrap().extend(tasks);
            }
        }

        let total = if cfg!(miri) { 300 } else { 100_000 };
        let seen: Arc<Vec<AtomicBool>> =
            Arc::new((0..total).map(|_| AtomicBool::new(false)).collect());
        let mark = |seen: &[AtomicBool], i: usize| {
            assert!(
                !seen[i].swap(true, Ordering::SeqCst),
                "item {i} taken twice"
            );
        };
        let done = Arc::new(AtomicBool::new(false));
        let (steal, mut local) = local();
        let overflow = Shared(std::sync::Mutex::new(Vec::new()));

        let stealers: Vec<_> = (0..2)
            .map(|_| {
                let (steal, seen, done) = (steal.clone(), seen.clone(), done.clone());
                std::thread::spawn(move || {
                    let (_s, mut mine) = super::local();
                    loop {
                        let finished = done.load(Ordering::SeqCst);
                        match steal.steal_into(&mut mine) {
                            Some(i) => {
                                mark(&seen, i);
                                while let Some(i) = mine.pop() {
                                    mark(&seen, i);
                                }
                            }
                            None if finished => break,
                            None => std::thread::yield_now(),
                        }
                    }
                })
            })
            .collect();

        for i in 0..total {
            local.push_back_or_overflow(i, &overflow);
            if i % 3 == 0 {
                if let Some(i) = local.pop() {
                    mark(&seen, i);
                }
            }
        }
        while let Some(i) = local.pop() {
            mark(&seen, i);
        }
        done.store(true, Ordering::SeqCst);
        for stealer in stealers {
            stealer.join().unwrap();
        }
        for i in overflow.0.into_inner().unwrap() {
            mark(&seen, i);
        }
        let missing: Vec<usize> = (0..total)
            .filter(|&i| !seen[i].load(Ordering::SeqCst))
            .collect();
        assert!(missing.is_empty(), "items lost: {missing:?}");
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use crate::loom::sync::Mutex;
    use crate::loom::thread;

    /// An overflow sink shared between threads.
    struct Sink(Mutex<Vec<usize>>);

    impl Overflow<usize> for Sink {
        fn push(&self, task: usize) {
            self.0.lock().unwrap().push(task);
        }

        fn push_batch(&self, tasks: impl Iterator<Item = usize>) {
            self.0.lock().unwrap().extend(tasks);
        }
    }

    /// A sink for queues that never fill.
    struct NoSink;

    impl Overflow<usize> for NoSink {
        fn push(&self, _: usize) {
            panic!("overflowed a queue with room");
        }

        fn push_batch(&self, _: impl Iterator<Item = usize>) {
            panic!("overflowed a queue with room");
        }
    }

    /// Steals once into a fresh queue of its own and returns everything it got.
    fn steal_all(steal: &Steal<usize>) -> Vec<usize> {
        let (_s, mut mine) = local();
        let mut got: Vec<usize> = steal.steal_into(&mut mine).into_iter().collect();
        got.extend(iter::from_fn(|| mine.pop()));
        got
    }

    /// Asserts that the items taken, from wherever, are `0..n` each exactly once.
    fn assert_each_once(mut taken: Vec<usize>, n: usize) {
        taken.sort_unstable();
        assert_eq!(taken, (0..n).collect::<Vec<_>>());
    }

    #[test]
    fn owner_pop_races_a_steal() {
        loom::model(|| {
            let (steal, mut local) = local();
            local.push_back(0..3);
            let stealer = thread::spawn(move || steal_all(&steal));

            let mut taken: Vec<usize> = local.pop().into_iter().collect();
            taken.extend(iter::from_fn(|| local.pop()));
            taken.extend(stealer.join().unwrap());
            assert_each_once(taken, 3);
        });
    }

    #[test]
    fn steal_races_a_push() {
        loom::model(|| {
            let (steal, mut local) = local();
            let stealer = thread::spawn(move || steal_all(&steal));

            // A stealer that sees a pushed position must also see the item in it.
            local.push_back_or_overflow(0, &NoSink);
            local.push_back(iter::once(1));

            let mut taken: Vec<usize> = stealer.join().unwrap();
            taken.extend(iter::from_fn(|| local.pop()));
            assert_each_once(taken, 2);
        });
    }

    #[test]
    fn steal_from_a_queue_being_stolen_into() {
        loom::model(|| {
            let (steal_first, mut first) = local();
            first.push_back(0..3);
            let (steal_second, mut second) = local();

            // The second queue's own stealer races the steal that fills it.
            let stealer = thread::spawn(move || steal_all(&steal_second));
            let mut taken: Vec<usize> = steal_first.steal_into(&mut second).into_iter().collect();

            taken.extend(stealer.join().unwrap());
            taken.extend(iter::from_fn(|| second.pop()));
            taken.extend(iter::from_fn(|| first.pop()));
            assert_each_once(taken, 3);
        });
    }

    #[test]
    fn two_stealers_race() {
        loom::model(|| {
            let (steal, mut local) = local();
            local.push_back(0..CAPACITY);
            let stealers: Vec<_> = (0..2)
                .map(|_| {
                    let steal = steal.clone();
                    thread::spawn(move || steal_all(&steal))
                })
                .collect();

            // The owner keeps working: its pushes must not touch a slot that either
            // stealer is still reading.
            let sink = Sink(Mutex::new(Vec::new()));
            let mut taken: Vec<usize> = local.pop().into_iter().collect();
            local.push_back_or_overflow(CAPACITY, &sink);

            for stealer in stealers {
                taken.extend(stealer.join().unwrap());
            }
            taken.extend(iter::from_fn(|| local.pop()));
            taken.extend(sink.0.into_inner().unwrap());
            assert_each_once(taken, CAPACITY + 1);
        });
    }

    #[test]
    fn overflow_races_a_steal() {
        loom::model(|| {
            let (steal, mut local) = local();
            let sink = Sink(Mutex::new(Vec::new()));
            local.push_back(0..CAPACITY);
            let stealer = thread::spawn(move || steal_all(&steal));

            // The ring is full unless the steal got in first.
            local.push_back_or_overflow(CAPACITY, &sink);
            local.push_back_or_overflow(CAPACITY + 1, &sink);

            let mut taken: Vec<usize> = iter::from_fn(|| local.pop()).collect();
            taken.extend(stealer.join().unwrap());
            taken.extend(sink.0.into_inner().unwrap());
            assert_each_once(taken, CAPACITY + 2);
        });
    }

    #[test]
    fn push_into_room_a_steal_frees() {
        loom::model(|| {
            let (steal, mut local) = local();
            let sink = Sink(Mutex::new(Vec::new()));
            local.push_back(0..CAPACITY);
            let stealer = thread::spawn(move || steal_all(&steal));

            // Pop one and push one: the push reuses the slot a stealer may be reading,
            // so it must wait for the stealer to give it back or go to the sink.
            let mut taken: Vec<usize> = local.pop().into_iter().collect();
            local.push_back_or_overflow(CAPACITY, &sink);

            taken.extend(stealer.join().unwrap());
            taken.extend(iter::from_fn(|| local.pop()));
            let overflowed = sink.0.into_inner().unwrap();
            assert!(
                overflowed.len() <= 1,
                "a single push overflowed {overflowed:?}"
            );
            taken.extend(overflowed);
            assert_each_once(taken, CAPACITY + 1);
        });
    }
}
