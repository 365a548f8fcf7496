//! The top-level items of a generated file, parsed a batch at a time: a change report over
//! Microsoft Graph's SDK (millions of lines) then holds one batch's syntax tree, not two whole
//! files'.
//!
//! sdkgen's files are in prettyplease's layout, which tells where items start: at the file's
//! indentation after a line that closes one (`}` or `...;`). A block item as large as
//! `impl Client { ... }` or `mod builder { ... }` is parsed as copies of its head, each holding
//! a batch of its own items (found the same way, one level in), which is what the change report
//! reads of it. Text in any other layout (hand-edited, or another formatter's) parses whole.

/// How many items are parsed together.
const BATCH: usize = 512;

/// A block this many lines long or more is parsed in batches of its items.
const LARGE_BLOCK: usize = 2_000;

/// Calls `visit` with each top-level item of `text` (when `batched`, a large block as several
/// partial copies of itself). `None` when the text, or a batch of it, is not Rust.
pub(super) fn for_each(text: &str, batched: bool, visit: &mut dyn FnMut(&syn::Item)) -> Option<()> {
    if !batched {
        return whole(text, visit);
    }
    in_batches(text, BATCH, LARGE_BLOCK, visit)
}

/// [`for_each`] in batches of `batch` items, splitting blocks of `large` lines or more.
fn in_batches(
    text: &str,
    batch_size: usize,
    large: usize,
    visit: &mut dyn FnMut(&syn::Item),
) -> Option<()> {
    // Doc comments say nothing the surface reads, and are a third of a client's text: left
    // out, each batch parses in two thirds of the time. (A line of a multi-line string that
    // starts with `///` would go too: the string stays a string, and says nothing either.)
    let lines: Vec<&str> = text
        .lines()
        .filter(|line| !line.trim_start().starts_with("///"))
        .collect();
    let items = starts(&lines, 0, 0, lines.len());
    let Some(items) = items else {
        return whole(text, visit);
    };
    let mut batch: Vec<(usize, usize)> = Vec::new();
    let flush = |batch: &mut Vec<(usize, usize)>, visit: &mut dyn FnMut(&syn::Item)| {
        if batch.is_empty() {
            return Some(());
        }
        let (from, to) = (batch[0].0, batch[batch.len() - 1].1);
        batch.clear();
        parse(&lines[from..to], visit)
    };
    for (from, to) in items {
        if to - from >= large {
            flush(&mut batch, visit)?;
            if block(&lines[from..to], batch_size, visit).is_none() {
                parse(&lines[from..to], visit)?;
            }
            continue;
        }
        batch.push((from, to));
        if batch.len() == batch_size {
            flush(&mut batch, visit)?;
        }
    }
    flush(&mut batch, visit)
}

fn whole(text: &str, visit: &mut dyn FnMut(&syn::Item)) -> Option<()> {
    let file: syn::File = syn::parse_str(text).ok()?;
    file.items.iter().for_each(visit);
    Some(())
}

fn parse(lines: &[&str], visit: &mut dyn FnMut(&syn::Item)) -> Option<()> {
    whole(&lines.join("\n"), visit)
}

/// A large block item, as copies of its head holding a batch of its items each. `None` when
/// its layout is not the one expected (then it is parsed whole).
fn block(lines: &[&str], batch_size: usize, visit: &mut dyn FnMut(&syn::Item)) -> Option<()> {
    // The head ends at the first line at the item's indentation that opens the block.
    let open = lines
        .iter()
        .position(|l| !l.starts_with([' ', '/', '#']) && l.ends_with('{'))?;
    // Its last line closes it (blank lines between items belong to the one before).
    let close = lines.iter().rposition(|l| !l.trim().is_empty())?;
    if lines[close] != "}" {
        return None;
    }
    let head = lines[..=open].join("\n");
    let inner = starts(lines, 4, open + 1, close)?;
    for batch in inner.chunks(batch_size) {
        let (from, to) = (batch[0].0, batch[batch.len() - 1].1);
        let text = format!("{head}\n{}\n}}", lines[from..to].join("\n"));
        whole(&text, visit)?;
    }
    Some(())
}

/// Where each item between `lines[from..to]` starts and ends, at indentation `indent`. `None`
/// when a line there is not in the expected layout.
fn starts(lines: &[&str], indent: usize, from: usize, to: usize) -> Option<Vec<(usize, usize)>> {
    let depth = |line: &str| line.len() - line.trim_start().len();
    let mut items = Vec::new();
    let mut start: Option<usize> = None;
    let mut closed = true;
    for (i, line) in lines.iter().enumerate().take(to).skip(from) {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        if depth(line) < indent {
            return None;
        }
        let at_level = depth(line) == indent;
        let opener = !(trimmed.starts_with('}')
            || trimmed.starts_with(')')
            || trimmed.starts_with(']')
            || trimmed.starts_with('>')
            || trimmed.starts_with('{'));
        if at_level && closed && opener {
            if let Some(s) = start {
                items.push((s, i));
            }
            start = Some(i);
        }
        if at_level {
            let code = trimmed.split("//").next().unwrap_or_default().trim_end();
            closed = !trimmed.starts_with("//")
                && !trimmed.starts_with("#[")
                && (code.ends_with('}') || code.ends_with(';'));
        }
    }
    if let Some(s) = start {
        items.push((s, to));
    }
    Some(items)
}

#[cfg(test)]
mod tests {
    use quote::ToTokens;

    /// Every item of a file, as text: what `for_each` gives, whole or in batches.
    fn items(text: &str, batched: Option<(usize, usize)>) -> Vec<String> {
        let mut out = Vec::new();
        let mut visit = |item: &syn::Item| match item {
            // A block in several copies gives its items in several visits: compare the items.
            syn::Item::Impl(imp) => {
                out.extend(imp.items.iter().map(|i| i.to_token_stream().to_string()))
            }
            syn::Item::Mod(m) => out.extend(
                m.content
                    .iter()
                    .flat_map(|(_, items)| items)
                    .map(|i| i.to_token_stream().to_string()),
            ),
            other => out.push(other.to_token_stream().to_string()),
        };
        // Batches leave doc comments out; the whole file without them is the baseline.
        let undocumented: Vec<&str> = text
            .lines()
            .filter(|line| !line.trim_start().starts_with("///"))
            .collect();
        match batched {
            Some((batch, large)) => super::in_batches(text, batch, large, &mut visit),
            None => super::whole(&undocumented.join("\n"), &mut visit),
        }
        .expect("parses");
        out
    }

    /// In batches of 1 to 7 items, blocks split from 5 lines up, the items are those of the
    /// whole file, in order: over fixtures with docs, attributes, multi-line signatures,
    /// macros and nested modules.
    #[test]
    fn batches_give_the_items_of_the_whole_file() {
        for fixture in [
            "calls.yaml",
            "streams.yaml",
            "unions.yaml",
            "paging.yaml",
            "bodies.yaml",
        ] {
            let path = format!("{}/tests/fixtures/{fixture}", env!("CARGO_MANIFEST_DIR"));
            let source = crate::Source::from_path(std::path::Path::new(&path)).unwrap();
            let generated = crate::generate(&source, &crate::Options::default()).unwrap();
            for text in [&generated.parts.root, &generated.parts.types] {
                let whole = items(text, None);
                assert!(whole.len() > 2, "{fixture}");
                for (batch, large) in [(1, 5), (3, 5), (7, 40), (512, 2_000)] {
                    assert_eq!(
                        items(text, Some((batch, large))),
                        whole,
                        "{fixture} {batch} {large}"
                    );
                }
            }
        }
    }

    /// A large block is split into copies holding a batch of its items each, the blank line
    /// that follows it (which belongs to its range) included: not parsed whole.
    #[test]
    fn a_block_with_a_blank_line_after_it_is_split() {
        let text = "#[allow(dead_code)]\nimpl Client {\n    /// A.\n    fn a() {}\n\n    fn b(\n        x: u8,\n    ) {}\n}\n\npub struct X;\n";
        let lines: Vec<&str> = text.lines().collect();
        let mut copies = 0;
        let split = super::block(&lines[..10], 1, &mut |item| {
            assert!(matches!(item, syn::Item::Impl(i) if i.items.len() == 1));
            copies += 1;
        });
        assert!(split.is_some());
        assert_eq!(copies, 2);
    }

    /// Text in a layout the batches cannot follow is not misread: a batch that does not parse
    /// makes `for_each` fail, and the change report then parses the file whole.
    #[test]
    fn a_layout_that_is_not_sdkgens_fails_rather_than_misreads() {
        let text =
            "pub struct A {\n    x: i32,\n}\npub const S: &str = \"\n}\npub fn f() {}\n\";\n";
        assert!(super::in_batches(text, 1, 5, &mut |_| {}).is_none());
        assert!(super::whole(text, &mut |_| {}).is_some());
    }
}
