//! The rules comparing an episode's Ofsted URN with Ofsted's lists of
//! providers (`crate::providers`, `footprint validate ssda903 --providers
//! FILE`): they run only when the list is given.
//!
//! Every rule looks at episodes with a URN other than XXXXXXX (a regional
//! adoption agency's). A URN not in the list is 1008's; the others look only
//! at URNs in the list (the DfE's texts compare with "the matching URN
//! Lookup" row; the DfE's validator also flags unknown URNs under 219, 221
//! and 224). A provider with several rows (premises in several places)
//! matches when any row does.

use chrono::NaiveDate;
use footprint_postcodes::derive;

use super::{Check, Ctx, Rule, Years, date, postcodes};
use crate::providers::{Provider, normalise_postcode, registration_end};
use crate::raw::RawRow;
use crate::tables::Table::*;

pub(super) const RULES: &[Rule] = &[
    Rule::error("1008", Episodes, "URN", "The Ofsted URN is not in Ofsted's list of providers.", Check::Rows(rule_1008)).providers(),
    Rule::error("219", Episodes, "PLACE", "The placement type is not one Ofsted's list gives for the provider with this URN.", Check::Rows(rule_219)).providers(),
    Rule::error("221", Episodes, "PL_POST", "The placement postcode is not the postcode Ofsted's list gives for the provider with this URN (placements H5, K1, K2, R3 and S1, not short breaks).", Check::Rows(rule_221)).years(Years::until(2023)).providers(),
    Rule::error("221", Episodes, "PL_POST", "The placement postcode is not the postcode Ofsted's list gives for the provider with this URN (placements K1, K2, K3, R3 and S1, not short breaks).", Check::Rows(rule_221)).years(Years::from(2024)).providers(),
    Rule::error("224", Episodes, "PLACE_PROVIDER", "The placement provider is not one Ofsted's list gives for the provider with this URN.", Check::Rows(rule_224)).providers(),
    Rule::error("227", Episodes, "DECOM", "The placement started on or after the day the provider's Ofsted registration ended.", Check::Rows(rule_227)).providers(),
    Rule::error("228", Episodes, "DEC", "The placement ended after the provider's Ofsted registration ended (or is open at 31 March when the registration ended before then).", Check::Rows(rule_228)).providers(),
    Rule::error("229", Episodes, "PLACE_PROVIDER", "The placement provider does not match where the provider is: own provision (PR1) with a provider outside the council's area, or another council's provision (PR2) with one inside it (the area from the provider's postcode in Ofsted's list).", Check::Rows(rule_229)).years(Years::until(2024)).providers(),
    Rule::error("229", Episodes, "PLACE_PROVIDER", "The placement provider does not match where the provider is: own provision (PR1) with a provider outside the council's area, or another council's provision (PR2) with one inside it (the area from the provider's postcode in Ofsted's list; not for K3, P1, P3, R1, R2, R5, T0–T4 or Z11–Z14).", Check::Rows(rule_229)).years(Years::from(2025)).providers(),
    Rule::error("241", Episodes, "PL_POST", "The placement in supported accommodation (K3) is in a local authority where Ofsted's list gives the provider no premises.", Check::Rows(rule_241)).years(Years::from(2025)).providers(),
];

/// 221: the placement types whose postcode is the provider's, by year.
fn postcode_places(rules_year: i32) -> &'static [&'static str] {
    if rules_year <= 2023 {
        &["H5", "K1", "K2", "R3", "S1"]
    } else {
        &["K1", "K2", "K3", "R3", "S1"]
    }
}

/// 229 from 2025-26: the placement types it leaves alone.
const NOT_229: &[&str] = &[
    "K3", "P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z11", "Z12", "Z13", "Z14",
];

/// The episodes with a URN other than XXXXXXX, with the list's rows for it
/// (empty when it is not in the list); nothing without the list.
fn with_urn<'a>(ctx: &Ctx<'a>) -> Vec<(&'a RawRow, &'a [Provider])> {
    let Some(list) = ctx.providers else {
        return Vec::new();
    };
    ctx.this
        .rows(Episodes)
        .iter()
        .filter(|e| !matches!(e.get("URN"), "" | "XXXXXXX"))
        .map(|e| (e, list.get(e.get("URN"))))
        .collect()
}

/// The episodes whose URN is in the list and whose rows all `fail`.
fn known_and<'a>(ctx: &Ctx<'a>, fail: impl Fn(&RawRow, &[Provider]) -> bool) -> Vec<&'a RawRow> {
    with_urn(ctx)
        .into_iter()
        .filter(|(e, rows)| !rows.is_empty() && fail(e, rows))
        .map(|(e, _)| e)
        .collect()
}

fn rule_1008<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    with_urn(ctx)
        .into_iter()
        .filter(|(_, rows)| rows.is_empty())
        .map(|(e, _)| e)
        .collect()
}

fn rule_219<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    known_and(ctx, |e, rows| {
        let place = e.get("PLACE");
        !rows
            .iter()
            .any(|p| p.place_codes.iter().any(|c| c == place))
    })
}

fn rule_221<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let places = postcode_places(ctx.rules_year);
    known_and(ctx, |e, rows| {
        let pl_post = normalise_postcode(e.get("PL_POST"));
        !matches!(e.get("LS"), "V3" | "V4")
            && places.contains(&e.get("PLACE"))
            && !pl_post.is_empty()
            && !rows.iter().any(|p| p.postcode == pl_post)
    })
}

fn rule_224<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    known_and(ctx, |e, rows| {
        let provider = e.get("PLACE_PROVIDER");
        !rows
            .iter()
            .any(|p| p.provider_codes.iter().any(|c| c == provider))
    })
}

/// The day the provider's registration ended (see
/// [`registration_end`]), for episodes of a provider no longer registered.
fn ended<'a>(ctx: &Ctx<'a>, fail: impl Fn(&RawRow, NaiveDate) -> bool) -> Vec<&'a RawRow> {
    known_and(ctx, |e, rows| {
        registration_end(rows).is_some_and(|end| fail(e, end))
    })
}

/// 227: "<DECOM> must be before <REG_END>".
fn rule_227<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    ended(ctx, |e, end| date(e, "DECOM").is_some_and(|d| d >= end))
}

/// 228: "<DEC> if provided must be <= Ofsted <REG_END> OR if not provided
/// then <COLLECTION_END_DATE> must be <= <REG_END>" (a DEC that is not a date
/// is read as none, as the DfE's validator reads it).
fn rule_228<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let year_end = ctx.end();
    ended(ctx, |e, end| date(e, "DEC").unwrap_or(year_end) > end)
}

/// The upper-tier local authority of a provider's postcode (as PL_LA is
/// worked out: the ONS directory; WAL, SCO or NIR outside England).
fn provider_la(p: &Provider) -> Option<&'static str> {
    derive("", &p.postcode, "").pl_la
}

/// 229: "If <PLACE_PROVIDER> = 'PR1' then <LA> must equal Ofsted URN lookup
/// <LA code>. If <PLACE_PROVIDER> = 'PR2' then Ofsted URN lookup <LA code>
/// must not equal <LA>." Only with the council's code; a provider whose
/// postcode the directory cannot place is not judged.
fn rule_229<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let Some(council) = postcodes::council(ctx) else {
        return Vec::new();
    };
    let exempt: &[&str] = if ctx.rules_year >= 2025 { NOT_229 } else { &[] };
    known_and(ctx, |e, rows| {
        if exempt.contains(&e.get("PLACE")) {
            return false;
        }
        let las: Vec<&str> = rows.iter().filter_map(provider_la).collect();
        if las.is_empty() {
            return false;
        }
        let inside = las.contains(&council);
        match e.get("PLACE_PROVIDER") {
            "PR1" => !inside,
            "PR2" => inside,
            _ => false,
        }
    })
}

/// 241: "If Ofsted URN is provided and not 'XXXXXXX' and <PL> = 'K3' then
/// <PL_LA> must equal Ofsted URN lookup <LA code> for that URN (where there
/// may be more than one LA per provider in the lookup file)". PL_LA is
/// derived from PL_POST; an episode whose PL_LA cannot be worked out is
/// 169's.
fn rule_241<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    known_and(ctx, |e, rows| {
        if e.get("PLACE") != "K3" {
            return false;
        }
        let Some(pl_la) = postcodes::pl_la(ctx, e) else {
            return false;
        };
        !rows.iter().any(|p| provider_la(p) == Some(pl_la))
    })
}

#[cfg(test)]
mod tests {
    use footprint_domain::dates::CollectionYear;

    use super::super::find_in;
    use super::super::tests::{lines_flagged_with, rows};
    use crate::providers::Providers;
    use crate::raw::RawRow;
    use crate::tables::Table;

    /// Richmond upon Thames (TW1 2AF is in it; CB2 1TN is in
    /// Cambridgeshire, CF10 1EP in Wales).
    const COUNCIL: &str = "E09000027";

    const LIST: &str = "URN,Local authority,Placement code,Placement provider code,Deregistration date,Setting address postcode\n\
        SC1,Richmond upon Thames,K2/H5,PR4,,TW1 2AF\n\
        SC2,Cambridgeshire,K2,PR1,31/12/2025,CB2 1TN\n\
        SC3,Richmond upon Thames,K3,PR4,,TW1 2AF\n\
        SC3,Cambridgeshire,K3,PR4,,CB2 1TN\n\
        SC4,Richmond upon Thames,K2,\"PR1,PR2\",,TW1 2AF\n";

    fn episodes() -> Vec<RawRow> {
        rows(
            Table::Episodes,
            "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n\
             1,01/05/2025,S,C2,N1,K2,PR4,,,,TW1 1AA,TW1 2AF,SC1\n\
             2,01/05/2025,S,C2,N1,K1,PR4,,,,TW1 1AA,TW1 2AF,SC1\n\
             3,01/05/2025,S,C2,N1,K2,PR5,,,,TW1 1AA,TW1 2AF,SC1\n\
             4,01/05/2025,S,C2,N1,K2,PR4,,,,TW1 1AA,CB2 1TN,SC1\n\
             5,01/05/2025,S,C2,N1,K2,PR4,,,,TW1 1AA,TW1 2AF,SC9\n\
             6,01/05/2025,S,C2,N1,K2,PR4,,,,TW1 1AA,TW1 2AF,XXXXXXX\n\
             7,01/01/2026,S,C2,N1,K2,PR1,,,,TW1 1AA,CB2 1TN,SC2\n\
             8,01/05/2025,S,C2,N1,K2,PR1,30/11/2025,E11,,TW1 1AA,CB2 1TN,SC2\n\
             9,01/05/2025,S,C2,N1,K3,PR4,,,,TW1 1AA,CB2 1TN,SC3\n\
             10,01/05/2025,S,C2,N1,K3,PR4,,,,TW1 1AA,CF10 1EP,SC3\n\
             11,01/05/2025,S,C2,N1,K2,PR2,,,,TW1 1AA,TW1 2AF,SC4\n\
             12,01/05/2025,S,C2,N1,K2,PR1,,,,TW1 1AA,TW1 2AF,SC4",
        )
    }

    /// The Episodes lines `code` flags in `year`, with the list or not,
    /// for the council or not.
    fn flagged(
        code: &str,
        year: &str,
        providers: Option<&Providers>,
        council: Option<&str>,
    ) -> Vec<u64> {
        lines_flagged_with(
            code,
            year,
            &episodes(),
            None,
            Table::Episodes,
            council,
            providers,
        )
    }

    #[test]
    fn urns_are_compared_with_ofsted_s_list() {
        let list = Providers::read("providers.csv", LIST.as_bytes()).unwrap();
        let f = |code| flagged(code, "2025-26", Some(&list), Some(COUNCIL));
        // A URN not in the list (SC9); XXXXXXX is not a URN.
        assert_eq!(f("1008"), [6]);
        // K1 at a provider of K2 and H5.
        assert_eq!(f("219"), [3]);
        // PR5 at a provider of PR4.
        assert_eq!(f("224"), [4]);
        // PL_POST not the provider's (Cambridge for SC1; Wales for SC3,
        // whose premises are in Richmond and Cambridge).
        assert_eq!(f("221"), [5, 11]);
        // SC2's registration ended 31 December 2025: a placement starting
        // 1 January 2026 (8), open at 31 March (8); one ending 30 November
        // is fine (9).
        assert_eq!(f("227"), [8]);
        assert_eq!(f("228"), [8]);
        // Own provision (PR1) at a provider in Cambridgeshire (8, 9);
        // another council's (PR2) at one in Richmond (12); K3 is left
        // alone from 2025-26.
        assert_eq!(f("229"), [8, 9, 12]);
        assert!(flagged("229", "2025-26", Some(&list), None).is_empty());
        // K3 in Wales, where SC3 has no premises (11); Cambridge is one
        // of its places (10).
        assert_eq!(f("241"), [11]);
        assert!(find_in("241", 2024).is_none());
        // 2023-24: 221's list has H5, not K3.
        assert_eq!(flagged("221", "2023-24", Some(&list), Some(COUNCIL)), [5]);
    }

    #[test]
    fn without_the_list_they_do_not_run() {
        for code in ["1008", "219", "221", "224", "227", "228", "229", "241"] {
            let rule = find_in(code, 2025).unwrap();
            assert!(rule.providers, "{code}");
            assert!(
                flagged(code, "2025-26", None, Some(COUNCIL)).is_empty(),
                "{code}"
            );
        }
        let list = Providers::read("providers.csv", LIST.as_bytes()).unwrap();
        let set = super::super::for_year(CollectionYear::new(2025));
        let without = set.name(false, None);
        assert!(!without.codes.contains(&"1008"));
        assert!(
            without
                .not_run
                .iter()
                .any(|n| n.rule == "1008" && n.needs.contains("--providers"))
        );
        assert!(without.not_run.iter().any(|n| n.rule == "503G"));
        let with = set.name(true, Some(&list.file));
        assert!(with.codes.contains(&"1008") && with.codes.contains(&"503G"));
        assert!(with.not_run.is_empty());
        assert_eq!(with.providers.as_deref(), Some("providers.csv"));
    }
}
