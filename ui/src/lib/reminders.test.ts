import { describe, expect, it } from "vitest";
import { confirmationPercent, newRule, reminderMark, ruleComplete } from "./reminders";

describe("reminders", () => {
  it("marks each state", () => {
    expect(reminderMark("confirmed_by_patient")).toBe("✔");
    expect(reminderMark("scheduled")).toBe("⏰");
    expect(reminderMark("reschedule_requested")).toBe("↻");
    expect(reminderMark("failed")).toBe("!");
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
