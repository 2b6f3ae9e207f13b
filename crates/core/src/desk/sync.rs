//! Pull sync: GHL has no location-wide event list, so the location, its
//! calendars and practitioners are fetched, then each calendar's citas over
//! windows of at most 31 days, and upserted into the replica. While the
//! relay is live, most pulls cover only the days around today (pulls.rs).

use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, Utc};
use citadesk_ghl::{BlockOwner, EventsQuery, GhlClient};

use super::Desk;
use crate::cita::CitaRow;
use crate::error::{CoreError, Result};
use crate::mapping::{block_row, calendar_row, cita_row, group_row, room_row, schedule_row};
use crate::model::{ConnectionState, Locale, RelayState, SyncProgress, SyncSummary};
use crate::pulls::{Next, PullKind, PullSchedule, NEAR_TODAY_DAYS, NEAR_TODAY_DAYS_BACK};
use crate::reconcile::Via;
use crate::store::{CalendarRow, Store};
use crate::time;

/// GHL's cap on one event listing.
pub const MAX_WINDOW_DAYS: i64 = 31;

/// How far back and ahead the replica covers.
#[derive(Debug, Clone, Copy)]
pub struct SyncWindow {
    pub days_back: i64,
    pub days_ahead: i64,
}

impl Default for SyncWindow {
    fn default() -> Self {
        Self {
            days_back: 14,
            days_ahead: 60,
        }
    }
}

/// Pulls the location into the replica: `Full` lists the location, its
/// practitioners and calendars and the whole `window`; `NearToday` lists
/// only the days around today of the calendars the replica already knows
/// (a full pull comes first when it knows none).
#[allow(clippy::too_many_arguments)]
pub async fn pull_location(
    client: &GhlClient,
    store: &Store,
    location_id: &str,
    kind: PullKind,
    window: SyncWindow,
    now: DateTime<Utc>,
    heal: Option<bool>,
    progress: &(dyn Fn(&SyncProgress) + Send + Sync),
) -> Result<SyncSummary> {
    let started = Instant::now();
    let calls_before = client.calls();

    let known = match kind {
        PullKind::Full => None,
        PullKind::NearToday => match store.location(location_id)? {
            Some(l) => Some((l.time_zone, store.calendar_columns(location_id)?)),
            None => None,
        },
    };
    let (zone, calendar_ids, window, full) = match known {
        Some((zone_name, columns)) if !columns.is_empty() => {
            let ids: Vec<String> = columns.into_iter().map(|c| c.id).collect();
            let near = SyncWindow {
                days_back: NEAR_TODAY_DAYS_BACK,
                days_ahead: NEAR_TODAY_DAYS - NEAR_TODAY_DAYS_BACK,
            };
            (time::parse_zone(&zone_name)?, ids, near, false)
        }
        _ => {
            let (zone, ids) = pull_location_and_calendars(client, store, location_id).await?;
            (zone, ids, window, true)
        }
    };

    let today = time::today_in(zone, now);
    let (from, to) = time::days_range(
        today - Duration::days(window.days_back),
        window.days_back + window.days_ahead,
        zone,
    );
    // What the replica held, to record what this pull changes (not on the baseline).
    let before = match heal {
        Some(_) => store.cita_rows_starting_in(location_id, from, to)?,
        None => Vec::new(),
    };
    let mut upserted = 0;
    let mut removed = if full {
        store.remove_citas_of_unknown_calendars(location_id)?
    } else {
        0
    };
    let mut shown = SyncProgress {
        location_id: location_id.to_string(),
        calendars_done: 0,
        calendars_total: calendar_ids.len() as u32,
        citas: 0,
        patients: 0,
    };
    progress(&shown);
    for cal_id in &calendar_ids {
        for w in time::windows(from, to, MAX_WINDOW_DAYS) {
            let events = client
                .list_events(&EventsQuery {
                    location_id,
                    calendar_id: cal_id,
                    start: w.0,
                    end: w.1,
                })
                .await?;
            let mut unreadable = 0;
            let citas: Vec<CitaRow> = events
                .iter()
                .filter(|e| &e.calendar_id == cal_id)
                .filter_map(|e| match cita_row(location_id, e, zone) {
                    Ok(row) => Some(row),
                    Err(err) => {
                        // Keep what we have rather than lose it over one bad record.
                        tracing::warn!(cita = %e.id, "skipping a cita GHL sent malformed: {err}");
                        unreadable += 1;
                        None
                    }
                })
                .collect();
            let (u, r) = store.apply_calendar_window(cal_id, w, &citas, unreadable == 0)?;
            upserted += u;
            removed += r;
        }
        shown.calendars_done += 1;
        shown.citas = upserted;
        progress(&shown);
    }

    if full && practice_due(store, location_id, now)? {
        pull_practice(
            client,
            store,
            location_id,
            zone,
            (today - Duration::days(1), to),
        )
        .await?;
        store.set_setting(&practice_key(location_id), &now.to_rfc3339())?;
    }

    if let Some(lost_webhook) = heal {
        let after = store.cita_rows_starting_in(location_id, from, to)?;
        let healed = store.record_healed(
            location_id,
            &changes(before, after),
            Via::Pull,
            lost_webhook,
        )?;
        if healed > 0 {
            tracing::info!(location = %location_id, healed, lost_webhook, "pull healed differences");
        }
    }

    let mut contacts_fetched = 0;
    let mut missing = store.missing_contact_ids(location_id)?;
    if missing.len() > PAGED_CONTACTS_FROM {
        // Many unknown patients (a first sync): page through the location's
        // contacts, 500 per call, instead of one call per patient.
        let mut page = 1;
        loop {
            let found = client
                .search_contacts(location_id, None, page, CONTACT_PAGE)
                .await?;
            for c in &found.contacts {
                store.save_ghl_contact(location_id, c)?;
            }
            contacts_fetched += found.contacts.len() as u32;
            shown.patients = contacts_fetched;
            progress(&shown);
            let seen = u64::from(page * CONTACT_PAGE);
            if found.contacts.len() < CONTACT_PAGE as usize
                || seen >= found.total
                || seen + u64::from(CONTACT_PAGE) > SEARCH_WINDOW
            {
                break;
            }
            page += 1;
        }
        missing = store.missing_contact_ids(location_id)?;
    }
    for contact_id in missing {
        match client.get_contact(&contact_id).await {
            Ok(c) => {
                store.save_ghl_contact(location_id, &c)?;
                contacts_fetched += 1;
                if contacts_fetched % 25 == 0 {
                    shown.patients = contacts_fetched;
                    progress(&shown);
                }
            }
            Err(e) if e.is_offline() => return Err(e.into()),
            Err(e) => tracing::warn!(code = e.code(), "could not fetch a patient: {e}"),
        }
    }
    if shown.patients != contacts_fetched {
        shown.patients = contacts_fetched;
        progress(&shown);
    }

    Ok(SyncSummary {
        location_id: location_id.to_string(),
        calendars: calendar_ids.len() as u32,
        citas_upserted: upserted,
        citas_removed: removed,
        contacts_fetched,
        ghl_calls: (client.calls() - calls_before) as u32,
        duration_ms: started.elapsed().as_millis() as u64,
    })
}

/// The location (its zone), practitioners and calendars from GHL into the
/// replica; returns the zone and the calendars' ids.
async fn pull_location_and_calendars(
    client: &GhlClient,
    store: &Store,
    location_id: &str,
) -> Result<(chrono_tz::Tz, Vec<String>)> {
    let location = client.get_location(location_id).await?;
    let zone_name = location
        .timezone
        .clone()
        .unwrap_or_else(|| "UTC".to_string());
    let zone = time::parse_zone(&zone_name)?;
    let raw = serde_json::to_string(&location).unwrap_or_default();
    store.upsert_location(
        &location.id,
        location.name.as_deref().unwrap_or(&location.id),
        location.company_id.as_deref(),
        &zone_name,
        &raw,
    )?;

    if let Some(company) = location.company_id.as_deref() {
        // Practitioners' names for the column headers. Not worth failing the
        // sync for: the agenda is still right without them.
        match client.search_users(company, location_id).await {
            Ok(users) => {
                let rows: Vec<_> = users
                    .iter()
                    .map(|u| {
                        (
                            u.id.clone(),
                            u.display_name(),
                            serde_json::to_string(u).unwrap_or_default(),
                        )
                    })
                    .collect();
                store.upsert_users(location_id, &rows)?;
            }
            Err(e) if e.is_offline() => return Err(e.into()),
            Err(e) => tracing::warn!(code = e.code(), "could not list practitioners: {e}"),
        }
    }

    let calendars = client.list_calendars(location_id).await?;
    let rows: Vec<CalendarRow> = calendars
        .iter()
        .map(|c| calendar_row(location_id, c))
        .collect();
    store.replace_calendars(location_id, &rows)?;
    Ok((zone, calendars.into_iter().map(|c| c.id).collect()))
}

/// The practice around the citas, on full pulls (GHL sends no webhook for
/// any of it): specialties (groups), rooms and equipment, each
/// practitioner's schedules, and the blocks from yesterday to the window's
/// end, listed per group (calendars in none: per calendar) and per
/// practitioner. What GHL no longer lists is removed. A failure other than
/// being offline keeps what the replica had (the agenda is still right).
async fn pull_practice(
    client: &GhlClient,
    store: &Store,
    location_id: &str,
    zone: chrono_tz::Tz,
    (from_day, to): (chrono::NaiveDate, DateTime<Utc>),
) -> Result<()> {
    let kept = |what: &str, e: &citadesk_ghl::GhlError| {
        tracing::warn!(code = e.code(), "could not list {what}: {e}");
    };
    match client.list_groups(location_id).await {
        Ok(groups) => store.replace_groups(
            location_id,
            &groups.iter().map(group_row).collect::<Vec<_>>(),
        )?,
        Err(e) if e.is_offline() => return Err(e.into()),
        Err(e) => kept("calendar groups", &e),
    }
    let mut rooms = Vec::new();
    let mut complete = true;
    for kind in ["rooms", "equipments"] {
        match client.list_resources(location_id, kind).await {
            Ok(found) => rooms.extend(found.iter().filter_map(room_row)),
            Err(e) if e.is_offline() => return Err(e.into()),
            Err(e) => {
                kept(kind, &e);
                complete = false;
            }
        }
    }
    if complete {
        store.replace_rooms(location_id, &rooms)?;
    }
    let calendars =
        store.calendar_rules(location_id, &crate::booking::LocationSettings::default())?;
    let mut practitioners: Vec<String> = calendars
        .iter()
        .filter_map(|c| c.practitioner_id.clone())
        .collect();
    practitioners.sort();
    practitioners.dedup();
    let mut schedules = Vec::new();
    complete = true;
    for user in &practitioners {
        match client.search_schedules(location_id, user).await {
            Ok(found) => schedules.extend(found.iter().map(schedule_row)),
            Err(e) if e.is_offline() => return Err(e.into()),
            Err(e) => {
                kept("schedules", &e);
                complete = false;
            }
        }
    }
    if complete {
        store.replace_schedules(location_id, &schedules)?;
    }
    let mut groups: Vec<String> = Vec::new();
    let mut ungrouped: Vec<String> = Vec::new();
    for (calendar, group) in store.calendar_group_ids(location_id)? {
        match group.filter(|g| !g.is_empty()) {
            Some(g) if !groups.contains(&g) => groups.push(g),
            Some(_) => {}
            None => ungrouped.push(calendar),
        }
    }
    let from = time::start_of_day(from_day, zone);
    for w in time::windows(from, to.max(from), MAX_WINDOW_DAYS) {
        let mut listed = Vec::new();
        let owners = groups
            .iter()
            .map(|g| BlockOwner::Group(g.as_str()))
            .chain(ungrouped.iter().map(|c| BlockOwner::Calendar(c.as_str())))
            .chain(practitioners.iter().map(|u| BlockOwner::User(u.as_str())));
        let mut complete = true;
        for owner in owners {
            match client
                .list_blocked_slots(location_id, owner, w.0, w.1)
                .await
            {
                Ok(found) => listed.extend(found.iter().filter_map(|b| {
                    block_row(location_id, b, zone)
                        .inspect_err(|err| {
                            tracing::warn!("skipping a block GHL sent malformed: {err}")
                        })
                        .ok()
                })),
                Err(e) if e.is_offline() => return Err(e.into()),
                Err(e) => {
                    kept("blocked slots", &e);
                    complete = false;
                }
            }
        }
        if complete {
            listed.sort_by(|a, b| a.id.cmp(&b.id));
            listed.dedup_by(|a, b| a.id == b.id);
            store.apply_blocks_window(
                location_id,
                (w.0.timestamp_millis(), w.1.timestamp_millis()),
                &listed,
            )?;
        }
    }
    Ok(())
}

/// Rooms, schedules and blocks change seldom and GHL sends no webhook for
/// them; listing them costs about 65 calls on a 20-calendar clinic. A full
/// pull lists them at most this often (a person's "Sincronizar" always does),
/// so a desk polling every 5 minutes without the relay does not pay that
/// 288 times a day.
const PRACTICE_EVERY: Duration = Duration::minutes(30);

fn practice_key(location_id: &str) -> String {
    format!("practice_pulled_at:{location_id}")
}

/// Whether the next full pull lists the practice again.
fn practice_due(store: &Store, location_id: &str, now: DateTime<Utc>) -> Result<bool> {
    let last = store
        .setting(&practice_key(location_id))?
        .and_then(|s| DateTime::parse_from_rfc3339(&s).ok());
    Ok(last.is_none_or(|t| now - t.with_timezone(&Utc) >= PRACTICE_EVERY))
}

/// Above this many unknown patients, the sync pages through contact search.
const PAGED_CONTACTS_FROM: usize = 50;
const CONTACT_PAGE: u32 = 500;
/// GHL's ceiling on `page * pageLimit` for contact search.
const SEARCH_WINDOW: u64 = 10_000;

impl Desk {
    /// Pulls the active location's whole window from GHL into the replica.
    pub async fn sync_now(&self) -> Result<SyncSummary> {
        // A person asked: the practice (a block just made in GHL) comes too.
        if let Some(location_id) = self.active_location()? {
            self.store.remove_setting(&practice_key(&location_id))?;
        }
        self.pull(PullKind::Full).await
    }

    /// Pulls the active location from GHL into the replica. One at a time.
    pub async fn pull(&self, kind: PullKind) -> Result<SyncSummary> {
        let _one_at_a_time = self.sync_lock.lock().await;
        let location_id = self.active_location()?.ok_or(CoreError::NotConnected)?;
        {
            // While offline or failing, the banner stays up during retries.
            let mut rt = self.runtime.lock().unwrap();
            if matches!(
                rt.connection,
                ConnectionState::Online | ConnectionState::NotConnected
            ) {
                rt.connection = ConnectionState::Syncing;
            }
        }
        self.notify_status_now();
        // A location's first sync is its baseline: what it brings is not a
        // difference. Later, a change only a pull finds while the relay is
        // connected is a webhook GHL dropped.
        let heal = self
            .store
            .sync_record(&location_id)?
            .last_success
            .map(|_| self.live.state() == RelayState::Connected);
        let result = match self.client_for(&location_id).await {
            Ok(client) => {
                pull_location(
                    &client,
                    &self.store,
                    &location_id,
                    kind,
                    self.options.window,
                    Utc::now(),
                    heal,
                    &|p: &SyncProgress| {
                        if let Some(n) = self.notifier() {
                            n.sync_progress(p);
                        }
                    },
                )
                .await
            }
            Err(e) => Err(e),
        };
        match &result {
            Ok(summary) => {
                self.store.record_sync(&location_id, true, None)?;
                self.synced_this_run
                    .store(true, std::sync::atomic::Ordering::SeqCst);
                let mut rt = self.runtime.lock().unwrap();
                rt.connection = ConnectionState::Online;
                rt.last_error = None;
                drop(rt);
                tracing::info!(
                    location = %location_id,
                    kind = ?kind,
                    citas = summary.citas_upserted,
                    removed = summary.citas_removed,
                    calls = summary.ghl_calls,
                    ms = summary.duration_ms,
                    "sync done"
                );
            }
            Err(e) => {
                let es = e.payload(Locale::EsPe);
                let en = e.payload(Locale::En);
                self.store
                    .record_sync(&location_id, false, Some((e.code(), &en.message)))?;
                let mut rt = self.runtime.lock().unwrap();
                rt.connection = if e.is_offline() {
                    ConnectionState::Offline
                } else {
                    ConnectionState::Error
                };
                if matches!(
                    e,
                    CoreError::Ghl(
                        citadesk_ghl::GhlError::AuthExpired { .. }
                            | citadesk_ghl::GhlError::ReconnectRequired { .. }
                    )
                ) {
                    // A new token may be stored by then; read it again next time.
                    rt.client = None;
                }
                rt.last_error = Some((es, en));
                drop(rt);
                tracing::warn!(location = %location_id, code = e.code(), "sync failed: {e}");
            }
        }
        self.notify_status_now();
        if result.is_ok() {
            if let Some(n) = self.notifier() {
                n.replica_changed(&location_id);
            }
        }
        result
    }

    /// Wakes the sync loop now (the "Sincronizar" button, a reconnect).
    pub fn request_sync(&self) {
        self.wake.notify_one();
    }

    /// GHL calls made and response bytes read by the active location's
    /// client so far (what polling costs; the benchmark reads it).
    pub fn ghl_usage(&self) -> (u64, u64) {
        match &self.runtime.lock().unwrap().client {
            Some((_, c)) => (c.calls(), c.received_bytes()),
            None => (0, 0),
        }
    }

    /// Whether the relay counts as live for the pull schedule, and for how
    /// much longer when it only just dropped: a drop shorter than a fifth of
    /// the polling interval (a reconnect) is ridden out, since the relay
    /// keeps what arrives meanwhile and replays it.
    pub(crate) fn relay_live(&self) -> (bool, Option<StdDuration>) {
        let inner = self.live.lock();
        if inner.state == RelayState::Connected {
            return (true, None);
        }
        let grace = self.options.pulls.poll / 5;
        match inner.left_connected_at.map(|t| t.elapsed()) {
            Some(gone) if gone < grace => (true, Some(grace - gone)),
            _ => (false, None),
        }
    }

    /// Runs forever: pull when the schedule says (pulls.rs), else wait
    /// (shorter while offline), until woken by a request or a change of the
    /// relay's state.
    pub async fn run_sync_loop(self: Arc<Self>) {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|t| t.as_nanos() as u64)
            .unwrap_or(0);
        let mut schedule = PullSchedule::new(self.options.pulls, seed);
        let mut asked = false;
        loop {
            // Writes first: what the desk booked offline goes out on reconnect,
            // and the pull then sees GHL with it.
            if let Err(e) = self.push_outbox().await {
                tracing::debug!(code = e.code(), "outbox waits: {e}");
            }
            let (live, grace) = self.relay_live();
            let started = Instant::now();
            let next = if std::mem::take(&mut asked) {
                Next::Pull(PullKind::Full)
            } else {
                schedule.next(started, live)
            };
            let wait = match next {
                Next::Wait(d) => d,
                Next::Pull(kind) => match self.pull(kind).await {
                    Ok(_) => {
                        schedule.done(kind, started);
                        match schedule.next(Instant::now(), live) {
                            Next::Wait(d) => d,
                            Next::Pull(_) => StdDuration::ZERO,
                        }
                    }
                    Err(CoreError::NotConnected) => StdDuration::from_secs(3600),
                    Err(CoreError::Ghl(citadesk_ghl::GhlError::RateLimited { retry_after })) => {
                        retry_after
                    }
                    Err(e) if e.is_offline() => self.options.retry_interval,
                    Err(_) => self.options.retry_interval * 4,
                },
            };
            // At the end of a grace the relay may count as down: look again.
            let wait = grace.map_or(wait, |g| wait.min(g));
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = self.wake.notified() => { asked = true; }
                _ = self.live.state_changed.notified() => {}
            }
        }
    }
}

/// The citas a pull changed, as (before, after) pairs by id.
fn changes(before: Vec<CitaRow>, after: Vec<CitaRow>) -> Vec<(Option<CitaRow>, Option<CitaRow>)> {
    let mut after: std::collections::HashMap<String, CitaRow> =
        after.into_iter().map(|r| (r.id.clone(), r)).collect();
    let mut out = Vec::new();
    for b in before {
        match after.remove(&b.id) {
            Some(a) if a == b => {}
            a => out.push((Some(b), a)),
        }
    }
    out.extend(after.into_values().map(|a| (None, Some(a))));
    out
}
