-- The list of citas (issue #17): each patient's name and search key beside
-- their id, so sorting 25,000 citas by patient, or matching a patient's
-- text, reads these small index pages instead of each contact's whole row
-- (its raw JSON): the replica is encrypted, and every page read is decrypted.
CREATE INDEX contacts_for_lists ON contacts (id, display_name, search_key);
