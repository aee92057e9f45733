//! Fuzzes the scenario parser and validator, and simulates the scenarios that validate and are
//! small: nothing may panic, and every refusal carries a message.

#![no_main]

use libfuzzer_sys::fuzz_target;
use nobat_core::engine::{RunControl, SimulationError};
use nobat_core::experiment::{run_experiment_with, NamedPolicy, RunOptions};
use nobat_core::scenario;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let read = |name: &str| -> Result<String, String> {
        match name {
            "origins.csv" => Ok("x_km,y_km,weight\n0,0,1\n".into()),
            other => Err(format!("no file `{other}`")),
        }
    };
    match scenario::load_with(text, &read) {
        Err(e) => assert!(!e.message.trim().is_empty()),
        Ok(mut model) => {
            let rate = model.mean_rate();
            let short = model.run.warmup + 2_000.0 / rate;
            if rate > 0.0 && short < model.run.horizon {
                model.run.horizon = short;
            }
            if rate * model.run.horizon <= 5_000.0 && model.offices.len() <= 64 {
                let control = RunControl {
                    max_in_system: 5_000,
                    interrupt: None,
                };
                let options = RunOptions {
                    replications: Some(1),
                    threads: Some(1),
                    ..RunOptions::default()
                };
                match run_experiment_with(&model, &NamedPolicy::from_model(&model), &options, &control) {
                    Ok(_) | Err(SimulationError::TooManyClients { .. }) => {}
                    Err(e) => panic!("simulation failed: {e}"),
                }
            }
        }
    }
});
