//! Several iterates per run (`Record::samples`): the kept iterate at step t is bit for bit
//! the final iterate of the same run simulated for t steps (the run's random stream is
//! consumed step by step, so stopping to keep x changes nothing), natively and in wasm;
//! keeping only x_K is the default.

use hsgd::model::hsgd::{self as homogenized, Coupling, HsgdParams};
use hsgd::model::problem::Problem;
use hsgd::model::sgd::{self, SgdParams};
use hsgd::model::simulation::{sample_steps, Record, Simulation};
use hsgd::model::spectrum::Spectrum;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn problem() -> Problem {
    Problem::synthetic(30, 5, 1).unwrap()
}

fn sgd_sim(steps: usize, batch: usize, samples: Vec<usize>) -> Simulation {
    let params = SgdParams {
        gamma: 0.1,
        batch,
        delta: 0.01,
        steps,
        replacement: false,
    };
    let record = Record {
        samples,
        ..Record::finals_only()
    };
    sgd::simulate(&problem(), &params, 7, 0..4, &record, &mut |_, _| true).unwrap()
}

fn hsgd_sim(steps: usize, samples: Vec<usize>) -> Simulation {
    let spectrum = Spectrum::new(&problem()).unwrap();
    let params = HsgdParams {
        gamma: 0.1,
        batch: 1,
        delta: 0.01,
        steps,
        substeps: 3,
        coupling: Coupling::Coupled,
    };
    let record = Record {
        samples,
        ..Record::finals_only()
    };
    homogenized::simulate(&spectrum, &params, 7, 0..4, &record, &mut |_, _| true).unwrap()
}

/// Row j of run k among S rows per run.
fn row(values: &[f64], d: usize, s: usize, k: usize, j: usize) -> &[f64] {
    let start = (k * s + j) * d;
    &values[start..start + d]
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn kept_iterates_equal_shorter_runs_bit_for_bit() {
    let steps = 120;
    let samples = sample_steps(steps, 40, 4);
    assert_eq!(samples, vec![60, 80, 100, 120]);
    for batch in [1, 3] {
        let many = sgd_sim(steps, batch, samples.clone());
        assert_eq!(many.samples_per_run, 4);
        assert_eq!(many.sample_count(), 16);
        // [K] explicitly is the default: the same bits as keeping the final iterate.
        assert_eq!(
            sgd_sim(steps, batch, vec![steps]),
            sgd_sim(steps, batch, vec![])
        );
        for (j, &t) in samples.iter().enumerate() {
            let short = sgd_sim(t, batch, vec![]);
            for k in 0..4 {
                assert_eq!(
                    row(&many.finals, 5, 4, k, j),
                    short.final_iterate(k),
                    "SGD B = {batch}, run {k}, step {t}"
                );
            }
        }
    }
    let many = hsgd_sim(steps, samples.clone());
    assert_eq!(hsgd_sim(steps, vec![steps]), hsgd_sim(steps, vec![]));
    for (j, &t) in samples.iter().enumerate() {
        let short = hsgd_sim(t, vec![]);
        for k in 0..4 {
            assert_eq!(row(&many.finals, 5, 4, k, j), short.final_iterate(k));
            assert_eq!(
                row(many.finals_svd.as_ref().unwrap(), 5, 4, k, j),
                short.final_svd(k).unwrap(),
                "hSGD run {k}, step {t}"
            );
        }
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn bad_sample_steps_name_their_field() {
    let params = SgdParams {
        gamma: 0.1,
        batch: 1,
        delta: 0.0,
        steps: 50,
        replacement: false,
    };
    for samples in [vec![10, 10, 50], vec![10, 40], vec![30, 20, 50]] {
        let record = Record {
            samples,
            ..Record::finals_only()
        };
        let e = sgd::simulate(&problem(), &params, 1, 0..2, &record, &mut |_, _| true).unwrap_err();
        assert_eq!(e.field, "samples_per_run");
    }
}
