//! The batching writer: one thread owns the store's write side, takes every
//! webhook waiting in the queue, commits them in one transaction (one fsync)
//! and only then answers each request. Under load the batches grow, so the
//! fsync cost per webhook shrinks and the ingest rate holds.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::thread::JoinHandle;

use tokio::sync::{mpsc, oneshot, watch};

use crate::metrics::Metrics;
use crate::store::{Appended, NewEvent, Store};
use crate::RelayError;

type Reply = oneshot::Sender<Result<Appended, RelayError>>;

enum Job {
    Append(NewEvent, Reply),
    /// Commit what is queued, then stop.
    Stop,
}

/// Cloneable handle the HTTP handlers submit webhooks through.
#[derive(Clone)]
pub struct Ingest {
    tx: mpsc::Sender<Job>,
}

pub struct Writer {
    ingest: Ingest,
    thread: Option<JoinHandle<()>>,
}

impl Writer {
    /// Starts the writer thread. `head` is told the highest cursor after each commit.
    pub fn start(
        store: Arc<dyn Store>,
        capacity: usize,
        max_batch: usize,
        head: Arc<watch::Sender<i64>>,
        metrics: Arc<Metrics>,
    ) -> Result<Writer, RelayError> {
        let (tx, rx) = mpsc::channel(capacity);
        let thread = std::thread::Builder::new()
            .name("relay-writer".into())
            .spawn(move || run(store, rx, max_batch, head, metrics))
            .map_err(|e| RelayError::Storage(format!("cannot start the writer thread: {e}")))?;
        Ok(Writer {
            ingest: Ingest { tx },
            thread: Some(thread),
        })
    }

    pub fn ingest(&self) -> Ingest {
        self.ingest.clone()
    }

    /// Commits everything already queued, then joins the thread. Blocking.
    pub fn stop(mut self) {
        // The queue may be full; a blocking send waits for room.
        let _ = self.ingest.tx.blocking_send(Job::Stop);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Ingest {
    /// Queues one webhook and waits for its commit. A full queue is
    /// `Overloaded` at once: waiting would only make GHL's request time out,
    /// and a timeout is a loss while a 429 is a retry.
    pub async fn append(&self, event: NewEvent) -> Result<Appended, RelayError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .try_send(Job::Append(event, reply))
            .map_err(|e| match e {
                mpsc::error::TrySendError::Full(_) => {
                    RelayError::Overloaded("ingest queue is full")
                }
                mpsc::error::TrySendError::Closed(_) => {
                    RelayError::NotPersisted("shutting down".into())
                }
            })?;
        answer
            .await
            .map_err(|_| RelayError::NotPersisted("shutting down".into()))?
    }
}

fn run(
    store: Arc<dyn Store>,
    mut rx: mpsc::Receiver<Job>,
    max_batch: usize,
    head: Arc<watch::Sender<i64>>,
    metrics: Arc<Metrics>,
) {
    let mut stopping = false;
    while !stopping {
        let Some(first) = rx.blocking_recv() else {
            break;
        };
        let mut events = Vec::new();
        let mut replies = Vec::new();
        take(first, &mut events, &mut replies, &mut stopping);
        // Everything already waiting joins this commit. While stopping, drain
        // the whole queue so no accepted request is left unanswered.
        while stopping || events.len() < max_batch {
            match rx.try_recv() {
                Ok(job) => take(job, &mut events, &mut replies, &mut stopping),
                Err(_) => break,
            }
        }
        if events.is_empty() {
            continue;
        }
        metrics.batches.fetch_add(1, Ordering::Relaxed);
        match store.append_batch(&events) {
            Ok(outcomes) => {
                let mut stored = 0u64;
                let mut top = None;
                for (reply, outcome) in replies.into_iter().zip(outcomes) {
                    if let Appended::Stored { cursor } = outcome {
                        stored += 1;
                        top = Some(top.map_or(cursor, |t: i64| t.max(cursor)));
                    }
                    let _ = reply.send(Ok(outcome));
                }
                metrics.stored.fetch_add(stored, Ordering::Relaxed);
                metrics.write_failing_since_ms.store(0, Ordering::Relaxed);
                if let Some(top) = top {
                    head.send_if_modified(|h| {
                        let moved = top > *h;
                        *h = (*h).max(top);
                        moved
                    });
                }
            }
            Err(e) => {
                tracing::error!(code = e.code(), error = %e, batch = events.len(), "commit failed");
                // Kept until a commit succeeds, for /healthz.
                let now = chrono::Utc::now().timestamp_millis().max(1);
                let _ = metrics.write_failing_since_ms.compare_exchange(
                    0,
                    now,
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                );
                for reply in replies {
                    let _ = reply.send(Err(RelayError::NotPersisted(e.to_string())));
                }
            }
        }
    }
    // Anyone still queued after Stop (sent during shutdown) sees the channel
    // close and gets a 429.
    rx.close();
}

fn take(job: Job, events: &mut Vec<NewEvent>, replies: &mut Vec<Reply>, stopping: &mut bool) {
    match job {
        Job::Append(e, r) => {
            events.push(e);
            replies.push(r);
        }
        Job::Stop => *stopping = true,
    }
}
