//! The page's side of the staged results: the worker posts the report without the fitted
//! laws and without α_SGD first (`FromWorker::Done`), so the plots draw at once, then one
//! `FromWorker::Fits` per simulated method, which [`merge`] puts into the report on
//! screen, then, when SGD was simulated, `FromWorker::Index` with SGD's own tail index
//! ([`merge_index`]; seconds of Monte Carlo, so it comes last, with its own progress and
//! Cancel). [`mark`] leaves `performance.mark` entries (`hsgd-plots-job-<id>` when a job's
//! plots in view are first drawn, `hsgd-report-job-<id>` when the rest of its report is,
//! after the next paint, `hsgd-fits-job-<id>` when its fitted laws are drawn,
//! `hsgd-index-job-<id>` when α_SGD is), which `tests/e2e/bench.mjs` reads to time the page.

use crate::report::analysis::{self, FitStage, IndexStage, Report};
use crate::report::config::Dynamics;

/// How many `Fits` messages follow the `Done` of `report` (one per simulated method).
pub fn fits_expected(report: &Report) -> usize {
    report.sims().count()
}

/// Whether an `Index` message follows the `Done` of `report` (α_SGD is computed whenever
/// SGD was simulated, as `hsgd run` does).
pub fn index_expected(report: &Report) -> bool {
    report.sim(Dynamics::Sgd).is_some()
}

/// The later stages still to come for the report on screen (the worker that sent it is
/// busy computing them).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pending {
    /// `Fits` messages still expected.
    pub fits: usize,
    /// The `Index` message (α_SGD) is still expected: its progress is shown and Cancel
    /// stops it.
    pub index: bool,
    /// The last progress of the α_SGD stage (done, total).
    pub index_progress: Option<(usize, usize)>,
}

impl Pending {
    /// What follows the `Done` of `report`.
    pub fn after(report: &Report) -> Pending {
        Pending {
            fits: fits_expected(report),
            index: index_expected(report),
            index_progress: None,
        }
    }

    /// Whether any stage is still expected.
    pub fn any(&self) -> bool {
        self.fits > 0 || self.index
    }
}

/// Merges α_SGD into the report on screen.
pub fn merge_index(report: &mut Report, stage: IndexStage) {
    analysis::merge_index(report, stage);
}

/// Marks α_SGD as not computed on the report on screen (its stage was cancelled): the
/// numbers panel then says so instead of "computing".
pub fn cancel_index(report: &mut Report) {
    report.sgd_index = None;
    report.sgd_index_note = Some(INDEX_CANCELLED.into());
}

/// The note of a cancelled α_SGD stage.
pub const INDEX_CANCELLED: &str = "α_SGD: cancelled (Run computes it again)";

/// Merges one method's fits into the report on screen, its QQ points into the plots'
/// cache.
pub fn merge(report: &mut Report, mut stage: FitStage) {
    if let Some(sim) = report.sim(stage.method) {
        for (law, points) in std::mem::take(&mut stage.qq) {
            crate::plots::page::remember_qq_points(&sim.centred, law, points);
        }
    }
    analysis::merge_fits(report, stage);
}

/// `performance.mark(name)` (ignored where the browser has no Performance object).
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}
