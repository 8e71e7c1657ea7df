//! The explanation under the plots: the model, SGD, hSGD, its decoupling into Pearson
//! diffusions and the bounds, as MathML (rendered natively by the browser: no fonts, no
//! scripts, no CDN), with the current report's numbers substituted. Every formula is the
//! one of MATH.md in project units (§0: f(x) = (1/2n)|Ax − b|² + (δ/2)|x|², the paper's δ
//! is nδ):
//!
//! - SGD (§0): x_{k+1} = x_k − (γ/B) Σ_{i∈Ω_k} a_i(a_iᵀx_k − b_i) − γδx_k;
//! - hSGD (§1.1): dX_t = −γ∇f(X_t)dt + γ√((2/B) L(X_t) H) dW_t, L(x) = (1/2n)|Ax − b|²,
//!   H = AᵀA/n, one time unit per SGD step;
//! - decoupled Pearson diffusions (§2.2 eq. 8): dẐ^i = −θ_i(Ẑ^i − μ_i)dt +
//!   √(2θ_iφ_i((Ẑ^i)² + χ)) dB^i, θ_i = (γ/n)(λ_i² + nδ), φ_i = γλ_i⁴/(2nB(λ_i² + nδ)),
//!   tail index ν_i = 1 + 1/φ_i (§2.3);
//! - bounds (§0, §3): η* = 1 + 2nB(λ_1² + nδ)/(γλ_1⁴), η_* = η* + 1 − Σλ_i²/λ_1²,
//!   γ̄ = 2nB(λ_1² + nδ)/(λ_1²Σλ_i²);
//! - time to stationarity (§4.1): θ_min = γ(λ_r²/n + δ), and θ_1 = γ(λ_1²/n + δ), the
//!   step along q_1 (§5.4: near 1 the diffusion picture breaks down);
//! - SGD's own tail index (§4.3): x_{k+1} = M_k x_k + q_k with M_k = (1 − γδ)I −
//!   (γ/B) Σ_{i∈Ω_k} a_i a_iᵀ, Λ(s) = lim (1/k) log E|M_k⋯M_1u|^s and α_SGD the root of
//!   Λ(s) = 0 (Kesten–Goldie), with what it assumes and why it is not the diffusion
//!   model's index (§5.4).
//!
//! Every substituted number is an `<mn data-key=… data-value=…>` whose `data-value` is
//! exact (the same keys as the numbers panel where it has the quantity), so a test can
//! check the text against the report.

use super::format::{escape, format_value};
use super::mathml::{
    block, frac, inline, mi, mi_upright, mn, mo, mspace, norm_sq, paren, row, sqrt, sub, subsup,
    sup, thin_space, transpose, under, value,
};
use crate::model::sgd_index::SgdIndex;
use crate::report::analysis::Report;
use crate::report::config::{Basis, Dynamics};

/// λ_1 (or λ_i, …).
fn lambda(index: &str) -> String {
    sub(mi("λ"), mi(index))
}

/// λ_1² + nδ.
fn lambda_sq_plus_n_delta(index: &str) -> String {
    row(&[
        subsup(mi("λ"), mi(index), mn("2")),
        mo("+"),
        mi("n"),
        mi("δ"),
    ])
}

/// 2nB(λ_i² + nδ): the numerator of 1/φ_i (and of γ̄ for i = 1).
fn two_n_b_term(index: &str) -> String {
    row(&[
        mn("2"),
        mi("n"),
        mi("B"),
        paren(&[lambda_sq_plus_n_delta(index)]),
    ])
}

/// γλ_i⁴: the denominator of 1/φ_i, with `index` the subscript element.
fn gamma_lambda4(index: String) -> String {
    row(&[mi("γ"), subsup(mi("λ"), index, mn("4"))])
}

/// Σ_i λ_i².
fn sum_lambda_sq() -> String {
    row(&[under(mo("∑"), mi("i")), subsup(mi("λ"), mi("i"), mn("2"))])
}

/// The quantities the explanation substitutes, computed from the report.
struct Numbers {
    n: f64,
    batch: f64,
    gamma: f64,
    delta: f64,
    lambda1: f64,
    sum_sq: f64,
    upper: f64,
    lower: f64,
    gamma_critical: f64,
    /// θ_1 = γ(λ_1²/n + δ).
    theta_1: f64,
    /// θ_min·K = γ(λ_r²/n + δ)·K.
    theta_min_steps: f64,
}

impl Numbers {
    fn of(report: &Report) -> Numbers {
        let b = &report.bounds;
        let n = b.n as f64;
        let smallest = report.singular_values.last().copied().unwrap_or(b.lambda_1);
        let theta = |lambda: f64| b.gamma * (lambda * lambda / n + b.delta);
        Numbers {
            n,
            batch: b.batch as f64,
            gamma: b.gamma,
            delta: b.delta,
            lambda1: b.lambda_1,
            sum_sq: b.sum_sq,
            upper: b.upper,
            lower: b.lower,
            gamma_critical: b.gamma_critical,
            theta_1: theta(b.lambda_1),
            theta_min_steps: theta(smallest) * report.config.steps as f64,
        }
    }
}

/// 2·n·B·(λ_1² + n·δ) with the current numbers.
fn numerator_with_numbers(v: &Numbers) -> String {
    row(&[
        mn("2"),
        mo("·"),
        value("n", v.n),
        mo("·"),
        value("batch", v.batch),
        mo("·"),
        paren(&[
            sup(value("lambda1", v.lambda1), mn("2")),
            mo("+"),
            value("n", v.n),
            mo("·"),
            value("delta", v.delta),
        ]),
    ])
}

fn model_html(report: &Report, v: &Numbers) -> String {
    let f = block(&[
        mi("f"),
        paren(&[mi("x")]),
        mo("="),
        frac(mn("1"), row(&[mn("2"), mi("n")])),
        norm_sq(&[mi("A"), mi("x"), mo("−"), mi("b")]),
        mo("+"),
        frac(mi("δ"), mn("2")),
        norm_sq(&[mi("x")]),
    ]);
    format!(
        "<p><strong>Model.</strong> Ridge least squares on the data {data}: A has n rows \
         a<sub>i</sub> and d columns, b holds the responses, and {n_is}, {d_is}, {delta_is}. \
         Here δ is the ridge coefficient as it enters one SGD step; the paper's δ is nδ \
         (MATH.md §0).</p>{f}",
        data = escape(&report.problem),
        n_is = inline(&[mi("n"), mo("="), value("n", v.n)]),
        d_is = inline(&[mi("d"), mo("="), value("d", report.d as f64)]),
        delta_is = inline(&[mi("δ"), mo("="), value("delta", v.delta)]),
    )
}

fn sgd_html(report: &Report, v: &Numbers) -> String {
    let step = block(&[
        sub(mi("x"), row(&[mi("k"), mo("+"), mn("1")])),
        mo("="),
        sub(mi("x"), mi("k")),
        mo("−"),
        frac(mi("γ"), mi("B")),
        under(mo("∑"), row(&[mi("i"), mo("∈"), sub(mi("Ω"), mi("k"))])),
        sub(mi("a"), mi("i")),
        paren(&[
            transpose(mi("a"), mi("i")),
            sub(mi("x"), mi("k")),
            mo("−"),
            sub(mi("b"), mi("i")),
        ]),
        mo("−"),
        mi("γ"),
        mi("δ"),
        sub(mi("x"), mi("k")),
    ]);
    let sampling = if report.config.replacement {
        "B rows drawn independently with replacement (the paper's analysis)"
    } else {
        "B distinct rows (the authors' code)"
    };
    format!(
        "<p><strong>SGD.</strong> Each of R = {runs} independent runs starts from \
         x<sub>0</sub> ~ 0.5·N(0, I) and takes K = {steps} steps, each on a batch \
         Ω<sub>k</sub> of {sampling}, with {gamma_is} and {batch_is}:</p>{step}",
        runs = report.config.runs,
        steps = report.config.steps,
        gamma_is = inline(&[mi("γ"), mo("="), value("gamma", v.gamma)]),
        batch_is = inline(&[mi("B"), mo("="), value("batch", v.batch)]),
    )
}

fn hsgd_html(report: &Report) -> String {
    let d = || mi_upright("d");
    let sde = block(&[
        d(),
        sub(mi("X"), mi("t")),
        mo("="),
        mo("−"),
        mi("γ"),
        mo("∇"),
        mi("f"),
        paren(&[sub(mi("X"), mi("t"))]),
        d(),
        mi("t"),
        mo("+"),
        mi("γ"),
        sqrt(row(&[
            frac(mn("2"), mi("B")),
            mi("L"),
            paren(&[sub(mi("X"), mi("t"))]),
            mi("H"),
        ])),
        d(),
        sub(mi("W"), mi("t")),
    ]);
    let l_and_h = inline(&[
        mi("L"),
        paren(&[mi("x")]),
        mo("="),
        frac(mn("1"), row(&[mn("2"), mi("n")])),
        norm_sq(&[mi("A"), mi("x"), mo("−"), mi("b")]),
        mo(","),
        mi("H"),
        mo("="),
        frac(row(&[sup(mi("A"), mi_upright("T")), mi("A")]), mi("n")),
    ]);
    let h = 1.0 / report.config.substeps.max(1) as f64;
    format!(
        "<p><strong>hSGD</strong>, the diffusion model of SGD (homogenized SGD; MATH.md §1.1), \
         keeps SGD's mean step and replaces its gradient noise by Gaussian noise with the \
         covariance (2/B)L(x)H of the decoupling approximation, where {l_and_h}; one time \
         unit is one SGD step. The page integrates it \
         in the SVD basis with steps h = {h} (exponential Euler, MATH.md §4.1).</p>{sde}",
        h = format_value(h),
    )
}

fn decoupling_html(report: &Report) -> String {
    let d = || mi_upright("d");
    let z_hat = || sup(mi("Ẑ"), mi("i"));
    let sde = block(&[
        d(),
        z_hat(),
        mo("="),
        mo("−"),
        sub(mi("θ"), mi("i")),
        paren(&[z_hat(), mo("−"), sub(mi("μ"), mi("i"))]),
        d(),
        mi("t"),
        mo("+"),
        sqrt(row(&[
            mn("2"),
            sub(mi("θ"), mi("i")),
            sub(mi("φ"), mi("i")),
            paren(&[sup(paren(&[z_hat()]), mn("2")), mo("+"), mi("χ")]),
        ])),
        d(),
        sup(mi("B"), mi("i")),
    ]);
    let coefficients = block(&[
        sub(mi("θ"), mi("i")),
        mo("="),
        frac(mi("γ"), mi("n")),
        paren(&[lambda_sq_plus_n_delta("i")]),
        mo(","),
        mspace(),
        sub(mi("φ"), mi("i")),
        mo("="),
        frac(gamma_lambda4(mi("i")), two_n_b_term("i")),
        mo(","),
        mspace(),
        sub(mi("ν"), mi("i")),
        mo("="),
        mn("1"),
        mo("+"),
        frac(mn("1"), sub(mi("φ"), mi("i"))),
        mo("="),
        mn("1"),
        mo("+"),
        frac(two_n_b_term("i"), gamma_lambda4(mi("i"))),
    ]);
    let svd = inline(&[
        mi("A"),
        mo("="),
        mi("P"),
        mi("Σ"),
        sup(mi("Q"), mi_upright("T")),
    ]);
    let coordinates = inline(&[
        sup(mi("Z"), mi("i")),
        mo("="),
        frac(lambda("i"), sqrt(mi("β"))),
        sup(mi("Y"), mi("i")),
        mo(","),
        mi("Y"),
        mo("="),
        sup(mi("Q"), mi_upright("T")),
        paren(&[mi("X"), mo("−"), sub(mi("x"), mo("*"))]),
    ]);
    let inspected = match (
        report.config.basis,
        report
            .bounds
            .upper_per_coordinate
            .get(report.config.coordinate),
    ) {
        (Basis::Svd, Some(&nu)) => {
            let i = report.config.coordinate;
            format!(
                " For the inspected coordinate q<sub>{k}</sub>ᵀx (coordinate {i}) this is {nu_is}.",
                k = i + 1,
                nu_is = inline(&[
                    sub(mi("ν"), mn(&(i + 1).to_string())),
                    mo("="),
                    value("nu_coordinate", nu)
                ]),
            )
        }
        _ => String::new(),
    };
    format!(
        "<p><strong>Decoupling.</strong> With the SVD {svd} (singular values λ<sub>1</sub> ≥ … \
         ≥ λ<sub>r</sub> &gt; 0) and {coordinates} (β = |b − PPᵀb|², χ = 1 when β &gt; 0; \
         when β = 0, Z<sup>i</sup> = λ<sub>i</sub>sign(α<sub>i</sub>)Y<sup>i</sup> and χ = 0), \
         the coordinates of hSGD share the noise factor |Z|² + χ. Replacing it by \
         (Z<sup>i</sup>)² + χ gives independent 1-d Pearson diffusions (MATH.md §2.2, eq. 8), \
         with a mean μ<sub>i</sub> that is 0 when δ = 0:</p>{sde}\
         <p>Their stationary law is Pearson type IV, a skew Student t (an inverse gamma law \
         when χ = 0), with tail index ν<sub>i</sub> (MATH.md §2.3):</p>{coefficients}<p>{inspected}</p>",
        inspected = inspected.trim_start(),
    )
}

fn bounds_html(report: &Report, v: &Numbers) -> String {
    let upper = block(&[
        sup(mi("η"), mo("*")),
        mo("="),
        mn("1"),
        mo("+"),
        frac(two_n_b_term("1"), gamma_lambda4(mn("1"))),
        mo("="),
        mn("1"),
        mo("+"),
        frac(
            numerator_with_numbers(v),
            row(&[
                value("gamma", v.gamma),
                mo("·"),
                sup(value("lambda1", v.lambda1), mn("4")),
            ]),
        ),
        mo("="),
        value("upper", v.upper),
    ]);
    let lower = block(&[
        sub(mi("η"), mo("*")),
        mo("="),
        sup(mi("η"), mo("*")),
        mo("+"),
        mn("1"),
        mo("−"),
        frac(sum_lambda_sq(), subsup(mi("λ"), mn("1"), mn("2"))),
        mo("="),
        value("upper", v.upper),
        mo("+"),
        mn("1"),
        mo("−"),
        frac(
            value("sum_sq", v.sum_sq),
            sup(value("lambda1", v.lambda1), mn("2")),
        ),
        mo("="),
        value("lower", v.lower),
    ]);
    let critical = block(&[
        mi("γ̄"),
        mo("="),
        frac(
            two_n_b_term("1"),
            row(&[subsup(mi("λ"), mn("1"), mn("2")), sum_lambda_sq()]),
        ),
        mo("="),
        frac(
            numerator_with_numbers(v),
            row(&[
                sup(value("lambda1", v.lambda1), mn("2")),
                mo("·"),
                value("sum_sq", v.sum_sq),
            ]),
        ),
        mo("="),
        value("gamma_critical", v.gamma_critical),
    ]);
    let holds = if report.bounds.lower_valid {
        format!(
            "Here γ = {} is below γ̄, so both bounds hold for hSGD.",
            format_value(v.gamma)
        )
    } else {
        format!(
            "Here γ = {} is not below γ̄: the lower bound is not proven at this learning rate.",
            format_value(v.gamma)
        )
    };
    let mut measured = String::new();
    for (method, sim) in report.sims() {
        if let Some(text) = &sim.verdict_text {
            measured.push_str(&format!(
                r#"<li data-method="{method}">{}.</li>"#,
                escape(text)
            ));
        }
    }
    if !measured.is_empty() {
        measured = format!(
            "<p>Measured (Hill estimator, both tails) against these bounds:</p><ul class=\"explain-measured\">{measured}</ul>"
        );
    }
    format!(
        "<p><strong>Bounds.</strong> The tail index of a law is η = sup{{p : E|X|<sup>p</sup> \
         &lt; ∞}} (a Student t(ν) has η = ν). The top coordinate's index ν<sub>1</sub> is the \
         upper bound of hSGD's tail index (Theorem 3.2), and the coupling to the other \
         coordinates lowers it by at most the stable rank minus one (Theorem 3.3, for γ below \
         the critical learning rate γ̄; γ &lt; γ̄ exactly when η<sub>*</sub> &gt; 2):</p>\
         {upper}{lower}{critical}<p>{holds}</p>{measured}"
    )
}

/// α_SGD as an inline formula: "α_SGD = 3.1 ± 0.05", "α_SGD > 16" or "α_SGD < 0.25".
fn alpha_formula(key: &str, index: &SgdIndex) -> Option<String> {
    let alpha = sub(mi("α"), mi_upright("SGD"));
    if let Some(a) = index.alpha {
        let mut parts = vec![alpha, mo("="), value(key, a)];
        if let Some(se) = index.alpha_std_err {
            parts.extend([mo("±"), value(&format!("{key}_se"), se)]);
        }
        Some(inline(&parts))
    } else if let Some(bound) = index.alpha_lower_bound {
        Some(inline(&[
            alpha,
            mo(">"),
            value(&format!("{key}_lower_bound"), bound),
        ]))
    } else {
        index
            .alpha_upper_bound
            .map(|bound| inline(&[alpha, mo("<"), value(&format!("{key}_upper_bound"), bound)]))
    }
}

/// SGD's own tail index: the recursion, Λ(s), the root, what it assumes and why it is not
/// the diffusion model's index, with the report's α_SGD substituted (MATH.md §4.3).
fn index_html(report: &Report) -> String {
    if report.sim(Dynamics::Sgd).is_none() {
        return String::new();
    }
    let m_k = block(&[
        sub(mi("x"), row(&[mi("k"), mo("+"), mn("1")])),
        mo("="),
        sub(mi("M"), mi("k")),
        sub(mi("x"), mi("k")),
        mo("+"),
        sub(mi("q"), mi("k")),
    ]);
    // Two formulas, not one line: each fits a phone.
    let m_def = block(&[
        sub(mi("M"), mi("k")),
        mo("="),
        paren(&[mn("1"), mo("−"), mi("γ"), mi("δ")]),
        mi("I"),
        mo("−"),
        frac(mi("γ"), mi("B")),
        under(mo("∑"), row(&[mi("i"), mo("∈"), sub(mi("Ω"), mi("k"))])),
        sub(mi("a"), mi("i")),
        transpose(mi("a"), mi("i")),
    ]);
    let lambda_def = block(&[
        mi("Λ"),
        paren(&[mi("s")]),
        mo("="),
        under(mo("lim"), row(&[mi("k"), mo("→"), mi("∞")])),
        frac(mn("1"), mi("k")),
        mi("log"),
        thin_space(),
        mi_upright("E"),
        sup(
            row(&[
                mo("|"),
                sub(mi("M"), mi("k")),
                mo("⋯"),
                sub(mi("M"), mn("1")),
                mi("u"),
                mo("|"),
            ]),
            mi("s"),
        ),
    ]);
    let root = block(&[
        mi("Λ"),
        paren(&[sub(mi("α"), mi_upright("SGD"))]),
        mo("="),
        mn("0"),
    ]);
    let intro = format!(
        "<p><strong>SGD's own tail index α<sub>SGD</sub>.</strong> The bounds above are the \
         diffusion model's. Discrete SGD on least squares is itself a random affine \
         recursion, with a random matrix M<sub>k</sub> for each batch (MATH.md §4.3):</p>{m_k}{m_def}\
         <p>Its moment growth Λ(s) is convex with Λ(0) = 0 (u is any unit vector). When \
         Λ′(0) &lt; 0 &lt; Λ(s) for some s, α<sub>SGD</sub> is the root s &gt; 0 of Λ, and \
         the stationary law of SGD has P(⟨v, x⟩ &gt; t) ~ c(v)·t<sup>−α<sub>SGD</sub></sup> \
         in every direction v (Kesten 1973, Goldie 1991):</p>{lambda_def}{root}"
    );
    let Some(index) = &report.sgd_index else {
        let state = match &report.sgd_index_note {
            Some(note) => escape(note),
            None => "α<sub>SGD</sub> is being computed…".into(),
        };
        return format!("{intro}<p data-index-state=\"missing\">{state}</p>");
    };
    let result =
        alpha_formula("alpha_sgd", index).unwrap_or_else(|| "no root of Λ̂ was found".into());
    let mut anchors = String::new();
    if let (Some(exact), Some(mc)) = (
        index.lambda_2_exact,
        index.lambda.iter().find(|p| p.s == 2.0),
    ) {
        anchors.push_str(&format!(
            " The exact anchor {exact_is} (T the second-moment map of SGD, MATH.md §4.1) checks \
             the Monte Carlo's {mc_is}.",
            exact_is = inline(&[
                mi("Λ"),
                paren(&[mn("2")]),
                mo("="),
                mi("log"),
                thin_space(),
                mi("ρ"),
                paren(&[mi("T")]),
                mo("="),
                value("lambda_2_exact", exact),
            ]),
            mc_is = inline(&[
                mi("Λ̂"),
                paren(&[mn("2")]),
                mo("="),
                value("lambda_2_mc", mc.value),
                mo("±"),
                value("lambda_2_mc_se", mc.std_err),
            ]),
        ));
    }
    if let Some(gamma) = index.gamma_alpha_2 {
        anchors.push_str(&format!(
            " SGD's variance stays finite (α<sub>SGD</sub> &gt; 2) for γ below {gamma_is}.",
            gamma_is = inline(&[mi("γ"), mo("="), value("gamma_alpha_2", gamma)]),
        ));
    }
    let mixing_is = inline(&[
        mi("K"),
        sub(mi("θ"), mi_upright("min")),
        mo("="),
        value("sgd_index_mixing", index.mixing),
    ]);
    let mixing = if index.converged {
        format!(
            "Here {mixing_is} (at least {} counts as mixed).",
            format_value(crate::model::sgd_index::MIXING_TARGET)
        )
    } else {
        let restricted = index.restricted.as_ref().and_then(|r| {
            alpha_formula("alpha_sgd_restricted", r).map(|f| {
                format!(
                    " On the {} of {} directions that SGD's own K = {} steps do mix, the \
                     index the finite experiment can see, {f}.",
                    r.directions, index.rank, report.config.steps
                )
            })
        });
        format!(
            "Here {mixing_is}, below {}: <strong>not converged</strong>, the slowest \
             directions decide α<sub>SGD</sub> but the walkers never reach them.{}",
            format_value(crate::model::sgd_index::MIXING_TARGET),
            restricted.unwrap_or_default()
        )
    };
    format!(
        "{intro}<p>Here {result}, from population Monte Carlo: {walkers} walkers on the unit \
         sphere of the {r}-dimensional range of A, K = {steps} walker steps after a burn-in of \
         {burn_in}, {replicas} independent replicas for the standard error (bias O(1/N) in the \
         number of walkers), s searched up to {s_max}; the same seed gives the same numbers \
         as <code>hsgd run</code>.{anchors}</p>\
         <p>What it assumes:</p><ul class=\"explain-notes\">\
         <li>stationarity: SGD has run long enough to forget its start, and the walkers long \
         enough to see every direction, which takes K ≫ 1/θ<sub>min</sub> steps with \
         θ<sub>i</sub> = γ(λ<sub>i</sub><sup>2</sup>/n + δ). {mixing}</li>\
         <li>non-arithmeticity (irreducibility) of the M<sub>k</sub>, which continuous data \
         satisfy; with finitely many rows (n = {n}) the M<sub>k</sub> take finitely many \
         values, and the theorem is an assumption here.</li></ul>\
         <p>Why it is not the diffusion model's index: hSGD replaces SGD's noise by Gaussian \
         noise in continuous time, whose size follows the loss; SGD's noise is discrete and \
         multiplicative, through the random matrices M<sub>k</sub>, and its tail is set by \
         every moment E|M<sub>k</sub>u|<sup>s</sup>, including the fourth-moment (Wick) term \
         hSGD drops (MATH.md §4.3, §5.4). In one dimension with a ~ N(0, 1) and γ = 0.5, \
         SGD's Kesten index (E|1 − γa<sup>2</sup>|<sup>κ</sup> = 1) is 2.90 while hSGD's is \
         1 + 2/γ = 5.</p>\
         <p>Kesten's power law holds only far in the tail, with a small constant c(v): a \
         measured index above α<sub>SGD</sub> at feasible sample sizes is expected, not a \
         contradiction.</p>",
        walkers = index.walkers,
        r = index.directions,
        steps = index.steps,
        burn_in = index.burn_in,
        replicas = index.replicas,
        s_max = format_value(index.s_max),
        n = report.n,
    )
}

fn notes_html(report: &Report, v: &Numbers) -> String {
    let mut notes = vec![format!(
        "The bounds are the tail index of the diffusion model (hSGD), not of SGD itself. \
         Along q<sub>1</sub> one SGD step moves by {theta_1_is} of the distance to the mean; \
         when this is not small the diffusion picture breaks down, and SGD on the paper's own \
         settings can sit above the bounds, with lighter tails (MATH.md §5.4).",
        theta_1_is = inline(&[
            sub(mi("θ"), mn("1")),
            mo("="),
            mi("γ"),
            paren(&[
                frac(subsup(mi("λ"), mn("1"), mn("2")), mi("n")),
                mo("+"),
                mi("δ"),
            ]),
            mo("="),
            value("theta_1", v.theta_1),
        ]),
    )];
    if report.theory.is_some() {
        notes.push(format!(
            "The theory curve on the histogram is the stationary law of the independent \
             (decoupled) diffusion of the inspected coordinate. By Theorem 3.1 it is smaller \
             in convex order than hSGD's own law, and after K steps the bulk coordinates may \
             be far from stationary ({theta_min_is}; stationarity needs about θ<sub>min</sub>K \
             ≥ 5, MATH.md §4.1), so it can look narrower than the histogram.",
            theta_min_is = inline(&[
                sub(mi("θ"), mi_upright("min")),
                mi("K"),
                mo("="),
                mi("γ"),
                paren(&[
                    frac(subsup(mi("λ"), mi("r"), mn("2")), mi("n")),
                    mo("+"),
                    mi("δ"),
                ]),
                mi("K"),
                mo("="),
                value("theta_min_steps", v.theta_min_steps),
            ]),
        ));
    }
    let items: String = notes.iter().map(|n| format!("<li>{n}</li>")).collect();
    format!("<p><strong>Read with care.</strong></p><ul class=\"explain-notes\">{items}</ul>")
}

/// The explanation's HTML for `report`: the model, SGD, hSGD, the decoupling, the bounds
/// with the current numbers, and the notes on what the bounds do and do not say.
pub fn explanation_html(report: &Report) -> String {
    let v = Numbers::of(report);
    [
        model_html(report, &v),
        sgd_html(report, &v),
        hsgd_html(report),
        decoupling_html(report),
        bounds_html(report, &v),
        index_html(report),
        notes_html(report, &v),
    ]
    .concat()
}

#[cfg(test)]
mod tests;
