/* lang.h -- the words of the documents people read in English or Vietnamese (`dtirank report --lang`
 * and its charts): one table of strings (lang.c), each key with its English and its Vietnamese text.
 * Every text is a printf format; both languages take the same conversions in the same order
 * (tests/unit/test_lang.c checks every pair).  Presentation only: no I/O.
 */
#ifndef DTI_LANG_H
#define DTI_LANG_H

#include <stddef.h>

#include "dtirank.h"

enum dti_lang { DTI_LANG_EN, DTI_LANG_VI, DTI_LANG_COUNT };

/* "en" / "vi" -> *lang; DTI_ERR_USAGE otherwise. */
int dti_lang_parse(const char *s, int *lang, dti_error *err);
const char *dti_lang_code(int lang);

/* The keys.  A comment gives the arguments of a format. */
enum dti_lang_key {
    /* charts */
    DTI_L_OBSERVED, DTI_L_MEDIAN, DTI_L_BAND50, DTI_L_BAND80,
    DTI_L_TARGET,         /* top (size_t), year (int) */
    DTI_L_RANK_AXIS, DTI_L_NO_DATA,
    DTI_L_FAN_UNITS,      /* name, n (size_t) */
    DTI_L_FAN_PROVINCES,  /* name, n (size_t) */
    DTI_L_FAN_SUB,        /* from (int), to (int), model, runs (text) */
    DTI_L_BUMP_TITLE,     /* from (int), to (int), k (size_t), year (int), name */
    DTI_L_BUMP_SUB,       /* n (size_t) */
    DTI_L_TORNADO_TITLE,  /* name, rank (size_t), n (size_t) */
    DTI_L_TORNADO_IN, DTI_L_TORNADO_OUT, /* name, top (size_t) */
    DTI_L_CHART_SUB,      /* framework, data */
    DTI_L_TORNADO_X, DTI_L_TORNADO_LOW, DTI_L_TORNADO_HIGH, DTI_L_TORNADO_NOMINAL,
    DTI_L_SOBOL_TITLE,    /* name */
    DTI_L_SOBOL_X, DTI_L_SOBOL_S1, DTI_L_SOBOL_ST,
    DTI_L_UNC_WEIGHTS, DTI_L_UNC_NORM, DTI_L_UNC_AGG, DTI_L_UNC_TREAT, DTI_L_UNC_IMPUTE, /* uncertain inputs */
    DTI_L_PIT_TITLE,      /* model */
    DTI_L_PIT_X, DTI_L_PIT_COUNT, DTI_L_PIT_REF,
    /* verdicts (dti_present_verdict's words) */
    DTI_L_LIKELY, DTI_L_UNLIKELY, DTI_L_UNCERTAIN,
    DTI_L_BORDERLINE,     /* threshold (text) */
    /* the report: headings */
    DTI_L_H1,             /* name */
    DTI_L_FRAME_UNITS,    /* n (size_t), unit, former provinces */
    DTI_L_FRAME_PROVINCES,/* n (size_t) */
    DTI_L_H_ANSWER, DTI_L_H_FAN, DTI_L_H_HISTORY,
    DTI_L_H_TABLE,        /* year (int) */
    DTI_L_H_CALIBRATION, DTI_L_H_WEIGHTS, DTI_L_H_SOURCES,
    /* the answer */
    DTI_L_ANSWER_OPEN,    /* top (size_t), year (int), name, rank (size_t), n (size_t), year (int), status */
    DTI_L_ANSWER_NORANK,  /* top (size_t), year (int), name */
    DTI_L_ANSWER_P,       /* top (size_t), year (int), p, se, verdict */
    DTI_L_ANSWER_ALL,     /* from (int), to (int), p, se, verdict */
    DTI_L_ANSWER_DECIDED, /* top (size_t), year (int), name, rank (size_t), n (size_t), status */
    DTI_L_ANSWER_NONE,    /* name, targets file, P(top 10), P(top 15) (text), year (int) */
    DTI_L_MET, DTI_L_MISSED, DTI_L_WITHIN, DTI_L_OUTSIDE,
    DTI_L_ANSWER_MODEL,   /* model, from (int), to (int), value years, runs (text), seed (unsigned long) */
    DTI_L_ANSWER_SCALE,   /* likely threshold (text), unlikely threshold (text) */
    DTI_L_ANSWER_OTHER_FRAME, /* n (size_t) */
    /* the forecast */
    DTI_L_YEAR, DTI_L_MEDIAN_COL, DTI_L_INT50_COL, DTI_L_INT80_COL,
    DTI_L_P_TOP,          /* k (size_t) */
    DTI_L_FORECAST_NOTE,  /* n (size_t) */
    /* the history */
    DTI_L_HISTORY_UNITS, DTI_L_HISTORY_PROVINCES,
    /* the table */
    DTI_L_RANK_COL, DTI_L_UNIT_COL, DTI_L_PROVINCE_COL, DTI_L_DTI_COL,
    DTI_L_CHANGE_COL,     /* year (int) */
    DTI_L_REGION_COL,
    DTI_L_TABLE_UNITS,    /* year (int), indicators (text) */
    DTI_L_TABLE_PROVINCES,/* year (int), indicators (text) */
    DTI_L_TABLE_PUBLISHED,/* ranks (size_t), values (size_t), path, ranks ok (size_t), values ok (size_t) */
    DTI_L_NO_INDICATORS,
    /* calibration */
    DTI_L_MODEL_COL, DTI_L_LOG_COL, DTI_L_IN80_COL, DTI_L_IN50_COL, DTI_L_CRPS_COL, DTI_L_MAE_COL, DTI_L_NOTE_COL,
    DTI_L_CAL_DEFAULT, DTI_L_CAL_CHOSEN,
    DTI_L_CAL_MADE,       /* path, made, version, models (size_t), origins, runs (text), sampler */
    DTI_L_CAL_READ,
    DTI_L_CAL_STALE,      /* reason */
    DTI_L_CAL_MISSING,    /* path */
    DTI_L_CAL_PIT_NOTE,
    /* weights */
    DTI_L_W_YEAR,         /* year (int), framework, year of the weights (int) */
    DTI_L_W_NONE,         /* framework, year (int), scored (size_t), n (size_t) */
    DTI_L_W_NO_FRAMEWORK,
    DTI_L_W_STABILITY_NOTE,
    /* sources */
    DTI_L_SOURCE_YEAR,    /* year (int), file */
    DTI_L_SOURCE_FRAMEWORK, /* year (int), framework's title, its source */
    DTI_L_LIMITS,
    DTI_L_MADE_BY,        /* version */
    DTI_L_COUNT
};

/* Every text is a printf format (a literal percent sign is written %%): dti_lang_format formats it into
 * buf; dti_lang_text returns the format itself (never NULL), for the texts without a percent sign. */
const char *dti_lang_text(int lang, int key);
void dti_lang_format(char *buf, size_t size, int lang, int key, ...);
/* A registry region ("Red River Delta", or "A / B" for a unit across two) in lang: the General
 * Statistics Office's Vietnamese names of the six regions; a name it does not know is kept. */
void dti_lang_region(int lang, const char *region, char *buf, size_t size);

#endif
