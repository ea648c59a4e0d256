//! The kill test: an import killed part-way leaves the database as it was
//! and intact.

use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};

use footprint_store::Store;

use crate::both;
use crate::common::Env;
use crate::fixtures::{batch, child, episode, json, review};

const HELPER: &str = env!("CARGO_BIN_EXE_footprint-store-crash-helper");

async fn a_killed_import_leaves_the_database_unchanged(env: Env) {
    let mut first = batch("2021-22");
    first.children.push(child("K0000001", "2011-01-01"));
    first.episodes.push(episode("K0000001", "2021-05-01", None));
    first.reviews.push(review("K0000001", "2021-05-20", "PN1"));
    env.store.import_return(&first).await.unwrap();
    let before = json(&env.store.load_dataset().await.unwrap());
    let runs_before = env.store.import_runs().await.unwrap();

    let url = env.url.clone();
    let (status, stderr) = tokio::task::spawn_blocking(move || {
        let mut child = Command::new(HELPER)
            .arg(&url)
            .arg("20000")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the crash helper");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the helper");
        let in_tx = line.trim() == "IN_TRANSACTION";
        if in_tx {
            child.kill().expect("SIGKILL the helper");
        }
        let status = child.wait().expect("wait for the helper");
        let mut stderr = String::new();
        if let Some(mut e) = child.stderr.take() {
            let _ = e.read_to_string(&mut stderr);
        }
        assert!(
            in_tx,
            "the helper said {line:?}, not IN_TRANSACTION; stderr: {stderr}"
        );
        (status, stderr)
    })
    .await
    .unwrap();
    assert_eq!(
        status.signal(),
        Some(9),
        "the helper was not killed part-way (status {status:?}; stderr: {stderr})"
    );

    let store = Store::open(&env.url).await.expect("reopen after the kill");
    assert_eq!(store.integrity_check().await.unwrap(), Vec::<String>::new());
    assert_eq!(
        json(&store.load_dataset().await.unwrap()),
        before,
        "the killed import left records"
    );
    assert_eq!(store.import_runs().await.unwrap(), runs_before);
    // Not left locked: the next import goes through.
    let mut next = batch("2022-23");
    next.children.push(child("K0000001", "2011-01-01"));
    let s = store.import_return(&next).await.unwrap();
    assert_eq!(s.children.replaced, 1);
}
both!(a_killed_import_leaves_the_database_unchanged);
