//! `footprint due`: when each review of a period of care was due, whether it
//! was in time, and when the next one is due — with the rule behind each.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, anyhow};
use chrono::NaiveDate;
use clap::Args;
use footprint_domain::dates::format_uk;
use footprint_domain::schedule::{
    DueRule, PeriodKind, Schedule, ScheduleInput, SchedulePolicy, schedule,
};
use serde::Serialize;

use crate::common::{finish, load_calendar, parse_date_arg, print_stdout, read_text};

/// Dates may be written yyyy-mm-dd or dd/mm/yyyy.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  footprint due --start 2022-12-16 --review 2023-01-10 --review 2023-04-05\n\n\
                  In --json output, \"due\" is the earliest of the statutory and local due dates \
                  and \"rule\" the rule that set it; \"in_time\" is judged against the statutory \
                  due date (\"statutory_due\", the national measure) and \"in_time_local\" \
                  against \"due\"."
)]
pub struct DueArgs {
    /// The day the child became looked after (start of the period of care,
    /// or of the first short break with --short-breaks).
    #[arg(long, value_name = "DATE")]
    start: String,
    /// A review held in the period; repeat for each review, in any order.
    #[arg(long = "review", value_name = "DATE")]
    reviews: Vec<String>,
    /// The day the period of care ended (no next review is then due).
    #[arg(long, value_name = "DATE")]
    end: Option<String>,
    /// The period is a series of short breaks (regulation 48 timetable).
    #[arg(long)]
    short_breaks: bool,
    /// The day a new placement began; repeat for each move.
    #[arg(long = "move", value_name = "DATE")]
    moves: Vec<String>,
    /// A stay in an unregistered placement, FROM..TO (TO = the day it ended)
    /// or FROM.. if still there; repeat for each.
    #[arg(long = "unregistered", value_name = "FROM..[TO]")]
    unregistered: Vec<String>,
    /// The day authority to place for adoption was obtained.
    #[arg(long, value_name = "DATE")]
    adoption_authority: Option<String>,
    /// The day the child was placed for adoption.
    #[arg(long, value_name = "DATE")]
    placed_for_adoption: Option<String>,
    /// Reviews are only known from this date ("data held from").
    #[arg(long, value_name = "DATE")]
    known_from: Option<String>,
    /// The council's schedule policy (JSON); default: the statutory schedule.
    #[arg(long, value_name = "FILE.json")]
    policy: Option<PathBuf>,
    /// A bank-holiday calendar CSV to use instead of the bundled one.
    #[arg(long, value_name = "FILE.csv")]
    calendar: Option<PathBuf>,
    /// Use the bank holidays stored in this database (see `footprint
    /// calendar import`) instead of the bundled calendar.
    #[arg(long, value_name = "URL", conflicts_with = "calendar")]
    db: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

pub fn run(args: DueArgs) -> ExitCode {
    finish(due(&args))
}

fn due(args: &DueArgs) -> anyhow::Result<()> {
    let input = input_from(args)?;
    let policy = match &args.policy {
        None => SchedulePolicy::statutory(),
        Some(path) => {
            let text = read_text(path, "policy file")?;
            serde_json::from_str(&text)
                .with_context(|| format!("policy file {}", path.display()))?
        }
    };
    let calendar =
        match &args.db {
            Some(url) => crate::db::runtime()?.block_on(async {
                let store = crate::db::open(url).await?;
                let calendar = store.calendar().await?;
                store.close().await;
                anyhow::Ok(calendar.unwrap_or_else(
                    footprint_domain::calendar::WorkingDayCalendar::england_and_wales,
                ))
            })?,
            None => load_calendar(args.calendar.as_deref())?,
        };
    let schedule = schedule(&input, &policy, &calendar)?;
    let text = if args.json {
        let mut s = serde_json::to_string(&JsonOut::from(&schedule))?;
        s.push('\n');
        s
    } else {
        table(&input, &schedule)
    };
    print_stdout(&text)
}

fn input_from(args: &DueArgs) -> anyhow::Result<ScheduleInput> {
    let date = |option: &str, value: &str| parse_date_arg(option, value);
    let opt_date = |option: &str, value: &Option<String>| {
        value.as_deref().map(|v| date(option, v)).transpose()
    };
    let start = date("--start", &args.start)?;
    let mut input = ScheduleInput::looked_after(start, Vec::new());
    if args.short_breaks {
        input.kind = PeriodKind::ShortBreaks;
    }
    input.period_end = opt_date("--end", &args.end)?;
    input.reviews = args
        .reviews
        .iter()
        .map(|v| date("--review", v))
        .collect::<Result<_, _>>()?;
    input.placement_moves = args
        .moves
        .iter()
        .map(|v| date("--move", v))
        .collect::<Result<_, _>>()?;
    input.unregistered_spans = args
        .unregistered
        .iter()
        .map(|v| span(v))
        .collect::<Result<_, _>>()?;
    input.adoption_authority = opt_date("--adoption-authority", &args.adoption_authority)?;
    input.placed_for_adoption = opt_date("--placed-for-adoption", &args.placed_for_adoption)?;
    input.reviews_known_from = opt_date("--known-from", &args.known_from)?;
    Ok(input)
}

/// `FROM..TO`, `FROM..` or `FROM`.
fn span(value: &str) -> anyhow::Result<(NaiveDate, Option<NaiveDate>)> {
    let (from, to) = value.split_once("..").unwrap_or((value, ""));
    let from = parse_date_arg("--unregistered", from)?;
    let to = match to {
        "" => None,
        to => Some(parse_date_arg("--unregistered", to)?),
    };
    if let Some(to) = to
        && to < from
    {
        return Err(anyhow!(
            "--unregistered: `{value}` ends before it starts (expected FROM..TO)"
        ));
    }
    Ok((from, to))
}

#[derive(Serialize)]
struct JsonOut {
    reviews: Vec<JsonReview>,
    next_due: Option<NaiveDate>,
    next_due_rule: Option<DueRule>,
    next_statutory_due: Option<NaiveDate>,
}

#[derive(Serialize)]
struct JsonReview {
    number: u32,
    date: NaiveDate,
    due: Option<NaiveDate>,
    in_time: Option<bool>,
    rule: DueRule,
    statutory_due: Option<NaiveDate>,
    in_time_local: Option<bool>,
}

impl From<&Schedule> for JsonOut {
    fn from(s: &Schedule) -> Self {
        Self {
            reviews: s
                .reviews
                .iter()
                .map(|r| JsonReview {
                    number: r.number,
                    date: r.date,
                    due: r.due,
                    in_time: r.in_time,
                    rule: r.rule,
                    statutory_due: r.statutory_due,
                    in_time_local: r.in_time_local,
                })
                .collect(),
            next_due: s.next_due.map(|d| d.date),
            next_due_rule: s.next_due.map(|d| d.rule),
            next_statutory_due: s.next_statutory_due.map(|d| d.date),
        }
    }
}

fn yes_no(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "yes",
        Some(false) => "no",
        None => "unknown",
    }
}

fn uk(d: Option<NaiveDate>) -> String {
    d.map_or_else(|| "unknown".to_owned(), format_uk)
}

/// A table a person can read, then the next due date and why.
fn table(input: &ScheduleInput, s: &Schedule) -> String {
    let local_differs = s.reviews.iter().any(|r| r.due != r.statutory_due);
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut header = vec!["Review", "Held", "Due", "In time"];
    if local_differs {
        header = vec![
            "Review",
            "Held",
            "Statutory due",
            "In time",
            "Local due",
            "In time (local)",
        ];
    }
    header.push("Rule");
    rows.push(header.into_iter().map(str::to_owned).collect());
    for r in &s.reviews {
        let mut row = vec![
            r.number.to_string(),
            format_uk(r.date),
            uk(r.statutory_due),
            yes_no(r.in_time).to_owned(),
        ];
        if local_differs {
            row.push(uk(r.due));
            row.push(yes_no(r.in_time_local).to_owned());
        }
        row.push(r.rule.to_string());
        rows.push(row);
    }

    let mut out = String::new();
    if s.reviews.is_empty() {
        out.push_str("No reviews held in this period.\n");
    } else {
        let columns = rows[0].len();
        let widths: Vec<usize> = (0..columns)
            .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
            .collect();
        for row in &rows {
            let mut line = String::new();
            for (c, cell) in row.iter().enumerate() {
                if c + 1 == columns {
                    line.push_str(cell);
                } else if c == 0 {
                    // Numbers right-aligned.
                    let _ = write!(line, "{cell:>w$}  ", w = widths[c]);
                } else {
                    let _ = write!(line, "{cell:<w$}  ", w = widths[c]);
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }

    match (input.period_end, s.next_due) {
        (Some(end), _) => {
            let _ = writeln!(
                out,
                "The period ended on {}: no further review is due.",
                format_uk(end)
            );
        }
        (None, Some(next)) => {
            let _ = writeln!(
                out,
                "Next review due by {}: {}",
                format_uk(next.date),
                next.rule
            );
            if let Some(stat) = s.next_statutory_due
                && stat != next
            {
                let _ = writeln!(
                    out,
                    "Statutory due date {}: {}",
                    format_uk(stat.date),
                    stat.rule
                );
            }
        }
        (None, None) => {
            out.push_str(
                "Next review: the due date cannot be known (the period began before the \
                 reviews in the data, and none is recorded).\n",
            );
        }
    }
    out
}
