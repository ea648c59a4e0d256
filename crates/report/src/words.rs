//! The manager's words for a year's report (issue 16, item 3): an
//! introduction to any section, last year's action plan with each action's
//! progress, this year's action plan (the priorities for next year), "you
//! said, we did", feedback and quotes, the service's posts and FTE, the
//! committee's cover page and the report's governance and sign-off.
//!
//! Kept per year: entered in the web application (`/reports`) or read from a
//! file (`footprint report annual --words FILE.json`). The file is this
//! struct as JSON; anything it does not know is an error naming it, and so is
//! a section the report does not have ([`Words::validate`]). Every part is
//! carried into every format of the report (`model.rs` puts it in the
//! model every renderer draws; `report.json` holds it as `words`).
//!
//! Last year's action plan is carried forward: a year whose progress list is
//! empty starts from the previous year's plan ([`Words::carry_forward`]),
//! each action "not yet reported".
//!
//! The text is free text the manager writes: it is never logged.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The longest text of one field, in characters (as the web form allows).
pub const MAX_TEXT: usize = 20_000;

/// The manager's words for one year's report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Words {
    /// Text by slot: one of the summary's boxes ([`crate::NARRATIVE_SLOTS`])
    /// or a section's id (an introduction to that section,
    /// [`crate::SECTION_IDS`]).
    pub sections: BTreeMap<String, String>,
    /// Last year's action plan, each action with its progress this year.
    pub last_year_actions: Vec<ActionProgress>,
    /// This year's action plan: the priorities for next year (carried into
    /// next year's report as its "last year's action plan").
    pub next_year_actions: Vec<PlannedAction>,
    /// "You said, we did".
    pub you_said_we_did: Vec<YouSaidWeDid>,
    /// Feedback and quotes from children, families and partners.
    pub feedback: Vec<Feedback>,
    /// The service's posts and their full-time equivalents.
    pub staffing: Vec<Post>,
    /// The committee's cover page: the meeting the report goes to, its
    /// author, purpose and recommendations.
    pub cover: Cover,
    /// Governance and sign-off: each meeting the report goes through, its
    /// date and outcome, in order.
    pub governance: Vec<SignOff>,
}

/// The cover page a council's committee template asks for (R20-T0).
/// Every field may be left empty; the page is left out when all are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Cover {
    /// The committee or panel ("Corporate Parenting Panel").
    pub committee: String,
    #[serde(deserialize_with = "date")]
    pub meeting_date: Option<NaiveDate>,
    /// Who wrote the report (a post, or a name and post).
    pub author: String,
    pub purpose: String,
    pub recommendations: String,
    /// Whether the report is a key decision (`None`: not said).
    pub key_decision: Option<bool>,
    /// The wards affected ("All wards").
    pub wards: String,
    /// The appendices, one a line.
    pub appendices: String,
}

impl Cover {
    /// Whether nothing is written.
    pub fn is_empty(&self) -> bool {
        self.meeting_date.is_none()
            && self.key_decision.is_none()
            && self.texts().iter().all(|(_, t)| t.trim().is_empty())
    }

    /// The cover's texts with their names in the file, in order.
    pub fn texts(&self) -> [(&'static str, &str); 6] {
        [
            ("committee", &self.committee),
            ("author", &self.author),
            ("purpose", &self.purpose),
            ("recommendations", &self.recommendations),
            ("wards", &self.wards),
            ("appendices", &self.appendices),
        ]
    }
}

/// A date of the words, `yyyy-mm-dd` (or `null`); anything else is an
/// error naming it.
fn date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    let text: Option<String> = Option::deserialize(d)?;
    text.map(|t| {
        NaiveDate::parse_from_str(&t, "%Y-%m-%d").map_err(|_| {
            serde::de::Error::custom(format!(
                "`{t}` is not a date (yyyy-mm-dd, for example 2025-05-13)"
            ))
        })
    })
    .transpose()
}

/// One meeting of the report's governance and sign-off (Wok-T0).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SignOff {
    /// The meeting ("Children's Services Leadership Team").
    pub meeting: String,
    #[serde(deserialize_with = "date")]
    pub date: Option<NaiveDate>,
    /// What it decided ("Approved", "Noted with comments"); empty while
    /// the meeting is to come.
    pub outcome: String,
}

/// An action of the plan for the year ahead.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PlannedAction {
    pub action: String,
    /// What will show it is done, or by when ("by 31 March 2026").
    pub target: String,
    /// Who leads it (a post, not a child).
    pub owner: String,
}

/// One action of last year's plan, with its progress.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ActionProgress {
    pub action: String,
    pub target: String,
    pub owner: String,
    /// `None`: not yet reported.
    pub status: Option<ActionStatus>,
    pub progress: String,
}

/// Where an action of last year's plan stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    NotStarted,
    InProgress,
    Completed,
    /// Not finished, carried into this year's plan.
    CarriedForward,
}

impl ActionStatus {
    pub const ALL: [ActionStatus; 4] = [
        ActionStatus::NotStarted,
        ActionStatus::InProgress,
        ActionStatus::Completed,
        ActionStatus::CarriedForward,
    ];

    pub fn key(self) -> &'static str {
        match self {
            ActionStatus::NotStarted => "not_started",
            ActionStatus::InProgress => "in_progress",
            ActionStatus::Completed => "completed",
            ActionStatus::CarriedForward => "carried_forward",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ActionStatus::NotStarted => "Not started",
            ActionStatus::InProgress => "In progress",
            ActionStatus::Completed => "Completed",
            ActionStatus::CarriedForward => "Carried forward",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.key() == key)
    }
}

/// One line of "you said, we did".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct YouSaidWeDid {
    pub you_said: String,
    pub we_did: String,
}

/// A piece of feedback or a quote, and who gave it ("a young person aged
/// 15", "a foster carer"; never a name).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Feedback {
    pub from: String,
    pub text: String,
}

/// A post in the service and its full-time equivalent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Post {
    pub post: String,
    pub fte: f64,
}

impl Words {
    /// Reads the words from JSON (a `--words` file, or the store), naming
    /// anything unknown; then [`Words::validate`].
    pub fn from_json(text: &str) -> Result<Self, String> {
        let w: Words = serde_json::from_str(text).map_err(|e| e.to_string())?;
        w.validate()?;
        Ok(w)
    }

    /// Nothing is left empty, nothing unknown: every section is a summary
    /// box or a section of the report, every action names what it is, every
    /// FTE is a number from 0 to 100, and no text is longer than
    /// [`MAX_TEXT`]. The first problem is the error, naming where it is.
    pub fn validate(&self) -> Result<(), String> {
        for (slot, text) in &self.sections {
            check_slot(slot)?;
            check_len(&format!("sections.{slot}"), text)?;
        }
        for (i, a) in self.last_year_actions.iter().enumerate() {
            let at = format!("last_year_actions[{}]", i + 1);
            required(&at, "action", &a.action)?;
            for (f, t) in [
                ("target", &a.target),
                ("owner", &a.owner),
                ("progress", &a.progress),
            ] {
                check_len(&format!("{at}.{f}"), t)?;
            }
        }
        for (i, a) in self.next_year_actions.iter().enumerate() {
            let at = format!("next_year_actions[{}]", i + 1);
            required(&at, "action", &a.action)?;
            check_len(&format!("{at}.target"), &a.target)?;
            check_len(&format!("{at}.owner"), &a.owner)?;
        }
        for (i, y) in self.you_said_we_did.iter().enumerate() {
            let at = format!("you_said_we_did[{}]", i + 1);
            required(&at, "you_said", &y.you_said)?;
            required(&at, "we_did", &y.we_did)?;
        }
        for (i, f) in self.feedback.iter().enumerate() {
            let at = format!("feedback[{}]", i + 1);
            required(&at, "text", &f.text)?;
            check_len(&format!("{at}.from"), &f.from)?;
        }
        for (field, text) in self.cover.texts() {
            check_len(&format!("cover.{field}"), text)?;
        }
        for (i, g) in self.governance.iter().enumerate() {
            let at = format!("governance[{}]", i + 1);
            required(&at, "meeting", &g.meeting)?;
            if g.date.is_none() {
                return Err(format!("{at}.date is empty"));
            }
            check_len(&format!("{at}.outcome"), &g.outcome)?;
        }
        for (i, p) in self.staffing.iter().enumerate() {
            let at = format!("staffing[{}]", i + 1);
            required(&at, "post", &p.post)?;
            if !p.fte.is_finite() || !(0.0..=100.0).contains(&p.fte) {
                return Err(format!(
                    "{at}.fte: {} is not a full-time equivalent (a number from 0 to 100)",
                    p.fte
                ));
            }
        }
        Ok(())
    }

    /// Last year's plan carried forward: when this year's progress list is
    /// empty, each action of `last`'s plan for the year ahead, not yet
    /// reported.
    pub fn carry_forward(&mut self, last: &Words) {
        if self.last_year_actions.is_empty() {
            self.last_year_actions = last
                .next_year_actions
                .iter()
                .map(|a| ActionProgress {
                    action: a.action.clone(),
                    target: a.target.clone(),
                    owner: a.owner.clone(),
                    status: None,
                    progress: String::new(),
                })
                .collect();
        }
    }

    /// Whether there is nothing but section texts.
    pub fn lists_are_empty(&self) -> bool {
        self.last_year_actions.is_empty()
            && self.next_year_actions.is_empty()
            && self.you_said_we_did.is_empty()
            && self.feedback.is_empty()
            && self.staffing.is_empty()
            && self.cover.is_empty()
            && self.governance.is_empty()
    }

    /// The total FTE of the posts.
    pub fn total_fte(&self) -> f64 {
        self.staffing.iter().map(|p| p.fte).sum()
    }
}

/// A slot the report has: a summary box or a section's id; else an error
/// naming it and what there is.
pub fn check_slot(slot: &str) -> Result<(), String> {
    let known = crate::NARRATIVE_SLOTS.iter().map(|(k, _)| *k);
    let sections = crate::SECTION_IDS.iter().map(|(k, _)| *k);
    if known.clone().chain(sections.clone()).any(|k| k == slot) {
        Ok(())
    } else {
        Err(format!(
            "`{slot}` is not a part of the report; the manager's words can introduce a section ({}) or fill a summary box ({})",
            sections.collect::<Vec<_>>().join(", "),
            known.collect::<Vec<_>>().join(", ")
        ))
    }
}

fn required(at: &str, field: &str, text: &str) -> Result<(), String> {
    if text.trim().is_empty() {
        return Err(format!("{at}.{field} is empty"));
    }
    check_len(&format!("{at}.{field}"), text)
}

fn check_len(at: &str, text: &str) -> Result<(), String> {
    let n = text.chars().count();
    if n > MAX_TEXT {
        return Err(format!("{at} is {n} characters; the most is {MAX_TEXT}"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_with_an_unknown_field_or_section_is_refused_naming_it() {
        let e = Words::from_json(r#"{"sections": {}, "actions_plan": []}"#).unwrap_err();
        assert!(e.contains("actions_plan"), "{e}");
        let e = Words::from_json(r#"{"sections": {"summry": "Hello"}}"#).unwrap_err();
        assert!(e.contains("`summry`") && e.contains("reviews"), "{e}");
        let e = Words::from_json(r#"{"staffing": [{"post": "IRO", "fte": 1.0, "grade": "M1"}]}"#)
            .unwrap_err();
        assert!(e.contains("grade"), "{e}");
        let e = Words::from_json(r#"{"last_year_actions": [{"action": "x", "status": "done"}]}"#)
            .unwrap_err();
        assert!(e.contains("done"), "{e}");
        let e = Words::from_json(r#"{"next_year_actions": [{"action": " ", "owner": "Head"}]}"#)
            .unwrap_err();
        assert_eq!(e, "next_year_actions[1].action is empty");
        let e = Words::from_json(r#"{"staffing": [{"post": "IRO", "fte": -1}]}"#).unwrap_err();
        assert!(e.starts_with("staffing[1].fte"), "{e}");
        let ok = Words::from_json(
            r#"{"sections": {"reviews": "Intro", "working_well": "Much"},
                "last_year_actions": [{"action": "A", "status": "in_progress", "progress": "Half"}],
                "staffing": [{"post": "IRO", "fte": 7.5}, {"post": "Manager", "fte": 1}]}"#,
        )
        .unwrap();
        assert_eq!(ok.total_fte(), 8.5);
        assert_eq!(
            ok.last_year_actions[0].status,
            Some(ActionStatus::InProgress)
        );
    }

    #[test]
    fn last_years_plan_is_carried_forward_only_into_an_empty_progress_list() {
        let last = Words {
            next_year_actions: vec![PlannedAction {
                action: "Midway checks for every child".into(),
                target: "90% by March".into(),
                owner: "Service manager".into(),
            }],
            ..Words::default()
        };
        let mut this = Words::default();
        this.carry_forward(&last);
        assert_eq!(this.last_year_actions.len(), 1);
        assert_eq!(this.last_year_actions[0].owner, "Service manager");
        assert_eq!(this.last_year_actions[0].status, None);
        this.last_year_actions[0].status = Some(ActionStatus::Completed);
        this.carry_forward(&last);
        assert_eq!(
            this.last_year_actions[0].status,
            Some(ActionStatus::Completed)
        );
    }
}
