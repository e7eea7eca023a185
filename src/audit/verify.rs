//! Walking the chain: every row's link and MAC, the head, and the signed checkpoints kept
//! outside the database. Every problem is listed, not only the first, so a reader can tell one
//! edited row from a rewritten history.

use std::collections::BTreeMap;

use super::checkpoint::{self, Checkpoint};
use super::entry::{ENTRY_COLUMNS, Entry, GENESIS_HASH, Unverifiable};
use crate::db::Db;
use crate::keys::LEGACY_KEY_ID;

/// One thing wrong with the chain. Rows are audit entry ids; checkpoint lines count from 1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// Rows `from..=to` are gone: a gap in the ids, or the tail that `audit_head` or a
    /// signed checkpoint says was written.
    Missing { from: i64, to: i64 },
    /// The row does not link to the row before it.
    Unlinked { row: i64 },
    /// The row's content does not match its MAC (or, for a legacy row, its hash).
    Altered { row: i64 },
    /// The row names a key the key file does not hold.
    UnknownKey { row: i64, key_id: String },
    /// An unkeyed row after the chain was keyed: only someone without the key writes one.
    LegacyAfterKeyed { row: i64 },
    /// The row is not the one a signed checkpoint recorded.
    DiffersFromCheckpoint { row: i64, line: usize },
    /// `audit_head` does not point at the last row.
    HeadMismatch { row: i64 },
    /// A checkpoint line whose signature does not verify (or that does not parse).
    BadCheckpoint { line: usize },
}

impl Problem {
    /// The first row the problem concerns; `None` for a problem of the checkpoint file.
    pub fn row(&self) -> Option<i64> {
        match self {
            Problem::Missing { from, .. } => Some(*from),
            Problem::Unlinked { row }
            | Problem::Altered { row }
            | Problem::UnknownKey { row, .. }
            | Problem::LegacyAfterKeyed { row }
            | Problem::DiffersFromCheckpoint { row, .. }
            | Problem::HeadMismatch { row } => Some(*row),
            Problem::BadCheckpoint { .. } => None,
        }
    }

    /// The message id (in `src/i18n/*.ftl`) and its `$value`.
    pub fn message(&self) -> (&'static str, String) {
        match self {
            Problem::Missing { from, to } if from == to => {
                ("audit-problem-missing-one", from.to_string())
            }
            Problem::Missing { from, to } => ("audit-problem-missing", format!("{from}–{to}")),
            Problem::Unlinked { row } => ("audit-problem-unlinked", row.to_string()),
            Problem::Altered { row } => ("audit-problem-altered", row.to_string()),
            Problem::UnknownKey { row, key_id } => {
                ("audit-problem-unknown-key", format!("{row} ({key_id})"))
            }
            Problem::LegacyAfterKeyed { row } => ("audit-problem-legacy", row.to_string()),
            Problem::DiffersFromCheckpoint { row, .. } => {
                ("audit-problem-checkpoint", row.to_string())
            }
            Problem::HeadMismatch { row } => ("audit-problem-head", row.to_string()),
            Problem::BadCheckpoint { line } => ("audit-problem-bad-checkpoint", line.to_string()),
        }
    }

    /// One line in English, for the command line and logs.
    pub fn describe(&self) -> String {
        match self {
            Problem::Missing { from, to } if from == to => format!("row {from} is missing"),
            Problem::Missing { from, to } => format!("rows {from} to {to} are missing"),
            Problem::Unlinked { row } => {
                format!("row {row} does not link to the row before it")
            }
            Problem::Altered { row } => format!("row {row}: content does not match its hash"),
            Problem::UnknownKey { row, key_id } => {
                format!("row {row} is signed with key {key_id:?}, which the key file does not hold")
            }
            Problem::LegacyAfterKeyed { row } => {
                format!("row {row} is unsigned but comes after the chain was keyed")
            }
            Problem::DiffersFromCheckpoint { row, line } => {
                format!("row {row} is not the row checkpoint line {line} signed")
            }
            Problem::HeadMismatch { row } => {
                format!("audit_head does not point at the last row ({row})")
            }
            Problem::BadCheckpoint { line } => {
                format!("checkpoint line {line} does not verify")
            }
        }
    }
}

/// The outcome of walking the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every row links to the one before and matches its MAC; the head and every checkpoint
    /// agree with the rows.
    Intact { rows: i64 },
    /// Every problem found, in row order (checkpoint-file problems last).
    Broken { rows: i64, problems: Vec<Problem> },
}

impl Verdict {
    /// The first row after which the chain cannot be trusted.
    pub fn first_break(&self) -> Option<i64> {
        match self {
            Verdict::Intact { .. } => None,
            Verdict::Broken { problems, .. } => problems.iter().filter_map(Problem::row).min(),
        }
    }

    pub fn problems(&self) -> &[Problem] {
        match self {
            Verdict::Intact { .. } => &[],
            Verdict::Broken { problems, .. } => problems,
        }
    }
}

/// Walks the whole chain in id order, a page at a time, then the head and the checkpoints of
/// the database's checkpoint file (if it has one). Needs the keys.
pub async fn verify(db: &Db) -> Result<Verdict, sqlx::Error> {
    const PAGE: i64 = 2000;
    let keys = db.keys()?;
    let checkpoints = match db.checkpoint_file() {
        Some(path) => checkpoint::read(path, keys).map_err(|e| {
            sqlx::Error::Configuration(
                format!("cannot read the checkpoint file {}: {e}", path.display()).into(),
            )
        })?,
        None => vec![],
    };
    let mut problems = vec![];
    // The rows a checkpoint signed, to compare while walking: seq → (line, hash).
    let mut signed: BTreeMap<i64, Vec<(usize, String)>> = BTreeMap::new();
    // Every row after the earliest checkpoint was written with a key.
    let mut keyed_after = i64::MAX;
    for (line, cp) in &checkpoints {
        match cp {
            Ok(Checkpoint { seq, hash, .. }) => {
                signed.entry(*seq).or_default().push((*line, hash.clone()));
                keyed_after = keyed_after.min(*seq);
            }
            Err(()) => problems.push(Problem::BadCheckpoint { line: *line }),
        }
    }
    let mut expected_id = 1;
    let mut last_id = 0;
    let mut prev_hash = GENESIS_HASH.to_string();
    let mut seen_keyed = false;
    loop {
        let page: Vec<Entry> = sqlx::query_as(&format!(
            "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE id >= $1 ORDER BY id LIMIT $2"
        ))
        .bind(expected_id)
        .bind(PAGE)
        .fetch_all(db.pool())
        .await?;
        let done = (page.len() as i64) < PAGE;
        for entry in page {
            let row = entry.id;
            if row != expected_id {
                problems.push(Problem::Missing {
                    from: expected_id,
                    to: row - 1,
                });
            } else if entry.prev_hash != prev_hash {
                problems.push(Problem::Unlinked { row });
            }
            if entry.key_id == LEGACY_KEY_ID {
                if seen_keyed || row > keyed_after {
                    problems.push(Problem::LegacyAfterKeyed { row });
                } else if entry.hash_matches(keys) != Ok(true) {
                    problems.push(Problem::Altered { row });
                }
            } else {
                seen_keyed = true;
                match entry.hash_matches(keys) {
                    Ok(true) => {}
                    Ok(false) => problems.push(Problem::Altered { row }),
                    Err(Unverifiable::UnknownKey(key_id)) => {
                        problems.push(Problem::UnknownKey { row, key_id })
                    }
                }
            }
            if let Some(lines) = signed.get(&row) {
                for (line, hash) in lines {
                    if *hash != entry.hash {
                        problems.push(Problem::DiffersFromCheckpoint { row, line: *line });
                    }
                }
            }
            prev_hash = entry.hash;
            last_id = row;
            expected_id = row + 1;
        }
        if done {
            break;
        }
    }
    let (seq, last_hash): (i64, String) =
        sqlx::query_as("SELECT seq, last_hash FROM audit_head WHERE id = 1")
            .fetch_one(db.pool())
            .await?;
    // The tail the head or a checkpoint says was written, and that is not there.
    let claimed = signed.keys().next_back().copied().unwrap_or(0).max(seq);
    if claimed > last_id {
        problems.push(Problem::Missing {
            from: last_id + 1,
            to: claimed,
        });
    } else if seq != last_id || last_hash != prev_hash {
        problems.push(Problem::HeadMismatch { row: last_id });
    }
    problems.sort_by_key(|p| (p.row().is_none(), p.row()));
    Ok(if problems.is_empty() {
        Verdict::Intact { rows: last_id }
    } else {
        Verdict::Broken {
            rows: last_id,
            problems,
        }
    })
}
