//! [`CandidateTable`]: the offices each origin may consider, computed once per policy so that a
//! decision costs O(candidates), not O(offices).
//!
//! A limit (`candidates = k`, `radius_km`) is about where a client starts. For an origin that is
//! a point every client starts there, and its candidates are computed once. For an area each
//! client starts somewhere else in it, and its nearest offices depend on where: ranking them
//! from the area's centre denied clients at its edge the office next to them. So an area is cut
//! into a grid of parts, and the table keeps for each part a *pool* of every office that is
//! among the nearest of some point of the part; a client's candidates are ranked from its own
//! point among its part's pool ([`CandidateTable::rank_from`]). The pool follows from the
//! triangle inequality: if `R` is the farthest the part reaches from its centre `c` and `d_k`
//! the distance from `c` to its `k`-th nearest office, every point of the part has `k` offices
//! within `R + d_k`, so an office among a point's `k` nearest lies within `2R + d_k` of `c`;
//! within `R + r` for a radius `r` (or `2R + d_1` for the nearest office, which a radius always
//! allows). The grid is fine enough that `R` is a small fraction of `d_k` (or `r`), so a pool
//! holds a few more offices than `k`.

use super::Reach;
use crate::model::{Geography, Model, Place};

/// The most parts an area is cut into along each side.
const MAX_PARTS: usize = 16;
/// The most pool entries an area's parts may hold together (393 KB): a wide area with a long
/// radius can have hundreds of offices in every part's pool, and 400 such zones cut 16 by 16
/// took over a gigabyte. Past it the area has fewer, larger parts (more ranking per client).
const MAX_AREA_ENTRIES: usize = 16_384;

/// Candidate offices per origin: all physical offices (in office order) without a limit, else
/// the physical offices allowed by the [`Reach`] nearest to where a client starts: ranked once
/// from a point origin (nearest first), or per client from a pool for an area origin (see
/// [`CandidateTable::rank_from`] for their order). Virtual offices are never candidates:
/// clients reach them through `online_share`.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateTable {
    /// Where each list starts in `offices`: one list per point origin, one pool per part of an
    /// area origin.
    offsets: Vec<usize>,
    offices: Vec<usize>,
    /// The location of each entry of `offices`, side by side, so that computing a client's
    /// travel times reads one contiguous run of memory.
    locations: Vec<[f64; 2]>,
    shared: bool,
    /// The shared list is every office in order, so an office's position is its id.
    identity: bool,
    /// Each origin's first list, and for an area ranked per client its grid of parts.
    lists: Vec<(usize, Option<Grid>)>,
    /// For each part's pool, how many of its first offices are among the `k` nearest of every
    /// point of the part (0 for other lists, and with a radius).
    sure: Vec<u32>,
    /// The limit and the geography it measures with, for ranking from a pool.
    reach: Reach,
    geography: Option<Geography>,
}

/// An area cut into `parts` by `parts` rectangles, each with its pool (row-major, from
/// `[x0, y0]`).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Grid {
    area: [f64; 4],
    parts: usize,
}

impl Grid {
    /// The part holding `point` (a point on a shared edge goes to either, both pools hold it).
    #[inline]
    fn part_of(&self, point: [f64; 2]) -> usize {
        let [x0, y0, x1, y1] = self.area;
        let step = |v: f64, lo: f64, hi: f64| {
            let f = if hi > lo { (v - lo) / (hi - lo) } else { 0.0 };
            ((f * self.parts as f64) as usize).min(self.parts - 1)
        };
        step(point[1], y0, y1) * self.parts + step(point[0], x0, x1)
    }

    /// Part `i`'s rectangle.
    fn part(&self, i: usize) -> [f64; 4] {
        let [x0, y0, x1, y1] = self.area;
        let n = self.parts as f64;
        let (col, row) = ((i % self.parts) as f64, (i / self.parts) as f64);
        let (w, h) = ((x1 - x0) / n, (y1 - y0) / n);
        [x0 + col * w, y0 + row * h, x0 + (col + 1.0) * w, y0 + (row + 1.0) * h]
    }
}

/// One client's candidates ranked from a pool: buffers the engine keeps and reuses, so that
/// ranking allocates nothing once they have grown.
#[derive(Debug, Clone, Default)]
pub struct RankedCandidates {
    /// The candidates, in the order [`CandidateTable::rank_from`] gives.
    pub offices: Vec<usize>,
    /// Their locations, in the same order.
    pub locations: Vec<[f64; 2]>,
    /// The rank keys ([`Geography::rank_key`]) and positions in the table of the pool's
    /// offices, being ranked.
    ranking: Vec<(f64, u32)>,
}

/// An office with its distance from a point it was ranked from: (distance, office, location).
type Near = (f64, usize, [f64; 2]);

/// `offices` (id, location) ranked from `centre`: by distance, then id.
fn by_distance(geo: &Geography, centre: [f64; 2], offices: impl Iterator<Item = (usize, [f64; 2])>) -> Vec<Near> {
    let mut ranked: Vec<Near> = offices.map(|(i, at)| (geo.distance(centre, at), i, at)).collect();
    ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    ranked
}

/// The offices of `ranked` (ranked from the centre of a rectangle reaching `reach_km` from it)
/// within its pool bound. `ranked` is every office, or a pool of a larger rectangle holding
/// this one.
fn pool(reach: &Reach, reach_km: f64, mut ranked: Vec<Near>) -> Vec<Near> {
    let kth = |k: usize| ranked[k.min(ranked.len()) - 1].0;
    let by_count = reach.nearest.map_or(f64::INFINITY, |k| 2.0 * reach_km + kth(k));
    let by_radius = reach
        .radius_km
        .map_or(f64::INFINITY, |r| (reach_km + r).max(2.0 * reach_km + kth(1)));
    // A hair wider, so that rounding never leaves out an office on the bound.
    let bound = by_count.min(by_radius) * (1.0 + 1e-9) + 1e-9;
    let within = ranked.partition_point(|e| e.0 <= bound);
    ranked.truncate(within);
    ranked
}

/// How many of the first offices of `pool` (ranked from a centre) are among the `k` nearest of
/// every point within `reach_km` of the centre: an office `d` from the centre is at most
/// `d + reach_km` from such a point, and only offices within `d + 2 reach_km` of the centre
/// can be nearer to it (or as near, with a smaller id), so it is sure when fewer than `k`
/// others are. The sure offices are a prefix, as that count grows with `d`.
fn sure_prefix(reach_km: f64, pool: &[Near], k: usize) -> usize {
    if pool.len() <= k {
        return pool.len();
    }
    // A hair wider, so that rounding never makes an office sure that is not.
    let margin = 2.0 * reach_km * (1.0 + 1e-9) + 1e-9;
    pool.iter()
        .take_while(|e| pool.partition_point(|f| f.0 <= e.0 + margin) <= k)
        .count()
}

impl CandidateTable {
    /// The table for `model`'s origins under `reach`.
    pub fn new(model: &Model, reach: &Reach) -> Self {
        let n = model.offices.len();
        let physical: Vec<usize> = (0..n).filter(|&i| !model.offices[i].is_virtual).collect();
        let location = |i: usize| model.offices[i].location.unwrap_or_default();
        let Some(geo) = model
            .geography
            .filter(|_| reach.nearest.is_some() || reach.radius_km.is_some())
        else {
            return CandidateTable {
                offsets: vec![0, physical.len()],
                locations: physical.iter().map(|&i| location(i)).collect(),
                identity: physical.len() == n,
                offices: physical,
                shared: true,
                lists: Vec::new(),
                sure: Vec::new(),
                reach: *reach,
                geography: model.geography,
            };
        };
        let everyone = || physical.iter().map(|&i| (i, location(i)));
        let n = physical.len();
        let mut offsets = vec![0];
        let mut offices = Vec::new();
        let mut lists = Vec::with_capacity(model.origins.len());
        let mut sure = Vec::new();
        for origin in &model.origins {
            let centre = origin.place.centre();
            let first = offsets.len() - 1;
            // How far an area reaches from its centre: every corner is as far, whatever the
            // metric.
            let area = match origin.place {
                Place::Area(area) if n > 1 => Some(area),
                _ => None,
            };
            let reach_km = area.map_or(0.0, |[x0, y0, _, _]| geo.distance(centre, [x0, y0]));
            let Some(area) = area.filter(|_| reach_km > 0.0) else {
                let ranked = by_distance(&geo, centre, everyone());
                let within = match reach.radius_km {
                    Some(r) => ranked.partition_point(|e| e.0 <= r).max(1),
                    None => n,
                };
                let keep = within.min(reach.nearest.unwrap_or(n));
                offices.extend(ranked[..keep].iter().map(|e| e.1));
                offsets.push(offices.len());
                sure.push(0);
                lists.push((first, None));
                continue;
            };
            let whole = pool(reach, reach_km, by_distance(&geo, centre, everyone()));
            if reach.radius_km.is_none() && reach.nearest.is_some_and(|k| whole.len() <= k) {
                // Every client of the area has the whole pool as its candidates (at most `k`
                // offices can be among the nearest of any of its points): one list, as a point.
                offices.extend(whole.iter().map(|e| e.1));
                offsets.push(offices.len());
                sure.push(0);
                lists.push((first, None));
                continue;
            }
            // Parts small beside the distance that matters (the `k`-th nearest office's, or
            // the radius), so that their pools are not much more than `k` offices.
            let scale = match (reach.nearest, reach.radius_km) {
                (Some(k), r) => {
                    let kth = whole.get(k.min(whole.len()) - 1).map_or(0.0, |e| e.0);
                    r.map_or(kth, |r| kth.min(r))
                }
                (None, Some(r)) => r,
                (None, None) => 0.0,
            };
            let fine = if scale > 0.0 {
                ((8.0 * reach_km / scale).ceil() as usize).clamp(1, MAX_PARTS)
            } else {
                MAX_PARTS
            };
            // A part's pool is at most the whole area's.
            let affordable = ((MAX_AREA_ENTRIES / whole.len().max(1)) as f64).sqrt() as usize;
            let parts = fine.min(affordable.max(1));
            let grid = Grid { area, parts };
            for i in 0..parts * parts {
                let [x0, y0, x1, y1] = grid.part(i);
                let centre = [(x0 + x1) / 2.0, (y0 + y1) / 2.0];
                let reach_km = geo.distance(centre, [x0, y0]);
                let part = pool(
                    reach,
                    reach_km,
                    by_distance(&geo, centre, whole.iter().map(|e| (e.1, e.2))),
                );
                sure.push(match (reach.nearest, reach.radius_km) {
                    (Some(k), None) => sure_prefix(reach_km, &part, k) as u32,
                    _ => 0,
                });
                offices.extend(part.iter().map(|e| e.1));
                offsets.push(offices.len());
            }
            lists.push((first, Some(grid)));
        }
        let locations = offices.iter().map(|&i| location(i)).collect();
        CandidateTable {
            offsets,
            offices,
            locations,
            shared: false,
            identity: false,
            lists,
            sure,
            reach: *reach,
            geography: Some(geo),
        }
    }

    /// Whether the candidates of a client of `origin` depend on where it starts (an area with
    /// a limit): they are then ranked by [`rank_from`](Self::rank_from).
    #[inline]
    pub fn ranks_per_client(&self, origin: usize) -> bool {
        self.lists.get(origin).is_some_and(|(_, grid)| grid.is_some())
    }

    /// The candidates of a client of `origin` starting at `point`: the offices allowed by the
    /// limit among the pool of the part of the area holding `point`, ranked from `point` by
    /// distance, then office id. Never empty: with a radius and no office within it, the
    /// nearest office. Most often they are the pool itself, or its offices sure to be among the
    /// nearest of any point of the part and a few chosen among the rest: the sure ones come
    /// first, in order of distance from the part's centre. `out` holds them when they are not a
    /// slice of the table.
    pub fn rank_from<'a>(
        &'a self,
        origin: usize,
        point: [f64; 2],
        out: &'a mut RankedCandidates,
    ) -> (&'a [usize], &'a [[f64; 2]]) {
        let (Some(geo), Some(&(first, grid))) = (self.geography, self.lists.get(origin)) else {
            return (&[], &[]);
        };
        let list = first + grid.map_or(0, |g| g.part_of(point));
        let range = self.offsets[list]..self.offsets[list + 1];
        let k = self.reach.nearest.unwrap_or(usize::MAX).max(1);
        let radius = self.reach.radius_km;
        if radius.is_none() && range.len() <= k {
            // Every office of the pool is among the nearest wherever the client is.
            return (&self.offices[range.clone()], &self.locations[range]);
        }
        out.offices.clear();
        out.locations.clear();
        out.ranking.clear();
        let sure = if radius.is_none() { self.sure[list] as usize } else { 0 };
        out.offices
            .extend_from_slice(&self.offices[range.start..range.start + sure]);
        out.locations
            .extend_from_slice(&self.locations[range.start..range.start + sure]);
        let within = radius.map_or(f64::INFINITY, |r| geo.rank_key_of(r));
        let ranking = &mut out.ranking;
        let offices = &self.offices;
        // Ranked by key, then office id.
        let after =
            |a: (f64, u32), b: (f64, u32)| a.0 > b.0 || (a.0 == b.0 && offices[a.1 as usize] > offices[b.1 as usize]);
        let mut nearest = (f64::INFINITY, u32::MAX);
        let want = k - sure;
        let rest = range.start + sure..range.end;
        for (&at, j) in self.locations[rest.clone()].iter().zip(rest.start as u32..) {
            let entry = (geo.rank_key(point, at), j);
            if entry.0 > within {
                if nearest.1 == u32::MAX || after(nearest, entry) {
                    nearest = entry;
                }
                continue;
            }
            // Only the `want` best are kept: one comparison rejects an office no nearer than
            // all of them.
            if ranking.len() == want {
                if !after(ranking[want - 1], entry) {
                    continue;
                }
                ranking.pop();
            }
            // The pool is ordered by distance from its part's centre, which the client's point
            // changes little: an insertion sort of nearly sorted keys.
            ranking.push(entry);
            let mut i = ranking.len() - 1;
            while i > 0 && after(ranking[i - 1], entry) {
                ranking[i] = ranking[i - 1];
                i -= 1;
            }
            ranking[i] = entry;
        }
        // With a radius and no office within it, the nearest.
        if ranking.is_empty() && nearest.1 != u32::MAX {
            ranking.push(nearest);
        }
        for &(_, j) in ranking.iter() {
            out.offices.push(self.offices[j as usize]);
            out.locations.push(self.locations[j as usize]);
        }
        (&out.offices, &out.locations)
    }

    /// The candidates of `origin`; never empty. (For an origin ranked per client, the pool of
    /// the first part of its area: use [`rank_from`](Self::rank_from).)
    #[inline]
    pub fn for_origin(&self, origin: usize) -> &[usize] {
        if self.shared {
            &self.offices
        } else {
            let list = self.lists[origin].0;
            &self.offices[self.offsets[list]..self.offsets[list + 1]]
        }
    }

    /// The locations of the candidates of `origin`, in the same order (origin when the model
    /// has no geography).
    #[inline]
    pub fn locations_for(&self, origin: usize) -> &[[f64; 2]] {
        if self.shared {
            &self.locations
        } else {
            let list = self.lists[origin].0;
            &self.locations[self.offsets[list]..self.offsets[list + 1]]
        }
    }

    /// Where `office` stands among the candidates of `origin`, if it is one.
    #[inline]
    pub fn position(&self, origin: usize, office: usize) -> Option<usize> {
        if self.identity {
            (office < self.offices.len()).then_some(office)
        } else {
            self.for_origin(origin).iter().position(|&i| i == office)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario;
    use proptest::prelude::*;

    /// A model of `offices` (x, y) and one zone, the area `area`, with a metric.
    fn model(offices: &[(f64, f64)], area: [f64; 4], manhattan: bool) -> Model {
        let mut source = format!(
            "[run]\nhorizon = 10\n[arrivals]\nrate = 1\n[geography]\nspeed_kmh = 30\nmetric = \"{}\"\n\
             [[service]]\nname = \"s\"\nduration = {{ dist = \"exponential\", mean = 1.0 }}\n\
             [[zone]]\nname = \"z\"\narea = [{}, {}, {}, {}]\n[[policy]]\nkind = \"random\"\n",
            if manhattan { "manhattan" } else { "euclidean" },
            area[0],
            area[1],
            area[2],
            area[3]
        );
        for (i, (x, y)) in offices.iter().enumerate() {
            source.push_str(&format!("[[office]]\nname = \"O{i}\"\nlocation = [{x}, {y}]\n"));
        }
        scenario::load(&source).expect("a valid scenario")
    }

    /// The candidates of a client at `point` by the rule itself: without a limit every office
    /// in order; else every office ranked from the point by distance, then id, those within the
    /// radius (at least the nearest), at most `k`.
    fn brute_force(model: &Model, reach: &Reach, point: [f64; 2]) -> Vec<usize> {
        if reach.nearest.is_none() && reach.radius_km.is_none() {
            return (0..model.offices.len()).collect();
        }
        let geo = model.geography.expect("a geography");
        let mut ranked: Vec<(f64, usize)> = (0..model.offices.len())
            .map(|i| (geo.rank_key(point, model.offices[i].location.unwrap_or_default()), i))
            .collect();
        ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let within = match reach.radius_km {
            Some(r) => ranked
                .iter()
                .take_while(|(d, _)| *d <= geo.rank_key_of(r))
                .count()
                .max(1),
            None => ranked.len(),
        };
        ranked.truncate(within.min(reach.nearest.unwrap_or(usize::MAX)));
        ranked.into_iter().map(|(_, i)| i).collect()
    }

    proptest! {
        /// The pool of a part of an area holds every office that is among the candidates of
        /// some point of it, and its sure offices are among those of every point: at any point
        /// the candidates are the offices that ranking all offices gives (in another order: the
        /// sure ones first).
        #[test]
        fn ranking_from_the_pool_is_ranking_from_all_offices(
            offices in prop::collection::vec((0.0..30.0f64, 0.0..30.0f64), 1..40),
            corner in (0.0..25.0f64, 0.0..25.0f64),
            size in (0.0..12.0f64, 0.0..12.0f64),
            nearest in prop::option::of(1usize..8),
            radius in prop::option::of(0.5..15.0f64),
            manhattan in any::<bool>(),
            points in prop::collection::vec((0.0..1.0f64, 0.0..1.0f64), 1..20),
        ) {
            let area = [corner.0, corner.1, corner.0 + size.0, corner.1 + size.1];
            let model = model(&offices, area, manhattan);
            let reach = Reach { nearest, radius_km: radius };
            let table = CandidateTable::new(&model, &reach);
            let mut ranked = RankedCandidates::default();
            for (u, v) in points {
                let point = [area[0] + u * size.0, area[1] + v * size.1];
                let expected = brute_force(&model, &reach, point);
                let (mut got, mut expected) = if table.ranks_per_client(0) {
                    let (offices, locations) = table.rank_from(0, point, &mut ranked);
                    for (&i, at) in offices.iter().zip(locations) {
                        prop_assert_eq!(Some(*at), model.offices[i].location);
                    }
                    (offices.to_vec(), expected.clone())
                } else {
                    (table.for_origin(0).to_vec(), expected.clone())
                };
                got.sort_unstable();
                expected.sort_unstable();
                prop_assert_eq!(&got, &expected, "at {:?} in {:?}", point, area);
            }
        }
    }

    /// A client at the edge of a wide area has the office next to it among its two nearest:
    /// ranking from the area's centre left it out.
    #[test]
    fn a_client_beside_an_office_may_choose_it() {
        let model = model(
            &[(1.0, 10.0), (10.0, 10.0), (19.0, 10.0)],
            [0.0, 0.0, 20.0, 20.0],
            false,
        );
        let table = CandidateTable::new(
            &model,
            &Reach {
                nearest: Some(2),
                radius_km: None,
            },
        );
        assert!(table.ranks_per_client(0));
        let mut ranked = RankedCandidates::default();
        let mut at = |point| {
            let mut offices = table.rank_from(0, point, &mut ranked).0.to_vec();
            offices.sort_unstable();
            offices
        };
        assert_eq!(at([18.0, 10.0]), vec![1, 2]);
        assert_eq!(at([2.0, 3.0]), vec![0, 1]);
    }
}
