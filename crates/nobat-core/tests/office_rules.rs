//! Direct behaviour tests of the office rules: closing with `turn-away` and `serve`, lunch
//! breaks, `on_full = "next"`, service offerings, the virtual window, weekday factors, shifts
//! and patience. Each runs a small scenario and reads the engine's event stream.

use nobat_core::engine::{run_replication, Client, PolicySetup, Recorder};
use nobat_core::experiment::{run_experiment, NamedPolicy, PolicyResult, RunOptions};
use nobat_core::model::{Model, DAY};
use nobat_core::scenario;

/// One event of a replication, as a [`Recorder`] hears it.
#[derive(Debug, Clone, PartialEq)]
enum Event {
    Created(f64, Client),
    Arrival(f64, usize, Client),
    Busy(f64, usize, u32),
    Counters(f64, usize, u32),
    Served(f64, usize, Client),
    Abandoned(f64, Option<usize>, Client),
    Balked(f64, Option<usize>, Client),
    Blocked(f64, usize, Client),
    TurnedAway(f64, Option<usize>, Client),
}

/// Records every event.
#[derive(Default)]
struct Log(Vec<Event>);

impl Recorder for Log {
    fn client_created(&mut self, t: f64, c: &Client) {
        self.0.push(Event::Created(t, *c));
    }
    fn office_arrival(&mut self, t: f64, o: usize, c: &Client) {
        self.0.push(Event::Arrival(t, o, *c));
    }
    fn busy_changed(&mut self, t: f64, o: usize, busy: u32) {
        self.0.push(Event::Busy(t, o, busy));
    }
    fn counters_changed(&mut self, t: f64, o: usize, open: u32) {
        self.0.push(Event::Counters(t, o, open));
    }
    fn departure(&mut self, t: f64, o: usize, c: &Client) {
        self.0.push(Event::Served(t, o, *c));
    }
    fn abandoned(&mut self, t: f64, o: Option<usize>, c: &Client) {
        self.0.push(Event::Abandoned(t, o, *c));
    }
    fn balked(&mut self, t: f64, o: Option<usize>, c: &Client) {
        self.0.push(Event::Balked(t, o, *c));
    }
    fn blocked(&mut self, t: f64, o: usize, c: &Client) {
        self.0.push(Event::Blocked(t, o, *c));
    }
    fn turned_away(&mut self, t: f64, o: Option<usize>, c: &Client) {
        self.0.push(Event::TurnedAway(t, o, *c));
    }
}

impl Log {
    /// Served clients: (office, client).
    fn served(&self) -> impl Iterator<Item = (usize, &Client)> {
        self.0.iter().filter_map(|e| match e {
            Event::Served(_, o, c) => Some((*o, c)),
            _ => None,
        })
    }

    /// Times at which a service started at `office` (busy counters went up).
    fn starts(&self, office: usize) -> Vec<f64> {
        let mut busy = 0;
        let mut out = Vec::new();
        for e in &self.0 {
            if let Event::Busy(t, o, b) = *e {
                if o == office {
                    if b > busy {
                        out.push(t);
                    }
                    busy = b;
                }
            }
        }
        out
    }

    /// Clients turned away: (time, office).
    fn turned_away(&self) -> Vec<(f64, Option<usize>)> {
        self.0
            .iter()
            .filter_map(|e| match e {
                Event::TurnedAway(t, o, _) => Some((*t, *o)),
                _ => None,
            })
            .collect()
    }
}

fn model(src: &str) -> Model {
    scenario::load(src).unwrap_or_else(|e| panic!("{e}\n{src}"))
}

/// Replication `replication` of `model`'s first policy, with every event recorded.
fn replay(model: &Model, replication: u32) -> (Log, f64) {
    let setup = PolicySetup::from_spec(model, &model.policies[0]);
    let mut policy = model.policies[0].kind.build(model);
    let mut log = Log::default();
    let end = run_replication(model, replication, model.run.seed, &setup, &mut policy, &mut log)
        .expect("the simulation runs");
    (log, end)
}

/// All replications of `model`'s first policy.
fn experiment(model: &Model) -> PolicyResult {
    let result =
        run_experiment(model, &NamedPolicy::from_model(model), &RunOptions::default()).expect("the simulation runs");
    result.policies.into_iter().next().expect("one policy")
}

/// One overloaded office open 08:00-12:00 (four clients a minute for a counter serving one in
/// two), for one day; `at_close` as given.
fn closing(at_close: &str) -> Model {
    model(&format!(
        r#"
        [run]
        horizon = "1d"
        replications = 4
        seed = 3
        [arrivals]
        schedule = [{{ from = "07:00", to = "13:00", per_hour = 240 }}]
        [[service]]
        name = "s"
        duration = {{ dist = "deterministic", value = 2.0 }}
        [[office]]
        name = "o"
        counters = 1
        hours = "08:00-12:00"
        at_close = "{at_close}"
        [[policy]]
        kind = "random"
        "#
    ))
}

/// With `turn-away`, the queue at 12:00 is sent home (counted `turned_away` at the office, at
/// 12:00 exactly); the client in service finishes, and no service starts after 12:00. Clients
/// who decide before the office opens (07:00-08:00) queue at the door and are served from
/// 08:00; those who decide after it closed for the day (12:00-13:00) are turned away with no
/// office.
#[test]
fn turn_away_sends_the_queue_home_at_closing() {
    let (open, close) = (8.0 * 60.0, 12.0 * 60.0);
    let m = closing("turn-away");
    for replication in 0..2 {
        let (log, _) = replay(&m, replication);
        let at_close = log
            .turned_away()
            .iter()
            .filter(|&&(t, o)| o == Some(0) && t == close)
            .count();
        // About 4 * 300 - 120 clients are still waiting at noon.
        assert!(at_close > 500, "only {at_close} turned away at closing");
        for (t, o) in log.turned_away() {
            assert!(
                (o == Some(0) && t == close) || (o.is_none() && (close..close + 60.0).contains(&t)),
                "turned away at {t} by {o:?}"
            );
        }
        // Services of 2 minutes from 08:00 end at 12:00 exactly: the office closes first, and
        // the counter freed then calls nobody.
        assert!(
            log.starts(0).iter().all(|&t| (open..close).contains(&t)),
            "a service started while closed, or at the closing minute"
        );
        let early: Vec<&Client> = log.served().map(|(_, c)| c).filter(|c| c.created < open).collect();
        assert!(early.len() > 100, "only {} early clients served", early.len());
        assert!(early.iter().all(|c| c.start >= open));
    }
}

/// With `serve`, everyone inside at 12:00 is served after closing, nobody is sent home by the
/// office, and the last departure is long after 12:00; clients deciding after closing are
/// turned away with no office.
#[test]
fn serve_serves_everyone_inside_after_closing() {
    let close = 12.0 * 60.0;
    let m = closing("serve");
    for replication in 0..2 {
        let (log, end) = replay(&m, replication);
        for (t, o) in log.turned_away() {
            assert!(
                o.is_none() && (close..close + 60.0).contains(&t),
                "turned away at {t} by {o:?}"
            );
        }
        let inside = log
            .0
            .iter()
            .filter(|e| matches!(e, Event::Arrival(t, _, _) if *t < close))
            .count();
        assert_eq!(log.served().count(), inside, "everyone inside at closing is served");
        assert!(
            end > close + 600.0,
            "about 500 clients of 2 minutes after noon: ends at {end}"
        );
        assert!(log.served().all(|(_, c)| c.created < close));
    }
}

/// A lunch break (12:00-13:00) with 30 minutes of travel: clients who set out before noon and
/// arrive during the break wait, and are served from 13:00 on; no service starts during the
/// break. With no office open, an office closed only for a break is the last resort: those who
/// decide during the break still go there and wait, and nobody is turned away.
#[test]
fn clients_arriving_during_a_break_wait_for_the_reopening() {
    let (noon, reopen) = (12.0 * 60.0, 13.0 * 60.0);
    let m = model(
        r#"
        [run]
        horizon = "1d"
        replications = 2
        seed = 5
        [arrivals]
        schedule = [{ from = "11:00", to = "12:30", per_hour = 60 }]
        [geography]
        speed_kmh = 30
        overhead = 30
        [[zone]]
        name = "here"
        location = [0.0, 0.0]
        [[service]]
        name = "s"
        duration = { dist = "exponential", mean = 0.5 }
        [[office]]
        name = "o"
        counters = 2
        location = [0.0, 0.0]
        hours = "08:00-12:00, 13:00-16:00"
        [[policy]]
        kind = "nearest"
        "#,
    );
    for replication in 0..2 {
        let (log, _) = replay(&m, replication);
        let in_break: Vec<&Client> = log
            .served()
            .map(|(_, c)| c)
            .filter(|c| (noon..reopen).contains(&c.arrived))
            .collect();
        // Those who set out in 11:30-12:30 arrive in 12:00-13:00: about 60.
        assert!(in_break.len() > 20, "only {} arrived during the break", in_break.len());
        assert!(in_break.iter().all(|c| c.start >= reopen), "served during the break");
        assert!(
            log.starts(0).iter().all(|&t| !(noon..reopen).contains(&t)),
            "a service started in the break"
        );
        assert!(log.turned_away().is_empty(), "turned away: {:?}", log.turned_away());
        let decided_in_break = log
            .0
            .iter()
            .filter(|e| matches!(e, Event::Created(t, _) if (noon..reopen).contains(t)))
            .count();
        assert!(decided_in_break > 10);
        let waited_through = log
            .served()
            .filter(|(_, c)| (noon..reopen).contains(&c.created) && c.start >= reopen)
            .count();
        assert_eq!(
            waited_through, decided_in_break,
            "everyone who decided in the break is served after it"
        );
    }
}

/// Two single-counter offices with room for 3, overloaded: with `on_full = "next"` a client
/// finding its office full is sent to the other when it has room, so fewer are blocked than
/// with `lost`, on the same clients, and many redirected clients are served; a client is
/// blocked only when both offices are full.
#[test]
fn on_full_next_sends_blocked_clients_elsewhere() {
    let scenario = |rule: &str| {
        model(&format!(
            r#"
            [run]
            horizon = 5000
            replications = 4
            seed = 9
            [arrivals]
            rate = 2.2
            [[service]]
            name = "s"
            duration = {{ dist = "exponential", mean = 1.0 }}
            [[office]]
            name = "a"
            capacity = 3
            on_full = "{rule}"
            [[office]]
            name = "b"
            capacity = 3
            on_full = "{rule}"
            [[policy]]
            kind = "random"
            "#
        ))
    };
    let lost = experiment(&scenario("lost"));
    let next = experiment(&scenario("next"));
    for (l, n) in lost.replications.iter().zip(&next.replications) {
        assert_eq!(l.arrived, n.arrived, "the same clients");
        // About 22% blocked against 29% (see `limits.rs` for the exact values): a ratio of
        // 0.77, well below 0.9.
        assert!(
            n.outcomes.blocked * 10 < l.outcomes.blocked * 9,
            "next {:?} vs lost {:?}",
            n.outcomes,
            l.outcomes
        );
        assert!(n.outcomes.served > l.outcomes.served);
        assert_eq!(n.arrived, n.outcomes.served + n.outcomes.blocked);
    }
    let m = scenario("next");
    let (log, _) = replay(&m, 0);
    let redirected: Vec<(usize, &Client)> = log.served().filter(|(_, c)| c.redirected).collect();
    assert!(redirected.len() > 100, "only {} redirected", redirected.len());
    // Without travel, a client sent on finds the room it was sent for: those blocked found
    // both offices full and were never redirected.
    let blocked: Vec<&Client> = log
        .0
        .iter()
        .filter_map(|e| match e {
            Event::Blocked(_, _, c) => Some(c),
            _ => None,
        })
        .collect();
    assert!(!blocked.is_empty() && blocked.iter().all(|c| !c.redirected));
    // With `lost`, nobody is redirected.
    let (log, _) = replay(&scenario("lost"), 0);
    assert!(log.served().all(|(_, c)| !c.redirected));
}

/// Two services, `a` offered by both offices and `b` only by `full`: `b` is never served at
/// `partial`, whatever the policy (`shortest-queue` would otherwise send clients there).
#[test]
fn an_office_never_serves_a_service_it_does_not_offer() {
    for policy in ["random", "shortest-queue", "round-robin", "least-expected-wait"] {
        let m = model(&format!(
            r#"
            [run]
            horizon = 3000
            replications = 2
            [arrivals]
            rate = 1.5
            [[service]]
            name = "a"
            share = 0.5
            duration = {{ dist = "exponential", mean = 1.0 }}
            [[service]]
            name = "b"
            share = 0.5
            duration = {{ dist = "exponential", mean = 1.0 }}
            [[office]]
            name = "partial"
            services = ["a"]
            [[office]]
            name = "full"
            [[policy]]
            kind = "{policy}"
            "#
        ));
        let (log, _) = replay(&m, 0);
        let mut by = [[0u32; 2]; 2];
        for (o, c) in log.served() {
            by[o][c.service as usize] += 1;
        }
        assert_eq!(by[0][1], 0, "{policy}: `partial` served `b` {} times", by[0][1]);
        assert!(by[0][0] > 100 && by[1][1] > 1000, "{policy}: {by:?}");
        let p = experiment(&m);
        assert_eq!(
            p.services[1].outcomes.served,
            p.services[1].outcomes.total(),
            "{policy}"
        );
    }
}

/// The virtual window: `declaration` clients go online with probability 0.3 and are served
/// there; `petition` is never online, and never reaches it. With `online_share = 1` every
/// client of a service is served online.
#[test]
fn online_clients_are_served_only_by_the_virtual_office() {
    let src = |share: f64| {
        format!(
            r#"
            [run]
            horizon = 20000
            replications = 2
            seed = 4
            [arrivals]
            rate = 1.0
            [[service]]
            name = "petition"
            share = 0.5
            duration = {{ dist = "exponential", mean = 1.0 }}
            [[service]]
            name = "declaration"
            share = 0.5
            duration = {{ dist = "exponential", mean = 1.0 }}
            online_share = {share:?}
            [[office]]
            name = "walk-in"
            counters = 2
            [[office]]
            name = "web"
            virtual = true
            counters = 2
            services = ["declaration"]
            [[policy]]
            kind = "shortest-queue"
            "#
        )
    };
    let (log, _) = replay(&model(&src(0.3)), 0);
    let mut by = [[0f64; 2]; 2];
    for (o, c) in log.served() {
        by[o][c.service as usize] += 1.0;
    }
    assert_eq!(by[1][0], 0.0, "a petition was served online: {by:?}");
    // About 10 000 declarations, 30% online: within 5 standard deviations.
    let n = by[0][1] + by[1][1];
    let share = by[1][1] / n;
    let sd = (0.3 * 0.7 / n).sqrt();
    assert!((share - 0.3).abs() < 5.0 * sd, "online share {share}, n {n}");
    let (log, _) = replay(&model(&src(1.0)), 0);
    assert!(log.served().all(|(o, c)| (o == 1) == (c.service == 1)));
}

/// `arrivals.days = { fri = 0, thu = 0.5 }` from a Saturday: no client on a Friday (days 6 and
/// 13 of two weeks), and Thursdays get about half the clients of other days.
#[test]
fn a_friday_factor_of_zero_means_no_arrivals_on_fridays() {
    let m = model(
        r#"
        [run]
        horizon = "14d"
        replications = 1
        [calendar]
        first_day = "sat"
        [arrivals]
        rate = 0.5
        days = { fri = 0, thu = 0.5 }
        [[service]]
        name = "s"
        duration = { dist = "exponential", mean = 1.0 }
        [[office]]
        name = "o"
        [[policy]]
        kind = "random"
        "#,
    );
    let (log, _) = replay(&m, 0);
    let mut per_day = [0f64; 14];
    for e in &log.0 {
        if let Event::Created(t, _) = e {
            per_day[(t / DAY) as usize] += 1.0;
        }
    }
    assert_eq!((per_day[6], per_day[13]), (0.0, 0.0), "{per_day:?}");
    // 720 expected on an ordinary day, 360 on a Thursday (sd 27 and 19).
    for (day, &n) in per_day.iter().enumerate() {
        let expected = match day % 7 {
            5 => 360.0,
            6 => 0.0,
            _ => 720.0,
        };
        assert!(
            (n - expected).abs() <= 5.0 * expected.sqrt(),
            "day {day}: {n} vs {expected}"
        );
    }
    // Starting on a Friday, the first day has no client.
    let m = model(&three_days_from("fri"));
    let (log, _) = replay(&m, 0);
    assert!(log.0.iter().all(|e| !matches!(e, Event::Created(t, _) if *t < DAY)));
}

fn three_days_from(day: &str) -> String {
    format!(
        r#"
        [run]
        horizon = "3d"
        replications = 1
        [calendar]
        first_day = "{day}"
        [arrivals]
        rate = 0.5
        days = {{ fri = 0 }}
        [[service]]
        name = "s"
        duration = {{ dist = "exponential", mean = 1.0 }}
        [[office]]
        name = "o"
        [[policy]]
        kind = "random"
        "#
    )
}

/// Shifts: an overloaded office with 1 counter, 3 from 09:00 to 11:00: busy counters reach 3
/// only during the shift, and never exceed the counters open.
#[test]
fn shifts_change_the_counters_serving() {
    let m = model(
        r#"
        [run]
        horizon = "1d"
        replications = 1
        [arrivals]
        schedule = [{ from = "08:00", to = "12:00", per_hour = 240 }]
        [[service]]
        name = "s"
        duration = { dist = "exponential", mean = 1.0 }
        [[office]]
        name = "o"
        counters = 1
        hours = "08:00-12:00"
        shifts = [{ from = "09:00", to = "11:00", counters = 3 }]
        at_close = "turn-away"
        [[policy]]
        kind = "random"
        "#,
    );
    let (log, _) = replay(&m, 0);
    let changes: Vec<(f64, u32)> = log
        .0
        .iter()
        .filter_map(|e| match *e {
            Event::Counters(t, _, n) if t < DAY => Some((t, n)),
            _ => None,
        })
        .collect();
    assert_eq!(
        changes,
        vec![(0.0, 0), (480.0, 1), (540.0, 3), (660.0, 1), (720.0, 0)],
        "counters over the day"
    );
    // A service start brings the busy counters to at most those open: 3 in the shift, 1 around
    // it (at 11:00 the shift's extra counters finish their services but start no other).
    let mut busy = 0;
    let mut most_in_shift = 0;
    for e in &log.0 {
        if let Event::Busy(t, _, b) = *e {
            if b > busy {
                let open = if (540.0..660.0).contains(&t) { 3 } else { 1 };
                assert!(b <= open, "a start at {t} made {b} busy with {open} open");
                if open == 3 {
                    most_in_shift = most_in_shift.max(b);
                }
            }
            busy = b;
        }
    }
    assert_eq!(most_in_shift, 3);
}

/// Deterministic patience of 3 minutes: every abandoning client waited exactly 3 minutes from
/// its arrival, and no served client waited longer.
#[test]
fn patience_runs_out_exactly() {
    let m = model(
        r#"
        [run]
        horizon = 3000
        replications = 1
        [arrivals]
        rate = 1.2
        [[service]]
        name = "s"
        duration = { dist = "exponential", mean = 1.0 }
        patience = { dist = "deterministic", value = 3.0 }
        [[office]]
        name = "o"
        [[policy]]
        kind = "random"
        "#,
    );
    let (log, _) = replay(&m, 0);
    let mut abandoned = 0;
    for e in &log.0 {
        match e {
            Event::Abandoned(t, o, c) => {
                abandoned += 1;
                assert_eq!(*o, Some(0));
                assert!((t - c.arrived - 3.0).abs() < 1e-9, "left after {}", t - c.arrived);
            }
            Event::Served(_, _, c) => assert!(c.wait() <= 3.0 + 1e-9, "waited {}", c.wait()),
            _ => {}
        }
    }
    assert!(abandoned > 300, "only {abandoned} abandoned");
}

/// Hours by weekday follow the calendar: from a Wednesday, `{ default = "07:30-14:30", thu =
/// "07:30-12:30", fri = "closed" }` opens and closes at these times on days 0 (Wednesday) and 1
/// (Thursday), not at all on day 2 (Friday), and again on day 3 (Saturday).
#[test]
fn weekday_hours_follow_the_calendar() {
    let m = model(
        r#"
        [run]
        horizon = "4d"
        replications = 1
        [calendar]
        first_day = "wed"
        [arrivals]
        rate = 0.2
        [[service]]
        name = "s"
        duration = { dist = "exponential", mean = 1.0 }
        [[office]]
        name = "o"
        counters = 2
        hours = { default = "07:30-14:30", thu = "07:30-12:30", fri = "closed" }
        [[policy]]
        kind = "random"
        "#,
    );
    let (log, _) = replay(&m, 0);
    let changes: Vec<(f64, u32)> = log
        .0
        .iter()
        .filter_map(|e| match *e {
            Event::Counters(t, _, n) => Some((t, n)),
            _ => None,
        })
        .collect();
    let at = |day: f64, h: f64, m: f64| day * DAY + h * 60.0 + m;
    assert_eq!(
        changes,
        vec![
            (0.0, 0),
            (at(0.0, 7.0, 30.0), 2),
            (at(0.0, 14.0, 30.0), 0),
            (at(1.0, 7.0, 30.0), 2),
            (at(1.0, 12.0, 30.0), 0),
            (at(3.0, 7.0, 30.0), 2),
            (at(3.0, 14.0, 30.0), 0),
        ]
    );
    // Nobody is served on the Friday.
    assert!(log
        .served()
        .all(|(_, c)| !(at(2.0, 0.0, 0.0)..at(3.0, 0.0, 0.0)).contains(&c.start)));
}

/// Two offices pooled, `day` open 08:00-12:00 (with the default `at_close = "serve"`) and
/// `always` open: after 12:00 `day`'s counter should serve only those already in the shared
/// queue at closing.
///
/// Regression: `day`'s counter once went on taking newcomers from the shared queue until its
/// next opening (583 services after 12:00 with seed 1, 536 for clients created after 12:00).
#[test]
fn pooled_closed_office_serves_only_those_inside() {
    let close = 12.0 * 60.0;
    let m = model(
        r#"
        [run]
        horizon = "1d"
        replications = 1
        [arrivals]
        rate = 1.5
        [[service]]
        name = "s"
        duration = { dist = "exponential", mean = 1.0 }
        [[office]]
        name = "day"
        hours = "08:00-12:00"
        [[office]]
        name = "always"
        [[policy]]
        kind = "pooled"
        "#,
    );
    let (log, _) = replay(&m, 0);
    let newcomers = log
        .served()
        .filter(|&(o, c)| o == 0 && c.start >= close && c.created >= close)
        .count();
    assert_eq!(newcomers, 0, "`day` served clients who came after its closing");
}

/// One office pooled, open 08:00-12:00 with `at_close = "turn-away"`, two clients a minute for
/// one a minute served: those still waiting at 12:00 should be sent home, as they are under any
/// other policy (247 of them under `random` with seed 1, replication 0).
///
/// Regression: the shared queue once waited overnight instead (the run ended at 60:00, not
/// 32:00), with nobody counted `turned_away`.
#[test]
fn pooled_turn_away_sends_the_shared_queue_home() {
    let src = |kind: &str| {
        format!(
            r#"
            [run]
            horizon = "1d"
            replications = 1
            [arrivals]
            schedule = [{{ from = "08:00", to = "12:00", per_hour = 120 }}]
            [[service]]
            name = "s"
            duration = {{ dist = "deterministic", value = 1.0 }}
            [[office]]
            name = "o"
            hours = "08:00-12:00"
            at_close = "turn-away"
            [[policy]]
            kind = "{kind}"
            "#
        )
    };
    let close = 12.0 * 60.0;
    let (random, _) = replay(&model(&src("random")), 0);
    let (pooled, _) = replay(&model(&src("pooled")), 0);
    assert!(random.served().all(|(_, c)| c.start < close));
    assert!(
        pooled.served().all(|(_, c)| c.start < close),
        "pooled served clients after closing"
    );
    assert_eq!(pooled.turned_away().len(), random.turned_away().len());
}

/// Online clients stay online: `on_full = "next"` on a virtual office is refused (it once sent
/// online clients to walk-in offices, travelling from the point (0, 0)).
#[test]
fn online_clients_finding_the_virtual_office_full_stay_online() {
    let src = r#"
        [run]
        horizon = 2000
        replications = 1
        [arrivals]
        rate = 1.0
        [[service]]
        name = "s"
        duration = { dist = "exponential", mean = 1.0 }
        online_share = 0.8
        [[office]]
        name = "walk-in"
        counters = 2
        [[office]]
        name = "web"
        virtual = true
        counters = 1
        capacity = 1
        on_full = "next"
        [[policy]]
        kind = "random"
        "#;
    let e = scenario::load(src).expect_err("on_full = next on a virtual office");
    assert_eq!(e.path, "office[1].on_full");
    let m = model(&src.replace("on_full = \"next\"", ""));
    let (log, _) = replay(&m, 0);
    assert!(log.served().all(|(_, c)| !c.redirected), "nobody is sent on");
}

/// Regression: an office closing at 24:00 took its closing for a break (the next day's opening
/// was "later today"), so `turn-away` sent nobody home and the queue waited for days.
#[test]
fn a_closing_at_midnight_is_the_days_last() {
    let src = |rule: &str| {
        format!(
            r#"
            [run]
            horizon = "1d"
            replications = 3
            [arrivals]
            schedule = [{{ from = "20:00", to = "24:00", per_hour = 30 }}]
            [[service]]
            name = "s"
            duration = {{ dist = "exponential", mean = 10 }}
            [[office]]
            name = "A"
            hours = "20:00-24:00"
            at_close = "{rule}"
            [[policy]]
            kind = "random"
            "#
        )
    };
    let away = experiment(&model(&src("turn-away")));
    for r in &away.replications {
        assert!(r.outcomes.turned_away > 50, "{:?}", r.outcomes);
        assert!(r.last_departure <= DAY + 60.0, "served until {}", r.last_departure);
    }
    let serve = experiment(&model(&src("serve")));
    for r in &serve.replications {
        assert_eq!(r.outcomes.turned_away, 0);
        // About 90 clients of 10 minutes still inside at midnight: served by about 02:00.
        assert!(r.last_departure < 2.0 * DAY, "served until {}", r.last_departure);
    }
}

/// Regression: clients arriving before the morning opening waited at the door on the first day
/// only, and were turned away on the following days.
#[test]
fn clients_wait_for_the_morning_opening_every_day() {
    let m = model(
        r#"
        [run]
        horizon = "3d"
        replications = 3
        [arrivals]
        schedule = [{ from = "06:00", to = "07:00", per_hour = 10 }]
        [[service]]
        name = "s"
        duration = { dist = "exponential", mean = 1 }
        [[office]]
        name = "A"
        counters = 5
        hours = "08:00-14:00"
        [[policy]]
        kind = "random"
        "#,
    );
    for r in &experiment(&m).replications {
        assert_eq!(r.outcomes.turned_away, 0, "{:?}", r.outcomes);
        assert_eq!(r.outcomes.served, r.arrived);
    }
}

/// Regression: online clients were turned away while the virtual office was on a break.
#[test]
fn online_clients_wait_for_the_virtual_window_to_reopen() {
    let m = model(
        r#"
        [run]
        horizon = "1d"
        replications = 2
        [arrivals]
        schedule = [{ from = "12:00", to = "12:30", per_hour = 60 }]
        [[service]]
        name = "web"
        duration = { dist = "exponential", mean = 1 }
        online_share = 1
        [[office]]
        name = "A"
        hours = "08:00-16:00"
        [[office]]
        name = "V"
        virtual = true
        hours = "10:00-12:00, 12:30-14:00"
        [[policy]]
        kind = "random"
        "#,
    );
    let p = experiment(&m);
    for r in &p.replications {
        assert_eq!(r.outcomes.turned_away, 0, "{:?}", r.outcomes);
    }
    assert_eq!(p.offices[0].arrived, 0, "online clients stay online");
}
