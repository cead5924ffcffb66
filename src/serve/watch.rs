//! Watching a site's sources: `content/`, `static/`, `templates/`, the theme
//! folder and `site.yaml`, with notify's debouncer so that a burst of events
//! (an editor's save, a `git checkout`) arrives as one batch.
//!
//! The site folder itself is watched without recursion: that is how
//! `site.yaml` is seen even when an editor replaces it by renaming, and how
//! a source folder created (or deleted and created again) after the start
//! is noticed and watched in turn ([`Watcher::refresh`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use notify::event::EventKind;
use notify::{PollWatcher, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{
    DebounceEventResult, Debouncer, NoCache, RecommendedCache, new_debouncer_opt,
};

use crate::load::is_ignored;

/// Quiet time after the last event of a burst before it is reported. Short
/// enough to feel instant, long enough to span an editor's save-by-rename.
const DEBOUNCE: Duration = Duration::from_millis(20);
/// How often `--poll` looks at every file.
const POLL_INTERVAL: Duration = Duration::from_millis(300);

/// The folders under the site root whose contents are sources.
const SOURCE_FOLDERS: [&str; 3] = ["content", "static", "templates"];

/// What the watcher reports.
#[derive(Debug)]
pub enum Change {
    /// These paths changed (created, modified, removed or renamed).
    Paths(Vec<PathBuf>),
    /// Events may have been lost (an overflowing queue): look at everything.
    Rescan,
}

enum Backend {
    Native(Debouncer<RecommendedWatcher, RecommendedCache>),
    Poll(Debouncer<PollWatcher, NoCache>),
}

impl Backend {
    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        match self {
            Backend::Native(d) => d.watch(path, mode),
            Backend::Poll(d) => d.watch(path, mode),
        }
    }

    fn unwatch(&mut self, path: &Path) {
        let _ = match self {
            Backend::Native(d) => d.unwatch(path),
            Backend::Poll(d) => d.unwatch(path),
        };
    }
}

/// A running watcher; dropping it stops it.
pub struct Watcher {
    backend: Backend,
    root: PathBuf,
    /// Watched folders, with the identity of the folder that was watched:
    /// one deleted and created again needs a new watch.
    watched: HashMap<PathBuf, Option<u64>>,
}

impl Watcher {
    /// Starts watching the site at `root` (and `theme`, a theme folder),
    /// handing each debounced batch of relevant changes to `report`.
    pub fn start(
        root: &Path,
        theme: Option<&Path>,
        poll: bool,
        report: impl Fn(Change) + Send + 'static,
    ) -> Result<Watcher, String> {
        let root = root.canonicalize().map_err(|e| e.to_string())?;
        let filter_root = root.clone();
        let handler = move |result: DebounceEventResult| {
            let change = match result {
                Ok(events) => {
                    if events.iter().any(|e| e.need_rescan()) {
                        Some(Change::Rescan)
                    } else {
                        let mut paths: Vec<PathBuf> = events
                            .iter()
                            .filter(|e| !matches!(e.kind, EventKind::Access(_)))
                            .flat_map(|e| e.paths.iter())
                            .filter(|p| is_relevant(&filter_root, p))
                            .cloned()
                            .collect();
                        paths.sort();
                        paths.dedup();
                        (!paths.is_empty()).then_some(Change::Paths(paths))
                    }
                }
                // An error from the OS watcher: we may have missed events.
                Err(_) => Some(Change::Rescan),
            };
            if let Some(change) = change {
                report(change);
            }
        };
        let backend = if poll {
            // notify's poller compares modification times in whole seconds,
            // so two saves within a second would look like one: compare
            // contents too. Costlier, but polling is the fallback.
            let config = notify::Config::default()
                .with_poll_interval(POLL_INTERVAL)
                .with_compare_contents(true);
            Backend::Poll(
                new_debouncer_opt(DEBOUNCE, None, handler, NoCache, config)
                    .map_err(|e| e.to_string())?,
            )
        } else {
            Backend::Native(
                new_debouncer_opt(
                    DEBOUNCE,
                    None,
                    handler,
                    RecommendedCache::new(),
                    notify::Config::default(),
                )
                .map_err(|e| e.to_string())?,
            )
        };
        let mut watcher = Watcher {
            backend,
            root: root.clone(),
            watched: HashMap::new(),
        };
        watcher
            .backend
            .watch(&root, RecursiveMode::NonRecursive)
            .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
        watcher.refresh(theme);
        Ok(watcher)
    }

    /// Watches the source folders that exist now (again, if one was
    /// replaced), and the theme folder named by the current `site.yaml`.
    pub fn refresh(&mut self, theme: Option<&Path>) {
        let mut wanted: Vec<PathBuf> = SOURCE_FOLDERS.iter().map(|f| self.root.join(f)).collect();
        wanted.extend(theme.and_then(|t| t.canonicalize().ok()));
        let gone: Vec<PathBuf> = self
            .watched
            .keys()
            .filter(|p| !wanted.contains(p) || !p.is_dir())
            .cloned()
            .collect();
        for path in gone {
            self.backend.unwatch(&path);
            self.watched.remove(&path);
        }
        for path in wanted {
            let id = folder_id(&path);
            if id.is_none() || self.watched.get(&path) == Some(&id) {
                continue;
            }
            self.backend.unwatch(&path);
            // A folder that cannot be watched is reported by the next build
            // if it matters; the rest of the site is still watched.
            if self.backend.watch(&path, RecursiveMode::Recursive).is_ok() {
                self.watched.insert(path, id);
            }
        }
    }
}

/// The identity of a folder (its inode), `None` if it does not exist.
fn folder_id(path: &Path) -> Option<u64> {
    let meta = std::fs::metadata(path).ok().filter(|m| m.is_dir())?;
    #[cfg(unix)]
    return Some(std::os::unix::fs::MetadataExt::ino(&meta));
    #[cfg(not(unix))]
    return Some(0);
}

/// True for paths whose change can change the site: `site.yaml` and the
/// source folders at the root, anything in a watched folder except editor
/// droppings (swap files, backups, save-by-rename temporaries). Deeper paths
/// come only from the recursively watched folders.
fn is_relevant(root: &Path, path: &Path) -> bool {
    let name_ignored = |p: &Path| {
        p.components()
            .any(|c| is_ignored(&c.as_os_str().to_string_lossy()))
    };
    match path.strip_prefix(root) {
        Ok(rel) => {
            let mut parts = rel.components();
            match (parts.next(), parts.next()) {
                (None, _) => false,
                (Some(first), None) => {
                    let first = first.as_os_str().to_string_lossy();
                    first == "site.yaml" || SOURCE_FOLDERS.contains(&first.as_ref())
                }
                (Some(_), Some(_)) => !name_ignored(rel),
            }
        }
        // The theme folder, outside the site.
        Err(_) => !path
            .file_name()
            .is_some_and(|n| is_ignored(&n.to_string_lossy())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sources_and_site_yaml_are_relevant() {
        let root = Path::new("/site");
        for (path, relevant) in [
            ("/site/site.yaml", true),
            ("/site/content", true),
            ("/site/content/sessions/a.md", true),
            ("/site/content/sessions/.a.md.swp", false),
            ("/site/content/sessions/a.md~", false),
            ("/site/content/sessions/4913", false),
            ("/site/content/sessions/a.md___jb_tmp___", false),
            ("/site/content/.git/index", false),
            ("/site/.fireside-cache", false),
            ("/site/README.md", false),
            ("/site/templates/base.html", true),
            ("/themes/mine/templates/base.html", true),
        ] {
            assert_eq!(is_relevant(root, Path::new(path)), relevant, "{path}");
        }
    }
}
