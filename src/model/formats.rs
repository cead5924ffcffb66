//! What each session format is for, shown on `/formats/` and format pages.
//! Common formats have a built-in description; a site describes its own, or
//! replaces ours, under `formats:` in site.yaml (keyed by slug or name).

use crate::config::Config;
use crate::model::slug::slugify;

const BUILT_IN: &[(&str, &str)] = &[
    (
        "code-kata",
        "Hands-on practice: everyone solves a small, well-known exercise, usually in pairs and test first, to train a technique until it becomes habit.",
    ),
    (
        "lean-coffee",
        "A structured, agenda-less discussion: participants propose topics, vote, and talk through them in short timeboxes, extending a topic only while the group wants to.",
    ),
    (
        "debate",
        "Two or more positions argued in the open, so the community weighs trade-offs and leaves with a clearer view of when each side is right.",
    ),
    (
        "practical-talk",
        "A talk built around real code and real systems: the speaker shows what they did, what went wrong and what they would do again.",
    ),
    (
        "talk-lab",
        "A short talk followed by a guided lab in which everyone applies the idea to an exercise or their own code.",
    ),
    (
        "theoretical-talk",
        "A talk on concepts, principles or research, to build shared vocabulary before practising.",
    ),
    ("talk", "A presentation followed by questions."),
    (
        "fireside-chat",
        "An informal, interview-style conversation with one or two guests about their experience, with questions from the audience.",
    ),
    (
        "brainstorming",
        "Generating ideas together (topics, sessions, improvements) before converging on the ones worth pursuing.",
    ),
    (
        "workshop",
        "A longer hands-on session with a concrete outcome: a decision record, a model, a working change.",
    ),
    (
        "mob-programming",
        "The whole group works on one problem at one keyboard, rotating the driver every few minutes.",
    ),
    (
        "practical-talk-prepared-kata",
        "A practical talk that ends with a kata prepared to practise exactly what was shown.",
    ),
    (
        "collaborative-discussion",
        "A facilitated discussion in small breakout groups, brought back together to share conclusions.",
    ),
];

/// The description of a format, if the site or Fireside has one.
pub fn describe(name: &str, config: &Config) -> Option<String> {
    let slug = slugify(name);
    config
        .formats
        .iter()
        .find(|(k, _)| slugify(k) == slug)
        .map(|(_, v)| v.clone())
        .or_else(|| {
            BUILT_IN
                .iter()
                .find(|(k, _)| *k == slug)
                .map(|(_, v)| (*v).to_string())
        })
}
