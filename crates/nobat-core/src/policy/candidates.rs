//! [`CandidateTable`]: the offices each origin may consider, computed once per policy so that a
//! decision costs O(candidates), not O(offices).

use super::Reach;
use crate::model::Model;

/// Candidate offices per origin: all physical offices (in office order) without a limit, else
/// the physical offices allowed by the [`Reach`], nearest first, ranked from the origin's
/// centre. Virtual offices are never candidates: clients reach them through `online_share`.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateTable {
    offsets: Vec<usize>,
    offices: Vec<usize>,
    /// The location of each entry of `offices`, side by side, so that computing a client's
    /// travel times reads one contiguous run of memory.
    locations: Vec<[f64; 2]>,
    shared: bool,
    /// The shared list is every office in order, so an office's position is its id.
    identity: bool,
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
            };
        };
        let n = physical.len();
        let mut offsets = Vec::with_capacity(model.origins.len() + 1);
        let mut offices = Vec::new();
        let mut ranked: Vec<(f64, usize)> = Vec::with_capacity(n);
        offsets.push(0);
        for origin in &model.origins {
            let centre = origin.place.centre();
            ranked.clear();
            ranked.extend(physical.iter().map(|&i| (geo.distance(centre, location(i)), i)));
            ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let within = match reach.radius_km {
                Some(r) => ranked.iter().take_while(|(d, _)| *d <= r).count().max(1),
                None => n,
            };
            let keep = within.min(reach.nearest.unwrap_or(n));
            offices.extend(ranked[..keep].iter().map(|&(_, i)| i));
            offsets.push(offices.len());
        }
        let locations = offices.iter().map(|&i| location(i)).collect();
        CandidateTable {
            offsets,
            offices,
            locations,
            shared: false,
            identity: false,
        }
    }

    /// The candidates of `origin`; never empty.
    #[inline]
    pub fn for_origin(&self, origin: usize) -> &[usize] {
        if self.shared {
            &self.offices
        } else {
            &self.offices[self.offsets[origin]..self.offsets[origin + 1]]
        }
    }

    /// The locations of the candidates of `origin`, in the same order (origin when the model
    /// has no geography).
    #[inline]
    pub fn locations_for(&self, origin: usize) -> &[[f64; 2]] {
        if self.shared {
            &self.locations
        } else {
            &self.locations[self.offsets[origin]..self.offsets[origin + 1]]
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
