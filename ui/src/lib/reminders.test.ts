import { describe, expect, it } from "vitest";
import type { InboxItem } from "../bindings/InboxItem";
import { translator } from "./i18n";
import { confirmationPercent, newRule, REMINDER_STATES, reminderMark, reminderWords, rescheduleOffer, ruleComplete } from "./reminders";

const answer = (over: Partial<InboxItem> = {}): InboxItem => ({
  id: 1,
  patient: "María Quispe",
  phone: "+51911000401",
  contactId: "c-1",
  citaId: "apt-1",
  citaStart: "2026-12-10T09:00:00",
  calendarId: "cal-a",
  channel: "WhatsApp",
  text: "2, otro día por favor",
  intent: "reschedule",
  why: "pidió reprogramar",
  received: "2026-12-08T10:00:00",
  ...over,
});

describe("reminders", () => {
  it("marks each state", () => {
    expect(reminderMark("confirmed_by_patient")).toBe("✔");
    expect(reminderMark("scheduled")).toBe("◷");
    expect(reminderMark("reschedule_requested")).toBe("↻");
    expect(reminderMark("failed")).toBe("!");
  });

  it("names every state in Spanish and English", () => {
    const es = reminderWords(translator("es-PE"));
    const en = reminderWords(translator("en"));
    for (const s of REMINDER_STATES) {
      expect(es[s]).not.toMatch(/^reminderState\./);
      expect(en[s]).not.toMatch(/^reminderState\./);
      expect(es[s]).not.toBe(en[s]);
    }
    expect(es.reschedule_requested).toBe("El paciente pidió reprogramar");
    expect(en.cancelled_by_patient).toBe("Cancelled by the patient");
  });

  it("offers to reschedule an answer about a cita, first when the patient asked for it", () => {
    expect(rescheduleOffer(answer())).toBe("first");
    expect(rescheduleOffer(answer({ intent: "unknown" }))).toBe("also");
    expect(rescheduleOffer(answer({ citaId: null, calendarId: null }))).toBeNull();
    expect(rescheduleOffer(answer({ calendarId: null }))).toBeNull();
  });

  it("rates the week only once something was reminded", () => {
    expect(confirmationPercent(null)).toBeNull();
    expect(confirmationPercent({ reminded: 0, confirmed: 0, openAnswers: 2 })).toBeNull();
    expect(confirmationPercent({ reminded: 3, confirmed: 2, openAnswers: 0 })).toBe(67);
  });

  it("checks a rule before saving", () => {
    const rule = newRule(undefined);
    expect(ruleComplete(rule)).toBe(false);
    rule.messageEs = "Hola {nombre}";
    expect(ruleComplete(rule)).toBe(true);
    expect(ruleComplete({ ...rule, quietEnd: "8:00" })).toBe(false);
    expect(ruleComplete({ ...rule, statuses: [] })).toBe(false);
    expect(ruleComplete({ ...rule, language: "en" })).toBe(false);
  });
});
