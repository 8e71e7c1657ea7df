//! What the experiment's form says about the job: the status line (with the `data-job`,
//! `data-fits-job` and `data-index-job` marks tests and scripts wait on), the progress
//! bar, and the busy state (Cancel enabled, `aria-busy`).

use web_sys::Document;

use super::dom::{element, set_text};
use super::format::format_ms;
use super::stages::{Pending, INDEX_CANCELLED};
use crate::report::analysis::Report;

/// Records on the status line which job ended last (`data-job`), so tests and scripts can
/// wait for a particular run rather than read a status that may be left from the last one.
pub fn mark_finished(document: &Document, job: u32) {
    if let Some(status) = element(document, "status") {
        let _ = status.set_attribute("data-job", &job.to_string());
    }
}

/// The status line of a finished job: its runs and time, and whether the fitted laws or
/// α_SGD are still on their way (the later stages, `pending`). `data-fits-job` on the
/// status names the last job whose fits have all arrived, `data-index-job` the last job
/// whose α_SGD has arrived (or that needs none: hSGD only), for tests and scripts.
pub fn show_done(document: &Document, job: u32, report: &Report, wall_ms: f64, pending: &Pending) {
    let runs = report.sims().next().map_or(0, |(_, sim)| sim.runs);
    let mut text = format!("{runs} runs in {}.", format_ms(wall_ms));
    let status = element(document, "status");
    if pending.fits > 0 {
        text.push_str(" Fitting the laws…");
    } else {
        if let Some(status) = &status {
            let _ = status.set_attribute("data-fits-job", &job.to_string());
        }
        if pending.index {
            text.push_str(&index_status(pending.index_progress));
        } else if report.sgd_index_note.as_deref() == Some(INDEX_CANCELLED) {
            text.push_str(" α_SGD cancelled.");
        } else if let Some(status) = &status {
            let _ = status.set_attribute("data-index-job", &job.to_string());
        }
    }
    set_text(document, "status", &text);
}

/// The status of the α_SGD stage, with its progress once the worker has reported some.
fn index_status(progress: Option<(usize, usize)>) -> String {
    match progress {
        Some((done, total)) if total > 0 => format!(
            " Computing SGD's own tail index α_SGD… {}%",
            (100 * done.min(total)) / total
        ),
        _ => " Computing SGD's own tail index α_SGD…".into(),
    }
}

/// The Cancel button and `aria-busy`: Cancel is enabled while a job runs and while its
/// α_SGD stage computes (`index_pending`, after the plots are drawn); the page is busy
/// only while it runs.
pub fn set_running_ui(document: &Document, running: bool, index_pending: bool) {
    if let Some(cancel) = element(document, "cancel") {
        let _ = if running || index_pending {
            cancel.remove_attribute("disabled")
        } else {
            cancel.set_attribute("disabled", "")
        };
    }
    if let Some(main) = element(document, "app") {
        let _ = main.set_attribute("aria-busy", if running { "true" } else { "false" });
    }
}

/// The progress bar at `done` of `total`.
pub fn set_progress(document: &Document, done: usize, total: usize) {
    if let Some(bar) = element(document, "progress") {
        let _ = bar.set_attribute("max", &total.max(1).to_string());
        let _ = bar.set_attribute("value", &done.to_string());
    }
}
