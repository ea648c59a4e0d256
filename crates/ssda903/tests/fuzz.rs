//! Whatever bytes the readers are given, they report problems and never
//! panic.

mod common;

use common::*;
use proptest::prelude::*;

const XML_BITS: &[&str] = &[
    "<EXPSSDA903>",
    "</EXPSSDA903>",
    "<CHILD>",
    "</CHILD>",
    "<HEADER>",
    "</HEADER>",
    "<CHILDID>1</CHILDID>",
    "<DOB>01/01/2010</DOB>",
    "<SEX>1</SEX>",
    "<ETHNIC>WBRI</ETHNIC>",
    "<EPISODE>",
    "</EPISODE>",
    "<DECOM>01/05/2021</DECOM>",
    "<RNE>S</RNE>",
    "<LS>C2</LS>",
    "<PL>U4</PL>",
    "<DEC />",
    "<AREVIEW>",
    "</AREVIEW>",
    "<REVIEW>31/02/2021</REVIEW>",
    "<REVIEW_CODE>PN1</REVIEW_CODE>",
    "&amp;",
    "&bogus;",
    "&#0;",
    "<![CDATA[x]]>",
    "<",
    ">",
    "\n",
    "<UASC>1</UASC>",
    "<AMISSING>",
    "</AMISSING>",
    "<X>",
    "</X>",
    "<?xml version=\"1.0\"?>",
];

const CSV_BITS: &[&str] = &[
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n",
    "CHILD,DOB,REVIEW,REVIEW_CODE\n",
    "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n",
    "1,",
    "01/05/2021,",
    "S,",
    "C2,",
    "\"",
    "\r\n",
    "\n",
    ",",
    "PN1",
    "31/02/2021",
    "\u{feff}",
    "\u{e9}",
    "\u{0}",
];

fn pieces(bits: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(bits), 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        for input in [
            footprint_ssda903::Input { name: "x.csv".into(), format: footprint_ssda903::Format::Csv, bytes: bytes.clone() },
            footprint_ssda903::Input { name: "x.xml".into(), format: footprint_ssda903::Format::Xml, bytes },
        ] {
            let _ = read(&[input]);
        }
    }

    #[test]
    fn near_miss_xml_never_panics(text in pieces(XML_BITS)) {
        let parsed = read(&[xml("x.xml", &text)]);
        for p in &parsed.problems {
            prop_assert_eq!(p.file.as_str(), "x.xml");
        }
    }

    #[test]
    fn near_miss_csv_never_panics(text in pieces(CSV_BITS)) {
        let parsed = read(&[csv("x.csv", &text)]);
        for p in &parsed.problems {
            prop_assert!(p.line.is_none_or(|l| l as usize <= text.lines().count() + 1));
        }
    }
}
