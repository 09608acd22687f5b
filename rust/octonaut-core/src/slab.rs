//! Fixed-capacity slab with generational keys.
//!
//! Strategy: all slots are created at construction, each holding a live `T`
//! (built by a factory), so a slot's buffers are allocated once and reused
//! for every value that ever lives there: `insert_with` hands the caller the
//! recycled `T` to overwrite in place, `remove` only marks the slot free. The
//! free slots form an intrusive singly linked list (`next_free` indices), so
//! insert and remove are O(1) and touch no allocator. Every slot carries a
//! generation that is bumped when the slot is freed; a [`Key`] names a slot
//! *and* the generation it was issued for, so a stale key (whose value was
//! removed, the slot perhaps reused) never reaches the new occupant. When
//! every slot is taken, insertion fails (`None`/`Err`): the caller gets
//! backpressure, the slab never grows.
//!
//! Concurrency: a slab is single-owner (`&mut self` for every mutation); it
//! is `Send` when `T` is, so a stream's slab can move between worker threads
//! with its stream, but it is never shared, hence no atomics and no loom
//! model. Generations are `u32` and wrap after 2^32 reuses of one slot; a key
//! would have to be held across four billion reuses of the same slot to alias.

use std::fmt;

/// Names one occupied slot of a [`Slab`] for one occupancy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    /// Slot index, `< capacity`.
    pub index: u32,
    /// The slot's generation when the key was issued.
    pub generation: u32,
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}v{}", self.index, self.generation)
    }
}

/// Sentinel for "no next free slot".
const NONE: u32 = u32::MAX;

struct Slot<T> {
    value: T,
    generation: u32,
    occupied: bool,
    next_free: u32,
}

/// A fixed-capacity slab of reusable `T` slots addressed by generational [`Key`]s.
pub struct Slab<T> {
    slots: Box<[Slot<T>]>,
    free_head: u32,
    len: usize,
}

impl<T> Slab<T> {
    /// A slab of `capacity` slots, each pre-filled by `make` (which is where
    /// a slot's buffers are allocated, once). `capacity` must fit in `u32`
    /// below `u32::MAX`.
    ///
    /// # Panics
    /// If `capacity >= u32::MAX` (a construction-time programming error).
    pub fn new(capacity: usize, mut make: impl FnMut() -> T) -> Self {
        assert!(capacity < NONE as usize, "slab capacity must be < u32::MAX");
        let slots: Box<[Slot<T>]> = (0..capacity)
            .map(|i| Slot {
                value: make(),
                generation: 0,
                occupied: false,
                next_free: if i + 1 < capacity {
                    (i + 1) as u32
                } else {
                    NONE
                },
            })
            .collect();
        let free_head = if capacity == 0 { NONE } else { 0 };
        Slab {
            slots,
            free_head,
            len: 0,
        }
    }

    /// The number of slots, fixed at construction.
    pub fn capacity(&self) -> usize {
        self.slots.len()
    }

    /// The number of occupied slots.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when no slot is occupied.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// True when every slot is occupied (the next insert fails).
    pub fn is_full(&self) -> bool {
        self.free_head == NONE
    }

    /// Takes a free slot and lets `fill` overwrite the recycled value in
    /// place (it still holds whatever the previous occupant left, so `fill`
    /// must reset what it does not overwrite). Returns `None` when full.
    pub fn insert_with(&mut self, fill: impl FnOnce(&mut T)) -> Option<Key> {
        let index = self.free_head;
        if index == NONE {
            return None;
        }
        let slot = &mut self.slots[index as usize];
        self.free_head = slot.next_free;
        slot.next_free = NONE;
        slot.occupied = true;
        self.len += 1;
        fill(&mut slot.value);
        Some(Key {
            index,
            generation: slot.generation,
        })
    }

    /// Stores `value` in a free slot (dropping the slot's recycled value).
    /// Gives `value` back when full.
    pub fn insert(&mut self, value: T) -> Result<Key, T> {
        let mut value = Some(value);
        match self.insert_with(|slot| {
            if let Some(v) = value.take() {
                *slot = v;
            }
        }) {
            Some(key) => Ok(key),
            None => Err(value.take().expect("value is unused when the slab is full")),
        }
    }

    fn slot_index(&self, key: Key) -> Option<usize> {
        let slot = self.slots.get(key.index as usize)?;
        (slot.occupied && slot.generation == key.generation).then_some(key.index as usize)
    }

    /// True when `key` names a live value.
    pub fn contains(&self, key: Key) -> bool {
        self.slot_index(key).is_some()
    }

    /// The value `key` names, or `None` for a stale or foreign key.
    pub fn get(&self, key: Key) -> Option<&T> {
        self.slot_index(key).map(|i| &self.slots[i].value)
    }

    /// Mutable access to the value `key` names, or `None` for a stale key.
    pub fn get_mut(&mut self, key: Key) -> Option<&mut T> {
        self.slot_index(key).map(|i| &mut self.slots[i].value)
    }

    /// Frees the slot `key` names and returns a reference to the value it
    /// held (which stays in the slot for reuse, until the next insert). The
    /// key, and every copy of it, is stale from now on. `None` for a stale key.
    pub fn remove(&mut self, key: Key) -> Option<&mut T> {
        let index = self.slot_index(key)?;
        let slot = &mut self.slots[index];
        slot.occupied = false;
        slot.generation = slot.generation.wrapping_add(1);
        slot.next_free = self.free_head;
        self.free_head = key.index;
        self.len -= 1;
        Some(&mut slot.value)
    }

    /// Frees every slot (all keys go stale). Values stay for reuse.
    pub fn clear(&mut self) {
        let mut next = NONE;
        for (i, slot) in self.slots.iter_mut().enumerate().rev() {
            if slot.occupied {
                slot.occupied = false;
                slot.generation = slot.generation.wrapping_add(1);
            }
            slot.next_free = next;
            next = i as u32;
        }
        self.free_head = next;
        self.len = 0;
    }

    /// The occupied slots, by index order, with their keys.
    pub fn iter(&self) -> impl Iterator<Item = (Key, &T)> {
        self.slots.iter().enumerate().filter_map(|(i, slot)| {
            slot.occupied.then_some((
                Key {
                    index: i as u32,
                    generation: slot.generation,
                },
                &slot.value,
            ))
        })
    }
}

impl<T> fmt::Debug for Slab<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Slab")
            .field("len", &self.len)
            .field("capacity", &self.capacity())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_get_remove() {
        let mut slab = Slab::new(2, || 0u32);
        let a = slab.insert(10).unwrap();
        let b = slab.insert(20).unwrap();
        assert_eq!(slab.get(a), Some(&10));
        assert_eq!(slab.get(b), Some(&20));
        assert_eq!(slab.len(), 2);
        *slab.get_mut(a).unwrap() += 1;
        assert_eq!(slab.get(a), Some(&11));
        assert_eq!(slab.remove(a).copied(), Some(11));
        assert_eq!(slab.get(a), None);
        assert_eq!(slab.remove(a), None);
        assert_eq!(slab.len(), 1);
    }

    #[test]
    fn full_is_backpressure_never_growth() {
        let mut slab = Slab::new(3, || 0u8);
        for v in 0..3 {
            slab.insert(v).unwrap();
        }
        assert!(slab.is_full());
        assert_eq!(slab.insert(9), Err(9));
        assert!(slab.insert_with(|_| unreachable!()).is_none());
        assert_eq!(slab.capacity(), 3);
    }

    #[test]
    fn stale_key_never_reaches_reused_slot() {
        let mut slab = Slab::new(1, String::new);
        let old = slab.insert("old".to_string()).unwrap();
        slab.remove(old).unwrap();
        let new = slab.insert("new".to_string()).unwrap();
        assert_eq!(old.index, new.index);
        assert_ne!(old.generation, new.generation);
        assert_eq!(slab.get(old), None);
        assert!(slab.get_mut(old).is_none());
        assert!(slab.remove(old).is_none());
        assert!(!slab.contains(old));
        assert_eq!(slab.get(new).map(String::as_str), Some("new"));
    }

    #[test]
    fn foreign_index_is_rejected() {
        let mut slab = Slab::new(1, || 0);
        let key = Key {
            index: 7,
            generation: 0,
        };
        assert_eq!(slab.get(key), None);
        assert!(slab.remove(key).is_none());
    }

    #[test]
    fn insert_with_reuses_the_slot_buffer() {
        let mut slab = Slab::new(1, || Vec::<u8>::with_capacity(64));
        let key = slab
            .insert_with(|buf| {
                buf.clear();
                buf.extend_from_slice(b"hello");
            })
            .unwrap();
        let ptr = slab.get(key).unwrap().as_ptr();
        slab.remove(key);
        let key = slab
            .insert_with(|buf| {
                buf.clear();
                buf.extend_from_slice(b"again");
            })
            .unwrap();
        assert_eq!(slab.get(key).unwrap().as_ptr(), ptr);
        assert_eq!(slab.get(key).unwrap(), b"again");
    }

    #[test]
    fn clear_frees_everything_and_stales_keys() {
        let mut slab = Slab::new(4, || 0);
        let keys: Vec<Key> = (0..4).map(|v| slab.insert(v).unwrap()).collect();
        slab.clear();
        assert!(slab.is_empty());
        assert!(keys.iter().all(|&k| !slab.contains(k)));
        for v in 0..4 {
            slab.insert(v).unwrap();
        }
        assert!(slab.is_full());
    }

    #[test]
    fn iter_lists_live_values() {
        let mut slab = Slab::new(3, || 0);
        let a = slab.insert(1).unwrap();
        slab.insert(2).unwrap();
        slab.remove(a);
        let live: Vec<i32> = slab.iter().map(|(_, v)| *v).collect();
        assert_eq!(live, vec![2]);
    }

    #[test]
    fn zero_capacity_is_always_full() {
        let mut slab: Slab<u8> = Slab::new(0, || 0);
        assert!(slab.is_full());
        assert_eq!(slab.insert(1), Err(1));
    }

    #[test]
    fn random_ops_match_a_model() {
        use rand::{rngs::SmallRng, Rng, SeedableRng};
        let mut rng = SmallRng::seed_from_u64(7);
        let mut slab = Slab::new(16, || 0u64);
        let mut live: Vec<(Key, u64)> = Vec::new();
        let mut dead: Vec<Key> = Vec::new();
        for step in 0..20_000u64 {
            if rng.random_bool(0.55) {
                match slab.insert(step) {
                    Ok(k) => live.push((k, step)),
                    Err(_) => assert_eq!(live.len(), 16),
                }
            } else if !live.is_empty() {
                let i = rng.random_range(0..live.len());
                let (k, v) = live.swap_remove(i);
                assert_eq!(slab.remove(k).copied(), Some(v));
                dead.push(k);
            }
            assert_eq!(slab.len(), live.len());
            for &(k, v) in &live {
                assert_eq!(slab.get(k), Some(&v));
            }
            if let Some(&k) = dead.last() {
                assert!(!slab.contains(k));
            }
        }
    }
}
