//! The crate's architecture, checked from its source: the modules of `src/` form no import
//! cycle, and each layer uses only the layers below it,
//!
//!   error, rng  <  stats  <  model  <  report  <  plots  <  web
//!
//! (ARCHITECTURE.md). A module is a file; a `tests` child (unit tests in their own file)
//! counts as part of its parent. An edge is any `crate::…` or `super::…` path in code
//! (comments are skipped, so documentation may point anywhere), and in a `mod.rs` any use
//! of a declared child by name. The binaries are separate crates and not part of the graph.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, lowest first; a module may use its own layer and those before it.
const LAYERS: [&[&str]; 6] = [
    &["error", "rng"],
    &["stats"],
    &["model"],
    &["report"],
    &["plots"],
    &["web"],
];

fn rank(module: &str) -> Option<usize> {
    let top = module.split("::").next()?;
    LAYERS.iter().position(|layer| layer.contains(&top))
}

/// Every `.rs` file under `dir`, except the binaries.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "bin") {
                sources(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file (`src/model/sgd.rs` → `model::sgd`; `mod.rs` names its
/// folder; `lib.rs` is the root, ""); a `tests` child is folded into its parent.
fn module_of(file: &Path, src: &Path) -> String {
    let relative = file.strip_prefix(src).expect("under src");
    let mut parts: Vec<String> = relative
        .with_extension("")
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    while parts.len() > 1 && parts.last().is_some_and(|p| p == "tests") {
        parts.pop();
    }
    parts.join("::")
}

/// The code of a file without comments (line comments and doc comments; the crate has no
/// block comments).
fn code(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            Some(i) if !line[..i].contains('"') => &line[..i],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The `a::b::c` paths following `prefix` in `code`, each as its segments; a group
/// `prefix{a::B, c}` gives one path per item.
fn paths_after<'a>(code: &'a str, prefix: &str) -> Vec<Vec<&'a str>> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find(prefix) {
        let before = rest[..i].chars().last();
        rest = &rest[i + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(rest.len());
        let head: Vec<&str> = rest[..end].split("::").filter(|s| !s.is_empty()).collect();
        if rest[end..].starts_with('{') {
            let close = rest[end..].find('}').map_or(rest.len(), |j| end + j);
            for item in rest[end + 1..close].split(',') {
                let item = item.trim();
                let item_end = item
                    .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                    .unwrap_or(item.len());
                let mut path = head.clone();
                path.extend(item[..item_end].split("::").filter(|s| !s.is_empty()));
                out.push(path);
            }
        } else {
            out.push(head);
        }
    }
    out
}

/// The code of `text` split into the lines outside inline `mod name { … }` blocks and
/// those inside (where `super::` means the file's own module).
fn split_inline_modules(text: &str) -> (String, String) {
    let (mut outside, mut inside) = (String::new(), String::new());
    let mut open: Option<usize> = None;
    for line in text.lines() {
        let indent = line.len() - line.trim_start().len();
        let trimmed = line.trim();
        match open {
            Some(level) => {
                inside.push_str(line);
                inside.push('\n');
                if trimmed == "}" && indent == level {
                    open = None;
                }
            }
            None => {
                let words: Vec<&str> = trimmed.split_whitespace().collect();
                let opens = matches!(
                    words.as_slice(),
                    ["mod", _, "{"] | ["pub", "mod", _, "{"] | ["pub(crate)", "mod", _, "{"]
                );
                if opens {
                    open = Some(indent);
                } else {
                    outside.push_str(line);
                    outside.push('\n');
                }
            }
        }
    }
    (outside, inside)
}

/// The longest prefix of `segments` (under `base`) that is a module.
fn resolve(base: &[&str], segments: &[&str], modules: &BTreeSet<String>) -> Option<String> {
    let mut path: Vec<&str> = base.to_vec();
    let mut best = None;
    for s in segments {
        path.push(s);
        let name = path.join("::");
        if modules.contains(&name) {
            best = Some(name);
        }
    }
    best.or_else(|| Some(base.join("::")).filter(|b| modules.contains(b)))
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(f, &src)).collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let from = module_of(file, &src);
        let is_mod_file = matches!(
            file.file_name().and_then(|n| n.to_str()),
            Some("mod.rs" | "lib.rs")
        );
        let text = code(&std::fs::read_to_string(file).expect("a source file"));
        let here: Vec<&str> = from.split("::").filter(|s| !s.is_empty()).collect();
        let mut targets = BTreeSet::new();
        for segments in paths_after(&text, "crate::") {
            targets.extend(resolve(&[], &segments, &modules));
        }
        // `super::` from a file module means its parent folder's module; a `tests` child
        // (folded into its parent) reaches the parent itself, which is no edge.
        let is_tests_child = file.file_stem().is_some_and(|s| s == "tests") && here.len() > 1;
        let (outside, inside) = split_inline_modules(&text);
        if !is_tests_child {
            let parent = &here[..here.len().saturating_sub(1)];
            for segments in paths_after(&outside, "super::") {
                targets.extend(resolve(parent, &segments, &modules));
            }
        }
        for segments in paths_after(&inside, "super::") {
            targets.extend(resolve(&here, &segments, &modules));
        }
        if is_mod_file {
            // A folder module calls its children by their bare names.
            for child in modules.iter().filter(|m| {
                m.rsplit_once("::")
                    .map_or(here.is_empty(), |(p, _)| p == from)
                    && **m != from
            }) {
                let name = child.rsplit("::").next().expect("a name");
                let declared = format!("mod {name};");
                let body = text.replace(&declared, "");
                if !paths_after(&body, &format!("{name}::")).is_empty() {
                    targets.insert(child.clone());
                }
            }
        }
        targets.remove(&from);
        edges.entry(from).or_default().extend(targets);
    }
    edges
}

#[test]
fn each_layer_uses_only_the_layers_below_it() {
    let mut upward = Vec::new();
    for (from, targets) in graph() {
        let Some(own) = rank(&from) else { continue };
        for to in targets {
            if rank(&to).is_some_and(|r| r > own) {
                upward.push(format!("{from} → {to}"));
            }
        }
    }
    assert!(upward.is_empty(), "imports against the layers: {upward:#?}");
}

#[test]
fn the_modules_form_no_cycle() {
    let edges = graph();
    // Depth-first search with three colours; a grey successor closes a cycle.
    fn visit<'a>(
        node: &'a str,
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        colour: &mut BTreeMap<&'a str, u8>,
        stack: &mut Vec<&'a str>,
        cycles: &mut Vec<String>,
    ) {
        colour.insert(node, 1);
        stack.push(node);
        for next in edges.get(node).into_iter().flatten() {
            match colour.get(next.as_str()) {
                Some(1) => {
                    let start = stack.iter().position(|n| n == next).expect("on the stack");
                    cycles.push(format!("{} → {next}", stack[start..].join(" → ")));
                }
                Some(_) => {}
                None => visit(next, edges, colour, stack, cycles),
            }
        }
        stack.pop();
        colour.insert(node, 2);
    }
    let mut colour = BTreeMap::new();
    let mut cycles = Vec::new();
    for node in edges.keys() {
        if !colour.contains_key(node.as_str()) {
            visit(node, &edges, &mut colour, &mut Vec::new(), &mut cycles);
        }
    }
    assert!(cycles.is_empty(), "import cycles: {cycles:#?}");
}

#[test]
fn the_checker_sees_imports() {
    // The graph is not empty by accident: known edges are found.
    let edges = graph();
    let uses = |from: &str, to: &str| edges.get(from).is_some_and(|t| t.contains(to));
    assert!(uses("report::runs", "model::sgd"));
    assert!(uses("report::analysis", "report::runs"));
    assert!(uses("model::sgd", "model::simulation"));
    assert!(uses("model::pearson", "stats::quadrature"));
    assert!(!uses("stats::fits", "model::sgd"));
    // A `super::` path and a comment are told apart.
    assert_eq!(
        paths_after(&code("use super::a::B; // crate::x"), "super::").len(),
        1
    );
    assert!(paths_after(&code("// crate::x"), "crate::").is_empty());
    assert_eq!(
        paths_after("use super::{a::B, c};", "super::"),
        [vec!["a", "B"], vec!["c"]]
    );
    let (outside, inside) =
        split_inline_modules("use a;\nmod tests {\n    use super::*;\n}\nfn f() {}\n");
    assert_eq!(
        (outside.as_str(), inside.contains("super")),
        ("use a;\nfn f() {}\n", true)
    );
}

#[test]
fn no_file_is_long_unless_it_says_why() {
    // About 700 lines at most; a longer file states why in its opening doc comment.
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut long = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("a source file");
        let lines = text.lines().count();
        let says_why = text.lines().take(12).any(|l| l.contains("lines"));
        if lines > 720 && !says_why {
            long.push(format!("{} ({lines} lines)", file.display()));
        }
    }
    assert!(long.is_empty(), "long files that do not say why: {long:#?}");
}
