//! The generated crate's `README.md`: its first call and its operations, by tag.

use super::one_line;
use crate::ir::Api;

/// The operation a new user most likely calls first: a `GET` in the largest tag, with the
/// fewest required parameters and the shortest path (the spec's order breaks ties).
fn first_operation(api: &Api) -> Option<&crate::ir::Operation> {
    let mut sizes: std::collections::HashMap<Option<&String>, usize> = Default::default();
    for op in &api.operations {
        *sizes.entry(op.tags.first()).or_default() += 1;
    }
    let tag_size = |op: &crate::ir::Operation| sizes[&op.tags.first()];
    let biggest = sizes.values().copied().max()?;
    api.operations
        .iter()
        .filter(|op| !op.deprecated)
        .min_by_key(|op| {
            (
                op.method != crate::ir::Method::Get,
                tag_size(op) != biggest,
                op.required_params().count() + usize::from(op.body.is_some()),
                op.path.len(),
            )
        })
}

/// The README's first call: the operation's required arguments as placeholders.
pub(super) fn first_call(api: &Api) -> String {
    let Some(op) = first_operation(api) else {
        return String::new();
    };
    let mut args: Vec<String> = op
        .required_params()
        .map(|p| match p.ty {
            crate::ir::Ty::String => format!("{:?}", p.wire_name),
            crate::ir::Ty::I32 | crate::ir::Ty::I64 | crate::ir::Ty::U64 => "1".into(),
            crate::ir::Ty::Bool => "true".into(),
            _ => p.name.clone(),
        })
        .collect();
    if op.body.is_some() {
        args.push("&body".into());
    }
    let call = format!("client.{}({}).await?", op.name, args.join(", "));
    match op.success {
        crate::ir::Success::Empty => format!("{call};"),
        _ => format!("let answer = {call};"),
    }
}

/// ` (`.per_page(100)`)`: a setter the API really has, best one of the first call's, as an
/// example of an optional parameter; nothing when no operation has one.
pub(crate) fn optional_example(api: &Api) -> String {
    let first = first_operation(api).into_iter();
    let Some(p) = first
        .chain(&api.operations)
        .flat_map(|op| op.optional_params())
        .find(|p| !p.deprecated)
    else {
        return String::new();
    };
    let value = match p.ty {
        crate::ir::Ty::String => "\"...\"",
        crate::ir::Ty::I32 | crate::ir::Ty::I64 | crate::ir::Ty::U64 => "10",
        crate::ir::Ty::Bool => "true",
        _ => "..",
    };
    format!(" (`.{}({value})`)", p.name)
}

/// The README's list of operations, by tag (in the order tags first appear), each with its
/// summary and HTTP line.
pub(super) fn operations_by_tag(api: &Api) -> String {
    let mut tags: Vec<&str> = Vec::new();
    for op in &api.operations {
        let tag = op.tags.first().map_or("", String::as_str);
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    let mut out = String::from("\n## Operations\n");
    for tag in tags {
        let heading = if tag.trim().is_empty() { "Other" } else { tag };
        out.push_str(&format!(
            "\n### {}\n\n",
            one_line(heading).replace('#', "\\#")
        ));
        for op in api
            .operations
            .iter()
            .filter(|op| op.tags.first().map_or("", String::as_str) == tag)
        {
            let summary = op
                .docs
                .summary
                .as_deref()
                .map(|s| format!(": {}", one_line(s).trim()))
                .unwrap_or_default();
            let deprecated = if op.deprecated { " (deprecated)" } else { "" };
            // An untagged operation under a tag's paths comes with that tag's feature.
            let feature = match tag.trim().is_empty() && !op.gate.is_empty() {
                true => format!(" (feature `{}`)", op.gate.join("` or `")),
                false => String::new(),
            };
            out.push_str(&format!(
                "- `{}` (`{} {}`){deprecated}{feature}{}{summary}\n",
                op.name,
                op.method.as_str(),
                op.path.replace('`', "'"),
                senders(op),
            ));
        }
    }
    out
}

/// The README's section on tag features, with the feature of each tag.
pub(super) fn readme_features(api: &Api, crate_name: &str) -> String {
    let Some(first) = api.features.first() else {
        return String::new();
    };
    let mut out = format!(
        "\n## Features\n\nEach OpenAPI tag is a cargo feature, all on by default. To compile only the\n\
         operations you call (and the models they use), turn the defaults off:\n\n\
         ```toml\n{crate_name} = {{ path = \"...\", default-features = false, features = [\"rustls\", \"{}\"] }}\n```\n\n\
         | feature | tag |\n|---|---|\n",
        first.name
    );
    for f in &api.features {
        let tag = f.tag.replace('|', "\\|").replace('\n', " ");
        out.push_str(&format!("| `{}` | {} |\n", f.name, tag));
    }
    for (name, holds) in crate::ir::model_features(api) {
        out.push_str(&format!("| `{name}` | (no tag) {holds} |\n"));
    }
    out
}

/// An operation's streaming senders, for its line in the list: ` · pages (cursor)`.
fn senders(op: &crate::ir::Operation) -> String {
    let mut out = String::new();
    if let Some(paging) = &op.paging {
        out.push_str(&format!(" · `.items()` ({})", paging.scheme.name()));
    }
    if op.events.is_some() {
        out.push_str(" · `.stream()`");
    }
    if op.success == crate::ir::Success::Bytes {
        out.push_str(" · `.bytes_stream()`");
    }
    out
}

/// The README's section on streams, when the API has any: how to read events, pages and
/// downloads, and which operations have them.
pub(super) fn readme_streams(api: &Api) -> String {
    let count =
        |f: fn(&crate::ir::Operation) -> bool| api.operations.iter().filter(|op| f(op)).count();
    let (events, paging, downloads) = (
        count(|op| op.events.is_some()),
        count(|op| op.paging.is_some()),
        count(|op| op.success == crate::ir::Success::Bytes),
    );
    if events + paging + downloads == 0 {
        return String::new();
    }
    let mut out = String::from(
        "\n## Streams\n\nEach is a `futures_core::Stream`, and has `next().await` so that a loop needs no other\ncrate. Dropping one closes its connection or sends no further request.\n\n",
    );
    if events > 0 {
        out.push_str(&format!(
            "- {events} {} server-sent events: `.stream().await?` gives the events as they\n  arrive, each decoded (`while let Some(event) = events.next().await`). A stream is\n  never sent twice, ends at `data: [DONE]`, gives an error event as `Error::Event`, and\n  ends with `Error::Timeout` after a silence longer than the client's timeout.\n",
            if events == 1 { "operation answers with" } else { "operations answer with" }
        ));
    }
    if paging > 0 {
        out.push_str(&format!(
            "- {paging} {}: `.items()` gives every item across the pages, `.pages()` each page\n  with its status and headers. Optional parameters (page size, filters) carry to every\n  page; a server that repeats a page ends the stream with `Error::Protocol`. The\n  operations below say by which scheme they page.\n",
            if paging == 1 { "list pages" } else { "lists page" }
        ));
    }
    if downloads > 0 {
        out.push_str(&format!(
            "- {downloads} {}: `.bytes_stream().await?` gives the body in chunks, so a large one\n  never sits whole in memory.\n",
            if downloads == 1 { "download" } else { "downloads" }
        ));
    }
    out
}
