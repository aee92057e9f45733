//! Where clients start and how long they travel: the metric, zones and origin points, and the
//! arrival sources that generate clients at those origins.

use super::csv_lines::{line_at, record_error};
use super::{ArrivalProfile, Calendar};
use crate::scenario::{ArrivalsSection, GeographySection, Scenario, ScenarioError, ZoneSection};
use crate::SimRng;
use rand::Rng;
use std::collections::HashMap;

/// How distance is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// Straight line.
    Euclidean,
    /// Along a grid of streets: |dx| + |dy|.
    Manhattan,
}

/// Turns positions into travel times.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geography {
    /// Distance metric.
    pub metric: Metric,
    /// Travel speed, km per minute.
    pub km_per_minute: f64,
    /// Fixed minutes added to every trip.
    pub overhead: f64,
}

impl Geography {
    /// Distance in km between two points.
    #[inline]
    pub fn distance(&self, a: [f64; 2], b: [f64; 2]) -> f64 {
        let (dx, dy) = ((a[0] - b[0]).abs(), (a[1] - b[1]).abs());
        match self.metric {
            Metric::Euclidean => (dx * dx + dy * dy).sqrt(),
            Metric::Manhattan => dx + dy,
        }
    }

    /// A number that orders pairs of points as their distance does, cheaper to compute: the
    /// squared distance for a straight line (no square root), the distance along streets.
    #[inline]
    pub fn rank_key(&self, a: [f64; 2], b: [f64; 2]) -> f64 {
        let (dx, dy) = ((a[0] - b[0]).abs(), (a[1] - b[1]).abs());
        match self.metric {
            Metric::Euclidean => dx * dx + dy * dy,
            Metric::Manhattan => dx + dy,
        }
    }

    /// The [`rank_key`](Self::rank_key) of two points `distance` km apart.
    #[inline]
    pub fn rank_key_of(&self, distance: f64) -> f64 {
        match self.metric {
            Metric::Euclidean => distance * distance,
            Metric::Manhattan => distance,
        }
    }

    /// Travel time in minutes between two points: overhead plus distance over speed.
    #[inline]
    pub fn travel_time(&self, a: [f64; 2], b: [f64; 2]) -> f64 {
        self.overhead + self.distance(a, b) / self.km_per_minute
    }

    pub(crate) fn from_section(g: &GeographySection) -> Result<Geography, ScenarioError> {
        let metric = match g.metric.as_deref() {
            None | Some("euclidean") => Metric::Euclidean,
            Some("manhattan") => Metric::Manhattan,
            Some(other) => {
                return Err(ScenarioError::at(
                    "geography.metric",
                    format!("unknown metric `{other}`; allowed: euclidean, manhattan"),
                ))
            }
        };
        // Slower than a metre an hour, trips across a city take longer than time can count.
        if !(g.speed_kmh.is_finite() && g.speed_kmh >= 1e-3) {
            return Err(ScenarioError::at(
                "geography.speed_kmh",
                format!(
                    "must be a finite number of at least 0.001 (km per hour), got {}",
                    show(g.speed_kmh)
                ),
            ));
        }
        Ok(Geography {
            metric,
            km_per_minute: g.speed_kmh / 60.0,
            overhead: g.overhead.map_or(0.0, |o| o.get()),
        })
    }
}

/// Where an origin's clients start.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Place {
    /// No geography: travel is zero.
    Nowhere,
    /// A point `[x_km, y_km]`.
    Point([f64; 2]),
    /// Uniformly inside the rectangle `[x0, y0, x1, y1]`.
    Area([f64; 4]),
}

/// The origin whose centre is nearest to `at` (straight line), if there is any: where clients
/// who appear at an office without coming from an origin of their own (a replayed log's office
/// rows, a backlog at the door) are reported to come from.
pub(crate) fn nearest_origin(origins: &[Origin], at: [f64; 2]) -> Option<usize> {
    let distance = |o: &Origin| {
        let p = o.place.centre();
        (p[0] - at[0]).hypot(p[1] - at[1])
    };
    (0..origins.len()).min_by(|&a, &b| distance(&origins[a]).total_cmp(&distance(&origins[b])))
}

impl Place {
    /// The point used to rank offices by distance for this origin (a rectangle's centre).
    pub fn centre(&self) -> [f64; 2] {
        match *self {
            Place::Nowhere => [0.0, 0.0],
            Place::Point(p) => p,
            Place::Area([x0, y0, x1, y1]) => [(x0 + x1) / 2.0, (y0 + y1) / 2.0],
        }
    }

    /// A starting point for one client.
    #[inline]
    pub fn sample(&self, rng: &mut SimRng) -> [f64; 2] {
        match *self {
            Place::Nowhere => [0.0, 0.0],
            Place::Point(p) => p,
            Place::Area([x0, y0, x1, y1]) => [
                x0 + (x1 - x0) * rng.random::<f64>(),
                y0 + (y1 - y0) * rng.random::<f64>(),
            ],
        }
    }
}

/// A place where clients start, belonging to a zone.
#[derive(Debug, Clone, PartialEq)]
pub struct Origin {
    /// The zone it reports under.
    pub zone: usize,
    /// Where its clients start.
    pub place: Place,
}

/// A district, the unit of `by_zone.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    /// Unique name.
    pub name: String,
}

/// One arrival process and the origins its clients start from.
#[derive(Debug, Clone, PartialEq)]
pub struct ArrivalSource {
    /// λ(t).
    pub profile: ArrivalProfile,
    /// Origins (ids) of its clients.
    pub origins: Vec<usize>,
    /// Cumulative weights of `origins`, ending at 1.
    pub origin_cdf: Vec<f64>,
}

impl ArrivalSource {
    /// Picks an origin for one client.
    #[inline]
    pub fn pick_origin(&self, rng: &mut SimRng) -> usize {
        if self.origins.len() == 1 {
            return self.origins[0];
        }
        let u: f64 = rng.random();
        let k = self.origin_cdf.partition_point(|&c| c <= u).min(self.origins.len() - 1);
        self.origins[k]
    }

    fn new(profile: ArrivalProfile, weighted: Vec<(usize, f64)>) -> Self {
        let total: f64 = weighted.iter().map(|(_, w)| w).sum();
        let mut acc = 0.0;
        let origin_cdf = weighted
            .iter()
            .map(|(_, w)| {
                acc += w / total;
                acc
            })
            .collect();
        ArrivalSource {
            profile,
            origins: weighted.iter().map(|(o, _)| *o).collect(),
            origin_cdf,
        }
    }
}

/// Zones, origins and arrival sources validated together.
pub(crate) struct Demand {
    pub geography: Option<Geography>,
    pub zones: Vec<Zone>,
    pub origins: Vec<Origin>,
    pub sources: Vec<ArrivalSource>,
}

use crate::scenario::show;

/// The largest coordinate, in km from the origin: far beyond any city (the Earth is 40,000 km
/// around), small enough that distances and travel times stay finite.
pub const MAX_KM: f64 = 1e5;

pub(crate) fn finite_point(p: &[f64], path: String) -> Result<(), ScenarioError> {
    match p.iter().find(|v| !(v.is_finite() && v.abs() <= MAX_KM)) {
        Some(v) => Err(ScenarioError::at(
            path,
            format!(
                "coordinates must be finite numbers (km) between -{MAX_KM} and {MAX_KM}, got {}",
                show(*v)
            ),
        )),
        None => Ok(()),
    }
}

fn weight(w: Option<f64>, path: String) -> Result<f64, ScenarioError> {
    match w {
        None => Ok(1.0),
        Some(w) if w.is_finite() && w >= 0.0 => Ok(w),
        Some(w) => Err(ScenarioError::at(
            path,
            format!("must be a finite number of 0 or more, got {w}"),
        )),
    }
}

impl Demand {
    pub(crate) fn from_scenario(
        s: &Scenario,
        calendar: Calendar,
        read: &dyn Fn(&str) -> Result<String, String>,
    ) -> Result<Demand, ScenarioError> {
        let geography = s.geography.as_ref().map(Geography::from_section).transpose()?;
        let origins_file = s.geography.as_ref().and_then(|g| g.origins.clone());
        if geography.is_none() && !s.zones.is_empty() {
            return Err(ScenarioError::at(
                "zone",
                "zones need a `[geography]` section (metric, speed_kmh, overhead)",
            ));
        }
        if let Some(file) = origins_file {
            if !s.zones.is_empty() {
                return Err(ScenarioError::at(
                    "geography.origins",
                    "give either `[[zone]]` sections or an `origins` file, not both",
                ));
            }
            let text = read(&file).map_err(|e| ScenarioError::at("geography.origins", e))?;
            let (zones, weighted) = parse_origins(&text, &file)?;
            let profile = ArrivalProfile::from_section(&s.arrivals, calendar)?;
            let origins: Vec<Origin> = weighted.iter().map(|(o, _)| o.clone()).collect();
            let source = ArrivalSource::new(
                profile,
                weighted.iter().enumerate().map(|(i, (_, w))| (i, *w)).collect(),
            );
            return Ok(Demand {
                geography,
                zones,
                origins,
                sources: vec![source],
            });
        }
        if geography.is_some() && s.zones.is_empty() {
            return Err(ScenarioError::at(
                "geography",
                "needs `[[zone]]` sections or an `origins` file: where clients start",
            ));
        }
        if s.zones.is_empty() {
            let profile = ArrivalProfile::from_section(&s.arrivals, calendar)?;
            return Ok(Demand {
                geography,
                zones: vec![Zone { name: "all".into() }],
                origins: vec![Origin {
                    zone: 0,
                    place: Place::Nowhere,
                }],
                sources: vec![ArrivalSource::new(profile, vec![(0, 1.0)])],
            });
        }
        let mut zones = Vec::with_capacity(s.zones.len());
        let mut origins = Vec::with_capacity(s.zones.len());
        let mut names = std::collections::HashSet::new();
        let own = |z: &ZoneSection| z.rate.is_some() || z.schedule.is_some();
        let per_zone = own(&s.zones[0]);
        for (i, z) in s.zones.iter().enumerate() {
            let path = format!("zone[{i}]");
            super::unique_name(&mut names, &z.name, format!("{path}.name"), "zone")?;
            let place = match (z.location, z.area) {
                (Some(p), None) => {
                    finite_point(&p, format!("{path}.location"))?;
                    Place::Point(p)
                }
                (None, Some(a)) => {
                    finite_point(&a, format!("{path}.area"))?;
                    if a[2] < a[0] || a[3] < a[1] {
                        return Err(ScenarioError::at(
                            format!("{path}.area"),
                            "is [x0, y0, x1, y1] with x1 >= x0 and y1 >= y0",
                        ));
                    }
                    Place::Area(a)
                }
                (Some(_), Some(_)) => {
                    return Err(ScenarioError::at(
                        format!("{path}.area"),
                        "give either `location` or `area`, not both",
                    ))
                }
                (None, None) => {
                    return Err(ScenarioError::at(
                        format!("{path}.location"),
                        "a zone needs `location = [x_km, y_km]` or `area = [x0, y0, x1, y1]`",
                    ))
                }
            };
            if own(z) != per_zone {
                return Err(ScenarioError::at(
                    format!("{path}.rate"),
                    "either every zone has its own arrivals (`rate` or `schedule`) or none has (then `weight` shares `[arrivals]`)",
                ));
            }
            if per_zone && z.weight.is_some() {
                return Err(ScenarioError::at(
                    format!("{path}.weight"),
                    "a zone with its own arrivals takes no `weight`",
                ));
            }
            zones.push(Zone { name: z.name.clone() });
            origins.push(Origin { zone: i, place });
        }
        let sources = if per_zone {
            if s.arrivals.rate.is_some() || s.arrivals.schedule.is_some() {
                return Err(ScenarioError::at(
                    "arrivals",
                    "the zones have their own arrivals: `[arrivals]` may only hold `scale`, `days` and `process`",
                ));
            }
            s.zones
                .iter()
                .enumerate()
                .map(|(i, z)| {
                    let section = ArrivalsSection {
                        rate: z.rate,
                        schedule: z.schedule.clone(),
                        scale: s.arrivals.scale,
                        days: s.arrivals.days.clone(),
                        process: s.arrivals.process.clone(),
                        trace: None,
                        backlog: None,
                        backlog_days: None,
                    };
                    let profile = ArrivalProfile::from_section(&section, calendar)
                        .map_err(|e| rebase(e, "arrivals", &format!("zone[{i}]")))?;
                    Ok(ArrivalSource::new(profile, vec![(i, 1.0)]))
                })
                .collect::<Result<Vec<_>, ScenarioError>>()?
        } else {
            let profile = ArrivalProfile::from_section(&s.arrivals, calendar)?;
            let weighted = s
                .zones
                .iter()
                .enumerate()
                .map(|(i, z)| Ok((i, weight(z.weight, format!("zone[{i}].weight"))?)))
                .collect::<Result<Vec<_>, ScenarioError>>()?;
            if weighted.iter().all(|(_, w)| *w == 0.0) {
                return Err(ScenarioError::at(
                    "zone[0].weight",
                    "every zone has weight 0: no client would arrive",
                ));
            }
            vec![ArrivalSource::new(profile, weighted)]
        };
        Ok(Demand {
            geography,
            zones,
            origins,
            sources,
        })
    }
}

/// Moves an error's key path from `from` to `to` (a zone's arrivals are checked as `[arrivals]`).
fn rebase(mut e: ScenarioError, from: &str, to: &str) -> ScenarioError {
    if let Some(rest) = e.path.strip_prefix(from) {
        e.path = format!("{to}{rest}");
    }
    e
}

/// The zones of an origins file and its origins with their weights.
type OriginsFile = (Vec<Zone>, Vec<(Origin, f64)>);

/// Reads an origins CSV: a header with `x_km`, `y_km`, `weight` and optionally `zone`.
fn parse_origins(text: &str, file: &str) -> Result<OriginsFile, ScenarioError> {
    let err = |line: u64, m: String| ScenarioError::at("geography.origins", format!("{file}, line {line}: {m}"));
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| err(1, e.to_string()))?.clone();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let (Some(x), Some(y), Some(w)) = (column("x_km"), column("y_km"), column("weight")) else {
        return Err(err(
            1,
            format!(
                "the header must name the columns x_km, y_km, weight (and optionally zone); found: {}",
                headers.iter().collect::<Vec<_>>().join(", ")
            ),
        ));
    };
    let z = column("zone");
    let mut zones: Vec<Zone> = Vec::new();
    let mut zone_ids: HashMap<String, usize> = HashMap::new();
    let mut origins = Vec::new();
    // The csv crate does not count the blank lines it skips: count lines from the byte offset.
    let line_of = |p: Option<&csv::Position>| p.map_or(0, |p| line_at(text, p.byte()));
    for record in reader.records() {
        let record = record.map_err(|e| {
            let (line, message) = record_error(text, &e);
            err(line, message)
        })?;
        let line = line_of(record.position());
        let number = |i: usize, what: &str| -> Result<f64, ScenarioError> {
            let cell = record.get(i).unwrap_or("");
            match cell.parse::<f64>() {
                Ok(v) if v.is_finite() && v.abs() <= MAX_KM => Ok(v),
                _ => Err(err(
                    line,
                    format!("`{what}` must be a finite number between -{MAX_KM} and {MAX_KM}, got `{cell}`"),
                )),
            }
        };
        let point = [number(x, "x_km")?, number(y, "y_km")?];
        let weight = number(w, "weight")?;
        if weight < 0.0 {
            return Err(err(line, format!("`weight` must be 0 or more, got {weight}")));
        }
        let zone_name = z
            .and_then(|i| record.get(i))
            .filter(|s| !s.is_empty())
            .unwrap_or("origins")
            .to_string();
        let next = zones.len();
        let zone = *zone_ids.entry(zone_name.clone()).or_insert(next);
        if zone == next {
            zones.push(Zone { name: zone_name });
        }
        origins.push((
            Origin {
                zone,
                place: Place::Point(point),
            },
            weight,
        ));
    }
    if origins.is_empty() {
        return Err(err(1, "has no origin rows".into()));
    }
    if origins.iter().all(|(_, w)| *w == 0.0) {
        return Err(err(1, "every origin has weight 0: no client would arrive".into()));
    }
    Ok((zones, origins))
}
