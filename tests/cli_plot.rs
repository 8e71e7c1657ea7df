//! `hsgd plot`, run as a user would: for every plot of the page it writes a well-formed
//! SVG with the plot's axis and legend texts, byte for byte the SVG the library draws for
//! the same report with the page's own drawing function (so the terminal's plot is the
//! page's); unknown names and bad queries are one-line errors with exit status 2.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;

use serde_json::Value;

use hsgd::plots::{plot_names, plot_svg, sweep_svg, SVG_SIZE, SWEEP_ID};
use hsgd::report::analysis::{self, Report};
use hsgd::report::config::Config;
use hsgd::report::runs::Silent;
use plotters::prelude::SVGBackend;

/// Both methods, small enough to run in about a second, with a ridge and γ at which SGD's
/// own index α_SGD has a root (so the tail and Hill plots draw it).
const QUERY: &str = "n=60&d=8&runs=120&steps=100&delta=0.1&gamma=0.6&method=both";

/// The sweep of [`QUERY`]'s problem over three learning rates.
const SWEEP_QUERY: &str = "n=60&d=8&steps=100&delta=0.1&gamma=0.6&sweep_points=3&sweep_runs=60";

/// Texts each plot must draw: its axis titles and legend entries.
const TEXTS: &[(&str, &[&str])] = &[
    (
        "histogram",
        &[
            "density",
            "centred SVD coordinate q1ᵀx of the final iterate",
            "Student t fit (SGD)",
            "theory: Pearson law (hSGD)",
        ],
    ),
    (
        "tail",
        &[
            "fraction of runs beyond (log)",
            "|z − median| (log)",
            "upper bound η* = ",
            "α_SGD = ",
            "Hill α̂ = ",
        ],
    ),
    (
        "index-evolution",
        &[
            "step t (log)",
            "tail index (Hill, 95% interval)",
            "Hill α̂ (SGD)",
            "Hill α̂ (hSGD)",
            "upper bound η* = ",
        ],
    ),
    (
        "variance-evolution",
        &[
            "step t (log)",
            "variance (log)",
            "variance (SGD)",
            "stationary variance ",
        ],
    ),
    (
        "hill",
        &[
            "Hill tail index α̂",
            "k, upper order statistics used (log)",
            "bounds [η_*, η*] (hSGD)",
            "α_SGD = ",
        ],
    ),
    (
        "qq-t",
        &[
            "sample quantile",
            "quantile of the fitted Student t",
            "SGD, ν = ",
            "hSGD, ν = ",
        ],
    ),
    (
        "qq-stable",
        &[
            "quantile of the fitted α-stable law",
            "SGD, α = ",
            "hSGD, α = ",
        ],
    ),
    ("spectrum", &["index i", "singular value λᵢ", "stable rank"]),
    ("loss", &["step k", "loss f(xₖ) (log)", "minimum f(x*) = "]),
    (
        "sweep",
        &[
            "tail index η",
            "learning rate γ (log)",
            "upper bound η* (diffusion model)",
            "SGD: Hill ± 95% interval",
        ],
    ),
];

/// The report of [`QUERY`], computed in this process once.
fn report() -> &'static Report {
    static REPORT: OnceLock<Report> = OnceLock::new();
    REPORT.get_or_init(|| analysis::run(&Config::from_query(QUERY), None, &mut Silent).unwrap())
}

fn hsgd(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_hsgd"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the hsgd binary runs")
}

fn finished(child: Child) -> Output {
    child.wait_with_output().expect("hsgd finishes")
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli_plot");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn every_plot_is_the_pages_drawing_of_the_same_report() {
    let names: Vec<&str> = plot_names::<SVGBackend>()
        .iter()
        .map(|&(id, _)| id)
        .collect();
    assert_eq!(names, TEXTS.iter().map(|t| t.0).collect::<Vec<_>>());
    // Every plot at once: each process computes its report, as `hsgd run` would.
    let runs: Vec<(&str, PathBuf, Child)> = names
        .iter()
        .map(|&id| {
            let out = scratch(&format!("{id}.svg"));
            let query = if id == SWEEP_ID { SWEEP_QUERY } else { QUERY };
            let child = hsgd(&["plot", id, query, "--out", out.to_str().unwrap()]);
            (id, out, child)
        })
        .collect();
    let sweep =
        hsgd::report::sweep::run(&Config::from_query(SWEEP_QUERY), None, &mut Silent).unwrap();
    for (id, out, child) in runs {
        let output = finished(child);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "hsgd plot {id}: {stderr}");
        let said: Value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
        assert_eq!(said["plot"], id);
        assert_eq!(said["out"], out.to_str().unwrap());
        assert_eq!(
            (said["width"].as_u64(), said["height"].as_u64()),
            (Some(800), Some(500))
        );
        let svg = std::fs::read_to_string(&out).unwrap();
        check_xml(&svg).unwrap_or_else(|e| panic!("{id}: {e}\n{svg}"));
        assert!(svg.starts_with(r#"<svg width="800" height="500""#), "{id}");
        let texts = TEXTS.iter().find(|t| t.0 == id).unwrap().1;
        for text in texts {
            assert!(svg.contains(text), "{id} lacks “{text}”:\n{svg}");
        }
        let library = if id == SWEEP_ID {
            sweep_svg(&sweep, SVG_SIZE)
        } else {
            plot_svg(id, report(), SVG_SIZE)
        };
        assert!(
            svg == library.unwrap(),
            "{id}: the CLI's SVG differs from the page's"
        );
    }
}

#[test]
fn the_size_is_the_users() {
    let out = scratch("spectrum-640x400.svg");
    let args = ["plot", "spectrum", QUERY, "--out", out.to_str().unwrap()];
    let output = finished(hsgd(
        &[&args[..], &["--width", "640", "--height", "400"]].concat(),
    ));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let svg = std::fs::read_to_string(&out).unwrap();
    assert!(svg == plot_svg("spectrum", report(), (640, 400)).unwrap());
    assert!(svg.starts_with(r#"<svg width="640" height="400""#));
}

#[test]
fn the_list_names_every_plot_with_its_title() {
    let output = finished(hsgd(&["plot", "--list"]));
    assert!(output.status.success());
    let listed: Value = serde_json::from_slice(&output.stdout).unwrap();
    let listed: Vec<(String, String)> = listed["plots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["id"].as_str().unwrap().into(),
                p["title"].as_str().unwrap().into(),
            )
        })
        .collect();
    let names: Vec<(String, String)> = plot_names::<SVGBackend>()
        .into_iter()
        .map(|(id, title)| (id.into(), title.into()))
        .collect();
    assert_eq!(listed, names);
    assert!(names.contains(&("qq-t".into(), "QQ plot against the fitted Student t".into())));
}

#[test]
fn unknown_names_and_bad_queries_are_errors_with_exit_status_two() {
    let out = scratch("never.svg");
    let out = out.to_str().unwrap();
    let cases: [(&[&str], &[&str]); 4] = [
        (
            &["plot", "violin", QUERY, "--out", out],
            &[
                "there is no plot “violin”",
                "histogram, tail, index-evolution, variance-evolution, hill",
                "sweep",
            ],
        ),
        (&["plot", "tail", "runs=1", "--out", out], &["runs"]),
        (
            &["plot", "sweep", "sweep_points=0", "--out", out],
            &["sweep_points"],
        ),
        (
            &["plot", "tail", QUERY, "--out", out, "--width", "0"],
            &["--width"],
        ),
    ];
    for (args, says) in cases {
        let output = finished(hsgd(args));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        for text in says {
            assert!(
                stderr.contains(text),
                "{args:?} should say “{text}”: {stderr}"
            );
        }
        assert!(output.stdout.is_empty(), "{args:?}");
    }
    assert!(
        !PathBuf::from(out).exists(),
        "no file is written on an error"
    );
}

#[test]
fn the_checker_rejects_malformed_xml() {
    let good = r#"<svg a="1" b='2'><g><text>x &lt; y &#947;</text><circle/></g><!-- c --></svg>"#;
    assert_eq!(check_xml(good), Ok(()));
    for bad in [
        "<svg><g></svg>",
        "<svg></svg><svg></svg>",
        "<svg a=1></svg>",
        r#"<svg a="1" a="2"></svg>"#,
        "<svg>x & y</svg>",
        "<svg>x < y</svg>",
        r#"<svg a="<"></svg>"#,
        "<svg>",
        "text<svg></svg>",
    ] {
        assert!(check_xml(bad).is_err(), "{bad}");
    }
}

/// Whether `xml` is a well-formed XML document (without a DTD): one root element, every
/// element closed in order, attribute values quoted and unique per element, and `<` and
/// `&` in text or values only as markup and entity references.
fn check_xml(xml: &str) -> Result<(), String> {
    let mut rest = xml.trim_start();
    if rest.starts_with("<?xml") {
        let end = rest.find("?>").ok_or("unclosed XML declaration")?;
        rest = &rest[end + 2..];
    }
    let mut open: Vec<&str> = Vec::new();
    let mut roots = 0;
    while let Some(lt) = rest.find('<') {
        let text = &rest[..lt];
        check_text(text)?;
        if open.is_empty() && !text.trim().is_empty() {
            return Err(format!("text outside the root element: {text}"));
        }
        rest = &rest[lt..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            let end = comment.find("-->").ok_or("unclosed comment")?;
            rest = &comment[end + 3..];
            continue;
        }
        let end = tag_end(rest)?;
        let tag = &rest[1..end];
        rest = &rest[end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let top = open
                .pop()
                .ok_or_else(|| format!("</{name}> closes nothing"))?;
            if top != name.trim_end() {
                return Err(format!("</{name}> closes <{top}>"));
            }
            continue;
        }
        if open.is_empty() {
            roots += 1;
        }
        let (body, empty) = match tag.strip_suffix('/') {
            Some(body) => (body, true),
            None => (tag, false),
        };
        let name = check_attributes(body)?;
        if !empty {
            open.push(name);
        }
    }
    check_text(rest)?;
    match (open.last(), roots, rest.trim().is_empty()) {
        (Some(name), _, _) => Err(format!("<{name}> is never closed")),
        (None, 1, true) => Ok(()),
        (None, 1, false) => Err(format!("text after the root element: {rest}")),
        (None, n, _) => Err(format!("{n} root elements")),
    }
}

/// The index of the `>` that ends the tag `tag` starts (a `>` inside quotes is a value's).
fn tag_end(tag: &str) -> Result<usize, String> {
    let mut quote = None;
    for (i, c) in tag.char_indices().skip(1) {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '>') => return Ok(i),
            (None, '<') => return Err(format!("'<' inside a tag: {tag:.80}")),
            _ => {}
        }
    }
    Err(format!("unclosed tag: {tag:.80}"))
}

/// Checks the name and attributes of a start tag's `body` (between `<` and `>` or `/>`);
/// returns the element's name.
fn check_attributes(body: &str) -> Result<&str, String> {
    let is_name = |s: &str| {
        s.chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
            && s.chars().all(|c| c.is_alphanumeric() || "_-.:".contains(c))
    };
    let name_end = body.find(char::is_whitespace).unwrap_or(body.len());
    let (name, mut rest) = body.split_at(name_end);
    if !is_name(name) {
        return Err(format!("bad element name: <{body}>"));
    }
    let mut seen = Vec::new();
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return Ok(name);
        }
        let eq = rest
            .find('=')
            .ok_or_else(|| format!("attribute without a value: <{body}>"))?;
        let attribute = rest[..eq].trim_end();
        if !is_name(attribute) || seen.contains(&attribute) {
            return Err(format!("bad or repeated attribute {attribute}: <{body}>"));
        }
        seen.push(attribute);
        let value = rest[eq + 1..].trim_start();
        let quote = value
            .chars()
            .next()
            .filter(|&c| c == '"' || c == '\'')
            .ok_or_else(|| format!("unquoted value of {attribute}: <{body}>"))?;
        let close = value[1..]
            .find(quote)
            .ok_or_else(|| format!("unclosed value of {attribute}"))?;
        let text = &value[1..1 + close];
        if text.contains('<') {
            return Err(format!("'<' in the value of {attribute}"));
        }
        check_text(text)?;
        rest = &value[close + 2..];
        if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
            return Err(format!("no space after the value of {attribute}: <{body}>"));
        }
    }
}

/// Every `&` in `text` starts an entity reference: one of XML's five or a character
/// reference.
fn check_text(text: &str) -> Result<(), String> {
    for (i, _) in text.match_indices('&') {
        let entity = &text[i + 1..];
        let end = entity
            .find(';')
            .ok_or_else(|| format!("bare & in {text:.80}"))?;
        let name = &entity[..end];
        let numeric = match name.strip_prefix("#x") {
            Some(hex) => !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit()),
            None => name
                .strip_prefix('#')
                .is_some_and(|dec| !dec.is_empty() && dec.chars().all(|c| c.is_ascii_digit())),
        };
        if !numeric && !["amp", "lt", "gt", "quot", "apos"].contains(&name) {
            return Err(format!("unknown entity &{name}; in {text:.80}"));
        }
    }
    Ok(())
}

/// A link at a timeline frame draws that frame, as the page does: the histogram of the
/// iterates at the first checkpoint's step (step 1 with the default checkpoints).
#[test]
fn a_frame_in_the_query_draws_that_frame() {
    let out = scratch("frame0.svg");
    // Frame 0, and past the last frame (the final iterates).
    for (frame, label) in [(0, "q1ᵀx at step 1"), (999, "q1ᵀx of the final iterate")] {
        let query = format!("{QUERY}&frame={frame}");
        let output = finished(hsgd(&[
            "plot",
            "histogram",
            &query,
            "--out",
            out.to_str().unwrap(),
        ]));
        assert!(output.status.success(), "{output:?}");
        let svg = std::fs::read_to_string(&out).unwrap();
        assert!(svg.contains(label), "frame {frame}: {svg}");
    }
}
