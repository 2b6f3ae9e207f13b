//! The list of citas: one filtered, ordered range of the replica, paged
//! (the list as it scrolls) or whole (the CSV, the printed day).

use chrono_tz::Tz;
use rusqlite::types::Value;

use super::citas::sync_state_of;
use super::contacts::search_patterns;
use super::Store;
use crate::error::Result;
use crate::listing::*;
use crate::time;

/// A list filter in instants: `[start_ms, end_ms)` of the location's days.
pub struct ListFilter<'a> {
    pub location_id: &'a str,
    pub start_ms: i64,
    pub end_ms: i64,
    pub query: &'a ListQuery,
}

/// What a filter and a sort read. `INDEXED BY`: the planner, without
/// statistics, would read each cita's and each contact's row (a page of raw
/// JSON decrypted per cita) rather than the small covering indexes.
const FROM: &str = "FROM citas ci INDEXED BY citas_for_stats
    LEFT JOIN contacts co INDEXED BY contacts_for_lists ON co.id = ci.contact_id
    LEFT JOIN calendars ca ON ca.id = ci.calendar_id
    LEFT JOIN users u ON u.id = ca.primary_user_id";

/// The `WHERE` clause and its arguments (numbered from 1).
fn where_clause(f: &ListFilter<'_>) -> (String, Vec<Value>) {
    let mut args: Vec<Value> = vec![
        f.location_id.to_string().into(),
        f.start_ms.into(),
        f.end_ms.into(),
    ];
    let mut sql =
        String::from("WHERE ci.location_id = ?1 AND ci.start_ms >= ?2 AND ci.start_ms < ?3");
    let q = f.query;
    let mut arg = |sql: &mut String, cond: &str, v: Value| {
        args.push(v);
        sql.push_str(&cond.replace('?', &format!("?{}", args.len())));
    };
    if !q.statuses.is_empty() {
        sql.push_str(" AND ci.status IN (");
        for (i, s) in q.statuses.iter().enumerate() {
            if i > 0 {
                sql.push(',');
            }
            arg(&mut sql, "?", s.clone().into());
        }
        sql.push(')');
    }
    if let Some(cal) = q.calendar_id.as_ref().filter(|c| !c.is_empty()) {
        arg(&mut sql, " AND ci.calendar_id = ?", cal.clone().into());
    }
    if let Some(user) = q.practitioner_id.as_ref().filter(|c| !c.is_empty()) {
        arg(
            &mut sql,
            " AND coalesce(ci.assigned_user_id, ca.primary_user_id) = ?",
            user.clone().into(),
        );
    }
    // A room serves the citas of its calendars (GHL ties rooms to calendars).
    if let Some(room) = q.room_id.as_ref().filter(|r| !r.is_empty()) {
        arg(
            &mut sql,
            " AND ci.calendar_id IN (SELECT calendar_id FROM room_calendars WHERE room_id = ?)",
            room.clone().into(),
        );
    }
    for word in search_patterns(q.patient.as_deref().unwrap_or("")) {
        arg(
            &mut sql,
            " AND co.search_key LIKE ? ESCAPE '\\'",
            word.into(),
        );
    }
    (sql, args)
}

fn order_by(q: &ListQuery) -> String {
    let dir = if q.descending { "DESC" } else { "ASC" };
    // A calendar's citas stay together even when two calendars share a name
    // (the printed day groups them).
    let key = match q.sort {
        ListSort::Start => String::new(),
        ListSort::Patient => format!("co.display_name COLLATE NOCASE {dir}, "),
        ListSort::Calendar => format!("ca.name COLLATE NOCASE {dir}, ci.calendar_id, "),
        ListSort::Practitioner => format!("u.name COLLATE NOCASE {dir}, "),
        ListSort::Status => format!("ci.status {dir}, "),
    };
    // Ties by rowid, not id: the page's sort then reads only what the
    // citas_for_stats index covers (the rows hold the raw JSON).
    format!("ORDER BY {key}ci.start_ms {dir}, ci.rowid")
}

impl Store {
    /// How many citas the filter selects.
    pub fn cita_list_total(&self, f: &ListFilter<'_>) -> Result<u32> {
        let (w, args) = where_clause(f);
        self.with(|c| {
            let mut st = c.prepare_cached(&format!("SELECT count(*) {FROM} {w}"))?;
            st.query_row(rusqlite::params_from_iter(args), |r| r.get(0))
        })
    }

    /// The filter's rows in its order: `page` is (offset, limit), or None
    /// for every row.
    pub fn cita_list(
        &self,
        f: &ListFilter<'_>,
        page: Option<(u32, u32)>,
        zone: Tz,
    ) -> Result<Vec<ListRow>> {
        let (w, mut args) = where_clause(f);
        let order = order_by(f.query);
        // The page's rows first, ordered and cut from indexes alone (the
        // citas_for_stats and contacts_for_lists indexes cover every filter
        // and sort key but the practitioner's), then only those rows read:
        // a cita's row holds its raw JSON, and the encrypted replica
        // decrypts every page it reads.
        let page_clause = match page {
            Some((offset, limit)) => {
                args.push(i64::from(limit).into());
                args.push(i64::from(offset).into());
                format!("LIMIT ?{} OFFSET ?{}", args.len() - 1, args.len())
            }
            None => String::new(),
        };
        let sql = format!(
            "WITH page AS (SELECT ci.rowid AS rid {FROM} {w} {order} {page_clause})
             SELECT ci.id, ci.calendar_id, ca.name, u.name, ci.contact_id, co.display_name, co.phone,
                    ci.title, ci.status, ci.start_ms, ci.end_ms, ci.sync_state,
                    coalesce(nullif(json_extract(ci.raw, '$.notes'), ''), json_extract(ci.raw, '$.description'))
               FROM page JOIN citas ci ON ci.rowid = page.rid
               LEFT JOIN contacts co ON co.id = ci.contact_id
               LEFT JOIN calendars ca ON ca.id = ci.calendar_id
               LEFT JOIN users u ON u.id = ca.primary_user_id
             {order}"
        );
        self.with(|c| {
            let mut st = c.prepare_cached(&sql)?;
            let rows = st.query_map(rusqlite::params_from_iter(args), |r| {
                Ok(ListRow {
                    id: r.get(0)?,
                    calendar_id: r.get(1)?,
                    calendar: r.get(2)?,
                    practitioner: r.get(3)?,
                    contact_id: r.get(4)?,
                    patient_name: r.get(5)?,
                    phone: r.get(6)?,
                    title: r.get(7)?,
                    status: r.get(8)?,
                    start_local: time::local_string(time::from_ms(r.get(9)?), zone),
                    end_local: time::local_string(time::from_ms(r.get(10)?), zone),
                    sync_state: sync_state_of(&r.get::<_, String>(11)?),
                    notes: r.get::<_, Option<String>>(12)?.filter(|n| !n.is_empty()),
                })
            })?;
            rows.collect()
        })
    }

    /// The GHL users who practise in the location's calendars, by name.
    pub fn location_practitioners(&self, location_id: &str) -> Result<Vec<Practitioner>> {
        self.with(|c| {
            let mut st = c.prepare_cached(
                "SELECT DISTINCT u.id, u.name FROM calendars ca JOIN users u ON u.id = ca.primary_user_id
                  WHERE ca.location_id = ?1 ORDER BY u.name COLLATE NOCASE",
            )?;
            let rows = st.query_map([location_id], |r| {
                Ok(Practitioner {
                    id: r.get(0)?,
                    name: r.get(1)?,
                })
            })?;
            rows.collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plan of a page's sort: indexes only, whatever the order.
    fn plan(store: &Store, sort: ListSort, patient: Option<&str>) -> String {
        let q = ListQuery {
            sort,
            patient: patient.map(Into::into),
            ..Default::default()
        };
        let f = ListFilter {
            location_id: "loc",
            start_ms: 0,
            end_ms: 1,
            query: &q,
        };
        let (w, args) = where_clause(&f);
        let sql = format!(
            "EXPLAIN QUERY PLAN SELECT ci.rowid {FROM} {w} {} LIMIT 200",
            order_by(&q)
        );
        store
            .with(|c| {
                let mut st = c.prepare(&sql)?;
                let rows =
                    st.query_map(rusqlite::params_from_iter(args), |r| r.get::<_, String>(3))?;
                rows.collect::<rusqlite::Result<Vec<_>>>()
            })
            .unwrap()
            .join("\n")
    }

    #[test]
    fn a_page_is_ordered_and_cut_from_indexes_alone() {
        let store = Store::open_in_memory().unwrap();
        for sort in [
            ListSort::Start,
            ListSort::Patient,
            ListSort::Status,
            ListSort::Calendar,
        ] {
            let p = plan(&store, sort, Some("rosa"));
            assert!(
                p.contains("COVERING INDEX citas_for_stats"),
                "{sort:?}: {p}"
            );
            assert!(
                p.contains("COVERING INDEX contacts_for_lists"),
                "{sort:?}: {p}"
            );
        }
    }
}
