//! Logging in and the session: the same answer for every wrong login, throttling, a new
//! session id at login, the end of a session (logout, idle, absolute), and the user read with it.

use crate::common::{self, DEMO_PASSWORD, TestApp, html, select_attr, select_texts};
use crate::tests;
use bookbridge::web::paths;

pub fn tests() -> Vec<(&'static str, common::TestFn)> {
    tests![
        every_demo_role_logs_in_and_sees_its_own_navigation,
        a_wrong_password_and_an_unknown_email_get_the_same_answer,
        five_failures_lock_the_account_even_for_the_right_password,
        twenty_failures_from_one_address_lock_that_address,
        logging_in_issues_a_new_session_id_with_safe_cookie_attributes,
        logging_out_ends_the_session_on_the_server,
        sessions_end_after_thirty_idle_minutes,
        sessions_end_twelve_hours_after_login_however_active,
        the_user_read_with_the_session_is_current_and_never_stored,
    ]
}

async fn every_demo_role_logs_in_and_sees_its_own_navigation(app: TestApp) {
    let expectations = [
        ("partner@demo.test", paths::BOOKINGS, paths::ADMIN_USERS),
        ("care@demo.test", paths::CARE_MISMATCHES, paths::BOOKINGS),
        (
            "sales@demo.test",
            paths::SALES_CONNECTIONS,
            paths::CARE_MISMATCHES,
        ),
        (
            "admin@demo.test",
            paths::ADMIN_USERS,
            paths::SALES_CONNECTIONS,
        ),
    ];
    for (email, own, foreign) in expectations {
        let client = app.login(email).await;
        let doc = html(app.get(&client, "/").await).await;
        let links: Vec<String> = {
            let sel = scraper::Selector::parse("header nav a").expect("selector");
            doc.select(&sel)
                .filter_map(|a| a.value().attr("href").map(str::to_string))
                .collect()
        };
        assert!(
            links.iter().any(|l| l == own),
            "{email} has a link to {own}: {links:?}"
        );
        assert!(
            links.iter().any(|l| l == paths::AUDIT),
            "{email} has the audit trail"
        );
        assert!(
            !links.iter().any(|l| l == foreign),
            "{email} has no link to {foreign}"
        );
        assert_eq!(select_texts(&doc, ".user-email"), vec![email.to_string()]);
        assert_eq!(
            app.get(&client, own).await.status(),
            200,
            "{email} opens {own}"
        );
    }
    let partner = app.login("partner@demo.test").await;
    let doc = html(app.get(&partner, "/").await).await;
    assert!(
        select_texts(&doc, ".lead")
            .iter()
            .any(|t| t.contains("Salon Aurora")),
        "the partner user sees its partner's name"
    );
}

async fn a_wrong_password_and_an_unknown_email_get_the_same_answer(app: TestApp) {
    let client = app.client();
    let wrong_password = app
        .try_login(&client, "partner@demo.test", "not the password")
        .await;
    let status_a = wrong_password.status();
    let doc_a = html(wrong_password).await;
    let unknown_user = app
        .try_login(&client, "nobody@demo.test", DEMO_PASSWORD)
        .await;
    let status_b = unknown_user.status();
    let doc_b = html(unknown_user).await;
    assert_eq!(status_a, 401);
    assert_eq!(status_b, 401);
    let message_a = select_texts(&doc_a, "#login-error");
    assert_eq!(message_a, select_texts(&doc_b, "#login-error"));
    assert_eq!(message_a.len(), 1);
    // The failed attempt left no session behind that counts as logged in.
    assert_eq!(app.get(&client, "/").await.status(), 303);
    let failures = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action = 'login.failed'")
        .await;
    assert_eq!(failures, 2, "both failures are audited");
}

async fn five_failures_lock_the_account_even_for_the_right_password(app: TestApp) {
    let client = app.client();
    for _ in 0..5 {
        let r = app
            .try_login(&client, "care@demo.test", "wrong password!")
            .await;
        assert_eq!(r.status(), 401);
    }
    let locked = app
        .try_login(&client, "care@demo.test", DEMO_PASSWORD)
        .await;
    assert_eq!(locked.status(), 429);
    let doc = html(locked).await;
    assert!(select_texts(&doc, "#login-error")[0].contains("15 minutes"));
    let throttled = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action = 'login.throttled'")
        .await;
    assert_eq!(throttled, 1, "the refusal is audited");
    // Another account from the same address is not affected.
    app.login("sales@demo.test").await;
    // Once the failures age out of the 15-minute window, the right password works again.
    app.clock.advance(15 * 60 + 1);
    let r = app
        .try_login(&app.client(), "care@demo.test", DEMO_PASSWORD)
        .await;
    assert_eq!(r.status(), 303);
}

async fn twenty_failures_from_one_address_lock_that_address(app: TestApp) {
    let client = app.client();
    for i in 0..20 {
        // Different accounts, so the per-account limit is never reached.
        let email = format!("someone{}@demo.test", i % 5 + i * 7);
        let r = app.try_login(&client, &email, "wrong password!").await;
        assert_eq!(r.status(), 401);
    }
    let r = app
        .try_login(&client, "admin@demo.test", DEMO_PASSWORD)
        .await;
    assert_eq!(r.status(), 429, "the address is locked for every account");
}

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("bookbridge_session="))
        .map(str::to_string)
}

fn cookie_value(set_cookie: &str) -> String {
    set_cookie
        .split(';')
        .next()
        .and_then(|kv| kv.split_once('='))
        .map(|(_, v)| v.to_string())
        .unwrap_or_default()
}

async fn logging_in_issues_a_new_session_id_with_safe_cookie_attributes(app: TestApp) {
    let client = app.client();
    let login_page = app.get(&client, paths::LOGIN).await;
    let before = session_cookie(&login_page).expect("the login page starts a session");
    let token = {
        let doc = html(login_page).await;
        select_attr(&doc, "input[name=csrf_token]", "value").expect("token")
    };
    let response = client
        .post(app.url(paths::LOGIN))
        .form(&[
            ("email", "partner@demo.test"),
            ("password", DEMO_PASSWORD),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await
        .expect("login");
    assert_eq!(response.status(), 303);
    let after = session_cookie(&response).expect("login sets the cookie");
    assert_ne!(
        cookie_value(&before),
        cookie_value(&after),
        "the session id changes"
    );
    let attributes = after.to_ascii_lowercase();
    assert!(attributes.contains("httponly"), "{after}");
    assert!(attributes.contains("samesite=lax"), "{after}");
    assert!(attributes.contains("secure"), "{after}");
}

async fn logging_out_ends_the_session_on_the_server(app: TestApp) {
    let client = app.client();
    let response = app
        .try_login(&client, "partner@demo.test", DEMO_PASSWORD)
        .await;
    let cookie = session_cookie(&response).expect("session cookie");
    let cookie = cookie.split(';').next().expect("name=value").to_string();
    assert_eq!(app.get(&client, paths::BOOKINGS).await.status(), 200);
    let r = app.post_form(&client, "/", paths::LOGOUT, &[]).await;
    assert_eq!(r.status(), 303);
    // The old cookie, replayed by someone who kept it, no longer works.
    let replay = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let r = replay
        .get(app.url(paths::BOOKINGS))
        .header("cookie", cookie)
        .send()
        .await
        .expect("answer");
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], paths::LOGIN);
    let logouts = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action = 'logout'")
        .await;
    assert_eq!(logouts, 1);
}

async fn sessions_end_after_thirty_idle_minutes(app: TestApp) {
    let client = app.login("partner@demo.test").await;
    app.clock.advance(29 * 60);
    assert_eq!(
        app.get(&client, paths::BOOKINGS).await.status(),
        200,
        "29 idle minutes are fine"
    );
    app.clock.advance(29 * 60);
    assert_eq!(
        app.get(&client, paths::BOOKINGS).await.status(),
        200,
        "activity resets the timer"
    );
    app.clock.advance(31 * 60);
    let r = app.get(&client, paths::BOOKINGS).await;
    assert_eq!(r.status(), 303, "31 idle minutes end the session");
}

async fn sessions_end_twelve_hours_after_login_however_active(app: TestApp) {
    let client = app.login("care@demo.test").await;
    for _ in 0..35 {
        app.clock.advance(20 * 60);
        assert_eq!(app.get(&client, paths::CARE_MISMATCHES).await.status(), 200);
    }
    app.clock.advance(20 * 60 + 1);
    assert_eq!(
        app.get(&client, paths::CARE_MISMATCHES).await.status(),
        303,
        "12 hours are over"
    );
}

/// The session store reads the user in the same query as the session: a change to the user
/// shows on the very next request, and the copy is never written back into the session.
async fn the_user_read_with_the_session_is_current_and_never_stored(app: TestApp) {
    let client = app.login("partner@demo.test").await;
    // Two views, so the second one runs on a session loaded from the database.
    for _ in 0..2 {
        assert_eq!(app.get(&client, paths::BOOKINGS).await.status(), 200);
    }
    sqlx::query("UPDATE users SET locale = 'cs' WHERE email = 'partner@demo.test'")
        .execute(app.db.pool())
        .await
        .expect("update");
    let page = app
        .get(&client, paths::BOOKINGS)
        .await
        .text()
        .await
        .expect("body");
    assert!(
        page.contains("lang=\"cs\""),
        "the new language shows at once"
    );
    // A request that changes the session saves it, loaded user and all in memory.
    let switched = app
        .post_form(
            &client,
            "/",
            paths::LANGUAGE,
            &[("lang", "pl"), ("next", "/")],
        )
        .await;
    assert_eq!(switched.status(), 303);
    let stored: Vec<(String,)> = sqlx::query_as("SELECT data FROM sessions")
        .fetch_all(app.db.pool())
        .await
        .expect("sessions");
    assert!(!stored.is_empty());
    assert!(
        stored.iter().all(|(data,)| !data.contains("\"_user\"")),
        "the loaded user is never saved into a session: {stored:?}"
    );
    sqlx::query("UPDATE users SET disabled = 1 WHERE email = 'partner@demo.test'")
        .execute(app.db.pool())
        .await
        .expect("update");
    let refused = app.get(&client, paths::BOOKINGS).await;
    assert_ne!(refused.status(), 200, "a disabled user is refused at once");
}
