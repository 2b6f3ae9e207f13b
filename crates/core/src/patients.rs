//! Patients (GHL contacts): the search key that makes "nunez" find "Núñez",
//! and phone numbers in E.164 so GHL's duplicate check sees one patient.

use crate::error::{CoreError, Result};
use crate::messages;

/// Lower case, accents and ñ folded, punctuation to spaces: what a
/// receptionist types against how a name was written.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        let folded = match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            c if c.is_alphanumeric() || c == '@' || c == '.' || c == '+' => c,
            _ => ' ',
        };
        out.push(folded);
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text a patient is found by: name, email and phone digits, folded.
pub fn search_key(name: Option<&str>, email: Option<&str>, phone: Option<&str>) -> String {
    let digits: String = phone
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    fold(&format!(
        "{} {} {}",
        name.unwrap_or_default(),
        email.unwrap_or_default(),
        digits
    ))
}

/// A phone number in E.164 (`+51987654321`), or None when it cannot be one.
/// Numbers without a country code are read as `default_country`'s; for Peru
/// (PE, +51): 9-digit mobiles (9xx xxx xxx) and landlines written with
/// their leading 0 and area code (01 234 5678 for Lima).
pub fn normalize_phone(input: &str, default_country: &str) -> Option<String> {
    let trimmed = input.trim();
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    let international = if trimmed.starts_with('+') {
        Some(digits.clone())
    } else {
        digits.strip_prefix("00").map(str::to_string)
    };
    let e164 = match international {
        Some(d) => d,
        None => match default_country.to_ascii_uppercase().as_str() {
            "PE" => match digits.len() {
                9 if digits.starts_with('9') => format!("51{digits}"),
                11 if digits.starts_with("51") => digits,
                8..=9 if digits.starts_with('0') => format!("51{}", &digits[1..]),
                _ => return None,
            },
            _ => return None,
        },
    };
    (8..=15).contains(&e164.len()).then(|| format!("+{e164}"))
}

/// A typed phone in E.164 (default country PE), or a message saying how to type it.
pub(crate) fn patient_phone(input: Option<&str>) -> Result<Option<String>> {
    let Some(p) = input.map(str::trim).filter(|p| !p.is_empty()) else {
        return Ok(None);
    };
    normalize_phone(p, "PE")
        .map(Some)
        .ok_or_else(|| messages::patient_invalid_phone(p))
}

pub(crate) fn patient_not_found() -> CoreError {
    messages::patient_not_found()
}

/// A plausible address, lower-cased; GHL would refuse a broken one only
/// later, from the outbox, after the desk has moved on.
pub(crate) fn patient_email(input: Option<&str>) -> Result<Option<String>> {
    let Some(e) = input.map(str::trim).filter(|e| !e.is_empty()) else {
        return Ok(None);
    };
    let valid = match e.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !e.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if valid {
        Ok(Some(e.to_lowercase()))
    } else {
        Err(messages::patient_invalid_email(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_ignores_case_accents_and_punctuation() {
        assert_eq!(fold("  José  NÚÑEZ-Quispe "), "jose nunez quispe");
        assert_eq!(fold("María.Ávila@Clinica.pe"), "maria.avila@clinica.pe");
        assert!(search_key(Some("Ana Ñahui"), None, Some("+51 987 654 321")).contains("nahui"));
        assert!(search_key(None, None, Some("+51 987-654-321")).contains("51987654321"));
    }

    #[test]
    fn peruvian_numbers_become_e164() {
        for typed in [
            "987654321",
            "987 654 321",
            "+51 987 654 321",
            "0051987654321",
            "51987654321",
            "(+51) 987-654-321",
        ] {
            assert_eq!(
                normalize_phone(typed, "PE").as_deref(),
                Some("+51987654321"),
                "{typed}"
            );
        }
        assert_eq!(
            normalize_phone("01 234 5678", "PE").as_deref(),
            Some("+5112345678")
        );
        assert_eq!(
            normalize_phone("+1 (212) 555-0100", "PE").as_deref(),
            Some("+12125550100")
        );
        assert_eq!(normalize_phone("12345", "PE"), None);
        assert_eq!(normalize_phone("", "PE"), None);
        assert_eq!(
            normalize_phone("987654321", "CL"),
            None,
            "no rule for a bare number elsewhere"
        );
    }
}
