//! The pictures' words, Korean and English, in one table.

use sim_core::build::cache::MissReason;

/// Which label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Label {
    LayersHeading,
    BuildHeading,
    ContainersHeading,
    IsolationHeading,
    RegistryHeading,
    MemoryHeading,
    NoImages,
    NoBuild,
    NoContainers,
    NoTransfer,
    Shared,
    Cached,
    Rebuilt,
    Layers,
    WritableLayer,
    Changes,
    Discarded,
    Removed,
    ImageLayers,
    Volume,
    Bind,
    UnusedVolume,
    Host,
    Hostname,
    NotRunning,
    SameProcess,
    Local,
    Registry,
    Pulled,
    Pushed,
    AlreadyExists,
    NotTransferred,
    NoLimit,
    Limit,
    Used,
    BuildFailed,
    Files,
    ClusterHeading,
    SchedulingHeading,
    NoCluster,
    NoDecision,
    Cpu,
    MemoryShort,
    KubeletStopped,
    PendingPods,
    NodesReady,
    NodesCordoned,
    NodesDown,
    PodsPerNode,
    Pods,
    Node,
    Score,
    Reason,
    WhatIf,
    WhatIfUnder,
    Now,
    RolloutHeading,
    DiscoveryHeading,
    NoDeployment,
    OldPods,
    NewPods,
    OldReady,
    OldNotReady,
    NewReady,
    NewNotReady,
    MaxPods,
    MinReady,
    RolloutComplete,
    RolloutStalled,
    RolloutPaused,
    RolloutProgressing,
    NoLookup,
    LookUpService,
    Pod,
    DnsAsked,
    Headless,
    VirtualIp,
    NoEndpoints,
    PicksOne,
    ClientPicks,
}

/// (Korean, English).
fn words(label: Label) -> (&'static str, &'static str) {
    use Label::*;
    match label {
        LayersHeading => ("이미지와 레이어", "Images and their layers"),
        BuildHeading => ("마지막 빌드 단계", "Steps of the last build"),
        ContainersHeading => (
            "컨테이너: 이미지 레이어 + 쓰기 레이어 + 볼륨",
            "Containers: image layers + writable layer + volumes",
        ),
        IsolationHeading => (
            "컨테이너 안과 밖: 격리",
            "Inside and outside a container: isolation",
        ),
        RegistryHeading => ("레지스트리 push/pull", "Registry push and pull"),
        MemoryHeading => ("메모리 사용량과 한도", "Memory use against the limit"),
        NoImages => ("아직 이미지가 없습니다", "No images yet"),
        NoBuild => ("아직 빌드하지 않았습니다", "Nothing built yet"),
        NoContainers => ("컨테이너가 없습니다", "No containers"),
        NoTransfer => ("아직 pull이나 push가 없습니다", "No pull or push yet"),
        Shared => ("공유", "shared"),
        Cached => ("캐시", "CACHED"),
        Rebuilt => ("실행", "ran"),
        Layers => ("레이어", "layers"),
        WritableLayer => ("쓰기 레이어", "writable layer"),
        Changes => ("변경", "changes"),
        Discarded => ("쓰기 레이어 버려짐", "writable layer discarded"),
        Removed => ("삭제됨", "removed"),
        ImageLayers => (
            "이미지 레이어 (읽기 전용, 공유)",
            "image layers (read-only, shared)",
        ),
        Volume => ("볼륨", "volume"),
        Bind => ("바인드", "bind"),
        UnusedVolume => ("사용 안 함 (남아 있음)", "unused (still here)"),
        Host => ("호스트", "host"),
        Hostname => ("호스트 이름", "hostname"),
        NotRunning => ("실행 중이 아님: 프로세스 없음", "not running: no processes"),
        SameProcess => ("같은 프로세스, 다른 PID", "same process, other PID"),
        Local => ("이 컴퓨터", "local"),
        Registry => ("레지스트리", "registry"),
        Pulled => ("받음", "Pull complete"),
        Pushed => ("보냄", "Pushed"),
        AlreadyExists => ("이미 있음 (건너뜀)", "Already exists (skipped)"),
        NotTransferred => ("전송 안 함", "not transferred"),
        NoLimit => ("한도 없음", "no limit"),
        Limit => ("한도", "limit"),
        Used => ("사용", "used"),
        BuildFailed => ("빌드 실패", "build failed"),
        Files => ("파일", "files"),
        ClusterHeading => ("클러스터: 노드와 파드", "Cluster: nodes and their pods"),
        SchedulingHeading => (
            "스케줄러의 결정: 필터, 점수, 선택",
            "The scheduler's decision: filters, scores, the pick",
        ),
        NoCluster => (
            "클러스터가 없습니다 (cluster create)",
            "No cluster (cluster create)",
        ),
        NoDecision => ("아직 스케줄된 파드가 없습니다", "No pod scheduled yet"),
        Cpu => ("CPU", "CPU"),
        MemoryShort => ("메모리", "mem"),
        KubeletStopped => ("kubelet 멈춤", "kubelet stopped"),
        PendingPods => ("대기 중(Pending)", "Pending"),
        NodesReady => ("Ready 노드", "Ready nodes"),
        NodesCordoned => ("cordon된 노드", "cordoned nodes"),
        NodesDown => ("NotReady 노드", "NotReady nodes"),
        PodsPerNode => ("노드당 파드 수의 분포", "nodes per count of pods"),
        Pods => ("파드", "pods"),
        Node => ("노드", "node"),
        Score => ("점수", "score"),
        Reason => ("거부 이유", "rejected because"),
        WhatIf => ("다른 전략이었다면:", "What if the strategy were:"),
        WhatIfUnder => ("다시 배치:", "replayed under"),
        Now => ("지금", "now"),
        RolloutHeading => (
            "롤아웃: 옛 레플리카셋과 새 레플리카셋의 파드",
            "Rollout: old and new ReplicaSets' pods",
        ),
        DiscoveryHeading => (
            "서비스 디스커버리: 이름에서 파드까지, 그리고 etcd",
            "Service discovery: from a name to a pod, and etcd",
        ),
        NoDeployment => ("디플로이먼트가 아직 없습니다.", "No Deployment yet."),
        OldPods => ("옛", "old"),
        NewPods => ("새", "new"),
        OldReady => ("옛 파드 Ready", "old, ready"),
        OldNotReady => ("옛 파드 준비 안 됨", "old, not ready"),
        NewReady => ("새 파드 Ready", "new, ready"),
        NewNotReady => ("새 파드 준비 안 됨", "new, not ready"),
        MaxPods => ("최대 파드", "max pods"),
        MinReady => ("최소 Ready", "min ready"),
        RolloutComplete => ("롤아웃 완료", "rollout complete"),
        RolloutStalled => (
            "멈춤 (ProgressDeadlineExceeded)",
            "stalled (ProgressDeadlineExceeded)",
        ),
        RolloutPaused => ("일시 정지", "paused"),
        RolloutProgressing => ("진행 중", "progressing"),
        NoLookup => (
            "아직 파드 안에서 이름을 찾지 않았습니다 (kubectl exec POD -- nslookup NAME).",
            "No lookup from inside a pod yet (kubectl exec POD -- nslookup NAME).",
        ),
        LookUpService => ("이 서비스 찾기:", "Look up a Service:"),
        Pod => ("파드", "pod"),
        DnsAsked => (
            "클러스터 DNS(CoreDNS)에 물은 이름",
            "Names asked of the cluster DNS (CoreDNS)",
        ),
        Headless => (
            "헤드리스: 파드 IP마다 A 레코드",
            "headless: one A record per pod IP",
        ),
        VirtualIp => (
            "가상 IP: 어느 노드에도 없는 주소, kube-proxy 규칙이 받습니다",
            "a virtual IP: no node has it; kube-proxy's rules catch it",
        ),
        NoEndpoints => (
            "Ready인 파드가 없습니다: 연결이 거부됩니다",
            "no ready pod: the connection is refused",
        ),
        PicksOne => (
            "연결마다 Ready 엔드포인트 하나를 무작위로",
            "one ready endpoint at random per connection",
        ),
        ClientPicks => (
            "클라이언트가 A 레코드 중 하나로 직접 연결",
            "the client connects to one of the A records itself",
        ),
    }
}

/// The label in `lang` ("ko" or anything else for English).
pub fn t(lang: &str, label: Label) -> &'static str {
    let (ko, en) = words(label);
    if lang == "ko" {
        ko
    } else {
        en
    }
}

/// "+N more" for items not drawn.
pub fn more(lang: &str, n: usize) -> String {
    if lang == "ko" {
        format!("+{n}개 더")
    } else {
        format!("+{n} more")
    }
}

/// A cache-miss reason from the core (English) in `lang`.
pub fn reason(lang: &str, text: &str) -> String {
    match MissReason::from_explanation(text) {
        Some(reason) if lang == "ko" => reason.explain_ko().to_string(),
        _ => text.to_string(),
    }
}
