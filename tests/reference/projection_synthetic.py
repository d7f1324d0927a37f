#!/usr/bin/python3
"""SYNTHETIC validation of the sampler in projection_reference.py (simulation-based calibration).

Each replication draws theta from the prior (Uniform(0,1) for every free parameter), generates a SYNTHETIC
panel of 63 provinces x 2020-2024 from the model of MODEL-SPEC.md, and observes it with the same pattern
of information as the real record:
  * 2022-2024: values = 0.6 + 0.08 z rounded to 4 decimals (complete-value years);
  * 2020, 2021: for each province the kind of rank information the real record has (exact / tie -> exact,
    derived or list-order -> [r-2, r+2], top-10 list membership, nothing), applied to the SYNTHETIC true ranks.
It then fits the model and records whether the central 90% credible interval covers the true parameter, the
posterior quantile of the truth (uniform under correct inference), the 90% coverage of the latent 2020/2021
ranks that the record leaves unknown, and, for a fit on the years <= 2023, the 80% coverage of the
forecast 2024 ranks.

    /usr/bin/python3 tests/reference/projection_synthetic.py [--reps 20] [--quick]
writes tests/reference/projection_synthetic.csv (per replication) and prints a summary.
"""
import argparse
import math
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import projection_reference as P  # noqa: E402


class SynthData:
    """a SYNTHETIC record with the same information pattern as the real one"""

    def __init__(self, rec, model, rng):
        self.value_years = [2022, 2023, 2024]
        k = len(P.MODEL_PARAMS[model])
        self.x = rng.uniform(0.0, 1.0, size=k)
        rw, rb, om = P.expand_theta(model, self.x)
        self.theta = (rw, rb, om)
        n = 63
        mu = rng.standard_normal(n) * math.sqrt(om)
        u = rng.standard_normal(n) * math.sqrt(1.0 - om)
        Z = [mu + u]
        for y in P.YEARS_ALL[1:]:
            c = rb if P.EDITION[y] != P.EDITION[y - 1] else rw
            eps = rng.standard_normal(n)
            if model.endswith('-t'):
                lam = rng.gamma(P.NU / 2.0, 2.0 / P.NU, size=n)
                eps = math.sqrt((P.NU - 2.0) / P.NU) * eps / np.sqrt(lam)
            u = c * u + math.sqrt((1.0 - om) * (1.0 - c * c)) * eps
            Z.append(mu + u)
        self.Z = np.array(Z).T
        self.true_rank = {}
        self.value = {}
        self.lo, self.hi = {}, {}
        for t, y in enumerate(P.YEARS_ALL):
            r = P.ranks_of(self.Z[None, :, t])[0]
            self.true_rank[y] = r
            if y in self.value_years:
                self.value[y] = np.round(0.6 + 0.08 * self.Z[:, t], 4)
                continue
            lo = np.ones(n, dtype=int)
            hi = np.full(n, n, dtype=int)
            for i in range(n):
                kind = rec.kind[y][i]
                if kind == 'exact' or kind.startswith('tie'):
                    lo[i] = hi[i] = r[i]
                elif kind in ('derived', 'list-order'):
                    lo[i], hi[i] = max(1, r[i] - 2), min(n, r[i] + 2)
                if r[i] <= 10:
                    hi[i] = min(hi[i], 10)
                else:
                    lo[i] = max(lo[i], 11)
            self.lo[y], self.hi[y] = lo, hi
        self.unknown = {y: np.array([rec.kind[y][i] in ('none', 'top10') for i in range(n)]) for y in (2020, 2021)}

    def std_values(self, y):
        v = self.value[y]
        return (v - v.mean()) / v.std()


def one_rep(args):
    rep, model, seed, sweeps, burn, thin, datafolder, fc = args
    rec = P.Record(datafolder)
    rng = np.random.default_rng(seed)
    d = SynthData(rec, model, rng)
    rows = []
    ch = P.fit_chains(rec, model, 2024, [seed + 1, seed + 2], sweeps, burn, thin, None, None, data=d)
    names = P.MODEL_PARAMS[model]
    x = np.concatenate([c['x'] for c in ch])
    rh = [P.split_rhat([c['x'][:, j] for c in ch])[0] for j in range(len(names))]
    cov_lat = []
    for k, y in ((0, 2020), (1, 2021)):
        ra = np.concatenate([c['ranks_all'][k] for c in ch])
        lo = np.quantile(ra, 0.05, axis=0)
        hi = np.quantile(ra, 0.95, axis=0)
        tr = d.true_rank[y]
        ok = (lo <= tr) & (tr <= hi)
        cov_lat.append(ok[d.unknown[y]].mean())
    for j, pn in enumerate(names):
        q05, q95 = np.quantile(x[:, j], [0.05, 0.95])
        rows.append(dict(rep=rep, model=model, what=pn, truth=d.x[j], mean=x[:, j].mean(), q05=q05, q95=q95,
                         covered=int(q05 <= d.x[j] <= q95), post_quantile=np.mean(x[:, j] < d.x[j]), rhat=rh[j]))
    rows.append(dict(rep=rep, model=model, what='latent_rank_cov90_unknown_2020', truth='', mean=cov_lat[0], q05='', q95='',
                     covered='', post_quantile='', rhat=''))
    rows.append(dict(rep=rep, model=model, what='latent_rank_cov90_unknown_2021', truth='', mean=cov_lat[1], q05='', q95='',
                     covered='', post_quantile='', rhat=''))
    if fc:
        ch = P.fit_chains(rec, model, 2023, [seed + 3, seed + 4], sweeps, burn, thin, None, None, data=d)
        D = {k: np.concatenate([c[k] for c in ch]) for k in ('theta', 'mu', 'zlast')}
        zs = P.simulate(D, rec, 2024, 2024, 4, np.random.default_rng(seed + 5), tmodel=model.endswith('-t'))
        sc = P.score(P.ranks_of(zs[:, 0, :]), d.true_rank[2024], 63)
        for m in ('cov80', 'cov50', 'pit'):
            rows.append(dict(rep=rep, model=model, what='forecast2024_' + m, truth='', mean=sc[m].mean(), q05='', q95='',
                             covered='', post_quantile='', rhat=''))
    return rows


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument('--data', default='/work/shared/data' if not os.path.isdir(os.path.join(here, '..', '..', '..', 'shared', 'data'))
                    else os.path.join(here, '..', '..', '..', 'shared', 'data'))
    ap.add_argument('--reps', type=int, default=20)
    ap.add_argument('--sweeps', type=int, default=1200)
    ap.add_argument('--burn', type=int, default=400)
    ap.add_argument('--thin', type=int, default=2)
    ap.add_argument('--seed', type=int, default=777)
    ap.add_argument('--jobs', type=int, default=2)
    ap.add_argument('--models', default='ar1,effects-breaks,effects-breaks-t')
    ap.add_argument('--quick', action='store_true')
    ap.add_argument('--out', default=os.path.join(here, 'projection_synthetic.csv'))
    a = ap.parse_args()
    if a.quick:
        a.reps, a.sweeps, a.burn, a.out = 2, 200, 100, '/tmp/projection_synthetic_quick.csv'
    t0 = time.time()
    jobs = []
    for mi, model in enumerate(a.models.split(',')):
        for rep in range(a.reps):
            jobs.append((rep, model, a.seed + 100000 * mi + 100 * rep, a.sweeps, a.burn, a.thin, a.data, model != 'ar1'))
    if a.jobs > 1:
        import multiprocessing as mp
        with mp.Pool(a.jobs) as pool:
            res = pool.map(one_rep, jobs)
    else:
        res = [one_rep(j) for j in jobs]
    rows = [r for rr in res for r in rr]
    cols = ['rep', 'model', 'what', 'truth', 'mean', 'q05', 'q95', 'covered', 'post_quantile', 'rhat']
    with open(a.out, 'w') as f:
        f.write('# SYNTHETIC: simulation-based calibration of tests/reference/projection_reference.py; made by '
                'tests/reference/projection_synthetic.py%s\n' % (' --quick' if a.quick else ''))
        f.write('# theta ~ prior per replication, panels generated from the model with the real record\'s information pattern; '
                'seed %d; %d replications per model; 2 chains x %d sweeps, burn-in %d, thin %d; %.0f s\n'
                % (a.seed, a.reps, a.sweeps, a.burn, a.thin, time.time() - t0))
        f.write(','.join(cols) + '\n')
        for r in rows:
            f.write(','.join(('%.4f' % r[c]) if isinstance(r[c], float) else str(r[c]) for c in cols) + '\n')
    # summary
    print('model,what,n,mean,coverage90')
    import collections
    agg = collections.defaultdict(list)
    for r in rows:
        agg[(r['model'], r['what'])].append(r)
    for (m, w), rr in agg.items():
        if rr[0]['covered'] != '':
            cov = np.mean([r['covered'] for r in rr])
            pq = [r['post_quantile'] for r in rr]
            print('%s,%s,%d,post_quantile mean %.3f,%.3f' % (m, w, len(rr), np.mean(pq), cov))
        else:
            print('%s,%s,%d,%.3f,' % (m, w, len(rr), np.mean([r['mean'] for r in rr])))
    tot = [r['covered'] for r in rows if r['covered'] != '']
    print('all parameters: %d intervals, 90%% coverage %.3f (binomial sd %.3f)' % (len(tot), np.mean(tot), math.sqrt(0.09 / len(tot))))
    print('time %.0f s' % (time.time() - t0))


if __name__ == '__main__':
    main()
