//! When the sync loop pulls, and how much. Without a live relay the desk
//! polls the whole window every `poll` (GHL is the only source of changes).
//! With the relay live, changes arrive as webhooks within a second, so the
//! pull is only a safety net for a webhook GHL never sent: a pull of the
//! days around today (one listing per calendar, from the calendars the
//! replica knows) every `near_today`, and the whole window every
//! `full_relayed`, spread per desk so the desks of one clinic do not pull
//! it together. Pure: the loop and the benchmark drive it with their clock.

use std::time::{Duration, Instant};

/// What one pull covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PullKind {
    /// Location, practitioners, calendars and the whole sync window.
    Full,
    /// Yesterday, today and tomorrow of the calendars already known.
    NearToday,
}

/// The days a near-today pull lists: yesterday, today and tomorrow (one
/// GHL listing per calendar whatever the width, up to 31 days; the days a
/// front desk works on, where a lost webhook would hurt first).
pub const NEAR_TODAY_DAYS_BACK: i64 = 1;
pub const NEAR_TODAY_DAYS: i64 = 3;

#[derive(Debug, Clone, Copy)]
pub struct PullIntervals {
    /// Full pulls while the relay is not live (today's polling).
    pub poll: Duration,
    /// Near-today pulls while the relay is live.
    pub near_today: Duration,
    /// Full pulls while the relay is live (each desk somewhere in
    /// 0.75..1.25 of it, so a clinic's desks spread out).
    pub full_relayed: Duration,
}

impl Default for PullIntervals {
    fn default() -> Self {
        // With 20 calendars: 3 near-today pulls an hour (60 calls) and two
        // full pulls a day (63 calls each) keep five desks near 4% of the
        // location's 200,000 daily calls (crates/bench `idle-pulls`).
        Self {
            poll: Duration::from_secs(300),
            near_today: Duration::from_secs(20 * 60),
            full_relayed: Duration::from_secs(12 * 3600),
        }
    }
}

/// Per desk: when each kind of pull last ran.
#[derive(Debug, Clone)]
pub struct PullSchedule {
    intervals: PullIntervals,
    /// This desk's place in the spread (0..1), from a seed.
    spread: f64,
    last_full: Option<Instant>,
    last_pull: Option<Instant>,
}

/// What the loop does now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Pull(PullKind),
    Wait(Duration),
}

impl PullSchedule {
    pub fn new(intervals: PullIntervals, seed: u64) -> Self {
        // splitmix64's finaliser: any seed gives a well spread fraction.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Self {
            intervals,
            spread: (z >> 11) as f64 / (1u64 << 53) as f64,
            last_full: None,
            last_pull: None,
        }
    }

    pub fn intervals(&self) -> PullIntervals {
        self.intervals
    }

    /// The next pull and when it is due. `relay_live`: the relay is
    /// connected and up to date (or only just dropped, see the desk).
    pub fn due(&self, relay_live: bool) -> (PullKind, Option<Instant>) {
        let Some(last_full) = self.last_full else {
            return (PullKind::Full, None);
        };
        if !relay_live {
            return (PullKind::Full, Some(last_full + self.intervals.poll));
        }
        let full_at = last_full
            + self
                .intervals
                .full_relayed
                .mul_f64(0.75 + 0.5 * self.spread);
        let near_at = self.last_pull.unwrap_or(last_full) + self.intervals.near_today;
        if full_at <= near_at {
            (PullKind::Full, Some(full_at))
        } else {
            (PullKind::NearToday, Some(near_at))
        }
    }

    pub fn next(&self, now: Instant, relay_live: bool) -> Next {
        match self.due(relay_live) {
            (kind, None) => Next::Pull(kind),
            (kind, Some(at)) if at <= now => Next::Pull(kind),
            (_, Some(at)) => Next::Wait(at - now),
        }
    }

    /// A pull of `kind` succeeded at `at` (a full one covers today too).
    pub fn done(&mut self, kind: PullKind, at: Instant) {
        if kind == PullKind::Full {
            self.last_full = Some(at);
        }
        self.last_pull = Some(at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mins(m: u64) -> Duration {
        Duration::from_secs(60 * m)
    }

    /// Kinds pulled over `hours` of a loop that always follows the schedule.
    fn run(hours: u64, live: impl Fn(Duration) -> bool, seed: u64) -> Vec<(Duration, PullKind)> {
        let t0 = Instant::now();
        let mut s = PullSchedule::new(PullIntervals::default(), seed);
        let mut now = t0;
        let mut out = Vec::new();
        while now < t0 + mins(60 * hours) {
            match s.next(now, live(now - t0)) {
                Next::Pull(kind) => {
                    out.push((now - t0, kind));
                    s.done(kind, now);
                }
                // The loop also wakes when the relay's state changes: step
                // a minute at most so the test sees those moments.
                Next::Wait(d) => now += d.min(mins(1)),
            }
        }
        out
    }

    #[test]
    fn without_a_relay_the_whole_window_is_pulled_every_poll() {
        let pulls = run(1, |_| false, 1);
        assert_eq!(pulls.len(), 12);
        assert!(pulls.iter().all(|(_, k)| *k == PullKind::Full));
        assert!(pulls.windows(2).all(|w| w[1].0 - w[0].0 == mins(5)));
    }

    #[test]
    fn with_the_relay_live_the_days_around_today_often_and_the_whole_window_rarely() {
        let pulls = run(24, |_| true, 7);
        let full = pulls.iter().filter(|(_, k)| *k == PullKind::Full).count();
        let near = pulls.len() - full;
        // The start-up pull, then one or two more within a day.
        assert!((2..=3).contains(&full), "{full} full pulls");
        assert!((66..=72).contains(&near), "{near} near-today pulls");
        // Never more than near_today without a pull of today.
        assert!(pulls.windows(2).all(|w| w[1].0 - w[0].0 <= mins(20)));
    }

    #[test]
    fn the_relay_dropping_brings_full_polling_back_at_once() {
        // Live for the first hour, down from minute 61.
        let pulls = run(2, |t| t < mins(61), 3);
        let after: Vec<_> = pulls.iter().filter(|(t, _)| *t >= mins(61)).collect();
        assert_eq!(after[0], &(mins(61), PullKind::Full));
        assert!(after.iter().all(|(_, k)| *k == PullKind::Full));
        assert!(after.windows(2).all(|w| w[1].0 - w[0].0 == mins(5)));
    }

    #[test]
    fn desks_spread_their_full_pulls() {
        let first_relayed_full = |seed| {
            let s = {
                let mut s = PullSchedule::new(PullIntervals::default(), seed);
                s.done(PullKind::Full, Instant::now());
                s
            };
            let (kind, at) = {
                let mut probe = s.clone();
                // Skip the near-today pulls in between.
                loop {
                    match probe.due(true) {
                        (PullKind::Full, at) => break (PullKind::Full, at.unwrap()),
                        (k, at) => probe.done(k, at.unwrap()),
                    }
                }
            };
            assert_eq!(kind, PullKind::Full);
            at
        };
        let mut times: Vec<_> = (0..5).map(first_relayed_full).collect();
        times.sort();
        assert!(times[4] - times[0] >= mins(30), "{times:?}");
    }
}
