//! `footprint generate`: the same command line gives the same 903 files,
//! byte for byte, on any day (the council's "today" is a fixed default, not
//! the clock); another seed gives another council.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

fn generate(out: &Path, seed: &str) {
    let o = Command::new(env!("CARGO_BIN_EXE_footprint"))
        .args([
            "generate",
            "--children-in-care",
            "120",
            "--years",
            "2",
            "--seed",
            seed,
        ])
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for year in std::fs::read_dir(dir).unwrap() {
        let year = year.unwrap().path();
        for f in std::fs::read_dir(&year).unwrap() {
            let f = f.unwrap().path();
            let key = format!(
                "{}/{}",
                year.file_name().unwrap().to_string_lossy(),
                f.file_name().unwrap().to_string_lossy()
            );
            out.insert(key, std::fs::read(&f).unwrap());
        }
    }
    out
}

#[test]
fn same_seed_same_files_other_seed_other_files() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("c"),
    );
    generate(&a, "7");
    generate(&b, "7");
    generate(&c, "8");
    let (fa, fb, fc) = (files(&a), files(&b), files(&c));
    // Two collection years ending with 2024-25 (the default "today" is 1 June 2025).
    assert!(fa.contains_key("2023-24/episodes.csv"), "{:?}", fa.keys());
    assert!(fa.contains_key("2024-25/reviews.csv"), "{:?}", fa.keys());
    assert_eq!(fa, fb, "same seed, same files");
    assert_ne!(fa, fc, "another seed, another council");
}

#[test]
fn deliberate_problems_reach_the_database_as_an_import_run() {
    let tmp = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", tmp.path().join("g.db").display());
    let o = Command::new(env!("CARGO_BIN_EXE_footprint"))
        .args([
            "generate",
            "--children-in-care",
            "120",
            "--years",
            "2",
            "--seed",
            "3",
        ])
        .args(["--with-data-problems", "--db", &db])
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "a duplicated episode must not make the write fail: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = footprint_store::Store::open(&db).await.unwrap();
        let runs = store.import_runs().await.unwrap();
        assert_eq!(runs.len(), 1, "{runs:?}");
        let problems = store.import_problems(runs[0].id).await.unwrap();
        let rules: Vec<&str> = problems.iter().filter_map(|p| p.rule.as_deref()).collect();
        // A review with no participation code, and PN0 for an older child.
        assert!(rules.contains(&"167"), "{rules:?}");
        assert!(rules.contains(&"440"), "{rules:?}");
        store.close().await;
    });
}
