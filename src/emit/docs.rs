//! Spec descriptions made safe for rustdoc, keeping their Markdown.
//!
//! Descriptions are written for Swagger UI, not rustdoc, and rustdoc reads more into them: a
//! code fence without a language (or an indented block) is a doctest that `cargo test` compiles,
//! `[Name]` is an intra-doc link that must resolve, a bare URL is a `bare_urls` warning, and
//! `Vec<T>` is an unclosed HTML tag. Each is rewritten here, using the Markdown parser rustdoc
//! itself uses, so the rewriting agrees with what rustdoc would see.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

/// HTML elements that have no closing tag.
const VOID_ELEMENTS: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// `text` with every code block marked as text, literal brackets escaped, bare URLs in `<>`,
/// links to Rust paths unlinked, and HTML tags without a partner escaped.
pub fn for_rustdoc(text: &str) -> String {
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut tags = Tags::default();
    let (mut in_code, mut in_link) = (false, 0usize);
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS;
    // Runs of text are split at `_`, `*` and the like; URLs and brackets are found in whole
    // runs, so adjacent text events are joined first.
    let mut run: Option<Range<usize>> = None;
    let flush = |run: &mut Option<Range<usize>>, in_link: usize, edits: &mut Vec<_>| {
        if let Some(range) = run.take() {
            let source = &text[range.clone()];
            let rewritten = plain_text(text, range.clone(), in_link == 0);
            if rewritten != source {
                edits.push((range, rewritten));
            }
        }
    };
    // Links whose target is a Rust path (`[Disk](omicron::Disk)`) name items this SDK does not
    // have: each keeps its text and loses the link. Open links: (whole link, is a path, text).
    let mut links: Vec<(Range<usize>, bool, Option<Range<usize>>)> = Vec::new();
    // The column each open list item's content starts at (`None` for a block quote).
    let mut containers: Vec<Option<usize>> = Vec::new();
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        match &event {
            Event::Start(Tag::Item) => containers.push(Some(item_content_column(text, &range))),
            Event::Start(Tag::BlockQuote(_)) => containers.push(None),
            Event::End(TagEnd::Item | TagEnd::BlockQuote(_)) => {
                containers.pop();
            }
            Event::Text(_) | Event::Code(_) | Event::InlineHtml(_) | Event::Html(_) if !in_code => {
                if let Some(Some(column)) = containers.last() {
                    edits.extend(lazy_line(text, range.start, *column));
                }
            }
            _ => {}
        }
        let closed = match &event {
            Event::End(TagEnd::Link) => links.pop(),
            _ => None,
        };
        if let Some((outer, true, inner)) = &closed {
            let inner = inner.clone().map_or("", |r| &text[r]);
            edits.push((outer.clone(), inner.to_string()));
        }
        for (_, _, inner) in links.iter_mut() {
            *inner = Some(match inner.take() {
                Some(r) => r.start.min(range.start)..r.end.max(range.end),
                None => range.clone(),
            });
        }
        if let Event::Start(Tag::Link { dest_url, .. }) = &event {
            links.push((range.clone(), !is_url(dest_url), None));
        }
        if let Event::Text(_) = event {
            if !in_code {
                run = match run.take() {
                    Some(r) if r.end == range.start => Some(r.start..range.end),
                    other => {
                        let mut other = other;
                        flush(&mut other, in_link, &mut edits);
                        Some(range)
                    }
                };
            }
            continue;
        }
        flush(&mut run, in_link, &mut edits);
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                in_code = true;
                if let Some(edit) = code_block(text, range, &kind) {
                    edits.push(edit);
                }
            }
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => in_link += 1,
            Event::End(TagEnd::Link | TagEnd::Image) => in_link = in_link.saturating_sub(1),
            Event::Html(_) | Event::InlineHtml(_) => tags.read(text, range),
            _ => {}
        }
    }
    flush(&mut run, in_link, &mut edits);
    for at in tags.unmatched() {
        edits.push((at..at + 1, "&lt;".to_string()));
    }
    // clippy's `tabs_in_doc_comments`: a tab is four spaces, as the lint suggests.
    apply(text, edits).replace('\t', "    ")
}

/// The column a list item's content starts at: after its marker (`-`, `*`, `+`, `1.`, `1)`)
/// and the spaces after it (one, when there are more than four: then the rest is code).
fn item_content_column(text: &str, range: &Range<usize>) -> usize {
    let line_start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
    // The item's range may start at its line's indentation or at its marker.
    let lead = text[range.start..].len() - text[range.start..].trim_start_matches(' ').len();
    let rest = &text[range.start + lead..];
    let marker = match rest.chars().next() {
        Some('-' | '*' | '+') => 1,
        _ => rest.chars().take_while(char::is_ascii_digit).count() + 1,
    };
    let spaces = rest[marker.min(rest.len())..]
        .chars()
        .take_while(|c| *c == ' ')
        .count();
    let spaces = if spaces == 0 || spaces > 4 { 1 } else { spaces };
    range.start + lead - line_start + marker + spaces
}

/// A paragraph line inside a list item that starts left of the item's content (a "lazy"
/// continuation: `<br/><br/>More` under `- item`): Markdown reads it as part of the item, and
/// clippy's `doc_lazy_continuation` asks for it to be indented, so it is.
fn lazy_line(text: &str, at: usize, column: usize) -> Option<(Range<usize>, String)> {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let indent = &text[line_start..at];
    let lazy = line_start > 0 && indent.chars().all(|c| c == ' ') && indent.len() < column;
    lazy.then(|| (line_start..at, " ".repeat(column)))
}

/// A fence with no language or a Rust one becomes `text`; an indented block becomes a fenced
/// `text` block. Other languages are never compiled by rustdoc and stay as they are.
fn code_block(
    text: &str,
    range: Range<usize>,
    kind: &CodeBlockKind,
) -> Option<(Range<usize>, String)> {
    match kind {
        CodeBlockKind::Fenced(info) => {
            let language = info.split([',', ' ']).next().unwrap_or("").trim();
            let block = &text[range.clone()];
            // An info string that is not a language and attributes (kubernetes writes the
            // block's first line there: "``` <quantity> ::= <number>") is text to rustdoc's
            // attribute parser, which warns; it is the block's first line, moved inside.
            let plain = |c: char| c.is_ascii_alphanumeric() || " ,_-+.=".contains(c);
            if !info.chars().all(plain) {
                let opening_end = block.find('\n').unwrap_or(block.len());
                let opening = &block[..opening_end];
                let indent = opening.len() - opening.trim_start().len();
                let fence: String = opening
                    .trim_start()
                    .chars()
                    .take_while(|c| *c == '`' || *c == '~')
                    .collect();
                let start = range.start + indent;
                return Some((
                    start..range.start + opening_end,
                    format!("{fence}text\n{}", info.trim()),
                ));
            }
            if !(language.is_empty() || language == "rust" || info.contains("edition")) {
                return None;
            }
            let first_line_end = block.find('\n').unwrap_or(block.len());
            let opening = &block[..first_line_end];
            let fence_len = opening
                .trim_start()
                .chars()
                .take_while(|c| *c == '`' || *c == '~')
                .count();
            let indent = opening.len() - opening.trim_start().len();
            let fence = &opening.trim_start()[..fence_len];
            let start = range.start + indent;
            Some((start..range.start + first_line_end, format!("{fence}text")))
        }
        CodeBlockKind::Indented => {
            // The range starts after the first line's indentation; take the whole line.
            let start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
            let range = start..range.end;
            let block = text[range.clone()].trim_end_matches('\n');
            let mut fenced = String::from("```text\n");
            for line in block.lines() {
                fenced.push_str(line.strip_prefix("    ").unwrap_or(line.trim_start()));
                fenced.push('\n');
            }
            fenced.push_str("```\n");
            Some((range, fenced))
        }
    }
}

/// Escapes brackets (which rustdoc would read as intra-doc links) and puts bare URLs in `<>`.
fn plain_text(text: &str, range: Range<usize>, link_urls: bool) -> String {
    let source = &text[range.clone()];
    let mut out = String::with_capacity(source.len());
    let mut at = 0;
    while at < source.len() {
        let rest = &source[at..];
        if link_urls {
            if let Some(len) = url_len(rest) {
                out.push('<');
                out.push_str(&rest[..len]);
                out.push('>');
                at += len;
                continue;
            }
        }
        let c = rest.chars().next().expect("not empty");
        // The parser may start a text event just after an escaping backslash.
        let escaped = text[..range.start + at].ends_with('\\');
        if c == '\\' && !escaped {
            // An escape already: keep it and the character it escapes.
            let len = rest[1..].chars().next().map_or(0, char::len_utf8) + 1;
            out.push_str(&rest[..len]);
            at += len;
            continue;
        }
        if (c == '[' || c == ']') && !escaped {
            out.push('\\');
        }
        out.push(c);
        at += c.len_utf8();
    }
    out
}

/// Whether a link target is a URL (absolute, relative or an anchor) rather than a Rust path,
/// which rustdoc would try to resolve as an intra-doc link.
fn is_url(dest: &str) -> bool {
    dest.contains("://")
        || dest.contains('/')
        || dest.starts_with('#')
        || dest.starts_with("mailto:")
        || dest.contains(".htm")
}

/// The length of the URL `text` starts with, without the punctuation that ends a sentence.
fn url_len(text: &str) -> Option<usize> {
    if !(text.starts_with("https://") || text.starts_with("http://")) {
        return None;
    }
    let end = text
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | '[' | ']'))
        .unwrap_or(text.len());
    let url = text[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', '\'', ')', '*', '_']);
    // Keep a closing parenthesis the URL opened, as in Wikipedia links.
    let mut len = url.len();
    if text[len..end].starts_with(')') && url.matches('(').count() > url.matches(')').count() {
        len += 1;
    }
    (len > "https://".len()).then_some(len)
}

/// HTML tags and where they stand, to find those without a partner (`Vec<T>` is an opening
/// tag `T` to rustdoc). Matched pairs and void elements render as HTML; the rest is escaped.
#[derive(Default)]
struct Tags {
    /// Offsets of the `<` of opening tags not yet closed, with their names.
    open: Vec<(usize, String)>,
    unmatched: Vec<usize>,
}

impl Tags {
    fn read(&mut self, text: &str, range: Range<usize>) {
        let fragment = &text[range.clone()];
        for (at, _) in fragment.match_indices('<') {
            let rest = &fragment[at + 1..];
            if rest.starts_with('!') || rest.starts_with('?') {
                continue; // comments, doctypes
            }
            let closing = rest.starts_with('/');
            let name: String = rest
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect::<String>()
                .to_ascii_lowercase();
            if name.is_empty() {
                continue;
            }
            let self_closing = rest.find('>').is_some_and(|end| rest[..end].ends_with('/'));
            let void = VOID_ELEMENTS.contains(&name.as_str());
            let offset = range.start + at;
            // `<br>`, `<br/>`: fine. `<p/>` (a self-closed element that has content) and
            // `</br>` (a closing tag of one that has none) are invalid HTML to rustdoc.
            if void || self_closing {
                if (void && closing) || (!void && self_closing) {
                    self.unmatched.push(offset);
                }
                continue;
            }
            if !closing {
                self.open.push((offset, name));
            } else if self.open.last().is_some_and(|(_, n)| *n == name) {
                self.open.pop();
            } else if let Some(i) = self.open.iter().rposition(|(_, n)| *n == name) {
                // Tags opened inside this pair and never closed are the unmatched ones.
                self.unmatched
                    .extend(self.open.drain(i + 1..).map(|(o, _)| o));
                self.open.pop();
            } else {
                self.unmatched.push(offset);
            }
        }
    }

    fn unmatched(mut self) -> Vec<usize> {
        self.unmatched.extend(self.open.into_iter().map(|(o, _)| o));
        self.unmatched
    }
}

/// Applies non-overlapping edits (sorted here) to `text`.
fn apply(text: &str, mut edits: Vec<(Range<usize>, String)>) -> String {
    edits.sort_by_key(|(r, _)| (r.start, r.end));
    let mut out = String::with_capacity(text.len() + 16 * edits.len());
    let mut at = 0;
    for (range, replacement) in edits {
        if range.start < at {
            continue; // inside an edit already made (an indented block, say)
        }
        out.push_str(&text[at..range.start]);
        out.push_str(&replacement);
        at = range.end;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::for_rustdoc;

    #[test]
    fn fences_without_a_language_and_indented_blocks_become_text() {
        assert_eq!(
            for_rustdoc("Example:\n```\nlet x = 1;\n```\n"),
            "Example:\n```text\nlet x = 1;\n```\n"
        );
        assert_eq!(
            for_rustdoc("Example:\n\n    curl -X POST\n    more\n\nAfter."),
            "Example:\n\n```text\ncurl -X POST\nmore\n```\n\nAfter."
        );
        let json = "```json\n{\"a\": 1}\n```";
        assert_eq!(for_rustdoc(json), json);
        assert_eq!(
            for_rustdoc("``` <q> ::= <n>\n<n> ::= 1\n```"),
            "```text\n<q> ::= <n>\n<n> ::= 1\n```"
        );
    }

    #[test]
    fn brackets_urls_and_html() {
        assert_eq!(
            for_rustdoc("See [`Disk`] and [1]."),
            "See \\[`Disk`\\] and \\[1\\]."
        );
        assert_eq!(
            for_rustdoc("Docs: https://example.com/a_(b). Next"),
            "Docs: <https://example.com/a_(b)>. Next"
        );
        assert_eq!(
            for_rustdoc("[link](https://example.com) <https://x.org>"),
            "[link](https://example.com) <https://x.org>"
        );
        assert_eq!(
            for_rustdoc("For a [`Disk`](omicron::api::Disk), see [x](#anchor)."),
            "For a `Disk`, see [x](#anchor)."
        );
        assert_eq!(for_rustdoc("A Vec<T> of them"), "A Vec&lt;T> of them");
        assert_eq!(
            for_rustdoc("A Vec<T>, <b>bold</b>, <i>open"),
            "A Vec&lt;T>, <b>bold</b>, &lt;i>open"
        );
        assert_eq!(
            for_rustdoc("<b>bold</b> and <br> break"),
            "<b>bold</b> and <br> break"
        );
        assert_eq!(
            for_rustdoc("a<p/>b</br>c<br/>\td"),
            "a&lt;p/>b&lt;/br>c<br/>    d"
        );
        assert_eq!(
            for_rustdoc("Either:\r\n  *  one\r\nor\r\n  *  two"),
            "Either:\r\n  *  one\r\n     or\r\n  *  two"
        );
        assert_eq!(
            for_rustdoc("`[not a link]` and \\[x\\]"),
            "`[not a link]` and \\[x\\]"
        );
    }
}
