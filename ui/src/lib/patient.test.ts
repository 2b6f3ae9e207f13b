import { describe, expect, it } from "vitest";
import { formChanged, formErrors, formFrom, isEmail, isPhoneLike, toEdit } from "./patient";

const original = formFrom({ firstName: "Rosa", lastName: "Quispe", phone: "+51987650111", email: null });

describe("patient edit form", () => {
  it("opens from the core's fields, absent ones empty", () => {
    expect(original).toEqual({ firstName: "Rosa", lastName: "Quispe", phone: "+51987650111", email: "" });
  });

  it("accepts a changed phone and a new email", () => {
    const form = { ...original, phone: "987 650 222", email: "rosa@clinica.pe" };
    expect(formErrors(form, original)).toEqual({});
    expect(formChanged(form, original)).toBe(true);
    expect(toEdit(form)).toEqual({ firstName: "Rosa", lastName: "Quispe", phone: "987 650 222", email: "rosa@clinica.pe" });
  });

  it("says what is wrong next to each field", () => {
    expect(formErrors({ ...original, email: "rosa@clinica" }, original)).toEqual({ email: "patient.error.email" });
    expect(formErrors({ ...original, phone: "12" }, original)).toEqual({ phone: "patient.error.phone" });
    expect(formErrors({ ...original, phone: "98765a321" }, original)).toEqual({ phone: "patient.error.phone" });
    expect(formErrors({ ...original, firstName: " ", lastName: "" }, original)).toEqual({
      firstName: "patient.error.name",
      lastName: "patient.error.cannotClear",
    });
    // A kept value cannot be emptied from here (GHL would keep it).
    expect(formErrors({ ...original, phone: "" }, original)).toEqual({ phone: "patient.error.cannotClear" });
    expect(formErrors({ ...original, lastName: "" }, original)).toEqual({ lastName: "patient.error.cannotClear" });
  });

  it("sees no change in whitespace alone", () => {
    expect(formChanged({ ...original, firstName: " Rosa " }, original)).toBe(false);
  });

  it("checks addresses and phones as the core does", () => {
    for (const ok of ["a@b.pe", "Rosa.Q@Clinica.com.pe"]) expect(isEmail(ok)).toBe(true);
    for (const bad of ["rosa", "@b.pe", "a@b", "a@.pe", "a@b.", "a b@c.pe", "a@b@c.pe"]) expect(isEmail(bad)).toBe(false);
    for (const ok of ["987654321", "+51 987 654 321", "(01) 234-5678"]) expect(isPhoneLike(ok)).toBe(true);
    for (const bad of ["1234567", "+51 987 654 321 999 999", "nueve"]) expect(isPhoneLike(bad)).toBe(false);
  });
});
