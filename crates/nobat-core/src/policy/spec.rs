//! A `[[policy]]` section validated: the rule ([`PolicyKind`]), which offices a client may
//! consider ([`Reach`]) and what it knows of them ([`Information`]).

use super::{
    AllocationPolicy, BoardCorrected, BookingRule, JoinIdle, LeastExpectedWait, LogitChoice, Nearest, PowerOfD,
    RandomPolicy, RoundRobin, ShortestQueue, TravelPlusWait, WeightedRandom, BOOKING_RULES,
};
use crate::model::Model;
use crate::scenario::{PolicySection, ScenarioError};

/// The built-in policy kinds a scenario may name.
pub const POLICY_KINDS: &str = "random, round-robin, shortest-queue, least-expected-wait, power-of-d (with d), \
nearest, travel-plus-wait, board-corrected, logit-choice (with a, b), join-idle, weighted-random, pooled";

/// A built-in rule with its parameters.
#[derive(Debug, Clone, PartialEq)]
pub enum PolicyKind {
    /// [`RandomPolicy`].
    Random,
    /// [`RoundRobin`].
    RoundRobin,
    /// [`ShortestQueue`].
    ShortestQueue,
    /// [`LeastExpectedWait`].
    LeastExpectedWait,
    /// [`PowerOfD`] with `d` sampled offices.
    PowerOfD {
        /// Offices sampled per decision.
        d: usize,
    },
    /// [`Nearest`].
    Nearest,
    /// [`TravelPlusWait`].
    TravelPlusWait {
        /// Minutes of wait one minute of travel is worth.
        travel_weight: f64,
    },
    /// [`BoardCorrected`].
    BoardCorrected {
        /// Minutes of wait one minute of travel is worth.
        travel_weight: f64,
    },
    /// [`LogitChoice`].
    LogitChoice {
        /// Sensitivity to travel, per minute.
        a: f64,
        /// Sensitivity to the announced wait, per minute.
        b: f64,
    },
    /// [`JoinIdle`] with the policy it falls back on.
    JoinIdle {
        /// Used when no candidate shows an idle counter.
        fallback: Box<PolicyKind>,
    },
    /// [`WeightedRandom`].
    WeightedRandom,
    /// Every counter of every office serves one shared FIFO queue, travel ignored: the
    /// benchmark bound no allocation policy can beat. Run by the engine, not a policy object.
    Pooled,
}

/// Which offices a client may consider.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Reach {
    /// Only the `k` nearest offices.
    pub nearest: Option<usize>,
    /// Only offices within this distance (km); the nearest one when none is.
    pub radius_km: Option<f64>,
}

/// What the board shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BoardShows {
    /// The expected wait of a newcomer, in minutes.
    #[default]
    ExpectedWait,
    /// The number of clients waiting (not in service).
    Waiting,
}

/// What clients (or the dispatcher) know, and how many follow the policy.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Information {
    /// Minutes between board refreshes; 0 = live.
    pub refresh: f64,
    /// What the board announces.
    pub shows: BoardShows,
    /// Share of clients who follow the policy; the others go to their nearest office.
    pub compliance: f64,
}

impl Default for Information {
    fn default() -> Self {
        Information {
            refresh: 0.0,
            shows: BoardShows::ExpectedWait,
            compliance: 1.0,
        }
    }
}

/// A policy to compare: its name, rule, reach and information.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicySpec {
    /// Unique name used in reports.
    pub name: String,
    /// The rule.
    pub kind: PolicyKind,
    /// Candidate limits.
    pub reach: Reach,
    /// Board and compliance.
    pub information: Information,
    /// How its booking clients get a slot.
    pub booking: BookingRule,
}

/// Which kinds take which parameter (besides `name` and `kind`).
/// A `join-idle` policy also takes the parameters of its fallback.
const PARAMETERS: &[(&str, &[&str])] = &[
    ("d", &["power-of-d"]),
    ("travel_weight", &["travel-plus-wait", "board-corrected"]),
    ("a", &["logit-choice"]),
    ("b", &["logit-choice"]),
    ("fallback", &["join-idle"]),
    ("shows", &["travel-plus-wait", "logit-choice"]),
    (
        "refresh",
        &[
            "shortest-queue",
            "least-expected-wait",
            "power-of-d",
            "join-idle",
            "travel-plus-wait",
            "board-corrected",
            "logit-choice",
        ],
    ),
];

fn positive_or_zero(value: Option<f64>, default: f64, path: String) -> Result<f64, ScenarioError> {
    match value {
        None => Ok(default),
        Some(v) if v.is_finite() && v >= 0.0 => Ok(v),
        Some(v) => Err(ScenarioError::at(
            path,
            format!("must be a finite number of 0 or more, got {v}"),
        )),
    }
}

impl PolicySpec {
    /// Validates a `[[policy]]` section; `path` is its key path, `offices` the number of
    /// offices, `geography` whether the model has one.
    pub fn from_section(
        p: &PolicySection,
        path: &str,
        offices: usize,
        geography: bool,
    ) -> Result<PolicySpec, ScenarioError> {
        let at = |key: &str, m: String| ScenarioError::at(format!("{path}.{key}"), m);
        let given = [
            ("d", p.d.is_some()),
            ("travel_weight", p.travel_weight.is_some()),
            ("a", p.a.is_some()),
            ("b", p.b.is_some()),
            ("fallback", p.fallback.is_some()),
            ("shows", p.shows.is_some()),
            ("refresh", p.refresh.is_some()),
        ];
        for (key, kinds) in PARAMETERS {
            let set = given.iter().any(|(k, s)| k == key && *s);
            let fallback = p.fallback.as_deref().unwrap_or("random");
            let fallback_takes = p.kind == "join-idle" && kinds.contains(&fallback);
            if set && !kinds.contains(&p.kind.as_str()) && !fallback_takes {
                let what = if *key == "refresh" {
                    "reads the crowding board"
                } else {
                    "takes it"
                };
                return Err(at(
                    key,
                    format!(
                        "`{key}` applies to {} only (each {what}), not to `{}`",
                        kinds.join(", "),
                        p.kind
                    ),
                ));
            }
        }
        let kind = Self::kind(&p.kind, p, path, offices, geography)?;
        let refresh = p.refresh.map_or(0.0, |r| r.get());
        let shows = match p.shows.as_deref() {
            None | Some("expected-wait") => BoardShows::ExpectedWait,
            Some("waiting") => BoardShows::Waiting,
            Some(other) => {
                return Err(at(
                    "shows",
                    format!("unknown board content `{other}`; allowed: expected-wait, waiting"),
                ))
            }
        };
        let compliance = match p.compliance {
            None => 1.0,
            Some(c) if (0.0..=1.0).contains(&c) => c,
            Some(c) => return Err(at("compliance", format!("must be a share between 0 and 1, got {c}"))),
        };
        if compliance < 1.0 && !geography {
            return Err(at(
                "compliance",
                "clients who do not follow the policy go to their nearest office: this needs `[geography]`".into(),
            ));
        }
        let nearest = match p.candidates {
            None => None,
            Some(0) => return Err(at("candidates", "must be 1 or more".into())),
            Some(k) => Some((k as usize).min(offices)),
        };
        let radius_km = match p.radius_km {
            None => None,
            Some(r) if r.is_finite() && r > 0.0 => Some(r),
            Some(r) => {
                return Err(at(
                    "radius_km",
                    format!("must be a finite number greater than 0 (km), got {r}"),
                ))
            }
        };
        if (nearest.is_some() || radius_km.is_some()) && !geography {
            let key = if nearest.is_some() { "candidates" } else { "radius_km" };
            return Err(at(
                key,
                "candidate limits are by distance: this needs `[geography]` and office locations".into(),
            ));
        }
        if kind == PolicyKind::Pooled {
            let extra = [
                ("candidates", nearest.is_some()),
                ("radius_km", radius_km.is_some()),
                ("refresh", p.refresh.is_some()),
                ("shows", p.shows.is_some()),
                ("compliance", p.compliance.is_some()),
            ];
            if let Some((key, _)) = extra.iter().find(|(_, set)| *set) {
                return Err(at(
                    key,
                    format!("`pooled` is one queue for all counters: it takes no `{key}`"),
                ));
            }
        }
        let booking = match p.booking.as_deref() {
            None => BookingRule::default(),
            Some(name) => BookingRule::from_name(name).ok_or_else(|| {
                at(
                    "booking",
                    format!("unknown booking rule `{name}`; allowed: {BOOKING_RULES}"),
                )
            })?,
        };
        if kind == PolicyKind::Pooled && p.booking.is_some() {
            return Err(at(
                "booking",
                "`pooled` serves every client from one queue on arrival: it takes no bookings".into(),
            ));
        }
        Ok(PolicySpec {
            name: p.name.clone().unwrap_or_else(|| p.kind.clone()),
            booking,
            kind,
            reach: Reach { nearest, radius_km },
            information: Information {
                refresh,
                shows,
                compliance,
            },
        })
    }

    fn kind(
        name: &str,
        p: &PolicySection,
        path: &str,
        offices: usize,
        geography: bool,
    ) -> Result<PolicyKind, ScenarioError> {
        let at = |key: &str, m: String| ScenarioError::at(format!("{path}.{key}"), m);
        Ok(match name {
            "random" => PolicyKind::Random,
            "round-robin" => PolicyKind::RoundRobin,
            "shortest-queue" => PolicyKind::ShortestQueue,
            "least-expected-wait" => PolicyKind::LeastExpectedWait,
            "weighted-random" => PolicyKind::WeightedRandom,
            "pooled" => PolicyKind::Pooled,
            "power-of-d" => {
                let d =
                    p.d.ok_or_else(|| at("d", "`power-of-d` needs `d`, the number of offices sampled".into()))?;
                if d == 0 || d as usize > offices {
                    return Err(at(
                        "d",
                        format!("must be between 1 and the number of offices ({offices}), got {d}"),
                    ));
                }
                PolicyKind::PowerOfD { d: d as usize }
            }
            "nearest" => {
                if !geography {
                    return Err(at(
                        "kind",
                        "`nearest` needs `[geography]` with office locations and zones".into(),
                    ));
                }
                PolicyKind::Nearest
            }
            "travel-plus-wait" => PolicyKind::TravelPlusWait {
                travel_weight: positive_or_zero(p.travel_weight, 1.0, format!("{path}.travel_weight"))?,
            },
            "board-corrected" => PolicyKind::BoardCorrected {
                travel_weight: positive_or_zero(p.travel_weight, 1.0, format!("{path}.travel_weight"))?,
            },
            "logit-choice" => PolicyKind::LogitChoice {
                a: positive_or_zero(p.a, 0.1, format!("{path}.a"))?,
                b: positive_or_zero(p.b, 0.1, format!("{path}.b"))?,
            },
            "join-idle" => {
                let fallback = p.fallback.as_deref().unwrap_or("random");
                if matches!(fallback, "join-idle" | "pooled") {
                    return Err(at("fallback", format!("`{fallback}` cannot be a fallback; use a policy that always chooses, e.g. random or power-of-d")));
                }
                let inner = Self::kind(fallback, p, path, offices, geography).map_err(|e| {
                    if e.path.ends_with(".kind") {
                        at("fallback", e.message)
                    } else {
                        e
                    }
                })?;
                PolicyKind::JoinIdle {
                    fallback: Box::new(inner),
                }
            }
            other => {
                return Err(at(
                    "kind",
                    format!("unknown policy kind `{other}`; allowed: {POLICY_KINDS}"),
                ))
            }
        })
    }
}

impl PolicyKind {
    /// A fresh instance of this rule for one replication of `model`. [`PolicyKind::Pooled`] has
    /// no policy object (the engine pools the counters); it builds a uniform random stand-in.
    pub fn build(&self, model: &Model) -> Box<dyn AllocationPolicy> {
        match self {
            PolicyKind::Random | PolicyKind::Pooled => Box::new(RandomPolicy),
            PolicyKind::RoundRobin => Box::new(RoundRobin::default()),
            PolicyKind::ShortestQueue => Box::new(ShortestQueue),
            PolicyKind::LeastExpectedWait => Box::new(LeastExpectedWait),
            PolicyKind::PowerOfD { d } => Box::new(PowerOfD::new(*d)),
            PolicyKind::Nearest => Box::new(Nearest),
            PolicyKind::TravelPlusWait { travel_weight } => Box::new(TravelPlusWait {
                travel_weight: *travel_weight,
            }),
            PolicyKind::BoardCorrected { travel_weight } => Box::new(BoardCorrected {
                travel_weight: *travel_weight,
            }),
            PolicyKind::LogitChoice { a, b } => Box::new(LogitChoice::new(*a, *b, model.offices.len())),
            PolicyKind::JoinIdle { fallback } => Box::new(JoinIdle::new(fallback.build(model), model.offices.len())),
            PolicyKind::WeightedRandom => Box::new(WeightedRandom),
        }
    }
}
