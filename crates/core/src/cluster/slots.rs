//! Objects kept by their sequential ID in a vector of slots: O(1) lookups for the 150,000 pods
//! of a large cluster, iteration in ID (creation) order, IDs never reused.

#[derive(Clone, Debug)]
pub struct Slots<T> {
    slots: Vec<Option<T>>,
}

impl<T> Default for Slots<T> {
    fn default() -> Self {
        Slots { slots: Vec::new() }
    }
}

impl<T> Slots<T> {
    pub fn get(&self, id: &u64) -> Option<&T> {
        self.slots.get(*id as usize).and_then(Option::as_ref)
    }

    pub fn get_mut(&mut self, id: &u64) -> Option<&mut T> {
        self.slots.get_mut(*id as usize).and_then(Option::as_mut)
    }

    pub fn insert(&mut self, id: u64, value: T) {
        let i = id as usize;
        if i >= self.slots.len() {
            self.slots.resize_with(i + 1, || None);
        }
        self.slots[i] = Some(value);
    }

    pub fn remove(&mut self, id: &u64) -> Option<T> {
        self.slots.get_mut(*id as usize).and_then(Option::take)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &T> {
        self.slots.iter().flatten()
    }
}

impl<T> std::ops::Index<&u64> for Slots<T> {
    type Output = T;

    fn index(&self, id: &u64) -> &T {
        self.get(id).expect("no object with this ID")
    }
}

/// Slots that note each ID lent out mutably, inserted or removed, so a cache derived from
/// the objects (the ready pods per ReplicaSet) can bring itself up to date lazily, from a
/// shared borrow, by looking again at those objects only.
#[derive(Clone, Debug)]
pub struct Tracked<T> {
    slots: Slots<T>,
    /// One list per [`Watcher`], each taken at its own pace.
    touched: std::cell::RefCell<[Vec<u64>; 2]>,
}

/// Who reads a [`Tracked`]'s notes.
#[derive(Clone, Copy, Debug)]
pub enum Watcher {
    /// The ready pods per ReplicaSet.
    Ready = 0,
    /// The store's write-through (which pods' values to serialize again).
    Store = 1,
}

impl<T> Default for Tracked<T> {
    fn default() -> Self {
        Tracked {
            slots: Slots::default(),
            touched: Default::default(),
        }
    }
}

impl<T> Tracked<T> {
    pub fn get(&self, id: &u64) -> Option<&T> {
        self.slots.get(id)
    }

    pub fn get_mut(&mut self, id: &u64) -> Option<&mut T> {
        self.touch(*id);
        self.slots.get_mut(id)
    }

    pub fn insert(&mut self, id: u64, value: T) {
        self.touch(id);
        self.slots.insert(id, value);
    }

    pub fn remove(&mut self, id: &u64) -> Option<T> {
        self.touch(*id);
        self.slots.remove(id)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &T> {
        self.slots.values()
    }

    /// Notes a change to an object made elsewhere (its node stopped reporting).
    pub fn touch(&mut self, id: u64) {
        for list in self.touched.get_mut() {
            list.push(id);
        }
    }

    /// The IDs noted since `watcher` last asked (with repeats), oldest first.
    pub fn take_touched(&self, watcher: Watcher) -> Vec<u64> {
        std::mem::take(&mut self.touched.borrow_mut()[watcher as usize])
    }
}

impl<T> std::ops::Index<&u64> for Tracked<T> {
    type Output = T;

    fn index(&self, id: &u64) -> &T {
        &self.slots[id]
    }
}
