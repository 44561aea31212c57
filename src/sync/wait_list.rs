//! The queue of waiting tasks that every primitive in `sync` is built on.
//!
//! A [`WaitList`] is a doubly linked FIFO whose nodes live in a slab (`Vec` slots
//! linked by index), so it needs no `unsafe` and, once the slab has grown to the
//! largest number of simultaneous waiters, no allocation per wait. It is always used
//! under the lock of the primitive that owns it.
//!
//! Invariants:
//!
//! - **One owner per waiter.** [`WaitList::push_back`] hands out a [`Key`] (not
//!   `Clone`) to the waiting future. Only that future frees the slot, with
//!   [`WaitList::remove`], when it completes or is dropped. A notifier only *unlinks*
//!   a waiter (`pop_*`) and records in its `value` why; the owner reads that on its
//!   next poll. So a key can never refer to a reused slot.
//! - **Linked or not.** A waiter is in exactly one of: the main queue, one detached
//!   chain (see below), or no chain. `len()` counts the main queue only.
//! - **Detached chains.** [`WaitList::detach_all`] moves the whole main queue into a
//!   chain of its own, ringed through a sentinel slot, in O(n). Waiters that arrive
//!   afterwards join the (now empty) main queue and are not in the chain; waiters in
//!   the chain can still unlink themselves, because unlinking needs only a node's own
//!   neighbours. `Notify::notify_waiters` uses this to wake exactly the waiters that
//!   were present when it was called, while releasing the lock between batches.
//!
//! ```text
//!   main:   head -> a <-> b <-> c <- tail          (prev of a, next of c: NIL)
//!   detach_all():
//!   main:   empty          chain:  S -> a <-> b <-> c -> S   (S: sentinel slot)
//! ```

use std::fmt;
use std::task::Waker;

/// "No slot": the end of the main queue or of the free list.
const NIL: usize = usize::MAX;

/// How many slots a slab may keep allocated once every waiter has left it.
const RETAINED_SLOTS: usize = 64;

/// The owning handle of one waiter; see the module docs.
#[derive(Debug)]
pub(crate) struct Key(usize);

/// The handle of a detached chain, held by whoever detached it.
#[derive(Debug)]
pub(crate) struct Detached(usize);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    Unlinked,
    Queued,
    Detached,
}

#[derive(Clone, Copy, Debug)]
struct Links {
    prev: usize,
    next: usize,
}

/// One waiting task: its waker and the primitive's per-waiter state.
#[derive(Debug)]
pub(crate) struct Waiter<T> {
    links: Links,
    place: Place,
    waker: Option<Waker>,
    /// What the primitive records about this waiter (permits still needed, how it was
    /// notified, ...).
    pub(crate) value: T,
}

impl<T> Waiter<T> {
    /// Whether the waiter is still queued (in the main queue or a detached chain).
    pub(crate) fn is_linked(&self) -> bool {
        self.place != Place::Unlinked
    }

    /// Stores `waker` unless the stored one already wakes the same task. Returns the
    /// waker it replaced, which the caller drops after releasing the lock (dropping a
    /// waker may run arbitrary code).
    pub(crate) fn set_waker(&mut self, waker: &Waker) -> Option<Waker> {
        match &self.waker {
            Some(current) if current.will_wake(waker) => None,
            _ => self.waker.replace(waker.clone()),
        }
    }

    /// Takes the waker, to wake it once the lock is released.
    pub(crate) fn take_waker(&mut self) -> Option<Waker> {
        self.waker.take()
    }
}

enum Slot<T> {
    Vacant { next_free: usize },
    Waiter(Waiter<T>),
    Sentinel(Links),
}

/// A FIFO of waiters in a slab; see the module docs.
pub(crate) struct WaitList<T> {
    slots: Vec<Slot<T>>,
    head: usize,
    tail: usize,
    free: usize,
    /// Waiters in the main queue.
    queued: usize,
    /// Slots that are not vacant (waiters in any state, and sentinels).
    occupied: usize,
}

impl<T> WaitList<T> {
    pub(crate) const fn new() -> WaitList<T> {
        WaitList {
            slots: Vec::new(),
            head: NIL,
            tail: NIL,
            free: NIL,
            queued: 0,
            occupied: 0,
        }
    }

    /// Whether the main queue is empty.
    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        self.queued == 0
    }

    /// Queues a new waiter at the back and returns its owning key.
    pub(crate) fn push_back(&mut self, value: T, waker: Option<Waker>) -> Key {
        let index = self.allocate(Slot::Waiter(Waiter {
            links: Links {
                prev: NIL,
                next: NIL,
            },
            place: Place::Unlinked,
            waker,
            value,
        }));
        self.link_back(index);
        Key(index)
    }

    /// The waiter `key` owns.
    pub(crate) fn get(&self, key: &Key) -> &Waiter<T> {
        match &self.slots[key.0] {
            Slot::Waiter(waiter) => waiter,
            _ => unreachable!("a key always names an occupied waiter slot"),
        }
    }

    /// The waiter `key` owns.
    pub(crate) fn get_mut(&mut self, key: &Key) -> &mut Waiter<T> {
        self.waiter_mut(key.0)
    }

    /// Frees the waiter's slot, unlinking it first if it is still queued, and returns
    /// its value and waker (to drop once the lock is released).
    pub(crate) fn remove(&mut self, key: Key) -> (T, Option<Waker>) {
        let index = key.0;
        if self.waiter_mut(index).is_linked() {
            self.unlink(index);
        }
        match self.release(index) {
            Slot::Waiter(waiter) => (waiter.value, waiter.waker),
            _ => unreachable!("a key always names an occupied waiter slot"),
        }
    }

    /// The waiter at the front of the main queue, left in place.
    pub(crate) fn front_mut(&mut self) -> Option<&mut Waiter<T>> {
        match self.head {
            NIL => None,
            head => Some(self.waiter_mut(head)),
        }
    }

    /// Unlinks the waiter at the front of the main queue and returns it, so that the
    /// caller can record why and take its waker. Its owner still frees the slot.
    pub(crate) fn pop_front(&mut self) -> Option<&mut Waiter<T>> {
        match self.head {
            NIL => None,
            head => {
                self.unlink(head);
                Some(self.waiter_mut(head))
            }
        }
    }

    /// As [`WaitList::pop_front`], from the back.
    pub(crate) fn pop_back(&mut self) -> Option<&mut Waiter<T>> {
        match self.tail {
            NIL => None,
            tail => {
                self.unlink(tail);
                Some(self.waiter_mut(tail))
            }
        }
    }

    /// Moves every waiter of the main queue, in order, into a detached chain.
    /// Returns `None` (and allocates nothing) when the main queue is empty.
    pub(crate) fn detach_all(&mut self) -> Option<Detached> {
        if self.head == NIL {
            return None;
        }
        let (first, last) = (self.head, self.tail);
        let sentinel = self.allocate(Slot::Sentinel(Links {
            prev: last,
            next: first,
        }));
        self.links_mut(first).prev = sentinel;
        self.links_mut(last).next = sentinel;
        let mut index = first;
        while index != sentinel {
            let waiter = self.waiter_mut(index);
            waiter.place = Place::Detached;
            index = waiter.links.next;
        }
        self.head = NIL;
        self.tail = NIL;
        self.queued = 0;
        Some(Detached(sentinel))
    }

    /// Unlinks the first waiter of a detached chain and returns it, like
    /// [`WaitList::pop_front`]; `None` once the chain is empty.
    pub(crate) fn pop_detached(&mut self, chain: &Detached) -> Option<&mut Waiter<T>> {
        let first = self.links_mut(chain.0).next;
        if first == chain.0 {
            return None;
        }
        self.unlink(first);
        Some(self.waiter_mut(first))
    }

    /// Frees the sentinel of an emptied detached chain.
    pub(crate) fn free_detached(&mut self, chain: Detached) {
        debug_assert_eq!(self.links_mut(chain.0).next, chain.0, "chain not empty");
        self.release(chain.0);
    }

    fn allocate(&mut self, slot: Slot<T>) -> usize {
        self.occupied += 1;
        if self.free == NIL {
            self.slots.push(slot);
            return self.slots.len() - 1;
        }
        let index = self.free;
        match std::mem::replace(&mut self.slots[index], slot) {
            Slot::Vacant { next_free } => self.free = next_free,
            _ => unreachable!("the free list holds only vacant slots"),
        }
        index
    }

    fn release(&mut self, index: usize) -> Slot<T> {
        let slot = std::mem::replace(
            &mut self.slots[index],
            Slot::Vacant {
                next_free: self.free,
            },
        );
        self.free = index;
        self.occupied -= 1;
        if self.occupied == 0 && self.slots.len() > RETAINED_SLOTS {
            // A burst of waiters is over: give its memory back.
            self.slots = Vec::new();
            self.free = NIL;
        }
        slot
    }

    fn link_back(&mut self, index: usize) {
        let tail = self.tail;
        {
            let waiter = self.waiter_mut(index);
            waiter.links = Links {
                prev: tail,
                next: NIL,
            };
            waiter.place = Place::Queued;
        }
        if tail == NIL {
            self.head = index;
        } else {
            self.links_mut(tail).next = index;
        }
        self.tail = index;
        self.queued += 1;
    }

    /// Unlinks a linked waiter from whichever chain it is in.
    fn unlink(&mut self, index: usize) {
        let (Links { prev, next }, place) = {
            let waiter = self.waiter_mut(index);
            let old = (waiter.links, waiter.place);
            waiter.place = Place::Unlinked;
            old
        };
        debug_assert_ne!(place, Place::Unlinked);
        // A detached chain is a ring through its sentinel, so only main-queue ends
        // are NIL.
        if prev == NIL {
            self.head = next;
        } else {
            self.links_mut(prev).next = next;
        }
        if next == NIL {
            self.tail = prev;
        } else {
            self.links_mut(next).prev = prev;
        }
        if place == Place::Queued {
            self.queued -= 1;
        }
    }

    fn waiter_mut(&mut self, index: usize) -> &mut Waiter<T> {
        match &mut self.slots[index] {
            Slot::Waiter(waiter) => waiter,
            _ => unreachable!("a linked index always names a waiter slot"),
        }
    }

    fn links_mut(&mut self, index: usize) -> &mut Links {
        match &mut self.slots[index] {
            Slot::Waiter(waiter) => &mut waiter.links,
            Slot::Sentinel(links) => links,
            Slot::Vacant { .. } => unreachable!("a linked index never names a vacant slot"),
        }
    }
}

impl<T> Default for WaitList<T> {
    fn default() -> Self {
        WaitList::new()
    }
}

impl<T> fmt::Debug for WaitList<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitList")
            .field("queued", &self.queued)
            .field("occupied", &self.occupied)
            .finish()
    }
}

/// Wakers collected under a lock, to be woken after it is released, in batches of a
/// fixed size so that collecting them never allocates.
pub(crate) struct WakeList {
    wakers: [Option<Waker>; WakeList::CAPACITY],
    len: usize,
}

impl WakeList {
    const CAPACITY: usize = 32;

    pub(crate) fn new() -> WakeList {
        WakeList {
            wakers: [const { None }; WakeList::CAPACITY],
            len: 0,
        }
    }

    #[inline]
    pub(crate) fn can_push(&self) -> bool {
        self.len < WakeList::CAPACITY
    }

    /// Adds a waker; the caller checks [`WakeList::can_push`] first.
    #[inline]
    pub(crate) fn push(&mut self, waker: Waker) {
        debug_assert!(self.can_push());
        self.wakers[self.len] = Some(waker);
        self.len += 1;
    }

    /// Wakes and clears every waker collected so far.
    pub(crate) fn wake_all(&mut self) {
        let len = std::mem::take(&mut self.len);
        for slot in &mut self.wakers[..len] {
            if let Some(waker) = slot.take() {
                waker.wake();
            }
        }
    }
}

impl fmt::Debug for WakeList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WakeList").field("len", &self.len).finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    fn drain_front(list: &mut WaitList<u32>) -> Vec<u32> {
        let mut out = Vec::new();
        while let Some(waiter) = list.pop_front() {
            out.push(waiter.value);
        }
        out
    }

    #[test]
    fn pops_in_fifo_order_from_the_front_and_lifo_from_the_back() {
        let mut list = WaitList::new();
        let keys: Vec<Key> = (0..4).map(|i| list.push_back(i, None)).collect();
        assert_eq!(list.queued, 4);
        assert_eq!(list.pop_back().map(|w| w.value), Some(3));
        assert_eq!(drain_front(&mut list), vec![0, 1, 2]);
        assert!(list.is_empty());
        // Popped waiters are unlinked, but their slots stay with their owners.
        for (i, key) in keys.into_iter().enumerate() {
            assert!(!list.get(&key).is_linked());
            assert_eq!(list.remove(key).0, i as u32);
        }
        assert_eq!(list.occupied, 0);
    }

    #[test]
    fn remove_from_the_middle_keeps_the_order_of_the_rest() {
        let mut list = WaitList::new();
        let a = list.push_back(1, None);
        let b = list.push_back(2, None);
        let c = list.push_back(3, None);
        assert_eq!(list.remove(b).0, 2);
        assert_eq!(list.queued, 2);
        let d = list.push_back(4, None);
        assert_eq!(drain_front(&mut list), vec![1, 3, 4]);
        for key in [a, c, d] {
            list.remove(key);
        }
        assert_eq!(list.occupied, 0);
    }

    #[test]
    fn freed_slots_are_reused_without_growing() {
        let mut list = WaitList::new();
        let keys: Vec<Key> = (0..8).map(|i| list.push_back(i, None)).collect();
        for key in keys {
            list.remove(key);
        }
        let before = list.slots.len();
        let keys: Vec<Key> = (0..8).map(|i| list.push_back(i, None)).collect();
        assert_eq!(list.slots.len(), before);
        for key in keys {
            list.remove(key);
        }
    }

    #[test]
    fn a_large_empty_slab_is_released() {
        let mut list = WaitList::new();
        let keys: Vec<Key> = (0..200).map(|i| list.push_back(i, None)).collect();
        for key in keys {
            list.remove(key);
        }
        assert_eq!(list.slots.capacity(), 0);
        let key = list.push_back(1, None);
        assert_eq!(list.pop_front().map(|w| w.value), Some(1));
        list.remove(key);
    }

    #[test]
    fn detached_chain_holds_only_the_waiters_present_when_detached() {
        let mut list = WaitList::new();
        let a = list.push_back(1, None);
        let b = list.push_back(2, None);
        let c = list.push_back(3, None);
        let chain = list.detach_all().expect("queue was not empty");
        assert!(list.is_empty());
        let d = list.push_back(4, None);
        // A detached waiter can still remove itself.
        assert!(list.get(&b).is_linked());
        list.remove(b);
        let mut popped = Vec::new();
        while let Some(waiter) = list.pop_detached(&chain) {
            popped.push(waiter.value);
        }
        assert_eq!(popped, vec![1, 3]);
        list.free_detached(chain);
        assert_eq!(list.queued, 1);
        assert_eq!(drain_front(&mut list), vec![4]);
        for key in [a, c, d] {
            list.remove(key);
        }
        assert_eq!(list.occupied, 0);
        assert!(list.detach_all().is_none());
    }

    #[test]
    fn set_waker_keeps_an_equivalent_waker() {
        let waker = std::task::Waker::noop().clone();
        let mut list = WaitList::new();
        let key = list.push_back((), Some(waker.clone()));
        assert!(list.get_mut(&key).set_waker(&waker).is_none());
        assert!(list.get_mut(&key).take_waker().is_some());
        assert!(list.get_mut(&key).set_waker(&waker).is_none());
        list.remove(key);
    }
}
