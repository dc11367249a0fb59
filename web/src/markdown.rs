//! Lesson prose is Markdown (lessons/*/ko.md, en.md), rendered with pulldown-cmark. The text is
//! compiled into the app from this repository, never typed by users, so its HTML is trusted.

use pulldown_cmark::{html, Options, Parser};
use yew::{AttrValue, Html};

pub fn render(markdown: &str) -> Html {
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, Parser::new_ext(markdown, Options::ENABLE_TABLES));
    Html::from_html_unchecked(AttrValue::from(out))
}

/// Lesson prose without its leading `# Title` line: the page shows the title already.
pub fn without_title(markdown: &str) -> &str {
    let trimmed = markdown.trim_start();
    match trimmed.strip_prefix("# ") {
        Some(rest) => rest.split_once('\n').map_or("", |(_, body)| body),
        None => markdown,
    }
}

#[cfg(test)]
mod tests {
    use super::without_title;

    #[test]
    fn only_a_leading_level_one_heading_is_dropped() {
        assert_eq!(without_title("# Title\nBody\n"), "Body\n");
        assert_eq!(without_title("\n# Title\n## Sub\n"), "## Sub\n");
        assert_eq!(
            without_title("## Sub\n# Not first\n"),
            "## Sub\n# Not first\n"
        );
        assert_eq!(without_title("# Only"), "");
    }
}
