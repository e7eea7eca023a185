//! Every URL of the application, in one place. Handlers, redirects and templates use these.

/// An integer given by value or by reference: templates pass fields by reference.
pub trait IntArg {
    fn int(self) -> i64;
}

impl IntArg for i64 {
    fn int(self) -> i64 {
        self
    }
}

impl IntArg for &i64 {
    fn int(self) -> i64 {
        *self
    }
}

impl IntArg for &&i64 {
    fn int(self) -> i64 {
        **self
    }
}

pub const HOME: &str = "/";
pub const LOGIN: &str = "/login";
pub const LOGOUT: &str = "/logout";
pub const LANGUAGE: &str = "/language";
pub const HEALTHZ: &str = "/healthz";
pub const BOOKINGS: &str = "/bookings";
pub const CARE_MISMATCHES: &str = "/care/mismatches";
pub const SALES_CONNECTIONS: &str = "/sales/connections";
pub const AUDIT: &str = "/audit";
pub const ADMIN_USERS: &str = "/admin/users";
pub const ADMIN_PARTNERS: &str = "/admin/partners";
pub const STATIC: &str = "/static";
/// The vendored htmx; its version is in the name so browsers never cache a stale copy.
pub const HTMX_JS: &str = "/static/htmx-2.0.11.min.js";
pub const APP_JS: &str = "/static/app.js";
pub const APP_CSS: &str = "/static/app.css";

pub fn audit_entry(id: impl IntArg) -> String {
    let id = id.int();
    format!("{AUDIT}/{id}")
}

pub fn admin_user_disable(id: impl IntArg) -> String {
    let id = id.int();
    format!("{ADMIN_USERS}/{id}/disable")
}

pub fn admin_user_enable(id: impl IntArg) -> String {
    let id = id.int();
    format!("{ADMIN_USERS}/{id}/enable")
}

pub fn admin_partner_disable(id: impl IntArg) -> String {
    let id = id.int();
    format!("{ADMIN_PARTNERS}/{id}/disable")
}

pub fn admin_partner_enable(id: impl IntArg) -> String {
    let id = id.int();
    format!("{ADMIN_PARTNERS}/{id}/enable")
}

/// Accepts a post-login destination only if it is a path on this site.
pub fn local_redirect_target(next: &str) -> Option<&str> {
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.contains(['\r', '\n']);
    local.then_some(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_login() {
        assert_eq!(
            local_redirect_target("/bookings?x=1"),
            Some("/bookings?x=1")
        );
        for bad in [
            "https://evil.test/",
            "//evil.test",
            "/\\evil.test",
            "evil",
            "",
        ] {
            assert_eq!(local_redirect_target(bad), None, "{bad}");
        }
    }
}
