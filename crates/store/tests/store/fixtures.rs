//! Small builders for test records.

use chrono::NaiveDate;
use footprint_domain::dates::CollectionYear;
use footprint_domain::model::{Child, ChildId, Episode, MissingEpisode, Review};
use footprint_store::ImportBatch;

pub fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
}

pub fn id(s: &str) -> ChildId {
    s.parse().expect("test child id")
}

pub fn child(cid: &str, dob: &str) -> Child {
    Child {
        id: id(cid),
        sex: "2".parse().unwrap(),
        date_of_birth: d(dob),
        ethnicity: "WBRI".parse().unwrap(),
        upn: None,
        mother: None,
        mothers_child_dob: None,
        uasc: None,
        name: None,
    }
}

pub fn episode(cid: &str, start: &str, end: Option<&str>) -> Episode {
    Episode {
        child: id(cid),
        start: d(start),
        end: end.map(d),
        reason_new: "S".parse().unwrap(),
        legal_status: "C2".parse().unwrap(),
        category_of_need: Some("N1".parse().unwrap()),
        placement: "U1".parse().unwrap(),
        provider: Some("PR1".parse().unwrap()),
        reason_ceased: end.map(|_| "E11".parse().unwrap()),
        reason_place_change: None,
        home_postcode: Some("AB1 2CD".to_owned()),
        placement_postcode: None,
        urn: None,
    }
}

pub fn review(cid: &str, date: &str, pn: &str) -> Review {
    Review {
        child: id(cid),
        date: d(date),
        participation: Some(pn.parse().unwrap()),
        details: None,
    }
}

pub fn missing(cid: &str, start: &str, end: Option<&str>) -> MissingEpisode {
    MissingEpisode {
        child: id(cid),
        kind: "M".parse().unwrap(),
        start: d(start),
        end: end.map(d),
    }
}

pub fn batch(year: &str) -> ImportBatch {
    ImportBatch {
        year: year.parse::<CollectionYear>().expect("test year"),
        source: format!("903 {year}"),
        children: Vec::new(),
        episodes: Vec::new(),
        reviews: Vec::new(),
        missing: Vec::new(),
        health_outcomes: Vec::new(),
        tables: Default::default(),
        problems: Vec::new(),
    }
}

/// The dataset as JSON, for comparing (Dataset has no PartialEq).
pub fn json<T: serde::Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).expect("serialise")
}
