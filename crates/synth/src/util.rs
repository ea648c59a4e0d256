//! Small helpers shared by the generator: weighted choices, date steps and
//! birthdays.

use chrono::{Datelike, NaiveDate, TimeDelta};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Picks one of `items` with probability proportional to its weight.
/// Weights are whole numbers so the draw is exact and platform-independent.
pub(crate) fn pick<T: Copy>(rng: &mut ChaCha8Rng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|&(_, w)| w).sum();
    debug_assert!(total > 0, "a weighted list needs some weight");
    let mut r = rng.random_range(0..total.max(1));
    for &(item, w) in items {
        if r < w {
            return item;
        }
        r -= w;
    }
    items[items.len() - 1].0
}

/// `d` plus `n` days (negative to go back).
pub(crate) fn add_days(d: NaiveDate, n: i64) -> NaiveDate {
    d + TimeDelta::days(n)
}

/// A uniform whole number of days in `lo..=hi`.
pub(crate) fn days_between(rng: &mut ChaCha8Rng, lo: i64, hi: i64) -> i64 {
    if hi <= lo {
        lo
    } else {
        rng.random_range(lo..=hi)
    }
}

/// Days from `a` to `b` (negative if `b` is earlier).
pub(crate) fn span(a: NaiveDate, b: NaiveDate) -> i64 {
    (b - a).num_days()
}

/// The date someone born on `dob` turns `years` old. The generator never
/// makes a 29 February birthday, so this is simply the same day and month.
pub(crate) fn birthday(dob: NaiveDate, years: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(dob.year() + years, dob.month(), dob.day())
        .or_else(|| NaiveDate::from_ymd_opt(dob.year() + years, 3, 1))
        .unwrap_or(dob)
}

/// An exponentially distributed waiting time with the given mean, in days
/// (at least 1).
pub(crate) fn exp_days(rng: &mut ChaCha8Rng, mean_days: f64) -> i64 {
    let u: f64 = rng.random_range(f64::EPSILON..1.0);
    ((-u.ln() * mean_days).round() as i64).max(1)
}

/// 1 April of `year`.
pub(crate) fn april_first(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 4, 1).unwrap_or(NaiveDate::MIN)
}

/// A theme from the default list of challenge themes, weighted by key, and
/// four times in five a sub-theme under it (else none recorded, as a
/// council's records have): what a synthetic challenge or case alert holds,
/// the list's own keys, so the demo's tables by theme and sub-theme fill.
pub(crate) fn pick_theme(
    rng: &mut ChaCha8Rng,
    weights: &[(&str, u32)],
) -> (String, Option<String>) {
    let key = pick(rng, weights);
    let list = footprint_domain::lists::ThemeList::default_list();
    let subs: Vec<&str> = list
        .find(key)
        .map(|t| t.sub_themes.keys().collect())
        .unwrap_or_default();
    let sub = (!subs.is_empty() && rng.random_bool(0.8))
        .then(|| subs[rng.random_range(0..subs.len())].to_owned());
    (key.to_owned(), sub)
}
