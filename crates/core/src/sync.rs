//! Pull sync: GHL has no location-wide event list, so the location, its
//! calendars and practitioners are fetched, then each calendar's citas over
//! windows of at most 31 days, and upserted into the replica.

use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use citadesk_ghl::models::{Appointment, Calendar};
use citadesk_ghl::{EventsQuery, GhlClient};

use crate::error::{CoreError, Result};
use crate::model::SyncSummary;
use crate::store::{CalendarRow, CitaRow, Store};
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

pub async fn pull_location(
    client: &GhlClient,
    store: &Store,
    location_id: &str,
    window: SyncWindow,
    now: DateTime<Utc>,
) -> Result<SyncSummary> {
    let started = Instant::now();
    let calls_before = client.calls();

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

    let today = time::today_in(zone, now);
    let (from, to) = time::days_range(
        today - Duration::days(window.days_back),
        window.days_back + window.days_ahead,
        zone,
    );
    let mut upserted = 0;
    let mut removed = store.remove_citas_of_unknown_calendars(location_id)?;
    for cal in &calendars {
        for w in time::windows(from, to, MAX_WINDOW_DAYS) {
            let events = client
                .list_events(&EventsQuery {
                    location_id,
                    calendar_id: &cal.id,
                    start: w.0,
                    end: w.1,
                })
                .await?;
            let mut unreadable = 0;
            let citas: Vec<CitaRow> = events
                .iter()
                .filter(|e| e.calendar_id == cal.id)
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
            let (u, r) = store.apply_calendar_window(&cal.id, w, &citas, unreadable == 0)?;
            upserted += u;
            removed += r;
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
            }
            Err(e) if e.is_offline() => return Err(e.into()),
            Err(e) => tracing::warn!(code = e.code(), "could not fetch a patient: {e}"),
        }
    }

    Ok(SyncSummary {
        location_id: location_id.to_string(),
        calendars: calendars.len() as u32,
        citas_upserted: upserted,
        citas_removed: removed,
        contacts_fetched,
        ghl_calls: (client.calls() - calls_before) as u32,
        duration_ms: started.elapsed().as_millis() as u64,
    })
}

fn calendar_row(location_id: &str, c: &Calendar) -> CalendarRow {
    CalendarRow {
        id: c.id.clone(),
        location_id: location_id.to_string(),
        name: c.name.clone(),
        is_active: c.is_active,
        primary_user_id: c.primary_user_id().map(str::to_string),
        slot_minutes: c.slot_minutes(),
        open_hours_json: serde_json::to_string(&c.open_hours).unwrap_or_else(|_| "[]".into()),
        raw: serde_json::to_string(c).unwrap_or_default(),
    }
}

/// Above this many unknown patients, the sync pages through contact search.
const PAGED_CONTACTS_FROM: usize = 50;
const CONTACT_PAGE: u32 = 500;
/// GHL's ceiling on `page * pageLimit` for contact search.
const SEARCH_WINDOW: u64 = 10_000;

pub(crate) fn cita_row(location_id: &str, e: &Appointment, zone: chrono_tz::Tz) -> Result<CitaRow> {
    let start = time::parse_ghl_time(&e.start_time, zone)?;
    let end = time::parse_ghl_time(&e.end_time, zone)?;
    if end < start {
        return Err(CoreError::InvalidTime(format!(
            "{} ends before it starts",
            e.id
        )));
    }
    Ok(CitaRow {
        id: e.id.clone(),
        location_id: e
            .location_id
            .clone()
            .unwrap_or_else(|| location_id.to_string()),
        calendar_id: e.calendar_id.clone(),
        contact_id: e.contact_id.clone().filter(|s| !s.is_empty()),
        assigned_user_id: e.assigned_user_id.clone(),
        title: e.title.clone().unwrap_or_default(),
        status: e
            .appointment_status
            .clone()
            .unwrap_or_else(|| "new".to_string()),
        start,
        end,
        date_updated: e.date_updated.clone(),
        raw: serde_json::to_string(e).unwrap_or_default(),
    })
}
