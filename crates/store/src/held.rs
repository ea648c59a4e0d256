//! How a return kept as it came is written in `returns_held.records`, and a
//! record of the 903's other tables in `return_table_records.record`: JSON
//! in which every record is an array of its fields in their declared order
//! (`["2019-07-02","2020-04-05","P","C2",…]`) instead of an object naming
//! each field. The names were three quarters of each row: an England-sized
//! council's five returns held 850 MB of JSON with names, and about a
//! quarter of that without (docs/benchmarks.md, eleventh round). It is still
//! JSON, so the `sqlite3` shell and `psql` read it, and rows written with
//! names by earlier versions read back as they are: serde reads a
//! record from an object or from an array.
//!
//! The catch of an array is that a record's fields are known by their
//! place. So a field added to a record held here (`Child`, `Episode`,
//! `Review`, `MissingEpisode`, `HealthOutcomes` and the other tables'
//! records) goes **at the end**, with `#[serde(default)]`, and fields are
//! never reordered: `tests::a_row_written_before_reads_back_the_same`
//! reads a row with every field set, written once, and fails if either rule
//! is broken. A field skipped when serialised (`skip_serializing_if`) would
//! move the ones after it, so writing one is refused.
//!
//! No crate does this: serde's own derive reads a struct from an array, and
//! writing one is a thin adapter over `serde_json`'s serializer below.

use serde::ser::{
    Error as _, Serialize, SerializeMap, SerializeSeq, SerializeStruct, SerializeStructVariant,
    SerializeTuple, SerializeTupleStruct, SerializeTupleVariant, Serializer,
};

/// `value` as JSON with every struct written as an array of its fields.
pub(crate) fn to_string<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::with_capacity(256);
    value.serialize(Positional(&mut serde_json::Serializer::new(&mut out)))?;
    // serde_json writes only UTF-8.
    String::from_utf8(out).map_err(serde_json::Error::custom)
}

/// A serializer that passes everything on to `S`, but a struct as a tuple.
struct Positional<S>(S);

/// A value serialised through [`Positional`] (for the values inside one).
struct Inner<'a, T: ?Sized>(&'a T);

impl<T: Serialize + ?Sized> Serialize for Inner<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(Positional(s))
    }
}

/// The compound serialisers of `S`, each passing its values on through
/// [`Inner`].
struct Each<C>(C);

macro_rules! forward {
    ($($name:ident: $t:ty),* $(,)?) => {
        $(fn $name(self, v: $t) -> Result<S::Ok, S::Error> {
            self.0.$name(v)
        })*
    };
}

impl<S: Serializer> Serializer for Positional<S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = Each<S::SerializeSeq>;
    type SerializeTuple = Each<S::SerializeTuple>;
    type SerializeTupleStruct = Each<S::SerializeTupleStruct>;
    type SerializeTupleVariant = Each<S::SerializeTupleVariant>;
    type SerializeMap = Each<S::SerializeMap>;
    type SerializeStruct = Each<S::SerializeTuple>;
    type SerializeStructVariant = Each<S::SerializeTupleVariant>;

    forward! {
        serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_i128: i128, serialize_u8: u8, serialize_u16: u16,
        serialize_u32: u32, serialize_u64: u64, serialize_u128: u128, serialize_f32: f32,
        serialize_f64: f64, serialize_char: char, serialize_str: &str, serialize_bytes: &[u8],
    }

    fn serialize_none(self) -> Result<S::Ok, S::Error> {
        self.0.serialize_none()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<S::Ok, S::Error> {
        self.0.serialize_some(&Inner(v))
    }
    fn serialize_unit(self) -> Result<S::Ok, S::Error> {
        self.0.serialize_unit()
    }
    fn serialize_unit_struct(self, name: &'static str) -> Result<S::Ok, S::Error> {
        self.0.serialize_unit_struct(name)
    }
    fn serialize_unit_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
    ) -> Result<S::Ok, S::Error> {
        self.0.serialize_unit_variant(name, index, variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        v: &T,
    ) -> Result<S::Ok, S::Error> {
        self.0.serialize_newtype_struct(name, &Inner(v))
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<S::Ok, S::Error> {
        self.0
            .serialize_newtype_variant(name, index, variant, &Inner(v))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq, S::Error> {
        self.0.serialize_seq(len).map(Each)
    }
    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, S::Error> {
        self.0.serialize_tuple(len).map(Each)
    }
    fn serialize_tuple_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleStruct, S::Error> {
        self.0.serialize_tuple_struct(name, len).map(Each)
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant, S::Error> {
        self.0
            .serialize_tuple_variant(name, index, variant, len)
            .map(Each)
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap, S::Error> {
        self.0.serialize_map(len).map(Each)
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, S::Error> {
        self.0.serialize_tuple(len).map(Each)
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant, S::Error> {
        self.0
            .serialize_tuple_variant(name, index, variant, len)
            .map(Each)
    }
}

impl<C: SerializeSeq> SerializeSeq for Each<C> {
    type Ok = C::Ok;
    type Error = C::Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), C::Error> {
        self.0.serialize_element(&Inner(v))
    }
    fn end(self) -> Result<C::Ok, C::Error> {
        self.0.end()
    }
}

impl<C: SerializeTuple> SerializeTuple for Each<C> {
    type Ok = C::Ok;
    type Error = C::Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), C::Error> {
        self.0.serialize_element(&Inner(v))
    }
    fn end(self) -> Result<C::Ok, C::Error> {
        self.0.end()
    }
}

impl<C: SerializeTupleStruct> SerializeTupleStruct for Each<C> {
    type Ok = C::Ok;
    type Error = C::Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), C::Error> {
        self.0.serialize_field(&Inner(v))
    }
    fn end(self) -> Result<C::Ok, C::Error> {
        self.0.end()
    }
}

impl<C: SerializeTupleVariant> SerializeTupleVariant for Each<C> {
    type Ok = C::Ok;
    type Error = C::Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), C::Error> {
        self.0.serialize_field(&Inner(v))
    }
    fn end(self) -> Result<C::Ok, C::Error> {
        self.0.end()
    }
}

impl<C: SerializeMap> SerializeMap for Each<C> {
    type Ok = C::Ok;
    type Error = C::Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, k: &T) -> Result<(), C::Error> {
        self.0.serialize_key(&Inner(k))
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), C::Error> {
        self.0.serialize_value(&Inner(v))
    }
    fn end(self) -> Result<C::Ok, C::Error> {
        self.0.end()
    }
}

/// Why a skipped field is refused: the fields after it would move.
fn skipped<E: serde::ser::Error>(key: &'static str) -> E {
    E::custom(format!(
        "the field {key} is skipped when written, which would move the fields after it \
         in a record held by position"
    ))
}

/// A struct's fields, as the elements of a tuple.
impl<C: SerializeTuple> SerializeStruct for Each<C> {
    type Ok = C::Ok;
    type Error = C::Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        _key: &'static str,
        v: &T,
    ) -> Result<(), C::Error> {
        self.0.serialize_element(&Inner(v))
    }
    fn skip_field(&mut self, key: &'static str) -> Result<(), C::Error> {
        Err(skipped(key))
    }
    fn end(self) -> Result<C::Ok, C::Error> {
        self.0.end()
    }
}

/// A struct variant's fields, as a tuple variant's.
impl<C: SerializeTupleVariant> SerializeStructVariant for Each<C> {
    type Ok = C::Ok;
    type Error = C::Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        _key: &'static str,
        v: &T,
    ) -> Result<(), C::Error> {
        self.0.serialize_field(&Inner(v))
    }
    fn skip_field(&mut self, key: &'static str) -> Result<(), C::Error> {
        Err(skipped(key))
    }
    fn end(self) -> Result<C::Ok, C::Error> {
        self.0.end()
    }
}

#[cfg(test)]
mod tests {
    use footprint_domain::returns::ReturnRecords;

    /// One child's part of a return with every record kind and every field
    /// set, each to a value no neighbouring field of the same type has, as
    /// earlier versions wrote it (with names).
    const NAMED: &str = r#"{"children":[{"id":"C1","sex":"F","date_of_birth":"2010-01-02","ethnicity":"WBRI","upn":"A123456789012","mother":true,"mothers_child_dob":"2025-03-04","uasc":{"ceased":"2024-05-06"},"name":null}],
"episodes":[{"child":"C1","start":"2024-04-01","end":"2024-09-30","reason_new":"P","legal_status":"C2","category_of_need":"N1","placement":"U3","provider":"PR1","reason_ceased":"E11","reason_place_change":"LAREQ","home_postcode":"TW1 1AA","placement_postcode":"TW2 2BB","urn":"SC123456"}],
"reviews":[{"child":"C1","date":"2024-04-20","participation":"PN1","details":null}],
"missing":[{"child":"C1","kind":"M","start":"2024-06-01","end":"2024-06-03"}],
"health_outcomes":[{"child":"C1","year":"2024-25","sdq_score":17,"sdq_reason":"SDQ1","convicted":false,"health_check":true,"immunisations":false,"teeth_check":true,"health_assessment":false,"substance_misuse":true,"intervention_received":false,"intervention_offered":true}],
"tables":{"care_leavers":[{"child":"C1","year":"2024-25","in_touch":"YES","activity":"F1","accommodation":"Y1"}],
"adoptions":[{"child":"C1","year":"2024-25","decided":"2024-01-13","matched":"2024-08-13","by_foster_carer":true,"adopters":2,"adopters_sex":"MF","adopters_legal_status":"L11"}],
"adoption_decisions":[{"child":"C1","decided":"2024-01-13","ceased":"2024-10-01","reason_ceased":"RD1"}],
"previous_permanence":[{"child":"C1","year":"2024-25","kind":"Z1","local_authority":"318","date":"01/02/2020"}],
"social_workers":[{"child":"C1","start":"2024-04-01","end":"2024-07-01","worker":"SW01478","reason":"CHCHAN"}],
"deprivation_of_liberty":[{"child":"C1","start":"2024-05-01","end":"2024-08-01"}]}}"#;

    /// The same, as this version writes it, kept as it was first written.
    const POSITIONAL: &str = r#"[[["C1","F","2010-01-02","WBRI","A123456789012",true,"2025-03-04",["2024-05-06"],null]],[["C1","2024-04-01","2024-09-30","P","C2","N1","U3","PR1","E11","LAREQ","TW1 1AA","TW2 2BB","SC123456"]],[["C1","2024-04-20","PN1",null]],[["C1","M","2024-06-01","2024-06-03"]],[["C1","2024-25",17,"SDQ1",false,true,false,true,false,true,false,true]],[[["C1","2024-25","YES","F1","Y1"]],[["C1","2024-25","2024-01-13","2024-08-13",true,2,"MF","L11"]],[["C1","2024-01-13","2024-10-01","RD1"]],[["C1","2024-25","Z1","318","01/02/2020"]],[["C1","2024-04-01","2024-07-01","SW01478","CHCHAN"]],[["C1","2024-05-01","2024-08-01"]]]]"#;

    fn named() -> ReturnRecords {
        serde_json::from_str(NAMED).expect("the records with names read")
    }

    #[test]
    fn a_record_is_written_as_an_array_of_its_fields() {
        assert_eq!(super::to_string(&named()).unwrap(), POSITIONAL);
    }

    /// Fails when a field of a record held is moved, or added anywhere but
    /// at the end with `#[serde(default)]`: rows written before would read
    /// back wrong, or not at all.
    #[test]
    fn a_row_written_before_reads_back_the_same() {
        let read: ReturnRecords =
            serde_json::from_str(POSITIONAL).expect("a row written before reads");
        assert_eq!(read, named());
    }

    #[test]
    fn rows_written_with_names_still_read() {
        let r = named();
        assert_eq!(r.children.len(), 1);
        assert_eq!(r.tables.len(), 6);
        let again: ReturnRecords = serde_json::from_str(&super::to_string(&r).unwrap()).unwrap();
        assert_eq!(again, r);
    }

    /// A table added to the end of a return reads as empty from a row
    /// written before it, as with names.
    #[test]
    fn a_shorter_row_reads_with_the_later_tables_empty() {
        let read: ReturnRecords = serde_json::from_str(r#"[[],[],[],[]]"#).unwrap();
        assert_eq!(read, ReturnRecords::default());
    }

    #[derive(serde::Serialize)]
    struct Skips {
        a: u8,
        #[serde(skip_serializing_if = "Option::is_none")]
        b: Option<u8>,
        c: u8,
    }

    #[test]
    fn a_field_skipped_when_written_is_refused() {
        let e = super::to_string(&Skips {
            a: 1,
            b: None,
            c: 3,
        })
        .unwrap_err();
        assert!(e.to_string().contains("the field b is skipped"), "{e}");
        assert_eq!(
            super::to_string(&Skips {
                a: 1,
                b: Some(2),
                c: 3
            })
            .unwrap(),
            "[1,2,3]"
        );
    }
}
