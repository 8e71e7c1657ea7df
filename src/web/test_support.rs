//! Test support for the page's text panels (the numbers panel, the explanation): a small
//! report computed once, an α_SGD to substitute into it, and a well-formedness check of the
//! HTML and MathML they write.

use std::sync::OnceLock;

use crate::model::sgd_index::{LambdaPoint, SgdIndex};
use crate::report::analysis::{self, Report};
use crate::report::config::{Config, Method};
use crate::report::runs::Silent;

/// A small run of both methods, computed once for all tests (the fits take most of
/// the time); the one-method reports drop the other method's results.
pub fn small_report(method: Method) -> Report {
    static BOTH: OnceLock<Report> = OnceLock::new();
    let mut report = BOTH
        .get_or_init(|| {
            let config = Config {
                n: 60,
                d: 8,
                runs: 120,
                steps: 100,
                // A ridge makes every direction contract fast: α_SGD's walkers mix in
                // the fewest steps, so the report (computed once) stays quick in wasm
                // too.
                delta: 1.0,
                method: Method::Both,
                ..Config::default()
            };
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
pub fn sgd_index(alpha: Option<f64>, lower: Option<f64>, converged: bool) -> SgdIndex {
    SgdIndex {
        alpha,
        alpha_lower_bound: lower,
        alpha_upper_bound: None,
        alpha_std_err: alpha.map(|_| 0.1),
        lambda: vec![
            LambdaPoint {
                s: 2.0,
                value: -0.25,
                std_err: 0.002,
            },
            LambdaPoint {
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

/// MathML Core elements the explanation may use inside `<math>`.
const MATHML: &[&str] = &[
    "math", "mrow", "mi", "mn", "mo", "mfrac", "msup", "msub", "msubsup", "msqrt", "munder",
    "mover", "mspace", "mtext",
];
const VOID: &[&str] = &["br", "hr", "img", "input", "meta", "link", "wbr"];

/// A tiny XML-style check: every tag closes in order, attributes are quoted, text has
/// no stray `<` or `&` (numeric entities allowed), and inside `<math>` only MathML elements occur. Returns the
/// number of `<math>` elements.
pub fn check_well_formed(html: &str) -> usize {
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
