//! The numbers panel: every quantity of a [`Report`] as a row with its exact value (for
//! tests and copying, in `data-value`) and a short display text, grouped in sections:
//!
//! - **data and spectrum**: the data, n, d, rank r, λ₁, Σλᵢ², the stable rank Σλᵢ²/λ₁²;
//! - **theory (the diffusion model, hSGD)**: η* = 1 + 2nB(λ₁² + nδ)/(γλ₁⁴), η_* = η* + 1 −
//!   Σλᵢ²/λ₁², γ̄ = 2nB(λ₁² + nδ)/(λ₁²Σλᵢ²), γ₂ and the Pearson index νᵢ of the inspected
//!   coordinate (MATH.md §0, §2.3, §3): bounds of the *diffusion model*, not of SGD (§5.4);
//! - **one section per simulated method** (SGD, hSGD; side by side when both ran): runs,
//!   diverged runs, the mean, every tail-index estimator of MATH.md §4.2 with its standard
//!   error, k and interval when it has them, the verdict against the bounds, and a table of
//!   the fitted laws (log-likelihood ℓ, AIC = 2k − 2ℓ, KS statistic and its asymptotic
//!   p-value) with the smallest AIC marked;
//! - **timings**: every stage of `report.timings_ms` and the page's wall time.
//!
//! Keys are stable (`data-key`; the e2e tests read them): the data rows `data`, `n`, `d`,
//! `rank`, `lambda1`, `sum_sq`, `stable_rank`; the theory rows `upper`, `lower`,
//! `gamma_critical`, `gamma_2`, `nu_coordinate`, `sgd_measured`, `hsgd_measured` (Hill's
//! index beside the bounds, with inside/above/below); per method the prefix `sgd_` or `hsgd_`
//! before `runs`, `diverged`, `mean`, `hill`, `hill_right`, `hill_left`, `pickands`,
//! `moment`, `stable_index`, `verdict`, and the fit cells `<m>_fit_<law>_<loglik|aic|ks|ks_p|tail>`;
//! the timing rows `time_<stage>` and `wall_ms`.
//!
//! The module is plain Rust (no DOM), so it builds and is tested natively; the page sets
//! [`panel_html`] as the panel's inner HTML.

use crate::model::sgd_index::SgdIndex;
use crate::report::analysis::{Report, SimReport};
use crate::report::config::{Basis, Dynamics};
use crate::report::verdict::Verdict;
use crate::stats::distributions::FittedLaw;
use crate::stats::estimators::{KRule, TailEstimate};
use crate::stats::fits::{Fit, Fits};

/// One row of the numbers panel.
#[derive(Clone, Debug, PartialEq)]
pub struct Number {
    /// Stable key (`data-key` on the page; tests look rows up by it).
    pub key: String,
    /// What the row shows, for the reader.
    pub label: String,
    /// The value (`None` for a text-only row such as the data description).
    pub value: Option<f64>,
    /// The value as displayed.
    pub text: String,
    /// Further exact numbers of the row, shown as `data-<name>` attributes: an
    /// estimator's standard error `se`, its `k`, its interval `lo` and `hi`.
    pub details: Vec<(&'static str, f64)>,
}

impl Number {
    fn value(key: &str, label: &str, value: f64, text: String) -> Number {
        Number {
            key: key.into(),
            label: label.into(),
            value: Some(value),
            text,
            details: Vec::new(),
        }
    }

    fn text(key: &str, label: &str, text: String) -> Number {
        Number {
            key: key.into(),
            label: label.into(),
            value: None,
            text,
            details: Vec::new(),
        }
    }
}

/// An estimator that ran but saw no power-law tail (ξ̂ ≤ 0, so η̂ = ∞): there is no
/// finite value to show in a row, so the panel says so in a note.
#[derive(Clone, Debug, PartialEq)]
pub struct Absent {
    /// The key the row would have had.
    pub key: String,
    /// The sentence shown.
    pub text: String,
    /// The estimated extreme-value index ξ̂ (≤ 0).
    pub xi: f64,
}

/// One fitted law in a method's fits table.
#[derive(Clone, Debug, PartialEq)]
pub struct FitRow {
    /// Key prefix of the row's cells: `<method>_fit_<law>` (e.g. `sgd_fit_student_t`).
    pub key: String,
    /// The law's name for the reader.
    pub law: &'static str,
    /// The fitted parameters, short.
    pub parameters: String,
    /// The law's tail index (`None`: all moments finite, as for the Gaussian or α = 2).
    pub tail_index: Option<f64>,
    /// Log-likelihood Σ ln f(xᵢ).
    pub loglik: f64,
    /// AIC = 2k − 2ℓ.
    pub aic: f64,
    /// Kolmogorov–Smirnov statistic.
    pub ks: f64,
    /// Its asymptotic p-value (too lenient for fitted parameters, MATH.md §4.2).
    pub ks_pvalue: f64,
    /// This law has the smallest AIC of the table (exactly one row per table).
    pub best: bool,
}

/// One section of the panel.
#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    /// `data`, `theory`, `sgd`, `hsgd` or `timings`.
    pub id: &'static str,
    /// The dynamics a method's section is about (`None` for the others).
    pub method: Option<Dynamics>,
    /// The heading.
    pub title: String,
    /// The rows.
    pub rows: Vec<Number>,
    /// Estimators that saw no power-law tail.
    pub absent: Vec<Absent>,
    /// Short remarks (diverged runs, a missing analysis, how k was chosen, …).
    pub notes: Vec<String>,
    /// The fitted laws (simulated methods only).
    pub fits: Vec<FitRow>,
}

impl Section {
    fn new(id: &'static str, title: &str) -> Section {
        Section {
            id,
            method: None,
            title: title.into(),
            rows: Vec::new(),
            absent: Vec::new(),
            notes: Vec::new(),
            fits: Vec::new(),
        }
    }
}

/// Four significant digits, without trailing zeros; scientific notation for very large or
/// small magnitudes.
pub fn format_value(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    if x == 0.0 {
        return "0".into();
    }
    let a = x.abs();
    if !(1e-3..1e6).contains(&a) {
        return format!("{x:.3e}");
    }
    let decimals = (3 - libm::floor(libm::log10(a)) as i32).max(0) as usize;
    let text = format!("{x:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// Milliseconds as displayed: "812 ms", "1.23 s".
pub fn format_ms(ms: f64) -> String {
    if ms < 1000.0 {
        format!("{} ms", libm::round(ms))
    } else {
        format!("{:.2} s", ms / 1000.0)
    }
}

/// The key of a timing row: `time_` and the stage with every run of other characters than
/// letters and digits made one `_` ("data + svd" → `time_data_svd`).
pub fn time_key(stage: &str) -> String {
    let mut key = String::from("time");
    for word in stage.split(|c: char| !c.is_ascii_alphanumeric()) {
        if !word.is_empty() {
            key.push('_');
            key.push_str(word);
        }
    }
    key
}

/// Escapes text for HTML (labels are static, but the data's name may come from a file).
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn data_section(report: &Report) -> Section {
    let mut s = Section::new("data", "Data and spectrum");
    s.rows
        .push(Number::text("data", "data", report.problem.clone()));
    s.rows.push(Number::value(
        "n",
        "rows n",
        report.n as f64,
        report.n.to_string(),
    ));
    s.rows.push(Number::value(
        "d",
        "columns d",
        report.d as f64,
        report.d.to_string(),
    ));
    s.rows.push(Number::value(
        "rank",
        "rank r of A",
        report.rank as f64,
        report.rank.to_string(),
    ));
    if let Some(&top) = report.singular_values.first() {
        s.rows.push(Number::value(
            "lambda1",
            "top singular value λ₁",
            top,
            format_value(top),
        ));
    }
    s.rows.push(Number::value(
        "sum_sq",
        "Σλᵢ² = tr AᵀA",
        report.bounds.sum_sq,
        format_value(report.bounds.sum_sq),
    ));
    s.rows.push(Number::value(
        "stable_rank",
        "stable rank Σλᵢ²/λ₁²",
        report.stable_rank,
        format_value(report.stable_rank),
    ));
    s
}

fn theory_section(report: &Report) -> Section {
    let b = &report.bounds;
    let mut s = Section::new(
        "theory",
        "Theory: the diffusion model's bounds (hSGD) and SGD's own index α_SGD",
    );
    s.rows.push(Number::value(
        "upper",
        "hSGD upper bound η* (Theorem 3.2)",
        b.upper,
        format_value(b.upper),
    ));
    s.rows.push(Number::value(
        "lower",
        "hSGD lower bound η_* (Theorem 3.3)",
        b.lower,
        if b.lower_valid {
            format_value(b.lower)
        } else {
            format!("{} (not proven: γ ≥ γ̄)", format_value(b.lower))
        },
    ));
    let side = if b.gamma < b.gamma_critical {
        "below"
    } else {
        "not below"
    };
    s.rows.push(Number::value(
        "gamma_critical",
        "critical learning rate γ̄",
        b.gamma_critical,
        format!(
            "{} (γ = {} is {side} it)",
            format_value(b.gamma_critical),
            format_value(b.gamma)
        ),
    ));
    s.rows.push(Number::value(
        "gamma_2",
        "hSGD's second-moment threshold γ₂",
        b.gamma_2,
        format_value(b.gamma_2),
    ));
    let i = report.config.coordinate;
    if report.config.basis == Basis::Svd {
        if let Some(&nu) = b.upper_per_coordinate.get(i) {
            s.rows.push(Number::value(
                "nu_coordinate",
                &format!("Pearson tail index ν of coordinate {i} (q{}ᵀx)", i + 1),
                nu,
                format_value(nu),
            ));
        }
    }
    // The measured indices stand beside the bounds (the full rows are in the method's
    // section).
    for sim in [&report.sgd, &report.hsgd].into_iter().flatten() {
        let alpha = sim.estimates.as_ref().and_then(|e| e.hill.alpha);
        if let (Some(alpha), Some(verdict)) = (alpha, sim.verdict) {
            let place = match verdict {
                // γ ≥ γ̄: the lower bound is not proven, so only η ≤ η* is claimed.
                Verdict::BelowUpper => "below η* (η_* is not proven here)",
                Verdict::Inside => "inside",
                Verdict::AboveUpper => "above",
                Verdict::BelowLower => "below",
                Verdict::Inconclusive => "inconclusive",
                Verdict::NoPowerLawTail => "no power-law tail seen",
            };
            s.rows.push(Number::value(
                &format!("{}_measured", sim.method),
                &format!("{} measured (Hill)", sim.method.label()),
                alpha,
                format!("{}: {place}", format_value(alpha)),
            ));
        }
    }
    s.notes.push(
        "η* and η_* bound the tail index of the diffusion model (hSGD), not of discrete SGD: \
         SGD on the paper's own settings can sit above them (MATH.md §5.4)."
            .into(),
    );
    index_rows(report, &mut s);
    s
}

/// The normal quantile of a two-sided 95% interval.
const Z_95: f64 = 1.959_963_984_540_054;

/// α_SGD of `index` as displayed: "3.1 ± 0.05", "> 16 (…)", "< 0.25: SGD does not
/// settle (…)", or that no root was found.
pub fn index_text(index: &SgdIndex) -> String {
    let f = format_value;
    if let Some(alpha) = index.alpha {
        match index.alpha_std_err {
            Some(se) => format!("{} ± {}", f(alpha), f(se)),
            None => f(alpha),
        }
    } else if let Some(bound) = index.alpha_lower_bound {
        format!("> {} (Λ̂(s) < 0 for every s ≤ {})", f(bound), f(bound))
    } else if let Some(bound) = index.alpha_upper_bound {
        format!(
            "< {}: SGD does not settle (Λ̂(s) > 0 down to s = {})",
            f(bound),
            f(bound)
        )
    } else {
        "no root of Λ̂ found".into()
    }
}

/// The row of an α_SGD: its value with the standard error and the 95% interval
/// (`se`, `lo`, `hi`), or, when no root was bracketed, no value and the bound as
/// `lower_bound` (α_SGD > s_max) or `upper_bound` (α_SGD < 0.25).
fn index_row(key: &str, label: &str, index: &SgdIndex) -> Number {
    let mut row = Number::text(key, label, index_text(index));
    if let Some(alpha) = index.alpha {
        row.value = Some(alpha);
        if let Some(se) = index.alpha_std_err {
            row.details.push(("se", se));
            row.details.push(("lo", alpha - Z_95 * se));
            row.details.push(("hi", alpha + Z_95 * se));
        }
    } else if let Some(bound) = index.alpha_lower_bound {
        row.details.push(("lower_bound", bound));
    } else if let Some(bound) = index.alpha_upper_bound {
        row.details.push(("upper_bound", bound));
    }
    if !index.converged {
        row.text.push_str(" (not converged)");
    }
    row
}

/// SGD's own tail index α_SGD (MATH.md §4.3) beside the diffusion model's bounds: keys
/// `alpha_sgd` (see [`index_row`]), `gamma_alpha_2`, `lambda_2_exact`, `lambda_2_mc`
/// (Λ̂(2) with `se`), `sgd_index_mixing` (K·θ_min) and `alpha_sgd_restricted`. While the
/// page still computes it, `alpha_sgd` says so.
fn index_rows(report: &Report, s: &mut Section) {
    if report.sgd.is_none() {
        return;
    }
    let label = "SGD's own tail index α_SGD (Kesten–Goldie, discrete SGD)";
    let Some(index) = &report.sgd_index else {
        match &report.sgd_index_note {
            Some(note) => s.notes.push(note.clone()),
            None => s
                .rows
                .push(Number::text("alpha_sgd", label, "computing…".into())),
        }
        return;
    };
    s.rows.push(index_row("alpha_sgd", label, index));
    if let Some(gamma) = index.gamma_alpha_2 {
        let side = if report.bounds.gamma < gamma {
            "below it: SGD's variance is finite"
        } else {
            "not below it: SGD's variance is infinite"
        };
        s.rows.push(Number::value(
            "gamma_alpha_2",
            "γ at which α_SGD = 2 (SGD's second-moment threshold)",
            gamma,
            format!(
                "{} (γ = {} is {side})",
                format_value(gamma),
                format_value(report.bounds.gamma)
            ),
        ));
    }
    if let Some(exact) = index.lambda_2_exact {
        s.rows.push(Number::value(
            "lambda_2_exact",
            "Λ(2) = log ρ(T), exact",
            exact,
            format_value(exact),
        ));
    }
    if let Some(p) = index.lambda.iter().find(|p| p.s == 2.0) {
        let mut row = Number::value(
            "lambda_2_mc",
            "Λ̂(2), Monte Carlo (checks the exact value)",
            p.value,
            format!("{} ± {}", format_value(p.value), format_value(p.std_err)),
        );
        row.details.push(("se", p.std_err));
        s.rows.push(row);
    }
    let mixing = if index.converged {
        format!("{}: converged", format_value(index.mixing))
    } else {
        format!(
            "{}: not converged (needs ≥ {})",
            format_value(index.mixing),
            format_value(crate::model::sgd_index::MIXING_TARGET)
        )
    };
    s.rows.push(Number::value(
        "sgd_index_mixing",
        &format!(
            "mixing K·θ_min of the walkers (K = {} walker steps)",
            index.steps
        ),
        index.mixing,
        mixing,
    ));
    if let Some(restricted) = &index.restricted {
        s.rows.push(index_row(
            "alpha_sgd_restricted",
            &format!(
                "α_SGD on the {} of {} directions that SGD's K = {} steps mix",
                restricted.directions, index.rank, report.config.steps
            ),
            restricted,
        ));
    }
    s.notes.push(
        "α_SGD is the stationary tail index of discrete SGD itself, the root of Λ(s) by \
         Monte Carlo (± its standard error; MATH.md §4.3). Kesten's power law holds only far \
         in the tail, so a measured index above α_SGD at feasible sample sizes is expected."
            .into(),
    );
}

/// The row of one estimate: its α with the standard error, k and interval it has, or an
/// [`Absent`] note when it saw no power-law tail.
fn estimate_row(key: &str, label: &str, e: &TailEstimate) -> Result<Number, Absent> {
    let Some(alpha) = e.alpha else {
        return Err(Absent {
            key: key.into(),
            text: format!(
                "{label}: ξ̂ = {} ≤ 0, no power-law tail seen (η̂ = ∞)",
                format_value(e.xi)
            ),
            xi: e.xi,
        });
    };
    let mut text = format_value(alpha);
    let mut row = Number::value(key, label, alpha, String::new());
    if let Some(se) = e.std_err {
        text.push_str(&format!(" ± {}", format_value(se)));
        row.details.push(("se", se));
    }
    if let Some((lo, hi)) = e.ci {
        text.push_str(&format!(" [{}, {}]", format_value(lo), format_value(hi)));
        row.details.push(("lo", lo));
        row.details.push(("hi", hi));
    }
    if let Some(k) = e.k {
        text.push_str(&format!(", k = {k}"));
        row.details.push(("k", k as f64));
    }
    row.text = text;
    Ok(row)
}

fn method_section(method: Dynamics, sim: &SimReport) -> Section {
    let name = method.label();
    let title = match method {
        Dynamics::Sgd => "SGD: measured",
        Dynamics::Hsgd => "hSGD (the SDE): measured",
    };
    let mut s = Section::new(method.key(), title);
    s.method = Some(method);
    let key = |what: &str| format!("{method}_{what}");
    s.rows.push(Number::value(
        &key("runs"),
        "runs finished",
        sim.runs as f64,
        sim.runs.to_string(),
    ));
    s.rows.push(Number::value(
        &key("diverged"),
        "runs diverged",
        sim.diverged as f64,
        sim.diverged.to_string(),
    ));
    s.rows.push(Number::value(
        &key("mean"),
        "mean of the coordinate",
        sim.mean,
        format_value(sim.mean),
    ));
    if let Some(e) = &sim.estimates {
        let k_rule = match e.k_rule {
            KRule::Csn => "k by minimum KS distance",
            KRule::User => "k as given",
        };
        let mut add = |what: &str, label: &str, estimate: Option<&TailEstimate>| {
            if let Some(estimate) = estimate {
                match estimate_row(&key(what), label, estimate) {
                    Ok(row) => s.rows.push(row),
                    Err(absent) => s.absent.push(absent),
                }
            }
        };
        add(
            "hill",
            &format!("Hill, both tails ({k_rule})"),
            Some(&e.hill),
        );
        add("hill_right", "Hill, right tail", e.hill_right.as_ref());
        add("hill_left", "Hill, left tail", e.hill_left.as_ref());
        add("pickands", "Pickands", e.pickands.as_ref());
        add(
            "moment",
            "moment (Dekkers–Einmahl–de Haan)",
            e.moment.as_ref(),
        );
        add(
            "stable_index",
            "α-stable index (assumes a stable law: ≤ 2 in the limit, blind to η > 2)",
            e.stable_index.as_ref(),
        );
        s.notes.push(format!(
            "Tail indices of the centred coordinate ({} runs): ± is the asymptotic standard \
             error, k the number of upper order statistics used (MATH.md §4.2).",
            e.n
        ));
    }
    // The tail test (MATH.md §4.3): the moment estimator's ξ with its run-bootstrap
    // interval; an interval reaching ξ ≤ 0 means no power-law tail is seen.
    if let Some(b) = &sim.bootstrap {
        let (lo, hi) = (b.moment.xi_lo, b.moment.xi_hi);
        let verdict = if b.power_law_tail {
            "power-law tail seen"
        } else {
            "reaches ξ ≤ 0: no power-law tail seen"
        };
        let mut row = Number::value(
            &key("tail_test"),
            "tail test: moment ξ̂, 95% run-bootstrap interval",
            lo,
            format!("[{}, {}]: {verdict}", format_value(lo), format_value(hi)),
        );
        row.details.push(("lo", lo));
        row.details.push(("hi", hi));
        s.rows.push(row);
    }
    if let Some(verdict) = &sim.verdict_text {
        s.rows.push(Number::text(
            &key("verdict"),
            &format!("{name} against the bounds"),
            verdict.clone(),
        ));
    }
    if let (Some(text), Some(measured)) = (&sim.index_verdict_text, sim.measured()) {
        let mut row = Number::value(
            &key("index_verdict"),
            &format!("{name} against its own index α_SGD"),
            measured.alpha,
            text.clone(),
        );
        row.details.push(("lo", measured.interval.0));
        if measured.interval.1.is_finite() {
            row.details.push(("hi", measured.interval.1));
        }
        s.rows.push(row);
    }
    if let Some(fits) = &sim.fits {
        s.fits = fit_rows(method, fits);
    }
    s.notes.extend(sim.notes.iter().cloned());
    s
}

/// The short parameter text and the name of a fitted law.
fn law_text(law: &FittedLaw) -> (&'static str, String) {
    let f = format_value;
    match *law {
        FittedLaw::Gaussian { mu, sigma } => {
            ("Gaussian", format!("μ = {}, σ = {}", f(mu), f(sigma)))
        }
        FittedLaw::StudentT { loc, scale, df } => (
            "Student t",
            format!("ν = {}, loc = {}, scale = {}", f(df), f(loc), f(scale)),
        ),
        FittedLaw::PearsonIV { m, v, a, lambda } => (
            "Pearson IV",
            format!(
                "m = {}, v = {}, a = {}, λ = {}",
                f(m),
                f(v),
                f(a),
                f(lambda)
            ),
        ),
        FittedLaw::Stable {
            alpha,
            beta,
            scale,
            loc,
        } => (
            "α-stable",
            format!(
                "α = {}, β = {}, σ = {}, loc = {}",
                f(alpha),
                f(beta),
                f(scale),
                f(loc)
            ),
        ),
    }
}

/// The fits table of one method, in the order Gaussian, Student t, Pearson IV, α-stable;
/// the first row with the smallest AIC is marked best.
pub fn fit_rows(method: Dynamics, fits: &Fits) -> Vec<FitRow> {
    let laws: [(&str, &Fit); 4] = [
        ("gaussian", &fits.gaussian),
        ("student_t", &fits.student_t),
        ("skew_t", &fits.skew_t),
        ("stable", &fits.stable),
    ];
    let best = laws
        .iter()
        .enumerate()
        .filter(|(_, (_, fit))| fit.gof.aic.is_finite())
        .min_by(|a, b| a.1 .1.gof.aic.total_cmp(&b.1 .1.gof.aic))
        .map(|(i, _)| i);
    laws.iter()
        .enumerate()
        .map(|(i, (key, fit))| {
            let (law, parameters) = law_text(&fit.law);
            FitRow {
                key: format!("{method}_fit_{key}"),
                law,
                parameters,
                tail_index: fit.law.tail_index(),
                loglik: fit.gof.loglik,
                aic: fit.gof.aic,
                ks: fit.gof.ks,
                ks_pvalue: fit.gof.ks_pvalue,
                best: Some(i) == best,
            }
        })
        .collect()
}

fn timings_section(report: &Report, wall_ms: f64) -> Section {
    let mut s = Section::new("timings", "Timings");
    // Stages in pipeline order (data, then per method: simulation, estimators, fits),
    // then any others the report adds.
    let rank = |stage: &str| {
        let step = ["data", "simulation", "estimators", "fits"]
            .iter()
            .position(|s| stage.contains(s))
            .unwrap_or(4);
        (!stage.starts_with("data"), stage.starts_with("hsgd"), step)
    };
    let mut stages: Vec<(&String, &f64)> = report.timings_ms.iter().collect();
    stages.sort_by_key(|(stage, _)| rank(stage));
    for (stage, ms) in stages {
        s.rows.push(Number::value(
            &time_key(stage),
            &format!("time: {stage}"),
            *ms,
            format_ms(*ms),
        ));
    }
    s.rows.push(Number::value(
        "wall_ms",
        "wall time (page)",
        wall_ms,
        format_ms(wall_ms),
    ));
    s
}

/// The sections of the numbers panel for `report`; `wall_ms` is the time the page waited.
pub fn sections(report: &Report, wall_ms: f64) -> Vec<Section> {
    let mut all = vec![data_section(report), theory_section(report)];
    all.extend(
        report
            .sims()
            .map(|(method, sim)| method_section(method, sim)),
    );
    all.push(timings_section(report, wall_ms));
    all
}

/// Every row of the numbers panel, section after section.
pub fn numbers(report: &Report, wall_ms: f64) -> Vec<Number> {
    sections(report, wall_ms)
        .into_iter()
        .flat_map(|s| s.rows)
        .collect()
}

/// `data-value="…"` with the shortest text that parses back to exactly `v`.
fn value_attribute(name: &str, v: f64) -> String {
    format!(r#" data-{name}="{v}""#)
}

fn row_html(n: &Number) -> String {
    let mut attributes = n
        .value
        .map(|v| value_attribute("value", v))
        .unwrap_or_default();
    for (name, v) in &n.details {
        attributes.push_str(&value_attribute(name, *v));
    }
    // Sentences (the verdict, the data's description) take a whole row.
    let class = if n.value.is_none() && n.text.chars().count() > 40 {
        "number wide"
    } else {
        "number"
    };
    format!(
        r#"<div class="{class}"><dt>{label}</dt><dd data-key="{key}"{attributes}>{text}</dd></div>"#,
        label = escape(&n.label),
        key = escape(&n.key),
        text = escape(&n.text),
    )
}

fn cell(key: &str, v: f64) -> String {
    format!(
        r#"<td data-key="{key}"{}>{}</td>"#,
        value_attribute("value", v),
        escape(&format_value(v))
    )
}

fn fits_html(method: Dynamics, rows: &[FitRow]) -> String {
    let mut html = format!(
        r#"<div class="fits-scroll" role="region" tabindex="0" aria-label="fitted laws ({name})"><table class="fits" data-method="{method}"><caption>Fitted laws of the centred coordinate ({name})</caption><thead><tr><th scope="col">law and parameters</th><th scope="col">tail index</th><th scope="col">log&#8209;lik.</th><th scope="col">AIC</th><th scope="col">KS D</th><th scope="col">KS p</th></tr></thead><tbody>"#,
        name = method.label(),
    );
    for r in rows {
        let (class, mark) = if r.best {
            (
                r#" class="best" data-best="true""#,
                r#" <span class="best-mark" title="smallest AIC">best AIC</span>"#,
            )
        } else {
            ("", "")
        };
        let tail = match r.tail_index {
            Some(t) => cell(&format!("{}_tail", r.key), t),
            None => format!(r#"<td data-key="{}_tail">∞</td>"#, r.key),
        };
        html.push_str(&format!(
            r#"<tr data-law="{key}"{class}><th scope="row">{law}{mark}<span class="params">{params}</span></th>{tail}{ll}{aic}{ks}{p}</tr>"#,
            key = escape(&r.key),
            law = escape(r.law),
            params = escape(&r.parameters),
            ll = cell(&format!("{}_loglik", r.key), r.loglik),
            aic = cell(&format!("{}_aic", r.key), r.aic),
            ks = cell(&format!("{}_ks", r.key), r.ks),
            p = cell(&format!("{}_ks_p", r.key), r.ks_pvalue),
        ));
    }
    html.push_str(
        "</tbody></table></div><p class=\"num-note\">AIC = 2k − 2ℓ (smaller is better). \
         The KS p-value is asymptotic and too lenient when the parameters were fitted to the \
         same sample (MATH.md §4.2).</p>",
    );
    html
}

fn section_html(s: &Section) -> String {
    let mut html = format!(
        r#"<section class="num-group" data-group="{id}"><h3>{title}</h3><dl class="num-list">"#,
        id = s.id,
        title = escape(&s.title),
    );
    for row in &s.rows {
        html.push_str(&row_html(row));
    }
    html.push_str("</dl>");
    for a in &s.absent {
        html.push_str(&format!(
            r#"<p class="num-note num-absent" data-absent="{key}"{xi}>{text}</p>"#,
            key = escape(&a.key),
            xi = value_attribute("xi", a.xi),
            text = escape(&a.text),
        ));
    }
    for note in &s.notes {
        html.push_str(&format!(r#"<p class="num-note">{}</p>"#, escape(note)));
    }
    if let (Some(method), false) = (s.method, s.fits.is_empty()) {
        html.push_str(&fits_html(method, &s.fits));
    }
    html.push_str("</section>");
    html
}

/// The panel's HTML: the data and theory sections, the simulated methods side by side
/// (in one `num-methods` box), and the timings.
pub fn panel_html(report: &Report, wall_ms: f64) -> String {
    let all = sections(report, wall_ms);
    let methods = all.iter().filter(|s| s.method.is_some()).count();
    let mut html = String::new();
    let mut in_methods = false;
    for s in &all {
        let is_method = s.method.is_some();
        if is_method && !in_methods {
            html.push_str(&format!(
                r#"<div class="num-methods" data-count="{methods}">"#
            ));
            in_methods = true;
        }
        if !is_method && in_methods {
            html.push_str("</div>");
            in_methods = false;
        }
        html.push_str(&section_html(s));
    }
    if in_methods {
        html.push_str("</div>");
    }
    html
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::report::analysis::{self, Silent};
    use crate::report::config::{Config, Method};
    use std::sync::OnceLock;

    /// A small run of both methods, computed once for all tests (the fits take most of
    /// the time); the one-method reports drop the other method's results.
    pub(crate) fn small_report(method: Method) -> Report {
        static BOTH: OnceLock<Report> = OnceLock::new();
        let mut report = BOTH
            .get_or_init(|| {
                let mut config = Config::default();
                config.n = 60;
                config.d = 8;
                config.runs = 120;
                config.steps = 100;
                // A ridge makes every direction contract fast: α_SGD's walkers mix in the
                // fewest steps, so the report (computed once) stays quick in wasm too.
                config.delta = 1.0;
                config.method = Method::Both;
                analysis::run(&config, None, &mut Silent).unwrap()
            })
            .clone();
        match method {
            Method::Sgd => report.hsgd = None,
            Method::Hsgd => report.sgd = None,
            Method::Both => {}
        }
        report.config.method = method;
        report
    }

    /// An α_SGD on 50 directions: a root with s.e. 0.1, or only a lower bound.
    pub(crate) fn sgd_index(alpha: Option<f64>, lower: Option<f64>, converged: bool) -> SgdIndex {
        SgdIndex {
            alpha,
            alpha_lower_bound: lower,
            alpha_upper_bound: None,
            alpha_std_err: alpha.map(|_| 0.1),
            lambda: vec![
                crate::model::sgd_index::LambdaPoint {
                    s: 2.0,
                    value: -0.25,
                    std_err: 0.002,
                },
                crate::model::sgd_index::LambdaPoint {
                    s: 4.0,
                    value: 0.5,
                    std_err: 0.004,
                },
            ],
            lambda_2_exact: Some(-0.2497),
            gamma_alpha_2: Some(0.1638),
            converged,
            mixing: if converged { 20.0 } else { 1.5 },
            directions: 50,
            rank: 50,
            steps: 4000,
            burn_in: 2000,
            walkers: 500,
            replicas: 8,
            s_max: 16.0,
            restricted: None,
        }
    }

    fn row<'a>(rows: &'a [Number], key: &str) -> &'a Number {
        rows.iter()
            .find(|n| n.key == key)
            .unwrap_or_else(|| panic!("no row {key}"))
    }

    /// MathML Core elements the explanation may use inside `<math>`.
    const MATHML: &[&str] = &[
        "math", "mrow", "mi", "mn", "mo", "mfrac", "msup", "msub", "msubsup", "msqrt", "munder",
        "mover", "mspace", "mtext",
    ];
    const VOID: &[&str] = &["br", "hr", "img", "input", "meta", "link", "wbr"];

    /// A tiny XML-style check: every tag closes in order, attributes are quoted, text has
    /// no stray `<` or `&` (numeric entities allowed), and inside `<math>` only MathML elements occur. Returns the
    /// number of `<math>` elements.
    pub(crate) fn check_well_formed(html: &str) -> usize {
        let mut stack: Vec<String> = Vec::new();
        let mut maths = 0;
        let mut rest = html;
        while let Some(open) = rest.find('<') {
            let text = &rest[..open];
            for (i, _) in text.match_indices('&') {
                let entity = &text[i..];
                assert!(
                    ["&amp;", "&lt;", "&gt;", "&quot;", "&#"]
                        .iter()
                        .any(|e| entity.starts_with(e)),
                    "bare & in text: {text}"
                );
            }
            let close = rest[open..].find('>').expect("unclosed tag") + open;
            let tag = &rest[open + 1..close];
            assert!(!tag.contains('<'), "'<' inside a tag: {tag}");
            assert_eq!(tag.matches('"').count() % 2, 0, "unbalanced quotes: {tag}");
            if let Some(name) = tag.strip_prefix('/') {
                let top = stack
                    .pop()
                    .unwrap_or_else(|| panic!("</{name}> closes nothing"));
                assert_eq!(top, name.trim(), "</{name}> closes <{top}>");
            } else {
                let name: String = tag
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                assert!(!name.is_empty(), "empty tag name: <{tag}>");
                if stack.iter().any(|t| t == "math") || name == "math" {
                    assert!(MATHML.contains(&name.as_str()), "<{name}> inside <math>");
                }
                if name == "math" {
                    maths += 1;
                }
                if !tag.ends_with('/') && !VOID.contains(&name.as_str()) {
                    stack.push(name);
                }
            }
            rest = &rest[close + 1..];
        }
        assert!(!rest.contains('>'), "stray '>' at the end");
        assert!(stack.is_empty(), "unclosed: {stack:?}");
        maths
    }

    #[test]
    fn rows_carry_the_reports_values() {
        let report = small_report(Method::Both);
        let rows = numbers(&report, 12.5);
        let value = |key: &str| row(&rows, key).value.unwrap();
        assert_eq!(value("n"), 60.0);
        assert_eq!(value("d"), 8.0);
        assert_eq!(value("rank"), report.rank as f64);
        assert_eq!(value("lambda1"), report.singular_values[0]);
        assert_eq!(value("sum_sq"), report.bounds.sum_sq);
        assert_eq!(value("stable_rank"), report.stable_rank);
        assert_eq!(value("upper"), report.bounds.upper);
        assert_eq!(value("lower"), report.bounds.lower);
        assert_eq!(value("gamma_critical"), report.bounds.gamma_critical);
        assert_eq!(value("gamma_2"), report.bounds.gamma_2);
        assert_eq!(
            value("nu_coordinate"),
            report.bounds.upper_per_coordinate[0]
        );
        assert_eq!(value("wall_ms"), 12.5);
        let hill = |sim: &Option<SimReport>| {
            sim.as_ref()
                .unwrap()
                .estimates
                .as_ref()
                .unwrap()
                .hill
                .alpha
                .unwrap()
        };
        assert_eq!(value("sgd_measured"), hill(&report.sgd));
        assert_eq!(value("hsgd_measured"), hill(&report.hsgd));
        for (method, sim) in report.sims() {
            assert_eq!(value(&format!("{method}_runs")), sim.runs as f64);
            assert_eq!(value(&format!("{method}_diverged")), sim.diverged as f64);
            assert_eq!(value(&format!("{method}_mean")), sim.mean);
            let e = sim.estimates.as_ref().unwrap();
            let hill = row(&rows, &format!("{method}_hill"));
            assert_eq!(hill.value, e.hill.alpha);
            assert!(hill.details.contains(&("k", e.hill.k.unwrap() as f64)));
            assert!(hill.details.contains(&("se", e.hill.std_err.unwrap())));
            assert!(hill.text.contains(&format!("k = {}", e.hill.k.unwrap())));
            assert_eq!(
                row(&rows, &format!("{method}_verdict")).text,
                *sim.verdict_text.as_ref().unwrap()
            );
        }
        for (stage, ms) in &report.timings_ms {
            assert_eq!(value(&time_key(stage)), *ms);
        }
        // Every numeric row is finite and every key unique.
        assert!(rows.iter().filter_map(|n| n.value).all(f64::is_finite));
        let mut keys: Vec<&str> = rows.iter().map(|n| n.key.as_str()).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), rows.len());
    }

    #[test]
    fn a_measured_index_below_an_unproven_lower_bound_is_not_called_inside() {
        let mut report = small_report(Method::Sgd);
        let sim = report.sgd.as_mut().unwrap();
        let alpha = sim.estimates.as_ref().unwrap().hill.alpha.unwrap();
        report.bounds.lower = alpha + 1.0;
        report.bounds.upper = alpha + 2.0;
        report.bounds.lower_valid = false;
        sim.verdict = Some(Verdict::of(alpha, &report.bounds));
        assert_eq!(sim.verdict, Some(Verdict::BelowUpper));
        let rows = numbers(&report, 0.0);
        let measured = row(&rows, "sgd_measured");
        assert_eq!(measured.value, Some(alpha));
        assert!(measured.text.ends_with("below η* (η_* is not proven here)"));
        report.bounds.lower_valid = true;
        report.sgd.as_mut().unwrap().verdict = Some(Verdict::of(alpha, &report.bounds));
        assert!(row(&numbers(&report, 0.0), "sgd_measured")
            .text
            .ends_with(": below"));
    }

    #[test]
    fn hsgd_rows_appear_only_when_hsgd_ran() {
        let sgd_only = numbers(&small_report(Method::Sgd), 1.0);
        assert!(sgd_only.iter().any(|n| n.key == "sgd_runs"));
        assert!(!sgd_only.iter().any(|n| n.key.starts_with("hsgd_")));
        let hsgd_only = numbers(&small_report(Method::Hsgd), 1.0);
        assert!(hsgd_only.iter().any(|n| n.key == "hsgd_runs"));
        assert!(!hsgd_only.iter().any(|n| n.key.starts_with("sgd_")));
        // The only text rows are the data's name, the verdicts, and α_SGD when it has
        // only a bound.
        for n in sgd_only.iter().filter(|n| n.value.is_none()) {
            assert!(
                n.key == "data"
                    || n.key == "sgd_verdict"
                    || n.key.starts_with("alpha_sgd")
                        && n.details.iter().any(|(name, _)| name.ends_with("_bound")),
                "text row {}",
                n.key
            );
        }
        assert!(!numbers(&small_report(Method::Hsgd), 1.0)
            .iter()
            .any(|n| n.key.contains("alpha_sgd") || n.key.contains("lambda_2")));
    }

    #[test]
    fn every_estimate_is_a_row_or_an_absent_note() {
        let report = small_report(Method::Sgd);
        let e = report.sgd.as_ref().unwrap().estimates.as_ref().unwrap();
        let s = &sections(&report, 0.0)[2];
        let estimates = [
            ("sgd_hill", Some(&e.hill)),
            ("sgd_hill_right", e.hill_right.as_ref()),
            ("sgd_hill_left", e.hill_left.as_ref()),
            ("sgd_pickands", e.pickands.as_ref()),
            ("sgd_moment", e.moment.as_ref()),
            ("sgd_stable_index", e.stable_index.as_ref()),
        ];
        for (key, estimate) in estimates {
            let shown = s.rows.iter().find(|n| n.key == key);
            let absent = s.absent.iter().find(|a| a.key == key);
            match estimate {
                Some(TailEstimate {
                    alpha: Some(alpha), ..
                }) => assert_eq!(shown.unwrap().value, Some(*alpha)),
                Some(est) => assert_eq!(absent.unwrap().xi, est.xi),
                None => assert!(shown.is_none() && absent.is_none()),
            }
        }
    }

    #[test]
    fn a_missing_alpha_becomes_a_note_and_intervals_are_kept() {
        let e = TailEstimate {
            name: "pickands".into(),
            alpha: None,
            xi: -0.25,
            k: Some(10),
            std_err: None,
            ci: None,
        };
        let absent = estimate_row("sgd_pickands", "Pickands", &e).unwrap_err();
        assert_eq!(absent.xi, -0.25);
        assert!(absent.text.contains("-0.25"));
        let e = TailEstimate {
            alpha: Some(3.0),
            xi: 1.0 / 3.0,
            std_err: Some(0.5),
            ci: Some((2.25, 4.5)),
            ..e
        };
        let row = estimate_row("sgd_pickands", "Pickands", &e).unwrap();
        assert_eq!(row.text, "3 ± 0.5 [2.25, 4.5], k = 10");
        assert_eq!(
            row.details,
            vec![("se", 0.5), ("lo", 2.25), ("hi", 4.5), ("k", 10.0)]
        );
    }

    #[test]
    fn the_best_aic_is_the_smallest_and_unique() {
        let report = small_report(Method::Both);
        for (method, sim) in report.sims() {
            let fits = sim.fits.as_ref().unwrap();
            let rows = fit_rows(method, fits);
            assert_eq!(rows.len(), 4);
            assert_eq!(rows.iter().filter(|r| r.best).count(), 1);
            let best = rows.iter().find(|r| r.best).unwrap();
            assert!(rows.iter().all(|r| r.aic >= best.aic));
            assert_eq!(rows[1].aic, fits.student_t.gof.aic);
            assert_eq!(rows[1].ks_pvalue, fits.student_t.gof.ks_pvalue);
            assert_eq!(rows[2].tail_index, fits.skew_t.law.tail_index());
            assert_eq!(rows[0].tail_index, None);
            assert!(rows
                .iter()
                .all(|r| r.loglik.is_finite() && r.aic.is_finite() && r.ks.is_finite()));
        }
        // A tie goes to the first law; equal AICs are still one mark.
        let mut fits = report.sgd.as_ref().unwrap().fits.clone().unwrap();
        fits.gaussian.gof.aic = -1e9;
        fits.stable.gof.aic = -1e9;
        let rows = fit_rows(Dynamics::Sgd, &fits);
        assert!(rows[0].best && !rows[3].best);
    }

    #[test]
    fn the_html_holds_every_row_with_its_exact_value() {
        let report = small_report(Method::Both);
        let html = panel_html(&report, 3.25);
        for n in numbers(&report, 3.25) {
            let needle = match n.value {
                Some(v) => format!(r#"data-key="{}" data-value="{v}""#, n.key),
                None => format!(r#"data-key="{}""#, n.key),
            };
            assert!(html.contains(&needle), "missing {needle}");
            // The printed value parses back exactly.
            if let Some(v) = n.value {
                assert_eq!(format!("{v}").parse::<f64>().unwrap(), v);
            }
        }
        assert_eq!(html.matches(r#"data-best="true""#).count(), 2);
        assert_eq!(html.matches("<table").count(), 2);
        assert_eq!(
            html.matches(r#"<div class="num-methods" data-count="2">"#)
                .count(),
            1
        );
        assert!(html.contains("sgd_fit_student_t_aic") && html.contains("hsgd_fit_stable_ks_p"));
        assert_eq!(
            html.matches("<section").count(),
            html.matches("</section>").count()
        );
        assert_eq!(html.matches("<div").count(), html.matches("</div>").count());
    }

    #[test]
    fn escaping_and_formatting() {
        assert_eq!(escape(r#"a<b & "c">"#), "a&lt;b &amp; &quot;c&quot;&gt;");
        assert_eq!(format_value(1234.5678), "1235");
        assert_eq!(format_value(0.012345), "0.01235");
        assert_eq!(format_value(-2.5), "-2.5");
        assert_eq!(format_value(1.5e7), "1.500e7");
        assert_eq!(format_ms(812.4), "812 ms");
        assert_eq!(format_ms(2250.0), "2.25 s");
        assert_eq!(time_key("data + svd"), "time_data_svd");
        assert_eq!(time_key("sgd simulation"), "time_sgd_simulation");
    }

    #[test]
    fn alpha_sgd_rows_beside_the_bounds() {
        let mut report = small_report(Method::Sgd);
        report.config.gamma = 0.05;
        report.sgd_index = Some(sgd_index(Some(3.5), None, true));
        // Below the fixture's γ at α_SGD = 2, 0.1638.
        report.bounds.gamma = 0.1;
        let theory = sections(&report, 0.0).remove(1);
        assert_eq!(theory.id, "theory");
        let alpha = row(&theory.rows, "alpha_sgd");
        assert_eq!(alpha.value, Some(3.5));
        assert_eq!(alpha.text, "3.5 ± 0.1");
        assert_eq!(alpha.details[0], ("se", 0.1));
        assert!((alpha.details[1].1 - (3.5 - Z_95 * 0.1)).abs() < 1e-12);
        assert!((alpha.details[2].1 - (3.5 + Z_95 * 0.1)).abs() < 1e-12);
        assert_eq!(row(&theory.rows, "gamma_alpha_2").value, Some(0.1638));
        let gamma_2 = &row(&theory.rows, "gamma_alpha_2").text;
        assert!(
            gamma_2.ends_with("is below it: SGD's variance is finite)"),
            "{gamma_2}"
        );
        assert_eq!(row(&theory.rows, "lambda_2_exact").value, Some(-0.2497));
        let mc = row(&theory.rows, "lambda_2_mc");
        assert_eq!((mc.value, mc.text.as_str()), (Some(-0.25), "-0.25 ± 0.002"));
        assert_eq!(row(&theory.rows, "sgd_index_mixing").text, "20: converged");
        assert!(!theory.rows.iter().any(|n| n.key == "alpha_sgd_restricted"));
        // The labels say whose index each is.
        assert!(alpha.label.contains("discrete SGD"));
        assert!(row(&theory.rows, "upper").label.starts_with("hSGD"));
        assert!(theory.notes.iter().any(|n| n.contains("expected")));
        let html = panel_html(&report, 0.0);
        assert!(html.contains(r#"data-key="alpha_sgd" data-value="3.5" data-se="0.1""#));
    }

    #[test]
    fn alpha_sgd_bounds_convergence_and_the_restricted_index() {
        let mut report = small_report(Method::Sgd);
        let mut index = sgd_index(None, Some(16.0), false);
        let mut restricted = sgd_index(Some(7.25), None, true);
        restricted.directions = 46;
        index.restricted = Some(Box::new(restricted));
        report.sgd_index = Some(index);
        let rows = numbers(&report, 0.0);
        let alpha = row(&rows, "alpha_sgd");
        assert_eq!(alpha.value, None);
        assert_eq!(alpha.details, vec![("lower_bound", 16.0)]);
        assert_eq!(
            alpha.text,
            "> 16 (Λ̂(s) < 0 for every s ≤ 16) (not converged)"
        );
        assert_eq!(
            row(&rows, "sgd_index_mixing").text,
            "1.5: not converged (needs ≥ 10)"
        );
        let restricted = row(&rows, "alpha_sgd_restricted");
        assert_eq!(restricted.value, Some(7.25));
        assert!(restricted.label.contains("46 of 50 directions"));
        let html = panel_html(&report, 0.0);
        assert!(
            html.contains(r#"data-key="alpha_sgd" data-lower_bound="16""#),
            "{html}"
        );
        // SGD does not settle: Λ̂ > 0 down to the smallest s.
        let mut below = sgd_index(None, None, true);
        below.alpha_upper_bound = Some(0.25);
        assert_eq!(
            index_text(&below),
            "< 0.25: SGD does not settle (Λ̂(s) > 0 down to s = 0.25)"
        );
        assert_eq!(
            index_text(&sgd_index(None, None, true)),
            "no root of Λ̂ found"
        );
        // Still computing on the page; or missing, with the reason.
        report.sgd_index = None;
        let pending = numbers(&report, 0.0);
        assert_eq!(row(&pending, "alpha_sgd").text, "computing…");
        assert!(!pending.iter().any(|n| n.key == "sgd_index_mixing"));
        report.sgd_index_note = Some("α_SGD: over the budget".into());
        let theory = sections(&report, 0.0).remove(1);
        assert!(!theory.rows.iter().any(|n| n.key == "alpha_sgd"));
        assert!(theory.notes.contains(&"α_SGD: over the budget".to_string()));
    }
}
