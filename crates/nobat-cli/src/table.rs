//! A plain-text table for the terminal: aligned columns, numbers right-aligned, text left-aligned.

/// Whether a cell reads as a number (or a number with a `±` interval), for alignment.
fn numeric(cell: &str) -> bool {
    let first = cell.split_whitespace().next().unwrap_or("");
    first.is_empty() || first == "-" || first.parse::<f64>().is_ok()
}

/// Formats `rows` under `header` with columns padded to their widest cell; a column whose cells
/// are all numbers is right-aligned, any other left-aligned.
pub fn render(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let right: Vec<bool> = (0..header.len())
        .map(|i| rows.iter().all(|r| r.get(i).is_none_or(|c| numeric(c))))
        .collect();
    let line = |cells: Vec<&str>| {
        cells
            .iter()
            .zip(&widths)
            .zip(&right)
            .map(|((c, &w), &right)| if right { format!("{c:>w$}") } else { format!("{c:<w$}") })
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let mut out = line(header.to_vec());
    out.push('\n');
    out.push_str(&"-".repeat(widths.iter().sum::<usize>() + 2 * (widths.len().saturating_sub(1))));
    out.push('\n');
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_right_text_left() {
        let t = render(
            &["name", "n", "hours"],
            &[
                vec!["a".into(), "12".into(), "sat 08:00".into()],
                vec!["bb".into(), "3".into(), "closed".into()],
            ],
        );
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[2], "a     12  sat 08:00");
        assert_eq!(lines[3], "bb     3  closed");
    }
}
