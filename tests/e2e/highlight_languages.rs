//! Every common language is highlighted (issue 11): a fenced block in each
//! is built into a real page and must come out as coloured spans, with no
//! "unknown language" warning. The samples are short but typical, so a
//! syntax that parses nothing (everything plain text) fails too.

use crate::harness::{SiteTest, select};

/// (fence word, a typical snippet). The words are what people write after
/// the fence: names, extensions and common aliases.
const SAMPLES: &[(&str, &str)] = &[
    (
        "typescript",
        "interface User { id: number; name: string }\nconst u: User = { id: 1, name: \"a\" };\n",
    ),
    (
        "ts",
        "export function f(x: number): string { return `${x}`; }\n",
    ),
    (
        "tsx",
        "const App = (): JSX.Element => <div className=\"a\">{1}</div>;\n",
    ),
    (
        "kotlin",
        "fun main() { val xs = listOf(1, 2); println(xs.map { it * 2 }) }\n",
    ),
    ("kt", "data class P(val x: Int)\n"),
    (
        "swift",
        "struct P { let x: Int }\nfunc f() -> Int { return 1 }\n",
    ),
    ("toml", "[package]\nname = \"x\"\nversion = \"0.1.0\"\n"),
    (
        "dockerfile",
        "FROM debian:bookworm\nRUN apt-get update\nCOPY . /app\n",
    ),
    ("docker", "FROM alpine\nCMD [\"sh\"]\n"),
    (
        "hcl",
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n}\n",
    ),
    ("terraform", "variable \"n\" {\n  default = 1\n}\n"),
    ("graphql", "query Q($id: ID!) { user(id: $id) { name } }\n"),
    (
        "protobuf",
        "syntax = \"proto3\";\nmessage M { string name = 1; }\n",
    ),
    ("proto", "service S { rpc Get (Req) returns (Res); }\n"),
    (
        "vue",
        "<template>\n  <div>{{ msg }}</div>\n</template>\n<script>\nexport default { data() { return { msg: 1 } } }\n</script>\n",
    ),
    (
        "svelte",
        "<script>\n  let count = 0;\n</script>\n<button on:click={() => count++}>{count}</button>\n",
    ),
    ("scala", "object A { def f(x: Int): Int = x + 1 }\n"),
    ("elixir", "defmodule A do\n  def f(x), do: x + 1\nend\n"),
    ("zig", "pub fn main() void { const x: u8 = 1; _ = x; }\n"),
    ("nix", "{ pkgs ? import <nixpkgs> {} }: pkgs.hello\n"),
    ("dart", "void main() { final x = 1; print(x); }\n"),
    ("lua", "local function f(x) return x + 1 end\n"),
    ("rust", "fn main() { let x: u8 = 1; }\n"),
    ("python", "def f(x):\n    return x + 1\n"),
    ("go", "func main() { x := 1; fmt.Println(x) }\n"),
    ("java", "public class A { int x = 1; }\n"),
    ("javascript", "const a = [1, 2].map((x) => x * 2);\n"),
    ("bash", "for f in *; do echo \"$f\"; done\n"),
    ("sql", "SELECT id FROM users WHERE name = 'a';\n"),
    ("ruby", "def f(x) = x + 1\n"),
    ("yaml", "key: value\nlist: [1, 2]\n"),
    ("json", "{\"a\": [1, true, null]}\n"),
];

/// Languages that only Oniguruma compiles (bat's PowerShell and Babel's
/// JSX use regex features fancy-regex lacks), so they are checked only in
/// the default build.
const ONIG_ONLY: &[(&str, &str)] = &[
    (
        "powershell",
        "$x = Get-ChildItem -Path . | Where-Object { $_.Length -gt 1 }\n",
    ),
    ("pwsh", "function F { param([int]$X) return $X + 1 }\n"),
    ("jsx", "const App = () => <div className=\"a\">{1}</div>;\n"),
];

fn samples() -> Vec<(&'static str, &'static str)> {
    let mut all = SAMPLES.to_vec();
    if cfg!(feature = "onig") {
        all.extend_from_slice(ONIG_ONLY);
    }
    all
}

#[test]
fn every_common_language_is_highlighted_without_a_warning() {
    let mut body = String::from("---\ntitle: Code\nsummary: Code in many languages.\n---\n");
    for (lang, code) in samples() {
        body.push_str(&format!("\n```{lang}\n{code}```\n"));
    }
    let site = SiteTest::new().file("content/patterns/code.md", &body);
    let report = site.build().ok();
    let unknown: Vec<String> = report
        .warnings
        .iter()
        .map(|d| d.render(false))
        .filter(|w| w.contains("language"))
        .collect();
    assert!(unknown.is_empty(), "{}", unknown.join("\n"));

    let page = site.html("patterns/code/index.html");
    let blocks = select(&page, "pre.code");
    let samples = samples();
    assert_eq!(blocks.len(), samples.len());
    for (block, (lang, _)) in blocks.iter().zip(&samples) {
        assert_eq!(block.value().attr("data-lang"), Some(*lang));
        let coloured = select_spans(block);
        assert!(
            coloured >= 2,
            "`{lang}` has {coloured} coloured spans: {}",
            block.html()
        );
    }
}

/// Spans carrying a light and a dark colour class.
fn select_spans(block: &scraper::ElementRef<'_>) -> usize {
    crate::harness::select_in(block, "span")
        .iter()
        .filter(|s| {
            let class = s.value().attr("class").unwrap_or("");
            class.contains("hl-l") && class.contains("hl-d")
        })
        .count()
}
