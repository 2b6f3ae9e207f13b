//! Patients: the local and GHL searches, the edit form.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Desk;
use crate::error::Result;
use crate::model::*;
use crate::outbox::*;
use crate::patients::{patient_email, patient_not_found, patient_phone};

/// A patient's basic fields as edited at the desk (absent: unchanged).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PatientEdit {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

impl Desk {
    /// Patients of the active location matching what is typed (local replica).
    pub fn search_patients(&self, query: &str, limit: u32) -> Result<Vec<PatientView>> {
        let (location, _) = self.require_location()?;
        self.store
            .search_contacts(&location.id, query, limit.clamp(1, 200))
    }

    /// Patients from GHL's own search (after the local one), kept in the replica.
    pub async fn search_patients_in_ghl(
        &self,
        query: &str,
    ) -> Result<Vec<crate::model::PatientView>> {
        let (location, _) = self.require_location()?;
        let client = self.client_for(&location.id).await?;
        let page = client
            .search_contacts(&location.id, Some(query), 1, 20)
            .await?;
        for c in &page.contacts {
            self.store.save_ghl_contact(&location.id, c)?;
        }
        Ok(page
            .contacts
            .iter()
            .map(|c| crate::model::PatientView {
                id: c.id.clone(),
                name: c.display_name(),
                phone: c.phone.clone(),
                email: c.email.clone(),
            })
            .collect())
    }

    /// A patient's basic fields as the edit form starts from: the names as
    /// GHL keeps them (first and last apart), the desk's own pending edit
    /// included.
    pub fn patient(&self, contact_id: &str) -> Result<PatientEdit> {
        // Display name, phone, email, GHL's record.
        let row = self.store.contact_fields(contact_id)?;
        let (name, phone, email, raw) = row.ok_or_else(patient_not_found)?;
        let raw: serde_json::Value = serde_json::from_str(&raw).unwrap_or_default();
        let text = |k: &str| {
            raw[k]
                .as_str()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
        };
        let (first_name, last_name) = match (text("firstName"), text("lastName")) {
            (None, None) => (name, None),
            names => names,
        };
        Ok(PatientEdit {
            first_name,
            last_name,
            phone,
            email,
        })
    }

    /// Edits a patient's basic fields: shown at once, sent to GHL through
    /// the outbox (the phone normalised to E.164 first).
    pub async fn update_patient(
        &self,
        contact_id: &str,
        edit: PatientEdit,
    ) -> Result<crate::model::PatientView> {
        let who = self.signature(crate::staff::Role::Recepcion)?;
        let (location, _) = self.require_location()?;
        let phone = patient_phone(edit.phone.as_deref())?;
        let email = patient_email(edit.email.as_deref())?;
        let clean = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let change = citadesk_ghl::ContactChange {
            first_name: clean(edit.first_name),
            last_name: clean(edit.last_name),
            email,
            phone,
        };
        let current = self
            .store
            .search_contacts_by_id(contact_id)?
            .ok_or_else(patient_not_found)?;
        let name = match (&change.first_name, &change.last_name) {
            (None, None) => current.name.clone(),
            (f, l) => Some(
                [f.as_deref(), l.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
        };
        let phone = change.phone.clone().or(current.phone.clone());
        let email = change.email.clone().or(current.email.clone());
        self.store.record(|w| {
            // The names go into the kept GHL record too, so the edit form
            // shows them apart until GHL's answer replaces it.
            w.edit_contact(
                contact_id,
                name.as_deref(),
                phone.as_deref(),
                email.as_deref(),
                |raw| {
                    if let Some(obj) = raw.as_object_mut() {
                        for (k, v) in [
                            ("firstName", &change.first_name),
                            ("lastName", &change.last_name),
                        ] {
                            if let Some(v) = v {
                                obj.insert(k.into(), serde_json::Value::String(v.clone()));
                            }
                        }
                    }
                },
            )?;
            w.queue(&NewWrite {
                location_id: &location.id,
                kind: WriteKind::UpdateContact,
                subject_id: contact_id,
                payload: serde_json::to_string(&change).unwrap_or_default(),
                actor: &who,
                before: Some(serde_json::to_string(&current).unwrap_or_default()),
            })?;
            Ok(())
        })?;
        let _ = self.push_outbox().await;
        Ok(crate::model::PatientView {
            id: contact_id.to_string(),
            name,
            phone,
            email,
        })
    }
}
