//! SGD's own tail index α_SGD (MATH.md §4.3) as the page's plots draw it: which index a
//! plot shows (the whole range of A, or its restriction to the directions that mix when
//! only that has a root), its legend text, and the line and band handed to the tail and
//! Hill plots.

use super::hill::IndexBand;
use super::style::SGD_INDEX;
use super::tail::TailLine;
use crate::model::sgd_index::SgdIndex;
use crate::report::analysis::Report;
use crate::report::verdict::Z_95;

/// The α_SGD a plot draws: the index of the report (on every direction), or, when that
/// found no root but its restriction to the directions that mix did, the restricted one;
/// with the legend's description of which it is ("", or "on 46 of 50 directions") and
/// whether it converged.
pub fn shown_index(report: &Report) -> Option<(&SgdIndex, String)> {
    let index = report.sgd_index.as_ref()?;
    if index.alpha.is_some() {
        return Some((index, String::new()));
    }
    match index.restricted.as_deref() {
        Some(r) if r.alpha.is_some() => Some((
            r,
            format!(" on {} of {} directions", r.directions, index.rank),
        )),
        _ => Some((index, String::new())),
    }
}

/// The legend text of α_SGD: "α_SGD = 3.12 ± 0.05 (SGD's own)", "α_SGD > 16 (SGD's own)";
/// "not converged" when the walkers did not mix.
pub fn index_legend(index: &SgdIndex, which: &str, with_band: bool) -> String {
    let value = match (index.alpha, index.alpha_std_err) {
        (Some(a), Some(se)) if with_band => format!(" = {a:.2} ± {:.2}", Z_95 * se),
        (Some(a), _) => format!(" = {a:.2}"),
        (None, _) => match (index.alpha_lower_bound, index.alpha_upper_bound) {
            (Some(b), _) => format!(" > {b:.3}"),
            (None, Some(b)) => format!(" < {b:.3}"),
            (None, None) => " not found".into(),
        },
    };
    let value = value.replace(".000", "");
    let converged = if index.converged {
        ""
    } else {
        ", not converged"
    };
    format!("α_SGD{value}{which} (SGD's own{converged})")
}

/// α_SGD as a line with its 95% band on the Hill plot (`None` without a root).
pub fn index_band(report: &Report) -> Option<IndexBand> {
    let (index, which) = shown_index(report)?;
    let alpha = index.alpha?;
    Some(IndexBand {
        alpha,
        half_width: index.alpha_std_err.map_or(0.0, |se| Z_95 * se),
        label: index_legend(index, &which, true),
    })
}

/// α_SGD as a slope on the tail plot: the root, or the bound s_max when α_SGD > s_max (a
/// line the tail must be lighter than, labelled so).
pub fn index_tail_line(report: &Report) -> Option<TailLine> {
    let (index, which) = shown_index(report)?;
    let alpha = index.alpha.or(index.alpha_lower_bound)?;
    Some(TailLine {
        label: index_legend(index, &which, false),
        alpha,
        color: SGD_INDEX,
        dashed: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::plots::testing::small_report;

    /// The small report's α_SGD on 50 directions, made a root with s.e. 0.1 or only a
    /// lower bound.
    fn index(alpha: Option<f64>, lower: Option<f64>, converged: bool) -> SgdIndex {
        let mut index = small_report().sgd_index.clone().expect("SGD ran");
        index.alpha = alpha;
        index.alpha_lower_bound = lower;
        index.alpha_upper_bound = None;
        index.alpha_std_err = alpha.map(|_| 0.1);
        index.converged = converged;
        (index.directions, index.rank) = (50, 50);
        index.restricted = None;
        index
    }

    fn report_with(index: SgdIndex) -> Report {
        let mut report = small_report().clone();
        report.sgd_index = Some(index);
        report
    }

    #[test]
    fn legends_say_root_bound_band_and_convergence() {
        let root = index(Some(3.123), None, true);
        assert_eq!(
            index_legend(&root, "", true),
            "α_SGD = 3.12 ± 0.20 (SGD's own)"
        );
        assert_eq!(index_legend(&root, "", false), "α_SGD = 3.12 (SGD's own)");
        let bound = index(None, Some(16.0), false);
        assert_eq!(
            index_legend(&bound, "", false),
            "α_SGD > 16 (SGD's own, not converged)"
        );
        let mut below = index(None, None, true);
        below.alpha_upper_bound = Some(0.25);
        assert_eq!(index_legend(&below, "", true), "α_SGD < 0.250 (SGD's own)");
        assert_eq!(
            index_legend(&index(None, None, true), " on 3 of 50 directions", true),
            "α_SGD not found on 3 of 50 directions (SGD's own)"
        );
    }

    #[test]
    fn the_plots_take_the_root_or_the_restricted_root() {
        let report = report_with(index(Some(4.0), None, true));
        let band = index_band(&report).unwrap();
        assert_eq!(band.alpha, 4.0);
        assert!((band.half_width - 0.196).abs() < 1e-3);
        assert_eq!(index_tail_line(&report).unwrap().alpha, 4.0);
        // No root but a bound: the tail plot draws the bound's slope, the Hill plot nothing.
        let report = report_with(index(None, Some(16.0), false));
        assert!(index_band(&report).is_none());
        let line = index_tail_line(&report).unwrap();
        assert_eq!(line.alpha, 16.0);
        assert!(line.label.starts_with("α_SGD > 16"));
        // Not converged without a root, but the restriction has one: that is drawn, and
        // the legend says on how many directions.
        let mut whole = index(None, Some(16.0), false);
        let mut restricted = index(Some(7.5), None, true);
        restricted.directions = 46;
        whole.restricted = Some(Box::new(restricted));
        let report = report_with(whole);
        let band = index_band(&report).unwrap();
        assert_eq!(band.alpha, 7.5);
        assert!(
            band.label.contains("on 46 of 50 directions"),
            "{}",
            band.label
        );
        // No index at all (hSGD only, or still computing).
        let mut report = report_with(index(Some(4.0), None, true));
        report.sgd_index = None;
        assert!(index_band(&report).is_none() && index_tail_line(&report).is_none());
    }
}
