// What is open over the desk: the page (agenda or Reconciliación), the booking
// dialog, the cita panel, settings, connections and help; and the keyboard
// shortcuts that open them. Reads the desk's week for where a new cita starts.

import type { CitaView } from "../bindings/CitaView";
import * as api from "./api";
import { initialCalendarId, nextHalfHour, type ProposedMove } from "./booking";
import { locationNow } from "./dates";
import type { Desk } from "./desk.svelte";
import { attempt } from "./errors";
import { isInWeek } from "./view";
import { shortcutFor, type ShortcutAction } from "./shortcuts";

export type Page = "desk" | "reconcile" | "panel" | "month" | "list" | "print";
export interface BookingSlot {
  calendarId: string;
  date: string;
  start: string;
}

export class Panels {
  readonly #desk: Desk;
  page = $state<Page>("desk");
  booking = $state.raw<BookingSlot | null>(null);
  /** "Bloquear horario": a new block at a slot, or an existing block (`blockId`). */
  blocking = $state.raw<(BookingSlot & { blockId: string | null; durationMinutes: number; reason: string }) | null>(null);
  details = $state.raw<{ cita: CitaView; proposed: ProposedMove | null } | null>(null);
  settingsOpen = $state(false);
  helpOpen = $state(false);
  connectionsOpen = $state(false);
  /** "Personal": the staff panel. */
  staffOpen = $state(false);
  /** "Cambiar de usuario" (U): the staff service signs the person out. */
  onswitchuser: (() => void) | null = null;
  /** Whether the person at the desk is gerencia (settings open only for them). */
  canManage: () => boolean = () => true;
  aboutOpen = $state(false);
  /** A refused drag, shown in a banner. */
  moveError = $state<string | null>(null);
  /** The month page's step (← →), set while it is open. */
  onmonthstep: ((direction: 1 | -1) => void) | null = null;
  /** The report the Reconciliación page opens on (from the banner). */
  reportToOpen = $state<number | null>(null);
  readonly modalOpen = $derived(
    !!this.booking || !!this.blocking || !!this.details || this.settingsOpen || this.staffOpen || this.aboutOpen,
  );

  constructor(desk: Desk) {
    this.#desk = desk;
  }

  /** Everything over the desk closed (before the lock screen shows). */
  closeAll = () => {
    this.booking = null;
    this.blocking = null;
    this.details = null;
    this.settingsOpen = false;
    this.helpOpen = false;
    this.connectionsOpen = false;
    this.staffOpen = false;
    this.page = "desk";
  };

  showPage = (next: Page) => {
    this.page = next;
    if (next === "desk") this.reportToOpen = null;
  };
  /** The header's switch and `C`: not while no location is connected. */
  switchPage = (next: Page) => {
    if (!this.#desk.notConnected) this.showPage(next);
  };
  /** The found-report banner's "open". */
  openReport = (id: number | null) => {
    this.reportToOpen = id;
    this.page = "reconcile";
  };

  openBooking = (slot?: BookingSlot | Omit<BookingSlot, "start">) => {
    const { week, mode, day, defaultCalendarId } = this.#desk;
    if (!week || week.calendars.length === 0) return;
    this.details = null;
    const date = slot?.date ?? (mode === "day" && day ? day : isInWeek(week.today, week.weekStart) ? week.today : week.weekStart);
    const start = (slot && "start" in slot ? slot.start : null) ?? (date === week.today ? nextHalfHour(locationNow(week.location.timeZone)) : "09:00");
    this.booking = { calendarId: initialCalendarId(week.calendars, slot?.calendarId ?? null, defaultCalendarId), date, start };
  };

  /** "Bloquear horario" (B, the header's button, Shift + click on a free time). */
  openBlock = (slot?: BookingSlot & { durationMinutes?: number }) => {
    const { week } = this.#desk;
    if (!week || week.calendars.length === 0) return;
    this.openBooking(slot);
    const at = this.booking;
    this.booking = null;
    if (at) this.blocking = { ...at, blockId: null, durationMinutes: slot?.durationMinutes ?? 60, reason: "" };
  };

  /** A block clicked in the grid: its dialog, to move or remove it. */
  openBlockById = (blockId: string) => {
    const block = this.#desk.practiceDays?.blocks.find((b) => b.id === blockId);
    if (!block) return;
    const calendarId = block.calendarId ?? this.#desk.calendars[0]?.id ?? "";
    const minutes = Math.max(15, Math.round((Date.parse(`${block.end}Z`) - Date.parse(`${block.start}Z`)) / 60000));
    this.blocking = {
      blockId,
      calendarId,
      date: block.start.slice(0, 10),
      start: block.start.slice(11, 16),
      durationMinutes: minutes,
      reason: block.title,
    };
  };

  /** A block dragged or resized in the grid. */
  moveBlockByDrag = async (move: { blockId: string; date: string; start: string; durationMinutes: number; revert: () => void }) => {
    const t = this.#desk.i18n.t;
    this.moveError = null;
    await attempt(
      async () => {
        await api.moveBlock(move.blockId, { date: move.date, start: move.start, durationMinutes: move.durationMinutes, reason: null });
        this.#desk.scheduleReload();
      },
      t,
      (error) => {
        move.revert();
        this.moveError = t("cita.moveFailed", { message: error.message });
      },
    );
  };

  openCita = (id: string) => {
    const cita = this.#desk.findCita(id);
    if (!cita) return;
    void this.#inSedeOf(cita.calendarId, () => (this.details = { cita, proposed: null }));
  };

  /**
   * With every sede on screen, a cita or slot of another sede is acted on
   * in that sede: it becomes the active one first, so the write goes through
   * its own connection and rules; then `then` runs.
   */
  async #inSedeOf(calendarId: string, then: () => void) {
    const desk = this.#desk;
    const sede = desk.showingSedes ? desk.sedeOfCalendar(calendarId) : null;
    const active = desk.locations.find((l) => l.active)?.locationId ?? desk.locationId;
    if (sede && sede !== active) {
      await desk.switchLocation(sede, () => {
        this.details = null;
        this.booking = null;
      });
      if (desk.switchError) return;
    }
    then();
  }

  /** A click on an empty time of the grid (of any sede shown). */
  openSlot = (slot: BookingSlot | Omit<BookingSlot, "start">) => {
    void this.#inSedeOf(slot.calendarId, () => this.openBooking(slot));
  };

  /** Día and Semana from the month, the list or the printed day go back to the grid. */
  #leaveViewPage() {
    if (this.page === "month" || this.page === "list" || this.page === "print") this.page = "desk";
  }

  /** The day view of `date`, from the month or the list. */
  openDay = (date: string) => {
    this.page = "desk";
    this.#desk.openDay(date);
  };

  moveByDrag = async (move: { citaId: string; action: api.CitaActionWire & { kind: "move" }; revert: () => void }) => {
    const t = this.#desk.i18n.t;
    this.moveError = null;
    const moved = async () => {
      await api.changeCita(move.citaId, move.action);
      this.#desk.scheduleReload();
    };
    await attempt(moved, t, (error) => {
      move.revert();
      const cita = this.#desk.findCita(move.citaId);
      if (error.code === api.OVERRIDE_REQUIRED && cita) {
        // Warnings only: the panel proposes the same move and asks for the reason.
        const { date, start, durationMinutes, calendarId } = move.action;
        this.details = { cita, proposed: { date, start, durationMinutes, calendarId: calendarId ?? cita.calendarId, error } };
      } else {
        this.moveError = t("cita.moveFailed", { message: error.message });
      }
    });
  };

  switchLocation = (locationId: string) =>
    this.#desk.switchLocation(locationId, () => {
      this.details = null;
      this.booking = null;
      this.reportToOpen = null;
    });

  runShortcut(action: ShortcutAction) {
    const desk = this.#desk;
    switch (action) {
      case "prev-week":
        if (this.page === "month") this.onmonthstep?.(-1);
        else desk.prevWeek();
        break;
      case "next-week":
        if (this.page === "month") this.onmonthstep?.(1);
        else desk.nextWeek();
        break;
      case "month-view":
        this.switchPage(this.page === "month" ? "desk" : "month");
        break;
      case "list-view":
        this.switchPage(this.page === "list" ? "desk" : "list");
        break;
      case "print-view":
        this.switchPage(this.page === "print" ? "desk" : "print");
        break;
      case "today":
        desk.thisWeek();
        break;
      case "day-view":
        if (desk.week) {
          this.#leaveViewPage();
          desk.setMode("day");
        }
        break;
      case "week-view":
      case "team-view":
        if (desk.week) {
          this.#leaveViewPage();
          desk.setMode(action === "week-view" ? "week" : "team");
        }
        break;
      case "sync":
        void desk.syncNow();
        break;
      case "help":
        this.helpOpen = !this.helpOpen;
        break;
      case "close":
        this.helpOpen = false;
        break;
      case "new-cita":
        if (this.page === "desk") this.openBooking();
        break;
      case "block-time":
        if (this.page === "desk") this.openBlock();
        break;
      case "reconcile":
        this.switchPage(this.page === "reconcile" ? "desk" : "reconcile");
        break;
      case "settings":
        if (!desk.notConnected && this.canManage()) this.settingsOpen = true;
        break;
      case "location":
        document.querySelector<HTMLSelectElement>("[data-testid='location-switcher']")?.focus();
        break;
      case "switch-user":
        this.closeAll();
        this.onswitchuser?.();
        break;
    }
  }

  /** The window's keys; a dialog handles its own while open. */
  onkeydown = (event: KeyboardEvent) => {
    if (event.defaultPrevented || this.modalOpen) return;
    const action = shortcutFor(event);
    if (!action || (action === "sync" && event.repeat)) return;
    if (action === "close" && !this.helpOpen) return;
    event.preventDefault();
    this.runShortcut(action);
  };
}
