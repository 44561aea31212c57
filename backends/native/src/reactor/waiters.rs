//! The waiters of one registration's [`Readiness`](super::Readiness) futures, in a
//! slab so that any number of tasks can wait through `&Registration` at once.
//!
//! A future takes a slot on its first `Pending` and keeps its key until it completes
//! or is dropped, both of which give the slot back; it is the slot's only user in
//! between, so a key needs no generation. Slots are reused, so a registration that
//! has waited before allocates nothing to wait again.
//!
//! Slot states:
//!
//! ```text
//!            insert              wake / wake_all
//! Vacant ───────────► Armed ─────────────────────► Fired
//!   ▲                  ▲  │                          │
//!   │                  │  └─────── remove ───────────┤
//!   │                  └─────────── arm ─────────────┤
//!   └──────────────────────────── remove ────────────┘
//! ```
//!
//! Invariants:
//! - `next_free` heads a list of vacant slots, and equals `slots.len()` when empty.
//! - `armed` counts `Armed` slots, so a wake with no waiters costs nothing.

use std::task::Waker;

use crate::io::Ready;

#[derive(Debug, Default)]
pub(crate) struct WaiterList {
    slots: Vec<Slot>,
    next_free: usize,
    armed: usize,
}

#[derive(Debug)]
enum Slot {
    /// Waiting for readiness in `mask`.
    Armed {
        waker: Waker,
        mask: Ready,
    },
    /// Woken; its future has not polled since.
    Fired,
    Vacant {
        next_free: usize,
    },
}

impl WaiterList {
    /// Takes a slot for a future waiting on readiness in `mask`.
    pub(crate) fn insert(&mut self, waker: &Waker, mask: Ready) -> usize {
        let armed = Slot::Armed {
            waker: waker.clone(),
            mask,
        };
        let key = self.next_free;
        if key == self.slots.len() {
            self.slots.push(armed);
            self.next_free = self.slots.len();
        } else {
            let Slot::Vacant { next_free } = std::mem::replace(&mut self.slots[key], armed) else {
                unreachable!("the free list only links vacant slots");
            };
            self.next_free = next_free;
        }
        self.armed += 1;
        key
    }

    /// Re-arms the slot `key` of a future that was polled again and must keep waiting.
    pub(crate) fn arm(&mut self, key: usize, waker: &Waker, mask: Ready) {
        match &mut self.slots[key] {
            Slot::Armed {
                waker: stored,
                mask: stored_mask,
            } => {
                // Skips the clone when the same task polls again.
                stored.clone_from(waker);
                *stored_mask = mask;
            }
            slot @ Slot::Fired => {
                *slot = Slot::Armed {
                    waker: waker.clone(),
                    mask,
                };
                self.armed += 1;
            }
            Slot::Vacant { .. } => unreachable!("a future re-armed a slot it gave back"),
        }
    }

    /// Gives the slot `key` back.
    pub(crate) fn remove(&mut self, key: usize) {
        let vacant = Slot::Vacant {
            next_free: self.next_free,
        };
        match std::mem::replace(&mut self.slots[key], vacant) {
            Slot::Armed { .. } => self.armed -= 1,
            Slot::Fired => {}
            Slot::Vacant { .. } => unreachable!("a slot was given back twice"),
        }
        self.next_free = key;
    }

    /// Fires every armed waiter whose mask meets `ready`, moving its waker to `wakers`.
    pub(crate) fn wake(&mut self, ready: Ready, wakers: &mut Vec<Waker>) {
        self.fire_where(wakers, |mask| !(mask & ready).is_empty());
    }

    /// Fires every armed waiter.
    pub(crate) fn wake_all(&mut self, wakers: &mut Vec<Waker>) {
        self.fire_where(wakers, |_| true);
    }

    fn fire_where(&mut self, wakers: &mut Vec<Waker>, fire: impl Fn(Ready) -> bool) {
        if self.armed == 0 {
            return;
        }
        for slot in &mut self.slots {
            if matches!(slot, Slot::Armed { mask, .. } if fire(*mask)) {
                let Slot::Armed { waker, .. } = std::mem::replace(slot, Slot::Fired) else {
                    unreachable!("matched armed above");
                };
                wakers.push(waker);
                self.armed -= 1;
            }
        }
    }

    /// Slots held by futures (armed or fired), for tests.
    #[cfg(test)]
    pub(crate) fn occupied(&self) -> usize {
        let occupied = |slot: &&Slot| !matches!(slot, Slot::Vacant { .. });
        self.slots.iter().filter(occupied).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noop() -> Waker {
        Waker::noop().clone()
    }

    #[test]
    fn wake_fires_matching_waiters_only() {
        let mut list = WaiterList::default();
        let reader = list.insert(&noop(), Ready::READABLE | Ready::READ_CLOSED);
        let writer = list.insert(&noop(), Ready::WRITABLE);
        let mut wakers = Vec::new();

        list.wake(Ready::READ_CLOSED, &mut wakers);
        assert_eq!(wakers.len(), 1);
        assert!(matches!(list.slots[reader], Slot::Fired));
        assert!(matches!(list.slots[writer], Slot::Armed { .. }));

        // A fired waiter is not fired again until re-armed.
        list.wake(Ready::ALL, &mut wakers);
        assert_eq!(wakers.len(), 2);
        list.wake(Ready::ALL, &mut wakers);
        assert_eq!(wakers.len(), 2);

        list.arm(reader, &noop(), Ready::READABLE);
        list.wake_all(&mut wakers);
        assert_eq!(wakers.len(), 3);
    }

    #[test]
    fn removed_slots_are_reused() {
        let mut list = WaiterList::default();
        let keys: Vec<_> = (0..3)
            .map(|_| list.insert(&noop(), Ready::READABLE))
            .collect();
        list.remove(keys[0]);
        list.remove(keys[2]);
        assert_eq!(list.occupied(), 1);
        assert_eq!(list.armed, 1);
        let mut reused = [
            list.insert(&noop(), Ready::READABLE),
            list.insert(&noop(), Ready::READABLE),
        ];
        reused.sort_unstable();
        assert_eq!(reused, [0, 2]);
        assert_eq!(list.slots.len(), 3, "no growth while slots are free");
    }

    #[test]
    fn wake_with_nothing_armed_is_free() {
        let mut list = WaiterList::default();
        let key = list.insert(&noop(), Ready::READABLE);
        let mut wakers = Vec::new();
        list.wake(Ready::READABLE, &mut wakers);
        list.remove(key);
        assert_eq!(list.armed, 0);
        list.wake(Ready::ALL, &mut wakers);
        assert_eq!(wakers.len(), 1);
    }
}
