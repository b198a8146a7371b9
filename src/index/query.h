/*
 * query.h -- the parsed query (private to src/index): required groups,
 * each an OR of clauses; a clause is one term or a phrase of terms; and
 * excluded clauses.  Term bytes are borrowed from the termer that parsed
 * the query (valid while it lives).
 */
#ifndef DL_INDEX_QUERY_H
#define DL_INDEX_QUERY_H

#include "index.h"

#define DL_QUERY_MAX_TERMS 256   /* terms in one query */

typedef struct qterm {
    const char *s;
    uint32_t len;
} qterm;

typedef struct qclause {
    uint32_t t0, nt; /* terms[t0, t0 + nt): one term, or a phrase */
} qclause;

typedef struct qgroup {
    uint32_t c0, nc; /* clauses[c0, c0 + nc): alternatives (OR) */
} qgroup;

struct dl_query {
    DL_VEC(qterm) terms;
    DL_VEC(qclause) clauses; /* positive clauses, grouped */
    DL_VEC(qgroup) groups;   /* all required (AND) */
    DL_VEC(qclause) excl;    /* excluded clauses */
};

#endif
