//! One store read for the streams a commit wakes together. The installs of
//! a clinic (ten desks) share its location, wake on the same commit and ask
//! for the same page; each reading it (and building its frames) on its own
//! made the relay's work at an agency's scale mostly hand-offs to the
//! blocking pool and waits on the store's lock. A stream asking for a page
//! joins the read of the same page in flight, if that read started after
//! the head the stream was woken for: it then holds every event the
//! stream's own read would have held.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use axum::response::sse::Event;
use tokio::sync::OnceCell;

use crate::RelayError;

/// A page of events after a cursor: each event's cursor and its SSE frame,
/// built once for every stream that reads the page.
pub type Page = Arc<Vec<(i64, Event)>>;

/// Which page: the stream's locations (joined) and the cursor it reads after.
type Key = (String, i64);

struct Flight {
    /// The head when the read was asked for: the page holds every event
    /// committed up to it.
    head: i64,
    page: OnceCell<Result<Page, String>>,
}

#[derive(Default)]
pub struct SharedReads {
    in_flight: Mutex<HashMap<Key, Arc<Flight>>>,
}

impl SharedReads {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Arc<Flight>>> {
        self.in_flight.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The page of `locations` after `after`, for a stream that has seen
    /// the head at `head`: read with `read` unless a read of the same page
    /// that started at that head or later is in flight.
    pub async fn page<F, Fut>(
        &self,
        locations: &str,
        after: i64,
        head: i64,
        read: F,
    ) -> Result<Page, RelayError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Page, RelayError>>,
    {
        let key = (locations.to_string(), after);
        let flight = {
            let mut map = self.lock();
            match map.get(&key) {
                Some(f) if f.head >= head => f.clone(),
                _ => {
                    let f = Arc::new(Flight {
                        head,
                        page: OnceCell::new(),
                    });
                    map.insert(key.clone(), f.clone());
                    f
                }
            }
        };
        let page = flight
            .page
            .get_or_init(|| async { read().await.map_err(|e| e.to_string()) })
            .await
            .clone();
        // Done: later reads (after newer commits) start their own. Only this
        // flight is removed, not a newer one for the same page.
        let mut map = self.lock();
        if map.get(&key).is_some_and(|f| Arc::ptr_eq(f, &flight)) {
            map.remove(&key);
        }
        page.map_err(RelayError::Storage)
    }

    #[cfg(test)]
    fn in_flight(&self) -> usize {
        self.lock().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    fn page_of(cursors: &[i64]) -> Page {
        Arc::new(
            cursors
                .iter()
                .map(|c| (*c, Event::default().data(c.to_string())))
                .collect(),
        )
    }

    #[tokio::test]
    async fn streams_woken_together_share_one_read() {
        let reads = Arc::new(SharedReads::default());
        let count = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..10 {
            let (reads, count) = (reads.clone(), count.clone());
            tasks.push(tokio::spawn(async move {
                reads
                    .page("loc-1", 7, 9, || async {
                        count.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        Ok(page_of(&[8, 9]))
                    })
                    .await
                    .unwrap()
            }));
        }
        for t in tasks {
            let page = t.await.unwrap();
            assert_eq!(page.iter().map(|(c, _)| *c).collect::<Vec<_>>(), [8, 9]);
        }
        assert_eq!(count.load(Ordering::SeqCst), 1, "one read for ten streams");
        assert_eq!(reads.in_flight(), 0, "nothing kept once read");
    }

    #[tokio::test]
    async fn a_stream_woken_by_a_newer_commit_reads_again() {
        let reads = Arc::new(SharedReads::default());
        let (release, wait) = tokio::sync::oneshot::channel::<()>();
        // A read that started at head 9 is still in flight...
        let first = {
            let reads = reads.clone();
            tokio::spawn(async move {
                reads
                    .page("loc-1", 7, 9, || async {
                        let _ = wait.await;
                        Ok(page_of(&[8, 9]))
                    })
                    .await
                    .unwrap()
            })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        // ...a stream that saw head 10 does not take its page: it would miss 10.
        let second = reads
            .page("loc-1", 7, 10, || async { Ok(page_of(&[8, 9, 10])) })
            .await
            .unwrap();
        assert_eq!(second.len(), 3);
        // Another location's or another cursor's page is its own read too.
        let other = reads
            .page("loc-2", 7, 9, || async { Ok(page_of(&[])) })
            .await
            .unwrap();
        assert!(other.is_empty());
        release.send(()).unwrap();
        assert_eq!(first.await.unwrap().len(), 2);
    }

    #[tokio::test]
    async fn a_failed_read_fails_each_joined_stream_and_is_not_kept() {
        let reads = SharedReads::default();
        let e = reads
            .page("loc-1", 0, 1, || async {
                Err(RelayError::Storage("disk gone".into()))
            })
            .await
            .unwrap_err();
        assert_eq!(e.code(), "relay.storage");
        let page = reads
            .page("loc-1", 0, 1, || async { Ok(page_of(&[1])) })
            .await
            .unwrap();
        assert_eq!(page.len(), 1, "the next read is a new one");
    }
}
