//! Positions of late diagnostics come from a per-file line index, not a scan
//! of the file for each one. A body with 20,000 broken links used to take
//! minutes (each error rescanned the 300 KB file to quote its line); it now
//! takes as long as the links take to parse. No timed assertion: a
//! regression shows as this test becoming visibly slow.

use crate::common::*;

#[test]
fn twenty_thousand_broken_links_are_each_reported_at_their_line() {
    let site = Fixture::new();
    let links: String = (0..20_000)
        .map(|i| format!("See [note {i}](missing-{i}.md).\n"))
        .collect();
    assert!(links.len() > 300_000, "the body is {} bytes", links.len());
    site.write(
        "content/about.md",
        &format!("---\ntitle: About\n---\n{links}"),
    );
    let out = site.build(&[]);
    assert!(!out.status.success(), "broken links must fail the build");
    let err = stderr(&out);
    // The front matter takes lines 1-3, so link `i` is on line `i + 4`.
    for i in [0, 9_999, 19_999] {
        let at = format!("content/about.md:{}:5", i + 4);
        assert!(err.contains(&at), "no error at {at}");
        let quoted = format!("See [note {i}](missing-{i}.md).");
        assert!(err.contains(&quoted), "line of link {i} not quoted");
    }
    assert_eq!(
        err.matches("content/about.md:").count(),
        20_000,
        "one error per link"
    );
}
