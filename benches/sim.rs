//! Benchmarks of the simulators (see BENCHMARKS.md for the numbers and the comparison with
//! numpy). Run with `CARGO_TARGET_DIR=/work/target cargo bench --bench sim`.
//!
//! - SGD at the paper's digits size (n = 1797, d = 64, B = 1, γ = 0.1, K = 10⁴): 100 runs
//!   per iteration; 1000 runs take 10× that. The bundled digits (global min-max,
//!   b = 0.1·label, MATH.md §5.2).
//! - hSGD coordinate updates per second for d = 64 and d = 200 (r = d).
//! - α_SGD (`sgd_index`) for the default page and for the digits at γ = 0.1
//!   (`cargo bench --bench sim -- sgd_index`).
//! - the timeline's checkpoints: the default run with 40 and with none
//!   (`cargo bench --bench sim -- checkpoints`).

// Native only: criterion is a native dev-dependency, and `cargo clippy --target
// wasm32-unknown-unknown --all-targets` (make test) compiles this bench too.
#[cfg(not(target_arch = "wasm32"))]
mod native {

    use std::hint::black_box;
    use std::time::Duration;

    use criterion::{criterion_group, Criterion, Throughput};
    use hsgd::model::hsgd::{Coupling, Hsgd, HsgdParams};
    use hsgd::model::problem::Problem;
    use hsgd::model::sgd::{self, SgdParams};
    use hsgd::model::simulation::Record;
    use hsgd::model::spectrum::Spectrum;

    /// The bundled digits (global min-max, b = 0.1·label).
    fn digits() -> Problem {
        Problem::digits().expect("the bundled digits")
    }

    fn sgd_digits(c: &mut Criterion) {
        let problem = digits();
        let params = SgdParams {
            gamma: 0.1,
            batch: 1,
            delta: 0.0,
            steps: 10_000,
            replacement: false,
        };
        let prepared = sgd::Sgd::new(&problem, &params).unwrap();
        let mut group = c.benchmark_group("sgd");
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(5));
        group.throughput(Throughput::Elements(100 * 10_000));
        group.bench_function(
            format!("{} 1797x64 B=1 K=1e4, 100 runs", problem.name),
            |bench| {
                bench.iter(|| {
                    let sim = prepared
                        .simulate(1, 0..100, &Record::finals_only(), &mut |_, _| true)
                        .unwrap();
                    black_box(sim.finals[0])
                })
            },
        );
        group.finish();
    }

    /// On-CPU time of this thread in seconds (Linux `/proc/thread-self/schedstat`, first
    /// field, ns): on a shared machine this is fairer than wall time, and it is what
    /// `bench/numpy_sgd.py` measures with `time.thread_time()`.
    fn cpu_seconds() -> Option<f64> {
        let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
        Some(text.split_whitespace().next()?.parse::<f64>().ok()? * 1e-9)
    }

    /// `HSGD_CPU_TIME=1 cargo bench --bench sim`: one timed pass of each case, in CPU and
    /// wall seconds, printed as lines for BENCHMARKS.md (criterion is skipped).
    fn cpu_time_report() {
        let problem = digits();
        let params = SgdParams {
            gamma: 0.1,
            batch: 1,
            delta: 0.0,
            steps: 10_000,
            replacement: false,
        };
        let prepared = sgd::Sgd::new(&problem, &params).unwrap();
        // Repeated passes: on a loaded machine the minimum is the best estimate of the cost.
        let runs = 200;
        let mut cpu = Vec::new();
        let mut wall = Vec::new();
        for _ in 0..7 {
            let (c0, t0) = (cpu_seconds().unwrap_or(f64::NAN), std::time::Instant::now());
            let sim = prepared
                .simulate(1, 0..runs, &Record::finals_only(), &mut |_, _| true)
                .unwrap();
            cpu.push(cpu_seconds().unwrap_or(f64::NAN) - c0);
            wall.push(t0.elapsed().as_secs_f64());
            assert_eq!(sim.finished.len(), runs);
        }
        report(
            &format!("sgd {} 1797x64 B=1 K=1e4", problem.name),
            runs,
            1000,
            &cpu,
            &wall,
        );

        for (n, d) in [(1797, 64), (2000, 200)] {
            let (prepared, updates) = hsgd_case(n, d);
            let mut cpu = Vec::new();
            let mut wall = Vec::new();
            for _ in 0..5 {
                let (c0, t0) = (cpu_seconds().unwrap_or(f64::NAN), std::time::Instant::now());
                let sim = prepared
                    .simulate(1, 0..100, &Record::finals_only(), &mut |_, _| true)
                    .unwrap();
                cpu.push(cpu_seconds().unwrap_or(f64::NAN) - c0);
                wall.push(t0.elapsed().as_secs_f64());
                assert_eq!(sim.finished.len(), 100);
            }
            let best_cpu = cpu.iter().cloned().fold(f64::INFINITY, f64::min);
            let best_wall = wall.iter().cloned().fold(f64::INFINITY, f64::min);
            println!(
            "hsgd d={d}: {updates} coordinate updates: best cpu {best_cpu:.3} s ({:.2e}/s), best wall {best_wall:.3} s ({:.2e}/s)",
            updates as f64 / best_cpu,
            updates as f64 / best_wall
        );
        }
    }

    /// Prints min and median of CPU and wall times per `runs`, extrapolated to `target` runs.
    fn report(name: &str, runs: usize, target: usize, cpu: &[f64], wall: &[f64]) {
        let stats = |v: &[f64]| {
            let mut v = v.to_vec();
            v.sort_by(f64::total_cmp);
            (v[0], v[v.len() / 2])
        };
        let scale = target as f64 / runs as f64;
        let (cpu_min, cpu_median) = stats(cpu);
        let (wall_min, wall_median) = stats(wall);
        println!(
        "{name}: {target} runs (from {} passes of {runs}): cpu min {:.3} s, median {:.3} s; wall min {:.3} s, median {:.3} s",
        cpu.len(),
        cpu_min * scale,
        cpu_median * scale,
        wall_min * scale,
        wall_median * scale
    );
    }

    /// A prepared hSGD on `Problem::synthetic(n, d, 1)` (rank d): 100 runs × 1000 steps × 10
    /// sub-steps, i.e. 10⁶·d coordinate updates per pass.
    fn hsgd_case(n: usize, d: usize) -> (Hsgd, u64) {
        let problem = Problem::synthetic(n, d, 1).unwrap();
        let spectrum = Spectrum::new(&problem).unwrap();
        assert_eq!(spectrum.rank(), d);
        let params = HsgdParams {
            gamma: 0.01,
            batch: 1,
            delta: 0.0,
            steps: 1000,
            substeps: 10,
            coupling: Coupling::Coupled,
        };
        let updates = 100 * 1000 * 10 * d as u64;
        (Hsgd::new(&spectrum, &params).unwrap(), updates)
    }

    fn hsgd_updates(c: &mut Criterion) {
        let mut group = c.benchmark_group("hsgd");
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(5));
        for (n, d) in [(1797, 64), (2000, 200)] {
            let (prepared, updates) = hsgd_case(n, d);
            group.throughput(Throughput::Elements(updates));
            group.bench_function(
                format!("d={d}, 100 runs x 1000 steps x 10 substeps"),
                |bench| {
                    bench.iter(|| {
                        let sim = prepared
                            .simulate(1, 0..100, &Record::finals_only(), &mut |_, _| true)
                            .unwrap();
                        black_box(sim.finals[0])
                    })
                },
            );
        }
        group.finish();
    }

    /// SGD's own tail index α_SGD (population Monte Carlo, MATH.md §4.3) with the page's
    /// settings (`analysis::index_params`): the default page's problem, and the digits at
    /// the paper's γ = 0.1 (not converged there: the budget caps the walker steps).
    fn sgd_index(c: &mut Criterion) {
        use hsgd::report::analysis;
        use hsgd::report::config::{Config, DataKind};
        use hsgd::report::runs::{self, Silent};
        let mut group = c.benchmark_group("sgd_index");
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(10));
        let default = Config::default();
        let digits = Config {
            data: DataKind::Digits,
            gamma: 0.1,
            steps: 10_000,
            ..Config::default()
        };
        for (name, config) in [("default page", default), ("digits gamma=0.1", digits)] {
            let prepared = runs::prepare(&config, None).unwrap();
            group.bench_function(name, |bench| {
                bench.iter(|| {
                    let index = analysis::sgd_index(&config, &prepared, &mut Silent).unwrap();
                    black_box(index.alpha)
                })
            });
        }
        group.finish();
    }

    /// The default page's run (2000 runs, K = 1000, the estimators and the run bootstrap,
    /// without the fits) with the timeline's 40 checkpoints and without: what recording
    /// them and measuring Hill and the variance at each costs
    /// (`cargo bench --bench sim -- checkpoints`). One thread, as in one worker.
    fn checkpoints(c: &mut Criterion) {
        use hsgd::report::analysis;
        use hsgd::report::config::{Config, Dynamics};
        use hsgd::report::runs::{self, Silent};
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let mut group = c.benchmark_group("checkpoints");
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(10));
        for checkpoints in [0, 40] {
            let config = Config {
                checkpoints,
                ..Config::default()
            };
            let prepared = runs::prepare(&config, None).unwrap();
            group.bench_function(
                format!("default SGD simulation, {checkpoints} checkpoints"),
                |bench| {
                    bench.iter(|| {
                        pool.install(|| {
                            let sim = runs::simulate(
                                &config,
                                &prepared,
                                Dynamics::Sgd,
                                0,
                                1,
                                &mut Silent,
                            );
                            black_box(sim.unwrap().finished.len())
                        })
                    })
                },
            );
            group.bench_function(format!("default run, {checkpoints} checkpoints"), |bench| {
                bench.iter(|| {
                    pool.install(|| {
                        let report = analysis::run_without_fits(&config, None, &mut Silent);
                        black_box(report.unwrap().sgd.unwrap().mean)
                    })
                })
            });
        }
        group.finish();
    }

    criterion_group!(benches, sgd_digits, hsgd_updates, sgd_index, checkpoints);

    pub fn main() {
        if std::env::var_os("HSGD_CPU_TIME").is_some() {
            cpu_time_report();
            return;
        }
        benches();
        Criterion::default().configure_from_args().final_summary();
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    native::main();
}

#[cfg(target_arch = "wasm32")]
fn main() {}
