//! The bodies of the fuzz targets (FUZZING.md), one function per target, each taking the
//! fuzzer's bytes. What they assert holds for every input:
//! - no panic (in the page a panic kills the wasm module, and the user's work with it);
//! - an input is either refused with an error that names a field and says something, or
//!   its results are numbers: no NaN or infinity, which JSON would print as `null`.
//!
//! The cargo-fuzz targets (nightly) call these; `tests/fuzz_replay.rs` compiles this file
//! on stable and replays the committed corpora through it in CI.

use hsgd::report::analysis::analyse_sample;
use hsgd::report::config::{Config, DataKind};
use hsgd::report::runs::prepare;
use hsgd::stats::estimators::Center;
use hsgd::web::protocol::{FromWorker, ToWorker};
use hsgd::Error;

/// The largest design matrix (n·d entries) the query target builds and decomposes: large
/// enough for every code path, small enough for thousands of executions a second.
const MAX_BUILT_ENTRIES: usize = 4096;

/// The most values the sample target analyses (the fits' cost grows with the sample).
const MAX_SAMPLE: usize = 300;

/// A CSV as the page reads an upload (text, undecodable bytes replaced), with the first
/// byte choosing the response column and the preprocessing: `prepare` builds the problem,
/// its SVD and the bounds, or says which field is wrong.
pub fn csv_problem(data: &[u8]) {
    let Some((&head, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let preprocess = ["none", "minmax", "standardize"][usize::from(head % 3)];
    let response = match head >> 6 {
        0 => String::new(),
        _ => ((head >> 2) % 8).to_string(),
    };
    let query = format!("data=csv&preprocess={preprocess}&response={response}&batch=1");
    let (config, notes) = Config::parse_query(&query);
    assert!(notes.is_empty(), "{query}: {notes:?}");
    match prepare(&config, Some(&text)) {
        Ok(prepared) => {
            assert_numbers(&prepared.bounds.summary(), "bounds");
            assert!(prepared.problem.n() >= 2 && prepared.problem.d() >= 1);
        }
        Err(error) => assert_names_a_field(&error),
    }
}

/// A URL query as the page and `hsgd run` read it: parsing never fails (an ignored pair is
/// a note naming its key); a valid config survives `to_query` → `parse_query` unchanged;
/// a small valid config builds its problem, or is refused with a named field.
pub fn config_query(data: &[u8]) {
    let query = String::from_utf8_lossy(data);
    let (config, notes) = Config::parse_query(&query);
    for note in &notes {
        assert!(note
            .message()
            .contains(note.key.chars().take(20).collect::<String>().as_str()));
    }
    match config.validate() {
        Ok(()) => {
            let (again, notes) = Config::parse_query(&config.to_query());
            assert!(notes.is_empty(), "{notes:?}");
            assert_eq!(again, config, "to_query → parse_query");
            let entries = config.n.saturating_mul(config.d);
            if entries <= MAX_BUILT_ENTRIES && config.data != DataKind::Csv {
                match prepare(&config, None) {
                    Ok(prepared) => {
                        assert_numbers(&prepared.bounds.summary(), "bounds");
                    }
                    Err(error) => assert_names_a_field(&error),
                }
            }
        }
        Err(error) => assert_names_a_field(&error),
    }
}

/// Arbitrary f64 samples (8 bytes each, NaN and infinities included) through every
/// estimator and fit, as `hsgd estimate` and the page run them; the first byte chooses the
/// centre and Hill's k.
pub fn sample_analysis(data: &[u8]) {
    let Some((&head, rest)) = data.split_first() else {
        return;
    };
    let sample: Vec<f64> = rest
        .chunks_exact(8)
        .take(MAX_SAMPLE)
        .map(|bytes| f64::from_le_bytes(bytes.try_into().expect("8 bytes")))
        .collect();
    let center = [Center::Median, Center::Mean, Center::None][usize::from(head % 3)];
    let k = match head >> 2 {
        0 => None,
        k => Some(usize::from(k)),
    };
    match analyse_sample(&sample, center, k, 7) {
        Ok(report) => assert_numbers(&report, "report"),
        Err(error) => assert_names_a_field(&error),
    }
}

/// The input as a message to or from a worker, in the binary form the page and its
/// workers post and as JSON text: whatever is read comes back the same through both
/// forms, and whatever is not is an error about the `worker` field.
pub fn worker_messages(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    either_direction(ToWorker::open(data), ToWorker::open, ToWorker::decode);
    either_direction(ToWorker::decode(&text), ToWorker::open, ToWorker::decode);
    either_direction(FromWorker::open(data), FromWorker::open, FromWorker::decode);
    either_direction(
        FromWorker::decode(&text),
        FromWorker::open,
        FromWorker::decode,
    );
}

/// A message read from the fuzz input, in its binary form or as JSON, comes back the same
/// through both forms, bit for bit (its Debug text: NaN included); an input that is no
/// message is an error about the `worker` field. JSON writes NaN and ±∞ as `null`, which
/// reads back as no number, so a message holding one is not checked through JSON.
fn either_direction<M: Message>(
    read: Result<M, Error>,
    open: fn(&[u8]) -> Result<M, Error>,
    decode: fn(&str) -> Result<M, Error>,
) {
    let bits = |message: &M| format!("{message:?}");
    match read {
        Ok(message) => {
            let text = bits(&message);
            let sealed = open(&message.seal()).map(|m| bits(&m));
            assert_eq!(sealed.ok().as_ref(), Some(&text));
            if !(text.contains("NaN") || text.contains("inf")) {
                let json = decode(&message.encode()).map(|m| bits(&m));
                assert_eq!(json.ok(), Some(text));
            }
        }
        Err(error) => assert_eq!(error.field, "worker"),
    }
}

/// What [`either_direction`] needs of a protocol message.
trait Message: std::fmt::Debug + Sized {
    fn seal(&self) -> Vec<u8>;
    fn encode(&self) -> String;
}

impl Message for ToWorker {
    fn seal(&self) -> Vec<u8> {
        ToWorker::seal(self)
    }
    fn encode(&self) -> String {
        ToWorker::encode(self)
    }
}

impl Message for FromWorker {
    fn seal(&self) -> Vec<u8> {
        FromWorker::seal(self)
    }
    fn encode(&self) -> String {
        FromWorker::encode(self)
    }
}

fn assert_names_a_field(error: &Error) {
    assert!(
        !error.field.is_empty() && !error.message.is_empty(),
        "an error without a field or a message: {error:?}"
    );
}

/// Every number of a result is a number: no NaN or ±∞, which serde_json writes as `null`
/// (an absent value is an `Option`, `None`). Read off the Debug form, which spells them
/// `NaN` and `inf`, so that every `f64` of every nested struct is covered.
fn assert_numbers(result: &impl std::fmt::Debug, what: &str) {
    let text = format!("{result:?}");
    let bad = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .find(|token| matches!(*token, "NaN" | "inf"));
    assert!(bad.is_none(), "{what} has {bad:?}: {text}");
}
