//! The display-only lists of the page's URL, `hide=` and `panels=`
//! (`hsgd::report::display`), through the config's link: they survive the round trip, keep
//! their order, and a name the page does not have is dropped with a note.

use hsgd::report::config::{Config, Names};

#[test]
fn hide_and_panels_survive_the_link() {
    let c = Config {
        hide: Names::parse("batch, sweep,batch,numbers"),
        panels: Names::parse("tail,histogram"),
        embed: true,
        ..Config::default()
    };
    assert_eq!(c.hide.names(), ["batch", "sweep", "numbers"]);
    let q = c.to_query();
    assert!(
        q.ends_with("&hide=batch,sweep,numbers&panels=tail,histogram"),
        "{q}"
    );
    assert_eq!(Config::parse_query(&q), (c.clone(), vec![]));
    // The order of panels is kept: it is the embed's order.
    assert_eq!(c.panels.names(), ["tail", "histogram"]);
    // Empty lists stay out of the link, and `hide=` reads as empty.
    let q = Config::default().to_query();
    assert!(!q.contains("hide") && !q.contains("panels"), "{q}");
    assert_eq!(
        Config::parse_query("hide=&panels="),
        (Config::default(), vec![])
    );
}

#[test]
fn unknown_names_are_dropped_with_a_note_and_the_others_kept() {
    let (config, notes) =
        Config::parse_query("hide=batch,chalkboard,gamma&panels=qq-t,numbers,tail&runs=9");
    assert_eq!(config.hide.names(), ["batch", "gamma"]);
    // The numbers are a panel but no plot: an embed shows plots.
    assert_eq!(config.panels.names(), ["qq-t", "tail"]);
    assert_eq!(config.runs, 9);
    let said: Vec<(&str, &str)> = notes
        .iter()
        .map(|n| (n.key.as_str(), n.value.as_str()))
        .collect();
    assert_eq!(said, [("hide", "chalkboard"), ("panels", "numbers")]);
    assert!(notes.iter().all(|n| n.known_key && n.unknown_name));
    assert_eq!(
        notes[0].message(),
        "hide names no control or panel of the page: 'chalkboard' was ignored"
    );
    assert!(notes[1]
        .message()
        .starts_with("panels names no plot of the page"));
}
