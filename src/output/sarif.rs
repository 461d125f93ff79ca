//! `oslog validate --format sarif`: the findings as a SARIF 2.1.0 log, the format code-scanning
//! dashboards (GitHub's among them) read. Only the part of the standard a finding fills is written:
//! the tool with one rule per finding code, and one result per finding at its file, line and column.
//! It is a few plain types rather than a SARIF crate: the maintained one generates its types from the
//! SARIF schema at build time and brings a dozen crates, a second major version of syn among them,
//! for the twenty fields used here; tests/sarif.rs checks the output against the SARIF schema.

use crate::diag::{Code, Diagnostic, Severity};
use serde::Serialize;
use std::io::{self, Write};
use std::path::Path;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run; 1],
}

#[derive(Serialize)]
struct Run {
    tool: Tool,
    results: Vec<Finding>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    short_description: Text<&'static str>,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Text<T> {
    text: T,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Finding {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text<String>,
    locations: [Location; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<u32>,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// Write `diags` as a SARIF log. `prefix` is the log root as the user gives it, so that the files'
/// URIs are relative to where oslog ran (the repository's top in a workflow) when it is relative.
pub fn write(w: &mut dyn Write, diags: &[Diagnostic], prefix: &Path) -> io::Result<()> {
    let rules = Code::ALL
        .iter()
        .map(|code| Rule {
            id: code.as_str(),
            short_description: Text { text: code.about() },
            default_configuration: Configuration {
                level: level(code.severity()),
            },
        })
        .collect();
    let results = diags
        .iter()
        .map(|d| {
            let message = match &d.hint {
                Some(hint) => format!("{}\nhint: {hint}", d.message),
                None => d.message.clone(),
            };
            Finding {
                rule_id: d.code.as_str(),
                rule_index: Code::ALL.iter().position(|c| *c == d.code).unwrap_or(0),
                level: level(d.severity),
                message: Text { text: message },
                locations: [Location {
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation {
                            uri: uri(&prefix.join(&d.file)),
                        },
                        region: d.line.map(|line| Region {
                            start_line: line.max(1),
                            start_column: d.column.map(|c| c.max(1)),
                        }),
                    },
                }],
            }
        })
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "oslog",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    rules,
                },
            },
            results,
        }],
    };
    super::json::write_as_is(w, &log)
}

/// A file's path as a URI reference: relative when the path is, a `file://` URI when it is absolute,
/// with every byte but the unreserved ones and `/` percent-encoded.
fn uri(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let text = text.trim_start_matches("./");
    let mut out = String::with_capacity(text.len());
    if text.starts_with('/') {
        out.push_str("file://");
    }
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_or_file_uris_and_encoded() {
        assert_eq!(uri(Path::new("./actions/001.yaml")), "actions/001.yaml");
        assert_eq!(uri(Path::new("log/a b%.yaml")), "log/a%20b%25.yaml");
        assert_eq!(
            uri(Path::new("/srv/log/é.yaml")),
            "file:///srv/log/%C3%A9.yaml"
        );
    }
}
