//! `footprint demo`: a synthetic council in a demo database, a user for each
//! role, the latest annual report written to a file, and the web application.
//!
//! The database is created on the first run and reused after that (delete
//! the file, or pass `--fresh`, to start again). No real child is in it.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, anyhow};
use chrono::NaiveDate;
use clap::Args;
use footprint_domain::dates::CollectionYear;
use footprint_domain::measures::MeasureSettings;
use footprint_domain::model::{Dataset, IroId};
use footprint_report::Format;
use footprint_store::{NewUser, Role, Store, redact_url};
use footprint_synth::{CouncilParams, generate_council};

use crate::common::finish;

/// The name the demo council goes by.
const DEMO_COUNCIL: &str = "Demo Borough Council (synthetic data)";

#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  footprint demo\n  footprint demo --db sqlite://demo.db --port 8080\n  footprint demo --no-serve"
)]
pub struct DemoArgs {
    /// The demo database (created if absent, reused if present).
    #[arg(long, value_name = "URL", default_value = "sqlite://demo.db")]
    db: String,
    /// The port to serve the web application on (127.0.0.1).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Stop after generating the council and writing the report.
    #[arg(long)]
    no_serve: bool,
    /// Replace whatever the demo database holds with a new council.
    #[arg(long)]
    fresh: bool,
    /// About how many children are looked after at any time.
    #[arg(long, default_value_t = 600, value_name = "N")]
    children_in_care: u32,
    /// The random seed of the council.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// "Today" for the council (yyyy-mm-dd); default: today's date.
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// Where to write the annual report.
    #[arg(long, value_name = "DIR", default_value = "demo-output")]
    out: PathBuf,
}

/// The demo sign-ins: user name, role, password.
const DEMO_USERS: [(&str, Role, &str); 5] = [
    ("iro", Role::Iro, "demo-iro-password"),
    ("manager", Role::Manager, "demo-manager-password"),
    ("support", Role::BusinessSupport, "demo-support-password"),
    ("analyst", Role::Analyst, "demo-analyst-password"),
    ("admin", Role::Admin, "demo-admin-password"),
];

pub fn run(args: DemoArgs) -> ExitCode {
    let result = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
        .and_then(|rt| rt.block_on(demo(args)));
    finish(result)
}

async fn demo(args: DemoArgs) -> anyhow::Result<()> {
    let as_of = match &args.as_of {
        Some(v) => crate::common::parse_date_arg("--as-of", v)?,
        None => chrono::Local::now().date_naive(),
    };
    let shown = redact_url(&args.db);
    let store = Store::open_and_migrate(&args.db)
        .await
        .with_context(|| format!("demo database {shown}"))?;

    let empty = store.list_children().await?.is_empty();
    if empty || args.fresh {
        println!(
            "Generating a synthetic council of about {} children in care (seed {}) into {shown}…",
            args.children_in_care, args.seed
        );
        let council = generate_council(&CouncilParams {
            children_in_care: args.children_in_care,
            years: 5,
            seed: args.seed,
            as_of,
            with_data_problems: false,
        })?;
        store.replace_dataset(&council.dataset).await?;
        store
            .set_setting(
                crate::report::COUNCIL_NAME,
                &serde_json::Value::String(DEMO_COUNCIL.to_owned()),
            )
            .await?;
        // England's rate is about 70 children in care per 10,000 aged 0-17:
        // a population to match, so the demo report shows the rate.
        let settings = MeasureSettings {
            population_0_17: Some(u64::from(args.children_in_care) * 10_000 / 70),
            // The synthetic council's area, for placements out of area.
            local_authority_code: Some(footprint_synth::postcodes::COUNCIL_LA_CODE.to_owned()),
            ..MeasureSettings::default()
        };
        store
            .set_setting(
                crate::report::REPORT_SETTINGS,
                &serde_json::to_value(&settings).context("demo settings")?,
            )
            .await?;
    } else {
        println!("Reusing the demo council in {shown} (--fresh to start again).");
    }

    let dataset = store.load_dataset().await?;
    ensure_users(&store, &dataset, as_of).await?;

    let year = latest_complete_year(as_of);
    let report_path = write_report(&store, year, as_of, &args.out).await?;

    println!();
    println!("Annual IRO report {year}: {}", report_path.display());
    if args.no_serve {
        store.close().await;
        return Ok(());
    }

    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| {
        format!("cannot listen on {addr} (is another demo running? use --port)")
    })?;
    println!("Footprint demo: http://{addr}/ (Ctrl-C to stop)");
    println!();
    println!("Sign in as (synthetic demo users):");
    println!("  {:<10} {:<20} password", "user", "role");
    for (name, role, password) in DEMO_USERS {
        println!("  {name:<10} {:<20} {password}", role_label(role));
    }
    crate::logging::start();
    let config = footprint_web::WebConfig {
        council_name: DEMO_COUNCIL.to_owned(),
        ..footprint_web::WebConfig::default()
    };
    // The demo's council is generated as of `as_of`: serve it as that day.
    let clock = std::sync::Arc::new(footprint_web::ShiftedClock::starting_on(as_of));
    let state = footprint_web::AppState::for_store_with_clock(store, config, clock).await?;
    footprint_web::serve_on(state, listener).await
}

fn role_label(role: Role) -> &'static str {
    match role {
        Role::Admin => "administrator",
        Role::Manager => "IRO service manager",
        Role::Iro => "IRO",
        Role::BusinessSupport => "business support",
        Role::Analyst => "performance analyst",
    }
}

/// The latest collection year that has ended on or before `as_of`.
fn latest_complete_year(as_of: NaiveDate) -> CollectionYear {
    let current = CollectionYear::of(as_of);
    if current.end() <= as_of {
        current
    } else {
        current.previous()
    }
}

/// A user for each role; the IRO user is the IRO with the largest caseload
/// today, so the caseload page has children on it.
async fn ensure_users(store: &Store, dataset: &Dataset, as_of: NaiveDate) -> anyhow::Result<()> {
    let busiest: Option<IroId> = {
        let mut counts: std::collections::BTreeMap<&IroId, usize> = Default::default();
        for a in dataset
            .allocations
            .iter()
            .filter(|a| a.is_current_on(as_of))
        {
            *counts.entry(&a.iro).or_default() += 1;
        }
        counts
            .into_iter()
            .max_by_key(|(id, n)| (*n, std::cmp::Reverse((*id).clone())))
            .map(|(id, _)| id.clone())
    };
    for (name, role, password) in DEMO_USERS {
        if store.user_by_name(name).await?.is_some() {
            continue;
        }
        let password_hash = footprint_web::auth::hash_password(password)?;
        store
            .add_user(&NewUser {
                name: name.to_owned(),
                role,
                password_hash,
                iro: if role == Role::Iro {
                    busiest.clone()
                } else {
                    None
                },
            })
            .await
            .map_err(|e| anyhow!("cannot add the demo user {name}: {e}"))?;
    }
    Ok(())
}

async fn write_report(
    store: &Store,
    year: CollectionYear,
    as_of: NaiveDate,
    dir: &PathBuf,
) -> anyhow::Result<PathBuf> {
    // The same read and the same report as `footprint report annual`
    // (`interchange::reports`): the trends, the three-year averages and the
    // manager's words included.
    let mut inputs = footprint_interchange::reports::load(store, "demo", Some(year))
        .await
        .context("the demo council's report")?;
    if inputs.council.is_none() {
        inputs.council = Some(DEMO_COUNCIL.to_owned());
    }
    let calendar = inputs
        .calendar
        .clone()
        .unwrap_or_else(footprint_domain::calendar::WorkingDayCalendar::england_and_wales);
    let html = footprint_interchange::reports::annual(
        &inputs,
        year,
        as_of,
        &calendar,
        false,
        Format::Html,
    )
    .map_err(|e| anyhow!("the {year} report failed its own checks: {e}"))?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join(format!("iro-annual-report-{year}.html"));
    std::fs::write(&path, html).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}
