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
  "density.label": string;
  "density.compact": string;
  "density.normal": string;
  "density.roomy": string;
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
  "reminderState.queued": string;
  "reminderState.scheduled": string;
  "reminderState.sent": string;
  "reminderState.failed": string;
  "reminderState.skipped": string;
  "reminderState.withdrawn": string;
  "reminderState.confirmed_by_patient": string;
  "reminderState.reschedule_requested": string;
  "reminderState.cancelled_by_patient": string;
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
  // Reminders and patients' answers
  "reminders.open": string;
  "reminders.title": string;
  "reminders.enabled": string;
  "reminders.templatesHint": string;
  "reminders.rule": string;
  "reminders.when": string;
  "reminders.when.daysBefore": string;
  "reminders.when.minutesBefore": string;
  "reminders.whenKind.days": string;
  "reminders.whenKind.minutes": string;
  "reminders.channel": string;
  "reminders.channel.whatsapp_else_sms": string;
  "reminders.channel.whatsapp": string;
  "reminders.channel.sms": string;
  "reminders.quiet": string;
  "reminders.statuses": string;
  "reminders.language": string;
  "reminders.messageEs": string;
  "reminders.messageEn": string;
  "reminders.placeholders": string;
  "reminders.template": string;
  "reminders.preview": string;
  "reminders.add": string;
  "reminders.remove": string;
  "reminders.save": string;
  "reminders.saved": string;
  "reminders.incomplete": string;
  "reminders.panel": string;
  "reminders.none": string;
  "reminders.due": string;
  "reminders.sendNow": string;
  "reminders.sending": string;
  "inbox.button": string;
  "inbox.count": string;
  "inbox.title": string;
  "inbox.empty": string;
  "inbox.handled": string;
  "inbox.call": string;
  "inbox.cita": string;
  "inbox.rules": string;
  "inbox.reschedule": string;
  "inbox.slots": string;
  "inbox.slotsLoading": string;
  "inbox.slotsNone": string;
  "inbox.moved": string;
  "rate.week": string;

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
  "connections.button": string;
  "connections.title": string;
  "connections.connections": string;
  "connections.none": string;
  "connections.active": string;
  "connections.disconnect": string;
  "connections.confirmDisconnect": string;
  "connections.addLocation": string;
  "connections.authPit": string;
  "connections.authOauth": string;
  "health.title": string;
  "view.panel": string;
  "view.showPanel": string;
  "panel.title": string;
  "panel.from": string;
  "panel.to": string;
  "panel.location": string;
  "panel.refresh": string;
  "panel.loading": string;
  "panel.error": string;
  "panel.export": string;
  "panel.exported": string;
  "panel.table": string;
  "panel.day": string;
  "panel.elapsed": string;
  "panel.chart.citas_per_day": string;
  "panel.chart.rates": string;
  "panel.chart.patients": string;
  "panel.chart.differences": string;
  "panel.chart.occupancy": string;
  "panel.chart.confirmations": string;
  "panel.status.total": string;
  "panel.status.showed": string;
  "panel.status.confirmed": string;
  "panel.status.new": string;
  "panel.status.noshow": string;
  "panel.status.cancelled": string;
  "panel.rate.noShow": string;
  "panel.rate.cancellation": string;
  "panel.patients.new": string;
  "panel.patients.returning": string;
  "panel.differences.count": string;
  "panel.occ.calendar": string;
  "panel.occ.practitioner": string;
  "panel.occ.booked": string;
  "panel.occ.open": string;
  "panel.occ.rate": string;
  "panel.occ.fallback": string;
  "panel.confirmations.noData": string;
  "panel.confirmations.rate": string;
  "panel.health.overall": string;
  "panel.health.ghl": string;
  "panel.health.webhooks": string;
  "alerts.title": string;
  "alerts.none": string;
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
  "empty.firstSync.progress": string;
  "empty.noCalendars.title": string;
  "empty.noCalendars.body": string;
  "error.load.title": string;
  "error.retry": string;
  "error.unknown": string;

  // Booking desk, reconciliation, settings
  "desk.newCita": string;
  "view.reconcile": string;
  "view.desk": string;
  "view.showReconcile": string;
  "settings.button": string;
  "help.saveDialog": string;
  "help.closeDialog": string;
  "booking.title": string;
  "booking.patient": string;
  "booking.patientSearch": string;
  "booking.searchGhl": string;
  "booking.searchingGhl": string;
  "booking.noResults": string;
  "booking.noGhlResults": string;
  "booking.searchFailed": string;
  "booking.newPatient": string;
  "booking.existingPatient": string;
  "booking.change": string;
  "booking.firstName": string;
  "booking.lastName": string;
  "booking.phone": string;
  "booking.email": string;
  "booking.newPatientHint": string;
  "booking.calendar": string;
  "booking.date": string;
  "booking.datePlaceholder": string;
  "booking.start": string;
  "booking.duration": string;
  "booking.ends": string;
  "booking.citaTitle": string;
  "booking.titlePlaceholder": string;
  "booking.notes": string;
  "booking.freeSlots": string;
  "booking.freeSlotsLoading": string;
  "booking.freeSlotsNone": string;
  "booking.freeSlotsError": string;
  "booking.overrideReason": string;
  "booking.overrideHint": string;
  "booking.strictMode": string;
  "booking.save": string;
  "booking.saving": string;
  "booking.confirmed": string;
  "booking.pending": string;
  "booking.another": string;
  "booking.checkFailed": string;
  "booking.hint.time": string;
  "booking.hint.patient": string;
  "booking.hint.firstName": string;
  "booking.hint.contact": string;
  "booking.hint.checking": string;
  "booking.hint.blocked": string;
  "booking.hint.reason": string;
  "booking.severity.warning": string;
  "booking.severity.blocking": string;
  "booking.keys": string;
  "cita.details": string;
  "cita.patient": string;
  "cita.when": string;
  "cita.status": string;
  "cita.calendar": string;
  "cita.confirm": string;
  "cita.markShowed": string;
  "cita.markNoshow": string;
  "cita.cancel": string;
  "cita.cancelReason": string;
  "cita.cancelConfirm": string;
  "cita.back": string;
  "cita.reschedule": string;
  "cita.rescheduleSave": string;
  "cita.overrideNeeded": string;
  "cita.overrideReason": string;
  "cita.history": string;
  "cita.historyEmpty": string;
  "cita.historyLoading": string;
  "cita.auditReason": string;
  "cita.auditGhl": string;
  "cita.auditChange": string;
  "cita.done": string;
  "cita.donePending": string;
  "cita.moveFailed": string;
  "cita.notFound": string;
  "location.switch": string;
  "location.switchAction": string;
  "location.switchFailed": string;
  "patient.edit": string;
  "patient.editTitle": string;
  "patient.firstName": string;
  "patient.lastName": string;
  "patient.phone": string;
  "patient.email": string;
  "patient.save": string;
  "patient.loading": string;
  "patient.saved": string;
  "patient.error.name": string;
  "patient.error.cannotClear": string;
  "patient.error.phone": string;
  "patient.error.email": string;
  "statusBar.pending.one": string;
  "statusBar.pending.other": string;
  "refusal.title": string;
  "refusal.ack": string;
  "reconcile.title": string;
  "reconcile.now": string;
  "reconcile.running": string;
  "reconcile.progress": string;
  "reconcile.history": string;
  "reconcile.none": string;
  "reconcile.loadFailed": string;
  "reconcile.runFailed": string;
  "reconcile.fecha": string;
  "reconcile.differences": string;
  "reconcile.ghlCalls": string;
  "reconcile.duration": string;
  "reconcile.window": string;
  "reconcile.reportOf": string;
  "reconcile.pick": string;
  "reconcile.cat.faltantes_local": string;
  "reconcile.cat.canceladas_no_actualizadas": string;
  "reconcile.cat.desincronizadas": string;
  "reconcile.cat.faltantes_remoto": string;
  "reconcile.filter.category": string;
  "reconcile.filter.calendar": string;
  "reconcile.filter.allCategories": string;
  "reconcile.filter.allCalendars": string;
  "reconcile.fix.take_ghl": string;
  "reconcile.fix.push_local": string;
  "reconcile.fix.mark_cancelled": string;
  "reconcile.fix.recreate": string;
  "reconcile.fixFor": string;
  "reconcile.select": string;
  "reconcile.selectAll": string;
  "reconcile.apply": string;
  "reconcile.applySelected": string;
  "reconcile.applying": string;
  "reconcile.applyFailed": string;
  "reconcile.outcome": string;
  "reconcile.again": string;
  "reconcile.exportJson": string;
  "reconcile.exportCsv": string;
  "reconcile.exported": string;
  "reconcile.exportFailed": string;
  "reconcile.noLines": string;
  "reconcile.noMatch": string;
  "reconcile.local": string;
  "reconcile.ghl": string;
  "reconcile.missingValue": string;
  "reconcile.campo.start": string;
  "reconcile.campo.end": string;
  "reconcile.campo.status": string;
  "reconcile.campo.calendar": string;
  "reconcile.campo.contact": string;
  "reconcile.campo.title": string;
  "reconcile.campo.assigned_user": string;
  "reconcile.found": string;
  "reconcile.open": string;
  "reconcile.lostWebhook": string;
  "reconcile.via.webhook": string;
  "reconcile.via.pull": string;
  "reconcile.healedSummary": string;
  "settings.title": string;
  "settings.overlapMode": string;
  "settings.flexible": string;
  "settings.strict": string;
  "settings.defaultCalendar": string;
  "settings.none": string;
  "settings.fallbackHours": string;
  "settings.open": string;
  "settings.close": string;
  "settings.reconcileAt": string;
  "settings.daysBack": string;
  "settings.daysAhead": string;
  "settings.timeZone": string;
  "settings.save": string;
  "settings.saved": string;
  "settings.loading": string;
  "settings.failed": string;
  "settings.loadFailed": string;

  // About, updates
  "about.button": string;
  "about.title": string;
  "about.version": string;
  "about.dataDir": string;
  "about.logDir": string;
  "about.copyDiagnostics": string;
  "about.copied": string;
  "about.copyManual": string;
  "about.autostart": string;
  "about.updates": string;
  "about.feedUrl": string;
  "about.holdVersion": string;
  "about.saveUpdates": string;
  "about.checkNow": string;
  "about.failed": string;
  "update.phase.idle": string;
  "update.phase.checking": string;
  "update.phase.up_to_date": string;
  "update.phase.ready": string;
  "update.phase.held": string;
  "update.phase.refused": string;
  "update.phase.installing": string;
  "update.banner": string;
  "update.install": string;
  "update.installBusy": string;
  "settings.invalidTime": string;
  "settings.closeBeforeOpen": string;
  "settings.invalidDaysBack": string;
  "settings.invalidDaysAhead": string;
  // Staff sign-in (issue #18)
  "staff.signIn.title": string;
  "staff.signIn.hint": string;
  "staff.signIn.who": string;
  "staff.signIn.pin": string;
  "staff.signIn.submit": string;
  "staff.signIn.checking": string;
  "staff.signIn.lockedMark": string;
  "staff.role.recepcion": string;
  "staff.role.gerencia": string;
  "staff.title": string;
  "staff.button": string;
  "staff.first.body": string;
  "staff.first.title": string;
  "staff.first.submit": string;
  "staff.name": string;
  "staff.role": string;
  "staff.roleOf": string;
  "staff.pin": string;
  "staff.newPin": string;
  "staff.resetPin": string;
  "staff.save": string;
  "staff.saved": string;
  "staff.added": string;
  "staff.pinReset": string;
  "staff.add": string;
  "staff.ghlUser": string;
  "staff.ghlUser.none": string;
  "staff.lockAfter": string;
  "staff.switchUser": string;
  "staff.signedIn": string;
  "connect.firstPerson": string;
  "practice.block": string;
  "practice.blocked": string;
  "practice.blockTitle": string;
  "practice.blockHint": string;
  "practice.reason": string;
  "practice.reasonPlaceholder": string;
  "practice.wholePractitioner": string;
  "practice.save": string;
  "practice.saved": string;
  "practice.savedPending": string;
  "practice.moveTitle": string;
  "practice.move": string;
  "practice.remove": string;
  "practice.removed": string;
  "practice.room": string;
  "practice.rooms": string;
  "practice.noRoom": string;
  "practice.filterSpecialty": string;
  "practice.filterRoom": string;
  "practice.all": string;
  "practice.closed": string;
  "help.block": string;
  "practice.byRoom": string;
  // Month, list, printed day, all sedes (#17)
  "view.month": string;
  "view.list": string;
  "view.print": string;
  "view.showMonth": string;
  "view.showList": string;
  "view.showPrint": string;
  "view.team": string;
  "view.showTeam": string;
  "team.caption": string;
  "team.practitioner": string;
  "team.openDay": string;
  "team.newCita": string;
  "sedes.all": string;
  "sedes.allHint": string;
  "sedes.switchedTo": string;
  "month.title": string;
  "month.prev": string;
  "month.next": string;
  "month.thisMonth": string;
  "month.citas": string;
  "month.free": string;
  "month.closed": string;
  "month.cancelled": string;
  "month.more": string;
  "month.dayAria": string;
  "month.allCalendars": string;
  "month.calendar": string;
  "month.loading": string;
  "month.error": string;
  "list.title": string;
  "list.from": string;
  "list.to": string;
  "list.status": string;
  "list.anyStatus": string;
  "list.calendar": string;
  "list.anyCalendar": string;
  "list.practitioner": string;
  "list.anyPractitioner": string;
  "list.patient": string;
  "list.patientPlaceholder": string;
  "list.colDate": string;
  "list.colTime": string;
  "list.colCalendar": string;
  "list.colPractitioner": string;
  "list.colPatient": string;
  "list.colStatus": string;
  "list.colTitle": string;
  "list.total": string;
  "list.export": string;
  "list.exported": string;
  "list.error": string;
  "list.empty": string;
  "list.loadingRow": string;
  "list.openDay": string;
  "list.sortBy": string;
  "print.title": string;
  "print.date": string;
  "print.who": string;
  "print.everyone": string;
  "print.print": string;
  "print.colTime": string;
  "print.colPatient": string;
  "print.colPhone": string;
  "print.colStatus": string;
  "print.colNotes": string;
  "print.none": string;
  "print.printedAt": string;
  "print.error": string;
  "help.month": string;
  "help.list": string;
  "help.print": string;
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
  "density.label": "Alto de las filas",
  "density.compact": "Filas compactas",
  "density.normal": "Filas normales",
  "density.roomy": "Filas amplias",
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
  "reminderState.queued": "Recordatorio por enviar",
  "reminderState.scheduled": "Recordatorio programado",
  "reminderState.sent": "Recordatorio enviado",
  "reminderState.failed": "El recordatorio falló",
  "reminderState.skipped": "Recordatorio omitido",
  "reminderState.withdrawn": "Recordatorio retirado",
  "reminderState.confirmed_by_patient": "Confirmada por el paciente",
  "reminderState.reschedule_requested": "El paciente pidió reprogramar",
  "reminderState.cancelled_by_patient": "Cancelada por el paciente",
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
  "reminders.open": "Recordatorios",
  "reminders.title": "Recordatorios por WhatsApp o SMS",
  "reminders.enabled": "Enviar recordatorios en esta sede",
  "reminders.templatesHint": "WhatsApp exige plantillas aprobadas para mensajes fuera de 24 horas: créelas en GHL y escriba su id abajo.",
  "reminders.rule": "Regla {n}",
  "reminders.when": "Cuándo",
  "reminders.when.daysBefore": "días antes, a las",
  "reminders.when.minutesBefore": "minutos antes",
  "reminders.whenKind.days": "Días antes a una hora",
  "reminders.whenKind.minutes": "Minutos antes",
  "reminders.channel": "Canal",
  "reminders.channel.whatsapp_else_sms": "WhatsApp, si no SMS",
  "reminders.channel.whatsapp": "Solo WhatsApp",
  "reminders.channel.sms": "Solo SMS",
  "reminders.quiet": "Horas de silencio (se envía al terminar)",
  "reminders.statuses": "Estados que se recuerdan",
  "reminders.language": "Idioma del mensaje",
  "reminders.messageEs": "Mensaje en español",
  "reminders.messageEn": "Mensaje en inglés",
  "reminders.placeholders": "Marcadores (nombres en español o inglés); se añade «1 Confirmar, 2 Reprogramar, 3 Cancelar»:",
  "reminders.template": "Id de plantilla de WhatsApp en GHL (opcional)",
  "reminders.preview": "Vista previa",
  "reminders.add": "Añadir regla",
  "reminders.remove": "Quitar regla",
  "reminders.save": "Guardar reglas",
  "reminders.saved": "Reglas guardadas.",
  "reminders.incomplete": "Complete horas (HH:MM), un estado y el mensaje de cada regla.",
  "reminders.panel": "Recordatorio",
  "reminders.none": "Sin recordatorio todavía.",
  "reminders.due": "{words} · {due} por {channel}",
  "reminders.sendNow": "Enviar recordatorio ahora",
  "reminders.sending": "Enviando…",
  "inbox.button": "Respuestas",
  "inbox.count": "{count} respuestas por atender",
  "inbox.title": "Respuestas de pacientes",
  "inbox.empty": "Ninguna respuesta por atender.",
  "inbox.handled": "Marcar atendida",
  "inbox.call": "Llamar",
  "inbox.cita": "Cita: {when}",
  "inbox.rules": "Reglas de recordatorio…",
  "inbox.reschedule": "Reprogramar…",
  "inbox.slots": "Huecos libres: un clic mueve la cita y marca la respuesta atendida",
  "inbox.slotsLoading": "Buscando huecos libres…",
  "inbox.slotsNone": "No hay huecos libres en los próximos 7 días.",
  "inbox.moved": "Cita de {patient} movida al {when}.",
  "rate.week": "Confirmadas esta semana: {confirmed} de {reminded} ({percent} %)",

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
  "connections.button": "Sedes y estado de GHL",
  "connections.title": "Sedes conectadas y estado de GHL",
  "connections.connections": "Sedes conectadas",
  "connections.none": "No hay sedes conectadas.",
  "connections.active": "activa",
  "connections.disconnect": "Desconectar",
  "connections.confirmDisconnect": "¿Desconectar {name}? Sus tokens se borrarán del llavero.",
  "connections.addLocation": "Conectar otra sede",
  "connections.authPit": "PIT",
  "connections.authOauth": "OAuth",
  "health.title": "Salud de la conexión con GHL",
  "view.panel": "Panel",
  "view.showPanel": "Mostrar el panel de gerencia",
  "panel.title": "Panel de gerencia",
  "panel.from": "Desde",
  "panel.to": "Hasta",
  "panel.location": "Sede",
  "panel.refresh": "Actualizar",
  "panel.loading": "Calculando…",
  "panel.error": "No se pudo calcular el panel: {message}",
  "panel.export": "Exportar CSV",
  "panel.exported": "Guardado en {path}",
  "panel.table": "Ver las cifras en una tabla",
  "panel.day": "Día",
  "panel.elapsed": "Calculado en {ms} ms",
  "panel.chart.citas_per_day": "Citas por día según estado",
  "panel.chart.rates": "Inasistencias y cancelaciones (%)",
  "panel.chart.patients": "Pacientes nuevos y recurrentes",
  "panel.chart.differences": "Diferencias de reconciliación por día",
  "panel.chart.occupancy": "Ocupación por profesional",
  "panel.chart.confirmations": "Tasa de confirmación de recordatorios",
  "panel.status.total": "Total",
  "panel.status.showed": "Asistió",
  "panel.status.confirmed": "Confirmada",
  "panel.status.new": "Pendiente",
  "panel.status.noshow": "No asistió",
  "panel.status.cancelled": "Cancelada",
  "panel.rate.noShow": "Inasistencia (de las atendidas o no)",
  "panel.rate.cancellation": "Cancelación",
  "panel.patients.new": "Nuevos",
  "panel.patients.returning": "Recurrentes",
  "panel.differences.count": "Diferencias",
  "panel.occ.calendar": "Calendario",
  "panel.occ.practitioner": "Profesional",
  "panel.occ.booked": "Min. reservados",
  "panel.occ.open": "Min. de atención",
  "panel.occ.rate": "Ocupación",
  "panel.occ.fallback": "Sin horario en GHL: se usa el horario de respaldo de Ajustes.",
  "panel.confirmations.noData": "Sin datos: ninguna cita de estas fechas tuvo recordatorio.",
  "panel.confirmations.rate": "Confirmadas por el paciente (% de las recordadas)",
  "panel.health.overall": "Salud general",
  "panel.health.ghl": "GHL",
  "panel.health.webhooks": "Webhooks",
  "alerts.title": "Alertas",
  "alerts.none": "Ninguna alerta abierta.",
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
  "empty.firstSync.progress": "Primera sincronización: calendarios {done} de {total} · {citas} citas · {patients} pacientes.",
  "empty.noCalendars.title": "Esta sede no tiene calendarios",
  "empty.noCalendars.body":
    "La sede está conectada, pero GHL no devolvió ningún calendario. Crea uno en GHL y pulsa «Sincronizar».",
  "error.load.title": "No se pudieron cargar las citas",
  "error.retry": "Reintentar",
  "error.unknown": "Error inesperado.",

  "desk.newCita": "Nueva cita",
  "view.reconcile": "Reconciliación",
  "view.desk": "Agenda",
  "view.showReconcile": "Abrir la reconciliación con GHL",
  "settings.button": "Ajustes de la sede",
  "help.saveDialog": "Guardar la cita (en el diálogo)",
  "help.closeDialog": "Cerrar diálogo o panel",
  "booking.title": "Nueva cita",
  "booking.patient": "Paciente",
  "booking.patientSearch": "Buscar por nombre, teléfono o correo",
  "booking.searchGhl": "Buscar en GHL",
  "booking.searchingGhl": "Buscando en GHL…",
  "booking.noResults": "Nadie con ese dato en este equipo.",
  "booking.noGhlResults": "GHL tampoco lo encontró. Registre un paciente nuevo.",
  "booking.searchFailed": "No se pudo buscar: {message}",
  "booking.newPatient": "Paciente nuevo",
  "booking.existingPatient": "Buscar paciente existente",
  "booking.change": "Cambiar",
  "booking.firstName": "Nombre",
  "booking.lastName": "Apellido",
  "booking.phone": "Teléfono",
  "booking.email": "Correo",
  "booking.newPatientHint": "GHL revisa el teléfono y el correo para no duplicar al paciente.",
  "booking.calendar": "Calendario / profesional",
  "booking.date": "Fecha",
  "booking.datePlaceholder": "AAAA-MM-DD",
  "booking.start": "Inicio",
  "booking.duration": "Duración (min)",
  "booking.ends": "Termina a las {time}",
  "booking.citaTitle": "Título",
  "booking.titlePlaceholder": "Por defecto: «Cita»",
  "booking.notes": "Notas",
  "booking.freeSlots": "Próximos huecos libres",
  "booking.freeSlotsLoading": "Consultando a GHL…",
  "booking.freeSlotsNone": "GHL no tiene huecos libres en los próximos 7 días.",
  "booking.freeSlotsError": "No se pudieron traer los huecos libres: {message}",
  "booking.overrideReason": "Motivo para guardar pese a las advertencias",
  "booking.overrideHint": "Queda en el historial de la cita con su nombre.",
  "booking.strictMode": "Modo estricto: las advertencias impiden guardar.",
  "booking.save": "Guardar",
  "booking.saving": "Guardando…",
  "booking.confirmed": "Cita guardada en GHL.",
  "booking.pending": "Cita guardada en este equipo: pendiente de sincronizar con GHL.",
  "booking.another": "Otra cita",
  "booking.checkFailed": "No se pudo revisar el horario: {message}",
  "booking.hint.time": "Complete calendario, fecha, inicio y duración.",
  "booking.hint.patient": "Elija un paciente o registre uno nuevo.",
  "booking.hint.firstName": "Escriba el nombre del paciente.",
  "booking.hint.contact": "Escriba el teléfono o el correo del paciente.",
  "booking.hint.checking": "Revisando el horario…",
  "booking.hint.blocked": "Corrija lo marcado en rojo para poder guardar.",
  "booking.hint.reason": "Escriba el motivo para guardar pese a las advertencias.",
  "booking.severity.warning": "Advertencia",
  "booking.severity.blocking": "Impide guardar",
  "booking.keys": "Ctrl+Enter guarda · Esc cierra",
  "cita.details": "Detalle de la cita",
  "cita.patient": "Paciente",
  "cita.when": "Horario",
  "cita.status": "Estado",
  "cita.calendar": "Calendario",
  "cita.confirm": "Confirmar",
  "cita.markShowed": "Asistió",
  "cita.markNoshow": "No asistió",
  "cita.cancel": "Cancelar cita",
  "cita.cancelReason": "Motivo de la cancelación",
  "cita.cancelConfirm": "Cancelar la cita",
  "cita.back": "Volver",
  "cita.reschedule": "Reprogramar",
  "cita.rescheduleSave": "Mover la cita",
  "cita.overrideNeeded": "Escriba un motivo para moverla igual:",
  "cita.overrideReason": "Motivo",
  "cita.history": "Historial",
  "cita.historyEmpty": "Sin acciones registradas.",
  "cita.historyLoading": "Cargando historial…",
  "cita.auditReason": "Motivo: {reason}",
  "cita.auditGhl": "GHL respondió: {answer}",
  "cita.auditChange": "Antes: {before} · Después: {after}",
  "cita.done": "Hecho: guardado en GHL.",
  "cita.donePending": "Guardado en este equipo; se enviará a GHL cuando haya conexión.",
  "cita.moveFailed": "No se pudo mover la cita: {message}",
  "cita.notFound": "La cita ya no está en la agenda.",
  "location.switch": "Sede",
  "location.switchAction": "Cambiar de sede",
  "location.switchFailed": "No se pudo cambiar de sede: {message}",
  "patient.edit": "Editar paciente",
  "patient.editTitle": "Datos del paciente",
  "patient.firstName": "Nombres",
  "patient.lastName": "Apellidos",
  "patient.phone": "Teléfono",
  "patient.email": "Correo",
  "patient.save": "Guardar paciente",
  "patient.loading": "Cargando datos del paciente…",
  "patient.saved": "Datos del paciente guardados.",
  "patient.error.name": "Escriba los nombres o los apellidos.",
  "patient.error.cannotClear": "No se puede dejar vacío aquí; si hace falta, bórrelo en GHL.",
  "patient.error.phone": "Teléfono no válido: escriba +51 987 654 321 o 987 654 321.",
  "patient.error.email": "Correo no válido: escriba nombre@dominio.pe.",
  "statusBar.pending.one": "1 cambio por enviar a GHL",
  "statusBar.pending.other": "{count} cambios por enviar a GHL",
  "refusal.title": "GHL rechazó cambios guardados en este equipo",
  "refusal.ack": "Entendido",
  "reconcile.title": "Reconciliación con GHL",
  "reconcile.now": "Reconciliar ahora",
  "reconcile.running": "Reconciliando…",
  "reconcile.progress": "{done} de {total} consultas a GHL",
  "reconcile.history": "Reportes",
  "reconcile.none": "Aún no hay reportes. Pulse «Reconciliar ahora».",
  "reconcile.loadFailed": "No se pudieron cargar los reportes: {message}",
  "reconcile.runFailed": "La reconciliación falló: {message}",
  "reconcile.fecha": "Fecha",
  "reconcile.differences": "Diferencias",
  "reconcile.ghlCalls": "Llamadas a GHL",
  "reconcile.duration": "Duración",
  "reconcile.window": "Ventana (UTC): {from} – {to}",
  "reconcile.reportOf": "Reporte del {fecha}",
  "reconcile.pick": "Elija un reporte de la lista.",
  "reconcile.cat.faltantes_local": "Faltan aquí (están en GHL)",
  "reconcile.cat.canceladas_no_actualizadas": "Canceladas en GHL, activas aquí",
  "reconcile.cat.desincronizadas": "Desincronizadas",
  "reconcile.cat.faltantes_remoto": "Faltan en GHL",
  "reconcile.filter.category": "Categoría",
  "reconcile.filter.calendar": "Calendario",
  "reconcile.filter.allCategories": "Todas",
  "reconcile.filter.allCalendars": "Todos",
  "reconcile.fix.take_ghl": "Tomar la versión de GHL",
  "reconcile.fix.push_local": "Enviar la versión local",
  "reconcile.fix.mark_cancelled": "Marcar cancelada",
  "reconcile.fix.recreate": "Volver a crear en GHL",
  "reconcile.fixFor": "Arreglo para {title}",
  "reconcile.select": "Seleccionar {title}",
  "reconcile.selectAll": "Seleccionar todas las mostradas",
  "reconcile.apply": "Aplicar",
  "reconcile.applySelected": "Aplicar a seleccionadas ({count})",
  "reconcile.applying": "Aplicando…",
  "reconcile.applyFailed": "No se pudieron aplicar: {message}",
  "reconcile.outcome": "Aplicadas: {applied} · Por enviar a GHL: {pending} · Fallidas: {failed}",
  "reconcile.again": "Reconciliar de nuevo",
  "reconcile.exportJson": "Exportar JSON",
  "reconcile.exportCsv": "Exportar CSV",
  "reconcile.exported": "Guardado en {path}",
  "reconcile.exportFailed": "No se pudo exportar: {message}",
  "reconcile.noLines": "Sin diferencias: GHL y la agenda coinciden.",
  "reconcile.noMatch": "Ninguna línea con estos filtros.",
  "reconcile.local": "Aquí",
  "reconcile.ghl": "GHL",
  "reconcile.missingValue": "(nada)",
  "reconcile.campo.start": "inicio",
  "reconcile.campo.end": "fin",
  "reconcile.campo.status": "estado",
  "reconcile.campo.calendar": "calendario",
  "reconcile.campo.contact": "paciente",
  "reconcile.campo.title": "título",
  "reconcile.campo.assigned_user": "profesional asignado",
  "reconcile.found": "La reconciliación programada encontró {count} diferencias con GHL.",
  "reconcile.open": "Ver reporte",
  "reconcile.lostWebhook": "webhook perdido",
  "reconcile.via.webhook": "recibido en vivo",
  "reconcile.via.pull": "hallado al sincronizar",
  "reconcile.healedSummary": "Cambios hechos fuera del escritorio desde el último reporte diario: {healed} ({live} en vivo, {lost} con el webhook perdido).",
  "settings.title": "Ajustes de la sede",
  "settings.overlapMode": "Citas que se cruzan",
  "settings.flexible": "Flexible: se guardan con un motivo",
  "settings.strict": "Estricto: las advertencias impiden guardar",
  "settings.defaultCalendar": "Calendario por defecto",
  "settings.none": "(ninguno)",
  "settings.fallbackHours": "Horario de atención cuando GHL no indica uno",
  "settings.open": "Abre",
  "settings.close": "Cierra",
  "settings.reconcileAt": "Hora de la reconciliación diaria",
  "settings.daysBack": "Días hacia atrás",
  "settings.daysAhead": "Días hacia adelante",
  "settings.timeZone": "Zona horaria (viene de GHL): {zone}",
  "settings.save": "Guardar ajustes",
  "settings.saved": "Ajustes guardados.",
  "settings.loading": "Cargando ajustes…",
  "settings.failed": "No se pudieron guardar los ajustes: {message}",
  "settings.loadFailed": "No se pudieron cargar los ajustes: {message}",
  "about.button": "Acerca de",
  "about.title": "Acerca de Citadesk",
  "about.version": "Versión",
  "about.dataDir": "Carpeta de datos",
  "about.logDir": "Carpeta de registros",
  "about.copyDiagnostics": "Copiar diagnóstico",
  "about.copied": "Diagnóstico copiado: péguelo en su mensaje a soporte (no incluye tokens ni datos de pacientes).",
  "about.copyManual": "Copie este texto para soporte (no incluye tokens ni datos de pacientes):",
  "about.autostart": "Iniciar Citadesk con la sesión",
  "about.updates": "Actualizaciones",
  "about.feedUrl": "Dirección de actualizaciones (vacío: la de fábrica)",
  "about.holdVersion": "Fijar la clínica en la versión (gerencia; vacío: todas)",
  "about.saveUpdates": "Guardar",
  "about.checkNow": "Buscar actualizaciones",
  "about.failed": "No se pudo: {message}",
  "update.phase.idle": "Aún no se buscaron actualizaciones.",
  "update.phase.checking": "Buscando actualizaciones…",
  "update.phase.up_to_date": "Citadesk está al día.",
  "update.phase.ready": "Nueva versión {version} lista para instalar.",
  "update.phase.held": "Hay una versión {version}, pero gerencia fijó la clínica en la actual.",
  "update.phase.refused": "Actualización rechazada.",
  "update.phase.installing": "Instalando…",
  "update.banner": "Nueva versión {version}",
  "update.install": "Instalar y reiniciar",
  "update.installBusy": "Termine la cita que está registrando para instalar.",
  "settings.invalidTime": "Escriba la hora como HH:MM (00:00 a 23:59).",
  "settings.closeBeforeOpen": "La hora de cierre debe ser posterior a la de apertura.",
  "settings.invalidDaysBack": "Un número entero de 0 a 60.",
  "settings.invalidDaysAhead": "Un número entero de 0 a 365.",
  "staff.signIn.title": "¿Quién está en el escritorio?",
  "staff.signIn.hint": "Elija su nombre y escriba su PIN. La agenda se muestra al entrar.",
  "staff.signIn.who": "Personas del escritorio",
  "staff.signIn.pin": "PIN de {name}",
  "staff.signIn.submit": "Entrar",
  "staff.signIn.checking": "Comprobando…",
  "staff.signIn.lockedMark": "bloqueado",
  "staff.role.recepcion": "Recepción",
  "staff.role.gerencia": "Gerencia",
  "staff.title": "Personal",
  "staff.button": "Personal",
  "staff.first.body": "Este escritorio aún no tiene personal: cualquiera actúa como el usuario del sistema. Cree la primera persona (quedará de gerencia) para que cada acción quede firmada con un nombre y pida PIN.",
  "staff.first.title": "Primera persona (gerencia)",
  "staff.first.submit": "Crear y activar el inicio de sesión",
  "staff.name": "Nombre",
  "staff.role": "Rol",
  "staff.roleOf": "Rol de {name}",
  "staff.pin": "PIN (4 a 8 dígitos)",
  "staff.newPin": "PIN nuevo",
  "staff.resetPin": "Restablecer PIN",
  "staff.save": "Guardar",
  "staff.saved": "Guardado.",
  "staff.added": "{name} añadido al personal.",
  "staff.pinReset": "PIN de {name} restablecido.",
  "staff.add": "Añadir persona",
  "staff.ghlUser": "Usuario de GHL",
  "staff.ghlUser.none": "(ninguno)",
  "staff.lockAfter": "Bloquear tras estos minutos sin uso (0: nunca)",
  "staff.switchUser": "Cambiar de usuario",
  "staff.signedIn": "Sesión de {name} ({role})",
  "connect.firstPerson": "Su nombre y PIN (opcional): quedará como gerencia de este escritorio y cada acción llevará su nombre.",
  "practice.block": "Bloquear horario",
  "practice.blocked": "Bloqueado",
  "practice.blockTitle": "Bloquear horario",
  "practice.blockHint": "Mayús + clic en una hora libre también abre este diálogo.",
  "practice.reason": "Motivo",
  "practice.reasonPlaceholder": "Almuerzo, reunión, vacaciones…",
  "practice.wholePractitioner": "Bloquear al profesional en todos sus calendarios",
  "practice.save": "Bloquear",
  "practice.saved": "Horario bloqueado.",
  "practice.savedPending": "Bloqueo guardado: se enviará a GHL al volver la conexión.",
  "practice.moveTitle": "Bloqueo de horario",
  "practice.move": "Guardar cambio",
  "practice.remove": "Quitar bloqueo",
  "practice.removed": "Bloqueo quitado.",
  "practice.room": "Sala",
  "practice.rooms": "Salas",
  "practice.noRoom": "Sin sala asignada en GHL",
  "practice.filterSpecialty": "Especialidad",
  "practice.filterRoom": "Sala",
  "practice.all": "Todas",
  "practice.closed": "Fuera de horario",
  "help.block": "Bloquear horario",
  "practice.byRoom": "Salas como columnas",
  // Month, list, printed day, all sedes (#17)
  "view.month": "Mes",
  "view.list": "Lista",
  "view.print": "Imprimir",
  "view.showMonth": "Ver el mes: citas y cupos libres por día",
  "view.showList": "Ver la lista de citas (filtrar, ordenar, exportar)",
  "view.showPrint": "Preparar la hoja del día para imprimir",
  "view.team": "Equipo",
  "view.showTeam": "Ver la semana de todo el equipo: una fila por profesional",
  "team.caption": "Semana del equipo: citas de cada calendario por día",
  "team.practitioner": "Calendario",
  "team.openDay": "Ver este día con todos los calendarios",
  "team.newCita": "Nueva cita en este día",
  "sedes.all": "Todas las sedes",
  "sedes.allHint": "Ver el día de todas las sedes juntas, en columnas por sede",
  "sedes.switchedTo": "Se trabaja ahora en la sede {name}",
  "month.title": "Mes",
  "month.prev": "Mes anterior",
  "month.next": "Mes siguiente",
  "month.thisMonth": "Este mes",
  "month.citas": "{n} citas",
  "month.free": "{n} libres",
  "month.closed": "Cerrado",
  "month.cancelled": "{n} canceladas",
  "month.more": "+{n} más",
  "month.dayAria": "{date}: {citas} citas, {free} cupos libres. Abrir el día",
  "month.allCalendars": "Todos los calendarios",
  "month.calendar": "Calendario",
  "month.loading": "Cargando el mes…",
  "month.error": "No se pudo leer el mes: {message}",
  "list.title": "Lista de citas",
  "list.from": "Desde",
  "list.to": "Hasta",
  "list.status": "Estado",
  "list.anyStatus": "Todos",
  "list.calendar": "Calendario",
  "list.anyCalendar": "Todos",
  "list.practitioner": "Profesional",
  "list.anyPractitioner": "Todos",
  "list.patient": "Paciente",
  "list.patientPlaceholder": "Nombre, teléfono o correo",
  "list.colDate": "Fecha",
  "list.colTime": "Hora",
  "list.colCalendar": "Calendario",
  "list.colPractitioner": "Profesional",
  "list.colPatient": "Paciente",
  "list.colStatus": "Estado",
  "list.colTitle": "Motivo",
  "list.total": "{n} citas",
  "list.export": "Exportar CSV",
  "list.exported": "Guardado en {path}",
  "list.error": "No se pudo leer la lista: {message}",
  "list.empty": "No hay citas con estos filtros.",
  "list.loadingRow": "Cargando…",
  "list.openDay": "Abrir el día de esta cita",
  "list.sortBy": "Ordenar por {column}",
  "print.title": "Hoja del día",
  "print.date": "Fecha",
  "print.who": "Profesional",
  "print.everyone": "Todos",
  "print.print": "Imprimir o guardar PDF",
  "print.colTime": "Hora",
  "print.colPatient": "Paciente",
  "print.colPhone": "Teléfono",
  "print.colStatus": "Estado",
  "print.colNotes": "Notas",
  "print.none": "No hay citas este día.",
  "print.printedAt": "Impreso el {at}",
  "print.error": "No se pudo leer el día: {message}",
  "help.month": "Mes",
  "help.list": "Lista de citas",
  "help.print": "Hoja del día para imprimir",
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
  "density.label": "Row height",
  "density.compact": "Compact rows",
  "density.normal": "Normal rows",
  "density.roomy": "Roomy rows",
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
  "reminderState.queued": "Reminder to be sent",
  "reminderState.scheduled": "Reminder scheduled",
  "reminderState.sent": "Reminder sent",
  "reminderState.failed": "The reminder failed",
  "reminderState.skipped": "Reminder skipped",
  "reminderState.withdrawn": "Reminder withdrawn",
  "reminderState.confirmed_by_patient": "Confirmed by the patient",
  "reminderState.reschedule_requested": "The patient asked to reschedule",
  "reminderState.cancelled_by_patient": "Cancelled by the patient",
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
  "reminders.open": "Reminders",
  "reminders.title": "Reminders by WhatsApp or SMS",
  "reminders.enabled": "Send reminders for this location",
  "reminders.templatesHint": "WhatsApp requires approved templates for messages outside 24 hours: create them in GHL and enter their id below.",
  "reminders.rule": "Rule {n}",
  "reminders.when": "When",
  "reminders.when.daysBefore": "days before, at",
  "reminders.when.minutesBefore": "minutes before",
  "reminders.whenKind.days": "Days before at a time",
  "reminders.whenKind.minutes": "Minutes before",
  "reminders.channel": "Channel",
  "reminders.channel.whatsapp_else_sms": "WhatsApp, else SMS",
  "reminders.channel.whatsapp": "WhatsApp only",
  "reminders.channel.sms": "SMS only",
  "reminders.quiet": "Quiet hours (sent when they end)",
  "reminders.statuses": "Statuses reminded",
  "reminders.language": "Message language",
  "reminders.messageEs": "Message in Spanish",
  "reminders.messageEn": "Message in English",
  "reminders.placeholders": "Placeholders (Spanish or English names); \"1 Confirm, 2 Reschedule, 3 Cancel\" is added:",
  "reminders.template": "WhatsApp template id in GHL (optional)",
  "reminders.preview": "Preview",
  "reminders.add": "Add rule",
  "reminders.remove": "Remove rule",
  "reminders.save": "Save rules",
  "reminders.saved": "Rules saved.",
  "reminders.incomplete": "Fill in times (HH:MM), a status and the message of each rule.",
  "reminders.panel": "Reminder",
  "reminders.none": "No reminder yet.",
  "reminders.due": "{words} · {due} by {channel}",
  "reminders.sendNow": "Send reminder now",
  "reminders.sending": "Sending…",
  "inbox.button": "Answers",
  "inbox.count": "{count} answers to handle",
  "inbox.title": "Patients' answers",
  "inbox.empty": "No answers to handle.",
  "inbox.handled": "Mark handled",
  "inbox.call": "Call",
  "inbox.cita": "Cita: {when}",
  "inbox.rules": "Reminder rules…",
  "inbox.reschedule": "Reschedule…",
  "inbox.slots": "Free slots: one click moves the cita and marks the answer handled",
  "inbox.slotsLoading": "Looking for free slots…",
  "inbox.slotsNone": "No free slots in the next 7 days.",
  "inbox.moved": "{patient}'s cita moved to {when}.",
  "rate.week": "Confirmed this week: {confirmed} of {reminded} ({percent}%)",

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
  "connections.button": "Locations and GHL health",
  "connections.title": "Connected locations and GHL health",
  "connections.connections": "Connected locations",
  "connections.none": "No location is connected.",
  "connections.active": "active",
  "connections.disconnect": "Disconnect",
  "connections.confirmDisconnect": "Disconnect {name}? Its tokens will be removed from the keychain.",
  "connections.addLocation": "Connect another location",
  "connections.authPit": "PIT",
  "connections.authOauth": "OAuth",
  "health.title": "GHL connection health",
  "view.panel": "Dashboard",
  "view.showPanel": "Show the manager's dashboard",
  "panel.title": "Manager's dashboard",
  "panel.from": "From",
  "panel.to": "To",
  "panel.location": "Location",
  "panel.refresh": "Refresh",
  "panel.loading": "Working out…",
  "panel.error": "The dashboard could not be worked out: {message}",
  "panel.export": "Export CSV",
  "panel.exported": "Saved to {path}",
  "panel.table": "Show the figures as a table",
  "panel.day": "Day",
  "panel.elapsed": "Worked out in {ms} ms",
  "panel.chart.citas_per_day": "Citas per day by status",
  "panel.chart.rates": "No-shows and cancellations (%)",
  "panel.chart.patients": "New and returning patients",
  "panel.chart.differences": "Reconciliation differences per day",
  "panel.chart.occupancy": "Occupancy per practitioner",
  "panel.chart.confirmations": "Reminders' confirmation rate",
  "panel.status.total": "Total",
  "panel.status.showed": "Showed",
  "panel.status.confirmed": "Confirmed",
  "panel.status.new": "New",
  "panel.status.noshow": "No-show",
  "panel.status.cancelled": "Cancelled",
  "panel.rate.noShow": "No-show (of those due)",
  "panel.rate.cancellation": "Cancellation",
  "panel.patients.new": "New",
  "panel.patients.returning": "Returning",
  "panel.differences.count": "Differences",
  "panel.occ.calendar": "Calendar",
  "panel.occ.practitioner": "Practitioner",
  "panel.occ.booked": "Booked min",
  "panel.occ.open": "Open min",
  "panel.occ.rate": "Occupancy",
  "panel.occ.fallback": "No hours in GHL: the fallback hours of Settings are used.",
  "panel.confirmations.noData": "No data: no cita in these dates was reminded.",
  "panel.confirmations.rate": "Confirmed by the patient (% of those reminded)",
  "panel.health.overall": "Overall health",
  "panel.health.ghl": "GHL",
  "panel.health.webhooks": "Webhooks",
  "alerts.title": "Alerts",
  "alerts.none": "No open alerts.",
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
  "empty.firstSync.progress": "First sync: calendars {done} of {total} · {citas} citas · {patients} patients.",
  "empty.noCalendars.title": "This location has no calendars",
  "empty.noCalendars.body":
    "The location is connected, but GHL returned no calendars. Create one in GHL, then press “Sync”.",
  "error.load.title": "Could not load the appointments",
  "error.retry": "Retry",
  "error.unknown": "Unexpected error.",

  "desk.newCita": "New appointment",
  "view.reconcile": "Reconciliation",
  "view.desk": "Desk",
  "view.showReconcile": "Open the reconciliation with GHL",
  "settings.button": "Location settings",
  "help.saveDialog": "Save the appointment (in the dialog)",
  "help.closeDialog": "Close a dialog or panel",
  "booking.title": "New appointment",
  "booking.patient": "Patient",
  "booking.patientSearch": "Search by name, phone or email",
  "booking.searchGhl": "Search in GHL",
  "booking.searchingGhl": "Searching GHL…",
  "booking.noResults": "Nobody matches on this computer.",
  "booking.noGhlResults": "GHL did not find them either. Register a new patient.",
  "booking.searchFailed": "Could not search: {message}",
  "booking.newPatient": "New patient",
  "booking.existingPatient": "Search an existing patient",
  "booking.change": "Change",
  "booking.firstName": "First name",
  "booking.lastName": "Last name",
  "booking.phone": "Phone",
  "booking.email": "Email",
  "booking.newPatientHint": "GHL checks the phone and email so the patient is not duplicated.",
  "booking.calendar": "Calendar / practitioner",
  "booking.date": "Date",
  "booking.datePlaceholder": "YYYY-MM-DD",
  "booking.start": "Start",
  "booking.duration": "Duration (min)",
  "booking.ends": "Ends at {time}",
  "booking.citaTitle": "Title",
  "booking.titlePlaceholder": "Default: “Appointment”",
  "booking.notes": "Notes",
  "booking.freeSlots": "Next free slots",
  "booking.freeSlotsLoading": "Asking GHL…",
  "booking.freeSlotsNone": "GHL has no free slots in the next 7 days.",
  "booking.freeSlotsError": "Could not fetch the free slots: {message}",
  "booking.overrideReason": "Reason to save despite the warnings",
  "booking.overrideHint": "It goes to the appointment's history with your name.",
  "booking.strictMode": "Strict mode: warnings prevent saving.",
  "booking.save": "Save",
  "booking.saving": "Saving…",
  "booking.confirmed": "Appointment saved in GHL.",
  "booking.pending": "Appointment saved on this computer: waiting to be sent to GHL.",
  "booking.another": "Another appointment",
  "booking.checkFailed": "Could not check the time: {message}",
  "booking.hint.time": "Fill in calendar, date, start and duration.",
  "booking.hint.patient": "Choose a patient or register a new one.",
  "booking.hint.firstName": "Type the patient's first name.",
  "booking.hint.contact": "Type the patient's phone or email.",
  "booking.hint.checking": "Checking the time…",
  "booking.hint.blocked": "Fix what is marked in red to save.",
  "booking.hint.reason": "Type the reason to save despite the warnings.",
  "booking.severity.warning": "Warning",
  "booking.severity.blocking": "Blocks saving",
  "booking.keys": "Ctrl+Enter saves · Esc closes",
  "cita.details": "Appointment details",
  "cita.patient": "Patient",
  "cita.when": "Time",
  "cita.status": "Status",
  "cita.calendar": "Calendar",
  "cita.confirm": "Confirm",
  "cita.markShowed": "Showed",
  "cita.markNoshow": "No-show",
  "cita.cancel": "Cancel appointment",
  "cita.cancelReason": "Reason for cancelling",
  "cita.cancelConfirm": "Cancel the appointment",
  "cita.back": "Back",
  "cita.reschedule": "Reschedule",
  "cita.rescheduleSave": "Move the appointment",
  "cita.overrideNeeded": "Type a reason to move it anyway:",
  "cita.overrideReason": "Reason",
  "cita.history": "History",
  "cita.historyEmpty": "No recorded actions.",
  "cita.historyLoading": "Loading history…",
  "cita.auditReason": "Reason: {reason}",
  "cita.auditGhl": "GHL answered: {answer}",
  "cita.auditChange": "Before: {before} · After: {after}",
  "cita.done": "Done: saved in GHL.",
  "cita.donePending": "Saved on this computer; it will be sent to GHL when the connection is back.",
  "cita.moveFailed": "Could not move the appointment: {message}",
  "cita.notFound": "The appointment is no longer in the agenda.",
  "location.switch": "Location",
  "location.switchAction": "Switch location",
  "location.switchFailed": "Could not switch location: {message}",
  "patient.edit": "Edit patient",
  "patient.editTitle": "Patient details",
  "patient.firstName": "First name",
  "patient.lastName": "Last name",
  "patient.phone": "Phone",
  "patient.email": "Email",
  "patient.save": "Save patient",
  "patient.loading": "Loading the patient…",
  "patient.saved": "Patient details saved.",
  "patient.error.name": "Type a first or a last name.",
  "patient.error.cannotClear": "Cannot be left empty here; clear it in GHL if needed.",
  "patient.error.phone": "Not a valid phone: type +51 987 654 321 or 987 654 321.",
  "patient.error.email": "Not a valid email: type name@domain.com.",
  "statusBar.pending.one": "1 change waiting for GHL",
  "statusBar.pending.other": "{count} changes waiting for GHL",
  "refusal.title": "GHL refused changes saved on this computer",
  "refusal.ack": "Got it",
  "reconcile.title": "Reconciliation with GHL",
  "reconcile.now": "Reconcile now",
  "reconcile.running": "Reconciling…",
  "reconcile.progress": "{done} of {total} GHL queries",
  "reconcile.history": "Reports",
  "reconcile.none": "No reports yet. Press “Reconcile now”.",
  "reconcile.loadFailed": "Could not load the reports: {message}",
  "reconcile.runFailed": "The reconciliation failed: {message}",
  "reconcile.fecha": "Date",
  "reconcile.differences": "Differences",
  "reconcile.ghlCalls": "GHL calls",
  "reconcile.duration": "Duration",
  "reconcile.window": "Window (UTC): {from} – {to}",
  "reconcile.reportOf": "Report of {fecha}",
  "reconcile.pick": "Pick a report from the list.",
  "reconcile.cat.faltantes_local": "Missing here (in GHL)",
  "reconcile.cat.canceladas_no_actualizadas": "Cancelled in GHL, active here",
  "reconcile.cat.desincronizadas": "Out of sync",
  "reconcile.cat.faltantes_remoto": "Missing in GHL",
  "reconcile.filter.category": "Category",
  "reconcile.filter.calendar": "Calendar",
  "reconcile.filter.allCategories": "All",
  "reconcile.filter.allCalendars": "All",
  "reconcile.fix.take_ghl": "Take GHL's version",
  "reconcile.fix.push_local": "Push the local version",
  "reconcile.fix.mark_cancelled": "Mark cancelled",
  "reconcile.fix.recreate": "Re-create in GHL",
  "reconcile.fixFor": "Fix for {title}",
  "reconcile.select": "Select {title}",
  "reconcile.selectAll": "Select all shown",
  "reconcile.apply": "Apply",
  "reconcile.applySelected": "Apply to selected ({count})",
  "reconcile.applying": "Applying…",
  "reconcile.applyFailed": "Could not apply: {message}",
  "reconcile.outcome": "Applied: {applied} · Waiting for GHL: {pending} · Failed: {failed}",
  "reconcile.again": "Reconcile again",
  "reconcile.exportJson": "Export JSON",
  "reconcile.exportCsv": "Export CSV",
  "reconcile.exported": "Saved to {path}",
  "reconcile.exportFailed": "Could not export: {message}",
  "reconcile.noLines": "No differences: GHL and the agenda agree.",
  "reconcile.noMatch": "No line matches these filters.",
  "reconcile.local": "Here",
  "reconcile.ghl": "GHL",
  "reconcile.missingValue": "(none)",
  "reconcile.campo.start": "start",
  "reconcile.campo.end": "end",
  "reconcile.campo.status": "status",
  "reconcile.campo.calendar": "calendar",
  "reconcile.campo.contact": "patient",
  "reconcile.campo.title": "title",
  "reconcile.campo.assigned_user": "assigned user",
  "reconcile.found": "The scheduled reconciliation found {count} differences with GHL.",
  "reconcile.open": "Open report",
  "reconcile.lostWebhook": "lost webhook",
  "reconcile.via.webhook": "arrived live",
  "reconcile.via.pull": "found by the sync",
  "reconcile.healedSummary": "Changes made outside the desk since the last daily report: {healed} ({live} live, {lost} with a lost webhook).",
  "settings.title": "Location settings",
  "settings.overlapMode": "Overlapping appointments",
  "settings.flexible": "Flexible: saved with a reason",
  "settings.strict": "Strict: warnings prevent saving",
  "settings.defaultCalendar": "Default calendar",
  "settings.none": "(none)",
  "settings.fallbackHours": "Open hours when GHL gives none",
  "settings.open": "Opens",
  "settings.close": "Closes",
  "settings.reconcileAt": "Time of the daily reconciliation",
  "settings.daysBack": "Days back",
  "settings.daysAhead": "Days ahead",
  "settings.timeZone": "Time zone (from GHL): {zone}",
  "settings.save": "Save settings",
  "settings.saved": "Settings saved.",
  "settings.loading": "Loading settings…",
  "settings.failed": "Could not save the settings: {message}",
  "settings.loadFailed": "Could not load the settings: {message}",
  "about.button": "About",
  "about.title": "About Citadesk",
  "about.version": "Version",
  "about.dataDir": "Data folder",
  "about.logDir": "Log folder",
  "about.copyDiagnostics": "Copy diagnostics",
  "about.copied": "Diagnostics copied: paste them in your message to support (no tokens, no patient data).",
  "about.copyManual": "Copy this text for support (no tokens, no patient data):",
  "about.autostart": "Start Citadesk with the session",
  "about.updates": "Updates",
  "about.feedUrl": "Update feed (empty: the built-in one)",
  "about.holdVersion": "Hold the clinic on version (management; empty: all)",
  "about.saveUpdates": "Save",
  "about.checkNow": "Check for updates",
  "about.failed": "Could not: {message}",
  "update.phase.idle": "No update check yet.",
  "update.phase.checking": "Checking for updates…",
  "update.phase.up_to_date": "Citadesk is up to date.",
  "update.phase.ready": "New version {version} ready to install.",
  "update.phase.held": "Version {version} exists, but management holds the clinic on the current one.",
  "update.phase.refused": "Update refused.",
  "update.phase.installing": "Installing…",
  "update.banner": "New version {version}",
  "update.install": "Install and restart",
  "update.installBusy": "Finish the cita being booked to install.",
  "settings.invalidTime": "Type the time as HH:MM (00:00 to 23:59).",
  "settings.closeBeforeOpen": "Closing must be after opening.",
  "settings.invalidDaysBack": "A whole number from 0 to 60.",
  "settings.invalidDaysAhead": "A whole number from 0 to 365.",
  "staff.signIn.title": "Who is at the desk?",
  "staff.signIn.hint": "Choose your name and type your PIN. The agenda shows once you are in.",
  "staff.signIn.who": "The desk's people",
  "staff.signIn.pin": "{name}'s PIN",
  "staff.signIn.submit": "Sign in",
  "staff.signIn.checking": "Checking…",
  "staff.signIn.lockedMark": "locked",
  "staff.role.recepcion": "Reception",
  "staff.role.gerencia": "Management",
  "staff.title": "Staff",
  "staff.button": "Staff",
  "staff.first.body": "This desk has no staff yet: anyone acts as the system user. Create the first person (they will be management) so that every action is signed with a name and asks for a PIN.",
  "staff.first.title": "First person (management)",
  "staff.first.submit": "Create and turn sign-in on",
  "staff.name": "Name",
  "staff.role": "Role",
  "staff.roleOf": "{name}'s role",
  "staff.pin": "PIN (4 to 8 digits)",
  "staff.newPin": "New PIN",
  "staff.resetPin": "Reset PIN",
  "staff.save": "Save",
  "staff.saved": "Saved.",
  "staff.added": "{name} added to the staff.",
  "staff.pinReset": "{name}'s PIN was reset.",
  "staff.add": "Add a person",
  "staff.ghlUser": "GHL user",
  "staff.ghlUser.none": "(none)",
  "staff.lockAfter": "Lock after this many idle minutes (0: never)",
  "staff.switchUser": "Switch user",
  "staff.signedIn": "Signed in: {name} ({role})",
  "connect.firstPerson": "Your name and PIN (optional): you become this desk's manager and every action carries your name.",
  "practice.block": "Block time",
  "practice.blocked": "Blocked",
  "practice.blockTitle": "Block time",
  "practice.blockHint": "Shift + click on a free time opens this dialog too.",
  "practice.reason": "Reason",
  "practice.reasonPlaceholder": "Lunch, meeting, vacation…",
  "practice.wholePractitioner": "Block the practitioner in all their calendars",
  "practice.save": "Block",
  "practice.saved": "Time blocked.",
  "practice.savedPending": "Block saved: it will be sent to GHL when the connection is back.",
  "practice.moveTitle": "Blocked time",
  "practice.move": "Save change",
  "practice.remove": "Remove block",
  "practice.removed": "Block removed.",
  "practice.room": "Room",
  "practice.rooms": "Rooms",
  "practice.noRoom": "No room assigned in GHL",
  "practice.filterSpecialty": "Specialty",
  "practice.filterRoom": "Room",
  "practice.all": "All",
  "practice.closed": "Closed",
  "help.block": "Block time",
  "practice.byRoom": "Rooms as columns",
  // Month, list, printed day, all sedes (#17)
  "view.month": "Month",
  "view.list": "List",
  "view.print": "Print",
  "view.showMonth": "Show the month: citas and free slots per day",
  "view.showList": "Show the list of citas (filter, sort, export)",
  "view.showPrint": "Prepare the day's sheet to print",
  "view.team": "Team",
  "view.showTeam": "Show the whole team's week: a row per practitioner",
  "team.caption": "The team's week: each calendar's citas by day",
  "team.practitioner": "Calendar",
  "team.openDay": "Show this day with every calendar",
  "team.newCita": "New cita on this day",
  "sedes.all": "All locations",
  "sedes.allHint": "Show the day of every location together, in columns by location",
  "sedes.switchedTo": "Now working in the location {name}",
  "month.title": "Month",
  "month.prev": "Previous month",
  "month.next": "Next month",
  "month.thisMonth": "This month",
  "month.citas": "{n} citas",
  "month.free": "{n} free",
  "month.closed": "Closed",
  "month.cancelled": "{n} cancelled",
  "month.more": "+{n} more",
  "month.dayAria": "{date}: {citas} citas, {free} free slots. Open the day",
  "month.allCalendars": "Every calendar",
  "month.calendar": "Calendar",
  "month.loading": "Loading the month…",
  "month.error": "The month could not be read: {message}",
  "list.title": "List of citas",
  "list.from": "From",
  "list.to": "To",
  "list.status": "Status",
  "list.anyStatus": "Any",
  "list.calendar": "Calendar",
  "list.anyCalendar": "Any",
  "list.practitioner": "Practitioner",
  "list.anyPractitioner": "Any",
  "list.patient": "Patient",
  "list.patientPlaceholder": "Name, phone or email",
  "list.colDate": "Date",
  "list.colTime": "Time",
  "list.colCalendar": "Calendar",
  "list.colPractitioner": "Practitioner",
  "list.colPatient": "Patient",
  "list.colStatus": "Status",
  "list.colTitle": "Title",
  "list.total": "{n} citas",
  "list.export": "Export CSV",
  "list.exported": "Saved to {path}",
  "list.error": "The list could not be read: {message}",
  "list.empty": "No citas match these filters.",
  "list.loadingRow": "Loading…",
  "list.openDay": "Open this cita's day",
  "list.sortBy": "Sort by {column}",
  "print.title": "Day sheet",
  "print.date": "Date",
  "print.who": "Practitioner",
  "print.everyone": "Everyone",
  "print.print": "Print or save as PDF",
  "print.colTime": "Time",
  "print.colPatient": "Patient",
  "print.colPhone": "Phone",
  "print.colStatus": "Status",
  "print.colNotes": "Notes",
  "print.none": "No citas this day.",
  "print.printedAt": "Printed {at}",
  "print.error": "The day could not be read: {message}",
  "help.month": "Month",
  "help.list": "List of citas",
  "help.print": "Day sheet to print",
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
