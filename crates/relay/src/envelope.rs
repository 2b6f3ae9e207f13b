//! From the raw bytes GHL posted to an event ready to commit: signature,
//! envelope, timestamp. Pure (no I/O), so the whole ingest decision can be
//! exercised with generated inputs (tests below).

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::store::NewEvent;
use crate::verify::WebhookKeys;
use crate::RelayError;

/// The envelope fields the relay needs; the rest of the body is opaque.
#[derive(Debug, Deserialize)]
pub struct Envelope {
    #[serde(rename = "webhookId")]
    pub webhook_id: Option<String>,
    pub timestamp: Option<serde_json::Value>,
    #[serde(rename = "type")]
    pub event_type: Option<String>,
    #[serde(rename = "locationId")]
    pub location_id: Option<String>,
}

/// Parses a body as a webhook envelope. Only a JSON object in valid UTF-8 is
/// one: serde skips fields it does not read without checking their bytes,
/// and would fill the struct from an array too.
pub fn parse(raw: &[u8]) -> Result<Envelope, RelayError> {
    let text = std::str::from_utf8(raw)
        .map_err(|e| RelayError::Malformed(format!("body is not UTF-8: {e}")))?;
    if !text
        .trim_start_matches([' ', '\t', '\n', '\r'])
        .starts_with('{')
    {
        return Err(RelayError::Malformed("body is not a JSON object".into()));
    }
    serde_json::from_str(text).map_err(|e| RelayError::Malformed(e.to_string()))
}

/// Milliseconds since the epoch from an ISO 8601 string or a number
/// (seconds or milliseconds); None when unreadable or out of range.
pub fn timestamp_ms(v: &serde_json::Value) -> Option<i64> {
    match v {
        serde_json::Value::String(s) => chrono::DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|t| t.timestamp_millis()),
        serde_json::Value::Number(n) => {
            let n = n.as_i64()?;
            if n > 100_000_000_000 {
                Some(n)
            } else {
                n.checked_mul(1000)
            }
        }
        _ => None,
    }
}

/// Refuses a timestamp further than `max_skew_secs` from `received_at_ms`.
/// Both come from outside (GHL's body, the configuration): i128 cannot
/// overflow on their difference.
pub fn check_skew(ts_ms: i64, received_at_ms: i64, max_skew_secs: i64) -> Result<(), RelayError> {
    let skew_ms = i128::from(received_at_ms) - i128::from(ts_ms);
    if skew_ms.unsigned_abs() > i128::from(max_skew_secs).unsigned_abs() * 1000 {
        let skew_secs =
            i64::try_from(skew_ms / 1000).unwrap_or(if skew_ms < 0 { i64::MIN } else { i64::MAX });
        return Err(RelayError::Stale { skew_secs });
    }
    Ok(())
}

/// Ids for the log line of a webhook, filled as soon as they are read.
#[derive(Debug, Default)]
pub struct Ids {
    pub webhook_id: Option<String>,
    pub location_id: Option<String>,
}

/// One webhook request as it arrived.
pub struct Posted<'a> {
    pub raw: Vec<u8>,
    pub ghl_signature: Option<&'a str>,
    pub wh_signature: Option<&'a str>,
    pub received_at_ms: i64,
}

/// The whole check of one posted webhook, in the README's order (the size is
/// checked while reading it): signature over the raw bytes, envelope,
/// timestamp. The event keeps the exact bytes.
pub fn verified_event(
    keys: &WebhookKeys,
    posted: Posted<'_>,
    max_skew_secs: i64,
    ids: &mut Ids,
) -> Result<NewEvent, RelayError> {
    // Authenticity first: nothing about an unsigned body is trusted or parsed.
    keys.verify(&posted.raw, posted.ghl_signature, posted.wh_signature)?;
    event_from(posted, max_skew_secs, ids)
}

/// What follows a verified signature: envelope and timestamp.
pub fn event_from(
    posted: Posted<'_>,
    max_skew_secs: i64,
    ids: &mut Ids,
) -> Result<NewEvent, RelayError> {
    let Posted {
        raw,
        ghl_signature,
        wh_signature,
        received_at_ms,
    } = posted;
    let env = parse(&raw)?;
    ids.webhook_id.clone_from(&env.webhook_id);
    ids.location_id.clone_from(&env.location_id);
    let ts = env
        .timestamp
        .as_ref()
        .ok_or_else(|| RelayError::Malformed("no timestamp".into()))?;
    let ts_ms =
        timestamp_ms(ts).ok_or_else(|| RelayError::Malformed("unreadable timestamp".into()))?;
    check_skew(ts_ms, received_at_ms, max_skew_secs)?;
    // GHL documents webhookId on every body; should one lack it, the body's
    // hash still lets a repeat be recognised.
    let webhook_id = env.webhook_id.filter(|w| !w.is_empty()).unwrap_or_else(|| {
        let digest = Sha256::digest(&raw);
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        format!("sha256:{hex}")
    });
    Ok(NewEvent {
        webhook_id,
        location_id: env.location_id.unwrap_or_default(),
        event_type: env.event_type.unwrap_or_default(),
        received_at_ms,
        ghl_signature: ghl_signature.map(String::from),
        wh_signature: wh_signature.map(String::from),
        body: raw,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    #[test]
    fn invalid_utf8_in_an_unread_field_is_malformed() {
        let mut body = br#"{"type":"ContactUpdate","timestamp":1,"firstName":"Mu"#.to_vec();
        body.extend_from_slice(&[0xff, 0xfe]);
        body.extend_from_slice(br#"oz"}"#);
        assert_eq!(parse(&body).expect_err("refused").code(), "relay.malformed");
    }

    #[test]
    fn only_an_object_is_an_envelope() {
        for body in [
            &br#"["w1", 1, "AppointmentCreate", "L1"]"#[..],
            b"null",
            b"7",
            b"\"x\"",
        ] {
            assert_eq!(parse(body).expect_err("refused").code(), "relay.malformed");
        }
        parse(b" \r\n{\"timestamp\": 1}").expect("an object");
    }

    #[test]
    fn extreme_timestamps_are_refused_without_overflow() {
        use serde_json::json;
        assert_eq!(timestamp_ms(&json!(i64::MIN)), None);
        assert_eq!(timestamp_ms(&json!(i64::MAX)), Some(i64::MAX));
        assert_eq!(timestamp_ms(&json!(u64::MAX)), None);
        assert_eq!(timestamp_ms(&json!(1_700_000_000)), Some(1_700_000_000_000));
        let far = timestamp_ms(&json!(-9_223_372_036_854_775i64)).expect("in range");
        for (ts, now) in [
            (far, 1_700_000_000_000),
            (i64::MAX, i64::MIN),
            (i64::MIN, i64::MAX),
        ] {
            assert_eq!(
                check_skew(ts, now, 300).err().map(|e| e.code()),
                Some("relay.stale")
            );
        }
        check_skew(1_000, 2_000, 1).expect("within a second");
    }

    /// xorshift64*: deterministic inputs without a dependency.
    struct Gen(u64);
    impl Gen {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[self.below(items.len())]
        }
        fn i64(&mut self) -> i64 {
            const EDGES: [i64; 9] = [
                i64::MIN,
                i64::MIN + 1,
                -1,
                0,
                1,
                100_000_000_000,
                100_000_000_001,
                i64::MAX / 1000 + 1,
                i64::MAX,
            ];
            match self.below(3) {
                0 => EDGES[self.below(EDGES.len())],
                1 => 1_700_000_000_000 + (self.next() % 1_000_000) as i64,
                _ => self.next() as i64,
            }
        }
    }

    /// A body as GHL might send it, or broken in one of the ways the
    /// parser must survive: wrong types, extreme numbers, invalid UTF-8,
    /// arrays, truncation, random bytes.
    fn body(g: &mut Gen) -> Vec<u8> {
        let ts = match g.below(6) {
            0 => g.i64().to_string(),
            1 => format!(
                "\"{}\"",
                g.pick(&[
                    "2026-11-23T07:33:17.254Z",
                    "+262143-01-01T00:00:00Z",
                    "-0001-12-31T23:59:59Z",
                    "2026-13-01T00:00:00Z",
                    ""
                ])
            ),
            2 => format!("{}", g.next()),
            3 => g
                .pick(&["1e308", "-1e400", "1.5", "null", "[]", "{}", "true"])
                .to_string(),
            4 => format!("-{}", g.next()),
            _ => String::from("18446744073709551616"),
        };
        let mut b = match g.below(8) {
            0 => format!("[\"w\", {ts}, \"T\", \"L\"]"),
            1 => ts.clone(),
            _ => format!(
                "{{\"webhookId\":{},\"timestamp\":{ts},\"type\":\"{}\",\"locationId\":{},\"n\":{}}}",
                g.pick(&["\"w1\"", "\"\"", "null", "7", "[\"w\"]"]),
                g.pick(&["AppointmentCreate", "ContactDelete", ""]),
                g.pick(&["\"L1\"", "null", "{}", "\"\\ud800\""]),
                g.i64(),
            ),
        }
        .into_bytes();
        // Mutations: a flipped byte, invalid UTF-8, a cut.
        for _ in 0..g.below(3) {
            let at = g.below(b.len() + 1);
            match g.below(4) {
                0 if at < b.len() => b[at] ^= 1 << g.below(8),
                1 => b.insert(at, [0xff, 0xc3, 0x80, 0xed][g.below(4)]),
                2 => b.truncate(at),
                _ => {
                    let punct = b"{}[],:\"\\ -0";
                    b.insert(at, punct[g.below(punct.len())]);
                }
            }
        }
        if g.below(50) == 0 {
            b = (0..g.below(64)).map(|_| g.next() as u8).collect();
        }
        b
    }

    fn check(raw: Vec<u8>, outcome: Result<NewEvent, RelayError>) {
        match outcome {
            Ok(ev) => {
                // Whatever is accepted is a UTF-8 JSON object, kept byte for
                // byte. (Escapes in fields the relay does not read, a lone
                // surrogate say, are the app's to judge, as JSON allows them.)
                assert_eq!(ev.body, raw);
                let text = std::str::from_utf8(&ev.body).expect("UTF-8");
                let text = text.trim_matches([' ', '\t', '\n', '\r']);
                assert!(text.starts_with('{') && text.ends_with('}'), "{text}");
            }
            Err(e) => assert!(
                matches!(
                    e.code(),
                    "relay.malformed" | "relay.stale" | "relay.bad_signature"
                ),
                "{e}"
            ),
        }
    }

    /// A million generated bodies through the parsing layer (what runs once
    /// a signature verified), with extreme clocks and skews: no panic, and
    /// only UTF-8 objects accepted. Split over two threads.
    #[test]
    fn a_million_generated_bodies_never_panic() {
        let threads: Vec<_> = (0..2u64)
            .map(|t| {
                std::thread::spawn(move || {
                    let mut g = Gen(0x9e37_79b9_7f4a_7c15 ^ (t + 1));
                    let mut accepted = 0u32;
                    for _ in 0..500_000 {
                        let raw = body(&mut g);
                        let now = if g.below(4) == 0 {
                            g.i64()
                        } else {
                            1_700_000_000_000
                        };
                        let skew = if g.below(4) == 0 { g.i64() } else { i64::MAX };
                        let mut ids = Ids::default();
                        let posted = Posted {
                            raw: raw.clone(),
                            ghl_signature: None,
                            wh_signature: None,
                            received_at_ms: now,
                        };
                        let out = event_from(posted, skew, &mut ids);
                        accepted += u32::from(out.is_ok());
                        check(raw, out);
                    }
                    accepted
                })
            })
            .collect();
        let accepted: u32 = threads
            .into_iter()
            .map(|t| t.join().expect("no panic"))
            .sum();
        // The generator does reach the accepting path.
        assert!(accepted > 10_000, "{accepted}");
    }

    /// The whole ingest decision, signature included (Ed25519 is slow in a
    /// debug build, so 500): signed, unsigned and forged bodies.
    #[test]
    fn generated_signed_bodies_never_panic() {
        use ed25519_dalek::pkcs8::DecodePrivateKey;
        use ed25519_dalek::Signer;
        let key = ed25519_dalek::SigningKey::from_pkcs8_pem(include_str!(
            "../tests/fixtures/ed25519-test.pem"
        ))
        .expect("key");
        let keys = WebhookKeys::from_config(
            &[include_str!("../tests/fixtures/ed25519-test.pub.pem").into()],
            &[],
        )
        .expect("keys");
        let b64 = base64::engine::general_purpose::STANDARD;
        let mut g = Gen(0x0123_4567_89ab_cdef);
        for _ in 0..500 {
            let raw = body(&mut g);
            let sig = match g.below(4) {
                0 => None,
                1 => Some(g.pick(&["", "AAAA", "not base64", "=="]).to_string()),
                _ => Some(b64.encode(key.sign(&raw).to_bytes())),
            };
            let mut ids = Ids::default();
            let posted = Posted {
                raw: raw.clone(),
                ghl_signature: sig.as_deref(),
                wh_signature: None,
                // Mostly near the generated timestamps, so some are accepted.
                received_at_ms: if g.below(2) == 0 {
                    g.i64()
                } else {
                    1_700_000_500_000
                },
            };
            let out = verified_event(&keys, posted, 3600, &mut ids);
            if sig.is_none() {
                assert_eq!(
                    out.as_ref().err().map(|e| e.code()),
                    Some("relay.missing_signature")
                );
                continue;
            }
            check(raw, out);
        }
    }
}
