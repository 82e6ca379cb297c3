/* cuejoin.c - stage 1b, container, part two: cues that are prose cut into
 * pieces are joined back into prose (see container.h).
 *
 * A subtitle tool cuts a paragraph into cues of a few words, wherever the
 * time or the width runs out, so most cues end in the middle of a
 * sentence.  Read one line per cue, as subtitle phrases are, such text
 * loses where its sentences start and end.  Whether the cues are such
 * prose is measured, not assumed: the cue text must be punctuated (the
 * rules' cue-prose-stops sentence ends per cue at least) and more than the
 * share cue-prose-open of its cues must end mid-sentence.  Subtitle
 * phrases without punctuation (most Chinese speech recognition), or whose
 * cues end with their sentences, stay one line per cue.
 *
 * Joining changes only the separator the matching form puts before the
 * first piece of a cue: a space, or nothing between two CJK characters;
 * a blank line where the cues leave a silence of cue-paragraph-gap seconds
 * or more (a paragraph or a turn: real subtitles pause there too); a line
 * break where the line would grow past --max-line.  No piece moves, so
 * every offset still slices the input and every byte keeps its cue, and
 * so its time. */
#include "container.h"
#include "read.h"
#include "signals.h"

#include <math.h>
#include <unicode/uchar.h>

/* The last ASCII code point: a terminal past it is a wide one ('。'). */
#define ASCII_LAST 0x7F

/* What the cue text says about sentence ends. */
typedef struct stops {
    size_t cues;   /* cues with text */
    size_t closed; /* ... whose text ends a sentence */
    size_t ends;   /* sentence ends anywhere in the cue text */
} stops;

/* Closing punctuation that may follow a sentence end ('"', ')', '」'). */
static int is_closer(uint32_t u)
{
    int8_t t = u_charType((UChar32)u);
    return t == U_END_PUNCTUATION || t == U_FINAL_PUNCTUATION ||
           u_hasBinaryProperty((UChar32)u, UCHAR_QUOTATION_MARK);
}

static int is_term(uint32_t u)
{
    return u_hasBinaryProperty((UChar32)u, UCHAR_S_TERM);
}

/* Does the sentence terminal u, followed by next (0: nothing in the piece),
 * end a sentence?  An ASCII terminal before a letter or digit is inside a
 * word or number ("3.5", "x.ai"); a wide one ('。') never is. */
static int ends_sentence(uint32_t u, uint32_t next)
{
    if (!is_term(u) || is_term(next)) return 0;
    return !next || u > ASCII_LAST || !u_isalnum((UChar32)next);
}

/* A walk over the code points of the cue text, in order (an escape's
 * code point for its piece, a space for a separator space). */
typedef struct walk {
    stops st;
    long cue;      /* the cue of the code point before, -1 at the start */
    uint32_t prev; /* that code point */
    uint32_t last; /* the last one of its cue that is no closing punctuation */
} walk;

/* The cue before ends: a sentence end at its end, and is it closed? */
static void end_cue(walk *w)
{
    if (w->cue < 0) return;
    w->st.cues++;
    w->st.ends += ends_sentence(w->prev, 0);
    w->st.closed += is_term(w->last);
}

static void step(walk *w, long cue, uint32_t u)
{
    if (cue != w->cue) {
        end_cue(w);
        w->cue = cue;
        w->prev = w->last = 0;
    } else {
        w->st.ends += ends_sentence(w->prev, u);
    }
    w->prev = u;
    if (!is_closer(u)) w->last = u;
}

static stops count_stops(const tx_conv *c)
{
    const tx_container *k = c->cont;
    const char *t = c->doc->text;
    walk w = {{0, 0, 0}, -1, 0, 0};
    for (size_t i = 0; i < k->npiece; i++) {
        const tx_piece *q = &k->piece[i];
        if (q->cue < 0) continue;
        if (q->sep == ' ' && q->cue == w.cue) step(&w, q->cue, ' ');
        if (q->subst) step(&w, q->cue, q->subst);
        for (size_t j = q->s; !q->subst && j < q->e;)
            step(&w, q->cue, tx_u8_next(t, &j));
    }
    end_cue(&w);
    return w.st;
}

/* The parameter p of the rules' weights tables, or -1 when they give none. */
static double param(const tx_conv *c, int p)
{
    const tx_weights *w = c->weights;
    return w && w->has_param[p] ? w->param[p] : -1;
}

/* Are the cues prose cut into pieces? */
static int is_cut_prose(const tx_conv *c)
{
    double min_stops = param(c, TXP_CUE_PROSE_STOPS), open = param(c, TXP_CUE_PROSE_OPEN);
    if (min_stops < 0 || open < 0) return 0;
    stops st = count_stops(c);
    if (!st.cues || (double)st.ends < min_stops * (double)st.cues) return 0;
    return (double)(st.cues - st.closed) > open * (double)st.cues;
}

/* Matching-form bytes of piece q without its separator (as read; NFKC
 * changes few). */
static size_t piece_bytes(const tx_piece *q)
{
    char u8[4];
    return q->subst ? tx_u8_put(q->subst, u8) : q->e - q->s;
}

/* Silence between cues a and b of at least gap ms (both timed)? */
static int long_gap(const tx_container *k, long a, long b, long long gap)
{
    const tx_cue *x = &k->cue[a], *y = &k->cue[b];
    return gap >= 0 && x->end_ms >= 0 && y->start_ms >= 0 && y->start_ms - x->end_ms >= gap;
}

/* The separator before q, the first piece of a cue after piece prev of
 * another cue, in a line of line bytes so far (reset at a break). */
static void join_sep(const tx_conv *c, const tx_piece *prev, tx_piece *q, long long gap,
                     size_t max_line, size_t *line)
{
    const char *t = c->doc->text;
    size_t i = q->s;
    uint32_t before = prev->subst ? prev->subst : tx_last_cp(t, prev->e);
    uint32_t after = q->subst ? q->subst : tx_u8_next(t, &i);
    int para = long_gap(c->cont, prev->cue, q->cue, gap);
    if (para || *line + 1 + piece_bytes(q) > max_line) {
        q->sep = '\n';
        q->para = para;
        *line = 0;
        return;
    }
    q->sep = tx_is_cjk(before) && tx_is_cjk(after) ? 0 : ' ';
}

void tx_container_join_prose(tx_conv *c, size_t max_line)
{
    tx_container *k = c->cont;
    if (!is_cut_prose(c)) return;
    k->prose = 1;
    double g = param(c, TXP_CUE_PARAGRAPH_GAP);
    long long gap = g < 0 ? -1 : llround(g * MS_PER_SECOND);
    size_t line = 0;
    for (size_t i = 0; i < k->npiece; i++) {
        tx_piece *q = &k->piece[i];
        if (i && q->cue >= 0 && k->piece[i - 1].cue >= 0 && k->piece[i - 1].cue != q->cue)
            join_sep(c, &k->piece[i - 1], q, gap, max_line, &line);
        else if (q->sep == '\n')
            line = 0;
        line += (q->sep != 0) + piece_bytes(q);
    }
}
