//! The entries of an [`super::FsTree`], copy-on-write: a frozen base shared by every clone
//! (an image's files, shared by all its containers) and this tree's own changes over it. A
//! clone copies only the changes, and two trees over the same base compare and diff by their
//! changes alone, so a container costs what it changed, not the size of its image.

use super::tree::Node;
use std::cmp::Ordering;
use std::collections::btree_map::{self, BTreeMap};
use std::iter::Peekable;
use std::ops::Bound;
use std::sync::Arc;

type Base = BTreeMap<String, Node>;

#[derive(Clone, Default)]
pub(super) struct Nodes {
    base: Option<Arc<Base>>,
    /// Entries that differ from `base`: added or replaced (`Some`), or removed (`None`).
    over: BTreeMap<String, Option<Node>>,
    /// Entries in the merged view.
    len: usize,
}

impl Nodes {
    pub const fn new() -> Nodes {
        Nodes {
            base: None,
            over: BTreeMap::new(),
            len: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        match self.over.get(key) {
            Some(entry) => entry.as_ref(),
            None => self.base.as_ref()?.get(key),
        }
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The entry to change in place (copied out of the shared base first).
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        if !self.over.contains_key(key) {
            let node = self.base.as_ref()?.get(key)?.clone();
            self.over.insert(key.to_string(), Some(node));
        }
        self.over.get_mut(key)?.as_mut()
    }

    pub fn insert(&mut self, key: String, node: Node) {
        if !self.contains_key(&key) {
            self.len += 1;
        }
        self.over.insert(key, Some(node));
    }

    pub fn remove(&mut self, key: &str) {
        if !self.contains_key(key) {
            return;
        }
        self.len -= 1;
        if self.base.as_ref().is_some_and(|b| b.contains_key(key)) {
            self.over.insert(key.to_string(), None);
        } else {
            self.over.remove(key);
        }
    }

    /// Every entry in key order.
    pub fn iter(&self) -> Merged<'_> {
        self.range_from("")
    }

    /// The entries whose keys are `from` or after it, in key order.
    pub fn range_from<'a>(&'a self, from: &str) -> Merged<'a> {
        let bounds = (Bound::Included(from), Bound::Unbounded);
        Merged {
            base: self
                .base
                .as_deref()
                .map(|b| b.range::<str, _>(bounds).peekable()),
            over: self.over.range::<str, _>(bounds).peekable(),
        }
    }

    /// Folds the changes into a new base, so that clones from now on share all of it.
    pub fn freeze(&mut self) {
        if self.over.is_empty() {
            return;
        }
        let mut base = self
            .base
            .take()
            .map(|b| Arc::try_unwrap(b).unwrap_or_else(|shared| (*shared).clone()))
            .unwrap_or_default();
        for (key, entry) in std::mem::take(&mut self.over) {
            match entry {
                Some(node) => base.insert(key, node),
                None => base.remove(&key),
            };
        }
        self.base = Some(Arc::new(base));
    }

    /// The keys where `self` and `other` may differ, when they share their base (or both
    /// have none): only their changes can; `None` when the bases differ.
    pub fn changed_keys<'a>(&'a self, other: &'a Nodes) -> Option<Vec<&'a String>> {
        let same_base = match (&self.base, &other.base) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        };
        if !same_base {
            return None;
        }
        let mut keys = Vec::with_capacity(self.over.len() + other.over.len());
        let mut a = self.over.keys().peekable();
        let mut b = other.over.keys().peekable();
        loop {
            let next = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) => match x.cmp(y) {
                    Ordering::Less => a.next(),
                    Ordering::Greater => b.next(),
                    Ordering::Equal => {
                        b.next();
                        a.next()
                    }
                },
                (Some(_), None) => a.next(),
                (None, _) => b.next(),
            };
            match next {
                Some(key) => keys.push(key),
                None => return Some(keys),
            }
        }
    }
}

impl PartialEq for Nodes {
    fn eq(&self, other: &Nodes) -> bool {
        if self.len != other.len {
            return false;
        }
        match self.changed_keys(other) {
            Some(keys) => keys.into_iter().all(|k| self.get(k) == other.get(k)),
            None => self.iter().eq(other.iter()),
        }
    }
}

impl Eq for Nodes {}

/// The merged entries as one map (what a plain map of them would print).
impl std::fmt::Debug for Nodes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// The merged entries of a [`Nodes`]: its changes over its base, in key order.
pub(super) struct Merged<'a> {
    base: Option<Peekable<btree_map::Range<'a, String, Node>>>,
    over: Peekable<btree_map::Range<'a, String, Option<Node>>>,
}

impl<'a> Iterator for Merged<'a> {
    type Item = (&'a String, &'a Node);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            // Where the base's next key stands against the changes' next one (the borrow of
            // the peeks ends here).
            let order = match (
                self.base.as_mut().and_then(Peekable::peek),
                self.over.peek(),
            ) {
                (Some((b, _)), Some((o, _))) => Some(b.as_str().cmp(o.as_str())),
                (Some(_), None) => Some(Ordering::Less),
                (None, _) => None,
            };
            match order {
                Some(Ordering::Less) => return self.base.as_mut().and_then(Iterator::next),
                // The change replaces (or removes) the base's entry.
                Some(Ordering::Equal) => {
                    self.base.as_mut().and_then(Iterator::next);
                }
                Some(Ordering::Greater) | None => {}
            }
            match self.over.next()? {
                (key, Some(node)) => return Some((key, node)),
                (_, None) => continue,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frozen(entries: &[(&str, &str)]) -> Nodes {
        let mut n = Nodes::new();
        for (k, v) in entries {
            n.insert(k.to_string(), Node::file(*v));
        }
        n.freeze();
        n
    }

    fn keys(n: &Nodes) -> Vec<String> {
        n.iter().map(|(k, _)| k.clone()).collect()
    }

    #[test]
    fn changes_over_a_shared_base_merge_in_key_order() {
        let base = frozen(&[("/a", "1"), ("/c", "3"), ("/e", "5")]);
        let mut n = base.clone();
        n.insert("/b".into(), Node::file("2"));
        n.remove("/c");
        n.insert("/e".into(), Node::file("five"));
        n.insert("/f".into(), Node::file("6"));
        assert_eq!(keys(&n), ["/a", "/b", "/e", "/f"]);
        assert_eq!(n.len(), 4);
        assert_eq!(n.get("/e"), Some(&Node::file("five")));
        assert_eq!(keys(&base), ["/a", "/c", "/e"], "the base is untouched");
        let from_c: Vec<String> = n.range_from("/c").map(|(k, _)| k.clone()).collect();
        assert_eq!(from_c, ["/e", "/f"]);
    }

    #[test]
    fn trees_compare_by_content_whatever_their_base() {
        let base = frozen(&[("/a", "1"), ("/b", "2")]);
        let mut changed = base.clone();
        changed.insert("/a".into(), Node::file("x"));
        assert_ne!(changed, base);
        changed.insert("/a".into(), Node::file("1"));
        assert_eq!(
            changed, base,
            "a change back to the base's entry is no change"
        );
        let mut rebuilt = Nodes::new();
        rebuilt.insert("/b".into(), Node::file("2"));
        rebuilt.insert("/a".into(), Node::file("1"));
        assert_eq!(rebuilt, base, "no shared base: compared entry by entry");
        assert_eq!(changed.changed_keys(&base).map(|k| k.len()), Some(1));
        assert!(rebuilt.changed_keys(&base).is_none());
    }

    #[test]
    fn a_change_in_place_copies_the_entry_out_of_the_base() {
        let base = frozen(&[("/a", "1")]);
        let mut n = base.clone();
        if let Some(Node::File { data, .. }) = n.get_mut("/a") {
            data.push(b'2');
        }
        assert_eq!(n.get("/a"), Some(&Node::file("12")));
        assert_eq!(base.get("/a"), Some(&Node::file("1")));
        n.remove("/a");
        n.freeze();
        assert_eq!(n.len(), 0);
        assert!(n.iter().next().is_none() && base.len() == 1);
    }
}
