//! The children list and a child's page: one timeline of everything held.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use footprint_domain::daily::{self, ByChild};
use footprint_domain::measures::MeasureSettings;
use footprint_domain::model::{ChallengeOutcome, ReviewKind, SocialWorkerReport, VisitKind};
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::{audit, child_id, child_records, council, policy, respond};
use crate::AppState;
use crate::access::CurrentUser;
use crate::view::{AppError, Page};

#[derive(Debug, Deserialize)]
pub struct ChildrenQuery {
    #[serde(default)]
    q: String,
    /// `looked_after` (today), `left` (not looked after today) or all.
    #[serde(default)]
    status: String,
    /// An IRO's id, or `none` for children with no IRO today; all when blank.
    #[serde(default)]
    iro: String,
    /// 1-based; anything unreadable is the first page.
    #[serde(default)]
    page: String,
}

#[derive(Debug, Serialize)]
struct ChildRow {
    id: String,
    age: u32,
    iro: String,
    looked_after: bool,
}

/// GET /children — every child, filtered by identifier or name.
pub async fn children(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Query(query): Query<ChildrenQuery>,
) -> Response {
    let result = async {
        let ds = council(&state).await?;
        let today = state.clock.today();
        let by = ByChild::new(&ds);
        let q = query.q.trim().to_lowercase();
        let current = daily::current_iros(&ds, today);
        let status = query.status.as_str();
        let iro = query.iro.trim();
        let matching: Vec<_> = ds
            .children
            .iter()
            .filter(|c| {
                q.is_empty()
                    || c.id.as_str().to_lowercase().contains(&q)
                    || c.name
                        .as_ref()
                        .is_some_and(|n| n.to_string().to_lowercase().contains(&q))
            })
            .filter(|c| {
                let looked_after = by.current_period(&c.id, today).is_some();
                match status {
                    "looked_after" => looked_after,
                    "left" => !looked_after,
                    _ => true,
                }
            })
            .filter(|c| match (iro, current.get(&c.id)) {
                ("", _) => true,
                ("none", allocated) => allocated.is_none(),
                (id, Some(i)) => i.0 == id,
                (_, None) => false,
            })
            .collect();
        let (shown, pager) = crate::paging::page(
            matching,
            &query.page,
            "/children",
            &[("q", query.q.as_str()), ("status", status), ("iro", iro)],
        );
        let rows: Vec<ChildRow> = shown
            .into_iter()
            .map(|c| ChildRow {
                id: c.id.to_string(),
                age: footprint_domain::dates::age_on(c.date_of_birth, today),
                iro: current
                    .get(&c.id)
                    .map(|i| daily::iro_name(&ds, i))
                    .unwrap_or_else(|| "Unallocated".to_owned()),
                looked_after: by.current_period(&c.id, today).is_some(),
            })
            .collect();
        let iros: Vec<_> = ds
            .iros
            .iter()
            .map(|i| context! { id => i.id.0.clone(), name => i.name.clone() })
            .collect();
        Ok(page
            .render(
                &state,
                "children.html",
                context! {
                    rows, pager, q => query.q, status, iro, iros,
                    names => crate::names::child_names(&ds),
                },
            )
            .await)
    }
    .await;
    respond(&state, Some(&user), result)
}

#[derive(Debug, Serialize)]
struct Event {
    date: String,
    kind: &'static str,
    title: String,
    detail: String,
}

#[derive(Debug, Serialize)]
struct ReviewRow {
    iso: String,
    date: String,
    number: Option<u32>,
    due: Option<String>,
    in_time: Option<bool>,
    participation: Option<String>,
    chair: Option<String>,
    kind: &'static str,
    decisions: Option<String>,
    record: Option<String>,
    quality: Option<&'static str>,
    /// Why it was held late (shown beside a late review).
    late_reason: Option<String>,
    /// Why it was graded inadequate.
    inadequate_reason: Option<String>,
    attendance: Vec<&'static str>,
    sw_report: String,
    from_footprint: bool,
}

#[derive(Debug, Serialize)]
struct RecommendationRow {
    review: String,
    index: usize,
    text: String,
    owner: String,
    due: String,
    completed: Option<String>,
    overdue: bool,
}

fn uk(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

/// GET /children/{child} — the child's record. Every view is audited.
pub async fn child_page(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(raw): Path<String>,
) -> Response {
    let result = async {
        let id = child_id(&raw)?;
        let ds = child_records(&state, &id).await?;
        let Some(child) = ds.children.iter().find(|c| c.id == id) else {
            return Err(AppError::NotFound("child"));
        };
        audit(&state, &user, "child.view", Some(&id), "").await?;
        let today = state.clock.today();
        let policy = policy(&state).await?;
        let cal = &state.calendar;
        let by = ByChild::new(&ds);
        let reviews: Vec<_> = ds.reviews.iter().filter(|r| r.child == id).cloned().collect();
        let periods = by.periods.get(&id).cloned().unwrap_or_default();
        let settings = super::settings(&state).await?;
        // The rule of the next due date; a date a request moved names its
        // reason as the council's list calls it now.
        let next = daily::next_review(&by, &id, today, &policy, cal).map(|(mut n, due)| {
            if let Some(d) = due {
                n.rule = d.rule.text(&settings.date_change_reasons);
            }
            n
        });
        let health_due = daily::health_education_due(&ds, today, &settings.health_education, cal)
            .remove(&id)
            .unwrap_or_default();
        let case_due = super::case_records::due_for(&state, &ds, &id).await?;

        // Reviews with their timeliness, period by period.
        let mut review_rows: Vec<ReviewRow> = Vec::new();
        let mut period_rows = Vec::new();
        for p in &periods {
            let sched = by.schedule(p, &policy, cal);
            let episodes: Vec<_> = p
                .episodes
                .iter()
                .map(|e| {
                    context! {
                        start => uk(e.start),
                        end => e.end.map(uk),
                        legal_status => format!("{} – {}", e.legal_status.code(), e.legal_status.label()),
                        placement => format!("{} – {}", e.placement.code(), e.placement.label()),
                        reason_new => e.reason_new.code(),
                        reason_ceased => e.reason_ceased.map(|r| format!("{} – {}", r.code(), r.label())),
                    }
                })
                .collect();
            period_rows.push(context! {
                start => uk(p.start()),
                end => p.end().map(uk),
                short_breaks => p.is_short_breaks(),
                moves => p.placement_moves().len(),
                episodes,
                schedule_error => sched.as_ref().err().map(ToString::to_string),
            });
            if let Ok(s) = &sched {
                for sr in &s.reviews {
                    if let Some(r) = reviews.iter().find(|r| r.date == sr.date) {
                        review_rows.push(review_row(&ds, &settings, r, Some(sr.number), sr.statutory_due, sr.in_time));
                    }
                }
            }
        }
        // Reviews outside any period (data problems) are still shown.
        for r in &reviews {
            if !review_rows.iter().any(|row| row.iso == r.date.to_string()) {
                review_rows.push(review_row(&ds, &settings, r, None, None, None));
            }
        }
        review_rows.sort_by(|a, b| b.iso.cmp(&a.iso));

        let mut recs = Vec::new();
        for r in &reviews {
            if let Some(d) = &r.details {
                for (index, rec) in d.recommendations.iter().enumerate() {
                    recs.push(RecommendationRow {
                        review: r.date.to_string(),
                        index,
                        text: rec.text.clone(),
                        owner: rec.owner.clone(),
                        due: uk(rec.due),
                        completed: rec.completed.map(uk),
                        overdue: rec.completed.is_none() && rec.due < today,
                    });
                }
            }
        }

        // One timeline, newest first.
        let mut events: Vec<(NaiveDate, Event)> = Vec::new();
        for p in &periods {
            for e in &p.episodes {
                events.push((e.start, Event {
                    date: uk(e.start),
                    kind: "episode",
                    title: format!("Episode began ({})", e.reason_new.label()),
                    detail: format!("{} – {}; placement {} – {}", e.legal_status.code(), e.legal_status.label(), e.placement.code(), e.placement.label()),
                }));
                if let (Some(end), Some(rec)) = (e.end, e.reason_ceased)
                    && rec.ends_period_of_care()
                {
                    events.push((end, Event {
                        date: uk(end),
                        kind: "left_care",
                        title: "Left care".to_owned(),
                        detail: format!("{} – {}", rec.code(), rec.label()),
                    }));
                }
            }
        }
        for r in &reviews {
            let p = r.participation.map(|p| format!("{} – {}", p.code(), p.label())).unwrap_or_else(|| "participation not recorded".to_owned());
            events.push((r.date, Event { date: uk(r.date), kind: "review", title: "Review".to_owned(), detail: p }));
        }
        for m in ds.midway_checks.iter().filter(|m| m.child == id) {
            events.push((m.date, Event { date: uk(m.date), kind: "midway", title: "Midway check".to_owned(), detail: m.iro.as_ref().map(|i| daily::iro_name(&ds, i)).unwrap_or_default() }));
        }
        let visits: Vec<_> = ds.visits.iter().filter(|v| v.child == id).collect();
        for v in &visits {
            events.push((v.date, Event { date: uk(v.date), kind: "visit", title: "IRO saw or spoke to the child".to_owned(), detail: v.kind.label().to_owned() }));
        }
        let challenges: Vec<_> = ds.challenges.iter().filter(|c| c.child == id).collect();
        let theme_list = super::challenges::themes(&state).await;
        for c in &challenges {
            events.push((c.raised, Event { date: uk(c.raised), kind: "challenge", title: "Challenge raised".to_owned(), detail: theme_list.describe(&c.themes, c.sub_theme.as_deref()) }));
            for s in c.stages.iter().skip(1) {
                events.push((s.started, Event { date: uk(s.started), kind: "challenge", title: format!("Challenge escalated to {}", s.stage), detail: String::new() }));
            }
            if let Some(d) = c.resolved {
                events.push((d, Event { date: uk(d), kind: "challenge", title: "Challenge closed".to_owned(), detail: c.outcome.map(outcome_label).unwrap_or("").to_owned() }));
            }
        }
        for a in ds.allocations.iter().filter(|a| a.child == id) {
            events.push((a.from, Event { date: uk(a.from), kind: "allocation", title: "Allocated to an IRO".to_owned(), detail: daily::iro_name(&ds, &a.iro) }));
            if let Some(to) = a.to {
                events.push((to, Event { date: uk(to), kind: "allocation", title: "Allocation ended".to_owned(), detail: daily::iro_name(&ds, &a.iro) }));
            }
        }
        events.sort_by_key(|e| std::cmp::Reverse(e.0));
        let timeline: Vec<Event> = events.into_iter().map(|(_, e)| e).collect();

        let challenge_rows: Vec<_> = challenges
            .iter()
            .map(|c| context! {
                id => c.id,
                raised => uk(c.raised),
                stage => c.stages.last().map(|s| s.stage.clone()),
                themes => theme_list.describe(&c.themes, c.sub_theme.as_deref()),
                open => c.is_open_on(today),
                overdue => c.is_overdue_on(today, cal),
            })
            .collect();
        // Each visit and midway check links to its own page (its versions,
        // its correction), by the id the store holds it under.
        let iro_of = |i: Option<&footprint_domain::model::IroId>| i.map(|i| daily::iro_name(&ds, i));
        let visit_rows: Vec<_> = state.store.visits_held(&id).await?.into_iter().rev().map(|h| context! {
            id => h.id, date => uk(h.record.date), kind => h.record.kind.label(), iro => iro_of(h.record.iro.as_ref()),
        }).collect();
        // Requests to hold a review on another date, newest first, each
        // reason as the council's list calls it now.
        let date_change_reasons = &settings.date_change_reasons;
        let date_changes: Vec<_> = by
            .date_changes(&id)
            .iter()
            .rev()
            .map(|c| context! {
                requested_on => uk(c.requested_on),
                proposed => uk(c.proposed),
                reason => c.reason.label_in(date_change_reasons),
                status => c.status.key(),
                requested_by => &c.requested_by,
                decided_by => &c.decided_by,
            })
            .collect();
        let allocation_rows: Vec<_> = state.store.allocations_held(&id).await?.into_iter().rev().map(|h| context! {
            id => h.id, iro => daily::iro_name(&ds, &h.record.iro), from => uk(h.record.from), to => h.record.to.map(uk),
        }).collect();
        let midway_rows: Vec<_> = state.store.midway_checks_held(&id).await?.into_iter().rev().map(|h| context! {
            id => h.id, date => uk(h.record.date), iro => iro_of(h.record.iro.as_ref()),
        }).collect();
        let participation_history: Vec<_> = reviews
            .iter()
            .rev()
            .map(|r| context! { date => uk(r.date), code => r.participation.map(|p| p.code()), label => r.participation.map(|p| p.label()) })
            .collect();
        // The names a correction replaced: the manager's, as for every record.
        let name_versions: Vec<_> = if user.role == crate::roles::Role::Manager {
            state
                .store
                .record_versions(&id, "name", id.as_str())
                .await?
                .into_iter()
                .rev()
                .map(|v| context! {
                    replaced_at => v.replaced_at.format("%-d %b %Y %H:%M").to_string(),
                    replaced_by => v.replaced_by,
                    reason => v.reason,
                    changed => v.changed.join(", "),
                    earlier => serde_json::from_value::<footprint_domain::model::ChildName>(v.earlier).ok().map(|n| n.to_string()),
                })
                .collect()
        } else {
            Vec::new()
        };
        let iro = daily::current_iro(&ds, &id, today).map(|i| daily::iro_name(&ds, i));
        let siblings: Vec<_> = ds
            .siblings_of(&id)
            .into_iter()
            .map(|s| context! {
                id => s.to_string(),
                iro => daily::current_iro(&ds, s, today).map(|i| daily::iro_name(&ds, i)),
                looked_after => by.current_period(s, today).is_some(),
            })
            .collect();
        let current = by.current_period(&id, today).and_then(|p| p.episode_on(today)).map(|e| context! {
            legal_status => format!("{} – {}", e.legal_status.code(), e.legal_status.label()),
            placement => format!("{} – {}", e.placement.code(), e.placement.label()),
        });
        Ok(page
            .render(
                &state,
                "child.html",
                context! {
                    child => context! {
                        id => id.to_string(),
                        name => child.name.as_ref().map(ToString::to_string),
                        given_name => child.name.as_ref().map(|n| n.given().to_owned()),
                        family_name => child.name.as_ref().map(|n| n.family().to_owned()),
                        age => footprint_domain::dates::age_on(child.date_of_birth, today),
                        sex => child.sex.label(),
                        uasc => child.is_uasc_on(today),
                    },
                    iro, current, next, siblings, name_versions,
                    can_see_versions => user.role == crate::roles::Role::Manager,
                    names => crate::names::names_of(&ds),
                    health => health_rows(&ds, &id),
                    health_due,
                    health_records => super::health::record_rows(&ds, &id),
                    health_kinds => super::health::kinds(),
                    can_record_health => user.may_use("POST", "/children/{child}/health"),
                    case_due,
                    case_records => super::case_records::record_rows(&ds, &id, &settings),
                    case_kinds => super::case_records::kinds(),
                    can_record_case => user.may_use("POST", "/children/{child}/case-records"),
                    private_fostering => super::case_records::privately_fostered(&ds, &id)
                        && user.may_use("GET", "/private-fostering/{child}"),
                    periods => period_rows,
                    reviews => review_rows,
                    recommendations => recs,
                    timeline,
                    challenges => challenge_rows,
                    visits => visit_rows,
                    midway_checks => midway_rows,
                    allocations => allocation_rows,
                    date_changes,
                    participation_history,
                    can_record => user.may_use("POST", "/children/{child}/reviews"),
                    can_record_siblings => user.may_use("POST", "/children/{child}/siblings"),
                    can_record_name => user.may_use("POST", "/children/{child}/name"),
                    can_request_date_change => user.may_use("POST", "/children/{child}/review-date-changes"),
                    date_change_reasons => super::date_change::reasons(date_change_reasons),
                    covering_needed => super::needs_cover(&ds, &id, &user, today),
                    visit_kinds => VisitKind::ALL.iter().map(|k| (k.key(), k.label())).collect::<Vec<_>>(),
                },
            )
            .await)
    }
    .await;
    respond(&state, Some(&user), result)
}

/// The child's OC2 health outcomes, newest year first, in words.
fn health_rows(
    ds: &footprint_domain::model::Dataset,
    id: &footprint_domain::model::ChildId,
) -> Vec<minijinja::Value> {
    let flag = |f: Option<bool>| match f {
        Some(true) => "Yes",
        Some(false) => "No",
        None => "Not recorded",
    };
    let mut rows: Vec<_> = ds
        .health_outcomes
        .iter()
        .filter(|h| &h.child == id)
        .collect();
    rows.sort_by_key(|h| std::cmp::Reverse(h.year));
    rows.into_iter()
        .map(|h| {
            let sdq = match (h.sdq_score, h.sdq_reason) {
                (Some(score), _) => format!("Score {score}"),
                (None, Some(reason)) => format!("None: {}", reason.label()),
                (None, None) => "Not recorded".to_owned(),
            };
            context! {
                year => h.year.to_string(),
                health_assessment => flag(h.health_assessment),
                immunisations => flag(h.immunisations),
                teeth_check => flag(h.teeth_check),
                health_check => flag(h.health_check),
                sdq,
            }
        })
        .collect()
}

fn review_row(
    ds: &footprint_domain::model::Dataset,
    settings: &MeasureSettings,
    r: &footprint_domain::model::Review,
    number: Option<u32>,
    due: Option<NaiveDate>,
    in_time: Option<bool>,
) -> ReviewRow {
    let d = r.details.as_ref();
    ReviewRow {
        iso: r.date.to_string(),
        date: uk(r.date),
        number,
        due: due.map(uk),
        in_time,
        participation: r.participation.map(|p| p.code().to_owned()),
        chair: d
            .and_then(|d| d.chair.as_ref())
            .map(|i| daily::iro_name(ds, i)),
        kind: match d.map(|d| d.kind) {
            Some(ReviewKind::Additional) => "Additional",
            _ => "Statutory",
        },
        decisions: d.and_then(|d| d.decisions_issued).map(uk),
        record: d.and_then(|d| d.record_circulated).map(uk),
        quality: d.and_then(|d| d.quality).map(|q| q.label()),
        late_reason: d
            .and_then(|d| d.late_reason.as_deref())
            .map(|k| settings.late_reasons.label(k).to_owned()),
        inadequate_reason: d
            .and_then(|d| d.inadequate_reason.as_deref())
            .map(|k| settings.inadequate_reasons.label(k).to_owned()),
        attendance: d
            .map(|d| d.attendance.iter().map(|a| a.label()).collect())
            .unwrap_or_default(),
        sw_report: match d.map(|d| d.social_worker_report) {
            Some(SocialWorkerReport::Received(date)) => format!("Received {}", uk(date)),
            Some(SocialWorkerReport::NotReceived) => "Not received".to_owned(),
            _ => "Not recorded".to_owned(),
        },
        from_footprint: d.is_some(),
    }
}

/// Everything recorded about a review, in words, for the review's own page
/// (and the versions corrections replaced).
pub(crate) fn review_details(
    ds: &footprint_domain::model::Dataset,
    settings: &MeasureSettings,
    r: &footprint_domain::model::Review,
) -> minijinja::Value {
    let row = review_row(ds, settings, r, None, None, None);
    let recommendations: Vec<_> = r
        .details
        .as_ref()
        .map(|d| {
            d.recommendations
                .iter()
                .map(|rec| {
                    context! {
                        text => rec.text.clone(),
                        owner => rec.owner.clone(),
                        due => uk(rec.due),
                        completed => rec.completed.map(uk),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let participation_label = r
        .participation
        .map(|p| format!("{} – {}", p.code(), p.label()));
    context! {
        iso => row.iso,
        date => row.date,
        participation => participation_label,
        chair => row.chair,
        kind => row.kind,
        decisions => row.decisions,
        record => row.record,
        quality => row.quality,
        late_reason => row.late_reason,
        inadequate_reason => row.inadequate_reason,
        attendance => row.attendance,
        sw_report => row.sw_report,
        from_footprint => row.from_footprint,
        recommendations,
    }
}

pub(crate) fn outcome_label(o: ChallengeOutcome) -> &'static str {
    match o {
        ChallengeOutcome::Resolved => "Resolved",
        ChallengeOutcome::Withdrawn => "Withdrawn",
        ChallengeOutcome::ReferredToCafcass => "Referred to Cafcass",
    }
}
