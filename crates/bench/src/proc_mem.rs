//! Memory of a process tree (the app plus its WebKit processes) from /proc:
//! PSS splits shared pages fairly between processes, so the sum is honest.

use std::collections::HashSet;

pub struct TreeMemory {
    pub pss_kb: u64,
    pub rss_kb: u64,
    pub pids: Vec<u32>,
    /// PSS by process name (the app, WebKitWebProces, WebKitNetworkPr...),
    /// to tell the app's own memory from the web view's.
    pub by_name: Vec<(String, u64)>,
}

fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    let rest = &stat[stat.rfind(')')? + 2..];
    rest.split_whitespace().nth(1)?.parse().ok()
}

fn descendants(root: u32) -> Vec<u32> {
    let all: Vec<u32> = std::fs::read_dir("/proc")
        .map(|d| {
            d.flatten()
                .filter_map(|e| e.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    let mut tree = vec![root];
    let mut seen: HashSet<u32> = [root].into();
    let mut grew = true;
    while grew {
        grew = false;
        for &pid in &all {
            if !seen.contains(&pid) && parent_of(pid).is_some_and(|pp| seen.contains(&pp)) {
                seen.insert(pid);
                tree.push(pid);
                grew = true;
            }
        }
    }
    tree
}

fn field_kb(rollup: &str, name: &str) -> u64 {
    rollup
        .lines()
        .find(|l| l.starts_with(name))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

pub fn tree(root: u32) -> TreeMemory {
    let pids = descendants(root);
    let (mut pss, mut rss) = (0, 0);
    let mut by_name: Vec<(String, u64)> = Vec::new();
    for pid in &pids {
        if let Ok(r) = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")) {
            let p = field_kb(&r, "Pss:");
            pss += p;
            rss += field_kb(&r, "Rss:");
            let name = std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .map(|n| n.trim().to_string())
                .unwrap_or_default();
            match by_name.iter_mut().find(|(n, _)| *n == name) {
                Some((_, kb)) => *kb += p,
                None => by_name.push((name, p)),
            }
        }
    }
    TreeMemory {
        pss_kb: pss,
        rss_kb: rss,
        pids,
        by_name,
    }
}

/// WebKit's helpers normally exit with the app; make sure none linger
/// between runs and skew the next one.
pub fn kill_orphans(pids: &[u32]) {
    for pid in pids {
        let _ = std::process::Command::new("kill")
            .arg("-9")
            .arg(pid.to_string())
            .status();
    }
}
