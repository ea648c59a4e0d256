//! The XML form: structure, renamed elements, empty elements, line numbers,
//! and documents that are not well-formed.

mod common;

use common::*;
use footprint_domain::codes::PlacementType;
use footprint_ssda903::{Severity, Table};

const XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<EXPSSDA903>
  <CHILD>
    <HEADER>
      <CHILDID>1001</CHILDID>
      <UPN>A123456789012</UPN>
      <SEX>1</SEX>
      <DOB>15/06/2010</DOB>
      <ETHNIC>WBRI</ETHNIC>
      <UASC>1</UASC>
      <DUC>01/01/2022</DUC>
      <IN_TOUCH>YES</IN_TOUCH>
      <AREVIEW>
        <REVIEW>28/05/2021</REVIEW>
        <REVIEW_CODE>PN1</REVIEW_CODE>
      </AREVIEW>
      <AREVIEW>
        <REVIEW>28/11/2021</REVIEW>
        <REVIEW_CODE>PN9</REVIEW_CODE>
      </AREVIEW>
      <MOTHER />
      <MC_DOB />
    </HEADER>
    <EPISODE>
      <DECOM>01/05/2021</DECOM><RNE>S</RNE><LS>C2</LS><CIN>N1</CIN><PL>U4</PL>
      <PL_POST>TW1 2AF</PL_POST><HOME_POST /><URN>SC123456</URN><PLACE_PROVIDER>PR1</PLACE_PROVIDER>
      <DEC /><REC /><REASON_PLACE_CHANGE />
    </EPISODE>
  </CHILD>
</EXPSSDA903>
"#;

#[test]
fn the_xml_form_reads_into_the_same_records() {
    let p = read(&[xml("r.xml", XML)]);
    assert_eq!(p.ret.children.len(), 1);
    let child = &p.ret.children[0];
    assert_eq!(child.record.id.as_str(), "1001");
    assert_eq!(child.record.upn.as_deref(), Some("A123456789012"));
    assert!(child.record.uasc.is_some(), "UASC folded into the child");
    assert_eq!(child.source.line, 4, "the line of <HEADER>");
    assert_eq!(p.ret.episodes.len(), 1);
    let ep = &p.ret.episodes[0];
    assert_eq!(ep.record.placement, PlacementType::U4, "PL is PLACE");
    assert_eq!(ep.record.end, None, "<DEC /> is blank");
    assert_eq!(ep.record.urn.as_deref(), Some("SC123456"));
    assert_eq!((ep.source.line, ep.source.column), (24, Some(5)));
    assert_eq!(p.ret.reviews.len(), 1, "the PN9 review is refused");
    assert!(p.ret.other_tables.iter().any(|t| t.table == Table::Oc3));

    let e = only(&p, "167");
    assert_at(&e, "r.xml", 19, "REVIEW_CODE");
    assert_eq!(e.value.as_deref(), Some("PN9"));
    assert!(e.message.starts_with("child 1001: "), "{}", e.message);
    // IN_TOUCH alone, for an 11-year-old, is there to make an OC3 row: the
    // DfE's rules 153 (all three care leaver items or none) and 391 (not
    // yet 17) flag it. Nothing else.
    let others: Vec<_> = p
        .problems
        .iter()
        .filter_map(|p| p.rule.as_deref())
        .filter(|r| *r != "167")
        .collect();
    assert_eq!(others, ["153", "391"], "{:#?}", p.problems);
}

#[test]
fn a_document_that_is_not_well_formed_is_one_fatal_problem() {
    let broken = XML.replace(
        "</AREVIEW>\n      <MOTHER />",
        "</AREVIEWX>\n      <MOTHER />",
    );
    let p = read(&[xml("r.xml", &broken)]);
    let e = p
        .problems
        .iter()
        .find(|p| p.message.contains("not well-formed"))
        .expect("reported");
    assert_eq!(e.line, Some(20), "the line of </AREVIEWX>");
    assert_eq!(e.severity, Severity::Fatal);

    let p = read(&[xml("r.xml", "<ROOT><CHILD/></ROOT>")]);
    assert!(p.problems[0].message.contains("<EXPSSDA903>"));
    let p = read(&[xml("r.xml", "")]);
    assert!(p.is_fatal());
    let p = read(&[xml("r.xml", "<EXPSSDA903><CHILD><HEADER>")]);
    assert!(
        p.problems.iter().any(|p| p.message.contains("ends before")),
        "{:#?}",
        p.problems
    );
}

#[test]
fn unexpected_elements_are_warnings_and_entities_are_read() {
    let odd = XML
        .replace("<MOTHER />", "<FAVOURITE><X>1</X></FAVOURITE><MOTHER />")
        .replace("SC123456", "SC&#49;23&amp;456");
    let p = read(&[xml("r.xml", &odd)]);
    let w = only_with(&p, "<FAVOURITE> is not expected inside <HEADER>");
    assert_eq!(w.severity, Severity::Warning);
    assert_eq!(p.ret.episodes[0].record.urn.as_deref(), Some("SC123&456"));
}

/// A row's values are kept in blocks of 64 KiB: a value that would take a
/// row past it is not read, and says so where it is (the rest of the return
/// is read).
#[test]
fn a_value_past_a_rows_64_kib_is_a_fatal_problem_at_its_element() {
    let long = "9".repeat(70_000);
    let text = XML.replace("<UPN>A123456789012</UPN>", &format!("<UPN>{long}</UPN>"));
    let p = read(&[xml("r.xml", &text)]);
    let found: Vec<_> = p
        .problems
        .iter()
        .filter(|p| p.message.contains("64 KiB"))
        .collect();
    assert_eq!(found.len(), 1, "{:#?}", p.problems);
    assert_eq!(found[0].severity, Severity::Fatal);
    assert_eq!(found[0].line, Some(6));
    assert_eq!(found[0].column.as_deref(), Some("UPN"));
    assert_eq!(p.ret.episodes.len(), 1);
}
