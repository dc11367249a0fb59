//! The part of Go's text/template that `--format` is used with in practice: `{{.Field}}`,
//! nested `{{.State.Status}}`, `{{json .Config}}`, `{{index .Labels "key"}}`, `{{upper .X}}`,
//! `{{lower .X}}`, literal text and `\t`/`\n` escapes. Data is a JSON value.

use serde_json::Value;

/// Renders `template` against `data`; unknown functions and bad syntax are errors in Go's
/// wording ("template parsing error: ...").
pub fn render(template: &str, data: &Value) -> Result<String, String> {
    let template = template.replace("\\t", "\t").replace("\\n", "\n");
    let mut out = String::new();
    let mut rest = template.as_str();
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find("}}")
            .ok_or_else(|| "template parsing error: template: :1: unclosed action".to_string())?;
        let action = after[..end]
            .trim()
            .trim_start_matches('-')
            .trim_end_matches('-')
            .trim();
        out.push_str(&eval(action, data)?);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

fn eval(action: &str, data: &Value) -> Result<String, String> {
    let words = crate::command::split_words(action).map_err(|e| e.message)?;
    match words.as_slice() {
        [path] if path.starts_with('.') => Ok(plain(&lookup(data, path))),
        [func, path] if func == "json" => {
            Ok(serde_json::to_string(&lookup(data, path)).unwrap_or_default())
        }
        [func, path] if func == "upper" => Ok(plain(&lookup(data, path)).to_uppercase()),
        [func, path] if func == "lower" => Ok(plain(&lookup(data, path)).to_lowercase()),
        [func, path, key] if func == "index" => {
            let map = lookup(data, path);
            Ok(plain(map.get(key.as_str()).unwrap_or(&Value::Null)))
        }
        _ => Err(format!(
            "template parsing error: template: :1: function \"{}\" not defined",
            words.first().map(String::as_str).unwrap_or("")
        )),
    }
}

/// Follows `.A.B` through objects; a missing field is `<no value>` as in Go's map lookups.
fn lookup(data: &Value, path: &str) -> Value {
    let mut current = data;
    for part in path.split('.').filter(|p| !p.is_empty()) {
        match current.get(part) {
            Some(v) => current = v,
            None => return Value::String("<no value>".to_string()),
        }
    }
    current.clone()
}

/// How Go prints a value with `{{.X}}`: strings bare, arrays as `[a b]`, maps as `map[k:v]`.
fn plain(value: &Value) -> String {
    match value {
        Value::Null => "<nil>".to_string(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(plain).collect::<Vec<_>>().join(" ")
        ),
        Value::Object(map) => format!(
            "map[{}]",
            map.iter()
                .map(|(k, v)| format!("{k}:{}", plain(v)))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_functions_and_escapes() {
        let data = json!({"State": {"Status": "running", "ExitCode": 0}, "Names": "web", "Labels": {"a": "b"}, "Args": ["x", "y"]});
        assert_eq!(render("{{.State.Status}}", &data).unwrap(), "running");
        assert_eq!(
            render("{{.Names}}\\t{{.State.ExitCode}}", &data).unwrap(),
            "web\t0"
        );
        assert_eq!(render("{{json .Args}}", &data).unwrap(), "[\"x\",\"y\"]");
        assert_eq!(render("{{index .Labels \"a\"}}", &data).unwrap(), "b");
        assert_eq!(render("{{.Args}}", &data).unwrap(), "[x y]");
        assert_eq!(render("{{.Nope}}", &data).unwrap(), "<no value>");
        assert!(render("{{bogus .X}}", &data).is_err());
        assert!(render("{{.X", &data).is_err());
    }
}
