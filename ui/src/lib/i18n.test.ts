import { describe, expect, it } from "vitest";
import { dictionaries, interpolate, LOCALES, otherLocale, translate } from "./i18n";

describe("dictionaries", () => {
  const [first, ...rest] = LOCALES.map((l) => [l, dictionaries[l]] as const);

  it("cover both supported locales", () => {
    expect([...LOCALES].sort()).toEqual(["en", "es-PE"]);
  });

  it("have exactly the same keys in every language", () => {
    const keys = Object.keys(first![1]).sort();
    for (const [, dict] of rest) {
      expect(Object.keys(dict).sort()).toEqual(keys);
    }
  });

  it("have no empty strings", () => {
    for (const locale of LOCALES) {
      for (const [key, value] of Object.entries(dictionaries[locale])) {
        expect(value.trim(), `${locale} ${key}`).not.toBe("");
      }
    }
  });

  it("use the same placeholders for a key in every language", () => {
    const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const key of Object.keys(dictionaries["es-PE"]) as Array<keyof (typeof dictionaries)["es-PE"]>) {
      expect(placeholders(dictionaries.en[key]), key).toEqual(placeholders(dictionaries["es-PE"][key]));
    }
  });

  it("are actually translated (Spanish differs from English)", () => {
    expect(translate("es-PE", "sync.button")).toBe("Sincronizar");
    expect(translate("en", "sync.button")).toBe("Sync");
    expect(translate("es-PE", "cita.pendingPush")).toBe("No enviada a GHL");
    expect(translate("en", "cita.pendingPush")).toBe("Not yet in GHL");
  });
});

describe("interpolate", () => {
  it("fills named placeholders, numbers included", () => {
    expect(interpolate("{count} citas a las {time}", { count: 3, time: "08:12" })).toBe("3 citas a las 08:12");
  });
  it("leaves unknown placeholders visible instead of printing undefined", () => {
    expect(interpolate("hola {name}", {})).toBe("hola {name}");
  });
  it("does not read prototype properties", () => {
    expect(interpolate("{toString}", {})).toBe("{toString}");
  });
});

describe("otherLocale", () => {
  it("toggles between Spanish and English", () => {
    expect(otherLocale("es-PE")).toBe("en");
    expect(otherLocale("en")).toBe("es-PE");
  });
});
