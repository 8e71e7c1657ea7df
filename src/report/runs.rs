//! From a config to simulated runs (DESIGN.md, one data path): the problem, its SVD and
//! the bounds ([`prepare`]); the runs of one dynamics, split across threads natively or
//! across the page's workers, each run from its own stream so that the parts merge in order
//! into the one-thread simulation ([`simulate`], [`split_runs`], [`simulate_part`]); and
//! the inspected coordinate of every finished run.

use crate::error::{Error, Result};
use crate::model::bounds::BoundsModel;
use crate::model::hsgd::{Coupling, Hsgd, HsgdParams};
use crate::model::problem::Problem;
use crate::model::sgd::{Sgd, SgdParams};
use crate::model::simulation::{Checkpoints, Record, Simulation, CANCELLED};
use crate::model::spectrum::Spectrum;
use crate::report::config::{
    Basis, Config, DataKind, DataRng, Dynamics, SpectrumShape, MAX_ITERATE_ENTRIES, MAX_WORK,
};

/// Receives progress and supplies the time; returning `false` from [`Observer::progress`]
/// cancels the computation.
pub trait Observer {
    /// Milliseconds since an arbitrary origin.
    fn now_ms(&self) -> f64;
    /// `done` of `total` units of work are finished; return false to cancel.
    fn progress(&mut self, done: usize, total: usize) -> bool;
}

/// An observer for tests and batch use: no clock, never cancels.
pub struct Silent;

impl Observer for Silent {
    fn now_ms(&self) -> f64 {
        0.0
    }
    fn progress(&mut self, _done: usize, _total: usize) -> bool {
        true
    }
}

/// Builds the problem a config describes (`csv` holds the text of a user's CSV).
pub fn build_problem(config: &Config, csv: Option<&str>) -> Result<Problem> {
    match config.data {
        DataKind::Synthetic => match config.data_rng {
            DataRng::Xoshiro => Problem::synthetic(config.n, config.d, config.data_seed),
            DataRng::Numpy => Problem::synthetic_numpy(config.n, config.d, config.data_seed),
        },
        DataKind::Spectrum => {
            let parameter = match config.shape {
                SpectrumShape::PowerLaw => config.decay,
                SpectrumShape::Condition => config.condition,
            };
            Problem::with_spectrum(
                config.n,
                config.d,
                config.data_seed,
                config.shape,
                parameter,
            )
        }
        DataKind::Digits => Problem::digits(),
        DataKind::DigitsRf => match config.data_rng {
            DataRng::Xoshiro => Problem::digits_random_features(config.features, config.data_seed),
            DataRng::Numpy => {
                Problem::digits_random_features_numpy(config.features, config.data_seed)
            }
        },
        DataKind::Csv => match csv {
            Some(text) => Problem::from_csv(text, config.response, config.preprocess),
            None => Err(Error::new("csv", "choose a CSV file first")),
        },
    }
}

/// The problem, its SVD and the bounds: everything before a simulation.
pub struct Prepared {
    /// The data.
    pub problem: Problem,
    /// Its SVD.
    pub spectrum: Spectrum,
    /// The bounds at the config's γ, B, δ.
    pub bounds: BoundsModel,
}

/// Builds and checks the problem, its spectrum and the bounds for `config`; the errors
/// name the field to fix (batch larger than n, coordinate out of range, …).
pub fn prepare(config: &Config, csv: Option<&str>) -> Result<Prepared> {
    config.validate()?;
    let problem = build_problem(config, csv)?;
    prepare_problem(config, problem, None)
}

/// [`prepare`] for the problem `config` describes, already built, with its SVD when that
/// too is already known (the page's workers build the digits' problem and SVD while they
/// wait for their first job).
///
/// # Errors
/// As [`prepare`].
pub fn prepare_problem(
    config: &Config,
    problem: Problem,
    spectrum: Option<Spectrum>,
) -> Result<Prepared> {
    config.validate()?;
    if config.batch > problem.n() {
        return Err(Error::new(
            "batch",
            format!(
                "the batch size {} exceeds the number of rows n = {}",
                config.batch,
                problem.n()
            ),
        ));
    }
    if config.coordinate >= problem.d() {
        return Err(Error::new(
            "coordinate",
            format!(
                "the coordinate index must be below d = {} (0-based)",
                problem.d()
            ),
        ));
    }
    let work = config.simulation_work(problem.d());
    if work > MAX_WORK {
        return Err(Error::new(
            "runs",
            format!(
                "this simulation needs about {work:.1e} operations, over the budget of {MAX_WORK:.0e} (minutes of computing); use fewer runs, steps or sub-steps"
            ),
        ));
    }
    if config.runs.saturating_mul(problem.d()) > MAX_ITERATE_ENTRIES {
        return Err(Error::new(
            "runs",
            format!("runs × d exceeds the memory budget of {MAX_ITERATE_ENTRIES} stored values"),
        ));
    }
    if config.sample_size().saturating_mul(problem.d()) > MAX_ITERATE_ENTRIES {
        return Err(Error::new(
            "samples_per_run",
            format!(
                "runs × samples per run × d exceeds the memory budget of {MAX_ITERATE_ENTRIES} \
                 stored values; keep fewer samples per run"
            ),
        ));
    }
    let spectrum = match spectrum {
        Some(spectrum) => spectrum,
        None => Spectrum::new(&problem)?,
    };
    let bounds = BoundsModel::from_spectrum(&spectrum, config.gamma, config.batch, config.delta)?;
    Ok(Prepared {
        problem,
        spectrum,
        bounds,
    })
}

/// Runs both integrators for a few thousand steps on a tiny problem and drops the result:
/// a fresh wasm instance's first job then starts with their kernels' optimised code
/// compiled, or under way. V8 runs a wasm function as baseline code until it has done
/// some work, compiles optimised code in the background, and uses it from the function's
/// next call. Without this, a worker's first part of a long job (the digits: 250 runs of
/// 10⁴ steps) ran its first hundreds of milliseconds as baseline code while the compile
/// waited for the busy cores; warmed up, the compile overlaps the data's preparation.
/// Natively it is a millisecond of work with no use; the page's workers call it. An error
/// means the warm-up did not run the kernels to the end (the tests check it does).
pub fn warm_up() -> Result<()> {
    // SGD first, with rows long enough for its kernel's vector loop (V8 optimises
    // functions in the order it is asked to, and the page asks for many as it starts).
    let problem = Problem::synthetic(64, 64, 0)?;
    let steps = 2048;
    let sgd = SgdParams {
        gamma: 0.05,
        batch: 1,
        delta: 0.0,
        steps,
        replacement: false,
    };
    let record = Record::finals_only();
    let sgd = Sgd::new(&problem, &sgd)?.simulate(0, 0..2, &record, &mut |_, _| true)?;
    let hsgd = HsgdParams {
        gamma: 0.05,
        batch: 1,
        delta: 0.0,
        steps: steps / 16,
        substeps: 10,
        coupling: Coupling::Coupled,
    };
    let spectrum = Spectrum::new(&Problem::synthetic(16, 4, 0)?)?;
    let hsgd = Hsgd::new(&spectrum, &hsgd)?.simulate(0, 0..4, &record, &mut |_, _| true)?;
    if sgd.finished.len() + hsgd.finished.len() == 6 {
        Ok(())
    } else {
        Err(Error::new("warm-up", "a warm-up run diverged"))
    }
}

/// Simulates `method` for all of the config's runs. `index` of `count`
/// methods scales the progress reported to `observer`.
///
/// Natively the runs are split into one contiguous part per thread of rayon's pool and the
/// parts merged in order: each run draws from its own stream, so the result is the same
/// bits as one thread's (progress is then reported when all parts are done). In wasm, one
/// part, with progress and cancellation as it goes (the page splits runs across workers
/// instead).
pub fn simulate(
    config: &Config,
    prepared: &Prepared,
    method: Dynamics,
    index: usize,
    count: usize,
    observer: &mut dyn Observer,
) -> Result<Simulation> {
    let total_all = (config.runs * config.steps * count) as u64;
    let offset = (config.runs * config.steps * index) as u64;
    #[cfg(not(target_arch = "wasm32"))]
    {
        let parts = split_runs(config.runs, rayon::current_num_threads());
        if parts.len() > 1 {
            use rayon::prelude::*;
            let simulations: Vec<Result<Simulation>> = parts
                .into_par_iter()
                .map(|runs| simulate_runs(config, prepared, method, runs, &mut |_, _| true))
                .collect();
            let mut simulations = simulations.into_iter();
            let mut merged = simulations.next().expect("at least two parts")?;
            for part in simulations {
                merged.merge(part?)?;
            }
            let done = (config.runs * config.steps) as u64;
            if !observer.progress((offset + done) as usize, total_all as usize) {
                return Err(Error::new("run", "cancelled"));
            }
            return Ok(merged);
        }
    }
    let mut progress =
        |done: u64, _total: u64| observer.progress((offset + done) as usize, total_all as usize);
    simulate_runs(config, prepared, method, 0..config.runs, &mut progress)
}

/// Runs `runs` of `method` with the config's parameters (no trajectory
/// kept); cancellation becomes an error about `run`. The one place the integrators are
/// set up from a config.
fn simulate_runs(
    config: &Config,
    prepared: &Prepared,
    method: Dynamics,
    runs: std::ops::Range<usize>,
    progress: &mut dyn FnMut(u64, u64) -> bool,
) -> Result<Simulation> {
    let checkpoints = (config.checkpoints > 0).then(|| Checkpoints {
        steps: config.checkpoint_steps(),
        probe: probe(config, prepared),
    });
    let record = Record {
        trajectory_run: None,
        samples: config.sample_steps(),
        checkpoints,
        ..Record::default()
    };
    let result = if method == Dynamics::Sgd {
        let params = SgdParams {
            gamma: config.gamma,
            batch: config.batch,
            delta: config.delta,
            steps: config.steps,
            replacement: config.replacement,
        };
        Sgd::new(&prepared.problem, &params)?.simulate(config.seed, runs, &record, progress)
    } else {
        let params = HsgdParams {
            gamma: config.gamma,
            batch: config.batch,
            delta: config.delta,
            steps: config.steps,
            substeps: config.substeps,
            coupling: Coupling::Coupled,
        };
        Hsgd::new(&prepared.spectrum, &params)?.simulate(config.seed, runs, &record, progress)
    };
    result.map_err(|e| {
        if e.field == CANCELLED {
            Error::new("run", "cancelled")
        } else {
            e
        }
    })
}

/// `runs` runs split into at most `parts` contiguous ranges of nearly equal length, in
/// order (for several workers: run r draws from `rng::stream(seed, r)` wherever it runs, so
/// the parts merged in order with [`Simulation::merge`] equal one simulation of all runs).
pub fn split_runs(runs: usize, parts: usize) -> Vec<std::ops::Range<usize>> {
    let parts = parts.clamp(1, runs.max(1));
    (0..parts)
        .map(|i| (i * runs / parts)..((i + 1) * runs / parts))
        .filter(|r| !r.is_empty())
        .collect()
}

/// `runs` runs split for `workers` workers that each take the next part when they are
/// free: contiguous ranges in order, in three rounds of `workers` nearly equal parts that
/// shrink (half of the runs, then 30%, then 20%). The last parts, which decide when the
/// job ends, are short, while the first are long enough that a part's round trip costs
/// little. Merged in order, the parts equal one simulation of all runs, as with
/// [`split_runs`].
pub fn split_runs_in_rounds(runs: usize, workers: usize) -> Vec<std::ops::Range<usize>> {
    let ends = [0, runs * 5 / 10, runs * 8 / 10, runs];
    ends.windows(2)
        .flat_map(|round| {
            let (start, len) = (round[0], round[1] - round[0]);
            split_runs(len, workers)
                .into_iter()
                .map(move |r| start + r.start..start + r.end)
        })
        .filter(|r| !r.is_empty())
        .collect()
}

/// Simulates runs `runs` of `method` with the config's parameters, as
/// [`simulate`] does for all runs; progress in SGD steps of this part. The final iterates
/// are reduced to the inspected coordinate ([`Simulation::reduce_to`]): all the analysis
/// needs, and d times less for the workers to copy.
///
/// # Errors
/// Bad parameters; cancellation (field `run`).
pub fn simulate_part(
    config: &Config,
    prepared: &Prepared,
    method: Dynamics,
    runs: std::ops::Range<usize>,
    observer: &mut dyn Observer,
) -> Result<Simulation> {
    let mut progress = |done: u64, total: u64| observer.progress(done as usize, total as usize);
    let mut simulation = simulate_runs(config, prepared, method, runs, &mut progress)?;
    let inspected = inspected_coordinate(config, prepared, &simulation);
    simulation.reduce_to(inspected);
    Ok(simulation)
}

/// The direction u whose uᵀx is the inspected coordinate: q_i (SVD basis) or e_i.
pub fn probe(config: &Config, prepared: &Prepared) -> Vec<f64> {
    match config.basis {
        Basis::Svd => prepared
            .spectrum
            .v
            .column(config.coordinate)
            .iter()
            .copied()
            .collect(),
        Basis::Original => {
            let mut e = vec![0.0; prepared.problem.d()];
            e[config.coordinate] = 1.0;
            e
        }
    }
}

/// The inspected coordinate of every finished run: q_iᵀx (SVD basis) or x_i.
pub fn inspected_coordinate(
    config: &Config,
    prepared: &Prepared,
    simulation: &Simulation,
) -> Vec<f64> {
    if let Some(values) = &simulation.inspected {
        return values.clone();
    }
    match config.basis {
        Basis::Svd => match simulation.svd_coordinate(config.coordinate) {
            Some(values) => values,
            None => simulation.project(&probe(config, prepared)),
        },
        Basis::Original => simulation
            .finals
            .chunks_exact(simulation.d)
            .map(|x| x[config.coordinate])
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_warm_up_runs_both_kernels_to_the_end() {
        assert_eq!(warm_up(), Ok(()));
    }

    #[test]
    fn a_problem_prepared_with_its_known_svd_is_the_same() {
        let config = Config {
            n: 40,
            d: 6,
            gamma: 0.05,
            ..Config::default()
        };
        let whole = prepare(&config, None).unwrap();
        let problem = build_problem(&config, None).unwrap();
        let spectrum = Spectrum::new(&problem).unwrap();
        for known in [None, Some(spectrum)] {
            let part = prepare_problem(&config, problem.clone(), known).unwrap();
            assert_eq!(part.problem, whole.problem);
            assert_eq!(part.spectrum, whole.spectrum);
            assert_eq!(part.bounds.summary(), whole.bounds.summary());
        }
        // The config's checks still apply.
        let too_big = Config {
            batch: 41,
            ..config
        };
        let error = prepare_problem(&too_big, problem, None)
            .map(|_| ())
            .unwrap_err();
        assert_eq!(error.field, "batch");
    }
}
