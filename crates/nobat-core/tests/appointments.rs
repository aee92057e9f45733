//! Appointments: exact checks of slot assignment, waits and the counter rules on deterministic
//! cases worked out by hand, and a statistical check of no-shows.
//!
//! - `bailey_welch_slots_and_waits_are_exact`: fixed need times, punctual clients, no
//!   no-shows; every client's slot, arrival, start and wait is known exactly.
//! - `booked_clients_go_first_and_walk_ins_fill_the_rest`: the same with more clients than
//!   slots: those who find no slot walk in, and booked clients overtake them in the queue.
//! - `reserved_counters_serve_booked_clients_only`: a counter kept for bookings serves booked
//!   clients at once while walk-ins wait for the other.
//! - `punctual_clients_with_slot_length_service_never_wait`: Poisson need times, everyone
//!   books, service exactly one slot long: nobody waits, over thousands of clients.
//! - `no_show_rate_reappears_in_no_shows`: the share of booked clients counted in `no_shows`
//!   against the scenario's probability, by the 99.9% t rule of `validation.rs` (one check,
//!   counted in `support::check::CHECKS`).
//! - the booking rules on a small city: `earliest-slot` gives shorter leads than `own-office`,
//!   `central` spreads bookings, and `max_lead` turns would-be bookers into walk-ins.

mod support;

use nobat_core::engine::{run_replication, Client, PolicySetup, Recorder};
use nobat_core::experiment::{run_experiment, NamedPolicy, RunOptions};
use nobat_core::model::Model;
use nobat_core::report::Report;
use support::check::{self, Verdicts};
use support::{base_seed, per_replication};

/// What happened to one client.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Seen {
    created: f64,
    slot: f64,
    arrived: f64,
    start: f64,
}

/// Records every served client and every no-show, in order of service.
#[derive(Default)]
struct Trace {
    served: Vec<Seen>,
    booked: usize,
    no_shows: usize,
}

impl Recorder for Trace {
    fn booked(&mut self, _t: f64, _office: usize, _client: &Client) {
        self.booked += 1;
    }
    fn no_show(&mut self, _t: f64, _office: usize, _client: &Client) {
        self.no_shows += 1;
    }
    fn departure(&mut self, _t: f64, _office: usize, c: &Client) {
        self.served.push(Seen {
            created: c.created,
            slot: c.slot,
            arrived: c.arrived,
            start: c.start,
        });
    }
}

fn model(src: &str) -> Model {
    nobat_core::scenario::load(src).unwrap_or_else(|e| panic!("valid scenario: {e}\n{src}"))
}

/// Runs replication 0 of the first policy and returns what it saw, sorted by need time.
fn trace(model: &Model) -> Trace {
    let setup = PolicySetup::from_spec(model, &model.policies[0]);
    let mut policy = model.policies[0].kind.build(model);
    let mut trace = Trace::default();
    run_replication(model, 0, 1, &setup, &mut policy, &mut trace).expect("runs");
    trace.served.sort_by(|a, b| a.created.total_cmp(&b.created));
    trace
}

/// One office, one counter, open 08:00-09:00; slots of 20 minutes with two clients in the
/// first (Bailey–Welch) and one in the others: 4 bookable places. Need times every 20 minutes
/// from minute 20, until `horizon` (regular arrivals at 3 an hour from minute 10: the first
/// comes half an interval in); service 15 minutes exactly; everyone books.
fn deterministic(horizon: u32, counters: u32, extra_booking: &str, slots: &str) -> String {
    format!(
        r#"
[run]
horizon = {horizon}
replications = 1
[arrivals]
schedule = [{{ from = 10, to = "24:00", per_hour = 3 }}]
process = "regular"
[[service]]
name = "s"
duration = {{ dist = "deterministic", value = 15 }}
book_share = 1
[[office]]
name = "A"
counters = {counters}
hours = "08:00-09:00"
[booking]
slots = {slots}
{extra_booking}
[[policy]]
kind = "random"
"#
    )
}

#[test]
fn bailey_welch_slots_and_waits_are_exact() {
    let m = model(&deterministic(
        100,
        1,
        "",
        "{ length = 20, first = 2, clients = 1, days_ahead = 0 }",
    ));
    let t = trace(&m);
    // Need times 20, 40, 60, 80. Slots: 08:00 (two), 08:20, 08:40.
    let slots: Vec<f64> = t.served.iter().map(|s| s.slot).collect();
    assert_eq!(slots, vec![480.0, 480.0, 500.0, 520.0]);
    let arrived: Vec<f64> = t.served.iter().map(|s| s.arrived).collect();
    assert_eq!(arrived, slots, "punctual clients arrive at their slots");
    // 480: A served to 495; B (also 480) waits to 495, served to 510; C (500) waits to 510,
    // served to 525; D (520) waits to 525.
    let starts: Vec<f64> = t.served.iter().map(|s| s.start).collect();
    assert_eq!(starts, vec![480.0, 495.0, 510.0, 525.0]);
    assert_eq!((t.booked, t.no_shows), (4, 0));
    // The reports say the same.
    let result = run_experiment(&m, &NamedPolicy::from_model(&m), &RunOptions::default()).expect("runs");
    let row = &Report::new(&m, &result).summary[0];
    assert_eq!(row.booked, 4);
    assert_eq!(row.wait_mean_booked.text(), "7.5");
    assert_eq!(row.wait_mean_walkin.text(), "", "no walk-in");
    // Leads 460, 440, 440, 440.
    assert_eq!(row.lead_time_mean.text(), "445");
    assert_eq!(row.no_shows, 0);
}

#[test]
fn booked_clients_go_first_and_walk_ins_fill_the_rest() {
    // Six need times (20 ... 120) for four places: the clients of 100 and 120 find no slot
    // today (and may book no later day), walk in and wait at the door for 08:00.
    let m = model(&deterministic(
        140,
        1,
        "",
        "{ length = 20, first = 2, clients = 1, days_ahead = 0 }",
    ));
    let t = trace(&m);
    let got: Vec<(f64, f64, f64)> = t.served.iter().map(|s| (s.created, s.arrived, s.start)).collect();
    // At 08:00 the office opens before the booked clients of 08:00 arrive, so the first
    // walk-in (waiting since 100) is served at once; from then on booked clients go first:
    // A 495, B 510, C (500) 525, D (520) 540; the second walk-in last, at 555.
    assert_eq!(
        got,
        vec![
            (20.0, 480.0, 495.0),
            (40.0, 480.0, 510.0),
            (60.0, 500.0, 525.0),
            (80.0, 520.0, 540.0),
            (100.0, 100.0, 480.0),
            (120.0, 120.0, 555.0),
        ]
    );
    assert!(
        t.served[4].slot.is_nan() && t.served[5].slot.is_nan(),
        "walk-ins have no slot"
    );
    let result = run_experiment(&m, &NamedPolicy::from_model(&m), &RunOptions::default()).expect("runs");
    let row = &Report::new(&m, &result).summary[0];
    assert_eq!(row.wait_mean_booked.text(), "22.5");
    assert_eq!(row.wait_mean_walkin.text(), "407.5");
}

#[test]
fn reserved_counters_serve_booked_clients_only() {
    // Two counters, one kept for bookings; three slots of one client. Need times 20 ... 100:
    // three book (08:00, 08:20, 08:40), the clients of 80 and 100 walk in.
    let m = model(&deterministic(
        110,
        2,
        "serve = \"reserved\"\nreserved_counters = 1",
        "{ length = 20, clients = 1, days_ahead = 0 }",
    ));
    let t = trace(&m);
    let got: Vec<(f64, f64, f64)> = t.served.iter().map(|s| (s.created, s.arrived, s.start)).collect();
    // At 08:00 the general counter takes the first walk-in (480-495) and the booked client of
    // 08:00 the reserved one; at 495 the general counter takes the second walk-in; the
    // reserved counter serves the booked clients of 08:20 and 08:40 on arrival.
    assert_eq!(
        got,
        vec![
            (20.0, 480.0, 480.0),
            (40.0, 500.0, 500.0),
            (60.0, 520.0, 520.0),
            (80.0, 80.0, 480.0),
            (100.0, 100.0, 495.0),
        ]
    );
}

#[test]
fn punctual_clients_with_slot_length_service_never_wait() {
    // 0.2 clients a minute book 10-minute slots at one office of 8 counters open 08:00-16:00
    // (384 places a day for 288 requests), are punctual and take exactly 10 minutes.
    let m = model(
        r#"
[run]
horizon = "20d"
replications = 2
[arrivals]
rate = 0.2
[[service]]
name = "s"
duration = { dist = "deterministic", value = 10 }
book_share = 1
[[office]]
name = "A"
counters = 8
hours = "08:00-16:00"
[booking]
slots = { length = 10, days_ahead = 30 }
[[policy]]
kind = "random"
"#,
    );
    let result = run_experiment(&m, &NamedPolicy::from_model(&m), &RunOptions::default()).expect("runs");
    let p = &result.policies[0];
    let row = &Report::new(&m, &result).summary[0];
    assert!(row.served > 10_000, "{} served", row.served);
    assert_eq!(row.booked, row.arrived, "everyone got a slot");
    assert_eq!(row.served, row.arrived);
    assert_eq!(p.wait.max(), Some(0.0), "a booked client waited");
    assert_eq!(row.wait_mean_booked.text(), "0");
    // Slots are for later: a lead of hours, never negative.
    let lead: f64 = row.lead_time_mean.0.expect("leads");
    assert!(lead > 0.0, "lead {lead}");
}

#[test]
fn no_show_rate_reappears_in_no_shows() {
    // 0.1 clients a minute (ρ = 0.5 over 8 open hours of 3 counters), 70% book: about 3 000
    // bookings per replication, 144 places a day for about 100 requests.
    let p_no_show = 0.15;
    let m = model(&format!(
        r#"
[run]
horizon = "30d"
replications = 16
seed = {seed}
[arrivals]
rate = 0.1
[[service]]
name = "s"
duration = {{ dist = "exponential", mean = 5 }}
book_share = 0.7
no_show = {p_no_show}
lateness = {{ dist = "uniform", min = 0, max = 20 }}
early = 10
[[office]]
name = "A"
counters = 3
hours = "08:00-16:00"
[booking]
slots = {{ length = 10, days_ahead = 60 }}
[[policy]]
kind = "random"
"#,
        seed = base_seed()
    ));
    let result = run_experiment(&m, &NamedPolicy::from_model(&m), &RunOptions::default()).expect("runs");
    let p = &result.policies[0];
    let share = per_replication(p, |r| {
        (r.booked > 0).then(|| r.outcomes.no_show as f64 / r.booked as f64)
    });
    let mut v = Verdicts::new("no-show", check::NO_SHOW);
    v.mean("P(no-show | booked)", &share, p_no_show);
    v.finish();
    // Every client is accounted for, no-shows included.
    for r in &p.replications {
        assert_eq!(r.arrived, r.outcomes.total(), "{r:?}");
    }
}

/// Three offices on a line, 1 km apart (3 min of travel each), all clients from one zone at the
/// first: its own office is booked solid first.
fn city(booking: &str, max_lead: &str) -> Model {
    model(&format!(
        r#"
[run]
horizon = "5d"
replications = 4
[arrivals]
rate = 0.1
[geography]
speed_kmh = 20
[[zone]]
name = "z"
location = [0, 0]
weight = 1
[[service]]
name = "s"
duration = {{ dist = "exponential", mean = 10 }}
book_share = 0.8
[[office]]
name = "near"
location = [0, 0]
counters = 2
hours = "08:00-14:00"
[[office]]
name = "mid"
location = [1, 0]
counters = 2
hours = "08:00-14:00"
[[office]]
name = "far"
location = [2, 0]
counters = 2
hours = "08:00-14:00"
[booking]
slots = {{ length = 15, days_ahead = 20 }}
{max_lead}
[[policy]]
name = "p"
kind = "nearest"
booking = "{booking}"
"#
    ))
}

#[test]
fn booking_rules_trade_lead_time_for_travel_and_balance() {
    let summary = |m: &Model| {
        let result = run_experiment(m, &NamedPolicy::from_model(m), &RunOptions::default()).expect("runs");
        let report = Report::new(m, &result);
        let booked: Vec<u64> = report.offices.iter().map(|o| o.booked).collect();
        (report.summary[0].clone(), booked)
    };
    let (own, own_offices) = summary(&city("own-office", ""));
    let (earliest, earliest_offices) = summary(&city("earliest-slot", ""));
    let (central, central_offices) = summary(&city("central", ""));
    // Demand (0.1 × 0.8 × 1440 = 115 bookings a day) is 2.4 times one office's 48 places
    // (24 slots of 2) and 80% of the three offices': own-office books the near office days
    // ahead; the others spread.
    assert_eq!(&own_offices[1..], &[0, 0], "own-office books only the nearest office");
    assert!(earliest_offices.iter().all(|&b| b > 0) && central_offices.iter().all(|&b| b > 0));
    let lead = |r: &nobat_core::report::SummaryRow| r.lead_time_mean.0.expect("leads");
    assert!(
        lead(&earliest) < lead(&own) / 2.0,
        "earliest-slot lead {} vs own-office {}",
        lead(&earliest),
        lead(&own)
    );
    // Central fills the emptiest office of the earliest day: bookings within 10% of even.
    let total: u64 = central_offices.iter().sum();
    for &b in &central_offices {
        assert!(
            (b as f64 - total as f64 / 3.0).abs() < 0.1 * total as f64 / 3.0,
            "{central_offices:?}"
        );
    }
    assert!(lead(&central) < lead(&own) / 2.0);
    // Travel: own-office clients do not travel (zone and office coincide).
    assert!(own.travel_mean.0.expect("travel") < earliest.travel_mean.0.expect("travel"));
    // A client who accepts no lead over 2 hours mostly walks in.
    let (capped, _) = summary(&city("own-office", "max_lead = \"2h\""));
    for (name, r) in [
        ("own-office", &own),
        ("earliest-slot", &earliest),
        ("central", &central),
        ("capped", &capped),
    ] {
        println!(
            "{name:<14} booked {:>5}  lead {:>8}  wait booked {:>7}  walk-in {:>7}  travel {:>5}",
            r.booked,
            r.lead_time_mean.text(),
            r.wait_mean_booked.text(),
            r.wait_mean_walkin.text(),
            r.travel_mean.text()
        );
    }
    assert!(capped.booked < own.booked / 2, "{} vs {}", capped.booked, own.booked);
    assert!(capped.lead_time_mean.0.expect("leads") <= 120.0);
    assert!(capped.wait_mean_walkin.0.is_some());
}

/// Booking keys that make no sense are refused with the key and what is allowed.
#[test]
fn bad_booking_keys_are_refused() {
    let base = |service_extra: &str, booking: &str, office_extra: &str, policy_extra: &str| {
        format!(
            r#"
[run]
horizon = 600
[arrivals]
rate = 0.1
[[service]]
name = "s"
duration = {{ dist = "exponential", mean = 5 }}
{service_extra}
[[office]]
name = "A"
counters = 2
{office_extra}
[booking]
{booking}
[[policy]]
kind = "random"
{policy_extra}
"#
        )
    };
    let cases = [
        (
            base(
                "book_share = 0.5",
                "serve = \"reserved\"\nreserved_counters = 2",
                "",
                "",
            ),
            "booking.reserved_counters",
            "only 2 counter(s)",
        ),
        (
            base("book_share = 0.5", "serve = \"reserved\"", "", ""),
            "booking.reserved_counters",
            "needs `reserved_counters`",
        ),
        (
            base("book_share = 0.5", "reserved_counters = 1", "", ""),
            "booking.reserved_counters",
            "goes with",
        ),
        (
            base("book_share = 0.5", "serve = \"walk-ins-first\"", "", ""),
            "booking.serve",
            "allowed: booked-first, reserved",
        ),
        (
            base("book_share = 0.5", "", "", "booking = \"fastest\""),
            "policy[0].booking",
            "allowed: own-office, earliest-slot, central",
        ),
        (
            base("no_show = 0.1", "", "", ""),
            "service[0].no_show",
            "needs `book_share`",
        ),
        (
            base("book_share = 1.5", "", "", ""),
            "service[0].book_share",
            "between 0 and 1",
        ),
        (
            base("book_share = 0.5", "slots = { days_ahead = 400 }", "", ""),
            "booking.slots.days_ahead",
            "at most 366",
        ),
        (
            base("book_share = 0.5", "", "slots = { overbook = 0 }", ""),
            "office[0].slots.overbook",
            "above 0",
        ),
        (
            base(
                "book_share = 0.5",
                "same_day = false\nslots = { days_ahead = 0 }",
                "",
                "",
            ),
            "booking.same_day",
            "no slot could be booked",
        ),
        (
            base("book_share = 0.5", "", "slots = { clients = 0 }", ""),
            "service[0].book_share",
            "no office that offers it publishes slots",
        ),
        (
            base("book_share = 0.5", "slots = { length = \"2d\" }", "", ""),
            "booking.slots.length",
            "at most a day",
        ),
        (
            base(
                "book_share = 0.5",
                "",
                "hours = \"08:00-09:00\"\nslots = { length = 90 }",
                "",
            ),
            "service[0].book_share",
            "no office that offers it publishes slots",
        ),
        (
            base("", "serve = \"bogus\"", "", ""),
            "booking.serve",
            "allowed: booked-first, reserved",
        ),
        (
            base("book_share = 0.5", "max_lead = 0", "", ""),
            "booking.max_lead",
            "more than 0",
        ),
    ];
    for (src, path, fragment) in cases {
        let err = nobat_core::scenario::load(&src).expect_err(path);
        let text = err.to_string();
        assert!(err.path == path && text.contains(fragment), "{path}: {text}");
    }
}

/// `own-office` books the nearest office that takes bookings, not one that publishes no slots.
#[test]
fn own_office_skips_offices_without_slots() {
    let m = model(
        r#"
[run]
horizon = "2d"
replications = 1
[arrivals]
rate = 0.05
[geography]
speed_kmh = 20
[[zone]]
name = "z"
location = [0, 0]
[[service]]
name = "s"
duration = { dist = "exponential", mean = 5 }
book_share = 1
[[office]]
name = "near"
location = [0, 0]
hours = "08:00-16:00"
slots = { clients = 0 }
[[office]]
name = "far"
location = [5, 0]
hours = "08:00-16:00"
[[policy]]
kind = "nearest"
booking = "own-office"
"#,
    );
    let result = run_experiment(&m, &NamedPolicy::from_model(&m), &RunOptions::default()).expect("runs");
    let report = Report::new(&m, &result);
    assert_eq!(report.offices[0].booked, 0);
    assert_eq!(
        report.offices[1].booked, report.summary[0].arrived,
        "every client booked the far office"
    );
    // A 15-minute trip: nobody arrives sooner than it can travel.
    assert!(result.policies[0].replications[0].travel_mean.expect("travel") >= 15.0 - 1e-9);
}
