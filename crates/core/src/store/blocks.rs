//! The blocks table: blocked time of a calendar or a practitioner, from
//! GHL and from the desk (`pending_push` until GHL has it; `removed` while
//! its deletion waits).

use rusqlite::{params, Connection, OptionalExtension};

use super::{insert_audit, AuditRecord, Store};
use crate::error::Result;
use crate::mapping::BlockRow;
use crate::outbox::{is_local, BlockPlan, OutboxItem};
use crate::practice::{Block, Practice, Room, ScheduleRules};

fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<BlockRow> {
    Ok(BlockRow {
        id: r.get(0)?,
        location_id: r.get(1)?,
        calendar_id: r.get(2)?,
        user_id: r.get(3)?,
        title: r.get(4)?,
        start_ms: r.get(5)?,
        end_ms: r.get(6)?,
        sync_state: r.get(7)?,
    })
}

const COLUMNS: &str = "id, location_id, calendar_id, user_id, title, start_ms, end_ms, sync_state";

/// A block as the desk or GHL says it is now, in `state`, shown again.
pub(crate) fn upsert_block(c: &Connection, b: &BlockRow, state: &str) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO blocks (id, location_id, calendar_id, user_id, title, start_ms, end_ms, sync_state, removed)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0)
         ON CONFLICT (id) DO UPDATE SET calendar_id = excluded.calendar_id, user_id = excluded.user_id,
           title = excluded.title, start_ms = excluded.start_ms, end_ms = excluded.end_ms,
           sync_state = excluded.sync_state, removed = 0",
        params![b.id, b.location_id, b.calendar_id, b.user_id, b.title, b.start_ms, b.end_ms, state],
    )?;
    Ok(())
}

/// A block removed at the desk: hidden, kept until GHL has deleted it.
pub(crate) fn remove_block(c: &Connection, id: &str) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE blocks SET removed = 1, sync_state = 'pending_push' WHERE id = ?1",
        [id],
    )?;
    Ok(())
}

impl Store {
    /// GHL's blocks over `[from, to)` (ms): listed ones are kept as GHL has
    /// them, synced ones no longer listed are removed; what waits for GHL
    /// (made, moved or removed here) is left alone. Answers (upserted, removed).
    pub fn apply_blocks_window(
        &self,
        location_id: &str,
        window: (i64, i64),
        blocks: &[BlockRow],
    ) -> Result<(u32, u32)> {
        self.with(|c| {
            let tx = c.transaction()?;
            let mut upserted = 0;
            for b in blocks {
                upserted += tx.execute(
                    "INSERT INTO blocks (id, location_id, calendar_id, user_id, title, start_ms, end_ms, sync_state)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'synced')
                     ON CONFLICT (id) DO UPDATE SET calendar_id = excluded.calendar_id, user_id = excluded.user_id,
                       title = excluded.title, start_ms = excluded.start_ms, end_ms = excluded.end_ms
                     WHERE blocks.sync_state = 'synced'",
                    params![b.id, location_id, b.calendar_id, b.user_id, b.title, b.start_ms, b.end_ms],
                )? as u32;
            }
            let listed: std::collections::HashSet<&str> = blocks.iter().map(|b| b.id.as_str()).collect();
            let in_window: Vec<String> = {
                let mut st = tx.prepare(
                    "SELECT id FROM blocks WHERE location_id = ?1 AND sync_state = 'synced'
                       AND start_ms < ?3 AND end_ms > ?2",
                )?;
                let ids = st
                    .query_map(params![location_id, window.0, window.1], |r| r.get::<_, String>(0))?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                ids
            };
            let mut removed = 0;
            for id in in_window.iter().filter(|id| !listed.contains(id.as_str())) {
                removed += tx.execute("DELETE FROM blocks WHERE id = ?1", [id])? as u32;
            }
            tx.commit()?;
            Ok((upserted, removed))
        })
    }

    /// Blocks shown over `[from, to)` (ms), in start order.
    pub fn blocks_between(&self, location_id: &str, from: i64, to: i64) -> Result<Vec<BlockRow>> {
        self.with(|c| {
            let mut st = c.prepare(&format!(
                "SELECT {COLUMNS} FROM blocks WHERE location_id = ?1 AND removed = 0
                   AND start_ms < ?3 AND end_ms > ?2 ORDER BY start_ms, id"
            ))?;
            let rows = st.query_map(params![location_id, from, to], read)?;
            rows.collect()
        })
    }

    /// One block still shown (not removed).
    pub fn block(&self, id: &str) -> Result<Option<BlockRow>> {
        self.with(|c| {
            c.query_row(
                &format!("SELECT {COLUMNS} FROM blocks WHERE id = ?1 AND removed = 0"),
                [id],
                read,
            )
            .optional()
        })
    }

    /// Any block row, removed or not (the outbox's view).
    pub(crate) fn block_any(&self, id: &str) -> Result<Option<BlockRow>> {
        self.with(|c| {
            c.query_row(
                &format!("SELECT {COLUMNS} FROM blocks WHERE id = ?1"),
                [id],
                read,
            )
            .optional()
        })
    }
}

/// A refused move or removal: the block as it was before (`before` is its
/// plan as JSON), shown and synced again.
pub(crate) fn put_back(c: &Connection, id: &str, before: Option<&str>) -> rusqlite::Result<()> {
    if let Some(plan) = before.and_then(|b| serde_json::from_str::<BlockPlan>(b).ok()) {
        c.execute(
            "UPDATE blocks SET calendar_id = ?2, user_id = ?3, title = ?4, start_ms = ?5, end_ms = ?6 WHERE id = ?1",
            params![id, plan.calendar_id, plan.user_id, plan.title, plan.start_ms, plan.end_ms],
        )?;
    }
    c.execute(
        "UPDATE blocks SET removed = 0, sync_state = 'synced' WHERE id = ?1",
        [id],
    )?;
    Ok(())
}

impl Store {
    /// GHL took a block write: a new block takes GHL's id (the local one is
    /// mapped to it), a moved one shows GHL's answer, a deleted one goes;
    /// the outbox row is done and the audit log says what GHL answered.
    /// The row stays `pending_push` while later writes of it wait.
    pub(crate) fn finish_block(
        &self,
        item: &OutboxItem,
        ghl: Option<&BlockRow>,
        action: &str,
        answer: &str,
    ) -> Result<()> {
        self.with(|c| {
            let tx = c.transaction()?;
            let local = item.subject_id.as_str();
            let ghl_id = ghl.map(|b| b.id.as_str()).unwrap_or(local);
            let more: i64 = tx.query_row(
                "SELECT COUNT(*) FROM outbox WHERE state = 'pending' AND id > ?1 AND (subject_id = ?2 OR subject_id = ?3)",
                params![item.id, local, ghl_id],
                |r| r.get(0),
            )?;
            if is_local(local) && ghl_id != local {
                tx.execute(
                    "INSERT OR REPLACE INTO id_map (local_id, ghl_id) VALUES (?1, ?2)",
                    params![local, ghl_id],
                )?;
                tx.execute("DELETE FROM blocks WHERE id = ?2 AND ?1 <> ?2", params![local, ghl_id])?;
                tx.execute("UPDATE blocks SET id = ?2 WHERE id = ?1", params![local, ghl_id])?;
            }
            match ghl {
                None => {
                    if more == 0 {
                        tx.execute("DELETE FROM blocks WHERE id = ?1", [ghl_id])?;
                    }
                }
                Some(row) if more == 0 => upsert_block(&tx, row, "synced")?,
                Some(_) => {}
            }
            tx.execute(
                "UPDATE outbox SET state = 'done', ghl_id = ?2, updated_at = ?3 WHERE id = ?1",
                params![item.id, ghl_id, chrono::Utc::now().timestamp_millis()],
            )?;
            insert_audit(
                &tx,
                &AuditRecord {
                    location_id: &item.location_id,
                    cita_id: None,
                    contact_id: None,
                    action,
                    actor: &item.actor,
                    before: item.before.clone(),
                    after: Some(item.payload.clone()),
                    ghl_answer: Some(answer.to_string()),
                    reason: None,
                },
            )?;
            tx.commit()
        })
    }

    /// What the rules need of the practice around `[from, to)` (ms): the
    /// location's active rooms, its schedules (rules unreadable: skipped)
    /// and the blocks shown.
    pub fn practice(&self, location_id: &str, from: i64, to: i64) -> Result<Practice> {
        let rooms = self
            .rooms(location_id)?
            .into_iter()
            .filter(|r| r.is_active)
            .map(|r| Room {
                id: r.id,
                name: r.name,
                places: r.places,
                calendar_ids: r.calendar_ids,
            })
            .collect();
        let schedules = self
            .schedules(location_id)?
            .into_iter()
            .filter_map(|s| {
                Some(ScheduleRules {
                    user_id: s.user_id,
                    zone: s.timezone.parse().ok()?,
                    rules: serde_json::from_str(&s.rules_json).ok()?,
                    calendar_ids: s.calendar_ids,
                })
            })
            .collect();
        let blocks = self
            .blocks_between(location_id, from, to)?
            .into_iter()
            .map(|b| Block {
                id: b.id,
                calendar_id: b.calendar_id,
                user_id: b.user_id,
                title: b.title,
                start: crate::time::from_ms(b.start_ms),
                end: crate::time::from_ms(b.end_ms),
            })
            .collect();
        Ok(Practice {
            rooms,
            schedules,
            blocks,
        })
    }
}
