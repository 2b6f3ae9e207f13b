// UI strings in every supported language. `Messages` is the single list of
// keys: each dictionary is typed against it, so a key missing from (or added
// only to) one language is a type error in `npm run check`.

import type { Locale } from "../bindings/Locale";

export interface Messages {
  // Header and navigation
  "nav.label": string;
  "nav.prevWeek": string;
  "nav.nextWeek": string;
  "nav.today": string;
  "nav.weekOf": string;
  "nav.prevDay": string;
  "nav.nextDay": string;
  "nav.dayShown": string;
  "view.label": string;
  "view.day": string;
  "view.week": string;
  "view.showDay": string;
  "view.showWeek": string;
  "picker.label": string;
  "picker.limit": string;
  "sync.button": string;
  "sync.running": string;
  "sync.failed": string;
  "locale.switchTo": string;
  "locale.current": string;
  "help.button": string;
  "help.title": string;
  "help.close": string;
  "help.ignoredInInputs": string;
  "keys.left": string;
  "keys.right": string;
  "keys.pageUp": string;
  "keys.pageDown": string;
  "keys.or": string;

  // Week view
  "week.label": string;
  "week.loading": string;
  "week.column": string;
  "week.inactive": string;

  // Agenda
  "agenda.title": string;
  "agenda.empty": string;
  "agenda.count.one": string;
  "agenda.count.other": string;
  "agenda.unavailable": string;
  "agenda.more": string;

  // Citas
  "cita.pendingPush": string;
  "cita.pendingPushHint": string;
  "cita.untitled": string;
  "status.new": string;
  "status.confirmed": string;
  "status.cancelled": string;
  "status.showed": string;
  "status.noshow": string;
  "status.invalid": string;

  // Status bar and banners
  "statusBar.label": string;
  "statusBar.lastSync": string;
  "statusBar.neverSynced": string;
  "statusBar.noLocation": string;
  "statusBar.timeZone": string;
  "statusBar.demo": string;
  "statusBar.demoHint": string;
  "connection.not_connected": string;
  "connection.syncing": string;
  "connection.online": string;
  "connection.offline": string;
  "connection.error": string;
  "banner.offline": string;
  "banner.offlineWithTime": string;
  "banner.errorFallback": string;
  "relay.label": string;
  "relay.lastEvent": string;
  "relay.state.not_configured": string;
  "relay.state.connecting": string;
  "relay.state.catching_up": string;
  "relay.state.connected": string;
  "relay.state.disconnected": string;
  "relay.state.unauthorized": string;
  "relay.settings.open": string;
  "relay.settings.title": string;
  "relay.settings.intro": string;
  "relay.settings.url": string;
  "relay.settings.token": string;
  "relay.settings.tokenHint": string;
  "relay.settings.tokenKept": string;
  "relay.settings.save": string;
  "relay.settings.saving": string;
  "relay.settings.saved": string;
  "relay.settings.clear": string;
  "relay.settings.close": string;
  "relay.settings.missing": string;

  // Empty and error states
  "connect.title": string;
  "connect.intro": string;
  "connect.baseUrl": string;
  "connect.locationId": string;
  "connect.locationIdHint": string;
  "connect.token": string;
  "connect.tokenHint": string;
  "connect.submit": string;
  "connect.checking": string;
  "connect.missing": string;
  "empty.notConnected.title": string;
  "empty.notConnected.body": string;
  "empty.firstSync.title": string;
  "empty.firstSync.body": string;
  "empty.noCalendars.title": string;
  "empty.noCalendars.body": string;
  "error.load.title": string;
  "error.retry": string;
  "error.unknown": string;
}

export type MessageKey = keyof Messages;

const esPE: Messages = {
  "nav.label": "Navegación de semanas",
  "nav.prevWeek": "Semana anterior",
  "nav.nextWeek": "Semana siguiente",
  "nav.today": "Hoy",
  "nav.weekOf": "Semana mostrada",
  "nav.prevDay": "Día anterior",
  "nav.nextDay": "Día siguiente",
  "nav.dayShown": "Día mostrado",
  "view.label": "Vista",
  "view.day": "Día",
  "view.week": "Semana",
  "view.showDay": "Ver el día con todos los calendarios",
  "view.showWeek": "Ver la semana de los calendarios elegidos",
  "picker.label": "Calendarios en la semana",
  "picker.limit": "Hasta {max} calendarios a la vez en la semana; la vista Día los muestra todos.",
  "sync.button": "Sincronizar",
  "sync.running": "Sincronizando…",
  "sync.failed": "No se pudo sincronizar: {message}",
  "locale.switchTo": "Cambiar idioma a inglés",
  "locale.current": "Idioma: español",
  "help.button": "Atajos de teclado",
  "help.title": "Atajos de teclado",
  "help.close": "Cerrar",
  "help.ignoredInInputs": "Los atajos no actúan mientras escribes en un campo.",
  "keys.left": "←",
  "keys.right": "→",
  "keys.pageUp": "RePág",
  "keys.pageDown": "AvPág",
  "keys.or": "o",

  "week.label": "Semana del {range}",
  "week.loading": "Cargando semana…",
  "week.column": "Calendario",
  "week.inactive": "inactivo",

  "agenda.title": "Agenda de hoy",
  "agenda.empty": "No hay citas para hoy.",
  "agenda.count.one": "1 cita",
  "agenda.count.other": "{count} citas",
  "agenda.unavailable": "No se pudo cargar la agenda de hoy.",
  "agenda.more": "{count} citas más…",

  "cita.pendingPush": "No enviada a GHL",
  "cita.pendingPushHint": "Guardada en este equipo; se enviará a GHL cuando haya conexión.",
  "cita.untitled": "(sin título)",
  "status.new": "pendiente",
  "status.confirmed": "confirmada",
  "status.cancelled": "cancelada",
  "status.showed": "asistió",
  "status.noshow": "no asistió",
  "status.invalid": "inválida",

  "statusBar.label": "Estado",
  "statusBar.lastSync": "Última sincronización {time}",
  "statusBar.neverSynced": "Aún sin sincronizar",
  "statusBar.noLocation": "Ninguna sede conectada",
  "statusBar.timeZone": "Zona horaria",
  "statusBar.demo": "Demo",
  "statusBar.demoHint": "Clínica de demostración: los datos no son reales.",
  "connection.not_connected": "Sin conectar",
  "connection.syncing": "Sincronizando",
  "connection.online": "En línea",
  "connection.offline": "Sin conexión",
  "connection.error": "Error",
  "banner.offline": "Sin conexión: mostrando datos guardados",
  "banner.offlineWithTime": "Sin conexión: mostrando datos guardados, última sincronización {time}",
  "banner.errorFallback": "GHL rechazó la última operación.",
  "relay.label": "Relay",
  "relay.lastEvent": "último cambio {time}",
  "relay.state.not_configured": "sin configurar",
  "relay.state.connecting": "conectando…",
  "relay.state.catching_up": "poniéndose al día…",
  "relay.state.connected": "conectado",
  "relay.state.disconnected": "desconectado",
  "relay.state.unauthorized": "token rechazado",
  "relay.settings.open": "Ajustes del relay (cambios en vivo)",
  "relay.settings.title": "Cambios en vivo (relay)",
  "relay.settings.intro":
    "El relay recibe los webhooks de GHL y los envía a esta computadora al instante. Pida la URL y un token de instalación a quien administra el relay.",
  "relay.settings.url": "URL del relay",
  "relay.settings.token": "Token de instalación",
  "relay.settings.tokenHint": "Se guarda solo en el llavero del sistema.",
  "relay.settings.tokenKept": "Hay un token guardado; déjelo vacío para conservarlo.",
  "relay.settings.save": "Guardar",
  "relay.settings.saving": "Guardando…",
  "relay.settings.saved": "Guardado. Conectando con el relay…",
  "relay.settings.clear": "Quitar relay",
  "relay.settings.close": "Cerrar",
  "relay.settings.missing": "Escriba la URL del relay y el token de instalación.",

  "connect.title": "Conectar GHL",
  "connect.intro":
    "Conecte la sede (sub-cuenta) de GoHighLevel de la clínica. El token se verifica con GHL y se guarda solo en el llavero del sistema.",
  "connect.baseUrl": "URL de la API de GHL",
  "connect.locationId": "ID de la sede (location id)",
  "connect.locationIdHint": "En GHL: Configuración › Perfil de la empresa.",
  "connect.token": "Token de integración privada (PIT)",
  "connect.tokenHint": "En GHL: Configuración › Integraciones privadas. Nunca se guarda en disco.",
  "connect.submit": "Conectar",
  "connect.checking": "Verificando con GHL…",
  "connect.missing": "Complete la URL, el ID de la sede y el token.",
  "empty.notConnected.title": "Ninguna sede de GHL conectada",
  "empty.notConnected.body":
    "Todavía no hay una sede (sub-cuenta) de GoHighLevel conectada a Citadesk. Cuando se conecte una, aquí verás sus citas.",
  "empty.firstSync.title": "Sincronizando con GHL…",
  "empty.firstSync.body": "Trayendo los calendarios y las citas de la sede. La agenda aparecerá en unos segundos.",
  "empty.noCalendars.title": "Esta sede no tiene calendarios",
  "empty.noCalendars.body":
    "La sede está conectada, pero GHL no devolvió ningún calendario. Crea uno en GHL y pulsa «Sincronizar».",
  "error.load.title": "No se pudieron cargar las citas",
  "error.retry": "Reintentar",
  "error.unknown": "Error inesperado.",
};

const en: Messages = {
  "nav.label": "Week navigation",
  "nav.prevWeek": "Previous week",
  "nav.nextWeek": "Next week",
  "nav.today": "Today",
  "nav.weekOf": "Week shown",
  "nav.prevDay": "Previous day",
  "nav.nextDay": "Next day",
  "nav.dayShown": "Day shown",
  "view.label": "View",
  "view.day": "Day",
  "view.week": "Week",
  "view.showDay": "Show the day with every calendar",
  "view.showWeek": "Show the week of the chosen calendars",
  "picker.label": "Calendars in the week",
  "picker.limit": "Up to {max} calendars at once in the week; the Day view shows them all.",
  "sync.button": "Sync",
  "sync.running": "Syncing…",
  "sync.failed": "Could not sync: {message}",
  "locale.switchTo": "Switch language to Spanish",
  "locale.current": "Language: English",
  "help.button": "Keyboard shortcuts",
  "help.title": "Keyboard shortcuts",
  "help.close": "Close",
  "help.ignoredInInputs": "Shortcuts do nothing while you type in a field.",
  "keys.left": "←",
  "keys.right": "→",
  "keys.pageUp": "PgUp",
  "keys.pageDown": "PgDn",
  "keys.or": "or",

  "week.label": "Week of {range}",
  "week.loading": "Loading week…",
  "week.column": "Calendar",
  "week.inactive": "inactive",

  "agenda.title": "Today's agenda",
  "agenda.empty": "No appointments today.",
  "agenda.count.one": "1 appointment",
  "agenda.count.other": "{count} appointments",
  "agenda.unavailable": "Today's agenda could not be loaded.",
  "agenda.more": "{count} more…",

  "cita.pendingPush": "Not yet in GHL",
  "cita.pendingPushHint": "Saved on this computer; it will be sent to GHL when the connection is back.",
  "cita.untitled": "(untitled)",
  "status.new": "pending",
  "status.confirmed": "confirmed",
  "status.cancelled": "cancelled",
  "status.showed": "showed",
  "status.noshow": "no-show",
  "status.invalid": "invalid",

  "statusBar.label": "Status",
  "statusBar.lastSync": "Last sync {time}",
  "statusBar.neverSynced": "Not synced yet",
  "statusBar.noLocation": "No location connected",
  "statusBar.timeZone": "Time zone",
  "statusBar.demo": "Demo",
  "statusBar.demoHint": "Demo clinic: the data is not real.",
  "connection.not_connected": "Not connected",
  "connection.syncing": "Syncing",
  "connection.online": "Online",
  "connection.offline": "Offline",
  "connection.error": "Error",
  "banner.offline": "Offline: showing saved data",
  "banner.offlineWithTime": "Offline: showing saved data, last sync {time}",
  "banner.errorFallback": "GHL refused the last operation.",
  "relay.label": "Relay",
  "relay.lastEvent": "last change {time}",
  "relay.state.not_configured": "not set up",
  "relay.state.connecting": "connecting…",
  "relay.state.catching_up": "catching up…",
  "relay.state.connected": "connected",
  "relay.state.disconnected": "disconnected",
  "relay.state.unauthorized": "token refused",
  "relay.settings.open": "Relay settings (live changes)",
  "relay.settings.title": "Live changes (relay)",
  "relay.settings.intro":
    "The relay receives GHL's webhooks and sends them to this computer at once. Ask whoever runs the relay for its URL and an install token.",
  "relay.settings.url": "Relay URL",
  "relay.settings.token": "Install token",
  "relay.settings.tokenHint": "Kept only in the system keychain.",
  "relay.settings.tokenKept": "A token is saved; leave this empty to keep it.",
  "relay.settings.save": "Save",
  "relay.settings.saving": "Saving…",
  "relay.settings.saved": "Saved. Connecting to the relay…",
  "relay.settings.clear": "Remove relay",
  "relay.settings.close": "Close",
  "relay.settings.missing": "Enter the relay URL and the install token.",

  "connect.title": "Connect GHL",
  "connect.intro":
    "Connect the clinic's GoHighLevel location (sub-account). The token is checked with GHL and kept only in the system keychain.",
  "connect.baseUrl": "GHL API URL",
  "connect.locationId": "Location id",
  "connect.locationIdHint": "In GHL: Settings › Business Profile.",
  "connect.token": "Private Integration Token (PIT)",
  "connect.tokenHint": "In GHL: Settings › Private Integrations. Never written to disk.",
  "connect.submit": "Connect",
  "connect.checking": "Checking with GHL…",
  "connect.missing": "Fill in the URL, the location id and the token.",
  "empty.notConnected.title": "No GHL location connected",
  "empty.notConnected.body":
    "No GoHighLevel location (sub-account) is connected to Citadesk yet. Once one is connected, its appointments will show here.",
  "empty.firstSync.title": "Syncing with GHL…",
  "empty.firstSync.body": "Fetching the location's calendars and citas. The agenda appears in a few seconds.",
  "empty.noCalendars.title": "This location has no calendars",
  "empty.noCalendars.body":
    "The location is connected, but GHL returned no calendars. Create one in GHL, then press “Sync”.",
  "error.load.title": "Could not load the appointments",
  "error.retry": "Retry",
  "error.unknown": "Unexpected error.",
};

export const dictionaries: Readonly<Record<Locale, Messages>> = {
  "es-PE": esPE,
  en,
};

export const LOCALES: readonly Locale[] = ["es-PE", "en"];
export const DEFAULT_LOCALE: Locale = "es-PE";

export type Params = Readonly<Record<string, string | number>>;

/** Fills `{name}` placeholders; an unknown placeholder is left visible. */
export function interpolate(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

export function translate(locale: Locale, key: MessageKey, params?: Params): string {
  const dict = dictionaries[locale] ?? dictionaries[DEFAULT_LOCALE];
  return interpolate(dict[key], params);
}

export type Translator = (key: MessageKey, params?: Params) => string;

export function translator(locale: Locale): Translator {
  return (key, params) => translate(locale, key, params);
}

export function otherLocale(locale: Locale): Locale {
  return locale === "es-PE" ? "en" : "es-PE";
}

/** Short label shown on the language switch for a locale. */
export function localeShortName(locale: Locale): string {
  return locale === "es-PE" ? "ES" : "EN";
}
