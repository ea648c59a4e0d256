//! `footprint report`: the annual IRO report and the performance page.
//!
//! The dataset comes from the database (`--db URL`, else `FOOTPRINT_DB`,
//! else the default `sqlite://footprint.db`) or from a serialised `Dataset`
//! (`--dataset FILE.json`). Settings and the manager's narrative come from
//! the database (settings `report_settings` and `performance_indicators`),
//! or from `--settings FILE.json` / `--indicators FILE.json`, which win.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, anyhow};
use clap::{Args, Subcommand};
use footprint_domain::calendar::WorkingDayCalendar;
use footprint_domain::dates::CollectionYear;
use footprint_domain::measures::MeasureSettings;

use footprint_report::Format;
use footprint_report::performance::{self, PerformanceSettings};

use crate::common::{finish, load_calendar, print_stdout, read_text};

/// The store setting holding the `MeasureSettings` (JSON): read with the
/// review policy and challenge stages by `Store::measure_settings`.
pub const REPORT_SETTINGS: &str = footprint_store::council::REPORT_SETTINGS;
/// The store setting holding the council's name (a JSON string).
pub const COUNCIL_NAME: &str = footprint_interchange::reports::COUNCIL_NAME;

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// The annual IRO report for a reporting year.
    #[command(
        after_help = "Example:\n  footprint report annual --year 2021-22 --format html --out iro-2021-22.html\n  footprint report annual --year 2021-22 --format xlsx --out published.xlsx --publish"
    )]
    Annual(AnnualArgs),
    /// The performance page (performance on a page) for a month.
    #[command(
        after_help = "Example:\n  footprint report performance --month 2022-12 --format html --out performance.html"
    )]
    Performance(PerformanceArgs),
}

#[derive(Debug, Args)]
pub struct Source {
    /// The database URL (default: $FOOTPRINT_DB, else sqlite://footprint.db).
    #[arg(long, value_name = "URL")]
    db: Option<String>,
    /// Read the records from a serialised dataset instead of the database.
    #[arg(long, value_name = "FILE.json", conflicts_with = "db")]
    dataset: Option<PathBuf>,
    /// The measure settings (JSON: population, review policy, targets,
    /// benchmarks); default: the database's, else the statutory defaults.
    #[arg(long, value_name = "FILE.json")]
    settings: Option<PathBuf>,
    /// A bank-holiday CSV to use instead of the bundled calendar.
    #[arg(long, value_name = "FILE.csv")]
    calendar: Option<PathBuf>,
    /// The report date (yyyy-mm-dd): a period that ends after it is
    /// computed to it and marked "to date", so a re-run of last month's
    /// figures sees the same day. Default: today.
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
}

impl Source {
    /// `--as-of`, else today's date.
    fn as_of(&self) -> anyhow::Result<chrono::NaiveDate> {
        match &self.as_of {
            Some(d) => crate::common::parse_date_arg("--as-of", d),
            None => Ok(chrono::Local::now().date_naive()),
        }
    }
}

#[derive(Debug, Args)]
pub struct AnnualArgs {
    /// The reporting year, e.g. 2021-22.
    #[arg(long, value_name = "YYYY-YY")]
    year: String,
    /// json, html, docx, xlsx or pdf.
    #[arg(long, value_name = "FORMAT")]
    format: String,
    /// Where to write the report.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Publication mode: counts from 1 to 5 shown as c, secondary
    /// suppression, no child-level detail.
    #[arg(long)]
    publish: bool,
    /// The manager's words (JSON: section texts, last year's action plan
    /// and its progress, this year's plan, "you said, we did", feedback,
    /// staffing; docs/report-json.md "The manager's words"); they win over
    /// the database's. Anything unknown is an error naming it.
    #[arg(long, value_name = "FILE.json")]
    words: Option<PathBuf>,
    #[command(flatten)]
    source: Source,
}

#[derive(Debug, Args)]
pub struct PerformanceArgs {
    /// The latest month, e.g. 2022-12.
    #[arg(long, value_name = "YYYY-MM")]
    month: String,
    /// html, xlsx, pdf or json.
    #[arg(long, value_name = "FORMAT")]
    format: String,
    /// Where to write the page.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Publication mode: counts from 1 to 5 shown as c, secondary
    /// suppression, figures worked out from a hidden count hidden; the page
    /// is audited before it is written.
    #[arg(long)]
    publish: bool,
    /// The indicator list (JSON); default: the database's, else the built-in list.
    #[arg(long, value_name = "FILE.json")]
    indicators: Option<PathBuf>,
    #[command(flatten)]
    source: Source,
}

pub fn run(cmd: ReportCommand) -> ExitCode {
    finish(match cmd {
        ReportCommand::Annual(args) => annual(args),
        ReportCommand::Performance(args) => performance_page(args),
    })
}

use footprint_interchange::reports::ReportInputs as Loaded;

/// `--calendar FILE`, else the database's bank holidays, else the bundled
/// England and Wales calendar.
fn calendar_for(source: &Source, loaded: &Loaded) -> anyhow::Result<WorkingDayCalendar> {
    match (&source.calendar, &loaded.calendar) {
        (Some(path), _) => load_calendar(Some(path)),
        (None, Some(stored)) => Ok(stored.clone()),
        (None, None) => load_calendar(None),
    }
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path, what: &str) -> anyhow::Result<T> {
    let text = read_text(path, what)?;
    serde_json::from_str(&text).with_context(|| format!("{what} {}", path.display()))
}

/// Reads what a report needs (`footprint_interchange::reports::load`, as
/// the web's reports screen does), or the records from `--dataset`;
/// `--settings` wins over the stored settings.
fn load(source: &Source, year: Option<CollectionYear>) -> anyhow::Result<Loaded> {
    let file_settings: Option<MeasureSettings> = source
        .settings
        .as_deref()
        .map(|p| read_json(p, "settings file"))
        .transpose()?;
    if let Some(path) = &source.dataset {
        return Ok(Loaded {
            dataset: read_json(path, "dataset file")?,
            settings: file_settings.unwrap_or_default(),
            ..Loaded::default()
        });
    }
    let url = source
        .db
        .clone()
        .or_else(|| std::env::var("FOOTPRINT_DB").ok())
        .unwrap_or_else(|| footprint_store::DEFAULT_URL.to_owned());
    let shown = footprint_store::redact_url(&url);
    let runtime = crate::db::runtime()?;
    let mut loaded = runtime
        .block_on(async {
            let store = footprint_store::Store::open(&url).await?;
            let result =
                footprint_interchange::reports::load(&store, &crate::db::cli_actor(), year).await;
            store.close().await;
            anyhow::Ok(result?)
        })
        .with_context(|| format!("cannot read the database {shown}"))?;
    if let Some(settings) = file_settings {
        loaded.settings = settings;
    }
    Ok(loaded)
}

fn write_out(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

fn annual(args: AnnualArgs) -> anyhow::Result<()> {
    let year: CollectionYear = args.year.parse().map_err(|e| anyhow!("--year: {e}"))?;
    let format: Format = args.format.parse().map_err(|e| anyhow!("--format: {e}"))?;
    let as_of = args.source.as_of()?;
    let mut loaded = load(&args.source, Some(year))?;
    if let Some(path) = &args.words {
        let text = read_text(path, "words file")?;
        let words = footprint_report::words::Words::from_json(&text)
            .map_err(|e| anyhow!("words file {}: {e}", path.display()))?;
        // The file's section texts win over the stored ones; its lists
        // replace the stored lists.
        loaded.words = words;
    }
    let calendar = calendar_for(&args.source, &loaded)?;
    // Written as it is made; the file is made only once the report has
    // passed its checks.
    let out = &args.out;
    footprint_interchange::reports::annual_to(
        &loaded,
        year,
        as_of,
        &calendar,
        args.publish,
        format,
        || std::fs::File::create(out).map(|f| std::io::BufWriter::with_capacity(1 << 20, f)),
    )
    .map_err(|e| match e {
        footprint_interchange::Error::Report(footprint_report::ReportError::Write(e)) => {
            anyhow!("cannot write {}: {e}", out.display())
        }
        e => e.into(),
    })?;
    // The command ends here: freeing an England-sized dataset one small
    // allocation at a time took a tenth of the run. The process's exit
    // returns the memory at once.
    std::mem::forget(loaded);
    print_stdout(&format!(
        "Wrote the {year} annual report ({format}{}) to {}\n",
        if args.publish {
            ", for publication"
        } else {
            ""
        },
        args.out.display()
    ))
}

fn performance_page(args: PerformanceArgs) -> anyhow::Result<()> {
    performance::parse_month(&args.month).map_err(|e| anyhow!("--month: {e}"))?;
    let as_of = args.source.as_of()?;
    let loaded = load(&args.source, None)?;
    let calendar = calendar_for(&args.source, &loaded)?;
    let indicators: Option<PerformanceSettings> = args
        .indicators
        .as_deref()
        .map(|p| read_json(p, "indicators file"))
        .transpose()?;
    let (bytes, rows) = footprint_interchange::reports::performance_page(
        &loaded,
        &args.month,
        as_of,
        &calendar,
        indicators.as_ref(),
        args.publish,
        &args.format,
    )
    .map_err(|e| match e {
        footprint_interchange::Error::Performance(performance::PerformanceError::BadMonth(_)) => {
            anyhow!("--month: {e}")
        }
        footprint_interchange::Error::Usage(_) => anyhow!("--format: {e}"),
        footprint_interchange::Error::Performance(performance::PerformanceError::Indicators(_)) => {
            match &args.indicators {
                Some(p) => anyhow!("indicators file {}: {e}", p.display()),
                None => anyhow!("{e}"),
            }
        }
        e => anyhow!("{e}"),
    })?;
    write_out(&args.out, &bytes)?;
    print_stdout(&format!(
        "Wrote the performance page to {} ({} indicators, {}{})\n",
        args.out.display(),
        rows,
        args.month,
        if args.publish {
            ", for publication"
        } else {
            ""
        }
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use footprint_domain::codes::{Ethnicity, Sex};
    use footprint_domain::model::{Child, Dataset, Episode};

    fn tmp(name: &str) -> PathBuf {
        std::env::temp_dir().join(format!("footprint-report-{}-{name}", std::process::id()))
    }

    /// One child, looked after since 2020: in care on 31 March 2022.
    fn dataset_file(name: &str) -> PathBuf {
        let id: footprint_domain::model::ChildId = "A1".parse().unwrap();
        let data = Dataset {
            children: vec![Child {
                id: id.clone(),
                sex: Sex::Female,
                date_of_birth: NaiveDate::from_ymd_opt(2012, 5, 1).unwrap(),
                ethnicity: Ethnicity::WBRI,
                upn: None,
                mother: None,
                mothers_child_dob: None,
                uasc: None,
                name: None,
            }],
            episodes: vec![Episode {
                child: id,
                start: NaiveDate::from_ymd_opt(2020, 6, 1).unwrap(),
                end: None,
                reason_new: "S".parse().unwrap(),
                legal_status: "C2".parse().unwrap(),
                category_of_need: None,
                placement: "U4".parse().unwrap(),
                provider: None,
                reason_ceased: None,
                reason_place_change: None,
                home_postcode: None,
                placement_postcode: None,
                urn: None,
            }],
            ..Dataset::default()
        };
        let path = tmp(&format!("{name}-dataset.json"));
        std::fs::write(&path, serde_json::to_string(&data).unwrap()).unwrap();
        path
    }

    fn source(dataset: PathBuf) -> Source {
        Source {
            db: None,
            dataset: Some(dataset),
            settings: None,
            calendar: None,
            as_of: None,
        }
    }

    #[test]
    fn annual_report_from_a_dataset_file() {
        let out = tmp("annual.json");
        annual(AnnualArgs {
            year: "2021-22".into(),
            format: "json".into(),
            out: out.clone(),
            publish: false,
            words: None,
            source: source(dataset_file("annual")),
        })
        .unwrap();
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        assert_eq!(v["year"], "2021-22");
        assert_eq!(v["measures"]["cla.end"], 1);
        assert_eq!(v["measures"]["cla.start"], 1);
        let _ = std::fs::remove_file(out);
    }

    #[test]
    fn the_managers_words_come_from_a_file_and_anything_unknown_is_named() {
        let words = tmp("words.json");
        std::fs::write(
            &words,
            r#"{"sections": {"reviews": "Timeliness held."},
                "next_year_actions": [{"action": "Midway checks", "owner": "Service manager"}],
                "staffing": [{"post": "IRO", "fte": 6.5}]}"#,
        )
        .unwrap();
        let out = tmp("annual-words.json");
        let args = |words: PathBuf, out: PathBuf| AnnualArgs {
            year: "2021-22".into(),
            format: "json".into(),
            out,
            publish: false,
            words: Some(words),
            source: source(dataset_file("annual-words")),
        };
        annual(args(words.clone(), out.clone())).unwrap();
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        assert_eq!(v["words"]["sections"]["reviews"], "Timeliness held.");
        assert_eq!(
            v["words"]["next_year_actions"][0]["action"],
            "Midway checks"
        );
        assert_eq!(v["words"]["staffing"][0]["fte"], 6.5);
        let _ = std::fs::remove_file(&out);

        std::fs::write(&words, r#"{"sections": {"reveiws": "Typo"}}"#).unwrap();
        let e = annual(args(words.clone(), out.clone()))
            .unwrap_err()
            .to_string();
        assert!(e.contains("words file") && e.contains("`reveiws`"), "{e}");
        std::fs::write(&words, r#"{"staff": []}"#).unwrap();
        let e = annual(args(words.clone(), out.clone()))
            .unwrap_err()
            .to_string();
        assert!(e.contains("words file") && e.contains("staff"), "{e}");
        assert!(!out.exists());
        let _ = std::fs::remove_file(words);
    }

    #[test]
    fn performance_page_from_a_dataset_file() {
        let out = tmp("perf.json");
        performance_page(PerformanceArgs {
            month: "2022-03".into(),
            format: "json".into(),
            out: out.clone(),
            indicators: None,
            publish: false,
            source: source(dataset_file("perf")),
        })
        .unwrap();
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        assert_eq!(v["month"], "2022-03");
        assert_eq!(v["rows"][0]["months"][2]["value"], 1.0);
        assert_eq!(v["rows"][0]["unit"], "count");
        let _ = std::fs::remove_file(out);
    }

    #[test]
    fn a_published_performance_page_shows_no_count_from_1_to_5() {
        let out = tmp("perf-published.json");
        performance_page(PerformanceArgs {
            month: "2022-03".into(),
            format: "json".into(),
            out: out.clone(),
            indicators: None,
            publish: true,
            source: source(dataset_file("perf-published")),
        })
        .unwrap();
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        assert_eq!(v["publication"], true);
        // One child in care: the count of 1 is c, and so is the rate
        // worked out from it.
        assert_eq!(v["rows"][0]["unit"], "count");
        assert_eq!(v["rows"][0]["months"][2]["value"], "c");
        assert_eq!(v["rows"][0]["last_year"], "c");
        assert_eq!(v["rows"][0]["months"][2]["direction"], "not_known");
        let _ = std::fs::remove_file(out);
    }

    #[test]
    fn bad_options_are_named() {
        let args = |year: &str, format: &str| AnnualArgs {
            year: year.into(),
            format: format.into(),
            out: tmp("never.html"),
            publish: false,
            words: None,
            source: source(dataset_file("bad")),
        };
        let e = annual(args("2021-23", "html")).unwrap_err().to_string();
        assert!(e.starts_with("--year:"), "{e}");
        let e = annual(args("2021-22", "pptx")).unwrap_err().to_string();
        assert!(e.starts_with("--format:") && e.contains("docx"), "{e}");
        let missing = AnnualArgs {
            source: source(tmp("no-such-file.json")),
            ..args("2021-22", "html")
        };
        let e = format!("{:#}", annual(missing).unwrap_err());
        assert!(
            e.contains("dataset file") && e.contains("no-such-file.json"),
            "{e}"
        );
        assert!(!tmp("never.html").exists());
    }
}
