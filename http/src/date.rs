//! The `Date` header: IMF-fixdate formatting (RFC 9110 §5.6.7) and a cache that
//! formats once a second.
//!
//! The codec reads no clock: a server keeps a [`DateCache`], calls
//! [`DateCache::update`] with the time it read (at most once a second is enough), and
//! hands [`DateCache::date`] to the response encoder.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;

use crate::HeaderValue;

/// Seconds since the epoch of 9999-12-31T23:59:59Z, the last time IMF-fixdate's
/// four-digit year can hold.
const MAX_SECS: u64 = 253_402_300_799;

/// A formatted IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT`.
///
/// ```
/// use avx_http::HttpDate;
///
/// assert_eq!(HttpDate::from_unix_secs(784_111_777).as_str(), "Sun, 06 Nov 1994 08:49:37 GMT");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct HttpDate([u8; 29]);

impl HttpDate {
    /// The date `secs` seconds after the Unix epoch (clamped to the year 9999).
    pub fn from_unix_secs(secs: u64) -> HttpDate {
        let secs = secs.min(MAX_SECS);
        let days = secs / 86_400;
        let in_day = secs % 86_400;
        let (year, month, day) = civil_from_days(days);
        // 1970-01-01 was a Thursday.
        let weekday = WEEKDAYS[((days + 4) % 7) as usize];
        let month = MONTHS[(month - 1) as usize];
        let (hour, minute, second) = (in_day / 3600, in_day / 60 % 60, in_day % 60);

        let mut out = *b"Thu, 01 Jan 1970 00:00:00 GMT";
        out[..3].copy_from_slice(weekday);
        two_digits(&mut out[5..7], day);
        out[8..11].copy_from_slice(month);
        two_digits(&mut out[12..14], year / 100);
        two_digits(&mut out[14..16], year % 100);
        two_digits(&mut out[17..19], hour);
        two_digits(&mut out[20..22], minute);
        two_digits(&mut out[23..25], second);
        HttpDate(out)
    }

    /// The date of `time`, to the second (the epoch for a time before it).
    pub fn from_system_time(time: SystemTime) -> HttpDate {
        HttpDate::from_unix_secs(unix_secs(time))
    }

    /// The 29 formatted bytes.
    pub fn as_bytes(&self) -> &[u8; 29] {
        &self.0
    }

    /// The formatted date.
    pub fn as_str(&self) -> &str {
        // Formatted from ASCII digits and names only, so this never fails.
        std::str::from_utf8(&self.0).unwrap_or("")
    }
}

impl From<HttpDate> for HeaderValue {
    fn from(date: HttpDate) -> HeaderValue {
        HeaderValue::from_validated(Bytes::copy_from_slice(&date.0))
    }
}

impl fmt::Debug for HttpDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for HttpDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A `Date` value that is formatted again only when the second changes.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use avx_http::DateCache;
///
/// let mut cache = DateCache::new(UNIX_EPOCH);
/// assert!(!cache.update(UNIX_EPOCH + Duration::from_millis(999)));
/// assert!(cache.update(UNIX_EPOCH + Duration::from_secs(1)));
/// assert_eq!(cache.date().as_str(), "Thu, 01 Jan 1970 00:00:01 GMT");
/// ```
#[derive(Clone, Debug)]
pub struct DateCache {
    secs: u64,
    date: HttpDate,
}

impl DateCache {
    /// A cache holding the date of `now`.
    pub fn new(now: SystemTime) -> DateCache {
        let secs = unix_secs(now);
        DateCache {
            secs,
            date: HttpDate::from_unix_secs(secs),
        }
    }

    /// Moves the cache to `now`; formats only if the second changed, and says whether
    /// it did.
    pub fn update(&mut self, now: SystemTime) -> bool {
        let secs = unix_secs(now);
        if secs == self.secs {
            return false;
        }
        self.secs = secs;
        self.date = HttpDate::from_unix_secs(secs);
        true
    }

    /// The cached date.
    pub fn date(&self) -> &HttpDate {
        &self.date
    }
}

fn unix_secs(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

const WEEKDAYS: [&[u8; 3]; 7] = [b"Sun", b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat"];
const MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

fn two_digits(out: &mut [u8], n: u64) {
    out[0] = b'0' + (n / 10 % 10) as u8;
    out[1] = b'0' + (n % 10) as u8;
}

/// (year, month 1-12, day 1-31) of the day `days` after 1970-01-01, by Howard
/// Hinnant's `civil_from_days` (proleptic Gregorian calendar, eras of 400 years).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn known_dates() {
        let table = [
            (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
            (784_111_777, "Sun, 06 Nov 1994 08:49:37 GMT"),
            (951_782_400, "Tue, 29 Feb 2000 00:00:00 GMT"),
            (1_709_164_799, "Wed, 28 Feb 2024 23:59:59 GMT"),
            (1_709_251_199, "Thu, 29 Feb 2024 23:59:59 GMT"),
            (4_107_542_400, "Mon, 01 Mar 2100 00:00:00 GMT"),
            (MAX_SECS, "Fri, 31 Dec 9999 23:59:59 GMT"),
            (u64::MAX, "Fri, 31 Dec 9999 23:59:59 GMT"),
        ];
        for (secs, text) in table {
            assert_eq!(HttpDate::from_unix_secs(secs).as_str(), text, "{secs}");
        }
    }

    #[test]
    fn before_the_epoch_is_the_epoch() {
        let before = UNIX_EPOCH - Duration::from_secs(10);
        assert_eq!(
            HttpDate::from_system_time(before),
            HttpDate::from_unix_secs(0)
        );
    }

    #[test]
    fn cache_formats_once_a_second() {
        let start = UNIX_EPOCH + Duration::from_secs(784_111_777);
        let mut cache = DateCache::new(start);
        assert!(!cache.update(start + Duration::from_millis(500)));
        assert_eq!(cache.date().as_str(), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert!(cache.update(start + Duration::from_millis(1500)));
        assert_eq!(cache.date().as_str(), "Sun, 06 Nov 1994 08:49:38 GMT");
        assert_eq!(
            HeaderValue::from(*cache.date()),
            "Sun, 06 Nov 1994 08:49:38 GMT"
        );
    }
}
