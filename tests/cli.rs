//! The `hsgd` command-line tool, run as a user would: JSON on stdout, one-line errors on
//! stderr with exit status 2.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

fn hsgd(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hsgd"))
        .args(args)
        .output()
        .expect("the hsgd binary runs")
}

fn json(args: &[&str]) -> Value {
    let out = hsgd(args);
    assert!(
        out.status.success(),
        "hsgd {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

#[test]
fn spectrum_of_synthetic_and_digits() {
    let v = json(&[
        "spectrum",
        "--data",
        "synthetic",
        "--n",
        "40",
        "--d",
        "6",
        "--data-seed",
        "3",
    ]);
    assert_eq!((v["n"].as_u64(), v["d"].as_u64()), (Some(40), Some(6)));
    let s: Vec<f64> = serde_json::from_value(v["singular_values"].clone()).unwrap();
    assert_eq!(s.len(), 6);
    assert!(s.windows(2).all(|w| w[0] >= w[1]), "descending: {s:?}");
    // MATH.md §0: global min-max digits, λ_1 = 137.0700, Σλ_i² = 26980.52, rank 61 < 64.
    let v = json(&["spectrum", "--data", "digits"]);
    assert_eq!((v["n"].as_u64(), v["d"].as_u64()), (Some(1797), Some(64)));
    assert_eq!(v["rank"].as_u64(), Some(61));
    assert!(close(
        v["singular_values"][0].as_f64().unwrap(),
        137.0700,
        5e-5
    ));
}

#[test]
fn bounds_reproduce_the_papers_digits_values() {
    // MATH.md §0 / §5.3: γ = 0.1, B = 1, δ = 0 → η* = 2.9129, η_* = 2.4769, γ̄ = 0.1332.
    let v = json(&[
        "bounds", "--data", "digits", "--gamma", "0.1", "--batch", "1", "--delta", "0",
    ]);
    assert!(close(v["upper"].as_f64().unwrap(), 2.9129, 5e-5));
    assert!(close(v["lower"].as_f64().unwrap(), 2.4769, 5e-5));
    assert!(close(v["gamma_critical"].as_f64().unwrap(), 0.1332, 5e-5));
    let per: Vec<f64> = serde_json::from_value(v["upper_per_coordinate"].clone()).unwrap();
    assert_eq!(per.len(), 61);
    assert!(close(per[0], v["upper"].as_f64().unwrap(), 1e-12));
}

#[test]
fn simulate_writes_all_svd_coordinates_and_estimate_reads_them() {
    let out = scratch("digits-sgd.csv");
    let out_str = out.to_str().unwrap();
    let v = json(&[
        "simulate", "--data", "digits", "--method", "sgd", "--gamma", "0.1", "--batch", "1",
        "--steps", "200", "--runs", "60", "--seed", "2", "--out", out_str,
    ]);
    assert_eq!(v["finished"].as_u64(), Some(60));
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    // Header + one row per run, d = 64 columns (rank 61: null-space coordinates included).
    assert_eq!(lines.len(), 61);
    assert!(lines.iter().all(|l| l.split(',').count() == 64));
    let e = json(&["estimate", "--input", out_str, "--column", "q1"]);
    assert_eq!(e["n"].as_u64(), Some(60));
    for key in [
        "hill",
        "pickands",
        "moment",
        "stable_index",
        "gaussian",
        "student_t",
        "skew_t",
        "stable",
    ] {
        assert!(e.get(key).is_some(), "missing {key}");
    }
    for key in ["df", "loc", "scale", "loglik", "aic", "ks"] {
        assert!(e["student_t"][key].is_number(), "student_t.{key}");
    }
    for key in ["alpha", "beta", "scale", "loc", "loglik", "aic", "ks"] {
        assert!(e["stable"][key].is_number(), "stable.{key}");
    }
    assert!(e["hill"]["k"].is_number() && e["hill"]["alpha"].is_number());
}

#[test]
fn estimate_every_column_of_a_small_simulation() {
    let out = scratch("small-hsgd.csv");
    let out_str = out.to_str().unwrap();
    json(&[
        "simulate",
        "--data",
        "synthetic",
        "--n",
        "50",
        "--d",
        "3",
        "--method",
        "hsgd",
        "--gamma",
        "0.05",
        "--steps",
        "100",
        "--runs",
        "40",
        "--out",
        out_str,
    ]);
    let all = json(&[
        "estimate", "--input", out_str, "--column", "all", "--k", "10",
    ]);
    let columns = all["columns"].as_array().unwrap();
    assert_eq!(columns.len(), 3);
    assert_eq!(columns[2]["column"], "q3");
    assert_eq!(columns[0]["hill"]["k"].as_u64(), Some(10));
}

#[test]
fn hsgd_and_sgd_start_alike_and_the_run_command_matches_the_page_query() {
    let v = json(&["run", "n=60&d=5&runs=30&steps=50&method=both", "--brief"]);
    assert_eq!(v["sgd"]["runs"].as_u64(), Some(30));
    assert_eq!(v["hsgd"]["runs"].as_u64(), Some(30));
    assert!(
        v["sgd"].get("centred").is_none(),
        "--brief drops the samples"
    );
    let again = json(&["run", "n=60&d=5&runs=30&steps=50&method=both", "--brief"]);
    assert_eq!(
        v["sgd"]["estimates"], again["sgd"]["estimates"],
        "same seed, same numbers"
    );
}

#[test]
fn errors_are_one_line_with_exit_status_two() {
    let bad = scratch("bad.csv");
    std::fs::write(&bad, "a,b,c\n1,2,3\n4,x,6\n").unwrap();
    let cases: Vec<Vec<&str>> = vec![
        vec!["spectrum", "--data", bad.to_str().unwrap()],
        vec![
            "bounds",
            "--data",
            "synthetic",
            "--n",
            "10",
            "--d",
            "3",
            "--gamma",
            "0.1",
            "--batch",
            "11",
        ],
        vec!["bounds", "--data", "digits", "--gamma=-1"],
        vec!["simulate", "--data", "digits", "--gamma", "NaN"],
        vec!["estimate", "--input", "/nonexistent/file"],
        vec!["spectrum", "--data", "synthetic", "--n", "1"],
    ];
    for args in cases {
        let out = hsgd(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
    let out = hsgd(&["spectrum", "--data", bad.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("row 3") && stderr.contains("column 2"),
        "{stderr}"
    );
}

#[test]
fn a_diverging_learning_rate_is_explained() {
    let out = hsgd(&["run", "n=50&d=5&runs=20&steps=2000&gamma=50"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("gamma") && stderr.contains("stability"),
        "{stderr}"
    );
}

/// `hsgd sweep` prints the page's sweep; each point is reproducible with `hsgd run` at that
/// point's γ, seed and runs.
#[test]
fn sweep_prints_points_that_run_reproduces() {
    let query = "n=60&d=5&steps=100&sweep=gamma&sweep_points=3&sweep_runs=60";
    let v = json(&["sweep", query]);
    let points = v["sweep"]["points"].as_array().unwrap();
    assert_eq!(points.len(), 3);
    let curves = v["sweep"]["plan"]["curves"].as_array().unwrap();
    let upper: Vec<f64> = curves
        .iter()
        .map(|p| p["upper"].as_f64().unwrap())
        .collect();
    assert!(upper.windows(2).all(|w| w[0] > w[1]), "η* falls with γ");
    let p = &points[1];
    let run = json(&[
        "run",
        &format!(
            "n=60&d=5&steps=100&runs=60&gamma={}&seed={}",
            p["x"], p["seed"]
        ),
        "--brief",
    ]);
    assert_eq!(
        run["sgd"]["estimates"]["hill"]["alpha"],
        p["methods"][0]["hill"]
    );
    assert_eq!(run["bounds"]["upper"], p["upper"]);
    let out = hsgd(&["sweep", "sweep_points=1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("sweep_points"));
}

/// `--samples-per-run` and `--burn-in` keep S iterates per run after a burn-in; `hsgd run`
/// reads the same keys from the query and reports the run-bootstrap interval, the tail
/// test and both verdicts.
#[test]
fn samples_per_run_burn_in_and_the_verdict_keys() {
    let out = scratch("thinned-sgd.csv");
    let out_str = out.to_str().unwrap();
    let v = json(&[
        "simulate",
        "--data",
        "synthetic",
        "--n",
        "60",
        "--d",
        "5",
        "--gamma",
        "0.05",
        "--steps",
        "200",
        "--runs",
        "30",
        "--samples-per-run",
        "4",
        "--burn-in",
        "100",
        "--out",
        out_str,
    ]);
    assert_eq!(v["samples_per_run"].as_u64(), Some(4));
    assert_eq!(v["burn_in"].as_u64(), Some(100));
    // t_0 = 100 + round(1·100/4) = 125; the last is K = 200.
    assert_eq!(v["first_sample_step"].as_u64(), Some(125));
    assert_eq!(v["finished"].as_u64(), Some(30));
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text.lines().count(), 1 + 30 * 4, "header + S rows per run");

    let query = "n=60&d=5&runs=40&steps=200&samples_per_run=5&burn_in=100&method=both";
    let r = json(&["run", query]);
    assert_eq!(r["config"]["samples_per_run"].as_u64(), Some(5));
    assert_eq!(r["config"]["burn_in"].as_u64(), Some(100));
    for method in ["sgd", "hsgd"] {
        let sim = &r[method];
        assert_eq!(sim["runs"].as_u64(), Some(40), "{method}");
        assert_eq!(sim["samples_per_run"].as_u64(), Some(5), "{method}");
        assert_eq!(sim["centred"].as_array().unwrap().len(), 200, "{method}");
        let b = &sim["bootstrap"];
        assert_eq!(b["runs"].as_u64(), Some(40), "{method}");
        let (lo, hi) = (
            b["hill"]["alpha_lo"].as_f64().unwrap(),
            b["hill"]["alpha_hi"].as_f64().unwrap(),
        );
        assert!(lo < hi, "{method}: [{lo}, {hi}]");
        assert_eq!(
            sim["estimates"]["hill"]["ci"],
            serde_json::json!([lo, hi]),
            "{method}: Hill's ci is the run-bootstrap interval"
        );
        assert!(b["moment"]["xi_lo"].is_number() && b["moment"]["xi_hi"].is_number());
        assert!(b["power_law_tail"].is_boolean());
        let verdict = sim["verdict"].as_str().unwrap();
        assert!(
            [
                "below-lower",
                "inside",
                "above-upper",
                "below-upper",
                "inconclusive",
                "no-power-law-tail"
            ]
            .contains(&verdict),
            "{method}: {verdict}"
        );
        assert_eq!(
            sim["verdict_runs_needed"].is_u64(),
            verdict == "inconclusive" && !sim["verdict_runs_needed"].is_null()
        );
        assert!(sim["verdict_text"].is_string());
    }
    // The verdict against α_SGD is SGD's only.
    let index_verdict = r["sgd"]["index_verdict"].as_str().unwrap();
    assert!(
        [
            "above",
            "inside",
            "below",
            "inconclusive",
            "no-power-law-tail"
        ]
        .contains(&index_verdict),
        "{index_verdict}"
    );
    assert!(r["sgd"]["index_verdict_text"].is_string());
    assert!(r["hsgd"]["index_verdict"].is_null());

    // Out-of-range values are one-line errors naming their field.
    for (args, field) in [
        (vec!["--samples-per-run", "0"], "samples_per_run"),
        (vec!["--burn-in", "200"], "burn_in"),
        (
            vec!["--samples-per-run", "101", "--burn-in", "100"],
            "samples_per_run",
        ),
    ] {
        let mut all = vec![
            "simulate", "--n", "60", "--d", "5", "--gamma", "0.05", "--steps", "200", "--runs",
            "30",
        ];
        all.extend(args);
        let out = hsgd(&all);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{all:?}: {stderr}");
        assert!(
            stderr.starts_with(&format!("hsgd: {field}:")),
            "{all:?}: {stderr}"
        );
    }
    let out = hsgd(&["run", "n=60&d=5&runs=30&steps=200&burn_in=300"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("burn_in"));
}

/// A value without its timings (the only thing allowed to differ between two runs).
fn without_timings(mut value: Value) -> Value {
    match &mut value {
        Value::Object(map) => {
            map.retain(|key, _| !key.ends_with("_ms"));
            for v in map.values_mut() {
                *v = without_timings(v.take());
            }
        }
        Value::Array(items) => {
            for v in items.iter_mut() {
                *v = without_timings(v.take());
            }
        }
        _ => {}
    }
    value
}

#[test]
fn the_numbers_do_not_depend_on_the_threads() {
    // Runs split across threads merge in order into the one-thread simulation, and the
    // α_SGD replicas have their own streams: every number is the same bits.
    let query = "method=both&runs=300&steps=200&d=6&n=100&gamma=0.3";
    let one = json(&["--threads", "1", "run", query, "--brief"]);
    let three = json(&["--threads", "3", "run", query, "--brief"]);
    assert!(one["sgd_index"]["lambda"][0]["value"].is_number());
    assert_eq!(without_timings(one), without_timings(three));
    let sweep = "runs=200&steps=200&d=6&n=100&sweep_points=2&sweep_runs=150";
    let one = json(&["sweep", sweep, "--threads", "1"]);
    let two = json(&["sweep", sweep, "--threads", "2"]);
    assert_eq!(one["sweep"]["points"].as_array().map(Vec::len), Some(2));
    assert_eq!(without_timings(one), without_timings(two));
    let out = hsgd(&["--threads", "0", "run", ""]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("threads"));
}

#[test]
fn data_at_the_ends_of_the_floating_point_range_is_refused_by_name() {
    // Values near 1e299 (λ₁⁴ overflows) and near 1e-90 (λ₁⁴ underflows) gave bounds of
    // null; they are a clear error about the data instead, for every command.
    for (name, scale) in [("huge.csv", 1e299), ("tiny.csv", 1e-90)] {
        let path = scratch(name);
        let rows: Vec<String> = (0..30)
            .map(|i| {
                let x = |j: usize| scale * (1.0 + ((i * 7 + j * 3) % 11) as f64);
                format!("{},{},{},{}", x(0), x(1), x(2), i % 3)
            })
            .collect();
        std::fs::write(&path, rows.join("\n")).unwrap();
        let file = path.to_str().unwrap();
        for args in [
            vec!["bounds", "--data", file, "--gamma", "0.1"],
            vec!["spectrum", "--data", file],
            vec!["run", "data=csv&runs=20&steps=10", "--csv", file],
        ] {
            let out = hsgd(&args);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
            assert!(
                stderr.starts_with("hsgd: data: ") && stderr.contains("rescale"),
                "{args:?}: {stderr}"
            );
            assert_eq!(stderr.lines().count(), 1);
        }
    }
}

#[test]
fn a_query_value_that_does_not_parse_is_refused_and_an_unknown_key_warned_of() {
    for (query, field) in [
        ("gamma=abc", "gamma"),
        ("gamma=NaN", "gamma"),
        ("runs=1e12", "runs"),
    ] {
        for command in ["run", "sweep"] {
            let out = hsgd(&[command, query]);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{command} {query}: {stderr}");
            assert!(
                stderr.starts_with(&format!("hsgd: {field}: ")) && stderr.contains("ignored"),
                "{stderr}"
            );
            assert!(out.stdout.is_empty());
        }
    }
    let out = hsgd(&["run", "runs=20&steps=10&colour=red", "--brief"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: 'colour' is not a setting"),
        "{stderr}"
    );
    let out = hsgd(&["run", "gamma=1e308&runs=20"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.starts_with("hsgd: gamma: ") && stderr.len() < 300,
        "{stderr}"
    );
    // A ridge that alone makes every step diverge is blamed, not γ.
    let out = hsgd(&["run", "delta=1e300&runs=20"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.starts_with("hsgd: delta: ") && stderr.contains("1e300"),
        "{stderr}"
    );
}

#[test]
fn the_page_s_display_lists_are_taken_and_an_unknown_name_only_warned_of() {
    // hide= and panels= change only what the page shows: the CLI runs the same numbers.
    let plain = hsgd(&["run", "runs=20&steps=10", "--brief"]);
    let classroom = hsgd(&[
        "run",
        "runs=20&steps=10&hide=batch,sweep&panels=tail,histogram",
        "--brief",
    ]);
    assert!(plain.status.success() && classroom.status.success());
    assert!(
        classroom.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&classroom.stderr)
    );
    let numbers = |out: &std::process::Output| {
        let mut v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let obj = v.as_object_mut().unwrap();
        obj.remove("config");
        obj.remove("timings_ms");
        v
    };
    assert_eq!(numbers(&plain), numbers(&classroom));
    let out = hsgd(&["run", "runs=20&steps=10&hide=batch,chalkboard", "--brief"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning: hide names no control or panel of the page: 'chalkboard'"),
        "{stderr}"
    );
}

#[test]
fn estimate_measures_the_tails_from_the_chosen_center() {
    // A positive Pareto sample, x = u^(−1/2.5) (index 2.5), from a fixed generator.
    let mut state: u64 = 2024;
    let sample: Vec<f64> = (0..5000)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let u = ((state >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
            libm::pow(u, -1.0 / 2.5)
        })
        .collect();
    let path = scratch("pareto.txt");
    let text: Vec<String> = sample.iter().map(|x| format!("{x:?}")).collect();
    std::fs::write(&path, text.join("\n")).unwrap();
    let file = path.to_str().unwrap();
    let k = 500;
    let hill = |center: &str| {
        let v = json(&[
            "estimate", "--input", file, "--k", "500", "--center", center,
        ]);
        (
            v["center"].clone(),
            v["center_value"].as_f64().unwrap(),
            v["hill"]["alpha"].as_f64().unwrap(),
        )
    };
    // The classical estimator on the raw values, computed here: k / Σ_{i<k} ln(X_(i)/X_(k)).
    let mut sorted = sample.clone();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let classical = k as f64
        / (0..k)
            .map(|i| libm::log(sorted[i] / sorted[k]))
            .sum::<f64>();
    let (center, value, alpha) = hill("none");
    assert_eq!((center, value), (Value::from("none"), 0.0));
    assert!(
        (alpha - classical).abs() < 1e-12 * classical,
        "{alpha} vs {classical}"
    );
    assert!(
        (alpha - 2.5).abs() < 3.0 * 2.5 / (k as f64).sqrt(),
        "raw Hill {alpha}"
    );
    let mean = sample.iter().sum::<f64>() / sample.len() as f64;
    let (center, value, _) = hill("mean");
    assert_eq!(center, Value::from("mean"));
    assert!((value - mean).abs() < 1e-12 * mean);
    // The default is the median, and says so.
    let v = json(&["estimate", "--input", file, "--k", "500"]);
    assert_eq!(v["center"], "median");
    assert_eq!(v["center_value"], v["median"]);
    assert!(
        v["hill"]["alpha"].as_f64().unwrap() < alpha - 0.2,
        "centring lowers Hill here"
    );
}
