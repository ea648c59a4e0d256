//! The page templates, embedded in the binary so it runs from any directory.

use minijinja::Environment;

/// Every template, by name.
const TEMPLATES: &[(&str, &str)] = &[
    ("layout.html", include_str!("../templates/layout.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("sign_in.html", include_str!("../templates/sign_in.html")),
    ("error.html", include_str!("../templates/error.html")),
    ("caseload.html", include_str!("../templates/caseload.html")),
    ("children.html", include_str!("../templates/children.html")),
    ("child.html", include_str!("../templates/child.html")),
    (
        "review_form.html",
        include_str!("../templates/review_form.html"),
    ),
    (
        "case_record_form.html",
        include_str!("../templates/case_record_form.html"),
    ),
    (
        "foster_carer_reviews.html",
        include_str!("../templates/foster_carer_reviews.html"),
    ),
    (
        "case_file_audits.html",
        include_str!("../templates/case_file_audits.html"),
    ),
    (
        "private_fostering.html",
        include_str!("../templates/private_fostering.html"),
    ),
    (
        "private_fostering_child.html",
        include_str!("../templates/private_fostering_child.html"),
    ),
    (
        "health_form.html",
        include_str!("../templates/health_form.html"),
    ),
    ("review.html", include_str!("../templates/review.html")),
    (
        "held_record.html",
        include_str!("../templates/held_record.html"),
    ),
    (
        "held_form.html",
        include_str!("../templates/held_form.html"),
    ),
    (
        "challenge_correct.html",
        include_str!("../templates/challenge_correct.html"),
    ),
    ("record.html", include_str!("../templates/record.html")),
    ("letter.html", include_str!("../templates/letter.html")),
    ("due.html", include_str!("../templates/due.html")),
    (
        "outstanding.html",
        include_str!("../templates/outstanding.html"),
    ),
    (
        "dashboard.html",
        include_str!("../templates/dashboard.html"),
    ),
    (
        "allocations.html",
        include_str!("../templates/allocations.html"),
    ),
    (
        "date_changes.html",
        include_str!("../templates/date_changes.html"),
    ),
    ("reports.html", include_str!("../templates/reports.html")),
    (
        "report_settings.html",
        include_str!("../templates/report_settings.html"),
    ),
    ("returns.html", include_str!("../templates/returns.html")),
    ("job.html", include_str!("../templates/job.html")),
    ("figure.html", include_str!("../templates/figure.html")),
    (
        "problems_by_rule.html",
        include_str!("../templates/problems_by_rule.html"),
    ),
    (
        "data_quality.html",
        include_str!("../templates/data_quality.html"),
    ),
    (
        "challenges.html",
        include_str!("../templates/challenges.html"),
    ),
    (
        "challenge.html",
        include_str!("../templates/challenge.html"),
    ),
    (
        "challenge_form.html",
        include_str!("../templates/challenge_form.html"),
    ),
    ("fields.html", include_str!("../templates/fields.html")),
    ("users.html", include_str!("../templates/users.html")),
    ("user.html", include_str!("../templates/user.html")),
    (
        "account_password.html",
        include_str!("../templates/account_password.html"),
    ),
    (
        "password_reset.html",
        include_str!("../templates/password_reset.html"),
    ),
    ("audit.html", include_str!("../templates/audit.html")),
    ("settings.html", include_str!("../templates/settings.html")),
    (
        "settings_list.html",
        include_str!("../templates/settings_list.html"),
    ),
];

/// The template environment with every template loaded. Fails only if a
/// template does not parse, which the tests catch.
pub fn environment() -> Result<Environment<'static>, minijinja::Error> {
    let mut env = Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Lenient);
    for (name, source) in TEMPLATES {
        env.add_template(name, source)?;
    }
    env.add_filter("uk_date", uk_date);
    env.add_filter("date_parts", date_parts);
    Ok(env)
}

/// `2025-03-04` → `4 Mar 2025`; anything else is shown as it is.
/// A date as a form holds it (`yyyy-mm-dd`, or `d/m/yyyy` as the three
/// fields of a GOV.UK date input sent it) split into [day, month, year] for
/// those fields; anything else gives three blanks.
fn date_parts(value: Option<String>) -> Vec<String> {
    let v = value.unwrap_or_default();
    let v = v.trim();
    let parts: Vec<&str> = if v.contains('/') {
        v.split('/').collect()
    } else {
        let mut p: Vec<&str> = v.split('-').collect();
        p.reverse();
        p
    };
    if parts.len() == 3 {
        parts
            .iter()
            .map(|p| {
                let t = p.trim();
                // 2025-03-04 shows as 4, 3, 2025.
                match t.trim_start_matches('0') {
                    "" if !t.is_empty() => "0".to_owned(),
                    rest if t.len() <= 2 => rest.to_owned(),
                    _ => t.to_owned(),
                }
            })
            .collect()
    } else {
        vec![String::new(); 3]
    }
}

fn uk_date(value: String) -> String {
    match chrono::NaiveDate::parse_from_str(&value, "%Y-%m-%d") {
        Ok(d) => d.format("%-d %b %Y").to_string(),
        Err(_) => value,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_template_parses() {
        let env = super::environment().expect("templates parse");
        for (name, _) in super::TEMPLATES {
            assert!(env.get_template(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn dates_split_into_the_three_fields() {
        assert_eq!(
            super::date_parts(Some("2025-03-04".into())),
            ["4", "3", "2025"]
        );
        assert_eq!(
            super::date_parts(Some("12/ /2025".into())),
            ["12", "", "2025"]
        );
        assert_eq!(super::date_parts(None), ["", "", ""]);
    }

    #[test]
    fn uk_dates_are_short_and_unambiguous() {
        assert_eq!(super::uk_date("2025-03-04".into()), "4 Mar 2025");
        assert_eq!(super::uk_date("n/a".into()), "n/a");
    }
}
