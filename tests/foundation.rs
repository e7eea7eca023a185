//! The foundation, each test on SQLite and on PostgreSQL: the app runs, logging in and the
//! session, what guards every request (CSRF, roles, partner scoping, headers, malformed input),
//! the admin's pages, accounts, the audit chain, the edges of the HTTP server, the fuzz of every
//! route, and the structure of the code itself.

#[path = "foundation/accounts.rs"]
mod accounts;
#[path = "foundation/admin.rs"]
mod admin;
#[path = "foundation/audit_chain.rs"]
mod audit_chain;
mod common;
#[path = "foundation/edge.rs"]
mod edge;
#[path = "foundation/fuzz.rs"]
mod fuzz;
#[path = "foundation/guards.rs"]
mod guards;
#[path = "foundation/login.rs"]
mod login;
#[path = "foundation/logs.rs"]
mod logs;
#[path = "foundation/people.rs"]
mod people;
#[path = "foundation/running.rs"]
mod running;
#[path = "foundation/sql_home.rs"]
mod sql_home;
#[path = "foundation/structure.rs"]
mod structure;

fn main() {
    let mut all = running::tests();
    all.extend(login::tests());
    all.extend(guards::tests());
    all.extend(admin::tests());
    all.extend(audit_chain::tests());
    all.extend(accounts::tests());
    all.extend(people::tests());
    all.extend(fuzz::tests());
    all.extend(edge::tests());
    logs::capture();
    let mut plain = fuzz::plain();
    plain.extend(edge::plain());
    plain.extend(structure::plain());
    plain.extend(sql_home::plain());
    common::run_with(plain, all);
}
