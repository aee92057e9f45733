//! One replication: clients are created by the arrival clock, allocated by the policy, queue
//! FIFO at their office and are served by the first free counter.

use super::{ArrivalClock, EventQueue, Phase, Recorder};
use crate::model::Model;
use crate::policy::{AllocationPolicy, ClientView, SystemView};
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
    /// A policy returned an office id that does not exist.
    #[error("policy `{policy}` chose office {office}, which does not exist")]
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

#[derive(Debug, Clone, Copy)]
enum Event {
    Arrival,
    Departure { office: u32, client: Client },
}

/// The state of one replication in progress.
struct Simulation<'m> {
    model: &'m Model,
    events: EventQueue<Event>,
    queues: Vec<VecDeque<Client>>,
    counters: Vec<u32>,
    present: Vec<u32>,
    busy: Vec<u32>,
    mean_service: Vec<f64>,
    candidates: Vec<usize>,
    service_cdf: Vec<f64>,
    arrival_rng: SimRng,
    service_rng: SimRng,
    choice_rng: SimRng,
    next_id: u64,
}

/// Simulates replication `replication` of `model` under `policy`, telling `recorder` what
/// happens. `seed` is the run's base seed; the replication's streams derive from it. Returns the
/// time of the last event.
pub fn run_replication<P, R>(
    model: &Model,
    replication: u32,
    seed: u64,
    policy_name: &str,
    policy: &mut P,
    recorder: &mut R,
) -> Result<f64, SimulationError>
where
    P: AllocationPolicy + ?Sized,
    R: Recorder,
{
    let mut sim = Simulation::new(model, seed, replication);
    sim.run(policy_name, policy, recorder)
}

impl<'m> Simulation<'m> {
    fn new(model: &'m Model, seed: u64, replication: u32) -> Self {
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
        Simulation {
            model,
            events: EventQueue::with_capacity(counters.iter().sum::<u32>() as usize + 16),
            queues: (0..n).map(|_| VecDeque::with_capacity(64)).collect(),
            present: vec![0; n],
            busy: vec![0; n],
            mean_service: model.offices.iter().map(|o| mix_mean / o.speed).collect(),
            counters,
            candidates: (0..n).collect(),
            service_cdf,
            arrival_rng: stream(seed, replication, StreamKind::Arrivals),
            service_rng: stream(seed, replication, StreamKind::Service),
            choice_rng: stream(seed, replication, StreamKind::Choice),
            next_id: 0,
        }
    }

    fn run<P, R>(&mut self, policy_name: &str, policy: &mut P, recorder: &mut R) -> Result<f64, SimulationError>
    where
        P: AllocationPolicy + ?Sized,
        R: Recorder,
    {
        let model = self.model;
        let horizon = model.run.horizon;
        let clock = ArrivalClock::new(&model.arrivals);
        if let Some(t) = clock.next_after(0.0, horizon, &mut self.arrival_rng) {
            self.events.push(t, Phase::Arrival, Event::Arrival);
        }
        let mut now = 0.0;
        while let Some((t, event)) = self.events.pop() {
            now = t;
            match event {
                Event::Arrival => {
                    let client = self.create_client(t);
                    recorder.client_created(t, &client);
                    let office = self.choose(&client, policy);
                    // Membership in the candidates is the policy's contract; the bound keeps a
                    // faulty custom policy from indexing out of range.
                    if office >= self.counters.len() {
                        return Err(SimulationError::InvalidChoice {
                            policy: policy_name.to_string(),
                            office,
                        });
                    }
                    self.arrive(t, office, client, recorder);
                    if let Some(next) = clock.next_after(t, horizon, &mut self.arrival_rng) {
                        self.events.push(next, Phase::Arrival, Event::Arrival);
                    }
                }
                Event::Departure { office, client } => {
                    let office = office as usize;
                    self.busy[office] -= 1;
                    self.present[office] -= 1;
                    recorder.busy_changed(t, office, self.busy[office]);
                    recorder.departure(t, office, &client);
                    if let Some(next) = self.queues[office].pop_front() {
                        recorder.queue_changed(t, office, self.queues[office].len());
                        self.start_service(t, office, next, recorder);
                    }
                }
            }
        }
        // Utilisation is measured up to the horizon at least, even if the last client left before.
        recorder.finished(now.max(horizon));
        Ok(now)
    }

    fn create_client(&mut self, t: f64) -> Client {
        let u: f64 = self.service_rng.random();
        let service = self
            .service_cdf
            .iter()
            .position(|&c| u < c)
            .unwrap_or(self.service_cdf.len() - 1);
        let work = self.model.services[service].duration.sample(&mut self.service_rng);
        let id = self.next_id;
        self.next_id += 1;
        Client {
            id,
            service: service as u16,
            created: t,
            arrived: t,
            work,
            start: f64::NAN,
            duration: f64::NAN,
        }
    }

    fn choose<P: AllocationPolicy + ?Sized>(&mut self, client: &Client, policy: &mut P) -> usize {
        let view = SystemView {
            now: client.created,
            counters: &self.counters,
            present: &self.present,
            busy: &self.busy,
            mean_service: &self.mean_service,
        };
        let who = ClientView {
            service: client.service as usize,
            candidates: &self.candidates,
        };
        policy.choose(&who, &view, &mut self.choice_rng)
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

    fn start_service<R: Recorder>(&mut self, t: f64, office: usize, mut client: Client, recorder: &mut R) {
        self.busy[office] += 1;
        recorder.busy_changed(t, office, self.busy[office]);
        client.start = t;
        client.duration = client.work / self.model.offices[office].speed;
        self.events.push(
            t + client.duration,
            Phase::Departure,
            Event::Departure {
                office: office as u32,
                client,
            },
        );
    }
}
