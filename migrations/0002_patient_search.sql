-- Patient search as you type: a folded key (lower case, no accents, phone
-- digits) per contact, filled by the app when it writes the contact.
ALTER TABLE contacts ADD COLUMN search_key TEXT NOT NULL DEFAULT '';
