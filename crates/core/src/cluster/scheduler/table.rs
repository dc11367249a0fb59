//! The decision tables of small clusters, kept incrementally: the scheduler holds the current
//! table for the shape it works with in chunks of rows, a bind re-judges one node, so only its
//! chunk is built again, and each decision shares the other chunks with the one before it.
//! A pod costs one chunk and a few reference counts instead of a row per node.

use super::decision::Row;
use super::filters::{self, PodShape};
use super::scores::{self, Strategy};
use crate::cluster::node::Node;
use std::collections::BTreeSet;
use std::rc::Rc;

/// Rows per shared chunk (every chunk but the last is full, so a row's place is computed).
const CHUNK: usize = 4;

/// A decision's table: one row per node, in node order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    chunks: Vec<Rc<[Row]>>,
    len: usize,
}

impl Table {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn iter(&self) -> impl Iterator<Item = &Row> {
        self.chunks.iter().flat_map(|c| c.iter())
    }

    pub fn get(&self, i: usize) -> Option<&Row> {
        self.chunks.get(i / CHUNK).and_then(|c| c.get(i % CHUNK))
    }
}

impl std::ops::Index<usize> for Table {
    type Output = Row;

    fn index(&self, i: usize) -> &Row {
        self.get(i).expect("a row of the table")
    }
}

impl<'a> IntoIterator for &'a Table {
    type Item = &'a Row;
    type IntoIter = Box<dyn Iterator<Item = &'a Row> + 'a>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

/// Every filter on one node (not stopping at the first rejection) and its score.
fn row(node: &Node, shape: &PodShape, strategy: Strategy) -> Row {
    let filters: Vec<Vec<filters::Reason>> = (0..filters::FILTERS.len())
        .map(|i| filters::run(i, node, shape))
        .collect();
    let score = filters
        .iter()
        .all(Vec::is_empty)
        .then(|| scores::score(strategy, node, shape.requests.nonzero()));
    Row {
        node: node.name.clone(),
        filters,
        score,
    }
}

/// The current table for one shape and the chunks to build again.
#[derive(Clone, Default)]
pub struct Tables {
    shape: Option<PodShape>,
    strategy: Strategy,
    current: Table,
    dirty: BTreeSet<usize>,
}

impl Tables {
    /// Node `i` changed: its chunk is built again for the next table.
    pub fn touch(&mut self, i: u32) {
        self.dirty.insert(i as usize / CHUNK);
    }

    /// Forgets every row (the strategy changed).
    pub fn clear(&mut self) {
        *self = Tables::default();
    }

    /// The table of every node for a pod of `shape` now, sharing unchanged chunks.
    pub fn table(&mut self, nodes: &[Node], shape: &PodShape, strategy: Strategy) -> Table {
        let stale = self.shape.as_ref() != Some(shape) || self.strategy != strategy;
        if stale {
            self.shape = Some(shape.clone());
            self.strategy = strategy;
            self.current = Table::default();
            self.dirty.clear();
        }
        let built = self.current.chunks.len();
        let wanted = nodes.len().div_ceil(CHUNK);
        // A chunk that is not full gets nodes added after it was built: build it again.
        let last_full = self.current.len.is_multiple_of(CHUNK);
        let from_partial = if last_full { built } else { built - 1 };
        let redo = std::mem::take(&mut self.dirty)
            .into_iter()
            .filter(|&c| c < from_partial.min(wanted))
            .chain(from_partial..wanted);
        let chunks = &mut self.current.chunks;
        chunks.truncate(wanted);
        for c in redo {
            let start = c * CHUNK;
            let end = (start + CHUNK).min(nodes.len());
            let rows: Rc<[Row]> = nodes[start..end]
                .iter()
                .map(|n| row(n, shape, strategy))
                .collect();
            if c < chunks.len() {
                chunks[c] = rows;
            } else {
                chunks.push(rows);
            }
        }
        self.current.len = nodes.len();
        self.current.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::objects::Resources;

    fn nodes(n: usize) -> Vec<Node> {
        let capacity = Resources {
            cpu_m: 1000,
            memory: 1 << 30,
        };
        (0..n)
            .map(|i| Node::new(&format!("n{i}"), i as u32, capacity, Default::default(), 0))
            .collect()
    }

    fn fresh(nodes: &[Node], shape: &PodShape) -> Vec<Row> {
        nodes
            .iter()
            .map(|n| row(n, shape, Strategy::LeastAllocated))
            .collect()
    }

    #[test]
    fn the_kept_table_equals_one_built_afresh_after_changes() {
        let mut ns = nodes(19);
        let shape = PodShape {
            requests: Resources {
                cpu_m: 300,
                memory: 1 << 20,
            },
            node_selector: Default::default(),
            tolerations: Vec::new(),
            node_name: None,
        };
        let mut tables = Tables::default();
        let first = tables.table(&ns, &shape, Strategy::LeastAllocated);
        assert_eq!(
            first.iter().cloned().collect::<Vec<_>>(),
            fresh(&ns, &shape)
        );
        // Fill node 9 until cpu no longer fits, add two nodes, cordon node 0.
        ns[9].nonzero_requested.cpu_m = 800;
        ns[9].requested.cpu_m = 800;
        tables.touch(9);
        ns.extend(nodes(21).into_iter().skip(19));
        ns[0].unschedulable = true;
        tables.touch(0);
        let second = tables.table(&ns, &shape, Strategy::LeastAllocated);
        let rows: Vec<Row> = second.iter().cloned().collect();
        assert_eq!(rows, fresh(&ns, &shape));
        assert_eq!(second.len(), 21);
        assert!(!second[9].filters[4].is_empty(), "node 9 is full now");
        assert_ne!(first[9], second[9]);
        assert_eq!(first.len(), 19, "an earlier table keeps what it saw");
    }
}
