//! Finds where a key path such as `service[1].duration.mean` stands in a scenario's TOML text,
//! and the reverse, so that every error names both the key and the line.

use super::error::Location;
use std::ops::Range;
use toml_edit::{ArrayOfTables, Document, Item, Table, Value};

/// One step of a key path: a key or an index into an array.
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

fn steps(path: &str) -> Vec<Step<'_>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, rest) = part.split_at(part.find('[').unwrap_or(part.len()));
        if !key.is_empty() {
            out.push(Step::Key(key));
        }
        for index in rest.split('[').filter(|s| !s.is_empty()) {
            if let Ok(i) = index.trim_end_matches(']').parse() {
                out.push(Step::Index(i));
            }
        }
    }
    out
}

/// A node of the parsed document that a path can step into.
#[derive(Clone, Copy)]
enum Node<'a> {
    Table(&'a Table),
    Value(&'a Value),
    Tables(&'a ArrayOfTables),
}

impl<'a> Node<'a> {
    fn of_item(item: &'a Item) -> Option<Node<'a>> {
        match item {
            Item::Table(t) => Some(Node::Table(t)),
            Item::Value(v) => Some(Node::Value(v)),
            Item::ArrayOfTables(a) => Some(Node::Tables(a)),
            Item::None => None,
        }
    }

    fn span(self) -> Option<Range<usize>> {
        match self {
            Node::Table(t) => t.span(),
            Node::Value(v) => v.span(),
            Node::Tables(a) => a.span(),
        }
    }

    /// The child at `step` with the span of its key, if it has one.
    fn child(self, step: &Step) -> Option<(Node<'a>, Option<Range<usize>>)> {
        match (self, step) {
            (Node::Table(t), Step::Key(k)) => {
                let node = Node::of_item(t.get(k)?)?;
                Some((node, t.key(k).and_then(|k| k.span())))
            }
            (Node::Value(Value::InlineTable(t)), Step::Key(k)) => {
                Some((Node::Value(t.get(k)?), t.key(k).and_then(|k| k.span())))
            }
            (Node::Value(Value::Array(a)), Step::Index(i)) => Some((Node::Value(a.get(*i)?), None)),
            (Node::Tables(a), Step::Index(i)) => Some((Node::Table(a.get(*i)?), None)),
            _ => None,
        }
    }

    /// Every child with its path step, its own span and its key's span.
    fn children(self) -> Vec<(String, Node<'a>, Option<Range<usize>>)> {
        match self {
            Node::Table(t) => t
                .iter()
                .filter_map(|(k, item)| {
                    let key_span = t.key(k).and_then(|k| k.span());
                    Some((format!(".{k}"), Node::of_item(item)?, key_span))
                })
                .collect(),
            Node::Value(Value::InlineTable(t)) => t
                .iter()
                .map(|(k, v)| (format!(".{k}"), Node::Value(v), t.key(k).and_then(|k| k.span())))
                .collect(),
            Node::Value(Value::Array(a)) => a
                .iter()
                .enumerate()
                .map(|(i, v)| (format!("[{i}]"), Node::Value(v), None))
                .collect(),
            Node::Tables(a) => a
                .iter()
                .enumerate()
                .map(|(i, t)| (format!("[{i}]"), Node::Table(t), None))
                .collect(),
            Node::Value(_) => Vec::new(),
        }
    }
}

/// The line and column of the deepest part of `path` found in `source`: the value if it is
/// written there, else its key, else the nearest enclosing table.
pub(crate) fn locate(source: &str, path: &str) -> Option<Location> {
    let doc = Document::parse(source).ok()?;
    let mut node = Node::Table(doc.as_table());
    let mut best: Option<usize> = None;
    for step in steps(path) {
        let Some((child, key_span)) = node.child(&step) else {
            break;
        };
        best = child.span().or(key_span).map(|s| s.start).or(best);
        node = child;
    }
    best.map(|offset| Location::of_offset(source, offset))
}

/// The key path of the deepest key or value whose text covers byte `offset`.
pub(crate) fn path_at(source: &str, offset: usize) -> Option<String> {
    let doc = Document::parse(source).ok()?;
    let path = find(Node::Table(doc.as_table()), offset)?;
    Some(path.trim_start_matches('.').to_string())
}

/// Depth-first search for `offset`. A table's span covers only its header, so tables are
/// always searched through.
fn find(node: Node, offset: usize) -> Option<String> {
    let covers = |s: Option<Range<usize>>| s.is_some_and(|s| s.contains(&offset));
    for (step, child, key_span) in node.children() {
        if covers(key_span) {
            return Some(step);
        }
        let span = child.span();
        let is_table = matches!(child, Node::Table(_) | Node::Tables(_));
        if is_table || covers(span.clone()) {
            if let Some(rest) = find(child, offset) {
                return Some(step + &rest);
            }
            // A table whose header is at `offset` (serde points a missing key there).
            if !is_table || covers(span) {
                return Some(step);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = "name = \"x\"\n[run]\nhorizon = 10\n\n[[service]]\nname = \"a\"\nduration = { dist = \"exponential\", mean = -1 }\n\n[[service]]\nname = \"b\"\nshare = 2\n";

    #[test]
    fn finds_values_in_tables_and_arrays_of_tables() {
        assert_eq!(locate(SOURCE, "run.horizon").unwrap().line, 3);
        assert_eq!(locate(SOURCE, "service[1].share").unwrap().line, 11);
        let mean = locate(SOURCE, "service[0].duration.mean").unwrap();
        assert_eq!((mean.line, mean.column), (7, 43));
    }

    #[test]
    fn a_missing_key_falls_back_to_its_table() {
        assert_eq!(locate(SOURCE, "service[1].duration").unwrap().line, 9);
    }

    #[test]
    fn a_table_header_maps_to_the_table() {
        let offset = SOURCE.find("[[service]]\nname = \"b\"").unwrap();
        assert_eq!(path_at(SOURCE, offset).as_deref(), Some("service[1]"));
    }

    #[test]
    fn offsets_map_back_to_paths() {
        let offset = SOURCE.find("share").unwrap();
        assert_eq!(path_at(SOURCE, offset).as_deref(), Some("service[1].share"));
    }
}
