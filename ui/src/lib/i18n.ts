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
  "connect.mode.label": string;
  "connect.mode.pit": string;
  "connect.mode.oauth": string;
  "connect.oauthIntro": string;
  "connect.authorizeUrl": string;
  "connect.authorizeUrlHint": string;
  "connect.clientId": string;
  "connect.clientSecret": string;
  "connect.clientSecretHint": string;
  "connect.oauthSubmit": string;
  "connect.oauthWaiting": string;
  "connect.oauthMissing": string;
  "settings.button": string;
  "settings.title": string;
  "settings.connections": string;
  "settings.none": string;
  "settings.active": string;
  "settings.disconnect": string;
  "settings.confirmDisconnect": string;
  "settings.addLocation": string;
  "settings.authPit": string;
  "settings.authOauth": string;
  "health.title": string;
  "health.operation": string;
  "health.calls": string;
  "health.success": string;
  "health.avg": string;
  "health.p95": string;
  "health.retries": string;
  "health.none": string;
  "health.rateLimit": string;
  "health.tokens": string;
  "health.tokenNever": string;
  "health.tokenExpires": string;
  "health.reconnect": string;
  "health.refresh": string;
  "health.error": string;
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
  "connect.mode.label": "Forma de conexión",
  "connect.mode.pit": "Token privado (PIT)",
  "connect.mode.oauth": "App OAuth (Marketplace)",
  "connect.oauthIntro": "Se abrirá la página de GHL en el navegador para elegir la sede y autorizar Citadesk.",
  "connect.authorizeUrl": "Página de autorización de GHL",
  "connect.authorizeUrlHint": "Déjela como está salvo que use un entorno de prueba.",
  "connect.clientId": "Client ID de la app",
  "connect.clientSecret": "Client Secret de la app",
  "connect.clientSecretHint": "Se guarda en el llavero del sistema, nunca en disco.",
  "connect.oauthSubmit": "Abrir GHL y autorizar",
  "connect.oauthWaiting": "Esperando la autorización en el navegador…",
  "connect.oauthMissing": "Complete la URL, el Client ID y el Client Secret.",
  "settings.button": "Ajustes",
  "settings.title": "Ajustes",
  "settings.connections": "Sedes conectadas",
  "settings.none": "No hay sedes conectadas.",
  "settings.active": "activa",
  "settings.disconnect": "Desconectar",
  "settings.confirmDisconnect": "¿Desconectar {name}? Sus tokens se borrarán del llavero.",
  "settings.addLocation": "Conectar otra sede",
  "settings.authPit": "PIT",
  "settings.authOauth": "OAuth",
  "health.title": "Salud de la conexión con GHL",
  "health.operation": "Operación",
  "health.calls": "Llamadas",
  "health.success": "Éxito",
  "health.avg": "Prom. ms",
  "health.p95": "p95 ms",
  "health.retries": "Reintentos",
  "health.none": "Aún no hubo llamadas a GHL en esta sesión.",
  "health.rateLimit": "Límite de GHL: quedan {remaining} de {max} cada {seconds} s; hoy quedan {daily}.",
  "health.tokens": "Tokens",
  "health.tokenNever": "no vence (PIT)",
  "health.tokenExpires": "vence en {minutes} min",
  "health.reconnect": "GHL rechazó la conexión: vuelva a conectar esta sede.",
  "health.refresh": "Actualizar",
  "health.error": "No se pudieron leer las cifras: {message}",
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
  "connect.mode.label": "Connection method",
  "connect.mode.pit": "Private token (PIT)",
  "connect.mode.oauth": "OAuth app (Marketplace)",
  "connect.oauthIntro": "GHL's page opens in the browser to choose the location and authorize Citadesk.",
  "connect.authorizeUrl": "GHL authorization page",
  "connect.authorizeUrlHint": "Leave it as it is unless you use a test environment.",
  "connect.clientId": "App Client ID",
  "connect.clientSecret": "App Client Secret",
  "connect.clientSecretHint": "Kept in the system keychain, never on disk.",
  "connect.oauthSubmit": "Open GHL and authorize",
  "connect.oauthWaiting": "Waiting for the authorization in the browser…",
  "connect.oauthMissing": "Fill in the URL, the Client ID and the Client Secret.",
  "settings.button": "Settings",
  "settings.title": "Settings",
  "settings.connections": "Connected locations",
  "settings.none": "No location is connected.",
  "settings.active": "active",
  "settings.disconnect": "Disconnect",
  "settings.confirmDisconnect": "Disconnect {name}? Its tokens will be removed from the keychain.",
  "settings.addLocation": "Connect another location",
  "settings.authPit": "PIT",
  "settings.authOauth": "OAuth",
  "health.title": "GHL connection health",
  "health.operation": "Operation",
  "health.calls": "Calls",
  "health.success": "Success",
  "health.avg": "Avg ms",
  "health.p95": "p95 ms",
  "health.retries": "Retries",
  "health.none": "No GHL calls yet in this session.",
  "health.rateLimit": "GHL limit: {remaining} of {max} left per {seconds} s; {daily} left today.",
  "health.tokens": "Tokens",
  "health.tokenNever": "does not expire (PIT)",
  "health.tokenExpires": "expires in {minutes} min",
  "health.reconnect": "GHL refused the connection: connect this location again.",
  "health.refresh": "Refresh",
  "health.error": "Could not read the figures: {message}",
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
