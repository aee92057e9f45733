//! Where a record of a CSV file the scenario names (an origins file, a replayed trace) stands in
//! that file, for error messages that give its line.

/// The 1-based line of the record that starts at byte `offset` of `text`. The csv crate gives
/// the offset where it started reading, before the blank lines it skipped: skip them too.
pub(crate) fn line_at(text: &str, offset: u64) -> u64 {
    let bytes = text.as_bytes();
    let mut end = usize::try_from(offset).map_or(bytes.len(), |o| o.min(bytes.len()));
    while end < bytes.len() && matches!(bytes[end], b'\n' | b'\r') {
        end += 1;
    }
    bytes[..end].iter().filter(|&&b| b == b'\n').count() as u64 + 1
}

/// The line of a record the csv crate could not read, and what was wrong with it in words.
pub(crate) fn record_error(text: &str, e: &csv::Error) -> (u64, String) {
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("has {len} fields where the header has {expected_len}")
        }
        _ => e.to_string(),
    };
    (e.position().map_or(0, |p| line_at(text, p.byte())), message)
}
