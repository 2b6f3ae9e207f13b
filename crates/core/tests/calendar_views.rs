//! The month, the list (filters, order, pages, CSV) and the printed day
//! against the fixed seed of tests/common: figures worked out by hand.

mod common;

use citadesk_core::{ListQuery, ListSort};
use common::{ghl_cita_with, setup, two_days, TwoDays};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn month_list_and_printed_day_match_figures_worked_out_by_hand() {
    let (sb, _dir, desk) = setup().await;
    let TwoDays {
        monday,
        tuesday,
        fisio,
        medicina,
        nutricion,
        nueva,
        ..
    } = two_days(&sb, &desk).await;
    // One more on Tuesday, with notes and a title a spreadsheet would run.
    let notes = serde_json::json!({"title": "=1+1", "notes": "Trae análisis, en ayunas"});
    ghl_cita_with(
        &sb,
        &medicina,
        &nueva,
        tuesday,
        "12:00",
        30,
        "confirmed",
        notes,
    )
    .await;
    desk.sync_now().await.expect("sync");

    // Month: Monday's figures per calendar. Fisioterapia opens 08-19 (660
    // min), 2 of its 3 citas not cancelled × 45 booked: 570 free, 12 slots of 45.
    // Medicina 08-13 + 14-19 (600), 30 booked: 570 free, 19 slots of 30.
    // Nutrición 09-17 (480), nothing: 8 slots of 60.
    let m = desk.month_view(Some(&monday.to_string())).expect("month");
    assert_eq!(m.days.len() % 7, 0);
    assert!(m.days.len() >= 28 && m.days.len() <= 42);
    assert_eq!(m.month, monday.format("%Y-%m").to_string());
    let day = m
        .days
        .iter()
        .find(|d| d.date == monday.to_string())
        .expect("monday in the grid");
    assert!(day.in_month);
    let cell = |id: &str| {
        let i = m.calendars.iter().position(|c| c.id == id).unwrap();
        &day.calendars[i]
    };
    assert_eq!(cell(&fisio).calendar_id, fisio);
    assert_eq!(
        (
            cell(&fisio).citas,
            cell(&fisio).free_minutes,
            cell(&fisio).free_slots
        ),
        (2, 570, 12)
    );
    assert_eq!(
        (
            cell(&medicina).citas,
            cell(&medicina).free_minutes,
            cell(&medicina).free_slots
        ),
        (1, 570, 19)
    );
    assert_eq!(
        (
            cell(&nutricion).citas,
            cell(&nutricion).free_minutes,
            cell(&nutricion).free_slots
        ),
        (0, 480, 8)
    );
    assert_eq!((day.citas, day.cancelled), (3, 1));
    assert_eq!(
        (day.open_minutes, day.free_minutes, day.free_slots),
        (1740, 1620, 39)
    );
    // A month named as YYYY-MM gives the same grid.
    let again = desk.month_view(Some(&m.month)).unwrap();
    assert_eq!(again.days, m.days);
    // Days outside the month are marked.
    assert!(!m.days[0].in_month || m.days[0].date.ends_with("-01"));

    // The list over both days: 7 citas, by start.
    let range = |q: ListQuery| ListQuery {
        from: monday.to_string(),
        to: tuesday.to_string(),
        ..q
    };
    let all = desk.cita_list(&range(ListQuery::default())).expect("list");
    assert_eq!(all.total, 7);
    assert_eq!(all.rows.len(), 7);
    let starts: Vec<&str> = all.rows.iter().map(|r| r.start_local.as_str()).collect();
    let mut sorted = starts.clone();
    sorted.sort();
    assert_eq!(starts, sorted, "by start");
    assert_eq!(all.rows[0].start_local, format!("{monday}T09:00:00"));
    assert!(!all.practitioners.is_empty());

    // Filters: status, calendar, patient text (accents and case ignored).
    let showed = desk
        .cita_list(&range(ListQuery {
            statuses: vec!["showed".into()],
            ..Default::default()
        }))
        .unwrap();
    assert_eq!(showed.total, 3);
    assert!(showed.rows.iter().all(|r| r.status == "showed"));
    let two_statuses = desk
        .cita_list(&range(ListQuery {
            statuses: vec!["showed".into(), "cancelled".into()],
            ..Default::default()
        }))
        .unwrap();
    assert_eq!(two_statuses.total, 4);
    let on_medicina = desk
        .cita_list(&range(ListQuery {
            calendar_id: Some(medicina.clone()),
            ..Default::default()
        }))
        .unwrap();
    assert_eq!(on_medicina.total, 2);
    let by_patient = desk
        .cita_list(&range(ListQuery {
            patient: Some("NUEVA pacie".into()),
            ..Default::default()
        }))
        .unwrap();
    assert_eq!(by_patient.total, 3);
    assert!(by_patient
        .rows
        .iter()
        .all(|r| r.patient_name.as_deref() == Some("Nueva Paciente")));
    // The practitioner of Fisioterapia: its 5 citas (the cancelled one too).
    let fisio_col = m.calendars.iter().find(|c| c.id == fisio).unwrap();
    let who = all
        .practitioners
        .iter()
        .find(|p| Some(&p.name) == fisio_col.practitioner.as_ref())
        .expect("fisio's practitioner");
    let theirs = desk
        .cita_list(&range(ListQuery {
            practitioner_id: Some(who.id.clone()),
            ..Default::default()
        }))
        .unwrap();
    assert_eq!(theirs.total, 5, "{:?}", theirs.rows);

    // Order and pages: by patient, descending, 3 at a time, no overlap.
    let mut paged = Vec::new();
    for offset in [0, 3, 6] {
        let page = desk
            .cita_list(&range(ListQuery {
                sort: ListSort::Patient,
                descending: true,
                offset,
                limit: 3,
                ..Default::default()
            }))
            .unwrap();
        assert_eq!(page.total, 7);
        assert_eq!(page.offset, offset);
        paged.extend(page.rows);
    }
    assert_eq!(paged.len(), 7);
    let mut ids: Vec<&str> = paged.iter().map(|r| r.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 7, "pages do not overlap");
    let names: Vec<String> = paged
        .iter()
        .map(|r| r.patient_name.clone().unwrap_or_default().to_lowercase())
        .collect();
    let mut desc = names.clone();
    desc.sort_by(|a, b| b.cmp(a));
    assert_eq!(names, desc, "by patient, descending");

    // CSV: every row of the filter, the formula neutralised, notes kept.
    let csv = desk
        .cita_list_csv(&range(ListQuery {
            calendar_id: Some(medicina.clone()),
            ..Default::default()
        }))
        .unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "date,start,end,calendar,practitioner,patient,phone,status,title,notes,id"
    );
    assert_eq!(lines.len(), 3);
    assert!(lines[1].starts_with(&format!("{monday},09:00,09:30,Medicina General,")));
    assert!(
        lines[2].starts_with(&format!("{tuesday},12:00,12:30,Medicina General,")),
        "{}",
        lines[2]
    );
    assert!(
        lines[2].contains(",confirmed,'=1+1,\"Trae análisis, en ayunas\","),
        "{}",
        lines[2]
    );

    // A room the replica does not know is refused; a backwards range too.
    let err = desk
        .cita_list(&range(ListQuery {
            room_id: Some("room-1".into()),
            ..Default::default()
        }))
        .unwrap_err();
    assert_eq!(err.code(), "input.unknown_room");
    let err = desk
        .cita_list(&ListQuery {
            from: tuesday.to_string(),
            to: monday.to_string(),
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(err.code(), "input.invalid_range");

    // The printed day: Tuesday, per calendar in name order, with the notes.
    let printed = desk.printed_day(Some(&tuesday.to_string()), None).unwrap();
    assert_eq!(printed.date, tuesday.to_string());
    let groups: Vec<(&str, usize)> = printed
        .groups
        .iter()
        .map(|g| (g.calendar.as_str(), g.rows.len()))
        .collect();
    assert_eq!(groups, vec![("Fisioterapia", 2), ("Medicina General", 1)]);
    let row = &printed.groups[1].rows[0];
    assert_eq!(row.notes.as_deref(), Some("Trae análisis, en ayunas"));
    assert_eq!(row.patient_name.as_deref(), Some("Nueva Paciente"));
    let one = desk
        .printed_day(Some(&tuesday.to_string()), Some(&fisio))
        .unwrap();
    assert_eq!(one.groups.len(), 1);
    assert_eq!(
        one.groups[0].rows[0].start_local,
        format!("{tuesday}T09:00:00")
    );

    // All sedes together: one connected, so one sede, the active one.
    let sedes = desk.sedes_day(Some(&monday.to_string())).unwrap();
    assert_eq!(sedes.sedes.len(), 1);
    assert_eq!(sedes.sedes[0].location.id, sedes.active_location_id);
    assert_eq!(sedes.sedes[0].citas.len(), 4);
    sb.shutdown().await;
}
