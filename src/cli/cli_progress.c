/* cli_progress.c: the transfer progress bar of the cos tool (bytes, percent, rate, ETA) on stderr,
 * redrawn at most ten times a second. libcos's progress callback carries no user pointer, so the
 * one bar of this single-threaded program lives in a file-level struct. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static struct {
    bool on;
    char label[64];
    int64_t total;
    int64_t done;
    double start;
    double last_draw;
} bar;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void draw(bool final)
{
    double t = now_s();
    if (!final && t - bar.last_draw < 0.1) {
        return;
    }
    bar.last_draw = t;
    double el = t - bar.start;
    double rate = el > 0 ? (double)bar.done / el : 0;
    char done[32], total[32], r[32];
    cli_human_size(bar.done, done, sizeof(done));
    cli_human_size(bar.total, total, sizeof(total));
    cli_human_size((int64_t)rate, r, sizeof(r));
    int pct = bar.total > 0 ? (int)(bar.done * 100 / bar.total) : 100;
    int width = 24, fill = pct * width / 100;
    char cells[32];
    for (int i = 0; i < width; i++) {
        cells[i] = i < fill ? '#' : '.';
    }
    cells[width] = '\0';
    char eta[32] = "";
    if (!final && rate > 0 && bar.total > bar.done) {
        int s = (int)((double)(bar.total - bar.done) / rate);
        snprintf(eta, sizeof(eta), " ETA %d:%02d", s / 60, s % 60);
    }
    if (bar.total < 0) { /* a stream of unknown length */
        fprintf(stderr, "\r%-24.24s %s %s/s\033[K", bar.label, done, r);
    } else {
        fprintf(stderr, "\r%-24.24s [%s] %3d%% %s/%s %s/s%s\033[K", bar.label, cells, pct, done,
                total, r, eta);
    }
    if (final) {
        fputc('\n', stderr);
    }
    fflush(stderr);
}

static void on_progress(int64_t consumed, int64_t total)
{
    if (!bar.on) {
        return;
    }
    bar.done = consumed;
    if (total != 0) {
        bar.total = total;
    }
    draw(false);
}

void cli_progress_begin(cli_t *c, const char *label, int64_t total)
{
    memset(&bar, 0, sizeof(bar));
    bar.on = c->progress;
    snprintf(bar.label, sizeof(bar.label), "%s", label);
    bar.total = total;
    bar.start = now_s();
}

cos_progress_callback cli_progress_callback(void)
{
    return on_progress;
}

void cli_progress_end(bool ok)
{
    if (bar.on) {
        if (ok && bar.total >= 0) {
            bar.done = bar.total;
        }
        draw(true);
    }
    bar.on = false;
}
