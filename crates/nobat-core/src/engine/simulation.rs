//! One replication: clients are created by the arrival clocks at their origins, allocated by
//! the policy (through its board, candidates and compliance) or sent online, travel to their
//! office, and there are turned away, blocked, balk, or wait by priority and FIFO until a counter
//! serves them or their patience runs out. Offices open, close and change counters by their
//! hours. Clients who book get a slot by the policy's booking rule and come at their slot (or
//! not at all); at the office they go first, or to reserved counters. In pooled mode all
//! counters serve one queue and nobody books.

use super::client_slab::{ClientSlab, Handle};
use super::slot_book::{FreeSlot, SlotBook};
use super::{ArrivalClock, EventQueue, Phase, PolicySetup, Recorder, RunControl};
use crate::model::{AtClose, Model, OnFull, ServeBooked, DAY};
use crate::policy::{
    argmin_random_tie, AllocationPolicy, ClientView, Nearest, RankedCandidates, SlotOffer, SystemView,
};
use crate::random::{office_stream, stream, StreamKind};
use crate::SimRng;
use rand::Rng;
use std::collections::VecDeque;

/// One client, kept in the engine's slab from its creation to its exit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Client {
    /// Creation order within the replication, from 0.
    pub id: u64,
    /// Service type (index into the model's services).
    pub service: u16,
    /// Zone it started from (index into the model's zones).
    pub zone: u32,
    /// The office it was sent to (valid once allocated).
    pub office: u32,
    /// Origin it started from (index into the model's origins).
    pub origin: u32,
    /// When the client decided to seek service (minutes).
    pub created: f64,
    /// When it arrived at its office.
    pub arrived: f64,
    /// Service requirement at an office of speed 1, drawn at creation (common random numbers).
    pub work: f64,
    /// How long it will wait in a queue (infinite without patience), drawn at creation.
    pub patience: f64,
    /// When its service started (valid once in service).
    pub start: f64,
    /// Its service duration at its office (valid once in service).
    pub duration: f64,
    /// It found its first office full and was sent on.
    pub redirected: bool,
    /// The start of its booked slot (NaN for a walk-in).
    pub slot: f64,
    /// When it set off for its office (its creation, for a walk-in).
    pub left: f64,
    /// It is served at a counter reserved for booked clients.
    pub reserved: bool,
    /// Where it set out from (its origin's point, or the point drawn in its area): its
    /// candidates are the offices nearest to it, also when a full office sends it on.
    pub from: [f64; 2],
}

impl Client {
    /// Time from arrival at the office to the start of service.
    pub fn wait(&self) -> f64 {
        self.start - self.arrived
    }

    /// Time from setting off to the arrival at the office.
    pub fn travel(&self) -> f64 {
        self.arrived - self.left
    }

    /// Whether the client booked a slot.
    pub fn is_booked(&self) -> bool {
        !self.slot.is_nan()
    }

    /// Time from asking for an appointment to the start of the booked slot (NaN for a walk-in).
    pub fn lead_time(&self) -> f64 {
        self.slot - self.created
    }
}

/// A failure of the simulation itself (not of the scenario, which the model already checked).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SimulationError {
    /// A policy returned an office id that is not among the client's candidates.
    #[error("policy `{policy}` chose office {office}, which is not one of the client's candidates")]
    InvalidChoice {
        /// The policy's name.
        policy: String,
        /// The office id it returned.
        office: usize,
    },
    /// More clients were in the system at once than the run's limit
    /// ([`RunControl::max_in_system`]): the scenario is unstable, or the limit too low.
    #[error(
        "policy `{policy}`, replication {replication}: {clients} clients in the system at minute {time:.1} (day {day}, {clock}), more than the limit of {limit} (--max-in-system); {place} held the most ({at_place}). Arrivals outpace service (rho >= 1) and nobody gives up: add counters, give clients `patience`, shorten the horizon, or raise the limit"
    )]
    TooManyClients {
        /// The policy's name.
        policy: String,
        /// The replication, from 0.
        replication: u32,
        /// Clients in the system when the run stopped.
        clients: usize,
        /// The limit.
        limit: usize,
        /// Simulated time (minutes).
        time: f64,
        /// The day of `time`, counting from 0.
        day: u64,
        /// The clock time of `time`, `HH:MM`.
        clock: String,
        /// The office with the most clients present (or the pooled queue), in words.
        place: String,
        /// How many clients it held.
        at_place: u64,
    },
    /// The run was interrupted ([`RunControl::interrupt`] was set).
    #[error("interrupted")]
    Interrupted,
    /// The worker threads could not be started.
    #[error("could not start the worker threads: {0}")]
    ThreadPool(String),
}

/// What an event refers to; its phase says what it is: the arrival source for an arrival, the
/// client's handle for an office arrival, a departure or a patience timer, the office for an
/// office change, nothing for a refresh.
type Payload = u64;

/// The state of one replication in progress.
struct Simulation<'m> {
    model: &'m Model,
    setup: &'m PolicySetup,
    events: EventQueue<Payload>,
    /// Every client in the system.
    slab: ClientSlab,
    /// Waiting clients by office and priority level: `queues[office * levels + level]`. Entries
    /// of clients who reneged stay until they reach the front (lazy removal). With bookings,
    /// booked clients use the levels of their services and walk-ins the same levels shifted by
    /// `walkin_level`, so that booked clients come first.
    queues: Vec<VecDeque<Handle>>,
    levels: usize,
    walkin_level: usize,
    /// The offices' appointment books (`None` without bookings, or pooled).
    book: Option<SlotBook<'m>>,
    /// Counters kept for booked clients, by office (empty unless counters are reserved).
    reserved: Vec<u32>,
    /// Busy reserved counters, by office (included in `busy`).
    busy_reserved: Vec<u32>,
    /// The slot offers of the current booking (a reused buffer).
    offers: Vec<SlotOffer>,
    /// The free slot behind each offer, booked as it is if chosen (a reused buffer).
    free_slots: Vec<Option<FreeSlot>>,
    /// Pooled mode: one queue per priority level for all counters.
    pool: Vec<VecDeque<Handle>>,
    pool_waiting: u32,
    /// Counters that may start a service now, by office (0 when closed or in a break).
    open_counters: Vec<u32>,
    present: Vec<u32>,
    busy: Vec<u32>,
    waiting: Vec<u32>,
    /// Open to new clients now.
    accepting: Vec<bool>,
    /// Offices not accepting now: with none, no decision needs to look for a closed candidate.
    closed: usize,
    /// Counters each office has when open (its largest), shown to a policy choosing among
    /// offices that are all closed for the moment.
    nominal_counters: Vec<u32>,
    /// An office change is scheduled.
    change_pending: Vec<bool>,
    /// When each office last closed for the day (infinite while open or in a break): in pooled
    /// mode its counters then serve only the clients who were already waiting.
    closed_at: Vec<f64>,
    /// The board as of its last refresh (unused with a live board).
    board_present: Vec<u32>,
    board_busy: Vec<u32>,
    board_time: f64,
    /// Clients sent per office since the last refresh (all zero with a live board).
    sent: Vec<u32>,
    /// Clients travelling to each office, live and as of the last refresh.
    en_route: Vec<u32>,
    board_en_route: Vec<u32>,
    mean_service: Vec<f64>,
    speed: Vec<f64>,
    /// The most clients each office holds (`u32::MAX` without a limit), kept dense for the loop.
    capacity: Vec<u32>,
    /// Whether some office has a capacity, every office is always open, every office has speed
    /// 1: in a large city each per-office array read is a likely cache miss, so the per-client
    /// path skips the arrays these flags show to be constant.
    limited: bool,
    fixed_hours: bool,
    unit_speed: bool,
    /// The virtual offices, by id, for online clients.
    virtual_offices: Vec<usize>,
    service_cdf: Vec<f64>,
    /// Candidates and travel times of the current decision (reused buffers).
    cand: Vec<usize>,
    travel: Vec<f64>,
    /// A client's candidates ranked from where it starts in an area (a reused buffer).
    ranked: RankedCandidates,
    /// As many zeros as the most candidates any client has: the travel times without a
    /// geography.
    no_travel: Vec<f64>,
    /// Offices differ in hours or services: candidates are filtered per client.
    filter: bool,
    /// Office changes are scheduled up to the end of the horizon's last day (and beyond while
    /// an office still has clients).
    last_day_end: f64,
    arrival_rng: SimRng,
    service_rng: SimRng,
    patience_rng: SimRng,
    origin_rng: SimRng,
    channel_rng: SimRng,
    compliance_rng: SimRng,
    balk_rng: SimRng,
    booking_rng: SimRng,
    booking_choice_rng: SimRng,
    choice_rng: SimRng,
    /// Each office's backlog stream (empty without a backlog).
    backlog_rngs: Vec<SimRng>,
    /// Where each office's backlog comes from: with a geography its nearest origin (as a
    /// replayed log's office rows), else drawn like any client's (empty without a backlog).
    backlog_origins: Vec<Option<usize>>,
    /// Whether each office has opened yet (its first opening brings its backlog).
    opened: Vec<bool>,
    next_id: u64,
    /// This replication's index, for error messages.
    replication: u32,
}

/// Simulates replication `replication` of `model` under `policy` set up by `setup`, telling
/// `recorder` what happens. `seed` is the run's base seed; the replication's streams derive
/// from it. With `setup.pooled`, `policy` is not consulted. Returns the time of the last event.
pub fn run_replication<P, R>(
    model: &Model,
    replication: u32,
    seed: u64,
    setup: &PolicySetup,
    policy: &mut P,
    recorder: &mut R,
) -> Result<f64, SimulationError>
where
    P: AllocationPolicy + ?Sized,
    R: Recorder,
{
    run_replication_with(
        model,
        replication,
        seed,
        setup,
        &RunControl::default(),
        policy,
        recorder,
    )
}

/// Like [`run_replication`], stopped early as `control` says: [`SimulationError::Interrupted`]
/// when its flag is set, [`SimulationError::TooManyClients`] when the clients in the system
/// exceed its limit.
pub fn run_replication_with<P, R>(
    model: &Model,
    replication: u32,
    seed: u64,
    setup: &PolicySetup,
    control: &RunControl,
    policy: &mut P,
    recorder: &mut R,
) -> Result<f64, SimulationError>
where
    P: AllocationPolicy + ?Sized,
    R: Recorder,
{
    let mut sim = Simulation::new(model, setup, seed, replication);
    sim.run(policy, recorder, control)
}

impl<'m> Simulation<'m> {
    fn new(model: &'m Model, setup: &'m PolicySetup, seed: u64, replication: u32) -> Self {
        let n = model.offices.len();
        let booking = model.booking.as_ref().filter(|_| !setup.pooled);
        let service_levels = model.priority_levels.max(1);
        let levels = if booking.is_some() {
            2 * service_levels
        } else {
            service_levels
        };
        let mut acc = 0.0;
        let service_cdf = model
            .services
            .iter()
            .map(|s| {
                acc += s.share;
                acc
            })
            .collect();
        // Room for every counter busy at once, up to a bound: beyond it the buffers grow as needed.
        let total_counters = model
            .offices
            .iter()
            .map(|o| u64::from(o.hours.max_counters()))
            .sum::<u64>()
            .min(1 << 16);
        let stream = |kind| stream(seed, replication, kind);
        Simulation {
            model,
            setup,
            events: EventQueue::with_capacity(total_counters as usize + model.sources.len() + n + 16),
            slab: ClientSlab::with_capacity(total_counters as usize + 64),
            queues: (0..n * levels).map(|_| VecDeque::with_capacity(16)).collect(),
            levels,
            walkin_level: levels - service_levels,
            book: booking.map(|b| SlotBook::new(b, model.calendar)),
            reserved: match booking.map(|b| (b, b.serve)) {
                // Only offices that take bookings keep counters for them.
                Some((b, ServeBooked::Reserved(r))) => {
                    b.calendars.iter().map(|c| if c.is_some() { r } else { 0 }).collect()
                }
                _ => Vec::new(),
            },
            busy_reserved: vec![0; n],
            offers: Vec::with_capacity(if booking.is_some() { n } else { 0 }),
            free_slots: Vec::with_capacity(if booking.is_some() { n } else { 0 }),
            pool: (0..if setup.pooled { levels } else { 0 })
                .map(|_| VecDeque::with_capacity(256))
                .collect(),
            pool_waiting: 0,
            open_counters: vec![0; n],
            present: vec![0; n],
            busy: vec![0; n],
            waiting: vec![0; n],
            accepting: vec![false; n],
            closed: n,
            nominal_counters: model.offices.iter().map(|o| o.hours.max_counters()).collect(),
            change_pending: vec![false; n],
            closed_at: vec![f64::INFINITY; n],
            board_present: vec![0; n],
            board_busy: vec![0; n],
            board_time: 0.0,
            sent: vec![0; n],
            en_route: vec![0; n],
            board_en_route: vec![0; n],
            mean_service: (0..n)
                .map(|i| model.office_mean_service(i) / model.offices[i].speed)
                .collect(),
            speed: model.offices.iter().map(|o| o.speed).collect(),
            capacity: model.offices.iter().map(|o| o.capacity.unwrap_or(u32::MAX)).collect(),
            limited: model.offices.iter().any(|o| o.capacity.is_some()),
            fixed_hours: model.offices.iter().all(|o| o.hours.always_open),
            unit_speed: model.offices.iter().all(|o| o.speed == 1.0),
            virtual_offices: (0..n).filter(|&i| model.offices[i].is_virtual).collect(),
            service_cdf,
            cand: Vec::with_capacity(n),
            ranked: RankedCandidates::default(),
            travel: Vec::with_capacity(n),
            no_travel: vec![0.0; n],
            filter: model
                .offices
                .iter()
                .any(|o| !o.hours.always_open || o.offers.iter().any(|&x| !x)),
            last_day_end: (model.run.horizon / DAY).ceil() * DAY,
            arrival_rng: stream(StreamKind::Arrivals),
            service_rng: stream(StreamKind::Service),
            patience_rng: stream(StreamKind::Patience),
            origin_rng: stream(StreamKind::Origin),
            channel_rng: stream(StreamKind::Channel),
            compliance_rng: stream(StreamKind::Compliance),
            balk_rng: stream(StreamKind::Balk),
            booking_rng: stream(StreamKind::Booking),
            booking_choice_rng: stream(StreamKind::BookingChoice),
            choice_rng: stream(StreamKind::Choice),
            backlog_rngs: match model.backlog {
                Some(_) => (0..n)
                    .map(|i| office_stream(seed, replication, StreamKind::Backlog, i))
                    .collect(),
                None => Vec::new(),
            },
            backlog_origins: match (&model.backlog, model.geography) {
                (Some(_), Some(_)) => model
                    .offices
                    .iter()
                    .map(|o| {
                        o.location
                            .and_then(|at| crate::model::nearest_origin(&model.origins, at))
                    })
                    .collect(),
                (Some(_), None) => vec![None; n],
                (None, _) => Vec::new(),
            },
            opened: vec![false; n],
            next_id: 0,
            replication,
        }
    }

    fn run<P, R>(&mut self, policy: &mut P, recorder: &mut R, control: &RunControl) -> Result<f64, SimulationError>
    where
        P: AllocationPolicy + ?Sized,
        R: Recorder,
    {
        let model = self.model;
        let horizon = model.run.horizon;
        // A trace replaces the sources' clocks: its clients arrive as recorded, one event at a
        // time (the next is scheduled when one arrives), under the pseudo-source `replay`.
        let trace = model.trace.as_deref();
        let replay = model.sources.len();
        let mut next_recorded = 0usize;
        let clocks: Vec<ArrivalClock> = if trace.is_some() {
            Vec::new()
        } else {
            model.sources.iter().map(|s| ArrivalClock::new(&s.profile)).collect()
        };
        for (k, clock) in clocks.iter().enumerate() {
            if let Some(t) = clock.next_after(0.0, horizon, &mut self.arrival_rng) {
                self.events.push(t, Phase::Arrival, k as Payload);
            }
        }
        if let Some(first) = trace.and_then(|t| t.clients.first()) {
            self.events.push(first.time, Phase::Arrival, replay as Payload);
        }
        for office in 0..model.offices.len() {
            let hours = &model.offices[office].hours;
            let open = hours.counters_at(&model.calendar, 0.0);
            self.open_counters[office] = open;
            self.set_accepting(office, open > 0);
            recorder.counters_changed(0.0, office, open);
            if open > 0 {
                self.opening(0.0, office, recorder);
                self.serve_next(0.0, office, recorder);
            }
            self.schedule_change(0.0, office);
        }
        let refresh = self.setup.information.refresh;
        if refresh > 0.0 && !self.setup.pooled {
            self.events.push(0.0, Phase::Refresh, 0);
        }
        let mut now = 0.0;
        let mut events = 0u64;
        while let Some((t, phase, payload)) = self.events.pop() {
            now = t;
            events += 1;
            if events & (RunControl::CHECK_EVERY - 1) == 0 && control.interrupted() {
                return Err(SimulationError::Interrupted);
            }
            match phase {
                Phase::Arrival => {
                    let k = payload as usize;
                    let recorded = match trace {
                        Some(tr) if k == replay => tr.clients.get(next_recorded),
                        _ => None,
                    };
                    self.new_client(t, k, recorded, policy, recorder)?;
                    if self.slab.len() > control.max_in_system {
                        return Err(self.too_many(t, control.max_in_system));
                    }
                    if let Some(tr) = trace.filter(|_| k == replay) {
                        next_recorded += 1;
                        if let Some(next) = tr.clients.get(next_recorded) {
                            self.events.push(next.time, Phase::Arrival, payload);
                        }
                    } else if let Some(next) = clocks[k].next_after(t, horizon, &mut self.arrival_rng) {
                        self.events.push(next, Phase::Arrival, payload);
                    }
                }
                Phase::OfficeArrival => {
                    let client = self.slab.get(payload);
                    // Booked clients are not counted on the road: they travel at their slot.
                    if !client.is_booked() {
                        self.en_route[client.office as usize] -= 1;
                    }
                    self.arrive(t, payload, policy, recorder)?
                }
                Phase::Departure => self.depart(t, payload, recorder),
                Phase::Renege => self.renege(t, payload, recorder),
                Phase::OfficeChange => {
                    self.office_change(t, payload as usize, recorder);
                    // An opening may bring a backlog of clients at once.
                    if self.slab.len() > control.max_in_system {
                        return Err(self.too_many(t, control.max_in_system));
                    }
                }
                Phase::Refresh => {
                    self.board_present.copy_from_slice(&self.present);
                    self.board_busy.copy_from_slice(&self.busy);
                    self.board_en_route.copy_from_slice(&self.en_route);
                    self.sent.fill(0);
                    self.board_time = t;
                    if t + refresh <= horizon {
                        self.events.push(t + refresh, Phase::Refresh, 0);
                    }
                }
            }
        }
        // Utilisation is measured up to the horizon at least, even if the last client left before.
        recorder.finished(now.max(horizon));
        Ok(now)
    }

    /// The error of a run that holds more than `limit` clients at `t`, naming where most are.
    #[cold]
    fn too_many(&self, t: f64, limit: usize) -> SimulationError {
        let busiest = (0..self.present.len()).max_by_key(|&i| (self.present[i], std::cmp::Reverse(i)));
        let (place, at_place) = match busiest {
            Some(i) if !self.setup.pooled || self.present[i] >= self.pool_waiting => (
                format!("office `{}`", self.model.offices[i].name),
                u64::from(self.present[i]),
            ),
            _ => ("the pooled queue".to_string(), u64::from(self.pool_waiting)),
        };
        let minute_of_day = (t % DAY).floor() as u64;
        SimulationError::TooManyClients {
            policy: self.setup.name.clone(),
            replication: self.replication,
            clients: self.slab.len(),
            limit,
            time: t,
            day: (t / DAY).floor() as u64,
            clock: format!("{:02}:{:02}", minute_of_day / 60, minute_of_day % 60),
            place,
            at_place,
        }
    }

    /// Schedules `office`'s next change after `t`, unless one is pending or none is needed (past
    /// the horizon's last day with nobody inside).
    fn schedule_change(&mut self, t: f64, office: usize) {
        if self.fixed_hours || self.change_pending[office] {
            return;
        }
        if let Some((next, _)) = self.model.offices[office].hours.next_change(&self.model.calendar, t) {
            if next < self.last_day_end || self.present[office] > 0 {
                self.events.push(next, Phase::OfficeChange, office as Payload);
                self.change_pending[office] = true;
            }
        }
    }

    /// Creates a client at `t` from source `k` and sends it on its way: to the pool, online, or
    /// to the office its policy (or habit) chooses.
    ///
    /// A `recorded` client (trace replay) brings its service, its zone or office and perhaps
    /// its service time; the rest is drawn as for any client. One recorded at an office goes
    /// straight there, without travel, online channel, booking or policy.
    fn new_client<P, R>(
        &mut self,
        t: f64,
        k: usize,
        recorded: Option<&crate::model::TraceClient>,
        policy: &mut P,
        recorder: &mut R,
    ) -> Result<(), SimulationError>
    where
        P: AllocationPolicy + ?Sized,
        R: Recorder,
    {
        let model = self.model;
        let service = match recorded {
            Some(r) => usize::from(r.service),
            None => {
                let u: f64 = self.service_rng.random();
                self.service_cdf
                    .iter()
                    .position(|&c| u < c)
                    .unwrap_or(self.service_cdf.len() - 1)
            }
        };
        let sv = &model.services[service];
        let work = match recorded {
            Some(r) if !r.duration.is_nan() => r.duration,
            _ => sv.duration.sample(&mut self.service_rng),
        };
        let patience = sv
            .patience
            .as_ref()
            .map_or(f64::INFINITY, |p| p.sample(&mut self.patience_rng));
        let (origin, at_office) = match (recorded, model.trace.as_deref()) {
            (Some(r), Some(tr)) => (
                tr.pick_origin(r.zone, &mut self.origin_rng),
                (r.office != crate::model::NONE).then_some(r.office as usize),
            ),
            _ => (model.sources[k].pick_origin(&mut self.origin_rng), None),
        };
        let point = model.origins[origin].place.sample(&mut self.origin_rng);
        let online = at_office.is_none() && sv.online_share > 0.0 && self.channel_rng.random::<f64>() < sv.online_share;
        let mut client = self.create_client(t, service, origin, u32::MAX, work, patience);
        client.from = point;
        recorder.client_created(t, &client);
        if let Some(office) = at_office.filter(|_| !self.setup.pooled) {
            // Recorded at its office: it is there now, whatever the policy. (`pooled`, the
            // bound, serves it from the shared queue like everyone.)
            client.office = office as u32;
            let handle = self.slab.insert(client);
            return self.arrive(t, handle, policy, recorder);
        }
        if self.setup.pooled {
            let handle = self.slab.insert(client);
            self.join_pool(t, handle, recorder);
            return Ok(());
        }
        let choice = if online {
            self.choose_online(t, service)
        } else {
            // Drawn for every client, so that the same clients comply under every policy.
            let follows = {
                let c = self.setup.information.compliance;
                c >= 1.0 || self.compliance_rng.random::<f64>() < c
            };
            if self.book.is_some() && sv.book_share > 0.0 && self.try_book(t, &mut client, recorder) {
                return Ok(());
            }
            self.decide(t, &client, point, None, follows, policy)?
        };
        let Some((office, travel)) = choice else {
            recorder.turned_away(t, None, &client);
            return Ok(());
        };
        client.office = office as u32;
        let handle = self.slab.insert(client);
        if travel > 0.0 {
            self.en_route[office] += 1;
            self.events.push(t + travel, Phase::OfficeArrival, handle);
            Ok(())
        } else {
            self.arrive(t, handle, policy, recorder)
        }
    }

    /// A client who may book: draws whether it books, comes and how late (for every such
    /// client, whatever its fate, so that the streams stay aligned across policies), then asks
    /// the booking rule for a slot among its candidates. Returns whether the client is dealt
    /// with (booked: it comes at its slot or is a no-show); `false` sends it in as a walk-in.
    fn try_book<R: Recorder>(&mut self, t: f64, client: &mut Client, recorder: &mut R) -> bool {
        let model = self.model;
        let sv = &model.services[client.service as usize];
        let books = self.booking_rng.random::<f64>() < sv.book_share;
        let shows = self.booking_rng.random::<f64>() >= sv.no_show;
        let late = sv.lateness.as_ref().map_or(0.0, |d| d.sample(&mut self.booking_rng));
        if !books {
            return false;
        }
        let Some(book) = self.book.as_mut() else {
            return false;
        };
        let latest = t + model.booking.as_ref().map_or(f64::INFINITY, |b| b.max_lead);
        let table = &self.setup.candidates;
        let origin = client.origin as usize;
        let service = client.service as usize;
        self.offers.clear();
        self.free_slots.clear();
        let (all, locations) = if table.ranks_per_client(origin) {
            table.rank_from(origin, client.from, &mut self.ranked)
        } else {
            (table.for_origin(origin), table.locations_for(origin))
        };
        for (&office, &at) in all.iter().zip(locations) {
            if !model.offices[office].offers[service] || !book.takes_bookings(office) {
                continue;
            }
            // Only slots the client can reach in time are offered.
            let travel = model.geography.map_or(0.0, |g| g.travel_time(client.from, at));
            let free = book.earliest_free(office, t, t + travel, latest);
            self.free_slots.push(free);
            self.offers.push(SlotOffer {
                office,
                time: free.map_or(f64::INFINITY, |f| f.time),
                travel,
                day_booked: free.map_or(0, |f| f.day_booked),
                day_clients: free.map_or(0, |f| f.day_clients),
            });
        }
        let Some(k) = self.setup.booking.choose(t, &self.offers, &mut self.booking_choice_rng) else {
            return false;
        };
        let offer = self.offers[k];
        let office = offer.office;
        // A rule picks only an available offer: its free slot is there.
        if let Some(free) = self.free_slots[k] {
            book.book(office, &free);
        }
        client.office = office as u32;
        client.slot = offer.time;
        recorder.booked(t, office, client);
        if !shows {
            recorder.no_show(t, office, client);
            return true;
        }
        // It cannot arrive before it can travel there, nor on the day before its slot's.
        let slot_day = (offer.time / DAY).floor() * DAY;
        let arrival = (offer.time - sv.early + late).max(t + offer.travel).max(slot_day);
        // (`max` only mends rounding: the arrival is at least `t + travel`.)
        client.left = (arrival - offer.travel).max(t);
        // The office's hours must run until the slot, even past the horizon.
        let slot_day_end = ((offer.time / DAY).floor() + 1.0) * DAY;
        if slot_day_end > self.last_day_end {
            self.last_day_end = slot_day_end;
        }
        self.schedule_change(t, office);
        let handle = self.slab.insert(*client);
        self.events.push(arrival, Phase::OfficeArrival, handle);
        true
    }

    /// The virtual office for an online client: the one with the least expected wait among
    /// those open that offer its service (ties at random); `None` if none is open.
    fn choose_online(&mut self, t: f64, service: usize) -> Option<(usize, f64)> {
        let model = self.model;
        let offers = |i: usize| model.offices[i].offers[service];
        // The decision buffer is reused: no allocation per client.
        let mut open = std::mem::take(&mut self.cand);
        open.clear();
        open.extend(
            self.virtual_offices
                .iter()
                .copied()
                .filter(|&i| offers(i) && self.accepting[i]),
        );
        if open.is_empty() {
            // Closed for now: wait for a window that opens later today, if any.
            open.extend(
                self.virtual_offices
                    .iter()
                    .copied()
                    .filter(|&i| offers(i) && self.opens_later_today(i, t)),
            );
        }
        if open.is_empty() {
            self.cand = open;
            return None;
        }
        let expected = |i: usize| {
            let c = f64::from(self.open_counters[i].max(1));
            (f64::from(self.present[i]) + 1.0 - c).max(0.0) * self.mean_service[i] / c
        };
        let office = argmin_random_tie(open.iter().copied(), expected, &mut self.choice_rng);
        self.cand = open;
        Some((office, 0.0))
    }

    /// The office for `client` travelling from `point` (where it set out, or the full office
    /// sending it on) and its travel time, as its policy (or, if it does not follow it, habit:
    /// the nearest) chooses among the candidates that are open and offer its service.
    /// `redirect_from` is a full office the client is being sent on from: it and every full
    /// office are left out. `None` when no candidate remains.
    fn decide<P>(
        &mut self,
        t: f64,
        client: &Client,
        point: [f64; 2],
        redirect_from: Option<usize>,
        follows: bool,
        policy: &mut P,
    ) -> Result<Option<(usize, f64)>, SimulationError>
    where
        P: AllocationPolicy + ?Sized,
    {
        let model = self.model;
        let table = &self.setup.candidates;
        let origin = client.origin as usize;
        let service = client.service as usize;
        let filtered = self.filter || redirect_from.is_some();
        // One office to go to and no trip to time: no buffers, no view, no policy.
        if !filtered && model.geography.is_none() {
            if let [office] = *table.for_origin(origin) {
                self.count_sent(office, follows);
                return Ok(Some((office, 0.0)));
            }
        }
        let mut cand = std::mem::take(&mut self.cand);
        let mut travel_buffer = std::mem::take(&mut self.travel);
        let mut ranked = std::mem::take(&mut self.ranked);
        cand.clear();
        travel_buffer.clear();
        let travel = &mut travel_buffer;
        // In an area, the nearest offices depend on where the client starts.
        let per_client = table.ranks_per_client(origin);
        let (all, locations) = if per_client {
            // From where it set out, also when sent on from a full office (`point`, which the
            // trip is timed from).
            table.rank_from(origin, client.from, &mut ranked)
        } else {
            (table.for_origin(origin), table.locations_for(origin))
        };
        let keep = |i: usize| -> bool {
            let o = &model.offices[i];
            self.accepting[i]
                && o.offers[service]
                && redirect_from.is_none_or(|from| i != from && o.capacity.is_none_or(|k| self.present[i] < k))
        };
        if filtered {
            for (&i, &at) in all.iter().zip(locations) {
                if keep(i) {
                    cand.push(i);
                    travel.push(model.geography.map_or(0.0, |g| g.travel_time(point, at)));
                }
            }
            // Nothing open: offices that open later today (after a break, or in the morning) are
            // the last resort (the client waits at the door), never those closed for the day.
            if cand.is_empty() && redirect_from.is_none() {
                for (&i, &at) in all.iter().zip(locations) {
                    if model.offices[i].offers[service] && self.opens_later_today(i, t) {
                        cand.push(i);
                        travel.push(model.geography.map_or(0.0, |g| g.travel_time(point, at)));
                    }
                }
            }
        } else if let Some(g) = model.geography {
            travel.extend(locations.iter().map(|&at| g.travel_time(point, at)));
        }
        let candidates: &[usize] = if filtered { &cand } else { all };
        // Without a geography every trip takes no time: a slice of the zeros kept for that,
        // rather than writing as many zeros for every client.
        let travel: &[f64] = if filtered || model.geography.is_some() {
            travel
        } else {
            &self.no_travel[..all.len()]
        };
        let result = if candidates.is_empty() {
            None
        } else if let [office] = *candidates {
            // No choice to make: the policy is not asked (and draws nothing).
            let trip = travel[0];
            self.count_sent(office, follows);
            Some((office, trip))
        } else {
            let who = ClientView {
                service,
                zone: client.zone as usize,
                candidates,
                travel,
            };
            let info = self.setup.information;
            let live = info.refresh <= 0.0;
            // When every candidate is closed for now, compare them as they will be when open.
            let all_closed = self.closed > 0 && candidates.iter().all(|&i| !self.accepting[i]);
            let view = SystemView {
                now: t,
                counters: if all_closed {
                    &self.nominal_counters
                } else {
                    &self.open_counters
                },
                present: if live { &self.present } else { &self.board_present },
                busy: if live { &self.busy } else { &self.board_busy },
                sent: &self.sent,
                en_route: if live { &self.en_route } else { &self.board_en_route },
                speed: &self.speed,
                board_time: if live { t } else { self.board_time },
                shows: info.shows,
                mean_service: &self.mean_service,
            };
            let office = if follows {
                policy.choose(&who, &view, &mut self.choice_rng)
            } else {
                Nearest.choose(&who, &view, &mut self.choice_rng)
            };
            let position = if filtered || per_client {
                candidates.iter().position(|&i| i == office)
            } else {
                table.position(origin, office)
            };
            let Some(k) = position else {
                return Err(SimulationError::InvalidChoice {
                    policy: self.setup.name.clone(),
                    office,
                });
            };
            let trip = travel[k];
            self.count_sent(office, follows);
            Some((office, trip))
        };
        self.cand = cand;
        self.travel = travel_buffer;
        self.ranked = ranked;
        Ok(result)
    }

    /// A new walk-in of `service` from `origin` (setting out from its centre) at `t`, bound for
    /// `office` (`u32::MAX`: not yet allocated), with its drawn requirement and patience; the
    /// next id is its.
    fn create_client(
        &mut self,
        t: f64,
        service: usize,
        origin: usize,
        office: u32,
        work: f64,
        patience: f64,
    ) -> Client {
        let client = Client {
            id: self.next_id,
            service: service as u16,
            zone: self.model.origins[origin].zone as u32,
            office,
            origin: origin as u32,
            created: t,
            arrived: t,
            work,
            patience,
            start: f64::NAN,
            duration: f64::NAN,
            redirected: false,
            slot: f64::NAN,
            left: t,
            reserved: false,
            from: self.model.origins[origin].place.centre(),
        };
        self.next_id += 1;
        client
    }

    /// Counts a client sent to `office` since the board's last refresh: only with a board that
    /// refreshes (a live one shows every client at once), and only clients the dispatcher itself
    /// sends (`follows`), not those who ignore it.
    fn count_sent(&mut self, office: usize, follows: bool) {
        if self.setup.information.refresh > 0.0 && follows {
            self.sent[office] += 1;
        }
    }

    /// Opens `office` to new clients or closes it, keeping the count of closed offices.
    fn set_accepting(&mut self, office: usize, accepting: bool) {
        if self.accepting[office] != accepting {
            self.accepting[office] = accepting;
            if accepting {
                self.closed -= 1;
            } else {
                self.closed += 1;
            }
        }
    }

    /// The client of `handle` reaches its office at `t`.
    fn arrive<P, R>(&mut self, t: f64, handle: Handle, policy: &mut P, recorder: &mut R) -> Result<(), SimulationError>
    where
        P: AllocationPolicy + ?Sized,
        R: Recorder,
    {
        let model = self.model;
        let client = self.slab.get_mut(handle);
        client.arrived = t;
        let client = *client;
        let office = client.office as usize;
        if !self.accepting[office] && !self.opens_later_today(office, t) {
            recorder.office_arrival(t, office, &client);
            recorder.turned_away(t, Some(office), &client);
            self.slab.remove(handle);
            return Ok(());
        }
        if self.limited && self.present[office] >= self.capacity[office] {
            let o = &model.offices[office];
            if o.on_full == OnFull::Next && !client.redirected {
                let from = o.location.unwrap_or_default();
                if let Some((next, travel)) = self.decide(t, &client, from, Some(office), true, policy)? {
                    let c = self.slab.get_mut(handle);
                    c.redirected = true;
                    c.office = next as u32;
                    // Its appointment was at the full office: elsewhere it is a walk-in.
                    c.slot = f64::NAN;
                    self.en_route[next] += 1;
                    self.events.push(t + travel, Phase::OfficeArrival, handle);
                    return Ok(());
                }
            }
            recorder.office_arrival(t, office, &client);
            recorder.blocked(t, office, &client);
            self.slab.remove(handle);
            return Ok(());
        }
        // Booked clients came for their appointment: they do not balk.
        if let Some(b) = model.services[client.service as usize]
            .balk
            .filter(|_| !client.is_booked())
        {
            if self.waiting[office] > b.above && (b.probability >= 1.0 || self.balk_rng.random::<f64>() < b.probability)
            {
                recorder.office_arrival(t, office, &client);
                recorder.balked(t, Some(office), &client);
                self.slab.remove(handle);
                return Ok(());
            }
        }
        self.present[office] += 1;
        recorder.office_arrival(t, office, &client);
        // Counters still serving after the last closing take only those who were inside then.
        let free = if self.accepting[office] {
            self.free_counter(office, client.is_booked())
        } else {
            None
        };
        if let Some(reserved) = free {
            self.start_service(t, office, handle, reserved, recorder);
        } else {
            let level =
                model.services[client.service as usize].level + if client.is_booked() { 0 } else { self.walkin_level };
            self.queues[office * self.levels + level].push_back(handle);
            self.slab.set_waiting(handle, true);
            self.waiting[office] += 1;
            recorder.queue_changed(t, office, self.waiting[office] as usize);
            if client.patience.is_finite() {
                self.events.push(t + client.patience, Phase::Renege, handle);
            }
            // A client waiting through a break needs the office to reopen.
            self.schedule_change(t, office);
        }
        Ok(())
    }

    /// A counter of `office` free for a client, booked or not: `Some(true)` a reserved one
    /// (booked clients take those first), `Some(false)` a general one, `None` if none is free.
    #[inline]
    fn free_counter(&self, office: usize, booked: bool) -> Option<bool> {
        let open = self.open_counters[office];
        // After a shift ends, more counters may still be finishing services than are open.
        if self.busy[office] >= open {
            return None;
        }
        if self.reserved.is_empty() {
            return Some(false);
        }
        let reserved = self.reserved.get(office).map_or(0, |&r| r.min(open));
        let busy_reserved = self.busy_reserved[office];
        if booked && busy_reserved < reserved {
            return Some(true);
        }
        (self.busy[office] - busy_reserved < open - reserved).then_some(false)
    }

    fn start_service<R: Recorder>(&mut self, t: f64, office: usize, handle: Handle, reserved: bool, recorder: &mut R) {
        self.busy[office] += 1;
        // Only counters kept for booked clients are counted apart: without them, no read of
        // a per-office array that is all zeros.
        if reserved {
            self.busy_reserved[office] += 1;
        }
        recorder.busy_changed(t, office, self.busy[office]);
        self.slab.set_waiting(handle, false);
        let client = self.slab.get_mut(handle);
        client.start = t;
        // Dividing by 1 changes nothing: skip reading the speed.
        client.duration = if self.unit_speed {
            client.work
        } else {
            client.work / self.speed[office]
        };
        client.office = office as u32;
        client.reserved = reserved;
        let end = t + client.duration;
        self.events.push(end, Phase::Departure, handle);
    }

    fn depart<R: Recorder>(&mut self, t: f64, handle: Handle, recorder: &mut R) {
        let client = self.slab.remove(handle);
        let office = client.office as usize;
        self.busy[office] -= 1;
        if client.reserved {
            self.busy_reserved[office] -= 1;
        }
        self.present[office] -= 1;
        recorder.busy_changed(t, office, self.busy[office]);
        recorder.departure(t, office, &client);
        self.serve_next(t, office, recorder);
    }

    /// Starts services at `office` while it has free open counters and clients waiting: the
    /// first of the most urgent priority level (or, pooled, of the shared queue).
    fn serve_next<R: Recorder>(&mut self, t: f64, office: usize, recorder: &mut R) {
        if self.reserved.is_empty() && !self.setup.pooled {
            // No reserved counters, each office its own queue: the loop below, without the
            // checks it needs for those.
            while self.busy[office] < self.open_counters[office] {
                let Some(handle) = self.next_waiting(office, false) else {
                    return;
                };
                self.waiting[office] -= 1;
                recorder.queue_changed(t, office, self.waiting[office] as usize);
                self.start_service(t, office, handle, false, recorder);
            }
            return;
        }
        loop {
            // A free reserved counter takes a booked client; a general one, anyone.
            let reserved_free = self.free_counter(office, true) == Some(true);
            let general_free = self.free_counter(office, false).is_some();
            let next = if reserved_free {
                self.next_waiting(office, true).map(|h| (h, true))
            } else {
                None
            };
            let next = match next {
                Some(n) => Some(n),
                None if general_free => self.next_waiting(office, false).map(|h| (h, false)),
                None => None,
            };
            let Some((handle, reserved)) = next else {
                return;
            };
            if self.setup.pooled {
                self.pool_waiting -= 1;
                let client = self.slab.get_mut(handle);
                client.office = office as u32;
                client.arrived = client.created;
                let client = *client;
                self.present[office] += 1;
                recorder.office_arrival(t, office, &client);
            } else {
                self.waiting[office] -= 1;
                recorder.queue_changed(t, office, self.waiting[office] as usize);
            }
            self.start_service(t, office, handle, reserved, recorder);
        }
    }

    /// Removes and returns the next client still waiting: the first of the most urgent level
    /// (booked clients' levels first), or with `booked_only` the first booked one. For the
    /// general counters of offices with reserved counters, booked clients and walk-ins of a
    /// service level are served in order of arrival.
    fn next_waiting(&mut self, office: usize, booked_only: bool) -> Option<Handle> {
        let levels = if booked_only { self.walkin_level } else { self.levels };
        if !booked_only && self.reserved.get(office).is_some_and(|&r| r > 0) {
            let shift = self.walkin_level;
            for level in 0..shift {
                let booked = self.front(office, level).map(|h| self.slab.get(h).arrived);
                let walkin = self.front(office, level + shift).map(|h| self.slab.get(h).arrived);
                let queue = match (booked, walkin) {
                    (Some(b), Some(w)) if w < b => level + shift,
                    (Some(_), _) => level,
                    (None, Some(_)) => level + shift,
                    (None, None) => continue,
                };
                return self.queue(office, queue).pop_front();
            }
            return None;
        }
        for level in 0..levels {
            if self.front(office, level).is_some() {
                return self.queue(office, level).pop_front();
            }
        }
        None
    }

    /// The queue of `level` at `office` (pooled: the shared one).
    #[inline]
    fn queue(&mut self, office: usize, level: usize) -> &mut VecDeque<Handle> {
        if self.setup.pooled {
            &mut self.pool[level]
        } else {
            &mut self.queues[office * self.levels + level]
        }
    }

    /// The first client still waiting in a queue, dropping entries of clients who left. An
    /// office serving after its last closing (`serve`) serves only those who were inside when
    /// it closed (pooled: created before it closed); later clients wait for the next opening.
    fn front(&mut self, office: usize, level: usize) -> Option<Handle> {
        let pooled = self.setup.pooled;
        let inside_by = if self.fixed_hours {
            f64::INFINITY
        } else {
            self.closed_at[office]
        };
        let queue = if pooled {
            &mut self.pool[level]
        } else {
            &mut self.queues[office * self.levels + level]
        };
        while let Some(&handle) = queue.front() {
            if !self.slab.is_waiting(handle) {
                queue.pop_front();
                continue;
            }
            let client = self.slab.get(handle);
            if (if pooled { client.created } else { client.arrived }) > inside_by {
                return None;
            }
            return Some(handle);
        }
        None
    }

    /// Whether `office`, closed at `t`, opens later the same day (after a break, or in the
    /// morning): a client may wait at its door.
    fn opens_later_today(&self, office: usize, t: f64) -> bool {
        !self.accepting[office] && self.model.offices[office].hours.reopens_today(&self.model.calendar, t)
    }

    /// Whether any office is open at `t` or opens later that day.
    fn network_open_today(&self, t: f64) -> bool {
        (0..self.accepting.len()).any(|i| self.accepting[i] || self.opens_later_today(i, t))
    }

    /// A patience timer fires: the client leaves if it is still waiting.
    fn renege<R: Recorder>(&mut self, t: f64, handle: Handle, recorder: &mut R) {
        if !self.slab.is_waiting(handle) {
            return;
        }
        let client = self.slab.remove(handle);
        if self.setup.pooled {
            self.pool_waiting -= 1;
            recorder.abandoned(t, None, &client);
            return;
        }
        let office = client.office as usize;
        self.waiting[office] -= 1;
        self.present[office] -= 1;
        recorder.queue_changed(t, office, self.waiting[office] as usize);
        recorder.abandoned(t, Some(office), &client);
    }

    /// `office` opens, closes or changes counters at `t`, as its hours say.
    fn office_change<R: Recorder>(&mut self, t: f64, office: usize, recorder: &mut R) {
        self.change_pending[office] = false;
        let model = self.model;
        let o = &model.offices[office];
        let open = o.hours.counters_at(&model.calendar, t);
        // A change at midnight that leaves the office closed is the previous day's last closing.
        let at_midnight = t % DAY == 0.0;
        let reopens = open == 0 && !at_midnight && o.hours.reopens_today(&model.calendar, t);
        let last_close = open == 0 && !reopens;
        let turn_away = last_close && o.at_close == AtClose::TurnAway;
        let opens = open > 0 && !self.accepting[office];
        self.set_accepting(office, open > 0);
        self.closed_at[office] = if last_close { t } else { f64::INFINITY };
        // At the day's last closing with `serve`, the counters stay open for those inside.
        if !last_close || turn_away {
            self.open_counters[office] = open;
        }
        // The office sends its own queue home as it closes...
        if turn_away && !self.setup.pooled {
            let levels = self.levels;
            for level in 0..levels {
                while let Some(handle) = self.queues[office * levels + level].pop_front() {
                    if self.slab.is_waiting(handle) {
                        let client = self.slab.remove(handle);
                        self.waiting[office] -= 1;
                        self.present[office] -= 1;
                        recorder.turned_away(t, Some(office), &client);
                    }
                }
            }
            recorder.queue_changed(t, office, 0);
        }
        recorder.counters_changed(t, office, open);
        if opens {
            self.opening(t, office, recorder);
        }
        // ...and the shared queue of `pooled` goes home once every office has closed for the day.
        if turn_away && self.setup.pooled && !self.network_open_today(t) {
            for level in 0..self.pool.len() {
                while let Some(handle) = self.pool[level].pop_front() {
                    if self.slab.is_waiting(handle) {
                        let client = self.slab.remove(handle);
                        self.pool_waiting -= 1;
                        recorder.turned_away(t, None, &client);
                    }
                }
            }
        }
        self.serve_next(t, office, recorder);
        self.schedule_change(t, office);
    }

    /// `office` opens at `t`: on its first opening, and with `after-closed` on the first opening
    /// of a day after a day without any, the clients of its backlog are at the door. They came
    /// before it opened, so they join its queue (pooled: the shared queue) at `t`, walk-ins of
    /// the services it offers (in proportion to their shares), and wait from `t`. The caller
    /// then starts the services it can.
    fn opening<R: Recorder>(&mut self, t: f64, office: usize, recorder: &mut R) {
        let first = !self.opened[office];
        self.opened[office] = true;
        let model = self.model;
        let Some(backlog) = model.backlog.as_ref() else {
            return;
        };
        let Some(count) = backlog.offices[office].as_ref() else {
            return;
        };
        if t >= model.run.horizon {
            return;
        }
        let hours = &model.offices[office].hours;
        let day = (t / DAY).floor();
        let today = &hours.days[model.calendar.weekday_of_day(day as i64)];
        // A reopening after a break is not a new day's first opening.
        let first_of_day = hours.always_open || today.first().is_none_or(|p| p.start >= t - day * DAY);
        let after_closed = first_of_day && hours.days[model.calendar.weekday_of_day(day as i64 - 1)].is_empty();
        let applies = first || (backlog.days == crate::model::BacklogDays::AfterClosed && after_closed);
        if !applies {
            return;
        }
        let offers = &model.offices[office].offers;
        let offered: f64 = model
            .services
            .iter()
            .zip(offers)
            .filter(|(_, &o)| o)
            .map(|(s, _)| s.share)
            .sum();
        if offered <= 0.0 {
            return;
        }
        let nearest = self.backlog_origins[office];
        let rng = &mut self.backlog_rngs[office];
        let n = count.sample(rng);
        for _ in 0..n {
            let rng = &mut self.backlog_rngs[office];
            let mut u = rng.random::<f64>() * offered;
            let mut service = offers.iter().rposition(|&o| o).unwrap_or(0);
            for (k, s) in model.services.iter().enumerate() {
                if !offers[k] {
                    continue;
                }
                if u < s.share {
                    service = k;
                    break;
                }
                u -= s.share;
            }
            let sv = &model.services[service];
            let work = sv.duration.sample(rng);
            let patience = sv.patience.as_ref().map_or(f64::INFINITY, |p| p.sample(rng));
            let origin = nearest.unwrap_or_else(|| model.sources[0].pick_origin(rng));
            let client = self.create_client(t, service, origin, office as u32, work, patience);
            recorder.client_created(t, &client);
            if self.setup.pooled {
                let handle = self.slab.insert(Client {
                    office: u32::MAX,
                    ..client
                });
                self.pool[sv.level].push_back(handle);
                self.slab.set_waiting(handle, true);
                self.pool_waiting += 1;
                if patience.is_finite() {
                    self.events.push(t + patience, Phase::Renege, handle);
                }
                continue;
            }
            recorder.office_arrival(t, office, &client);
            if self.limited && self.present[office] >= self.capacity[office] {
                recorder.blocked(t, office, &client);
                continue;
            }
            let handle = self.slab.insert(client);
            self.present[office] += 1;
            self.queues[office * self.levels + sv.level + self.walkin_level].push_back(handle);
            self.slab.set_waiting(handle, true);
            self.waiting[office] += 1;
            if patience.is_finite() {
                self.events.push(t + patience, Phase::Renege, handle);
            }
        }
        if n > 0 && !self.setup.pooled {
            recorder.queue_changed(t, office, self.waiting[office] as usize);
        }
    }

    /// Pooled mode: serve at once at a free open counter (the fastest office with one, ties at
    /// random), else wait in the one shared queue, by priority; turned away when every office
    /// is closed for the day. Travel is ignored.
    fn join_pool<R: Recorder>(&mut self, t: f64, handle: Handle, recorder: &mut R) {
        let client = *self.slab.get(handle);
        if !self.network_open_today(t) {
            self.slab.remove(handle);
            recorder.turned_away(t, None, &client);
            return;
        }
        let free = (0..self.open_counters.len()).filter(|&i| self.accepting[i] && self.busy[i] < self.open_counters[i]);
        if free.clone().next().is_some() {
            let office = argmin_random_tie(free, |i| self.mean_service[i], &mut self.choice_rng);
            self.slab.get_mut(handle).office = office as u32;
            self.present[office] += 1;
            recorder.office_arrival(t, office, self.slab.get(handle));
            self.start_service(t, office, handle, false, recorder);
            return;
        }
        let sv = &self.model.services[client.service as usize];
        if let Some(b) = sv.balk {
            if self.pool_waiting > b.above && (b.probability >= 1.0 || self.balk_rng.random::<f64>() < b.probability) {
                self.slab.remove(handle);
                recorder.balked(t, None, &client);
                return;
            }
        }
        self.pool[sv.level].push_back(handle);
        self.slab.set_waiting(handle, true);
        self.pool_waiting += 1;
        if client.patience.is_finite() {
            self.events.push(t + client.patience, Phase::Renege, handle);
        }
    }
}
