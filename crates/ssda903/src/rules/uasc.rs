//! Unaccompanied asylum-seeking children (the UASC table).

use super::{Check, Rule};
use crate::problem::Severity::{Fatal, Warning};
use crate::tables::Table::*;

pub(super) const RULES: &[Rule] = &[
    Rule::error(
        "104",
        Uasc,
        "DUC",
        "The date UASC status ceased (DUC) is not a valid date.",
        Check::Reading,
    )
    .severity(Fatal),
    Rule::error(
        "304",
        Uasc,
        "DUC",
        "UASC status ceased (DUC) after the child's 18th birthday; it must be on or before it.",
        Check::Records,
    )
    .severity(Warning),
];
