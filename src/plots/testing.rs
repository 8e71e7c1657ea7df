//! What the plots' unit tests share: one small report of both methods.

use std::sync::OnceLock;

use crate::report::analysis::{self, Report};
use crate::report::config::Config;
use crate::report::runs::Silent;

/// A small run of both methods, computed once for all tests (the fits take most of the
/// time); the ridge makes every direction contract fast, so α_SGD's walkers mix in the
/// fewest steps.
pub(crate) fn small_report() -> &'static Report {
    static REPORT: OnceLock<Report> = OnceLock::new();
    REPORT.get_or_init(|| {
        let config = Config::from_query("n=60&d=8&runs=120&steps=100&delta=1&method=both");
        analysis::run(&config, None, &mut Silent).expect("the small run succeeds")
    })
}
