//! Reviews: dates, participation codes and the child's age.

use super::{Check, Rule};
use crate::problem::Severity::{Fatal, Warning};
use crate::tables::Table::*;

pub(super) const RULES: &[Rule] = &[
    Rule::error("166", Reviews, "REVIEW", "The review date is blank or not a valid date.", Check::Reading).severity(Fatal),
    Rule::error("167", Reviews, "REVIEW_CODE", "The participation code is blank or not a valid code PN0–PN7 (blank is a warning).", Check::Reading).severity(Fatal),
    Rule::error("440", Reviews, "REVIEW_CODE", "The participation code is PN0 (child under 4) but the child was 4 or over on the review date.", Check::Records).severity(Warning),
    Rule::error("441", Reviews, "REVIEW_CODE", "The participation code is for a child of 4 or over but the child was under 4 on the review date.", Check::Records).severity(Warning),
];
