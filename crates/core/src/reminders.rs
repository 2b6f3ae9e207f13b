//! Reminders and the patients' answers, as pure rules: when a rule's
//! reminder is due (quiet hours moved to their end), why one is skipped,
//! the message with its placeholders, and what an answer says. No I/O:
//! `desk/reminders.rs` records and sends what these decide.

use chrono::{DateTime, Datelike, Duration, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::model::Locale;
use crate::time;

/// Which channel a rule sends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ReminderChannel {
    /// WhatsApp, or SMS when WhatsApp is blocked for the patient.
    WhatsappElseSms,
    Whatsapp,
    Sms,
}

impl ReminderChannel {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ReminderChannel::WhatsappElseSms => "whatsapp_else_sms",
            ReminderChannel::Whatsapp => "whatsapp",
            ReminderChannel::Sms => "sms",
        }
    }

    pub(crate) fn parse(s: &str) -> Self {
        match s {
            "whatsapp" => ReminderChannel::Whatsapp,
            "sms" => ReminderChannel::Sms,
            _ => ReminderChannel::WhatsappElseSms,
        }
    }

    /// GHL's message types to try, in order.
    fn ghl_types(self) -> &'static [&'static str] {
        match self {
            ReminderChannel::WhatsappElseSms => &["WhatsApp", "SMS"],
            ReminderChannel::Whatsapp => &["WhatsApp"],
            ReminderChannel::Sms => &["SMS"],
        }
    }
}

/// When a rule's reminder goes out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum ReminderWhen {
    /// `days` before the cita's day, at `at` (HH:MM, the location's time).
    #[serde(rename_all = "camelCase")]
    DaysBefore { days: u32, at: String },
    /// This many minutes before the start (e.g. 180: three hours before).
    #[serde(rename_all = "camelCase")]
    MinutesBefore { minutes: u32 },
}

/// One reminder rule of a location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReminderRule {
    /// 0 for a rule not saved yet. A saved rule that changes gets a new id.
    #[ts(type = "number")]
    pub id: i64,
    pub when: ReminderWhen,
    pub channel: ReminderChannel,
    /// HH:MM local; no reminder leaves between them (equal: none).
    pub quiet_start: String,
    pub quiet_end: String,
    /// GHL statuses that are reminded (default new and confirmed).
    pub statuses: Vec<String>,
    pub message_es: String,
    pub message_en: String,
    /// `es` or `en`: the message that is sent.
    pub language: String,
    /// The approved WhatsApp template GHL should use (Meta's 24-hour rule).
    pub template_id: Option<String>,
}

pub const DEFAULT_MESSAGE_ES: &str = "Hola {nombre}, le recordamos su cita en {clinica} el {fecha} a las {hora} con {profesional} ({calendario}). Dirección: {direccion}.";
pub const DEFAULT_MESSAGE_EN: &str = "Hi {first_name}, this is a reminder of your appointment at {clinic} on {date} at {time} with {practitioner} ({calendar}). Address: {address}.";

impl Default for ReminderRule {
    /// Two days before at 10:00, WhatsApp else SMS, quiet 21:00–08:00,
    /// new and confirmed citas.
    fn default() -> Self {
        Self {
            id: 0,
            when: ReminderWhen::DaysBefore {
                days: 2,
                at: "10:00".into(),
            },
            channel: ReminderChannel::WhatsappElseSms,
            quiet_start: "21:00".into(),
            quiet_end: "08:00".into(),
            statuses: vec!["new".into(), "confirmed".into()],
            message_es: DEFAULT_MESSAGE_ES.into(),
            message_en: DEFAULT_MESSAGE_EN.into(),
            language: "es".into(),
            template_id: None,
        }
    }
}

/// Why a reminder is not sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SkipReason {
    NoPhone,
    /// Do-not-disturb for every channel the rule may use.
    Dnd,
    Cancelled,
    /// The cita (or the last moment to remind it) has passed.
    AlreadyPast,
    /// The cita's status is not one the rule reminds.
    Status,
}

impl SkipReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::NoPhone => "no_phone",
            SkipReason::Dnd => "dnd",
            SkipReason::Cancelled => "cancelled",
            SkipReason::AlreadyPast => "already_past",
            SkipReason::Status => "status",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "no_phone" => SkipReason::NoPhone,
            "dnd" => SkipReason::Dnd,
            "cancelled" => SkipReason::Cancelled,
            "already_past" => SkipReason::AlreadyPast,
            "status" => SkipReason::Status,
            _ => return None,
        })
    }

    pub fn text(self, locale: Locale) -> &'static str {
        match (self, locale) {
            (SkipReason::NoPhone, Locale::EsPe) => "el paciente no tiene teléfono",
            (SkipReason::NoPhone, Locale::En) => "the patient has no phone",
            (SkipReason::Dnd, Locale::EsPe) => {
                "el paciente pidió no ser molestado (DND) en ese canal"
            }
            (SkipReason::Dnd, Locale::En) => {
                "the patient asked not to be disturbed (DND) on that channel"
            }
            (SkipReason::Cancelled, Locale::EsPe) => "la cita está cancelada",
            (SkipReason::Cancelled, Locale::En) => "the cita is cancelled",
            (SkipReason::AlreadyPast, Locale::EsPe) => "ya pasó la hora de recordarla",
            (SkipReason::AlreadyPast, Locale::En) => "the time to remind it has passed",
            (SkipReason::Status, Locale::EsPe) => "la regla no recuerda citas con ese estado",
            (SkipReason::Status, Locale::En) => "the rule does not remind citas in that status",
        }
    }
}

/// What a cita's reminder planning needs to know about it.
pub struct CitaFacts<'a> {
    pub start: DateTime<Utc>,
    pub status: &'a str,
    pub phone: Option<&'a str>,
    /// The contact as GHL sent it (`dnd`, `dndSettings`).
    pub contact: Option<&'a Value>,
}

/// What a rule means for one cita.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Planned {
    /// Goes out at `due` (now or later) on GHL's message type `channel`.
    Send {
        due: DateTime<Utc>,
        channel: &'static str,
        quiet_moved: bool,
    },
    Skip {
        due: DateTime<Utc>,
        reason: SkipReason,
    },
}

/// When and how a rule reminds a cita, or why it does not.
pub fn plan(rule: &ReminderRule, cita: &CitaFacts<'_>, now: DateTime<Utc>, zone: Tz) -> Planned {
    let due = due_time(&rule.when, cita.start, zone);
    let skip = |reason| Planned::Skip { due, reason };
    if cita.status == "cancelled" {
        return skip(SkipReason::Cancelled);
    }
    if !rule.statuses.iter().any(|s| s == cita.status) {
        return skip(SkipReason::Status);
    }
    if cita.start <= now {
        return skip(SkipReason::AlreadyPast);
    }
    if cita.phone.is_none_or(|p| p.trim().is_empty()) {
        return skip(SkipReason::NoPhone);
    }
    let blocked = |t: &str| {
        cita.contact
            .is_some_and(|c| citadesk_ghl::models::dnd_blocks(c, t))
    };
    let Some(channel) = rule.channel.ghl_types().iter().find(|t| !blocked(t)) else {
        return skip(SkipReason::Dnd);
    };
    let wanted = due.max(now);
    let at = out_of_quiet(wanted, &rule.quiet_start, &rule.quiet_end, zone);
    if at >= cita.start {
        return skip(SkipReason::AlreadyPast);
    }
    Planned::Send {
        due: at,
        channel,
        quiet_moved: at != wanted,
    }
}

/// The rule's moment for a cita, before quiet hours.
pub fn due_time(when: &ReminderWhen, start: DateTime<Utc>, zone: Tz) -> DateTime<Utc> {
    match when {
        ReminderWhen::MinutesBefore { minutes } => start - Duration::minutes(*minutes as i64),
        ReminderWhen::DaysBefore { days, at } => {
            let day = start.with_timezone(&zone).date_naive() - Duration::days(*days as i64);
            let at = time::parse_hhmm(at).unwrap_or(NaiveTime::from_hms_opt(10, 0, 0).unwrap());
            time::local_to_utc(day.and_time(at), zone)
                .unwrap_or_else(|| time::start_of_day(day, zone))
        }
    }
}

/// `t`, or the end of the quiet hours it falls in (local times; a window
/// may cross midnight, e.g. 21:00–08:00).
pub fn out_of_quiet(
    t: DateTime<Utc>,
    quiet_start: &str,
    quiet_end: &str,
    zone: Tz,
) -> DateTime<Utc> {
    let (Ok(qs), Ok(qe)) = (time::parse_hhmm(quiet_start), time::parse_hhmm(quiet_end)) else {
        return t;
    };
    if qs == qe {
        return t;
    }
    let local = t.with_timezone(&zone);
    let clock = local.time();
    let quiet = if qs < qe {
        clock >= qs && clock < qe
    } else {
        clock >= qs || clock < qe
    };
    if !quiet {
        return t;
    }
    let mut day = local.date_naive();
    if clock >= qe {
        day += Duration::days(1);
    }
    time::local_to_utc(day.and_time(qe), zone).unwrap_or(t)
}

/// The facts a reminder's placeholders are filled with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReminderFacts {
    pub first_name: String,
    /// Local date and time of the cita, `YYYY-MM-DD` and `HH:MM`.
    pub date: String,
    pub time: String,
    pub practitioner: String,
    pub calendar: String,
    pub clinic: String,
    pub address: String,
}

/// The message a rule sends: its text for the language with the
/// placeholders filled, then how to answer (1 / 2 / 3).
pub fn render(rule: &ReminderRule, facts: &ReminderFacts) -> String {
    let english = rule.language == "en";
    let template = if english {
        &rule.message_en
    } else {
        &rule.message_es
    };
    let date = chrono::NaiveDate::parse_from_str(&facts.date, "%Y-%m-%d")
        .map(|d| long_date(d, english))
        .unwrap_or_else(|_| facts.date.clone());
    let mut text = template.clone();
    for (names, value) in [
        (["{nombre}", "{first_name}"], &facts.first_name),
        (["{fecha}", "{date}"], &date),
        (["{hora}", "{time}"], &facts.time),
        (["{profesional}", "{practitioner}"], &facts.practitioner),
        (["{calendario}", "{calendar}"], &facts.calendar),
        (["{clinica}", "{clinic}"], &facts.clinic),
        (["{direccion}", "{address}"], &facts.address),
    ] {
        for name in names {
            text = text.replace(name, value);
        }
    }
    let answer = if english {
        "Reply 1 to Confirm, 2 to Reschedule, 3 to Cancel."
    } else {
        "Responda 1 Confirmar, 2 Reprogramar, 3 Cancelar."
    };
    format!("{}\n\n{answer}", text.trim())
}

/// The cita's day in the message: "jueves 26 de noviembre", "Thursday, November 26".
fn long_date(d: chrono::NaiveDate, english: bool) -> String {
    let locale = if english { Locale::En } else { Locale::EsPe };
    let names = locale.date_names();
    let weekday = names.days[d.weekday().num_days_from_sunday() as usize];
    let month = names.months[d.month0() as usize];
    if english {
        format!("{weekday}, {month} {}", d.day())
    } else {
        format!("{weekday} {} de {month}", d.day())
    }
}

/// What a patient's answer says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Intent {
    Confirm,
    Reschedule,
    Cancel,
    /// Anything else: a person reads it.
    Unknown,
}

impl Intent {
    pub fn as_str(self) -> &'static str {
        match self {
            Intent::Confirm => "confirm",
            Intent::Reschedule => "reschedule",
            Intent::Cancel => "cancel",
            Intent::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Self {
        match s {
            "confirm" => Intent::Confirm,
            "reschedule" => Intent::Reschedule,
            "cancel" => Intent::Cancel,
            _ => Intent::Unknown,
        }
    }
}

const CONFIRM_WORDS: &[&str] = &[
    "si",
    "confirmo",
    "confirmar",
    "confirmado",
    "confirmada",
    "ok",
    "okay",
    "okey",
    "vale",
    "claro",
    "yes",
    "yep",
    "confirm",
    "confirmed",
    "sure",
    "asistire",
];
const CONFIRM_PHRASES: &[&str] = &[
    "de acuerdo",
    "ahi estare",
    "alli estare",
    "see you",
    "i will be there",
];
const RESCHEDULE_WORDS: &[&str] = &[
    "reprogramar",
    "reprogramo",
    "reprogramen",
    "reprograma",
    "cambiar",
    "cambio",
    "cambien",
    "mover",
    "posponer",
    "postergar",
    "reschedule",
    "change",
    "move",
    "postpone",
];
const RESCHEDULE_PHRASES: &[&str] = &[
    "otro dia",
    "otra fecha",
    "otra hora",
    "otro horario",
    "another day",
    "another time",
    "other day",
    "different time",
];
const CANCEL_WORDS: &[&str] = &[
    "cancelar",
    "cancelo",
    "cancela",
    "cancelen",
    "cancelada",
    "anular",
    "anulo",
    "cancel",
    "cancelled",
    "canceled",
];
const CANCEL_PHRASES: &[&str] = &[
    "no puedo",
    "no voy",
    "no ire",
    "no podre",
    "no asistire",
    "can t make it",
    "cannot make it",
    "cant make it",
    "won t make it",
    "not coming",
    "can t come",
    "cannot come",
];

/// Reads an answer in Spanish or English: the digits 1/2/3 first, then
/// words and phrases (accents, case, punctuation and extra words ignored;
/// a one-letter typo in a longer word forgiven). A request to reschedule
/// wins over a cancel, and a cancel over a confirmation: the costlier
/// mistake is confirming a patient who will not come.
pub fn parse_answer(text: &str) -> Intent {
    let raw = text.trim();
    if raw.contains('👍') || raw.contains('✅') || raw.contains('👌') {
        return Intent::Confirm;
    }
    let norm = normalise(raw);
    let words: Vec<&str> = norm.split_whitespace().collect();
    match words.first().copied() {
        Some("1") => return Intent::Confirm,
        Some("2") => return Intent::Reschedule,
        Some("3") => return Intent::Cancel,
        _ => {}
    }
    let padded = format!(" {} ", words.join(" "));
    let has_phrase = |phrases: &[&str]| phrases.iter().any(|p| padded.contains(&format!(" {p} ")));
    let has_word = |list: &[&str]| words.iter().any(|w| list.iter().any(|k| close(w, k)));
    if has_phrase(RESCHEDULE_PHRASES) || has_word(RESCHEDULE_WORDS) {
        return Intent::Reschedule;
    }
    if has_phrase(CANCEL_PHRASES) || has_word(CANCEL_WORDS) {
        return Intent::Cancel;
    }
    if raw.contains('❌') {
        return Intent::Cancel;
    }
    let negated = words.iter().any(|w| *w == "no" || *w == "not");
    if !negated && (has_phrase(CONFIRM_PHRASES) || has_word(CONFIRM_WORDS)) {
        return Intent::Confirm;
    }
    Intent::Unknown
}

/// Lower case, accents off, punctuation to spaces.
fn normalise(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'á' | 'à' | 'ä' | 'â' => 'a',
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'í' | 'ì' | 'ï' | 'î' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' => 'o',
            'ú' | 'ù' | 'ü' | 'û' => 'u',
            'ñ' => 'n',
            c if c.is_alphanumeric() => c,
            _ => ' ',
        })
        .collect()
}

/// Equal, or (for words of five letters or more) one edit apart.
fn close(word: &str, keyword: &str) -> bool {
    if word == keyword {
        return true;
    }
    if keyword.len() < 5 || word.len().abs_diff(keyword.len()) > 1 {
        return false;
    }
    let (a, b): (Vec<char>, Vec<char>) = (word.chars().collect(), keyword.chars().collect());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()] <= 1
}

/// Monday 00:00 local of `t`'s week to the next Monday (the status bar's
/// confirmation rate).
pub fn week_of(t: DateTime<Utc>, zone: Tz) -> (DateTime<Utc>, DateTime<Utc>) {
    let day = t.with_timezone(&zone).date_naive();
    let monday = day - Duration::days(day.weekday().num_days_from_monday() as i64);
    debug_assert_eq!(monday.weekday(), Weekday::Mon);
    time::days_range(monday, 7, zone)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn lima() -> Tz {
        "America/Lima".parse().unwrap()
    }

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        lima()
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn answers_in_spanish_and_english() {
        use Intent::*;
        let table: &[(&str, Intent)] = &[
            ("1", Confirm),
            (" 1.", Confirm),
            ("2", Reschedule),
            ("3", Cancel),
            ("Sí", Confirm),
            ("si", Confirm),
            ("SÍ, CONFIRMO!!", Confirm),
            ("confirmo", Confirm),
            ("Confirmó", Confirm),
            ("confimo", Confirm),
            ("ok", Confirm),
            ("Ok gracias", Confirm),
            ("👍", Confirm),
            ("👍🏽", Confirm),
            ("yes", Confirm),
            ("Yes, see you then", Confirm),
            ("reprogramar", Reschedule),
            ("Quisiera reprogramar por favor", Reschedule),
            ("cambiar", Reschedule),
            ("¿Podemos cambiar la hora?", Reschedule),
            ("otro día", Reschedule),
            ("OTRO DIA porfa", Reschedule),
            ("no puedo, prefiero otro día", Reschedule),
            ("I need to reschedule", Reschedule),
            ("cancelar", Cancel),
            ("Cancelar", Cancel),
            ("canelar", Cancel),
            ("no puedo", Cancel),
            ("No puedo ir", Cancel),
            ("no voy", Cancel),
            ("Lo siento, no voy a poder ir", Cancel),
            ("cancel", Cancel),
            ("I can't make it", Cancel),
            ("no", Unknown),
            ("no ok", Unknown),
            ("hola, ¿a qué hora era?", Unknown),
            ("", Unknown),
            ("4", Unknown),
            ("gracias", Unknown),
        ];
        for (text, want) in table {
            assert_eq!(parse_answer(text), *want, "{text:?}");
        }
    }

    #[test]
    fn due_two_days_before_at_ten_and_quiet_hours_move_to_their_end() {
        let rule = ReminderRule::default();
        let start = at(2026, 11, 26, 9, 0);
        assert_eq!(due_time(&rule.when, start, lima()), at(2026, 11, 24, 10, 0));
        let three_hours = ReminderWhen::MinutesBefore { minutes: 180 };
        assert_eq!(
            due_time(&three_hours, start, lima()),
            at(2026, 11, 26, 6, 0)
        );
        // 06:00 is inside 21:00–08:00: moved to 08:00 the same day.
        assert_eq!(
            out_of_quiet(at(2026, 11, 26, 6, 0), "21:00", "08:00", lima()),
            at(2026, 11, 26, 8, 0)
        );
        // 22:30 moves to 08:00 the next day; 12:00 stays.
        assert_eq!(
            out_of_quiet(at(2026, 11, 25, 22, 30), "21:00", "08:00", lima()),
            at(2026, 11, 26, 8, 0)
        );
        let noon = at(2026, 11, 25, 12, 0);
        assert_eq!(out_of_quiet(noon, "21:00", "08:00", lima()), noon);
        assert_eq!(out_of_quiet(noon, "13:00", "13:00", lima()), noon);
        assert_eq!(
            out_of_quiet(noon, "12:00", "14:00", lima()),
            at(2026, 11, 25, 14, 0)
        );
    }

    #[test]
    fn every_skip_reason() {
        let rule = ReminderRule::default();
        let now = at(2026, 11, 20, 12, 0);
        let start = at(2026, 11, 26, 9, 0);
        let open = serde_json::json!({});
        let facts = |status, phone, contact| CitaFacts {
            start,
            status,
            phone,
            contact,
        };
        let plan_of = |f: &CitaFacts<'_>, now| plan(&rule, f, now, lima());
        assert_eq!(
            plan_of(&facts("confirmed", Some("+51911"), Some(&open)), now),
            Planned::Send {
                due: at(2026, 11, 24, 10, 0),
                channel: "WhatsApp",
                quiet_moved: false
            }
        );
        let reason = |p: Planned| match p {
            Planned::Skip { reason, .. } => Some(reason),
            Planned::Send { .. } => None,
        };
        assert_eq!(
            reason(plan_of(&facts("confirmed", None, Some(&open)), now)),
            Some(SkipReason::NoPhone)
        );
        assert_eq!(
            reason(plan_of(&facts("cancelled", Some("+51911"), None), now)),
            Some(SkipReason::Cancelled)
        );
        assert_eq!(
            reason(plan_of(&facts("showed", Some("+51911"), None), now)),
            Some(SkipReason::Status)
        );
        assert_eq!(
            reason(plan_of(
                &facts("new", Some("+51911"), None),
                at(2026, 11, 26, 10, 0)
            )),
            Some(SkipReason::AlreadyPast)
        );
        let all = serde_json::json!({"dnd": true});
        assert_eq!(
            reason(plan_of(&facts("new", Some("+51911"), Some(&all)), now)),
            Some(SkipReason::Dnd)
        );
        // WhatsApp blocked only: SMS instead.
        let wa = serde_json::json!({"dndSettings": {"WhatsApp": {"status": "active"}}});
        assert!(matches!(
            plan_of(&facts("new", Some("+51911"), Some(&wa)), now),
            Planned::Send { channel: "SMS", .. }
        ));
        // Booked late at night for tomorrow early: the due time passed, it
        // goes out when the quiet hours end, still before the cita.
        let late = at(2026, 11, 25, 23, 0);
        let early = CitaFacts {
            start: at(2026, 11, 26, 9, 0),
            ..facts("new", Some("+51911"), None)
        };
        assert_eq!(
            plan_of(&early, late),
            Planned::Send {
                due: at(2026, 11, 26, 8, 0),
                channel: "WhatsApp",
                quiet_moved: true
            }
        );
        // ...but not when the quiet hours end after the cita.
        let dawn = CitaFacts {
            start: at(2026, 11, 26, 7, 30),
            ..facts("new", Some("+51911"), None)
        };
        assert_eq!(reason(plan_of(&dawn, late)), Some(SkipReason::AlreadyPast));
    }

    #[test]
    fn messages_fill_placeholders_in_both_languages() {
        let facts = ReminderFacts {
            first_name: "Ana".into(),
            date: "2026-11-26".into(),
            time: "09:00".into(),
            practitioner: "Dra. Rojas".into(),
            calendar: "Fisioterapia".into(),
            clinic: "Clínica Sur".into(),
            address: "Av. Larco 101".into(),
        };
        let mut rule = ReminderRule::default();
        let es = render(&rule, &facts);
        assert!(es.starts_with("Hola Ana, le recordamos su cita en Clínica Sur el jueves 26 de noviembre a las 09:00 con Dra. Rojas (Fisioterapia)."), "{es}");
        assert!(es.ends_with("Responda 1 Confirmar, 2 Reprogramar, 3 Cancelar."));
        rule.language = "en".into();
        let en = render(&rule, &facts);
        assert!(en.contains("on Thursday, November 26 at 09:00"), "{en}");
        assert!(en.ends_with("Reply 1 to Confirm, 2 to Reschedule, 3 to Cancel."));
    }

    #[test]
    fn the_date_is_named_as_the_ui_names_it() {
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // Peru's "setiembre", and Sunday (the last weekday counted from Monday) named right.
        assert_eq!(long_date(d("2026-09-06"), false), "domingo 6 de setiembre");
        assert_eq!(long_date(d("2026-09-07"), false), "lunes 7 de setiembre");
        assert_eq!(long_date(d("2026-09-06"), true), "Sunday, September 6");
        assert_eq!(long_date(d("2027-01-01"), true), "Friday, January 1");
    }
}
