// The desk's state: the core's status, the active location (sede) and the
// others connected, the week and today's agenda, the day/week view, and the
// core's events. App.svelte creates one and hands it down through context.

import { tick } from "svelte";
import type { SyncProgress } from "../bindings/SyncProgress";
import type { AppStatus } from "../bindings/AppStatus";
import type { CitaView } from "../bindings/CitaView";
import type { ConnectionInfo } from "../bindings/ConnectionInfo";
import type { DayAgenda } from "../bindings/DayAgenda";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import type { Locale } from "../bindings/Locale";
import type { ReconciliationReport } from "../bindings/ReconciliationReport";
import type { SedesDay } from "../bindings/SedesDay";
import type { WeekView } from "../bindings/WeekView";
import type { PracticeDays } from "../bindings/PracticeDays";
import type { PracticeView } from "../bindings/PracticeView";
import { filterByPractice, practitionersOf, roomView } from "./practice";
import * as api from "./api";
import { bannerFor } from "./banner";
import { capitalizeFirst, longDateLabel, weekRangeLabel } from "./dates";
import { attempt, errorOf } from "./errors";
import { I18n } from "./i18n.svelte";
import { sedesColumns } from "./sedes";
import {
  citasOnScreen,
  DEFAULT_DENSITY,
  defaultDay,
  effectiveMode,
  isInWeek,
  loadPrefs,
  loadSkeleton,
  MAX_WEEK_CALENDARS,
  sameCitas,
  savePrefs,
  saveSkeleton,
  stepAim,
  todayAsFirstWeek,
  toggleCalendar,
  viewAim,
  weekCalendarIds,
  withDensity,
  withMode,
  withWeekCalendars,
  type Density,
  type GridSkeleton,
  type ViewMode,
  type ViewPrefs,
} from "./view";

/** The start-up's performance marks as epoch ms, for the start-up benchmark. */
function startupMarks(): Record<string, number> {
  const marks: Record<string, number> = { "ui:navigation": performance.timeOrigin };
  for (const m of performance.getEntriesByType("mark")) marks[m.name] = performance.timeOrigin + m.startTime;
  return marks;
}

function browserStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export class Desk {
  status = $state.raw<AppStatus | null>(null);
  readonly i18n = new I18n(() => this.status?.locale ?? null);

  week = $state.raw<WeekView | null>(null);
  agenda = $state.raw<DayAgenda | null>(null);
  weekError = $state.raw<ErrorPayload | null>(null);
  agendaError = $state.raw<ErrorPayload | null>(null);
  notConnected = $state(false);
  loading = $state(false);
  syncing = $state(false);
  syncError = $state<string | null>(null);
  /** Set once the first week is on screen (start-up benchmark, e2e). */
  ready = $state(false);
  /** Connected locations, for the header's switcher. */
  locations = $state.raw<ConnectionInfo[]>([]);
  switchingLocation = $state(false);
  switchError = $state<string | null>(null);
  /** The location's default calendar (settings), for the booking dialog. */
  defaultCalendarId = $state<string | null>(null);
  /** A scheduled reconciliation found differences: offered in a banner. */
  foundReport = $state.raw<ReconciliationReport | null>(null);
  /** The running pull sync's progress, until it ends (the first-sync screen). */
  syncProgress = $state.raw<SyncProgress | null>(null);

  /** Closed time and blocks of the week shown (null: not loaded). */
  practiceDays = $state.raw<PracticeDays | null>(null);
  /** Specialties, each calendar's practitioner and rooms, the rooms. */
  practice = $state.raw<PracticeView | null>(null);
  /** The grid narrowed to one specialty (calendar group) or one room. */
  groupFilter = $state<string | null>(null);
  roomFilter = $state<string | null>(null);
  /** The day view by room: a column per room instead of per calendar. */
  byRoom = $state(false);
  /**
   * Every connected sede together in the day view and the agenda (columns
   * grouped by sede). Only offered with more than one location connected.
   */
  allSedes = $state(false);
  /** Every sede on the day shown, and today (the agenda), while `allSedes`. */
  sedesDay = $state.raw<SedesDay | null>(null);
  sedesToday = $state.raw<SedesDay | null>(null);

  prefs = $state.raw<ViewPrefs>(loadPrefs(browserStorage()));
  /** The day picked in the day view (null: today, or the week's Monday). */
  pickedDay = $state<string | null>(null);

  /** The week asked for: any date in it, or null for the location's current week. */
  #requestedWeek: string | null = null;
  #loadSeq = 0;
  #reloading = false;
  #reloadAgain = false;
  #disposed = false;
  /** The first screen is today's day drawn from the agenda (start-up). */
  #drawnFromAgenda = false;
  /** Resolved once the first screen has painted. */
  #paintedNow: () => void = () => undefined;
  readonly #painted = new Promise<void>((resolve) => (this.#paintedNow = resolve));
  // Until the first week arrives, the grid is laid out from the columns of
  // the last run (no citas), while the core is still opening its cache; the
  // same calendar instance then only receives the citas.
  readonly #skeleton: GridSkeleton | null = loadSkeleton(browserStorage());
  #savedSkeleton: string | null = null;

  constructor() {
    // Start-up with today's agenda already answered (main.ts waits a
    // moment for it): the first render draws today's day with its citas.
    const answer = api.startupAgendaAnswer();
    if (answer) this.#showToday(answer);
  }

  get locale(): Locale {
    return this.i18n.locale;
  }

  /** What the grid is drawn from: the week, or the skeleton before the first one. */
  readonly grid = $derived(
    this.week ??
      (this.#skeleton && !this.notConnected && !this.weekError
        ? { ...this.#skeleton, location: { id: this.#skeleton.locationId }, citas: [] as CitaView[] }
        : null),
  );
  readonly mode: ViewMode = $derived(effectiveMode(this.prefs, this.grid?.calendars.length ?? 0));
  /** The grid's row height (zoom), remembered for this user. */
  readonly density: Density = $derived(this.prefs.density ?? DEFAULT_DENSITY);
  readonly locationId = $derived(this.grid?.location.id ?? "");
  readonly weekIds = $derived(
    this.grid ? weekCalendarIds(this.grid.calendars, this.prefs.weekCalendars?.[this.locationId]) : [],
  );
  readonly day = $derived(
    this.grid
      ? this.pickedDay && isInWeek(this.pickedDay, this.grid.weekStart)
        ? this.pickedDay
        : defaultDay(this.grid.weekStart, this.grid.today)
      : null,
  );
  /** Whether the grid and the agenda show every sede now. */
  readonly showingSedes = $derived(this.allSedes && this.locations.length > 1);
  readonly #sedesGrid = $derived(this.showingSedes && this.mode === "day" && this.sedesDay ? sedesColumns(this.sedesDay) : null);
  readonly #sedesAgenda = $derived(this.showingSedes && this.sedesToday ? sedesColumns(this.sedesToday) : null);
  // What the grid shows: the day of every calendar (of every sede, grouped
  // by sede, when asked), or the week of the chosen ones.
  readonly gridCalendars = $derived.by(() => {
    if (this.#sedesGrid) return this.#sedesGrid.calendars;
    if (!this.grid) return [];
    const kept = filterByPractice(this.grid.calendars, this.practice, this.groupFilter, this.roomFilter);
    if (this.mode !== "week") return kept; // the day and the team's week: every calendar
    const ids = this.weekIds; // at most MAX_WEEK_CALENDARS
    return kept.filter((c) => ids.includes(c.id));
  });
  /** The day by room, when asked for in the day view and the location has rooms. */
  readonly roomDay = $derived.by(() => {
    if (!this.byRoom || this.mode !== "day") return null;
    const v = roomView(this.practice, this.gridCalendars, this.gridCitas);
    return v.columns.length > 0 ? v : null;
  });
  /** Each calendar's practitioner (GHL user id), for practitioners' blocks. */
  readonly practitioners = $derived(practitionersOf(this.practice));
  // The last list handed to the grid: a new read with the same citas on
  // screen (the week after today's agenda at start-up, a live change on
  // another day) keeps it, so the grid is not drawn again for nothing.
  #shownCitas: CitaView[] = [];
  readonly gridCitas = $derived.by(() => {
    const next = this.#sedesGrid
      ? citasOnScreen(this.#sedesGrid.citas, this.gridCalendars.map((c) => c.id), this.day)
      : this.grid
        ? citasOnScreen(this.grid.citas, this.gridCalendars.map((c) => c.id), this.mode === "day" ? this.day : null)
        : [];
    if (!sameCitas(next, this.#shownCitas)) this.#shownCitas = next;
    return this.#shownCitas;
  });
  readonly showPicker = $derived(this.mode === "week" && !!this.grid && this.grid.calendars.length > MAX_WEEK_CALENDARS);
  /** Today's agenda as the side list shows it: of the active sede, or of every sede. */
  readonly agendaShown = $derived.by((): DayAgenda | null => {
    const all = this.#sedesAgenda;
    if (!all || !this.sedesToday || !this.agenda) return this.agenda;
    return { ...this.agenda, date: this.sedesToday.date, calendars: all.calendars, citas: all.citas };
  });
  /** The sede (location id) a calendar belongs to, when every sede is shown. */
  sedeOfCalendar(calendarId: string): string | null {
    return this.#sedesGrid?.sedeOfCalendar.get(calendarId) ?? this.#sedesAgenda?.sedeOfCalendar.get(calendarId) ?? null;
  }
  /** The calendars of the location, from the week or else today's agenda. */
  readonly calendars = $derived(this.week?.calendars ?? this.agenda?.calendars ?? []);
  readonly banner = $derived(bannerFor(this.status, this.locale));
  readonly weekLabel = $derived(
    this.week
      ? this.mode === "day" && this.day
        ? capitalizeFirst(longDateLabel(this.day, this.locale), this.locale)
        : this.i18n.t("week.label", { range: weekRangeLabel(this.week.weekStart, this.locale) })
      : this.loading
        ? this.i18n.t("week.loading")
        : "",
  );
  readonly locationName = $derived(this.status?.location?.name ?? this.week?.location.name ?? null);

  #updatePrefs(next: ViewPrefs) {
    this.prefs = next;
    savePrefs(browserStorage(), next);
  }

  async #markReady() {
    if (this.ready) return;
    await tick();
    performance.mark("ui:rendered");
    // One more task so EventCalendar has laid out the citas it was just given,
    // then the next painted frame: that is "interactive" for the start-up benchmark.
    setTimeout(() => {
      performance.mark("ui:task");
      this.ready = true;
      requestAnimationFrame(() => {
        performance.mark("ui:frame");
        this.#paintedNow();
        void api.uiReady(startupMarks()).catch(() => undefined);
      });
    }, 0);
  }

  load = async () => {
    const seq = ++this.#loadSeq;
    this.loading = true;
    const startup = this.#requestedWeek === null ? api.takeStartupReads() : null;
    const agendaRead = startup?.agenda ?? api.dayAgenda(null);
    if (startup && this.#drawnFromAgenda) void this.#markReady(); // drawn at mount (constructor)
    else if (startup && !this.week) void this.#showTodayFirst(agendaRead, seq);
    // At start-up the week is asked once today's screen has painted: its
    // answer (every cita of the week) would otherwise be read by the page
    // before that first frame.
    const weekRead = startup
      ? agendaRead
          .catch(() => null)
          .then(() => (this.#drawnFromAgenda ? this.#firstPaint() : undefined))
          .then(() => api.weekView(null))
          .then((week) => (performance.mark("ui:week-arrived"), week))
      : api.weekView(this.#requestedWeek);
    const [w, a] = await Promise.allSettled([weekRead, agendaRead]);
    // Today's day, drawn from the agenda, is painted before the week (the
    // same citas for that day) is handed to the grid: one layout before the
    // first frame, not two. A window that does not paint (hidden: no
    // animation frames) gets its week a moment later all the same.
    if (this.#drawnFromAgenda) await this.#firstPaint();
    if (seq !== this.#loadSeq) return; // a newer load superseded this one
    if (performance.getEntriesByName("ui:data").length === 0) performance.mark("ui:data");
    this.loading = false;

    const t = this.i18n.t;
    if (w.status === "fulfilled") {
      const week = w.value;
      this.week = week;
      this.weekError = null;
      this.notConnected = false;
      if (week.calendars.length > 0) {
        const next = { locationId: week.location.id, weekStart: week.weekStart, today: week.today, calendars: week.calendars };
        this.#savedSkeleton = saveSkeleton(browserStorage(), next, this.#savedSkeleton);
      }
    } else {
      const error = errorOf(w.reason, t);
      this.week = null;
      this.notConnected = error.code === api.NOT_CONNECTED;
      this.weekError = this.notConnected ? null : error;
    }
    if (w.status === "fulfilled") void this.#loadPractice(w.value.weekStart, seq);
    if (a.status === "fulfilled") {
      this.agenda = a.value;
      this.agendaError = null;
    } else {
      this.agenda = null;
      const error = errorOf(a.reason, t);
      this.agendaError = error.code === api.NOT_CONNECTED ? null : error;
    }
    void this.#markReady();
    if (this.showingSedes) await this.#loadSedes(seq);
  };

  /** The first screen painted, or half a second passed (a hidden window paints no frames). */
  #firstPaint(): Promise<unknown> {
    return Promise.race([this.#painted, new Promise((r) => setTimeout(r, 500))]);
  }

  /** At start-up, the day view of today is drawn from today's agenda, before the week arrives. */
  async #showTodayFirst(agendaRead: Promise<DayAgenda>, seq: number) {
    const agenda = await agendaRead.catch(() => null);
    if (agenda && seq === this.#loadSeq && this.#showToday(agenda)) void this.#markReady();
  }

  /** Today's day as the first screen, from today's agenda; false when it is not what the desk shows first. */
  #showToday(agenda: DayAgenda): boolean {
    if (this.week || this.pickedDay || this.allSedes) return false;
    const first = todayAsFirstWeek(agenda, this.prefs);
    if (!first) return false;
    performance.mark("ui:data");
    this.#drawnFromAgenda = true;
    this.agenda = agenda;
    this.week = first;
    this.notConnected = false;
    return true;
  }

  /** Every sede's day shown and today, for the views of all sedes together. */
  async #loadSedes(seq: number) {
    const day = this.mode === "day" ? this.day : null;
    const [shown, today] = await Promise.allSettled([api.sedesDay(day), api.sedesDay(null)]);
    if (seq !== this.#loadSeq) return;
    this.sedesDay = shown.status === "fulfilled" ? shown.value : null;
    this.sedesToday = today.status === "fulfilled" ? today.value : null;
  }

  /** "Todas las sedes" on or off. */
  setAllSedes = (on: boolean) => {
    this.allSedes = on;
    if (!on) {
      this.sedesDay = null;
      this.sedesToday = null;
    }
    void this.load();
  };

  /** The day view of `date` (from the month or the list). */
  openDay = (date: string) => {
    this.pickedDay = date;
    this.setMode("day");
    this.#goTo(date);
  };

  /** The practice around the week: read from the replica, so a failure only leaves it out. */
  async #loadPractice(weekStart: string, seq: number) {
    const [days, view] = await Promise.allSettled([api.practiceDays(weekStart, 7), api.practiceView()]);
    if (seq !== this.#loadSeq) return;
    this.practiceDays = days.status === "fulfilled" ? days.value : null;
    this.practice = view.status === "fulfilled" ? view.value : null;
  }

  /**
   * A change reloads at once (a live change should be on screen without a
   * wait); changes arriving while that load runs make one more load after
   * it, so a burst costs two loads, not one per change.
   */
  scheduleReload = () => {
    if (this.#reloading) {
      this.#reloadAgain = true;
      return;
    }
    this.#reloading = true;
    void (async () => {
      try {
        do {
          this.#reloadAgain = false;
          await this.load();
        } while (this.#reloadAgain && !this.#disposed);
      } finally {
        this.#reloading = false;
      }
    })();
  };

  #goTo(target: string | null) {
    this.#requestedWeek = target;
    void this.load();
  }
  /** One step back or forward: a day in the day view, else a week. */
  step(direction: 1 | -1) {
    const week = this.week;
    if (!week) return;
    const aim = viewAim(this.pickedDay, this.day ?? week.today, this.#requestedWeek, week.today);
    const next = stepAim(this.mode, aim, direction);
    this.pickedDay = this.mode === "day" ? next.day : null;
    if (next.load) this.#goTo(next.week);
    else if (this.showingSedes) void this.load();
  }
  prevWeek = () => this.step(-1);
  nextWeek = () => this.step(1);
  thisWeek = () => {
    this.pickedDay = null;
    this.#goTo(null);
  };
  setMode = (next: ViewMode) => {
    const changed = next !== this.mode;
    if (changed || this.prefs.mode !== next) this.#updatePrefs(withMode(this.prefs, next));
    if (changed && this.showingSedes) void this.load();
  };
  setDensity = (next: Density) => {
    if (next !== this.prefs.density) this.#updatePrefs(withDensity(this.prefs, next));
  };
  toggleWeekCalendar = (id: string) => {
    if (!this.week) return;
    this.#updatePrefs(withWeekCalendars(this.prefs, this.locationId, toggleCalendar(this.weekIds, id, this.week.calendars)));
  };

  syncNow = async () => {
    if (this.syncing || this.notConnected) return;
    this.syncing = true;
    this.syncError = null;
    const t = this.i18n.t;
    await attempt(() => api.syncNow(), t, (e) => (this.syncError = t("sync.failed", { message: e.message })));
    this.syncing = false;
    await this.load();
  };

  changeLocale = async (next: Locale) => {
    this.i18n.override = next;
    try {
      this.status = await api.setLocale(next);
      this.i18n.override = null;
    } catch {
      // The core did not take it (e.g. not running); keep the choice for this window.
    }
    // Error messages from the core are in the old language; read again.
    if (this.weekError || this.agendaError) void this.load();
  };

  findCita(id: string): CitaView | null {
    return (
      this.week?.citas.find((c) => c.id === id) ??
      this.agenda?.citas.find((c) => c.id === id) ??
      this.sedesDay?.sedes.flatMap((s) => s.citas).find((c) => c.id === id) ??
      this.sedesToday?.sedes.flatMap((s) => s.citas).find((c) => c.id === id) ??
      null
    );
  }

  loadDefaultCalendar() {
    api
      .locationSettings()
      .then((s) => (this.defaultCalendarId = s.defaultCalendarId))
      .catch(() => undefined);
  }

  loadLocations = () => {
    api
      .connections()
      .then((list) => (this.locations = list))
      .catch(() => undefined);
  };

  /**
   * Another location on screen: its week from its own today, its settings.
   * `onswitched` runs as soon as the core has switched (the panels close).
   */
  async switchLocation(locationId: string, onswitched: () => void) {
    if (this.switchingLocation) return;
    this.switchingLocation = true;
    this.switchError = null;
    const t = this.i18n.t;
    const switched = async () => {
      this.status = await api.switchLocation(locationId);
      onswitched();
      this.pickedDay = null;
      this.#requestedWeek = null;
      this.foundReport = null;
      this.loadDefaultCalendar();
      await this.load();
    };
    await attempt(switched, t, (e) => (this.switchError = t("location.switchFailed", { message: e.message })));
    this.switchingLocation = false;
    this.loadLocations();
  }

  /** Reads the status, subscribes to the core's events and loads the first week; returns the clean-up. */
  start(): () => void {
    this.#disposed = false;
    const unlisteners: Array<() => void> = [];

    api
      .appStatus()
      .then((s) => {
        if (!this.#disposed) this.status = s;
      })
      .catch(() => {
        // Shown through the week view's own error; nothing else to do here.
      });

    const subscribe = async () => {
      try {
        unlisteners.push(
          await api.onStatusChanged((next) => {
            const wasDisconnected = this.status?.connection === "not_connected";
            // Another location became active (connected, switched, disconnected elsewhere).
            if ((next.location?.id ?? null) !== (this.status?.location?.id ?? null)) this.loadLocations();
            this.status = next;
            if (next.connection !== "syncing") this.syncProgress = null;
            if (wasDisconnected && next.connection !== "not_connected") this.scheduleReload();
          }),
        );
        unlisteners.push(await api.onReplicaChanged(() => this.scheduleReload()));
        unlisteners.push(await api.onSyncProgress((p) => (this.syncProgress = p)));
        unlisteners.push(
          await api.onReconciliationFound((report) => {
            if (report.counts.total > 0) this.foundReport = report;
          }),
        );
      } catch {
        // No event bridge (not running inside Tauri): the view still works, without live updates.
      }
      if (this.#disposed) unlisteners.forEach((u) => u());
    };
    void subscribe();
    void this.load();
    this.loadDefaultCalendar();
    this.loadLocations();

    return () => {
      this.#disposed = true;
      unlisteners.forEach((u) => u());
    };
  }
}
