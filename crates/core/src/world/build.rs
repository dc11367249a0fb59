//! `docker build`: runs a parsed Dockerfile against the build context with the build cache,
//! printing BuildKit's plain progress (`--progress=plain`) with a line saying why each step
//! that missed the cache missed it.

use super::ProcRecord;
use super::{Failure, Handled, Reply, World};
use crate::build::cache::{step_key, CacheRecord, MissReason};
use crate::build::context::{
    checksum_of, collect_sources, dockerfile_in_context, filter_context, needed_stages,
};
use crate::build::dockerfile::{self, Dockerfile, Instruction, ShellOrExec};
use crate::build::dockerignore::DockerIgnore;
use crate::build::BuildError;
use crate::command::Invocation;
use crate::digest::sha256_digest;
use crate::driver::{Effect, ProcessStart, Purpose, Target};
use crate::event::EventKind;
use crate::fs::{normalize, FsTree, LayerDiff, Node};
use crate::image::{created_at, HistoryEntry, ImageConfig, Layer, Reference};
use crate::program::Stream;
use crate::BuildContext;
use std::collections::BTreeMap;

/// How long one RUN step may take in logical time.
const RUN_BUDGET_MS: u64 = 600_000;

/// What a step that missed the cache does.
enum StepWork<'c> {
    /// Run this command in a sandbox (time passes while it runs).
    Run(Vec<String>),
    /// Lay files into the stage.
    /// Make the working directory.
    Workdir(String),
    Copy {
        copied: &'c [(String, Node)],
        dest: &'c str,
        mode: Option<u32>,
        many: bool,
    },
}

/// One COPY or ADD with its sources already expanded and gathered.
struct CopyStep<'c> {
    keyword: &'static str,
    sources: &'c [String],
    dest: &'c str,
    chmod: Option<&'c str>,
    copied: &'c [(String, Node)],
}

/// A stage while it is being built.
struct StageState {
    config: ImageConfig,
    /// The stage's files; materialised only when a step has to run (a fully cached build
    /// never needs them).
    rootfs: Option<FsTree>,
    cache_key: String,
    /// ARG values in scope (build args override defaults).
    args: BTreeMap<String, String>,
    /// A step before this one missed the cache.
    missed: bool,
}

/// Everything one build prints and decides.
struct BuildRun<'a> {
    progress: String,
    step_number: usize,
    no_cache: bool,
    build_args: BTreeMap<String, String>,
    context: &'a FsTree,
    elapsed_ms: u64,
}

impl BuildRun<'_> {
    fn begin(&mut self, title: &str) -> usize {
        self.step_number += 1;
        self.progress
            .push_str(&format!("\n#{} {title}\n", self.step_number));
        self.step_number
    }

    fn line(&mut self, n: usize, text: &str) {
        self.progress.push_str(&format!("#{n} {text}\n"));
    }
}

impl From<BuildError> for Failure {
    fn from(error: BuildError) -> Failure {
        Failure::new(error.message(), error.exit_code())
    }
}

/// A build error (or one of the parts' errors it folds in) as the command's failure.
fn failed(error: impl Into<BuildError>) -> Failure {
    error.into().into()
}

impl World {
    pub(crate) async fn cmd_build(&mut self, inv: &Invocation, context: &BuildContext) -> Handled {
        let tags: Vec<Reference> = inv
            .flags
            .values("tag")
            .iter()
            .map(|t| {
                Reference::parse(t).map_err(|error| {
                    failed(BuildError::InvalidTag {
                        tag: t.clone(),
                        error,
                    })
                })
            })
            .collect::<Result<_, _>>()?;
        let mut build_args = BTreeMap::new();
        for a in inv.flags.values("build-arg") {
            // A bare `--build-arg KEY` takes KEY from the client's environment and is dropped
            // when it is not set there (buildx); the simulated client's environment is empty,
            // so the ARG keeps its default instead of becoming "".
            if let Some((k, v)) = a.split_once('=') {
                build_args.insert(k.to_string(), v.to_string());
            }
        }
        let dockerfile_path = dockerfile_in_context(&inv.args[0], inv.flags.value("file"));
        let text = context
            .read_file(&dockerfile_path)
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .map_err(|_| {
                failed(BuildError::NoDockerfile(
                    dockerfile_path.trim_start_matches('/').to_string(),
                ))
            })?;
        let parsed = dockerfile::parse(&text).map_err(failed)?;
        // No .dockerignore: nothing is excluded.
        let ignore = context
            .read_file("/.dockerignore")
            .map(|b| DockerIgnore::parse(&String::from_utf8_lossy(b)))
            .unwrap_or_else(|_| DockerIgnore::parse(""));
        let filtered = filter_context(context, &ignore);
        let target = match inv.flags.value("target") {
            Some(t) => parsed
                .stages
                .iter()
                .position(|s| s.name.as_deref() == Some(&t.to_lowercase()))
                .ok_or_else(|| failed(BuildError::NoTarget(t.to_string())))?,
            None => parsed.stages.len().saturating_sub(1),
        };
        let needed = needed_stages(&parsed, target);
        let mut run = BuildRun {
            progress: String::from("#0 building with \"default\" instance using docker driver\n"),
            step_number: 0,
            no_cache: inv.flags.has("no-cache"),
            build_args,
            context: &filtered,
            elapsed_ms: 0,
        };
        let n = run.begin("[internal] load build definition from Dockerfile");
        run.line(n, &format!("transferring dockerfile: {}B done", text.len()));
        run.line(n, "DONE 0.0s");
        let n = run.begin("[internal] load .dockerignore");
        run.line(
            n,
            &format!(
                "transferring context: {}B done",
                context
                    .read_file("/.dockerignore")
                    .map(|b| b.len())
                    .unwrap_or(0)
            ),
        );
        run.line(n, "DONE 0.0s");

        let mut done: Vec<Option<StageState>> = (0..parsed.stages.len()).map(|_| None).collect();
        for index in needed {
            let state = self.build_stage(&parsed, index, &done, &mut run).await?;
            done[index] = Some(state);
        }
        let final_state = done
            .get_mut(target)
            .and_then(Option::take)
            .ok_or_else(|| failed(BuildError::NoStage))?;
        let mut config = final_state.config;
        config.created = config
            .history
            .last()
            .map(|h| h.created)
            .unwrap_or(created_at(self.now));
        let id = self.engine.images.add_image(config).map_err(failed)?;
        let n = run.begin("exporting to image");
        run.line(n, "exporting layers done");
        run.line(n, &format!("writing image {id} done"));
        for tag in &tags {
            run.line(n, &format!("naming to {} done", tag.qualified()));
        }
        run.line(n, "DONE 0.0s");
        for tag in &tags {
            self.engine.images.tag(tag.clone(), &id);
        }
        self.emit(EventKind::ImageBuilt {
            id: id.clone(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
        });
        // RUN steps took their time while they ran; the rest of the work takes it now.
        self.sleep(run.elapsed_ms).await;
        if inv.flags.has("quiet") {
            return Ok(Reply::out(format!("{id}\n")));
        }
        Ok(Reply {
            stdout: String::new(),
            stderr: run.progress,
            exit_code: 0,
        })
    }

    async fn build_stage(
        &mut self,
        file: &Dockerfile,
        index: usize,
        done: &[Option<StageState>],
        run: &mut BuildRun<'_>,
    ) -> Result<StageState, Failure> {
        let Some(stage) = file.stages.get(index) else {
            return Err(failed(BuildError::NoStage));
        };
        // Global ARGs are visible in FROM. A default that does not expand stops the build,
        // as BuildKit reports it, rather than leaving the ARG empty.
        let mut global = BTreeMap::new();
        for decl in &file.global_args {
            let value = match (run.build_args.get(&decl.name), &decl.default) {
                (Some(given), _) => given.clone(),
                (None, Some(default)) => {
                    dockerfile::expand_with_escape(default, &global, file.escape).map_err(failed)?
                }
                (None, None) => String::new(),
            };
            global.insert(decl.name.clone(), value);
        }
        let base = dockerfile::expand_with_escape(&stage.base, &global, file.escape)
            .map_err(|e| failed(e.at_line(stage.line)))?;
        // The base's ONBUILD triggers run first, as BuildKit runs them; the new image keeps none.
        let known = self
            .base_triggers(file, &base, done)
            .iter()
            .filter_map(|t| dockerfile::parse_trigger(t, stage.line).ok())
            .filter(|t| is_step(&t.value))
            .count();
        let total = 1
            + known
            + stage
                .instructions
                .iter()
                .filter(|i| is_step(&i.value))
                .count();
        let label = |i: usize| match &stage.name {
            Some(name) => format!("[{name} {i}/{total}]"),
            None => format!("[{i}/{total}]"),
        };
        let mut state = self.stage_base(file, &base, done, run, &label(1))?;
        let triggers = std::mem::take(&mut state.config.config.on_build)
            .iter()
            .map(|t| dockerfile::parse_trigger(t, stage.line))
            .collect::<Result<Vec<_>, _>>()
            .map_err(failed)?;
        let mut step = 1;
        for located in triggers.iter().chain(&stage.instructions) {
            let env_vars = self.stage_vars(&state);
            let line = located.line;
            let expand = |word: &str| {
                dockerfile::expand_with_escape(word, &env_vars, file.escape)
                    .map_err(|e| failed(e.at_line(line)))
            };
            match &located.value {
                Instruction::Arg(decls) => {
                    for decl in decls {
                        let value = match run.build_args.get(&decl.name) {
                            Some(v) => v.clone(),
                            None => match (&decl.default, global.get(&decl.name)) {
                                (Some(d), _) => expand(d)?,
                                (None, Some(g)) => g.clone(),
                                (None, None) => String::new(),
                            },
                        };
                        state.args.insert(decl.name.clone(), value);
                    }
                    state.cache_key = step_key(
                        &state.cache_key,
                        &located.text,
                        Some(&format!("{:?}", state.args)),
                    );
                }
                Instruction::Run(form) => {
                    step += 1;
                    let argv = self.shell_argv(&state, form);
                    let shown = format!("RUN {}", argv.join(" "));
                    // A heredoc's body is not all in the step's name: the cache must see it.
                    let body = match form {
                        ShellOrExec::Shell(script) if !located.text.contains(script.as_str()) => {
                            Some(sha256_digest(script.as_bytes()))
                        }
                        _ => None,
                    };
                    self.cached_or_run(
                        &mut state,
                        run,
                        &label(step),
                        &located.text,
                        &shown,
                        body,
                        StepWork::Run(argv),
                    )
                    .await?;
                }
                Instruction::Copy {
                    sources,
                    dest,
                    from,
                    chmod,
                    inline,
                    ..
                } => {
                    step += 1;
                    let sources: Vec<String> = sources
                        .iter()
                        .map(|s| expand(s))
                        .collect::<Result<_, _>>()?;
                    let dest = expand(dest)?;
                    let from_fs = match from {
                        Some(f) => Some(self.copy_source(file, f, done)?),
                        None => None,
                    };
                    let source_fs = from_fs.as_ref().unwrap_or(run.context);
                    let mut copied =
                        collect_sources(source_fs, &sources, from.is_some()).map_err(failed)?;
                    let (files, sources) = dockerfile::with_inline(inline, sources, &env_vars)
                        .map_err(|e| failed(e.at_line(line)))?;
                    copied.extend(files);
                    let step_label = label(step);
                    let copy = CopyStep {
                        keyword: "COPY",
                        sources: &sources,
                        dest: &dest,
                        chmod: chmod.as_deref(),
                        copied: &copied,
                    };
                    self.copy_files(&mut state, run, &step_label, &located.text, copy)
                        .await?;
                }
                Instruction::Add {
                    sources,
                    dest,
                    chmod,
                    inline,
                    ..
                } => {
                    step += 1;
                    let sources: Vec<String> = sources
                        .iter()
                        .map(|s| expand(s))
                        .collect::<Result<_, _>>()?;
                    if let Some(url) = sources
                        .iter()
                        .find(|s| s.starts_with("http://") || s.starts_with("https://"))
                    {
                        return Err(failed(BuildError::NoInternet(url.clone())));
                    }
                    let dest = expand(dest)?;
                    let mut copied =
                        collect_sources(run.context, &sources, false).map_err(failed)?;
                    let (files, sources) = dockerfile::with_inline(inline, sources, &env_vars)
                        .map_err(|e| failed(e.at_line(line)))?;
                    copied.extend(files);
                    let step_label = label(step);
                    let copy = CopyStep {
                        keyword: "ADD",
                        sources: &sources,
                        dest: &dest,
                        chmod: chmod.as_deref(),
                        copied: &copied,
                    };
                    self.copy_files(&mut state, run, &step_label, &located.text, copy)
                        .await?;
                }
                Instruction::Workdir(dir) => {
                    step += 1;
                    let dir = normalize(&working_dir(&state.config), &expand(dir)?);
                    let shown = format!("WORKDIR {dir}");
                    state.config.config.working_dir = dir.clone();
                    self.cached_or_run(
                        &mut state,
                        run,
                        &label(step),
                        &located.text,
                        &shown,
                        None,
                        StepWork::Workdir(dir),
                    )
                    .await?;
                }
                Instruction::Onbuild(trigger) => {
                    // Kept in the config for a later build; BuildKit adds no history line.
                    state.config.config.on_build.push(trigger.clone());
                    state.cache_key = step_key(&state.cache_key, &located.text, None);
                }
                other => {
                    // Metadata only: changes the config and the cache chain, makes no layer.
                    let shown = self.apply_metadata(&mut state.config, other, &expand)?;
                    state.cache_key = step_key(&state.cache_key, &located.text, None);
                    // On a cached chain the entry keeps the time of the step below it, so a
                    // fully cached build reproduces the same config and image ID.
                    let created = match (state.missed, state.config.history.last()) {
                        (false, Some(last)) => last.created,
                        _ => created_at(self.now),
                    };
                    state.config.history.push(HistoryEntry {
                        created,
                        created_by: shown,
                        empty_layer: true,
                        comment: "buildkit.dockerfile.v0".into(),
                        size: 0,
                    });
                }
            }
        }
        Ok(state)
    }

    /// The variables an instruction's words expand against: ENV, then ARGs.
    fn stage_vars(&self, state: &StageState) -> BTreeMap<String, String> {
        let mut vars = state.args.clone();
        for (k, v) in state.config.config.env_pairs() {
            vars.insert(k, v);
        }
        vars
    }

    fn shell_argv(&self, state: &StageState, form: &ShellOrExec) -> Vec<String> {
        match form {
            ShellOrExec::Exec(argv) => argv.clone(),
            ShellOrExec::Shell(cmd) => {
                let mut argv = state
                    .config
                    .config
                    .shell
                    .clone()
                    .unwrap_or_else(|| vec!["/bin/sh".into(), "-c".into()]);
                argv.push(cmd.clone());
                argv
            }
        }
    }

    /// The ONBUILD triggers of a stage's base, where they are known before it is loaded (an
    /// earlier stage or a local image), to count the steps.
    fn base_triggers(
        &self,
        file: &Dockerfile,
        base: &str,
        done: &[Option<StageState>],
    ) -> Vec<String> {
        let lower = base.to_lowercase();
        if let Some(i) = file
            .stages
            .iter()
            .position(|s| s.name.as_deref() == Some(lower.as_str()))
        {
            if let Some(Some(prev)) = done.get(i) {
                return prev.config.config.on_build.clone();
            }
        }
        // An image not stored yet is pulled later; its triggers are counted then.
        self.engine
            .images
            .lookup(base)
            .map(|image| image.config.config.on_build.clone())
            .unwrap_or_default()
    }

    /// Starts a stage from scratch, an earlier stage or an image (pulled if missing).
    fn stage_base(
        &mut self,
        file: &Dockerfile,
        base: &str,
        done: &[Option<StageState>],
        run: &mut BuildRun,
        label: &str,
    ) -> Result<StageState, Failure> {
        let lower = base.to_lowercase();
        if let Some(i) = file
            .stages
            .iter()
            .position(|s| s.name.as_deref() == Some(lower.as_str()))
        {
            if let Some(Some(prev)) = done.get(i) {
                return Ok(StageState {
                    config: prev.config.clone(),
                    rootfs: prev.rootfs.clone(),
                    cache_key: prev.cache_key.clone(),
                    args: BTreeMap::new(),
                    missed: false,
                });
            }
        }
        if lower == "scratch" {
            return Ok(StageState {
                config: ImageConfig::new(created_at(self.now)),
                rootfs: Some(FsTree::new()),
                cache_key: sha256_digest(b"scratch"),
                args: BTreeMap::new(),
                missed: false,
            });
        }
        let reference = Reference::parse(base).map_err(|error| {
            failed(BuildError::StageName {
                base: base.to_string(),
                error,
            })
        })?;
        let n = run.begin(&format!(
            "[internal] load metadata for {}",
            reference.qualified()
        ));
        run.line(n, "DONE 0.0s");
        if self.engine.images.lookup(base).is_err() {
            if self.registry.manifest(&reference).is_none() {
                return Err(failed(BuildError::ResolveSource {
                    reference: reference.to_string(),
                    qualified: reference.qualified(),
                }));
            }
            self.pull(&reference)?;
        }
        let image = self
            .engine
            .images
            .lookup(base)
            .map_err(|_| failed(BuildError::ImageNotFound(base.to_string())))?;
        let n = run.begin(&format!("{label} FROM {}", reference.qualified()));
        run.line(n, "DONE 0.0s");
        Ok(StageState {
            config: image.config.clone(),
            rootfs: Some(image.rootfs.clone()),
            cache_key: image.id.to_string(),
            args: BTreeMap::new(),
            missed: false,
        })
    }

    /// The files of `--from`: a stage name or index, or an image.
    fn copy_source(
        &mut self,
        file: &Dockerfile,
        from: &str,
        done: &[Option<StageState>],
    ) -> Result<FsTree, Failure> {
        let lower = from.to_lowercase();
        let index = file
            .stages
            .iter()
            .position(|s| s.name.as_deref() == Some(lower.as_str()))
            .or_else(|| from.parse::<usize>().ok());
        if let Some(i) = index {
            if let Some(Some(state)) = done.get(i) {
                return match &state.rootfs {
                    Some(fs) => Ok(fs.clone()),
                    None => self
                        .engine
                        .images
                        .rootfs_of(&state.config.diff_ids)
                        .map_err(failed),
                };
            }
        }
        let reference = Reference::parse(from).map_err(|error| {
            failed(BuildError::InvalidFrom {
                from: from.to_string(),
                error,
            })
        })?;
        if self.engine.images.lookup(from).is_err() {
            self.pull(&reference)?;
        }
        self.engine
            .images
            .lookup(from)
            .map(|i| i.rootfs.clone())
            .map_err(|_| failed(BuildError::ImageNotFound(from.to_string())))
    }

    /// The stage's files, merged from its layers the first time a step needs them.
    fn materialize(&self, state: &mut StageState) -> Result<FsTree, Failure> {
        match &state.rootfs {
            Some(fs) => Ok(fs.clone()),
            None => {
                let fs = self
                    .engine
                    .images
                    .rootfs_of(&state.config.diff_ids)
                    .map_err(failed)?;
                state.rootfs = Some(fs.clone());
                Ok(fs)
            }
        }
    }

    /// One filesystem step: from the cache when its key is known, otherwise by doing `work`,
    /// which gives the layer, the new filesystem and the logical time it took.
    #[allow(clippy::too_many_arguments)]
    async fn cached_or_run(
        &mut self,
        state: &mut StageState,
        run: &mut BuildRun<'_>,
        label: &str,
        text: &str,
        shown: &str,
        checksum: Option<String>,
        work: StepWork<'_>,
    ) -> Result<(), Failure> {
        let n = run.begin(&format!("{label} {text}"));
        let lookup = if run.no_cache {
            Err(MissReason::NoCache)
        } else if state.missed {
            Err(MissReason::EarlierStepChanged)
        } else {
            self.engine
                .build_cache
                .lookup(
                    &state.cache_key,
                    text,
                    checksum.as_deref(),
                    &self.engine.images,
                )
                .cloned()
        };
        match lookup {
            Ok(record) => {
                run.line(n, "CACHED");
                state.cache_key = step_key(&state.cache_key, text, checksum.as_deref());
                state.config = record.result;
                state.rootfs = None;
                self.emit(EventKind::BuildStep {
                    step: format!("{label} {text}"),
                    cached: true,
                    reason: None,
                    layer: state.config.diff_ids.last().cloned(),
                });
            }
            Err(reason) => {
                run.line(n, &format!("(simulator) cache miss: {}", reason.explain()));
                state.missed = true;
                let ran = matches!(work, StepWork::Run(_));
                let (diff, after, elapsed) = match work {
                    StepWork::Run(argv) => self.run_step(state, run, n, &argv).await?,
                    StepWork::Workdir(dir) => {
                        let fs = self.materialize(state)?;
                        let mut after = fs.clone();
                        after
                            .mkdir(&dir, true)
                            .map_err(|error| failed(BuildError::Mkdir { dir, error }))?;
                        (LayerDiff::between(&fs, &after), after, 0)
                    }
                    StepWork::Copy {
                        copied,
                        dest,
                        mode,
                        many,
                    } => self.copy_step(state, copied, dest, mode, many)?,
                };
                // A RUN step's time passed while it ran.
                if !ran {
                    run.elapsed_ms += elapsed;
                }
                run.line(n, &format!("DONE {:.1}s", elapsed as f64 / 1000.0));
                let layer = Layer::new(diff);
                let diff_id = layer.diff_id.clone();
                let size = layer.size;
                self.engine.images.add_layer(layer);
                let parent = state.cache_key.clone();
                state.config.diff_ids.push(diff_id.clone());
                state.config.history.push(HistoryEntry {
                    created: created_at(self.now),
                    created_by: format!("{shown} # buildkit"),
                    empty_layer: false,
                    comment: "buildkit.dockerfile.v0".into(),
                    size,
                });
                state.rootfs = Some(after);
                state.cache_key = self.engine.build_cache.insert(CacheRecord {
                    parent,
                    instruction: text.to_string(),
                    checksum,
                    result: state.config.clone(),
                    created: self.now,
                });
                self.emit(EventKind::BuildStep {
                    step: format!("{label} {text}"),
                    cached: false,
                    reason: Some(reason.explain()),
                    layer: Some(diff_id),
                });
            }
        }
        Ok(())
    }

    /// Runs a RUN step's command in a fresh sandbox of the stage's layers and waits for it;
    /// the step's layer is what the sandbox's host reports it changed.
    async fn run_step(
        &mut self,
        state: &mut StageState,
        run: &mut BuildRun<'_>,
        n: usize,
        argv: &[String],
    ) -> Result<(LayerDiff, FsTree, u64), Failure> {
        let before = self.materialize(state)?;
        let mut env = state.config.config.env_pairs();
        for (k, v) in &state.args {
            if !env.iter().any(|(ek, _)| ek == k) {
                env.push((k.clone(), v.clone()));
            }
        }
        if !env.iter().any(|(k, _)| k == "PATH") {
            env.push((
                "PATH".into(),
                "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into(),
            ));
        }
        let layers = state.config.diff_ids.clone();
        self.store_layers(&layers);
        let sandbox = self.new_sandbox();
        self.issue(Effect::PrepareSandbox { sandbox, layers });
        let handle = self.new_handle();
        let target = Target::Sandbox(sandbox);
        self.procs
            .insert(handle, ProcRecord::new(target.clone(), Purpose::BuildRun));
        self.issue(Effect::StartProcess(ProcessStart {
            handle,
            target,
            purpose: Purpose::BuildRun,
            pid: 1,
            argv: argv.to_vec(),
            env,
            cwd: working_dir(&state.config),
            user: state.config.config.user.clone(),
            stdin: Vec::new(),
            hostname: "buildkitsandbox".into(),
            memory: None,
            nano_cpus: None,
            pids_limit: None,
        }));
        let started = self.now;
        self.wait_until(Some(started + RUN_BUDGET_MS), |w| {
            w.procs.get(&handle).is_none_or(|p| p.settled())
        })
        .await;
        let record = self.procs.remove(&handle);
        // A sandbox that reported no changes made an empty layer (`RUN true`).
        let changes = self.sandbox_changes.remove(&sandbox).unwrap_or_default();
        self.issue(Effect::DiscardSandbox { sandbox });
        let elapsed = self.now - started;
        let mut output = record
            .as_ref()
            .map(|r| r.output.clone())
            .unwrap_or_default();
        let exit = match record.as_ref() {
            Some(ProcRecord {
                failed: Some(error),
                ..
            }) => {
                output.push(super::LogLine {
                    at: started,
                    stream: Stream::Stderr,
                    bytes: format!("{error}\n").into_bytes(),
                });
                Some(error.exit_code())
            }
            Some(r) => r.exit.map(|e| e.code()),
            None => None,
        };
        for chunk in &output {
            for line in String::from_utf8_lossy(&chunk.bytes).lines() {
                let at_ms = chunk.at.saturating_sub(started);
                run.line(n, &format!("{:.3} {line}", at_ms as f64 / 1000.0 + 0.1));
            }
        }
        let shown = argv.join(" ");
        match exit {
            Some(0) => {
                let mut after = before;
                changes.apply_to(&mut after);
                Ok((changes, after, elapsed))
            }
            Some(code) => Err(failed(BuildError::ProcessFailed {
                command: shown,
                code,
            })
            .with_progress(&run.progress)),
            None => {
                self.issue(Effect::Signal { handle, signal: 9 });
                Err(failed(BuildError::StillRunning(shown)).with_progress(&run.progress))
            }
        }
    }

    /// COPY and ADD after their sources are gathered: cached by the files' checksum, else the
    /// files are laid into the stage.
    async fn copy_files(
        &mut self,
        state: &mut StageState,
        run: &mut BuildRun<'_>,
        label: &str,
        text: &str,
        copy: CopyStep<'_>,
    ) -> Result<(), Failure> {
        let mode = copy.chmod.and_then(|m| u32::from_str_radix(m, 8).ok());
        let shown = format!("{} {} {}", copy.keyword, copy.sources.join(" "), copy.dest);
        let many = copy.sources.len() > 1;
        self.cached_or_run(
            state,
            run,
            label,
            text,
            &shown,
            Some(checksum_of(copy.copied)),
            StepWork::Copy {
                copied: copy.copied,
                dest: copy.dest,
                mode,
                many,
            },
        )
        .await
    }

    fn copy_step(
        &mut self,
        state: &mut StageState,
        copied: &[(String, Node)],
        dest: &str,
        mode: Option<u32>,
        many: bool,
    ) -> Result<(LayerDiff, FsTree, u64), Failure> {
        let before = self.materialize(state)?;
        let mut fs = before.clone();
        let dest_abs = normalize(&working_dir(&state.config), dest);
        let into_dir = dest.ends_with('/')
            || many
            || fs.stat(&dest_abs).is_ok_and(Node::is_dir)
            || copied.iter().any(|(p, _)| p.contains('/'));
        for (relative, node) in copied {
            let node = match (node, mode) {
                (Node::File { .. }, Some(m)) => node.with_mode(m),
                _ => node.clone(),
            };
            let target = if into_dir || copied.len() > 1 {
                normalize(&dest_abs, relative)
            } else {
                dest_abs.clone()
            };
            fs.put(&target, node);
        }
        Ok((LayerDiff::between(&before, &fs), fs, 0))
    }

    fn apply_metadata(
        &self,
        config: &mut ImageConfig,
        instruction: &Instruction,
        expand: &dyn Fn(&str) -> Result<String, Failure>,
    ) -> Result<String, Failure> {
        let c = &mut config.config;
        let json = |v: &Vec<String>| serde_json::to_string(v).unwrap_or_default();
        let shell_form = |c: &crate::image::RunConfig, form: &ShellOrExec| match form {
            ShellOrExec::Exec(argv) => argv.clone(),
            ShellOrExec::Shell(cmd) => {
                let mut argv = c
                    .shell
                    .clone()
                    .unwrap_or_else(|| vec!["/bin/sh".into(), "-c".into()]);
                argv.push(cmd.clone());
                argv
            }
        };
        Ok(match instruction {
            Instruction::Env(pairs) => {
                let mut shown = Vec::new();
                for (k, v) in pairs {
                    let (k, v) = (expand(k)?, expand(v)?);
                    c.set_env(&k, &v);
                    shown.push(format!("{k}={v}"));
                }
                format!("ENV {}", shown.join(" "))
            }
            Instruction::Label(pairs) => {
                let mut shown = Vec::new();
                for (k, v) in pairs {
                    let (k, v) = (expand(k)?, expand(v)?);
                    shown.push(format!("{k}={v}"));
                    c.labels.insert(k, v);
                }
                format!("LABEL {}", shown.join(" "))
            }
            Instruction::Cmd(form) => {
                let argv = shell_form(c, form);
                c.cmd = Some(argv.clone());
                format!("CMD {}", json(&argv))
            }
            Instruction::Entrypoint(form) => {
                let argv = shell_form(c, form);
                c.entrypoint = Some(argv.clone());
                // Docker drops a CMD inherited from the base image when ENTRYPOINT is set.
                c.cmd = None;
                format!("ENTRYPOINT {}", json(&argv))
            }
            Instruction::Expose(ports) => {
                let mut shown = Vec::new();
                for p in ports {
                    let p = expand(p)?;
                    let p = if p.contains('/') {
                        p
                    } else {
                        format!("{p}/tcp")
                    };
                    shown.push(format!("{p}:{{}}"));
                    c.exposed_ports.insert(p);
                }
                format!("EXPOSE map[{}]", shown.join(" "))
            }
            Instruction::Volume(paths) => {
                let mut shown = Vec::new();
                for p in paths {
                    let p = expand(p)?;
                    shown.push(p.clone());
                    c.volumes.insert(p);
                }
                format!("VOLUME [{}]", shown.join(" "))
            }
            Instruction::User(user) => {
                c.user = expand(user)?;
                format!("USER {}", c.user)
            }
            Instruction::Shell(argv) => {
                c.shell = Some(argv.clone());
                format!("SHELL {}", json(argv))
            }
            Instruction::StopSignal(s) => {
                let s = expand(s)?;
                c.stop_signal = Some(s.clone());
                format!("STOPSIGNAL {s}")
            }
            Instruction::Healthcheck(h) => format!("HEALTHCHECK {h}"),
            Instruction::Maintainer(m) => format!("MAINTAINER {m}"),
            Instruction::Run(_)
            | Instruction::Copy { .. }
            | Instruction::Add { .. }
            | Instruction::Workdir(_)
            | Instruction::Onbuild(_)
            | Instruction::Arg(_) => String::new(),
        })
    }
}

impl Failure {
    /// Keeps the build output printed so far above the error, as docker shows it.
    fn with_progress(mut self, progress: &str) -> Failure {
        self.message = format!("{progress}{}", self.message);
        self
    }
}

fn is_step(i: &Instruction) -> bool {
    matches!(
        i,
        Instruction::Run(_)
            | Instruction::Copy { .. }
            | Instruction::Add { .. }
            | Instruction::Workdir(_)
    )
}

fn working_dir(config: &ImageConfig) -> String {
    if config.config.working_dir.is_empty() {
        "/".into()
    } else {
        config.config.working_dir.clone()
    }
}
