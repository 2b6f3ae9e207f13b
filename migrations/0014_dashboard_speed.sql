-- The Panel's figures for 90 days x 20 calendars within 200 ms.
--
-- A patient's first visit: the earliest cita that took a practitioner's
-- time (not cancelled, not invalid). Partial and covering, so "is this
-- patient new?" is one index seek per patient instead of reading every
-- cita of the patient (each row carries GHL's raw JSON, decrypted per page).
CREATE INDEX citas_first_visit ON citas (location_id, contact_id, start_ms, status)
    WHERE status NOT IN ('cancelled', 'invalid');

-- Booked minutes per calendar: the calendar's citas by start, with what the
-- sum reads, so each calendar is one range scan of the index alone. Wider
-- than the index it replaces, which served (calendar_id, start_ms) lookups:
-- this one still does.
DROP INDEX citas_by_calendar_start;
CREATE INDEX citas_by_calendar_start ON citas (calendar_id, start_ms, end_ms, status);
