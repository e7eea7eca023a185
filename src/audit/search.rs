//! Reading the log with filters (entity, actor, action, time), for the audit page and its CSV.

use super::{ENTRY_COLUMNS, Entry};
use crate::db::Db;
use crate::db::filter::{Bind, Where, like_escape};

/// What to look for; every filter is optional. `partner_id` scopes a partner user to its own
/// rows and is never taken from the request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    pub partner_id: Option<i64>,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    /// Part of the actor's label (an e-mail, `sync`, `system`), any case.
    pub actor: Option<String>,
    /// An action (`mismatch.resolved`) or its family (`mismatch`).
    pub action: Option<String>,
    /// Rows at or after this instant.
    pub from: Option<i64>,
    /// Rows before this instant.
    pub until: Option<i64>,
}

fn clause(f: &Filter) -> Where {
    let mut w = Where::new();
    if let Some(partner_id) = f.partner_id {
        w.and("partner_id = {}", [Bind::from(partner_id)]);
    }
    if let Some(entity_type) = &f.entity_type {
        w.and("entity_type = {}", [Bind::from(entity_type.as_str())]);
    }
    if let Some(entity_id) = &f.entity_id {
        w.and("entity_id = {}", [Bind::from(entity_id.as_str())]);
    }
    if let Some(actor) = &f.actor {
        let pattern = format!("%{}%", like_escape(actor));
        w.and(
            "LOWER(actor) LIKE LOWER({}) ESCAPE '\\'",
            [Bind::from(pattern)],
        );
    }
    if let Some(action) = &f.action {
        let family = format!("{}.%", like_escape(action));
        w.and(
            "(action = {} OR action LIKE {} ESCAPE '\\')",
            [Bind::from(action.as_str()), Bind::from(family)],
        );
    }
    if let Some(from) = f.from {
        w.and("at >= {}", [Bind::from(from)]);
    }
    if let Some(until) = f.until {
        w.and("at < {}", [Bind::from(until)]);
    }
    w
}

/// The newest matching rows first, older than `before_id` when given.
pub async fn search(
    db: &Db,
    f: &Filter,
    before_id: Option<i64>,
    limit: i64,
) -> Result<Vec<Entry>, sqlx::Error> {
    let mut w = clause(f);
    if let Some(before) = before_id {
        w.and("id < {}", [Bind::from(before)]);
    }
    let where_sql = w.sql();
    let limit = w.bind(limit);
    let sql =
        format!("SELECT {ENTRY_COLUMNS} FROM audit_log{where_sql} ORDER BY id DESC LIMIT {limit}");
    w.bind_as(sqlx::query_as(&sql)).fetch_all(db.pool()).await
}

/// The entity types present in the log (for the filter's choices), scoped like the rows.
pub async fn entity_types(db: &Db, partner_id: Option<i64>) -> Result<Vec<String>, sqlx::Error> {
    let mut w = Where::new();
    if let Some(partner_id) = partner_id {
        w.and("partner_id = {}", [Bind::from(partner_id)]);
    }
    let sql = format!(
        "SELECT DISTINCT entity_type FROM audit_log{} ORDER BY entity_type",
        w.sql()
    );
    let rows: Vec<(String,)> = w.bind_as(sqlx::query_as(&sql)).fetch_all(db.pool()).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// One CSV field: quoted when it must be, and defused when a spreadsheet would run it as a
/// formula (a cell starting with `=`, `+`, `-`, `@`, tab or carriage return).
pub fn csv_field(value: &str) -> String {
    let defused = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if defused.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

/// One CSV line (with its CRLF, as RFC 4180 has it).
pub fn csv_line<'a>(fields: impl IntoIterator<Item = &'a str>) -> String {
    let mut line = fields
        .into_iter()
        .map(csv_field)
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_fields_stay_as_they_are() {
        assert_eq!(csv_field("mismatch.resolved"), "mismatch.resolved");
        assert_eq!(csv_field(""), "");
    }

    #[test]
    fn fields_with_separators_or_quotes_are_quoted() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn formulas_are_defused() {
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("-1"), "'-1");
        assert_eq!(csv_field("@sum"), "'@sum");
    }

    #[test]
    fn a_line_ends_with_crlf() {
        assert_eq!(csv_line(["1", "a,b", "c"]), "1,\"a,b\",c\r\n");
    }

    #[test]
    fn action_families_and_actors_are_matched_with_escaped_patterns() {
        let w = clause(&Filter {
            actor: Some("50%".into()),
            action: Some("mismatch".into()),
            ..Filter::default()
        });
        assert_eq!(
            w.sql(),
            " WHERE LOWER(actor) LIKE LOWER($1) ESCAPE '\\' AND (action = $2 OR action LIKE $3 \
             ESCAPE '\\')"
        );
    }
}
