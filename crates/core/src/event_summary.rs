//! One line of plain text per event, for timelines and logs (the JSON form is the exact one),
//! in English or Korean.

use crate::build::cache::MissReason;
use crate::event::EventKind;

/// The language of a summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    English,
    Korean,
}

fn short(id: &str) -> &str {
    let id = id.strip_prefix("sha256:").unwrap_or(id);
    &id[..12.min(id.len())]
}

fn layers(n: usize) -> String {
    match n {
        1 => "1 layer".to_string(),
        n => format!("{n} layers"),
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
            EventKind::ContainerRenamed { .. } => "container_renamed",
            EventKind::HostAdded { .. } => "host_added",
            EventKind::HostRemoved { .. } => "host_removed",
            EventKind::ContainerRemoved { .. } => "container_removed",
            EventKind::ExecRan { .. } => "exec_ran",
            EventKind::HostCommandRan { .. } => "host_command_ran",
            EventKind::VolumeCreated { .. } => "volume_created",
            EventKind::VolumeCopiedUp { .. } => "volume_copied_up",
            EventKind::VolumeRemoved { .. } => "volume_removed",
            EventKind::ClusterCreated { .. } => "cluster_created",
            EventKind::ClusterDeleted { .. } => "cluster_deleted",
            EventKind::KubeEvent { .. } => "kube_event",
            EventKind::PodReadiness { .. } => "pod_readiness",
        }
    }

    /// What happened, in a short English sentence.
    pub fn summary(&self) -> String {
        self.summary_in(Language::English)
    }

    /// What happened, in a short sentence in `language` (the same facts in each).
    pub fn summary_in(&self, language: Language) -> String {
        let ko = language == Language::Korean;
        match self {
            EventKind::Command { line } => format!("$ {line}"),
            EventKind::CommandFailed { error, .. } if ko => format!("실패: {error}"),
            EventKind::CommandFailed { error, .. } => format!("failed: {error}"),
            EventKind::ImagePulled {
                reference,
                downloaded,
                skipped,
                ..
            } => {
                let (new, old) = (downloaded.len(), skipped.len());
                if ko {
                    format!("{reference} 받음: 레이어 {new}개 내려받음, {old}개는 이미 있음")
                } else {
                    format!(
                        "pulled {reference}: {} downloaded, {old} already here",
                        layers(new)
                    )
                }
            }
            EventKind::ImagePushed {
                reference,
                pushed,
                skipped,
            } => {
                let (new, old) = (pushed.len(), skipped.len());
                if ko {
                    format!(
                        "{reference} 올림: 레이어 {new}개 보냄, {old}개는 레지스트리에 이미 있음"
                    )
                } else {
                    format!(
                        "pushed {reference}: {} sent, {old} already in the registry",
                        layers(new)
                    )
                }
            }
            EventKind::ImageTagged { reference, id } if ko => {
                format!("태그 {reference} → 이미지 {}", short(id))
            }
            EventKind::ImageTagged { reference, id } => {
                format!("tagged {} as {reference}", short(id))
            }
            EventKind::ImageUntagged { reference } if ko => format!("태그 {reference} 제거"),
            EventKind::ImageUntagged { reference } => format!("untagged {reference}"),
            EventKind::ImageDeleted { id, layers: gone } if ko => {
                format!("이미지 {} 삭제, 레이어 {}개도 삭제", short(id), gone.len())
            }
            EventKind::ImageDeleted { id, layers: gone } => {
                format!("deleted image {} and {}", short(id), layers(gone.len()))
            }
            EventKind::BuildStep {
                step,
                cached,
                reason,
                ..
            } => match (cached, reason, ko) {
                (true, _, true) => format!("CACHED {step} (캐시 사용)"),
                (true, _, false) => format!("CACHED {step}"),
                (false, Some(reason), true) => {
                    let why = MissReason::from_explanation(reason)
                        .map_or(reason.as_str(), |r| r.explain_ko());
                    format!("{step} 실행 ({why})")
                }
                (false, Some(reason), false) => format!("ran {step} ({reason})"),
                (false, None, true) => format!("{step} 실행"),
                (false, None, false) => format!("ran {step}"),
            },
            EventKind::ImageBuilt { id, tags } => match (tags.first(), ko) {
                (Some(tag), true) => format!("이미지 {} 빌드 완료: {tag}", short(id)),
                (None, true) => format!("이미지 {} 빌드 완료", short(id)),
                (Some(tag), false) => format!("built image {} as {tag}", short(id)),
                (None, false) => format!("built image {}", short(id)),
            },
            EventKind::ImageCommitted { container, id } if ko => {
                format!("컨테이너 {container} → 이미지 {} 커밋", short(id))
            }
            EventKind::ImageCommitted { container, id } => {
                format!("committed {container} as image {}", short(id))
            }
            EventKind::ContainerCreated { name, image, .. } if ko => {
                format!("컨테이너 {name} 생성 (이미지 {image})")
            }
            EventKind::ContainerCreated { name, image, .. } => {
                format!("created container {name} from {image}")
            }
            EventKind::ContainerStarted { name, argv, .. } => {
                let pid1 = argv.join(" ");
                if ko {
                    format!("{name} 시작: PID 1 = `{pid1}`")
                } else {
                    format!("started {name}: PID 1 is `{pid1}`")
                }
            }
            EventKind::ContainerExited {
                name,
                exit_code,
                oom_killed,
                ..
            } => match (oom_killed, ko) {
                (true, true) => {
                    format!("{name}: 메모리 한도를 넘어 강제 종료 (종료 코드 {exit_code})")
                }
                (true, false) => {
                    format!("{name} was killed for using too much memory (exit {exit_code})")
                }
                (false, true) => format!("{name} 종료 (종료 코드 {exit_code})"),
                (false, false) => format!("{name} exited with code {exit_code}"),
            },
            EventKind::ContainerRestarting {
                name,
                restart_count,
                delay_ms,
                ..
            } if ko => format!("{name}: {delay_ms} ms 뒤 재시작 ({restart_count}번째)"),
            EventKind::ContainerRestarting {
                name,
                restart_count,
                delay_ms,
                ..
            } => format!("{name} restarts (restart #{restart_count}) after {delay_ms} ms"),
            EventKind::HostAdded { name } if ko => {
                format!("서버 {name} 추가: 도커 엔진이 하나 더 생김")
            }
            EventKind::HostAdded { name } => {
                format!("added host {name} with its own docker engine")
            }
            EventKind::HostRemoved { name, containers } if ko => {
                format!("서버 {name} 제거: 컨테이너 {containers}개도 함께 사라짐")
            }
            EventKind::HostRemoved { name, containers } => {
                format!("removed host {name} and its {containers} container(s)")
            }
            EventKind::ContainerRenamed { old_name, name, .. } if ko => {
                format!("컨테이너 이름 변경: {old_name} → {name}")
            }
            EventKind::ContainerRenamed { old_name, name, .. } => {
                format!("renamed container {old_name} to {name}")
            }
            EventKind::ContainerRemoved {
                name,
                discarded_bytes,
                ..
            } if ko => format!("{name} 삭제: 쓰기 레이어({discarded_bytes} B)도 사라짐"),
            EventKind::ContainerRemoved {
                name,
                discarded_bytes,
                ..
            } => format!("removed {name}; its writable layer ({discarded_bytes} B) is gone"),
            EventKind::ExecRan {
                id,
                argv,
                exit_code,
            } => {
                let (id, command) = (short(id), argv.join(" "));
                if ko {
                    format!("{id} 안에서 exec: `{command}` 종료 코드 {exit_code}")
                } else {
                    format!("exec in {id}: `{command}` exited {exit_code}")
                }
            }
            EventKind::HostCommandRan { argv, exit_code } => {
                let command = argv.join(" ");
                if ko {
                    format!("호스트에서 `{command}` 실행, 종료 코드 {exit_code}")
                } else {
                    format!("on the host: `{command}` exited {exit_code}")
                }
            }
            EventKind::VolumeCreated { name } if ko => format!("볼륨 {name} 생성"),
            EventKind::VolumeCreated { name } => format!("created volume {name}"),
            EventKind::VolumeCopiedUp { name, path } if ko => {
                format!("빈 볼륨 {name}에 이미지의 {path} 파일을 복사")
            }
            EventKind::VolumeCopiedUp { name, path } => {
                format!("filled volume {name} with the image's files at {path}")
            }
            EventKind::VolumeRemoved { name } if ko => format!("볼륨 {name} 삭제"),
            EventKind::VolumeRemoved { name } => format!("removed volume {name}"),
            EventKind::ClusterCreated { nodes } if ko => {
                format!(
                    "클러스터 생성: 노드 {}개 ({})",
                    nodes.len(),
                    nodes.join(", ")
                )
            }
            EventKind::ClusterCreated { nodes } => {
                format!(
                    "created a cluster of {} node(s): {}",
                    nodes.len(),
                    nodes.join(", ")
                )
            }
            EventKind::ClusterDeleted { nodes } if ko => format!("클러스터 삭제: 노드 {nodes}개"),
            EventKind::ClusterDeleted { nodes } => {
                format!("deleted the cluster and its {nodes} node(s)")
            }
            EventKind::KubeEvent {
                reason,
                object,
                message,
                ..
            } if ko => format!("클러스터 이벤트 {object}: {reason}: {message}"),
            EventKind::KubeEvent {
                reason,
                object,
                message,
                ..
            } => format!("{object}: {reason}: {message}"),
            EventKind::PodReadiness { pod, ready: true } if ko => {
                format!("파드 {pod}: 준비됨 (readiness probe 통과)")
            }
            EventKind::PodReadiness { pod, ready: false } if ko => {
                format!("파드 {pod}: 준비 안 됨 (readiness probe 실패)")
            }
            EventKind::PodReadiness { pod, ready: true } => {
                format!("pod/{pod}: ready (its readiness probe passed)")
            }
            EventKind::PodReadiness { pod, ready: false } => {
                format!("pod/{pod}: not ready (its readiness probe failed)")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Language;
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
            let korean = event.kind.summary_in(Language::Korean);
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
