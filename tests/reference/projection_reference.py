#!/usr/bin/python3
"""Independent reference implementation of the latent-position rank model (MODEL-SPEC.md v1).

Written from the specification only (no C code of the projection was read).  Reads the record straight
from the shared CSV files (dti_2020.csv .. dti_2024.csv, top10.csv, derived.csv, provenance.csv,
merger_2025.csv), not from the project's YAML, so that the data conversion is checked too.

Run with Debian's python (numpy/scipy):
    /usr/bin/python3 tests/reference/projection_reference.py            # full run, writes tests/reference/projection_*.csv
    /usr/bin/python3 tests/reference/projection_reference.py --quick    # short run (smoke test), writes to /tmp

Sampler (differs on purpose from the spec's Gibbs scheme, as an independent check):
  * the province effects mu_i are integrated out: z_i = (z_{i,t})_t ~ N(0, Sigma_i), Sigma_i = omega2*11' + Cov(u_i)
    (for the t model Cov(u_i) depends on the province's mixing variables lambda_{i,t});
  * rank-year z_{i,t}: exact single-site Gibbs, truncated normal on the single feasible interval (the set of
    positions where i can be inserted so that every province keeps a rank inside its allowed slots is an
    interval of positions: it is bounded by the nearest province above that cannot move down and the nearest
    province below that cannot move up);
  * rank years also get an order-preserving affine move z_t -> a + b z_t drawn from its exact conditional
    (generalised Gibbs, Liu & Sabatti 2000: density pi(a+b z) b^(n-2) w.r.t. da db);
  * value years: (m_t, s_t) jointly, m integrated out, s by an independence Metropolis-Hastings step from the
    Laplace approximation of s^n exp(quadratic), then m | s exactly;
  * theta: coordinate-wise slice sampling (shrinkage from the whole interval (0,1)) on the collapsed likelihood;
  * t model: lambda_{i,t} by data augmentation (mu_i drawn from its conditional, then lambda | u Gamma), then
    mu is discarded (a valid partially collapsed Gibbs step).
mu_i is drawn from its exact conditional at the saved iterations (for forecasts and summaries).
"""
import argparse
import csv
import math
import os
import sys
import time
from decimal import Decimal, ROUND_HALF_UP
from fractions import Fraction

import numpy as np
from scipy.special import ndtr, ndtri

NU = 4.0
YEARS_ALL = [2020, 2021, 2022, 2023, 2024]
EDITION = {2020: 'dti-2020', 2021: 'dti-2022', 2022: 'dti-2022', 2023: 'dti-2022', 2024: 'dti-2024'}
MODELS = ['ar1', 'ar1-breaks', 'effects', 'effects-breaks', 'effects-breaks-t']
# free parameters of each candidate, mapped onto (rho_w, rho_b, omega2)
MODEL_PARAMS = {
    'ar1': ['rho'],
    'ar1-breaks': ['rho_w', 'rho_b'],
    'effects': ['rho', 'omega2'],
    'effects-breaks': ['rho_w', 'rho_b', 'omega2'],
    'effects-breaks-t': ['rho_w', 'rho_b', 'omega2'],
}
TN = 'Thái Nguyên'
BK = 'Bắc Kạn'
LATENT_PROVINCES = [TN, BK, 'TP. Hà Nội', 'An Giang']


# ----------------------------------------------------------------------------------------------- data
def read_csv(path):
    with open(path, newline='', encoding='utf-8') as f:
        return list(csv.DictReader(f))


def competition_ranks(vals):
    """standard competition ranks ('1224') of a list of comparable values, higher is better"""
    return [1 + sum(1 for w in vals if w > v) for v in vals]


class Record:
    """the record read from the shared CSVs"""

    def __init__(self, folder):
        self.folder = folder
        prov = read_csv(os.path.join(folder, 'provinces.csv'))
        self.names = [r['name'] for r in prov]
        self.n = len(self.names)
        assert self.n == 63
        self.idx = {nm: i for i, nm in enumerate(self.names)}
        merger = read_csv(os.path.join(folder, 'merger_2025.csv'))
        unit_of = {r['old_province']: r['new_province'] for r in merger}
        assert set(unit_of) == set(self.names)
        self.units = []
        for nm in self.names:  # unit order: first appearance in province order
            if unit_of[nm] not in self.units:
                self.units.append(unit_of[nm])
        self.unit_idx = np.array([self.units.index(unit_of[nm]) for nm in self.names])
        self.nu = len(self.units)
        assert self.nu == 34
        self.members = [np.flatnonzero(self.unit_idx == j) for j in range(self.nu)]
        derived = {}
        for r in read_csv(os.path.join(folder, 'derived.csv')):
            if r['field'] == 'rank':
                derived[(int(r['year']), r['province'])] = int(r['value'])
        evid = {}
        for r in read_csv(os.path.join(folder, 'provenance.csv')):
            if r['field'] == 'rank' and r['table'].isdigit():
                evid[(int(r['table']), r['province'])] = r['evidence']
        top10 = {}
        for r in read_csv(os.path.join(folder, 'top10.csv')):
            top10.setdefault(int(r['year']), set()).add(r['province'])
        self.rank = {}      # year -> int array of published ranks (0 = unknown)
        self.value = {}     # year -> float array (nan = unknown)
        self.value_str = {}
        self.lo, self.hi = {}, {}
        self.kind = {}      # year -> list of the kind of rank information per province
        self.notes = []
        for y in YEARS_ALL:
            rows = read_csv(os.path.join(folder, 'dti_%d.csv' % y))
            assert len(rows) == 63
            rk = np.zeros(63, dtype=int)
            val = np.full(63, np.nan)
            vs = [''] * 63
            for r in rows:
                i = self.idx[r['province']]
                if r['rank']:
                    rk[i] = int(r['rank'])
                if r['dti']:
                    val[i] = float(r['dti'])
                    vs[i] = r['dti']
            self.rank[y], self.value[y], self.value_str[y] = rk, val, vs
            lo = np.ones(63, dtype=int)
            hi = np.full(63, 63, dtype=int)
            kind = ['none'] * 63
            for i, nm in enumerate(self.names):
                r = rk[i]
                ev = evid.get((y, nm), '')
                d = derived.get((y, nm))
                if r:
                    if d is not None and d != r:
                        self.notes.append('CONFLICT %d %s: table rank %d, derived %d (table kept)' % (y, nm, r, d))
                    is_derived = d is not None and d == r and ev.startswith('campaign:')
                    if ev == 'list-order' or is_derived:
                        lo[i], hi[i] = max(1, r - 2), min(63, r + 2)
                        kind[i] = 'list-order' if ev == 'list-order' else 'derived'
                    else:
                        m = int(np.sum(rk == r))
                        lo[i], hi[i] = r, r + m - 1
                        kind[i] = 'exact' if m == 1 else 'tie%d' % m
                elif d is not None:
                    lo[i], hi[i] = max(1, d - 2), min(63, d + 2)
                    kind[i] = 'derived'
                if y in top10:
                    if nm in top10[y]:
                        hi[i] = min(hi[i], 10)
                        kind[i] = 'top10' if kind[i] == 'none' else kind[i]
                    else:
                        lo[i] = max(lo[i], 11)
                assert lo[i] <= hi[i], (y, nm, lo[i], hi[i])
            self.lo[y], self.hi[y], self.kind[y] = lo, hi, kind
        self.value_years = [y for y in YEARS_ALL if not np.isnan(self.value[y]).any()]
        self.rank_years = [y for y in YEARS_ALL if y not in self.value_years]
        # checks: published ranks of value years = competition ranks of the values
        for y in self.value_years:
            cr = np.array(competition_ranks(list(self.value[y])))
            known = self.rank[y] > 0
            bad = np.flatnonzero(known & (cr != self.rank[y]))
            if len(bad):
                self.notes.append('NOTE %d: %d published ranks differ from the competition ranks of the values' % (y, len(bad)))
        for y in self.rank_years:
            assign_slots(self.lo[y], self.hi[y], np.random.default_rng(0))  # raises if infeasible
        # 34-unit truth for 2024: mean of members' values, rounded to 4 decimals (half up), competition ranks
        vals34 = []
        for j in range(self.nu):
            tot = sum(Fraction(Decimal(self.value_str[2024][i])) for i in self.members[j])
            mean = tot / len(self.members[j])
            q = (Decimal(mean.numerator) / Decimal(mean.denominator)).quantize(Decimal('0.0001'), ROUND_HALF_UP)
            vals34.append(q)
        self.value34 = vals34
        self.rank34 = np.array(competition_ranks(vals34))
        pub = read_csv(os.path.join(folder, 'dti_2024_34.csv'))
        for r in pub:
            j = self.units.index(r['province'])
            if r['rank'] and int(r['rank']) != self.rank34[j]:
                self.notes.append('CONFLICT 2024-34 %s: published rank %s, computed %d' % (r['province'], r['rank'], self.rank34[j]))
            if r['dti'] and Decimal(r['dti']) != vals34[j]:
                self.notes.append('NOTE 2024-34 %s: published %s, mean rule %s' % (r['province'], r['dti'], vals34[j]))

    def std_values(self, y):
        v = self.value[y]
        return (v - v.mean()) / v.std()


def assign_slots(lo, hi, rng):
    """a permutation (ranks) with lo <= rank <= hi (earliest deadline first, random tie-break); raises if none"""
    n = len(lo)
    key = hi + rng.random(n) * 0.5
    free = np.ones(n, dtype=bool)
    rank = np.zeros(n, dtype=int)
    for s in range(1, n + 1):
        cand = np.flatnonzero(free & (lo <= s))
        if len(cand) == 0:
            raise ValueError('no province for slot %d' % s)
        j = cand[np.argmin(key[cand])]
        if hi[j] < s:
            raise ValueError('infeasible slot intervals at slot %d' % s)
        rank[j] = s
        free[j] = False
    return rank


# ----------------------------------------------------------------------------------------------- model
def expand_theta(model, x):
    """free parameter vector -> (rho_w, rho_b, omega2)"""
    if model == 'ar1':
        return x[0], x[0], 0.0
    if model == 'ar1-breaks':
        return x[0], x[1], 0.0
    if model == 'effects':
        return x[0], x[0], x[1]
    return x[0], x[1], x[2]


def sigma_u(rw, rb, om, chg, kappa=None):
    """Cov(u) over the fitted years.  chg[t-1]: edition change at transition t-1 -> t.
    kappa: None (Gaussian) or (N, T) innovation-variance multipliers (N, T, T result)."""
    T = len(chg) + 1
    c = np.where(chg, rb, rw).astype(float)
    L = np.concatenate([[0.0], np.cumsum(np.log(c))])
    P = np.exp(-np.abs(L[:, None] - L[None, :]))  # prod of c over (s, t]
    if kappa is None:
        return (1.0 - om) * P
    N = kappa.shape[0]
    var = np.empty((N, T))
    var[:, 0] = 1.0 - om
    for t in range(1, T):
        var[:, t] = c[t - 1] ** 2 * var[:, t - 1] + (1.0 - om) * (1.0 - c[t - 1] ** 2) * kappa[:, t]
    s = np.minimum.outer(np.arange(T), np.arange(T))
    return var[:, s] * P[None, :, :]


class Fit:
    """one chain of the sampler for one candidate on the years <= origin"""

    def __init__(self, rec, model, origin, seed, jac_power=None, data=None):
        self.rec = rec
        self.model = model
        self.tmodel = model.endswith('-t')
        self.pnames = MODEL_PARAMS[model]
        self.years = [y for y in YEARS_ALL if y <= origin]
        self.T = len(self.years)
        self.chg = np.array([EDITION[self.years[k]] != EDITION[self.years[k - 1]] for k in range(1, self.T)])
        self.rng = np.random.default_rng(seed)
        d = data if data is not None else rec
        self.vy = [k for k, y in enumerate(self.years) if y in d.value_years]
        self.ry = [k for k, y in enumerate(self.years) if y not in d.value_years]
        self.N = 63
        self.jac = self.N if jac_power is None else jac_power
        self.lo = {k: d.lo[self.years[k]] for k in self.ry}
        self.hi = {k: d.hi[self.years[k]] for k in self.ry}
        self.ytil = {k: d.std_values(self.years[k]) for k in self.vy}
        # state
        rng = self.rng
        self.x = rng.uniform(0.3, 0.9, size=len(self.pnames))
        if 'omega2' in self.pnames:
            self.x[-1] = rng.uniform(0.05, 0.6)
        self.Z = np.zeros((self.N, self.T))
        for k in self.ry:
            r = assign_slots(self.lo[k], self.hi[k], rng)
            self.Z[:, k] = ndtri(1.0 - (r - 0.5) / self.N)
        self.ms = {}
        for k in self.vy:
            self.ms[k] = (0.0, 1.0)
            self.Z[:, k] = self.ytil[k]
        self.kappa = np.ones((self.N, self.T)) if self.tmodel else None
        self.lam = np.ones((self.N, self.T))
        self.mu = np.zeros(self.N)
        self._cache_theta()
        self.nacc_s = [0, 0]
        self.nswap = [0, 0]
        self.swap_factor = 4

    # -- covariance pieces
    def _cov(self, x, kappa=None):
        rw, rb, om = expand_theta(self.model, x)
        Su = sigma_u(rw, rb, om, self.chg, kappa)
        return om + Su, Su  # broadcasting omega2 * 11'

    def _cache_theta(self):
        S, Su = self._cov(self.x, self.kappa)
        self.Q = np.linalg.inv(S)
        self.Su = Su

    def loglik_theta(self, x):
        rw, rb, om = expand_theta(self.model, x)
        if not (0.0 < rw < 1.0 and 0.0 < rb < 1.0 and 0.0 <= om < 1.0):
            return -np.inf
        S, _ = self._cov(x, self.kappa)
        try:
            if S.ndim == 2:
                sign, ld = np.linalg.slogdet(S)
                Q = np.linalg.inv(S)
                SS = self.Z.T @ self.Z
                return -0.5 * self.N * ld - 0.5 * np.sum(Q * SS)
            sign, ld = np.linalg.slogdet(S)
            Q = np.linalg.inv(S)
            qf = np.einsum('ns,nst,nt->n', self.Z, Q, self.Z)
            return float(np.sum(-0.5 * ld - 0.5 * qf))
        except np.linalg.LinAlgError:
            return -np.inf

    def cond(self, k):
        """conditional mean and variance of z_{.,k} given the other years (mu integrated out)"""
        Q = self.Q
        if Q.ndim == 2:
            cv = 1.0 / Q[k, k]
            cm = self.Z[:, k] - (self.Z @ Q[:, k]) * cv
            return cm, np.full(self.N, cv)
        cv = 1.0 / Q[:, k, k]
        cm = self.Z[:, k] - np.einsum('nt,nt->n', self.Z, Q[:, :, k]) * cv
        return cm, cv

    # -- updates
    def update_rank_year(self, k):
        cm, cv = self.cond(k)
        z = self.Z[:, k]
        lo, hi = self.lo[k], self.hi[k]
        N = self.N
        pos = np.arange(1, N + 1)
        rng = self.rng
        us = rng.random(N)
        for i in rng.permutation(N):
            order = np.argsort(-z)
            ri = int(np.flatnonzero(order == i)[0]) + 1
            tightD = hi[order] == pos  # cannot move down one place
            tightU = lo[order] == pos  # cannot move up one place
            a_ = np.flatnonzero(tightD[:ri - 1])
            ra = a_[-1] + 1 if len(a_) else 0
            b_ = np.flatnonzero(tightU[ri:])
            rb = ri + 1 + b_[0] if len(b_) else N + 1
            a = max(ra + 1, lo[i])
            b = min(rb - 1, hi[i])
            upper = z[order[a - 2]] if a >= 2 else np.inf
            lower = z[order[b]] if b + 1 <= N else -np.inf
            z[i] = trunc_norm(cm[i], math.sqrt(cv[i]), lower, upper, us[i])
        self.swap_moves(k, cm, cv)
        self.affine_move(k, cm, cv)

    def swap_moves(self, k, cm, cv):
        """Metropolis exchange of the z of two provinces that are not pinned (lo < hi): the pair is drawn
        uniformly (symmetric proposal), accepted if both can take the other's rank, with the Gaussian ratio.
        Needed: single-site moves alone cannot move a province past a pinned one (reducible chain)."""
        z = self.Z[:, k]
        lo, hi = self.lo[k], self.hi[k]
        cand = np.flatnonzero(lo < hi)
        if len(cand) < 2:
            return
        rng = self.rng
        r = self.ranks_year(k).tolist()
        zl = z.tolist()
        cml, cvl, lol, hil = cm.tolist(), cv.tolist(), lo.tolist(), hi.tolist()
        nprop = self.swap_factor * len(cand)
        pi = rng.integers(0, len(cand), size=nprop)
        pj = rng.integers(0, len(cand) - 1, size=nprop)
        pj = np.where(pj >= pi, pj + 1, pj)
        logu = np.log(rng.random(nprop)).tolist()
        ci = cand[pi].tolist()
        cj = cand[pj].tolist()
        nacc = 0
        for n in range(nprop):
            i, j = ci[n], cj[n]
            ri, rj = r[i], r[j]
            if not (lol[i] <= rj <= hil[i] and lol[j] <= ri <= hil[j]):
                continue
            zi, zj = zl[i], zl[j]
            lr = (((zi - cml[i]) ** 2 - (zj - cml[i]) ** 2) / cvl[i] + ((zj - cml[j]) ** 2 - (zi - cml[j]) ** 2) / cvl[j]) * 0.5
            if logu[n] < lr:
                zl[i], zl[j] = zj, zi
                r[i], r[j] = rj, ri
                nacc += 1
        self.Z[:, k] = zl
        self.nswap[0] += nacc
        self.nswap[1] += nprop

    def affine_move(self, k, cm, cv):
        """z_k -> a + b z_k, (a, b) from pi(a + b z) b^(n-2) (order preserving)"""
        z = self.Z[:, k]
        zc = z - z.mean()
        a, b = draw_loc_scale(zc, cm, 1.0 / cv, self.N - 2, 1.0, self.rng)
        if a is not None:
            self.Z[:, k] = a + b * zc

    def update_value_year(self, k):
        cm, cv = self.cond(k)
        m0, s0 = self.ms[k]
        m, s = draw_loc_scale(self.ytil[k], cm, 1.0 / cv, self.jac, s0, self.rng, acc=self.nacc_s)
        if m is None:
            m, s = m0, s0
        self.ms[k] = (m, s)
        self.Z[:, k] = m + s * self.ytil[k]

    def draw_mu(self):
        rw, rb, om = expand_theta(self.model, self.x)
        if om <= 0.0:
            self.mu = np.zeros(self.N)
            return self.mu
        Pu = np.linalg.inv(self.Su)
        if Pu.ndim == 2:
            prec = 1.0 / om + Pu.sum()
            mean = (self.Z @ Pu.sum(axis=1)) / prec
            self.mu = mean + self.rng.standard_normal(self.N) / math.sqrt(prec)
        else:
            prec = 1.0 / om + Pu.sum(axis=(1, 2))
            mean = np.einsum('nst,nt->n', Pu, self.Z) / prec
            self.mu = mean + self.rng.standard_normal(self.N) / np.sqrt(prec)
        return self.mu

    def update_lambda(self):
        rw, rb, om = expand_theta(self.model, self.x)
        self.draw_mu()
        u = self.Z - self.mu[:, None]
        c = np.where(self.chg, rb, rw)
        eta = u[:, 1:] - c[None, :] * u[:, :-1]
        v0 = (1.0 - om) * (1.0 - c ** 2)
        rate = 0.5 * (NU + eta ** 2 * NU / (v0[None, :] * (NU - 2.0)))
        lam = self.rng.gamma((NU + 1.0) / 2.0, 1.0 / rate)
        self.lam[:, 1:] = lam
        self.kappa[:, 1:] = (NU - 2.0) / (NU * lam)
        self.kappa[:, 0] = 1.0

    def update_theta(self):
        for j in range(len(self.x)):
            x0 = self.x.copy()
            f0 = self.loglik_theta(x0)
            yv = f0 - self.rng.exponential()
            L, R = 0.0, 1.0
            while True:
                x1 = x0.copy()
                x1[j] = self.rng.uniform(L, R)
                f1 = self.loglik_theta(x1)
                if f1 > yv:
                    self.x = x1
                    break
                if x1[j] < x0[j]:
                    L = x1[j]
                else:
                    R = x1[j]
                if R - L < 1e-12:
                    break
        self._cache_theta()

    def sweep(self):
        for k in self.ry:
            self.update_rank_year(k)
        for k in self.vy:
            self.update_value_year(k)
        if self.tmodel:
            self.update_lambda()
            self._cache_theta()
        self.update_theta()

    def ranks_year(self, k):
        order = np.argsort(-self.Z[:, k])
        r = np.empty(self.N, dtype=int)
        r[order] = np.arange(1, self.N + 1)
        return r


def trunc_norm(m, sd, lower, upper, u):
    """N(m, sd^2) truncated to (lower, upper) by inversion, mirrored so that the tail used is the lower one
    (ndtr keeps full relative precision there down to about -37 sd, far beyond anything reached here)"""
    a = (lower - m) / sd
    b = (upper - m) / sd
    flip = a > 0.0
    if flip:
        a, b = -b, -a
    pa, pb = ndtr(a), ndtr(b)
    if pb - pa > 0.0:
        x = ndtri(pa + u * (pb - pa))
    else:  # both bounds beyond -37 sd: the density is ~ exponential there
        x = b - (-math.log1p(-u * (1.0 - math.exp(-(b - a) * abs(b))))) / abs(b) if np.isfinite(a) else b + math.log(u) / abs(b)
    x = min(max(x, a), b)
    if flip:
        x = -x
    v = m + sd * x
    if not (lower < v < upper):  # rounding at the edges: stay strictly inside
        v = 0.5 * (max(lower, -1e300) + min(upper, 1e300)) if np.isfinite(lower) and np.isfinite(upper) else (
            lower + 1e-9 * max(1.0, abs(lower)) if np.isfinite(lower) else upper - 1e-9 * max(1.0, abs(upper)))
    return v


def draw_loc_scale(y, c, w, k, s_cur, rng, acc=None):
    """draw (m, s), s > 0, from  s^k prod_i exp(-w_i (m + s y_i - c_i)^2 / 2)  (flat in m, s).
    m integrated out; s by an independence MH step from the Laplace approximation (current s_cur); m | s exact."""
    W = w.sum()
    Swy = np.sum(w * y)
    Swc = np.sum(w * c)
    A = np.sum(w * y * y) - Swy * Swy / W
    B = (np.sum(w * y * c) - Swy * Swc / W) / A
    smode = 0.5 * (B + math.sqrt(B * B + 4.0 * k / A))
    h = k / smode ** 2 + A
    sd = 1.1 / math.sqrt(h)

    def logf(s):
        return k * math.log(s) - 0.5 * A * (s - B) ** 2

    def logq(s):
        return -0.5 * ((s - smode) / sd) ** 2

    s_new = smode + sd * rng.standard_normal()
    s = s_cur
    if s_new > 0.0:
        lr = logf(s_new) - logq(s_new) - (logf(s_cur) - logq(s_cur))
        if math.log(rng.random()) < lr:
            s = s_new
            if acc is not None:
                acc[0] += 1
    if acc is not None:
        acc[1] += 1
    m = (Swc - s * Swy) / W + rng.standard_normal() / math.sqrt(W)
    return m, s


# ----------------------------------------------------------------------------------------------- running
def run_chain(args):
    """one chain; returns a dict of saved draws (picklable)"""
    rec, model, origin, seed, sweeps, burn, thin, jac, data, track = args[:10]
    f = Fit(rec, model, origin, seed, jac, data)
    if len(args) > 10:
        f.swap_factor = args[10]
    nsave = (sweeps - burn) // thin
    th = np.zeros((nsave, 3))
    xs = np.zeros((nsave, len(f.pnames)))
    mu = np.zeros((nsave, 63))
    zlast = np.zeros((nsave, 63))
    tr = {}
    for k in f.ry:
        tr[k] = np.zeros((nsave, len(track)), dtype=np.int16)
    zr = {k: np.zeros((nsave, len(track))) for k in f.ry}
    ranks_all = {k: np.zeros((nsave, 63), dtype=np.int16) for k in f.ry} if data is not None else None
    j = 0
    for it in range(sweeps):
        f.sweep()
        if it >= burn and (it - burn) % thin == 0 and j < nsave:
            th[j] = expand_theta(model, f.x)
            xs[j] = f.x
            mu[j] = f.draw_mu()
            zlast[j] = f.Z[:, -1]
            for k in f.ry:
                rk = f.ranks_year(k)
                tr[k][j] = rk[track]
                zr[k][j] = f.Z[track, k]
                if ranks_all is not None:
                    ranks_all[k][j] = rk
            j += 1
    return dict(theta=th, x=xs, mu=mu, zlast=zlast, track=tr, ztrack=zr, ranks_all=ranks_all,
                years=f.years, ry=f.ry, s_acc=f.nacc_s[0] / max(1, f.nacc_s[1]))


def fit_chains(rec, model, origin, seeds, sweeps, burn, thin, jac, pool=None, data=None, track=(), swap_factor=4):
    jobs = [(rec, model, origin, s, sweeps, burn, thin, jac, data, np.array(track, dtype=int), swap_factor) for s in seeds]
    if pool is not None:
        return pool.map(run_chain, jobs)
    return [run_chain(j) for j in jobs]


def split_rhat(chains):
    """split-R-hat and a crude bulk ESS for a list of 1-d arrays"""
    parts = []
    for c in chains:
        h = len(c) // 2
        parts += [c[:h], c[h:2 * h]]
    x = np.array(parts)
    m, n = x.shape
    W = x.var(axis=1, ddof=1).mean()
    Bv = n * x.mean(axis=1).var(ddof=1)
    var = (n - 1) / n * W + Bv / n
    rhat = math.sqrt(var / W) if W > 0 else float('nan')
    # ESS by initial positive sequence over the pooled autocorrelation (Geyer), per chain averaged
    ess = 0.0
    for c in chains:
        c = np.asarray(c) - np.mean(c)
        nn = len(c)
        if c.var() == 0:
            continue
        f = np.fft.rfft(c, 2 * nn)
        ac = np.fft.irfft(f * np.conj(f))[:nn] / (c.var() * nn)
        s = 0.0
        for t in range(0, nn - 1, 2):
            p = ac[t] + ac[t + 1]
            if p < 0:
                break
            s += p
        tau = -1.0 + 2.0 * s
        ess += nn / max(tau, 1e-9)
    return rhat, ess


# ----------------------------------------------------------------------------------------------- forecast
def simulate(draws, rec, first_year, last_year, K, rng, q=None, frame='63', change_2025=None, tmodel=False):
    """forward simulation from the last fitted year (draws: theta (D,3), mu (D,63), zlast (D,63)).
    Returns z of shape (D*K, years, units).  change_2025: None (known editions only) or array (D*K,) bool."""
    th, mu, zl = draws['theta'], draws['mu'], draws['zlast']
    D = th.shape[0]
    rw = np.repeat(th[:, 0], K)
    rb = np.repeat(th[:, 1], K)
    om = np.repeat(th[:, 2], K)
    M = np.repeat(mu, K, axis=0)
    U = np.repeat(zl - mu, K, axis=0)
    if frame == '34':
        M = np.stack([M[:, rec.members[j]].mean(axis=1) for j in range(rec.nu)], axis=1)
        U = np.stack([U[:, rec.members[j]].mean(axis=1) for j in range(rec.nu)], axis=1)
    n = M.shape[1]
    out = []
    for y in range(first_year, last_year + 1):
        if y <= 2024:
            chg = EDITION[y] != EDITION[y - 1]
            c = rb if chg else rw
        elif y == 2025:
            c = np.where(change_2025, rb, rw)
        else:
            c = rw
        eps = rng.standard_normal((D * K, n))
        if tmodel:
            lam = rng.gamma(NU / 2.0, 2.0 / NU, size=(D * K, n))
            eps = math.sqrt((NU - 2.0) / NU) * eps / np.sqrt(lam)
        U = c[:, None] * U + np.sqrt((1.0 - om) * (1.0 - c ** 2))[:, None] * eps
        out.append(M + U)
    return np.stack(out, axis=1)


def ranks_of(z):
    """ranks (1 = highest) along the last axis"""
    order = np.argsort(-z, axis=-1)
    r = np.empty_like(order)
    np.put_along_axis(r, order, np.broadcast_to(np.arange(1, z.shape[-1] + 1), z.shape), axis=-1)
    return r


def score(rsamp, truth, n):
    """rsamp (S, units) forecast rank samples, truth (units,) observed ranks -> dict of per-unit arrays"""
    S, U = rsamp.shape
    cnt = np.zeros((U, n + 2))
    np.add.at(cnt, (np.tile(np.arange(U), S), rsamp.ravel()), 1.0)
    p = cnt[:, 1:n + 1] / S                 # p[:, k-1] = P(rank = k)
    F = np.cumsum(p, axis=1)
    cum = np.cumsum(cnt[:, 1:n + 1], axis=1)
    ks = np.arange(1, n + 1)

    def quant(pp):
        return 1 + np.argmax(cum >= pp * S - 1e-9, axis=1)

    uidx = np.arange(U)
    pr = p[uidx, truth - 1]
    Fr1 = np.where(truth >= 2, F[uidx, np.maximum(truth - 2, 0)], 0.0)
    q10, q90, q25, q75, q50 = quant(0.1), quant(0.9), quant(0.25), quant(0.75), quant(0.5)
    ind = (truth[:, None] <= ks[None, :]).astype(float)
    p10 = F[:, 9]
    p15 = F[:, 14]
    o10 = (truth <= 10).astype(float)
    o15 = (truth <= 15).astype(float)

    def blog(pp, o):
        po = np.where(o > 0, pp, 1.0 - pp)
        return -np.log(0.99 * po + 0.01 / 2.0)

    return dict(
        logscore=-np.log(0.99 * pr + 0.01 / n),
        cov80=((q10 <= truth) & (truth <= q90)).astype(float),
        cov50=((q25 <= truth) & (truth <= q75)).astype(float),
        crps=np.sum((F - ind) ** 2, axis=1),
        brier10=(p10 - o10) ** 2,
        brier15=(p15 - o15) ** 2,
        log10=blog(p10, o10),
        log15=blog(p15, o15),
        mae=np.abs(q50 - truth).astype(float),
        pit=Fr1 + pr / 2.0,
    )


# ----------------------------------------------------------------------------------------------- main
def header(f, lines):
    for ln in lines:
        f.write('# ' + ln + '\n')


def pooled(chains, key):
    return np.concatenate([c[key] for c in chains], axis=0)


def batch_se(per_draw, nchains, nb=10):
    """MC standard error of the mean of per-draw values by batch means (per chain, nb batches each)"""
    x = np.asarray(per_draw)
    L = len(x) // nchains
    means = []
    for c in range(nchains):
        xc = x[c * L:(c + 1) * L]
        bl = len(xc) // nb
        for b in range(nb):
            means.append(xc[b * bl:(b + 1) * bl].mean())
    means = np.array(means)
    return means.std(ddof=1) / math.sqrt(len(means))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(os.path.dirname(here))
    default_data = os.path.join(repo, '..', 'shared', 'data')
    if not os.path.isdir(default_data):
        default_data = '/work/shared/data'
    ap.add_argument('--data', default=default_data)
    ap.add_argument('--out', default=None, help='output folder (default tests/reference, or /tmp/projref-quick with --quick)')
    ap.add_argument('--quick', action='store_true')
    ap.add_argument('--sweeps', type=int, default=3000)
    ap.add_argument('--burn', type=int, default=1000)
    ap.add_argument('--thin', type=int, default=2)
    ap.add_argument('--chains', type=int, default=2)
    ap.add_argument('--K', type=int, default=8, help='forward simulations per saved draw')
    ap.add_argument('--seed', type=int, default=20250)
    ap.add_argument('--jobs', type=int, default=2)
    ap.add_argument('--jac', type=int, default=None, help='Jacobian power of s_t in value years (spec: n = 63)')
    ap.add_argument('--no-swaps', action='store_true', help='single-site Gibbs only in rank years, as the spec describes '
                    '(reducible: shows the bias; not for use)')
    ap.add_argument('--models', default=','.join(MODELS))
    ap.add_argument('--origins', default='2021,2022,2023,2024')
    a = ap.parse_args()
    if a.quick:
        a.sweeps, a.burn, a.thin, a.K = 300, 100, 1, 4
    out = a.out or ('/tmp/projref-quick' if a.quick else here)
    os.makedirs(out, exist_ok=True)
    t0 = time.time()
    rec = Record(a.data)
    for nline in rec.notes:
        print(nline, file=sys.stderr)
    models = a.models.split(',')
    origins = [int(o) for o in a.origins.split(',')]
    track = [rec.idx[p] for p in LATENT_PROVINCES]
    pool = None
    if a.jobs > 1:
        import multiprocessing as mp
        pool = mp.Pool(a.jobs)
    how = ['made by tests/reference/projection_reference.py%s (independent reference of MODEL-SPEC.md v1)' % (' --quick' if a.quick else ''),
           'data: shared CSVs (%s); seed %d; %d chains x %d sweeps, burn-in %d, thin %d; %d forward simulations per saved draw'
           % (os.path.normpath(a.data), a.seed, a.chains, a.sweeps, a.burn, a.thin, a.K),
           'Jacobian power in value years: %d%s' % (a.jac if a.jac is not None else 63,
                                                     '; NO SWAP MOVES (single-site only, reducible)' if a.no_swaps else '')]
    fits = {}
    for mi, model in enumerate(models):
        for origin in origins:
            seeds = [a.seed + 1000 * mi + 10 * (origin - 2020) + c for c in range(a.chains)]
            ts = time.time()
            fits[(model, origin)] = fit_chains(rec, model, origin, seeds, a.sweeps, a.burn, a.thin, a.jac, pool, track=track,
                                               swap_factor=0 if a.no_swaps else 4)
            print('fit %-17s origin %d: %.1f s' % (model, origin, time.time() - ts), file=sys.stderr)
    rng = np.random.default_rng(a.seed + 7)

    # 1. parameters and latent ranks
    with open(os.path.join(out, 'projection_params.csv'), 'w') as f:
        header(f, how + ['posterior summaries of the free parameters; rhat = split R-hat over chains; ess = bulk ESS (Geyer)',
                         'corr_within/corr_across = omega2 + (1 - omega2) rho_w / rho_b (implied year-to-year correlation)'])
        f.write('origin,model,param,mean,q05,q95,rhat,ess\n')
        for (model, origin), ch in fits.items():
            names = MODEL_PARAMS[model]
            for j, pn in enumerate(names):
                xs = [c['x'][:, j] for c in ch]
                allx = np.concatenate(xs)
                rh, ess = split_rhat(xs)
                f.write('%d,%s,%s,%.4f,%.4f,%.4f,%.3f,%.0f\n' % (origin, model, pn, allx.mean(), np.quantile(allx, 0.05), np.quantile(allx, 0.95), rh, ess))
            th = pooled(ch, 'theta')
            for lab, col in (('corr_within', 0), ('corr_across', 1)):
                cc = th[:, 2] + (1 - th[:, 2]) * th[:, col]
                rh, ess = split_rhat([c['theta'][:, 2] + (1 - c['theta'][:, 2]) * c['theta'][:, col] for c in ch])
                f.write('%d,%s,%s,%.4f,%.4f,%.4f,%.3f,%.0f\n' % (origin, model, lab, cc.mean(), np.quantile(cc, 0.05), np.quantile(cc, 0.95), rh, ess))
    with open(os.path.join(out, 'projection_latent.csv'), 'w') as f:
        header(f, how + ['latent ranks (order of z among 63) in the rank years, for four provinces: posterior mean, 5%, 95%; allowed slots lo..hi from the record'])
        f.write('origin,model,province,year,lo,hi,mean_rank,q05,q95,mean_z\n')
        for (model, origin), ch in fits.items():
            ry = ch[0]['ry']
            for k in ry:
                y = ch[0]['years'][k]
                rr = np.concatenate([c['track'][k] for c in ch])
                zz = np.concatenate([c['ztrack'][k] for c in ch])
                for j, p in enumerate(LATENT_PROVINCES):
                    i = rec.idx[p]
                    f.write('%d,%s,%s,%d,%d,%d,%.2f,%d,%d,%.3f\n' % (origin, model, p, y, rec.lo[y][i], rec.hi[y][i], rr[:, j].mean(),
                                                                   np.quantile(rr[:, j], 0.05), np.quantile(rr[:, j], 0.95), zz[:, j].mean()))

    # 2. backtest
    metrics = ['logscore', 'cov80', 'cov50', 'crps', 'brier10', 'brier15', 'log10', 'log15', 'mae']
    with open(os.path.join(out, 'projection_backtest.csv'), 'w') as f, open(os.path.join(out, 'projection_pit.csv'), 'w') as fp:
        header(f, how + ['backtest: fit on years <= origin, forecast rank of every unit in each later year; value = mean over units, se = sd/sqrt(units)',
                         'logscore = -log(0.99 p(r) + 0.01/n); cov80/cov50: r within [q10,q90]/[q25,q75] (q_p = min k with F(k) >= p);',
                         'crps = sum_k (F(k) - 1[r<=k])^2; brier10/15 on P(rank<=10/15); log10/15 = -log(0.99 p(outcome) + 0.005); mae = |median - r|',
                         'frame 34: units = mean of members z in 2024, truth = competition ranks of the 2024 unit means rounded to 4 decimals'])
        header(fp, how + ['mid-PIT histogram (10 equal bins on [0,1]) of the backtest'])
        f.write('model,origin,target,frame,n_units,metric,value,se\n')
        fp.write('model,origin,target,frame,' + ','.join('b%d' % b for b in range(10)) + '\n')
        for (model, origin), ch in fits.items():
            if origin >= 2024:
                continue
            D = {k: pooled(ch, k) for k in ('theta', 'mu', 'zlast')}
            for frame in ('63', '34'):
                zs = simulate(D, rec, origin + 1, 2024, a.K, rng, tmodel=model.endswith('-t'))
                for yi, y in enumerate(range(origin + 1, 2025)):
                    if frame == '34':
                        if y != 2024:
                            continue
                        zu = np.stack([zs[:, yi, rec.members[j]].mean(axis=1) for j in range(rec.nu)], axis=1)
                        rs = ranks_of(zu)
                        truth = rec.rank34
                        n = 34
                    else:
                        rs = ranks_of(zs[:, yi, :])
                        truth = rec.rank[y]
                        n = 63
                    sc = score(rs, truth, n)
                    for mname in metrics:
                        v = sc[mname]
                        f.write('%s,%d,%d,%s,%d,%s,%.4f,%.4f\n' % (model, origin, y, frame, len(v), mname, v.mean(), v.std(ddof=1) / math.sqrt(len(v))))
                    h = np.histogram(sc['pit'], bins=10, range=(0, 1))[0]
                    fp.write('%s,%d,%d,%s,%s\n' % (model, origin, y, frame, ','.join(str(x) for x in h)))

    # 3. forecast for Thai Nguyen
    tn = rec.idx[TN]
    tnu = rec.unit_idx[tn]
    with open(os.path.join(out, 'projection_forecast.csv'), 'w') as f:
        header(f, how + ['forecast from the full record 2020-2024 for Thai Nguyen (frame 34: its unit Thai Nguyen + Bac Kan among 34; frame 63: the province among 63)',
                         'q = probability that 2025 is an edition change (c_2025 = rho_b); q = 0.5 pools equal numbers of q = 0 and q = 1 runs (stratified)',
                         'mcse = Monte Carlo standard error by batch means (10 batches per chain) over the posterior draws'])
        f.write('model,frame,q,quantity,year,value,mcse\n')
        for model in models:
            if (model, 2024) not in fits:
                continue
            ch = fits[(model, 2024)]
            D = {k: pooled(ch, k) for k in ('theta', 'mu', 'zlast')}
            nd = D['theta'].shape[0]
            for frame in ('34', '63'):
                target = tnu if frame == '34' else tn
                res = {}
                for qv in (0.0, 1.0):
                    chg = np.full(nd * a.K, qv > 0.5)
                    zs = simulate(D, rec, 2025, 2030, a.K, rng, frame=frame, change_2025=chg, tmodel=model.endswith('-t'))
                    r = np.stack([ranks_of(zs[:, k, :])[:, target] for k in range(6)], axis=1)  # (nd*K, 6)
                    res[qv] = r.reshape(nd, a.K, 6)
                res[0.5] = np.concatenate([res[0.0], res[1.0]], axis=1)
                for qv in (0.5, 0.0, 1.0):
                    r = res[qv]
                    ev = {'P_top15_2025': (r[:, :, 0] <= 15), 'P_top10_2030': (r[:, :, 5] <= 10),
                          'P_top10_every_year_2025_2030': np.all(r <= 10, axis=2)}
                    for qn, e in ev.items():
                        pd_ = e.mean(axis=1)
                        f.write('%s,%s,%.1f,%s,%s,%.4f,%.4f\n' % (model, frame, qv, qn, '', pd_.mean(), batch_se(pd_, a.chains)))
                    for k, y in enumerate(range(2025, 2031)):
                        flat = r[:, :, k]
                        for qn, pp in (('rank_q10', 0.1), ('rank_median', 0.5), ('rank_q90', 0.9)):
                            val = disc_quant(flat.ravel(), pp)
                            # mcse of the quantile: batch estimates
                            L = nd // a.chains
                            bq = []
                            for c in range(a.chains):
                                blk = flat[c * L:(c + 1) * L]
                                bl = len(blk) // 10
                                for b in range(10):
                                    bq.append(disc_quant(blk[b * bl:(b + 1) * bl].ravel(), pp))
                            f.write('%s,%s,%.1f,%s,%d,%d,%.2f\n' % (model, frame, qv, qn, y, val, np.std(bq, ddof=1) / math.sqrt(len(bq))))
    if pool is not None:
        pool.close()
    print('total %.1f s' % (time.time() - t0), file=sys.stderr)
    # self-checks (exit 1 on failure): the record converts cleanly, the chains agree
    fails = [nl for nl in rec.notes if nl.startswith('CONFLICT')]
    for (model, origin), ch in fits.items():
        for j, pn in enumerate(MODEL_PARAMS[model]):
            rh = split_rhat([c['x'][:, j] for c in ch])[0]
            if rh > 1.1:
                fails.append('R-hat %.3f > 1.1 for %s %s origin %d' % (rh, model, pn, origin))
    for fl in fails:
        print(('WARNING (quick run): ' if a.quick else 'CHECK FAILED: ') + fl, file=sys.stderr)
    if fails and not a.quick:
        sys.exit(1)


def disc_quant(x, p):
    """min k with F(k) >= p for integer samples x"""
    xs = np.sort(x)
    idx = int(math.ceil(p * len(xs) - 1e-9)) - 1
    return int(xs[max(idx, 0)])


if __name__ == '__main__':
    main()
