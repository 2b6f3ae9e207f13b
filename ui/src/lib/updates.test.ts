import { describe, expect, it } from "vitest";
import type { UpdateView } from "../bindings/UpdateView";
import { translate, type Translator } from "./i18n";
import { phaseText, showsBanner, showsRefusal } from "./updates";

const base: UpdateView = { phase: "idle", currentVersion: "0.1.0", version: null, notes: null, error: null, checkedAt: null };
const t: Translator = (key, params) => translate("es-PE", key, params);

describe("updates", () => {
  it("shows the banner only for a verified new version", () => {
    expect(showsBanner({ ...base, phase: "ready", version: "0.2.0" })).toBe(true);
    expect(showsBanner({ ...base, phase: "held", version: "0.2.0" })).toBe(false);
    expect(showsBanner(null)).toBe(false);
  });
  it("tells refusals, not an unreachable feed", () => {
    const refused = (code: "update.older" | "update.feed"): UpdateView => ({
      ...base,
      phase: "refused",
      error: { code, message: "m" },
    });
    expect(showsRefusal(refused("update.older"))).toBe(true);
    expect(showsRefusal(refused("update.feed"))).toBe(false);
  });
  it("says where the check stands", () => {
    expect(phaseText({ ...base, phase: "ready", version: "0.2.0" }, t)).toContain("0.2.0");
    expect(phaseText({ ...base, phase: "refused", error: { code: "update.older", message: "vieja" } }, t)).toBe("vieja");
    expect(phaseText(null, t)).toContain("Aún no");
  });
});
