//! Children's names on the pages: a template value that looks a child's name
//! up by identifier, only when a page shows that child.
//!
//! Pages that list children pass `names` (from [`child_names`]) and render
//! each child with the `child_link` macro: the name, then the identifier, or
//! the identifier alone where no name is recorded. Names are personal data:
//! only the pages of the roles that work with children pass them (the
//! analyst's data-quality page shows identifiers), and they are never
//! logged.

use std::collections::HashMap;
use std::sync::Arc;

use footprint_domain::model::Dataset;
use minijinja::Value;
use minijinja::value::Object;

#[derive(Debug)]
enum Index {
    /// The store's datasets hold their children sorted by identifier: look
    /// up by binary search, no copy.
    Sorted(Arc<Dataset>),
    /// Any other order (a dataset built by hand): a map of the named ones.
    Map(HashMap<String, String>),
}

/// The names of a dataset's children, by identifier, for the templates.
#[derive(Debug)]
pub struct ChildNames(Index);

impl ChildNames {
    pub fn new(ds: &Arc<Dataset>) -> ChildNames {
        if ds.children.is_sorted_by(|a, b| a.id < b.id) {
            ChildNames(Index::Sorted(ds.clone()))
        } else {
            ChildNames(Index::Map(
                ds.children
                    .iter()
                    .filter_map(|c| c.name.as_ref().map(|n| (c.id.to_string(), n.to_string())))
                    .collect(),
            ))
        }
    }

    /// The recorded name of the child `id`, if any.
    pub fn get(&self, id: &str) -> Option<String> {
        match &self.0 {
            Index::Sorted(ds) => {
                let i = ds
                    .children
                    .binary_search_by(|c| c.id.as_str().cmp(id))
                    .ok()?;
                ds.children[i].name.as_ref().map(ToString::to_string)
            }
            Index::Map(m) => m.get(id).cloned(),
        }
    }
}

impl Object for ChildNames {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get(key.as_str()?).map(Value::from)
    }
}

/// The `names` value the templates' `child_link` macro takes.
pub fn child_names(ds: &Arc<Dataset>) -> Value {
    Value::from_object(ChildNames::new(ds))
}

/// The `names` value for the records a page read for itself (a caseload, a
/// child and their brothers and sisters): a map of the named children.
pub fn names_of(ds: &Dataset) -> Value {
    Value::from_object(ChildNames(Index::Map(
        ds.children
            .iter()
            .filter_map(|c| c.name.as_ref().map(|n| (c.id.to_string(), n.to_string())))
            .collect(),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use footprint_domain::model::{Child, ChildName};

    fn child(id: &str, name: Option<(&str, &str)>) -> Child {
        Child {
            id: id.parse().unwrap(),
            sex: "1".parse().unwrap(),
            date_of_birth: chrono::NaiveDate::from_ymd_opt(2015, 1, 1).unwrap(),
            ethnicity: "WBRI".parse().unwrap(),
            upn: None,
            mother: None,
            mothers_child_dob: None,
            uasc: None,
            name: name.map(|(g, f)| ChildName::new(g, f).unwrap()),
        }
    }

    #[test]
    fn names_are_found_in_sorted_and_unsorted_datasets() {
        for children in [
            vec![
                child("A1", Some(("Amara", "Okafor"))),
                child("B2", None),
                child("C3", Some(("Sam", "Smith"))),
            ],
            vec![
                child("C3", Some(("Sam", "Smith"))),
                child("A1", Some(("Amara", "Okafor"))),
                child("B2", None),
            ],
        ] {
            let ds = Arc::new(Dataset {
                children,
                ..Dataset::default()
            });
            let names = ChildNames::new(&ds);
            assert_eq!(names.get("A1").as_deref(), Some("Amara Okafor"));
            assert_eq!(names.get("C3").as_deref(), Some("Sam Smith"));
            assert_eq!(names.get("B2"), None);
            assert_eq!(names.get("ZZ"), None);
        }
    }

    #[test]
    fn the_macro_shows_the_name_and_the_identifier_or_the_identifier_alone() {
        let mut env = crate::templates::environment().unwrap();
        let ds = Arc::new(Dataset {
            children: vec![child("A1", Some(("Amara", "O'Neil"))), child("B2", None)],
            ..Dataset::default()
        });
        // Named .html, as the pages are, so it is escaped as they are.
        env.add_template(
            "probe.html",r#"{% import "macros.html" as m %}{{ m.child_link("A1", names) }}|{{ m.child_link("B2", names) }}"#,
        )
        .unwrap();
        let t = env.get_template("probe.html").unwrap();
        let html = t
            .render(minijinja::context! { names => child_names(&ds) })
            .unwrap();
        assert!(html.contains(r#"href="/children/A1""#), "{html}");
        assert!(
            html.contains("Amara O&#x27;Neil"),
            "the name is escaped: {html}"
        );
        assert!(
            html.contains(r#"<span class="fp-child-id">A1</span>"#),
            "{html}"
        );
        let b2 = html.split('|').nth(1).unwrap();
        assert!(
            b2.contains(">B2</a>") && !b2.contains("fp-child-id"),
            "{b2}"
        );
    }
}
