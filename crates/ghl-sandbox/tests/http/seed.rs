//! The demo and empty seeds, checked through the API as a client sees them.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveTime, Timelike, Weekday};
use ghl_sandbox::Seed;
use reqwest::StatusCode;
use serde_json::Value;

use crate::common::*;

#[tokio::test]
async fn same_today_gives_identical_state() {
    let a = start_demo().await;
    let b = start_demo().await;
    let dump_a = Ghl::new(&a).admin("/_sandbox/state").await;
    let dump_b = Ghl::new(&b).admin("/_sandbox/state").await;
    assert_eq!(dump_a, dump_b);
    assert_eq!(a.location_id(), b.location_id());

    // Another day moves the citas but keeps who and where.
    let c = start_with(Seed::Demo, today() + Duration::days(3)).await;
    let dump_c = Ghl::new(&c).admin("/_sandbox/state").await;
    for stable in ["locations", "calendars", "users", "customFields"] {
        assert_eq!(dump_a[stable], dump_c[stable], "{stable}");
    }
    assert_ne!(dump_a["appointments"], dump_c["appointments"]);
    for s in [a, b, c] {
        s.shutdown().await;
    }
}

fn local(v: &Value) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap()
}

/// Open intervals per GHL day number, read from a calendar's `openHours`.
fn open_hours(calendar: &Value) -> BTreeMap<u64, Vec<(NaiveTime, NaiveTime)>> {
    let mut out: BTreeMap<u64, Vec<_>> = BTreeMap::new();
    for entry in calendar["openHours"].as_array().unwrap() {
        for day in entry["daysOfTheWeek"].as_array().unwrap() {
            for h in entry["hours"].as_array().unwrap() {
                let t = |hk: &str, mk: &str| {
                    NaiveTime::from_hms_opt(
                        h[hk].as_u64().unwrap() as u32,
                        h[mk].as_u64().unwrap() as u32,
                        0,
                    )
                    .unwrap()
                };
                out.entry(day.as_u64().unwrap())
                    .or_default()
                    .push((t("openHour", "openMinute"), t("closeHour", "closeMinute")));
            }
        }
    }
    out
}

async fn all_events(ghl: &Ghl, loc: &str, calendar_id: &str, today: NaiveDate) -> Vec<Value> {
    let (from, to) = (
        ms(lima_midnight(today - Duration::days(30))),
        ms(lima_midnight(today + Duration::days(30))),
    );
    let (status, body) = ghl
        .get(
            "/calendars/events",
            Some(CALENDARS_VERSION),
            &[
                ("locationId", loc),
                ("calendarId", calendar_id),
                ("startTime", &from),
                ("endTime", &to),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    body["events"].as_array().unwrap().clone()
}

#[tokio::test]
async fn demo_clinic_has_the_promised_shape() {
    let sandbox = start_demo().await;
    let ghl = Ghl::new(&sandbox);
    let loc = sandbox.location_id().to_string();

    let (_, body) = ghl
        .get(&format!("/locations/{loc}"), Some(CONTACTS_VERSION), &[])
        .await;
    let location = &body["location"];
    assert_eq!(location["name"], "Clínica Demo");
    assert_eq!(location["timezone"], "America/Lima");
    assert_eq!(location["settings"]["allowDuplicateContact"], false);

    let (_, body) = ghl.calendars(&loc).await;
    let calendars = body["calendars"].as_array().unwrap().clone();
    let names: HashSet<_> = calendars
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        HashSet::from(["Fisioterapia", "Medicina General", "Nutrición"])
    );

    let (_, body) = ghl
        .get(
            "/users/search",
            Some(CONTACTS_VERSION),
            &[
                ("companyId", location["companyId"].as_str().unwrap()),
                ("locationId", &loc),
            ],
        )
        .await;
    let users: HashSet<_> = body["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_string())
        .collect();

    let mut total = 0;
    let mut by_day: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    let mut contact_ids = HashSet::new();
    for calendar in &calendars {
        let hours = open_hours(calendar);
        let member = calendar["teamMembers"][0]["userId"].as_str().unwrap();
        assert!(
            users.contains(member),
            "practitioner {member} is a GHL user"
        );
        let events = all_events(&ghl, &loc, calendar["id"].as_str().unwrap(), today()).await;
        total += events.len();
        let mut spans = Vec::new();
        for e in &events {
            let (start, end) = (local(&e["startTime"]), local(&e["endTime"]));
            let day = start.date_naive();
            assert!(
                day >= today() - Duration::days(7) && day <= today() + Duration::days(14),
                "{day}"
            );
            assert_eq!(end.date_naive(), day);
            let inside = hours
                .get(&(start.weekday().num_days_from_sunday() as u64))
                .is_some_and(|v| {
                    v.iter()
                        .any(|(o, c)| *o <= start.time() && end.time() <= *c)
                });
            assert!(
                inside,
                "{} {start}–{end} outside open hours",
                calendar["name"]
            );
            assert_eq!(e["assignedUserId"], member);
            let status = e["appointmentStatus"].as_str().unwrap();
            if day < today() {
                assert!(
                    ["showed", "noshow", "cancelled", "confirmed"].contains(&status),
                    "{status}"
                );
            } else {
                assert!(
                    ["confirmed", "new", "cancelled"].contains(&status),
                    "{status}"
                );
            }
            assert!(local(&e["dateAdded"]) <= local(&e["dateUpdated"]));
            assert!(
                e["title"].as_str().unwrap().contains(" - ")
                    || !e["title"].as_str().unwrap().is_empty()
            );
            spans.push((start, end));
            *by_day.entry(day).or_default() += 1;
            contact_ids.insert(e["contactId"].as_str().unwrap().to_string());
        }
        spans.sort();
        for pair in spans.windows(2) {
            assert!(
                pair[0].1 <= pair[1].0,
                "{} overlaps: {:?}",
                calendar["name"],
                pair
            );
        }
    }
    assert!((130..=175).contains(&total), "{total} citas");

    // Every working day of this week has citas, today included.
    for offset in 0..6 {
        let day = today() + Duration::days(offset);
        assert!(
            by_day.get(&day).copied().unwrap_or(0) >= 3,
            "{day} has too few citas"
        );
    }

    let world = sandbox.sandbox().read().await;
    assert!((35..=45).contains(&world.contacts.len()));
    for id in &contact_ids {
        assert!(
            world.contacts.contains_key(id),
            "cita for unknown contact {id}"
        );
    }
    let mut phones = HashSet::new();
    for c in world.contacts.values() {
        let phone = c.phone.clone().unwrap();
        assert!(phone.starts_with("+519") && phone.len() == 12, "{phone}");
        assert!(phones.insert(phone));
    }
    drop(world);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_sunday_today_has_its_morning_shift_and_saturday_and_monday_citas() {
    let sunday = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
    assert_eq!(sunday.weekday(), Weekday::Sun);
    let sandbox = start_with(Seed::Demo, sunday).await;
    let world = sandbox.sandbox().read().await;
    let zone = chrono_tz::America::Lima;
    let on = |day: NaiveDate| {
        world
            .appointments
            .values()
            .filter(|a| a.start_time.with_timezone(&zone).date_naive() == day)
            .count()
    };
    // Sunday morning's shift: a few citas, all before 13:00 (the demo has
    // citas today whatever day it runs).
    assert!(on(sunday) > 0, "the clinic opens on Sunday mornings");
    assert!(on(sunday) < on(sunday + Duration::days(1)));
    assert!(world
        .appointments
        .values()
        .map(|a| a.start_time.with_timezone(&zone))
        .filter(|s| s.date_naive() == sunday)
        .all(|s| s.hour() >= 9 && s.hour() < 13));
    assert!(on(sunday - Duration::days(1)) > 0);
    assert!(on(sunday + Duration::days(1)) > 0);
    drop(world);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn empty_seed_has_one_location_and_nothing_else() {
    let sandbox = start_with(Seed::Empty, today()).await;
    let ghl = Ghl::new(&sandbox);
    let loc = sandbox.location_id().to_string();
    let (status, _) = ghl
        .get(&format!("/locations/{loc}"), Some(CONTACTS_VERSION), &[])
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = ghl.calendars(&loc).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["calendars"], serde_json::json!([]));
    let dump = ghl.admin("/_sandbox/state").await;
    assert_eq!(dump["locations"].as_object().unwrap().len(), 1);
    assert!(dump["contacts"].as_object().unwrap().is_empty());
    assert!(dump["appointments"].as_object().unwrap().is_empty());
    sandbox.shutdown().await;
}
