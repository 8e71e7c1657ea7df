//! γ against the problem's stability limit, and divergence explained in words rather than
//! drawn as NaN.
//!
//! The limit is γ₂ = 2B/Σ_i h_i²/(h_i + δ) (MATH.md §3.2), the exact threshold of a
//! finite second moment of hSGD (γ₂ = γ̄ when δ = 0);
//! [`crate::model::bounds::BoundsModel::gamma_2`] computes it from the spectrum of the last
//! report when the data are unchanged, so the page can say at any γ, B and δ whether the
//! next run will blow up. Plain Rust (no DOM).

use super::format::format_gamma;
use crate::model::bounds::BoundsModel;
use crate::report::analysis::Report;
use crate::report::config::{Config, DataKind, SpectrumShape};

/// Whether `report` was computed on the data `config` describes (so its spectrum gives
/// this problem's stability limit at any γ, B, δ); `csv` is the shape of the user's file
/// as last parsed, which tells whether a CSV report is of the current file.
fn same_data(config: &Config, report: &Report, csv: Option<(usize, usize)>) -> bool {
    let r = &report.config;
    if r.data != config.data {
        return false;
    }
    let drawn = matches!(config.data, DataKind::Synthetic | DataKind::DigitsRf);
    if drawn && r.data_rng != config.data_rng {
        return false;
    }
    match config.data {
        DataKind::Synthetic => (r.n, r.d, r.data_seed) == (config.n, config.d, config.data_seed),
        DataKind::Spectrum => {
            (r.n, r.d, r.data_seed, r.shape) == (config.n, config.d, config.data_seed, config.shape)
                && match config.shape {
                    SpectrumShape::PowerLaw => r.decay == config.decay,
                    SpectrumShape::Condition => r.condition == config.condition,
                }
        }
        DataKind::Digits => true,
        DataKind::DigitsRf => (r.features, r.data_seed) == (config.features, config.data_seed),
        DataKind::Csv => {
            (r.response, r.preprocess) == (config.response, config.preprocess)
                && csv == Some((report.n, report.d))
        }
    }
}

/// The stability limit γ₂ at the config's B and δ, when the report shows the same data.
pub fn stability_limit(
    config: &Config,
    report: Option<&Report>,
    csv: Option<(usize, usize)>,
) -> Option<f64> {
    let report = report.filter(|r| same_data(config, r, csv))?;
    BoundsModel::new(
        report.n,
        &report.singular_values,
        config.gamma,
        config.batch,
        config.delta,
    )
    .ok()
    .map(|b| b.gamma_2())
}

/// The divergence note for `config`: runs of the report that overflowed, and γ past the
/// stability limit, with what to do. `None` when all is well.
pub fn divergence_note(
    config: &Config,
    report: Option<&Report>,
    csv: Option<(usize, usize)>,
) -> Option<String> {
    let limit = stability_limit(config, report, csv);
    let mut sentences = Vec::new();
    if let Some(report) = report.filter(|r| r.config == *config) {
        for (method, sim) in report.sims() {
            if sim.diverged > 0 {
                let label = method.label();
                sentences.push(format!(
                    "{label} diverged in {} of {} runs: their iterates overflowed, so they are left out of the plots and numbers.",
                    sim.diverged,
                    sim.diverged + sim.runs
                ));
            }
        }
    }
    match limit {
        Some(limit) if config.gamma >= limit => sentences.push(format!(
            "γ = {} is past the stability limit γ₂ = {} of this problem at B = {} (beyond it the iterates' variance is infinite and runs can overflow). Lower γ below {}, or raise the batch size B (γ₂ grows with B).",
            format_gamma(config.gamma),
            format_gamma(limit),
            config.batch,
            format_gamma(limit)
        )),
        Some(limit) if !sentences.is_empty() => sentences.push(format!(
            "γ = {} is below hSGD's stability limit γ₂ = {}, but discrete SGD is less stable near it: lower γ a little.",
            format_gamma(config.gamma),
            format_gamma(limit)
        )),
        _ => {}
    }
    (!sentences.is_empty()).then(|| sentences.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::config::{DataRng, Method};
    use crate::web::test_support::small_report;

    #[test]
    fn the_limit_is_known_only_for_the_reports_own_data() {
        let report = small_report(Method::Both);
        let config = report.config.clone();
        assert!(stability_limit(&config, Some(&report), None).is_some());
        // Another generator draws other data, whose limit the report does not know.
        let mut numpy = config.clone();
        numpy.data_rng = DataRng::Numpy;
        assert!(stability_limit(&numpy, Some(&report), None).is_none());
        let mut seed = config;
        seed.data_seed += 1;
        assert!(stability_limit(&seed, Some(&report), None).is_none());
    }
}
