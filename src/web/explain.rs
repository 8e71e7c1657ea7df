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
//!   step along q_1 (§5.4: near 1 the diffusion picture breaks down).
//!
//! Every substituted number is an `<mn data-key=… data-value=…>` whose `data-value` is
//! exact (the same keys as the numbers panel where it has the quantity), so a test can
//! check the text against the report.

use super::numbers::{escape, format_value};
use crate::analysis::Report;
use crate::config::Basis;

fn mi(name: &str) -> String {
    format!("<mi>{}</mi>", escape(name))
}

/// An upright identifier (d, T, ℝ): MathML Core supports only `mathvariant="normal"`.
fn mi_upright(name: &str) -> String {
    format!(r#"<mi mathvariant="normal">{}</mi>"#, escape(name))
}

fn mn(text: &str) -> String {
    format!("<mn>{}</mn>", escape(text))
}

fn mo(op: &str) -> String {
    format!("<mo>{}</mo>", escape(op))
}

fn row(parts: &[String]) -> String {
    format!("<mrow>{}</mrow>", parts.concat())
}

fn frac(numerator: String, denominator: String) -> String {
    format!("<mfrac>{numerator}{denominator}</mfrac>")
}

fn sup(base: String, exponent: String) -> String {
    format!("<msup>{base}{exponent}</msup>")
}

fn sub(base: String, index: String) -> String {
    format!("<msub>{base}{index}</msub>")
}

fn subsup(base: String, index: String, exponent: String) -> String {
    format!("<msubsup>{base}{index}{exponent}</msubsup>")
}

fn sqrt(x: String) -> String {
    format!("<msqrt>{x}</msqrt>")
}

fn under(base: String, below: String) -> String {
    format!("<munder>{base}{below}</munder>")
}

fn paren(inner: &[String]) -> String {
    row(&[mo("("), row(inner), mo(")")])
}

fn norm_sq(inner: &[String]) -> String {
    sup(row(&[mo("|"), row(inner), mo("|")]), mn("2"))
}

/// A number of the report: displayed with [`format_value`], exact in `data-value`.
fn value(key: &str, v: f64) -> String {
    format!(
        r#"<mn data-key="{key}" data-value="{v}">{}</mn>"#,
        escape(&format_value(v))
    )
}

fn block(parts: &[String]) -> String {
    // In a box of its own that scrolls sideways when a formula is wider than a phone.
    format!(
        r#"<div class="eq"><math display="block">{}</math></div>"#,
        row(parts)
    )
}

fn inline(parts: &[String]) -> String {
    format!("<math>{}</math>", row(parts))
}

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

fn transpose(base: String, index: String) -> String {
    subsup(base, index, mi_upright("T"))
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

fn mspace() -> String {
    r#"<mspace width="1em"></mspace>"#.into()
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
    for sim in [&report.sgd, &report.hsgd].into_iter().flatten() {
        if let Some(text) = &sim.verdict_text {
            measured.push_str(&format!(
                r#"<li data-method="{}">{}.</li>"#,
                escape(&sim.method),
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
        notes_html(report, &v),
    ]
    .concat()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bounds::BoundsModel;
    use crate::config::Method;
    use crate::web::numbers::tests::{check_well_formed, small_report};

    /// Every `<mn data-key=… data-value=…>text</mn>` of the HTML.
    fn substituted(html: &str) -> Vec<(String, f64, String)> {
        html.split(r#"<mn data-key=""#)
            .skip(1)
            .map(|chunk| {
                let (key, chunk) = chunk.split_once(r#"" data-value=""#).unwrap();
                let (value, chunk) = chunk.split_once(r#"">"#).unwrap();
                let (text, _) = chunk.split_once("</mn>").unwrap();
                (key.to_string(), value.parse().unwrap(), text.to_string())
            })
            .collect()
    }

    #[test]
    fn the_mathml_is_well_formed() {
        let report = small_report(Method::Both);
        let html = explanation_html(&report);
        let maths = check_well_formed(&html);
        assert!(maths >= 12, "{maths} formulas");
        assert!(html.contains(r#"<math display="block">"#));
        // The checker itself rejects what it should.
        for bad in [
            "<p><math><mi>x</mi></p></math>",
            "<math><span>x</span></math>",
            "<p>a & b</p>",
            "<p>",
        ] {
            assert!(
                std::panic::catch_unwind(|| check_well_formed(bad)).is_err(),
                "accepted {bad}"
            );
        }
    }

    #[test]
    fn the_substituted_numbers_are_the_reports() {
        let report = small_report(Method::Both);
        let html = explanation_html(&report);
        let b = &report.bounds;
        let n = b.n as f64;
        let smallest = *report.singular_values.last().unwrap();
        let expected = |key: &str| -> f64 {
            match key {
                "n" => n,
                "d" => report.d as f64,
                "batch" => b.batch as f64,
                "gamma" => report.config.gamma,
                "delta" => report.config.delta,
                "lambda1" => report.singular_values[0],
                "sum_sq" => report.singular_values.iter().map(|s| s * s).sum(),
                "upper" => b.upper,
                "lower" => b.lower,
                "gamma_critical" => b.gamma_critical,
                "nu_coordinate" => b.upper_per_coordinate[report.config.coordinate],
                "theta_1" => {
                    report.config.gamma * (b.lambda_1 * b.lambda_1 / n + report.config.delta)
                }
                "theta_min_steps" => {
                    report.config.gamma
                        * (smallest * smallest / n + report.config.delta)
                        * report.config.steps as f64
                }
                other => panic!("unexpected key {other}"),
            }
        };
        let found = substituted(&html);
        for key in [
            "n",
            "d",
            "batch",
            "gamma",
            "delta",
            "lambda1",
            "sum_sq",
            "upper",
            "lower",
            "gamma_critical",
            "nu_coordinate",
            "theta_1",
            "theta_min_steps",
        ] {
            assert!(found.iter().any(|(k, _, _)| k == key), "{key} not shown");
        }
        for (key, value, text) in &found {
            let want = expected(key);
            assert!(
                (value - want).abs() <= 1e-12 * want.abs(),
                "{key}: {value} vs {want}"
            );
            assert_eq!(*text, format_value(*value), "{key}");
            // The 4 significant digits shown round-trip to the value.
            let shown: f64 = text.parse().unwrap();
            assert!(
                (shown - value).abs() <= 5e-4 * value.abs(),
                "{key}: {text} vs {value}"
            );
        }
        // The panel shows the same exact bounds.
        let panel = crate::web::numbers::panel_html(&report, 1.0);
        for (key, v) in [("upper", b.upper), ("lower", b.lower)] {
            assert!(panel.contains(&format!(r#"data-key="{key}" data-value="{v}""#)));
            assert!(html.contains(&format!(r#"data-key="{key}" data-value="{v}""#)));
        }
    }

    /// The bounds shown follow from the numbers substituted into the shown formulas, with
    /// δ entering as nδ (MATH.md §0): recomputed here from the displayed inputs, at δ > 0.
    #[test]
    fn the_formulas_shown_give_the_numbers_shown() {
        let mut report = small_report(Method::Sgd);
        let (gamma, batch, delta) = (0.03, 2, 0.02);
        report.bounds = BoundsModel::new(report.n, &report.singular_values, gamma, batch, delta)
            .unwrap()
            .summary();
        report.config.gamma = gamma;
        report.config.batch = batch;
        report.config.delta = delta;
        let found = substituted(&explanation_html(&report));
        let get = |key: &str| {
            found
                .iter()
                .find(|(k, _, _)| k == key)
                .map(|(_, v, _)| *v)
                .unwrap_or_else(|| panic!("{key} missing"))
        };
        let (n, b, g, d, l1, sum_sq) = (
            get("n"),
            get("batch"),
            get("gamma"),
            get("delta"),
            get("lambda1"),
            get("sum_sq"),
        );
        assert_eq!((g, b, d), (gamma, batch as f64, delta));
        let upper = 1.0 + 2.0 * n * b * (l1 * l1 + n * d) / (g * l1.powi(4));
        let lower = upper + 1.0 - sum_sq / (l1 * l1);
        let critical = 2.0 * n * b * (l1 * l1 + n * d) / (l1 * l1 * sum_sq);
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs();
        assert!(close(get("upper"), upper), "{} vs {upper}", get("upper"));
        assert!(close(get("lower"), lower), "{} vs {lower}", get("lower"));
        assert!(close(get("gamma_critical"), critical));
        // ν of the top coordinate is η*.
        assert!(close(get("nu_coordinate"), upper));
    }

    #[test]
    fn an_original_coordinate_has_no_pearson_index_and_text_is_escaped() {
        let mut report = small_report(Method::Sgd);
        report.config.basis = Basis::Original;
        report.theory = None;
        report.problem = "a<b & c".into();
        let html = explanation_html(&report);
        check_well_formed(&html);
        assert!(!html.contains("nu_coordinate"));
        assert!(!html.contains("theta_min_steps"));
        assert!(html.contains("a&lt;b &amp; c"));
    }
}
