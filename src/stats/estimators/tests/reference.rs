//! The numpy reference (tests/fixtures/estimators/reference.json): every estimator on the
//! fixture samples to 1e-10 relative.

use super::*;

fn reference() -> serde_json::Value {
    serde_json::from_str(include_str!(
        "../../../../tests/fixtures/estimators/reference.json"
    ))
    .unwrap()
}

fn as_f64s(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

#[test]
fn order_statistics_estimators_match_numpy() {
    let r = reference();
    let sample = as_f64s(&r["sample"]);
    let (sorted, median) = sorted_and_median(&sample).unwrap();
    assert_rel(
        median,
        r["median"].as_f64().unwrap(),
        REFERENCE_RTOL,
        "median",
    );
    for (name, tail) in [
        ("right", Tail::Right),
        ("left", Tail::Left),
        ("both", Tail::Both),
    ] {
        let e = &r["tails"][name];
        let t = TailSample::from_sorted_desc(tail_deviations(&sorted, median, tail)).unwrap();
        assert_eq!(
            t.len() as u64,
            e["n"].as_u64().unwrap(),
            "{name}: tail size"
        );
        for h in e["hill"].as_array().unwrap() {
            let k = h["k"].as_u64().unwrap() as usize;
            let what = format!("{name} Hill({k})");
            assert_rel(
                t.hill(k).unwrap().alpha.unwrap(),
                h["alpha"].as_f64().unwrap(),
                REFERENCE_RTOL,
                &what,
            );
            assert_rel(
                t.ks_distance(k).unwrap(),
                h["ks"].as_f64().unwrap(),
                REFERENCE_RTOL,
                &what,
            );
        }
        let csn = t.csn_choice().unwrap();
        assert_eq!(
            csn.k as u64,
            e["csn"]["k"].as_u64().unwrap(),
            "{name}: CSN k"
        );
        assert_rel(
            csn.ks_distance,
            e["csn"]["ks"].as_f64().unwrap(),
            REFERENCE_RTOL,
            "CSN KS",
        );
        assert_rel(
            csn.alpha,
            e["csn"]["alpha"].as_f64().unwrap(),
            1e-9,
            "CSN α",
        );
        for p in e["pickands"].as_array().unwrap() {
            let k = p["k"].as_u64().unwrap() as usize;
            let est = t.pickands(k).unwrap();
            let what = format!("{name} Pickands({k})");
            assert_rel(est.xi, p["xi"].as_f64().unwrap(), REFERENCE_RTOL, &what);
            if let Some(se) = est.std_err {
                let xi_se = p["xi_std_err"].as_f64().unwrap();
                assert_rel(se, xi_se / (est.xi * est.xi), REFERENCE_RTOL, &what);
            }
        }
        for m in e["moment"].as_array().unwrap() {
            let k = m["k"].as_u64().unwrap() as usize;
            let est = t.moment(k).unwrap();
            let what = format!("{name} moment({k})");
            assert_rel(est.xi, m["xi"].as_f64().unwrap(), REFERENCE_RTOL, &what);
            if let Some(se) = est.std_err {
                let xi_se = m["xi_std_err"].as_f64().unwrap();
                assert_rel(se, xi_se / (est.xi * est.xi), REFERENCE_RTOL, &what);
            }
        }
    }
}

#[test]
fn stable_index_matches_numpy() {
    let r = reference();
    let sample = as_f64s(&r["sample"]);
    let median = r["median"].as_f64().unwrap();
    let centred: Vec<f64> = sample.iter().map(|x| x - median).collect();
    let cases = [
        ("stable_1d", centred.clone(), 1usize),
        ("stable_1d_even", centred[..400].to_vec(), 1),
        ("stable_3d", as_f64s(&r["stable_3d"]["rows"]), 3),
    ];
    for (name, rows, dim) in cases {
        let e = &r[name];
        let sizes: Vec<usize> = e["block_sizes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as usize)
            .collect();
        assert_eq!(
            stable_block_sizes(rows.len() / dim),
            sizes,
            "{name}: block sizes"
        );
        for (k1, xi) in sizes.iter().zip(as_f64s(&e["xi"])) {
            let got = stable_index_block(&rows, dim, *k1).unwrap();
            assert_rel(got, xi, REFERENCE_RTOL, &format!("{name}: ξ({k1})"));
        }
        let est = stable_index_multivariate(&rows, dim).unwrap();
        assert_rel(
            est.alpha.unwrap(),
            e["alpha"].as_f64().unwrap(),
            REFERENCE_RTOL,
            name,
        );
    }
}
