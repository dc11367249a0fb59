//! `kubectl get events` and describe's Events table count repeats of one event on one line,
//! as the API server's event correlator and kubectl's printers do.

use sim_core::event::EventKind;
use sim_core::{BuildContext, World};

fn ok(w: &mut World, line: &str) -> String {
    let o = w.run_line(line, &BuildContext::default());
    assert_eq!(o.exit_code, 0, "{line}: {}{}", o.stdout, o.stderr);
    o.stdout
}

/// How often the trace recorded a cluster event with this reason.
fn recorded(w: &World, reason: &str) -> usize {
    w.events()
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::KubeEvent { reason: r, .. } if r == reason))
        .count()
}

#[test]
fn a_crash_loops_back_offs_are_one_line_with_their_count() {
    let mut w = World::new(7);
    ok(&mut w, "cluster create");
    ok(&mut w, "kubectl create deployment b --image=busybox");
    ok(&mut w, "tick 10m");
    let backoffs = recorded(&w, "BackOff");
    assert!(backoffs > 3, "{backoffs}");

    let table = ok(&mut w, "kubectl get events");
    let lines: Vec<&str> = table.lines().filter(|l| l.contains("BackOff")).collect();
    assert_eq!(lines.len(), 1, "{table}");

    let wide = ok(&mut w, "kubectl get events -o wide");
    let header: Vec<&str> = wide
        .lines()
        .next()
        .unwrap()
        .split("   ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(
        header,
        [
            "LAST SEEN",
            "TYPE",
            "REASON",
            "OBJECT",
            "SUBOBJECT",
            "SOURCE",
            "MESSAGE",
            "FIRST SEEN",
            "COUNT",
            "NAME"
        ]
    );
    let line = wide.lines().find(|l| l.contains("BackOff")).unwrap();
    let cells: Vec<&str> = line.split_whitespace().collect();
    // COUNT is the second cell from the end (NAME last).
    assert_eq!(cells[cells.len() - 2], backoffs.to_string(), "{line}");

    let pod = w.cluster().unwrap().pods().next().unwrap().name.clone();
    let described = ok(&mut w, &format!("kubectl describe pod {pod}"));
    let line = described
        .lines()
        .find(|l| l.contains("Back-off restarting"))
        .unwrap();
    assert!(
        line.contains(&format!("(x{backoffs} over ")),
        "{backoffs}: {line}"
    );
}
