//! The page's side of the two-stage results (issue 5, speed): the worker posts the report
//! without the fitted laws first (`FromWorker::Done`), so the plots draw at once, then
//! one `FromWorker::Fits` per simulated method, which [`merge`] puts into the report on
//! screen. [`mark`] leaves `performance.mark` entries (`hsgd-plots-job-<id>` when a job's
//! plots are first drawn, `hsgd-fits-job-<id>` when its fitted laws are drawn), which
//! `tests/e2e/bench.mjs` reads to time the page.

use crate::analysis::{self, FitStage, Report};

/// How many `Fits` messages follow the `Done` of `report` (one per simulated method).
pub fn fits_expected(report: &Report) -> usize {
    usize::from(report.sgd.is_some()) + usize::from(report.hsgd.is_some())
}

/// Merges one method's fits into the report on screen.
pub fn merge(report: &mut Report, stage: FitStage) {
    analysis::merge_fits(report, stage);
}

/// `performance.mark(name)` (ignored where the browser has no Performance object).
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}
