//! In a real headless Chromium, with the real server: an analyst uploads
//! the returns of a synthetic council into an empty database and sees the
//! children and the data quality page fill; a malformed upload shows every
//! problem and changes nothing; a manager downloads the annual report in
//! Word, which LibreOffice opens; a count on the dashboard leads to exactly
//! the children the report's drill-down lists.
//!
//! Without Chromium and chromedriver the tests fail, saying what to
//! install, unless FOOTPRINT_SKIP_BROWSER=1 is set; without LibreOffice the
//! Word test fails unless FOOTPRINT_SKIP_OFFICE=1 is set.

mod browser_kit;
mod common;

use browser_kit::*;
use common::*;
use fantoccini::Locator;
use footprint_synth::{CouncilParams, generate_council};
use footprint_web::{Role, WebConfig};

/// Chooses `paths` in the file field `id` (chromedriver takes several
/// files as one string, a line each).
async fn choose_files(c: &fantoccini::Client, id: &str, paths: &[std::path::PathBuf]) {
    let list = paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join("\n");
    c.find(Locator::Id(id))
        .await
        .expect("file field")
        .send_keys(&list)
        .await
        .expect("files chosen");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_analyst_uploads_a_councils_returns_and_a_malformed_one_changes_nothing() {
    let t = app_holding(WebConfig::default(), None).await;
    let dir = tempfile::tempdir().expect("dir");
    let council = generate_council(&CouncilParams::new(60, 2, 7, today())).expect("council");
    let mut xml_files = Vec::new();
    for y in &council.collection_years {
        let path = dir.path().join(format!("ssda903-{y}.xml"));
        std::fs::write(&path, footprint_ssda903::render_xml(&council.dataset, *y)).expect("write");
        xml_files.push(path);
    }
    with_browser(&t, async |b| {
        let (c, base) = (&b.c, b.base.as_str());
        sign_in(c, base, Role::Analyst).await;
        c.goto(&format!("{base}/data-quality")).await.expect("dq");
        assert!(
            c.source()
                .await
                .expect("html")
                .contains("nothing imported yet")
        );

        // The returns, one XML file a year, uploaded together.
        c.goto(&format!("{base}/returns")).await.expect("returns");
        assert_accessible(c, "returns").await;
        choose_files(c, "files", &xml_files).await;
        click(c, "#upload").await;
        assert_eq!(wait_for_job(c).await, "done");
        assert_accessible(c, "upload done").await;
        screenshot(c, "upload-done.png").await;
        let summary = text_of(c, "#summary").await;
        for y in &council.collection_years {
            assert!(summary.contains(&format!("the {y} return")), "{summary}");
        }
        let held = t.store.load_dataset().await.expect("read");
        assert!(held.children.len() > 30, "{} children", held.children.len());
        assert!(summary.contains("children new"), "{summary}");

        // The data quality page fills.
        c.goto(&format!("{base}/data-quality")).await.expect("dq");
        let html = c.source().await.expect("html");
        assert!(!html.contains("nothing imported yet"));
        for y in &council.collection_years {
            assert!(html.contains(&format!("{y} from ssda903-{y}.xml")), "{y}");
        }
        assert_accessible(c, "data quality").await;

        // A malformed return: a DECOM that is not a date and a sex code
        // that is not one. Every problem shown; nothing written.
        let year = *council.collection_years.last().expect("a year");
        let csv = footprint_ssda903::render_csv(&held, year);
        let mut episodes: Vec<String> = csv.episodes.lines().map(str::to_owned).collect();
        episodes[1] = episodes[1].replacen('/', "x", 1);
        let header = csv.header.replacen(",1,", ",7,", 1);
        let files = [
            ("header.csv", header),
            ("episodes.csv", episodes.join("\n") + "\n"),
        ];
        let mut paths = Vec::new();
        let bad = dir.path().join("bad");
        std::fs::create_dir_all(&bad).expect("dir");
        for (name, text) in &files {
            let p = bad.join(name);
            std::fs::write(&p, text).expect("write");
            paths.push(p);
        }
        let inputs: Vec<footprint_ssda903::Input> = files
            .iter()
            .map(|(n, t)| footprint_ssda903::Input {
                name: (*n).to_owned(),
                format: footprint_ssda903::Format::Csv,
                bytes: t.clone().into_bytes(),
            })
            .collect();
        let expected = footprint_ssda903::read_inputs(&inputs, None);
        assert!(expected.is_fatal());
        let runs_before = t.store.import_runs().await.expect("runs").len();
        c.goto(&format!("{base}/returns")).await.expect("returns");
        choose_files(c, "files", &paths).await;
        click(c, "#upload").await;
        assert_eq!(wait_for_job(c).await, "refused");
        assert_accessible(c, "upload refused").await;
        screenshot(c, "upload-refused.png").await;
        let places: Vec<String> = {
            let mut v = Vec::new();
            for e in c
                .find_all(Locator::Css("#refused-problems .fp-problem-place"))
                .await
                .expect("places")
            {
                v.push(e.text().await.expect("text"));
            }
            v
        };
        assert_eq!(places.len(), expected.problems.len(), "{places:?}");
        for p in &expected.problems {
            let place = footprint_interchange::returns::place(
                &footprint_interchange::returns::to_import_problem(p),
            );
            assert!(places.contains(&place), "{place} not among {places:?}");
        }
        assert_eq!(t.store.load_dataset().await.expect("read"), held);
        assert_eq!(
            t.store.import_runs().await.expect("runs").len(),
            runs_before
        );
        // And on the data quality page.
        c.goto(&format!("{base}/data-quality")).await.expect("dq");
        let n = c
            .find_all(Locator::Css("#refused-problems .fp-problem-place"))
            .await
            .expect("places")
            .len();
        assert_eq!(n, expected.problems.len());
        sign_out(c).await;

        // The children are there for the manager.
        sign_in(c, base, Role::Manager).await;
        c.goto(&format!("{base}/children")).await.expect("children");
        let rows = c
            .find_all(Locator::Css("main table tbody tr"))
            .await
            .expect("rows");
        assert!(!rows.is_empty(), "the children list is empty");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_follows_a_dashboard_count_and_downloads_the_word_report_for_libreoffice() {
    let t = app().await;
    with_browser(&t, async |b| {
        let (c, base) = (&b.c, b.base.as_str());
        sign_in(c, base, Role::Manager).await;
        // A count on the dashboard leads to exactly the children the
        // report's drill-down lists.
        let expected = report_drilldown(&t, "reviews.overdue.end", "").await;
        assert!(!expected.is_empty(), "a review is overdue in the test council");
        click(c, "a[data-behind='overdue_now/']").await;
        wait_for_path(c, "/dashboard/figures/overdue_now").await;
        let mut listed = Vec::new();
        for e in c
            .find_all(Locator::Css("#figure-children li"))
            .await
            .expect("children")
        {
            listed.push(e.attr("data-child").await.expect("attr").expect("a child"));
        }
        assert_eq!(listed, expected);
        assert_eq!(text_of(c, "#figure-children-count").await, expected.len().to_string());
        assert_accessible(c, "the children behind a figure").await;

        c.goto(&format!("{base}/reports?year=2023-24")).await.expect("reports");
        assert_accessible(c, "reports").await;
        let html = c.source().await.expect("html");
        assert!(!html.contains("footprint report annual"), "no command line");
        // Word is the first format offered.
        click(c, "#build-annual").await;
        assert_eq!(wait_for_job(c).await, "done");
        assert_accessible(c, "report ready").await;
        click(c, "#download").await;
        let docx = wait_for_download(&downloads_dir(&b._profile), ".docx").await;
        assert!(docx.file_name().expect("name").to_string_lossy().contains("2023-24"));
        // Opened by LibreOffice: converted to text, it reads as the report.
        if std::env::var("FOOTPRINT_SKIP_OFFICE").as_deref() == Ok("1") {
            eprintln!("SKIPPED (FOOTPRINT_SKIP_OFFICE=1): opening the Word report in LibreOffice");
            return;
        }
        let out = tempfile::tempdir().expect("dir");
        let o = std::process::Command::new("soffice")
            .arg(format!("-env:UserInstallation=file://{}", out.path().join("profile").display()))
            .args(["--headless", "--norestore", "--convert-to", "txt:Text", "--outdir"])
            .arg(out.path())
            .arg(&docx)
            .env("HOME", out.path())
            .output()
            .expect("LibreOffice (soffice) runs: apt-get install libreoffice-writer-nogui, or set FOOTPRINT_SKIP_OFFICE=1");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let txt = out
            .path()
            .join(docx.with_extension("txt").file_name().expect("name"));
        let text = std::fs::read_to_string(&txt).expect("LibreOffice wrote the text");
        assert!(text.contains("2023-24"), "{}", &text[..text.len().min(500)]);
        assert!(text.len() > 1000, "{} characters", text.len());
    })
    .await;
}
