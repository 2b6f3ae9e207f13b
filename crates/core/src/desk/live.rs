//! The Desk's live-update methods: relay settings and the long-lived
//! connection loop, kept apart from desk.rs.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use citadesk_ghl::webhook::{payload_hash, WebhookKeys, WebhookPayload};
use citadesk_ghl::{GhlError, Secret};
use tokio::sync::watch;

use crate::desk::{keychain, Desk, TokenKeeping};
use crate::error::{CoreError, Result};
use crate::live::{
    self as client, Change, Event, Handled, Outcome, RelayError, RelayTuning, Session, Target,
    WebhookFrame, RELAY_TOKEN_ENV, RELAY_URL_ENV,
};
use crate::model::{RelaySettings, RelayState};
use crate::{mapping, time};

fn url_key(location_id: &str) -> String {
    format!("relay_url:{location_id}")
}

/// The keychain account of a location's relay install token.
pub fn relay_account(location_id: &str) -> String {
    format!("relay:{location_id}")
}

fn normalise_url(url: &str) -> Result<String> {
    let trimmed = url.trim().trim_end_matches('/');
    match reqwest::Url::parse(trimmed) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {
            Ok(trimmed.to_string())
        }
        _ => Err(RelayError::BadUrl(url.to_string()).into()),
    }
}

impl Desk {
    /// Saves the relay URL (in the replica's settings) and install token (in
    /// the keychain, or for this run only) of a location, default the active
    /// one, and reconnects. A new URL starts from the relay's cursor afresh.
    pub async fn set_relay(
        &self,
        location_id: Option<&str>,
        url: &str,
        token: Option<Secret>,
        keep: TokenKeeping,
    ) -> Result<RelaySettings> {
        self.acting(crate::staff::Role::Gerencia)?;
        let location_id = match location_id {
            Some(l) => l.to_string(),
            None => self.active_location()?.ok_or(CoreError::NotConnected)?,
        };
        let url = normalise_url(url)?;
        if let Some(token) = token.filter(|t| !t.expose().trim().is_empty()) {
            match keep {
                TokenKeeping::Keychain => {
                    let tokens = self.tokens.clone();
                    let account = relay_account(&location_id);
                    keychain(move || tokens.save(&account, &token)).await?;
                }
                TokenKeeping::Environment => {
                    self.live
                        .lock()
                        .session_tokens
                        .insert(location_id.clone(), token);
                }
            }
        }
        let old = self.store.setting(&url_key(&location_id))?;
        if old.as_deref() != Some(url.as_str()) {
            self.store.reset_relay_cursor(&location_id)?;
        }
        self.store.set_setting(&url_key(&location_id), &url)?;
        self.live.reconfigure.notify_one();
        self.relay_settings(Some(&location_id)).await
    }

    /// Forgets a location's relay: URL, cursor and token.
    pub async fn clear_relay(&self, location_id: Option<&str>) -> Result<()> {
        self.acting(crate::staff::Role::Gerencia)?;
        let location_id = match location_id {
            Some(l) => l.to_string(),
            None => self.active_location()?.ok_or(CoreError::NotConnected)?,
        };
        self.live.lock().session_tokens.remove(&location_id);
        let tokens = self.tokens.clone();
        let account = relay_account(&location_id);
        keychain(move || tokens.delete(&account)).await?;
        self.store.remove_setting(&url_key(&location_id))?;
        self.store.reset_relay_cursor(&location_id)?;
        self.live.reconfigure.notify_one();
        Ok(())
    }

    /// What the settings form shows (never the token itself).
    pub async fn relay_settings(&self, location_id: Option<&str>) -> Result<RelaySettings> {
        let location_id = match location_id {
            Some(l) => l.to_string(),
            None => self.active_location()?.ok_or(CoreError::NotConnected)?,
        };
        let url = self.store.setting(&url_key(&location_id))?;
        let has_token = self.relay_token(&location_id).await?.is_some();
        Ok(RelaySettings {
            location_id,
            url,
            has_token,
        })
    }

    /// Webhook keys to verify with (GHL's published ones by default).
    pub fn set_webhook_keys(&self, keys: WebhookKeys) {
        self.live.lock().keys = Some(Arc::new(keys));
    }

    /// Reconnect pacing (tests shorten it).
    pub fn set_relay_tuning(&self, tuning: RelayTuning) {
        self.live.lock().tuning = Some(tuning);
    }

    pub fn relay_state(&self) -> RelayState {
        self.live.state()
    }

    async fn relay_token(&self, location_id: &str) -> Result<Option<Secret>> {
        if let Some(t) = self.live.lock().session_tokens.get(location_id) {
            return Ok(Some(t.clone()));
        }
        let tokens = self.tokens.clone();
        let account = relay_account(location_id);
        match keychain(move || tokens.load(&account)).await {
            Ok(t) => Ok(Some(t)),
            Err(CoreError::Keychain(citadesk_ghl::TokenStoreError::Missing(_))) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The relay of the active location, when one is configured.
    async fn relay_target(&self) -> Result<Option<Target>> {
        let Some(location_id) = self.active_location()? else {
            return Ok(None);
        };
        let env = |n: &str| std::env::var(n).ok().filter(|v| !v.trim().is_empty());
        if let (Some(url), Some(token)) = (env(RELAY_URL_ENV), env(RELAY_TOKEN_ENV)) {
            return Ok(Some(Target {
                location_id,
                url: normalise_url(&url)?,
                token: Secret::new(token),
            }));
        }
        let Some(url) = self.store.setting(&url_key(&location_id))? else {
            return Ok(None);
        };
        Ok(self.relay_token(&location_id).await?.map(|token| Target {
            location_id,
            url,
            token,
        }))
    }

    fn set_relay_state(&self, state: RelayState) {
        let changed = {
            let mut inner = self.live.lock();
            let changed = inner.state != state;
            inner.set_state(state);
            if changed || inner.state_since.is_none() {
                inner.state_since = Some(Utc::now());
            }
            changed
        };
        if changed {
            self.live.state_changed.notify_one();
            tracing::info!(state = ?state, "relay");
            self.notify_status_now();
        }
    }

    fn webhook_keys(&self) -> Result<Arc<WebhookKeys>> {
        let mut inner = self.live.lock();
        if let Some(k) = &inner.keys {
            return Ok(k.clone());
        }
        let keys = Arc::new(crate::live::default_keys()?);
        inner.keys = Some(keys.clone());
        Ok(keys)
    }

    /// Runs for the life of the process: connects to the active location's
    /// relay, follows it, reconnects with backoff and jitter, and starts over
    /// when the settings or the active location change.
    pub async fn run_relay_loop(self: Arc<Self>) {
        let http = client::http();
        let mut backoff: Option<Duration> = None;
        let mut active = self.live.active.subscribe();
        let mut following: Option<String> = None;
        loop {
            // A switch from here on wakes `settings_changed`.
            active.borrow_and_update();
            let location = self.active_location().ok().flatten();
            if location != following {
                // The status bar shows the relay of the location on screen:
                // the previous one's last event time means nothing there.
                self.live.lock().last_event_at = None;
                if following.is_some() {
                    tracing::info!(location = ?location, "active location changed; relay follows");
                    self.set_relay_state(RelayState::Connecting);
                }
                following = location;
                backoff = None;
            }
            let tuning = self
                .live
                .lock()
                .tuning
                .unwrap_or_else(|| RelayTuning::default().with_env_overrides());
            let target = match self.relay_target().await {
                Ok(Some(t)) => t,
                Ok(None) => {
                    self.set_relay_state(RelayState::NotConfigured);
                    self.settings_changed(&mut active).await;
                    continue;
                }
                Err(e) => {
                    tracing::warn!(code = e.code(), "relay settings unreadable: {e}");
                    self.set_relay_state(RelayState::Disconnected);
                    tokio::select! {
                        _ = tokio::time::sleep(tuning.backoff_max) => {}
                        _ = self.settings_changed(&mut active) => {}
                    }
                    continue;
                }
            };
            if self.live.state() != RelayState::Disconnected {
                self.set_relay_state(RelayState::Connecting);
            }
            let result = tokio::select! {
                r = self.follow(&http, &target, tuning) => Some(r),
                _ = self.settings_changed(&mut active) => None,
            };
            let wait = match result {
                None => {
                    backoff = None;
                    continue;
                }
                Some(Ok(_)) if active.has_changed().unwrap_or(false) => {
                    // `follow` stopped at the switch.
                    continue;
                }
                Some(Ok(got_frames)) => {
                    tracing::info!(relay = %target.url, "relay closed the stream");
                    if got_frames {
                        backoff = None;
                    }
                    self.set_relay_state(RelayState::Connecting);
                    next_backoff(&mut backoff, tuning)
                }
                Some(Err(CoreError::Relay(RelayError::Unauthorized))) => {
                    tracing::warn!(relay = %target.url, "relay refused the install token");
                    self.set_relay_state(RelayState::Unauthorized);
                    self.settings_changed(&mut active).await;
                    backoff = None;
                    continue;
                }
                Some(Err(e)) => {
                    tracing::warn!(relay = %target.url, code = e.code(), "relay connection lost: {e}");
                    self.set_relay_state(RelayState::Disconnected);
                    next_backoff(&mut backoff, tuning)
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(client::jitter(wait)) => {}
                _ = self.settings_changed(&mut active) => { backoff = None; }
            }
        }
    }

    /// Resolves when the relay settings or the active location change.
    async fn settings_changed(&self, active: &mut watch::Receiver<Option<String>>) {
        tokio::select! {
            _ = self.live.reconfigure.notified() => {}
            Ok(()) = active.changed() => {}
        }
    }

    /// Tells the relay loop which location the desk works on now.
    pub(crate) fn active_location_changed(&self) {
        match self.active_location() {
            Ok(location) => self.live.set_active(location),
            Err(e) => tracing::warn!(code = e.code(), "active location unreadable: {e}"),
        }
    }

    /// One session until it ends; returns whether any frame arrived.
    async fn follow(
        &self,
        http: &reqwest::Client,
        target: &Target,
        tuning: RelayTuning,
    ) -> Result<bool> {
        let keys = self.webhook_keys()?;
        let cursor = self.store.relay_cursor(&target.location_id, &target.url)?;
        let mut session = Session::open(http, target, cursor, tuning.idle).await?;
        self.set_relay_state(RelayState::CatchingUp);
        let mut got_frames = false;
        let mut live = false;
        let mut changed_unannounced = false;
        let mut last_status = Instant::now();
        while let Some(event) = session.next().await? {
            got_frames = true;
            match event {
                Event::Live => {
                    live = true;
                    self.set_relay_state(RelayState::Connected);
                    if std::mem::take(&mut changed_unannounced) {
                        self.notify_replica(&target.location_id);
                    }
                }
                Event::Gap => {
                    // Events were purged before this install read them: a
                    // full pull brings the replica back in line.
                    tracing::warn!(location = %target.location_id, "relay retention passed our cursor; syncing");
                    self.request_sync();
                }
                Event::Webhook(data) => {
                    // Switched away meanwhile: none of this location's
                    // events are applied past the switch.
                    if self.active_location()?.as_deref() != Some(target.location_id.as_str()) {
                        return Ok(got_frames);
                    }
                    let (frame, body) = WebhookFrame::parse(&data)?;
                    let outcome = self.handle_webhook(target, &keys, &frame, &body).await?;
                    session.ack(frame.cursor);
                    self.live.lock().last_event_at = Some(Utc::now());
                    if outcome == Outcome::Applied {
                        changed_unannounced = true;
                    }
                    // Live: tell the UI at once. Replaying: once the burst
                    // is read, not once per event.
                    if changed_unannounced && (live || !session.has_buffered()) {
                        changed_unannounced = false;
                        self.notify_replica(&target.location_id);
                    }
                    if last_status.elapsed() >= Duration::from_secs(1) || live {
                        last_status = Instant::now();
                        self.notify_status_now();
                    }
                }
            }
        }
        Ok(got_frames)
    }

    fn notify_replica(&self, location_id: &str) {
        if let Some(n) = self.notifier() {
            n.replica_changed(location_id);
        }
    }

    /// Verifies, dedupes and applies one webhook, storing its cursor. An
    /// error (GHL or the replica out of reach) leaves the cursor where it
    /// was, so the event comes again after the reconnect.
    async fn handle_webhook(
        &self,
        target: &Target,
        keys: &WebhookKeys,
        frame: &WebhookFrame,
        body: &[u8],
    ) -> Result<Outcome> {
        let location_id = target.location_id.as_str();
        let hash = payload_hash(body);
        let verified = keys.verify(
            body,
            frame.signatures.ghl.as_deref(),
            frame.signatures.wh.as_deref(),
        );
        let parsed = verified
            .map_err(|e| ("signature", e.to_string()))
            .and_then(|_| WebhookPayload::parse(body).map_err(|e| ("payload", e.to_string())));
        let payload = match parsed {
            Ok(p) => p,
            Err((why, reason)) => {
                // Logged and skipped, never applied; the cursor moves on so
                // one bad event does not block the stream.
                tracing::warn!(location = %location_id, cursor = frame.cursor, %reason, "webhook from the relay rejected");
                let handled = Handled {
                    location_id,
                    cursor: frame.cursor,
                    webhook_id: &hash,
                    payload_hash: &hash,
                    event_type: "unverified",
                };
                self.store.apply_webhook(
                    &target.url,
                    &handled,
                    &Change::Nothing(Outcome::Rejected),
                )?;
                self.store.note_webhook_rejection(&hash, why)?;
                return Ok(Outcome::Rejected);
            }
        };
        let envelope = payload.envelope().clone();
        let webhook_id = envelope
            .webhook_id
            .clone()
            .filter(|w| !w.is_empty())
            .unwrap_or_else(|| hash.clone());
        if self.store.webhook_seen(&webhook_id, &hash)? {
            self.count_duplicate(&envelope.event_type);
            self.store
                .advance_relay_cursor(location_id, &target.url, frame.cursor)?;
            return Ok(Outcome::Echo);
        }
        let change = if envelope.location_id.as_deref() != Some(location_id) {
            Change::Nothing(Outcome::Ignored)
        } else {
            self.change_for(location_id, payload).await?
        };
        let handled = Handled {
            location_id,
            cursor: frame.cursor,
            webhook_id: &webhook_id,
            payload_hash: &hash,
            event_type: &envelope.event_type,
        };
        let outcome = self.store.apply_webhook(&target.url, &handled, &change)?;
        tracing::debug!(location = %location_id, cursor = frame.cursor, webhook = %webhook_id, kind = %envelope.event_type, outcome = outcome.as_str(), "webhook handled");
        Ok(outcome)
    }

    /// What a verified payload means for the replica. A partial appointment
    /// is fetched by id first.
    async fn change_for(&self, location_id: &str, payload: WebhookPayload) -> Result<Change> {
        let zone_name = self
            .store
            .location(location_id)?
            .map(|l| l.time_zone)
            .unwrap_or_else(|| "UTC".into());
        let zone = time::parse_zone(&zone_name)?;
        Ok(match payload {
            WebhookPayload::AppointmentCreate(e) | WebhookPayload::AppointmentUpdate(e) => {
                let full = match e.appointment.complete() {
                    Some(a) => a,
                    None => match self
                        .fetch_appointment(location_id, &e.appointment.id)
                        .await?
                    {
                        Fetched::Found(a) => *a,
                        // GHL no longer has it (a delete overtook this, or
                        // GHL's reads lag its writes). A "not found" is too
                        // weak a sign to drop the replica's copy: logged, and
                        // a pull, which lists what GHL has, settles it.
                        Fetched::Gone => {
                            tracing::warn!(location = %location_id, cita = %e.appointment.id, "a partial webhook named a cita GHL does not have; kept, syncing");
                            self.request_sync();
                            return Ok(Change::Untouched {
                                id: e.appointment.id,
                                outcome: Outcome::NotFound,
                            });
                        }
                        Fetched::Refused => {
                            return Ok(Change::Untouched {
                                id: e.appointment.id,
                                outcome: Outcome::Unfetched,
                            })
                        }
                    },
                };
                match mapping::cita_row(location_id, &full, zone) {
                    Ok(row) => Change::UpsertCita(row),
                    Err(err) => {
                        tracing::warn!(cita = %full.id, "webhook cita unreadable: {err}");
                        Change::Nothing(Outcome::Ignored)
                    }
                }
            }
            WebhookPayload::AppointmentDelete(e) => Change::DeleteCita(e.appointment.id),
            WebhookPayload::ContactChanged { mut contact, .. } => {
                // The envelope is about the delivery, not the patient.
                for k in ["type", "webhookId", "timestamp", "appId", "versionId"] {
                    contact.extra.remove(k);
                }
                Change::UpsertContact {
                    display_name: contact.display_name(),
                    phone: contact.phone.clone(),
                    email: contact.email.clone(),
                    date_updated: contact.date_updated.clone(),
                    raw: serde_json::to_string(&contact).unwrap_or_default(),
                    id: contact.id,
                }
            }
            WebhookPayload::ContactDelete { contact, .. } => Change::DeleteContact(contact.id),
            WebhookPayload::InboundMessage { message, .. } => {
                self.apply_answer(location_id, zone, &message).await?
            }
            WebhookPayload::Other { .. } => Change::Nothing(Outcome::Ignored),
        })
    }

    /// GHL's current version of a cita. Offline, rate limits and server
    /// errors are errors (the event comes again after the reconnect); other
    /// refusals (a revoked token, ...) leave the cita to the next sync rather
    /// than block the stream.
    async fn fetch_appointment(&self, location_id: &str, id: &str) -> Result<Fetched> {
        let client = self.client_for(location_id).await?;
        match client.get_appointment(id).await {
            Ok(a) => Ok(Fetched::Found(Box::new(a))),
            Err(GhlError::NotFound { .. }) => Ok(Fetched::Gone),
            // GHL answers an unknown event id with 400 "... not found".
            Err(GhlError::Validation {
                status: 400,
                ref message,
                ..
            }) if message.to_lowercase().contains("not found") => Ok(Fetched::Gone),
            Err(
                e @ (GhlError::Unreachable(_)
                | GhlError::Timeout
                | GhlError::RateLimited { .. }
                | GhlError::Server { .. }),
            ) => Err(e.into()),
            Err(e) => {
                tracing::warn!(cita = %id, code = e.code(), "could not fetch a cita a webhook named: {e}");
                Ok(Fetched::Refused)
            }
        }
    }
}

enum Fetched {
    Found(Box<citadesk_ghl::models::Appointment>),
    Gone,
    Refused,
}

fn next_backoff(backoff: &mut Option<Duration>, tuning: RelayTuning) -> Duration {
    let next = match *backoff {
        None => tuning.backoff_min,
        Some(d) => (d * 2).min(tuning.backoff_max),
    };
    *backoff = Some(next);
    next
}
