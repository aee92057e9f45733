//! The future event list alone, in the classic "hold" model: with `n` events pending, pop the
//! earliest and schedule one a unit-mean exponential later, so the queue keeps its size. One
//! office of ten counters keeps about a dozen events pending, a 20-office network about a
//! hundred, a national run thousands (clients travelling, counters busy). `std`'s binary heap
//! with the same keys is the reference.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use nobat_core::engine::{EventQueue, Phase};
use nobat_core::random::{stream, StreamKind};
use rand::Rng;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hint::black_box;

/// Holds per measured batch.
const HOLDS: u64 = 10_000;

fn delay(rng: &mut nobat_core::SimRng) -> f64 {
    rng.sample(rand_distr::Exp1)
}

fn event_queue(c: &mut Criterion) {
    let mut group = c.benchmark_group("event queue hold");
    group.throughput(Throughput::Elements(HOLDS));
    for pending in [12usize, 100, 5_000] {
        let mut rng = stream(1, 0, StreamKind::Arrivals);
        let mut queue = EventQueue::with_capacity(pending);
        for k in 0..pending {
            queue.push(delay(&mut rng), Phase::Departure, k as u32);
        }
        group.bench_function(BenchmarkId::new("EventQueue", pending), |b| {
            b.iter(|| {
                for _ in 0..HOLDS {
                    let (t, phase, e) = queue.pop().expect("never empty");
                    queue.push(t + delay(&mut rng), phase, e);
                }
                black_box(queue.len())
            })
        });
        // The same keys in std's binary heap: (time bits, sequence number).
        let mut rng = stream(1, 0, StreamKind::Arrivals);
        let mut heap = BinaryHeap::with_capacity(pending);
        let mut seq = 0u64;
        for k in 0..pending {
            seq += 1;
            heap.push(Reverse((delay(&mut rng).to_bits(), seq, k as u32)));
        }
        group.bench_function(BenchmarkId::new("std BinaryHeap", pending), |b| {
            b.iter(|| {
                for _ in 0..HOLDS {
                    let Reverse((t, _, e)) = heap.pop().expect("never empty");
                    seq += 1;
                    heap.push(Reverse(((f64::from_bits(t) + delay(&mut rng)).to_bits(), seq, e)));
                }
                black_box(heap.len())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, event_queue);
criterion_main!(benches);
