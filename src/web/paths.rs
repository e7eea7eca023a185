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
/// The partner e-mails: a partner's own, or every partner's for staff.
pub const OUTBOX: &str = "/outbox";
pub const ADMIN_USERS: &str = "/admin/users";
pub const ADMIN_PARTNERS: &str = "/admin/partners";
pub const STATIC: &str = "/static";
/// The vendored htmx; its version is in the name so browsers never cache a stale copy.
pub const HTMX_JS: &str = "/static/htmx-2.0.11.min.js";
pub const APP_JS: &str = "/static/app.js";
pub const APP_CSS: &str = "/static/app.css";
/// The tab's icon.
pub const FAVICON: &str = "/static/favicon.svg";

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

/// A partner's time zone and language.
pub fn admin_partner_settings(id: impl IntArg) -> String {
    let id = id.int();
    format!("{ADMIN_PARTNERS}/{id}/settings")
}

pub fn admin_partner_enable(id: impl IntArg) -> String {
    let id = id.int();
    format!("{ADMIN_PARTNERS}/{id}/enable")
}

// The partner's bookings.
/// The bookings list as CSV, with the list's own query parameters.
pub const BOOKINGS_CSV: &str = "/bookings.csv";
/// The route of one booking (link id); build URLs with [`booking`].
pub const BOOKING_ROUTE: &str = "/bookings/{id}";

/// One linked booking's detail page.
pub fn booking(id: impl IntArg) -> String {
    format!("{BOOKINGS}/{}", id.int())
}

/// "Send it again now" for a booking's change that was not delivered.
pub const BOOKING_SEND_AGAIN_ROUTE: &str = "/bookings/{id}/send-again";

pub fn booking_send_again(id: impl IntArg) -> String {
    format!("{}/send-again", booking(id))
}

// Guided procedures: the start form of each, the free slots it offers, and one procedure's
// progress with its retry and abandon actions.
/// The start form of a procedure (`kind`: cancel, reschedule, change_service, escalate).
pub const BOOKING_PROCEDURE_ROUTE: &str = "/bookings/{id}/procedures/{kind}";
/// The free slots of one day, as the fragment the start forms load.
pub const BOOKING_SLOTS_ROUTE: &str = "/bookings/{id}/slots";
pub const PROCEDURES: &str = "/procedures";
pub const PROCEDURE_ROUTE: &str = "/procedures/{id}";
pub const PROCEDURE_RETRY_ROUTE: &str = "/procedures/{id}/retry";
pub const PROCEDURE_ABANDON_ROUTE: &str = "/procedures/{id}/abandon";
/// Where a procedure's page was while procedures were called operations: it sends the visitor
/// on, so bookmarks and older links still land on the page.
pub const PROCEDURE_OLD_ROUTE: &str = "/operations/{id}";

pub fn booking_procedure(id: impl IntArg, kind: &str) -> String {
    format!("{BOOKINGS}/{}/procedures/{kind}", id.int())
}

/// The start form opened from a Partner Care case, which the procedure settles.
pub fn booking_procedure_for_case(id: impl IntArg, kind: &str, case_id: impl IntArg) -> String {
    format!("{}?case={}", booking_procedure(id, kind), case_id.int())
}

pub fn booking_slots(id: impl IntArg) -> String {
    format!("{BOOKINGS}/{}/slots", id.int())
}

pub fn procedure(id: impl IntArg) -> String {
    format!("{PROCEDURES}/{}", id.int())
}

pub fn procedure_retry(id: impl IntArg) -> String {
    format!("{PROCEDURES}/{}/retry", id.int())
}

pub fn procedure_abandon(id: impl IntArg) -> String {
    format!("{PROCEDURES}/{}/abandon", id.int())
}

// Partner Care, sales, the partner's connection and the audit export.
pub const CARE_MISMATCHES_BULK: &str = "/care/mismatches/bulk";
pub const CARE_CASES: &str = "/care/cases";
pub const CONNECTION: &str = "/connection";
pub const CONNECTION_SANDBOX: &str = "/connection/sandbox";
pub const AUDIT_CSV: &str = "/audit.csv";

pub fn care_mismatch(id: impl IntArg) -> String {
    format!("{CARE_MISMATCHES}/{}", id.int())
}

pub fn care_mismatch_assign(id: impl IntArg) -> String {
    format!("{CARE_MISMATCHES}/{}/assign", id.int())
}

pub fn care_mismatch_acknowledge(id: impl IntArg) -> String {
    format!("{CARE_MISMATCHES}/{}/acknowledge", id.int())
}

pub fn care_mismatch_resolve(id: impl IntArg) -> String {
    format!("{CARE_MISMATCHES}/{}/resolve", id.int())
}

/// Partner Care confirms a connection's mass-vanish alarm.
pub fn care_alarm_confirm(id: impl IntArg) -> String {
    format!("/care/alarms/{}/confirm", id.int())
}

/// Accepting a mismatch's difference on purpose, with a reason.
pub fn care_mismatch_accept(id: impl IntArg) -> String {
    format!("{CARE_MISMATCHES}/{}/accept", id.int())
}

pub fn care_case(id: impl IntArg) -> String {
    format!("{CARE_CASES}/{}", id.int())
}

pub fn care_case_take(id: impl IntArg) -> String {
    format!("{CARE_CASES}/{}/take", id.int())
}

pub fn care_case_note(id: impl IntArg) -> String {
    format!("{CARE_CASES}/{}/notes", id.int())
}

pub fn care_case_resolve(id: impl IntArg) -> String {
    format!("{CARE_CASES}/{}/resolve", id.int())
}

pub fn sales_connection(id: impl IntArg) -> String {
    format!("{SALES_CONNECTIONS}/{}", id.int())
}

pub fn sales_connection_account(id: impl IntArg) -> String {
    format!("{SALES_CONNECTIONS}/{}/account", id.int())
}

pub fn sales_connection_sandbox(id: impl IntArg) -> String {
    format!("{SALES_CONNECTIONS}/{}/sandbox", id.int())
}

pub fn sales_connection_mapping(id: impl IntArg) -> String {
    format!("{SALES_CONNECTIONS}/{}/mapping", id.int())
}

pub fn sales_connection_confirm(id: impl IntArg) -> String {
    format!("{SALES_CONNECTIONS}/{}/confirm", id.int())
}

pub fn sales_connection_reopen(id: impl IntArg) -> String {
    format!("{SALES_CONNECTIONS}/{}/reopen", id.int())
}

pub fn connection_report(id: impl IntArg) -> String {
    format!("{CONNECTION}/{}/report", id.int())
}

pub fn connection_go_live(id: impl IntArg) -> String {
    format!("{CONNECTION}/{}/go-live", id.int())
}

pub fn connection_credentials(id: impl IntArg) -> String {
    format!("{CONNECTION}/{}/credentials", id.int())
}

pub fn sales_connection_credentials(id: impl IntArg) -> String {
    format!("{SALES_CONNECTIONS}/{}/credentials", id.int())
}

pub fn sales_connection_mode(id: impl IntArg) -> String {
    format!("{SALES_CONNECTIONS}/{}/mode", id.int())
}

pub fn connection_problem(id: impl IntArg) -> String {
    format!("{CONNECTION}/{}/problem", id.int())
}

pub fn partner_case(id: impl IntArg) -> String {
    format!("/cases/{}", id.int())
}

pub fn partner_case_note(id: impl IntArg) -> String {
    format!("/cases/{}/notes", id.int())
}

// Accounts: the user's own account page and its forms, the second step of logging in,
// invitations, password resets and the admin's actions on a user's access.
pub const ACCOUNT: &str = "/account";
pub const ACCOUNT_PASSWORD: &str = "/account/password";
pub const ACCOUNT_PREFERENCES: &str = "/account/preferences";
pub const ACCOUNT_SESSIONS_END_OTHERS: &str = "/account/sessions/end-others";
pub const ACCOUNT_SESSION_END_ROUTE: &str = "/account/sessions/{id}/end";
pub const ACCOUNT_SECOND_FACTOR: &str = "/account/second-factor";
pub const LOGIN_SECOND_FACTOR: &str = "/login/second-factor";
pub const LOGIN_SECOND_FACTOR_ENROL: &str = "/login/second-factor/enrol";
pub const PASSWORD_FORGOT: &str = "/password/forgot";
pub const PASSWORD_RESET_ROUTE: &str = "/password/reset/{token}";
pub const INVITATION_ROUTE: &str = "/invitation/{token}";
pub const ADMIN_USER_INVITATION_RESEND_ROUTE: &str = "/admin/users/{id}/invitation/resend";
pub const ADMIN_USER_INVITATION_REVOKE_ROUTE: &str = "/admin/users/{id}/invitation/revoke";
pub const ADMIN_USER_SECOND_FACTOR_RESET_ROUTE: &str = "/admin/users/{id}/second-factor/reset";
pub const ADMIN_USER_PASSWORD_RESET_ROUTE: &str = "/admin/users/{id}/password-reset";
/// Whether a partner's own users may invite colleagues (the admin's setting).
pub const ADMIN_PARTNER_COLLEAGUE_INVITATIONS_ROUTE: &str =
    "/admin/partners/{id}/colleague-invitations";
/// The demo's mailbox of held account e-mails (mounted in the demo only).
pub const DEMO_MAILBOX: &str = "/admin/mailbox";
/// A partner user's colleagues, and inviting one.
pub const TEAM: &str = "/team";
pub const TEAM_INVITATION_RESEND_ROUTE: &str = "/team/{id}/invitation/resend";
pub const TEAM_INVITATION_REVOKE_ROUTE: &str = "/team/{id}/invitation/revoke";

pub fn admin_partner_colleague_invitations(id: impl IntArg) -> String {
    format!("{ADMIN_PARTNERS}/{}/colleague-invitations", id.int())
}

pub fn team_invitation_resend(id: impl IntArg) -> String {
    format!("{TEAM}/{}/invitation/resend", id.int())
}

pub fn team_invitation_revoke(id: impl IntArg) -> String {
    format!("{TEAM}/{}/invitation/revoke", id.int())
}

/// Ends one of the user's sessions, named by its handle (never by its id, the cookie's secret).
pub fn account_session_end(handle: &str) -> String {
    format!("/account/sessions/{handle}/end")
}

/// The page a reset link opens.
pub fn password_reset(token: &str) -> String {
    format!("/password/reset/{token}")
}

/// The page an invitation link opens.
pub fn invitation(token: &str) -> String {
    format!("/invitation/{token}")
}

pub fn admin_user_invitation_resend(id: impl IntArg) -> String {
    format!("{ADMIN_USERS}/{}/invitation/resend", id.int())
}

pub fn admin_user_invitation_revoke(id: impl IntArg) -> String {
    format!("{ADMIN_USERS}/{}/invitation/revoke", id.int())
}

pub fn admin_user_password_reset(id: impl IntArg) -> String {
    format!("{ADMIN_USERS}/{}/password-reset", id.int())
}

pub fn admin_user_second_factor_reset(id: impl IntArg) -> String {
    format!("{ADMIN_USERS}/{}/second-factor/reset", id.int())
}

/// Every route that answers `GET`: the only places a visitor is sent back to after logging in
/// or switching language. `{…}` stands for one segment of letters, digits, `_` or `-`.
pub const GET_ROUTES: &[&str] = &[
    HOME,
    LOGIN,
    BOOKINGS,
    BOOKINGS_CSV,
    BOOKING_ROUTE,
    BOOKING_PROCEDURE_ROUTE,
    BOOKING_SLOTS_ROUTE,
    PROCEDURE_ROUTE,
    PROCEDURE_OLD_ROUTE,
    CARE_MISMATCHES,
    "/care/mismatches/{id}",
    CARE_CASES,
    "/care/cases/{id}",
    "/cases/{id}",
    CONNECTION,
    "/connection/{id}/report",
    SALES_CONNECTIONS,
    "/sales/connections/{id}",
    OUTBOX,
    AUDIT,
    AUDIT_CSV,
    "/audit/{id}",
    ADMIN_USERS,
    ADMIN_PARTNERS,
    DEMO_MAILBOX,
    TEAM,
    ACCOUNT,
    ACCOUNT_SECOND_FACTOR,
    LOGIN_SECOND_FACTOR,
    PASSWORD_FORGOT,
    PASSWORD_RESET_ROUTE,
    INVITATION_ROUTE,
];

/// Accepts a post-login (or post-language-switch) destination only if its path is one of our
/// own [`GET_ROUTES`] and every character of it and of its query is one a URL may carry as
/// is. Anything else — another host in any disguise (`//`, `/\`, a tab or control character
/// a browser drops), an unknown path, a fragment — is refused, and the caller goes home. What
/// is accepted is always a valid `Location` header.
pub fn local_redirect_target(next: &str) -> Option<&str> {
    let (path, query) = match next.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (next, None),
    };
    let path_ok = GET_ROUTES.iter().any(|route| path_matches(route, path));
    let query_ok = query.is_none_or(query_is_plain);
    (path_ok && query_ok).then_some(next)
}

/// Whether `path` is an instance of `route`, segment by segment.
fn path_matches(route: &str, path: &str) -> bool {
    let mut want = route.split('/');
    let mut have = path.split('/');
    loop {
        match (want.next(), have.next()) {
            (None, None) => return true,
            (Some(w), Some(h)) if w.starts_with('{') && w.ends_with('}') => {
                let plain = !h.is_empty()
                    && h.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
                if !plain {
                    return false;
                }
            }
            (Some(w), Some(h)) if w == h => {}
            _ => return false,
        }
    }
}

/// A query of characters a URL carries unescaped (RFC 3986 `query`), each `%` starting a
/// two-digit escape: no spaces, controls, quotes, backslashes, fragments or non-ASCII.
fn query_is_plain(query: &str) -> bool {
    let bytes = query.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let escape = bytes.get(i + 1..i + 3);
            if !escape.is_some_and(|e| e.iter().all(u8::is_ascii_hexdigit)) {
                return false;
            }
            i += 3;
            continue;
        }
        let plain = b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/?".contains(&b);
        if !plain {
            return false;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_login() {
        for good in [
            "/",
            "/bookings?x=1",
            "/bookings?q=Nov%C3%A1k&status=open",
            "/bookings/12/procedures/cancel",
            "/care/mismatches/7",
            "/login",
        ] {
            assert_eq!(local_redirect_target(good), Some(good), "{good}");
        }
        for bad in [
            "https://evil.test/",
            "//evil.test",
            "/\\evil.test",
            "/\t/evil.test",
            "/\u{b}",
            "/\u{1}",
            "/\u{7f}",
            "/bookings?x=\u{7f}",
            "/bookings?x=a b",
            "/bookings?x=%zz",
            "/bookings#top",
            "/bookings/",
            "/bookings//evil.test",
            "/bookings/1/../../evil",
            "/no-such-page",
            "/healthz",
            "evil",
            "",
        ] {
            assert_eq!(local_redirect_target(bad), None, "{bad}");
        }
    }
}
