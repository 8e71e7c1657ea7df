//! The tail forming step by step: the page's timeline (MATH.md §4.1 for the recorded
//! runs, §4.2 for Hill).
//!
//! Every finished run records the inspected coordinate uᵀx_t at C log-spaced checkpoint
//! steps t_1 < … < t_C = K ([`crate::model::simulation::checkpoint_steps`]), one value per
//! run and checkpoint (memory runs × C). At each checkpoint c, over the R finished runs:
//!
//! - the values centred at their mean m_c, which the timeline's histogram and tail plot
//!   draw (with S = 1 the last checkpoint's values are the final iterates' centred
//!   sample);
//! - the mean m_c and the variance s_c² = (1/(R − 1)) Σ_r (v_r − m_c)²;
//! - Hill's index on both tails about the median at one k for every checkpoint: the k of
//!   the final sample (the config's `hill_k`, or the Clauset–Shalizi–Newman choice),
//!   scaled by R/N when the final sample holds N = R·S values, so the estimates at the
//!   different steps use the same share of the runs and compare; with the asymptotic 95%
//!   interval α̂ ± 1.96·α̂/√k. The runs are independent, one value each, so no run
//!   bootstrap is needed here (unlike the final sample with S > 1). (A KS choice of k at
//!   each checkpoint would also cost more than the rest of the timeline.)
//!
//! Against the step these show the variance rising to its stationary limit and the
//! index falling towards the tail index of the stationary law.
//!
//! The values are kept in single precision. A run can finish (|x| ≤ 1e100) with values far
//! beyond that range; when any checkpoint holds a value above [`LARGEST_VALUE`] there is no
//! timeline (and the report says why), rather than infinities in it.

use serde::{Deserialize, Serialize};

use crate::model::simulation::Simulation;
use crate::stats::estimators::{self, TailEstimate};

/// The largest |value| the timeline takes: far below f32's 3.4e38, so that the centred
/// values stay finite too.
pub const LARGEST_VALUE: f32 = 1e37;

/// The standard normal quantile of the 95% intervals.
const Z_95: f64 = 1.959_963_984_540_054;

/// The inspected coordinate of every finished run at each checkpoint, and its summaries.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evolution {
    /// The checkpoint steps t_c, increasing, the last K.
    pub steps: Vec<usize>,
    /// The finished runs R: values per checkpoint.
    pub runs: usize,
    /// Hill's k at every checkpoint (`None`: no k fits the sample, Hill is left out).
    pub k: Option<usize>,
    /// The values centred at their checkpoint's mean, checkpoint by checkpoint:
    /// `centred[c·R .. (c+1)·R]` is checkpoint c, in run order; single precision, as
    /// recorded (in JSON, the base64 of their bytes:
    /// [`crate::model::simulation::packed_f32`]).
    #[serde(with = "crate::model::simulation::packed_f32")]
    pub centred: Vec<f32>,
    /// The mean m_c at each checkpoint.
    pub mean: Vec<f64>,
    /// The variance s_c² at each checkpoint.
    pub variance: Vec<f64>,
    /// Hill's index at each checkpoint with its asymptotic 95% interval in `ci`; `None`
    /// where Hill is undefined (too few distinct values, ties).
    pub hill: Vec<Option<TailEstimate>>,
}

impl Evolution {
    /// The timeline of `simulation`'s checkpoints, with Hill at the final sample's k
    /// `final_k` (of `simulation`'s R·S kept values) scaled to the R runs; `None` when no
    /// checkpoints were recorded or fewer than two runs finished.
    pub fn of(simulation: &Simulation, final_k: Option<usize>) -> Option<Evolution> {
        let count = simulation.checkpoint_steps.len();
        let runs = simulation.finished.len();
        if count == 0 || runs < 2 || simulation.checkpoint_values.len() != runs * count {
            return None;
        }
        if !Evolution::representable(simulation) {
            return None;
        }
        let samples = simulation.samples_per_run.max(1);
        let k = final_k
            .map(|k| (k as f64 / samples as f64).round() as usize)
            .filter(|&k| k >= 2 && k < runs);
        let mut evolution = Evolution {
            steps: simulation.checkpoint_steps.clone(),
            runs,
            k,
            centred: Vec::with_capacity(runs * count),
            mean: Vec::with_capacity(count),
            variance: Vec::with_capacity(count),
            hill: Vec::with_capacity(count),
        };
        for c in 0..count {
            let values = simulation.checkpoint(c);
            let mean = values.iter().sum::<f64>() / runs as f64;
            // Rounded as stored, so the frame the page draws and the numbers measured on
            // it are the same values.
            let centred: Vec<f32> = values.iter().map(|v| (v - mean) as f32).collect();
            let wide: Vec<f64> = centred.iter().map(|&v| f64::from(v)).collect();
            let variance = wide.iter().map(|v| v * v).sum::<f64>() / (runs - 1) as f64;
            evolution
                .hill
                .push(k.and_then(|k| hill_with_interval(&wide, k)));
            evolution.mean.push(mean);
            evolution.variance.push(variance);
            evolution.centred.extend(centred);
        }
        Some(evolution)
    }

    /// Whether every checkpoint value of `simulation` is within [`LARGEST_VALUE`] (else it
    /// has no timeline).
    pub fn representable(simulation: &Simulation) -> bool {
        simulation
            .checkpoint_values
            .iter()
            .all(|v| v.abs() <= LARGEST_VALUE)
    }

    /// The number of checkpoints C.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// Whether there are no checkpoints.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// The centred values at checkpoint `c` (empty past the last).
    pub fn frame(&self, c: usize) -> Vec<f64> {
        self.centred
            .get(c * self.runs..(c + 1) * self.runs)
            .unwrap_or(&[])
            .iter()
            .map(|&v| f64::from(v))
            .collect()
    }
}

/// Hill on both tails of `centred` at k, with `ci` the asymptotic 95% interval
/// α̂ ± 1.96·se, se = α̂/√k, cut at 0 below.
fn hill_with_interval(centred: &[f64], k: usize) -> Option<TailEstimate> {
    let mut estimate = estimators::hill_both_at(centred, k).ok()?;
    if let (Some(alpha), Some(se)) = (estimate.alpha, estimate.std_err) {
        estimate.ci = Some(((alpha - Z_95 * se).max(0.0), alpha + Z_95 * se));
    }
    Some(estimate)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::problem::Problem;
    use crate::model::sgd::{Sgd, SgdParams};
    use crate::model::simulation::{checkpoint_steps, Checkpoints, Record};

    fn simulate(checkpoints: usize, runs: usize) -> (Simulation, Vec<f64>) {
        let (_, sim, probe) = simulate_with(checkpoints, runs, false);
        (sim, probe)
    }

    fn simulate_with(
        checkpoints: usize,
        runs: usize,
        replacement: bool,
    ) -> (Problem, Simulation, Vec<f64>) {
        let problem = Problem::synthetic(200, 5, 3).unwrap();
        let params = SgdParams {
            gamma: 0.3,
            batch: 1,
            delta: 0.0,
            steps: 300,
            replacement,
        };
        let probe = vec![0.6, 0.0, 0.8, 0.0, 0.0];
        let record = Record {
            trajectory_run: None,
            loss_runs: 0,
            checkpoints: Some(Checkpoints {
                steps: checkpoint_steps(300, checkpoints),
                probe: probe.clone(),
            }),
            ..Record::default()
        };
        let sim = Sgd::new(&problem, &params)
            .unwrap()
            .simulate(7, 0..runs, &record, &mut |_, _| true)
            .unwrap();
        (problem, sim, probe)
    }

    #[test]
    fn last_checkpoint_is_the_final_iterate_and_summaries_match_their_definitions() {
        let (sim, probe) = simulate(12, 400);
        let evolution = Evolution::of(&sim, Some(40)).unwrap();
        assert_eq!(evolution.k, Some(40));
        assert_eq!(evolution.len(), 12);
        assert_eq!(*evolution.steps.last().unwrap(), 300);
        // The last checkpoint is uᵀx_K of every run, in single precision.
        let finals: Vec<f64> = sim
            .project(&probe)
            .iter()
            .map(|&v| f64::from(v as f32))
            .collect();
        let mean = finals.iter().sum::<f64>() / finals.len() as f64;
        let centred: Vec<f64> = finals
            .iter()
            .map(|v| f64::from((v - mean) as f32))
            .collect();
        assert_eq!(evolution.frame(11), centred);
        for c in [0, 5, 11] {
            let frame = evolution.frame(c);
            assert_eq!(frame.len(), 400);
            let m: f64 = frame.iter().sum::<f64>() / 400.0;
            let sd = evolution.variance[c].sqrt();
            assert!(m.abs() < 1e-6 * sd, "frame {c} is centred: {m}");
            let var = frame.iter().map(|v| v * v).sum::<f64>() / 399.0;
            assert!((var - evolution.variance[c]).abs() <= 1e-12 * var);
            let hill = evolution.hill[c].as_ref().unwrap();
            let (lo, hi) = hill.ci.unwrap();
            assert_eq!(hill.k, Some(40));
            // Hill's definition at k = 40 on |x − median|, sorted descending.
            let mut sorted = frame.to_vec();
            sorted.sort_unstable_by(f64::total_cmp);
            let median = 0.5 * (sorted[199] + sorted[200]);
            let mut tail: Vec<f64> = frame.iter().map(|v| (v - median).abs()).collect();
            tail.sort_by(|a, b| b.total_cmp(a));
            let mean_log = tail[..40].iter().map(|&v| libm::log(v)).sum::<f64>() / 40.0;
            let expected = 1.0 / (mean_log - libm::log(tail[40]));
            let (alpha, k) = (hill.alpha.unwrap(), 40.0_f64);
            assert!(
                (alpha - expected).abs() < 1e-9 * expected,
                "{alpha} vs {expected}"
            );
            assert!((hi - alpha - Z_95 * alpha / k.sqrt()).abs() < 1e-12);
            assert!(lo <= alpha && alpha <= hi);
        }
        assert!(evolution.frame(12).is_empty());
        // No k that fits the runs: no Hill, the rest stays.
        let without = Evolution::of(&sim, Some(400)).unwrap();
        assert!(without.k.is_none() && without.hill.iter().all(Option::is_none));
        assert_eq!(without.variance, evolution.variance);
    }

    #[test]
    fn means_follow_the_expected_iterate_in_closed_form() {
        // With batches drawn with replacement each step is an unbiased gradient step, so
        // E x_t = x* − (I − γH)^t x* from E x_0 = 0 (H = AᵀA/n, x* the least-squares
        // solution): each checkpoint's mean must lie within 4 standard errors of uᵀE x_t.
        let (problem, sim, probe) = simulate_with(12, 2000, true);
        let evolution = Evolution::of(&sim, None).unwrap();
        assert!(evolution.k.is_none());
        let n = problem.n() as f64;
        let h = problem.a.transpose() * &problem.a / n;
        let x_star = h
            .clone()
            .lu()
            .solve(&(problem.a.transpose() * &problem.b / n))
            .unwrap();
        let step = nalgebra::DMatrix::identity(5, 5) - h * 0.3;
        let u = nalgebra::DVector::from_vec(probe);
        for (c, &t) in evolution.steps.iter().enumerate() {
            let expected = u.dot(&(&x_star - step.pow(t as u32) * &x_star));
            let se = (evolution.variance[c] / 2000.0).sqrt();
            let z = (evolution.mean[c] - expected) / se;
            assert!(z.abs() < 4.0, "checkpoint {c} (t = {t}): z = {z}");
        }
    }

    #[test]
    fn values_beyond_single_precision_leave_no_timeline() {
        let (mut sim, _) = simulate(6, 50);
        assert!(Evolution::of(&sim, Some(10)).is_some());
        // A run at 1e60 (finished: below the divergence norm) saturates when recorded.
        sim.checkpoint_values[7] = crate::model::simulation::single(1e60);
        assert_eq!(sim.checkpoint_values[7], f32::MAX);
        assert!(!Evolution::representable(&sim));
        assert!(Evolution::of(&sim, Some(10)).is_none());
    }

    #[test]
    fn no_timeline_without_checkpoints_or_runs() {
        let (sim, _) = simulate(0, 50);
        assert!(Evolution::of(&sim, None).is_none());
        let (sim, _) = simulate(5, 1);
        assert!(Evolution::of(&sim, None).is_none());
    }
}
