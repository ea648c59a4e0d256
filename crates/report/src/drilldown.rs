//! The children behind each count: one rule for what a count's cell is
//! called (its path in the measure, joined by `/`; `""` for a plain count)
//! and which children it holds. `report.json`'s `drilldown`, the
//! dashboard's figures and the internal annual report's links all read it
//! here, so a count followed anywhere lists the same children.

use chrono::NaiveDate;
use footprint_domain::calendar::WorkingDayCalendar;
use footprint_domain::daily::{LateReview, OverdueReview, late_reviews, overdue_reviews};
use footprint_domain::measures::{ChildSet, Count, Measure, MeasureSettings, Measures, Period};
use footprint_domain::model::{ChildId, Dataset};

/// A cell's name from its path in a measure.
pub fn cell_name<S: AsRef<str>>(path: &[S]) -> String {
    path.iter().map(AsRef::as_ref).collect::<Vec<_>>().join("/")
}

/// Every count of a measure with its cell's name, in the measure's order.
pub fn cells(m: &Measure) -> Vec<(String, &Count)> {
    m.cells()
        .into_iter()
        .map(|(path, c)| (cell_name(&path), c))
        .collect()
}

/// The children behind the count `cell` of measure `id` (`None`: no such
/// measure or cell).
pub fn children_behind<'a>(measures: &'a Measures, id: &str, cell: &str) -> Option<&'a ChildSet> {
    cells(measures.get(id)?)
        .into_iter()
        .find(|(name, _)| name == cell)
        .map(|(_, c)| &c.children)
}

/// Which reviews a list of the children behind a count shows beside them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewsBehind {
    /// Each review held late, with its reason and the rule that made it due;
    /// only those with this late-reason key, or held in this month
    /// (`YYYY-MM`), when set.
    Late {
        reason: Option<String>,
        month: Option<String>,
    },
    /// Each review overdue at the end of the period, with the rule that
    /// made it due.
    Overdue,
}

/// The reviews a list shows beside the children behind a count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewsListed {
    Late(Vec<LateReview>),
    /// Overdue on `on` (the period's last day).
    Overdue {
        on: NaiveDate,
        reviews: Vec<OverdueReview>,
    },
}

impl ReviewsBehind {
    /// The reviews of `children` to list beside the count, over `period`,
    /// from each child's schedule ([`footprint_domain::daily`]).
    pub fn list(
        &self,
        ds: &Dataset,
        children: &[ChildId],
        period: Period,
        settings: &MeasureSettings,
        calendar: &WorkingDayCalendar,
    ) -> ReviewsListed {
        match self {
            ReviewsBehind::Late { reason, month } => ReviewsListed::Late(
                late_reviews(ds, children, period, settings, calendar)
                    .into_iter()
                    .filter(|r| {
                        reason.as_deref().is_none_or(|want| r.reason_key() == want)
                            && month
                                .as_deref()
                                .is_none_or(|m| r.date.format("%Y-%m").to_string() == m)
                    })
                    .collect(),
            ),
            ReviewsBehind::Overdue => ReviewsListed::Overdue {
                on: period.end(),
                reviews: overdue_reviews(ds, children, period.end(), settings, calendar),
            },
        }
    }
}

/// The reviews shown beside the children behind a count of the timeliness
/// measures (`None`: the count is not of reviews held late or overdue).
pub fn reviews_behind(measure: &str, cell: &str) -> Option<ReviewsBehind> {
    let late = |reason: Option<&str>, month: Option<&str>| ReviewsBehind::Late {
        reason: reason.map(str::to_owned),
        month: month.map(str::to_owned),
    };
    match (measure, cell) {
        ("reviews.late" | "reviews.held", "") | ("reviews.in_time_pct", "denominator") => {
            Some(late(None, None))
        }
        ("reviews.late_by_reason", reason) if !reason.is_empty() => Some(late(Some(reason), None)),
        ("reviews.by_month", cell) => match cell.split_once('/') {
            Some((month, "late" | "held")) => Some(late(None, Some(month))),
            _ => None,
        },
        ("reviews.overdue.end", "") => Some(ReviewsBehind::Overdue),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_is_named_by_its_path() {
        assert_eq!(cell_name::<&str>(&[]), "");
        assert_eq!(cell_name(&["2024-04", "late"]), "2024-04/late");
    }

    #[test]
    fn late_and_overdue_reviews_are_shown_behind_the_timeliness_counts() {
        assert_eq!(
            reviews_behind("reviews.late_by_reason", "court_hearing"),
            Some(ReviewsBehind::Late {
                reason: Some("court_hearing".into()),
                month: None
            })
        );
        assert_eq!(
            reviews_behind("reviews.by_month", "2024-05/late"),
            Some(ReviewsBehind::Late {
                reason: None,
                month: Some("2024-05".into())
            })
        );
        assert_eq!(
            reviews_behind("reviews.overdue.end", ""),
            Some(ReviewsBehind::Overdue)
        );
        assert_eq!(reviews_behind("reviews.in_time_pct", "numerator"), None);
        assert_eq!(reviews_behind("caseload.per_fte", "children"), None);
    }
}
