/* test_cosm_sections: splitting PCM into sections at pauses (synthetic tone bursts with known
 * timing), the section length bound, silence and noise without sections, and WAV clips. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cosm_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MS(x) ((size_t)(x)*16)

/* Fills [from_ms, to_ms) with a 300 Hz tone of the given amplitude. */
static void tone(int16_t *p, size_t from_ms, size_t to_ms, double amp)
{
    for (size_t i = MS(from_ms); i < MS(to_ms); i++)
        p[i] = (int16_t)(amp * sin(2 * M_PI * 300.0 * (double)i / 16000.0));
}

static const cosm_section_conf_t dflt = {15000, 300, 150};

static void test_bursts_become_one_section(void **state)
{
    (void)state;
    int16_t *p = calloc(MS(6000), sizeof(*p));
    tone(p, 1000, 2000, 8000);
    tone(p, 2500, 4000, 8000); /* 500 ms pause: same section (15 s bound) */
    cosm_span_t *s = NULL;
    long n = cosm_split_sections(p, MS(6000), &dflt, &s);
    assert_int_equal(n, 1);
    /* Section = speech padded by 150 ms, leading/trailing silence dropped. */
    assert_in_range(s[0].start, MS(840), MS(860));
    assert_in_range(s[0].end, MS(4140), MS(4160));
    free(s);
    free(p);
}

static void test_bound_splits_at_pause(void **state)
{
    (void)state;
    /* Three 3 s bursts with 1 s pauses, sections at most 5 s: each burst alone. */
    int16_t *p = calloc(MS(12000), sizeof(*p));
    tone(p, 0, 3000, 6000);
    tone(p, 4000, 7000, 6000);
    tone(p, 8000, 11000, 6000);
    cosm_section_conf_t c = {5000, 300, 100};
    cosm_span_t *s = NULL;
    long n = cosm_split_sections(p, MS(12000), &c, &s);
    assert_int_equal(n, 3);
    assert_in_range(s[1].start, MS(3890), MS(3910));
    assert_in_range(s[2].start, MS(7890), MS(7910));
    for (long i = 0; i < n; i++)
        assert_true(s[i].end - s[i].start <= MS(5000));
    /* With 8 s sections the first two bursts share one. */
    c.max_ms = 8000;
    free(s);
    n = cosm_split_sections(p, MS(12000), &c, &s);
    assert_int_equal(n, 2);
    assert_in_range(s[1].start, MS(7890), MS(7910));
    free(s);
    free(p);
}

static void test_long_speech_is_cut(void **state)
{
    (void)state;
    /* 5 s of silence, then 40 s of speech-like sound (a tone whose loudness rises and falls three
     * times a second, never pausing) with sections of at most 15 s: cut between 70% and 100% of
     * the bound, so 3 or 4 contiguous sections covering all of it. */
    size_t n_ms = 45000;
    int16_t *p = calloc(MS(n_ms), sizeof(*p));
    for (size_t i = MS(5000); i < MS(n_ms); i++)
        p[i] = (int16_t)(5000 * (0.55 + 0.45 * sin(2 * M_PI * 3.0 * (double)i / 16000.0)) *
                         sin(2 * M_PI * 300.0 * (double)i / 16000.0));
    cosm_span_t *s = NULL;
    long n = cosm_split_sections(p, MS(n_ms), &dflt, &s);
    assert_in_range(n, 3, 4);
    assert_int_equal(s[0].start, MS(4850));
    for (long i = 0; i < n; i++) {
        assert_true(s[i].end - s[i].start <= MS(15000));
        if (i > 0)
            assert_int_equal(s[i].start, s[i - 1].end);
    }
    assert_int_equal(s[n - 1].end, MS(n_ms));
    free(s);
    free(p);
}

static void test_silence_and_noise_have_no_sections(void **state)
{
    (void)state;
    int16_t *p = calloc(MS(5000), sizeof(*p));
    cosm_span_t *s = NULL;
    assert_int_equal(cosm_split_sections(p, MS(5000), &dflt, &s), 0);
    free(s);
    srand(7);
    for (size_t i = 0; i < MS(5000); i++)
        p[i] = (int16_t)((rand() % 20001) - 10000); /* steady white noise */
    s = NULL;
    assert_int_equal(cosm_split_sections(p, MS(5000), &dflt, &s), 0);
    free(s);
    /* A click shorter than 80 ms is not speech. */
    memset(p, 0, MS(5000) * sizeof(*p));
    tone(p, 2000, 2040, 20000);
    s = NULL;
    assert_int_equal(cosm_split_sections(p, MS(5000), &dflt, &s), 0);
    free(s);
    assert_int_equal(cosm_split_sections(p, 0, &dflt, &s), 0);
    free(p);
}

static void test_speech_over_noise(void **state)
{
    (void)state;
    int16_t *p = calloc(MS(6000), sizeof(*p));
    srand(11);
    for (size_t i = 0; i < MS(6000); i++)
        p[i] = (int16_t)((rand() % 401) - 200); /* quiet background noise */
    tone(p, 2000, 3500, 8000);
    cosm_span_t *s = NULL;
    long n = cosm_split_sections(p, MS(6000), &dflt, &s);
    assert_int_equal(n, 1);
    assert_in_range(s[0].start, MS(1840), MS(1860));
    assert_in_range(s[0].end, MS(3640), MS(3660));
    free(s);
    free(p);
}

static void test_wav_clip(void **state)
{
    (void)state;
    int16_t pcm[4] = {0, 1, -1, 0x1234};
    size_t len = 0;
    uint8_t *b = cosm_wav_bytes(pcm, 4, &len);
    assert_non_null(b);
    assert_int_equal(len, 44 + 8);
    assert_memory_equal(b, "RIFF", 4);
    assert_memory_equal(b + 8, "WAVEfmt ", 8);
    assert_int_equal(b[24] | b[25] << 8 | b[26] << 16, 16000);
    assert_int_equal(b[22], 1); /* mono */
    assert_int_equal(b[34], 16);
    assert_memory_equal(b + 36, "data", 4);
    assert_int_equal(b[40], 8);
    assert_int_equal(b[46], 1);
    assert_int_equal(b[48], 0xff);
    assert_int_equal(b[49], 0xff);
    assert_int_equal(b[50], 0x34);
    assert_int_equal(b[51], 0x12);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bursts_become_one_section),
        cmocka_unit_test(test_bound_splits_at_pause),
        cmocka_unit_test(test_long_speech_is_cut),
        cmocka_unit_test(test_silence_and_noise_have_no_sections),
        cmocka_unit_test(test_speech_over_noise),
        cmocka_unit_test(test_wav_clip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
