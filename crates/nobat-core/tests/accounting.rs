//! Exact accounting and queue discipline on random networks, checked event by event.
//!
//! Every client created must end exactly once: served, abandoned, balked, blocked, turned
//! away or a no-show, so that `arrived = served + abandoned + balked + blocked + turned_away +
//! no_shows` per replication, and per office and over the offices plus the clients who never
//! reached one (no-shows among them). The [`Audit`]
//! recorder replays the engine's event stream and also checks what the rules promise: no service
//! starts while an office has no open counter (except after the day's last closing with
//! `at_close = "serve"`, for those already inside), the queue is FIFO within a priority level
//! and a more urgent client never waits while a less urgent one starts, capacity, balking and
//! patience act exactly at their thresholds, no one reaches an office that does not offer its
//! service, booked clients get slots that the booking rules allow and go before walk-ins (or use
//! reserved counters), and nothing is left in the system at the end.
//!
//! Two property tests draw the networks: [`plain_networks`] (always open, one service, every
//! policy: served = arrived exactly) and [`rich_networks`] (patience, balking, capacity with
//! `lost` and `next`, hours with breaks, weekday tables and shifts, `serve` and `turn-away`,
//! priorities, service offerings, a virtual office with online shares, geography, stale boards,
//! compliance, candidate limits and every policy, `pooled` with hours and shifts, and
//! appointments: booking shares, no-shows, lateness, slot rules, every booking rule, booked
//! clients first or reserved counters). That the
//! shared queue of `pooled` is sent home at closing is checked in `office_rules.rs`.

use nobat_core::engine::{run_replication, Client, PolicySetup, Recorder};
use nobat_core::experiment::{run_experiment, NamedPolicy, RunOptions};
use nobat_core::model::{AtClose, Model, DAY};
use nobat_core::scenario;
use nobat_core::stats::{Outcomes, ReplicationStats};
use proptest::prelude::*;

/// How a client ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    Served,
    Abandoned,
    Balked,
    Blocked,
    TurnedAway,
    NoShow,
}

impl End {
    fn count(self, o: &mut Outcomes) {
        match self {
            End::Served => o.served += 1,
            End::Abandoned => o.abandoned += 1,
            End::Balked => o.balked += 1,
            End::Blocked => o.blocked += 1,
            End::TurnedAway => o.turned_away += 1,
            End::NoShow => o.no_show += 1,
        }
    }
}

/// Whether an office takes new clients, as its counters say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Door {
    /// Open counters: clients come in.
    Open,
    /// A break (closed, reopening later the same day): clients come in and wait.
    Break,
    /// Closed for the day: clients arriving are turned away.
    Closed,
}

/// What the audit knows of one client.
#[derive(Debug, Clone)]
struct Track {
    service: usize,
    created: f64,
    /// The office it reached, when, and what it found there.
    office: Option<usize>,
    arrived: f64,
    present_seen: u32,
    waiting_seen: u32,
    door: Door,
    /// It stayed at its office (`Some(false)`: sent away on arrival).
    joined: Option<bool>,
    ends: u32,
    end: Option<(End, f64)>,
    start: f64,
    /// It booked a slot.
    booked: bool,
}

/// The state of one office as the events tell it.
#[derive(Debug, Clone)]
struct OfficeState {
    open: u32,
    /// Counters before the last closing, which keep serving after hours with `serve`.
    last_open: u32,
    door: Door,
    busy: u32,
    waiting: u32,
    present: u32,
    /// When it last closed for the day.
    closed_at: f64,
}

/// A [`Recorder`] that feeds [`ReplicationStats`] and audits the event stream.
pub struct Audit<'m> {
    model: &'m Model,
    pooled: bool,
    /// Candidates are limited by distance, so "no open office" cannot be checked from here.
    reach_limited: bool,
    pub stats: ReplicationStats,
    now: f64,
    clients: Vec<Track>,
    offices: Vec<OfficeState>,
    /// The client whose `office_arrival` was the last event, until the next event says
    /// whether it stayed.
    pending: Option<usize>,
    /// Services started after an office's last closing, by office and start time: when it
    /// closed.
    after_hours: std::collections::HashMap<(usize, u64), f64>,
    /// Clients booked per (office, slot start), against the slot's published clients.
    bookings: std::collections::HashMap<(usize, u64), u32>,
    finished: Option<f64>,
    problems: Vec<String>,
}

/// Relative tolerance on times computed along different paths (`start + duration`).
const EPS: f64 = 1e-9;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= EPS * a.abs().max(b.abs()).max(1.0)
}

impl<'m> Audit<'m> {
    pub fn new(model: &'m Model, setup: &PolicySetup) -> Self {
        Audit {
            model,
            pooled: setup.pooled,
            reach_limited: model.policies[0].reach.nearest.is_some() || model.policies[0].reach.radius_km.is_some(),
            stats: ReplicationStats::new(model),
            now: 0.0,
            clients: Vec::new(),
            offices: model
                .offices
                .iter()
                .map(|_| OfficeState {
                    open: 0,
                    last_open: 0,
                    door: Door::Closed,
                    busy: 0,
                    waiting: 0,
                    present: 0,
                    closed_at: f64::NAN,
                })
                .collect(),
            pending: None,
            after_hours: std::collections::HashMap::new(),
            bookings: std::collections::HashMap::new(),
            finished: None,
            problems: Vec::new(),
        }
    }

    fn problem(&mut self, p: String) {
        if self.problems.len() < 12 {
            self.problems.push(p);
        }
    }

    /// Every event: time never goes back, and the client whose arrival was the last event is
    /// settled: it stayed unless this event is its leaving at once (`rejected_now`).
    fn event(&mut self, t: f64, rejected_now: Option<u64>) {
        if t < self.now {
            self.problem(format!("time went back from {} to {t}", self.now));
        }
        self.now = t;
        if let Some(id) = self.pending.take() {
            let joined = rejected_now != Some(id as u64);
            self.clients[id].joined = Some(joined);
            if joined {
                let c = self.clients[id].clone();
                let o = c.office.expect("a pending client has an office");
                let office = &self.model.offices[o];
                self.offices[o].present += 1;
                if let Some(k) = office.capacity {
                    if c.present_seen >= k {
                        self.problem(format!(
                            "client {id} joined office {o} with {} present of capacity {k}",
                            c.present_seen
                        ));
                    }
                }
                if let Some(b) = self.model.services[c.service].balk.filter(|_| !c.booked) {
                    if !self.pooled && b.probability >= 1.0 && c.waiting_seen > b.above {
                        self.problem(format!(
                            "client {id} joined office {o} behind {} waiting, more than balk_above = {}",
                            c.waiting_seen, b.above
                        ));
                    }
                }
                // Pooled clients join an office when their service starts, after hours too: the
                // after-hours check below asks that they were waiting before it closed.
                if c.door == Door::Closed && !self.pooled {
                    self.problem(format!("client {id} joined office {o} at {t}, after its last closing"));
                }
            }
        }
    }

    fn track(&mut self, client: &Client) -> Option<usize> {
        let id = client.id as usize;
        if id >= self.clients.len() {
            self.problem(format!("client {id} was never created: {client:?}"));
            return None;
        }
        Some(id)
    }

    /// `client` ends at `t` in `how`, at `office` (`None`: none). Checks that it ends once, at
    /// the office it reached, and counts it.
    fn end(&mut self, t: f64, office: Option<usize>, client: &Client, how: End) {
        let Some(id) = self.track(client) else { return };
        let c = &mut self.clients[id];
        c.ends += 1;
        c.end = Some((how, t));
        let (ends, reached, joined) = (c.ends, c.office, c.joined);
        if ends > 1 {
            self.problem(format!("client {id} ended {ends} times, the last {how:?} at {t}"));
        }
        if office != reached {
            self.problem(format!(
                "client {id} ended ({how:?}) at office {office:?} but reached {reached:?}"
            ));
        }
        if let (Some(o), Some(true)) = (office, joined) {
            let state = &mut self.offices[o];
            if state.present == 0 {
                self.problem(format!("office {o}: a client left ({how:?}) with nobody present"));
            } else {
                state.present -= 1;
            }
        }
    }

    /// Every problem seen, including those only visible once the run is over.
    pub fn verdict(mut self) -> Vec<String> {
        let horizon = self.model.run.horizon;
        match self.finished {
            Some(t) if t >= horizon && t >= self.now => {}
            other => self.problem(format!(
                "finished at {other:?}, before the horizon {horizon} or the last event"
            )),
        }
        let unended: Vec<usize> = (0..self.clients.len()).filter(|&i| self.clients[i].ends == 0).collect();
        if !unended.is_empty() {
            self.problem(format!(
                "{} clients never ended, e.g. {:?}",
                unended.len(),
                self.clients[unended[0]]
            ));
        }
        for o in 0..self.offices.len() {
            let s = &self.offices[o];
            if s.busy != 0 || s.waiting != 0 || s.present != 0 {
                let s = s.clone();
                self.problem(format!("office {o} is not empty at the end: {s:?}"));
            }
        }
        self.discipline();
        self.accounting();
        self.problems
    }

    /// FIFO within a priority level and non-preemptive priority between levels, at each office
    /// (or in the pooled queue): when a client starts service at `s`, no client of its level who
    /// arrived before it, and no client of a more urgent level who arrived before `s`, may still
    /// be waiting at `s` (whether it is served later, abandons or is sent home).
    fn discipline(&mut self) {
        // With bookings, booked clients and walk-ins of a service level are two classes, booked
        // first; with reserved counters only the order within each class is promised.
        let booking = self.model.booking.as_ref().filter(|_| !self.pooled);
        let service_levels = self.model.priority_levels.max(1);
        let walkin_shift = if booking.is_some() { service_levels } else { 0 };
        let reserved = booking.is_some_and(|b| matches!(b.serve, nobat_core::model::ServeBooked::Reserved(_)));
        let levels = service_levels + walkin_shift;
        let groups = if self.pooled { 1 } else { self.offices.len() };
        // Waiting episodes: (arrival, when it stopped waiting), by group and level.
        let mut episodes: Vec<Vec<Vec<(f64, f64)>>> = vec![vec![Vec::new(); levels]; groups];
        // Service starts: (arrival, start, level, office), by group.
        let mut starts: Vec<Vec<(f64, f64, usize, usize)>> = vec![Vec::new(); groups];
        for c in &self.clients {
            let Some((how, t)) = c.end else { continue };
            let level = self.model.services[c.service].level + if c.booked { 0 } else { walkin_shift };
            let (group, arrived) = if self.pooled {
                (0, c.created)
            } else {
                match c.office {
                    Some(o) => (o, c.arrived),
                    None => continue,
                }
            };
            let waited = match how {
                End::Served => true,
                End::Abandoned | End::TurnedAway => c.joined == Some(true) || (self.pooled && how == End::Abandoned),
                End::Balked | End::Blocked | End::NoShow => false,
            };
            if !waited {
                continue;
            }
            let left = if how == End::Served { c.start } else { t };
            episodes[group][level].push((arrived, left));
            if how == End::Served {
                starts[group].push((arrived, c.start, level, c.office.unwrap_or(0)));
            }
        }
        // Per group and level: episodes sorted by arrival with the running maximum of their ends.
        let table: Vec<Vec<(Vec<f64>, Vec<f64>)>> = episodes
            .into_iter()
            .map(|by_level| {
                by_level
                    .into_iter()
                    .map(|mut e| {
                        e.sort_by(|a, b| a.0.total_cmp(&b.0));
                        let mut top = f64::NEG_INFINITY;
                        let max_left = e
                            .iter()
                            .map(|&(_, l)| {
                                top = top.max(l);
                                top
                            })
                            .collect();
                        (e.into_iter().map(|(a, _)| a).collect(), max_left)
                    })
                    .collect()
            })
            .collect();
        // The latest end of waiting among the clients of `level` who arrived strictly before `t`.
        let latest = |group: usize, level: usize, t: f64| -> f64 {
            let (arrivals, max_left) = &table[group][level];
            let k = arrivals.partition_point(|&a| a < t);
            if k == 0 {
                f64::NEG_INFINITY
            } else {
                max_left[k - 1]
            }
        };
        let mut found = Vec::new();
        for (group, list) in starts.iter().enumerate() {
            for &(arrived, start, level, office) in list {
                if latest(group, level, arrived) > start {
                    found.push(format!(
                        "group {group}: a client of level {level} who arrived at {arrived} started at {start} while \
                         one of its level who arrived earlier was still waiting (FIFO)"
                    ));
                }
                // An office serving after its last closing serves only the clients who were
                // inside when it closed: more urgent newcomers wait for the next opening (or, pooled,
                // for the offices still open).
                let bound = match self.after_hours.get(&(office, start.to_bits())) {
                    Some(&closed_at) => closed_at.min(start),
                    _ => start,
                };
                for urgent in 0..if reserved { 0 } else { level } {
                    if latest(group, urgent, bound) > start {
                        found.push(format!(
                            "group {group}: a client of level {level} started at {start} while one of level {urgent} \
                             was waiting (priority)"
                        ));
                    }
                }
            }
        }
        for f in found {
            self.problem(f);
        }
    }

    /// The audit's own count of how counted clients ended, against the statistics fed by the
    /// same events, and the accounting identities.
    fn accounting(&mut self) {
        let warmup = self.model.run.warmup;
        let mut total = Outcomes::default();
        let mut nowhere = Outcomes::default();
        let mut by_office = vec![Outcomes::default(); self.offices.len()];
        let mut by_service = vec![Outcomes::default(); self.model.services.len()];
        let mut arrived = 0;
        let mut office_arrived = vec![0u64; self.offices.len()];
        for c in self.clients.iter().filter(|c| c.created >= warmup) {
            arrived += 1;
            let Some((how, _)) = c.end else { continue };
            how.count(&mut total);
            how.count(&mut by_service[c.service]);
            match c.office {
                Some(o) => {
                    how.count(&mut by_office[o]);
                    office_arrived[o] += 1;
                }
                None => how.count(&mut nowhere),
            }
        }
        let s = &self.stats;
        let mut found = Vec::new();
        if s.arrived != arrived || s.outcomes != total || s.arrived != s.outcomes.total() {
            found.push(format!(
                "counted {arrived} created, {total:?}; the statistics say {} arrived, {:?}",
                s.arrived, s.outcomes
            ));
        }
        let mut sum = nowhere;
        for (o, stats) in s.offices.iter().enumerate() {
            sum.add(&stats.outcomes);
            if stats.outcomes != by_office[o]
                || stats.arrived != office_arrived[o]
                || stats.arrived != stats.outcomes.total()
            {
                found.push(format!(
                    "office {o}: counted {} arrived, {:?}; the statistics say {} arrived, {:?}",
                    office_arrived[o], by_office[o], stats.arrived, stats.outcomes
                ));
            }
        }
        if sum != s.outcomes {
            found.push(format!(
                "the offices' outcomes plus those of clients who reached none ({nowhere:?}) add up to {sum:?}, not {:?}",
                s.outcomes
            ));
        }
        if !self.pooled && (nowhere.served + nowhere.abandoned + nowhere.balked + nowhere.blocked) != 0 {
            found.push(format!(
                "only a turn-away or a no-show can happen without an office: {nowhere:?}"
            ));
        }
        for (k, stats) in s.services.iter().enumerate() {
            if stats.outcomes != by_service[k] {
                found.push(format!(
                    "service {k}: counted {:?}; the statistics say {:?}",
                    by_service[k], stats.outcomes
                ));
            }
        }
        for o in 0..self.offices.len() {
            if let Some(u) = s.office_utilization(o) {
                if u > 1.0 + 1e-9 {
                    found.push(format!("office {o}: utilisation {u} above 1"));
                }
            }
        }
        for f in found {
            self.problem(f);
        }
    }
}

impl Recorder for Audit<'_> {
    fn client_created(&mut self, t: f64, client: &Client) {
        self.event(t, None);
        if client.id != self.clients.len() as u64 {
            self.problem(format!(
                "client ids out of order: {} after {}",
                client.id,
                self.clients.len()
            ));
        }
        if client.created != t {
            self.problem(format!("client created at {t} says {}", client.created));
        }
        self.clients.push(Track {
            service: client.service as usize,
            created: t,
            office: None,
            arrived: f64::NAN,
            present_seen: 0,
            waiting_seen: 0,
            door: Door::Open,
            joined: None,
            ends: 0,
            end: None,
            start: f64::NAN,
            booked: false,
        });
        self.stats.client_created(t, client);
    }

    fn office_arrival(&mut self, t: f64, office: usize, client: &Client) {
        self.event(t, None);
        self.stats.office_arrival(t, office, client);
        let Some(id) = self.track(client) else { return };
        // A booked client sent on from a full office lost its appointment: a walk-in here.
        self.clients[id].booked = client.is_booked();
        let model = self.model;
        let state = &self.offices[office];
        let (present, waiting, mut door) = (state.present, state.waiting, state.door);
        // Closed for the day, but a new day has begun and the office opens later in it: the
        // client may wait at the door, as during a break.
        let new_day = (t / DAY).floor() > ((state.closed_at - 1e-9) / DAY).floor();
        if door == Door::Closed && new_day && model.offices[office].hours.reopens_today(&model.calendar, t) {
            door = Door::Break;
        }
        let c = &mut self.clients[id];
        let first = c.office.is_none() && c.ends == 0;
        c.office = Some(office);
        c.arrived = t;
        c.present_seen = present;
        c.waiting_seen = waiting;
        c.door = door;
        let service = c.service;
        self.pending = Some(id);
        if !first {
            self.problem(format!(
                "client {id} reached office {office} at {t} after reaching one or ending"
            ));
        }
        if client.arrived != t && !self.pooled {
            self.problem(format!(
                "client {id} reached office {office} at {t} but says {}",
                client.arrived
            ));
        }
        let o = &model.offices[office];
        if !o.offers[service] {
            self.problem(format!(
                "client {id} of service {service} reached office {office}, which does not offer it"
            ));
        }
        if o.is_virtual && model.services[service].online_share == 0.0 {
            self.problem(format!(
                "client {id} of service {service}, never online, reached virtual office {office}"
            ));
        }
    }

    fn queue_changed(&mut self, t: f64, office: usize, waiting: usize) {
        self.event(t, None);
        self.stats.queue_changed(t, office, waiting);
        let s = &mut self.offices[office];
        s.waiting = waiting as u32;
        if !self.pooled && s.waiting > s.present {
            let s = s.clone();
            self.problem(format!("office {office} at {t}: more waiting than present: {s:?}"));
        }
    }

    fn busy_changed(&mut self, t: f64, office: usize, busy: u32) {
        self.event(t, None);
        self.stats.busy_changed(t, office, busy);
        let at_close = self.model.offices[office].at_close;
        let s = &mut self.offices[office];
        let before = s.busy;
        s.busy = busy;
        if busy == before + 1 {
            // A service starts: it needs an open counter, or the counters kept after the last
            // closing with `serve`.
            let allowed = match s.door {
                Door::Open => s.open,
                Door::Break => 0,
                Door::Closed if at_close == AtClose::Serve => s.last_open,
                Door::Closed => 0,
            };
            if s.door == Door::Closed {
                let closed_at = s.closed_at;
                self.after_hours.insert((office, t.to_bits()), closed_at);
            }
            let s = &self.offices[office];
            if busy > allowed {
                let s = s.clone();
                self.problem(format!(
                    "office {office} at {t}: a service started with {busy} busy of {allowed} allowed: {s:?}"
                ));
            }
        } else if busy + 1 != before {
            self.problem(format!("office {office} at {t}: busy went from {before} to {busy}"));
        }
    }

    fn counters_changed(&mut self, t: f64, office: usize, open: u32) {
        self.event(t, None);
        self.stats.counters_changed(t, office, open);
        let o = &self.model.offices[office];
        // A closing at midnight is the previous day's last one.
        let reopens = t % DAY != 0.0 && o.hours.reopens_today(&self.model.calendar, t);
        let s = &mut self.offices[office];
        s.open = open;
        s.door = if open > 0 {
            s.last_open = open;
            Door::Open
        } else if reopens {
            Door::Break
        } else {
            s.closed_at = t;
            Door::Closed
        };
        if s.door == Door::Closed && o.at_close == AtClose::TurnAway && s.waiting != 0 {
            let s = s.clone();
            self.problem(format!(
                "office {office} closed for the day at {t} with `turn-away`, but: {s:?}"
            ));
        }
    }

    fn departure(&mut self, t: f64, office: usize, client: &Client) {
        self.event(t, None);
        self.stats.departure(t, office, client);
        self.end(t, Some(office), client, End::Served);
        let Some(id) = self.track(client) else { return };
        self.clients[id].start = client.start;
        let speed = self.model.offices[office].speed;
        let expected = client.work / speed;
        let consistent = client.created <= client.arrived
            && client.arrived <= client.start
            && close(client.start + client.duration, t)
            && close(client.duration, expected)
            && client.office as usize == office;
        if !consistent {
            self.problem(format!(
                "inconsistent client at departure {t} from {office}: {client:?}"
            ));
        }
        // After the day's last closing (with `serve`) only those who came before it are served:
        // at the office, or, pooled, in the shared queue.
        if let Some(&closed_at) = self.after_hours.get(&(office, client.start.to_bits())) {
            let came = if self.pooled { client.created } else { client.arrived };
            if came >= closed_at {
                self.problem(format!(
                    "client {id} came at {came}, after office {office} closed for the day at {closed_at}, \
                     and was served there at {} after hours",
                    client.start
                ));
            }
        }
        if client.reserved && !client.is_booked() {
            self.problem(format!("walk-in {id} was served at a counter reserved for bookings"));
        }
        if !(client.created <= client.left && client.left <= client.arrived) {
            self.problem(format!(
                "client {id} left at {} (created {}, arrived {}): travel out of order",
                client.left, client.created, client.arrived
            ));
        }
        if client.is_booked() {
            let earliest = (client.slot - self.model.services[client.service as usize].early).max(client.created);
            if client.arrived < earliest * (1.0 - EPS) - EPS {
                self.problem(format!(
                    "booked client {id} arrived at {}, before slot - early ({earliest})",
                    client.arrived
                ));
            }
        }
        if client.wait() > client.patience * (1.0 + EPS) {
            self.problem(format!(
                "client {id} waited {} beyond its patience {}",
                client.wait(),
                client.patience
            ));
        }
    }

    fn abandoned(&mut self, t: f64, office: Option<usize>, client: &Client) {
        self.event(t, None);
        self.stats.abandoned(t, office, client);
        self.end(t, office, client, End::Abandoned);
        // The patience clock starts on arrival at the office (in the pooled queue, at creation).
        let since = if office.is_none() {
            client.created
        } else {
            client.arrived
        };
        if !close(since + client.patience, t) || (office.is_none() && !self.pooled) {
            self.problem(format!(
                "client {} abandoned at {t} at {office:?}, not its arrival plus patience: {client:?}",
                client.id
            ));
        }
    }

    fn balked(&mut self, t: f64, office: Option<usize>, client: &Client) {
        self.event(t, Some(client.id));
        self.stats.balked(t, office, client);
        self.end(t, office, client, End::Balked);
        let Some(id) = self.track(client) else { return };
        let c = &self.clients[id];
        match (self.model.services[c.service].balk, office) {
            (None, _) => self.problem(format!("client {id} balked but its service does not balk")),
            (Some(b), Some(o)) if c.waiting_seen <= b.above || c.joined != Some(false) => self.problem(format!(
                "client {id} balked at office {o} finding {} waiting, balk_above = {}",
                c.waiting_seen, b.above
            )),
            (Some(_), None) if !self.pooled => self.problem(format!("client {id} balked at no office")),
            _ => {}
        }
    }

    fn blocked(&mut self, t: f64, office: usize, client: &Client) {
        self.event(t, Some(client.id));
        self.stats.blocked(t, office, client);
        self.end(t, Some(office), client, End::Blocked);
        let Some(id) = self.track(client) else { return };
        let c = &self.clients[id];
        let capacity = self.model.offices[office].capacity;
        if capacity.is_none_or(|k| c.present_seen < k) || c.joined != Some(false) {
            self.problem(format!(
                "client {id} blocked at office {office} finding {} present, capacity {capacity:?}",
                c.present_seen
            ));
        }
    }

    fn turned_away(&mut self, t: f64, office: Option<usize>, client: &Client) {
        self.event(t, Some(client.id));
        self.stats.turned_away(t, office, client);
        self.end(t, office, client, End::TurnedAway);
        let Some(id) = self.track(client) else { return };
        let model = self.model;
        let c = &self.clients[id];
        let (service, joined, door) = (c.service, c.joined, c.door);
        match office {
            // Sent home at the door: the office was closed for the day when it arrived.
            Some(o) if joined == Some(false) => {
                if door != Door::Closed {
                    self.problem(format!(
                        "client {id} turned away on arriving at office {o} ({door:?}) at {t}"
                    ));
                }
            }
            // Sent home from the queue: only at the day's last closing with `turn-away`.
            Some(o) => {
                let h = &model.offices[o].hours;
                let last_close =
                    h.counters_at(&model.calendar, t) == 0 && (t % DAY == 0.0 || !h.reopens_today(&model.calendar, t));
                if model.offices[o].at_close != AtClose::TurnAway || !last_close {
                    self.problem(format!("client {id} sent home from the queue of office {o} at {t}"));
                }
            }
            // No office: none that offers its service was open when it decided.
            None => {
                let open = |virt: bool| {
                    (0..model.offices.len()).any(|i| {
                        let o = &model.offices[i];
                        o.is_virtual == virt && o.offers[service] && self.offices[i].door == Door::Open
                    })
                };
                let online = model.services[service].online_share > 0.0;
                let physical_closed = self.reach_limited || !open(false);
                if !(physical_closed || online && !open(true)) {
                    self.problem(format!("client {id} found no office at {t}, but one was open"));
                }
            }
        }
    }

    fn booked(&mut self, t: f64, office: usize, client: &Client) {
        self.event(t, None);
        self.stats.booked(t, office, client);
        let Some(id) = self.track(client) else { return };
        let model = self.model;
        let Some(b) = model.booking.as_ref().filter(|_| !self.pooled) else {
            self.problem(format!("client {id} booked without a booking system"));
            return;
        };
        let c = &mut self.clients[id];
        let already = c.booked || c.ends > 0 || c.office.is_some();
        c.booked = true;
        let slot = client.slot;
        let o = &model.offices[office];
        let calendar = b.calendars[office].as_ref();
        let bad = if already {
            Some("booked twice, or after reaching an office".to_string())
        } else if t != client.created {
            Some(format!("booked at {t}, not when it asked ({})", client.created))
        } else if slot.is_nan() || slot < t {
            Some(format!("got a slot at {slot}, before it asked at {t}"))
        } else if slot - t > b.max_lead {
            Some(format!(
                "got a slot {} min ahead, beyond max_lead {}",
                slot - t,
                b.max_lead
            ))
        } else if !b.same_day && (slot / DAY).floor() <= (t / DAY).floor() {
            Some(format!(
                "got a slot at {slot} on the day it asked ({t}) without same-day booking"
            ))
        } else if o.is_virtual || !o.offers[client.service as usize] {
            Some(format!(
                "booked office {office}, which is virtual or does not offer its service"
            ))
        } else {
            match calendar {
                None => Some(format!("booked office {office}, which publishes no slots")),
                Some(cal) => {
                    let day = (slot / DAY).floor();
                    let tod = slot - day * DAY;
                    let slots = &cal.days[model.calendar.weekday_of_day(day as i64)];
                    let published = slots.iter().find(|s| (s.start - tod).abs() < 1e-6 && s.clients > 0);
                    let ahead = day - (t / DAY).floor();
                    let taken = self.bookings.entry((office, slot.to_bits())).or_insert(0);
                    *taken += 1;
                    match published {
                        Some(p) if ahead <= f64::from(cal.days_ahead) && *taken > p.clients => Some(format!(
                            "is booking {} of slot {slot} at office {office}, which takes {}",
                            *taken, p.clients
                        )),
                        Some(_) if ahead <= f64::from(cal.days_ahead) => None,
                        _ => Some(format!(
                            "got slot {slot} at office {office}, not a published slot within {} days",
                            cal.days_ahead
                        )),
                    }
                }
            }
        };
        if let Some(b) = bad {
            self.problem(format!("client {id} {b}"));
        }
    }

    fn no_show(&mut self, t: f64, office: usize, client: &Client) {
        self.event(t, None);
        self.stats.no_show(t, office, client);
        let Some(id) = self.track(client) else { return };
        if !self.clients[id].booked {
            self.problem(format!("client {id} was a no-show without a booking"));
        }
        self.end(t, None, client, End::NoShow);
    }

    fn finished(&mut self, t: f64) {
        self.event(t, None);
        self.stats.finished(t);
        self.finished = Some(t);
    }
}

/// Runs every replication of `model`'s first policy through `run_experiment` and again through
/// `run_replication` with an [`Audit`]; returns the problems found.
fn audit_scenario(model: &Model) -> Vec<String> {
    let mut problems = Vec::new();
    let result =
        run_experiment(model, &NamedPolicy::from_model(model), &RunOptions::default()).expect("the simulation runs");
    let p = &result.policies[0];
    for r in &p.replications {
        if r.arrived != r.outcomes.total() {
            problems.push(format!(
                "replication {}: {} arrived, {:?}",
                r.replication, r.arrived, r.outcomes
            ));
        }
    }
    let arrived: u64 = p.replications.iter().map(|r| r.arrived).sum();
    let mut total = Outcomes::default();
    p.replications.iter().for_each(|r| total.add(&r.outcomes));
    let mut offices = Outcomes::default();
    for (i, o) in p.offices.iter().enumerate() {
        offices.add(&o.outcomes);
        if o.arrived != o.outcomes.total() {
            problems.push(format!("office {i}: {} arrived, {:?}", o.arrived, o.outcomes));
        }
    }
    let mut services = Outcomes::default();
    p.services.iter().for_each(|s| services.add(&s.outcomes));
    let pooled = model.policies[0].kind == nobat_core::policy::PolicyKind::Pooled;
    let elsewhere_only_turned_away = offices.served == total.served
        && offices.blocked == total.blocked
        && (pooled || (offices.abandoned == total.abandoned && offices.balked == total.balked))
        && offices.total() <= arrived;
    if total.total() != arrived || services != total || !elsewhere_only_turned_away {
        problems.push(format!(
            "all replications: {arrived} arrived, {total:?}; by service {services:?}; by office {offices:?}"
        ));
    }
    let setup = PolicySetup::from_spec(model, &model.policies[0]);
    for r in &p.replications {
        let mut policy = model.policies[0].kind.build(model);
        let mut audit = Audit::new(model, &setup);
        run_replication(model, r.replication, result.seed, &setup, &mut policy, &mut audit)
            .expect("the simulation runs");
        // The same replication run directly gives the same clients and the same ends.
        if audit.stats.arrived != r.arrived || audit.stats.outcomes != r.outcomes {
            problems.push(format!(
                "replication {} run directly: {} arrived, {:?}; in the experiment {} arrived, {:?}",
                r.replication, audit.stats.arrived, audit.stats.outcomes, r.arrived, r.outcomes
            ));
        }
        problems.extend(
            audit
                .verdict()
                .into_iter()
                .map(|p| format!("replication {}: {p}", r.replication)),
        );
    }
    problems
}

/// The audit itself can fail: fed a hand-made event stream where, at a single-counter office,
/// client 2 starts before client 1 who arrived earlier at the same level, and while the more
/// urgent client 3 waits, then leaves twice; client 1 starts during a break; client 4 never
/// leaves: it reports each.
#[test]
fn audit_detects_broken_event_streams() {
    let model = scenario::load(
        r#"
        [run]
        horizon = 600
        [arrivals]
        rate = 0.1
        [[service]]
        name = "routine"
        share = 0.5
        priority = 1
        duration = { dist = "deterministic", value = 1.0 }
        [[service]]
        name = "urgent"
        share = 0.5
        duration = { dist = "deterministic", value = 1.0 }
        [[office]]
        name = "o"
        hours = "00:00-04:00, 05:00-10:00"
        [[policy]]
        kind = "random"
        "#,
    )
    .expect("valid scenario");
    let setup = PolicySetup::from_spec(&model, &model.policies[0]);
    let client = |id: u64, service: u16, arrived: f64, start: f64| Client {
        id,
        service,
        zone: 0,
        office: 0,
        origin: 0,
        created: arrived,
        arrived,
        work: 1.0,
        patience: f64::INFINITY,
        start,
        duration: 1.0,
        redirected: false,
        slot: f64::NAN,
        left: arrived,
        reserved: false,
        from: [0.0, 0.0],
    };
    let mut a = Audit::new(&model, &setup);
    a.counters_changed(0.0, 0, 1);
    // Client 0 (urgent) is served from 0 to 1; clients 1 and 2 (routine) queue behind it, then
    // client 3 (urgent), who must go before them.
    for (id, service, at) in [(0, 1, 0.0), (1, 0, 0.1), (2, 0, 0.2), (3, 1, 0.5)] {
        a.client_created(at, &client(id, service, at, f64::NAN));
        a.office_arrival(at, 0, &client(id, service, at, f64::NAN));
        if id == 0 {
            a.busy_changed(at, 0, 1);
        } else {
            a.queue_changed(at, 0, id as usize);
        }
    }
    a.busy_changed(1.0, 0, 0);
    a.departure(1.0, 0, &client(0, 1, 0.0, 0.0));
    // Client 2 starts first, before client 1 (FIFO) and while client 3 (urgent) waits; it
    // leaves twice.
    a.queue_changed(1.0, 0, 2);
    a.busy_changed(1.0, 0, 1);
    a.busy_changed(2.0, 0, 0);
    a.departure(2.0, 0, &client(2, 0, 0.2, 1.0));
    a.departure(2.0, 0, &client(2, 0, 0.2, 1.0));
    a.queue_changed(2.0, 0, 1);
    a.busy_changed(2.0, 0, 1);
    a.busy_changed(3.0, 0, 0);
    a.departure(3.0, 0, &client(3, 1, 0.5, 2.0));
    // A break from 240 to 300, and client 1 starts in it; client 4 arrives and never leaves.
    a.counters_changed(240.0, 0, 0);
    a.queue_changed(250.0, 0, 0);
    a.busy_changed(250.0, 0, 1);
    a.busy_changed(251.0, 0, 0);
    a.departure(251.0, 0, &client(1, 0, 0.1, 250.0));
    a.client_created(260.0, &client(4, 0, 260.0, f64::NAN));
    a.office_arrival(260.0, 0, &client(4, 0, 260.0, f64::NAN));
    a.queue_changed(260.0, 0, 1);
    a.finished(model.run.horizon);
    let problems = a.verdict();
    let has = |text: &str| problems.iter().any(|p| p.contains(text));
    assert!(has("client 2 ended 2 times"), "{problems:#?}");
    assert!(has("(FIFO)"), "{problems:#?}");
    assert!(has("(priority)"), "{problems:#?}");
    assert!(has("a service started with 1 busy of 0 allowed"), "{problems:#?}");
    assert!(has("1 clients never ended"), "{problems:#?}");
    assert!(has("not empty at the end"), "{problems:#?}");
}

/// A plain network: always open, one service, any policy but `pooled`.
#[derive(Debug, Clone)]
pub struct Plain {
    counters: Vec<u32>,
    /// Offered load per counter (above 1 the queues grow, then drain after the horizon).
    load: f64,
    duration: String,
    mean_service: f64,
    policy: String,
    horizon: f64,
    seed: u64,
}

impl Plain {
    fn toml(&self) -> String {
        let total: u32 = self.counters.iter().sum();
        let rate = self.load * f64::from(total) / self.mean_service;
        let mut src = format!(
            "[run]\nhorizon = {:?}\nreplications = 2\nseed = {}\n[arrivals]\nrate = {rate:?}\n\
             [[service]]\nname = \"s\"\nduration = {}\n[[policy]]\n{}\n",
            self.horizon, self.seed, self.duration, self.policy
        );
        for (i, c) in self.counters.iter().enumerate() {
            src.push_str(&format!("[[office]]\nname = \"o{i}\"\ncounters = {c}\n"));
        }
        src
    }
}

fn duration() -> impl Strategy<Value = (String, f64)> {
    prop_oneof![
        (0.2f64..3.0).prop_map(|m| (format!("{{ dist = \"exponential\", mean = {m:?} }}"), m)),
        (0.2f64..3.0).prop_map(|v| (format!("{{ dist = \"deterministic\", value = {v:?} }}"), v)),
        (0.0f64..2.0, 0.1f64..2.0).prop_map(|(a, w)| (
            format!("{{ dist = \"uniform\", min = {a:?}, max = {:?} }}", a + w),
            a + w / 2.0
        )),
        (0.2f64..3.0, 0.2f64..1.5)
            .prop_map(|(m, cv)| (format!("{{ dist = \"lognormal\", mean = {m:?}, cv = {cv:?} }}"), m)),
    ]
}

fn plain() -> impl Strategy<Value = Plain> {
    prop::collection::vec(1u32..=3, 1..=4).prop_flat_map(|counters| {
        let k = counters.len() as u32;
        let policy = prop_oneof![
            Just("kind = \"random\"".to_string()),
            Just("kind = \"round-robin\"".to_string()),
            Just("kind = \"shortest-queue\"".to_string()),
            Just("kind = \"least-expected-wait\"".to_string()),
            Just("kind = \"weighted-random\"".to_string()),
            Just("kind = \"join-idle\"".to_string()),
            (1..=k).prop_map(|d| format!("kind = \"power-of-d\"\nd = {d}")),
        ];
        (
            Just(counters),
            0.2f64..1.3,
            duration(),
            policy,
            100.0f64..3000.0,
            0u64..1_000_000,
        )
            .prop_map(
                |(counters, load, (duration, mean_service), policy, horizon, seed)| Plain {
                    counters,
                    load,
                    duration,
                    mean_service,
                    policy,
                    horizon,
                    seed,
                },
            )
    })
}

/// Opening hours an office may have (`None`: always open).
const HOURS: [Option<&str>; 7] = [
    None,
    Some("\"08:00-12:00, 13:00-16:00\""),
    Some("\"07:30-14:30\""),
    Some("{ default = \"07:30-14:30\", thu = \"07:30-12:30\", fri = \"closed\" }"),
    Some("{ default = \"08:00-11:00, 11:30-13:00, 14:00-15:00\", wed = \"09:00-10:00\", fri = \"closed\" }"),
    // Open across midnight with a break at 03:00: the day's last closing at 24:00 is followed
    // at once by the next day's opening.
    Some("\"00:00-03:00, 03:30-24:00\""),
    Some("\"10:00-11:00\""),
];

/// Shifts an office may have, with the counters they add to its base (`None`: no shifts).
const SHIFTS: [Option<(&str, &str, u32)>; 3] = [None, Some(("09:00", "11:00", 2)), Some(("07:00", "12:30", 1))];

/// One physical office of a rich network.
#[derive(Debug, Clone)]
struct OfficeSpec {
    counters: u32,
    /// Room beyond the largest number of counters (`None`: no capacity).
    room: Option<u32>,
    next: bool,
    hours: usize,
    shifts: usize,
    turn_away: bool,
    /// Which services it offers, as bits (0: all); office 0 always offers all.
    offers: u8,
    location: (f64, f64),
    speed: f64,
}

/// One service of a rich network.
#[derive(Debug, Clone)]
struct ServiceSpec {
    weight: f64,
    duration: (String, f64),
    patience: Option<String>,
    priority: i64,
    balk: Option<(u32, Option<f64>)>,
    online: Option<f64>,
    /// Appointments: book share, no-show probability, lateness (with 5 minutes early).
    book: Option<(f64, f64, bool)>,
}

/// The booking system of a rich network.
#[derive(Debug, Clone)]
struct BookingSpec {
    /// Slot length (`None`: the office's mean service time), clients per slot, first slot.
    length: Option<f64>,
    clients: Option<u32>,
    first: Option<u32>,
    overbook: Option<f64>,
    days_ahead: u32,
    same_day: bool,
    max_lead: Option<f64>,
    reserved: Option<u32>,
    rule: usize,
}

const BOOKING_RULES: [&str; 3] = ["own-office", "earliest-slot", "central"];

fn booking_spec() -> impl Strategy<Value = BookingSpec> {
    (
        prop::option::of(5.0f64..40.0),
        prop::option::of(1u32..=3),
        prop::option::of(1u32..=3),
        prop::option::weighted(0.3, 0.5f64..1.5),
        0u32..4,
        any::<bool>(),
        prop::option::weighted(0.3, 30.0f64..3000.0),
        prop::option::weighted(0.4, 1u32..=2),
        0..BOOKING_RULES.len(),
    )
        .prop_map(
            |(length, clients, first, overbook, days_ahead, same_day, max_lead, reserved, rule)| BookingSpec {
                length,
                clients,
                first,
                overbook,
                // Without same-day booking, today alone would leave nothing to book.
                days_ahead: if same_day { days_ahead } else { days_ahead.max(1) },
                same_day,
                max_lead,
                reserved,
                rule,
            },
        )
}

/// A rich network as drawn by proptest.
#[derive(Debug, Clone)]
struct Rich {
    offices: Vec<OfficeSpec>,
    /// A virtual office: counters, hours, capacity (with `on_full = "next"`).
    virtual_office: Option<(u32, usize, Option<u32>)>,
    services: Vec<ServiceSpec>,
    geography: bool,
    schedule: bool,
    days: bool,
    first_day: usize,
    /// Index into the policy choices, and its options: refresh, compliance, candidates.
    policy: usize,
    d: u32,
    refresh: bool,
    compliance: bool,
    candidates: Option<u32>,
    booking: Option<BookingSpec>,
    load: f64,
    horizon: f64,
    warmup: bool,
    seed: u64,
}

/// Policies for a rich network; those from index 8 need geography. 7 is `pooled` (the
/// network is then drawn without capacity, offerings or a virtual office).
const POLICIES: [&str; 12] = [
    "random",
    "round-robin",
    "shortest-queue",
    "least-expected-wait",
    "weighted-random",
    "power-of-d",
    "join-idle",
    "pooled",
    "nearest",
    "travel-plus-wait",
    "board-corrected",
    "logit-choice",
];

fn patience() -> impl Strategy<Value = String> {
    prop_oneof![
        (0.5f64..10.0).prop_map(|m| format!("{{ dist = \"exponential\", mean = {m:?} }}")),
        (0.0f64..5.0).prop_map(|v| format!("{{ dist = \"deterministic\", value = {v:?} }}")),
        (0.0f64..8.0).prop_map(|w| format!("{{ dist = \"uniform\", min = 0.0, max = {w:?} }}")),
    ]
}

fn service_spec() -> impl Strategy<Value = ServiceSpec> {
    (
        0.1f64..1.0,
        duration(),
        prop::option::weighted(0.5, patience()),
        0i64..3,
        prop::option::weighted(0.3, (0u32..4, prop::option::of(0.2f64..1.0))),
        prop::option::weighted(0.4, prop_oneof![0.1f64..0.9, Just(1.0)]),
        prop::option::weighted(0.5, (prop_oneof![0.2f64..0.9, Just(1.0)], 0.0f64..0.4, any::<bool>())),
    )
        .prop_map(
            |(weight, duration, patience, priority, balk, online, book)| ServiceSpec {
                weight,
                duration,
                patience,
                priority,
                balk,
                online,
                book,
            },
        )
}

fn office_spec() -> impl Strategy<Value = OfficeSpec> {
    (
        1u32..=3,
        prop::option::weighted(0.4, 0u32..4),
        any::<bool>(),
        0..HOURS.len(),
        0..SHIFTS.len(),
        any::<bool>(),
        prop_oneof![Just(0u8), 1u8..8],
        (0.0f64..10.0, 0.0f64..10.0),
        prop_oneof![Just(1.0), 0.5f64..2.0],
    )
        .prop_map(
            |(counters, room, next, hours, shifts, turn_away, offers, location, speed)| OfficeSpec {
                counters,
                room,
                next,
                hours,
                shifts,
                turn_away,
                offers,
                location,
                speed,
            },
        )
}

fn rich() -> impl Strategy<Value = Rich> {
    (
        prop::collection::vec(office_spec(), 1..=4),
        prop::option::weighted(0.5, (1u32..=2, 0..HOURS.len(), prop::option::of(0u32..3))),
        prop::collection::vec(service_spec(), 1..=3),
        (any::<bool>(), any::<bool>(), any::<bool>(), 0usize..7),
        (
            0..POLICIES.len(),
            1u32..=5,
            any::<bool>(),
            any::<bool>(),
            prop::option::of(1u32..=3),
        ),
        (0.3f64..1.6, 300.0f64..4000.0, any::<bool>(), 0u64..1_000_000),
        prop::option::weighted(0.4, booking_spec()),
    )
        .prop_map(
            |(
                offices,
                virtual_office,
                services,
                (geography, schedule, days, first_day),
                (policy, d, refresh, compliance, candidates),
                (load, horizon, warmup, seed),
                booking,
            )| Rich {
                offices,
                virtual_office,
                services,
                geography,
                schedule,
                days,
                first_day,
                policy,
                d,
                refresh,
                compliance,
                candidates,
                load,
                horizon,
                warmup,
                seed,
                booking,
            },
        )
}

impl Rich {
    fn pooled(&self) -> bool {
        POLICIES[self.policy] == "pooled"
    }

    /// The scenario text. Choices that the model would refuse are resolved here: `pooled`
    /// gets offices without capacity, offerings or a virtual office (hours are kept),
    /// geographic policies and options need `geography`, online shares need the virtual office,
    /// and a schedule or weekday factors get a horizon of more than two days (so that some
    /// client arrives after the warm-up).
    fn toml(&self) -> String {
        let pooled = self.pooled();
        let geography = self.geography && !pooled || self.policy >= 8;
        let virtual_office = self.virtual_office.filter(|_| !pooled);
        let booking = self.booking.as_ref().filter(|_| !pooled);
        let weights: f64 = self.services.iter().map(|s| s.weight).sum();
        let horizon = if self.schedule || self.days {
            self.horizon.max(3.0 * 1440.0)
        } else {
            self.horizon
        };
        let mut src = format!(
            "[run]\nhorizon = {:?}\nwarmup = {:?}\nreplications = 2\nseed = {}\n[calendar]\nfirst_day = \"{}\"\n",
            horizon,
            if self.warmup { horizon / 5.0 } else { 0.0 },
            self.seed,
            nobat_core::model::WEEKDAYS[self.first_day],
        );
        // Arrivals: the offered load per counter, against the base counters of the physical
        // offices; a schedule keeps to office hours, at the rate then half of it.
        let counters: u32 = self.offices.iter().map(|o| o.counters).sum();
        let mean: f64 = self.services.iter().map(|s| s.weight * s.duration.1).sum::<f64>() / weights;
        let rate = self.load * f64::from(counters) / mean.max(0.05);
        src.push_str("[arrivals]\n");
        if self.schedule {
            src.push_str(&format!(
                "schedule = [{{ from = \"07:30\", to = \"12:30\", per_hour = {:?} }}, {{ from = \"13:00\", to = \"15:00\", per_hour = {:?} }}]\n",
                rate * 60.0,
                rate * 30.0
            ));
        } else {
            src.push_str(&format!("rate = {rate:?}\n"));
        }
        if self.days {
            src.push_str("days = { thu = 0.5, fri = 0 }\n");
        }
        if geography {
            src.push_str(
                "[geography]\nspeed_kmh = 30\noverhead = 2\n[[zone]]\nname = \"city\"\narea = [0.0, 0.0, 10.0, 10.0]\n",
            );
        }
        let names: Vec<String> = (0..self.services.len()).map(|k| format!("s{k}")).collect();
        let mut share_left = 1.0;
        for (k, s) in self.services.iter().enumerate() {
            let share = if k + 1 == self.services.len() {
                share_left
            } else {
                s.weight / weights
            };
            share_left -= share;
            src.push_str(&format!(
                "[[service]]\nname = \"{}\"\nshare = {share:?}\nduration = {}\npriority = {}\n",
                names[k], s.duration.0, s.priority
            ));
            if let Some(p) = &s.patience {
                src.push_str(&format!("patience = {p}\n"));
            }
            if let Some((above, probability)) = s.balk {
                src.push_str(&format!("balk_above = {above}\n"));
                if let Some(p) = probability {
                    src.push_str(&format!("balk_probability = {p:?}\n"));
                }
            }
            if let (Some(share), Some(_)) = (s.online, virtual_office) {
                src.push_str(&format!("online_share = {share:?}\n"));
            }
            if let (Some((share, no_show, late)), Some(_)) = (s.book, booking) {
                src.push_str(&format!("book_share = {share:?}\nno_show = {no_show:?}\n"));
                if late {
                    src.push_str("early = 5\nlateness = { dist = \"exponential\", mean = 5 }\n");
                }
            }
        }
        for (i, o) in self.offices.iter().enumerate() {
            src.push_str(&format!(
                "[[office]]\nname = \"o{i}\"\ncounters = {}\nspeed = {:?}\n",
                o.counters, o.speed
            ));
            if geography {
                src.push_str(&format!("location = [{:?}, {:?}]\n", o.location.0, o.location.1));
            }
            let shift = SHIFTS[o.shifts];
            if let Some(h) = HOURS[o.hours] {
                src.push_str(&format!("hours = {h}\n"));
            }
            if let Some((from, to, extra)) = shift {
                src.push_str(&format!(
                    "shifts = [{{ from = \"{from}\", to = \"{to}\", counters = {} }}]\n",
                    o.counters + extra
                ));
            }
            src.push_str(if o.turn_away {
                "at_close = \"turn-away\"\n"
            } else {
                "at_close = \"serve\"\n"
            });
            if pooled {
                continue;
            }
            if let Some(room) = o.room {
                let most = o.counters + shift.map_or(0, |s| s.2);
                src.push_str(&format!("capacity = {}\n", most + room));
                if o.next {
                    src.push_str("on_full = \"next\"\n");
                }
            }
            let offered: Vec<&String> = names
                .iter()
                .enumerate()
                .filter(|&(k, _)| i == 0 || o.offers == 0 || o.offers & (1 << k) != 0)
                .map(|(_, n)| n)
                .collect();
            if !offered.is_empty() && offered.len() < names.len() {
                let list: Vec<String> = offered.iter().map(|n| format!("\"{n}\"")).collect();
                src.push_str(&format!("services = [{}]\n", list.join(", ")));
            }
        }
        if let Some((counters, hours, room)) = virtual_office {
            src.push_str(&format!(
                "[[office]]\nname = \"virtual\"\nvirtual = true\ncounters = {counters}\n"
            ));
            if let Some(h) = HOURS[hours] {
                src.push_str(&format!("hours = {h}\n"));
            }
            if let Some(room) = room {
                src.push_str(&format!("capacity = {}\n", counters + room));
            }
            // It offers the services some clients reach it for (all if none goes online).
            let online: Vec<String> = names
                .iter()
                .zip(&self.services)
                .filter(|(_, s)| s.online.is_some())
                .map(|(n, _)| format!("\"{n}\""))
                .collect();
            if !online.is_empty() {
                src.push_str(&format!("services = [{}]\n", online.join(", ")));
            }
        }
        if let Some(b) = booking {
            src.push_str("[booking]\n");
            src.push_str(&format!("same_day = {}\n", b.same_day));
            if let Some(m) = b.max_lead {
                src.push_str(&format!("max_lead = {m:?}\n"));
            }
            // Reserved counters need offices that always keep another counter open.
            let fewest = self.offices.iter().map(|o| o.counters).min().unwrap_or(1);
            if let Some(r) = b.reserved.filter(|&r| r < fewest) {
                src.push_str(&format!("serve = \"reserved\"\nreserved_counters = {r}\n"));
            }
            let mut slots = vec![format!("days_ahead = {}", b.days_ahead)];
            if let Some(l) = b.length {
                slots.push(format!("length = {l:?}"));
            }
            if let Some(c) = b.clients {
                slots.push(format!("clients = {c}"));
            }
            if let Some(f) = b.first {
                slots.push(format!("first = {f}"));
            }
            if let Some(f) = b.overbook {
                slots.push(format!("overbook = {f:?}"));
            }
            src.push_str(&format!("slots = {{ {} }}\n", slots.join(", ")));
        }
        let kind = POLICIES[self.policy];
        src.push_str(&format!("[[policy]]\nkind = \"{kind}\"\n"));
        if let Some(b) = booking {
            src.push_str(&format!("booking = \"{}\"\n", BOOKING_RULES[b.rule]));
        }
        let n = self.offices.len() as u32 + u32::from(virtual_office.is_some());
        match kind {
            "power-of-d" => src.push_str(&format!("d = {}\n", self.d.min(n))),
            "join-idle" if self.d % 2 == 0 => {
                src.push_str(&format!("fallback = \"power-of-d\"\nd = {}\n", self.d.min(n)))
            }
            _ => {}
        }
        let board =
            ["shortest-queue", "least-expected-wait", "power-of-d", "join-idle"].contains(&kind) || self.policy >= 9;
        if self.refresh && board {
            src.push_str("refresh = 15\n");
        }
        if geography && !pooled {
            if self.compliance {
                src.push_str("compliance = 0.7\n");
            }
            if let Some(k) = self.candidates {
                src.push_str(&format!("candidates = {k}\n"));
            }
        }
        src
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    /// Plain networks under every policy: every client is served, exactly once, in FIFO order.
    #[test]
    fn plain_networks(net in plain()) {
        let model = scenario::load(&net.toml()).expect("valid scenario");
        let problems = audit_scenario(&model);
        prop_assert!(problems.is_empty(), "{}\n{:#?}", net.toml(), problems);
        let result = run_experiment(&model, &NamedPolicy::from_model(&model), &RunOptions::default())
            .expect("the simulation runs");
        for r in &result.policies[0].replications {
            prop_assert_eq!(r.arrived, r.outcomes.served, "replication {}", r.replication);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    /// Rich networks: the accounting identities and the audit's rules hold in every replication.
    #[test]
    fn rich_networks(net in rich()) {
        let src = net.toml();
        let model = scenario::load(&src).unwrap_or_else(|e| panic!("{e}\n{src}"));
        let problems = audit_scenario(&model);
        prop_assert!(problems.is_empty(), "{}\n{:#?}", src, problems);
    }
}
