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
