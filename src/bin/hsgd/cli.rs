//! Argument parsing and JSON output for the `hsgd` binary.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand, ValueEnum};
use serde_json::{json, Value};

use hsgd::analysis::{self, Observer};
use hsgd::config::{Config, DataKind, Method, Preprocess, SpectrumShape};
use hsgd::Error;

/// Heavy tails in homogenized SGD (Jiao & Keller-Ressel, arXiv 2402.01382): the paper's
/// bounds, simulations, estimators and fits from the command line. Every command prints
/// JSON on stdout; errors are one line on stderr with exit status 2.
#[derive(Parser)]
#[command(name = "hsgd", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Shape and singular values of a data set (after its default preprocessing).
    Spectrum {
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum PreprocessArg {
    None,
    Minmax,
    Standardize,
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
                let text = std::fs::read_to_string(PathBuf::from(path))
                    .map_err(|e| Error::new("data", format!("cannot read {path}: {e}")))?;
                csv = Some(text);
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
    config.method = Method::Sgd;
    let problem = analysis::build_problem(&config, csv.as_deref())?;
    let spectrum = hsgd::spectrum::Spectrum::new(&problem)?;
    Ok(json!({
        "data": problem.name,
        "n": spectrum.n,
        "d": spectrum.d,
        "rank": spectrum.rank(),
        "stable_rank": spectrum.stable_rank(),
        "singular_values": spectrum.singular_values,
    }))
}

/// Runs the tool; the exit code is 0 on success and 2 on any error.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let _clock = Clock(Instant::now());
    let result = match &cli.command {
        Command::Spectrum { data } => spectrum(data),
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
