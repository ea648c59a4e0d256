//! OC2: health outcomes of children looked after for 12 months.

use super::{Check, Rule};
use crate::problem::Severity::{Fatal, Warning};
use crate::tables::Table::*;

pub(super) const RULES: &[Rule] = &[
    Rule::error(
        "181",
        Oc2,
        "CONVICTED",
        "A yes/no health outcome must be 1 (yes), 0 (no) or blank.",
        Check::Reading,
    )
    .severity(Fatal),
    Rule::error(
        "196",
        Oc2,
        "SDQ_REASON",
        "The reason for no SDQ score is not a valid code SDQ1–SDQ5.",
        Check::Reading,
    )
    .severity(Fatal),
    Rule::error(
        "197a",
        Oc2,
        "SDQ_REASON",
        "A reason for no SDQ score is not needed when there is a score.",
        Check::Reading,
    )
    .severity(Warning),
    Rule::error(
        "197B",
        Oc2,
        "SDQ_SCORE",
        "A child aged 4 to 16 needs an SDQ score or a reason for no score.",
        Check::Reading,
    )
    .severity(Warning),
];
