//! Timer entries and the intrusive lists the wheel links them into.
//!
//! A [`TimerEntry`] lives inside its [`Sleep`](super::Sleep): registering a sleep links
//! the entry into a list of the wheel and allocates nothing. The lists are doubly linked
//! so that a sleep dropped before its deadline unlinks itself in O(1).
//!
//! # Who owns which field
//!
//! The entry's `state` says who may touch the rest of it (`shared`: the links, the
//! deadline tick, where it is linked, the waker):
//!
//! | state | linked? | `shared` belongs to | `state` is written by |
//! |---|---|---|---|
//! | [`IDLE`] | no | the owning `Sleep` | the owner, or the lock holder in `cancel` |
//! | [`REGISTERED`] | in exactly one list of one wheel | whoever holds that wheel's lock | the lock holder |
//! | [`FIRED`] | no | the owning `Sleep` | the lock holder in `fire`; the owner when re-arming |
//!
//! The owner reads `state` without the lock (Acquire) so that polling a fired sleep and
//! dropping an unregistered one cost no lock; it takes the lock and reads `state` again
//! before acting on `REGISTERED`, since the driver may fire the entry in between.
//!
//! ```text
//!          register (when > elapsed)              fire (process, reset, shutdown)
//!   IDLE ──────────────────────────▶ REGISTERED ──────────────────────────────▶ FIRED
//!    │ ▲                                  │                                      │
//!    │ └──────── cancel (drop, reset) ────┘                                      │
//!    │ ▲                                                                         │
//!    │ └──────────────────────────────── rearm (reset) ──────────────────────────┘
//!    └─────────────── register (when <= elapsed) ───────────────────────────────▶ FIRED
//! ```
//!
//! # Why the pointers stay valid
//!
//! An entry is linked only through a `Sleep` that is pinned (registration happens in
//! `poll`), and `Sleep::drop` unlinks it under the lock before the memory can be reused.
//! So every pointer in a list, and every pointer the wheel hands out of [`EntryList`],
//! points to a live entry for as long as the entry is `REGISTERED`. [`fire`] is the last
//! touch of the driver: after its Release store of `FIRED` the owner may free the entry.
//!
//! [`fire`]: TimerEntry::fire

use std::fmt;
use std::marker::PhantomPinned;
use std::ptr::NonNull;
use std::task::Waker;

use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::{AtomicU8, Ordering};

/// In no list; the owner has not registered it (or cancelled it, or re-armed it).
pub(super) const IDLE: u8 = 0;
/// In one list of the wheel; its `shared` fields belong to the wheel's lock holder.
pub(super) const REGISTERED: u8 = 1;
/// Its deadline passed (or the driver shut down): in no list, the waker was taken.
pub(super) const FIRED: u8 = 2;

/// Where a registered entry is linked, so that it can be unlinked without a search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Location {
    /// `slot` of wheel level `level`.
    Slot { level: u8, slot: u8 },
    /// The wheel's list of entries that are due and about to be fired.
    Pending,
}

/// The timer state a `Sleep` embeds: a node of the wheel's intrusive lists.
///
/// `!Unpin`: the wheel holds its address while it is registered.
pub(crate) struct TimerEntry {
    /// [`IDLE`], [`REGISTERED`] or [`FIRED`]; see the module docs for who writes it.
    state: AtomicU8,
    /// Belongs to the wheel's lock holder while `REGISTERED`, to the owner otherwise.
    shared: UnsafeCell<Shared>,
    _pinned: PhantomPinned,
}

/// The fields of an entry that the wheel reads and writes under its lock.
pub(super) struct Shared {
    /// INVARIANT: while the entry is linked, the entry before it in the same list (`None`
    /// at the head); that entry is live and linked too.
    prev: Option<NonNull<TimerEntry>>,
    /// INVARIANT: while the entry is linked, the entry after it in the same list (`None`
    /// at the tail); that entry is live and linked too.
    next: Option<NonNull<TimerEntry>>,
    /// The tick at which the entry is due (its deadline rounded up to a millisecond).
    pub(super) when: u64,
    /// The list the entry is linked into, while it is linked.
    pub(super) location: Location,
    /// The task to wake when the entry fires; `Some` while registered.
    pub(super) waker: Option<Waker>,
}

// SAFETY: `shared` (the only field that is not already thread-safe) is reached only by the
// wheel's lock holder while the entry is REGISTERED and only by the owner otherwise (module
// docs), so no two threads ever touch it at once; the pointers in it lead to other entries
// under the same rule, and `Waker` is `Send + Sync`.
unsafe impl Send for TimerEntry {}
// SAFETY: as for `Send`: shared access to a `TimerEntry` reaches `shared` only under the
// ownership rule above, and `state` is atomic.
unsafe impl Sync for TimerEntry {}

impl TimerEntry {
    /// An entry in no list.
    pub(crate) fn new() -> TimerEntry {
        TimerEntry {
            state: AtomicU8::new(IDLE),
            shared: UnsafeCell::new(Shared {
                prev: None,
                next: None,
                when: 0,
                location: Location::Pending,
                waker: None,
            }),
            _pinned: PhantomPinned,
        }
    }

    /// The current state; Acquire, so that after seeing `FIRED` the owner also sees
    /// everything the driver did to `shared` before firing.
    #[inline]
    pub(super) fn state(&self) -> u8 {
        self.state.load(Ordering::Acquire)
    }

    /// Sets the state. Only the party the module docs name may call it for a transition.
    #[inline]
    pub(super) fn set_state(&self, state: u8) {
        self.state.store(state, Ordering::Release);
    }

    /// Runs `f` on the entry's shared fields.
    ///
    /// # Safety
    ///
    /// The caller has the right to `shared` (module docs): it holds the lock of the wheel
    /// the entry is linked into, or the entry is in no list and the caller is its owner
    /// (or holds the lock on the owner's behalf). `f` must not reach this entry's
    /// `shared` again, so the `&mut` it gets is the only reference.
    #[inline]
    pub(super) unsafe fn with_shared<R>(&self, f: impl FnOnce(&mut Shared) -> R) -> R {
        self.shared.with_mut(|shared| {
            // SAFETY: the caller has exclusive right to `shared` (this function's
            // contract), so no other reference to it exists while `f` runs.
            f(unsafe { &mut *shared })
        })
    }

    /// Marks an entry the driver has just unlinked as fired and takes its waker.
    ///
    /// # Safety
    ///
    /// `entry` is live, REGISTERED, no longer in any list, and the caller holds the lock
    /// of the wheel it was in. The caller must not touch `entry` after this returns: its
    /// owner may free it as soon as it sees `FIRED`.
    pub(super) unsafe fn fire(entry: NonNull<TimerEntry>) -> Option<Waker> {
        // SAFETY: `entry` is live (contract), and the owner cannot free it before it sees
        // the `FIRED` stored below.
        let entry = unsafe { entry.as_ref() };
        debug_assert_eq!(entry.state(), REGISTERED);
        // SAFETY: the caller holds the wheel's lock and the entry was REGISTERED, so the
        // caller has the right to `shared`.
        let waker = unsafe { entry.with_shared(|shared| shared.waker.take()) };
        // Last access: Release publishes the taken waker to the owner.
        entry.set_state(FIRED);
        waker
    }
}

impl fmt::Debug for TimerEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.state() {
            IDLE => "idle",
            REGISTERED => "registered",
            _ => "fired",
        };
        f.debug_struct("TimerEntry").field("state", &state).finish()
    }
}

/// The head of an intrusive, doubly linked list of entries (one wheel slot, or the
/// wheel's pending list). New entries go to the front.
///
/// INVARIANT: every entry reachable from `head` is live, REGISTERED, linked in this list
/// only, and whoever holds `&mut` to this list has the right to its `shared` fields
/// (the list lives in the wheel, behind the wheel's lock).
pub(super) struct EntryList {
    head: Option<NonNull<TimerEntry>>,
}

// SAFETY: the list only leads to entries whose `shared` fields belong to the holder of
// `&mut` to the list (its INVARIANT), so moving the list to another thread moves that
// right with it; `TimerEntry` is `Sync`.
unsafe impl Send for EntryList {}

impl EntryList {
    /// An empty list.
    pub(super) const fn new() -> EntryList {
        EntryList { head: None }
    }

    /// Whether no entry is linked.
    #[inline]
    pub(super) fn is_empty(&self) -> bool {
        self.head.is_none()
    }

    /// Links `entry` at the front.
    ///
    /// # Safety
    ///
    /// `entry` is live, in no list, and stays live and in place until it is unlinked
    /// again (by [`remove`](Self::remove) or [`pop_front`](Self::pop_front)); the caller
    /// has the right to its `shared` fields now and hands that right to the list's
    /// holder while it is linked.
    #[inline]
    pub(super) unsafe fn push_front(&mut self, entry: NonNull<TimerEntry>) {
        let old_head = self.head;
        // SAFETY: `entry` is live and the caller has the right to its `shared`
        // (contract); `f` touches no other entry.
        unsafe {
            entry.as_ref().with_shared(|shared| {
                debug_assert!(shared.prev.is_none() && shared.next.is_none());
                shared.prev = None;
                shared.next = old_head;
            });
        }
        if let Some(old_head) = old_head {
            // SAFETY: `old_head` is linked in this list, so it is live and its `shared`
            // belongs to us, the holder of `&mut self` (INVARIANT); it is not `entry`,
            // which was in no list.
            unsafe {
                old_head
                    .as_ref()
                    .with_shared(|shared| shared.prev = Some(entry))
            };
        }
        self.head = Some(entry);
    }

    /// Unlinks `entry`.
    ///
    /// # Safety
    ///
    /// `entry` is linked in this list.
    #[inline]
    pub(super) unsafe fn remove(&mut self, entry: NonNull<TimerEntry>) {
        // SAFETY: `entry` is in this list (contract), so it is live and its `shared`
        // belongs to us (INVARIANT).
        let (prev, next) = unsafe {
            entry.as_ref().with_shared(|shared| {
                let links = (shared.prev, shared.next);
                shared.prev = None;
                shared.next = None;
                links
            })
        };
        match prev {
            // SAFETY: `prev` is linked in this list next to `entry` (the links'
            // INVARIANT), so it is live, its `shared` is ours, and it is not `entry`.
            Some(prev) => unsafe { prev.as_ref().with_shared(|shared| shared.next = next) },
            None => {
                debug_assert_eq!(self.head, Some(entry), "entry is not in this list");
                self.head = next;
            }
        }
        if let Some(next) = next {
            // SAFETY: as for `prev`.
            unsafe { next.as_ref().with_shared(|shared| shared.prev = prev) };
        }
    }

    /// Unlinks and returns the front entry, which stays REGISTERED: the caller now holds
    /// the right to its `shared` fields and must fire it or link it again.
    #[inline]
    pub(super) fn pop_front(&mut self) -> Option<NonNull<TimerEntry>> {
        let head = self.head?;
        // SAFETY: `head` is linked in this list.
        unsafe { self.remove(head) };
        Some(head)
    }

    /// Moves every entry out into a new list, leaving this one empty.
    #[inline]
    pub(super) fn take(&mut self) -> EntryList {
        EntryList {
            head: self.head.take(),
        }
    }
}

impl fmt::Debug for EntryList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EntryList")
            .field("empty", &self.is_empty())
            .finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::pin::Pin;

    /// Entries pinned on the heap, and a list that borrows them; the list is emptied
    /// before the entries go away.
    struct Fixture {
        entries: Vec<Pin<Box<TimerEntry>>>,
        list: EntryList,
    }

    impl Fixture {
        fn new(n: usize) -> Fixture {
            let entries = (0..n).map(|_| Box::pin(TimerEntry::new())).collect();
            Fixture {
                entries,
                list: EntryList::new(),
            }
        }

        fn ptr(&self, i: usize) -> NonNull<TimerEntry> {
            NonNull::from(&*self.entries[i])
        }

        fn push(&mut self, i: usize) {
            let entry = self.ptr(i);
            self.entries[i].set_state(REGISTERED);
            // SAFETY: the entry is pinned in `entries`, in no list (each test pushes an
            // index once), and `Drop` empties the list before `entries` is dropped.
            unsafe { self.list.push_front(entry) };
        }

        fn remove(&mut self, i: usize) {
            let entry = self.ptr(i);
            // SAFETY: tests remove only indices they pushed and have not removed.
            unsafe { self.list.remove(entry) };
            self.entries[i].set_state(IDLE);
        }

        /// Indices in list order, emptying the list.
        fn drain(&mut self) -> Vec<usize> {
            let mut order = Vec::new();
            while let Some(entry) = self.list.pop_front() {
                let i = self
                    .entries
                    .iter()
                    .position(|e| NonNull::from(&**e) == entry);
                let i = i.expect("the list returned an entry it was not given");
                self.entries[i].set_state(IDLE);
                order.push(i);
            }
            order
        }
    }

    impl Drop for Fixture {
        fn drop(&mut self) {
            self.drain();
        }
    }

    #[test]
    fn push_front_then_pop_is_lifo() {
        let mut f = Fixture::new(4);
        for i in 0..4 {
            f.push(i);
        }
        assert_eq!(f.drain(), vec![3, 2, 1, 0]);
        assert!(f.list.is_empty());
    }

    #[test]
    fn remove_head_middle_and_tail() {
        let mut f = Fixture::new(5);
        for i in 0..5 {
            f.push(i);
        }
        // List order: 4 3 2 1 0.
        f.remove(4); // head
        f.remove(2); // middle
        f.remove(0); // tail
        assert_eq!(f.drain(), vec![3, 1]);
    }

    #[test]
    fn removed_entry_can_be_linked_again() {
        let mut f = Fixture::new(3);
        for i in 0..3 {
            f.push(i);
        }
        f.remove(1);
        f.push(1);
        assert_eq!(f.drain(), vec![1, 2, 0]);
    }

    #[test]
    fn remove_the_only_entry_empties_the_list() {
        let mut f = Fixture::new(1);
        f.push(0);
        f.remove(0);
        assert!(f.list.is_empty());
        assert_eq!(f.list.pop_front(), None);
    }

    #[test]
    fn take_moves_every_entry() {
        let mut f = Fixture::new(3);
        for i in 0..3 {
            f.push(i);
        }
        let mut taken = f.list.take();
        assert!(f.list.is_empty());
        let mut count = 0;
        while taken.pop_front().is_some() {
            count += 1;
        }
        assert_eq!(count, 3);
    }

    #[test]
    fn fire_takes_the_waker_and_marks_fired() {
        let mut f = Fixture::new(1);
        f.push(0);
        let entry = f.list.pop_front().unwrap();
        // SAFETY: the entry was just unlinked; the fixture owns it and stands in for the
        // lock holder.
        unsafe {
            entry
                .as_ref()
                .with_shared(|s| s.waker = Some(Waker::noop().clone()))
        };
        // SAFETY: live, REGISTERED, unlinked, and not touched through `entry` again.
        let waker = unsafe { TimerEntry::fire(entry) };
        assert!(waker.is_some());
        assert_eq!(f.entries[0].state(), FIRED);
    }
}
