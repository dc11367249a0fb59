//! A small typed face of one host's engine, for callers that are not the docker CLI (the
//! cluster's kubelets): a [`ContainerSpec`] in, a [`ContainerId`] or an [`EngineError`] out,
//! through the same create/start path (effects, observations) as `docker run -d`.

use super::container::RestartPolicy;
pub(crate) use super::ids::ContainerId;
use super::World;
use crate::command::run_options::RunOptions;
use crate::driver::{Effect, ProcessHandle};

/// What to create.
#[derive(Clone, Debug, Default)]
pub(crate) struct ContainerSpec {
    pub name: String,
    pub image: String,
    /// Replaces the image's entrypoint and command when not empty.
    pub command: Vec<String>,
    pub env: Vec<(String, String)>,
    pub labels: Vec<(String, String)>,
    pub hostname: Option<String>,
    /// Its address (otherwise the next one of the host's bridge network).
    pub ip: Option<String>,
    /// Restart it whenever it ends (a pod's `restartPolicy: Always`).
    pub restart_always: bool,
    pub memory: Option<u64>,
}

/// Why the engine refused, in docker's words.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum EngineError {
    #[error("invalid reference format: {0}")]
    InvalidReference(String),
    #[error("pull access denied for {0}, repository does not exist or may require 'docker login'")]
    ImageNotFound(String),
    #[error("Conflict. The container name \"/{0}\" is already in use")]
    NameInUse(String),
    #[error("No such container: {0}")]
    NoSuchContainer(String),
    #[error("{0}")]
    Start(String),
}

impl World {
    /// Creates a container on the current host, pulling its image if the host lacks it.
    pub(crate) fn create_from_spec(
        &mut self,
        spec: ContainerSpec,
    ) -> Result<ContainerId, EngineError> {
        if self.engine.names.contains_key(&spec.name) {
            return Err(EngineError::NameInUse(spec.name));
        }
        let image_id = match self.engine.images.lookup(&spec.image) {
            Ok(image) => image.id.clone(),
            Err(_) => {
                let reference = crate::image::Reference::parse(&spec.image)
                    .map_err(|_| EngineError::InvalidReference(spec.image.clone()))?;
                if self.registry.manifest(&reference).is_none() {
                    return Err(EngineError::ImageNotFound(reference.repository.clone()));
                }
                self.pull(&reference)
                    .map_err(|f| EngineError::Start(f.message))?;
                self.engine
                    .images
                    .lookup(&spec.image)
                    .map(|i| i.id.clone())
                    .map_err(|_| EngineError::ImageNotFound(spec.image.clone()))?
            }
        };
        let options = RunOptions {
            detach: true,
            name: Some(spec.name),
            env: spec.env.into_iter().map(|(k, v)| (k, Some(v))).collect(),
            mounts: Vec::new(),
            publish: Vec::new(),
            publish_all: false,
            auto_remove: false,
            restart: RestartPolicy {
                name: if spec.restart_always { "always" } else { "no" }.into(),
                max_retries: 0,
            },
            hostname: spec.hostname,
            workdir: None,
            entrypoint: (!spec.command.is_empty()).then(String::new),
            memory: spec.memory,
            nano_cpus: None,
            read_only: false,
            pids_limit: None,
            user: None,
            labels: spec.labels,
        };
        let id = self
            .create_container(&options, &spec.image, &image_id, &spec.command, spec.ip)
            .map_err(|_| EngineError::ImageNotFound(spec.image.clone()))?;
        Ok(id)
    }

    /// Starts a container's main process without waiting for its host (it counts as running
    /// once the host reports the start).
    pub(crate) fn start_detached(&mut self, id: &ContainerId) -> Result<(), EngineError> {
        if let Some(c) = self.engine.containers.get_mut(id) {
            c.stopped_by_user = false;
        }
        match self.begin_start(id) {
            Ok(Some(handle)) => {
                self.detach(handle);
                Ok(())
            }
            Ok(None) => Ok(()),
            Err(f) => Err(EngineError::Start(f.message)),
        }
    }

    /// Kills a container's main process, with no restart (as `docker kill` does).
    pub(crate) fn kill_container(&mut self, id: &ContainerId) -> Result<(), EngineError> {
        let c = self
            .engine
            .containers
            .get_mut(id)
            .ok_or_else(|| EngineError::NoSuchContainer(id.0.clone()))?;
        c.stopped_by_user = true;
        c.restart_at = None;
        if let Some(handle) = c.main.filter(|_| c.is_running()) {
            self.issue(Effect::Signal {
                handle,
                signal: crate::command::signal::SIGKILL,
            });
        }
        Ok(())
    }

    /// Removes a container (killing it first if it runs).
    pub(crate) fn remove_by_id(&mut self, id: &ContainerId) -> Result<(), EngineError> {
        self.kill_container(id)?;
        self.remove_container(id, true);
        Ok(())
    }

    fn detach(&mut self, handle: ProcessHandle) {
        if let Some(p) = self.procs.get_mut(&handle) {
            p.detached = true;
        }
    }
}
