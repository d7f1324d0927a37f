/* test_tune_units.c -- `tune sensitivity|stability|goal --units`: the tuning commands among the merged
 * units of a reorganisation (docs/tuning.md §5).  Worked by hand on the 3-province example of
 * fixture_abc.h; an identity map must reproduce the provinces' own results exactly.
 * The registry, maps, year record and uncertainty files below are SYNTHETIC, written by this test. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "dataset.h"
#include "internal.h"
#include "merger.h"
#include "tune.h"
#include "fixture_abc.h"
#include "present.h"
#include "testutil.h"

static int S_setup(void **state)
{
    (void)state;
    if (S_fixture_abc("/tmp/dti_test_tune_units") != 0)
        return -1;
    S_write("idmap.yaml", "# SYNTHETIC identity map: every province its own unit\n"
                          "units:\n"
                          "  - {old: Alpha, new: Alpha, merged: false}\n"
                          "  - {old: Beta, new: Beta, merged: false}\n"
                          "  - {old: Gamma, new: Gamma, merged: false}\n");
    /* the same with Gamma at 0.65 everywhere, close to Alpha's 0.660: ranks move with the weights */
    S_write("year_close.yaml", "# SYNTHETIC year record\n"
                               "year: 2022\nmodel: dti-2022\nunits: 3\nprovinces:\n"
                               "  - province: Alpha\n"
                               "    awareness: 0.9\n    institutions: 0.8\n    infrastructure: 0.7\n"
                               "    human_resources: 0.6\n    cybersecurity: 0.5\n    gov_activity: 0.8\n"
                               "    econ_activity: 0.6\n    society_activity: 0.4\n"
                               "  - province: Beta\n"
                               "    awareness: 0.5\n    institutions: 0.4\n    infrastructure: 0.3\n"
                               "    human_resources: 0.2\n    cybersecurity: 0.1\n    gov_activity: 0.4\n"
                               "    econ_activity: 0.2\n    society_activity: 0.2\n"
                               "  - province: Gamma\n"
                               "    awareness: 0.65\n    institutions: 0.65\n    infrastructure: 0.65\n"
                               "    human_resources: 0.65\n    cybersecurity: 0.65\n    gov_activity: 0.65\n"
                               "    econ_activity: 0.65\n    society_activity: 0.65\n");
    /* weights, normalisation and aggregation: 2 memoised combinations */
    S_write("unc.yaml", "inputs:\n"
                        "  - {name: weights, weights: {noise: 0.25}}\n"
                        "  - {name: normalisation, normalise: [none, minmax]}\n"
                        "  - {name: aggregation, aggregate: [arithmetic, geometric]}\n");
    /* ranks that do move (z-scores), for the identity-map comparison */
    S_write("unc_z.yaml", "inputs:\n"
                          "  - {name: weights, weights: {noise: 0.25}}\n"
                          "  - {name: normalisation, normalise: [none, minmax, {method: zscore, mean: 10, sd: 2}]}\n"
                          "  - {name: aggregation, aggregate: [arithmetic, geometric]}\n");
    /* 300 winsorisation limits > 256 combinations: no memo, every draw runs every stage (the model
     * treats no indicator, so the limit changes nothing but the path) */
    S_write("unc_nomemo.yaml", "inputs:\n"
                               "  - {name: weights, weights: {noise: 0.25}}\n"
                               "  - {name: winsorisation, winsorise: [1, 300]}\n"
                               "  - {name: aggregation, aggregate: [arithmetic, geometric]}\n");
    return 0;
}

/* The example loaded: framework, data, registry, a merger map and its frame over the data. */
typedef struct S_ex {
    dti_framework *fw;
    dti_dataset *ds;
    dti_registry *reg;
    dti_merger m;
    dti_merger_frame f;
} S_ex;

static void S_ex_load(S_ex *x, const char *map, const char *year)
{
    dti_error err;
    dti_error_init(&err);
    memset(x, 0, sizeof *x);
    assert_int_equal(dti_framework_load(S_path("models/dti-2022.yaml"), &x->fw, &err), DTI_OK);
    assert_int_equal(dti_registry_load(S_path("reg.yaml"), &x->reg, &err), DTI_OK);
    assert_int_equal(dti_dataset_load(S_path(year), x->fw, x->reg, S_path("models"), &x->ds, &err), DTI_OK);
    assert_int_equal(dti_merger_load(S_path(map), x->reg, &x->m, &err), DTI_OK);
    assert_int_equal(dti_merger_frame_init(&x->f, &x->m, x->reg, (const char *const *)x->ds->unit, x->ds->n_units,
                                           x->ds->path, &err),
                     DTI_OK);
    dti_registry_attach_units(x->reg, dti_merger_units_registry(&x->m, x->reg, "map"));
}

/* An uncertainty file of the example, loaded (dti_uncertainty_free). */
static dti_uncertainty *S_unc(const char *name)
{
    dti_error err;
    dti_error_init(&err);
    dti_uncertainty *u = NULL;
    assert_int_equal(dti_uncertainty_load(S_path(name), &u, &err), DTI_OK);
    return u;
}

static void S_ex_free(S_ex *x)
{
    dti_merger_frame_clear(&x->f);
    dti_merger_clear(&x->m);
    dti_registry_free(x->reg);
    dti_dataset_free(x->ds);
    dti_framework_free(x->fw);
}

/* Node index of an indicator id. */
static size_t S_node(const dti_framework *fw, const char *id)
{
    for (size_t i = 0; i < fw->n_nodes; i++)
        if (!strcmp(fw->nodes[i].id, id))
            return i;
    fail_msg("no node %s", id);
    return 0;
}

static const dti_tune_stab_row *S_row(const dti_tune_stab_result *res, size_t node)
{
    for (size_t i = 0; i < res->n_rows; i++)
        if (res->row[i].node == node)
            return &res->row[i];
    fail_msg("no row for node %zu", node);
    return NULL;
}

/* Stability of Alpha-Beta's rank among the units (2 units: Alpha-Beta 0.475, Gamma 0.600, both by
 * hand in test_merger.c).  Alpha-Beta's merged indicators are the means
 *   v = (aw 0.7, inst 0.6, infra 0.5, hr 0.4, cyber 0.3, gov 0.6, econ 0.4, soc 0.3),
 * weights 100 x 5, 200, 150, 150 of W = 1000.  Moving indicator k's share t (nominal t0), the others
 * rescaled by (1 - t)/(1 - t0):  s(t) = t v_k + (1 - t) (0.475 - t0 v_k) / (1 - t0).  Gamma is 0.6
 * whatever the weights.  Alpha-Beta (rank 2) ties Gamma (rank 1) once its score rounds to 0.6000 on 4
 * decimals, i.e. s(t) >= 0.59995:
 *   awareness, t0 = 0.1:  s = 0.7 t + 0.405 (1 - t)/0.9 = 0.45 + 0.25 t
 *                         -> 0.45 + 0.25 t = 0.59995 at t = 0.14995/0.25 = 0.5998: [0, 0.5998], rank 1 above
 *   gov_activity, t0 = 0.2: s = 0.6 t + 0.355 (1 - t)/0.8 = 0.44375 + 0.15625 t
 *                         -> t = 0.1562/0.15625 = 0.99968: [0, 0.99968], rank 1 above
 *   cybersecurity, t0 = 0.1: s = 0.3 t + 0.445 (1 - t)/0.9 = 0.494444 - 0.194444 t <= 0.4945 < 0.59995
 *                         -> [0, 1], no rank change at either end
 * Among the provinces (no merger) the same data rank Alpha 1st (0.660), Gamma 2nd, Beta 3rd. */
static void test_dti_tune_stability_units_hand(void **state)
{
    (void)state;
    dti_error err;
    dti_error_init(&err);
    S_ex x;
    S_ex_load(&x, "map.yaml", "year.yaml");
    size_t ab;
    assert_int_equal(dti_merger_find(&x.m, "Alpha-Beta", &ab, &err), DTI_OK);
    dti_tune_stab_result res;
    assert_int_equal(dti_tune_stability_units(x.fw, x.ds, &x.f, ab, 0, &res, &err), DTI_OK);
    assert_int_equal(res.rank, 2);
    assert_int_equal(res.n_scored, 2);
    assert_int_equal(res.n_rows, 8);
    const dti_tune_stab_row *r = S_row(&res, S_node(x.fw, "awareness"));
    assert_true(r->exact);
    assert_close(r->nominal, 0.1, 1e-12, 0);
    assert_close(r->lower, 0, 0, 1e-12);
    assert_int_equal(r->rank_below, 0);
    assert_close(r->upper, 0.5998, 0, 1e-9);
    assert_int_equal(r->rank_above, 1);
    r = S_row(&res, S_node(x.fw, "gov_activity"));
    assert_close(r->nominal, 0.2, 1e-12, 0);
    assert_close(r->lower, 0, 0, 1e-12);
    assert_close(r->upper, 0.99968, 0, 1e-9);
    assert_int_equal(r->rank_above, 1);
    r = S_row(&res, S_node(x.fw, "cybersecurity"));
    assert_close(r->lower, 0, 0, 1e-12);
    assert_close(r->upper, 1, 0, 1e-12);
    assert_int_equal(r->rank_below, 0);
    assert_int_equal(r->rank_above, 0);
    dti_tune_stab_result_clear(&res);
    /* the unit of a province named on the command line: Beta's unit is Alpha-Beta */
    size_t u, p;
    assert_int_equal(dti_registry_find_unit(x.reg, "Beta", &u, &p, &err), DTI_OK);
    assert_int_equal(u, ab);
    assert_int_equal(p, 1);
    assert_int_equal(dti_registry_find_unit(x.reg, "alpha-beta", &u, &p, &err), DTI_OK);
    assert_int_equal(u, ab);
    assert_int_equal(p, DTI_NONE);
    assert_int_equal(dti_registry_find_unit(x.reg, "Delta", &u, &p, &err), DTI_ERR_INPUT);
    /* "delta" is 2 edits from "beta": too far to suggest for a 5-letter name */
    assert_string_equal(err.e[0].message, "unknown unit or province 'Delta' (give a unit's name, or a province's code or name)");
    dti_error_init(&err);
    assert_int_equal(dti_registry_find_unit(x.reg, "Gama", &u, &p, &err), DTI_ERR_INPUT);
    assert_string_equal(err.e[0].message, "unknown unit or province 'Gama' (did you mean Gamma?)");
    S_ex_free(&x);
}

/* Goal: Alpha-Beta into the top 1 among the units by raising ONE former province's indicators.
 * Needed: Gamma's 0.6000 on 4 decimals has the lower edge 0.59995 (a tie shares rank 1); the target adds
 * the margin of 0.01 digit (S_GOAL_MARGIN): 0.599951; gap 0.599951 - 0.475 = 0.124951.  Under the mean
 * rule +1 in Alpha's value is +1/2 in the unit's, so the score per unit of Alpha's indicator k is
 * c_k = (w_k / 1000) / 2: gov 0.1, econ = soc 0.075, the five others 0.05; with costs 1 the cheapest
 * per point is the largest c (ties in file order), each up to the cap 1:
 *   via Alpha (0.9 0.8 0.7 0.6 0.5 | gov 0.8 econ 0.6 soc 0.4):
 *     gov +0.2 (0.02), econ +0.4 (0.03), soc +0.6 (0.045): 0.095; left 0.029951;
 *     awareness +0.1 (0.005), institutions +0.2 (0.01): left 0.014951 -> infrastructure
 *     0.014951/0.05 = +0.29902; cost 0.2 + 0.4 + 0.6 + 0.1 + 0.2 + 0.29902 = 1.79902; no indicator alone
 *     reaches (gov would need 1.24951)
 *   via Beta (0.5 0.4 0.3 0.2 0.1 | gov 0.4 econ 0.2 soc 0.2):
 *     gov +0.6 (0.06), econ +0.8 (0.06): left 0.004951 -> soc 0.004951/0.075 = +0.0660133; cost 1.4660133
 * Weighted by population (Alpha 3, Beta 1): the unit is (3 x 0.660 + 0.290)/4 = 0.5675, Alpha's share
 * 3/4, c_gov = 0.15, c_econ = 0.1125; gap 0.032451: gov +0.2 (0.03), left 0.002451 -> econ
 * 0.002451/0.1125 = +0.0217867; cost 0.2217867.
 * The engine then ranks the unit 1st (tied with Gamma on 4 decimals) in each case. */
static void test_dti_tune_goal_units_hand(void **state)
{
    (void)state;
    dti_error err;
    dti_error_init(&err);
    S_ex x;
    S_ex_load(&x, "map.yaml", "year.yaml");
    size_t aw = 0, inst = 1, infra = 2, gov = 6, econ = 7, soc = 8; /* engine columns (smart_city is 5) */
    dti_tune_goal_result res;
    assert_int_equal(dti_tune_goal_units(x.fw, x.ds, &x.f, 0, 1, NULL, &res, &err), DTI_OK);
    assert_close(res.score, 0.475, 1e-12, 0);
    assert_close(res.rival_score, 0.600, 1e-12, 0);
    assert_close(res.needed, 0.599951, 1e-12, 0);
    assert_close(res.share, 0.5, 1e-15, 0);
    assert_int_equal(res.rank, 2);
    assert_false(res.already);
    assert_true(res.reachable);
    assert_close(res.delta[gov], 0.2, 0, 1e-10);
    assert_close(res.delta[econ], 0.4, 0, 1e-10);
    assert_close(res.delta[soc], 0.6, 0, 1e-10);
    assert_close(res.delta[aw], 0.1, 0, 1e-10);
    assert_close(res.delta[inst], 0.2, 0, 1e-10);
    assert_close(res.delta[infra], 0.29902, 0, 1e-10);
    assert_close(res.delta[3], 0, 0, 1e-15);
    assert_close(res.plan_cost, 1.79902, 0, 1e-10);
    assert_close(res.score_after, 0.599951, 0, 1e-10);
    assert_int_equal(res.rank_after, 1);
    for (size_t j = 0; j < res.n; j++)
        assert_true(isnan(res.single[j]));
    dti_tune_goal_result_clear(&res);

    assert_int_equal(dti_tune_goal_units(x.fw, x.ds, &x.f, 1, 1, NULL, &res, &err), DTI_OK);
    assert_close(res.delta[gov], 0.6, 0, 1e-10);
    assert_close(res.delta[econ], 0.8, 0, 1e-10);
    assert_close(res.delta[soc], 0.004951 / 0.075, 0, 1e-10);
    assert_close(res.plan_cost, 1.4 + 0.004951 / 0.075, 0, 1e-10);
    assert_int_equal(res.rank_after, 1);
    dti_tune_goal_result_clear(&res);

    assert_int_equal(dti_tune_goal_units(x.fw, x.ds, &x.f, 2, 1, NULL, &res, &err), DTI_OK); /* Gamma */
    assert_true(res.already);
    dti_tune_goal_result_clear(&res);

    assert_int_equal(dti_merger_set_weights(&x.m, x.reg, "population", &err), DTI_OK);
    assert_int_equal(dti_tune_goal_units(x.fw, x.ds, &x.f, 0, 1, NULL, &res, &err), DTI_OK);
    assert_close(res.score, 0.5675, 1e-12, 0);
    assert_close(res.share, 0.75, 1e-15, 0);
    assert_close(res.delta[gov], 0.2, 0, 1e-10);
    assert_close(res.delta[econ], 0.002451 / 0.1125, 0, 1e-10);
    assert_close(res.plan_cost, 0.2 + 0.002451 / 0.1125, 0, 1e-10);
    assert_int_equal(res.rank_after, 1);
    dti_tune_goal_result_clear(&res);
    S_ex_free(&x);
}

/* Group-mean imputation among the merged units: the imputation groups belong to the 3 provinces (the
 * data's units), not to the 2 units; stability must run (it once sized the group labels by the units
 * and wrote past them) and goal must refuse, since imputing from other units breaks "all else fixed".
 * Beta's b is missing and imputed from its group (region N: Alpha's 0.5), so Beta = (0.3 + 0.5)/2 = 0.4,
 * Alpha 0.5, Gamma 0.6; Alpha-Beta = 0.45 < Gamma 0.6: rank 2 among the units. */
static void test_dti_tune_units_group_imputation(void **state)
{
    (void)state;
    S_write("models/grp.yaml", "name: grp\n"
                               "defaults: {impute: {method: group_mean, group: region}}\n"
                               "nodes:\n"
                               "  - {id: idx}\n"
                               "  - {id: a, parent: idx, weight: 1}\n"
                               "  - {id: b, parent: idx, weight: 1}\n");
    S_write("grp.yaml", "# SYNTHETIC data table\n"
                        "model: grp\n"
                        "units:\n"
                        "  - {unit: \"01\", name: Alpha, groups: {region: N}, values: {a: 0.5, b: 0.5}}\n"
                        "  - {unit: \"02\", name: Beta, groups: {region: N}, values: {a: 0.3, b: ~}}\n"
                        "  - {unit: \"03\", name: Gamma, groups: {region: S}, values: {a: 0.6, b: 0.6}}\n");
    dti_error err;
    dti_error_init(&err);
    dti_framework *fw = NULL;
    dti_dataset *ds = NULL;
    dti_registry *reg = NULL;
    dti_merger m;
    dti_merger_frame f;
    assert_int_equal(dti_framework_load(S_path("models/grp.yaml"), &fw, &err), DTI_OK);
    assert_int_equal(dti_registry_load(S_path("reg.yaml"), &reg, &err), DTI_OK);
    assert_int_equal(dti_dataset_load(S_path("grp.yaml"), fw, reg, S_path("models"), &ds, &err), DTI_OK);
    assert_int_equal(dti_merger_load(S_path("map.yaml"), reg, &m, &err), DTI_OK);
    assert_int_equal(dti_merger_frame_init(&f, &m, reg, (const char *const *)ds->unit, ds->n_units, ds->path, &err),
                     DTI_OK);
    dti_tune_stab_result st;
    assert_int_equal(dti_tune_stability_units(fw, ds, &f, 0, 0, &st, &err), DTI_OK);
    assert_int_equal(st.rank, 2);
    assert_int_equal(st.n_scored, 2);
    dti_tune_stab_result_clear(&st);
    dti_tune_goal_result g;
    assert_int_equal(dti_tune_goal_units(fw, ds, &f, 0, 1, NULL, &g, &err), DTI_ERR_INPUT);
    assert_non_null(strstr(err.e[0].message, "imputes missing values"));
    dti_merger_frame_clear(&f);
    dti_merger_clear(&m);
    dti_registry_free(reg);
    dti_dataset_free(ds);
    dti_framework_free(fw);
}

/* With an identity map every unit is one province with weight 1: v(unit) = (0 + 1 v)/1 = v exactly, so
 * stability, goal and the Monte Carlo histograms must equal the provinces' own, bit for bit (on data
 * where Gamma, 0.650, is close to Alpha, 0.660, so that ranks do move). */
static void test_dti_tune_units_identity(void **state)
{
    (void)state;
    dti_error err;
    dti_error_init(&err);
    S_ex x;
    S_ex_load(&x, "idmap.yaml", "year_close.yaml");
    assert_int_equal(x.m.n_units, 3);
    for (size_t u = 0; u < 3; u++) {
        for (size_t top = 0; top < 3; top++) {
            dti_tune_stab_result a, b;
            assert_int_equal(dti_tune_stability(x.fw, x.ds, u, top, &a, &err), DTI_OK);
            assert_int_equal(dti_tune_stability_units(x.fw, x.ds, &x.f, u, top, &b, &err), DTI_OK);
            assert_int_equal(a.rank, b.rank);
            assert_int_equal(a.n_rows, b.n_rows);
            assert_memory_equal(a.row, b.row, a.n_rows * sizeof *a.row);
            dti_tune_stab_result_clear(&a);
            dti_tune_stab_result_clear(&b);
        }
        dti_tune_goal_result a, b;
        assert_int_equal(dti_tune_goal(x.fw, x.ds, u, 1, NULL, &a, &err), DTI_OK);
        assert_int_equal(dti_tune_goal_units(x.fw, x.ds, &x.f, u, 1, NULL, &b, &err), DTI_OK);
        assert_int_equal(a.rank_after, b.rank_after);
        assert_memory_equal(a.delta, b.delta, a.n * sizeof *a.delta);
        assert_memory_equal(a.coef, b.coef, a.n * sizeof *a.coef);
        dti_tune_goal_result_clear(&a);
        dti_tune_goal_result_clear(&b);
    }
    const char *files[] = {"unc_z.yaml", "unc_nomemo.yaml"};
    for (size_t f = 0; f < 2; f++) {
        dti_tune_sens *sp = NULL, *su = NULL;
        dti_uncertainty *unc = S_unc(files[f]);
        assert_int_equal(dti_tune_sens_new(x.fw, x.ds, unc, 2, &sp, &err), DTI_OK);
        assert_int_equal(dti_tune_sens_new(x.fw, x.ds, unc, 2, &su, &err), DTI_OK);
        dti_tune_sens_set_units(su, &x.f, 0);
        dti_tune_sens_set_bins(su, 2); /* 3 units in windows of 2 bins: two passes over the draws */
        assert_int_equal(dti_tune_sens_mc(sp, 3000, 7, 1, &err), DTI_OK);
        assert_int_equal(dti_tune_sens_mc(su, 3000, 7, 1, &err), DTI_OK);
        size_t np, nu;
        const dti_tune_rank_stats *hp = dti_tune_sens_stats(sp, &np), *hu = dti_tune_sens_stats(su, &nu);
        assert_int_equal(np, 3);
        assert_int_equal(nu, 3);
        assert_memory_equal(hp, hu, 3 * sizeof *hp);
        size_t moved = 0; /* the comparison means something only if ranks do move: first in some draws */
        for (size_t u = 0; u < 3; u++)
            moved += hp[u].top != 0 && hp[u].top != 3000;
        assert_true(moved > 0);
        dti_tune_sens_free(sp);
        dti_tune_sens_free(su);
        dti_uncertainty_free(unc);
    }
    S_ex_free(&x);
}

/* Sensitivity among the units: weights +-25%, normalisation none/minmax, aggregation arithmetic/
 * geometric.  By hand, Alpha-Beta never reaches Gamma:
 *   none: Alpha-Beta's best weighted mean puts 1.25 x on the values above the result (aw 0.7, inst 0.6,
 *     infra 0.5, gov 0.6) and 0.75 x below: (87.5 + 75 + 62.5 + 150 + 30 + 22.5 + 45 + 33.75)/1000 =
 *     0.50625 < 0.6 = Gamma (any weights, any mean); the geometric mean is below the arithmetic.
 *   minmax over the 3 provinces: Alpha-Beta (0.5 0.5 0.5 0.5 0.4 0.5 0.5 0.25) <= 0.5 everywhere;
 *     Gamma (0.25 0.5 0.75 1 1 0.5 1 1): arithmetic >= 0.6 and, at worst (1.25 x on its four values
 *     below 1), geometric exp((125 ln .25 + 125 ln .5 + 250 ln .5 + 125 ln .75)/1000) = 0.6255 > 0.5.
 * So Gamma is 1st and Alpha-Beta 2nd in every draw: histograms (0, 0, N) and (0, N, 0), so every quantile
 * is rank 2 and rank 1.  The report
 * is the same at 1 and 3 threads, and names the rule. */
static void S_sens(const S_ex *x, const dti_uncertainty *u, size_t threads, dti_tune_sens_result *r, char **text)
{
    dti_error err;
    dti_error_init(&err);
    size_t beta_unit, prov;
    assert_int_equal(dti_registry_find_unit(x->reg, "Beta", &beta_unit, &prov, &err), DTI_OK);
    dti_tune_sens_options o = {.fw = x->fw,
                               .ds = x->ds,
                               .unc = u,
                               .unit = beta_unit,
                               .preferred = (size_t)-1,
                               .runs = 2500,
                               .sobol_n = 300,
                               .n_boot = 100,
                               .top = 1,
                               .threads = threads,
                               .seed = 11,
                               .merger = &x->m,
                               .reg = x->reg};
    assert_int_equal(dti_tune_sensitivity(&o, r, &err), DTI_OK);
    dti_report *doc = dti_present_tune_sens(&o, r, NULL);
    size_t len = 0;
    FILE *f = open_memstream(text, &len);
    assert_int_equal(dti_report_write(doc, DTI_FORMAT_TEXT, NULL, f, &err), DTI_OK);
    fclose(f);
    dti_report_free(doc);
}

static void test_dti_tune_sens_units(void **state)
{
    (void)state;
    dti_error err;
    dti_error_init(&err);
    S_ex x;
    S_ex_load(&x, "map.yaml", "year.yaml");
    dti_tune_sens *s = NULL;
    dti_uncertainty *unc = S_unc("unc.yaml");
    assert_int_equal(dti_tune_sens_new(x.fw, x.ds, unc, 3, &s, &err), DTI_OK);
    dti_tune_sens_set_units(s, &x.f, 0);
    assert_int_equal(dti_tune_sens_mc(s, 4000, 3, 1, &err), DTI_OK);
    size_t n;
    const dti_tune_rank_stats *h = dti_tune_sens_stats(s, &n);
    assert_int_equal(n, 2);
    /* ranked, top 1, q05, q50, q95 */
    const dti_tune_rank_stats want[2] = {{4000, 0, 2, 2, 2} /* Alpha-Beta: rank 2 */,
                                         {4000, 4000, 1, 1, 1} /* Gamma: rank 1 */};
    assert_memory_equal(h, want, sizeof want);
    dti_tune_sens_free(s);

    dti_tune_sens_result r1, r3;
    char *t1 = NULL, *t3 = NULL;
    S_sens(&x, unc, 1, &r1, &t1);
    S_sens(&x, unc, 3, &r3, &t3);
    assert_string_equal(t1, t3);
    size_t ab = r1.unit;
    assert_string_equal(r1.code[ab], "Alpha-Beta");
    assert_string_equal(r1.name[ab], "Alpha + Beta");
    assert_int_equal(r1.nominal_rank[ab], 2);
    assert_int_equal(r1.median[ab], 2);
    assert_int_equal(r1.q05[ab], 2);
    assert_int_equal(r1.q95[ab], 2);
    assert_close(r1.p_top[ab], 0, 0, 0);
    assert_close(r1.nominal_score[ab], 0.475, 1e-12, 0);
    assert_int_equal(r1.nominal_rank[1 - ab], 1);
    assert_int_equal(r1.median[1 - ab], 1);
    assert_close(r1.p_top[1 - ab], 1, 0, 0);
    /* the rank never moves: its Sobol indices are undefined (NaN) */
    for (size_t g = 0; g < r1.k; g++)
        assert_true(isnan(r1.sobol[g * 6]) && isnan(r1.sobol[g * 6 + 1]));
    assert_non_null(strstr(t1, "Ranks among the 2 units of the 2025 reorganisation"));
    assert_non_null(strstr(t1, "merged by the rule (unweighted mean)"));
    assert_non_null(strstr(t1, "Sobol indices of unit Alpha-Beta (Alpha + Beta): nominal rank 2 among the units, "
                               "score 0.4750\n"));
    free(t1);
    free(t3);
    dti_tune_sens_result_clear(&r1);
    dti_tune_sens_result_clear(&r3);
    dti_uncertainty_free(unc);
    S_ex_free(&x);
}

/* Data whose units are not the registry's provinces are refused. */
static void test_dti_merger_frame_init_refuses(void **state)
{
    (void)state;
    dti_error err;
    dti_error_init(&err);
    S_ex x;
    S_ex_load(&x, "map.yaml", "year.yaml");
    dti_merger_frame f;
    const char *codes[] = {"01", "01", "03"};
    assert_int_equal(dti_merger_frame_init(&f, &x.m, x.reg, codes, 3, "d.yaml", &err), DTI_ERR_INPUT);
    assert_string_equal(err.e[0].message, "unit '01' is not a distinct province of the registry");
    dti_merger_frame_clear(&f);
    dti_error_init(&err);
    assert_int_equal(dti_merger_frame_init(&f, &x.m, x.reg, codes, 2, "d.yaml", &err), DTI_ERR_INPUT);
    assert_string_equal(err.e[0].message, "--units needs the 3 provinces of the registry as the data's units (found 2)");
    dti_merger_frame_clear(&f);
    S_ex_free(&x);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dti_tune_stability_units_hand),
        cmocka_unit_test(test_dti_tune_goal_units_hand),
        cmocka_unit_test(test_dti_tune_units_group_imputation),
        cmocka_unit_test(test_dti_tune_units_identity),
        cmocka_unit_test(test_dti_tune_sens_units),
        cmocka_unit_test(test_dti_merger_frame_init_refuses),
    };
    return cmocka_run_group_tests(tests, S_setup, S_fixture_remove);
}
