//! One replication: clients are created by the arrival clocks at their origins, allocated by
//! the policy (through its board, candidates and compliance), travel to their office, queue FIFO
//! and are served by the first free counter; or, pooled, wait in one queue for any counter.

use super::client_slab::ClientSlab;
use super::{ArrivalClock, EventQueue, Phase, PolicySetup, Recorder};
use crate::model::Model;
use crate::policy::{argmin_random_tie, AllocationPolicy, ClientView, Nearest, SystemView};
use crate::random::{stream, StreamKind};
use crate::SimRng;
use rand::Rng;
use std::collections::VecDeque;

/// One client, carried by value through queues and events.
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
    /// When the client decided to seek service (minutes).
    pub created: f64,
    /// When it arrived at its office.
    pub arrived: f64,
    /// Service requirement at an office of speed 1, drawn at creation (common random numbers).
    pub work: f64,
    /// When its service started (valid once in service).
    pub start: f64,
    /// Its service duration at its office (valid once in service).
    pub duration: f64,
}

impl Client {
    /// Time from arrival at the office to the start of service.
    pub fn wait(&self) -> f64 {
        self.start - self.arrived
    }

    /// Time from the decision to the arrival at the office.
    pub fn travel(&self) -> f64 {
        self.arrived - self.created
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
    /// The worker threads could not be started.
    #[error("could not start the worker threads: {0}")]
    ThreadPool(String),
}

/// What an event refers to; its phase says what it is: the arrival source for an arrival,
/// the slab slot of the client for an office arrival or a departure, nothing for a refresh.
/// Four bytes keep the event list's entries small.
type Payload = u32;

/// The state of one replication in progress.
struct Simulation<'m> {
    model: &'m Model,
    setup: &'m PolicySetup,
    events: EventQueue<Payload>,
    /// Clients in service or travelling, referred to by the events.
    slab: ClientSlab,
    queues: Vec<VecDeque<Client>>,
    /// Pooled mode: the one queue of all counters.
    pool: VecDeque<Client>,
    counters: Vec<u32>,
    present: Vec<u32>,
    busy: Vec<u32>,
    /// The board as of its last refresh (unused with a live board).
    board_present: Vec<u32>,
    board_busy: Vec<u32>,
    board_time: f64,
    /// Clients sent per office since the last refresh (all zero with a live board).
    sent: Vec<u32>,
    mean_service: Vec<f64>,
    /// Office speeds, by id (kept dense for the event loop).
    speed: Vec<f64>,
    service_cdf: Vec<f64>,
    /// Travel times from the current client to its candidates (reused buffer).
    travel: Vec<f64>,
    arrival_rng: SimRng,
    service_rng: SimRng,
    origin_rng: SimRng,
    compliance_rng: SimRng,
    choice_rng: SimRng,
    next_id: u64,
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
    let mut sim = Simulation::new(model, setup, seed, replication);
    sim.run(policy, recorder)
}

impl<'m> Simulation<'m> {
    fn new(model: &'m Model, setup: &'m PolicySetup, seed: u64, replication: u32) -> Self {
        let n = model.offices.len();
        let mix_mean = model.mean_service();
        let counters: Vec<u32> = model.offices.iter().map(|o| o.counters).collect();
        let mut acc = 0.0;
        let service_cdf = model
            .services
            .iter()
            .map(|s| {
                acc += s.share;
                acc
            })
            .collect();
        let total_counters: u32 = counters.iter().sum();
        Simulation {
            model,
            setup,
            events: EventQueue::with_capacity(total_counters as usize + model.sources.len() + 16),
            slab: ClientSlab::with_capacity(total_counters as usize + 16),
            queues: (0..n).map(|_| VecDeque::with_capacity(64)).collect(),
            pool: VecDeque::with_capacity(if setup.pooled { 256 } else { 0 }),
            present: vec![0; n],
            busy: vec![0; n],
            board_present: vec![0; n],
            board_busy: vec![0; n],
            board_time: 0.0,
            sent: vec![0; n],
            mean_service: model.offices.iter().map(|o| mix_mean / o.speed).collect(),
            speed: model.offices.iter().map(|o| o.speed).collect(),
            counters,
            service_cdf,
            travel: Vec::with_capacity(setup.candidates.max_len()),
            arrival_rng: stream(seed, replication, StreamKind::Arrivals),
            service_rng: stream(seed, replication, StreamKind::Service),
            origin_rng: stream(seed, replication, StreamKind::Origin),
            compliance_rng: stream(seed, replication, StreamKind::Compliance),
            choice_rng: stream(seed, replication, StreamKind::Choice),
            next_id: 0,
        }
    }

    fn run<P, R>(&mut self, policy: &mut P, recorder: &mut R) -> Result<f64, SimulationError>
    where
        P: AllocationPolicy + ?Sized,
        R: Recorder,
    {
        let model = self.model;
        let horizon = model.run.horizon;
        let clocks: Vec<ArrivalClock> = model.sources.iter().map(|s| ArrivalClock::new(&s.profile)).collect();
        for (k, clock) in clocks.iter().enumerate() {
            if let Some(t) = clock.next_after(0.0, horizon, &mut self.arrival_rng) {
                self.events.push(t, Phase::Arrival, k as Payload);
            }
        }
        let refresh = self.setup.information.refresh;
        if refresh > 0.0 && !self.setup.pooled {
            self.events.push(0.0, Phase::Refresh, 0);
        }
        let mut now = 0.0;
        while let Some((t, phase, payload)) = self.events.pop() {
            now = t;
            match phase {
                Phase::Arrival => {
                    let k = payload as usize;
                    self.new_client(t, k, policy, recorder)?;
                    if let Some(next) = clocks[k].next_after(t, horizon, &mut self.arrival_rng) {
                        self.events.push(next, Phase::Arrival, payload);
                    }
                }
                Phase::OfficeArrival => {
                    let client = self.slab.take(payload);
                    self.arrive(t, client.office as usize, client, recorder);
                }
                Phase::Departure => {
                    let client = self.slab.take(payload);
                    self.depart(t, client.office as usize, client, recorder);
                }
                Phase::Refresh => {
                    self.board_present.copy_from_slice(&self.present);
                    self.board_busy.copy_from_slice(&self.busy);
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

    /// Creates a client at `t` from source `k`, lets the policy (or the pool) place it, and
    /// sends it on its way.
    fn new_client<P, R>(&mut self, t: f64, k: usize, policy: &mut P, recorder: &mut R) -> Result<(), SimulationError>
    where
        P: AllocationPolicy + ?Sized,
        R: Recorder,
    {
        let model = self.model;
        let u: f64 = self.service_rng.random();
        let service = self
            .service_cdf
            .iter()
            .position(|&c| u < c)
            .unwrap_or(self.service_cdf.len() - 1);
        let work = model.services[service].duration.sample(&mut self.service_rng);
        let origin = model.sources[k].pick_origin(&mut self.origin_rng);
        let point = model.origins[origin].place.sample(&mut self.origin_rng);
        let zone = model.origins[origin].zone;
        let client = Client {
            id: self.next_id,
            service: service as u16,
            zone: zone as u32,
            office: u32::MAX,
            created: t,
            arrived: t,
            work,
            start: f64::NAN,
            duration: f64::NAN,
        };
        self.next_id += 1;
        recorder.client_created(t, &client);
        if self.setup.pooled {
            self.join_pool(t, client, recorder);
            return Ok(());
        }
        let candidates = self.setup.candidates.for_origin(origin);
        self.travel.clear();
        match model.geography {
            Some(geo) => self.travel.extend(
                self.setup
                    .candidates
                    .locations_for(origin)
                    .iter()
                    .map(|&at| geo.travel_time(point, at)),
            ),
            None => self.travel.resize(candidates.len(), 0.0),
        }
        let who = ClientView {
            service,
            zone,
            candidates,
            travel: &self.travel,
        };
        let info = self.setup.information;
        let live = info.refresh <= 0.0;
        let view = SystemView {
            now: t,
            counters: &self.counters,
            present: if live { &self.present } else { &self.board_present },
            busy: if live { &self.busy } else { &self.board_busy },
            sent: &self.sent,
            board_time: if live { t } else { self.board_time },
            shows: info.shows,
            mean_service: &self.mean_service,
        };
        let follows = info.compliance >= 1.0 || self.compliance_rng.random::<f64>() < info.compliance;
        let office = if follows {
            policy.choose(&who, &view, &mut self.choice_rng)
        } else {
            Nearest.choose(&who, &view, &mut self.choice_rng)
        };
        let Some(k) = self.setup.candidates.position(origin, office) else {
            return Err(SimulationError::InvalidChoice {
                policy: self.setup.name.clone(),
                office,
            });
        };
        if !live {
            self.sent[office] += 1;
        }
        let travel = self.travel[k];
        let client = Client {
            office: office as u32,
            ..client
        };
        if travel > 0.0 {
            let slot = self.slab.insert(client);
            self.events.push(t + travel, Phase::OfficeArrival, slot);
        } else {
            self.arrive(t, office, client, recorder);
        }
        Ok(())
    }

    fn arrive<R: Recorder>(&mut self, t: f64, office: usize, mut client: Client, recorder: &mut R) {
        client.arrived = t;
        self.present[office] += 1;
        recorder.office_arrival(t, office, &client);
        if self.busy[office] < self.counters[office] {
            self.start_service(t, office, client, recorder);
        } else {
            self.queues[office].push_back(client);
            recorder.queue_changed(t, office, self.queues[office].len());
        }
    }

    fn depart<R: Recorder>(&mut self, t: f64, office: usize, client: Client, recorder: &mut R) {
        self.busy[office] -= 1;
        self.present[office] -= 1;
        recorder.busy_changed(t, office, self.busy[office]);
        recorder.departure(t, office, &client);
        let next = if self.setup.pooled {
            self.pool.pop_front().inspect(|c| {
                self.present[office] += 1;
                recorder.office_arrival(t, office, c);
            })
        } else {
            self.queues[office]
                .pop_front()
                .inspect(|_| recorder.queue_changed(t, office, self.queues[office].len()))
        };
        if let Some(next) = next {
            self.start_service(t, office, next, recorder);
        }
    }

    /// Pooled mode: serve at once at a free counter (the fastest office with one, ties at
    /// random), else wait in the one shared queue. Travel is ignored.
    fn join_pool<R: Recorder>(&mut self, t: f64, client: Client, recorder: &mut R) {
        let free = (0..self.counters.len()).filter(|&i| self.busy[i] < self.counters[i]);
        if free.clone().next().is_none() {
            self.pool.push_back(client);
            return;
        }
        let office = argmin_random_tie(free, |i| self.mean_service[i], &mut self.choice_rng);
        self.present[office] += 1;
        recorder.office_arrival(t, office, &client);
        self.start_service(t, office, client, recorder);
    }

    fn start_service<R: Recorder>(&mut self, t: f64, office: usize, mut client: Client, recorder: &mut R) {
        self.busy[office] += 1;
        recorder.busy_changed(t, office, self.busy[office]);
        client.start = t;
        client.duration = client.work / self.speed[office];
        client.office = office as u32;
        let end = t + client.duration;
        let slot = self.slab.insert(client);
        self.events.push(end, Phase::Departure, slot);
    }
}
