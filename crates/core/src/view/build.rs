//! The most recent build, read back from the trace.

use super::{short, BuildStepView, BuildView};
use crate::event::{Event, EventKind};

/// The steps of the latest command that ran build steps, with its result.
pub(super) fn last_build(events: &[Event]) -> Option<BuildView> {
    // Walk back to the latest BuildStep, then to the Command that started its build.
    let last_step = events
        .iter()
        .rposition(|e| matches!(e.kind, EventKind::BuildStep { .. }))?;
    let start = events[..last_step]
        .iter()
        .rposition(|e| matches!(e.kind, EventKind::Command { .. }))?;
    let mut build = BuildView::default();
    for event in &events[start..] {
        match &event.kind {
            EventKind::Command { line } => {
                if !build.command.is_empty() {
                    break;
                }
                build.command = line.clone();
            }
            EventKind::BuildStep {
                step,
                cached,
                reason,
                layer,
            } => build.steps.push(BuildStepView {
                instruction: step.clone(),
                cached: *cached,
                reason: reason.clone(),
                layer: layer.as_deref().map(short),
            }),
            EventKind::ImageBuilt { id, tags } => {
                build.image = Some(short(id));
                build.tags = tags.clone();
            }
            EventKind::CommandFailed { error, .. } => build.error = Some(error.clone()),
            _ => {}
        }
    }
    Some(build)
}
