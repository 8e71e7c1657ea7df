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
//! the theory row `k_theta` (K·θ_i of the inspected coordinate) and, in the hSGD section,
//! the Theorem 3.1 table's cells `convex_<k>_<p|hsgd|independent|difference|stationary>`;
//! the timing rows `time_<stage>` and `wall_ms`.
//!
//! The module is plain Rust (no DOM), so it builds and is tested natively; the `panel`
//! module writes these sections as the panel's HTML.

use super::format::{format_ms, format_value};
use crate::model::sgd_index::{SgdIndex, MIXING_TARGET};
use crate::report::analysis::{Report, SimReport};
use crate::report::config::{Basis, Dynamics};
use crate::report::convex_order::{ConvexOrder, MIXED_K_THETA};
use crate::report::verdict::Verdict;
use crate::report::verdict::Z_95;
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
    /// Theorem 3.1 measured (the hSGD section only): the moments table.
    pub convex_order: Option<ConvexOrder>,
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
            convex_order: None,
        }
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
    if let Some(pearson) = &report.pearson {
        let state = if pearson.stationary {
            "stationary at K"
        } else {
            "not stationary"
        };
        let mut row = Number::value(
            "k_theta",
            &format!(
                "K·θ of coordinate {} (≥ {MIXED_K_THETA}: stationary)",
                pearson.coordinate
            ),
            pearson.k_theta,
            format!("{}: {state}", format_value(pearson.k_theta)),
        );
        row.details.push(("theta", pearson.theta));
        s.rows.push(row);
    }
    // The measured indices stand beside the bounds (the full rows are in the method's
    // section).
    for (method, sim) in report.sims() {
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
                &format!("{method}_measured"),
                &format!("{} measured (Hill)", method.label()),
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
    if report.sim(Dynamics::Sgd).is_none() {
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
            format_value(MIXING_TARGET)
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
        let hsgd = stage.starts_with(Dynamics::Hsgd.key());
        (!stage.starts_with("data"), hsgd, step)
    };
    // Equal ranks keep the map's order, by name.
    let mut stages: Vec<(&String, &f64)> = report.timings_ms.iter().collect();
    stages.sort_unstable_by_key(|&(stage, _)| (rank(stage), stage));
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
    all.extend(report.sims().map(|(method, sim)| {
        let mut s = method_section(method, sim);
        if method == Dynamics::Hsgd {
            s.convex_order = report.convex_order.clone();
            s.notes.extend(report.convex_order_note.iter().cloned());
        }
        s
    }));
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

#[cfg(test)]
pub(crate) mod tests;
