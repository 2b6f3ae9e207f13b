//! Patients (GHL contacts) of the replica, with the folded search key.

use chrono::Utc;
use rusqlite::{params, Connection, OptionalExtension};

use super::Store;
use crate::error::Result;
use crate::model::*;
use crate::patients;

/// `LIKE` patterns (backslash-escaped) for each folded word of `query`: a
/// contact matches when its `search_key` is `LIKE` every one.
pub(crate) fn search_patterns(query: &str) -> Vec<String> {
    patients::fold(query)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(|w| {
            format!(
                "%{}%",
                w.replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            )
        })
        .collect()
}

/// A patient row (new or updated), with its folded search key.
pub(crate) fn write_contact(
    c: &Connection,
    id: &str,
    location_id: &str,
    display_name: Option<&str>,
    phone: Option<&str>,
    email: Option<&str>,
    raw: &str,
) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO contacts (id, location_id, display_name, phone, email, raw, updated_at, search_key)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name, phone = excluded.phone,
           email = excluded.email, raw = excluded.raw, updated_at = excluded.updated_at,
           search_key = excluded.search_key",
        params![
            id,
            location_id,
            display_name,
            phone,
            email,
            raw,
            Utc::now().timestamp_millis(),
            patients::search_key(display_name, email, phone)
        ],
    )
    .map(drop)
}

impl Store {
    pub fn upsert_contact(
        &self,
        id: &str,
        location_id: &str,
        display_name: Option<&str>,
        phone: Option<&str>,
        email: Option<&str>,
        raw: &str,
    ) -> Result<()> {
        self.with(|c| write_contact(c, id, location_id, display_name, phone, email, raw))
    }

    /// Patients of the location whose name, email or phone holds every word
    /// of `query`, accents and case ignored. Local only: instant while typing.
    pub fn search_contacts(
        &self,
        location_id: &str,
        query: &str,
        limit: u32,
    ) -> Result<Vec<PatientView>> {
        let words = search_patterns(query);
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = String::from(
            "SELECT id, display_name, phone, email FROM contacts WHERE location_id = ?1",
        );
        for i in 0..words.len() {
            sql.push_str(&format!(" AND search_key LIKE ?{} ESCAPE '\\'", i + 2));
        }
        sql.push_str(&format!(
            " ORDER BY display_name COLLATE NOCASE LIMIT {limit}"
        ));
        self.with(|c| {
            let mut st = c.prepare(&sql)?;
            let mut args: Vec<&dyn rusqlite::ToSql> = vec![&location_id];
            args.extend(words.iter().map(|w| w as &dyn rusqlite::ToSql));
            let rows = st.query_map(args.as_slice(), |r| {
                Ok(PatientView {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    phone: r.get(2)?,
                    email: r.get(3)?,
                })
            })?;
            rows.collect()
        })
    }

    /// Contacts referenced by citas of the location that the replica lacks.
    /// A contact as GHL sent it, kept with its raw JSON.
    pub fn save_ghl_contact(
        &self,
        location_id: &str,
        c: &citadesk_ghl::models::Contact,
    ) -> Result<()> {
        let raw = serde_json::to_string(c).unwrap_or_default();
        self.upsert_contact(
            &c.id,
            location_id,
            c.display_name().as_deref(),
            c.phone.as_deref(),
            c.email.as_deref(),
            &raw,
        )
    }

    pub fn search_contacts_by_id(&self, id: &str) -> Result<Option<PatientView>> {
        self.with(|c| {
            c.query_row(
                "SELECT id, display_name, phone, email FROM contacts WHERE id = ?1",
                [id],
                |r| {
                    Ok(PatientView {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        phone: r.get(2)?,
                        email: r.get(3)?,
                    })
                },
            )
            .optional()
        })
    }

    pub fn missing_contact_ids(&self, location_id: &str) -> Result<Vec<String>> {
        self.with(|c| {
            let mut st = c.prepare(
                "SELECT DISTINCT ci.contact_id FROM citas ci
                 LEFT JOIN contacts co ON co.id = ci.contact_id
                 WHERE ci.location_id = ?1 AND ci.contact_id IS NOT NULL AND ci.contact_id <> '' AND co.id IS NULL",
            )?;
            let ids = st.query_map([location_id], |r| r.get(0))?.collect();
            ids
        })
    }

    pub(crate) fn contact_name(&self, id: &str) -> Result<Option<String>> {
        self.with(|c| {
            c.query_row(
                "SELECT display_name FROM contacts WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()
            .map(Option::flatten)
        })
    }
}

/// A patient's display name, phone, email and GHL's record as kept.
pub(crate) type ContactFields = (Option<String>, Option<String>, Option<String>, String);

impl Store {
    pub(crate) fn contact_fields(&self, id: &str) -> Result<Option<ContactFields>> {
        self.with(|c| {
            c.query_row(
                "SELECT display_name, phone, email, raw FROM contacts WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()
        })
    }
}
