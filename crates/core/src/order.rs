//! Stable sorting with one compiled copy of the sort algorithm.
//!
//! `slice::sort_by` is generic over the element type and the comparator, so each call site
//! with its own closure compiles its own copy of the algorithm (about 3.5 kB of wasm each; in
//! the browser bundle the copies added up to some 110 kB). These helpers sort a list of
//! indices with a `dyn` comparator instead, so the algorithm exists once, and then move the
//! elements into that order. The result is exactly what the std stable sort gives; the extra
//! cost is one indirect call per comparison and one pass to move the elements.

use std::cmp::Ordering;
use std::collections::BTreeMap;

/// Sorts `items` stably by `compare`, like `items.sort_by(compare)`.
pub fn sort_by<T>(items: &mut Vec<T>, compare: &dyn Fn(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let order = {
        let view: &[T] = items;
        sorted_indices(view.len(), &|a, b| compare(&view[a], &view[b]))
    };
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.into_iter().filter_map(|i| slots.get_mut(i)?.take()));
}

/// Sorts `items` stably by the key `key` gives, like `items.sort_by_key(key)`.
pub fn sort_by_key<T, K: Ord>(items: &mut Vec<T>, key: impl Fn(&T) -> K) {
    sort_by(items, &|a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` in their natural order, like `items.sort()`.
pub fn sort<T: Ord>(items: &mut Vec<T>) {
    sort_by(items, &|a, b| a.cmp(b));
}

/// A map of `entries` (a later duplicate key wins), like `collect()`. `collect()` into a
/// BTreeMap sorts the entries first, with its own copy of the sort for every call site;
/// inserting one by one needs none.
pub fn map_from<K: Ord, V>(entries: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    map.extend(entries);
    map
}

/// `0..len` in the order `compare` puts those positions in (stable). The one instantiation of
/// the std sort behind every helper here.
#[allow(clippy::disallowed_methods)] // the one place allowed to
fn sorted_indices(len: usize, compare: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| compare(a, b));
    order
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // compares against the std sort
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn sorts_exactly_as_the_std_stable_sort(items in proptest::collection::vec((0u8..6, any::<u16>()), 0..200)) {
            // Keys with many ties, so stability shows.
            let mut expected = items.clone();
            expected.sort_by_key(|(key, _)| *key);
            let mut ours = items.clone();
            sort_by_key(&mut ours, |(key, _)| *key);
            prop_assert_eq!(&ours, &expected);

            let mut expected = items.clone();
            expected.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let mut ours = items.clone();
            sort_by(&mut ours, &|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            prop_assert_eq!(&ours, &expected);

            let mut expected = items.clone();
            expected.sort();
            let mut ours = items;
            sort(&mut ours);
            prop_assert_eq!(ours, expected);
        }
    }

    #[test]
    fn map_from_keeps_the_last_of_duplicate_keys_as_collect_does() {
        let entries = [("b", 1), ("a", 2), ("b", 3)];
        let collected: BTreeMap<_, _> = entries.into_iter().collect();
        assert_eq!(map_from(entries), collected);
    }

    #[test]
    fn owned_values_move_without_copies_or_losses() {
        let mut names: Vec<String> = ["c", "a", "b", "a"].map(String::from).to_vec();
        sort(&mut names);
        assert_eq!(names, ["a", "a", "b", "c"]);
    }
}
