//! A `WHERE` clause assembled from optional filters, with its values bound in order.
//!
//! Lists with many optional filters would otherwise need one SQL text per combination, or
//! `($1 = '' OR col = $2)` tricks that keep the planner from using an index. Placeholders are
//! numbered (`$1`, `$2`, …), which both backends read through `Any`; sqlx's own `QueryBuilder`
//! writes `?` for `Any`, which PostgreSQL does not understand.

use sqlx::any::AnyArguments;
use sqlx::query::{Query, QueryAs};
use sqlx::{Any, FromRow};

/// One value to bind. Integers are always `i64` (BIGINT columns), as DESIGN.md asks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Bind {
    Int(i64),
    Text(String),
}

impl From<i64> for Bind {
    fn from(value: i64) -> Self {
        Bind::Int(value)
    }
}

impl From<&str> for Bind {
    fn from(value: &str) -> Self {
        Bind::Text(value.to_string())
    }
}

impl From<String> for Bind {
    fn from(value: String) -> Self {
        Bind::Text(value)
    }
}

/// Conditions joined with `AND`, and the values their placeholders stand for.
#[derive(Clone, Debug, Default)]
pub struct Where {
    conditions: Vec<String>,
    binds: Vec<Bind>,
}

impl Where {
    pub fn new() -> Self {
        Where::default()
    }

    /// The placeholder for one more value, e.g. for `LIMIT`: `$n`.
    pub fn bind(&mut self, value: impl Into<Bind>) -> String {
        self.binds.push(value.into());
        format!("${}", self.binds.len())
    }

    /// Adds a condition in which each `{}` stands for the next of `values`.
    pub fn and(&mut self, condition: &str, values: impl IntoIterator<Item = Bind>) {
        let mut sql = String::with_capacity(condition.len() + 8);
        let mut values = values.into_iter();
        let mut pieces = condition.split("{}").peekable();
        while let Some(piece) = pieces.next() {
            sql.push_str(piece);
            if pieces.peek().is_some() {
                let value = values.next().unwrap_or(Bind::Text(String::new()));
                sql.push_str(&self.bind(value));
            }
        }
        self.conditions.push(sql);
    }

    /// `WHERE a AND b …`, or nothing when there is no condition.
    pub fn sql(&self) -> String {
        if self.conditions.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.conditions.join(" AND "))
        }
    }

    /// Binds every value to a `query_as` built from this clause's SQL.
    pub fn bind_as<'q, O>(
        &self,
        mut query: QueryAs<'q, Any, O, AnyArguments<'q>>,
    ) -> QueryAs<'q, Any, O, AnyArguments<'q>>
    where
        O: for<'r> FromRow<'r, sqlx::any::AnyRow>,
    {
        for value in &self.binds {
            query = match value {
                Bind::Int(n) => query.bind(*n),
                Bind::Text(s) => query.bind(s.clone()),
            };
        }
        query
    }

    /// Binds every value to a plain `query`.
    pub fn bind_to<'q>(
        &self,
        mut query: Query<'q, Any, AnyArguments<'q>>,
    ) -> Query<'q, Any, AnyArguments<'q>> {
        for value in &self.binds {
            query = match value {
                Bind::Int(n) => query.bind(*n),
                Bind::Text(s) => query.bind(s.clone()),
            };
        }
        query
    }
}

/// `text` made safe inside a `LIKE … ESCAPE '\'` pattern: its `%` and `_` match themselves.
pub fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_the_order_of_their_values() {
        let mut w = Where::new();
        w.and("m.kind = {}", [Bind::from("conflict")]);
        w.and(
            "(m.detected_at <= {} AND m.partner_id = {})",
            [Bind::from(5), Bind::from(7)],
        );
        let limit = w.bind(50);
        assert_eq!(
            w.sql(),
            " WHERE m.kind = $1 AND (m.detected_at <= $2 AND m.partner_id = $3)"
        );
        assert_eq!(limit, "$4");
        assert_eq!(
            w.binds,
            vec![
                Bind::from("conflict"),
                Bind::from(5),
                Bind::from(7),
                Bind::from(50)
            ]
        );
    }

    #[test]
    fn no_condition_gives_no_where() {
        assert_eq!(Where::new().sql(), "");
    }

    #[test]
    fn like_wildcards_in_user_text_are_escaped() {
        assert_eq!(like_escape("50%_off\\"), "50\\%\\_off\\\\");
        assert_eq!(like_escape("plain"), "plain");
    }
}
