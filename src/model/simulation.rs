//! What a simulation of either dynamics (SGD, hSGD) records and returns, and what their
//! integrators share (MATH.md §4.1).
//!
//! - [`Record`]: what to keep besides the final iterates — S iterates per run at
//!   [`sample_steps`] (after a burn-in), the thinned trajectory of one run and loss curves at
//!   [`thinned_steps`], and one number per run at each checkpoint ([`Checkpoints`]: a probe
//!   uᵀx at log-spaced steps, [`checkpoint_steps`]) for watching the law of the inspected
//!   coordinate evolve at a memory cost of runs × C;
//! - [`Simulation`]: the kept iterates of the finished runs (runs × d, row-major), the runs
//!   that diverged, the trajectory and loss curves; runs simulated in parts (workers,
//!   threads) merge in order into exactly the simulation of all runs;
//! - divergence ([`DIVERGENCE_NORM`], checked every [`CHECK_STEPS`]), progress (a ticker
//!   calling back every [`PROGRESS_QUANTUM`] of work) and cancellation ([`CANCELLED`]);
//! - the parameter checks both integrators apply.

use std::ops::Range;

use crate::error::{Error, Result};

pub mod packed_f32;

/// A run is declared diverged when |x| exceeds this (or x is not finite).
pub const DIVERGENCE_NORM: f64 = 1e100;

/// Divergence is checked at least every this many steps.
pub const CHECK_STEPS: usize = 256;

/// The progress callback is called after about this much work (element operations:
/// 2·B·d per SGD step, 8 per hSGD coordinate update), i.e. every 1–5 ms natively.
pub const PROGRESS_QUANTUM: u64 = 1 << 22;

/// The `field` of the error returned when the progress callback cancels a simulation.
pub const CANCELLED: &str = "cancelled";

/// What to record besides the final iterates.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// The run whose thinned trajectory is kept (when it lies in the simulated range).
    pub trajectory_run: Option<usize>,
    /// Runs `0..loss_runs` get a loss curve (default 4: enough for a smooth mean curve,
    /// cheap whatever n is).
    pub loss_runs: usize,
    /// Number of thinning intervals: x and f are recorded every ⌊K/points⌋ steps, plus at
    /// step K (default 200).
    pub points: usize,
    /// The steps at which every run's iterate is kept as a sample ([`sample_steps`]):
    /// strictly increasing, the last equal to K. Empty (the default) keeps x_K alone.
    pub samples: Vec<usize>,
    /// The probe uᵀx of every run at the checkpoint steps, when given.
    pub checkpoints: Option<Checkpoints>,
}

/// A probe u (original coordinates, length d) and the steps at which every run records
/// uᵀx_t: C numbers per run, where keeping the iterates would cost C·d. They are kept in
/// single precision (7 digits), the same on every path (natively, in one worker, split
/// across several), so every number computed from them agrees everywhere.
#[derive(Clone, Debug, PartialEq)]
pub struct Checkpoints {
    /// Strictly increasing steps, each at most K ([`checkpoint_steps`]).
    pub steps: Vec<usize>,
    /// The direction u.
    pub probe: Vec<f64>,
}

impl Checkpoints {
    /// Checks the steps against K and the probe against d.
    ///
    /// # Errors
    /// `"checkpoints"` when the steps do not increase strictly, pass K, or the probe is not
    /// of length d.
    pub(crate) fn check(&self, steps: usize, d: usize) -> Result<()> {
        let increasing = self.steps.windows(2).all(|w| w[0] < w[1]);
        if !increasing || self.steps.last().is_some_and(|&t| t > steps) {
            return Err(Error::new(
                "checkpoints",
                format!(
                    "the checkpoint steps must increase strictly and end by K = {steps}; got {:?}",
                    self.steps
                ),
            ));
        }
        if self.probe.len() != d {
            return Err(Error::new(
                "checkpoints",
                format!("the probe has {} entries, not d = {d}", self.probe.len()),
            ));
        }
        Ok(())
    }
}

/// uᵀx, summed in the order every caller uses, so SGD's probe taken during a run and the
/// same projection of its kept iterate ([`Simulation::project`]) are the same bits (hSGD
/// probes its SVD coordinates, wᵀs with w = Vᵀu: equal to rounding).
pub fn probe_value(u: &[f64], x: &[f64]) -> f64 {
    x.iter().zip(u).map(|(x, u)| x * u).sum()
}

/// A probe as a checkpoint keeps it: in single precision, saturated at ±f32::MAX (a run
/// still below [`DIVERGENCE_NORM`] can be far beyond f32's range; the timeline refuses such
/// values, [`crate::report::evolution`]).
pub(crate) fn single(v: f64) -> f32 {
    (v as f32).clamp(-f32::MAX, f32::MAX)
}

/// `count` log-spaced checkpoint steps in 1..=K ending at K: the ideal steps
/// t_c = round(K^((c+1)/C)), c = 0..C−1, made strictly increasing by moving each at least
/// one step past its predecessor, then back below its successor from the end (so
/// t_{C−1} = K). With C clamped to 1..=K, t_c ≥ c + 1 and the steps increase strictly.
/// K = 0 has none.
pub fn checkpoint_steps(steps: usize, count: usize) -> Vec<usize> {
    if steps == 0 || count == 0 {
        return Vec::new();
    }
    let count = count.min(steps);
    let mut out: Vec<usize> = Vec::with_capacity(count);
    for c in 0..count {
        let ideal = libm::round(libm::pow(steps as f64, (c + 1) as f64 / count as f64)) as usize;
        let after = out.last().map_or(1, |&t| t + 1);
        out.push(ideal.clamp(1, steps).max(after));
    }
    let mut next = steps + 1;
    for t in out.iter_mut().rev() {
        *t = (*t).min(next - 1);
        next = *t;
    }
    out
}

impl Default for Record {
    fn default() -> Self {
        Record {
            trajectory_run: Some(0),
            loss_runs: 4,
            points: 200,
            samples: Vec::new(),
            checkpoints: None,
        }
    }
}

impl Record {
    /// Record nothing but the final iterates.
    pub fn finals_only() -> Record {
        Record {
            trajectory_run: None,
            loss_runs: 0,
            points: 200,
            samples: Vec::new(),
            checkpoints: None,
        }
    }

    /// The sample steps to use for `steps` K: [`Record::samples`], or `[K]` when empty.
    ///
    /// # Errors
    /// `"samples_per_run"` when the steps are not strictly increasing or do not end at K.
    pub(crate) fn sample_steps(&self, steps: usize) -> Result<Vec<usize>> {
        if self.samples.is_empty() {
            return Ok(vec![steps]);
        }
        let increasing = self.samples.windows(2).all(|w| w[0] < w[1]);
        if !increasing || self.samples.last() != Some(&steps) {
            return Err(Error::new(
                "samples_per_run",
                format!(
                    "the sample steps must increase strictly and end at K = {steps}; got {:?}",
                    self.samples
                ),
            ));
        }
        Ok(self.samples.clone())
    }
}

/// The steps at which each run keeps an iterate: t_j = burn_in + round((j+1)(K − burn_in)/S)
/// for j = 0..S−1 (halves rounded up), so t_{S−1} = K. When 1 ≤ S ≤ K − burn_in they
/// increase strictly (consecutive ideal points are at least one step apart) and
/// t_0 > burn_in. Out-of-range arguments are clamped (S to 1..=K − burn_in, burn_in below
/// K); [`crate::report::config::Config::validate`] reports them first.
pub fn sample_steps(steps: usize, burn_in: usize, samples: usize) -> Vec<usize> {
    let burn_in = burn_in.min(steps.saturating_sub(1));
    let span = (steps - burn_in) as u128;
    let count = (samples as u128).clamp(1, span.max(1));
    (1..=count)
        .map(|j| {
            // round(j·span/count) in integers: ⌊(2·j·span + count) / (2·count)⌋.
            let offset = (2 * j * span + count) / (2 * count);
            burn_in + offset as usize
        })
        .collect()
}

/// The steps at which trajectories and losses are recorded: 0, s, 2s, … and K, with
/// s = max(1, ⌊K/points⌋).
pub fn thinned_steps(steps: usize, points: usize) -> Vec<usize> {
    let stride = (steps / points.max(1)).max(1);
    let mut times: Vec<usize> = (0..=steps).step_by(stride).collect();
    if times.last() != Some(&steps) {
        times.push(steps);
    }
    times
}

/// The thinned path of one run.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Trajectory {
    /// The run's index.
    pub run: usize,
    /// x at `Simulation::times[k]`, row k (row-major, d per row). Fewer rows than times
    /// when the run diverged.
    pub points: Vec<f64>,
}

/// The loss curve of one run.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LossCurve {
    /// The run's index.
    pub run: usize,
    /// f(x) at `Simulation::times[k]`; shorter than the times when the run diverged.
    pub values: Vec<f64>,
}

fn one() -> usize {
    1
}

/// The result of simulating a range of runs (SGD or hSGD).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Simulation {
    /// Dimension d.
    pub d: usize,
    /// The runs simulated.
    pub runs: Range<usize>,
    /// The iterates S kept per run ([`Record::samples`]; 1: the final iterate only).
    #[serde(default = "one")]
    pub samples_per_run: usize,
    /// The index of each finished run, ascending; rows k·S .. (k+1)·S of `finals` belong
    /// to run `finished[k]`.
    pub finished: Vec<usize>,
    /// The kept iterates of the finished runs in the original coordinates, row-major
    /// (`finished.len()`·S × d): for each run, x at the sample steps in order, the last
    /// being the final iterate x_K (with S = 1, just the final iterates).
    pub finals: Vec<f64>,
    /// The same in SVD coordinates Vᵀx (all d, null space included), when known (hSGD).
    pub finals_svd: Option<Vec<f64>>,
    /// Runs stopped because their iterate became non-finite or exceeded
    /// [`DIVERGENCE_NORM`].
    pub diverged: Vec<usize>,
    /// The steps at which trajectories and losses were recorded ([`thinned_steps`]).
    pub times: Vec<usize>,
    /// The thinned trajectory of `Record::trajectory_run`, if that run was simulated here.
    pub trajectory: Option<Trajectory>,
    /// Loss curves of the runs below `Record::loss_runs` simulated here, by run.
    pub losses: Vec<LossCurve>,
    /// The inspected coordinate of each kept iterate (S per finished run), when the
    /// iterates were reduced to it ([`Simulation::reduce_to`]; `finals` and `finals_svd` are then empty):
    /// what a worker sends back of its part of a split run, d times less to copy.
    #[serde(default)]
    pub inspected: Option<Vec<f64>>,
    /// The steps of the checkpoints ([`Record::checkpoints`]; empty when none were asked).
    #[serde(default)]
    pub checkpoint_steps: Vec<usize>,
    /// The probe uᵀx of each finished run at each checkpoint step, run by run
    /// (`finished.len()` × C, in the order of `finished`), in single precision: the
    /// timeline draws them and measures them (variance, Hill) to far fewer digits, and the
    /// page's workers send R·C of them twice per run ([`Checkpoints`]); in JSON as the
    /// base64 of their bytes ([`packed_f32`]).
    #[serde(default, with = "packed_f32")]
    pub checkpoint_values: Vec<f32>,
}

/// What a finished run keeps: its S iterates (original coordinates, and SVD coordinates
/// when known) and its probe at the checkpoints.
pub(crate) struct Kept<'a> {
    pub iterates: &'a [f64],
    pub svd: Option<&'a [f64]>,
    pub checkpoints: &'a [f32],
}

impl Simulation {
    /// A simulation of no runs yet over `runs`, recording at `times`; `svd`: final
    /// iterates in SVD coordinates are kept too.
    pub(crate) fn empty(d: usize, runs: Range<usize>, times: Vec<usize>, svd: bool) -> Simulation {
        Simulation {
            d,
            runs,
            samples_per_run: 1,
            finished: Vec::new(),
            finals: Vec::new(),
            finals_svd: svd.then(Vec::new),
            diverged: Vec::new(),
            times,
            trajectory: None,
            losses: Vec::new(),
            inspected: None,
            checkpoint_steps: Vec::new(),
            checkpoint_values: Vec::new(),
        }
    }

    /// The start of a simulation of `runs` with `steps` steps each, as both integrators
    /// begin: the run range checked, an empty output recording at the thinned steps of
    /// `record`, the steps at which each run keeps an iterate, and a ticker over
    /// runs · steps for `progress`.
    pub(crate) fn begin<'a>(
        d: usize,
        runs: &Range<usize>,
        steps: usize,
        record: &Record,
        svd: bool,
        progress: &'a mut dyn FnMut(u64, u64) -> bool,
    ) -> Result<(Simulation, Vec<usize>, Ticker<'a>)> {
        check_runs(runs)?;
        let times = thinned_steps(steps, record.points);
        let samples = record.sample_steps(steps)?;
        let mut out = Simulation::empty(d, runs.clone(), times, svd);
        out.samples_per_run = samples.len();
        if let Some(checkpoints) = &record.checkpoints {
            checkpoints.check(steps, d)?;
            out.checkpoint_steps = checkpoints.steps.clone();
        }
        let total = runs.len() as u64 * steps as u64;
        Ok((out, samples, Ticker::new(progress, total)))
    }

    /// Keeps, of the kept iterates, only `inspected` (one value per row of `finals`, in
    /// order): see [`Simulation::inspected`].
    pub fn reduce_to(&mut self, inspected: Vec<f64>) {
        self.finals = Vec::new();
        self.finals_svd = None;
        self.inspected = Some(inspected);
    }

    /// Records how run `run` ended: what it kept (S iterates in original coordinates, and
    /// in SVD coordinates when this simulation keeps them; its probe at the checkpoints),
    /// or `None` when it diverged; its thinned trajectory and loss curve when they were
    /// recorded. The one place that bookkeeping lives, for every integrator.
    pub(crate) fn record_run(
        &mut self,
        run: usize,
        kept: Option<Kept>,
        path: Option<Vec<f64>>,
        loss: Option<Vec<f64>>,
    ) {
        match kept {
            Some(kept) => {
                self.finished.push(run);
                self.finals.extend_from_slice(kept.iterates);
                if let (Some(all), Some(s)) = (self.finals_svd.as_mut(), kept.svd) {
                    all.extend_from_slice(s);
                }
                self.checkpoint_values.extend_from_slice(kept.checkpoints);
            }
            None => self.diverged.push(run),
        }
        if let Some(points) = path {
            self.trajectory = Some(Trajectory { run, points });
        }
        if let Some(values) = loss {
            self.losses.push(LossCurve { run, values });
        }
    }

    /// Row k of the kept iterates (original coordinates): with S = 1 the final iterate of
    /// the k-th finished run, otherwise sample k mod S of finished run ⌊k/S⌋.
    pub fn final_iterate(&self, k: usize) -> &[f64] {
        &self.finals[k * self.d..(k + 1) * self.d]
    }

    /// The number of kept iterates (rows of `finals`, or values of `inspected`):
    /// finished runs × S.
    pub fn sample_count(&self) -> usize {
        self.finished.len() * self.samples_per_run
    }

    /// Row k of the kept iterates in SVD coordinates, when known.
    pub fn final_svd(&self, k: usize) -> Option<&[f64]> {
        self.finals_svd
            .as_ref()
            .map(|s| &s[k * self.d..(k + 1) * self.d])
    }

    /// uᵀx for each kept iterate (e.g. u = q_1 for the paper's projection).
    pub fn project(&self, u: &[f64]) -> Vec<f64> {
        self.finals
            .chunks_exact(self.d)
            .map(|x| probe_value(u, x))
            .collect()
    }

    /// Coordinate `i` of every kept iterate in SVD coordinates, when known.
    pub fn svd_coordinate(&self, i: usize) -> Option<Vec<f64>> {
        self.finals_svd
            .as_ref()
            .map(|s| s.chunks_exact(self.d).map(|row| row[i]).collect())
    }

    /// Appends the runs of `next`, which must start where these end (the chunks of one
    /// simulation, in order).
    ///
    /// # Errors
    /// `next` does not continue this range, or has another d or other times.
    pub fn merge(&mut self, next: Simulation) -> Result<()> {
        if next.runs.start != self.runs.end
            || next.d != self.d
            || next.times != self.times
            || next.samples_per_run != self.samples_per_run
            || next.checkpoint_steps != self.checkpoint_steps
        {
            return Err(Error::new(
                "runs",
                format!(
                    "cannot append runs {:?} to runs {:?}: chunks must be contiguous and of the same simulation",
                    next.runs, self.runs
                ),
            ));
        }
        self.runs.end = next.runs.end;
        self.finished.extend(next.finished);
        self.finals.extend(next.finals);
        match (&mut self.finals_svd, next.finals_svd) {
            (Some(mine), Some(theirs)) => mine.extend(theirs),
            (None, None) => {}
            _ => {
                return Err(Error::new(
                    "runs",
                    "cannot append runs with SVD coordinates to runs without them",
                ))
            }
        }
        match (&mut self.inspected, next.inspected) {
            (Some(mine), Some(theirs)) => mine.extend(theirs),
            (None, None) => {}
            _ => {
                return Err(Error::new(
                    "runs",
                    "cannot append reduced runs to runs with whole final iterates",
                ))
            }
        }
        self.checkpoint_values.extend(next.checkpoint_values);
        self.diverged.extend(next.diverged);
        if self.trajectory.is_none() {
            self.trajectory = next.trajectory;
        }
        self.losses.extend(next.losses);
        Ok(())
    }

    /// The probe of every finished run at checkpoint `c`, in run order.
    pub fn checkpoint(&self, c: usize) -> Vec<f64> {
        let count = self.checkpoint_steps.len();
        self.checkpoint_values
            .iter()
            .skip(c)
            .step_by(count.max(1))
            .map(|&v| f64::from(v))
            .collect()
    }

    /// The mean loss curve: at each recorded step, the mean of f over the tracked runs
    /// still finite there. Ends where no tracked run is left.
    pub fn mean_loss(&self) -> Vec<f64> {
        let longest = self.losses.iter().map(|l| l.values.len()).max();
        (0..longest.unwrap_or(0))
            .map(|k| {
                let alive: Vec<f64> = self
                    .losses
                    .iter()
                    .filter_map(|l| l.values.get(k).copied())
                    .collect();
                alive.iter().sum::<f64>() / alive.len() as f64
            })
            .collect()
    }
}

/// Counts work and calls the caller's progress callback every [`PROGRESS_QUANTUM`].
pub(crate) struct Ticker<'a> {
    callback: &'a mut dyn FnMut(u64, u64) -> bool,
    done: u64,
    total: u64,
    pending: u64,
}

impl<'a> Ticker<'a> {
    pub(crate) fn new(callback: &'a mut dyn FnMut(u64, u64) -> bool, total: u64) -> Self {
        Ticker {
            callback,
            done: 0,
            total,
            pending: 0,
        }
    }

    /// `steps` time steps costing `work` element operations are done.
    pub(crate) fn advance(&mut self, steps: u64, work: u64) -> Result<()> {
        self.done += steps;
        self.pending += work;
        if self.pending >= PROGRESS_QUANTUM {
            self.pending = 0;
            self.report()?;
        }
        Ok(())
    }

    /// Jumps to the end of a run (after divergence) without reporting.
    pub(crate) fn skip_to(&mut self, done: u64) {
        self.done = self.done.max(done);
    }

    pub(crate) fn report(&mut self) -> Result<()> {
        if (self.callback)(self.done.min(self.total), self.total) {
            Ok(())
        } else {
            Err(cancelled())
        }
    }
}

/// The error a cancelled simulation returns (field [`CANCELLED`]).
pub fn cancelled() -> Error {
    Error::new(CANCELLED, "the simulation was cancelled")
}

/// Checks a run range against the simulation's limits.
pub(crate) fn check_runs(runs: &Range<usize>) -> Result<()> {
    if runs.start > runs.end {
        return Err(Error::new(
            "runs",
            format!("the run range {runs:?} is empty or reversed"),
        ));
    }
    Ok(())
}

/// What the integrators' unit tests share.
#[cfg(test)]
pub(crate) mod testing {
    /// A progress callback that never cancels.
    pub fn quiet() -> impl FnMut(u64, u64) -> bool {
        |_, _| true
    }

    /// The sample mean of `values` and its standard error sd/√n.
    pub fn mean_and_se(values: &[f64]) -> (f64, f64) {
        let n = values.len() as f64;
        let m = values.iter().sum::<f64>() / n;
        let var = values.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1.0);
        (m, (var / n).sqrt())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoint_steps_are_log_spaced_strictly_increasing_and_end_at_k() {
        for (steps, count) in [
            (1000, 40),
            (10_000, 40),
            (50, 40),
            (40, 40),
            (7, 40),
            (1, 3),
        ] {
            let t = checkpoint_steps(steps, count);
            assert_eq!(t.len(), count.min(steps), "K = {steps}, C = {count}");
            assert_eq!(*t.last().unwrap(), steps);
            assert!(t[0] >= 1);
            assert!(t.windows(2).all(|w| w[0] < w[1]), "{t:?}");
        }
        // Where the ideal log-spaced steps are whole and distinct they are kept:
        // K = 10⁴, C = 4 gives 10, 100, 1000, 10⁴.
        assert_eq!(checkpoint_steps(10_000, 4), vec![10, 100, 1000, 10_000]);
        // K = 1000, C = 40: ratio 10^(3/40) ≈ 1.189; the late steps are the ideal ones.
        let t = checkpoint_steps(1000, 40);
        for (c, &step) in t.iter().enumerate().skip(20) {
            let ideal = libm::round(libm::pow(1000.0, (c + 1) as f64 / 40.0)) as usize;
            assert_eq!(step, ideal, "c = {c}");
        }
        assert!(checkpoint_steps(0, 5).is_empty() && checkpoint_steps(100, 0).is_empty());
    }
}
