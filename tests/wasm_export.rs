//! The page's downloads in a browser (`web::export`, and `plots::plot_svg` for the SVGs):
//! the numbers and sample CSVs hold exactly the report's values, the JSON round-trips to
//! the report, and every plot of the page's table renders to an SVG document with its
//! labels. Natively this file is empty.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::field_reassign_with_default)]

use std::cell::RefCell;

use hsgd::plots::plot_svg;
use hsgd::report::analysis::{self, Report};
use hsgd::report::config::{Config, Method};
use hsgd::report::runs::Silent;
use hsgd::web::export::{file_stem, numbers_csv, report_json, sample_csv};
use hsgd::web::numbers::numbers;
use hsgd::web::plots::PLOTS;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

thread_local! {
    /// One report per method, computed once (the fits dominate the tests' time).
    static REPORTS: RefCell<Vec<(Method, Report)>> = const { RefCell::new(Vec::new()) };
}

fn small_report(method: Method) -> Report {
    if let Some(r) = REPORTS.with(|c| c.borrow().iter().find(|r| r.0 == method).cloned()) {
        return r.1;
    }
    let mut config = Config::default();
    config.n = 60;
    config.d = 8;
    config.runs = 100;
    config.steps = 100;
    config.method = method;
    let report = analysis::run(&config, None, &mut Silent).unwrap();
    REPORTS.with(|c| c.borrow_mut().push((method, report.clone())));
    report
}

fn parse_csv(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

#[wasm_bindgen_test]
fn numbers_csv_has_every_row_with_its_exact_value() {
    let report = small_report(Method::Sgd);
    let rows = parse_csv(&numbers_csv(&report, 12.5).unwrap());
    assert_eq!(rows[0], ["key", "label", "value"]);
    let panel = numbers(&report, 12.5);
    assert_eq!(rows.len(), panel.len() + 1);
    for (row, n) in rows[1..].iter().zip(&panel) {
        assert_eq!(
            (row[0].as_str(), row[1].as_str()),
            (n.key.as_str(), n.label.as_str())
        );
        match n.value {
            // Shortest round-trip decimals: parsing gives the very same f64.
            Some(v) => assert_eq!(row[2].parse::<f64>().unwrap(), v, "{}", n.key),
            None => assert_eq!(row[2], n.text),
        }
    }
    let n = rows.iter().find(|r| r[0] == "n").unwrap();
    assert_eq!(n[2], "60");
}

#[wasm_bindgen_test]
fn sample_csv_holds_the_centred_coordinates_of_both_methods() {
    let report = small_report(Method::Both);
    let rows = parse_csv(&sample_csv(&report).unwrap());
    assert_eq!(rows[0], ["index", "sgd", "hsgd"]);
    let (sgd, hsgd) = (
        &report.sgd.as_ref().unwrap().centred,
        &report.hsgd.as_ref().unwrap().centred,
    );
    assert_eq!(rows.len(), 1 + sgd.len().max(hsgd.len()));
    for (i, row) in rows[1..].iter().enumerate() {
        assert_eq!(row[0], i.to_string());
        let cell = |j: usize, column: &[f64]| match column.get(i) {
            Some(v) => assert_eq!(row[j].parse::<f64>().unwrap(), *v),
            None => assert_eq!(row[j], ""),
        };
        cell(1, sgd);
        cell(2, hsgd);
    }
    // SGD alone: one data column.
    let only = parse_csv(&sample_csv(&small_report(Method::Sgd)).unwrap());
    assert_eq!(only[0], ["index", "sgd"]);
}

#[wasm_bindgen_test]
fn json_round_trips_to_the_report() {
    let report = small_report(Method::Sgd);
    let text = report_json(&report).unwrap();
    let back: Report = serde_json::from_str(&text).unwrap();
    assert_eq!(back.config, report.config);
    assert_eq!(back.bounds, report.bounds);
    assert_eq!(back.singular_values, report.singular_values);
    assert_eq!(back.sgd.unwrap().centred, report.sgd.unwrap().centred);
    assert!(report.min_loss.is_some_and(|f| f > 0.0));
}

#[wasm_bindgen_test]
fn every_plot_renders_to_svg_with_its_labels() {
    let report = small_report(Method::Both);
    for plot in PLOTS {
        let svg = plot_svg(plot.id, &report, (640, 400)).unwrap();
        assert!(
            svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"),
            "{}",
            plot.id
        );
        assert!(svg.contains(r#"width="640""#), "{}", plot.id);
        assert!(svg.matches("<text").count() >= 4, "{}: {svg}", plot.id);
    }
    let qq = PLOTS.iter().find(|p| p.id == "qq-t").unwrap();
    let svg = plot_svg(qq.id, &report, (640, 400)).unwrap();
    assert!(svg.contains("quantile of the fitted Student t"));
    assert!(svg.contains("hSGD, ν = "));
}

#[wasm_bindgen_test]
fn file_names_name_the_parameters() {
    let report = small_report(Method::Sgd);
    assert_eq!(
        file_stem(&report.config),
        "synthetic-sgd-gamma0.74-B1-delta0-K100-R100-seed1"
    );
}
