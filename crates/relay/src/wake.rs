//! Which open streams a commit wakes: only those of the locations it
//! touched. Waking every stream on every commit made the relay's work grow
//! with streams × commits (each woken stream reads the store); an agency's
//! relay has thousands of streams, each interested in one location.
//!
//! The head (highest committed cursor) moves on our writer's commits and,
//! with PostgreSQL, on other instances'. One task follows it, asks the
//! store which locations the new cursors belong to (one query per head
//! move, however many streams are open) and wakes their streams.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{watch, Notify};

use crate::store::Store;

/// Open streams by location.
#[derive(Default)]
pub struct Wakes {
    by_location: Mutex<HashMap<String, HashMap<u64, Arc<Notify>>>>,
    next_id: AtomicU64,
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
/// the locations of the new cursors wake their streams. Head moves that
/// arrive during a query are taken together by the next one.
pub async fn dispatch(
    store: Arc<dyn Store>,
    mut head: watch::Receiver<i64>,
    wakes: Arc<Wakes>,
    mut stop: watch::Receiver<bool>,
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
        match tokio::task::spawn_blocking(move || store.locations_between(after, top)).await {
            Ok(Ok(locations)) => wakes.wake(locations.iter().map(String::as_str)),
            Ok(Err(e)) => {
                tracing::warn!(code = e.code(), reason = %e, "which locations committed: unknown; waking every stream");
                wakes.wake_all();
            }
            Err(e) => {
                tracing::warn!(reason = %e, "which locations committed: unknown; waking every stream");
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
