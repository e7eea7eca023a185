//! SQL lives in `db/`: a query written anywhere else in `src` fails the build's tests. The audit
//! trail keeps its own tables' queries in `audit/` (it is the one writer of the hash chain), and
//! the binaries under `bin/` are measuring tools with their own scratch queries. Read as text, so
//! the check costs no compile of its own.

use std::path::{Path, PathBuf};

use libtest_mimic::Trial;

/// What starts a query through sqlx.
const QUERY_CALLS: [&str; 5] = [
    "sqlx::query",
    "query_as",
    "query_scalar",
    "sqlx::raw_sql",
    "QueryBuilder",
];

/// The folders of `src` that may hold queries.
const QUERY_HOMES: [&str; 3] = ["db", "audit", "bin"];

pub fn plain() -> Vec<Trial> {
    vec![
        Trial::test("every_sql_query_of_src_lives_in_db", || {
            let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
            let strays = queries_outside_db(&src);
            if strays.is_empty() {
                Ok(())
            } else {
                Err(format!(
                    "queries outside src/db (give each a function in the db module of its table, \
                     or in db::read for a page's read across tables):\n{}",
                    strays.join("\n")
                )
                .into())
            }
        }),
        Trial::test(
            "the_sql_check_sees_a_query_outside_db_and_lets_db_audit_and_bin_be",
            || {
                let root = std::env::temp_dir().join(format!("sql-check-{}", std::process::id()));
                let files = [
                    ("db/links.rs", "sqlx::query_as(\"SELECT 1\")\n"),
                    ("audit/mod.rs", "sqlx::query(\"UPDATE audit_head\")\n"),
                    ("bin/bench/main.rs", "sqlx::query_scalar(\"SELECT 1\")\n"),
                    (
                        "web/team.rs",
                        "// sqlx::query in a comment is no query\nfn f() {}\n",
                    ),
                    (
                        "sync/link.rs",
                        "fn f() {\n    let n = sqlx::query_scalar(\"SELECT 1\");\n}\n",
                    ),
                ];
                for (name, text) in files {
                    let path = root.join(name);
                    if let Some(dir) = path.parent() {
                        std::fs::create_dir_all(dir)?;
                    }
                    std::fs::write(path, text)?;
                }
                let strays = queries_outside_db(&root);
                std::fs::remove_dir_all(&root)?;
                let expected = format!("{}:2", Path::new("sync").join("link.rs").display());
                if strays.len() == 1 && strays[0].starts_with(&expected) {
                    Ok(())
                } else {
                    Err(format!("expected exactly {expected}, got {strays:?}").into())
                }
            },
        ),
    ]
}

/// Every line under `src` outside the query homes that starts a query: `path:line: text`.
fn queries_outside_db(src: &Path) -> Vec<String> {
    let mut strays = vec![];
    for file in rust_files(src) {
        let relative = file.strip_prefix(src).unwrap_or(&file);
        if QUERY_HOMES.iter().any(|home| relative.starts_with(home)) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        for (number, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            if QUERY_CALLS.iter().any(|call| code.contains(call)) {
                strays.push(format!("{}:{}: {code}", relative.display(), number + 1));
            }
        }
    }
    strays.sort();
    strays
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = vec![];
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files
}
