//! Test helper for the kill test (`tests/store/crash.rs`), not a tool:
//!
//!     footprint-store-crash-helper DATABASE_URL CHILDREN
//!
//! imports a made-up 903 return of CHILDREN children (three episodes and two
//! reviews each) and prints `IN_TRANSACTION` as soon as the import's
//! transaction has written its first thousand records, then `COMMITTED` when
//! it is done. The test kills it with SIGKILL in between.

use std::io::Write as _;
use std::process::ExitCode;

use chrono::{Days, NaiveDate};
use footprint_domain::dates::CollectionYear;
use footprint_domain::model::{Child, ChildId, Episode, Review};
use footprint_store::{ImportBatch, Store};

fn batch(n: usize) -> Result<ImportBatch, String> {
    let code_err = |e: footprint_domain::codes::CodeError| e.to_string();
    let base = NaiveDate::from_ymd_opt(2022, 4, 1).ok_or("bad base date")?;
    let mut b = ImportBatch {
        year: CollectionYear::new(2022),
        source: "crash-helper".to_owned(),
        children: Vec::with_capacity(n),
        episodes: Vec::with_capacity(3 * n),
        reviews: Vec::with_capacity(2 * n),
        missing: Vec::new(),
        health_outcomes: Vec::new(),
        tables: Default::default(),
        problems: Vec::new(),
    };
    for i in 0..n {
        let id: ChildId = format!("K{i:07}").parse().map_err(|e| format!("{e}"))?;
        b.children.push(Child {
            id: id.clone(),
            sex: "1".parse().map_err(code_err)?,
            date_of_birth: NaiveDate::from_ymd_opt(2010, 1, 1).ok_or("bad dob")?,
            ethnicity: "WBRI".parse().map_err(code_err)?,
            upn: None,
            mother: None,
            mothers_child_dob: None,
            uasc: None,
            name: None,
        });
        for k in 0..3u64 {
            let start = base + Days::new(k * 60);
            b.episodes.push(Episode {
                child: id.clone(),
                start,
                end: (k < 2).then(|| start + Days::new(60)),
                reason_new: (if k == 0 { "S" } else { "P" }).parse().map_err(code_err)?,
                legal_status: "C2".parse().map_err(code_err)?,
                category_of_need: None,
                placement: "U4".parse().map_err(code_err)?,
                provider: None,
                reason_ceased: if k < 2 {
                    Some("X1".parse().map_err(code_err)?)
                } else {
                    None
                },
                reason_place_change: None,
                home_postcode: None,
                placement_postcode: None,
                urn: None,
            });
        }
        for k in 0..2u64 {
            b.reviews.push(Review {
                child: id.clone(),
                date: base + Days::new(15 + k * 90),
                participation: Some("PN1".parse().map_err(code_err)?),
                details: None,
            });
        }
    }
    Ok(b)
}

async fn run(url: &str, n: usize) -> Result<(), String> {
    let batch = batch(n)?;
    let store = Store::open(url).await.map_err(|e| e.to_string())?;
    let mut signalled = false;
    store
        .import_return_with_progress(&batch, &mut |p| {
            if !signalled && p.done > 0 {
                signalled = true;
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "IN_TRANSACTION");
                let _ = out.flush();
            }
        })
        .await
        .map_err(|e| e.to_string())?;
    println!("COMMITTED");
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(url), Some(n)) = (args.get(1), args.get(2).and_then(|n| n.parse().ok())) else {
        eprintln!("usage: footprint-store-crash-helper DATABASE_URL CHILDREN");
        return ExitCode::from(2);
    };
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(url, n)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("crash helper: {e}");
            ExitCode::FAILURE
        }
    }
}
