//! The report's settings (`/reports/settings`): the council's targets and
//! benchmarks by measure, the 0–17 population by year, each census ethnic
//! group's share of it, and the performance page's indicator list. They are
//! the settings `report_settings` (those fields of `MeasureSettings`; its
//! other fields are left as held) and `performance_indicators`, the same
//! the command line's `--settings` and `--indicators` files replace, and
//! they are checked by the same check
//! (`footprint_report::performance::check_before_saving` and its parts).
//! Nothing is saved when any field is refused; what is saved is audited
//! with its value before and after. No child's data is on this screen.

use std::collections::BTreeMap;

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use footprint_domain::dates::CollectionYear;
use footprint_domain::measures::{Benchmark, MeasureSettings, Measures};
use footprint_interchange::reports::PERFORMANCE_INDICATORS;
use footprint_report::performance::{self, PerformanceSettings, Unit};
use footprint_store::council::REPORT_SETTINGS;
use minijinja::context;
use serde::Serialize;

use super::{field, fields, respond};
use crate::AppState;
use crate::access::CurrentUser;
use crate::view::{AppError, FormErrors, Page};

/// Empty rows offered under each list, to add to it.
const SPARE_ROWS: usize = 3;

/// The fields of `MeasureSettings` this screen edits (the others are kept
/// as held).
const EDITED: [&str; 5] = [
    "targets",
    "benchmarks",
    "population_0_17",
    "population_0_17_by_year",
    "ethnic_population_shares",
];

/// The benchmark's figures: (field name, column heading).
const BENCHMARK_FIGURES: [(&str, &str); 5] = [
    ("statistical_neighbours", "Statistical neighbours"),
    ("best_neighbour", "Best neighbour"),
    ("england", "England"),
    ("region", "Region"),
    ("top_quartile", "Top quartile"),
];

/// One benchmark row as typed: the measure, its five figures (in the order
/// of [`BENCHMARK_FIGURES`]) and the year they are for.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BenchmarkRow {
    pub measure: String,
    pub figures: Vec<String>,
    pub year: String,
}

/// The screen's fields as typed (or as held).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReportSettingsForm {
    /// (measure or indicator id, target), with spare empty rows.
    pub targets: Vec<(String, String)>,
    pub benchmarks: Vec<BenchmarkRow>,
    /// The 0–17 population for every year without its own figure.
    pub population_all: String,
    /// (collection year, population), with spare empty rows.
    pub populations: Vec<(String, String)>,
    /// (census group key, share in per cent), one for each census group.
    pub shares: Vec<(String, String)>,
    /// The indicator list as JSON (the default list when none is set);
    /// `None`: the form did not send it (the list is left as it is).
    pub indicators: Option<String>,
    /// Whether the list is the built-in one (no list of the council's own).
    pub indicators_default: bool,
}

/// A figure as the form shows it (no trailing ".0").
fn number_text(x: f64) -> String {
    format!("{x}")
}

fn with_spare<T: Default + Clone>(mut rows: Vec<T>) -> Vec<T> {
    rows.extend(std::iter::repeat_n(T::default(), SPARE_ROWS));
    rows
}

fn indicators_json(list: &PerformanceSettings) -> String {
    serde_json::to_string_pretty(list).unwrap_or_default()
}

impl ReportSettingsForm {
    /// The form showing what is held.
    pub fn held(settings: &MeasureSettings, indicators: Option<&PerformanceSettings>) -> Self {
        let targets = settings
            .targets
            .iter()
            .map(|(id, v)| (id.clone(), number_text(*v)))
            .collect();
        let benchmarks = settings
            .benchmarks
            .iter()
            .map(|(id, b)| BenchmarkRow {
                measure: id.clone(),
                figures: [
                    b.statistical_neighbours,
                    b.best_neighbour,
                    b.england,
                    b.region,
                    b.top_quartile,
                ]
                .iter()
                .map(|v| v.map(number_text).unwrap_or_default())
                .collect(),
                year: b.year.clone().unwrap_or_default(),
            })
            .collect();
        let populations = settings
            .population_0_17_by_year
            .iter()
            .map(|(y, p)| (y.to_string(), p.to_string()))
            .collect();
        let shares = performance::population_share_keys()
            .into_iter()
            .map(|(key, _)| {
                let v = settings.ethnic_population_shares.get(key);
                (
                    key.to_owned(),
                    v.map(|v| number_text(*v)).unwrap_or_default(),
                )
            })
            .collect();
        let default = PerformanceSettings::default();
        ReportSettingsForm {
            targets: with_spare(targets),
            benchmarks: with_spare(benchmarks),
            population_all: settings
                .population_0_17
                .map(|p| p.to_string())
                .unwrap_or_default(),
            populations: with_spare(populations),
            shares,
            indicators: Some(indicators_json(indicators.unwrap_or(&default))),
            indicators_default: indicators.is_none(),
        }
    }

    /// The form as sent.
    pub fn sent(pairs: &[(String, String)]) -> Self {
        let column = |name: &str| -> Vec<String> {
            fields(pairs, name)
                .into_iter()
                .map(|s| s.trim().to_owned())
                .collect()
        };
        let at = |v: &[String], i: usize| v.get(i).cloned().unwrap_or_default();
        let (measures, values) = (column("target_measure"), column("target_value"));
        let targets = (0..measures.len().max(values.len()))
            .map(|i| (at(&measures, i), at(&values, i)))
            .collect();
        let bench_measures = column("bench_measure");
        let bench_figures: Vec<Vec<String>> = BENCHMARK_FIGURES
            .iter()
            .map(|(name, _)| column(&format!("bench_{name}")))
            .collect();
        let bench_years = column("bench_year");
        let rows = bench_figures
            .iter()
            .map(Vec::len)
            .chain([bench_measures.len(), bench_years.len()])
            .max()
            .unwrap_or(0);
        let benchmarks = (0..rows)
            .map(|i| BenchmarkRow {
                measure: at(&bench_measures, i),
                figures: bench_figures.iter().map(|c| at(c, i)).collect(),
                year: at(&bench_years, i),
            })
            .collect();
        let (years, counts) = (column("population_year"), column("population_value"));
        let populations = (0..years.len().max(counts.len()))
            .map(|i| (at(&years, i), at(&counts, i)))
            .collect();
        let shares = performance::population_share_keys()
            .into_iter()
            .map(|(key, _)| {
                let v = field(pairs, &format!("share_{key}")).unwrap_or("");
                (key.to_owned(), v.trim().to_owned())
            })
            .collect();
        let reset = field(pairs, "indicators_reset") == Some("yes");
        ReportSettingsForm {
            targets,
            benchmarks,
            population_all: field(pairs, "population_all")
                .unwrap_or("")
                .trim()
                .to_owned(),
            populations,
            shares,
            indicators: if reset {
                Some(indicators_json(&PerformanceSettings::default()))
            } else {
                field(pairs, "indicators").map(str::to_owned)
            },
            indicators_default: reset,
        }
    }

    /// The settings the fields say, or an error on each field that is not
    /// right: (targets, benchmarks, population for every year, population by
    /// year, ethnic shares) and the indicator list (`None`: the built-in
    /// list). `held` is the list held, kept when the form does not send one.
    pub fn read(
        &self,
        catalogue: &Measures,
        held: Option<&PerformanceSettings>,
        errors: &mut FormErrors,
    ) -> Option<(Edited, Option<PerformanceSettings>)> {
        let before = errors.0.len();
        // The indicator list first: a target may be keyed by an indicator.
        let indicators = match (&self.indicators, self.indicators_default) {
            (_, true) => None,
            (None, false) => held.cloned(),
            (Some(text), false) => match serde_json::from_str::<PerformanceSettings>(text.trim()) {
                Ok(list) => match performance::check_indicators(&list, catalogue) {
                    Ok(()) if list == PerformanceSettings::default() => None,
                    Ok(()) => Some(list),
                    Err(e) => {
                        errors.add("indicators", format!("The indicator list: {e}"));
                        None
                    }
                },
                Err(e) => {
                    errors.add(
                        "indicators",
                        format!("The indicator list is not valid JSON of indicators: {e}"),
                    );
                    None
                }
            },
        };
        let default = PerformanceSettings::default();
        let perf = indicators.as_ref().unwrap_or(&default);
        let mut edited = Edited::default();
        for (i, (id, value)) in self.targets.iter().enumerate() {
            let row = i + 1;
            if id.is_empty() && value.is_empty() {
                continue;
            }
            let Some(id) = key_field(
                errors,
                &format!("target_measure-{row}"),
                id,
                "targets",
                &edited.targets,
                perf,
                catalogue,
            ) else {
                continue;
            };
            let name = format!("target_value-{row}");
            if value.is_empty() {
                errors.add(&name, format!("Enter the target for {id}"));
            } else if let Some(v) =
                figure_field(errors, &name, value, "targets", &id, perf, catalogue)
            {
                edited.targets.insert(id, v);
            }
        }
        for (i, b) in self.benchmarks.iter().enumerate() {
            let row = i + 1;
            if b.measure.is_empty() && b.year.is_empty() && b.figures.iter().all(String::is_empty) {
                continue;
            }
            let Some(id) = key_field(
                errors,
                &format!("bench_measure-{row}"),
                &b.measure,
                "benchmarks",
                &edited.benchmarks,
                perf,
                catalogue,
            ) else {
                continue;
            };
            let mut figures = Vec::new();
            for ((name, _), value) in BENCHMARK_FIGURES.iter().zip(&b.figures) {
                figures.push(if value.is_empty() {
                    None
                } else {
                    figure_field(
                        errors,
                        &format!("bench_{name}-{row}"),
                        value,
                        "benchmarks",
                        &id,
                        perf,
                        catalogue,
                    )
                });
            }
            if figures.iter().all(Option::is_none) && b.figures.iter().all(String::is_empty) {
                errors.add(
                    &format!("bench_statistical_neighbours-{row}"),
                    format!("Enter at least one benchmark figure for {id}"),
                );
            }
            let year = if b.year.is_empty() {
                None
            } else {
                match b.year.parse::<CollectionYear>() {
                    Ok(y) => Some(y.to_string()),
                    Err(_) => {
                        errors.add(
                            &format!("bench_year-{row}"),
                            format!(
                                "Enter the year the benchmarks for {id} are for as a collection year, for example 2023-24"
                            ),
                        );
                        None
                    }
                }
            };
            let figure = |i: usize| figures.get(i).copied().flatten();
            edited.benchmarks.insert(
                id,
                Benchmark {
                    statistical_neighbours: figure(0),
                    best_neighbour: figure(1),
                    england: figure(2),
                    region: figure(3),
                    top_quartile: figure(4),
                    year,
                },
            );
        }
        if !self.population_all.is_empty() {
            edited.population_0_17 =
                population_field(errors, "population_all", &self.population_all);
        }
        for (i, (year, count)) in self.populations.iter().enumerate() {
            let row = i + 1;
            if year.is_empty() && count.is_empty() {
                continue;
            }
            let name = format!("population_year-{row}");
            let year = match year.parse::<CollectionYear>() {
                Ok(y) if edited.population_0_17_by_year.contains_key(&y) => {
                    errors.add(&name, format!("{y} is listed twice"));
                    None
                }
                Ok(y) => Some(y),
                Err(_) => {
                    errors.add(
                        &name,
                        "Enter the collection year as the 903 writes it, for example 2024-25",
                    );
                    None
                }
            };
            let count = population_field(errors, &format!("population_value-{row}"), count);
            if let (Some(y), Some(c)) = (year, count) {
                edited.population_0_17_by_year.insert(y, c);
            }
        }
        for (group, share) in &self.shares {
            if share.is_empty() {
                continue;
            }
            let name = format!("share_{group}");
            match number(share) {
                Some(v) => match performance::check_ethnic_share(group, v) {
                    Ok(()) => {
                        edited.ethnic_population_shares.insert(group.clone(), v);
                    }
                    Err(_) => errors.add(&name, "Enter a percentage from 0 to 100"),
                },
                None => errors.add(&name, "Enter the share as a number, for example 82.4"),
            }
        }
        (errors.0.len() == before).then_some((edited, indicators))
    }
}

/// The fields of `MeasureSettings` the screen edits, as the form says them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Edited {
    pub targets: BTreeMap<String, f64>,
    pub benchmarks: BTreeMap<String, Benchmark>,
    pub population_0_17: Option<u64>,
    pub population_0_17_by_year: BTreeMap<CollectionYear, u64>,
    pub ethnic_population_shares: BTreeMap<String, f64>,
}

impl Edited {
    /// The held `report_settings` JSON with these fields put in it (the
    /// others kept as they are).
    fn apply(&self, held: serde_json::Map<String, serde_json::Value>) -> serde_json::Value {
        let mut out = held;
        for key in EDITED {
            out.remove(key);
        }
        let mut put = |key: &str, v: serde_json::Value| {
            out.insert(key.to_owned(), v);
        };
        if !self.targets.is_empty() {
            put("targets", serde_json::json!(self.targets));
        }
        if !self.benchmarks.is_empty() {
            put(
                "benchmarks",
                serde_json::to_value(&self.benchmarks).unwrap_or_default(),
            );
        }
        if let Some(p) = self.population_0_17 {
            put("population_0_17", p.into());
        }
        if !self.population_0_17_by_year.is_empty() {
            put(
                "population_0_17_by_year",
                serde_json::to_value(&self.population_0_17_by_year).unwrap_or_default(),
            );
        }
        if !self.ethnic_population_shares.is_empty() {
            put(
                "ethnic_population_shares",
                serde_json::json!(self.ethnic_population_shares),
            );
        }
        serde_json::Value::Object(out)
    }
}

/// The check's message as a form says it: without the "settings:" a file's
/// error starts with.
fn said(e: String) -> String {
    e.strip_prefix("settings: ").map(str::to_owned).unwrap_or(e)
}

/// A number as typed: "90", "90%", "56,000", "82.4".
fn number(text: &str) -> Option<f64> {
    let t: String = text
        .trim()
        .trim_end_matches('%')
        .chars()
        .filter(|c| *c != ',')
        .collect();
    t.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A target's or benchmark's key: a measure or indicator, not listed
/// twice; else an error on the field naming it (the check a settings file
/// gets, `check_measure_key`).
fn key_field<V>(
    errors: &mut FormErrors,
    name: &str,
    id: &str,
    what: &str,
    seen: &BTreeMap<String, V>,
    perf: &PerformanceSettings,
    m: &Measures,
) -> Option<String> {
    if id.is_empty() {
        errors.add(
            name,
            "Enter the measure (its id, for example reviews.in_time_pct)",
        );
        return None;
    }
    if let Err(e) = performance::check_measure_key(what, id, perf, m) {
        errors.add(name, said(e));
        return None;
    }
    if seen.contains_key(id) {
        errors.add(name, format!("{id} is listed twice"));
        return None;
    }
    Some(id.to_owned())
}

/// A target or benchmark figure: a number the measure can be (a
/// percentage from 0 to 100 for a percentage); else an error on the field.
fn figure_field(
    errors: &mut FormErrors,
    name: &str,
    value: &str,
    what: &str,
    id: &str,
    perf: &PerformanceSettings,
    m: &Measures,
) -> Option<f64> {
    let Some(v) = number(value) else {
        errors.add(
            name,
            format!("Enter the figure for {id} as a number, for example 90"),
        );
        return None;
    };
    match performance::check_figure(what, id, v, perf, m) {
        Ok(()) => Some(v),
        Err(e) => {
            errors.add(name, said(e));
            None
        }
    }
}

/// A 0–17 population: a whole number of at least 1 (`check_population`).
fn population_field(errors: &mut FormErrors, name: &str, value: &str) -> Option<u64> {
    let n = number(value)
        .filter(|v| v.fract() == 0.0 && *v >= 0.0 && *v <= 1e9)
        .map(|v| v as u64);
    match n.map(|n| performance::check_population("population", n).map(|()| n)) {
        Some(Ok(n)) => Some(n),
        _ => {
            errors.add(
                name,
                "Enter the 0–17 population as a whole number of children, for example 56000",
            );
            None
        }
    }
}

/// How the screen says a unit.
fn unit_label(unit: Option<Unit>) -> &'static str {
    match unit {
        Some(Unit::Percent) => "per cent",
        Some(Unit::Rate) => "per 10,000 children aged 0–17",
        Some(Unit::PerFte) => "children per full-time IRO",
        Some(Unit::Mean) => "average",
        Some(Unit::Count) => "count",
        None => "",
    }
}

/// The measures and indicators a target or benchmark can be keyed by, for
/// the fields' suggestions: (id, unit).
fn keys(catalogue: &Measures, perf: &PerformanceSettings) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = catalogue
        .entries
        .iter()
        .map(|(id, _)| id.clone())
        .chain(perf.indicators.iter().map(|i| i.id.clone()))
        .map(|id| {
            let unit = unit_label(performance::key_unit(&id, perf, catalogue));
            (id, unit)
        })
        .collect();
    out.sort();
    out.dedup_by(|a, b| a.0 == b.0);
    out
}

/// The held settings: the measure settings (`None` when they cannot be
/// read) and the indicator list (`Err` when it cannot be read).
async fn held(
    state: &AppState,
) -> Result<
    (
        Option<MeasureSettings>,
        Result<Option<PerformanceSettings>, String>,
    ),
    AppError,
> {
    let settings = state.store.measure_settings().await.ok();
    let indicators = match state.store.setting(PERFORMANCE_INDICATORS).await? {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(v) => serde_json::from_value(v)
            .map(Some)
            .map_err(|e| e.to_string()),
    };
    Ok((settings, indicators))
}

async fn settings_page(
    state: &AppState,
    page: &Page,
    status: StatusCode,
    errors: FormErrors,
    form: Option<ReportSettingsForm>,
) -> Result<Response, AppError> {
    let (settings, indicators) = held(state).await?;
    let mut unreadable = Vec::new();
    if settings.is_none() {
        unreadable.push("the report's settings");
    }
    if indicators.is_err() {
        unreadable.push("the indicator list");
    }
    let held_list = indicators.ok().flatten();
    let mut form = form.unwrap_or_else(|| {
        ReportSettingsForm::held(&settings.clone().unwrap_or_default(), held_list.as_ref())
    });
    if form.indicators.is_none() {
        let default = PerformanceSettings::default();
        form.indicators = Some(indicators_json(held_list.as_ref().unwrap_or(&default)));
    }
    let default = PerformanceSettings::default();
    let shown_list = held_list.as_ref().unwrap_or(&default);
    let catalogue = performance::catalogue();
    let keys: Vec<_> = keys(&catalogue, shown_list)
        .into_iter()
        .map(|(id, unit)| context! { id, unit })
        .collect();
    let target_units: Vec<&str> = form
        .targets
        .iter()
        .map(|(id, _)| unit_label(performance::key_unit(id, shown_list, &catalogue)))
        .collect();
    let indicator_rows: Vec<_> = shown_list
        .indicators
        .iter()
        .map(|i| {
            context! {
                id => i.id, reference => i.reference, plan_code => i.plan_code,
                name => i.name,
                rule => serde_json::to_string(&i.value).unwrap_or_default(),
                unit => unit_label(Some(i.value.unit())),
                polarity => format!("{:?}", i.polarity).to_lowercase(),
                thresholds => i.thresholds.map(|t| format!("red {}, green {}", t.red, t.green)),
            }
        })
        .collect();
    let groups: Vec<_> = form
        .shares
        .iter()
        .map(|(key, value)| {
            let label = performance::population_share_keys()
                .into_iter()
                .find(|(k, _)| k == key)
                .map_or(key.as_str(), |(_, l)| l);
            context! { key, label, value }
        })
        .collect();
    let figures: Vec<_> = BENCHMARK_FIGURES
        .iter()
        .map(|(name, heading)| context! { name, heading })
        .collect();
    Ok(page
        .render_status(
            state,
            status,
            "report_settings.html",
            context! {
                form, keys, target_units, indicator_rows, groups, figures, unreadable,
                list_is_default => held_list.is_none(),
                errors => errors.0,
            },
        )
        .await)
}

/// GET /reports/settings — the report's settings, as held.
pub async fn page(State(state): State<AppState>, page: Page, user: CurrentUser) -> Response {
    let r = settings_page(&state, &page, StatusCode::OK, FormErrors::default(), None).await;
    respond(&state, Some(&user), r)
}

/// POST /reports/settings — every field checked (as a `--settings` or
/// `--indicators` file is), then both settings saved and audited with
/// their values before and after; nothing saved when any field is refused.
pub async fn save(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let result = async {
        let form = ReportSettingsForm::sent(&pairs);
        let catalogue = performance::catalogue();
        let mut errors = FormErrors::default();
        let (_, held_list) = held(&state).await?;
        let held_list = match held_list {
            Ok(list) => list,
            Err(_) if form.indicators.is_none() => {
                errors.add(
                    "indicators",
                    "The indicator list held could not be read: enter the list, or save with the default list",
                );
                None
            }
            Err(_) => None,
        };
        let read = form.read(&catalogue, held_list.as_ref(), &mut errors);
        // The measure settings held, with the screen's fields put in them;
        // the whole must read as `MeasureSettings` and pass the check a
        // report makes.
        let held = match state.store.setting(REPORT_SETTINGS).await? {
            None => Some(serde_json::Map::new()),
            Some(serde_json::Value::Object(m)) => Some(m),
            Some(_) => None,
        };
        let mut to_save = None;
        match (read, held) {
            (_, None) => errors.add(
                "targets",
                "The report's settings held could not be read, so nothing can be saved: ask whoever set them to set them again",
            ),
            (None, _) => {}
            (Some((edited, indicators)), Some(held)) => {
                let value = edited.apply(held);
                match serde_json::from_value::<MeasureSettings>(value.clone())
                    .map_err(|e| format!("the report's settings held could not be read: {e}"))
                    .and_then(|s| {
                        performance::check_before_saving(
                            &s,
                            indicators.as_ref().unwrap_or(&PerformanceSettings::default()),
                        )
                        .map_err(said)
                    }) {
                    Ok(()) => to_save = Some((value, indicators)),
                    Err(e) => errors.add("targets", e),
                }
            }
        }
        let Some((value, indicators)) = to_save.filter(|_| errors.is_empty()) else {
            let mut form = form;
            form.targets.push(Default::default());
            form.benchmarks.push(BenchmarkRow {
                figures: vec![String::new(); BENCHMARK_FIGURES.len()],
                ..Default::default()
            });
            form.populations.push(Default::default());
            return settings_page(
                &state,
                &page,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                Some(form),
            )
            .await;
        };
        let list = match indicators {
            Some(list) => serde_json::to_value(&list).map_err(|e| AppError::Internal(e.to_string()))?,
            None => serde_json::Value::Null,
        };
        // No list held and the default kept: nothing to write.
        let held_list = state.store.setting(PERFORMANCE_INDICATORS).await?;
        let list = (!(held_list.is_none() && list.is_null())).then_some(list);
        super::save_settings(
            &state,
            &user,
            vec![(REPORT_SETTINGS, Some(value)), (PERFORMANCE_INDICATORS, list)],
        )
        .await?;
        page.flash("Report settings saved").await;
        Ok(Redirect::to("/reports/settings").into_response())
    }
    .await;
    respond(&state, Some(&user), result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::pairs;

    #[test]
    fn the_held_settings_round_trip_through_the_form() {
        let settings: MeasureSettings = serde_json::from_value(serde_json::json!({
            "targets": {"reviews.in_time_pct": 90.0, "cla.end": 400.0},
            "benchmarks": {"reviews.in_time_pct": {"england": 88.5, "year": "2023-24"}},
            "population_0_17": 40000,
            "population_0_17_by_year": {"2024-25": 56000},
            "ethnic_population_shares": {"white": 82.4, "bme": 8.1}
        }))
        .unwrap();
        let held = ReportSettingsForm::held(&settings, None);
        let mut sent = Vec::new();
        for (m, v) in &held.targets {
            sent.push(("target_measure", m.as_str()));
            sent.push(("target_value", v.as_str()));
        }
        for b in &held.benchmarks {
            sent.push(("bench_measure", b.measure.as_str()));
            for ((name, _), v) in BENCHMARK_FIGURES.iter().zip(&b.figures) {
                sent.push((
                    match *name {
                        "statistical_neighbours" => "bench_statistical_neighbours",
                        "best_neighbour" => "bench_best_neighbour",
                        "england" => "bench_england",
                        "region" => "bench_region",
                        _ => "bench_top_quartile",
                    },
                    v.as_str(),
                ));
            }
            sent.push(("bench_year", b.year.as_str()));
        }
        sent.push(("population_all", held.population_all.as_str()));
        for (y, p) in &held.populations {
            sent.push(("population_year", y.as_str()));
            sent.push(("population_value", p.as_str()));
        }
        sent.push(("share_white", "82.4"));
        // The BME share is offered with the census groups and kept.
        assert!(held.shares.iter().any(|(k, v)| k == "bme" && v == "8.1"));
        sent.push(("share_bme", "8.1"));
        sent.push(("indicators", held.indicators.as_deref().unwrap_or_default()));
        let form = ReportSettingsForm::sent(&pairs(&sent));
        let mut errors = FormErrors::default();
        let (edited, list) = form
            .read(&performance::catalogue(), None, &mut errors)
            .expect("no errors");
        assert!(errors.is_empty());
        assert_eq!(list, None, "the default list stays the default");
        assert_eq!(edited.targets, settings.targets);
        assert_eq!(edited.benchmarks, settings.benchmarks);
        assert_eq!(edited.population_0_17, Some(40_000));
        assert_eq!(
            edited.population_0_17_by_year,
            settings.population_0_17_by_year
        );
        assert_eq!(
            edited.ethnic_population_shares,
            settings.ethnic_population_shares
        );
    }

    #[test]
    fn each_wrong_field_is_named() {
        let form = ReportSettingsForm::sent(&pairs(&[
            ("target_measure", "reviews.in_time_pcnt"),
            ("target_value", "90"),
            ("target_measure", "reviews.in_time_pct"),
            ("target_value", "190"),
            ("bench_measure", "cla.end"),
            ("bench_england", "x"),
            ("bench_year", "2023"),
            ("population_all", "0"),
            ("population_year", "2024"),
            ("population_value", "56000"),
            ("share_white", "120"),
            ("indicators", "{\"indicators\": [{\"id\": \"x\"}]}"),
        ]));
        let mut errors = FormErrors::default();
        assert!(
            form.read(&performance::catalogue(), None, &mut errors)
                .is_none()
        );
        let named: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        for f in [
            "target_measure-1",
            "target_value-2",
            "bench_england-1",
            "bench_year-1",
            "population_all",
            "population_year-1",
            "share_white",
            "indicators",
        ] {
            assert!(named.contains(&f), "{f} in {named:?}");
        }
        let unknown = errors
            .0
            .iter()
            .find(|e| e.field == "target_measure-1")
            .unwrap();
        assert!(
            unknown.message.contains("`reviews.in_time_pcnt`"),
            "{}",
            unknown.message
        );
    }
}
