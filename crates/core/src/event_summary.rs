//! One line of plain text per event, for timelines and logs (the JSON form is the exact one).

use crate::build::cache::MissReason;
use crate::event::EventKind;

fn short(id: &str) -> &str {
    let id = id.strip_prefix("sha256:").unwrap_or(id);
    &id[..12.min(id.len())]
}

fn count(n: usize, one: &str) -> String {
    match n {
        1 => format!("1 {one}"),
        n => format!("{n} {one}s"),
    }
}

impl EventKind {
    /// The event's snake_case name, as in its JSON `kind` field.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::Command { .. } => "command",
            EventKind::CommandFailed { .. } => "command_failed",
            EventKind::ImagePulled { .. } => "image_pulled",
            EventKind::ImagePushed { .. } => "image_pushed",
            EventKind::ImageTagged { .. } => "image_tagged",
            EventKind::ImageUntagged { .. } => "image_untagged",
            EventKind::ImageDeleted { .. } => "image_deleted",
            EventKind::BuildStep { .. } => "build_step",
            EventKind::ImageBuilt { .. } => "image_built",
            EventKind::ImageCommitted { .. } => "image_committed",
            EventKind::ContainerCreated { .. } => "container_created",
            EventKind::ContainerStarted { .. } => "container_started",
            EventKind::ContainerExited { .. } => "container_exited",
            EventKind::ContainerRestarting { .. } => "container_restarting",
            EventKind::ContainerRemoved { .. } => "container_removed",
            EventKind::ExecRan { .. } => "exec_ran",
            EventKind::VolumeCreated { .. } => "volume_created",
            EventKind::VolumeCopiedUp { .. } => "volume_copied_up",
            EventKind::VolumeRemoved { .. } => "volume_removed",
        }
    }

    /// What happened, in a short English sentence.
    pub fn summary(&self) -> String {
        match self {
            EventKind::Command { line } => format!("$ {line}"),
            EventKind::CommandFailed { error, .. } => format!("failed: {error}"),
            EventKind::ImagePulled {
                reference,
                downloaded,
                skipped,
                ..
            } => format!(
                "pulled {reference}: {} downloaded, {} already here",
                count(downloaded.len(), "layer"),
                skipped.len()
            ),
            EventKind::ImagePushed {
                reference,
                pushed,
                skipped,
            } => format!(
                "pushed {reference}: {} sent, {} already in the registry",
                count(pushed.len(), "layer"),
                skipped.len()
            ),
            EventKind::ImageTagged { reference, id } => {
                format!("tagged {} as {reference}", short(id))
            }
            EventKind::ImageUntagged { reference } => format!("untagged {reference}"),
            EventKind::ImageDeleted { id, layers } => format!(
                "deleted image {} and {}",
                short(id),
                count(layers.len(), "layer")
            ),
            EventKind::BuildStep {
                step,
                cached,
                reason,
                ..
            } => match (cached, reason) {
                (true, _) => format!("CACHED {step}"),
                (false, Some(reason)) => format!("ran {step} ({reason})"),
                (false, None) => format!("ran {step}"),
            },
            EventKind::ImageBuilt { id, tags } => match tags.first() {
                Some(tag) => format!("built image {} as {tag}", short(id)),
                None => format!("built image {}", short(id)),
            },
            EventKind::ImageCommitted { container, id } => {
                format!("committed {container} as image {}", short(id))
            }
            EventKind::ContainerCreated { name, image, .. } => {
                format!("created container {name} from {image}")
            }
            EventKind::ContainerStarted { name, argv, .. } => {
                format!("started {name}: PID 1 is `{}`", argv.join(" "))
            }
            EventKind::ContainerExited {
                name,
                exit_code,
                oom_killed,
                ..
            } => {
                if *oom_killed {
                    format!("{name} was killed for using too much memory (exit {exit_code})")
                } else {
                    format!("{name} exited with code {exit_code}")
                }
            }
            EventKind::ContainerRestarting {
                name,
                restart_count,
                delay_ms,
                ..
            } => format!(
                "{name} restarts (restart #{restart_count}) after {} ms",
                delay_ms
            ),
            EventKind::ContainerRemoved {
                name,
                discarded_bytes,
                ..
            } => format!("removed {name}; its writable layer ({discarded_bytes} B) is gone"),
            EventKind::ExecRan {
                id,
                argv,
                exit_code,
            } => format!(
                "exec in {}: `{}` exited {exit_code}",
                short(id),
                argv.join(" ")
            ),
            EventKind::VolumeCreated { name } => format!("created volume {name}"),
            EventKind::VolumeCopiedUp { name, path } => {
                format!("filled volume {name} with the image's files at {path}")
            }
            EventKind::VolumeRemoved { name } => format!("removed volume {name}"),
        }
    }
}

impl EventKind {
    /// What happened, in a short Korean sentence (the same facts as [`EventKind::summary`]).
    pub fn summary_ko(&self) -> String {
        match self {
            EventKind::Command { line } => format!("$ {line}"),
            EventKind::CommandFailed { error, .. } => format!("실패: {error}"),
            EventKind::ImagePulled {
                reference,
                downloaded,
                skipped,
                ..
            } => format!(
                "{reference} 받음: 레이어 {}개 내려받음, {}개는 이미 있음",
                downloaded.len(),
                skipped.len()
            ),
            EventKind::ImagePushed {
                reference,
                pushed,
                skipped,
            } => format!(
                "{reference} 올림: 레이어 {}개 보냄, {}개는 레지스트리에 이미 있음",
                pushed.len(),
                skipped.len()
            ),
            EventKind::ImageTagged { reference, id } => {
                format!("태그 {reference} → 이미지 {}", short(id))
            }
            EventKind::ImageUntagged { reference } => format!("태그 {reference} 제거"),
            EventKind::ImageDeleted { id, layers } => format!(
                "이미지 {} 삭제, 레이어 {}개도 삭제",
                short(id),
                layers.len()
            ),
            EventKind::BuildStep {
                step,
                cached,
                reason,
                ..
            } => match (cached, reason) {
                (true, _) => format!("CACHED {step} (캐시 사용)"),
                (false, Some(reason)) => {
                    let why = MissReason::from_explanation(reason)
                        .map_or(reason.as_str(), |r| r.explain_ko());
                    format!("{step} 실행 ({why})")
                }
                (false, None) => format!("{step} 실행"),
            },
            EventKind::ImageBuilt { id, tags } => match tags.first() {
                Some(tag) => format!("이미지 {} 빌드 완료: {tag}", short(id)),
                None => format!("이미지 {} 빌드 완료", short(id)),
            },
            EventKind::ImageCommitted { container, id } => {
                format!("컨테이너 {container} → 이미지 {} 커밋", short(id))
            }
            EventKind::ContainerCreated { name, image, .. } => {
                format!("컨테이너 {name} 생성 (이미지 {image})")
            }
            EventKind::ContainerStarted { name, argv, .. } => {
                format!("{name} 시작: PID 1 = `{}`", argv.join(" "))
            }
            EventKind::ContainerExited {
                name,
                exit_code,
                oom_killed,
                ..
            } => {
                if *oom_killed {
                    format!("{name}: 메모리 한도를 넘어 강제 종료 (종료 코드 {exit_code})")
                } else {
                    format!("{name} 종료 (종료 코드 {exit_code})")
                }
            }
            EventKind::ContainerRestarting {
                name,
                restart_count,
                delay_ms,
                ..
            } => format!("{name}: {delay_ms} ms 뒤 재시작 ({restart_count}번째)"),
            EventKind::ContainerRemoved {
                name,
                discarded_bytes,
                ..
            } => format!("{name} 삭제: 쓰기 레이어({discarded_bytes} B)도 사라짐"),
            EventKind::ExecRan {
                id,
                argv,
                exit_code,
            } => format!(
                "{} 안에서 exec: `{}` 종료 코드 {exit_code}",
                short(id),
                argv.join(" ")
            ),
            EventKind::VolumeCreated { name } => format!("볼륨 {name} 생성"),
            EventKind::VolumeCopiedUp { name, path } => {
                format!("빈 볼륨 {name}에 이미지의 {path} 파일을 복사")
            }
            EventKind::VolumeRemoved { name } => format!("볼륨 {name} 삭제"),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::build::cache::MissReason;
    use crate::{BuildContext, EventKind, World};

    #[test]
    fn every_event_of_a_session_has_a_name_matching_its_json_and_a_summary() {
        let mut world = World::new(3);
        let none = BuildContext::default();
        for line in [
            "docker run --name a -v data:/data busybox sh -c 'echo hi'",
            "docker exec a true",
            "docker rm a",
            "docker rmi busybox",
            "docker run --memory 1b busybox true",
        ] {
            world.run_line(line, &none);
        }
        assert!(world.events().len() > 5);
        for event in world.events() {
            let json = serde_json::to_value(&event.kind).unwrap();
            assert_eq!(json["kind"], event.kind.name());
            assert!(!event.kind.summary().is_empty());
            let korean = event.kind.summary_ko();
            assert!(
                matches!(event.kind, EventKind::Command { .. })
                    || korean.chars().any(|c| ('가'..='힣').contains(&c)),
                "{korean}"
            );
        }
    }

    #[test]
    fn every_cache_miss_reason_reads_back_from_the_trace_and_has_korean() {
        for reason in MissReason::ALL {
            assert_eq!(
                MissReason::from_explanation(&reason.explain()),
                Some(reason.clone())
            );
            assert_ne!(reason.explain_ko(), reason.explain());
        }
        assert_eq!(MissReason::from_explanation("something else"), None);
    }
}
