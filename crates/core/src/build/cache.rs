//! The build cache, by Docker's rules: a step's key is its parent's key plus the instruction
//! (after variable expansion), plus a checksum of the copied files for COPY/ADD. The first miss
//! changes every key after it, so everything after it rebuilds. Records keep enough to say
//! *why* a step missed.

use crate::digest::sha256_digest;
use crate::event::Tick;
use crate::image::{ImageConfig, ImageStore};
use std::collections::BTreeMap;

/// What a cached step produced: the image config after it (layers, history, settings).
#[derive(Clone, Debug)]
pub struct CacheRecord {
    pub parent: String,
    pub instruction: String,
    pub checksum: Option<String>,
    pub result: ImageConfig,
    pub created: Tick,
}

#[derive(Clone, Debug, Default)]
pub struct BuildCache {
    records: BTreeMap<String, CacheRecord>,
    /// Keys of the records made on top of each parent key, for explaining misses.
    children: BTreeMap<String, Vec<String>>,
}

/// Why a step could not come from the cache.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MissReason {
    NoCache,
    EarlierStepChanged,
    FilesChanged,
    NeverBuilt,
    LayerDeleted,
}

impl MissReason {
    pub const ALL: [MissReason; 5] = [
        MissReason::NoCache,
        MissReason::EarlierStepChanged,
        MissReason::FilesChanged,
        MissReason::NeverBuilt,
        MissReason::LayerDeleted,
    ];

    /// The English explanation recorded in the trace (`BuildStep.reason`); part of the format.
    pub fn explain(&self) -> String {
        match self {
            MissReason::NoCache => "--no-cache was given".into(),
            MissReason::EarlierStepChanged => {
                "a step before it was rebuilt, so its cache key changed".into()
            }
            MissReason::FilesChanged => "the files it copies changed since the cached build".into(),
            MissReason::NeverBuilt => {
                "this instruction was not built on top of this parent before".into()
            }
            MissReason::LayerDeleted => "its cached layer was deleted (docker rmi)".into(),
        }
    }

    /// The same explanation in Korean, for fronts that show it.
    pub fn explain_ko(&self) -> &'static str {
        match self {
            MissReason::NoCache => "--no-cache를 주었습니다",
            MissReason::EarlierStepChanged => "앞 단계를 다시 빌드해서 캐시 키가 바뀌었습니다",
            MissReason::FilesChanged => "복사하는 파일이 캐시된 빌드 뒤로 바뀌었습니다",
            MissReason::NeverBuilt => "이 부모 위에서 이 명령을 빌드한 적이 없습니다",
            MissReason::LayerDeleted => "캐시된 레이어가 지워졌습니다 (docker rmi)",
        }
    }

    /// The reason a trace records as `explanation` (see [`MissReason::explain`]), if any.
    pub fn from_explanation(explanation: &str) -> Option<MissReason> {
        MissReason::ALL
            .into_iter()
            .find(|reason| reason.explain() == explanation)
    }
}

/// The key of a step on top of `parent`.
pub fn step_key(parent: &str, instruction: &str, checksum: Option<&str>) -> String {
    sha256_digest(format!("{parent}\n{instruction}\n{}", checksum.unwrap_or("")).as_bytes())
}

impl BuildCache {
    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The cached result for this step, or why there is none.
    pub fn lookup(
        &self,
        parent: &str,
        instruction: &str,
        checksum: Option<&str>,
        images: &ImageStore,
    ) -> Result<&CacheRecord, MissReason> {
        let key = step_key(parent, instruction, checksum);
        if let Some(record) = self.records.get(&key) {
            let layers_present = record.result.diff_ids.iter().all(|d| images.has_layer(d));
            return if layers_present {
                Ok(record)
            } else {
                Err(MissReason::LayerDeleted)
            };
        }
        let siblings = self.children.get(parent).map(Vec::as_slice).unwrap_or(&[]);
        let same_instruction = siblings
            .iter()
            .filter_map(|k| self.records.get(k))
            .any(|r| r.instruction == instruction);
        if same_instruction {
            Err(MissReason::FilesChanged)
        } else {
            Err(MissReason::NeverBuilt)
        }
    }

    pub fn insert(&mut self, record: CacheRecord) -> String {
        let key = step_key(
            &record.parent,
            &record.instruction,
            record.checksum.as_deref(),
        );
        if !self.records.contains_key(&key) {
            self.children
                .entry(record.parent.clone())
                .or_default()
                .push(key.clone());
            self.records.insert(key.clone(), record);
        }
        key
    }

    /// Bytes of the layers cache records made that no image uses (what `docker system df`
    /// lists as build cache).
    pub fn size(&self, images: &ImageStore) -> u64 {
        let used: std::collections::BTreeSet<&crate::image::DiffId> = images
            .images()
            .flat_map(|i| i.config.diff_ids.iter())
            .collect();
        let mut counted = std::collections::BTreeSet::new();
        self.records
            .values()
            .filter_map(|r| r.result.diff_ids.last())
            .filter(|d| !used.contains(d) && counted.insert(*d))
            .filter_map(|d| images.layer(d))
            .map(|l| l.size)
            .sum()
    }
}
