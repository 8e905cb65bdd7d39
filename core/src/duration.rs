//! Durations as scenario files write them: `500ms`, `5s`, `2m`, `1h`, or a bare integer
//! meaning seconds (scenario-format.md). Kept in milliseconds: the simulator's clock unit.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration(pub u64);

/// Durations above this are refused: nobody means a sync that waits for a year, and the
/// bound keeps virtual-clock arithmetic far from overflow.
pub const MAX_MILLIS: u64 = 365 * 24 * 3600 * 1000;

impl Duration {
    pub const ZERO: Duration = Duration(0);

    pub fn from_secs(s: u64) -> Self {
        Duration(s.saturating_mul(1000))
    }

    pub fn millis(self) -> u64 {
        self.0
    }

    pub fn parse(text: &str) -> Result<Duration, String> {
        let t = text.trim();
        let split = t
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        let factor: f64 = match unit {
            "" | "s" => 1000.0,
            "ms" => 1.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            _ => {
                return Err(format!(
                    "{text:?} is not a duration: use e.g. 500ms, 5s, 2m, 1h or a number of seconds"
                ));
            }
        };
        let value: f64 = num.parse().map_err(|_| {
            format!("{text:?} is not a duration: use e.g. 500ms, 5s, 2m, 1h or a number of seconds")
        })?;
        let millis = (value * factor).round();
        if !(0.0..=MAX_MILLIS as f64).contains(&millis) {
            return Err(format!("{text:?} is out of range (at most 365 days)"));
        }
        Ok(Duration(millis as u64))
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0;
        if ms.is_multiple_of(3_600_000) && ms > 0 {
            write!(f, "{}h", ms / 3_600_000)
        } else if ms.is_multiple_of(60_000) && ms > 0 {
            write!(f, "{}m", ms / 60_000)
        } else if ms.is_multiple_of(1000) {
            write!(f, "{}s", ms / 1000)
        } else {
            write!(f, "{ms}ms")
        }
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Int(u64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Int(s) if s <= MAX_MILLIS / 1000 => Ok(Duration::from_secs(s)),
            Raw::Int(s) => Err(serde::de::Error::custom(format!(
                "{s} seconds is out of range (at most 365 days)"
            ))),
            Raw::Text(t) => Duration::parse(&t).map_err(serde::de::Error::custom),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_forms() {
        assert_eq!(Duration::parse("500ms"), Ok(Duration(500)));
        assert_eq!(Duration::parse("5s"), Ok(Duration(5000)));
        assert_eq!(Duration::parse("2m"), Ok(Duration(120_000)));
        assert_eq!(Duration::parse("1.5s"), Ok(Duration(1500)));
        assert_eq!(Duration::parse("7"), Ok(Duration(7000)));
        for bad in ["", "s", "5x", "-1s", "1e9h", "five"] {
            assert!(Duration::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn displays_compactly() {
        assert_eq!(Duration(120_000).to_string(), "2m");
        assert_eq!(Duration(1500).to_string(), "1500ms");
        assert_eq!(Duration(0).to_string(), "0s");
    }
}
