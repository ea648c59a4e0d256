//! Challenges: the IRO's dispute resolution process.
//!
//! Stages and themes are settings (`challenge_stages`: a list of
//! `{"name": "stage 1", "working_days": 5}`; `challenge_themes`: a list of
//! strings). By default: informal, stage 1, stage 2, stage 3, each with a
//! response due within 5 working days. A challenge may be referred to Cafcass
//! at any point.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use footprint_domain::lists::{ThemeList, ThemeRefusal};
use footprint_domain::model::{Challenge, ChallengeOutcome, ChallengeStage};
use footprint_store::NewChallenge;
use minijinja::{Value, context};

use super::Fields;
use super::child::outcome_label;
use super::{audit, child_id, child_records, council, ensure_child, field, fields, form_date};
use crate::AppState;
use crate::access::CurrentUser;
use crate::view::{AppError, FormErrors, Page};

/// A configured stage of the process (the store's one definition).
pub use footprint_store::council::ChallengeStageSetting as StageSetting;

/// The council's challenge stages (`Store::challenge_stages`: the same list
/// the measures use). A setting that does not parse is an error page.
pub async fn stages(state: &AppState) -> Result<Vec<StageSetting>, AppError> {
    Ok(state.store.challenge_stages().await?)
}

/// The council's challenge themes, two levels (`Store::challenge_themes`);
/// the default list when the setting held cannot be read (the settings
/// screen says so and saving it replaces it).
pub async fn themes(state: &AppState) -> ThemeList {
    state
        .store
        .challenge_themes()
        .await
        .unwrap_or_else(|_| footprint_store::council::default_challenge_themes())
}

/// The themes a form offers, each with its sub-themes (an option's value
/// is `theme.sub-theme`, so the choice says which theme it is under): those
/// on offer, and the ones `held` holds though since retired.
pub fn theme_choices(list: &ThemeList, held: Option<(&[String], Option<&str>)>) -> Vec<Value> {
    let (held_themes, held_sub) = held.unwrap_or((&[], None));
    let held_keys: Vec<String> = held_themes.iter().map(|t| list.key_of(t)).collect();
    let mut out: Vec<Value> = list
        .0
        .iter()
        .filter(|t| !t.retired || held_keys.contains(&t.key))
        .map(|t| {
            let first = held_keys.first() == Some(&t.key);
            let subs: Vec<Value> = t
                .sub_themes
                .0
                .iter()
                .filter(|e| {
                    !e.retired
                        || (first && held_sub.is_some_and(|h| list.sub_key_of(&t.key, h) == e.key))
                })
                .map(|e| context! { value => format!("{}.{}", t.key, e.key), label => &e.label })
                .collect();
            context! { key => &t.key, label => &t.label, subs }
        })
        .collect();
    // A theme held that the list has no entry for is shown as held.
    for (t, key) in held_themes.iter().zip(&held_keys) {
        if list.find(t).is_none() {
            out.push(context! { key, label => t, subs => Vec::<Value>::new() });
        }
    }
    out
}

/// The theme, sub-theme and any further themes a challenge form gives,
/// through the list's one rule ([`ThemeList::choose`]) and stored as the
/// list's keys: the theme (`theme`; a form that sends only `themes` gives
/// its first), a sub-theme under it (`sub_theme`, `theme.sub-theme`) and
/// further themes (`themes`). Refusals are on their fields; `held` is the
/// challenge a correction starts from, whose retired values may stay.
fn read_themes(
    pairs: &[(String, String)],
    list: &ThemeList,
    held: Option<&Challenge>,
    errors: &mut FormErrors,
) -> (Vec<String>, Option<String>) {
    let others: Vec<&str> = fields(pairs, "themes")
        .into_iter()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect();
    let theme = field(pairs, "theme")
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .or_else(|| others.first().copied());
    let Some(theme) = theme else {
        errors.add("theme", "Select a theme");
        return (Vec::new(), None);
    };
    let held_first = held.and_then(|c| {
        c.themes
            .first()
            .map(|t| (t.as_str(), c.sub_theme.as_deref()))
    });
    let raw_sub = field(pairs, "sub_theme").unwrap_or("").trim();
    let sub = match raw_sub.split_once('.') {
        Some((under, sub)) => {
            if list.key_of(under) != list.key_of(theme) {
                errors.add(
                    "sub_theme",
                    format!(
                        "Select a sub-theme under {}, the theme chosen",
                        list.label(theme)
                    ),
                );
                return (Vec::new(), None);
            }
            sub
        }
        None => raw_sub,
    };
    let (key, sub_theme) = match list.choose(theme, sub, held_first) {
        Ok(chosen) => chosen,
        Err(ThemeRefusal::Theme(_)) => {
            errors.add("theme", "Select a theme from the list");
            return (Vec::new(), None);
        }
        Err(refusal @ ThemeRefusal::SubTheme { .. }) => {
            errors.add(
                "sub_theme",
                format!("Select a sub-theme under the theme chosen: {refusal}"),
            );
            return (Vec::new(), None);
        }
    };
    let mut themes = vec![key];
    for t in others {
        let kept = held.and_then(|c| c.themes.iter().find(|h| h.as_str() == t));
        match list.choose(t, "", kept.map(|h| (h.as_str(), None))) {
            Ok((k, _)) if !themes.contains(&k) => themes.push(k),
            Ok(_) => {}
            Err(_) => errors.add("themes", "Select themes from the list"),
        }
    }
    (themes, sub_theme)
}

fn uk(d: chrono::NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

fn summary(
    c: &Challenge,
    list: &ThemeList,
    today: chrono::NaiveDate,
    cal: &footprint_domain::calendar::WorkingDayCalendar,
) -> Value {
    let stage = c.stages.last();
    context! {
        id => c.id,
        child => c.child.to_string(),
        raised => uk(c.raised),
        stage => stage.map(|s| s.stage.clone()),
        response_due => c.response_due_on(today, cal).map(uk),
        responded => stage.and_then(|s| s.responded).map(uk),
        themes => list.describe(&c.themes, c.sub_theme.as_deref()),
        open => c.is_open_on(today),
        overdue => c.is_overdue_on(today, cal),
        cafcass => c.referred_to_cafcass.map(uk),
        outcome => c.outcome.map(outcome_label),
        resolved => c.resolved.map(uk),
        age_days => (today - c.raised).num_days(),
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct ChallengesQuery {
    /// `open` (the default), `overdue`, `closed` or `all`.
    #[serde(default)]
    show: String,
    /// An IRO's id: only the challenges they raised.
    #[serde(default)]
    iro: String,
    #[serde(default)]
    page: String,
}

/// GET /challenges — the council's challenges, filtered (open, awaiting a
/// response past their timescale, closed, all; by IRO) and paged: open
/// ones overdue first then by the date a response is due, closed ones
/// newest first.
pub async fn list(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    axum::extract::Query(query): axum::extract::Query<ChallengesQuery>,
) -> Response {
    let result = async {
        let ds = council(&state).await?;
        let today = state.clock.today();
        let cal = &state.calendar;
        let show = match query.show.as_str() {
            "overdue" | "closed" | "all" => query.show.as_str(),
            _ => "open",
        };
        let iro = query.iro.trim();
        let open_count = ds.challenges.iter().filter(|c| c.is_open_on(today)).count();
        let overdue = ds
            .challenges
            .iter()
            .filter(|c| c.is_overdue_on(today, cal))
            .count();
        let mut rows: Vec<&Challenge> = ds
            .challenges
            .iter()
            .filter(|c| match show {
                "overdue" => c.is_overdue_on(today, cal),
                "closed" => !c.is_open_on(today),
                "all" => true,
                _ => c.is_open_on(today),
            })
            .filter(|c| iro.is_empty() || c.iro.as_ref().is_some_and(|i| i.0 == iro))
            .collect();
        rows.sort_by_key(|c| {
            (
                !c.is_open_on(today),
                !c.is_overdue_on(today, cal),
                c.response_due_on(today, cal),
                std::cmp::Reverse(c.resolved),
            )
        });
        let (shown, pager) = crate::paging::page(
            rows,
            &query.page,
            "/challenges",
            &[("show", show), ("iro", iro)],
        );
        let list = themes(&state).await;
        let rows: Vec<Value> = shown
            .into_iter()
            .map(|c| summary(c, &list, today, cal))
            .collect();
        let iros: Vec<Value> = ds
            .iros
            .iter()
            .map(|i| context! { id => i.id.0.clone(), name => i.name.clone() })
            .collect();
        Ok(page
            .render(
                &state,
                "challenges.html",
                context! {
                    rows, pager, show, iro, iros, open_count, overdue,
                    names => crate::names::child_names(&ds),
                },
            )
            .await)
    }
    .await;
    super::respond(&state, Some(&user), result)
}

#[allow(clippy::too_many_arguments)] // the form's parts, each shown again on an error
async fn new_form_page(
    state: &AppState,
    page: &Page,
    child: &str,
    status: StatusCode,
    errors: FormErrors,
    chosen: ChosenThemes,
    concern: &str,
    covering_needed: bool,
) -> Response {
    let stages = match stages(state).await {
        Ok(s) => s,
        Err(e) => return e.into_page(state, None),
    };
    let themes = theme_choices(&themes(state).await, None);
    page.render_status(
        state,
        status,
        "challenge_form.html",
        context! {
            child, stages, themes, concern, covering_needed, errors => errors.0,
            chosen_theme => chosen.theme, chosen_sub => chosen.sub_theme,
        },
    )
    .await
}

/// What the raise form showed chosen, to show again when it is refused.
#[derive(Debug, Default)]
pub struct ChosenThemes {
    theme: String,
    sub_theme: String,
}

impl ChosenThemes {
    fn of(pairs: &[(String, String)]) -> Self {
        ChosenThemes {
            theme: field(pairs, "theme").unwrap_or("").to_owned(),
            sub_theme: field(pairs, "sub_theme").unwrap_or("").to_owned(),
        }
    }
}

/// GET /children/{child}/challenges/new
pub async fn new_form(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(raw): Path<String>,
) -> Response {
    let result = async {
        let id = child_id(&raw)?;
        let ds = child_records(&state, &id).await?;
        ensure_child(&ds, &id)?;
        Ok(new_form_page(
            &state,
            &page,
            id.as_str(),
            StatusCode::OK,
            FormErrors::default(),
            ChosenThemes::default(),
            "",
            super::needs_cover(&ds, &id, &user, state.clock.today()),
        )
        .await)
    }
    .await;
    super::respond(&state, Some(&user), result)
}

/// POST /children/{child}/challenges — raise a challenge at a stage.
pub async fn raise(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(raw): Path<String>,
    Fields(pairs): Fields,
) -> Response {
    let result = async {
        let id = child_id(&raw)?;
        let ds = child_records(&state, &id).await?;
        ensure_child(&ds, &id)?;
        let today = state.clock.today();
        let cover = super::caseload_scope(&state, &ds, &id, &user, today, &pairs).await?;
        let configured_stages = stages(&state).await?;
        let configured_themes = themes(&state).await;
        let mut errors = FormErrors::default();
        let raised = match form_date(field(&pairs, "raised")) {
            Ok(Some(d)) if d <= today => Some(d),
            Ok(Some(_)) => {
                errors.add("raised", "The date raised must be today or in the past");
                None
            }
            Ok(None) => Some(today),
            Err(m) => {
                errors.add("raised", format!("Date raised: {m}"));
                None
            }
        };
        let stage = match configured_stages
            .iter()
            .find(|s| Some(s.name.as_str()) == field(&pairs, "stage"))
        {
            Some(s) => Some(s.clone()),
            None => {
                errors.add("stage", "Select the stage the challenge starts at");
                None
            }
        };
        let (chosen, sub_theme) = read_themes(&pairs, &configured_themes, None, &mut errors);
        let concern = field(&pairs, "concern").unwrap_or("").trim().to_owned();
        if concern.is_empty() {
            errors.add("concern", "Describe the concern");
        } else if concern.chars().count() > NOTE_MAX {
            errors.add("concern", "The concern must be 4,000 characters or fewer");
        }
        let (Some(raised), Some(stage), true) = (raised, stage, errors.is_empty()) else {
            return Ok(new_form_page(
                &state,
                &page,
                id.as_str(),
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                ChosenThemes::of(&pairs),
                &concern,
                super::needs_cover(&ds, &id, &user, today),
            )
            .await);
        };
        let c = state
            .store
            .raise_challenge(&NewChallenge {
                child: id.clone(),
                iro: user.iro.clone(),
                raised,
                themes: chosen,
                sub_theme,
                first_stage: ChallengeStage {
                    stage: stage.name.clone(),
                    started: raised,
                    timescale_working_days: stage.working_days,
                    responded: None,
                },
            })
            .await?;
        state
            .store
            .add_challenge_note(c.id, "concern", None, &concern, &user.name)
            .await?;
        audit(
            &state,
            &user,
            "challenge.raise",
            Some(&id),
            &format!("challenge={};stage={}{cover}", c.id, stage.name),
        )
        .await?;
        page.flash("Challenge raised").await;
        Ok(Redirect::to(&format!("/challenges/{}", c.id)).into_response())
    }
    .await;
    super::respond(&state, Some(&user), result)
}

async fn load(state: &AppState, id: i64) -> Result<Challenge, AppError> {
    state
        .store
        .challenge(id)
        .await?
        .ok_or(AppError::NotFound("challenge"))
}

/// GET /challenges/{challenge}
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Response {
    let result = async {
        let c = load(&state, id).await?;
        audit(&state, &user, "challenge.view", Some(&c.child), &format!("challenge={id}")).await?;
        let today = state.clock.today();
        let cal = &state.calendar;
        let list = themes(&state).await;
        let configured = stages(&state).await?;
        let current = c.stages.last().map(|s| s.stage.clone()).unwrap_or_default();
        let pos = configured.iter().position(|s| s.name == current);
        let next_stage = match pos {
            Some(i) => configured.get(i + 1).cloned(),
            None => configured.first().cloned(),
        };
        let stage_rows: Vec<_> = c
            .stages
            .iter()
            .map(|s| context! {
                stage => &s.stage,
                started => uk(s.started),
                due => cal.add_working_days(s.started, s.timescale_working_days).ok().map(uk),
                timescale => s.timescale_working_days,
                responded => s.responded.map(uk),
                in_time => s.responded.and_then(|r| cal.add_working_days(s.started, s.timescale_working_days).ok().map(|d| r <= d)),
            })
            .collect();
        let awaiting = c.stages.iter().any(|s| s.responded.is_none());
        let notes: Vec<_> = state
            .store
            .challenge_notes(id)
            .await?
            .into_iter()
            .map(|n| context! {
                kind => match n.kind.as_str() {
                    "concern" => "The concern",
                    "response" => "Response",
                    _ => "Outcome",
                },
                stage => n.stage,
                body => n.body,
                written => n.written_at.format("%-d %b %Y").to_string(),
                by => n.written_by,
            })
            .collect();
        // The versions corrections replaced: the manager's.
        let managers = user.role == crate::roles::Role::Manager;
        let versions: Vec<Value> = if managers {
            state
                .store
                .record_versions(&c.child, "challenge", &id.to_string())
                .await?
                .into_iter()
                .rev()
                .map(|v| {
                    let earlier = serde_json::from_value::<Challenge>(v.earlier)
                        .ok()
                        .map(|e| summary(&e, &list, today, cal));
                    context! {
                        replaced_at => v.replaced_at.format("%-d %b %Y %H:%M").to_string(),
                        replaced_by => v.replaced_by,
                        reason => v.reason,
                        changed => v.changed.join(", "),
                        earlier,
                    }
                })
                .collect()
        } else {
            Vec::new()
        };
        Ok(page
            .render(
                &state,
                "challenge.html",
                context! {
                    c => summary(&c, &list, today, cal),
                    stages => stage_rows,
                    versions, can_see_versions => managers,
                    can_correct => user.may_use("POST", "/challenges/{challenge}/correct"),
                    next_stage, awaiting, notes,
                    outcomes => [("resolved", "Resolved"), ("withdrawn", "Withdrawn"), ("referred_to_cafcass", "Referred to Cafcass")],
                },
            )
            .await)
    }
    .await;
    super::respond(&state, Some(&user), result)
}

/// The outcomes a challenge closes with: (key, label).
const OUTCOMES: [(&str, &str); 3] = [
    ("resolved", "Resolved"),
    ("withdrawn", "Withdrawn"),
    ("referred_to_cafcass", "Referred to Cafcass"),
];

fn outcome_of(key: &str) -> Option<ChallengeOutcome> {
    match key {
        "resolved" => Some(ChallengeOutcome::Resolved),
        "withdrawn" => Some(ChallengeOutcome::Withdrawn),
        "referred_to_cafcass" => Some(ChallengeOutcome::ReferredToCafcass),
        _ => None,
    }
}

fn outcome_key(o: ChallengeOutcome) -> &'static str {
    match o {
        ChallengeOutcome::Resolved => "resolved",
        ChallengeOutcome::Withdrawn => "withdrawn",
        ChallengeOutcome::ReferredToCafcass => "referred_to_cafcass",
    }
}

/// The correction form's fields filled with what a challenge holds.
fn correction_fields(c: &Challenge) -> std::collections::BTreeMap<String, String> {
    let mut form = std::collections::BTreeMap::new();
    form.insert("raised".to_owned(), c.raised.to_string());
    for (i, s) in c.stages.iter().enumerate() {
        form.insert(format!("stage_{i}_started"), s.started.to_string());
        if let Some(r) = s.responded {
            form.insert(format!("stage_{i}_responded"), r.to_string());
        }
    }
    if let Some(d) = c.referred_to_cafcass {
        form.insert("cafcass".to_owned(), d.to_string());
    }
    if let Some(d) = c.resolved {
        form.insert("resolved".to_owned(), d.to_string());
    }
    if let Some(o) = c.outcome {
        form.insert("outcome".to_owned(), outcome_key(o).to_owned());
    }
    form
}

/// Renders the correction form.
#[allow(clippy::too_many_arguments)]
async fn correction_page(
    state: &AppState,
    page: &Page,
    user: &CurrentUser,
    c: &Challenge,
    ds: &footprint_domain::model::Dataset,
    form: Value,
    chosen: (ChosenThemes, Vec<String>),
    errors: FormErrors,
) -> Response {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let list = themes(state).await;
    let themes = theme_choices(&list, Some((&c.themes, c.sub_theme.as_deref())));
    let (
        ChosenThemes {
            theme: chosen_theme,
            sub_theme: chosen_sub,
        },
        chosen,
    ) = chosen;
    let stages: Vec<Value> = c
        .stages
        .iter()
        .enumerate()
        .map(|(i, s)| context! { index => i, stage => &s.stage })
        .collect();
    page.render_status(
        state,
        status,
        "challenge_correct.html",
        context! {
            c => summary(c, &list, state.clock.today(), &state.calendar),
            names => crate::names::names_of(ds),
            form, chosen, chosen_theme, chosen_sub, themes, stages, errors => errors.0,
            outcomes => OUTCOMES.iter().map(|(value, text)| context! { value, text }).collect::<Vec<_>>(),
            covering_needed => super::needs_cover(ds, &c.child, user, state.clock.today()),
        },
    )
    .await
}

/// GET /challenges/{challenge}/edit — the correction form, showing what is
/// held.
pub async fn correction_form(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Response {
    let result = async {
        let c = load(&state, id).await?;
        let ds = child_records(&state, &c.child).await?;
        audit(
            &state,
            &user,
            "challenge.view",
            Some(&c.child),
            &format!("challenge={id};correction form"),
        )
        .await?;
        let form = Value::from_serialize(correction_fields(&c));
        let list = themes(&state).await;
        let theme = c.themes.first().map(|t| list.key_of(t)).unwrap_or_default();
        let chosen = (
            ChosenThemes {
                sub_theme: c
                    .sub_theme
                    .as_deref()
                    .map(|s| format!("{theme}.{}", list.sub_key_of(&theme, s)))
                    .unwrap_or_default(),
                theme,
            },
            c.themes.iter().skip(1).map(|t| list.key_of(t)).collect(),
        );
        Ok(correction_page(
            &state,
            &page,
            &user,
            &c,
            &ds,
            form,
            chosen,
            FormErrors::default(),
        )
        .await)
    }
    .await;
    super::respond(&state, Some(&user), result)
}

/// POST /challenges/{challenge}/correct — corrects a challenge's dates,
/// themes and outcome: the version held is kept with who, when and why;
/// the audit names the fields changed. Checked by
/// `footprint_domain::entries::challenge_problems`.
pub async fn correct(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(id): Path<i64>,
    Fields(pairs): Fields,
) -> Response {
    let result = async {
        let held = load(&state, id).await?;
        let ds = child_records(&state, &held.child).await?;
        let today = state.clock.today();
        let cover = super::caseload_scope(&state, &ds, &held.child, &user, today, &pairs).await?;
        let mut errors = FormErrors::default();
        let mut date_of = |name: &str, required: bool| match form_date(field(&pairs, name)) {
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                if required {
                    errors.add(name, "Enter the date");
                }
                None
            }
            Err(m) => {
                errors.add(name, m);
                None
            }
        };
        let raised = date_of("raised", true);
        let mut stages = held.stages.clone();
        for (i, s) in stages.iter_mut().enumerate() {
            if i > 0
                && let Some(d) = date_of(&format!("stage_{i}_started"), true)
            {
                s.started = d;
            }
            s.responded = date_of(&format!("stage_{i}_responded"), false);
        }
        let cafcass = date_of("cafcass", false);
        let resolved = date_of("resolved", false);
        let list = themes(&state).await;
        let (chosen, sub_theme) = read_themes(&pairs, &list, Some(&held), &mut errors);
        let outcome = match field(&pairs, "outcome").unwrap_or("") {
            "" => None,
            key => match outcome_of(key) {
                Some(o) => Some(o),
                None => {
                    errors.add("outcome", "Select an outcome from the list");
                    None
                }
            },
        };
        if let Some(p) = footprint_domain::entries::correction_reason_problem(
            field(&pairs, "correction_reason"),
            "challenge",
        ) {
            errors.add(&p.field, p.message);
        }
        let corrected = raised.map(|raised| {
            if let Some(first) = stages.first_mut() {
                first.started = raised;
            }
            Challenge {
                raised,
                themes: chosen.clone(),
                sub_theme: sub_theme.clone(),
                stages,
                referred_to_cafcass: cafcass,
                resolved,
                outcome,
                ..held.clone()
            }
        });
        if let Some(c) = &corrected {
            for p in footprint_domain::entries::challenge_problems(c, today) {
                errors.add(&p.field, p.message);
            }
        }
        let (Some(corrected), true) = (corrected, errors.is_empty()) else {
            let form: std::collections::BTreeMap<&str, &str> = pairs
                .iter()
                .filter(|(k, _)| k != "themes")
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            return Ok(correction_page(
                &state,
                &page,
                &user,
                &held,
                &ds,
                Value::from_serialize(form),
                (
                    ChosenThemes::of(&pairs),
                    fields(&pairs, "themes")
                        .into_iter()
                        .map(str::to_owned)
                        .collect(),
                ),
                errors,
            )
            .await);
        };
        let changed = state
            .store
            .correct_challenge(
                id,
                &corrected,
                &footprint_store::Correction {
                    by: user.name.clone(),
                    reason: field(&pairs, "correction_reason")
                        .unwrap_or("")
                        .trim()
                        .to_owned(),
                },
            )
            .await?;
        if changed.is_empty() {
            page.flash("Nothing was changed: the challenge already held these details")
                .await;
        } else {
            audit(
                &state,
                &user,
                "challenge.correct",
                Some(&held.child),
                &format!("challenge={id};changed={}{cover}", changed.join(",")),
            )
            .await?;
            page.flash("Challenge corrected").await;
        }
        Ok(Redirect::to(&format!("/challenges/{id}")).into_response())
    }
    .await;
    super::respond(&state, Some(&user), result)
}

/// The date an action on a challenge happened: required (an empty form
/// does nothing), today or earlier, and not before the challenge's current
/// stage began. A closed challenge takes no more actions.
fn action_date(
    pairs: &[(String, String)],
    today: chrono::NaiveDate,
    c: &Challenge,
) -> Result<chrono::NaiveDate, AppError> {
    if c.resolved.is_some() {
        return Err(AppError::BadRequest("This challenge is closed.".to_owned()));
    }
    let since = c.stages.last().map(|s| s.started).unwrap_or(c.raised);
    match form_date(field(pairs, "date")) {
        Ok(Some(d)) if d > today => Err(AppError::BadRequest(
            "The date must be today or in the past. Go back and correct it.".to_owned(),
        )),
        Ok(Some(d)) if d < since => Err(AppError::BadRequest(format!(
            "The date cannot be before the current stage began on {}. Go back and correct it.",
            uk(since)
        ))),
        Ok(Some(d)) => Ok(d),
        Ok(None) => Err(AppError::BadRequest(
            "Enter the date. Go back and try again.".to_owned(),
        )),
        Err(m) => Err(AppError::BadRequest(format!("{m}. Go back and try again."))),
    }
}

/// The longest concern, response or outcome text.
const NOTE_MAX: usize = 4000;

/// A required text of a challenge form (`missing` says what to enter).
fn note(pairs: &[(String, String)], name: &str, missing: &str) -> Result<String, AppError> {
    let text = field(pairs, name).unwrap_or("").trim();
    if text.is_empty() {
        return Err(AppError::BadRequest(format!(
            "{missing}. Go back and try again."
        )));
    }
    if text.chars().count() > NOTE_MAX {
        return Err(AppError::BadRequest(
            "The text must be 4,000 characters or fewer. Go back and shorten it.".to_owned(),
        ));
    }
    Ok(text.to_owned())
}

/// POST /challenges/{challenge}/respond — the response at the current stage.
pub async fn respond_(
    state: &AppState,
    page: &Page,
    user: &CurrentUser,
    id: i64,
    pairs: &[(String, String)],
) -> Result<Response, AppError> {
    let c = load(state, id).await?;
    let date = action_date(pairs, state.clock.today(), &c)?;
    if c.stages.iter().all(|s| s.responded.is_some()) {
        return Err(AppError::BadRequest(
            "No response is awaited at this stage.".to_owned(),
        ));
    }
    let response = note(pairs, "response", "Enter the response")?;
    let stage = c
        .stages
        .iter()
        .find(|s| s.responded.is_none())
        .map(|s| s.stage.clone());
    state.store.respond_to_challenge(id, date).await?;
    state
        .store
        .add_challenge_note(id, "response", stage.as_deref(), &response, &user.name)
        .await?;
    audit(
        state,
        user,
        "challenge.respond",
        Some(&c.child),
        &format!("challenge={id}"),
    )
    .await?;
    page.flash("Response recorded").await;
    Ok(Redirect::to(&format!("/challenges/{id}")).into_response())
}

pub async fn respond(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(id): Path<i64>,
    Fields(pairs): Fields,
) -> Response {
    let r = respond_(&state, &page, &user, id, &pairs).await;
    super::respond(&state, Some(&user), r)
}

/// POST /challenges/{challenge}/escalate — to the next configured stage.
pub async fn escalate(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(id): Path<i64>,
    Fields(pairs): Fields,
) -> Response {
    let result = async {
        let c = load(&state, id).await?;
        if !c.is_open_on(state.clock.today()) {
            return Err(AppError::BadRequest("This challenge is closed.".to_owned()));
        }
        let date = action_date(&pairs, state.clock.today(), &c)?;
        let configured = stages(&state).await?;
        let current = c.stages.last().map(|s| s.stage.as_str()).unwrap_or("");
        let next = match configured.iter().position(|s| s.name == current) {
            Some(i) => configured.get(i + 1),
            None => configured.first(),
        };
        let Some(next) = next else {
            return Err(AppError::BadRequest(
                "This challenge is at the last stage: refer it to Cafcass or close it.".to_owned(),
            ));
        };
        // The form names the stage it escalates to: a form sent without it
        // (or from a page showing another stage) changes nothing.
        if field(&pairs, "to") != Some(next.name.as_str()) {
            return Err(AppError::BadRequest(format!(
                "Say which stage the challenge goes to: the next stage is {}. Go back and try again.",
                next.name
            )));
        }
        state
            .store
            .add_challenge_stage(
                id,
                &ChallengeStage {
                    stage: next.name.clone(),
                    started: date,
                    timescale_working_days: next.working_days,
                    responded: None,
                },
            )
            .await?;
        audit(
            &state,
            &user,
            "challenge.escalate",
            Some(&c.child),
            &format!("challenge={id};stage={}", next.name),
        )
        .await?;
        page.flash(&format!("Challenge escalated to {}", next.name))
            .await;
        Ok(Redirect::to(&format!("/challenges/{id}")).into_response())
    }
    .await;
    super::respond(&state, Some(&user), result)
}

/// POST /challenges/{challenge}/cafcass — referral to Cafcass (any stage).
pub async fn cafcass(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(id): Path<i64>,
    Fields(pairs): Fields,
) -> Response {
    let result = async {
        let c = load(&state, id).await?;
        let date = action_date(&pairs, state.clock.today(), &c)?;
        if c.referred_to_cafcass.is_some() {
            return Err(AppError::BadRequest(
                "This challenge has already been referred to Cafcass.".to_owned(),
            ));
        }
        state.store.refer_challenge_to_cafcass(id, date).await?;
        audit(
            &state,
            &user,
            "challenge.cafcass",
            Some(&c.child),
            &format!("challenge={id}"),
        )
        .await?;
        page.flash("Referral to Cafcass recorded").await;
        Ok(Redirect::to(&format!("/challenges/{id}")).into_response())
    }
    .await;
    super::respond(&state, Some(&user), result)
}

/// POST /challenges/{challenge}/close — the outcome.
pub async fn close(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(id): Path<i64>,
    Fields(pairs): Fields,
) -> Response {
    let result = async {
        let c = load(&state, id).await?;
        let date = action_date(&pairs, state.clock.today(), &c)?;
        let outcome = match field(&pairs, "outcome") {
            Some("resolved") => ChallengeOutcome::Resolved,
            Some("withdrawn") => ChallengeOutcome::Withdrawn,
            Some("referred_to_cafcass") => ChallengeOutcome::ReferredToCafcass,
            _ => {
                return Err(AppError::BadRequest(
                    "Select the outcome. Go back and try again.".to_owned(),
                ));
            }
        };
        let words = note(&pairs, "outcome_text", "Describe the outcome")?;
        state.store.resolve_challenge(id, date, outcome).await?;
        state
            .store
            .add_challenge_note(id, "outcome", None, &words, &user.name)
            .await?;
        audit(
            &state,
            &user,
            "challenge.close",
            Some(&c.child),
            &format!("challenge={id};outcome={}", outcome_label(outcome)),
        )
        .await?;
        page.flash("Challenge closed").await;
        Ok(Redirect::to(&format!("/challenges/{id}")).into_response())
    }
    .await;
    super::respond(&state, Some(&user), result)
}
