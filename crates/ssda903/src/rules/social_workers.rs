//! Social worker episodes (SWEpisodes, from 2023-24): complete, in the
//! reporting period, one after the other.

use foldhash::HashSet;

use chrono::{Days, NaiveDate};

use super::{Check, Cond::*, Ctx, Rule, Years, date};
use crate::raw::RawRow;
use crate::tables::Table::*;

/// The reasons for a change of social worker (SW_REASON).
const REASONS: &[&str] = &[
    "MANAGE", "FCONTA", "LEFTRL", "ORGRST", "TSPROC", "ABSENC", "CHCHAN", "PCCHAN", "SWDIED",
    "OTHERS",
];

/// 1 April 2023, when SW_REASON became required.
const APRIL_2023: (u32, u32, i32) = (1, 4, 2023);

pub(super) const RULES: &[Rule] = &[
    Rule::error("SW01STG1", Episodes, "DEC", "The child was looked after on 31 March but no complete social worker episode (SW_ID, SW_DECOM, SW_REASON) is reported.", Check::Rows(rule_sw01)).years(Years::until(2023)),
    Rule::error("SW01aSTG1", SwEpisodes, "SW_DECOM", "The social worker episode is incomplete: the start date (SW_DECOM) is blank or not a date, or the episode started before 1 April 2023 without a social worker ID.", Check::Row(&[Any(&[Blank("SW_DECOM"), BadDate("SW_DECOM"), All(&[DateBefore("SW_DECOM", APRIL_2023), Blank("SW_ID")])])])).years(ONLY_2024_25),
    Rule::error("SW01bSTG1", SwEpisodes, "SW_REASON", "The social worker episode is incomplete: the start date (SW_DECOM) is blank or not a date, or the episode started on or after 1 April 2023 without a social worker ID or reason.", Check::Row(&[Any(&[Blank("SW_DECOM"), BadDate("SW_DECOM"), All(&[DateAfter("SW_DECOM", (31, 3, 2023)), AnyBlank(&["SW_ID", "SW_REASON"])])])])).years(ONLY_2024_25),
    Rule::error("SW02STG1", SwEpisodes, "SW_ID", "The social worker ID (SW_ID) does not begin with SW or XX.", Check::Rows(rule_sw02)).years(Years::until(2024)),
    Rule::error("SW02STG1", SwEpisodes, "SW_ID", "The social worker ID (SW_ID) does not begin with SW or XX, or is shorter than four characters.", Check::Rows(rule_sw02)).years(Years::from(2025)),
    Rule::error("SW03STG1", SwEpisodes, "SW_ID", "The social worker episode is incomplete: SW_ID, SW_DECOM and SW_REASON must all be given.", Check::Row(&[AnyBlank(&["SW_ID", "SW_DECOM", "SW_REASON"])])).years(Years::until(2023)),
    Rule::error("SW04STG1", SwEpisodes, "SW_DECOM", "The date the social worker episode began (SW_DECOM) is not a valid date.", Check::Row(&[BadDate("SW_DECOM")])),
    Rule::error("SW05STG1", SwEpisodes, "SW_DEC", "The date the social worker episode ended (SW_DEC) is not a valid date.", Check::Row(&[BadDate("SW_DEC")])),
    Rule::error("SW06STG2", SwEpisodes, "SW_DECOM", "The social worker episode starts after the end of the collection year.", Check::Row(&[AfterYearEnd("SW_DECOM")])),
    Rule::error("SW07STG2", SwEpisodes, "SW_DEC", "The social worker episode ends before the start or after the end of the collection year.", Check::Rows(rule_sw07)).years(Years::until(2023)),
    Rule::error("SW07STG2", SwEpisodes, "SW_DEC", "The social worker episode ends before the start of the social worker reporting period (a year before the collection year) or after the end of the collection year.", Check::Rows(rule_sw07)).years(Years::from(2024)),
    Rule::error("SW08STG2", SwEpisodes, "SW_DEC", "A later social worker episode has started, but this one has no end date.", Check::Rows(rule_sw08)),
    Rule::error("SW09STG2", SwEpisodes, "SW_DEC", "The social worker episode ends on the day it starts (it lasted less than 24 hours).", Check::Row(&[Same("SW_DEC", "SW_DECOM")])),
    Rule::error("SW10STG2", SwEpisodes, "SW_DECOM", "The social worker episode does not start within seven days of the end of the one before.", Check::Rows(rule_sw10)).years(Years::until(2023)),
    Rule::error("SW10STG2", SwEpisodes, "SW_DECOM", "The social worker episode starts more than seven days before the end of the one before (unless the reason is FCONTA).", Check::Rows(rule_sw10)).years(Years::from(2024)),
    Rule::error("SW10aSTG2", SwEpisodes, "SW_DECOM", "The social worker episode does not start within seven days (before or after) of the end of the one before, and the reason is not first contact (FCONTA).", Check::Rows(rule_sw10a)).years(Years::from(2025)),
    Rule::error("SW10bSTG2", SwEpisodes, "SW_DECOM", "The social worker episode's reason is first contact (FCONTA), but it starts on or before the day the one before ended.", Check::Rows(rule_sw10b)).years(Years::from(2025)),
    Rule::error("SW11aSTG2", SwEpisodes, "SW_DEC", "The child's latest social worker episode ended before the last five days of the year (before 26 March) and no later one is reported: a child looked after at 31 March has a social worker then.", Check::Rows(rule_sw11a)).years(Years::until(2023)),
    Rule::error("SW11bSTG2", SwEpisodes, "SW_DEC", "The child's latest social worker episode ended in the last five days of the year (26 to 31 March) and no later one is reported: a child looked after at 31 March has a social worker then.", Check::Rows(rule_sw11b)),
    Rule::error("SW12STG2", Episodes, "DECOM", "The child is looked after on 31 March, but no social worker is reported for when this episode began a period of care (RNE S) or ended one: every social worker the child had in the reporting period must be reported, even while not looked after.", Check::Rows(rule_sw12)),
    Rule::error("SW13STG1", SwEpisodes, "SW_REASON", "The reason for the change of social worker (SW_REASON) is blank or not a valid code.", Check::Row(&[NotIn("SW_REASON", REASONS)])).years(Years::until(2023)),
    Rule::error("SW13STG1", SwEpisodes, "SW_REASON", "The reason for the change of social worker (SW_REASON) is not a valid code, or is blank for an episode starting on or after 1 April 2023.", Check::Row(&[Any(&[All(&[Filled("SW_REASON"), NotIn("SW_REASON", REASONS)]), All(&[Blank("SW_REASON"), DateAfter("SW_DECOM", (31, 3, 2023))])])])).years(Years::from(2024)),
    Rule::error("SW14STG2", SwEpisodes, "SW_DEC", "The social worker episode has no end date (SW_DEC) but is not the child's latest.", Check::Rows(rule_sw14)).years(Years::until(2023)),
    Rule::error("SW17STG2", SwEpisodes, "SW_DEC", "No social worker episode is open at 31 March: the child's latest social worker episode has an end date.", Check::Rows(rule_sw17)).years(Years::from(2025)),
    Rule::error("SW18STG2", SwEpisodes, "SW_DEC", "The social worker episode ends (SW_DEC) on or before the day it starts (SW_DECOM).", Check::Row(&[NotAfter("SW_DEC", "SW_DECOM")])).years(Years::from(2025)),
    Rule::error("SW19STG2", SwEpisodes, "SW_DECOM", "The child has another social worker episode starting on the same day (SW_DECOM): each starts on a different day.", Check::Rows(rule_sw19)).years(Years::from(2025)),
];

/// SW01aSTG1 and SW01bSTG1 are in the DfE's 2024-25 set only (the 2025-26
/// set deletes them).
const ONLY_2024_25: Years = Years {
    first: 2024,
    last: 2024,
};

fn rule_sw01<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    if !ctx.this.has(SwEpisodes) {
        return Vec::new();
    }
    let complete: HashSet<&str> = ctx
        .this
        .rows(SwEpisodes)
        .iter()
        .filter(|r| {
            ["SW_ID", "SW_DECOM", "SW_REASON"]
                .iter()
                .all(|c| !r.get(c).is_empty())
        })
        .map(|r| r.get("CHILD"))
        .collect();
    ctx.this
        .rows(Episodes)
        .iter()
        .filter(|e| {
            e.get("DEC").is_empty()
                && !matches!(e.get("LS"), "V3" | "V4")
                && !complete.contains(e.get("CHILD"))
        })
        .collect()
}

fn rule_sw02<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    ctx.this
        .rows(SwEpisodes)
        .iter()
        .filter(|r| {
            let id = r.get("SW_ID");
            !(id.starts_with("SW") || id.starts_with("XX"))
                || (ctx.rules_year >= 2025 && id.chars().count() < 4)
        })
        .collect()
}

/// The start of the social worker reporting period: the collection year's,
/// and from 2024-25 a year before it.
fn reporting_start(ctx: &Ctx) -> NaiveDate {
    if ctx.rules_year >= 2024 {
        ctx.start()
            .checked_sub_months(chrono::Months::new(12))
            .unwrap_or(NaiveDate::MIN)
    } else {
        ctx.start()
    }
}

fn rule_sw07<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let from = reporting_start(ctx);
    ctx.this
        .rows(SwEpisodes)
        .iter()
        .filter(|r| date(r, "SW_DEC").is_some_and(|d| d < from || d > ctx.end()))
        .collect()
}

/// Each child's social worker episodes by start date (those without a
/// valid start last, in file order), made once for every rule that asks.
fn by_child<'a>(ctx: &Ctx<'a>) -> impl Iterator<Item = &'a [&'a RawRow]> + use<'a> {
    ctx.this.by_child_by_start(SwEpisodes).values()
}

fn rule_sw08<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    by_child(ctx)
        .flat_map(|eps| {
            let n = eps.len();
            eps.iter()
                .copied()
                .take(n.saturating_sub(1))
                .filter(|r| r.get("SW_DEC").is_empty() && date(r, "SW_DECOM").is_some())
        })
        .collect()
}

fn rule_sw10<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let week = Days::new(7);
    after_the_one_before(ctx)
        .into_iter()
        .filter(|(this, end, start)| {
            let early = *start < *end - week;
            if ctx.rules_year >= 2024 {
                early && this.get("SW_REASON") != "FCONTA"
            } else {
                early || *start > *end + week
            }
        })
        .map(|(this, _, _)| this)
        .collect()
}

/// Each social worker episode after the child's first, with the one before
/// it (in order of start date), when both dates are valid: the episode
/// before's end (SW_DEC) and this one's start (SW_DECOM). An episode before
/// with no end is SW08's business; a start that is not a date SW04's.
fn after_the_one_before<'a>(ctx: &Ctx<'a>) -> Vec<(&'a RawRow, NaiveDate, NaiveDate)> {
    let mut out = Vec::new();
    for eps in by_child(ctx) {
        for pair in eps.windows(2) {
            let (prev, this) = (pair[0], pair[1]);
            if let (Some(end), Some(start)) = (date(prev, "SW_DEC"), date(this, "SW_DECOM")) {
                out.push((this, end, start));
            }
        }
    }
    out
}

/// SW10a (from 2025-26): "If the current social worker episode <SW_REASON>
/// is not = 'FCONTA' then <SW_DECOM> of current episode must be >=
/// (<SW_DEC> +/- 7 days) of previous episode if present": within a week
/// either side of the end of the one before.
fn rule_sw10a<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let week = Days::new(7);
    after_the_one_before(ctx)
        .into_iter()
        .filter(|(this, end, start)| {
            this.get("SW_REASON") != "FCONTA" && (*start < *end - week || *start > *end + week)
        })
        .map(|(this, _, _)| this)
        .collect()
}

/// SW10b (from 2025-26): "If the current social worker episode <SW_REASON>
/// = 'FCONTA' then <SW_DECOM> of current episode must be > <SW_DEC> of
/// previous episode if present."
fn rule_sw10b<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    after_the_one_before(ctx)
        .into_iter()
        .filter(|(this, end, start)| this.get("SW_REASON") == "FCONTA" && start <= end)
        .map(|(this, _, _)| this)
        .collect()
}

/// SW19: "<SW_DECOM> of current social worker episode must be distinct from
/// any other social worker episodes for this child": every episode after
/// the first (in file order) starting on a day another of the child's
/// starts.
/// A row whose SW_DECOM an earlier row of the same child has (looked for
/// among the child's rows, not in a set of every row's: that set was a
/// validation's largest at its peak).
fn rule_sw19<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let by_child = ctx.this.by_child(SwEpisodes);
    ctx.this
        .rows(SwEpisodes)
        .iter()
        .filter(|r| {
            let Some(d) = date(r, "SW_DECOM") else {
                return false;
            };
            let rows = by_child.get(r.get("CHILD")).unwrap_or_default();
            rows.iter()
                .take_while(|e| !std::ptr::eq(**e, *r))
                .any(|e| date(e, "SW_DECOM") == Some(d))
        })
        .collect()
}

/// The child's latest social worker episodes (none starts after them) that
/// ended in `window`: "Social worker episode has ended before 31 March and
/// no subsequent social worker episode has been provided" (SW11a for the
/// days before the last five, SW11b for the last five).
fn latest_ended_in<'a>(ctx: &Ctx<'a>, window: impl Fn(NaiveDate) -> bool) -> Vec<&'a RawRow> {
    let mut out = Vec::new();
    for eps in by_child(ctx) {
        let Some(latest) = eps.iter().filter_map(|r| date(r, "SW_DECOM")).max() else {
            continue;
        };
        out.extend(eps.iter().copied().filter(|r| {
            date(r, "SW_DECOM") == Some(latest) && date(r, "SW_DEC").is_some_and(&window)
        }));
    }
    out
}

/// The first of the last five days of the collection year (26 March).
fn last_five_days(ctx: &Ctx) -> NaiveDate {
    ctx.end() - Days::new(5)
}

fn rule_sw11a<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let from = last_five_days(ctx);
    latest_ended_in(ctx, |d| d < from)
}

fn rule_sw11b<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let (from, end) = (last_five_days(ctx), ctx.end());
    latest_ended_in(ctx, |d| from <= d && d <= end)
}

/// DfE SW12: "If a child is looked after on 31 March then all social worker
/// episodes for the full previous year should be reported, even those
/// whilst they were not looked after". For a child looked after on 31 March
/// (an episode that is not a short break open then), each episode in the
/// reporting period that began a period of care (RNE S) needs a social
/// worker episode that had not ended by then, and each that ended one (a
/// REC other than X1; an open episode ends on 31 March) a social worker
/// episode that had started by then.
fn rule_sw12<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    if !ctx.this.has(SwEpisodes) {
        return Vec::new();
    }
    let (from, end) = (reporting_start(ctx), ctx.end());
    let workers = ctx.this.by_child(SwEpisodes);
    let mut out = Vec::new();
    for eps in ctx.episodes_by_child() {
        let eps: Vec<&RawRow> = eps
            .iter()
            .copied()
            .filter(|e| !matches!(e.get("LS"), "V3" | "V4"))
            .collect();
        let on_31_march = eps.iter().any(|e| {
            date(e, "DECOM").is_some_and(|s| s <= end)
                && (e.get("DEC").is_empty() || date(e, "DEC").is_some_and(|d| d > end))
        });
        if !on_31_march {
            continue;
        }
        let sw = workers.get(eps[0].get("CHILD")).unwrap_or(&[]);
        for e in eps {
            let Some(start) = date(e, "DECOM") else {
                continue;
            };
            let stop = if e.get("DEC").is_empty() {
                Some(end)
            } else {
                date(e, "DEC")
            };
            if stop.is_some_and(|d| d < from) {
                continue;
            }
            let begins = e.get("RNE") == "S"
                && !sw.iter().any(|w| {
                    w.get("SW_DEC").is_empty() || date(w, "SW_DEC").is_some_and(|d| d >= start)
                });
            let ends = e.get("REC") != "X1"
                && stop.is_some_and(|stop| {
                    !sw.iter()
                        .any(|w| date(w, "SW_DECOM").is_some_and(|d| d <= stop))
                });
            if begins || ends {
                out.push(e);
            }
        }
    }
    out
}

fn rule_sw14<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    by_child(ctx)
        .flat_map(|eps| {
            let n = eps.len();
            eps.iter()
                .copied()
                .take(n.saturating_sub(1))
                .filter(|r| date(r, "SW_DEC").is_none())
        })
        .collect()
}

fn rule_sw17<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    by_child(ctx)
        .filter_map(|eps| {
            let latest = *eps.iter().rfind(|r| date(r, "SW_DECOM").is_some())?;
            (!latest.get("SW_DEC").is_empty()).then_some(latest)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::tests::{lines_flagged, rows};
    use crate::raw::RawRow;
    use crate::tables::Table;

    const SW: &str = "CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON";

    fn sw(csv: &str) -> Vec<RawRow> {
        rows(Table::SwEpisodes, &format!("{SW}\n{csv}"))
    }

    fn f(code: &str, year: &str, r: &[RawRow]) -> Vec<u64> {
        lines_flagged(code, year, r, None, Table::SwEpisodes)
    }

    #[test]
    fn one_social_worker_episode() {
        let r = sw("1,01/01/2010,SW1,01/05/2024,,MANAGE\n\
                    2,01/01/2010,AB1,,,\n\
                    3,01/01/2010,SW3,01/02/2023,01/02/2023,BADREA\n\
                    4,01/01/2010,SW4,31/02/2024,2024-05-01,\n\
                    5,01/01/2010,,01/05/2025,01/05/2021,MANAGE");
        assert_eq!(f("SW01aSTG1", "2024-25", &r), [3, 5]);
        assert_eq!(f("SW01bSTG1", "2024-25", &r), [3, 5, 6]);
        assert_eq!(f("SW02STG1", "2024-25", &r), [3, 6]);
        assert_eq!(f("SW03STG1", "2023-24", &r), [3, 5, 6]);
        assert_eq!(f("SW04STG1", "2024-25", &r), [5]);
        assert_eq!(f("SW05STG1", "2024-25", &r), [5]);
        assert_eq!(f("SW06STG2", "2024-25", &r), [6]);
        // 2024-25: from 1 April 2023; 2025-26: from 1 April 2024.
        assert_eq!(f("SW07STG2", "2024-25", &r), [4, 6]);
        assert_eq!(f("SW07STG2", "2025-26", &r), [4, 6]);
        assert_eq!(f("SW09STG2", "2024-25", &r), [4]);
        assert_eq!(f("SW13STG1", "2023-24", &r), [3, 4, 5]);
        // An invalid SW_DECOM is SW04's.
        assert_eq!(f("SW13STG1", "2024-25", &r), [4]);
    }

    #[test]
    fn social_worker_episodes_in_order() {
        let r = sw("1,01/01/2010,SW1,01/05/2024,,MANAGE\n\
                    1,01/01/2010,SW2,01/06/2024,,MANAGE\n\
                    2,01/01/2010,SW1,01/05/2024,01/06/2024,MANAGE\n\
                    2,01/01/2010,SW2,20/05/2024,01/07/2024,MANAGE\n\
                    2,01/01/2010,SW3,02/07/2024,,FCONTA\n\
                    3,01/01/2010,SW1,01/05/2024,01/06/2024,MANAGE");
        assert_eq!(f("SW08STG2", "2024-25", &r), [2]);
        assert_eq!(f("SW14STG2", "2023-24", &r), [2]);
        assert_eq!(f("SW10STG2", "2024-25", &r), [5]);
        assert_eq!(f("SW17STG2", "2025-26", &r), [7]);
    }

    #[test]
    fn the_2025_26_social_worker_rules() {
        // 1: next starts 10 days after (SW10a); 2: next starts 3 days
        // after (fine); 3: FCONTA starting the day the one before ended
        // (SW10b), then FCONTA two weeks later (fine: FCONTA may leave a
        // gap); 4: ends the day it starts and ends before it starts
        // (SW18); 5: two starting the same day (SW19, the second); 6: an
        // ID of three characters (SW02 from 2025-26).
        let r = sw("1,01/01/2010,SW01,01/05/2025,01/06/2025,MANAGE\n\
                    1,01/01/2010,SW02,11/06/2025,,MANAGE\n\
                    2,01/01/2010,SW01,01/05/2025,01/06/2025,MANAGE\n\
                    2,01/01/2010,SW02,04/06/2025,,MANAGE\n\
                    3,01/01/2010,SW01,01/05/2025,01/06/2025,MANAGE\n\
                    3,01/01/2010,SW02,01/06/2025,10/06/2025,FCONTA\n\
                    3,01/01/2010,SW03,24/06/2025,,FCONTA\n\
                    4,01/01/2010,SW01,01/05/2025,01/05/2025,MANAGE\n\
                    4,01/01/2010,SW02,05/05/2025,03/05/2025,MANAGE\n\
                    5,01/01/2010,SW01,01/05/2025,,MANAGE\n\
                    5,01/01/2010,SW02,01/05/2025,,MANAGE\n\
                    6,01/01/2010,SW9,01/05/2025,,MANAGE");
        assert_eq!(f("SW10aSTG2", "2025-26", &r), [3]);
        assert_eq!(f("SW10bSTG2", "2025-26", &r), [7]);
        assert_eq!(f("SW18STG2", "2025-26", &r), [9, 10]);
        assert_eq!(f("SW19STG2", "2025-26", &r), [12]);
        assert_eq!(f("SW02STG1", "2025-26", &r), [13]);
        assert!(f("SW02STG1", "2024-25", &r).is_empty());
        // Not in the 2024-25 set, and SW01a/b not in the 2025-26 set.
        for code in ["SW10aSTG2", "SW10bSTG2", "SW18STG2", "SW19STG2"] {
            assert!(super::super::find_in(code, 2024).is_none(), "{code}");
        }
        for code in ["SW01aSTG1", "SW01bSTG1"] {
            assert!(super::super::find_in(code, 2025).is_none(), "{code}");
            assert!(super::super::find_in(code, 2024).is_some(), "{code}");
        }
    }

    #[test]
    fn a_social_worker_at_31_march() {
        // 1: latest ended 20 March; 2: ended 28 March; 3: ended 10 March,
        // followed by one open; 4: open; 5: ended 31 March, after one that
        // ended 20 March.
        let r = sw("1,01/01/2010,SW1,01/05/2023,20/03/2024,MANAGE\n\
                    2,01/01/2010,SW1,01/05/2023,28/03/2024,MANAGE\n\
                    3,01/01/2010,SW1,01/05/2023,10/03/2024,MANAGE\n\
                    3,01/01/2010,SW2,11/03/2024,,MANAGE\n\
                    4,01/01/2010,SW1,01/05/2023,,MANAGE\n\
                    5,01/01/2010,SW1,01/05/2023,20/03/2024,MANAGE\n\
                    5,01/01/2010,SW2,21/03/2024,31/03/2024,MANAGE");
        assert_eq!(f("SW11aSTG2", "2023-24", &r), [2]);
        assert_eq!(f("SW11bSTG2", "2023-24", &r), [3, 8]);
        assert_eq!(f("SW11bSTG2", "2025-26", &r), Vec::<u64>::new());
    }

    #[test]
    fn social_workers_for_the_whole_period_of_care() {
        let mut r = rows(
            Table::Episodes,
            "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n\
             1,01/05/2023,S,C2,N1,U1,PR1,01/07/2023,X1,,,,\n\
             1,01/07/2023,P,C2,N1,U4,PR1,,,,,,\n\
             2,01/05/2023,S,C2,N1,U1,PR1,,,,,,\n\
             3,01/05/2023,S,C2,N1,U1,PR1,01/06/2023,E4A,,,,\n\
             3,01/09/2023,S,C2,N1,U1,PR1,,,,,,\n\
             4,01/05/2023,S,C2,N1,U1,PR1,01/06/2023,E4A,,,,\n\
             5,01/05/2023,S,V3,N1,U1,PR1,,,,,,",
        );
        // 1: a worker since before care; 2: a worker who left before the
        // child came into care; 3: a worker only from the second period;
        // 4: left care before 31 March (not checked); 5: short breaks.
        r.extend(sw("1,01/01/2010,SW1,01/01/2023,,MANAGE\n\
                     2,01/01/2010,SW1,01/01/2023,01/03/2023,MANAGE\n\
                     3,01/01/2010,SW2,01/09/2023,,MANAGE"));
        let f = |r: &[RawRow], y: &str| lines_flagged("SW12STG2", y, r, None, Table::Episodes);
        assert_eq!(f(&r, "2023-24"), [4, 5]);
        // Without SWEpisodes there is nothing to compare.
        let eps: Vec<RawRow> = r
            .iter()
            .filter(|x| x.table() == Table::Episodes)
            .cloned()
            .collect();
        assert!(f(&eps, "2023-24").is_empty());
    }

    #[test]
    fn looked_after_at_31_march_with_no_social_worker() {
        let mut r = rows(
            Table::Episodes,
            "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n1,01/05/2023,S,C2,N1,U1,PR1,,,,,,\n2,01/05/2023,S,C2,N1,U1,PR1,,,,,,",
        );
        r.extend(sw("1,01/01/2010,SW1,01/05/2023,,MANAGE"));
        assert_eq!(
            lines_flagged("SW01STG1", "2023-24", &r, None, Table::Episodes),
            [3]
        );
    }
}
