//! Roles and the one table that says which roles may use which route.
//!
//! Every route of the application is listed in [`ROUTES`] with the roles that
//! need it; [`crate::access::authorize`] enforces the table on every request
//! and the router is checked against it in the tests, so a route cannot be
//! added without saying who may use it.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// A user's role. A user has exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// An Independent Reviewing Officer: their own caseload, reviews, visits,
    /// midway checks and challenges.
    Iro,
    /// The IRO service manager: dashboard, allocation, authorisations,
    /// reports and everything an IRO can do.
    Manager,
    /// Business support: due lists and the decisions/record chase list.
    BusinessSupport,
    /// A performance analyst: reports and data quality only; never free text
    /// about a child.
    Analyst,
    /// A system administrator: users, settings and the audit log; no child
    /// records.
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Iro,
        Role::Manager,
        Role::BusinessSupport,
        Role::Analyst,
        Role::Admin,
    ];

    /// The key stored in the database and accepted on the command line.
    pub fn key(self) -> &'static str {
        match self {
            Role::Iro => "iro",
            Role::Manager => "manager",
            Role::BusinessSupport => "business_support",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Iro => "IRO",
            Role::Manager => "IRO service manager",
            Role::BusinessSupport => "Business support",
            Role::Analyst => "Performance analyst",
            Role::Admin => "Administrator",
        }
    }

    /// Where a user of this role lands after signing in.
    pub fn home(self) -> &'static str {
        match self {
            Role::Iro => "/caseload",
            Role::Manager => "/dashboard",
            Role::BusinessSupport => "/due",
            Role::Analyst => "/reports",
            Role::Admin => "/admin/users",
        }
    }
}

impl Role {
    /// The role of a stored user.
    pub fn from_store(role: footprint_store::Role) -> Option<Role> {
        role.key().parse().ok()
    }

    /// The role as the store keeps it.
    pub fn to_store(self) -> Option<footprint_store::Role> {
        footprint_store::Role::from_key(self.key())
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// A role name that is not one of ours.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a role: expected one of iro, manager, business_support, analyst, admin")]
pub struct RoleError(pub String);

impl FromStr for Role {
    type Err = RoleError;
    fn from_str(s: &str) -> Result<Self, RoleError> {
        let norm = s.trim().to_ascii_lowercase().replace('-', "_");
        Role::ALL
            .into_iter()
            .find(|r| r.key() == norm)
            .ok_or_else(|| RoleError(s.to_owned()))
    }
}

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (sign-in page, assets).
    Public,
    /// Any signed-in user, whatever the role.
    SignedIn,
    /// Only these roles.
    Roles(&'static [Role]),
}

impl Access {
    pub fn allows(self, role: Role) -> bool {
        match self {
            Access::Public | Access::SignedIn => true,
            Access::Roles(roles) => roles.contains(&role),
        }
    }
}

/// HTTP method of a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// One route: method, axum path pattern, and who may use it.
#[derive(Debug, Clone, Copy)]
pub struct RouteRule {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
}

use Role::{Admin, Analyst, BusinessSupport, Iro, Manager};

const IRO_WORK: &[Role] = &[Iro, Manager];
const CHILD_RECORD: &[Role] = &[Iro, Manager, BusinessSupport];
const SCHEDULING: &[Role] = &[Manager, BusinessSupport];
const MANAGER: &[Role] = &[Manager];
const REPORTS: &[Role] = &[Manager, Analyst];
const ADMIN: &[Role] = &[Admin];
/// Who imports the 903 return and case-management files.
const IMPORT: &[Role] = &[Analyst, Admin];
/// Who uses the returns screen: importing, exporting, or both.
const RETURNS: &[Role] = &[Manager, Analyst, Admin];
const DATE_CHANGE_REQUEST: &[Role] = &[Iro, Manager, BusinessSupport];

const fn get(path: &'static str, access: Access) -> RouteRule {
    RouteRule {
        method: Method::Get,
        path,
        access,
    }
}

const fn post(path: &'static str, access: Access) -> RouteRule {
    RouteRule {
        method: Method::Post,
        path,
        access,
    }
}

/// Every route of the application and the roles that need it.
pub const ROUTES: &[RouteRule] = &[
    get("/", Access::SignedIn),
    get("/sign-in", Access::Public),
    post("/sign-in", Access::Public),
    post("/sign-out", Access::SignedIn),
    get("/password-reset", Access::Public),
    post("/password-reset", Access::Public),
    get("/account/password", Access::SignedIn),
    post("/account/password", Access::SignedIn),
    get("/assets/{file}", Access::Public),
    // IRO work
    get("/caseload", Access::Roles(&[Iro])),
    get("/children", Access::Roles(CHILD_RECORD)),
    get("/children/{child}", Access::Roles(CHILD_RECORD)),
    get("/children/{child}/reviews/new", Access::Roles(IRO_WORK)),
    post("/children/{child}/reviews", Access::Roles(IRO_WORK)),
    get(
        "/children/{child}/reviews/{review}",
        Access::Roles(CHILD_RECORD),
    ),
    get(
        "/children/{child}/reviews/{review}/edit",
        Access::Roles(IRO_WORK),
    ),
    post(
        "/children/{child}/reviews/{review}",
        Access::Roles(IRO_WORK),
    ),
    // The review's record and the letter to the child: free text about the
    // child, for IROs and the manager only; business support records what
    // was sent to whom.
    get(
        "/children/{child}/reviews/{review}/record",
        Access::Roles(IRO_WORK),
    ),
    post(
        "/children/{child}/reviews/{review}/record",
        Access::Roles(IRO_WORK),
    ),
    post(
        "/children/{child}/reviews/{review}/record/issue",
        Access::Roles(IRO_WORK),
    ),
    get(
        "/children/{child}/reviews/{review}/letter",
        Access::Roles(IRO_WORK),
    ),
    post(
        "/children/{child}/reviews/{review}/letter",
        Access::Roles(IRO_WORK),
    ),
    get(
        "/children/{child}/reviews/{review}/documents/{file}",
        Access::Roles(IRO_WORK),
    ),
    post(
        "/children/{child}/reviews/{review}/sent-to",
        Access::Roles(CHILD_RECORD),
    ),
    post("/children/{child}/midway-checks", Access::Roles(IRO_WORK)),
    post("/children/{child}/visits", Access::Roles(IRO_WORK)),
    // A midway check's and a visit's own page (earlier versions for the
    // manager) and their correction.
    get(
        "/children/{child}/midway-checks/{record}",
        Access::Roles(CHILD_RECORD),
    ),
    get(
        "/children/{child}/midway-checks/{record}/edit",
        Access::Roles(IRO_WORK),
    ),
    post(
        "/children/{child}/midway-checks/{record}",
        Access::Roles(IRO_WORK),
    ),
    get(
        "/children/{child}/visits/{record}",
        Access::Roles(CHILD_RECORD),
    ),
    get(
        "/children/{child}/visits/{record}/edit",
        Access::Roles(IRO_WORK),
    ),
    post("/children/{child}/visits/{record}", Access::Roles(IRO_WORK)),
    // An allocation's own page, and its correction (the manager's).
    get(
        "/children/{child}/allocations/{record}",
        Access::Roles(CHILD_RECORD),
    ),
    get(
        "/children/{child}/allocations/{record}/edit",
        Access::Roles(MANAGER),
    ),
    post(
        "/children/{child}/allocations/{record}",
        Access::Roles(MANAGER),
    ),
    post("/children/{child}/name", Access::Roles(CHILD_RECORD)),
    post(
        "/children/{child}/reviews/sent",
        Access::Roles(CHILD_RECORD),
    ),
    post("/children/{child}/siblings", Access::Roles(IRO_WORK)),
    post("/children/{child}/siblings/remove", Access::Roles(IRO_WORK)),
    post(
        "/children/{child}/recommendations/{index}/complete",
        Access::Roles(IRO_WORK),
    ),
    post(
        "/children/{child}/review-date-changes",
        Access::Roles(DATE_CHANGE_REQUEST),
    ),
    // Health assessments, dental checks, SDQs, immunisations and PEPs:
    // IROs record them with the review, business support keeps the health
    // and education dates.
    get("/children/{child}/health/new", Access::Roles(CHILD_RECORD)),
    post("/children/{child}/health", Access::Roles(CHILD_RECORD)),
    get(
        "/children/{child}/health/{kind}/{key}/edit",
        Access::Roles(CHILD_RECORD),
    ),
    post(
        "/children/{child}/health/{kind}/{key}",
        Access::Roles(CHILD_RECORD),
    ),
    // The other records IROs keep: secure accommodation and private
    // fostering reviews, disruption meetings, child protection plans and
    // conferences, life-story work, advocacy, the child's views, case alerts.
    get(
        "/children/{child}/case-records/new",
        Access::Roles(IRO_WORK),
    ),
    post("/children/{child}/case-records", Access::Roles(IRO_WORK)),
    get(
        "/children/{child}/case-records/{kind}/{id}/edit",
        Access::Roles(IRO_WORK),
    ),
    post(
        "/children/{child}/case-records/{kind}/{id}",
        Access::Roles(IRO_WORK),
    ),
    // Case file audits, every child's (recorded from the child's page).
    get("/case-file-audits", Access::Roles(IRO_WORK)),
    // Private fostering: children privately fostered, who need not be held
    // as children in care, and their reviews.
    get("/private-fostering", Access::Roles(IRO_WORK)),
    get("/private-fostering/new", Access::Roles(IRO_WORK)),
    post("/private-fostering", Access::Roles(IRO_WORK)),
    get("/private-fostering/{child}", Access::Roles(IRO_WORK)),
    get(
        "/private-fostering/{child}/{id}/edit",
        Access::Roles(IRO_WORK),
    ),
    post("/private-fostering/{child}/{id}", Access::Roles(IRO_WORK)),
    // Challenges (dispute resolution)
    get("/challenges", Access::Roles(IRO_WORK)),
    get("/children/{child}/challenges/new", Access::Roles(IRO_WORK)),
    post("/children/{child}/challenges", Access::Roles(IRO_WORK)),
    get("/challenges/{challenge}", Access::Roles(IRO_WORK)),
    post("/challenges/{challenge}/respond", Access::Roles(IRO_WORK)),
    post("/challenges/{challenge}/escalate", Access::Roles(IRO_WORK)),
    post("/challenges/{challenge}/cafcass", Access::Roles(IRO_WORK)),
    post("/challenges/{challenge}/close", Access::Roles(IRO_WORK)),
    get("/challenges/{challenge}/edit", Access::Roles(IRO_WORK)),
    post("/challenges/{challenge}/correct", Access::Roles(IRO_WORK)),
    // Business support
    get("/due", Access::Roles(SCHEDULING)),
    get("/outstanding", Access::Roles(SCHEDULING)),
    // Manager
    get("/dashboard", Access::Roles(MANAGER)),
    get("/dashboard/figures/{figure}", Access::Roles(MANAGER)),
    get("/allocations", Access::Roles(MANAGER)),
    post("/allocations", Access::Roles(MANAGER)),
    post("/allocations/end", Access::Roles(MANAGER)),
    get("/review-date-changes", Access::Roles(MANAGER)),
    // Foster carer reviews: a carer household, no child data.
    get("/foster-carer-reviews", Access::Roles(MANAGER)),
    get("/foster-carer-reviews/new", Access::Roles(MANAGER)),
    post("/foster-carer-reviews", Access::Roles(MANAGER)),
    get("/foster-carer-reviews/{id}/edit", Access::Roles(MANAGER)),
    post("/foster-carer-reviews/{id}", Access::Roles(MANAGER)),
    post(
        "/review-date-changes/{request}/decision",
        Access::Roles(MANAGER),
    ),
    // Reports and data quality (no free text about children)
    get("/reports", Access::Roles(REPORTS)),
    get("/reports/annual", Access::Roles(REPORTS)),
    get("/reports/annual/figures", Access::Roles(REPORTS)),
    post("/reports/narrative", Access::Roles(MANAGER)),
    post("/reports/words", Access::Roles(MANAGER)),
    get("/data-quality", Access::Roles(REPORTS)),
    post("/reports/documents", Access::Roles(REPORTS)),
    // The report's targets, benchmarks, population and indicator list
    get("/reports/settings", Access::Roles(REPORTS)),
    post("/reports/settings", Access::Roles(REPORTS)),
    // 903 returns and case-management files in and out; the jobs that do
    // it in the background (each seen only by who started it)
    get("/returns", Access::Roles(RETURNS)),
    post("/returns/upload", Access::Roles(IMPORT)),
    get("/returns/export", Access::Roles(REPORTS)),
    get("/jobs/{job}", Access::Roles(RETURNS)),
    get("/jobs/{job}/file", Access::Roles(REPORTS)),
    // Administration
    get("/admin/users", Access::Roles(ADMIN)),
    post("/admin/users", Access::Roles(ADMIN)),
    get("/admin/users/{user}", Access::Roles(ADMIN)),
    post("/admin/users/{user}/role", Access::Roles(ADMIN)),
    post("/admin/users/{user}/disable", Access::Roles(ADMIN)),
    post("/admin/users/{user}/enable", Access::Roles(ADMIN)),
    post("/admin/users/{user}/password-reset", Access::Roles(ADMIN)),
    get("/admin/audit", Access::Roles(ADMIN)),
    get("/admin/settings", Access::Roles(ADMIN)),
    post("/admin/settings", Access::Roles(ADMIN)),
    get("/admin/settings/lists/{list}", Access::Roles(ADMIN)),
    post("/admin/settings/lists/{list}", Access::Roles(ADMIN)),
    get("/admin/settings/themes", Access::Roles(ADMIN)),
    post("/admin/settings/themes", Access::Roles(ADMIN)),
    get("/admin/settings/themes/{theme}", Access::Roles(ADMIN)),
    post("/admin/settings/themes/{theme}", Access::Roles(ADMIN)),
];

/// The rule for a method and matched path pattern.
pub fn rule_for(method: &str, path: &str) -> Option<&'static RouteRule> {
    ROUTES
        .iter()
        .find(|r| r.method.as_str() == method && r.path == path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_keys() {
        for role in Role::ALL {
            assert_eq!(role.key().parse::<Role>(), Ok(role));
        }
        assert_eq!(
            "Business-Support".parse::<Role>(),
            Ok(Role::BusinessSupport)
        );
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn each_route_is_listed_once() {
        for (i, a) in ROUTES.iter().enumerate() {
            for b in &ROUTES[i + 1..] {
                assert!(
                    !(a.method == b.method && a.path == b.path),
                    "{} {} listed twice",
                    a.method.as_str(),
                    a.path
                );
            }
        }
    }

    #[test]
    fn analysts_and_admins_never_reach_a_child_record() {
        for r in ROUTES {
            if r.path.starts_with("/children") || r.path.starts_with("/challenges") {
                assert!(!r.access.allows(Role::Analyst), "{}", r.path);
                assert!(!r.access.allows(Role::Admin), "{}", r.path);
            }
        }
    }

    #[test]
    fn only_iros_and_the_manager_read_a_record_or_a_letter() {
        for r in ROUTES {
            if r.path.contains("/record")
                || r.path.contains("/letter")
                || r.path.contains("/documents/")
            {
                assert_eq!(r.access, Access::Roles(IRO_WORK), "{}", r.path);
            }
        }
    }

    #[test]
    fn every_home_page_is_open_to_its_role() {
        for role in Role::ALL {
            let rule = rule_for("GET", role.home()).expect("home route listed");
            assert!(rule.access.allows(role), "{role} cannot reach its home");
        }
    }
}
