//! Reminder rules and reminders: what each cita was reminded of, and the
//! outbox rows that send and withdraw them. A reminder's key (cita, rule,
//! start) is both the table's primary key and the outbox's idempotency
//! key, so however many processes plan it, it is recorded and sent once.

use chrono::Utc;
use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::dashboard::{days_json, DAYS};
use super::Store;
use crate::error::Result;
use crate::model::ReminderState;
use crate::outbox::WriteKind;
use crate::reminders::{ReminderChannel, ReminderRule, ReminderWhen};

/// A cita as reminder planning sees it, with what its message names.
#[derive(Debug, Clone)]
pub struct ReminderCandidate {
    pub cita_id: String,
    pub status: String,
    pub start_ms: i64,
    pub contact_id: Option<String>,
    pub phone: Option<String>,
    pub contact_raw: Option<String>,
    pub display_name: Option<String>,
    pub calendar: String,
    pub practitioner: Option<String>,
}

/// One reminder as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderRow {
    pub cita_id: String,
    pub rule_id: i64,
    pub start_ms: i64,
    pub location_id: String,
    pub contact_id: Option<String>,
    pub state: String,
    pub skip_reason: Option<String>,
    pub channel: Option<String>,
    pub due_ms: i64,
    pub quiet_moved: bool,
    pub message_id: Option<String>,
    pub answer: Option<String>,
    pub error: Option<String>,
}

/// A reminder with its cita's current start and status (None: the cita is gone).
pub type RemindedCita = (ReminderRow, Option<(i64, String)>);

/// The outbox key of a reminder's send (`send`) or withdrawal (`withdraw`).
pub fn reminder_key(verb: &str, cita_id: &str, rule_id: i64, start_ms: i64) -> String {
    format!("reminder-{verb}:{cita_id}:{rule_id}:{start_ms}")
}

const ROW_COLUMNS: &str = "cita_id, rule_id, start_ms, location_id, contact_id, state, skip_reason, channel, due_ms, quiet_moved, message_id, answer, error";

fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ReminderRow> {
    Ok(ReminderRow {
        cita_id: r.get(0)?,
        rule_id: r.get(1)?,
        start_ms: r.get(2)?,
        location_id: r.get(3)?,
        contact_id: r.get(4)?,
        state: r.get(5)?,
        skip_reason: r.get(6)?,
        channel: r.get(7)?,
        due_ms: r.get(8)?,
        quiet_moved: r.get(9)?,
        message_id: r.get(10)?,
        answer: r.get(11)?,
        error: r.get(12)?,
    })
}

fn read_rule(r: &rusqlite::Row<'_>) -> rusqlite::Result<ReminderRule> {
    let days: Option<u32> = r.get(1)?;
    let at: Option<String> = r.get(2)?;
    let minutes: Option<u32> = r.get(3)?;
    let when = match (days, at, minutes) {
        (_, _, Some(minutes)) => ReminderWhen::MinutesBefore { minutes },
        (days, at, None) => ReminderWhen::DaysBefore {
            days: days.unwrap_or(2),
            at: at.unwrap_or_else(|| "10:00".into()),
        },
    };
    Ok(ReminderRule {
        id: r.get(0)?,
        when,
        channel: ReminderChannel::parse(&r.get::<_, String>(4)?),
        quiet_start: r.get(5)?,
        quiet_end: r.get(6)?,
        statuses: r
            .get::<_, String>(7)?
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        message_es: r.get(8)?,
        message_en: r.get(9)?,
        language: r.get(10)?,
        template_id: r.get(11)?,
    })
}

const RULE_COLUMNS: &str = "id, days_before, at_time, minutes_before, channel, quiet_start, quiet_end, statuses, message_es, message_en, language, template_id";

fn insert_rule(
    tx: &Transaction<'_>,
    location_id: &str,
    position: usize,
    rule: &ReminderRule,
) -> rusqlite::Result<i64> {
    let (days, at, minutes) = match &rule.when {
        ReminderWhen::DaysBefore { days, at } => (Some(*days), Some(at.clone()), None),
        ReminderWhen::MinutesBefore { minutes } => (None, None, Some(*minutes)),
    };
    tx.execute(
        "INSERT INTO reminder_rules (location_id, position, days_before, at_time, minutes_before, channel,
            quiet_start, quiet_end, statuses, message_es, message_en, language, template_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        params![
            location_id,
            position as i64,
            days,
            at,
            minutes,
            rule.channel.as_str(),
            rule.quiet_start,
            rule.quiet_end,
            rule.statuses.join(","),
            rule.message_es,
            rule.message_en,
            rule.language,
            rule.template_id,
            Utc::now().timestamp_millis()
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

fn active_rules(
    c: &rusqlite::Connection,
    location_id: &str,
) -> rusqlite::Result<Vec<ReminderRule>> {
    let mut st = c.prepare(&format!(
        "SELECT {RULE_COLUMNS} FROM reminder_rules WHERE location_id = ?1 AND state = 'active' ORDER BY position, id"
    ))?;
    let rules = st.query_map([location_id], read_rule)?.collect();
    rules
}

/// The reminder state of each (cita, start) with reminders whose start is in
/// `[from_ms, to_ms)`: the one the patient answered, else the latest due (as
/// the cita panel picks it). SQLite takes the bare columns from the row
/// that gives `max()`: an answer outweighs any due time.
pub(crate) fn reminder_states_in(
    c: &Connection,
    location_id: &str,
    from_ms: i64,
    to_ms: i64,
) -> rusqlite::Result<HashMap<(String, i64), ReminderState>> {
    let mut st = c.prepare_cached(
        "SELECT cita_id, start_ms, state, answer, due_ms, max((answer IS NOT NULL) * 1e15 + due_ms)
           FROM reminders WHERE location_id = ?1 AND start_ms >= ?2 AND start_ms < ?3
          GROUP BY cita_id, start_ms",
    )?;
    let now = Utc::now().timestamp_millis();
    let rows = st.query_map(params![location_id, from_ms, to_ms], |r| {
        let state: String = r.get(2)?;
        let answer: Option<String> = r.get(3)?;
        Ok((
            (r.get(0)?, r.get(1)?),
            ReminderState::stored(&state, answer.as_deref(), r.get(4)?, now),
        ))
    })?;
    rows.collect()
}

impl Store {
    /// The location's active rules. A location never configured gets the
    /// default rule (saved, so its id is stable across processes).
    pub fn reminder_rules(&self, location_id: &str) -> Result<Vec<ReminderRule>> {
        self.with(|c| {
            let tx = c.transaction()?;
            let any: i64 = tx.query_row(
                "SELECT COUNT(*) FROM reminder_rules WHERE location_id = ?1",
                [location_id],
                |r| r.get(0),
            )?;
            if any == 0 {
                insert_rule(&tx, location_id, 0, &ReminderRule::default())?;
            }
            let rules = active_rules(&tx, location_id)?;
            tx.commit()?;
            Ok(rules)
        })
    }

    /// Replaces the active rules: an unchanged rule keeps its id, a changed
    /// or new one is saved under a new id, the rest are retired.
    pub fn replace_reminder_rules(
        &self,
        location_id: &str,
        rules: &[ReminderRule],
    ) -> Result<Vec<ReminderRule>> {
        self.with(|c| {
            let tx = c.transaction()?;
            let current = active_rules(&tx, location_id)?;
            let mut kept = Vec::new();
            for (position, rule) in rules.iter().enumerate() {
                let same = current.iter().any(|r| r == rule);
                if same {
                    tx.execute(
                        "UPDATE reminder_rules SET position = ?2 WHERE id = ?1",
                        params![rule.id, position as i64],
                    )?;
                    kept.push(rule.id);
                } else {
                    kept.push(insert_rule(&tx, location_id, position, rule)?);
                }
            }
            for old in &current {
                if !kept.contains(&old.id) {
                    tx.execute(
                        "UPDATE reminder_rules SET state = 'retired' WHERE id = ?1",
                        [old.id],
                    )?;
                }
            }
            let rules = active_rules(&tx, location_id)?;
            tx.commit()?;
            Ok(rules)
        })
    }

    /// Citas starting in [from, to), or the one `cita_id`, with their
    /// patient, calendar and practitioner.
    pub fn reminder_candidates(
        &self,
        location_id: &str,
        from_ms: i64,
        to_ms: i64,
        cita_id: Option<&str>,
    ) -> Result<Vec<ReminderCandidate>> {
        self.with(|c| {
            let mut st = c.prepare(
                "SELECT ci.id, ci.location_id, ci.status, ci.start_ms, ci.contact_id, co.phone, co.raw,
                        co.display_name, COALESCE(ca.name, ''), u.name
                 FROM citas ci
                 LEFT JOIN contacts co ON co.id = ci.contact_id
                 LEFT JOIN calendars ca ON ca.id = ci.calendar_id
                 LEFT JOIN users u ON u.id = COALESCE(ci.assigned_user_id, ca.primary_user_id)
                 WHERE ci.location_id = ?1
                   AND ((?4 IS NULL AND ci.start_ms >= ?2 AND ci.start_ms < ?3) OR ci.id = ?4)
                 ORDER BY ci.start_ms, ci.id",
            )?;
            let rows = st
                .query_map(params![location_id, from_ms, to_ms, cita_id], |r| {
                    Ok(ReminderCandidate {
                        cita_id: r.get(0)?,
                        status: r.get(2)?,
                        start_ms: r.get(3)?,
                        contact_id: r.get(4)?,
                        phone: r.get(5)?,
                        contact_raw: r.get(6)?,
                        display_name: r.get(7)?,
                        calendar: r.get(8)?,
                        practitioner: r.get(9)?,
                    })
                })?
                .collect();
            rows
        })
    }

    /// The location's raw GHL record (name and address for messages).
    pub fn location_raw(&self, location_id: &str) -> Result<Option<String>> {
        self.with(|c| {
            c.query_row(
                "SELECT raw FROM locations WHERE id = ?1",
                [location_id],
                |r| r.get(0),
            )
            .optional()
        })
    }

    pub fn reminders_of_cita(&self, cita_id: &str) -> Result<Vec<ReminderRow>> {
        self.with(|c| {
            let mut st = c.prepare(&format!(
                "SELECT {ROW_COLUMNS} FROM reminders WHERE cita_id = ?1 ORDER BY start_ms, rule_id"
            ))?;
            let rows = st.query_map([cita_id], read_row)?.collect();
            rows
        })
    }

    /// Reminders of citas starting in [from, to).
    pub fn reminders_between(
        &self,
        location_id: &str,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<ReminderRow>> {
        self.with(|c| {
            let mut st = c.prepare(&format!(
                "SELECT {ROW_COLUMNS} FROM reminders WHERE location_id = ?1 AND start_ms >= ?2 AND start_ms < ?3
                 ORDER BY start_ms, cita_id, rule_id"
            ))?;
            let rows = st
                .query_map(params![location_id, from_ms, to_ms], read_row)?
                .collect();
            rows
        })
    }

    /// Reminders still waiting to go out or scheduled in GHL, of citas
    /// from `from_ms` on (what a move, a cancel or a rule change may withdraw).
    pub fn live_reminders(&self, location_id: &str, from_ms: i64) -> Result<Vec<ReminderRow>> {
        self.with(|c| {
            let mut st = c.prepare(&format!(
                "SELECT {ROW_COLUMNS} FROM reminders WHERE location_id = ?1 AND start_ms >= ?2
                   AND state IN ('queued', 'scheduled', 'skipped')
                 ORDER BY start_ms, cita_id, rule_id"
            ))?;
            let rows = st
                .query_map(params![location_id, from_ms], read_row)?
                .collect();
            rows
        })
    }

    /// Records a planned reminder once. A send (`state` queued) gets its
    /// outbox row in the same transaction, under the reminder's key; a
    /// skipped one may later be planned again (a phone added, DND lifted).
    /// Returns true when this call recorded something new.
    pub fn plan_reminder(
        &self,
        row: &ReminderRow,
        payload: Option<&str>,
        actor: &str,
    ) -> Result<bool> {
        self.with(|c| {
            let tx = c.transaction()?;
            let now = Utc::now().timestamp_millis();
            let existing: Option<String> = tx
                .query_row(
                    "SELECT state FROM reminders WHERE cita_id = ?1 AND rule_id = ?2 AND start_ms = ?3",
                    params![row.cita_id, row.rule_id, row.start_ms],
                    |r| r.get(0),
                )
                .optional()?;
            let changed = match existing.as_deref() {
                None => {
                    tx.execute(
                        &format!("INSERT INTO reminders ({ROW_COLUMNS}, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"),
                        params![row.cita_id, row.rule_id, row.start_ms, row.location_id, row.contact_id, row.state,
                            row.skip_reason, row.channel, row.due_ms, row.quiet_moved, row.message_id, row.answer, row.error, now],
                    )?;
                    true
                }
                Some("skipped") => {
                    tx.execute(
                        "UPDATE reminders SET state = ?4, skip_reason = ?5, channel = ?6, due_ms = ?7, quiet_moved = ?8, updated_at = ?9
                         WHERE cita_id = ?1 AND rule_id = ?2 AND start_ms = ?3 AND state = 'skipped'",
                        params![row.cita_id, row.rule_id, row.start_ms, row.state, row.skip_reason, row.channel, row.due_ms, row.quiet_moved, now],
                    )?;
                    row.state != "skipped"
                }
                Some(_) => false,
            };
            if changed && row.state == "queued" {
                if let Some(payload) = payload {
                    tx.execute(
                        "INSERT OR IGNORE INTO outbox (idempotency_key, location_id, kind, subject_id, payload, actor, created_at, updated_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
                        params![reminder_key("send", &row.cita_id, row.rule_id, row.start_ms), row.location_id,
                            WriteKind::SendReminder.as_str(), row.cita_id, payload, actor, now],
                    )?;
                }
            }
            tx.commit()?;
            Ok(changed)
        })
    }

    /// Withdraws a reminder: one still in the outbox is dropped there; one
    /// GHL holds for later gets a withdrawal in the outbox; a skipped one is
    /// let go. Sent ones stay as they are.
    pub fn withdraw_reminder(&self, row: &ReminderRow, actor: &str) -> Result<()> {
        self.with(|c| {
            let tx = c.transaction()?;
            let now = Utc::now().timestamp_millis();
            let send_key = reminder_key("send", &row.cita_id, row.rule_id, row.start_ms);
            let dropped = tx.execute(
                "UPDATE outbox SET state = 'dropped', updated_at = ?2 WHERE idempotency_key = ?1 AND state = 'pending' AND attempts = 0",
                params![send_key, now],
            )?;
            let state: Option<String> = tx
                .query_row(
                    "SELECT state FROM reminders WHERE cita_id = ?1 AND rule_id = ?2 AND start_ms = ?3",
                    params![row.cita_id, row.rule_id, row.start_ms],
                    |r| r.get(0),
                )
                .optional()?;
            let next = match state.as_deref() {
                Some("queued") if dropped > 0 => Some("withdrawn"),
                Some("skipped") => Some("withdrawn"),
                // In flight or scheduled in GHL: withdrawn there, after the send.
                Some("queued") | Some("scheduled") => {
                    tx.execute(
                        "INSERT OR IGNORE INTO outbox (idempotency_key, location_id, kind, subject_id, payload, actor, created_at, updated_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
                        params![reminder_key("withdraw", &row.cita_id, row.rule_id, row.start_ms), row.location_id,
                            WriteKind::WithdrawReminder.as_str(), row.cita_id,
                            serde_json::json!({"citaId": row.cita_id, "ruleId": row.rule_id, "startMs": row.start_ms}).to_string(),
                            actor, now],
                    )?;
                    Some("withdrawing")
                }
                _ => None,
            };
            if let Some(next) = next {
                tx.execute(
                    "UPDATE reminders SET state = ?4, updated_at = ?5 WHERE cita_id = ?1 AND rule_id = ?2 AND start_ms = ?3",
                    params![row.cita_id, row.rule_id, row.start_ms, next, now],
                )?;
            }
            tx.commit()
        })
    }

    /// Takes an outbox row for this process: only one process sends a
    /// reminder, even when the app and the CLI push together.
    pub(crate) fn claim(&self, outbox_id: i64) -> Result<bool> {
        self.with(|c| {
            c.execute(
                "UPDATE outbox SET attempts = attempts + 1, updated_at = ?2 WHERE id = ?1 AND state = 'pending' AND attempts = 0",
                params![outbox_id, Utc::now().timestamp_millis()],
            )
            .map(|n| n > 0)
        })
    }

    /// GHL certainly did not take it (a 429, no connection): the next
    /// round may send it.
    pub(crate) fn unclaim(&self, outbox_id: i64) -> Result<()> {
        self.with(|c| {
            c.execute(
                "UPDATE outbox SET attempts = 0 WHERE id = ?1 AND state = 'pending'",
                [outbox_id],
            )
            .map(drop)
        })
    }

    /// When a claimed row was last touched (a claim older than a send can
    /// take means its process died mid-send).
    pub(crate) fn outbox_touched(&self, outbox_id: i64) -> Result<i64> {
        self.with(|c| {
            c.query_row(
                "SELECT updated_at FROM outbox WHERE id = ?1",
                [outbox_id],
                |r| r.get(0),
            )
        })
    }

    pub fn reminder(
        &self,
        cita_id: &str,
        rule_id: i64,
        start_ms: i64,
    ) -> Result<Option<ReminderRow>> {
        self.with(|c| {
            c.query_row(
                &format!("SELECT {ROW_COLUMNS} FROM reminders WHERE cita_id = ?1 AND rule_id = ?2 AND start_ms = ?3"),
                params![cita_id, rule_id, start_ms],
                read_row,
            )
            .optional()
        })
    }

    /// Ends a reminder's outbox row and sets the reminder's state (and the
    /// message id GHL gave, or the error / skip reason).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn settle_reminder(
        &self,
        outbox_id: i64,
        outbox_state: &str,
        key: (&str, i64, i64),
        state: &str,
        message_id: Option<&str>,
        skip_reason: Option<&str>,
        error: Option<&str>,
    ) -> Result<()> {
        self.with(|c| {
            let tx = c.transaction()?;
            let now = Utc::now().timestamp_millis();
            tx.execute(
                "UPDATE outbox SET state = ?2, ghl_id = COALESCE(?3, ghl_id), last_error = ?4, acknowledged = 1, updated_at = ?5 WHERE id = ?1",
                params![outbox_id, outbox_state, message_id, error, now],
            )?;
            tx.execute(
                "UPDATE reminders SET state = ?4, message_id = COALESCE(?5, message_id), skip_reason = COALESCE(?6, skip_reason),
                   error = ?7, updated_at = ?8
                 WHERE cita_id = ?1 AND rule_id = ?2 AND start_ms = ?3",
                params![key.0, key.1, key.2, state, message_id, skip_reason, error, now],
            )?;
            tx.commit()
        })
    }

    /// The patient's answer, on the reminder it answered.
    pub(crate) fn reminder_answered(
        &self,
        cita_id: &str,
        start_ms: i64,
        answer: &str,
    ) -> Result<()> {
        self.with(|c| {
            c.execute(
                "UPDATE reminders SET answer = ?3, updated_at = ?4 WHERE cita_id = ?1 AND start_ms = ?2 AND state IN ('scheduled', 'sent')",
                params![cita_id, start_ms, answer, Utc::now().timestamp_millis()],
            )
            .map(drop)
        })
    }

    /// The contact's reminded citas (a reminder scheduled or sent), soonest
    /// first, with the cita's current start and status (None: gone).
    pub fn reminded_citas(&self, contact_id: &str) -> Result<Vec<RemindedCita>> {
        self.with(|c| {
            let mut st = c.prepare(&format!(
                "SELECT {}, ci.start_ms, ci.status FROM reminders r LEFT JOIN citas ci ON ci.id = r.cita_id
                 WHERE r.contact_id = ?1 AND r.state IN ('scheduled', 'sent')
                 ORDER BY r.start_ms, r.rule_id",
                ROW_COLUMNS.split(", ").map(|c| format!("r.{c}")).collect::<Vec<_>>().join(", ")
            ))?;
            let rows = st
                .query_map([contact_id], |r| {
                    let row = read_row(r)?;
                    let start: Option<i64> = r.get(13)?;
                    let status: Option<String> = r.get(14)?;
                    Ok((row, start.zip(status)))
                })?
                .collect();
            rows
        })
    }

    /// Citas of [from, to) that were reminded, and how many the patient
    /// confirmed (the week's confirmation rate).
    pub fn confirmation_counts(
        &self,
        location_id: &str,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<(u32, u32)> {
        Ok(self
            .confirmations_per_day(location_id, &[(from_ms, to_ms)])?
            .first()
            .map_or((0, 0), |&(_, reminded, confirmed)| (reminded, confirmed)))
    }

    /// (day index, reminded, confirmed) for each of `days` (`[start_ms,
    /// end_ms)`) with reminded citas: a cita counts on the day it was
    /// reminded for when a reminder of it was scheduled in GHL or sent, or
    /// the patient answered it (a cancel withdraws the reminder, yet the
    /// patient was reminded), and as confirmed when the answer confirmed it.
    pub fn confirmations_per_day(
        &self,
        location_id: &str,
        days: &[(i64, i64)],
    ) -> Result<Vec<(usize, u32, u32)>> {
        self.with(|c| {
            let mut st = c.prepare_cached(&format!(
                "WITH {DAYS}
                 SELECT days.d, COUNT(DISTINCT r.cita_id),
                        COUNT(DISTINCT CASE WHEN r.answer = 'confirmed' THEN r.cita_id END)
                   FROM days CROSS JOIN reminders r
                     ON r.location_id = ?1 AND r.start_ms >= days.s AND r.start_ms < days.e
                  WHERE r.state IN ('scheduled', 'sent') OR r.answer IS NOT NULL
                  GROUP BY days.d"
            ))?;
            let rows = st.query_map(params![location_id, days_json(days)], |r| {
                Ok((r.get::<_, i64>(0)? as usize, r.get(1)?, r.get(2)?))
            })?;
            rows.collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unchanged_rule_keeps_its_id_and_a_changed_one_gets_a_new_one() {
        let store = Store::open_in_memory().unwrap();
        let first = store.reminder_rules("L").unwrap();
        assert_eq!(first.len(), 1, "the default rule");
        assert_eq!(store.reminder_rules("L").unwrap(), first, "made once");
        let mut three_hours = first[0].clone();
        three_hours.id = 0;
        three_hours.when = ReminderWhen::MinutesBefore { minutes: 180 };
        let saved = store
            .replace_reminder_rules("L", &[first[0].clone(), three_hours])
            .unwrap();
        assert_eq!(saved.len(), 2);
        assert_eq!(saved[0].id, first[0].id);
        let mut changed = saved[1].clone();
        changed.quiet_end = "07:00".into();
        let again = store.replace_reminder_rules("L", &[changed]).unwrap();
        assert_eq!(again.len(), 1);
        assert!(again[0].id > saved[1].id, "a change is a new rule");
        assert_eq!(again[0].quiet_end, "07:00");
        assert!(store.reminder_rules("OTHER").unwrap()[0].id > again[0].id);
    }
}
