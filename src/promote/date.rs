//! The date `ehp promote` and `ehp hotfix` record: a civil date computed from a day count.
//! Reading the clock is the command line's job; this is only the arithmetic.

/// The civil (proleptic Gregorian) date `days` days after 1970-01-01, as `YYYY-MM-DD`
/// (Howard Hinnant's `civil_from_days`).
pub fn civil_date(days: i64) -> String {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The civil time `seconds` seconds after 1970-01-01 00:00 UTC, to the minute:
/// `2026-03-11 09:30 UTC`.
pub fn civil_time(seconds: i64) -> String {
    let minutes = seconds.div_euclid(60);
    let (hour, minute) = (
        minutes.div_euclid(60).rem_euclid(24),
        minutes.rem_euclid(60),
    );
    format!(
        "{} {hour:02}:{minute:02} UTC",
        civil_date(seconds.div_euclid(86_400))
    )
}

#[cfg(test)]
mod tests {
    use super::{civil_date, civil_time};

    #[test]
    fn times_to_the_minute() {
        assert_eq!(civil_time(0), "1970-01-01 00:00 UTC");
        assert_eq!(civil_time(1_773_221_400), "2026-03-11 09:30 UTC");
        assert_eq!(civil_time(-60), "1969-12-31 23:59 UTC");
    }

    #[test]
    fn known_days() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(-1), "1969-12-31");
        assert_eq!(civil_date(59), "1970-03-01");
        // 2000 is a leap year (divisible by 400), 2100 is not.
        assert_eq!(civil_date(11_016), "2000-02-29");
        assert_eq!(civil_date(11_017), "2000-03-01");
        assert_eq!(civil_date(47_540), "2100-02-28");
        assert_eq!(civil_date(47_541), "2100-03-01");
        assert_eq!(civil_date(20_523), "2026-03-11");
    }

    #[test]
    fn consecutive_days_are_consecutive_dates() {
        let mut previous = civil_date(0);
        for days in 1..200_000 {
            let date = civil_date(days);
            assert!(date > previous, "{previous} -> {date}");
            previous = date;
        }
    }
}
