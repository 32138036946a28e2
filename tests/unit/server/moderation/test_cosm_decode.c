/* test_cosm_decode: FFmpeg decoding of every generated format (wav, mp3, ogg, flac, m4a, aac,
 * 3gp, wma, and the audio track of an mp4 video) to 16 kHz mono PCM with the right length, and the
 * failures: missing file, empty file, text named .mp3, truncated mp3, video without audio, limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cosm_internal.h"
#include "cosm_testaudio.h"

#include <libavutil/log.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dir;
static char src[600]; /* 3 s stereo 44.1 kHz: 1 s tone, 1 s silence, 1 s tone */
static const cosm_limits_t nolimit = {600LL << 20, 3LL * 3600 * 1000};

static int setup(void **state)
{
    (void)state;
    av_log_set_level(AV_LOG_QUIET);
    dir = ta_tempdir();
    if (!dir)
        return -1;
    snprintf(src, sizeof(src), "%s/src.wav", dir);
    return ta_run("sox -n -r 44100 -c 2 -b 16 '%s' synth 1 sine 440 : synth 1 sine 0 vol 0 : synth "
                  "1 sine 660",
                  src);
}

static int teardown(void **state)
{
    (void)state;
    ta_rmtree(dir);
    free(dir);
    return 0;
}

/* Converts src with ffmpeg args, decodes, and checks length and where the sound is. */
static void check_format(const char *ext, const char *args, long tol_ms)
{
    char out[700];
    snprintf(out, sizeof(out), "%s/t.%s", dir, ext);
    if (strcmp(ext, "wav") == 0)
        snprintf(out, sizeof(out), "%s", src);
    else
        assert_true(ta_ffmpeg(src, args, out));
    int16_t *pcm = NULL;
    size_t n = 0;
    cosm_error_t err = {0};
    int rc = cosm_decode_file(out, &nolimit, &pcm, &n, &err);
    if (rc != COSM_OK)
        print_error("%s: %s\n", ext, err.message);
    assert_int_equal(rc, COSM_OK);
    long ms = (long)(n / 16);
    if (ms < 3000 - tol_ms || ms > 3000 + tol_ms)
        print_error("%s: decoded %ld ms\n", ext, ms);
    assert_in_range(ms, 3000 - tol_ms, 3000 + tol_ms);
    /* Loud in the first and last second, quiet in the middle one (allowing codec delay). */
    double e1 = 0, e2 = 0, e3 = 0;
    for (size_t i = 3200; i < 12800; i++)
        e1 += abs(pcm[i]);
    for (size_t i = 16000 + 4800; i < 32000 - 4800; i++)
        e2 += abs(pcm[i]);
    for (size_t i = 32000 + 3200; i < 44800 && i < n; i++)
        e3 += abs(pcm[i]);
    assert_true(e1 > 1000.0 * 9600);
    assert_true(e2 < 50.0 * 6400);
    assert_true(e3 > 1000.0 * 9600);
    free(pcm);
}

static void test_wav(void **s)
{
    (void)s;
    check_format("wav", NULL, 5);
}
static void test_mp3(void **s)
{
    (void)s;
    check_format("mp3", "-b:a 128k", 80);
}
static void test_ogg(void **s)
{
    (void)s;
    check_format("ogg", "-c:a libvorbis", 80);
}
static void test_flac(void **s)
{
    (void)s;
    check_format("flac", NULL, 5);
}
static void test_m4a(void **s)
{
    (void)s;
    check_format("m4a", "-c:a aac -b:a 128k", 80);
}
static void test_aac(void **s)
{
    (void)s;
    check_format("aac", "-c:a aac", 80);
}
static void test_wma(void **s)
{
    (void)s;
    check_format("wma", "-c:a wmav2", 80);
}
/* (Debian's ffmpeg command has no AMR encoder, so 3gp is made with AAC audio.) */
static void test_3gp(void **s)
{
    (void)s;
    check_format("3gp", "-ar 16000 -ac 1 -c:a aac", 80);
}

static void test_mp4_video_track(void **s)
{
    (void)s;
    char out[700];
    snprintf(out, sizeof(out), "%s/v.mp4", dir);
    assert_int_equal(
        ta_run("ffmpeg -nostdin -loglevel error -y -f lavfi -i color=c=blue:s=64x64:d=3 -i '%s' "
               "-c:v mpeg4 -c:a aac -shortest '%s'",
               src, out),
        0);
    int16_t *pcm = NULL;
    size_t n = 0;
    cosm_error_t err = {0};
    assert_int_equal(cosm_decode_file(out, &nolimit, &pcm, &n, &err), COSM_OK);
    assert_in_range(n / 16, 2900, 3100);
    free(pcm);
    /* A video without any audio track is a decode failure. */
    snprintf(out, sizeof(out), "%s/silent.mp4", dir);
    assert_int_equal(ta_run("ffmpeg -nostdin -loglevel error -y -f lavfi -i "
                            "color=c=red:s=64x64:d=1 -c:v mpeg4 '%s'",
                            out),
                     0);
    assert_int_equal(cosm_decode_file(out, &nolimit, &pcm, &n, &err), COSM_ERR_DECODE);
    assert_null(pcm);
    assert_non_null(strstr(err.message, "no decodable audio track"));
}

static void test_errors(void **s)
{
    (void)s;
    char p[700];
    int16_t *pcm = NULL;
    size_t n = 0;
    cosm_error_t err = {0};
    snprintf(p, sizeof(p), "%s/missing.mp3", dir);
    assert_int_equal(cosm_decode_file(p, &nolimit, &pcm, &n, &err), COSM_ERR_NO_FILE);
    snprintf(p, sizeof(p), "%s/empty.mp3", dir);
    FILE *f = fopen(p, "w");
    fclose(f);
    assert_int_equal(cosm_decode_file(p, &nolimit, &pcm, &n, &err), COSM_ERR_DECODE);
    assert_int_equal(err.code, COSM_ERR_DECODE);
    assert_non_null(strstr(err.message, "empty"));
    snprintf(p, sizeof(p), "%s/text.mp3", dir);
    f = fopen(p, "w");
    for (int i = 0; i < 200; i++)
        fputs("This is a plain text file, not audio at all.\n", f);
    fclose(f);
    assert_int_equal(cosm_decode_file(p, &nolimit, &pcm, &n, &err), COSM_ERR_DECODE);
    assert_null(pcm);
    assert_int_equal(cosm_decode_file(dir, &nolimit, &pcm, &n, &err), COSM_ERR_DECODE);
    /* A name with a colon is a local file, not a protocol. */
    snprintf(p, sizeof(p), "%s/concat:x.wav", dir);
    assert_int_equal(ta_run("cp '%s' '%s'", src, p), 0);
    assert_int_equal(cosm_decode_file(p, &nolimit, &pcm, &n, &err), COSM_OK);
    assert_in_range(n / 16, 2990, 3010);
    free(pcm);
    pcm = NULL;
    /* A playlist pointing at the network is not followed. */
    snprintf(p, sizeof(p), "%s/list.m3u8", dir);
    f = fopen(p, "w");
    fputs("#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nhttp://127.0.0.1:9/"
          "a.mp3\n#EXT-X-ENDLIST\n",
          f);
    fclose(f);
    assert_int_equal(cosm_decode_file(p, &nolimit, &pcm, &n, &err), COSM_ERR_DECODE);
    assert_null(pcm);
    /* Random bytes named .wav. */
    snprintf(p, sizeof(p), "%s/random.wav", dir);
    assert_int_equal(ta_run("head -c 20000 /dev/urandom > '%s'", p), 0);
    assert_int_equal(cosm_decode_file(p, &nolimit, &pcm, &n, &err), COSM_ERR_DECODE);
}

static void test_truncated_mp3(void **s)
{
    (void)s;
    char full[700], half[720], stub[720];
    snprintf(full, sizeof(full), "%s/full.mp3", dir);
    snprintf(half, sizeof(half), "%s/half.mp3", dir);
    snprintf(stub, sizeof(stub), "%s/stub.mp3", dir);
    assert_true(ta_ffmpeg(src, "-b:a 128k", full));
    /* Cut in the middle of a frame: the part before is still moderated. */
    assert_int_equal(
        ta_run("head -c $(( $(stat -c %%s '%s') / 2 + 77 )) '%s' > '%s'", full, full, half), 0);
    int16_t *pcm = NULL;
    size_t n = 0;
    cosm_error_t err = {0};
    assert_int_equal(cosm_decode_file(half, &nolimit, &pcm, &n, &err), COSM_OK);
    assert_in_range(n / 16, 1300, 1700);
    free(pcm);
    /* Only the first bytes of the header: nothing decodable. */
    assert_int_equal(ta_run("head -c 60 '%s' > '%s'", full, stub), 0);
    assert_int_equal(cosm_decode_file(stub, &nolimit, &pcm, &n, &err), COSM_ERR_DECODE);
}

static void test_limits(void **s)
{
    (void)s;
    int16_t *pcm = NULL;
    size_t n = 0;
    cosm_error_t err = {0};
    cosm_limits_t small = {1000, 3LL * 3600 * 1000};
    assert_int_equal(cosm_decode_file(src, &small, &pcm, &n, &err), COSM_ERR_TOO_LARGE);
    assert_null(pcm);
    cosm_limits_t brief = {600LL << 20, 2000};
    assert_int_equal(cosm_decode_file(src, &brief, &pcm, &n, &err), COSM_ERR_UNSUITABLE);
    assert_null(pcm);
    /* A raw ADTS stream has no reliable duration in its header: the limit stops decoding. */
    char aac[700];
    snprintf(aac, sizeof(aac), "%s/lim.aac", dir);
    assert_true(ta_ffmpeg(src, "-c:a aac", aac));
    assert_int_equal(cosm_decode_file(aac, &brief, &pcm, &n, &err), COSM_ERR_UNSUITABLE);
    assert_null(pcm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wav),
        cmocka_unit_test(test_mp3),
        cmocka_unit_test(test_ogg),
        cmocka_unit_test(test_flac),
        cmocka_unit_test(test_m4a),
        cmocka_unit_test(test_aac),
        cmocka_unit_test(test_wma),
        cmocka_unit_test(test_3gp),
        cmocka_unit_test(test_mp4_video_track),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_truncated_mp3),
        cmocka_unit_test(test_limits),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
