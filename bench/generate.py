#!/usr/bin/env python3
"""Generate a synthetic Fireside site for benchmarking.

    python3 bench/generate.py OUT_DIR --pages N [--seed 1]

Writes site.yaml and content/{communities,people,patterns,sessions} following
/work/shared/content-model.md. N counts every Markdown file written: 4
communities, 30 people, about 5 % patterns, and sessions for the rest.

The corpus is shaped after a reference corpus (10,000 pages, 58 MB of Markdown,
one fenced code block of 16 lines on average per page, 40 facilitators, 53 tags)
so that timings are comparable with the Hugo and Zola figures in README.md.

Only the standard library is used and every random choice comes from one
random.Random(seed), so the same arguments always give byte-identical output.
Never iterate over a set here: string hashing is randomised per process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import re
import shutil
import sys
import unicodedata
from pathlib import Path

# Written at the site root; lets us (and run.sh) recognise a generated site
# and clear it safely, and records the parameters it was made with.
MARKER = ".bench-generated"

# Average size of one Markdown file (front matter included), in bytes:
# 58 MB over 10,000 pages in the reference corpus.
TARGET_PAGE_BYTES = 5800
# Code lines per fenced block: uniform over this range, mean 16.
CODE_LINES_MIN, CODE_LINES_MAX = 6, 26

DATE_FIRST = dt.date(2019, 1, 1)
DATE_LAST = dt.date(2027, 6, 30)

# --------------------------------------------------------------------------
# Fixed data
# --------------------------------------------------------------------------

COMMUNITIES = [
    # slug, title, purpose, channel, timezone, color, share of sessions
    ("software-development", "Software Development",
     "Writing maintainable software together: design, testing and the craft of code.",
     "#software-development", "Europe/Madrid", "#2f6fde", 0.40),
    ("architecture-guild", "Architecture Guild",
     "Shared decisions about system boundaries, integration and the evolution of our platforms.",
     "#architecture-guild", "Europe/Warsaw", "#8a4fd1", 0.25),
    ("data-and-analytics", "Data & Analytics",
     "Pipelines, models and the questions we answer with data.",
     "#data-analytics", "Europe/London", "#1f9d74", 0.20),
    ("crafting-leadership", "Crafting Leadership",
     "Growing technical leaders: feedback, facilitation and decision making.",
     "#crafting-leadership", "America/New_York", "#d9822b", 0.15),
]

FACILITATORS = [
    "Sebastian Kulinski", "José Rodríguez", "María García", "Łukasz Nowak",
    "Anna Kowalska", "Chen Wei", "Priya Raman", "Olusegun Adeyemi",
    "Fatima Zahra Benali", "Jürgen Müller", "Zoë Laurent", "Mateo Fernández",
    "Aiko Tanaka", "Ingrid Johansson", "Tomás Ó Briain", "Sofía Martínez",
    "Rahul Mehta", "Emily Clarke", "Dmitri Volkov", "Nadia Haddad",
    "Kwame Mensah", "Lucía Navarro", "Björn Andersson", "Hannah Schmidt",
    "Marco Rossi", "Giulia Bianchi", "Pedro Alves", "Camille Dubois",
    "Ewa Wiśniewska", "Noah Williams", "Amara Okafor", "Yusuf Demir",
    "Mei Lin Ong", "Carlos Ruiz", "Elena Petrova", "Joaquín Herrera",
    "Sara Lindqvist", "Ravi Shankar", "Thomas Becker", "Olivia Brown",
]
PROFILED = 30  # facilitators that get a content/people/ file

ROLES = [
    "Staff Engineer", "Senior Software Engineer", "Engineering Manager",
    "Principal Architect", "Data Engineer", "QA Lead", "Tech Lead",
    "Site Reliability Engineer", "Agile Coach", "Product Engineer",
    "Machine Learning Engineer", "Platform Engineer", "Head of Engineering",
]

FORMATS = [
    "Code kata", "Lean Coffee", "Debate", "Practical talk", "Talk + Lab",
    "Theoretical talk", "Fireside chat", "Brainstorming", "Workshop",
]

TAGS = [
    "testing", "tdd", "bdd", "refactoring", "clean-code", "legacy-code",
    "design-patterns", "ddd", "event-sourcing", "cqrs", "microservices",
    "monolith", "api-design", "rest", "graphql", "grpc", "messaging", "kafka",
    "databases", "sql", "nosql", "caching", "performance", "observability",
    "logging", "security", "privacy", "accessibility", "frontend", "backend",
    "mobile", "cloud", "kubernetes", "docker", "terraform", "ci-cd",
    "devops", "sre", "incident-management", "architecture", "adr",
    "data-engineering", "machine-learning", "analytics", "python", "rust",
    "java", "javascript", "go", "leadership", "mentoring", "feedback",
    "career",
]
assert len(TAGS) == 53 and len(FORMATS) == 9 and len(FACILITATORS) == 40

TOOLS = [
    "IntelliJ IDEA", "VS Code", "Docker", "Miro", "GitHub account", "Git",
    "Python 3", "JDK 21", "Node.js", "Rust toolchain", "Go 1.22", "kubectl",
    "Postman", "Jupyter", "Mural", "Slido", "Excalidraw", "Terraform",
]

CHANNELS = ["Zoom", "Microsoft Teams", "Google Meet", "Room Atlas (3rd floor)"]

TIMES = ["10:30-12:00"] * 8 + ["16:00-17:30", "09:00-10:00"]

TOPICS = [
    "Clean Code", "Refactoring Legacy Code", "Test-Driven Development",
    "Property-Based Testing", "Mutation Testing", "Contract Testing",
    "Event Sourcing", "Domain-Driven Design", "Hexagonal Architecture",
    "Modular Monoliths", "Microservice Boundaries", "API Versioning",
    "GraphQL Federation", "Async Messaging", "Idempotent Consumers",
    "Database Migrations", "Query Performance", "Caching Strategies",
    "Observability", "Structured Logging", "Distributed Tracing",
    "Incident Reviews", "Chaos Engineering", "Feature Flags",
    "Trunk-Based Development", "Continuous Delivery", "Infrastructure as Code",
    "Kubernetes Operators", "Container Security", "Threat Modeling",
    "Secrets Management", "Accessibility Audits", "Web Performance",
    "State Management", "Design Systems", "Mobile Release Trains",
    "Data Contracts", "Streaming Pipelines", "Data Quality Checks",
    "Feature Stores", "Model Monitoring", "Notebook Hygiene",
    "SQL Window Functions", "Dimensional Modeling", "Dependency Injection",
    "Error Handling", "Concurrency Bugs", "Memory Safety", "Rust Ownership",
    "Python Packaging", "Java Records", "JavaScript Bundlers",
    "Go Interfaces", "Code Review", "Pair Programming", "Mob Programming",
    "Technical Debt", "Architecture Decision Records", "C4 Diagrams",
    "Estimation", "Writing RFCs", "Giving Feedback", "Running Retrospectives",
    "Onboarding Engineers", "Career Ladders", "Mentoring", "Delegation",
    "Psychological Safety", "Facilitation Techniques", "Remote Collaboration",
    "Documentation as Code", "Naming Things", "Small Batches",
    "Value Stream Mapping", "Team Topologies", "Platform Thinking",
    "Build Pipelines", "Flaky Tests", "Test Pyramids", "Approval Testing",
]

SUBTITLES = [
    "Lessons Learned", "Myths and Facts", "A Hands-on Lab", "Beyond the Basics",
    "Questions and Answers", "What Went Wrong", "First Steps",
    "From Theory to Practice", "Patterns and Anti-patterns", "A Case Study",
    "Tools of the Trade", "The Hard Parts",
]

KATAS = [
    "Gilded Rose", "Bowling Game", "Mars Rover", "Roman Numerals",
    "Game of Life", "Bank Account", "Tennis", "Word Wrap", "Trip Service",
    "Yatzy", "Parrot", "Theatrical Players", "Lift", "Diamond", "FizzBuzz",
    "Supermarket Receipt", "Mastermind", "Bank OCR",
]

REAL_PATTERNS = [
    # title, aliases
    ("Test-Driven Development", ["TDD"]),
    ("Behaviour-Driven Development", ["BDD", "Behavior-Driven Development"]),
    ("Pair Programming", ["Pairing"]),
    ("Mob Programming", ["Ensemble Programming"]),
    ("Trunk-Based Development", ["TBD"]),
    ("Feature Toggles", ["Feature Flags"]),
    ("Continuous Integration", ["CI"]),
    ("Continuous Delivery", ["CD"]),
    ("Strangler Fig Application", ["Strangler Fig"]),
    ("Blue-Green Deployment", []),
    ("Canary Release", []),
    ("Architecture Decision Records", ["ADR"]),
    ("Event Sourcing", ["ES"]),
    ("Command Query Responsibility Segregation", ["CQRS"]),
    ("Hexagonal Architecture", ["Ports and Adapters"]),
    ("Anti-Corruption Layer", ["ACL"]),
    ("Bounded Context", []),
    ("Consumer-Driven Contracts", ["CDC"]),
    ("Circuit Breaker", []),
    ("Outbox Pattern", ["Transactional Outbox"]),
    ("Infrastructure as Code", ["IaC"]),
    ("Blameless Postmortems", ["Incident Reviews"]),
    ("Lean Coffee Facilitation", []),
    ("Code Review Checklist", []),
    ("Boy Scout Rule", []),
    ("Small Batch Delivery", []),
    ("Golden Path", ["Paved Road"]),
    ("Inner Source", []),
    ("Approval Testing", ["Snapshot Testing", "Golden Master"]),
    ("Property-Based Testing", ["PBT"]),
    ("Mutation Testing", []),
    ("Walking Skeleton", []),
    ("Tracer Bullets", []),
    ("Dependency Injection", ["DI"]),
    ("Data Contracts", []),
    ("Service Level Objectives", ["SLO"]),
    ("Runbooks", []),
    ("Chaos Experiments", []),
    ("Structured Logging", []),
    ("Definition of Done", ["DoD"]),
]

PATTERN_QUALIFIERS = [
    "Contract-First", "Incremental", "Event-Driven", "Team-Owned", "Versioned",
    "Self-Service", "Shadow", "Declarative", "Rolling", "Immutable", "Shared",
    "Federated", "Layered", "Sidecar", "Backpressure-Aware", "Schema-First",
    "Zero-Downtime", "Risk-Based", "Timeboxed", "Asynchronous", "Evolutionary",
    "Observable", "Defensive", "Living", "Lightweight", "Example-Based",
    "Cross-Team", "Just-in-Time", "Outside-In", "Inside-Out",
]
PATTERN_CORES = [
    "Migrations", "Reviews", "Deployments", "Documentation", "Retrospectives",
    "Onboarding", "Test Data", "Pipelines", "Configuration", "Dashboards",
    "Error Budgets", "Releases", "Rollbacks", "Code Ownership", "Spikes",
    "Design Reviews", "Katas", "Backlogs", "Read Models", "Caches",
    "Queues", "Gateways", "Schemas", "Alerts", "Runbooks", "Experiments",
    "Pairing Rotations", "Dependency Updates", "Feature Branches", "Demos",
    "Service Catalogues", "API Gateways", "Data Products", "Fitness Functions",
]

PATTERN_SECTIONS = [
    "Problem", "Context", "Forces", "Solution", "Consequences", "Examples",
    "When not to use it", "How we adopted it", "Known uses", "Variations",
]
SESSION_SECTIONS = [
    "Context", "Agenda", "What we did", "Key takeaways", "Discussion",
    "Open questions", "Exercises", "Follow-up", "Notes from the room",
    "What we would change", "Background", "Results",
]
COMMUNITY_SECTIONS = [
    "What we do", "How we meet", "How to join", "Topics we care about",
    "Past highlights", "How to propose a session",
]
PEOPLE_SECTIONS = ["About", "Talks and sessions", "Interests", "Currently"]

FUNCTION_WORDS = (
    "the of and to a in is that for it as with was on be by this are we at "
    "from or an but not have they which you one all were can there their "
    "so if when more what about into than them some our its also how then "
    "only these would other should each most may after where both while"
).split()

DOMAIN_WORDS = (
    "team teams code test tests build release deploy service services system "
    "systems design change changes review reviews module modules function "
    "functions data database query queries cache pipeline pipelines user users "
    "customer customers product feature features branch branches commit commits "
    "merge conflict conflicts bug bugs defect incident incidents alert alerts "
    "metric metrics dashboard latency throughput error errors failure failures "
    "retry timeout request requests response responses interface contract "
    "contracts boundary boundaries domain model models event events message "
    "messages queue queues topic consumer producer schema schemas migration "
    "migrations version versions dependency dependencies library libraries "
    "framework frameworks tool tooling platform cloud cluster container "
    "containers image images config configuration secret secrets token tokens "
    "session sessions practice practices pattern patterns habit habits "
    "refactoring refactor legacy coverage assertion assertions fixture fixtures "
    "mock mocks stub stubs integration unit acceptance example examples "
    "scenario scenarios behaviour requirement requirements story stories "
    "backlog sprint iteration goal goals outcome outcomes risk risks cost "
    "costs trade-off trade-offs decision decisions record records diagram "
    "diagrams context layer layers adapter adapters port ports aggregate "
    "entity entities value values repository repositories handler handlers "
    "endpoint endpoints gateway proxy network traffic load capacity scale "
    "scaling performance memory thread threads lock locks async await future "
    "promise callback closure ownership borrow lifetime type types generic "
    "generics trait traits class classes object objects method methods field "
    "fields variable variables constant loop loops condition branch state "
    "states machine workflow workflows process processes step steps stage "
    "stages job jobs runner agent agents log logs trace traces span spans "
    "observability monitoring security threat threats privacy compliance "
    "audit access permission permissions role roles owner owners ownership "
    "knowledge learning feedback mentoring coaching facilitation facilitator "
    "participants group groups discussion question questions answer answers "
    "idea ideas experiment experiments hypothesis evidence result results "
    "lesson lessons mistake mistakes improvement improvements retrospective "
    "kata katas exercise exercises pairing mob rotation driver navigator "
    "keyboard screen whiteboard slides recording notes summary agenda "
    "timebox round rounds vote votes card cards board boards sticky "
    "quickly slowly carefully together separately often rarely usually "
    "clearly simply gradually early late first last next previous small "
    "large simple complex fast slow safe unsafe stable flaky brittle robust "
    "readable clean messy shared local remote internal external public "
    "private explicit implicit manual automatic automated continuous "
    "incremental reliable predictable visible hidden expensive cheap "
    "important useful practical theoretical concrete abstract common rare "
    "new old modern existing current future open closed hard easy "
    "write writes wrote read reads run runs ran ship ships shipped start "
    "started stop stopped split splits join joined keep keeps kept remove "
    "removed add added rename renamed extract extracted inline inlined move "
    "moved replace replaced introduce introduced measure measured compare "
    "compared explain explained discuss discussed agree agreed argue argued "
    "prefer preferred avoid avoided reduce reduced improve improved learn "
    "learned teach taught show showed try tried fail failed pass passed "
    "break broke fix fixed find found need needs needed use used make made "
    "take took give gave see saw know knew think thought feel felt want "
    "wanted help helped ask asked tell told call called work worked"
).split()

# Identifier pieces for code blocks.
CODE_NOUNS = (
    "session member pattern ticket order invoice build deploy metric event "
    "message queue record entry item user account payment report schedule "
    "agenda slot channel tag format speaker attendee vote card board task "
    "job worker batch chunk buffer cache index key value token request "
    "response client server config setting rule policy score result "
    "summary total count limit offset page cursor node edge graph tree path "
    "file line row column table query filter group bucket window sample "
    "signal alert incident release commit branch review change diff patch"
).split()
CODE_VERBS = (
    "load parse compute render validate collect merge split group sort "
    "filter build fetch store save update apply resolve normalize format "
    "encode decode publish schedule retry flush emit record count score "
    "rank match find lookup index prepare process handle convert export "
    "import sync register"
).split()
CODE_ADJS = (
    "active pending stale next last raw clean valid local remote cached "
    "sorted unique total daily weekly current default new old"
).split()

CODE_LANGS = ["rust", "python", "java", "javascript", "go", "ruby", "sql", "bash"]


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------

def slugify(text: str) -> str:
    """Lowercase ASCII words joined by '-', accents folded (as the contract says)."""
    # NFKD splits 'é' into 'e' + combining accent; the encode drops the accent.
    # 'Ł'/'ł' have no decomposition, so fold them by hand.
    text = text.replace("Ł", "L").replace("ł", "l").replace("Ø", "O").replace("ø", "o")
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


_RESERVED = {"true", "false", "yes", "no", "on", "off", "null", "y", "n"}
_PLAIN_BLOCK = re.compile(r"[^\W\d_](?:[\w .,'()/+&!?-]*[\w.)!?])?")
_PLAIN_FLOW = re.compile(r"[^\W\d_](?:[\w .'()/+&!?-]*[\w.)!?])?")


def yq(value: str, flow: bool = False) -> str:
    """A YAML scalar: plain when unambiguous (as people write it), else quoted.

    JSON string syntax is a subset of YAML's double-quoted scalars."""
    pat = _PLAIN_FLOW if flow else _PLAIN_BLOCK
    if pat.fullmatch(value) and value.lower() not in _RESERVED:
        return value
    return json.dumps(value, ensure_ascii=False)


def ylist(items: list[str]) -> str:
    return "[" + ", ".join(yq(i, flow=True) for i in items) + "]"


class Vocabulary:
    """Words with a Zipf-like distribution: function words first, then domain
    words, then generated pseudo-words, so text reads vaguely like English
    while the vocabulary stays in the thousands."""

    def __init__(self, rng: random.Random, generated: int = 2600):
        words: list[str] = []
        seen: set[str] = set()
        for w in FUNCTION_WORDS + DOMAIN_WORDS:
            if w not in seen:
                seen.add(w)
                words.append(w)
        onsets = ["b", "c", "d", "f", "g", "l", "m", "n", "p", "r", "s", "t",
                  "v", "z", "st", "tr", "pl", "gr", "br", "cl", "sh", "qu", "fr"]
        vowels = ["a", "e", "i", "o", "u", "ai", "ea", "io", "ou"]
        codas = ["", "", "n", "r", "s", "l", "t", "nd", "st", "m", "x"]
        n_listed = len(words)
        while len(words) < n_listed + generated:
            w = "".join(rng.choice(onsets) + rng.choice(vowels)
                        for _ in range(rng.choice((1, 2, 2, 2, 3))))
            w += rng.choice(codas)
            if w not in seen and len(w) > 2:
                seen.add(w)
                words.append(w)
        self.words = words
        # Zipf weights 1/(rank + 8), cumulated once so choices() is fast.
        # Pseudo-words are damped so that about one word in seven is made up.
        cum, total = [], 0.0
        for rank in range(len(words)):
            total += (1.0 if rank < n_listed else 0.35) / (rank + 8)
            cum.append(total)
        self.cum = cum

    def sample(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cum, k=k)


# --------------------------------------------------------------------------
# Code blocks
# --------------------------------------------------------------------------

class Ident:
    """Random identifiers and literals for one code block."""

    def __init__(self, rng: random.Random, vocab: Vocabulary):
        self.rng = rng
        self.vocab = vocab

    def noun(self) -> str:
        return self.rng.choice(CODE_NOUNS)

    def parts(self) -> list[str]:
        r = self.rng
        if r.random() < 0.4:
            return [r.choice(CODE_ADJS), r.choice(CODE_NOUNS)]
        return [r.choice(CODE_NOUNS)]

    def fn_parts(self) -> list[str]:
        return [self.rng.choice(CODE_VERBS)] + self.parts()

    @staticmethod
    def snake(parts: list[str]) -> str:
        return "_".join(parts)

    @staticmethod
    def camel(parts: list[str]) -> str:
        return parts[0] + "".join(p.capitalize() for p in parts[1:])

    @staticmethod
    def pascal(parts: list[str]) -> str:
        return "".join(p.capitalize() for p in parts)

    def num(self) -> int:
        return self.rng.choice((0, 1, 2, 3, 5, 8, 10, 16, 30, 42, 64, 100, 128, 500, 1000, 3600))

    def words(self, lo: int = 2, hi: int = 5) -> str:
        return " ".join(self.vocab.sample(self.rng, self.rng.randint(lo, hi)))

    def comment_text(self) -> str:
        return self.words(4, 10).capitalize()


class Lang:
    """One language's syntax for the generic function-shaped code generator.

    Subclasses give one-line statements, block openers/closers, function
    headers and returns; `Lang.block` assembles exactly N lines from them."""

    indent = "    "
    comment_prefix = "//"
    ident_case = "snake"

    def __init__(self, rng: random.Random, ident: Ident):
        self.r = rng
        self.i = ident
        self.vars: list[str] = []

    # identifier in this language's style
    def name(self, parts: list[str]) -> str:
        return getattr(Ident, self.ident_case)(parts)

    def var(self) -> str:
        if self.vars and self.r.random() < 0.6:
            return self.r.choice(self.vars)
        v = self.name(self.i.parts())
        self.vars.append(v)
        return v

    def comment(self) -> str:
        return f"{self.comment_prefix} {self.i.comment_text()}"

    # Overridden per language -------------------------------------------
    def preamble(self) -> list[str]:
        return []

    def func_open(self, name: str, params: list[str]) -> str:
        raise NotImplementedError

    def func_close(self) -> list[str]:
        return ["}"]

    def stmt(self) -> str:
        raise NotImplementedError

    def ret(self) -> str:
        raise NotImplementedError

    def block_open(self) -> tuple[str, str | None]:
        raise NotImplementedError

    # Assembly ------------------------------------------------------------
    def body(self, n: int, depth: int) -> list[str]:
        """Exactly n lines of statements and nested blocks at this depth."""
        pad = self.indent * depth
        out: list[str] = []
        while len(out) < n:
            left = n - len(out)
            if left >= 3 and depth < 3 and self.r.random() < 0.3:
                head, tail = self.block_open()
                inner = self.r.randint(1, min(4, left - (2 if tail else 1)))
                out.append(pad + head)
                out.extend(self.body(inner, depth + 1))
                if tail is not None:
                    out.append(pad + tail)
            elif left >= 2 and self.r.random() < 0.08:
                out.append(pad + self.comment())
            else:
                out.append(pad + self.stmt())
        return out

    def function(self, n: int) -> list[str]:
        """A commented function of exactly n lines (n >= 5)."""
        self.vars = [self.name(self.i.parts()) for _ in range(self.r.randint(1, 2))]
        params = list(dict.fromkeys(self.vars))
        close = self.func_close()
        head = [self.comment(), self.func_open(self.name(self.i.fn_parts()), params)]
        inner = n - len(head) - len(close) - 1
        lines = head + self.body(inner, 1) + [self.indent + self.ret()] + close
        assert len(lines) == n, (type(self).__name__, len(lines), n)
        return lines

    def block(self, n: int) -> list[str]:
        """Exactly n lines: optional preamble, then one or two functions."""
        lines: list[str] = []
        pre = self.preamble()
        if pre and n >= 10 and self.r.random() < 0.6:
            lines += pre + [""]
        left = n - len(lines)
        if left >= 18 and self.r.random() < 0.6:
            first = self.r.randint(7, left - 8)
            lines += self.function(first) + [""]
            left = n - len(lines)
        lines += self.function(left)
        return lines


class Rust(Lang):
    def preamble(self):
        return [self.r.choice(["use std::collections::HashMap;", "use std::fmt::Write;",
                               "use anyhow::{Context, Result};", "use std::path::Path;"])]

    def func_open(self, name, params):
        ty = ["&str", "usize", "&[u8]", "u64", "&Path"]
        ps = ", ".join(f"{p}: {self.r.choice(ty)}" for p in params)
        ret = self.r.choice(["Result<Vec<String>>", "Option<u64>", "usize", "String",
                             f"Result<{Ident.pascal(self.i.parts())}>"])
        pub = "pub " if self.r.random() < 0.5 else ""
        return f"{pub}fn {name}({ps}) -> {ret} {{"

    def stmt(self):
        v, w, n, p = self.var(), self.var(), self.i.num(), self.i.noun()
        return self.r.choice([
            f"let {v} = {w}.{p}();",
            f"let mut {v} = Vec::with_capacity({n});",
            f"{v}.push(format!(\"{self.i.words()} {{}}\", {w}));",
            f"println!(\"{self.i.words()}: {{:?}}\", {v});",
            f"let {v}: HashMap<String, u32> = HashMap::new();",
            f"if {v}.is_empty() {{ return None; }}",
            f"{v} += {n};",
            f"let {v} = {w}.iter().filter(|x| x.{p} > {n}).count();",
            f"let {v} = {w}.get(\"{p}\").copied().unwrap_or({n});",
            f"{v}.insert({w}.to_string(), {n});",
        ])

    def ret(self):
        return self.r.choice([f"Ok({self.var()})", f"Some({self.var()})", f"{self.var()}.len()",
                              f"{self.var()}.to_string()"])

    def block_open(self):
        v, it = self.var(), self.i.noun()
        return self.r.choice([
            (f"for {it} in {v}.iter() {{", "}"),
            (f"if {v} > {self.i.num()} {{", "}"),
            (f"while let Some({it}) = {v}.pop() {{", "}"),
        ])


class Python(Lang):
    comment_prefix = "#"

    def preamble(self):
        return [self.r.choice(["import json", "from collections import defaultdict",
                               "import logging", "from pathlib import Path"])]

    def func_open(self, name, params):
        ps = ", ".join(params[:-1] + [f"{params[-1]}={self.i.num()}"]) if self.r.random() < 0.3 else ", ".join(params)
        return f"def {name}({ps}):"

    def func_close(self):
        return []

    def stmt(self):
        v, w, n, p = self.var(), self.var(), self.i.num(), self.i.noun()
        return self.r.choice([
            f"{v} = {w}.get(\"{p}\", {n})",
            f"{v} = [x for x in {w} if x.{p}]",
            f"print(f\"{self.i.words()}: {{{v}}}\")",
            f"{v} += {n}",
            f"logger.info(\"{self.i.words()} %s\", {v})",
            f"{v} = {{\"{p}\": {n}, \"{self.i.noun()}\": {w}}}",
            f"{v}.append({w})",
            f"{v} = sorted({w}, key=lambda x: x.{p})",
            f"\"\"\"{self.i.comment_text()}.\"\"\"",
        ])

    def ret(self):
        return f"return {self.var()}"

    def block_open(self):
        v, it = self.var(), self.i.noun()
        return self.r.choice([
            (f"for {it} in {v}:", None),
            (f"if {v} > {self.i.num()}:", None),
            (f"with open(\"{self.i.noun()}.json\") as fh:", None),
            (f"while {v} < {self.i.num()}:", None),
        ])


class Java(Lang):
    ident_case = "camel"

    def preamble(self):
        return [self.r.choice(["import java.util.List;", "import java.util.Map;",
                               "import java.time.Instant;", "import java.util.ArrayList;"])]

    def func_open(self, name, params):
        ty = ["String", "int", "long", "List<String>"]
        ps = ", ".join(f"{self.r.choice(ty)} {p}" for p in params)
        ret = self.r.choice(["int", "String", f"List<{Ident.pascal(self.i.parts())}>",
                             Ident.pascal(self.i.parts())])
        return f"{self.r.choice(['public static', 'private', 'public'])} {ret} {name}({ps}) {{"

    def stmt(self):
        v, w, n, p = self.var(), self.var(), self.i.num(), self.i.noun()
        ty = Ident.pascal(self.i.parts())
        return self.r.choice([
            f"String {v} = {w}.trim();",
            f"List<{ty}> {v} = new ArrayList<>();",
            f"System.out.println(\"{self.i.words()}: \" + {v});",
            f"int {v} = {w}.length() * {n};",
            f"{v}.add(new {ty}({w}, \"{p}\"));",
            f"Map<String, Integer> {v} = new HashMap<>();",
            f"{v}.put(\"{p}\", {v}.getOrDefault(\"{p}\", 0) + {n});",
            f"if ({v} == null) throw new IllegalStateException(\"{self.i.words()}\");",
        ])

    def ret(self):
        return f"return {self.var()};"

    def block_open(self):
        v, it = self.var(), self.i.noun()
        return self.r.choice([
            (f"for (String {it} : {v}) {{", "}"),
            (f"if ({v} > {self.i.num()}) {{", "}"),
            (f"while ({v} < {self.i.num()}) {{", "}"),
        ])


class JavaScript(Lang):
    ident_case = "camel"

    def preamble(self):
        return [self.r.choice(['import { readFile } from "node:fs/promises";',
                               'const path = require("node:path");',
                               'import assert from "node:assert";'])]

    def func_open(self, name, params):
        ps = ", ".join(params)
        return self.r.choice([f"function {name}({ps}) {{", f"async function {name}({ps}) {{",
                              f"export function {name}({ps}) {{"])

    def stmt(self):
        v, w, n, p = self.var(), self.var(), self.i.num(), self.i.noun()
        return self.r.choice([
            f"const {v} = {w}.map((x) => x.{p});",
            f"let {v} = {n};",
            f"console.log(`{self.i.words()} ${{{v}}}`);",
            f"{v}.push({{ {p}: {w}, label: \"{self.i.words()}\" }});",
            f"const {v} = await fetch(\"/api/{p}s?limit={n}\");",
            f"{v} += {n};",
            f"const {v} = {w}.filter(Boolean).length;",
            f"if (!{v}) throw new Error(\"{self.i.words()}\");",
        ])

    def ret(self):
        return f"return {self.var()};"

    def block_open(self):
        v, it = self.var(), self.i.noun()
        return self.r.choice([
            (f"for (const {it} of {v}) {{", "}"),
            (f"if ({v} > {self.i.num()}) {{", "}"),
            (f"while ({v} < {self.i.num()}) {{", "}"),
        ])


class Go(Lang):
    indent = "\t"
    ident_case = "camel"

    def preamble(self):
        return [self.r.choice(['import "fmt"', 'import "strings"', 'import "errors"'])]

    def func_open(self, name, params):
        ty = ["string", "int", "[]byte", "time.Duration"]
        ps = ", ".join(f"{p} {self.r.choice(ty)}" for p in params)
        ret = self.r.choice(["(int, error)", "([]string, error)", "error", "string",
                             f"(*{Ident.pascal(self.i.parts())}, error)"])
        return f"func {Ident.pascal(name_parts(name))}({ps}) {ret} {{"

    def stmt(self):
        v, w, n, p = self.var(), self.var(), self.i.num(), self.i.noun()
        return self.r.choice([
            f"{v} := strings.TrimSpace({w})",
            f"{v} := make([]string, 0, {n})",
            f"fmt.Printf(\"{self.i.words()}: %v\\n\", {v})",
            f"{v} = append({v}, {w})",
            "if err != nil { return nil, err }",
            f"{v}, err := {p}.Load({w})",
            f"{v} += {n}",
            f"{v}[\"{p}\"] = {w}",
        ])

    def ret(self):
        return self.r.choice([f"return {self.var()}, nil", f"return {self.var()}", "return nil"])

    def block_open(self):
        v, it = self.var(), self.i.noun()
        return self.r.choice([
            (f"for _, {it} := range {v} {{", "}"),
            (f"if {v} > {self.i.num()} {{", "}"),
            (f"for i := 0; i < {self.i.num()}; i++ {{", "}"),
        ])


def name_parts(name: str) -> list[str]:
    """Split a camelCase name back into words (for Go's exported names)."""
    return re.findall(r"[a-z]+|[A-Z][a-z]*", name)


class Ruby(Lang):
    indent = "  "
    comment_prefix = "#"

    def preamble(self):
        return [self.r.choice(['require "json"', 'require "time"', 'require_relative "helper"'])]

    def func_open(self, name, params):
        return f"def {name}({', '.join(params)})"

    def func_close(self):
        return ["end"]

    def stmt(self):
        v, w, n, p = self.var(), self.var(), self.i.num(), self.i.noun()
        return self.r.choice([
            f"{v} = {w}.map(&:{p})",
            f"puts \"{self.i.words()}: #{{{v}}}\"",
            f"{v} = {{ {p}: {n}, {self.i.noun()}: \"{self.i.words()}\" }}",
            f"{v} += {n}",
            f"{v} << {w}.to_s",
            f"raise ArgumentError, \"{self.i.words()}\" if {v}.nil?",
            f"{v} = {w}.select {{ |x| x.{p} > {n} }}",
        ])

    def ret(self):
        return self.var()

    def block_open(self):
        v, it = self.var(), self.i.noun()
        return self.r.choice([
            (f"{v}.each do |{it}|", "end"),
            (f"if {v} > {self.i.num()}", "end"),
            (f"while {v} < {self.i.num()}", "end"),
        ])


class Bash(Lang):
    indent = "  "
    comment_prefix = "#"

    def preamble(self):
        return [self.r.choice(["set -euo pipefail", 'source "$(dirname "$0")/lib.sh"',
                               'readonly ROOT="${ROOT:-/srv/app}"'])]

    def func_open(self, name, params):
        return f"{name}() {{"

    def stmt(self):
        v, w, n, p = self.var(), self.var(), self.i.num(), self.i.noun()
        return self.r.choice([
            f"local {v}=\"{p}-{n}\"",
            f"echo \"{self.i.words()}: ${{{v}}}\"",
            f"{v}=$(grep -c \"{p}\" \"${{{w}}}\")",
            f"mkdir -p \"${{{v}}}/{p}\"",
            f"curl -fsSL \"https://example.com/{p}/{n}\" -o \"/tmp/{p}.json\"",
            f"{v}=$(({v} + {n}))",
            f"[[ -f \"${{{v}}}\" ]] || return 1",
        ])

    def ret(self):
        return self.r.choice([f"echo \"${{{self.var()}}}\"", "return 0"])

    def block_open(self):
        v, it = self.var(), self.i.noun()
        return self.r.choice([
            (f"for {it} in \"${{{v}[@]}}\"; do", "done"),
            (f"if [[ -z \"${{{v}}}\" ]]; then", "fi"),
            (f"while read -r {it}; do", f"done < \"${{{v}}}\""),
        ])


def sql_block(rng: random.Random, ident: Ident, n: int) -> list[str]:
    """Exactly n lines of SQL: DDL, multi-line SELECTs, INSERTs, comments."""
    out: list[str] = []
    while len(out) < n:
        left = n - len(out)
        table = Ident.snake(ident.parts()) + "s"
        if left <= 2:
            out.append(rng.choice([
                f"-- {ident.comment_text()}",
                f"DELETE FROM {table} WHERE {ident.noun()}_id = {ident.num()};",
                f"UPDATE {table} SET {ident.noun()} = '{ident.words(1, 3)}' WHERE id = {ident.num()};",
            ]))
            continue
        size = rng.randint(3, min(left, 9))
        kind = rng.choice(("create", "select", "insert"))
        if kind == "create":
            cols = [f"    {ident.noun()}_{i} {rng.choice(['TEXT NOT NULL', 'INTEGER', 'TIMESTAMP', 'BOOLEAN DEFAULT FALSE', 'NUMERIC(10, 2)'])},"
                    for i in range(size - 2)]
            out.append(f"CREATE TABLE {table} (")
            cols[-1] = cols[-1].rstrip(",")
            out += cols
            out.append(");")
        elif kind == "insert":
            out.append(f"INSERT INTO {table} ({ident.noun()}, {ident.noun()}_at) VALUES")
            rows = [f"    ('{ident.words(1, 3)}', NOW() - INTERVAL '{ident.num()} days')," for _ in range(size - 1)]
            rows[-1] = rows[-1][:-1] + ";"
            out += rows
        else:
            other = Ident.snake(ident.parts()) + "s"
            clauses = [
                f"  JOIN {other} o ON o.{ident.noun()}_id = t.id",
                f"WHERE t.{ident.noun()} > {ident.num()}",
                f"  AND t.{ident.noun()} <> '{ident.words(1, 2)}'",
                f"GROUP BY t.{ident.noun()}",
                f"HAVING COUNT(*) > {ident.num()}",
                f"ORDER BY 2 DESC",
                f"LIMIT {ident.num() + 1}",
            ]
            body = [f"SELECT t.{ident.noun()}, COUNT(*) AS {ident.noun()}_count",
                    f"FROM {table} t"] + clauses[: size - 2]
            body[-1] += ";"
            out += body
    return out


LANG_CLASSES = {"rust": Rust, "python": Python, "java": Java, "javascript": JavaScript,
                "go": Go, "ruby": Ruby, "bash": Bash}


def code_block(rng: random.Random, vocab: Vocabulary) -> tuple[str, int]:
    """A fenced code block and its number of code lines."""
    lang = rng.choice(CODE_LANGS)
    n = rng.randint(CODE_LINES_MIN, CODE_LINES_MAX)
    ident = Ident(rng, vocab)
    if lang == "sql":
        lines = sql_block(rng, ident, n)
    else:
        lines = LANG_CLASSES[lang](rng, ident).block(n)
    assert len(lines) == n
    return "```" + lang + "\n" + "\n".join(lines) + "\n```", n


# --------------------------------------------------------------------------
# Prose
# --------------------------------------------------------------------------

class Prose:
    def __init__(self, rng: random.Random, vocab: Vocabulary):
        self.r = rng
        self.v = vocab

    def sentence(self, lo: int = 6, hi: int = 22) -> str:
        words = self.v.sample(self.r, self.r.randint(lo, hi))
        if len(words) > 8 and self.r.random() < 0.35:
            words[self.r.randint(3, len(words) - 3)] += ","
        return " ".join(words).capitalize() + "."

    def paragraph(self, links: list[str] | None = None) -> str:
        """3-6 sentences with a little inline markup; `links` are spliced in."""
        r = self.r
        sents = [self.sentence() for _ in range(r.randint(3, 6))]
        text = " ".join(sents)
        words = text.split(" ")
        for _ in range(r.choice((0, 0, 1, 1, 2))):
            k = r.randrange(len(words))
            w = words[k]
            if w[-1:].isalpha():
                words[k] = r.choice(("**%s**", "*%s*", "`%s`")) % w
        for link in links or []:
            words.insert(r.randrange(1, len(words)), link)
        return " ".join(words)

    def list_block(self) -> str:
        r = self.r
        n = r.randint(3, 7)
        numbered = r.random() < 0.35
        items = []
        for k in range(n):
            mark = f"{k + 1}." if numbered else "-"
            items.append(f"{mark} {self.sentence(3, 12)}")
        return "\n".join(items)

    def table(self) -> str:
        r = self.r
        cols = r.randint(3, 4)
        head = [w.capitalize() for w in self.v.sample(r, cols)]
        rows = ["| " + " | ".join(head) + " |", "|" + "---|" * cols]
        for _ in range(r.randint(3, 6)):
            cells = [" ".join(self.v.sample(r, r.randint(1, 3)))] + \
                    [str(r.randint(0, 500)) for _ in range(cols - 1)]
            rows.append("| " + " | ".join(cells) + " |")
        return "\n".join(rows)


# --------------------------------------------------------------------------
# The site
# --------------------------------------------------------------------------

class Site:
    def __init__(self, out: Path, pages: int, seed: int):
        self.out = out
        self.pages = pages
        self.r = random.Random(seed)
        self.vocab = Vocabulary(self.r)
        self.prose = Prose(self.r, self.vocab)
        self.md_bytes = 0
        self.md_files = 0
        self.code_lines = 0
        self.blocks = 0
        self.paths_written: set[str] = set()
        # Zipf-ish weights: a few facilitators run many sessions.
        self.fac_weights = [1.0 / (k + 3) for k in range(len(FACILITATORS))]
        self.patterns: list[tuple[str, str]] = []   # (slug, title)

    # ---- output --------------------------------------------------------
    def write_md(self, rel: str, front: list[str], body: str) -> None:
        assert rel not in self.paths_written, rel
        self.paths_written.add(rel)
        text = "---\n" + "\n".join(front) + "\n---\n\n" + body.rstrip("\n") + "\n"
        data = text.encode("utf-8")
        path = self.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.md_bytes += len(data)
        self.md_files += 1

    # ---- bodies --------------------------------------------------------
    def pattern_link(self, slug: str, title: str, prefix: str) -> str:
        return f"[{title}]({prefix}{slug}.md)"

    def body(self, sections: list[str], fixed_bytes: int, link_prefix: str,
             link_slugs: list[str]) -> str:
        """Markdown body: intro, several ## sections, one list, one code block,
        sometimes a table, two pattern links, padded with paragraphs up to a
        per-page size drawn around TARGET_PAGE_BYTES."""
        r = self.r
        titles = dict(self.patterns)
        links = [self.pattern_link(s, titles[s], link_prefix) for s in link_slugs]
        heads = r.sample(sections, min(len(sections), r.randint(3, 5)))
        parts: list[list[str]] = [[self.prose.paragraph()]] + [[f"## {h}"] for h in heads]
        # Spread the fixed elements over distinct sections.
        slots = list(range(1, len(parts)))
        r.shuffle(slots)
        code, n = code_block(r, self.vocab)
        self.code_lines += n
        self.blocks += 1
        parts[slots[0]].append(code)
        parts[slots[1 % len(slots)]].append(self.prose.list_block())
        if r.random() < 0.15:
            parts[slots[2 % len(slots)]].append(self.prose.table())
        # Links go into the intro and one section's first paragraph.
        parts[0][0] = self.prose.paragraph(links[:1])
        parts[slots[-1]].insert(1, self.prose.paragraph(links[1:]))

        # Per-page target: uniform 2.6-9.0 KB, mean 5.8 KB, so sizes vary.
        target = r.randint(TARGET_PAGE_BYTES - 3200, TARGET_PAGE_BYTES + 3200)
        size = fixed_bytes + sum(len(p) + 2 for sec in parts for p in sec)
        k = 0
        # Stop once the next paragraph would overshoot by more than half its
        # length: keeps the mean on target instead of always overshooting.
        while True:
            para = self.prose.paragraph()
            if size + len(para) // 2 >= target:
                break
            sec = parts[1 + k % (len(parts) - 1)] if k % 3 else parts[0]
            sec.insert(1 if sec[0].startswith("## ") else len(sec), para)
            size += len(para) + 2
            k += 1
        return "\n\n".join(p for sec in parts for p in sec)

    @staticmethod
    def front_size(front: list[str]) -> int:
        return sum(len(line.encode("utf-8")) + 1 for line in front) + 10

    # ---- kinds ---------------------------------------------------------
    def pick_patterns(self, k: int) -> list[str]:
        return [s for s, _ in self.r.sample(self.patterns, min(k, len(self.patterns)))]

    def gen_site_yaml(self) -> None:
        (self.out / "site.yaml").write_text(
            "title: Engineering Communities of Practice\n"
            "base_url: /\n"
            "timezone: Europe/Madrid\n"
            "description: Sessions, patterns and people of our engineering communities "
            "(synthetic benchmark corpus).\n",
            encoding="utf-8")

    def gen_patterns(self, count: int) -> None:
        r = self.r
        titles: list[tuple[str, list[str]]] = list(REAL_PATTERNS)
        r.shuffle(titles)
        combos = [(f"{q} {c}", []) for q in PATTERN_QUALIFIERS for c in PATTERN_CORES]
        r.shuffle(combos)
        titles += combos
        k = 2
        while len(titles) < count:  # only for very large sites
            titles += [(f"{t} {k}", []) for t, _ in combos]
            k += 1
        titles = titles[:count]
        used_alias: set[str] = set()
        entries = []
        for title, aliases in titles:
            if not aliases and len(title.split()) >= 2 and r.random() < 0.4:
                aliases = ["".join(w[0] for w in re.split(r"[ -]", title) if w).upper()]
            aliases = [a for a in aliases if a not in used_alias]
            used_alias.update(aliases)
            entries.append((slugify(title), title, aliases))
        self.patterns = [(s, t) for s, t, _ in entries]
        slugs = [s for s, _, _ in entries]
        assert len(set(slugs)) == len(slugs)
        for slug, title, aliases in entries:
            related = [s for s in self.pick_patterns(r.randint(1, 4)) if s != slug][:3]
            front = [
                f"title: {yq(title)}",
                f"summary: {yq(self.prose.sentence(6, 14))}",
                f"tags: {ylist(r.sample(TAGS, r.randint(1, 3)))}",
                f"maturity: {r.choice(['adopt', 'adopt', 'trial', 'trial', 'assess', 'hold'])}",
                f"aliases: {ylist(aliases)}",
                f"related: {ylist(related)}",
            ]
            links = (related + [s for s in self.pick_patterns(3) if s != slug])[:2]
            body = self.body(PATTERN_SECTIONS, self.front_size(front), "../patterns/", links)
            self.write_md(f"content/patterns/{slug}.md", front, body)

    def gen_communities(self) -> None:
        r = self.r
        for slug, title, purpose, channel, tz, color, _ in COMMUNITIES:
            front = [
                f"title: {yq(title)}",
                f"purpose: {yq(purpose)}",
                f"coordinators: {ylist(r.sample(FACILITATORS, 2))}",
                f"channel: {yq(channel)}",
                f"timezone: {tz}",
                f"color: {yq(color)}",
            ]
            body = self.body(COMMUNITY_SECTIONS, self.front_size(front), "../patterns/",
                             self.pick_patterns(2))
            self.write_md(f"content/communities/{slug}.md", front, body)

    def gen_people(self) -> None:
        r = self.r
        profiled = r.sample(FACILITATORS, PROFILED)
        self.aliases: dict[str, str] = {}
        taken = set(FACILITATORS)
        for name in profiled:
            first, *rest = name.split()
            cands = [slugify(name).replace("-", " ").title(),   # accents folded
                     f"{first[0]}. {' '.join(rest)}"]
            aliases = [a for a in dict.fromkeys(cands) if a != name and a not in taken]
            taken.update(aliases)
            if aliases:
                self.aliases[name] = aliases[-1]
            handle = slugify(name).replace("-", "")
            front = [
                f"title: {yq(name)}",
                f"role: {yq(r.choice(ROLES))}",
                f"aliases: {ylist(aliases)}",
                "links:",
                f"  GitHub: https://github.com/{handle}",
            ]
            if r.random() < 0.6:
                front.append(f"  LinkedIn: https://www.linkedin.com/in/{handle}")
            if r.random() < 0.3:
                front.append(f"  Blog: https://{handle}.example.com/")
            body = self.body(PEOPLE_SECTIONS, self.front_size(front), "../patterns/",
                             self.pick_patterns(2))
            self.write_md(f"content/people/{slugify(name)}.md", front, body)

    def session_title(self, fmt: str) -> str:
        r = self.r
        topic = r.choice(TOPICS)
        if fmt == "Code kata" and r.random() < 0.7:
            return f"{r.choice(KATAS)} Kata"
        if fmt == "Lean Coffee" and r.random() < 0.5:
            return f"Lean Coffee: {topic}"
        if fmt == "Debate" and r.random() < 0.6:
            return f"{topic} vs {r.choice(TOPICS)}"
        return r.choice([
            topic, f"{topic} in Practice", f"Introduction to {topic}",
            f"{topic}: {r.choice(SUBTITLES)}", f"{topic} for {r.choice(['Beginners', 'Teams', 'Leads', 'Everyone'])}",
        ])

    def gen_sessions(self, count: int) -> None:
        r = self.r
        span = (DATE_LAST - DATE_FIRST).days
        weights = [c[6] for c in COMMUNITIES]
        taken: set[str] = set()   # session slugs are global, not per community
        counters = ["Part Two", "Part Three", "Part Four", "Part Five", "Encore", "Revisited"]
        for _ in range(count):
            comm = r.choices(COMMUNITIES, weights=weights)[0]
            date = (DATE_FIRST + dt.timedelta(days=r.randint(0, span))).isoformat()
            fmt = r.choice(FORMATS)
            title = self.session_title(fmt)
            base, k = title, 0
            while f"{date}-{slugify(title)}" in taken:
                title = f"{base} {counters[k]}" if k < len(counters) else f"{base} {k + 2}"
                k += 1
            slug = f"{date}-{slugify(title)}"
            taken.add(slug)

            facs = list(dict.fromkeys(
                r.choices(FACILITATORS, weights=self.fac_weights, k=r.choice((1, 1, 1, 2)))))
            # Now and then a session spells a profiled person by an alias.
            facs = [self.aliases[f] if f in self.aliases and r.random() < 0.03 else f
                    for f in facs]
            pats = self.pick_patterns(r.choice((0, 1, 1, 2)))
            channel = comm[3] if r.random() < 0.5 else r.choice(CHANNELS)
            tools = r.sample(TOOLS, r.choice((0, 0, 1, 2, 3)))
            objective = self.prose.sentence(6, 14)
            front = [
                f"title: {yq(title)}",
                f"date: {date}",
                f"time: \"{r.choice(TIMES)}\"",
                f"facilitators: {ylist(facs)}",
                f"format: {yq(fmt)}",
                f"channel: {yq(channel)}",
                f"tools: {ylist(tools)}",
                f"objective: {yq(objective)}",
                f"tags: {ylist(r.sample(TAGS, r.randint(2, 4)))}",
                f"patterns: {ylist(pats)}",
            ]
            links = (pats + self.pick_patterns(2))[:2]
            body = self.body(SESSION_SECTIONS, self.front_size(front), "../../patterns/", links)
            self.write_md(f"content/sessions/{comm[0]}/{slug}.md", front, body)

    def generate(self) -> None:
        n_patterns = max(3, round(self.pages * 0.05))
        n_sessions = self.pages - len(COMMUNITIES) - PROFILED - n_patterns
        self.gen_site_yaml()
        self.gen_patterns(n_patterns)   # first: everything else links to them
        self.gen_communities()
        self.gen_people()
        self.gen_sessions(n_sessions)
        assert self.md_files == self.pages


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--pages", type=int, required=True,
                    help="number of Markdown files to write (>= 40)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if args.pages < 40:
        ap.error("--pages must be at least 40 (4 communities + 30 people + patterns + sessions)")

    out: Path = args.out_dir
    # Refuse to clear a folder we did not generate: OUT_DIR may be mistyped.
    if out.exists():
        if (out / MARKER).exists():
            shutil.rmtree(out)
        elif any(out.iterdir()):
            print(f"error: {out} exists, is not empty and was not made by this script",
                  file=sys.stderr)
            return 2
    out.mkdir(parents=True, exist_ok=True)

    site = Site(out, args.pages, args.seed)
    site.generate()
    summary = (f"pages={site.md_files} markdown_mb={site.md_bytes / 1e6:.1f} "
               f"code_lines={site.code_lines} blocks={site.blocks}")
    # The generator's own hash is recorded so run.sh regenerates after edits.
    gen_hash = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
    (out / MARKER).write_text(
        f"pages={args.pages} seed={args.seed} generator={gen_hash}\n{summary}\n",
        encoding="utf-8")
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
