//! What a report reads from the store, and the annual report and the
//! performance page built from it, in each of their formats.

use chrono::NaiveDate;
use footprint_domain::calendar::WorkingDayCalendar;
use footprint_domain::dates::CollectionYear;
use footprint_domain::measures::{Extent, MeasureSettings, Period, records_window};
use footprint_domain::model::Dataset;
use footprint_report::performance::{self, PerformanceSettings};
use footprint_report::words::Words;
use footprint_report::{AnnualReport, Format, Narrative};
use footprint_store::{Scope, Store};

use crate::Error;

/// The store setting holding the performance page's indicator list (JSON;
/// `null` or absent: the built-in list).
pub const PERFORMANCE_INDICATORS: &str = "performance_indicators";
/// The store setting holding the council's name (a JSON string).
pub const COUNCIL_NAME: &str = "council_name";

/// What the store holds for a report.
#[derive(Debug, Clone, Default)]
pub struct ReportInputs {
    pub dataset: Dataset,
    pub settings: MeasureSettings,
    /// The stored indicator list (`None`: the built-in list).
    pub indicators: Option<PerformanceSettings>,
    pub narratives: Vec<Narrative>,
    /// The manager's words beyond the section texts (the latest version),
    /// last year's action plan carried forward into an empty progress list.
    pub words: Words,
    pub council: Option<String>,
    /// The bank holidays stored in the database, if any.
    pub calendar: Option<WorkingDayCalendar>,
}

/// Reads what a report needs and audits the read (`report.compute`). For
/// the annual report of `year` (this year and last year whole, and the three
/// years before for the trends' headline figures: `AnnualReport::periods`),
/// only the children whose records touch those years are read, and for the
/// three earlier years only their care records (`Scope::Extents`): the
/// figures are the same as from the whole council, and an England-sized
/// council's earlier years are never held in memory whole.
pub async fn load(
    store: &Store,
    actor: &str,
    year: Option<CollectionYear>,
) -> Result<ReportInputs, Error> {
    let dataset = match year {
        Some(y) => {
            let periods = AnnualReport::periods(y);
            let of = |extent: Extent| {
                let chosen: Vec<Period> = periods
                    .iter()
                    .filter(|(_, e)| *e == extent)
                    .map(|(p, _)| *p)
                    .collect();
                records_window(&chosen)
            };
            match of(Extent::Every) {
                Some(every) => {
                    // The earlier years' children with their care records
                    // and adoption records (the scorecard's three-year
                    // averages), in the same read.
                    store
                        .load_scoped(Scope::Extents {
                            every,
                            headline: of(Extent::Headline),
                        })
                        .await?
                }
                None => store.load_dataset().await?,
            }
        }
        None => store.load_dataset().await?,
    };
    let settings = store.measure_settings().await?;
    // `null` (the settings screen's "reset to the default list") is the
    // built-in list, as no setting is.
    let indicators = store
        .setting(PERFORMANCE_INDICATORS)
        .await?
        .filter(|v| !v.is_null())
        .map(serde_json::from_value)
        .transpose()
        .map_err(|e| Error::Setting {
            key: PERFORMANCE_INDICATORS.to_owned(),
            message: e.to_string(),
        })?;
    let council = store
        .setting(COUNCIL_NAME)
        .await?
        .and_then(|v| v.as_str().map(str::to_owned));
    let narratives = match year {
        Some(y) => store
            .narratives(y)
            .await?
            .into_iter()
            .map(|(slot, text)| Narrative { slot, text })
            .collect(),
        None => Vec::new(),
    };
    let words = match year {
        Some(y) => words_for(store, y).await?,
        None => Words::default(),
    };
    let calendar = store.calendar().await?;
    store
        .audit(
            actor,
            "report.compute",
            None,
            &year.map_or("performance page".to_owned(), |y| {
                format!("annual report {y}")
            }),
        )
        .await?;
    Ok(ReportInputs {
        dataset,
        settings,
        indicators,
        narratives,
        words,
        council,
        calendar,
    })
}

/// The latest saved version of the manager's words for `year`, as saved
/// (nothing carried forward); empty when none is saved.
pub async fn saved_words(store: &Store, year: CollectionYear) -> Result<Words, Error> {
    match store.report_words(year).await? {
        None => Ok(Words::default()),
        Some((version, body)) => {
            let w: Words = serde_json::from_value(body).map_err(|e| Error::Setting {
                key: format!("report_words {year} version {version}"),
                message: e.to_string(),
            })?;
            Ok(w)
        }
    }
}

/// The manager's words for `year`'s report: the latest saved version, with
/// last year's action plan carried forward when no progress is recorded.
pub async fn words_for(store: &Store, year: CollectionYear) -> Result<Words, Error> {
    let mut words = saved_words(store, year).await?;
    words.carry_forward(&saved_words(store, year.previous()).await?);
    Ok(words)
}

/// The annual report of `year` in `format`, computed to `as_of` (a year not
/// yet over is computed to that day and says so); `publish`: counts from 1
/// to 5 shown as c, secondary suppression, no child-level detail.
pub fn annual(
    inputs: &ReportInputs,
    year: CollectionYear,
    as_of: NaiveDate,
    calendar: &WorkingDayCalendar,
    publish: bool,
    format: Format,
) -> Result<Vec<u8>, Error> {
    let report = annual_report(inputs, year, as_of, calendar, publish);
    Ok(report.render(format)?)
}

/// [`annual`], written to the writer `open` gives as it is made (JSON; the
/// other formats whole): a report that fails its checks opens nothing.
pub fn annual_to<W: std::io::Write>(
    inputs: &ReportInputs,
    year: CollectionYear,
    as_of: NaiveDate,
    calendar: &WorkingDayCalendar,
    publish: bool,
    format: Format,
    open: impl FnOnce() -> std::io::Result<W>,
) -> Result<(), Error> {
    let report = annual_report(inputs, year, as_of, calendar, publish);
    report.render_to(format, open)?;
    // An England-sized report's measures hold every child behind every
    // count; the caller is about to finish, so they are not freed one by one.
    std::mem::forget(report);
    Ok(())
}

/// The annual report of `year` computed to `as_of`, with the council's
/// name and indicators, before it is written ([`annual`] writes it).
pub fn annual_report(
    inputs: &ReportInputs,
    year: CollectionYear,
    as_of: NaiveDate,
    calendar: &WorkingDayCalendar,
    publish: bool,
) -> AnnualReport {
    let mut report = AnnualReport::compute_as_of(
        &inputs.dataset,
        year,
        as_of,
        &inputs.settings,
        calendar,
        inputs.narratives.clone(),
        publish,
    );
    report.council = inputs.council.clone();
    report.indicators = inputs.indicators.clone();
    report.words = inputs.words.clone();
    report
}

/// The formats of the performance page.
pub const PERFORMANCE_FORMATS: [&str; 4] = ["html", "xlsx", "pdf", "json"];

/// The performance page for the months to `month` (`YYYY-MM`) in `format`
/// (`html`, `xlsx`, `pdf` or `json`), computed to `as_of`; `publish`: counts
/// from 1 to 5 shown as c, secondary suppression, audited before it is
/// written. `indicators` overrides the stored list. Gives the page's bytes
/// and how many indicators it has.
pub fn performance_page(
    inputs: &ReportInputs,
    month: &str,
    as_of: NaiveDate,
    calendar: &WorkingDayCalendar,
    indicators: Option<&PerformanceSettings>,
    publish: bool,
    format: &str,
) -> Result<(Vec<u8>, usize), Error> {
    let month = performance::parse_month(month)?;
    if !PERFORMANCE_FORMATS.contains(&format) {
        return Err(Error::Usage(format!(
            "`{format}` is not a format for the performance page; expected html, xlsx, pdf or json"
        )));
    }
    let default = PerformanceSettings::default();
    let indicators = indicators
        .or(inputs.indicators.as_ref())
        .unwrap_or(&default);
    let compute = if publish {
        performance::compute_published_as_of
    } else {
        performance::compute_as_of
    };
    let page = compute(
        &inputs.dataset,
        month,
        as_of,
        &inputs.settings,
        indicators,
        calendar,
    )?;
    let bytes = match format {
        "html" => performance::render_html(&page).into_bytes(),
        "json" => performance::render_json(&page).into_bytes(),
        "pdf" => performance::render_pdf(&page)?,
        _ => performance::render_xlsx(&page)?,
    };
    Ok((bytes, page.rows.len()))
}
