/* cosm_testaudio: makes test audio at run time (Festival, espeak-ng, sox, ffmpeg) in a temporary
 * directory; shared by the moderation tests and benchmarks. */
#include "cosm_testaudio.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

char *ta_tempdir(void)
{
    const char *t = getenv("TMPDIR");
    char tmpl[512];
    snprintf(tmpl, sizeof(tmpl), "%s/cosm-test-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(tmpl))
        return NULL;
    return strdup(tmpl);
}

int ta_run(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(cmd))
        return -1;
    int st = system(cmd);
    if (st == -1 || !WIFEXITED(st))
        return -1;
    return WEXITSTATUS(st);
}

void ta_rmtree(const char *dir)
{
    if (dir && strncmp(dir, "/", 1) == 0 && strstr(dir, "cosm-"))
        ta_run("rm -rf '%s'", dir);
}

bool ta_say(const char *dir, const char *voice, const char *text, const char *out_wav)
{
    char txt[1024];
    snprintf(txt, sizeof(txt), "%s/say-%d.txt", dir, (int)(strlen(out_wav) + strlen(text)));
    FILE *f = fopen(txt, "w");
    if (!f)
        return false;
    fputs(text, f);
    fputc('\n', f);
    fclose(f);
    int rc;
    if (strcmp(voice, "slt") == 0)
        rc = ta_run("text2wave -eval '(voice_cmu_us_slt_arctic_hts)' '%s' -o '%s' 2>/dev/null", txt,
                    out_wav);
    else if (strcmp(voice, "kal") == 0)
        rc = ta_run("text2wave -eval '(voice_kal_diphone)' '%s' -o '%s' 2>/dev/null", txt, out_wav);
    else
        rc = ta_run("espeak-ng -f '%s' -w '%s' 2>/dev/null", txt, out_wav);
    remove(txt);
    return rc == 0;
}

bool ta_ffmpeg(const char *in, const char *args, const char *out)
{
    return ta_run("ffmpeg -nostdin -loglevel error -y -i '%s' %s '%s'", in, args ? args : "",
                  out) == 0;
}

long ta_duration_ms(const char *path)
{
    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "soxi -D '%s' 2>/dev/null", path);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    double d = -1;
    if (fscanf(p, "%lf", &d) != 1)
        d = -1;
    pclose(p);
    return d < 0 ? -1 : (long)(d * 1000 + 0.5);
}

static void le(FILE *f, uint32_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        fputc((int)((v >> (8 * i)) & 0xff), f);
}

bool ta_write_wav(const char *path, const int16_t *pcm, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    fwrite("RIFF", 1, 4, f);
    le(f, (uint32_t)(36 + n * 2), 4);
    fwrite("WAVEfmt ", 1, 8, f);
    le(f, 16, 4);
    le(f, 1, 2);
    le(f, 1, 2);
    le(f, 16000, 4);
    le(f, 32000, 4);
    le(f, 2, 2);
    le(f, 16, 2);
    fwrite("data", 1, 4, f);
    le(f, (uint32_t)(n * 2), 4);
    for (size_t i = 0; i < n; i++)
        le(f, (uint16_t)pcm[i], 2);
    return fclose(f) == 0;
}
