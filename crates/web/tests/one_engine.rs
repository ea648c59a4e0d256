//! One engine for every figure: on a generated council, every figure the
//! dashboard shows is the same number as that measure over the same period
//! from the measures engine (`compute_as_of`), and every due date on every
//! screen (the IROs' caseloads, the child's page, the due list) is the one
//! the domain's schedule gives for that child under the council's policy.

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::http::StatusCode;
use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use common::{Client, PASSWORD};
use footprint_domain::calendar::WorkingDayCalendar;
use footprint_domain::codes::PlacementType;
use footprint_domain::measures::{Measure, Measures, compute_as_of};
use footprint_domain::model::Dataset;
use footprint_domain::periods::assemble_periods;
use footprint_domain::schedule::{PostMoveRule, SchedulePolicy, UnregisteredRule, Within};
use footprint_report::dashboard::{Dashboard, FIGURES};
use footprint_store::Store;
use footprint_web::{AppState, FixedClock, Role, WebConfig, auth, router};

/// Every `data-figure` on a page: (figure, key or "") → (count, of).
fn figures(body: &str) -> BTreeMap<(String, String), (u64, Option<u64>)> {
    let attr = |tag: &str, name: &str| -> Option<String> {
        let m = format!("{name}=\"");
        let s = tag.find(&m)? + m.len();
        let e = tag[s..].find('"')? + s;
        Some(tag[s..e].to_owned())
    };
    let mut out = BTreeMap::new();
    for (i, _) in body.match_indices("data-figure=\"") {
        let start = body[..i].rfind('<').unwrap_or(0);
        let end = body[i..].find('>').map_or(body.len(), |e| i + e);
        let tag = &body[start..end];
        let figure = attr(tag, "data-figure").unwrap();
        let key = attr(tag, "data-key").unwrap_or_default();
        let count = attr(tag, "data-count").unwrap().parse().unwrap();
        let of = attr(tag, "data-of").map(|v| v.parse().unwrap());
        out.insert((figure, key), (count, of));
    }
    out
}

/// The link to a list's next page, if there is one (a pager's link, not
/// the due list's "Next month", which is also `rel="next"`).
fn next_page(body: &str) -> Option<String> {
    let mut from = 0;
    while let Some(found) = body[from..].find("\" rel=\"next\"") {
        let end = from + found;
        from = end + 1;
        let Some(start) = body[..end].rfind("href=\"") else {
            continue;
        };
        let href = body[start + "href=\"".len()..end]
            .replace("&#x2f;", "/")
            .replace("&amp;", "&");
        if href.contains("page=") {
            return Some(href);
        }
    }
    None
}

/// Every review's `data-child` / `data-due` pair on a page (rows naming a
/// `data-kind` are other records' due dates).
fn due_dates(body: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, _) in body.match_indices("data-child=\"") {
        let tag_end = body[i..].find('>').map_or(body.len(), |e| i + e);
        let tag = &body[i..tag_end];
        let get = |name: &str| {
            let m = format!("{name}=\"");
            tag.find(&m).map(|s| {
                let s = s + m.len();
                tag[s..s + tag[s..].find('"').unwrap()].to_owned()
            })
        };
        // A review's row; not a health, education or other record's due
        // (those name their kind).
        if let (Some(c), Some(d), None) = (get("data-child"), get("data-due"), get("data-kind")) {
            out.push((c, d));
        }
    }
    out
}

/// The figure's value in the engine's measures, as the page shows it.
fn engine_value(m: &Measures, id: &str, key: &str) -> (u64, Option<u64>) {
    match m.get(id).unwrap_or_else(|| panic!("{id} is not a measure")) {
        Measure::Percent(p) => (p.numerator.value, Some(p.denominator.value)),
        Measure::Count(c) => (c.value, None),
        Measure::Breakdown(b) => (b.value(key), None),
        Measure::Caseload(v) => (
            v.iter()
                .find(|c| c.iro == key)
                .map_or(0, |c| c.children.value),
            None,
        ),
        Measure::PerFte(p) => (p.children.value, None),
        other => panic!("{id}: not a dashboard figure: {other:?}"),
    }
}

async fn council(as_of: NaiveDate, policy: &SchedulePolicy) -> (tempfile::TempDir, Store, Dataset) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("footprint.db").display());
    let store = Store::open_and_migrate(&url).await.unwrap();
    let data = footprint_synth::generate(&footprint_synth::CouncilParams::new(120, 3, 11, as_of))
        .expect("a council");
    store.replace_dataset(&data).await.unwrap();
    store
        .set_setting(
            footprint_store::council::SCHEDULE_POLICY,
            &serde_json::to_value(policy).unwrap(),
        )
        .await
        .unwrap();
    let data = store.load_dataset().await.unwrap();
    (dir, store, data)
}

fn serve(
    store: &Store,
    at: NaiveDate,
) -> impl std::future::Future<Output = (AppState, axum::Router)> {
    let store = store.clone();
    async move {
        let clock = Arc::new(FixedClock::new(
            Utc.from_utc_datetime(&at.and_hms_opt(10, 0, 0).unwrap()),
        ));
        let state = AppState::with_clock(store, WebConfig::default(), clock).unwrap();
        let app = router(state.clone()).await;
        (state, app)
    }
}

async fn sign_in<'a>(app: &'a axum::Router, name: &str) -> Client<'a> {
    let mut c = Client::new(app);
    c.get("/sign-in").await;
    let res = c
        .post("/sign-in", &[("username", name), ("password", PASSWORD)])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{name} signs in");
    c
}

/// A policy with every local rule on, so a due date worked out in a second
/// way would show.
fn local_policy() -> SchedulePolicy {
    SchedulePolicy {
        unregistered_monthly: Some(UnregisteredRule { interval_months: 1 }),
        unregistered_placements: vec![PlacementType::K2, PlacementType::H5],
        post_move_review: Some(PostMoveRule {
            within: Within::CalendarDays(28),
            restart: false,
        }),
        ..SchedulePolicy::statutory()
    }
}

#[tokio::test]
async fn every_dashboard_figure_is_the_engines_measure_over_the_same_period() {
    let as_of = NaiveDate::from_ymd_opt(2025, 11, 19).unwrap();
    let policy = local_policy();
    let (_dir, store, data) = council(as_of, &policy).await;
    auth::add_user(&store, "manager", Role::Manager, None, PASSWORD)
        .await
        .unwrap();
    let (_state, app) = serve(&store, as_of).await;
    let mut c = sign_in(&app, "manager").await;
    let page = c.get("/dashboard").await;
    assert_eq!(page.status, StatusCode::OK);
    let shown = figures(&page.body);

    let settings = store.measure_settings().await.unwrap();
    assert_eq!(settings.review_policy, policy, "one home for the policy");
    let calendar = WorkingDayCalendar::england_and_wales();
    let (month, year) = Dashboard::periods(as_of);
    let month = compute_as_of(&data, month, as_of, &settings, &calendar);
    let year = compute_as_of(&data, year, as_of, &settings, &calendar);
    assert_eq!(year.period.last, as_of, "the year is to date");
    assert!(year.to_date.is_some());

    let mut checked = 0;
    for (figure, measure, over_month) in FIGURES {
        let m = if over_month { &month } else { &year };
        let on_page: Vec<_> = shown.iter().filter(|((f, _), _)| f == figure).collect();
        assert!(
            !on_page.is_empty() || matches!(m.get(measure), Some(Measure::Breakdown(_))),
            "{figure} is not on the dashboard"
        );
        for ((_, key), value) in on_page {
            assert_eq!(
                *value,
                engine_value(m, measure, key),
                "{figure} {key}: the dashboard and {measure} over {:?} disagree",
                m.period
            );
            checked += 1;
        }
    }
    // A breakdown shows every non-zero entry: none is left out.
    for (figure, measure) in [
        ("participation", "participation.by_code"),
        ("challenges_by_stage", "challenges.open.by_stage"),
    ] {
        let total: u64 = shown
            .iter()
            .filter(|((f, _), _)| f == figure)
            .map(|(_, (v, _))| v)
            .sum();
        assert_eq!(total, year.breakdown(measure).unwrap().total(), "{figure}");
    }
    assert!(checked >= 15, "{checked} figures checked");
    // The generated council has reviews, midway points and caseloads: the
    // test is not comparing zeros.
    assert!(
        year.percent("reviews.in_time_pct")
            .unwrap()
            .denominator
            .value
            > 20
    );
    assert!(year.percent("midway.done_pct").unwrap().denominator.value > 5);
}

#[tokio::test]
async fn every_due_date_on_every_screen_is_the_domains_schedule_under_the_councils_policy() {
    let as_of = NaiveDate::from_ymd_opt(2025, 11, 19).unwrap();
    let policy = local_policy();
    let (_dir, store, data) = council(as_of, &policy).await;
    let calendar = WorkingDayCalendar::england_and_wales();

    // The domain's due date for every child looked after today.
    let mut expected: BTreeMap<String, String> = BTreeMap::new();
    let mut episodes: BTreeMap<_, Vec<_>> = BTreeMap::new();
    for e in &data.episodes {
        episodes.entry(e.child.clone()).or_default().push(e.clone());
    }
    let mut local_differs = 0;
    for (child, eps) in &episodes {
        let dates: Vec<NaiveDate> = data
            .reviews
            .iter()
            .filter(|r| &r.child == child)
            .map(|r| r.date)
            .collect();
        for p in assemble_periods(eps).periods {
            if !p.is_open_on(as_of) {
                continue;
            }
            let s = p
                .schedule(
                    &dates,
                    &data.review_date_changes,
                    data.reviews_known_from,
                    &policy,
                    &calendar,
                )
                .unwrap();
            if let Some(due) = s.next_due {
                expected.insert(child.to_string(), due.date.to_string());
                if s.next_statutory_due.is_some_and(|d| d.date != due.date) {
                    local_differs += 1;
                }
            }
        }
    }
    assert!(
        expected.len() > 50,
        "{} children with a due date",
        expected.len()
    );
    assert!(
        local_differs > 0,
        "the council's local rules move some due dates (else this test could not tell)"
    );

    // Users: one per IRO with a caseload, and business support.
    let iros: Vec<_> = data
        .iros
        .iter()
        .filter(|i| {
            data.allocations
                .iter()
                .any(|a| a.iro == i.id && a.is_current_on(as_of))
        })
        .collect();
    for (n, i) in iros.iter().enumerate() {
        auth::add_user(
            &store,
            &format!("iro{n}"),
            Role::Iro,
            Some(i.id.clone()),
            PASSWORD,
        )
        .await
        .unwrap();
    }
    auth::add_user(&store, "support", Role::BusinessSupport, None, PASSWORD)
        .await
        .unwrap();
    let (_state, app) = serve(&store, as_of).await;

    // Caseloads.
    let mut seen = 0;
    for n in 0..iros.len() {
        let mut c = sign_in(&app, &format!("iro{n}")).await;
        let mut next = Some("/caseload".to_owned());
        while let Some(path) = next.take() {
            let page = c.get(&path).await;
            assert_eq!(page.status, StatusCode::OK);
            for (child, due) in due_dates(&page.body) {
                if due.is_empty() {
                    assert!(
                        !expected.contains_key(&child),
                        "{child}: the caseload shows no due date"
                    );
                    continue;
                }
                assert_eq!(Some(&due), expected.get(&child), "caseload, child {child}");
                seen += 1;
            }
            next = next_page(&page.body);
        }
    }
    assert!(seen > 40, "{seen} caseload due dates checked");

    // The due list, month by month, covers every due date.
    let mut support = sign_in(&app, "support").await;
    let mut listed: BTreeMap<String, String> = BTreeMap::new();
    let months: std::collections::BTreeSet<String> =
        expected.values().map(|d| d[..7].to_owned()).collect();
    for month in &months {
        // Every page of the month's list.
        let mut next = Some(format!("/due?month={month}"));
        while let Some(path) = next.take() {
            let page = support.get(&path).await;
            assert_eq!(page.status, StatusCode::OK);
            for (child, due) in due_dates(&page.body) {
                listed.insert(child, due);
            }
            next = next_page(&page.body);
        }
    }
    assert_eq!(listed, expected, "the due list");

    // The child's page, for a sample of children.
    for (child, due) in expected.iter().step_by(7) {
        let page = support.get(&format!("/children/{child}")).await;
        assert_eq!(page.status, StatusCode::OK);
        let marker = "class=\"fp-next-due\" data-due=\"";
        let at = page.body.find(marker).expect("a next due date") + marker.len();
        let shown = &page.body[at..at + 10];
        assert_eq!(shown, due, "child page, child {child}");
    }
    let _ = as_of.month();
}
