/* cosm_asr: per-worker speech recognition with PocketSphinx: one decoder per worker loading the
 * acoustic model, language model and dictionary named in the configuration; a section is decoded
 * as one utterance into words with times and pronunciations, optionally followed by a
 * keyword-spotting pass over the policy's keywords. */
#include "cosm_internal.h"

#include <pocketsphinx.h>
#include <sphinxbase/ckd_alloc.h>
#include <sphinxbase/err.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FRAME_MS 10 /* PocketSphinx's default frame rate is 100 per second */

static int check_path(const char *what, const char *path, cosm_error_t *err)
{
    if (access(path, R_OK) != 0)
        return cosm_fail(err, COSM_ERR_INTERNAL,
                         "speech %s '%s' is not readable; install pocketsphinx-en-us or set "
                         "moderation.models.%s",
                         what, path, what);
    return COSM_OK;
}

cosm_worker_t *cosm_worker_new(const cosm_engine_t *e, cosm_error_t *err)
{
    if (check_path("hmm", e->asr.hmm, err) || check_path("lm", e->asr.lm, err) ||
        check_path("dict", e->asr.dict, err))
        return NULL;
    cosm_worker_t *w = calloc(1, sizeof(*w));
    if (!w) {
        cosm_fail(err, COSM_ERR_INTERNAL, "out of memory");
        return NULL;
    }
    w->engine = e;
    char maxhmm[32];
    snprintf(maxhmm, sizeof(maxhmm), "%d", e->asr.max_hmm_per_frame);
    size_t argc = 9 + e->asr.n_options;
    char **argv = calloc(argc + 1, sizeof(*argv));
    if (!argv) {
        free(w);
        cosm_fail(err, COSM_ERR_INTERNAL, "out of memory");
        return NULL;
    }
    const char *fixed[] = {"cosd",  "-hmm",      e->asr.hmm,  "-lm", e->asr.lm,
                           "-dict", e->asr.dict, "-maxhmmpf", maxhmm};
    for (size_t i = 0; i < 9; i++)
        argv[i] = (char *)fixed[i];
    for (size_t i = 0; i < e->asr.n_options; i++)
        argv[9 + i] = e->asr.options[i];
    cmd_ln_t *c = cmd_ln_parse_r(NULL, ps_args(), (int32)argc, argv, TRUE);
    free(argv);
    if (!c) {
        free(w);
        cosm_fail(err, COSM_ERR_CONFIG,
                  "PocketSphinx rejected moderation.models.decoder_options (unknown name or bad "
                  "value)");
        return NULL;
    }
    ps_decoder_t *ps = ps_init(c);
    if (!ps) {
        cmd_ln_free_r(c);
        free(w);
        cosm_fail(err, COSM_ERR_INTERNAL,
                  "PocketSphinx could not load the models (hmm '%s', lm '%s', dict '%s')",
                  e->asr.hmm, e->asr.lm, e->asr.dict);
        return NULL;
    }
    w->ps = ps;
    w->config = c;
    return w;
}

void cosm_worker_free(cosm_worker_t *w)
{
    if (!w)
        return;
    if (w->kws_path[0])
        unlink(w->kws_path);
    ps_free(w->ps);
    cmd_ln_free_r(w->config);
    free(w);
}

/* Copies a recogniser word in lower case without its "(2)" pronunciation variant. */
static char *clean_word(const char *w)
{
    size_t n = strcspn(w, "(");
    char *s = malloc(n + 1);
    if (!s)
        return NULL;
    for (size_t i = 0; i < n; i++)
        s[i] = (char)tolower((unsigned char)w[i]);
    s[n] = '\0';
    return s;
}

static bool is_filler(const char *w)
{
    return w[0] == '<' || w[0] == '[' || w[0] == '+' || !*w;
}

char *cosm_asr_phrase_phones(cosm_worker_t *w, const char *phrase)
{
    cosm_str_t b = {0};
    const char *p = phrase;
    while (*p) {
        size_t n = strcspn(p, " ");
        char word[128];
        if (n >= sizeof(word)) {
            free(b.s);
            return NULL;
        }
        memcpy(word, p, n);
        word[n] = '\0';
        char *ph = ps_lookup_word(w->ps, word);
        if (!ph) {
            free(b.s);
            return NULL;
        }
        if (b.len)
            cosm_str_puts(&b, " ");
        cosm_str_puts(&b, ph);
        ckd_free(ph);
        p += n;
        while (*p == ' ')
            p++;
    }
    return cosm_str_take(&b);
}

/* Writes the key-phrase file of a policy's keywords (words all in the dictionary). */
static int write_kws(cosm_worker_t *w, const cosm_policy_t *pol, cosm_error_t *err)
{
    if (w->kws_policy == pol && w->kws_path[0])
        return COSM_OK;
    if (!w->kws_path[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(w->kws_path, sizeof(w->kws_path), "%s/cosm-kws-XXXXXX",
                 tmp && *tmp ? tmp : "/tmp");
        int fd = mkstemp(w->kws_path);
        if (fd < 0) {
            w->kws_path[0] = '\0';
            return cosm_fail(err, COSM_ERR_INTERNAL,
                             "cannot create a keyword-spotting file in the temp directory");
        }
        close(fd);
    }
    FILE *f = fopen(w->kws_path, "w");
    if (!f)
        return cosm_fail(err, COSM_ERR_INTERNAL, "cannot write the keyword-spotting file %s",
                         w->kws_path);
    const cosm_engine_t *e = w->engine;
    size_t written = 0;
    for (size_t i = 0; i < pol->n_libs; i++) {
        const cosm_library_t *lib = &e->libs[pol->libs[i]];
        for (size_t j = 0; j < lib->n_entries; j++) {
            if (!pol->scenes[lib->entries[j].scene])
                continue;
            char *ph = cosm_asr_phrase_phones(w, lib->entries[j].phrase);
            if (ph) {
                fprintf(f, "%s /%g/\n", lib->entries[j].phrase, e->asr.kws_threshold);
                written++;
            }
            free(ph);
        }
    }
    fclose(f);
    if (written == 0 || ps_set_kws(w->ps, "cosm_kws", w->kws_path) != 0)
        return cosm_fail(err, COSM_ERR_INTERNAL, "PocketSphinx rejected the keyword-spotting list");
    w->kws_policy = pol;
    return COSM_OK;
}

static int push_word(cosm_hyp_t *h, size_t *cap, const char *raw, char *phones, int64_t s,
                     int64_t e)
{
    if (h->n == *cap) {
        size_t nc = *cap ? *cap * 2 : 32;
        cosm_hyp_word_t *p = realloc(h->w, nc * sizeof(*p));
        if (!p)
            return -1;
        h->w = p;
        *cap = nc;
    }
    char *word = clean_word(raw);
    char *ph = cosm_strdup(phones);
    if (!word || !ph) {
        free(word);
        free(ph);
        return -1;
    }
    h->w[h->n++] = (cosm_hyp_word_t){word, ph, s, e};
    return 0;
}

static int spot(cosm_worker_t *w, const cosm_policy_t *pol, const int16_t *pcm, size_t n,
                cosm_hyp_t *out, cosm_error_t *err)
{
    ps_decoder_t *ps = w->ps;
    const char *dflt = ps_get_search(ps);
    char saved[64];
    snprintf(saved, sizeof(saved), "%s", dflt ? dflt : "_default");
    int rc = write_kws(w, pol, err);
    if (rc != COSM_OK)
        return rc;
    if (ps_set_search(ps, "cosm_kws") != 0)
        return cosm_fail(err, COSM_ERR_INTERNAL,
                         "PocketSphinx could not switch to keyword spotting");
    rc = COSM_OK;
    if (ps_start_utt(ps) < 0 || ps_process_raw(ps, pcm, n, FALSE, TRUE) < 0 || ps_end_utt(ps) < 0)
        rc = cosm_fail(err, COSM_ERR_INTERNAL, "keyword spotting failed on a section");
    for (ps_seg_t *seg = rc ? NULL : ps_seg_iter(ps); seg; seg = ps_seg_next(seg)) {
        const char *word = ps_seg_word(seg);
        if (!word || is_filler(word))
            continue;
        char **p = realloc(out->spotted, (out->n_spotted + 1) * sizeof(*p));
        char *s = cosm_normalize_phrase(word); /* the spotter appends a space */
        if (!p || !s) {
            free(s);
            if (p)
                out->spotted = p;
            ps_seg_free(seg);
            rc = cosm_fail(err, COSM_ERR_INTERNAL, "out of memory");
            break;
        }
        out->spotted = p;
        out->spotted[out->n_spotted++] = s;
    }
    ps_set_search(ps, saved);
    return rc;
}

int cosm_asr_recognize(cosm_worker_t *w, const cosm_policy_t *pol, const int16_t *pcm, size_t n,
                       cosm_hyp_t *out, cosm_error_t *err)
{
    ps_decoder_t *ps = w->ps;
    memset(out, 0, sizeof(*out));
    if (ps_start_utt(ps) < 0 || ps_process_raw(ps, pcm, n, FALSE, TRUE) < 0 || ps_end_utt(ps) < 0)
        return cosm_fail(err, COSM_ERR_INTERNAL, "speech recognition failed on a section");
    size_t cap = 0;
    for (ps_seg_t *seg = ps_seg_iter(ps); seg; seg = ps_seg_next(seg)) {
        const char *word = ps_seg_word(seg);
        if (!word || is_filler(word))
            continue;
        int sf = 0, ef = 0;
        ps_seg_frames(seg, &sf, &ef);
        char *ph = ps_lookup_word(ps, word);
        int rc = push_word(out, &cap, word, ph ? ph : "", (int64_t)sf * FRAME_MS,
                           (int64_t)(ef + 1) * FRAME_MS);
        ckd_free(ph);
        if (rc < 0) {
            ps_seg_free(seg);
            cosm_hyp_clear(out);
            return cosm_fail(err, COSM_ERR_INTERNAL, "out of memory");
        }
    }
    if (w->engine->asr.match == COSM_MATCH_KWS) {
        int rc = spot(w, pol, pcm, n, out, err);
        if (rc != COSM_OK) {
            cosm_hyp_clear(out);
            return rc;
        }
    }
    return COSM_OK;
}

void cosm_hyp_clear(cosm_hyp_t *h)
{
    for (size_t i = 0; i < h->n; i++) {
        free(h->w[i].word);
        free(h->w[i].phones);
    }
    for (size_t i = 0; i < h->n_spotted; i++)
        free(h->spotted[i]);
    free(h->w);
    free(h->spotted);
    memset(h, 0, sizeof(*h));
}

void cosm_asr_quiet(void)
{
    err_set_logfp(NULL);
}
