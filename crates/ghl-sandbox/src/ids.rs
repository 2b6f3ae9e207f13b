//! Deterministic randomness: a tiny SplitMix64 generator and GHL-looking ids.
//!
//! The sandbox never asks the OS for randomness, so the same seed and the same
//! "today" always produce byte-identical state (tests compare dumps).

use serde::{Deserialize, Serialize};

/// SplitMix64 (Steele, Lea, Flood 2014): small, fast, good enough for fixtures.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0). The modulo bias is irrelevant for fixtures.
    pub fn below(&mut self, n: u64) -> u64 {
        assert!(n > 0, "below(0)");
        self.next_u64() % n
    }

    /// Uniform in `lo..=hi`.
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const ID_ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// GHL ids are 20 alphanumeric characters (e.g. `ve9EPM428h8vShlRW1KT`).
pub const ID_LEN: usize = 20;

/// Mints GHL-looking ids from its own stream, so ids do not shift when other
/// fixture choices (statuses, times) change.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct IdGen {
    rng: SplitMix64,
}

impl Default for IdGen {
    fn default() -> Self {
        Self::new(0)
    }
}

impl IdGen {
    pub fn new(seed: u64) -> Self {
        Self {
            rng: SplitMix64::new(seed),
        }
    }

    pub fn next_id(&mut self) -> String {
        (0..ID_LEN)
            .map(|_| ID_ALPHABET[self.rng.below(ID_ALPHABET.len() as u64) as usize] as char)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let mut a = IdGen::new(7);
        let mut b = IdGen::new(7);
        for _ in 0..100 {
            assert_eq!(a.next_id(), b.next_id());
        }
    }

    #[test]
    fn ids_look_like_ghl() {
        let mut ids = IdGen::new(1);
        let id = ids.next_id();
        assert_eq!(id.len(), ID_LEN);
        assert!(id.chars().all(|c| c.is_ascii_alphanumeric()));
    }
}
