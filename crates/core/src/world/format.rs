//! `--format` for the listing commands (`ps`, `images`, `volume ls`, ...).

use super::{Failure, Handled, Reply};
use crate::output::{align_tab_separated, render_template, table};

/// A list command's rows: through `--format` when given, else docker's default table of
/// `columns` (title, row key).
pub(crate) fn print_rows(
    format: Option<&str>,
    rows: &[serde_json::Value],
    columns: &[(&str, &str)],
) -> Handled {
    if let Some(format) = format {
        return format_rows(format, rows, columns);
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            columns
                .iter()
                .map(|(_, key)| r[key].as_str().unwrap_or("").to_string())
                .collect()
        })
        .collect();
    let header: Vec<&str> = columns.iter().map(|(title, _)| *title).collect();
    Ok(Reply::out(table(&header, &cells)))
}

/// `--format`: `table` followed by a template prints a header row, otherwise one line per row.
pub(crate) fn format_rows(
    format: &str,
    rows: &[serde_json::Value],
    columns: &[(&str, &str)],
) -> Handled {
    let (with_header, template) = match format.strip_prefix("table") {
        Some(rest) => (true, rest.trim_start()),
        None => (false, format),
    };
    if format == "json" {
        return Ok(Reply::out(
            rows.iter()
                .map(|r| format!("{}\n", serde_json::to_string(r).unwrap_or_default()))
                .collect::<String>(),
        ));
    }
    // docker turns a typed `\t` into a tab before anything else.
    let template = template.replace("\\t", "\t");
    let mut lines = Vec::with_capacity(rows.len() + 1);
    if with_header {
        let mut header = template.clone();
        for (title, key) in columns {
            header = header.replace(&format!("{{{{.{key}}}}}"), title);
        }
        lines.push(header);
    }
    for row in rows {
        lines.push(render_template(&template, row).map_err(|e| Failure::new(e, 1))?);
    }
    if with_header {
        return Ok(Reply::out(align_tab_separated(&lines)));
    }
    Ok(Reply::out(
        lines.iter().map(|l| format!("{l}\n")).collect::<String>(),
    ))
}
