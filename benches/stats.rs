//! Benchmarks of the statistics on 10⁵ samples (issue 4; numbers in BENCHMARKS.md).
//! Run with `CARGO_TARGET_DIR=/work/target-bench cargo bench --bench stats`.
//!
//! Two fixed-seed samples of N = 10⁵ values:
//! - `t3`: Student t(3) (loc 0, scale 1), drawn with `rng::stream(1, 0)`;
//! - `stable15`: symmetric α-stable, α = 1.5, β = 0, S1 standard, drawn with
//!   `distributions::stable::sample_standard_s1` and `rng::stream(2, 0)`.
//!
//! Cases: `estimators::estimate_all` (every tail-index estimator, CSN choice of k) on both
//! samples; `fits::fit_student_t` on `t3`; `fits::stable::fit_stable` on `stable15` (and
//! on its first 500 values, the size scipy's `levy_stable.fit` can be timed on).
//! Goals: < 50 ms, < 50 ms and < 500 ms. Also `fits::fit_pearson4` on `t3`, and
//! `fit_all` / `fit_stable` on the page's own samples (the default experiment and the
//! digits experiment, simulated at start-up), the page's second stage (issue 5).
//!
//! Each run first writes the samples to `target/bench-samples/{t3,stable15}.csv` under the
//! crate root (one value per line, shortest round-trip decimal, so Python reads back the
//! exact f64s) for `bench/scipy_fits.py`, which times scipy's fits on the same numbers.
//!
//! `HSGD_CPU_TIME=1 cargo bench --bench stats` skips criterion and prints the CPU time of
//! this thread (`/proc/thread-self/schedstat`, what the Python script measures with
//! `time.thread_time()`) and the wall time, min and median over repeated passes: on a
//! shared, loaded machine the CPU time is the fairer figure.
//!
//! Native only: criterion is not a wasm32 dev-dependency, so on wasm32 `main` is empty.

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::hint::black_box;
    use std::time::{Duration, Instant};

    use criterion::{Criterion, Throughput};
    use hsgd::report::analysis::run_without_fits;
    use hsgd::report::config::Config;
    use hsgd::report::runs::Silent;
    use hsgd::stats::distributions::stable::sample_standard_s1;
    use hsgd::stats::distributions::{Law, StudentT};
    use hsgd::stats::estimators::estimate_all;
    use hsgd::stats::fits::stable::fit_stable;
    use hsgd::stats::fits::{fit_all, fit_pearson4, fit_student_t};

    /// The sample size of every case.
    const N: usize = 100_000;

    /// Student t(3), loc 0, scale 1, from `rng::stream(1, 0)`.
    fn t3_sample() -> Vec<f64> {
        let law = StudentT::new(0.0, 1.0, 3.0).unwrap();
        let mut rng = hsgd::rng::stream(1, 0);
        (0..N).map(|_| law.sample(&mut rng)).collect()
    }

    /// Standard symmetric α-stable, α = 1.5 (S1), from `rng::stream(2, 0)`.
    fn stable15_sample() -> Vec<f64> {
        let mut rng = hsgd::rng::stream(2, 0);
        (0..N)
            .map(|_| sample_standard_s1(1.5, 0.0, &mut rng))
            .collect()
    }

    /// Writes `values` to `target/bench-samples/<name>.csv` (crate root), one per line.
    /// `{:?}` prints the shortest decimal that parses back to the same f64.
    fn write_sample(name: &str, values: &[f64]) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-samples");
        let text: String = values.iter().map(|v| format!("{v:?}\n")).collect();
        let written = std::fs::create_dir_all(&dir)
            .and_then(|_| std::fs::write(dir.join(format!("{name}.csv")), text));
        if let Err(e) = written {
            eprintln!("could not write {name}.csv under {}: {e}", dir.display());
        }
    }

    /// On-CPU time of this thread in seconds (Linux `/proc/thread-self/schedstat`, first
    /// field, ns).
    fn cpu_seconds() -> f64 {
        std::fs::read_to_string("/proc/thread-self/schedstat")
            .ok()
            .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
            .map_or(f64::NAN, |ns| ns * 1e-9)
    }

    /// The benchmarked cases: a name and the work (returns a number to keep it alive).
    type Case<'a> = (&'static str, Box<dyn Fn() -> f64 + 'a>);

    fn cases<'a>(t3: &'a [f64], stable15: &'a [f64]) -> Vec<Case<'a>> {
        vec![
            (
                "estimate_all t3 n=1e5",
                Box::new(|| estimate_all(t3, None, 1).unwrap().hill.xi),
            ),
            (
                "estimate_all stable1.5 n=1e5",
                Box::new(|| estimate_all(stable15, None, 1).unwrap().hill.xi),
            ),
            (
                "fit_student_t t3 n=1e5",
                Box::new(|| fit_student_t(t3).unwrap().gof.loglik),
            ),
            (
                "fit_stable stable1.5 n=1e5",
                Box::new(|| fit_stable(stable15).unwrap().alpha),
            ),
            // The size at which scipy's levy_stable.fit finishes in minutes (same values).
            (
                "fit_stable stable1.5 first 500",
                Box::new(|| fit_stable(&stable15[..500]).unwrap().alpha),
            ),
            // The Pearson IV fit's subsample + Newton polish path.
            (
                "fit_pearson4 t3 n=1e5",
                Box::new(|| fit_pearson4(t3).unwrap().gof.loglik),
            ),
        ]
    }

    /// The page's own samples (issue 5): the centred SGD coordinate of the default
    /// experiment (synthetic 500×50, 2000 runs × 1000 steps; near-Gaussian, so the stable
    /// fit ends at the α = 2 boundary) and of the paper's digits experiment (1000 runs ×
    /// 10⁴ steps, B = 1, γ = 0.1; α̂ ≈ 1.93). `fit_all` is the page's second stage.
    fn page_cases(default: &[f64], digits: &[f64]) -> Vec<Case<'static>> {
        let (default, digits) = (default.to_vec(), digits.to_vec());
        let (default2, digits2) = (default.clone(), digits.clone());
        vec![
            (
                "fit_all page default n=2000",
                Box::new(move || fit_all(&default).unwrap().stable.gof.loglik),
            ),
            (
                "fit_stable page default n=2000",
                Box::new(move || fit_stable(&default2).unwrap().alpha),
            ),
            (
                "fit_all digits n=1000",
                Box::new(move || fit_all(&digits).unwrap().stable.gof.loglik),
            ),
            (
                "fit_stable digits n=1000",
                Box::new(move || fit_stable(&digits2).unwrap().alpha),
            ),
        ]
    }

    /// The centred SGD sample of the page's experiment given by `query`.
    fn page_sample(query: &str) -> Vec<f64> {
        let config = Config::from_query(query);
        let report = run_without_fits(&config, None, &mut Silent).unwrap();
        report.sgd.unwrap().centred
    }

    /// One line per case: CPU and wall milliseconds, min and median of `passes` passes.
    fn cpu_time_report(cases: &[Case<'_>], passes: usize) {
        let stats = |mut v: Vec<f64>| {
            v.sort_by(f64::total_cmp);
            (v[0], v[v.len() / 2])
        };
        for (name, work) in cases {
            black_box(work()); // warm-up (page faults, lazily built tables)
            let mut cpu = Vec::new();
            let mut wall = Vec::new();
            for _ in 0..passes {
                let (c0, t0) = (cpu_seconds(), Instant::now());
                black_box(work());
                cpu.push((cpu_seconds() - c0) * 1e3);
                wall.push(t0.elapsed().as_secs_f64() * 1e3);
            }
            let (cpu_min, cpu_median) = stats(cpu);
            let (wall_min, wall_median) = stats(wall);
            println!(
                "{name}: {passes} passes: cpu min {cpu_min:.1} ms, median {cpu_median:.1} ms; \
                 wall min {wall_min:.1} ms, median {wall_median:.1} ms"
            );
        }
    }

    /// The fitted values, to check the samples are what they claim to be.
    fn print_results(t3: &[f64], stable15: &[f64]) {
        let t = fit_student_t(t3).unwrap();
        let s = fit_stable(stable15).unwrap();
        let e = estimate_all(t3, None, 1).unwrap();
        println!(
            "t3: fit_student_t {:?}, loglik {:.3}; Hill alpha {:?} (k = {:?})",
            t.law, t.gof.loglik, e.hill.alpha, e.hill.k
        );
        println!(
            "stable1.5: fit_stable alpha {:.4} beta {:.4} scale {:.4} loc {:.4}, loglik {:.3}",
            s.alpha, s.beta, s.scale, s.loc, s.loglik
        );
    }

    pub fn main() {
        let t3 = t3_sample();
        let stable15 = stable15_sample();
        write_sample("t3", &t3);
        write_sample("stable15", &stable15);
        let mut cases = cases(&t3, &stable15);
        cases.extend(page_cases(
            &page_sample(""),
            &page_sample("data=digits&gamma=0.1&batch=1&steps=10000&runs=1000"),
        ));
        if std::env::var_os("HSGD_CPU_TIME").is_some() {
            print_results(&t3, &stable15);
            cpu_time_report(&cases, 9);
            return;
        }
        let mut criterion = Criterion::default()
            .sample_size(10)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3))
            .configure_from_args();
        let mut group = criterion.benchmark_group("stats");
        group.throughput(Throughput::Elements(N as u64));
        for (name, work) in &cases {
            group.bench_function(*name, |bench| bench.iter(|| black_box(work())));
        }
        group.finish();
        criterion.final_summary();
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    native::main();
}

#[cfg(target_arch = "wasm32")]
fn main() {}
