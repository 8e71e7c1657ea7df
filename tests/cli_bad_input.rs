//! A catalogue of malformed input — CSV files, page queries and command-line flags — each
//! given to the `hsgd` CLI as a user would. Every one must end with exit status 2, nothing
//! on stdout, and a message on stderr that names what to fix; never a panic, never a
//! `null` or `NaN` printed as a result. (The page reads the same queries and files through
//! the same core, so the same errors reach its notices.)
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;
use std::process::Command;

/// A CSV file's content, written to a scratch file whose path replaces `{file}` in the
/// arguments.
enum Input {
    None,
    Text(&'static str),
    Bytes(&'static [u8]),
    Generated(fn() -> String),
}

struct Case {
    what: &'static str,
    args: &'static [&'static str],
    input: Input,
    /// A word the message must contain (the field, flag or value to fix).
    names: &'static str,
}

fn rows(scale: f64) -> String {
    (0..30)
        .map(|i| {
            let x = |j: usize| scale * (1.0 + ((i * 7 + j * 3) % 11) as f64);
            format!("{},{},{},{}", x(0), x(1), x(2), i % 3)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

const CASES: &[Case] = &[
    // CSV files.
    Case {
        what: "an empty CSV",
        args: &["bounds", "--data", "{file}", "--gamma", "0.1"],
        input: Input::Text(""),
        names: "csv",
    },
    Case {
        what: "a header without rows",
        args: &["bounds", "--data", "{file}", "--gamma", "0.1"],
        input: Input::Text("x1,x2,y\n"),
        names: "data",
    },
    Case {
        what: "one row",
        args: &["bounds", "--data", "{file}", "--gamma", "0.1"],
        input: Input::Text("1,2,3\n"),
        names: "data",
    },
    Case {
        what: "ragged rows",
        args: &["bounds", "--data", "{file}", "--gamma", "0.1"],
        input: Input::Text("1,2,3\n4,5\n6,7,8\n"),
        names: "csv",
    },
    Case {
        what: "a word among the numbers",
        args: &["run", "data=csv&runs=20&steps=10", "--csv", "{file}"],
        input: Input::Text("1,2,3\n4,abc,6\n7,8,9\n1,1,2\n"),
        names: "abc",
    },
    Case {
        what: "a NaN cell",
        args: &["bounds", "--data", "{file}", "--gamma", "0.1"],
        input: Input::Text("1,2,3\n4,NaN,6\n7,8,9\n1,1,2\n"),
        names: "csv",
    },
    Case {
        what: "an infinite cell",
        args: &["bounds", "--data", "{file}", "--gamma", "0.1"],
        input: Input::Text("1,2,3\n4,inf,6\n7,8,9\n1,1,2\n"),
        names: "csv",
    },
    Case {
        what: "a cell that overflows",
        args: &["bounds", "--data", "{file}", "--gamma", "0.1"],
        input: Input::Text("1,2,3\n4,1e400,6\n7,8,9\n1,1,2\n"),
        names: "csv",
    },
    Case {
        what: "a zero design matrix",
        args: &["bounds", "--data", "{file}", "--gamma", "0.1"],
        input: Input::Text("0,0,1\n0,0,2\n0,0,3\n0,0,4\n"),
        names: "csv",
    },
    Case {
        what: "values near 1e299",
        args: &["bounds", "--data", "{file}", "--gamma", "0.1"],
        input: Input::Generated(|| rows(1e299)),
        names: "rescale",
    },
    Case {
        what: "values near 1e-90",
        args: &["spectrum", "--data", "{file}"],
        input: Input::Generated(|| rows(1e-90)),
        names: "rescale",
    },
    Case {
        what: "bytes that are not text",
        args: &["bounds", "--data", "{file}", "--gamma", "0.1"],
        input: Input::Bytes(&[0xff, 0xfe, 0x00, 0x9f, 0x92, 0x96, b'\n', 0xc3]),
        names: "data",
    },
    Case {
        what: "a response column only",
        args: &["bounds", "--data", "{file}", "--gamma", "0.1"],
        input: Input::Text("1\n2\n3\n4\n"),
        names: "csv",
    },
    Case {
        what: "a file that does not exist",
        args: &["run", "data=csv", "--csv", "/nonexistent/hsgd.csv"],
        input: Input::None,
        names: "csv",
    },
    // Page queries.
    Case {
        what: "γ that is not a number",
        args: &["run", "gamma=abc"],
        input: Input::None,
        names: "gamma",
    },
    Case {
        what: "γ = NaN",
        args: &["run", "gamma=NaN"],
        input: Input::None,
        names: "gamma",
    },
    Case {
        what: "runs that is not a whole number",
        args: &["run", "runs=1e12"],
        input: Input::None,
        names: "runs",
    },
    Case {
        what: "γ < 0",
        args: &["run", "gamma=-1"],
        input: Input::None,
        names: "gamma",
    },
    Case {
        what: "γ = 0",
        args: &["run", "gamma=0"],
        input: Input::None,
        names: "gamma",
    },
    Case {
        what: "batch 0",
        args: &["run", "batch=0"],
        input: Input::None,
        names: "batch",
    },
    Case {
        what: "batch larger than n",
        args: &["run", "batch=100000"],
        input: Input::None,
        names: "batch",
    },
    Case {
        what: "δ < 0",
        args: &["run", "delta=-1"],
        input: Input::None,
        names: "delta",
    },
    Case {
        what: "0 steps",
        args: &["run", "steps=0"],
        input: Input::None,
        names: "steps",
    },
    Case {
        what: "0 runs",
        args: &["run", "runs=0"],
        input: Input::None,
        names: "runs",
    },
    Case {
        what: "d = 0",
        args: &["run", "d=0"],
        input: Input::None,
        names: "d",
    },
    Case {
        what: "an absurd size",
        args: &["run", "n=100000000&d=100000"],
        input: Input::None,
        names: "n",
    },
    Case {
        what: "a coordinate past d",
        args: &["run", "coordinate=999&runs=20"],
        input: Input::None,
        names: "coordinate",
    },
    Case {
        what: "a burn-in past the steps",
        args: &["run", "burn_in=5000&steps=100"],
        input: Input::None,
        names: "burn_in",
    },
    Case {
        what: "Hill's k of 1",
        args: &["run", "hill_k=1&runs=50&steps=50"],
        input: Input::None,
        names: "hill_k",
    },
    Case {
        what: "an unknown data set",
        args: &["run", "data=nope"],
        input: Input::None,
        names: "data",
    },
    Case {
        what: "an unknown method",
        args: &["run", "method=foo"],
        input: Input::None,
        names: "method",
    },
    Case {
        what: "γ = 1e308",
        args: &["run", "gamma=1e308&runs=20"],
        input: Input::None,
        names: "1e308",
    },
    Case {
        what: "δ = 1e300",
        args: &["run", "delta=1e300&runs=20"],
        input: Input::None,
        names: "delta",
    },
    // Command-line flags.
    Case {
        what: "--gamma that is not a number",
        args: &["bounds", "--gamma", "abc"],
        input: Input::None,
        names: "--gamma",
    },
    Case {
        what: "an unknown --method",
        args: &["simulate", "--method", "foo"],
        input: Input::None,
        names: "--method",
    },
    Case {
        what: "an unknown --center",
        args: &["estimate", "--input", "x", "--center", "sideways"],
        input: Input::None,
        names: "--center",
    },
    Case {
        what: "--threads 0",
        args: &["--threads", "0", "run"],
        input: Input::None,
        names: "threads",
    },
    Case {
        what: "a missing --input",
        args: &["estimate", "--input", "/nonexistent/sample.txt"],
        input: Input::None,
        names: "input",
    },
    Case {
        what: "a column the file lacks",
        args: &["estimate", "--input", "{file}", "--column", "zzz"],
        input: Input::Text("a,b\n1,2\n3,4\n"),
        names: "zzz",
    },
    Case {
        what: "an unknown plot",
        args: &["plot", "nope", "--out", "/tmp/hsgd-nope.svg"],
        input: Input::None,
        names: "plot",
    },
    Case {
        what: "one walker for α_SGD",
        args: &["sgd-index", "--walkers", "1"],
        input: Input::None,
        names: "walkers",
    },
];

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bad-input");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn every_malformed_input_is_refused_by_name() {
    assert!(CASES.len() >= 25);
    let mut failures = Vec::new();
    for (i, case) in CASES.iter().enumerate() {
        let file = scratch(&format!("case{i}.csv"));
        match &case.input {
            Input::None => {}
            Input::Text(text) => std::fs::write(&file, text).unwrap(),
            Input::Bytes(bytes) => std::fs::write(&file, bytes).unwrap(),
            Input::Generated(make) => std::fs::write(&file, make()).unwrap(),
        }
        let path = file.to_str().unwrap();
        let args: Vec<&str> = case
            .args
            .iter()
            .map(|a| if *a == "{file}" { path } else { a })
            .collect();
        let out = Command::new(env!("CARGO_BIN_EXE_hsgd"))
            .args(&args)
            .output()
            .expect("hsgd runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let ok = out.status.code() == Some(2)
            && stdout.is_empty()
            && !stderr.contains("panicked")
            && stderr.contains(case.names)
            && !stderr.contains("null")
            && !stderr.contains("NaN NaN");
        if !ok {
            failures.push(format!(
                "{} ({args:?}): exit {:?}, stdout {:?}, stderr {:?}",
                case.what,
                out.status.code(),
                stdout.chars().take(200).collect::<String>(),
                stderr.chars().take(400).collect::<String>()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
