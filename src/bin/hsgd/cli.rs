//! Argument parsing and JSON output for the `hsgd` binary.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand, ValueEnum};
use serde_json::{json, Value};

use crate::input::read_text;
use hsgd::report::config::{Config, DataKind, DataRng, Dynamics, Preprocess, SpectrumShape};
use hsgd::report::runs::{self, Observer};
use hsgd::report::{analysis, presets};
use hsgd::stats::estimators::Center;
use hsgd::Error;

/// Heavy tails in homogenized SGD (Jiao & Keller-Ressel, arXiv 2402.01382): the paper's
/// bounds, simulations, estimators and fits from the command line. Every command prints
/// JSON on stdout; errors are one line on stderr with exit status 2.
#[derive(Parser)]
#[command(name = "hsgd", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Threads for the runs and the α_SGD replicas (default: every core). The numbers do
    /// not depend on it: each run and replica draws from its own stream.
    #[arg(long, global = true, value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
}

#[derive(Subcommand)]
enum Command {
    /// Shape and singular values of a data set (after its default preprocessing).
    Spectrum {
        #[command(flatten)]
        data: DataArgs,
    },
    /// The paper's tail-index bounds (the tail index of the diffusion model hSGD,
    /// MATH.md §3) for a data set at learning rate γ, batch size B and ridge δ.
    Bounds {
        #[command(flatten)]
        data: DataArgs,
        #[command(flatten)]
        step: StepArgs,
    },
    /// Simulate SGD or hSGD; prints a JSON summary and, with --out, writes the final
    /// iterates in SVD coordinates (Vᵀx, all d right singular vectors; one row per run, or
    /// with --samples-per-run S, S consecutive rows per run in step order).
    Simulate {
        #[command(flatten)]
        data: DataArgs,
        #[command(flatten)]
        step: StepArgs,
        #[command(flatten)]
        sim: SimArgs,
        /// sgd or hsgd.
        #[arg(long, default_value = "sgd", value_parser = dynamics_parser())]
        method: Dynamics,
        /// Write the final iterates (SVD coordinates) to this CSV file.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Tail-index estimators and fitted laws (Gaussian, Student t, skew t, alpha-stable)
    /// of a sample: one number per line, or a column of a CSV (e.g. `simulate --out`).
    Estimate {
        /// The file to read.
        #[arg(long)]
        input: PathBuf,
        /// Which CSV column (0-based index or header name), or `all` for every column.
        #[arg(long)]
        column: Option<String>,
        /// Fix Hill's k instead of choosing it by the Clauset–Shalizi–Newman rule.
        #[arg(long)]
        k: Option<usize>,
        /// Seed of the estimators' randomisation (the stable index's permutation).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Where the tails are measured from: the sample's median (the default, for
        /// iterates), its mean, or none (the raw values, as the classical Hill estimator).
        #[arg(long, default_value = "median", value_parser = center_parser())]
        center: Center,
    },
    /// Everything the page shows, as JSON: the page's URL query (the part after `?`)
    /// reproduces its numbers exactly, e.g. `hsgd run 'data=digits&gamma=0.1&runs=1000'`;
    /// a preset's name (`hsgd presets`) runs its query, e.g. `hsgd run fig1-y`.
    #[command(after_long_help = hsgd::report::controls::query_help())]
    Run {
        /// The page's URL query, or a preset's name; empty for the page's default
        /// experiment.
        #[arg(default_value = "")]
        query: String,
        /// A CSV file, when the query says `data=csv`.
        #[arg(long)]
        csv: Option<PathBuf>,
        /// Leave the samples (one value per run) out of the JSON.
        #[arg(long)]
        brief: bool,
    },
    /// The page's presets as JSON: each one's name, what it shows and its URL query
    /// (`hsgd run <name>` or `hsgd run '<query>'` runs it).
    Presets,
    /// SGD's own tail index α_SGD (MATH.md §4.3): the Kesten–Goldie exponent of discrete
    /// SGD, the root of Λ(s) = lim (1/k) log E|M_k⋯M_1 u|^s, by population Monte Carlo,
    /// with the exact anchors Λ(2) = log ρ(T) and the γ at which α_SGD = 2.
    SgdIndex {
        #[command(flatten)]
        data: DataArgs,
        #[command(flatten)]
        step: StepArgs,
        /// Draw SGD batches with replacement (the paper's analysis) instead of without.
        #[arg(long)]
        replacement: bool,
        /// Seed of the Monte Carlo walkers.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Walkers per replica (the Monte Carlo's bias is O(1/walkers)).
        #[arg(long)]
        walkers: Option<usize>,
        /// Independent replicas (the standard errors come from their spread).
        #[arg(long)]
        replicas: Option<usize>,
        /// Most walker steps K (default: 10/θ_min, within about a second of work; setting
        /// this lifts that budget).
        #[arg(long = "max-steps")]
        max_steps: Option<usize>,
        /// Largest moment order s searched.
        #[arg(long = "s-max")]
        s_max: Option<f64>,
        /// Steps K of the experiment being explained: when α_SGD is not converged, it is
        /// also given on the directions that K steps mix (K·θ_i ≥ 5).
        #[arg(long, default_value_t = 1000)]
        steps: usize,
    },
    /// The page's sweep as JSON: the diffusion model's bounds as curves over γ, B or δ
    /// and the measured Hill tail index at each point, e.g.
    /// `hsgd sweep 'sweep=gamma&sweep_points=8&sweep_runs=500'` (the page's URL query).
    Sweep {
        /// The page's URL query; empty for the page's default sweep.
        #[arg(default_value = "")]
        query: String,
        /// A CSV file, when the query says `data=csv`.
        #[arg(long)]
        csv: Option<PathBuf>,
    },
    /// One of the page's plots as an SVG file, computed as `hsgd run` computes the page's
    /// URL query and drawn by the page's own drawing function, e.g.
    /// `hsgd plot tail 'data=digits&gamma=0.1' --out tail.svg`; `sweep` runs the query's
    /// sweep. Prints what it wrote as JSON.
    Plot {
        /// Which plot: histogram, tail, hill, qq-t, qq-stable, spectrum, loss or sweep
        /// (`--list` gives their titles).
        #[arg(required_unless_present = "list")]
        name: Option<String>,
        /// The page's URL query; empty for the page's default experiment.
        #[arg(default_value = "")]
        query: String,
        /// The SVG file to write.
        #[arg(long, required_unless_present = "list")]
        out: Option<PathBuf>,
        /// A CSV file, when the query says `data=csv`.
        #[arg(long)]
        csv: Option<PathBuf>,
        /// Width of the SVG in pixels (the page's download size by default).
        #[arg(long, default_value_t = hsgd::plots::SVG_SIZE.0, value_parser = plot_side())]
        width: u32,
        /// Height of the SVG in pixels.
        #[arg(long, default_value_t = hsgd::plots::SVG_SIZE.1, value_parser = plot_side())]
        height: u32,
        /// List the plots (id and title) as JSON instead of drawing one.
        #[arg(long, conflicts_with_all = ["name", "out"])]
        list: bool,
    },
}

/// Reads `--width` and `--height`: below 100 pixels the axes leave no room for the data.
fn plot_side() -> clap::builder::RangedI64ValueParser<u32> {
    clap::value_parser!(u32).range(100..=10_000)
}

/// Reads `--method` by the dynamics' keys (listed in the help and the error message).
fn dynamics_parser() -> impl clap::builder::TypedValueParser<Value = Dynamics> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(Dynamics::ALL.map(Dynamics::key))
        .map(|key| Dynamics::from_key(&key).expect("one of the listed keys"))
}

/// Reads `--center` by its JSON names.
fn center_parser() -> impl clap::builder::TypedValueParser<Value = Center> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(["median", "mean", "none"])
        .map(|name| serde_json::from_value(Value::String(name)).expect("one of the listed names"))
}

/// Learning rate, batch and ridge.
#[derive(Args)]
struct StepArgs {
    /// Learning rate γ.
    #[arg(long)]
    gamma: f64,
    /// Batch size B.
    #[arg(long, default_value_t = 1)]
    batch: usize,
    /// Ridge coefficient δ (this project's units: the paper's δ divided by n).
    #[arg(long, default_value_t = 0.0)]
    delta: f64,
}

impl StepArgs {
    fn apply(&self, config: &mut Config) {
        config.gamma = self.gamma;
        config.batch = self.batch;
        config.delta = self.delta;
    }
}

/// Steps, runs and seeds of a simulation.
#[derive(Args)]
struct SimArgs {
    /// SGD steps K per run (hSGD integrates over the same time).
    #[arg(long, default_value_t = 1000)]
    steps: usize,
    /// Independent runs R.
    #[arg(long, default_value_t = 1000)]
    runs: usize,
    /// Seed of the runs (run i uses its own stream of this seed).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// hSGD sub-steps per SGD step.
    #[arg(long, default_value_t = 10)]
    substeps: usize,
    /// Draw SGD batches with replacement (the paper's analysis) instead of without.
    #[arg(long)]
    replacement: bool,
    /// Iterates S kept per run, at steps burn_in + round((j+1)(K − burn_in)/S),
    /// j = 0..S−1 (the last is x_K); 1 keeps the final iterate only, as the paper does.
    #[arg(long = "samples-per-run", default_value_t = 1)]
    samples_per_run: usize,
    /// Steps K₀ before the first kept iterate.
    #[arg(long = "burn-in", default_value_t = 0)]
    burn_in: usize,
}

impl SimArgs {
    fn apply(&self, config: &mut Config) {
        config.steps = self.steps;
        config.runs = self.runs;
        config.seed = self.seed;
        config.substeps = self.substeps;
        config.replacement = self.replacement;
        config.samples_per_run = self.samples_per_run;
        config.burn_in = self.burn_in;
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum PreprocessArg {
    None,
    Minmax,
    Standardize,
}

#[derive(Clone, Copy, ValueEnum)]
enum DataRngArg {
    Xoshiro,
    Numpy,
}

#[derive(Clone, Copy, ValueEnum)]
enum ShapeArg {
    PowerLaw,
    Condition,
}

/// Which data set, as on the page.
#[derive(Args)]
struct DataArgs {
    /// `synthetic` (the paper's Gaussian data), `spectrum` (prescribed singular values),
    /// `digits`, `digits-rf` (random ReLU features of the digits) or a path to a CSV file.
    #[arg(long, default_value = "synthetic")]
    data: String,
    /// Rows of synthetic data.
    #[arg(long)]
    n: Option<usize>,
    /// Columns of synthetic data.
    #[arg(long)]
    d: Option<usize>,
    /// Seed of the data (synthetic data, random features). In `simulate`, `--seed` is the
    /// seed of the runs and this one the seed of the data.
    #[arg(long = "data-seed")]
    data_seed: Option<u64>,
    /// Generator of the data: `xoshiro` (this crate's) or `numpy` (numpy's legacy
    /// stream, `np.random.seed`, which draws the paper's exact 𝒳 and 𝒵; MATH.md §5.2).
    #[arg(long = "data-rng", value_enum)]
    data_rng: Option<DataRngArg>,
    /// Prescribed spectrum: power-law decay or a condition number.
    #[arg(long, value_enum)]
    shape: Option<ShapeArg>,
    /// Power-law exponent of a prescribed spectrum.
    #[arg(long)]
    decay: Option<f64>,
    /// Condition number of a prescribed spectrum.
    #[arg(long)]
    condition: Option<f64>,
    /// Number of random features (`digits-rf`).
    #[arg(long)]
    features: Option<usize>,
    /// Response column of a CSV, 0-based (default: the last).
    #[arg(long)]
    response: Option<usize>,
    /// Preprocessing of a CSV's design matrix (default: none).
    #[arg(long, value_enum)]
    preprocess: Option<PreprocessArg>,
}

impl DataArgs {
    /// Writes the data flags into `config`; returns the CSV text when `--data` is a path.
    fn apply(&self, config: &mut Config) -> Result<Option<String>, Error> {
        let mut csv = None;
        config.data = match self.data.as_str() {
            "synthetic" => DataKind::Synthetic,
            "spectrum" => DataKind::Spectrum,
            "digits" => DataKind::Digits,
            "digits-rf" => DataKind::DigitsRf,
            path => {
                csv = Some(read_text(&PathBuf::from(path), "data")?);
                DataKind::Csv
            }
        };
        if let Some(n) = self.n {
            config.n = n;
        }
        if let Some(d) = self.d {
            config.d = d;
        }
        if let Some(seed) = self.data_seed {
            config.data_seed = seed;
        }
        if let Some(rng) = self.data_rng {
            config.data_rng = match rng {
                DataRngArg::Xoshiro => DataRng::Xoshiro,
                DataRngArg::Numpy => DataRng::Numpy,
            };
        }
        if let Some(shape) = self.shape {
            config.shape = match shape {
                ShapeArg::PowerLaw => SpectrumShape::PowerLaw,
                ShapeArg::Condition => SpectrumShape::Condition,
            };
        }
        if let Some(decay) = self.decay {
            config.decay = decay;
        }
        if let Some(condition) = self.condition {
            config.condition = condition;
        }
        if let Some(features) = self.features {
            config.features = features;
        }
        config.response = self.response;
        if let Some(p) = self.preprocess {
            config.preprocess = match p {
                PreprocessArg::None => Preprocess::None,
                PreprocessArg::Minmax => Preprocess::Minmax,
                PreprocessArg::Standardize => Preprocess::Standardize,
            };
        }
        Ok(csv)
    }
}

/// Wall-clock time for the core's observer; never cancels.
struct Clock(Instant);

impl Observer for Clock {
    fn now_ms(&self) -> f64 {
        self.0.elapsed().as_secs_f64() * 1e3
    }
    fn progress(&mut self, _done: usize, _total: usize) -> bool {
        true
    }
}

fn spectrum(data: &DataArgs) -> Result<Value, Error> {
    let mut config = Config::default();
    let csv = data.apply(&mut config)?;
    let problem = runs::build_problem(&config, csv.as_deref())?;
    let spectrum = hsgd::model::spectrum::Spectrum::new(&problem)?;
    Ok(json!({
        "data": problem.name,
        "n": spectrum.n,
        "d": spectrum.d,
        "rank": spectrum.rank(),
        "stable_rank": spectrum.stable_rank(),
        "singular_values": spectrum.singular_values,
    }))
}

fn bounds(data: &DataArgs, step: &StepArgs) -> Result<Value, Error> {
    let mut config = Config::default();
    let csv = data.apply(&mut config)?;
    step.apply(&mut config);
    let prepared = runs::prepare(&config, csv.as_deref())?;
    let summary = prepared.bounds.summary();
    let mut value = json!({
        "data": prepared.problem.name,
        "n": prepared.spectrum.n,
        "d": prepared.spectrum.d,
        "rank": prepared.spectrum.rank(),
        "singular_values": prepared.spectrum.singular_values,
        "meaning": "tail index of the diffusion model (hSGD), not of discrete SGD (MATH.md 5.4)",
    });
    merge(
        &mut value,
        serde_json::to_value(summary).expect("bounds serialise"),
    );
    Ok(value)
}

fn simulate(
    data: &DataArgs,
    step: &StepArgs,
    sim: &SimArgs,
    method: Dynamics,
    out: Option<&PathBuf>,
) -> Result<Value, Error> {
    let mut config = Config::default();
    let csv = data.apply(&mut config)?;
    step.apply(&mut config);
    sim.apply(&mut config);
    let clock = Clock(Instant::now());
    let prepared = runs::prepare(&config, csv.as_deref())?;
    let start = clock.now_ms();
    let mut observer = Clock(Instant::now());
    let simulation = runs::simulate(&config, &prepared, method, 0, 1, &mut observer)?;
    let elapsed = clock.now_ms() - start;
    let d = prepared.spectrum.d;
    let svd_rows: Vec<Vec<f64>> = (0..simulation.sample_count())
        .map(|k| match simulation.final_svd(k) {
            Some(row) => row.to_vec(),
            None => prepared.spectrum.project(simulation.final_iterate(k)),
        })
        .collect();
    let column = |i: usize| -> Vec<f64> { svd_rows.iter().map(|r| r[i]).collect() };
    let summary = |values: Vec<f64>| {
        let m = values.len().max(1) as f64;
        let mean = values.iter().sum::<f64>() / m;
        let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (m - 1.0).max(1.0);
        json!({"mean": mean, "variance": var})
    };
    if let Some(path) = out {
        let mut text = (1..=d)
            .map(|i| format!("q{i}"))
            .collect::<Vec<_>>()
            .join(",");
        text.push('\n');
        for row in &svd_rows {
            let line: Vec<String> = row.iter().map(|v| format!("{v:e}")).collect();
            text.push_str(&line.join(","));
            text.push('\n');
        }
        std::fs::write(path, text)
            .map_err(|e| Error::new("out", format!("cannot write {}: {e}", path.display())))?;
    }
    let shown = d.min(5);
    Ok(json!({
        "data": prepared.problem.name,
        "method": method,
        "n": prepared.spectrum.n,
        "d": d,
        "gamma": config.gamma,
        "batch": config.batch,
        "delta": config.delta,
        "steps": config.steps,
        "runs": config.runs,
        "seed": config.seed,
        "substeps": (method == Dynamics::Hsgd).then_some(config.substeps),
        "samples_per_run": config.samples_per_run,
        "burn_in": config.burn_in,
        "first_sample_step": config.sample_steps().first(),
        "finished": simulation.finished.len(),
        "diverged": simulation.diverged.len(),
        "time_ms": elapsed,
        "svd_coordinates": (0..shown).map(|i| summary(column(i))).collect::<Vec<_>>(),
        "out": out.map(|p| p.display().to_string()),
    }))
}

/// The page's query as a config. A value that does not parse is an error about its key
/// (the page would ignore it and keep the default; a script should not); an unknown key is
/// a warning on stderr, and so is a name of `hide` or `panels` the page does not have (they
/// only change what the page shows). A preset's name stands for its query
/// (`hsgd run fig1-x`).
fn query_config(query: &str) -> Result<Config, Error> {
    let query = presets::preset(query).map_or(query, |p| p.query);
    let (config, notes) = Config::parse_query(query);
    for note in &notes {
        if note.known_key && !note.unknown_name {
            return Err(Error::new(note.key.clone(), note.message()));
        }
        eprintln!("hsgd: warning: {}", note.message());
    }
    Ok(config)
}

fn presets_json() -> Value {
    presets::PRESETS
        .iter()
        .map(|p| {
            json!({
                "key": p.key,
                "name": p.name,
                "description": p.description,
                "query": p.query,
            })
        })
        .collect()
}

fn run(query: &str, csv: Option<&PathBuf>, brief: bool) -> Result<Value, Error> {
    let config = query_config(query)?;
    let text = csv.map(|path| read_text(path, "csv")).transpose()?;
    let mut clock = Clock(Instant::now());
    let report = analysis::run(&config, text.as_deref(), &mut clock)?;
    let mut value = serde_json::to_value(&report).expect("reports serialise");
    if brief {
        for method in Dynamics::ALL {
            if let Some(Value::Object(sim)) = value.get_mut(method.key()) {
                sim.remove("centred");
                if let Some(Value::Object(est)) = sim.get_mut("estimates") {
                    est.remove("hill_plot");
                }
                if let Some(Value::Object(evolution)) = sim.get_mut("evolution") {
                    evolution.remove("centred");
                }
            }
        }
    }
    Ok(value)
}

fn sweep(query: &str, csv: Option<&PathBuf>) -> Result<Value, Error> {
    let config = query_config(query)?;
    let text = csv.map(|path| read_text(path, "csv")).transpose()?;
    let mut clock = Clock(Instant::now());
    let sweep = hsgd::report::sweep::run(&config, text.as_deref(), &mut clock)?;
    Ok(json!({ "config": config, "sweep": sweep }))
}

/// The Monte Carlo budget flags of `sgd-index` (unset: the page's defaults).
struct IndexBudget {
    walkers: Option<usize>,
    replicas: Option<usize>,
    max_steps: Option<usize>,
    s_max: Option<f64>,
}

fn sgd_index(config: &Config, csv: Option<&str>, budget: &IndexBudget) -> Result<Value, Error> {
    let prepared = runs::prepare(config, csv)?;
    let mut params = analysis::index_params(config);
    if let Some(walkers) = budget.walkers {
        params.walkers = walkers;
    }
    if let Some(replicas) = budget.replicas {
        params.replicas = replicas;
    }
    if let Some(max_steps) = budget.max_steps {
        params.max_steps = max_steps;
        params.min_steps = params.min_steps.min(max_steps);
        params.work_budget = hsgd::model::sgd_index::MAX_INDEX_WORK;
    }
    if let Some(s_max) = budget.s_max {
        params.s_max = s_max;
    }
    let index = hsgd::model::sgd_index::sgd_index(
        &prepared.problem,
        &prepared.spectrum,
        &params,
        &mut |_, _| true,
    )?;
    let mut value = json!({
        "data": prepared.problem.name,
        "n": prepared.spectrum.n,
        "d": prepared.spectrum.d,
        "gamma": config.gamma,
        "batch": config.batch,
        "delta": config.delta,
        "replacement": config.replacement,
        "seed": config.seed,
        "meaning": "tail index of discrete SGD itself (Kesten-Goldie exponent, MATH.md 4.3); the paper's bounds are the diffusion model's",
    });
    merge(
        &mut value,
        serde_json::to_value(index).expect("indices serialise"),
    );
    Ok(value)
}

/// Adds the keys of `extra` (an object) to `value` (an object).
fn merge(value: &mut Value, extra: Value) {
    if let (Value::Object(target), Value::Object(source)) = (value, extra) {
        target.extend(source);
    }
}

/// Runs the tool; the exit code is 0 on success and 2 on any error.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(threads) = cli.threads {
        // The global pool is built once, here, before any parallel work.
        if let Err(e) = rayon::ThreadPoolBuilder::new()
            .num_threads(usize::from(threads))
            .build_global()
        {
            eprintln!("hsgd: threads: {e}");
            return ExitCode::from(2);
        }
    }
    let result = match &cli.command {
        Command::Spectrum { data } => spectrum(data),
        Command::Bounds { data, step } => bounds(data, step),
        Command::Simulate {
            data,
            step,
            sim,
            method,
            out,
        } => simulate(data, step, sim, *method, out.as_ref()),
        Command::Estimate {
            input,
            column,
            k,
            seed,
            center,
        } => crate::estimate::estimate(input, column.as_deref(), *center, *k, *seed),
        Command::Presets => Ok(presets_json()),
        Command::Run { query, csv, brief } => run(query, csv.as_ref(), *brief),
        Command::Sweep { query, csv } => sweep(query, csv.as_ref()),
        Command::Plot {
            name: Some(name),
            query,
            out: Some(out),
            csv,
            width,
            height,
            ..
        } => csv
            .as_ref()
            .map(|path| read_text(path, "csv"))
            .transpose()
            .and_then(|text| {
                let size = (*width, *height);
                let mut clock = Clock(Instant::now());
                crate::plot::plot(name, query, text.as_deref(), size, out, &mut clock)
            }),
        // Without a name and a file, clap has checked that `--list` was given.
        Command::Plot { .. } => Ok(crate::plot::list()),
        Command::SgdIndex {
            data,
            step,
            replacement,
            seed,
            walkers,
            replicas,
            max_steps,
            s_max,
            steps,
        } => {
            let mut config = Config::default();
            let budget = IndexBudget {
                walkers: *walkers,
                replicas: *replicas,
                max_steps: *max_steps,
                s_max: *s_max,
            };
            data.apply(&mut config).and_then(|csv| {
                step.apply(&mut config);
                config.replacement = *replacement;
                config.seed = *seed;
                config.steps = *steps;
                sgd_index(&config, csv.as_deref(), &budget)
            })
        }
    };
    match result {
        Ok(value) => {
            let text = serde_json::to_string_pretty(&value).expect("JSON values serialise");
            // A closed pipe (`hsgd … | head`) is not an error worth a panic.
            let _ = writeln!(std::io::stdout().lock(), "{text}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("hsgd: {error}");
            ExitCode::from(2)
        }
    }
}
