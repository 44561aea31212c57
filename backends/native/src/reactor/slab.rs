//! The registration slab: turns the token an OS event carries back into the
//! registration it was meant for.
//!
//! A token is `generation << INDEX_BITS | index`. Removing an entry bumps its slot's
//! generation, so a token handed out before the removal no longer matches the slot.
//! That is what stops an event fetched from the kernel just before a deregistration
//! from reaching whoever reuses the slot (possibly for the same fd number).
//!
//! Invariants:
//! - `next_free` heads a list of vacant slots threaded through `Entry::Vacant`, and
//!   equals `slots.len()` when the list is empty.
//! - `len` counts occupied slots.
//! - No token equals [`Slab::RESERVED_TOKEN`]: the last index is never handed out.

/// Bits of a token that hold the slot index; the rest hold the generation.
const INDEX_BITS: u32 = 24;
const INDEX_MASK: usize = (1 << INDEX_BITS) - 1;
/// Indexes `0..MAX_SLOTS` are used; `INDEX_MASK` itself is kept out of every token.
const MAX_SLOTS: usize = INDEX_MASK;
const GENERATION_MASK: usize = usize::MAX >> INDEX_BITS;

/// The slab is full: [`MAX_SLOTS`] live entries.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Full;

#[derive(Debug)]
pub(crate) struct Slab<T> {
    slots: Vec<Slot<T>>,
    next_free: usize,
    len: usize,
}

#[derive(Debug)]
struct Slot<T> {
    generation: usize,
    entry: Entry<T>,
}

#[derive(Debug)]
enum Entry<T> {
    Occupied(T),
    Vacant { next_free: usize },
}

impl<T> Slab<T> {
    /// A token no entry ever has, for the reactor's own wake-up event.
    pub(crate) const RESERVED_TOKEN: usize = usize::MAX;

    pub(crate) const fn new() -> Slab<T> {
        Slab {
            slots: Vec::new(),
            next_free: 0,
            len: 0,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Stores `value` and returns its token.
    pub(crate) fn insert(&mut self, value: T) -> Result<usize, Full> {
        let index = self.next_free;
        if index == self.slots.len() {
            if index == MAX_SLOTS {
                return Err(Full);
            }
            self.slots.push(Slot {
                generation: 0,
                entry: Entry::Occupied(value),
            });
            self.next_free = self.slots.len();
        } else {
            let slot = &mut self.slots[index];
            let Entry::Vacant { next_free } = slot.entry else {
                unreachable!("the free list only links vacant slots");
            };
            self.next_free = next_free;
            slot.entry = Entry::Occupied(value);
        }
        self.len += 1;
        Ok((self.slots[index].generation << INDEX_BITS) | index)
    }

    /// The entry `token` names, if it is still there.
    pub(crate) fn get(&self, token: usize) -> Option<&T> {
        let slot = self.slots.get(token & INDEX_MASK)?;
        match &slot.entry {
            Entry::Occupied(value) if slot.generation == token >> INDEX_BITS => Some(value),
            _ => None,
        }
    }

    /// Takes out the entry `token` names; its slot's later tokens differ from `token`.
    pub(crate) fn remove(&mut self, token: usize) -> Option<T> {
        let index = token & INDEX_MASK;
        let slot = self.slots.get_mut(index)?;
        if slot.generation != token >> INDEX_BITS || matches!(slot.entry, Entry::Vacant { .. }) {
            return None;
        }
        let vacant = Entry::Vacant {
            next_free: self.next_free,
        };
        let Entry::Occupied(value) = std::mem::replace(&mut slot.entry, vacant) else {
            unreachable!("checked occupied above");
        };
        slot.generation = (slot.generation + 1) & GENERATION_MASK;
        self.next_free = index;
        self.len -= 1;
        Some(value)
    }

    /// Every live entry.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> {
        self.slots.iter().filter_map(|slot| match &slot.entry {
            Entry::Occupied(value) => Some(value),
            Entry::Vacant { .. } => None,
        })
    }
}

/// The slot index a token names, for tests.
#[cfg(all(test, not(loom), any(target_os = "linux", target_os = "android")))]
pub(crate) fn index(token: usize) -> usize {
    token & INDEX_MASK
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_get_remove() {
        let mut slab = Slab::new();
        let a = slab.insert("a").unwrap();
        let b = slab.insert("b").unwrap();
        assert_eq!(slab.len(), 2);
        assert_eq!(slab.get(a), Some(&"a"));
        assert_eq!(slab.get(b), Some(&"b"));
        assert_eq!(slab.remove(a), Some("a"));
        assert_eq!(slab.get(a), None);
        assert_eq!(slab.remove(a), None, "a token removes at most once");
        assert_eq!(slab.len(), 1);
        assert_eq!(slab.iter().collect::<Vec<_>>(), [&"b"]);
    }

    #[test]
    fn reused_slot_gets_a_new_generation() {
        let mut slab = Slab::new();
        let old = slab.insert(1).unwrap();
        slab.remove(old).unwrap();
        let new = slab.insert(2).unwrap();
        assert_eq!(old & INDEX_MASK, new & INDEX_MASK, "the slot is reused");
        assert_ne!(old, new);
        assert_eq!(slab.get(old), None, "a stale token finds nothing");
        assert_eq!(slab.remove(old), None, "a stale token removes nothing");
        assert_eq!(slab.get(new), Some(&2));
    }

    #[test]
    fn free_slots_are_reused_before_growing() {
        let mut slab = Slab::new();
        let tokens: Vec<_> = (0..4).map(|i| slab.insert(i).unwrap()).collect();
        slab.remove(tokens[1]).unwrap();
        slab.remove(tokens[3]).unwrap();
        let mut reused: Vec<_> = (0..2)
            .map(|i| slab.insert(10 + i).unwrap() & INDEX_MASK)
            .collect();
        reused.sort_unstable();
        assert_eq!(reused, [1, 3]);
        assert_eq!(slab.insert(99).unwrap() & INDEX_MASK, 4);
    }

    #[test]
    fn generation_wraps_without_touching_the_index() {
        let mut slab = Slab::new();
        slab.insert(0).unwrap();
        slab.slots[0].generation = GENERATION_MASK;
        let token = GENERATION_MASK << INDEX_BITS;
        assert_eq!(slab.remove(token), Some(0));
        assert_eq!(slab.insert(1).unwrap(), 0, "generation wrapped to zero");
    }

    #[test]
    fn reserved_token_never_matches() {
        let mut slab = Slab::new();
        slab.insert(()).unwrap();
        assert_eq!(slab.get(Slab::<()>::RESERVED_TOKEN), None);
        assert_eq!(Slab::<()>::RESERVED_TOKEN & INDEX_MASK, MAX_SLOTS);
    }
}
