//! The page's numbers for fixed URLs, pinned: every row of the numbers panel (key, label,
//! displayed text, exact value and details; timings left out) and the panel's HTML with its
//! fitted-law tables for a synthetic run with both
//! methods, a digits run and a run on a CSV file, and the whole sweep of a sweep URL, as
//! committed in `tests/fixtures/page_numbers.json`.
//!
//! The fixture was written by this code (`HSGD_WRITE_FIXTURES=1 cargo test --test
//! page_numbers`); the page shows the same report (the e2e tests check page = CLI), so a
//! change to any number a user sees fails here. Regenerate only for a change that is meant
//! to move numbers, and say so in the commit. Natively only: the wasm suites check that the
//! page's target computes the same bits (`tests/fixtures/determinism.json`).
#![cfg(not(target_arch = "wasm32"))]

use hsgd::report::analysis;
use hsgd::report::config::Config;
use hsgd::report::runs::Silent;
use hsgd::web::numbers::numbers;
use hsgd::web::panel::panel_html;
use serde_json::{json, Value};

const FIXTURE: &str = include_str!("fixtures/page_numbers.json");
const FIXTURE_PATH: &str = "tests/fixtures/page_numbers.json";
const CSV: &str = include_str!("fixtures/kesten/data.csv");

/// The pages pinned: a name, the page's query, and whether it reads the CSV.
const PAGES: [(&str, &str, bool); 3] = [
    ("synthetic, both methods", "method=both&runs=400", false),
    (
        "digits",
        "data=digits&gamma=0.05&runs=200&steps=2000",
        false,
    ),
    ("csv", "data=csv&gamma=0.1&delta=0.02&runs=300", true),
];
const SWEEP: &str = "sweep_points=4&sweep_runs=200";

/// An exact, printable form of an f64 (Debug prints the shortest text that parses back to
/// the same bits, and `inf`/`NaN` where JSON has no number).
fn exact(x: f64) -> String {
    format!("{x:?}")
}

fn panel(query: &str, csv: Option<&str>) -> Value {
    let config = Config::from_query(query);
    let report = analysis::run(&config, csv, &mut Silent).expect("the pinned page runs");
    let rows: Vec<Value> = numbers(&report, 0.0)
        .into_iter()
        .filter(|row| !row.key.starts_with("time_") && row.key != "wall_ms")
        .map(|row| {
            let details: Vec<Value> = row
                .details
                .iter()
                .map(|(name, v)| json!([name, exact(*v)]))
                .collect();
            json!({
                "key": row.key,
                "label": row.label,
                "text": row.text,
                "value": row.value.map(exact),
                "details": details,
            })
        })
        .collect();
    // The panel as the page sets it: the rows above plus the fitted-law tables and the
    // notes (timings are 0 under the silent observer).
    json!({ "rows": rows, "html": panel_html(&report, 0.0) })
}

/// The sweep as JSON, with its timings removed and every number in its exact text form.
fn sweep(query: &str) -> Value {
    let config = Config::from_query(query);
    let sweep =
        hsgd::report::sweep::run(&config, None, &mut Silent).expect("the pinned sweep runs");
    let mut value = serde_json::to_value(&sweep).expect("sweeps serialise");
    if let Some(points) = value.get_mut("points").and_then(Value::as_array_mut) {
        for point in points {
            point
                .as_object_mut()
                .expect("a point is an object")
                .remove("timings_ms");
        }
    }
    exact_numbers(value)
}

fn exact_numbers(value: Value) -> Value {
    match value {
        Value::Number(n) => Value::String(exact(n.as_f64().expect("finite"))),
        Value::Array(items) => Value::Array(items.into_iter().map(exact_numbers).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, exact_numbers(v)))
                .collect(),
        ),
        other => other,
    }
}

#[test]
fn the_pages_numbers_are_unchanged() {
    let mut now = serde_json::Map::new();
    for (name, query, reads_csv) in PAGES {
        let csv = reads_csv.then_some(CSV);
        now.insert(
            name.into(),
            json!({ "query": query, "numbers": panel(query, csv) }),
        );
    }
    now.insert(
        "sweep".into(),
        json!({ "query": SWEEP, "sweep": sweep(SWEEP) }),
    );
    let now = Value::Object(now);
    if std::env::var_os("HSGD_WRITE_FIXTURES").is_some() {
        let text = serde_json::to_string_pretty(&now).expect("serialises");
        std::fs::write(FIXTURE_PATH, text + "\n").expect("fixture written");
        return;
    }
    let pinned: Value = serde_json::from_str(FIXTURE).expect("fixture parses");
    for (name, expected) in pinned.as_object().expect("an object") {
        let got = &now[name.as_str()];
        assert!(
            got == expected,
            "the numbers of {name} ({}) changed:\n{}",
            expected["query"],
            first_difference(expected, got, String::new()).unwrap_or_default()
        );
    }
    assert_eq!(
        pinned.as_object().map(|m| m.len()),
        now.as_object().map(|m| m.len())
    );
}

/// Where two JSON values first differ, as a path and both values.
fn first_difference(expected: &Value, got: &Value, path: String) -> Option<String> {
    match (expected, got) {
        (Value::Object(a), Value::Object(b)) => a.iter().find_map(|(k, v)| {
            first_difference(v, b.get(k).unwrap_or(&Value::Null), format!("{path}.{k}"))
        }),
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (x, y))| first_difference(x, y, format!("{path}[{i}]"))),
        _ if expected == got => None,
        _ => Some(format!("{path}: pinned {expected}, now {got}")),
    }
}
