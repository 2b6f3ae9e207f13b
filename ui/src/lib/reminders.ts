// Reminders in the UI: the grid/panel marks, the week's confirmation rate
// and a new rule's defaults. Pure, so they are unit-tested.

import type { ReminderRule } from "../bindings/ReminderRule";
import type { ReminderState } from "../bindings/ReminderState";
import type { ConfirmationRate } from "../bindings/ConfirmationRate";
import type { MessageKey, Translator } from "./i18n";
import type { InboxItem } from "../bindings/InboxItem";

/** Every reminder state, in the order a cita lives through them. */
export const REMINDER_STATES: readonly ReminderState[] = [
  "queued",
  "scheduled",
  "sent",
  "failed",
  "skipped",
  "withdrawn",
  "confirmed_by_patient",
  "reschedule_requested",
  "cancelled_by_patient",
];

/** Each reminder state in words, in the desk's language. */
export function reminderWords(t: Translator): Record<ReminderState, string> {
  const key = (s: ReminderState) => `reminderState.${s}` as MessageKey;
  return Object.fromEntries(REMINDER_STATES.map((s) => [s, t(key(s))])) as Record<ReminderState, string>;
}

/**
 * A one-character mark for a reminder state (with its words as tooltip).
 * Only characters common fonts carry (DejaVu has them all): an emoji such
 * as ⏰ draws as an empty box where no emoji font is installed.
 */
export function reminderMark(state: ReminderState): string {
  switch (state) {
    case "confirmed_by_patient":
      return "✔";
    case "cancelled_by_patient":
      return "✖";
    case "reschedule_requested":
      return "↻";
    case "failed":
      return "!";
    case "skipped":
    case "withdrawn":
      return "–";
    case "sent":
      return "✉";
    default:
      return "◷";
  }
}

/**
 * Whether an answer offers "Reprogramar" (free slots, one click to move):
 * when it is about a cita still in the replica. A patient who asked for
 * another day has it first.
 */
export function rescheduleOffer(item: InboxItem): "first" | "also" | null {
  if (!item.citaId || !item.calendarId) return null;
  return item.intent === "reschedule" ? "first" : "also";
}

/** Confirmed of reminded, as a whole percentage; null before any reminder. */
export function confirmationPercent(rate: ConfirmationRate | null): number | null {
  if (!rate || rate.reminded === 0) return null;
  return Math.round((100 * rate.confirmed) / rate.reminded);
}

/** A second rule's starting point: three hours before, otherwise like the first. */
export function newRule(like: ReminderRule | undefined): ReminderRule {
  return {
    id: 0,
    when: { kind: "minutesBefore", minutes: 180 },
    channel: like?.channel ?? "whatsapp_else_sms",
    quietStart: like?.quietStart ?? "21:00",
    quietEnd: like?.quietEnd ?? "08:00",
    statuses: like?.statuses ?? ["new", "confirmed"],
    messageEs: like?.messageEs ?? "",
    messageEn: like?.messageEn ?? "",
    language: like?.language ?? "es",
    templateId: like?.templateId ?? null,
  };
}

/** A rule can be saved: times as HH:MM, a status, a message in its language. */
export function ruleComplete(rule: ReminderRule): boolean {
  const hhmm = /^([01]\d|2[0-3]):[0-5]\d$/;
  const at = rule.when.kind === "daysBefore" ? rule.when.at : "00:00";
  const message = rule.language === "en" ? rule.messageEn : rule.messageEs;
  return hhmm.test(rule.quietStart) && hhmm.test(rule.quietEnd) && hhmm.test(at) && rule.statuses.length > 0 && message.trim() !== "";
}

/** The placeholders a message may use, each in Spanish / English. */
export const PLACEHOLDERS =
  "{nombre}/{first_name} {fecha}/{date} {hora}/{time} {profesional}/{practitioner} {calendario}/{calendar} {clinica}/{clinic} {direccion}/{address}";
