//! The Panel's figures against values worked out by hand: two days three
//! weeks ahead (past the demo seed's citas) filled through GHL's UI with
//! known citas, synced into a real replica, then counted in SQL.

mod common;

use citadesk_core::{DashboardChart, RunTrigger};
use common::{setup, two_days, TwoDays};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_panel_counts_match_figures_worked_out_by_hand() {
    let (sb, _dir, desk) = setup().await;
    let TwoDays {
        monday,
        tuesday,
        fisio,
        medicina,
        nutricion,
        ..
    } = two_days(&sb, &desk).await;

    // Monday's reconciliation lists the six citas made in GHL's UI (the
    // sync healed them: the report still names them).
    let report = desk
        .reconcile_around(Some(monday), 0, 0, RunTrigger::Manual)
        .await
        .expect("reconcile");
    assert_eq!(report.counts.faltantes_local, 6, "{:?}", report.counts);

    let d = desk
        .dashboard(&monday.to_string(), &tuesday.to_string(), None)
        .expect("dashboard");
    let (mon, tue) = (&d.citas_per_day[0], &d.citas_per_day[1]);
    assert_eq!(
        (
            mon.total,
            mon.showed,
            mon.noshow,
            mon.cancelled,
            mon.confirmed
        ),
        (4, 1, 1, 1, 1)
    );
    assert_eq!((tue.total, tue.showed), (2, 2));
    // No-show: 1 of (1 showed + 1 noshow); cancelled: 1 of 4.
    assert_eq!(d.rates[0].no_show_rate, Some(0.5));
    assert_eq!(d.rates[0].cancellation_rate, Some(0.25));
    assert_eq!(
        (d.rates[1].no_show_rate, d.rates[1].cancellation_rate),
        (Some(0.0), Some(0.0))
    );
    // Fisioterapia: open 08-19 Mon and Tue (2 × 660 min), booked 4 × 45
    // (the cancelled one does not count). Medicina: 2 × (5 h + 5 h), 30
    // booked. Nutrición: Mon 09-17 + Tue 11-19, nothing booked.
    let occ = |id: &str| d.occupancy.iter().find(|o| o.calendar_id == id).unwrap();
    assert_eq!(
        (occ(&fisio).booked_minutes, occ(&fisio).open_minutes),
        (180, 1320)
    );
    assert_eq!(
        (occ(&medicina).booked_minutes, occ(&medicina).open_minutes),
        (30, 1200)
    );
    assert_eq!(
        (occ(&nutricion).booked_minutes, occ(&nutricion).open_minutes),
        (0, 960)
    );
    assert_eq!(occ(&medicina).occupancy, Some(30.0 / 1200.0));
    assert_eq!(occ(&fisio).open_hours_from, "ghl");
    assert!(occ(&fisio).practitioner.is_some());
    // Monday: the new patient, and two regulars (the cancelled one not
    // counted); Tuesday: both back.
    assert_eq!((d.patients[0].new, d.patients[0].returning), (1, 2));
    assert_eq!((d.patients[1].new, d.patients[1].returning), (0, 2));
    assert_eq!(d.differences[0].differences, Some(6));
    assert_eq!(d.differences[1].differences, None);
    assert!(!d.confirmations.available, "no reminders yet");

    let csv = desk
        .dashboard_csv(
            &monday.to_string(),
            &tuesday.to_string(),
            None,
            DashboardChart::Rates,
        )
        .unwrap();
    assert_eq!(
        csv,
        format!(
            "day,no_show_rate,cancellation_rate\n{monday},0.5000,0.2500\n{tuesday},0.0000,0.0000\n"
        )
    );
    let err = desk
        .dashboard(&tuesday.to_string(), &monday.to_string(), None)
        .unwrap_err();
    assert_eq!(err.code(), "input.invalid_range");
    sb.shutdown().await;
}
