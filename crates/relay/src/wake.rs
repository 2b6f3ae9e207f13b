//! Which open streams a commit wakes: only those of the locations it
//! touched. Waking every stream on every commit made the relay's work grow
//! with streams × commits (each woken stream reads the store); an agency's
//! relay has thousands of streams, each interested in one location.
//!
//! The head (highest committed cursor) moves on our writer's commits and,
//! with PostgreSQL, on other instances'. One task follows it, reads the new
//! events once (one query per head move, however many streams are open),
//! keeps them by location as ready frames for a while, and wakes their
//! streams. A live stream that holds every event up to where the kept
//! events begin takes its new ones from there, without reading the store;
//! any other stream (catching up, or after a gap) reads the store.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::response::sse::Event;
use tokio::sync::{watch, Notify};

use crate::store::{Store, StoredEvent};

/// Head moves kept in memory: enough for a stream that was busy sending
/// for a moment; one further behind reads the store.
const KEEP: usize = 256;

/// The events of one head move (`after < cursor <= upto`), by location, as
/// (cursor, frame).
struct Commits {
    after: i64,
    upto: i64,
    by_location: HashMap<String, Vec<(i64, Event)>>,
}

/// Open streams by location, and the last head moves' events.
#[derive(Default)]
pub struct Wakes {
    by_location: Mutex<HashMap<String, HashMap<u64, Arc<Notify>>>>,
    next_id: AtomicU64,
    /// Consecutive head moves: each one's `after` is the last one's `upto`.
    recent: Mutex<VecDeque<Arc<Commits>>>,
}

/// One stream's registration; dropping it unregisters.
pub struct Subscription {
    wakes: Arc<Wakes>,
    id: u64,
    locations: Vec<String>,
    notify: Arc<Notify>,
}

impl Wakes {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, HashMap<u64, Arc<Notify>>>> {
        self.by_location.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers a stream for `locations`. Register before reading the
    /// store: a commit during the read then wakes the next wait at once.
    pub fn subscribe(self: &Arc<Self>, locations: &[String]) -> Subscription {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let notify = Arc::new(Notify::new());
        let mut map = self.lock();
        for l in locations {
            map.entry(l.clone()).or_default().insert(id, notify.clone());
        }
        Subscription {
            wakes: self.clone(),
            id,
            locations: locations.to_vec(),
            notify,
        }
    }

    /// Wakes the streams of these locations (a wake while a stream reads
    /// is kept for its next wait).
    pub fn wake<'a>(&self, locations: impl IntoIterator<Item = &'a str>) {
        let map = self.lock();
        for l in locations {
            for n in map.get(l).into_iter().flat_map(|s| s.values()) {
                n.notify_one();
            }
        }
    }

    /// Wakes every stream (when the store could not say which locations).
    pub fn wake_all(&self) {
        for n in self.lock().values().flat_map(|s| s.values()) {
            n.notify_one();
        }
    }

    fn recent(&self) -> std::sync::MutexGuard<'_, VecDeque<Arc<Commits>>> {
        self.recent.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Keeps a head move's events; one that does not follow the last kept
    /// (a move whose events could not be read) starts the chain again.
    fn keep(&self, commits: Commits) {
        let mut recent = self.recent();
        if recent.back().is_some_and(|last| last.upto != commits.after) {
            recent.clear();
        }
        recent.push_back(Arc::new(commits));
        while recent.len() > KEEP {
            recent.pop_front();
        }
    }

    /// Forgets the kept events (their chain is broken).
    fn forget(&self) {
        self.recent().clear();
    }

    /// For a stream of `locations` that holds every event up to `synced`
    /// and has sent up to `cursor`: its events after `cursor` from the kept
    /// head moves, in cursor order, and how far they reach. None when the
    /// kept moves do not reach back to `synced` (it must read the store).
    pub fn since(
        &self,
        locations: &[String],
        cursor: i64,
        synced: i64,
    ) -> Option<(Vec<(i64, Event)>, i64)> {
        let recent = self.recent();
        let (first, last) = (recent.front()?, recent.back()?);
        if first.after > synced {
            return None;
        }
        let mut events: Vec<(i64, Event)> = Vec::new();
        for commits in recent.iter().filter(|c| c.upto > synced) {
            for l in locations {
                let kept = commits.by_location.get(l).into_iter().flatten();
                events.extend(kept.filter(|(at, _)| *at > cursor).cloned());
            }
        }
        events.sort_by_key(|(at, _)| *at);
        Some((events, last.upto.max(synced)))
    }

    /// Locations with at least one open stream.
    #[cfg(test)]
    pub fn locations(&self) -> usize {
        self.lock().len()
    }
}

impl Subscription {
    /// Resolves when a commit touched one of the stream's locations since
    /// the last call returned (or since subscribing).
    pub async fn notified(&self) {
        self.notify.notified().await
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let mut map = self.wakes.lock();
        for l in &self.locations {
            if let Some(streams) = map.get_mut(l) {
                streams.remove(&self.id);
                if streams.is_empty() {
                    map.remove(l);
                }
            }
        }
    }
}

/// Follows the head until it stops (the relay shuts down): for each move,
/// reads the new events once, keeps them as frames (`frame`) and wakes
/// their locations' streams. Head moves that arrive during a read are taken
/// together by the next one.
pub async fn dispatch(
    store: Arc<dyn Store>,
    mut head: watch::Receiver<i64>,
    wakes: Arc<Wakes>,
    mut stop: watch::Receiver<bool>,
    frame: fn(&StoredEvent) -> Event,
) {
    let mut seen = *head.borrow_and_update();
    loop {
        tokio::select! {
            moved = head.changed() => if moved.is_err() { return },
            _ = stop.wait_for(|s| *s) => return,
        }
        let top = *head.borrow_and_update();
        if top <= seen {
            continue;
        }
        let store = store.clone();
        let after = seen;
        let read = tokio::task::spawn_blocking(move || {
            store.events_between(after, top).map(|events| {
                let mut by_location: HashMap<String, Vec<(i64, Event)>> = HashMap::new();
                for ev in &events {
                    by_location
                        .entry(ev.location_id.clone())
                        .or_default()
                        .push((ev.cursor, frame(ev)));
                }
                by_location
            })
        })
        .await;
        match read {
            Ok(Ok(by_location)) => {
                let locations: Vec<String> = by_location.keys().cloned().collect();
                wakes.keep(Commits {
                    after,
                    upto: top,
                    by_location,
                });
                wakes.wake(locations.iter().map(String::as_str));
            }
            Ok(Err(e)) => {
                tracing::warn!(code = e.code(), reason = %e, "the new events: unreadable; every stream reads the store");
                wakes.forget();
                wakes.wake_all();
            }
            Err(e) => {
                tracing::warn!(reason = %e, "the new events: unreadable; every stream reads the store");
                wakes.forget();
                wakes.wake_all();
            }
        }
        seen = top;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    async fn woken(s: &Subscription) -> bool {
        tokio::time::timeout(Duration::from_millis(50), s.notified())
            .await
            .is_ok()
    }

    fn commits(after: i64, upto: i64, events: &[(&str, i64)]) -> Commits {
        let mut by_location: HashMap<String, Vec<(i64, Event)>> = HashMap::new();
        for (l, at) in events {
            by_location
                .entry(l.to_string())
                .or_default()
                .push((*at, Event::default().data(at.to_string())));
        }
        Commits {
            after,
            upto,
            by_location,
        }
    }

    fn cursors(got: Option<(Vec<(i64, Event)>, i64)>) -> Option<(Vec<i64>, i64)> {
        got.map(|(events, upto)| (events.into_iter().map(|(at, _)| at).collect(), upto))
    }

    #[test]
    fn a_live_stream_takes_its_new_events_from_the_kept_moves_in_order() {
        let wakes = Wakes::default();
        let ab = ["A".to_string(), "B".to_string()];
        assert!(
            wakes.since(&ab, 0, 0).is_none(),
            "nothing kept: read the store"
        );
        wakes.keep(commits(10, 13, &[("A", 11), ("C", 12), ("B", 13)]));
        wakes.keep(commits(13, 15, &[("A", 15), ("B", 14)]));
        // Holds everything up to 10 (or 12): gets A and B's events, in order.
        assert_eq!(
            cursors(wakes.since(&ab, 9, 10)),
            Some((vec![11, 13, 14, 15], 15))
        );
        assert_eq!(
            cursors(wakes.since(&ab, 11, 12)),
            Some((vec![13, 14, 15], 15))
        );
        // Already sent up to 14: only what is after it.
        assert_eq!(cursors(wakes.since(&ab, 14, 13)), Some((vec![15], 15)));
        // Up to date: nothing, and still up to date.
        assert_eq!(cursors(wakes.since(&ab, 15, 15)), Some((vec![], 15)));
        // Holds only up to 9: the kept moves start after 10, so 10 might be missing.
        assert!(wakes.since(&ab, 9, 9).is_none());
    }

    #[test]
    fn a_move_that_does_not_follow_the_last_restarts_the_chain_and_old_moves_are_dropped() {
        let wakes = Wakes::default();
        let a = ["A".to_string()];
        wakes.keep(commits(0, 5, &[("A", 5)]));
        // 5..8 was never read (an error): the chain starts again at 8.
        wakes.keep(commits(8, 9, &[("A", 9)]));
        assert!(wakes.since(&a, 5, 5).is_none(), "6..8 are not kept");
        assert_eq!(cursors(wakes.since(&a, 8, 8)), Some((vec![9], 9)));
        wakes.forget();
        assert!(wakes.since(&a, 9, 9).is_none());
        for i in 0..(KEEP as i64 + 10) {
            wakes.keep(commits(100 + i, 101 + i, &[("A", 101 + i)]));
        }
        assert!(
            wakes.since(&a, 100, 100).is_none(),
            "only the last {KEEP} moves are kept"
        );
        let last = 100 + KEEP as i64 + 10;
        assert_eq!(
            cursors(wakes.since(&a, last - 1, last - 1)),
            Some((vec![last], last))
        );
    }

    #[tokio::test]
    async fn a_commit_wakes_only_its_locations_streams_and_no_wake_is_lost() {
        let wakes = Arc::new(Wakes::default());
        let a = wakes.subscribe(&["A".into()]);
        let b = wakes.subscribe(&["B".into()]);
        let ab = wakes.subscribe(&["A".into(), "B".into()]);
        wakes.wake(["A"]);
        assert!(woken(&a).await);
        assert!(!woken(&b).await);
        assert!(woken(&ab).await);
        // Woken while not waiting (reading the store): kept for the next wait.
        wakes.wake(["B"]);
        assert!(woken(&b).await);
        assert!(!woken(&b).await, "one wake, one return");
        drop(a);
        drop(ab);
        assert_eq!(wakes.locations(), 1);
        wakes.wake_all();
        assert!(woken(&b).await);
    }
}
