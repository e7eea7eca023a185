//! The queue's filters: read from the URL (so a view can be bookmarked and shared), checked
//! once, and written back into the pager's links and the forms that return to the view.

use serde::{Deserialize, Serialize};

use crate::db::read::care_queue::{Assignee, QueueFilter};
use crate::domain::{MismatchKind, MismatchState, Severity};
use crate::web::error::AppError;

/// How old a mismatch must at least be, as the filter offers it: value, seconds, catalogue key.
pub const AGES: [(&str, i64, &str); 3] = [
    ("1h", 3600, "care-age-1h"),
    ("1d", 86_400, "care-age-1d"),
    ("7d", 7 * 86_400, "care-age-7d"),
];

/// The query parameters as they arrive; empty means "no filter".
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct QueueParams {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub severity: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub partner: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub age: String,
    /// `me`, `none`, or a user id.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub assignee: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub state: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub page: String,
}

impl QueueParams {
    /// The filters a form posted back as `back` (the view's query string); garbage gives the
    /// unfiltered queue rather than an error, since the action itself has been done by then.
    pub fn from_query(query: &str) -> QueueParams {
        serde_urlencoded::from_str(query).unwrap_or_default()
    }

    /// The database filter for `me` at `now`; a value that is not one of the choices is a
    /// malformed address.
    pub fn to_filter(&self, me: i64, now: i64) -> Result<QueueFilter, AppError> {
        let bad = || AppError::BadRequest("error-query-malformed");
        let kind = match self.kind.as_str() {
            "" => None,
            k => Some(
                k.parse::<MismatchKind>()
                    .map_err(|_| bad())?
                    .as_str()
                    .to_string(),
            ),
        };
        let severity = match self.severity.as_str() {
            "" => None,
            s => Some(
                s.parse::<Severity>()
                    .map_err(|_| bad())?
                    .as_str()
                    .to_string(),
            ),
        };
        let partner_id = match self.partner.as_str() {
            "" => None,
            p => Some(p.parse::<i64>().map_err(|_| bad())?),
        };
        let detected_before = match self.age.as_str() {
            "" => None,
            a => {
                let (_, seconds, _) = AGES.iter().find(|(v, _, _)| *v == a).ok_or_else(bad)?;
                Some(now - seconds)
            }
        };
        let assignee = match self.assignee.as_str() {
            "" => Assignee::Anyone,
            "me" => Assignee::User(me),
            "none" => Assignee::Nobody,
            id => Assignee::User(id.parse::<i64>().map_err(|_| bad())?),
        };
        let state = match self.state.as_str() {
            "" => None,
            s => match s.parse::<MismatchState>().map_err(|_| bad())? {
                MismatchState::Resolved => return Err(bad()),
                state => Some(state.as_str().to_string()),
            },
        };
        Ok(QueueFilter {
            kind,
            severity,
            partner_id,
            detected_before,
            assignee,
            state,
        })
    }

    /// The page asked for, from 1.
    pub fn page_number(&self) -> Result<i64, AppError> {
        match self.page.as_str() {
            "" => Ok(1),
            p => p
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=100_000).contains(n))
                .ok_or(AppError::BadRequest("error-query-malformed")),
        }
    }

    /// Whether any filter is set (the empty state then says so).
    pub fn is_filtered(&self) -> bool {
        let unpaged = QueueParams {
            page: String::new(),
            ..self.clone()
        };
        unpaged != QueueParams::default()
    }

    /// The view's query string, without `?`.
    pub fn query(&self) -> String {
        serde_urlencoded::to_string(self).unwrap_or_default()
    }

    /// The query string of another page of the same view.
    pub fn query_for_page(&self, page: i64) -> String {
        QueueParams {
            page: page.to_string(),
            ..self.clone()
        }
        .query()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &str) -> QueueParams {
        serde_urlencoded::from_str(pairs).expect("parses")
    }

    #[test]
    fn empty_fields_filter_nothing() {
        let f = params("kind=&severity=&partner=&age=&assignee=&state=")
            .to_filter(7, 10_000)
            .expect("valid");
        assert_eq!(f.kind, None);
        assert_eq!(f.assignee, Assignee::Anyone);
        assert_eq!(f.state, None);
    }

    #[test]
    fn each_filter_becomes_its_condition() {
        let f =
            params("kind=conflict&severity=high&partner=3&age=1d&assignee=me&state=acknowledged")
                .to_filter(7, 100_000)
                .expect("valid");
        assert_eq!(f.kind.as_deref(), Some("conflict"));
        assert_eq!(f.severity.as_deref(), Some("high"));
        assert_eq!(f.partner_id, Some(3));
        assert_eq!(f.detected_before, Some(100_000 - 86_400));
        assert_eq!(f.assignee, Assignee::User(7));
        assert_eq!(f.state.as_deref(), Some("acknowledged"));
        assert_eq!(
            params("assignee=none")
                .to_filter(7, 0)
                .expect("valid")
                .assignee,
            Assignee::Nobody
        );
    }

    #[test]
    fn values_that_are_not_choices_are_refused() {
        for bad in [
            "kind=nonsense",
            "severity=huge",
            "partner=x",
            "age=3y",
            "assignee=bob",
            "state=resolved",
        ] {
            assert!(params(bad).to_filter(1, 0).is_err(), "{bad}");
        }
        assert!(params("page=0").page_number().is_err());
        assert_eq!(params("page=3").page_number().expect("valid"), 3);
    }

    #[test]
    fn the_query_keeps_only_what_is_set() {
        let p = params("kind=conflict&severity=&page=2");
        assert_eq!(p.query(), "kind=conflict&page=2");
        assert_eq!(p.query_for_page(3), "kind=conflict&page=3");
        assert!(p.is_filtered());
        assert!(!params("page=4").is_filtered());
        assert_eq!(QueueParams::from_query("kind=conflict&page=2"), p);
        assert_eq!(QueueParams::from_query("%%%"), QueueParams::default());
    }
}
