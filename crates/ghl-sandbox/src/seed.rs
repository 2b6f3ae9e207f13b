//! Deterministic seeds: the same seed and "today" always build the same world.
//!
//! Ids come from one constant-seeded stream in a fixed order (location first),
//! so the location id and the demo PIT are the same for every seed and date.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::ids::{IdGen, SplitMix64};
use crate::model::{
    weekday_name, Appointment, BlockSlot, Calendar, CalendarGroup, Contact, CreatedBy,
    CustomFieldValue, HourRange, Interval, Location, LocationSettings, OpenHours, Resource,
    Schedule, ScheduleRule, TeamMember, User,
};
use crate::state::{CustomFieldDef, World};

/// The well-known Private Integration Token of the seeded location, accepted
/// unless the configuration names its own PITs.
pub const DEMO_PIT: &str = "pit-demo-0c1d-4e5a-9b7f-clinicademo01";

/// The seeded location's id, the same for every seed and date (pinned by a
/// test: the demo configuration may name it).
pub const DEMO_LOCATION_ID: &str = "A6jGa71FEE3IpkMBbcGQ";

/// The zone of the seeded clinic; also where "today" is taken by default.
pub const DEMO_TIMEZONE: &str = "America/Lima";

const ID_STREAM: u64 = 0x00C1_7ADE_5C00_0001;
const FIXTURE_STREAM: u64 = 0x00C1_7ADE_5C00_0002;
/// Rooms, schedules and blocks take their ids from a stream of their own,
/// so every id the older seeds minted (and every id minted after them)
/// stays what it was.
const PRACTICE_STREAM: u64 = 0x00C1_7ADE_5C00_0003;

/// Citas are seeded from this many days before "today" …
pub const DAYS_BEFORE: i64 = 7;
/// … to this many days after it.
pub const DAYS_AFTER: i64 = 14;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Seed {
    /// One location, nothing else.
    Empty,
    /// "Clínica Demo" in Lima: 3 calendars, ~40 patients, ~150 citas.
    #[default]
    Demo,
    /// For benchmarks: 20 calendars, 40 citas a day each over 31 days
    /// (24,800 citas) and 10,000 patients.
    Large,
}

impl fmt::Display for Seed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Seed::Empty => "empty",
            Seed::Demo => "demo",
            Seed::Large => "large",
        })
    }
}

impl FromStr for Seed {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "empty" => Ok(Seed::Empty),
            "demo" => Ok(Seed::Demo),
            "large" => Ok(Seed::Large),
            other => Err(format!(
                "unknown seed {other:?} (expected demo, empty or large)"
            )),
        }
    }
}

/// Build the world for `seed` around the clinic's `today`.
pub fn build(seed: Seed, today: NaiveDate) -> World {
    let mut ids = IdGen::new(ID_STREAM);
    let location = clinic_location(&mut ids);
    let mut world = World {
        seed,
        today,
        primary_location_id: location.id.clone(),
        locations: BTreeMap::from([(location.id.clone(), location)]),
        users: BTreeMap::new(),
        calendar_groups: BTreeMap::new(),
        calendars: BTreeMap::new(),
        custom_fields: BTreeMap::new(),
        contacts: BTreeMap::new(),
        appointments: BTreeMap::new(),
        messages: BTreeMap::new(),
        conversations: BTreeMap::new(),
        resources: BTreeMap::new(),
        schedules: BTreeMap::new(),
        blocks: BTreeMap::new(),
        ids,
        calendar_index: BTreeMap::new(),
    };
    match seed {
        Seed::Demo => {
            populate_demo(&mut world);
            populate_practice(&mut world, &DEMO_ROOMS, &DEMO_BLOCKS);
        }
        Seed::Large => {
            populate_large(&mut world);
            populate_practice(&mut world, &LARGE_ROOMS, &LARGE_BLOCKS);
        }
        Seed::Empty => {}
    }
    world.reindex();
    world
}

fn clinic_location(ids: &mut IdGen) -> Location {
    Location {
        id: ids.next_id(),
        company_id: ids.next_id(),
        name: "Clínica Demo".into(),
        timezone: DEMO_TIMEZONE.into(),
        address: "Av. José Larco 1232, Of. 502".into(),
        city: "Lima".into(),
        state: "Lima".into(),
        country: "PE".into(),
        postal_code: "15074".into(),
        phone: "+5116543210".into(),
        email: "citas@clinicademo.pe".into(),
        website: "https://clinicademo.pe".into(),
        settings: LocationSettings {
            allow_duplicate_contact: false,
            allow_duplicate_opportunity: false,
            allow_facebook_name_merge: false,
            disable_contact_timezone: false,
        },
    }
}

/// A practitioner and the calendar they attend.
struct Service {
    calendar: &'static str,
    description: &'static str,
    title_prefixes: &'static [&'static str],
    tag: &'static str,
    practitioner: (&'static str, &'static str, &'static str, &'static str),
    slot_mins: u32,
    /// Citas per open weekday (inclusive range); Saturdays get 2 or 3.
    daily_citas: (u64, u64),
    open_hours: Vec<OpenHours>,
    color: &'static str,
    room: &'static str,
}

const MON_FRI: [u8; 5] = [1, 2, 3, 4, 5];
/// Saturday and Sunday (GHL counts 0 = Sunday): the weekend's morning shift.
/// Open on Sundays too, so the demo (and every test of today's agenda) has
/// citas today whatever day it runs.
const WEEKEND: [u8; 2] = [6, 0];

fn services() -> Vec<Service> {
    vec![
        Service {
            calendar: "Fisioterapia",
            description: "Terapia física y rehabilitación",
            title_prefixes: &["Sesión de fisioterapia", "Evaluación inicial"],
            tag: "fisioterapia",
            practitioner: (
                "Lic. Lucía",
                "Mendoza Torres",
                "lucia.mendoza@clinicademo.pe",
                "+51987120431",
            ),
            slot_mins: 45,
            daily_citas: (2, 4),
            open_hours: vec![
                OpenHours {
                    days_of_the_week: MON_FRI.to_vec(),
                    hours: vec![HourRange::new(8, 0, 19, 0)],
                },
                OpenHours {
                    days_of_the_week: WEEKEND.to_vec(),
                    hours: vec![HourRange::new(9, 0, 13, 0)],
                },
            ],
            color: "#039be5",
            room: "Consultorio 1",
        },
        Service {
            calendar: "Medicina General",
            description: "Consulta de medicina general",
            title_prefixes: &["Consulta", "Control"],
            tag: "medicina-general",
            practitioner: (
                "Dr. Carlos",
                "Huamán Rojas",
                "carlos.huaman@clinicademo.pe",
                "+51986554720",
            ),
            slot_mins: 30,
            daily_citas: (2, 4),
            open_hours: vec![
                OpenHours {
                    days_of_the_week: MON_FRI.to_vec(),
                    hours: vec![HourRange::new(8, 0, 13, 0), HourRange::new(14, 0, 19, 0)],
                },
                OpenHours {
                    days_of_the_week: WEEKEND.to_vec(),
                    hours: vec![HourRange::new(9, 0, 13, 0)],
                },
            ],
            color: "#33b679",
            room: "Consultorio 2",
        },
        Service {
            calendar: "Nutrición",
            description: "Consulta nutricional y planes de alimentación",
            title_prefixes: &["Consulta nutricional", "Control nutricional"],
            tag: "nutricion",
            practitioner: (
                "Dra. Rosa",
                "Chávez Paredes",
                "rosa.chavez@clinicademo.pe",
                "+51984310966",
            ),
            slot_mins: 60,
            daily_citas: (2, 3),
            open_hours: vec![
                OpenHours {
                    days_of_the_week: vec![1, 3, 5],
                    hours: vec![HourRange::new(9, 0, 17, 0)],
                },
                OpenHours {
                    days_of_the_week: vec![2, 4],
                    hours: vec![HourRange::new(11, 0, 19, 0)],
                },
            ],
            color: "#f6bf26",
            room: "Consultorio 3",
        },
    ]
}

const FEMALE_NAMES: &[&str] = &[
    "Ana", "María", "Rosa", "Carmen", "Lucía", "Sofía", "Valeria", "Camila", "Milagros",
    "Gabriela", "Flor", "Daniela", "Patricia", "Jimena", "Elena", "Fiorella", "Karina", "Yolanda",
    "Luz", "Diana",
];
const MALE_NAMES: &[&str] = &[
    "José", "Luis", "Carlos", "Jorge", "Juan", "Miguel", "Diego", "Renzo", "Alonso", "César",
    "Víctor", "Raúl", "Manuel", "Pedro", "Javier", "Óscar", "Hugo", "Walter", "Gonzalo", "Andrés",
];
const SURNAMES: &[&str] = &[
    "Quispe",
    "Mamani",
    "Flores",
    "Rodríguez",
    "Huamán",
    "García",
    "Sánchez",
    "Chávez",
    "Ramos",
    "Torres",
    "Rojas",
    "Vargas",
    "Díaz",
    "Castillo",
    "Mendoza",
    "Gutiérrez",
    "Cruz",
    "Espinoza",
    "Condori",
    "Ccori",
    "Paredes",
    "Salazar",
    "Vásquez",
    "Romero",
    "Apaza",
    "Cárdenas",
    "Villanueva",
    "Ticona",
    "Palomino",
    "Zegarra",
];
const DISTRICTS: &[(&str, &str)] = &[
    ("Miraflores", "15074"),
    ("San Isidro", "15073"),
    ("Santiago de Surco", "15038"),
    ("San Borja", "15036"),
    ("Jesús María", "15072"),
    ("Lince", "15046"),
    ("Pueblo Libre", "15084"),
    ("Magdalena del Mar", "15076"),
    ("Barranco", "15063"),
    ("San Miguel", "15086"),
    ("La Molina", "15024"),
    ("Los Olivos", "15301"),
];
const STREETS: &[&str] = &[
    "Av. Arequipa",
    "Av. Brasil",
    "Jr. Huancavelica",
    "Calle Los Pinos",
    "Av. Javier Prado Este",
    "Av. Salaverry",
    "Jr. Junín",
    "Calle Las Begonias",
    "Av. La Marina",
    "Av. Angamos Oeste",
];
const EMAIL_DOMAINS: &[&str] = &["gmail.com", "hotmail.com", "outlook.com", "yahoo.es"];
const CONTACT_SOURCES: &[&str] = &["recepción", "whatsapp", "facebook", "web"];
const NOTES: &[&str] = &[
    "",
    "",
    "",
    "Trae resultados de laboratorio",
    "Paciente refiere dolor lumbar",
    "Primera vez en la clínica",
    "Pago con seguro EPS",
];

const CONTACT_COUNT: usize = 40;

/// A booked [start, end).
type Span = (DateTime<Utc>, DateTime<Utc>);

/// Seed-time "now": 07:00 on `today` in the clinic's zone.
fn seed_opening(zone: Tz, today: NaiveDate) -> DateTime<Utc> {
    local_instant(
        zone,
        today,
        NaiveTime::from_hms_opt(7, 0, 0).unwrap_or_default(),
    )
    .unwrap_or_else(|| Utc.from_utc_datetime(&today.and_time(NaiveTime::MIN)))
}

/// What every seeded clinic has before its calendars: the receptionist, the
/// calendar group and the DNI custom field, in that id order. Answers their
/// ids (receptionist, group, DNI field).
fn seed_front_desk(world: &mut World, location: &Location) -> (String, String, String) {
    let ids = &mut world.ids;
    let receptionist = User {
        id: ids.next_id(),
        company_id: location.company_id.clone(),
        first_name: "Milagros".into(),
        last_name: "Salazar Vega".into(),
        email: "recepcion@clinicademo.pe".into(),
        phone: "+51981002030".into(),
        role_type: "account".into(),
        role: "admin".into(),
        location_ids: vec![location.id.clone()],
        deleted: false,
    };
    let receptionist_id = receptionist.id.clone();
    world.users.insert(receptionist.id.clone(), receptionist);

    let group = CalendarGroup {
        id: ids.next_id(),
        location_id: location.id.clone(),
        name: "Consultorios".into(),
        description: "Consultas ambulatorias".into(),
        slug: "consultorios".into(),
        is_active: true,
    };
    let group_id = group.id.clone();
    world.calendar_groups.insert(group.id.clone(), group);

    let dni = CustomFieldDef {
        id: ids.next_id(),
        location_id: location.id.clone(),
        name: "DNI".into(),
        field_key: "contact.dni".into(),
        data_type: "TEXT".into(),
    };
    let dni_id = dni.id.clone();
    world.custom_fields.insert(dni.id.clone(), dni);
    (receptionist_id, group_id, dni_id)
}

fn populate_demo(world: &mut World) {
    let mut rng = SplitMix64::new(FIXTURE_STREAM);
    let location = world.primary_location().clone();
    let zone: Tz = location.timezone.parse().unwrap_or(Tz::UTC);
    // Seed-time "now": the clinic opens at 07:00 on "today"; nothing in the
    // seed was added or updated after it.
    let opening = seed_opening(zone, world.today);
    let (receptionist_id, group_id, dni_id) = seed_front_desk(world, &location);
    let ids = &mut world.ids;

    let services = services();
    let mut calendar_ids = Vec::new();
    for s in &services {
        let (first, last, email, phone) = s.practitioner;
        let user = User {
            id: ids.next_id(),
            company_id: location.company_id.clone(),
            first_name: first.into(),
            last_name: last.into(),
            email: email.into(),
            phone: phone.into(),
            role_type: "account".into(),
            role: "user".into(),
            location_ids: vec![location.id.clone()],
            deleted: false,
        };
        let calendar = Calendar {
            id: ids.next_id(),
            location_id: location.id.clone(),
            group_id: Some(group_id.clone()),
            name: s.calendar.into(),
            description: format!("{} con {} {}", s.description, first, last),
            slug: slugify(s.calendar),
            calendar_type: "round_robin".into(),
            is_active: true,
            team_members: vec![TeamMember {
                user_id: user.id.clone(),
                priority: 0.5,
                is_primary: true,
            }],
            slot_duration_mins: s.slot_mins,
            slot_interval_mins: s.slot_mins,
            open_hours: s.open_hours.clone(),
            auto_confirm: true,
            event_color: s.color.into(),
            meeting_address: format!("{}, {}, {}", location.address, s.room, location.city),
        };
        calendar_ids.push(calendar.id.clone());
        world.users.insert(user.id.clone(), user);
        world.calendars.insert(calendar.id.clone(), calendar);
    }

    // Patients.
    let mut taken_names = HashSet::new();
    let mut taken_emails = HashSet::new();
    let mut taken_phones = HashSet::new();
    let mut contact_ids = Vec::new();
    while contact_ids.len() < CONTACT_COUNT {
        let female = rng.chance(55);
        let first = *rng.pick(if female { FEMALE_NAMES } else { MALE_NAMES });
        let s1 = *rng.pick(SURNAMES);
        let s2 = *rng.pick(SURNAMES);
        if s1 == s2 || !taken_names.insert((first, s1)) {
            continue;
        }
        let phone = loop {
            let p = format!("+519{:08}", rng.below(100_000_000));
            if taken_phones.insert(p.clone()) {
                break p;
            }
        };
        let email = if rng.chance(80) {
            let local = match rng.below(3) {
                0 => format!("{}.{}", ascii_fold(first), ascii_fold(s1)),
                1 => format!(
                    "{}{}{}",
                    ascii_fold(first),
                    ascii_fold(s1),
                    rng.between(1, 99)
                ),
                _ => format!("{}{}", &ascii_fold(first)[..1], ascii_fold(s1)),
            };
            let e = format!("{local}@{}", rng.pick(EMAIL_DOMAINS));
            taken_emails.insert(e.clone()).then_some(e)
        } else {
            None
        };
        let (district, postal) = *rng.pick(DISTRICTS);
        let added = opening
            - Duration::days(rng.between(20, 400) as i64)
            - Duration::minutes(rng.between(0, 600) as i64)
            - Duration::milliseconds(rng.below(1000) as i64);
        let birth = NaiveDate::from_ymd_opt(
            rng.between(1950, 2015) as i32,
            rng.between(1, 12) as u32,
            rng.between(1, 28) as u32,
        );
        let mut tags = vec!["paciente".to_string()];
        if rng.chance(30) {
            tags.push(
                services[rng.below(services.len() as u64) as usize]
                    .tag
                    .to_string(),
            );
        }
        let contact = Contact {
            id: ids.next_id(),
            location_id: location.id.clone(),
            first_name: first.into(),
            last_name: format!("{s1} {s2}"),
            email,
            phone: Some(phone),
            gender: Some(if female { "female" } else { "male" }.into()),
            date_of_birth: birth,
            address1: format!("{} {}", rng.pick(STREETS), rng.between(100, 3999)),
            city: district.into(),
            state: "Lima".into(),
            postal_code: postal.into(),
            country: "PE".into(),
            timezone: Some(DEMO_TIMEZONE.into()),
            source: (*rng.pick(CONTACT_SOURCES)).into(),
            tags,
            dnd: rng.chance(5),
            dnd_settings: Default::default(),
            assigned_to: None,
            custom_fields: vec![CustomFieldValue {
                id: dni_id.clone(),
                value: format!("{:08}", rng.between(10_000_000, 79_999_999)),
            }],
            date_added: added,
            date_updated: added + Duration::minutes(rng.between(0, 60 * 24 * 10) as i64),
            company_name: None,
            website: None,
        };
        contact_ids.push(contact.id.clone());
        world.contacts.insert(contact.id.clone(), contact);
    }

    // Citas: every open day from DAYS_BEFORE before today to DAYS_AFTER after,
    // on each calendar's own slot grid (so none overlap within a calendar).
    let mut busy: BTreeMap<String, Vec<Span>> = BTreeMap::new();
    for offset in -DAYS_BEFORE..=DAYS_AFTER {
        let day = world.today + Duration::days(offset);
        for (service, calendar_id) in services.iter().zip(&calendar_ids) {
            let calendar = world.calendars[calendar_id].clone();
            let mut slots = slot_starts(&calendar, day);
            if slots.is_empty() {
                continue;
            }
            let weekend = matches!(day.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun);
            let wanted = if weekend {
                rng.between(2, 3)
            } else {
                rng.between(service.daily_citas.0, service.daily_citas.1)
            };
            for _ in 0..wanted.min(slots.len() as u64) {
                let start_local = slots.swap_remove(rng.below(slots.len() as u64) as usize);
                let Some(start) = local_instant(zone, day, start_local) else {
                    continue;
                };
                let end = start + Duration::minutes(calendar.slot_duration_mins.into());
                // A patient is never in two places at once.
                let Some(contact_id) = (0..10).map(|_| rng.pick(&contact_ids).clone()).find(|c| {
                    busy.get(c)
                        .is_none_or(|spans| spans.iter().all(|(s, e)| end <= *s || *e <= start))
                }) else {
                    continue;
                };
                busy.entry(contact_id.clone())
                    .or_default()
                    .push((start, end));
                let contact = &world.contacts[&contact_id];
                let short_name = format!(
                    "{} {}",
                    contact.first_name,
                    contact.last_name.split(' ').next().unwrap_or("")
                );
                let status = seeded_status(&mut rng, offset);
                let added = {
                    let candidate = start - Duration::days(rng.between(1, 20) as i64)
                        + Duration::minutes(rng.between(0, 600) as i64);
                    if candidate < opening {
                        candidate
                    } else {
                        opening - Duration::minutes(rng.between(1, 72 * 60) as i64)
                    }
                };
                let updated = match status {
                    "showed" => start + Duration::minutes(rng.between(2, 20) as i64),
                    "noshow" => end + Duration::minutes(rng.between(10, 60) as i64),
                    "cancelled" => {
                        let latest = if start < opening { start } else { opening };
                        let span = (latest - added).num_minutes().max(1) as u64;
                        added + Duration::minutes(rng.below(span) as i64)
                    }
                    _ => added,
                };
                let created_by = if rng.chance(30) {
                    CreatedBy {
                        user_id: None,
                        source: "booking_widget".into(),
                    }
                } else {
                    CreatedBy {
                        user_id: Some(receptionist_id.clone()),
                        source: "third_party".into(),
                    }
                };
                let appointment = Appointment {
                    id: world.ids.next_id(),
                    location_id: location.id.clone(),
                    calendar_id: calendar.id.clone(),
                    contact_id: contact_id.clone(),
                    group_id: group_id.clone(),
                    title: format!("{} - {}", rng.pick(service.title_prefixes), short_name),
                    appointment_status: status.into(),
                    assigned_user_id: calendar.primary_user_id().unwrap_or_default().into(),
                    users: Vec::new(),
                    address: calendar.meeting_address.clone(),
                    notes: (*rng.pick(NOTES)).into(),
                    start_time: start,
                    end_time: end,
                    date_added: added,
                    date_updated: updated.max(added),
                    created_by,
                    description: None,
                    meeting_location_type: None,
                };
                world
                    .appointments
                    .insert(appointment.id.clone(), appointment);
            }
        }
    }
}

/// Large seed: calendars, citas per calendar per day, patients.
pub const LARGE_CALENDARS: usize = 20;
pub const LARGE_CITAS_PER_DAY: usize = 40;
pub const LARGE_CONTACTS: usize = 10_000;
/// Large seed citas run from the day before "today" for this many days
/// (a 31-day window starting yesterday covers them all).
pub const LARGE_DAYS: i64 = 31;

const SPECIALTIES: &[&str] = &[
    "Medicina General",
    "Pediatría",
    "Ginecología",
    "Cardiología",
    "Dermatología",
    "Traumatología",
    "Oftalmología",
    "Otorrinolaringología",
    "Neurología",
    "Psicología",
    "Nutrición",
    "Fisioterapia",
    "Odontología",
    "Endocrinología",
    "Urología",
    "Gastroenterología",
    "Reumatología",
    "Neumología",
    "Medicina Interna",
    "Geriatría",
];

/// 20 calendars open every day 08:00–18:00 on a 15-minute grid (40 slots),
/// every slot booked for 31 days, 10,000 patients. Built in one pass with
/// no searching, so it stays fast.
fn populate_large(world: &mut World) {
    let mut rng = SplitMix64::new(FIXTURE_STREAM ^ 0x1A56E);
    let location = world.primary_location().clone();
    let zone: Tz = location.timezone.parse().unwrap_or(Tz::UTC);
    let opening = seed_opening(zone, world.today);
    let (receptionist_id, group_id, dni_id) = seed_front_desk(world, &location);
    let ids = &mut world.ids;

    let mut calendars = Vec::with_capacity(LARGE_CALENDARS);
    for (n, specialty) in SPECIALTIES.iter().enumerate().take(LARGE_CALENDARS) {
        let female = n % 2 == 0;
        let first = if female {
            FEMALE_NAMES[n]
        } else {
            MALE_NAMES[n]
        };
        let last = format!("{} {}", SURNAMES[n], SURNAMES[(n + 7) % SURNAMES.len()]);
        let user = User {
            id: ids.next_id(),
            company_id: location.company_id.clone(),
            first_name: format!("{} {first}", if female { "Dra." } else { "Dr." }),
            last_name: last.clone(),
            email: format!(
                "{}.{}@clinicademo.pe",
                ascii_fold(first),
                ascii_fold(SURNAMES[n])
            ),
            phone: format!("+5198700{n:04}"),
            role_type: "account".into(),
            role: "user".into(),
            location_ids: vec![location.id.clone()],
            deleted: false,
        };
        let calendar = Calendar {
            id: ids.next_id(),
            location_id: location.id.clone(),
            group_id: Some(group_id.clone()),
            name: (*specialty).into(),
            description: format!("{specialty} con {first} {last}"),
            slug: slugify(specialty),
            calendar_type: "round_robin".into(),
            is_active: true,
            team_members: vec![TeamMember {
                user_id: user.id.clone(),
                priority: 0.5,
                is_primary: true,
            }],
            slot_duration_mins: 15,
            slot_interval_mins: 15,
            open_hours: vec![OpenHours {
                days_of_the_week: vec![0, 1, 2, 3, 4, 5, 6],
                hours: vec![HourRange::new(8, 0, 18, 0)],
            }],
            auto_confirm: true,
            event_color: "#039be5".into(),
            meeting_address: format!(
                "{}, Consultorio {}, {}",
                location.address,
                n + 1,
                location.city
            ),
        };
        world.users.insert(user.id.clone(), user);
        calendars.push(calendar.clone());
        world.calendars.insert(calendar.id.clone(), calendar);
    }

    let mut contacts: Vec<(String, String)> = Vec::with_capacity(LARGE_CONTACTS);
    for i in 0..LARGE_CONTACTS {
        let female = rng.chance(55);
        let first = *rng.pick(if female { FEMALE_NAMES } else { MALE_NAMES });
        let (s1, s2) = (*rng.pick(SURNAMES), *rng.pick(SURNAMES));
        let (district, postal) = *rng.pick(DISTRICTS);
        let added = opening
            - Duration::days(rng.between(20, 700) as i64)
            - Duration::minutes(rng.below(600) as i64);
        let contact = Contact {
            id: ids.next_id(),
            location_id: location.id.clone(),
            first_name: first.into(),
            last_name: format!("{s1} {s2}"),
            email: rng.chance(80).then(|| {
                format!(
                    "{}.{}{i}@{}",
                    ascii_fold(first),
                    ascii_fold(s1),
                    rng.pick(EMAIL_DOMAINS)
                )
            }),
            // Unique by construction: the index is in the number.
            phone: Some(format!("+5199{:07}", i)),
            gender: Some(if female { "female" } else { "male" }.into()),
            date_of_birth: NaiveDate::from_ymd_opt(
                rng.between(1940, 2020) as i32,
                rng.between(1, 12) as u32,
                rng.between(1, 28) as u32,
            ),
            address1: format!("{} {}", rng.pick(STREETS), rng.between(100, 3999)),
            city: district.into(),
            state: "Lima".into(),
            postal_code: postal.into(),
            country: "PE".into(),
            timezone: Some(DEMO_TIMEZONE.into()),
            source: (*rng.pick(CONTACT_SOURCES)).into(),
            tags: vec!["paciente".to_string()],
            dnd: false,
            dnd_settings: Default::default(),
            assigned_to: None,
            custom_fields: vec![CustomFieldValue {
                id: dni_id.clone(),
                value: format!("{:08}", 10_000_000 + i * 6_007),
            }],
            date_added: added,
            date_updated: added,
            company_name: None,
            website: None,
        };
        contacts.push((contact.id.clone(), format!("{first} {s1}")));
        world.contacts.insert(contact.id.clone(), contact);
    }

    // Citas: consecutive k within one slot time go to distinct patients
    // (the stride is coprime with the patient count), so no patient is in
    // two places at once.
    let mut k: usize = 0;
    for day_index in 0..LARGE_DAYS {
        let offset = day_index - 1;
        let day = world.today + Duration::days(offset);
        for slot in 0..LARGE_CITAS_PER_DAY {
            let minutes = 8 * 60 + 15 * slot as u32;
            let time = NaiveTime::from_hms_opt(minutes / 60, minutes % 60, 0).unwrap_or_default();
            let Some(start) = local_instant(zone, day, time) else {
                continue;
            };
            let end = start + Duration::minutes(15);
            for calendar in &calendars {
                let (contact_id, short_name) = &contacts[(k * 7_919) % LARGE_CONTACTS];
                k += 1;
                let status = seeded_status(&mut rng, offset);
                let added = (start - Duration::days(rng.between(1, 20) as i64)).min(opening);
                let appointment = Appointment {
                    id: world.ids.next_id(),
                    location_id: location.id.clone(),
                    calendar_id: calendar.id.clone(),
                    contact_id: contact_id.clone(),
                    group_id: group_id.clone(),
                    title: format!("{} - {short_name}", calendar.name),
                    appointment_status: status.into(),
                    assigned_user_id: calendar.team_members[0].user_id.clone(),
                    users: Vec::new(),
                    address: calendar.meeting_address.clone(),
                    notes: String::new(),
                    start_time: start,
                    end_time: end,
                    date_added: added,
                    date_updated: added,
                    created_by: CreatedBy {
                        user_id: Some(receptionist_id.clone()),
                        source: "third_party".into(),
                    },
                    description: None,
                    meeting_location_type: None,
                };
                world
                    .appointments
                    .insert(appointment.id.clone(), appointment);
            }
        }
    }
}

/// Past citas were attended, missed or cancelled; upcoming ones are mostly
/// confirmed or still new.
fn seeded_status(rng: &mut SplitMix64, day_offset: i64) -> &'static str {
    let roll = rng.below(100);
    match day_offset {
        o if o < 0 => match roll {
            0..=67 => "showed",
            68..=79 => "noshow",
            80..=91 => "cancelled",
            _ => "confirmed",
        },
        0 => match roll {
            0..=74 => "confirmed",
            75..=91 => "new",
            _ => "cancelled",
        },
        _ => match roll {
            0..=54 => "confirmed",
            55..=87 => "new",
            _ => "cancelled",
        },
    }
}

/// Start times of every slot that fits the calendar's open hours on `day`.
pub fn slot_starts(calendar: &Calendar, day: NaiveDate) -> Vec<NaiveTime> {
    let length = Duration::minutes(calendar.slot_duration_mins.into());
    let step = Duration::minutes(calendar.slot_interval_mins.max(1).into());
    let mut out = Vec::new();
    for (open, close) in calendar.open_intervals(day.weekday()) {
        let mut start = day.and_time(open);
        let close = day.and_time(close);
        while start + length <= close {
            out.push(start.time());
            start += step;
        }
    }
    out
}

/// The instant of a local wall time; `None` inside a DST gap.
pub fn local_instant(zone: Tz, day: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
    zone.from_local_datetime(&NaiveDateTime::new(day, time))
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

fn slugify(name: &str) -> String {
    ascii_fold(name).replace(' ', "-")
}

/// Lower-case ASCII for emails and slugs ("Nutrición" → "nutricion").
fn ascii_fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'á' | 'Á' => 'a',
            'é' | 'É' => 'e',
            'í' | 'Í' => 'i',
            'ó' | 'Ó' => 'o',
            'ú' | 'Ú' | 'ü' | 'Ü' => 'u',
            'ñ' | 'Ñ' => 'n',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// A seeded room or equipment: its name, type, capacity (or quantity) and
/// the calendars it serves, by their position in name order.
struct SeedResource {
    name: &'static str,
    resource_type: &'static str,
    capacity: u32,
    calendars: &'static [usize],
}

/// A seeded block: the calendar (by name order) or, with `whole_user`, its
/// practitioner; days from today, local start and length.
struct SeedBlock {
    calendar: usize,
    whole_user: bool,
    title: &'static str,
    day_offset: i64,
    start: (u32, u32),
    minutes: i64,
}

/// Demo calendars in name order: Fisioterapia, Medicina General, Nutrición.
const DEMO_ROOMS: [SeedResource; 4] = [
    SeedResource {
        name: "Consultorio 1",
        resource_type: "rooms",
        capacity: 1,
        calendars: &[0],
    },
    SeedResource {
        name: "Consultorio 2",
        resource_type: "rooms",
        capacity: 1,
        calendars: &[1],
    },
    SeedResource {
        name: "Consultorio 3",
        resource_type: "rooms",
        capacity: 1,
        calendars: &[2],
    },
    SeedResource {
        name: "Ecógrafo",
        resource_type: "equipments",
        capacity: 1,
        calendars: &[1],
    },
];

const DEMO_BLOCKS: [SeedBlock; 3] = [
    SeedBlock {
        calendar: 0,
        whole_user: false,
        title: "Almuerzo",
        day_offset: 1,
        start: (13, 0),
        minutes: 60,
    },
    SeedBlock {
        calendar: 1,
        whole_user: false,
        title: "Capacitación",
        day_offset: 2,
        start: (17, 0),
        minutes: 120,
    },
    SeedBlock {
        calendar: 2,
        whole_user: true,
        title: "Vacaciones",
        day_offset: 8,
        start: (0, 0),
        minutes: 24 * 60,
    },
];

/// Large seed: ten rooms, each shared by two calendars (capacity 2, so the
/// seed's own citas never crowd one), and a block a day on a few calendars.
const LARGE_ROOMS: [SeedResource; 10] = [
    SeedResource {
        name: "Consultorio 1",
        resource_type: "rooms",
        capacity: 2,
        calendars: &[0, 1],
    },
    SeedResource {
        name: "Consultorio 2",
        resource_type: "rooms",
        capacity: 2,
        calendars: &[2, 3],
    },
    SeedResource {
        name: "Consultorio 3",
        resource_type: "rooms",
        capacity: 2,
        calendars: &[4, 5],
    },
    SeedResource {
        name: "Consultorio 4",
        resource_type: "rooms",
        capacity: 2,
        calendars: &[6, 7],
    },
    SeedResource {
        name: "Consultorio 5",
        resource_type: "rooms",
        capacity: 2,
        calendars: &[8, 9],
    },
    SeedResource {
        name: "Consultorio 6",
        resource_type: "rooms",
        capacity: 2,
        calendars: &[10, 11],
    },
    SeedResource {
        name: "Consultorio 7",
        resource_type: "rooms",
        capacity: 2,
        calendars: &[12, 13],
    },
    SeedResource {
        name: "Consultorio 8",
        resource_type: "rooms",
        capacity: 2,
        calendars: &[14, 15],
    },
    SeedResource {
        name: "Consultorio 9",
        resource_type: "rooms",
        capacity: 2,
        calendars: &[16, 17],
    },
    SeedResource {
        name: "Consultorio 10",
        resource_type: "rooms",
        capacity: 2,
        calendars: &[18, 19],
    },
];

const LARGE_BLOCKS: [SeedBlock; 4] = [
    SeedBlock {
        calendar: 0,
        whole_user: false,
        title: "Reunión de equipo",
        day_offset: 1,
        start: (12, 0),
        minutes: 60,
    },
    SeedBlock {
        calendar: 5,
        whole_user: false,
        title: "Almuerzo",
        day_offset: 2,
        start: (13, 0),
        minutes: 60,
    },
    SeedBlock {
        calendar: 9,
        whole_user: true,
        title: "Congreso",
        day_offset: 5,
        start: (0, 0),
        minutes: 24 * 60,
    },
    SeedBlock {
        calendar: 14,
        whole_user: false,
        title: "Mantenimiento",
        day_offset: 3,
        start: (16, 0),
        minutes: 120,
    },
];

/// Rooms, each practitioner's schedule (their calendar's open hours, as
/// GHL fills a new schedule from them) and a few blocks.
fn populate_practice(world: &mut World, rooms: &[SeedResource], blocks: &[SeedBlock]) {
    let mut ids = IdGen::new(PRACTICE_STREAM);
    let location = world.primary_location().clone();
    let zone: Tz = location.timezone.parse().unwrap_or(Tz::UTC);
    let opening = seed_opening(zone, world.today);
    let mut calendars: Vec<Calendar> = world.calendars.values().cloned().collect();
    calendars.sort_by(|a, b| a.name.cmp(&b.name));
    let calendar_ids = |positions: &[usize]| -> Vec<String> {
        positions
            .iter()
            .filter_map(|&n| calendars.get(n).map(|c| c.id.clone()))
            .collect()
    };
    for r in rooms {
        let resource = Resource {
            id: ids.next_id(),
            location_id: location.id.clone(),
            resource_type: r.resource_type.into(),
            name: r.name.into(),
            description: String::new(),
            quantity: if r.resource_type == "equipments" {
                r.capacity
            } else {
                1
            },
            out_of_service: 0,
            capacity: r.capacity,
            calendar_ids: calendar_ids(r.calendars),
            is_active: true,
        };
        world.resources.insert(resource.id.clone(), resource);
    }
    for calendar in &calendars {
        let Some(user_id) = calendar.primary_user_id() else {
            continue;
        };
        let name = world.users.get(user_id).map(User::name).unwrap_or_default();
        let schedule = Schedule {
            id: ids.next_id(),
            location_id: location.id.clone(),
            user_id: user_id.into(),
            name: format!("Horario de {name}"),
            timezone: location.timezone.clone(),
            rules: schedule_rules(&calendar.open_hours),
            calendar_ids: vec![calendar.id.clone()],
            date_added: opening - Duration::days(90),
            date_updated: opening - Duration::days(30),
        };
        world.schedules.insert(schedule.id.clone(), schedule);
    }
    for b in blocks {
        let Some(calendar) = calendars.get(b.calendar) else {
            continue;
        };
        let day = world.today + Duration::days(b.day_offset);
        let time = NaiveTime::from_hms_opt(b.start.0, b.start.1, 0).unwrap_or_default();
        let Some(start) = local_instant(zone, day, time) else {
            continue;
        };
        let (calendar_id, user_id) = if b.whole_user {
            (None, calendar.primary_user_id().map(str::to_string))
        } else {
            (Some(calendar.id.clone()), None)
        };
        let block = BlockSlot {
            id: ids.next_id(),
            location_id: location.id.clone(),
            calendar_id,
            assigned_user_id: user_id,
            title: b.title.into(),
            start_time: start,
            end_time: start + Duration::minutes(b.minutes),
            date_added: opening - Duration::days(3),
            date_updated: opening - Duration::days(3),
        };
        world.blocks.insert(block.id.clone(), block);
    }
}

/// GHL's weekday rules for open hours (0 = Sunday, as GHL counts).
fn schedule_rules(open: &[OpenHours]) -> Vec<ScheduleRule> {
    let days = [
        chrono::Weekday::Sun,
        chrono::Weekday::Mon,
        chrono::Weekday::Tue,
        chrono::Weekday::Wed,
        chrono::Weekday::Thu,
        chrono::Weekday::Fri,
        chrono::Weekday::Sat,
    ];
    let hhmm = |h: u8, m: u8| format!("{h:02}:{m:02}");
    days.iter()
        .enumerate()
        .filter_map(|(n, day)| {
            let intervals: Vec<Interval> = open
                .iter()
                .filter(|o| o.days_of_the_week.contains(&(n as u8)))
                .flat_map(|o| o.hours.iter())
                .map(|h| Interval {
                    from: hhmm(h.open_hour, h.open_minute),
                    to: hhmm(h.close_hour, h.close_minute),
                })
                .collect();
            (!intervals.is_empty()).then(|| ScheduleRule {
                kind: "wday".into(),
                day: Some(weekday_name(*day).into()),
                date: None,
                intervals,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_spanish_letters() {
        assert_eq!(ascii_fold("Nutrición Óscar Ñahui"), "nutricion oscar nahui");
    }

    #[test]
    fn every_seed_and_date_share_the_documented_location() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        for world in [
            build(Seed::Empty, day),
            build(Seed::Demo, day),
            build(Seed::Demo, day + Duration::days(40)),
        ] {
            assert_eq!(world.primary_location_id, DEMO_LOCATION_ID);
        }
    }
}
