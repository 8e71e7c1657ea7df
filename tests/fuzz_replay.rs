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

/// The binary seeds of `worker_messages` (`seed-binary-*`) are its JSON seeds that read as
/// messages (`seed-*`, from `fuzz/seeds.py`), sealed as the page posts them, so the
/// fuzzer starts from real messages in both forms. When the protocol changes this test
/// fails; `HSGD_WRITE_SEEDS=1 cargo test --test fuzz_replay` writes them anew.
#[test]
fn the_binary_message_seeds_are_the_json_seeds_sealed() {
    use hsgd::web::protocol::{FromWorker, ToWorker};
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/worker_messages");
    let mut json_seeds: Vec<_> = fs::read_dir(&dir)
        .expect("the corpus")
        .map(|entry| entry.expect("a directory entry").file_name())
        .filter_map(|name| name.into_string().ok())
        .filter(|name| name.starts_with("seed-") && !name.starts_with("seed-binary-"))
        .collect();
    json_seeds.sort();
    let mut sealed = Vec::new();
    for name in &json_seeds {
        let text = fs::read_to_string(dir.join(name)).expect("a JSON seed");
        let bytes = match (ToWorker::decode(&text), FromWorker::decode(&text)) {
            (Ok(message), _) => message.seal(),
            (_, Ok(message)) => message.seal(),
            _ => continue,
        };
        sealed.push((name.replacen("seed-", "seed-binary-", 1), bytes));
    }
    assert!(sealed.len() >= 8, "only {} JSON seeds read", sealed.len());
    let write = std::env::var_os("HSGD_WRITE_SEEDS").is_some();
    for (name, bytes) in sealed {
        let path = dir.join(&name);
        if write {
            fs::write(&path, &bytes).expect("a seed written");
        }
        assert_eq!(
            fs::read(&path).ok().as_ref(),
            Some(&bytes),
            "{name} is not its JSON seed sealed: HSGD_WRITE_SEEDS=1 cargo test --test fuzz_replay"
        );
    }
}
