//! The scheduler, shaped like kube-scheduler's framework: a queue, filters, scores, a pick
//! (ties broken by the World's seeded RNG) and a bind, keeping every decision.
//!
//! Speed: pods of one shape (requests, nodeSelector, tolerations, nodeName) get the same
//! verdicts, so the scheduler keeps, per node, the verdict for the shape it scheduled last and
//! the feasible nodes ranked by score. A bind changes one node, so only that node is scored
//! again: a pod costs O(log nodes), not a pass over every node.

pub mod decision;
pub mod filters;
pub mod queue;
pub mod scores;
pub mod table;

use super::node::Node;
use decision::{Decision, TABLE_LIMIT};
use filters::{PodShape, Reason};
use rand_core::RngCore;
use scores::Strategy;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug)]
enum Verdict {
    /// Fits, with its score and its random place among equal scores.
    Fits {
        score: u32,
        tie: u64,
    },
    Rejected(Vec<Reason>),
}

/// Per-node verdicts for one pod shape.
#[derive(Clone)]
struct Cache {
    shape: PodShape,
    verdicts: Vec<Verdict>,
    /// Feasible nodes, best first: (score, tie-break, node).
    ranked: BTreeSet<(Reverse<u32>, u64, u32)>,
    /// How many feasible nodes have each score (the ties at the top, without a walk).
    per_score: BTreeMap<u32, usize>,
    rejections: BTreeMap<Reason, usize>,
}

impl Cache {
    fn new(shape: PodShape) -> Cache {
        Cache {
            shape,
            verdicts: Vec::new(),
            ranked: BTreeSet::new(),
            per_score: BTreeMap::new(),
            rejections: BTreeMap::new(),
        }
    }

    /// Judges node `i` again (after it changed), keeping the ranking and counts in step.
    fn refresh(&mut self, i: usize, node: &Node, strategy: Strategy, rng: &mut dyn RngCore) {
        let verdict = match filters::first_rejection(node, &self.shape) {
            Some((_, reasons)) => Verdict::Rejected(reasons),
            None => Verdict::Fits {
                score: scores::score(strategy, node, self.shape.requests.nonzero()),
                tie: rng.next_u64(),
            },
        };
        if i >= self.verdicts.len() {
            self.verdicts.resize(i + 1, Verdict::Rejected(Vec::new()));
        }
        match std::mem::replace(&mut self.verdicts[i], verdict) {
            Verdict::Fits { score, tie } => {
                self.ranked.remove(&(Reverse(score), tie, i as u32));
                if let Some(n) = self.per_score.get_mut(&score) {
                    *n -= 1;
                    if *n == 0 {
                        self.per_score.remove(&score);
                    }
                }
            }
            Verdict::Rejected(reasons) => {
                for r in reasons {
                    if let Some(n) = self.rejections.get_mut(&r) {
                        *n -= 1;
                    }
                }
            }
        }
        match &self.verdicts[i] {
            Verdict::Fits { score, tie } => {
                self.ranked.insert((Reverse(*score), *tie, i as u32));
                *self.per_score.entry(*score).or_default() += 1;
            }
            Verdict::Rejected(reasons) => {
                for r in reasons {
                    *self.rejections.entry(r.clone()).or_default() += 1;
                }
            }
        }
    }

    fn fits(&self, i: usize) -> bool {
        matches!(self.verdicts.get(i), Some(Verdict::Fits { .. }))
    }
}

#[derive(Clone, Default)]
pub struct Scheduler {
    pub strategy: Strategy,
    pub queue: queue::Queue,
    cache: Option<Cache>,
    /// Nodes changed since the cache judged them.
    dirty: BTreeSet<u32>,
    /// Round-robin: the node to try first next time.
    next_turn: u32,
    /// The decision table of the current shape (small clusters), kept in step.
    tables: table::Tables,
}

impl Scheduler {
    pub fn new(strategy: Strategy) -> Scheduler {
        Scheduler {
            strategy,
            ..Scheduler::default()
        }
    }

    /// Node `i` changed (added, failed, cordoned, a pod left it): judge it again next time.
    pub fn touch(&mut self, i: u32) {
        self.dirty.insert(i);
        self.tables.touch(i);
    }

    pub fn set_strategy(&mut self, strategy: Strategy) {
        self.strategy = strategy;
        self.cache = None;
        self.tables.clear();
    }

    /// Chooses a node for a pod of `shape` (the caller binds it and calls [`Self::bound`]);
    /// its table is [`Self::table`]'s.
    pub fn decide(
        &mut self,
        shape: &PodShape,
        nodes: &[Node],
        rng: &mut dyn RngCore,
        now: crate::event::Tick,
    ) -> Decision {
        let strategy = self.strategy;
        self.refresh_cache(shape, nodes, rng);
        let Some(cache) = &self.cache else {
            unreachable!("refresh_cache fills the cache")
        };
        let feasible = cache.ranked.len();
        let mut decision = Decision {
            at: now,
            strategy,
            picked: None,
            score: None,
            nodes: nodes.len(),
            feasible,
            tied: 0,
            rejections: cache.rejections.clone(),
            rows: Default::default(),
        };
        decision.rejections.retain(|_, n| *n > 0);
        if feasible == 0 {
            return decision;
        }
        let picked = match strategy {
            Strategy::LeastAllocated | Strategy::MostAllocated => {
                let &(Reverse(best), _, node) = cache.ranked.first().expect("feasible > 0");
                decision.score = Some(best);
                if nodes.len() <= TABLE_LIMIT {
                    decision.tied = cache.per_score.get(&best).copied().unwrap_or(0);
                    debug_assert_eq!(
                        decision.tied,
                        cache
                            .ranked
                            .iter()
                            .take_while(|(Reverse(s), _, _)| *s == best)
                            .count()
                    );
                }
                node as usize
            }
            Strategy::RoundRobin => {
                let n = nodes.len();
                let start = self.next_turn as usize % n;
                let node = (0..n)
                    .map(|k| (start + k) % n)
                    .find(|&i| cache.fits(i))
                    .expect("feasible > 0");
                self.next_turn = (node + 1) as u32;
                node
            }
            Strategy::Random => {
                let n = nodes.len() as u64;
                let tried = (0..16)
                    .map(|_| (rng.next_u64() % n) as usize)
                    .find(|&i| cache.fits(i));
                tried.unwrap_or_else(|| {
                    let k = (rng.next_u64() % feasible as u64) as usize;
                    (0..nodes.len())
                        .filter(|&i| cache.fits(i))
                        .nth(k)
                        .expect("k < feasible")
                })
            }
        };
        decision.picked = Some(picked as u32);
        decision
    }

    /// The whole table of a decision just made for `shape` (empty above [`TABLE_LIMIT`]
    /// nodes), asked for only when the decision is kept: a pod that stays Pending for the
    /// same reason pays for none. The nodes must be as [`Self::decide`] saw them.
    pub fn table(&mut self, shape: &PodShape, nodes: &[Node]) -> table::Table {
        if nodes.len() > TABLE_LIMIT {
            return table::Table::default();
        }
        self.tables.table(nodes, shape, self.strategy)
    }

    /// The shape of `spec`, reusing the one the scheduler last worked with when it is the same.
    pub fn shape_of(&self, spec: &super::objects::PodTemplate) -> PodShape {
        match &self.cache {
            Some(c) if c.shape.fits_spec(spec) => c.shape.clone(),
            _ => PodShape::of(spec),
        }
    }

    /// A pod was bound to node `i`: judge that node again for the current shape.
    pub fn bound(&mut self, i: u32, nodes: &[Node], rng: &mut dyn RngCore) {
        let strategy = self.strategy;
        self.tables.touch(i);
        if let Some(cache) = &mut self.cache {
            cache.refresh(i as usize, &nodes[i as usize], strategy, rng);
        }
    }

    /// The verdicts for `shape`, judging again what changed (everything for a new shape).
    fn refresh_cache(&mut self, shape: &PodShape, nodes: &[Node], rng: &mut dyn RngCore) {
        let strategy = self.strategy;
        let stale = self.cache.as_ref().is_none_or(|c| c.shape != *shape);
        if stale {
            let mut cache = Cache::new(shape.clone());
            for (i, node) in nodes.iter().enumerate() {
                cache.refresh(i, node, strategy, rng);
            }
            self.cache = Some(cache);
            self.dirty.clear();
        }
        let cache = self.cache.get_or_insert_with(|| Cache::new(shape.clone()));
        for i in std::mem::take(&mut self.dirty) {
            if let Some(node) = nodes.get(i as usize) {
                cache.refresh(i as usize, node, strategy, rng);
            }
        }
        let known = cache.verdicts.len();
        for (i, node) in nodes.iter().enumerate().skip(known) {
            cache.refresh(i, node, strategy, rng);
        }
    }
}
