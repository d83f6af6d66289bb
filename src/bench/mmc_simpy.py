"""M/M/c in SimPy 2 (Debian python3-simpy 2.3), the twin of tidecast's M/M/c bench scenario.

c servers, Poisson arrivals at `rate` per second, exponential service of mean `mean` seconds,
first come first served, run for `until` seconds (1M customers at 80/s take 12,500 s). Like
tidecast's run it records what a capacity question needs: arrivals, starts, completions, the
mean and the maximum wait for a server. Prints one JSON line: the loop's wall and CPU time (simulate()
alone) and the counts, so `npm run bench` can set it beside tidecast's run of the same model.

Usage: python3 mmc_simpy.py RATE MEAN_S SERVERS UNTIL_S SEED
"""
import json
import random
import sys
import time

from SimPy.Simulation import Process, Resource, activate, hold, initialize, now, release, request, simulate

rate, mean, servers, until, seed = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
rng = random.Random(seed)
stats = {"arrived": 0, "started": 0, "completed": 0, "waitSum": 0.0, "waitMax": 0.0}


class Customer(Process):
    def visit(self, res):
        t0 = now()
        yield request, self, res
        w = now() - t0
        stats["started"] += 1
        stats["waitSum"] += w
        if w > stats["waitMax"]:
            stats["waitMax"] = w
        yield hold, self, rng.expovariate(1.0 / mean)
        yield release, self, res
        stats["completed"] += 1


class Source(Process):
    def generate(self, res):
        while True:
            yield hold, self, rng.expovariate(rate)
            stats["arrived"] += 1
            c = Customer()
            activate(c, c.visit(res))


initialize()
servers_res = Resource(capacity=servers, monitored=False)
src = Source()
activate(src, src.generate(servers_res))
t0 = time.perf_counter()
c0 = time.process_time()
simulate(until=until)
loop_s = time.perf_counter() - t0
loop_cpu_s = time.process_time() - c0
stats["meanWait"] = stats["waitSum"] / max(1, stats["started"])
print(json.dumps({"loopSeconds": loop_s, "loopCpuSeconds": loop_cpu_s, **stats}))
