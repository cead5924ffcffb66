//! The progress bar: an observer of the render phase, which calls
//! [`Progress::page_done`] once per planned page and knows nothing else of it.

use std::io::IsTerminal;

/// Draws "rendering N/M pages" on a terminal, or nothing.
pub(crate) struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    /// A bar only when asked for, on a terminal, and for a site large enough
    /// that the wait is noticeable; otherwise an observer that does nothing.
    pub(crate) fn new(wanted: bool, pages: usize) -> Progress {
        let shown = wanted && pages > 2000 && std::io::stderr().is_terminal();
        Progress(shown.then(|| {
            let bar = indicatif::ProgressBar::new(pages as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} rendering {pos}/{len} pages {wide_bar} {eta}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        }))
    }

    pub(crate) fn page_done(&self) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
        }
    }

    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
