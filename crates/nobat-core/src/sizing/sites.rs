//! Candidate sites for new offices: the scenario's `[[site]]` sections or a CSV file, each
//! becoming an `[[office]]` table when the search opens it.

use crate::model::MAX_COUNTERS;
use crate::scenario::Scenario;
use toml_edit::{value, Array, DocumentMut, Item, Table};

/// A place where a new office could open.
#[derive(Debug, Clone)]
pub struct Site {
    /// Its name, the new office's name.
    pub name: String,
    /// What opening it costs (1 unless given).
    pub cost: f64,
    /// Its counters.
    pub counters: u32,
    /// The `[[office]]` table it becomes: `name`, `counters`, and `location` and `hours` if given.
    pub office: Table,
    /// Where it was given, for error messages: `site[2]` or `sites.csv line 4`.
    pub origin: String,
}

fn checked(name: &str, counters: Option<u32>, cost: Option<f64>, origin: &str) -> Result<(u32, f64), String> {
    if name.trim().is_empty() {
        return Err(format!("{origin}: a site needs a non-empty `name`"));
    }
    let counters = counters.unwrap_or(1);
    if !(1..=MAX_COUNTERS).contains(&counters) {
        return Err(format!(
            "{origin}: `counters` must be between 1 and {MAX_COUNTERS}, got {counters}"
        ));
    }
    let cost = cost.unwrap_or(1.0);
    if !(cost.is_finite() && cost > 0.0) {
        return Err(format!(
            "{origin}: `cost` must be a finite number greater than 0, got {cost}"
        ));
    }
    Ok((counters, cost))
}

/// The `[[site]]` sections of a scenario: `doc` is its text parsed for editing (the site tables
/// are copied from it, so `hours` may take any form an office's does), `scenario` the same text
/// read by serde (which has checked their types).
pub fn from_scenario(doc: &DocumentMut, scenario: &Scenario) -> Result<Vec<Site>, String> {
    let tables = doc.get("site").and_then(Item::as_array_of_tables);
    scenario
        .sites
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let origin = format!("site[{i}]");
            let (counters, cost) = checked(&s.name, s.counters, s.cost, &origin)?;
            let mut office = tables
                .and_then(|t| t.get(i))
                .cloned()
                .ok_or_else(|| format!("{origin}: not found in the file"))?;
            office.remove("cost");
            office.insert("counters", value(i64::from(counters)));
            office.decor_mut().clear();
            Ok(Site {
                name: s.name.clone(),
                cost,
                counters,
                office,
                origin,
            })
        })
        .collect()
}

/// Sites from CSV text with a header naming the columns `name`, `x_km`, `y_km` and optionally
/// `counters` (default 1), `cost` (default 1) and `hours` (as `office.hours`, one string).
/// `file` names the file in error messages.
pub fn from_csv(text: &str, file: &str) -> Result<Vec<Site>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| format!("{file}: cannot read the header: {e}"))?
        .clone();
    let column = |name: &str| header.iter().position(|h| h == name);
    let known = ["name", "x_km", "y_km", "counters", "cost", "hours"];
    if let Some(other) = header.iter().find(|h| !known.contains(h)) {
        return Err(format!(
            "{file}: unknown column `{other}`; the columns are: {}",
            known.join(", ")
        ));
    }
    let (Some(name_col), Some(x_col), Some(y_col)) = (column("name"), column("x_km"), column("y_km")) else {
        return Err(format!(
            "{file}: the header must name the columns `name`, `x_km`, `y_km` (and optionally `counters`, `cost`, `hours`)"
        ));
    };
    let mut sites = Vec::new();
    for (k, record) in reader.records().enumerate() {
        let origin = format!("{file} line {}", k + 2);
        let record = record.map_err(|e| format!("{origin}: {e}"))?;
        let field = |col: Option<usize>| col.and_then(|c| record.get(c)).filter(|s| !s.is_empty());
        let number = |col: Option<usize>, what: &str| -> Result<Option<f64>, String> {
            field(col)
                .map(|s| {
                    s.parse::<f64>()
                        .ok()
                        .filter(|v| v.is_finite())
                        .ok_or_else(|| format!("{origin}: `{what}` must be a number, got `{s}`"))
                })
                .transpose()
        };
        let name = field(Some(name_col)).unwrap_or("").to_string();
        let x = number(Some(x_col), "x_km")?.ok_or_else(|| format!("{origin}: `x_km` is missing"))?;
        let y = number(Some(y_col), "y_km")?.ok_or_else(|| format!("{origin}: `y_km` is missing"))?;
        let counters = field(column("counters"))
            .map(|s| {
                s.parse::<u32>()
                    .map_err(|_| format!("{origin}: `counters` must be a whole number, got `{s}`"))
            })
            .transpose()?;
        let (counters, cost) = checked(&name, counters, number(column("cost"), "cost")?, &origin)?;
        let mut office = Table::new();
        office.insert("name", value(name.clone()));
        office.insert("counters", value(i64::from(counters)));
        office.insert("location", value(Array::from_iter([x, y])));
        if let Some(hours) = field(column("hours")) {
            office.insert("hours", value(hours));
        }
        sites.push(Site {
            name,
            cost,
            counters,
            office,
            origin,
        });
    }
    if sites.is_empty() {
        return Err(format!("{file}: lists no site"));
    }
    Ok(sites)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_sites_become_office_tables() {
        let sites = from_csv(
            "name,x_km,y_km,counters,cost,hours\nN1, 1.5, 2, 3, 2.5, 08:00-14:00\nN2,0,0,,,\n",
            "sites.csv",
        )
        .unwrap();
        assert_eq!(sites.len(), 2);
        assert_eq!((sites[0].counters, sites[0].cost), (3, 2.5));
        assert_eq!((sites[1].counters, sites[1].cost), (1, 1.0));
        let text = sites[0].office.to_string();
        assert!(
            text.contains("location = [1.5, 2.0]") && text.contains("hours = \"08:00-14:00\""),
            "{text}"
        );
        assert_eq!(sites[1].origin, "sites.csv line 3");
    }

    #[test]
    fn bad_csv_rows_name_their_line() {
        let e = from_csv("name,x_km,y_km\nA,1,x\n", "s.csv").unwrap_err();
        assert!(e.contains("s.csv line 2") && e.contains("y_km"), "{e}");
        assert!(from_csv("name,x,y\n", "s.csv")
            .unwrap_err()
            .contains("unknown column `x`"));
        assert!(from_csv("name,x_km,y_km,cost\nA,1,1,0\n", "s.csv")
            .unwrap_err()
            .contains("cost"));
    }
}
