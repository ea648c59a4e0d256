//! The council's settings for the measures and the schedule, read in one
//! place: every screen, report and command that needs the review policy,
//! the challenge stages or the measure settings calls
//! [`Store::measure_settings`], so the caseload's due dates and the
//! report's figures cannot follow two different policies.
//!
//! Three settings keys hold them (JSON, see docs/storage.md):
//! [`REPORT_SETTINGS`] the `MeasureSettings` (population, targets,
//! benchmarks…); [`SCHEDULE_POLICY`] the review policy, edited on the
//! settings screen, which wins over `review_policy` in the first; and
//! [`CHALLENGE_STAGES`] the dispute-resolution stages with their
//! timescales, whose names win over `challenge_stages` in the first.
//! The lists the forms offer that a council sets itself
//! ([`FormList`]) are a setting each, under the list's key
//! (`late_reasons`, `inadequate_reasons`), read by [`Store::form_list`];
//! each wins over the field of the same name in the measure settings.

use footprint_domain::lists::{CouncilList, FormList, ThemeList};
use footprint_domain::measures::MeasureSettings;
use footprint_domain::review_record::RecordTemplate;
use footprint_domain::schedule::SchedulePolicy;
use serde::{Deserialize, Serialize};

use crate::{Result, Store, StoreError};

/// The setting holding the council's `MeasureSettings` (JSON).
pub const REPORT_SETTINGS: &str = "report_settings";
/// The setting holding the council's review schedule policy (JSON).
pub const SCHEDULE_POLICY: &str = "schedule_policy";
/// The setting holding the challenge stages: `[{"name": "informal",
/// "working_days": 5}, …]`.
pub const CHALLENGE_STAGES: &str = "challenge_stages";
/// The setting holding the challenge themes, two levels
/// (`footprint_domain::lists::ThemeList`: `[{"key", "label", "retired",
/// "sub_themes": [{"key", "label", "retired"}]}]`, or a list of names as
/// before themes had keys), which a case alert's theme is chosen from too.
pub const CHALLENGE_THEMES: &str = "challenge_themes";
/// The setting holding the council's template for the record of a review
/// (`footprint_domain::review_record::RecordTemplate` as JSON; Signs of
/// Safety's three columns when not set).
pub const REVIEW_RECORD_TEMPLATE: &str = "review_record_template";

/// A stage of the council's dispute-resolution process and the working
/// days allowed for a response at it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChallengeStageSetting {
    pub name: String,
    pub working_days: u32,
}

/// The stages when the council has set none: the measures' default stage
/// names, five working days each.
pub fn default_challenge_stages() -> Vec<ChallengeStageSetting> {
    MeasureSettings::default()
        .challenge_stages
        .into_iter()
        .map(|name| ChallengeStageSetting {
            name,
            working_days: 5,
        })
        .collect()
}

/// The challenge themes when the council has set none
/// ([`ThemeList::default_list`]).
pub fn default_challenge_themes() -> ThemeList {
    ThemeList::default_list()
}

fn parse<T: serde::de::DeserializeOwned>(key: &'static str, v: serde_json::Value) -> Result<T> {
    serde_json::from_value(v).map_err(|e| StoreError::Corrupt {
        table: "settings",
        column: key,
        reason: format!("the `{key}` setting is not valid: {e}"),
    })
}

impl Store {
    /// The council's measure settings, with the review policy and the
    /// challenge stages as the settings screen keeps them. A setting that
    /// does not parse is an error naming it (never a silent fallback to the
    /// statute: a due date must not quietly change).
    pub async fn measure_settings(&self) -> Result<MeasureSettings> {
        let mut settings: MeasureSettings = match self.setting(REPORT_SETTINGS).await? {
            Some(v) => parse(REPORT_SETTINGS, v)?,
            None => MeasureSettings::default(),
        };
        if let Some(v) = self.setting(SCHEDULE_POLICY).await? {
            settings.review_policy = parse(SCHEDULE_POLICY, v)?;
        }
        let stages = self.challenge_stages().await?;
        settings.challenge_stages = stages.into_iter().map(|s| s.name).collect();
        settings.challenge_themes = self.challenge_themes().await?;
        for list in FormList::ALL {
            if let Some(held) = self.held_list(list).await? {
                *settings.list_mut(list) = held;
            }
        }
        Ok(settings)
    }

    /// The council's list `list` as the forms offer it and the measures
    /// count by it: the settings screen's list (the setting named by
    /// [`FormList::key`]); else the measure settings' (`late_reasons` in
    /// `report_settings`); else what Footprint offered before it was a
    /// setting, so nothing changes for a council that sets nothing.
    pub async fn form_list(&self, list: FormList) -> Result<CouncilList> {
        Ok(self.measure_settings().await?.list(list).clone())
    }

    /// The list held under `list`'s setting, if any. One that does not
    /// parse or fails its check is an error naming it, never a silent
    /// fall-back: a record's key must not lose its label.
    async fn held_list(&self, list: FormList) -> Result<Option<CouncilList>> {
        let key = list.key();
        let Some(v) = self.setting(key).await? else {
            return Ok(None);
        };
        let held: CouncilList = parse(key, v)?;
        if let Some(problem) = held.check().first() {
            return Err(StoreError::Corrupt {
                table: "settings",
                column: key,
                reason: format!("the `{key}` setting is not valid: {problem}"),
            });
        }
        Ok(Some(held))
    }

    /// The council's review schedule policy (part of
    /// [`Store::measure_settings`]).
    pub async fn review_policy(&self) -> Result<SchedulePolicy> {
        Ok(self.measure_settings().await?.review_policy)
    }

    /// The challenge stages with their timescales (the default list when
    /// none is set, or the set list is empty).
    pub async fn challenge_stages(&self) -> Result<Vec<ChallengeStageSetting>> {
        self.list_or(CHALLENGE_STAGES, default_challenge_stages)
            .await
    }

    /// The challenge themes, two levels, which a case alert's theme is
    /// chosen from too (the default list when none is set, or the set list
    /// is empty). A set list that does not parse or fails its check is an
    /// error naming it, never a silent fall-back: a record's key must not
    /// lose its label.
    pub async fn challenge_themes(&self) -> Result<ThemeList> {
        let Some(v) = self.setting(CHALLENGE_THEMES).await? else {
            return Ok(default_challenge_themes());
        };
        let held: ThemeList = parse(CHALLENGE_THEMES, v)?;
        if held.0.is_empty() {
            return Ok(default_challenge_themes());
        }
        if let Some(problem) = held.check().first() {
            return Err(StoreError::Corrupt {
                table: "settings",
                column: CHALLENGE_THEMES,
                reason: format!("the `{CHALLENGE_THEMES}` setting is not valid: {problem}"),
            });
        }
        Ok(held)
    }

    /// The list held under `key`, or `default()` when none is held or the
    /// one held is empty; one that does not parse is an error naming it.
    async fn list_or<T: serde::de::DeserializeOwned>(
        &self,
        key: &'static str,
        default: fn() -> Vec<T>,
    ) -> Result<Vec<T>> {
        let held: Vec<T> = match self.setting(key).await? {
            Some(v) => parse(key, v)?,
            None => Vec::new(),
        };
        Ok(if held.is_empty() { default() } else { held })
    }

    /// The council's template for the record of a review (the default,
    /// Signs of Safety's three columns, when not set). A set template that
    /// does not parse or fails its check is an error, never a silent
    /// fall-back.
    pub async fn record_template(&self) -> Result<RecordTemplate> {
        let template: RecordTemplate = match self.setting(REVIEW_RECORD_TEMPLATE).await? {
            Some(v) => parse(REVIEW_RECORD_TEMPLATE, v)?,
            None => return Ok(RecordTemplate::default()),
        };
        template
            .check()
            .map_err(|reason| crate::StoreError::Corrupt {
                table: "settings",
                column: "value",
                reason: format!("{REVIEW_RECORD_TEMPLATE}: {reason}"),
            })?;
        Ok(template)
    }
}
