"""The two models of nobat's performance targets in SimPy and Ciw, timed in clients per second.

    python peers.py [--clients N] [--runs R]

Prints CSV lines `model,simulator,clients_per_s` for M/M/10 at rho 0.9 and for 20 offices of
5 counters with join-shortest-queue at rho 0.9 (exponential service of mean 1 minute), the
same models as `benches/examples/compare.rs`. Each figure is the median of R runs.
"""

import argparse
import random
import statistics
import time

import ciw
import simpy


def simpy_run(offices, counters, rate, horizon, seed):
    """Arrivals, JSQ over offices (fewest present), FIFO counters, one running mean of waits."""
    rng = random.Random(seed)
    env = simpy.Environment()
    desks = [simpy.Resource(env, capacity=counters) for _ in range(offices)]
    present = [0] * offices
    stats = {"clients": 0, "served": 0, "wait": 0.0}

    def client(office):
        arrived = env.now
        with desks[office].request() as request:
            yield request
            stats["served"] += 1
            stats["wait"] += env.now - arrived
            yield env.timeout(rng.expovariate(1.0))
        present[office] -= 1

    def source():
        while True:
            yield env.timeout(rng.expovariate(rate))
            if env.now >= horizon:
                return
            stats["clients"] += 1
            office = 0 if offices == 1 else min(range(offices), key=present.__getitem__)
            present[office] += 1
            env.process(client(office))

    env.process(source())
    env.run()
    return stats["clients"]


def ciw_run(offices, counters, rate, horizon, seed):
    """The same model in Ciw: one arrival node routing to the shortest queue (JSQ) or one node."""
    ciw.seed(seed)
    if offices == 1:
        network = ciw.create_network(
            arrival_distributions=[ciw.dists.Exponential(rate)],
            service_distributions=[ciw.dists.Exponential(1.0)],
            number_of_servers=[counters],
        )
    else:
        # A zero-time dispatcher node that sends each client to the office with fewest present.
        class ShortestQueue(ciw.routing.NodeRouting):
            def next_node(self, ind):
                nodes = self.simulation.nodes[2 : offices + 2]
                return min(nodes, key=lambda n: n.number_of_individuals)

        network = ciw.create_network(
            arrival_distributions=[ciw.dists.Exponential(rate)] + [None] * offices,
            service_distributions=[ciw.dists.Deterministic(0.0)] + [ciw.dists.Exponential(1.0)] * offices,
            number_of_servers=[float("inf")] + [counters] * offices,
            routing=ciw.routing.NetworkRouting(
                routers=[ShortestQueue()] + [ciw.routing.Leave()] * offices
            ),
        )
    simulation = ciw.Simulation(network)
    simulation.simulate_until_max_time(horizon)
    return sum(1 for r in simulation.get_all_records() if r.node == 1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=float, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for name, offices, counters in [("M/M/10", 1, 10), ("20x5 JSQ", 20, 5)]:
        rate = 0.9 * offices * counters
        horizon = args.clients / rate
        for simulator, run in [("SimPy 4.1.2", simpy_run), ("Ciw 3.2.7", ciw_run)]:
            rates = []
            for seed in range(args.runs):
                start = time.perf_counter()
                clients = run(offices, counters, rate, horizon, seed)
                rates.append(clients / (time.perf_counter() - start))
            print(f"{name},{simulator},{statistics.median(rates):.0f}", flush=True)


if __name__ == "__main__":
    main()
