//! Sessions in time: months, month grids and grouping by month, for the
//! calendar pages. Pure functions over the resolved site; the iCalendar
//! feeds live in `render/ics.rs`.
//!
//! A session sits on its own local date (`Session::date`, in its own zone),
//! which is the date its page and its agenda show.

use std::collections::BTreeMap;

use jiff::civil::{Date, Weekday as CivilWeekday};

use crate::config::Weekday;
use crate::model::{SessionId, Site};

/// A month of a year: the unit of `/calendar/YYYY/MM/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i16,
    /// 1-12.
    pub month: i8,
}

impl Month {
    pub fn of(date: Date) -> Month {
        Month {
            year: date.year(),
            month: date.month(),
        }
    }

    pub fn first_day(self) -> Date {
        // Months come from real dates, so the first of the month exists.
        Date::new(self.year, self.month, 1).unwrap_or_default()
    }

    pub fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                month: self.month + 1,
                ..self
            }
        }
    }

    pub fn previous(self) -> Month {
        if self.month == 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                month: self.month - 1,
                ..self
            }
        }
    }

    /// Output path of its page: `calendar/2024/12/`.
    pub fn path(self) -> String {
        format!("calendar/{:04}/{:02}/", self.year, self.month)
    }

    /// "December 2024".
    pub fn label(self) -> String {
        format!(
            "{} {}",
            crate::parse::meta::month_name(self.month),
            self.year
        )
    }
}

/// Every month from the first scheduled session's to the last one's,
/// including months without sessions, so that previous/next links never
/// skip. Empty when nothing is scheduled.
pub fn months_spanned(site: &Site) -> Vec<Month> {
    let mut dates = site
        .sessions
        .iter()
        .filter(|s| s.is_scheduled())
        .filter_map(|s| s.date);
    let Some(first) = dates.next() else {
        return Vec::new();
    };
    let (lo, hi) = dates.fold((first, first), |(lo, hi), d| (lo.min(d), hi.max(d)));
    let (mut m, last) = (Month::of(lo), Month::of(hi));
    let mut out = vec![m];
    while m < last {
        m = m.next();
        out.push(m);
    }
    out
}

/// One cell of a month grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Day {
    pub date: Date,
    /// False for the days of the previous or next month that fill the first
    /// and last weeks.
    pub in_month: bool,
    /// Scheduled sessions on this day, in site order (by time).
    pub sessions: Vec<SessionId>,
}

/// A month laid out in weeks of seven days, starting on `first_weekday`.
#[derive(Debug, Clone)]
pub struct MonthGrid {
    pub month: Month,
    pub weeks: Vec<[Day; 7]>,
}

fn civil(w: Weekday) -> CivilWeekday {
    match w {
        Weekday::Monday => CivilWeekday::Monday,
        Weekday::Sunday => CivilWeekday::Sunday,
    }
}

/// Scheduled sessions by their local date, each day's in site order. A
/// multi-day session (`end_date`) is on each of its days.
pub fn sessions_by_date(site: &Site) -> BTreeMap<Date, Vec<SessionId>> {
    let mut map: BTreeMap<Date, Vec<SessionId>> = BTreeMap::new();
    for (i, s) in site.sessions.iter_enumerated() {
        let (true, Some(first)) = (s.is_scheduled(), s.date) else {
            continue;
        };
        let last = s.last_date().unwrap_or(first);
        let mut day = first;
        for _ in 0..MAX_DAYS_SHOWN {
            map.entry(day).or_default().push(i);
            match day.tomorrow() {
                Ok(next) if next <= last => day = next,
                _ => break,
            }
        }
    }
    map
}

/// The most days of a multi-day session the grids show it on: a long
/// `end_date` (a typo, or a season) must not fill every month.
const MAX_DAYS_SHOWN: usize = 31;

/// The grid of `month`: whole weeks from the one holding the 1st to the one
/// holding the last day, each day with its sessions.
pub fn month_grid(
    month: Month,
    first_weekday: Weekday,
    by_date: &BTreeMap<Date, Vec<SessionId>>,
) -> MonthGrid {
    let first = month.first_day();
    let lead = first.weekday().since(civil(first_weekday)) as i64;
    let mut day = first
        .checked_sub(jiff::Span::new().days(lead))
        .unwrap_or(first);
    let mut weeks = Vec::new();
    loop {
        let week: [Day; 7] = std::array::from_fn(|i| {
            let date = day
                .checked_add(jiff::Span::new().days(i as i64))
                .unwrap_or(day);
            Day {
                date,
                in_month: Month::of(date) == month,
                sessions: by_date.get(&date).cloned().unwrap_or_default(),
            }
        });
        let past_end = Month::of(week[6].date) != month;
        weeks.push(week);
        match day.checked_add(jiff::Span::new().days(7)) {
            Ok(next) if !past_end && Month::of(next) == month => day = next,
            _ => break,
        }
    }
    MonthGrid { month, weeks }
}

/// Consecutive sessions grouped by the month of their date, keeping the
/// order given (soonest first for upcoming, newest first for past).
pub fn group_by_month(site: &Site, ids: &[SessionId]) -> Vec<(Month, Vec<SessionId>)> {
    let mut groups: Vec<(Month, Vec<SessionId>)> = Vec::new();
    for &i in ids {
        let Some(date) = site.sessions[i].date else {
            continue;
        };
        let m = Month::of(date);
        match groups.last_mut() {
            Some((last, list)) if *last == m => list.push(i),
            _ => groups.push((m, vec![i])),
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn grid(year: i16, month: i8, first: Weekday, sessions: &[(Date, SessionId)]) -> MonthGrid {
        let mut by_date: BTreeMap<Date, Vec<SessionId>> = BTreeMap::new();
        for (d, i) in sessions {
            by_date.entry(*d).or_default().push(*i);
        }
        month_grid(Month { year, month }, first, &by_date)
    }

    fn in_month_days(g: &MonthGrid) -> Vec<i8> {
        g.weeks
            .iter()
            .flatten()
            .filter(|d| d.in_month)
            .map(|d| d.date.day())
            .collect()
    }

    #[test]
    fn a_month_starting_on_sunday_with_monday_first_begins_with_six_blanks() {
        // 1 June 2025 is a Sunday.
        let g = grid(2025, 6, Weekday::Monday, &[]);
        assert_eq!(g.weeks[0][0].date.weekday(), CivilWeekday::Monday);
        assert_eq!(g.weeks[0][6].date.weekday(), CivilWeekday::Sunday);
        let first_week = &g.weeks[0];
        assert!(first_week[..6].iter().all(|d| !d.in_month));
        assert_eq!(first_week[0].date, date(2025, 5, 26));
        assert_eq!(first_week[6].date, date(2025, 6, 1));
        assert!(first_week[6].in_month);
        // 30 June is a Monday: a sixth week with one day of June.
        assert_eq!(g.weeks.len(), 6);
        assert_eq!(g.weeks[5][0].date, date(2025, 6, 30));
        assert!(g.weeks[5][1..].iter().all(|d| !d.in_month));
        assert_eq!(in_month_days(&g), (1..=30).collect::<Vec<_>>());
    }

    #[test]
    fn the_same_month_with_sunday_first_starts_in_the_first_cell() {
        let g = grid(2025, 6, Weekday::Sunday, &[]);
        assert_eq!(g.weeks[0][0].date.weekday(), CivilWeekday::Sunday);
        assert_eq!(g.weeks[0][0].date, date(2025, 6, 1));
        assert!(g.weeks[0][0].in_month);
        assert_eq!(g.weeks.len(), 5);
    }

    #[test]
    fn february_of_a_leap_year_has_29_days() {
        let g = grid(
            2028,
            2,
            Weekday::Monday,
            &[(date(2028, 2, 29), SessionId::from(3))],
        );
        assert_eq!(in_month_days(&g), (1..=29).collect::<Vec<_>>());
        let leap_day = g
            .weeks
            .iter()
            .flatten()
            .find(|d| d.date == date(2028, 2, 29))
            .unwrap();
        assert_eq!(leap_day.sessions, vec![SessionId::from(3)]);
        // 1 February 2028 is a Tuesday.
        assert!(!g.weeks[0][0].in_month);
        assert_eq!(g.weeks[0][1].date, date(2028, 2, 1));
        // A common year's February, for contrast.
        assert_eq!(
            in_month_days(&grid(2027, 2, Weekday::Monday, &[])).len(),
            28
        );
    }

    #[test]
    fn two_sessions_on_one_day_share_its_cell_in_order() {
        let d = date(2024, 12, 4);
        let g = grid(
            2024,
            12,
            Weekday::Monday,
            &[(d, SessionId::from(5)), (d, SessionId::from(6))],
        );
        let cell = g.weeks.iter().flatten().find(|x| x.date == d).unwrap();
        assert_eq!(cell.sessions, vec![SessionId::from(5), SessionId::from(6)]);
        let others: usize = g
            .weeks
            .iter()
            .flatten()
            .filter(|x| x.date != d)
            .map(|x| x.sessions.len())
            .sum();
        assert_eq!(others, 0);
    }

    #[test]
    fn months_step_over_years() {
        let dec = Month {
            year: 2024,
            month: 12,
        };
        assert_eq!(
            dec.next(),
            Month {
                year: 2025,
                month: 1
            }
        );
        assert_eq!(dec.next().previous(), dec);
        assert_eq!(dec.path(), "calendar/2024/12/");
        assert_eq!(dec.label(), "December 2024");
    }
}
