//! JSON Schemas for `site.yaml` and each kind's front matter, for editors.
//!
//! They are derived (schemars) from the very structs the parser deserializes
//! into (`parse/meta.rs`, `parse/agenda.rs`, `config.rs`), so a key added to a
//! struct is in its schema at the next `fireside schema`: doc comments become
//! descriptions, `#[serde(default)]` makes a key optional, and
//! `deny_unknown_fields` becomes `additionalProperties: false`. The value
//! types that validate themselves while deserializing (dates, times, zones,
//! colours, lists) get their schema here, by hand, with the pattern or format
//! that says the same thing and an example. A schema can only approximate
//! some checks (a zone must exist in the tz database, an end must follow its
//! start): the parser stays the judge, the schema catches what an editor can
//! catch while typing.
//!
//! The repository commits the output under `schemas/`;
//! `tests/e2e/schemas.rs` fails when the files and this code disagree.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

use crate::config::{Horizon, Reminder};
use crate::parse::meta::{
    ClockTime, Color, CommunityMeta, DateList, IsoDate, Kind, PageMeta, PatternMeta, PersonMeta,
    SessionMeta, StringList, TimeRange, ZoneName,
};

/// What a schema describes: the site's settings or one kind's front matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// `site.yaml`.
    Site,
    /// The front matter (or, for agendas, the YAML file) of one kind.
    Kind(Kind),
}

impl Target {
    /// Every schema Fireside publishes, in the order `schemas/` lists them.
    pub fn all() -> Vec<Target> {
        std::iter::once(Target::Site)
            .chain(Kind::ALL.into_iter().map(Target::Kind))
            .collect()
    }

    /// `site`, `session`, `pattern`, ...: the command's argument and the
    /// first part of the file name.
    pub fn name(self) -> &'static str {
        match self {
            Target::Site => "site",
            Target::Kind(k) => k.name(),
        }
    }

    /// The file the repository keeps it in: `site.schema.json`, ...
    pub fn file_name(self) -> String {
        format!("{}.schema.json", self.name())
    }

    pub fn from_name(name: &str) -> Option<Target> {
        Target::all().into_iter().find(|t| t.name() == name)
    }

    fn title(self) -> &'static str {
        match self {
            Target::Site => "Fireside site.yaml",
            Target::Kind(Kind::Session) => "Fireside session front matter",
            Target::Kind(Kind::Pattern) => "Fireside pattern front matter",
            Target::Kind(Kind::Community) => "Fireside community front matter",
            Target::Kind(Kind::Person) => "Fireside person front matter",
            Target::Kind(Kind::Page) => "Fireside page front matter",
            Target::Kind(Kind::Agenda) => "Fireside agenda",
        }
    }
}

/// The schema of `target`, as a JSON value (draft 2020-12).
pub fn schema(target: Target) -> serde_json::Value {
    // What the parser reads, not what a serializer would write.
    let generator = schemars::generate::SchemaSettings::draft2020_12()
        .for_deserialize()
        .into_generator();
    let mut schema = match target {
        Target::Site => generator.into_root_schema_for::<crate::config::SiteFile>(),
        Target::Kind(Kind::Session) => generator.into_root_schema_for::<SessionMeta>(),
        Target::Kind(Kind::Pattern) => generator.into_root_schema_for::<PatternMeta>(),
        Target::Kind(Kind::Community) => generator.into_root_schema_for::<CommunityMeta>(),
        Target::Kind(Kind::Person) => generator.into_root_schema_for::<PersonMeta>(),
        Target::Kind(Kind::Page) => generator.into_root_schema_for::<PageMeta>(),
        Target::Kind(Kind::Agenda) => {
            generator.into_root_schema_for::<crate::parse::agenda::AgendaMeta>()
        }
    };
    // The struct's name means nothing to a user; the file it describes does.
    schema.insert("title".into(), target.title().into());
    // Read from the top: what it is, then the keys, then the shared types.
    let mut fields = match schema.to_value() {
        serde_json::Value::Object(fields) => fields,
        other => return other,
    };
    let mut ordered = serde_json::Map::new();
    for key in ["$schema", "title", "description"] {
        if let Some(v) = fields.shift_remove(key) {
            ordered.insert(key.into(), v);
        }
    }
    ordered.extend(fields);
    serde_json::Value::Object(ordered)
}

/// The schema of `target` as the repository's file holds it: pretty JSON
/// with a final newline.
pub fn file_text(target: Target) -> String {
    let mut text =
        serde_json::to_string_pretty(&schema(target)).expect("a JSON value always serialises");
    text.push('\n');
    text
}

/// One hand-written schema for a self-validating value type.
macro_rules! value_schema {
    ($t:ty, $name:literal, $schema:tt) => {
        impl JsonSchema for $t {
            fn schema_name() -> Cow<'static, str> {
                $name.into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!($schema)
            }
        }
    };
}

/// `HH:MM` as `parse_clock` reads it: one or two digits for the hour, `:` or
/// `.` between, spaces allowed around them.
const CLOCK: &str = r"\s*([01]?[0-9]|2[0-3])\s*[:.]\s*[0-5]?[0-9]\s*";

value_schema!(IsoDate, "IsoDate", {
    "description": "A date written YYYY-MM-DD, between the years 1970 and 2100.",
    "type": "string",
    "format": "date",
    // The years of `meta::DATE_WINDOW`.
    "pattern": "^(19[7-9][0-9]|20[0-9][0-9]|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
    "examples": ["2025-03-12"]
});

impl JsonSchema for ClockTime {
    fn schema_name() -> Cow<'static, str> {
        "ClockTime".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A local time, HH:MM (quote it in YAML).",
            "type": "string",
            "pattern": format!("^{CLOCK}$"),
            "examples": ["10:30"]
        })
    }
}

impl JsonSchema for TimeRange {
    fn schema_name() -> Cow<'static, str> {
        "TimeRange".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A local start and optional end, \"HH:MM-HH:MM\" or \"HH:MM\"; the end after the start (quote it in YAML).",
            "type": "string",
            "pattern": format!("^{CLOCK}([-–—]{CLOCK})?$"),
            "examples": ["10:30-12:00", "18:00"]
        })
    }
}

value_schema!(ZoneName, "ZoneName", {
    "description": "An IANA time zone name, as in the tz database: Europe/Madrid, America/New_York, UTC.",
    "type": "string",
    "pattern": r"^\s*[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*\s*$",
    "examples": ["Europe/Madrid", "UTC"]
});

value_schema!(Color, "Color", {
    "description": "A CSS colour, \"#rrggbb\" or \"#rgb\" (quoted: # starts a YAML comment).",
    "type": "string",
    "pattern": "^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$",
    "examples": ["#b4451f"]
});

value_schema!(StringList, "StringList", {
    "description": "A list, or one string of items separated by commas or semicolons (`None` or `-`: no items).",
    "anyOf": [
        {
            "type": "array",
            "items": { "type": ["string", "number", "boolean"] }
        },
        { "type": "string" },
        { "type": "null" }
    ],
    "examples": [["first", "second"], "Code editor, testing framework"]
});

impl JsonSchema for DateList {
    fn schema_name() -> Cow<'static, str> {
        "DateList".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let date = generator.subschema_for::<IsoDate>();
        json_schema!({
            "description": "One date or a list of dates, each YYYY-MM-DD.",
            "anyOf": [date, { "type": "array", "items": date }, { "type": "null" }],
            "examples": [["2025-04-10"], "2025-04-10"]
        })
    }
}

value_schema!(Horizon, "Horizon", {
    "description": "How far ahead open-ended recurring sessions are shown: a number and a unit (days, weeks, months, years).",
    "type": "string",
    "pattern": r"^\s*[0-9]+\s*(day|week|month|year)s?\s*$",
    "examples": ["6 months", "1 year"]
});

value_schema!(Reminder, "Reminder", {
    "description": "An alarm in the iCalendar feeds before each session (a number and minutes, hours or days), or `none`.",
    "type": "string",
    "examples": ["15 minutes", "1 hour", "none"]
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_schema_that_closes_its_keys() {
        for target in Target::all() {
            let s = schema(target);
            assert_eq!(s["additionalProperties"], false, "{}", target.name());
            assert_eq!(s["title"], target.title());
            assert_eq!(Target::from_name(target.name()), Some(target));
        }
        let s = schema(Target::Kind(Kind::Session));
        let keys: Vec<&str> = s["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, SessionMeta::keys());
        assert_eq!(s["required"], serde_json::json!(["title"]));
    }
}
