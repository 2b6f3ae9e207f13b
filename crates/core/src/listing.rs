//! The list of citas ("Lista"): what is asked (range, filters, order, page),
//! one row as the list, the printed day and the CSV export show it, and the
//! CSV itself. Pure: the query is built in `store/cita_list.rs`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::SyncState;
use crate::reconcile::csv_field;

/// The longest page the list answers at once (the UI asks for ~200 rows as
/// it scrolls; the CSV and the printed day read every row, unpaged).
pub const MAX_PAGE: u32 = 1000;

/// What the list orders by; ties fall back to the start, then the id, so
/// pages never overlap.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ListSort {
    #[default]
    Start,
    Patient,
    Calendar,
    Practitioner,
    Status,
}

/// A list request. Dates are `YYYY-MM-DD` in the location's zone, both
/// included; empty filters select everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct ListQuery {
    pub from: String,
    pub to: String,
    /// GHL statuses (`new`, `confirmed`, ...); empty: any.
    pub statuses: Vec<String>,
    pub calendar_id: Option<String>,
    /// A GHL user: the cita's assigned user or its calendar's practitioner.
    pub practitioner_id: Option<String>,
    /// A room (GHL calendar resource): the citas of the calendars it serves.
    /// A room the replica does not know is refused, not ignored.
    pub room_id: Option<String>,
    /// Words of the patient's name, phone or email (accents and case ignored).
    pub patient: Option<String>,
    pub sort: ListSort,
    pub descending: bool,
    pub offset: u32,
    /// Rows of this page (at most `MAX_PAGE`; 0: the default 200).
    pub limit: u32,
}

/// One cita of the list: what a front desk reads, call, prints or exports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ListRow {
    pub id: String,
    pub calendar_id: String,
    pub calendar: Option<String>,
    pub practitioner: Option<String>,
    pub contact_id: Option<String>,
    pub patient_name: Option<String>,
    pub phone: Option<String>,
    pub title: String,
    pub status: String,
    /// `YYYY-MM-DDTHH:MM:SS` in the location's zone.
    pub start_local: String,
    pub end_local: String,
    /// GHL's notes on the cita (or the description the desk sent).
    pub notes: Option<String>,
    pub sync_state: SyncState,
}

/// A practitioner the list can filter by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Practitioner {
    pub id: String,
    pub name: String,
}

/// One page of the list, with how many rows the whole filtered range has.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ListPage {
    pub from: String,
    pub to: String,
    pub total: u32,
    pub offset: u32,
    pub rows: Vec<ListRow>,
    /// The location's practitioners, for the filter.
    pub practitioners: Vec<Practitioner>,
    /// How long the query took, request to data.
    pub elapsed_ms: f64,
}

impl ListQuery {
    /// The page size asked for, within bounds.
    pub fn page_size(&self) -> u32 {
        match self.limit {
            0 => 200,
            n => n.min(MAX_PAGE),
        }
    }
}

/// The rows as CSV (RFC 4180 quoting; a cell a spreadsheet would run as a
/// formula starts with `'`, as every export of the desk).
pub fn to_csv(rows: &[ListRow]) -> String {
    let mut out =
        String::from("date,start,end,calendar,practitioner,patient,phone,status,title,notes,id\n");
    for r in rows {
        let (date, start) = r
            .start_local
            .split_once('T')
            .unwrap_or((&r.start_local, ""));
        let end = r.end_local.split_once('T').map(|(_, t)| t).unwrap_or("");
        let cells = [
            date,
            &start[..start.len().min(5)],
            &end[..end.len().min(5)],
            r.calendar.as_deref().unwrap_or(&r.calendar_id),
            r.practitioner.as_deref().unwrap_or(""),
            r.patient_name.as_deref().unwrap_or(""),
            r.phone.as_deref().unwrap_or(""),
            &r.status,
            &r.title,
            r.notes.as_deref().unwrap_or(""),
            &r.id,
        ];
        let line: Vec<String> = cells.iter().map(|c| csv_field(c)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(patient: &str, notes: Option<&str>) -> ListRow {
        ListRow {
            id: "e1".into(),
            calendar_id: "c1".into(),
            calendar: Some("Medicina, General".into()),
            practitioner: None,
            contact_id: Some("p1".into()),
            patient_name: Some(patient.into()),
            phone: Some("+51 999 111 222".into()),
            title: "Control".into(),
            status: "confirmed".into(),
            start_local: "2026-11-23T09:30:00".into(),
            end_local: "2026-11-23T10:00:00".into(),
            notes: notes.map(Into::into),
            sync_state: SyncState::Synced,
        }
    }

    #[test]
    fn csv_quotes_and_neutralises_formulas() {
        let csv = to_csv(&[row("=cmd|' /C calc'!A0", Some("trae \"análisis\""))]);
        let line = csv.lines().nth(1).unwrap();
        assert_eq!(
            line,
            "2026-11-23,09:30,10:00,\"Medicina, General\",,'=cmd|' /C calc'!A0,'+51 999 111 222,confirmed,Control,\"trae \"\"análisis\"\"\",e1"
        );
    }

    #[test]
    fn page_size_is_bounded() {
        let mut q = ListQuery::default();
        assert_eq!(q.page_size(), 200);
        q.limit = 50_000;
        assert_eq!(q.page_size(), MAX_PAGE);
    }
}
