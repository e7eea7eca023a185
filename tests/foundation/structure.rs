//! The structure keeps itself: no two modules of `src` import each other, directly or round a
//! loop. Read from the `use` lines as text, so the check costs no compile of its own: each file
//! is a module, each `use crate::…`, `use super::…`, `use self::…` or `use child::…` an arrow
//! to the file that defines the longest prefix of the path.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use libtest_mimic::Trial;

pub fn plain() -> Vec<Trial> {
    vec![
        Trial::test(
            "every_module_of_src_has_one_layout_and_its_tests_one_place",
            || {
                let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
                let strays = layout_strays(&root);
                if strays.is_empty() {
                    Ok(())
                } else {
                    Err(format!(
                        "a module with children is a folder with mod.rs, and unit tests are a \
                     `tests` module (not `*_tests.rs`):\n{}",
                        strays.join("\n")
                    )
                    .into())
                }
            },
        ),
        Trial::test("no_two_modules_of_src_import_each_other", || {
            let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
            let cycles = import_cycles(&root);
            if cycles.is_empty() {
                Ok(())
            } else {
                Err(format!(
                "modules that import each other in a loop (move what both need below both):\n{}",
                cycles.join("\n")
            )
            .into())
            }
        }),
        Trial::test(
            "the_loop_check_sees_a_loop_through_use_lines_and_code_paths",
            || {
                let root = std::env::temp_dir().join(format!("loop-check-{}", std::process::id()));
                let files = [
                    ("lib.rs", "pub mod a;\npub mod b;\npub mod c;\n"),
                    ("a.rs", "use crate::b::Thing;\npub struct Other;\n"),
                    (
                        "b.rs",
                        "pub struct Thing;\npub fn f() { let _ = crate::a::Other; }\n",
                    ),
                    (
                        "c.rs",
                        "use super::a::Other;\n#[cfg(test)]\nmod tests {\n    use super::*;\n}\n",
                    ),
                ];
                std::fs::create_dir_all(&root)?;
                for (name, text) in files {
                    std::fs::write(root.join(name), text)?;
                }
                let cycles = import_cycles(&root);
                std::fs::remove_dir_all(&root)?;
                let found =
                    cycles.len() == 1 && cycles[0].contains("a.rs") && cycles[0].contains("b.rs");
                if found && !cycles[0].contains("c.rs") {
                    Ok(())
                } else {
                    Err(format!("expected exactly the a.rs <-> b.rs loop, got {cycles:?}").into())
                }
            },
        ),
    ]
}

/// One crate of the tree: its root file and the folder its modules live in.
struct CrateRoot {
    root_file: PathBuf,
    dir: PathBuf,
}

/// Every loop of imports under `src`, one line each: `a.rs -> b.rs (Name) -> a.rs (Other)`.
pub fn import_cycles(src: &Path) -> Vec<String> {
    let mut cycles = vec![];
    for krate in crate_roots(src) {
        let modules = modules_of(&krate, src);
        let graph = import_graph(&modules);
        for component in strongly_connected(&graph) {
            if component.len() > 1 {
                cycles.push(describe(&component, &graph));
            }
        }
    }
    cycles
}

fn crate_roots(src: &Path) -> Vec<CrateRoot> {
    let mut roots = vec![
        CrateRoot {
            root_file: src.join("lib.rs"),
            dir: src.to_path_buf(),
        },
        CrateRoot {
            root_file: src.join("main.rs"),
            dir: src.to_path_buf(),
        },
    ];
    if let Ok(entries) = std::fs::read_dir(src.join("bin")) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() && path.join("main.rs").exists() {
                roots.push(CrateRoot {
                    root_file: path.join("main.rs"),
                    dir: path,
                });
            } else if path.extension().is_some_and(|e| e == "rs") {
                roots.push(CrateRoot {
                    root_file: path.clone(),
                    dir: src.join("bin"),
                });
            }
        }
    }
    roots
}

/// Module path (`["web", "bookings"]`) → file, for every file of one crate. The library owns
/// everything under `src` but `main.rs` and `bin/`; a binary owns its root file and, for a
/// `bin/name/main.rs`, its folder.
fn modules_of(krate: &CrateRoot, src: &Path) -> BTreeMap<Vec<String>, PathBuf> {
    let mut modules = BTreeMap::new();
    modules.insert(vec![], krate.root_file.clone());
    // A module the root file declares with `#[path = "…"]`: a file several binaries share.
    if let Ok(text) = std::fs::read_to_string(&krate.root_file) {
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        for pair in lines.windows(2) {
            let path = pair[0]
                .strip_prefix("#[path = \"")
                .and_then(|r| r.strip_suffix("\"]"));
            let name = pair[1]
                .strip_prefix("mod ")
                .and_then(|r| r.strip_suffix(';'));
            if let (Some(path), Some(name)) = (path, name) {
                let dir = krate.root_file.parent().unwrap_or(src);
                modules.insert(vec![name.to_string()], dir.join(path));
            }
        }
    }
    let is_library = krate.root_file == src.join("lib.rs");
    let is_folder_binary = krate.root_file.ends_with("main.rs") && krate.dir != src;
    if !is_library && !is_folder_binary {
        return modules;
    }
    let mut stack = vec![krate.dir.clone()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let relative = path.strip_prefix(&krate.dir).unwrap_or(&path).to_path_buf();
            if is_library && (relative.starts_with("bin") || relative == Path::new("main.rs")) {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") || path == krate.root_file {
                continue;
            }
            let mut segments: Vec<String> = relative
                .with_extension("")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if segments.last().is_some_and(|s| s == "mod") {
                segments.pop();
            }
            modules.insert(segments, path);
        }
    }
    modules
}

type Graph = BTreeMap<PathBuf, BTreeMap<PathBuf, BTreeSet<String>>>;

fn import_graph(modules: &BTreeMap<Vec<String>, PathBuf>) -> Graph {
    let mut graph: Graph = BTreeMap::new();
    for (module, file) in modules {
        let arrows = graph.entry(file.clone()).or_default();
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        for (inline, path) in use_paths(&text) {
            let mut here = module.clone();
            here.extend(inline);
            let Some(absolute) = resolve(&here, &path, modules) else {
                continue;
            };
            if let Some((target, name)) = longest_module(&absolute, modules) {
                if &target != file {
                    arrows.entry(target).or_default().insert(name);
                }
            }
        }
    }
    graph
}

/// Every path a `use` names, with the inline modules (`mod tests { … }`) it sits in. rustfmt's
/// indentation tells where an inline module ends.
fn use_paths(text: &str) -> Vec<(Vec<String>, Vec<String>)> {
    let mut found = vec![];
    let mut inline: Vec<(String, usize)> = vec![];
    let mut statement: Option<(String, Vec<String>)> = None;
    for line in text.lines() {
        let indent = line.len() - line.trim_start().len();
        let trimmed = line.trim();
        if let Some((mut buffer, scope)) = statement.take() {
            buffer.push(' ');
            buffer.push_str(trimmed);
            if trimmed.ends_with(';') {
                found.extend(expand(&buffer).into_iter().map(|p| (scope.clone(), p)));
            } else {
                statement = Some((buffer, scope));
            }
            continue;
        }
        while inline
            .last()
            .is_some_and(|(_, depth)| indent == *depth && trimmed.starts_with('}'))
        {
            inline.pop();
        }
        if trimmed.starts_with("//") {
            continue;
        }
        let bare = strip_visibility(trimmed);
        if !bare.starts_with("use ") {
            let scope: Vec<String> = inline.iter().map(|(name, _)| name.clone()).collect();
            found.extend(paths_in_code(bare).into_iter().map(|p| (scope.clone(), p)));
        }
        if let Some(rest) = bare.strip_prefix("mod ") {
            if let Some(name) = rest.strip_suffix('{') {
                inline.push((name.trim().to_string(), indent));
            }
            continue;
        }
        if let Some(rest) = bare.strip_prefix("use ") {
            let scope: Vec<String> = inline.iter().map(|(name, _)| name.clone()).collect();
            if rest.ends_with(';') {
                found.extend(expand(rest).into_iter().map(|p| (scope.clone(), p)));
            } else {
                statement = Some((rest.to_string(), scope));
            }
        }
    }
    found
}

/// Paths written out in code, `crate::web::router(…)`, `super::Thing` or `bookings::list`:
/// arrows as real as a `use` (a path that names no module of ours is dropped later).
fn paths_in_code(line: &str) -> Vec<Vec<String>> {
    let mut paths = vec![];
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut in_string = false;
    for (i, &(at, c)) in chars.iter().enumerate() {
        if c == '"' && (i == 0 || chars[i - 1].1 != '\\') {
            in_string = !in_string;
        }
        let starts_word = c.is_ascii_lowercase() || c == '_';
        let glued = i > 0 && {
            let before = chars[i - 1].1;
            before.is_alphanumeric() || before == '_' || before == ':'
        };
        if in_string || !starts_word || glued {
            continue;
        }
        let path: String = line[at..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        if path.contains("::") {
            paths.push(
                path.split("::")
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
            );
        }
    }
    paths
}

fn strip_visibility(line: &str) -> &str {
    let Some(rest) = line.strip_prefix("pub") else {
        return line;
    };
    let rest = rest.trim_start();
    match rest.strip_prefix('(') {
        Some(inner) => inner
            .split_once(')')
            .map_or(rest, |(_, after)| after.trim_start()),
        None => rest,
    }
}

/// `a::{b::C, d::{self, E}};` → `[a,b,C]`, `[a,d]`, `[a,d,E]`.
fn expand(statement: &str) -> Vec<Vec<String>> {
    // Drop renames (`Foo as Bar` → `Foo`), keeping the punctuation after the new name.
    let mut text = String::new();
    let mut tokens = statement.trim_end_matches(';').split_whitespace();
    while let Some(token) = tokens.next() {
        if token == "as" {
            if let Some(alias) = tokens.next() {
                text.extend(alias.chars().filter(|c| matches!(c, ',' | '}')));
            }
        } else {
            text.push_str(token);
        }
    }
    let mut out = vec![];
    expand_into(&[], &text, &mut out);
    out
}

fn expand_into(prefix: &[String], text: &str, out: &mut Vec<Vec<String>>) {
    for item in split_top_level(text) {
        let (head, group) = match item.find('{') {
            Some(open) if item.ends_with('}') => {
                (&item[..open], Some(&item[open + 1..item.len() - 1]))
            }
            _ => (item, None),
        };
        let mut path = prefix.to_vec();
        for segment in head.split("::").filter(|s| !s.is_empty()) {
            if segment != "self" {
                path.push(segment.to_string());
            }
        }
        match group {
            Some(inner) => expand_into(&path, inner, out),
            None => out.push(path),
        }
    }
}

fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = vec![];
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts.into_iter().filter(|p| !p.is_empty()).collect()
}

/// The absolute module path a `use` path names, or `None` for another crate's.
fn resolve(
    here: &[String],
    path: &[String],
    modules: &BTreeMap<Vec<String>, PathBuf>,
) -> Option<Vec<String>> {
    let first = path.first()?;
    let mut absolute: Vec<String>;
    let mut rest = path;
    match first.as_str() {
        "crate" => {
            absolute = vec![];
            rest = &path[1..];
        }
        "super" | "self" => {
            absolute = here.to_vec();
            while let Some(segment) = rest.first() {
                match segment.as_str() {
                    "super" => {
                        absolute.pop();
                    }
                    "self" => {}
                    _ => break,
                }
                rest = &rest[1..];
            }
        }
        _ => {
            let mut child = here.to_vec();
            child.push(first.clone());
            if !modules.contains_key(&child) {
                return None;
            }
            absolute = here.to_vec();
        }
    }
    absolute.extend(rest.iter().cloned());
    Some(absolute)
}

/// The file of the longest module prefix of `path`, and the first name taken from it.
fn longest_module(
    path: &[String],
    modules: &BTreeMap<Vec<String>, PathBuf>,
) -> Option<(PathBuf, String)> {
    (0..=path.len()).rev().find_map(|len| {
        modules.get(&path[..len]).map(|file| {
            let name = path.get(len).cloned().unwrap_or_else(|| "self".to_string());
            (file.clone(), name)
        })
    })
}

/// Tarjan's strongly connected components.
fn strongly_connected(graph: &Graph) -> Vec<Vec<PathBuf>> {
    struct State<'g> {
        graph: &'g Graph,
        index: BTreeMap<&'g PathBuf, usize>,
        low: BTreeMap<&'g PathBuf, usize>,
        on_stack: BTreeSet<&'g PathBuf>,
        stack: Vec<&'g PathBuf>,
        next: usize,
        components: Vec<Vec<PathBuf>>,
    }
    fn visit<'g>(state: &mut State<'g>, node: &'g PathBuf) {
        state.index.insert(node, state.next);
        state.low.insert(node, state.next);
        state.next += 1;
        state.stack.push(node);
        state.on_stack.insert(node);
        let targets: Vec<&'g PathBuf> = state
            .graph
            .get(node)
            .map(|arrows| arrows.keys().collect())
            .unwrap_or_default();
        for target in targets {
            if !state.index.contains_key(target) {
                visit(state, target);
                let low = state.low[target].min(state.low[node]);
                state.low.insert(node, low);
            } else if state.on_stack.contains(target) {
                let low = state.index[target].min(state.low[node]);
                state.low.insert(node, low);
            }
        }
        if state.low[node] == state.index[node] {
            let mut component = vec![];
            while let Some(member) = state.stack.pop() {
                state.on_stack.remove(member);
                component.push(member.clone());
                if member == node {
                    break;
                }
            }
            state.components.push(component);
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        on_stack: BTreeSet::new(),
        stack: vec![],
        next: 0,
        components: vec![],
    };
    for node in graph.keys() {
        if !state.index.contains_key(node) {
            visit(&mut state, node);
        }
    }
    state.components
}

fn describe(component: &[PathBuf], graph: &Graph) -> String {
    let members: BTreeSet<&PathBuf> = component.iter().collect();
    let mut lines = vec![format!("a loop of {} files:", component.len())];
    for from in &members {
        for (to, names) in graph.get(*from).into_iter().flatten() {
            if members.contains(to) {
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                lines.push(format!(
                    "  {} -> {}: {}",
                    short(from),
                    short(to),
                    names.join(", ")
                ));
            }
        }
    }
    lines.join("\n")
}

fn short(path: &Path) -> String {
    let text = path.to_string_lossy();
    match text.find("/src/") {
        Some(at) => text[at + 1..].to_string(),
        None => text.into_owned(),
    }
}

/// Files that break the one module layout: `name.rs` beside a folder `name/` (the folder's
/// `mod.rs` is the module), and unit tests in a `*_tests.rs` file instead of a `tests` module.
fn layout_strays(dir: &Path) -> Vec<String> {
    let mut strays = vec![];
    let Ok(entries) = std::fs::read_dir(dir) else {
        return strays;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.with_extension("rs").exists() {
                strays.push(format!(
                    "{} beside {}/",
                    path.with_extension("rs").display(),
                    path.display()
                ));
            }
            strays.extend(layout_strays(&path));
        } else if path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.ends_with("_tests.rs"))
        {
            strays.push(path.display().to_string());
        }
    }
    strays.sort();
    strays
}
