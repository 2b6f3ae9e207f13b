// The patient edit form of the cita panel: what may be saved, and what is
// sent. Pure, so the rules are tested without a window. The core checks the
// same things again (it normalises the phone to E.164); these only say what
// is wrong before the round trip, next to the field.

import type { PatientEdit } from "../bindings/PatientEdit";
import type { MessageKey } from "./i18n";

export interface PatientForm {
  firstName: string;
  lastName: string;
  phone: string;
  email: string;
}

export type PatientField = keyof PatientForm;

/** The form as it opens: the patient's fields as the core keeps them. */
export function formFrom(edit: PatientEdit): PatientForm {
  return {
    firstName: edit.firstName ?? "",
    lastName: edit.lastName ?? "",
    phone: edit.phone ?? "",
    email: edit.email ?? "",
  };
}

/** A plausible address: something@domain.tld, no spaces (the core's rule). */
export function isEmail(value: string): boolean {
  const v = value.trim();
  if (/\s/.test(v)) return false;
  const at = v.indexOf("@");
  if (at <= 0 || at !== v.lastIndexOf("@")) return false;
  const domain = v.slice(at + 1);
  return domain.includes(".") && !domain.startsWith(".") && !domain.endsWith(".");
}

/** Digits and the usual separators, 8 to 15 digits (E.164's range). */
export function isPhoneLike(value: string): boolean {
  const v = value.trim();
  if (!/^\+?[\d\s().-]+$/.test(v)) return false;
  const digits = v.replace(/\D/g, "").length;
  return digits >= 8 && digits <= 15;
}

/**
 * What is wrong, field by field (none: it may be saved). A field that had a
 * value cannot be emptied here: the core reads an empty field as "unchanged",
 * and GHL keeps the old value.
 */
export function formErrors(form: PatientForm, original: PatientForm): Partial<Record<PatientField, MessageKey>> {
  const errors: Partial<Record<PatientField, MessageKey>> = {};
  if (form.firstName.trim() === "" && form.lastName.trim() === "") errors.firstName = "patient.error.name";
  for (const field of ["firstName", "lastName", "phone", "email"] as const) {
    if (!errors[field] && form[field].trim() === "" && original[field].trim() !== "") {
      errors[field] = "patient.error.cannotClear";
    }
  }
  if (!errors.phone && form.phone.trim() !== "" && !isPhoneLike(form.phone)) errors.phone = "patient.error.phone";
  if (!errors.email && form.email.trim() !== "" && !isEmail(form.email)) errors.email = "patient.error.email";
  return errors;
}

/** True when something differs from what the form opened with. */
export function formChanged(form: PatientForm, original: PatientForm): boolean {
  return (["firstName", "lastName", "phone", "email"] as const).some((f) => form[f].trim() !== original[f].trim());
}

/** What `update_patient` receives: trimmed, empty as unchanged. */
export function toEdit(form: PatientForm): PatientEdit {
  const value = (s: string) => (s.trim() === "" ? null : s.trim());
  return {
    firstName: value(form.firstName),
    lastName: value(form.lastName),
    phone: value(form.phone),
    email: value(form.email),
  };
}
