/* Tests of the labelled moderation corpus (data/moderation/corpus) and its reader: scene and
 * sub-label names, phrasing, sizes, no duplicate sentence, the fixed split, heard transcripts only
 * of train and dev sentences, and clear errors on malformed files. */
#include "cosm_dataset.h"
#include "cosm_testaudio.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static int load_dir(cosm_dataset_t *d, const char *dir)
{
    DIR *dp = opendir(dir);
    if (!dp)
        return 0;
    int files = 0;
    for (struct dirent *e; (e = readdir(dp));) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".tsv") != 0)
            continue;
        char p[1024];
        snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
        cosm_error_t err = {0};
        if (cosm_dataset_load(d, p, &err) != COSM_OK)
            fail_msg("%s", err.message);
        files++;
    }
    closedir(dp);
    return files;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool spoken_form(const char *t)
{
    int words = 1;
    if (!*t || *t == ' ')
        return false;
    for (const char *p = t; *p; p++) {
        if (*p == ' ') {
            if (p[1] == ' ' || p[1] == '\0')
                return false;
            words++;
        } else if (!((*p >= 'a' && *p <= 'z') || *p == '\'')) {
            return false;
        }
    }
    return words >= 4 && words <= 30;
}

static void test_corpus(void **st)
{
    (void)st;
    static const char *const subs[COSM_SCENE_COUNT] = {
        " Nudity Pornography SexualBehavior SexualService Sexy ",
        " Explosives Extremism Terrorism Violence Weapons ",
        " Politics Separatism Subversion Unrest ",
        " Drugs Forgery Fraud Gambling Hacking Smuggling Trafficking Weapons ",
        " Curse Harassment Insult ",
        " Contact Promotion Scam ",
        " Drinking Gambling Lifestyle Runaway Smoking Truancy Underage ",
    };
    cosm_dataset_t d = {0};
    assert_true(load_dir(&d, COSM_TEST_CORPUS_DIR) >= 8);
    size_t per[COSM_SCENE_COUNT + 1] = {0}, near = 0, splits[3] = {0};
    char **texts = calloc(d.n, sizeof(*texts));
    size_t nt = 0;
    for (size_t i = 0; i < d.n; i++) {
        const cosm_sample_t *s = &d.s[i];
        if (s->voice[0])
            continue;
        per[s->label]++;
        splits[s->split]++;
        char sub[80];
        snprintf(sub, sizeof(sub), " %s ", s->sub_label);
        if (s->label == COSM_LABEL_NORMAL) {
            bool ok = strcmp(s->sub_label, "Everyday") == 0;
            if (strncmp(s->sub_label, "Near", 4) == 0) {
                ok = cosm_scene_from_name(s->sub_label + 4) >= 0;
                near++;
            }
            if (!ok)
                fail_msg("clean sentence with sub-label '%s': %s", s->sub_label, s->text);
        } else if (!strstr(subs[s->label], sub)) {
            fail_msg("%s sentence with sub-label '%s': %s", cosm_label_name(s->label), s->sub_label,
                     s->text);
        }
        if (!spoken_form(s->source))
            fail_msg("not in spoken form (lower case words, 4-30): '%s'", s->source);
        /* The split is a function of the normalised sentence alone. */
        assert_int_equal(s->split, cosm_split_of(s->source));
        texts[nt++] = s->source;
    }
    for (int s = 0; s < COSM_SCENE_COUNT; s++)
        if (per[s] < 200)
            fail_msg("%s has %zu sentences (at least 200)", cosm_scene_name(s), per[s]);
    assert_true(per[COSM_LABEL_NORMAL] >= 1200);
    assert_true(near >= 400);
    for (int s = 0; s < 3; s++)
        assert_true(splits[s] > nt / 10);
    /* No sentence twice (so none can be in two splits). */
    qsort(texts, nt, sizeof(*texts), cmp_str);
    for (size_t i = 1; i < nt; i++)
        if (strcmp(texts[i - 1], texts[i]) == 0)
            fail_msg("duplicate sentence: %s", texts[i]);
    /* Heard transcripts: of a corpus sentence with the same label, never of the test split. */
    for (size_t i = 0; i < d.n; i++) {
        const cosm_sample_t *s = &d.s[i];
        if (!s->voice[0])
            continue;
        assert_int_not_equal(s->split, COSM_SPLIT_TEST);
        const char *key = s->source;
        char **hit = bsearch(&key, texts, nt, sizeof(*texts), cmp_str);
        if (!hit)
            fail_msg("heard row of a sentence not in the corpus: %s", s->source);
    }
    free(texts);
    cosm_dataset_clear(&d);
}

static void test_split_fixed(void **st)
{
    (void)st;
    /* The documented rule: FNV-1a 64 of the normalised sentence, mod 10: 0-5 train, 6-7 dev,
     * 8-9 test. */
    assert_true(cosm_hash64("") == 14695981039346656037ULL);
    assert_true(cosm_hash64("a") == 0xaf63dc4c8601ec8cULL);
    size_t n[3] = {0};
    char s[32];
    for (int i = 0; i < 10000; i++) {
        snprintf(s, sizeof(s), "sentence %d", i);
        cosm_split_t sp = cosm_split_of(s);
        unsigned b = (unsigned)(cosm_hash64(s) % 10);
        assert_int_equal(sp, b < 6 ? COSM_SPLIT_TRAIN : b < 8 ? COSM_SPLIT_DEV : COSM_SPLIT_TEST);
        n[sp]++;
    }
    assert_in_range(n[0], 5700, 6300);
    assert_in_range(n[1], 1800, 2200);
    assert_in_range(n[2], 1800, 2200);
}

static void expect_error(const char *body, const char *needle)
{
    char *dir = ta_tempdir();
    char p[600];
    snprintf(p, sizeof(p), "%s/bad.tsv", dir);
    FILE *f = fopen(p, "w");
    fputs(body, f);
    fclose(f);
    cosm_dataset_t d = {0};
    cosm_error_t err = {0};
    assert_int_equal(cosm_dataset_load(&d, p, &err), COSM_ERR_CONFIG);
    if (!strstr(err.message, needle) || !strstr(err.message, "bad.tsv:"))
        fail_msg("message '%s' lacks '%s'", err.message, needle);
    cosm_dataset_clear(&d);
    ta_rmtree(dir);
    free(dir);
}

static void test_bad_files(void **st)
{
    (void)st;
    expect_error("# c\nIllegal\tDrugs\n", "expected 3");
    expect_error("Drugz\tDrugs\tsome words here now\n", "unknown scene");
    expect_error("Illegal\t\tsome words here now\n", "SubLabel");
    expect_error("Illegal\tDrugs\t!!! ???\n", "no words");
    expect_error("a\tb\tc\td\te\tf\tg\n", "expected 3");
    cosm_dataset_t d = {0};
    cosm_error_t err = {0};
    assert_int_equal(cosm_dataset_load(&d, "/nonexistent/x.tsv", &err), COSM_ERR_CONFIG);
    assert_non_null(strstr(err.message, "/nonexistent/x.tsv"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus),
        cmocka_unit_test(test_split_fixed),
        cmocka_unit_test(test_bad_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
