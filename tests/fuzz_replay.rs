//! Replays the committed fuzz corpora (`fuzz/corpus/<target>/`, FUZZING.md) through the
//! fuzz targets' bodies on stable: every input the fuzzer kept, and every crash it once
//! found, must pass their checks (no panic, errors naming a field, no NaN in results).

#[path = "../fuzz/src/lib.rs"]
mod targets;

use std::fs;
use std::path::Path;

fn replay(target: &str, body: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut inputs: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 10, "{target}: only {} inputs", inputs.len());
    for input in &inputs {
        let data = fs::read(input).expect("a corpus file");
        let outcome = std::panic::catch_unwind(|| body(&data));
        assert!(outcome.is_ok(), "{target} fails on {}", input.display());
    }
}

#[test]
fn csv_problem_corpus() {
    replay("csv_problem", targets::csv_problem);
}

#[test]
fn config_query_corpus() {
    replay("config_query", targets::config_query);
}

#[test]
fn sample_analysis_corpus() {
    replay("sample_analysis", targets::sample_analysis);
}

#[test]
fn worker_messages_corpus() {
    replay("worker_messages", targets::worker_messages);
}
