/* score.h -- the engine run behind a score (internal API of score.c): what the presenters
 * (present_score.c) and the audit read of a dti_score.  The score itself: dtirank.h.
 */
#ifndef DTI_SCORE_H
#define DTI_SCORE_H

#include <stddef.h>

#include "dataset.h"
#include "dtirank.h"
#include "engine.h"

/* The framework, data and engine run behind a score, borrowed from sc. */
void dti_score_parts(const dti_score *sc, const dti_framework **fw, const dti_dataset **ds,
                     const dti_engine **w, const dti_engine_result **r);
/* The code and display name of row u of a score (the data's units, or a merger's: "A + B"), borrowed. */
const char *dti_score_unit_code(const dti_score *sc, size_t u);
const char *dti_score_unit_name(const dti_score *sc, size_t u);
/* The nodes a score shows: the root, then the other aggregates in file order (borrowed). */
const size_t *dti_score_columns(const dti_score *sc, size_t *n);
/* 1 when the rows are the units of a merger (dti_score_merge), 0 for the data's own units. */
int dti_score_merged(const dti_score *sc);

#endif
