//! What idle desks cost GHL (issue #15, part 5): several desks of one
//! clinic against ghl-sandbox's large seed (20 calendars, 40 citas a day
//! each), their sync loops' schedule (core's `PullSchedule`) driven through
//! simulated hours with the relay live and without it; the waiting between
//! pulls is skipped. The first pull of each kind on each desk is real (over
//! loopback, into the desk's replica) and measured; later ones of that kind
//! are counted at its cost, since an idle clinic's pulls of one kind all
//! cost the same (a run with every pull real took 39 min on a busy 2-core
//! machine and gave the same figures). Figures: GHL calls and response
//! bytes per desk per idle hour, and the location's share of GHL's 200,000
//! daily calls.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use citadesk_core::ghl::Secret;
use citadesk_core::{
    DemoConnection, Desk, DeskOptions, Next, PullIntervals, PullKind, PullSchedule,
    RECONCILE_DAYS_AHEAD, RECONCILE_DAYS_BACK,
};
use ghl_sandbox::{RateLimits, RunningSandbox, SandboxConfig, Seed};
use serde_json::json;

/// GHL's daily calls per location, shared by every token of it.
const DAILY_LIMIT: f64 = 200_000.0;

#[derive(Default, Clone, Copy)]
struct Tally {
    calls: u64,
    bytes: u64,
    full: u64,
    near_today: u64,
}

/// Follows `desk`'s schedule for `span` of simulated time, pulling for real
/// whenever it says; the desk starts just synced (idle, not starting up).
async fn simulate(desk: &Desk, seed: u64, span: Duration, relay_live: bool) -> Tally {
    let mut schedule = PullSchedule::new(PullIntervals::default(), seed);
    let t0 = Instant::now();
    schedule.done(PullKind::Full, t0);
    let mut now = t0;
    let mut tally = Tally::default();
    // (calls, bytes) of one pull of each kind on this desk, once measured.
    let mut cost: [Option<(u64, u64)>; 2] = [None, None];
    loop {
        match schedule.next(now, relay_live) {
            Next::Pull(kind) => {
                let slot = kind as usize;
                let (calls, bytes) = match cost[slot] {
                    Some(c) => c,
                    None => {
                        let (c0, b0) = desk.ghl_usage();
                        desk.pull(kind).await.expect("pull");
                        let (c1, b1) = desk.ghl_usage();
                        *cost[slot].insert((c1 - c0, b1 - b0))
                    }
                };
                tally.calls += calls;
                tally.bytes += bytes;
                schedule.done(kind, now);
                match kind {
                    PullKind::Full => tally.full += 1,
                    PullKind::NearToday => tally.near_today += 1,
                }
            }
            // A pull due exactly at the end belongs to this span (an hour
            // of 5-minute polling holds 12 pulls).
            Next::Wait(d) if now + d > t0 + span => break,
            Next::Wait(d) => now += d,
        }
    }
    tally
}

async fn open_desk(sb: &RunningSandbox, dir: &Path) -> Arc<Desk> {
    let mut o = DeskOptions::new(dir);
    o.demo = Some(DemoConnection {
        base_url: sb.base_url(),
        location_id: sb.location_id().to_string(),
        token: Secret::new(sb.pit()),
    });
    let desk = Desk::open(o).expect("desk");
    desk.sync_now().await.expect("first sync of the large seed");
    desk
}

fn per_hour(t: Tally, hours: f64) -> serde_json::Value {
    json!({
        "ghl_calls": t.calls as f64 / hours,
        "mb": t.bytes as f64 / hours / 1e6,
        "full_pulls": t.full as f64 / hours,
        "near_today_pulls": t.near_today as f64 / hours,
    })
}

pub async fn idle_pulls(out: &Path, desks: usize) {
    // No rate limit: the figures count calls, they do not wait for quota.
    let sb = ghl_sandbox::start(SandboxConfig {
        seed: Seed::Large,
        rate_limits: RateLimits::unlimited(),
        ..Default::default()
    })
    .await
    .expect("sandbox starts");
    let dirs: Vec<_> = (0..desks).map(|_| tempfile::tempdir().unwrap()).collect();
    let mut opened = Vec::new();
    for d in &dirs {
        opened.push(open_desk(&sb, d.path()).await);
    }
    let calendars = opened[0].week_view(None).unwrap().calendars.len();

    // Without the relay every desk runs the same schedule (a full pull every
    // 5 minutes): one desk's hour stands for each.
    let started = Instant::now();
    let off = simulate(&opened[0], 0, Duration::from_secs(3600), false).await;
    let off_wall = started.elapsed().as_secs_f64();

    // With the relay live: a day of each desk, each with its own spread
    // (the full pull's place differs from desk to desk).
    let started = Instant::now();
    let mut on = Vec::new();
    for (i, desk) in opened.iter().enumerate() {
        on.push(simulate(desk, i as u64 + 1, Duration::from_secs(24 * 3600), true).await);
    }
    let on_wall = started.elapsed().as_secs_f64();
    let on_total = on.iter().fold(Tally::default(), |a, t| Tally {
        calls: a.calls + t.calls,
        bytes: a.bytes + t.bytes,
        full: a.full + t.full,
        near_today: a.near_today + t.near_today,
    });

    // The daily reconciliation runs on every desk either way.
    let (c0, _) = opened[0].ghl_usage();
    opened[0]
        .reconcile(RECONCILE_DAYS_BACK, RECONCILE_DAYS_AHEAD)
        .await
        .expect("reconciliation");
    let reconcile_calls = opened[0].ghl_usage().0 - c0;

    let n = desks as f64;
    let off_day = off.calls as f64 * 24.0 * n + reconcile_calls as f64 * n;
    let on_day = on_total.calls as f64 + reconcile_calls as f64 * n;
    let intervals = PullIntervals::default();
    let report = json!({
        "benchmark": "idle_pulls",
        "when": chrono::Utc::now().to_rfc3339(),
        "build": if cfg!(debug_assertions) { "debug" } else { "optimised" },
        "seed": "large",
        "desks": desks,
        "calendars": calendars,
        "intervals_s": {
            "poll": intervals.poll.as_secs(),
            "near_today_relay_live": intervals.near_today.as_secs(),
            "full_relay_live": intervals.full_relayed.as_secs(),
        },
        "relay_off": {
            "per_desk_per_idle_hour": per_hour(off, 1.0),
            "simulated_hours": 1,
            "wall_s": off_wall,
        },
        "relay_on": {
            "per_desk_per_idle_hour": per_hour(on_total, 24.0 * n),
            "per_desk_per_idle_hour_max": on.iter().map(|t| t.calls as f64 / 24.0).fold(0.0, f64::max),
            "simulated_hours": 24,
            "wall_s": on_wall,
        },
        "reconciliation_calls_per_desk_per_day": reconcile_calls,
        "location_per_day": {
            "relay_off_calls": off_day,
            "relay_off_share_of_daily_limit_pct": off_day / DAILY_LIMIT * 100.0,
            "relay_on_calls": on_day,
            "relay_on_share_of_daily_limit_pct": on_day / DAILY_LIMIT * 100.0,
            "relay_off_gb": off.bytes as f64 * 24.0 * n / 1e9,
            "relay_on_gb": on_total.bytes as f64 / 1e9,
            "goal_relay_on_pct": 5.0,
            "note": "desks idle all day; the daily reconciliation of every desk included",
        },
    });
    crate::write(out, "idle_pulls.json", &report);
    sb.shutdown().await;
}
