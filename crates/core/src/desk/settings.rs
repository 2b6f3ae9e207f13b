//! The location's booking settings and the desk's language.

use super::Desk;
use super::LOCALE;
use crate::booking::LocationSettings;
use crate::error::Result;
use crate::model::*;
use crate::time::{check_window, parse_hhmm};

impl Desk {
    pub fn location_settings(&self) -> Result<LocationSettings> {
        let (location, _) = self.require_location()?;
        self.store.location_settings(&location.id)
    }

    pub fn set_location_settings(&self, settings: LocationSettings) -> Result<LocationSettings> {
        self.acting(crate::staff::Role::Gerencia)?;
        let (location, _) = self.require_location()?;
        parse_hhmm(&settings.fallback_open)?;
        parse_hhmm(&settings.fallback_close)?;
        parse_hhmm(&settings.reconcile_at)?;
        check_window(settings.reconcile_days_back, settings.reconcile_days_ahead)?;
        self.store.save_location_settings(&location.id, &settings)?;
        Ok(settings)
    }

    pub fn set_locale(&self, locale: Locale) -> Result<AppStatus> {
        let value = if locale == Locale::En { "en" } else { "es-PE" };
        self.store.set_setting(LOCALE, value)?;
        let status = self.status()?;
        self.notify_status(&status);
        Ok(status)
    }
}
