// Every connected sede on one day: their calendars side by side, grouped by
// sede (the active one first, as the core orders them), each column named
// with its sede. Pure, tested.

import type { CalendarColumn } from "../bindings/CalendarColumn";
import type { CitaView } from "../bindings/CitaView";
import type { SedesDay } from "../bindings/SedesDay";

export interface SedesColumns {
  calendars: CalendarColumn[];
  citas: CitaView[];
  /** Which sede (location id) each calendar and cita belongs to. */
  sedeOfCalendar: Map<string, string>;
}

export function sedesColumns(day: SedesDay): SedesColumns {
  const calendars: CalendarColumn[] = [];
  const citas: CitaView[] = [];
  const sedeOfCalendar = new Map<string, string>();
  for (const sede of day.sedes) {
    for (const c of sede.calendars) {
      calendars.push({ ...c, name: `${sede.location.name} · ${c.name}` });
      sedeOfCalendar.set(c.id, sede.location.id);
    }
    citas.push(...sede.citas);
  }
  return { calendars, citas, sedeOfCalendar };
}
