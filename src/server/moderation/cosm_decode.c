/* cosm_decode: turns any audio file FFmpeg can read (mp3, wav, aac, flac, amr, 3gp, m4a, wma, ogg,
 * ape, or the audio track of a video) into 16 kHz mono 16-bit PCM, enforcing the size and duration
 * limits. Corrupt or non-audio input is a -65007 failure, never a crash. */
#include "cosm_internal.h"

#include <errno.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct pcm_out {
    int16_t *p;
    size_t n, cap;
    size_t max; /* samples allowed by the duration limit */
} pcm_out_t;

typedef struct dec_ctx {
    AVFormatContext *fmt;
    AVCodecContext *codec;
    SwrContext *swr;
    AVPacket *pkt;
    AVFrame *frame;
    int stream;
} dec_ctx_t;

static void dec_close(dec_ctx_t *d)
{
    av_frame_free(&d->frame);
    av_packet_free(&d->pkt);
    swr_free(&d->swr);
    avcodec_free_context(&d->codec);
    avformat_close_input(&d->fmt);
}

static const char *av_err(int rc, char *buf, size_t len)
{
    av_strerror(rc, buf, len);
    return buf;
}

/* Appends converted samples; returns 1 when the duration limit was passed, -1 on OOM. */
static int pcm_reserve(pcm_out_t *o, size_t extra)
{
    if (o->n + extra <= o->cap)
        return 0;
    size_t cap = o->cap ? o->cap : COSM_RATE * 8;
    while (cap < o->n + extra)
        cap *= 2;
    int16_t *p = realloc(o->p, cap * sizeof(*p));
    if (!p)
        return -1;
    o->p = p;
    o->cap = cap;
    return 0;
}

static int convert(dec_ctx_t *d, const AVFrame *f, pcm_out_t *o)
{
    int in = f ? f->nb_samples : 0;
    int room = swr_get_out_samples(d->swr, in);
    if (room < 0)
        return -1;
    if (room == 0)
        return 0;
    if (pcm_reserve(o, (size_t)room) < 0)
        return -1;
    uint8_t *dst = (uint8_t *)(o->p + o->n);
    int got = swr_convert(d->swr, &dst, room, f ? (const uint8_t **)f->extended_data : NULL, in);
    if (got < 0)
        return -1;
    o->n += (size_t)got;
    return o->n > o->max ? 1 : 0;
}

static int open_input(dec_ctx_t *d, const char *path, cosm_error_t *err)
{
    char eb[128];
    /* Local files only: "file:" keeps names with a colon from being read as protocols, and the
     * whitelist stops playlists or concat lists inside the file from reaching anything else. */
    size_t ul = strlen(path) + 6;
    char *url = malloc(ul);
    AVDictionary *opts = NULL;
    if (!url || av_dict_set(&opts, "protocol_whitelist", "file", 0) < 0) {
        free(url);
        av_dict_free(&opts);
        return cosm_fail(err, COSM_ERR_INTERNAL, "out of memory");
    }
    snprintf(url, ul, "file:%s", path);
    int rc = avformat_open_input(&d->fmt, url, NULL, &opts);
    free(url);
    av_dict_free(&opts);
    if (rc < 0)
        return cosm_fail(err, COSM_ERR_DECODE,
                         "cannot decode '%s': not a recognised audio or video format (%s)", path,
                         av_err(rc, eb, sizeof(eb)));
    rc = avformat_find_stream_info(d->fmt, NULL);
    if (rc < 0)
        return cosm_fail(err, COSM_ERR_DECODE,
                         "cannot decode '%s': stream information unreadable (%s)", path,
                         av_err(rc, eb, sizeof(eb)));
    const AVCodec *dec = NULL;
    d->stream = av_find_best_stream(d->fmt, AVMEDIA_TYPE_AUDIO, -1, -1, &dec, 0);
    if (d->stream < 0 || !dec)
        return cosm_fail(err, COSM_ERR_DECODE,
                         "cannot decode '%s': the file has no decodable audio track", path);
    AVStream *st = d->fmt->streams[d->stream];
    d->codec = avcodec_alloc_context3(dec);
    if (!d->codec)
        return cosm_fail(err, COSM_ERR_INTERNAL, "out of memory");
    if (avcodec_parameters_to_context(d->codec, st->codecpar) < 0 ||
        avcodec_open2(d->codec, dec, NULL) < 0)
        return cosm_fail(err, COSM_ERR_DECODE,
                         "cannot decode '%s': the %s decoder rejected the audio track", path,
                         dec->name);
    if (d->codec->sample_rate <= 0)
        return cosm_fail(err, COSM_ERR_DECODE,
                         "cannot decode '%s': the audio track has no sample rate", path);
    if (d->codec->ch_layout.nb_channels <= 0)
        av_channel_layout_default(&d->codec->ch_layout, 1);
    else if (d->codec->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC)
        av_channel_layout_default(&d->codec->ch_layout, d->codec->ch_layout.nb_channels);
    AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
    rc = swr_alloc_set_opts2(&d->swr, &mono, AV_SAMPLE_FMT_S16, COSM_RATE, &d->codec->ch_layout,
                             d->codec->sample_fmt, d->codec->sample_rate, 0, NULL);
    if (rc < 0 || swr_init(d->swr) < 0)
        return cosm_fail(err, COSM_ERR_DECODE, "cannot decode '%s': unsupported sample layout",
                         path);
    d->pkt = av_packet_alloc();
    d->frame = av_frame_alloc();
    if (!d->pkt || !d->frame)
        return cosm_fail(err, COSM_ERR_INTERNAL, "out of memory");
    return COSM_OK;
}

/* Receives every frame the decoder has ready. Returns 0, 1 (limit passed) or -1 (OOM). */
static int drain(dec_ctx_t *d, pcm_out_t *o, size_t *bad)
{
    for (;;) {
        int rc = avcodec_receive_frame(d->codec, d->frame);
        if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF)
            return 0;
        if (rc < 0) {
            (*bad)++;
            return 0;
        }
        int c = convert(d, d->frame, o);
        av_frame_unref(d->frame);
        if (c != 0)
            return c;
    }
}

int cosm_decode_file(const char *path, const cosm_limits_t *lim, int16_t **pcm, size_t *n,
                     cosm_error_t *err)
{
    *pcm = NULL;
    *n = 0;
    struct stat st;
    if (stat(path, &st) != 0)
        return cosm_fail(err, COSM_ERR_NO_FILE, "cannot open '%s': %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return cosm_fail(err, COSM_ERR_DECODE, "cannot decode '%s': not a regular file", path);
    if (st.st_size == 0)
        return cosm_fail(err, COSM_ERR_DECODE, "cannot decode '%s': the file is empty", path);
    if (lim->max_bytes > 0 && st.st_size > lim->max_bytes)
        return cosm_fail(err, COSM_ERR_TOO_LARGE, "'%s' is %lld bytes; the limit is %lld bytes",
                         path, (long long)st.st_size, (long long)lim->max_bytes);

    dec_ctx_t d = {0};
    int rc = open_input(&d, path, err);
    if (rc != COSM_OK) {
        dec_close(&d);
        return rc;
    }
    int64_t max_ms = lim->max_duration_ms > 0 ? lim->max_duration_ms : INT64_MAX / COSM_RATE;
    int64_t declared = d.fmt->duration;
    if (declared != AV_NOPTS_VALUE && declared / 1000 > max_ms) {
        dec_close(&d);
        return cosm_fail(err, COSM_ERR_UNSUITABLE, "'%s' lasts %lld s; the limit is %lld s", path,
                         (long long)(declared / AV_TIME_BASE), (long long)(max_ms / 1000));
    }
    pcm_out_t o = {.max = (size_t)(max_ms * (COSM_RATE / 1000))};
    size_t bad = 0, packets = 0;
    int status = 0;
    while (status == 0) {
        rc = av_read_frame(d.fmt, d.pkt);
        if (rc < 0)
            break; /* end of file, or a truncated/corrupt tail: keep what was decoded */
        if (d.pkt->stream_index == d.stream) {
            packets++;
            if (avcodec_send_packet(d.codec, d.pkt) < 0)
                bad++;
            status = drain(&d, &o, &bad);
        }
        av_packet_unref(d.pkt);
    }
    if (status == 0) {
        avcodec_send_packet(d.codec, NULL);
        status = drain(&d, &o, &bad);
    }
    if (status == 0)
        status = convert(&d, NULL, &o);
    dec_close(&d);
    if (status < 0) {
        free(o.p);
        return cosm_fail(err, COSM_ERR_INTERNAL, "out of memory while decoding '%s'", path);
    }
    if (status > 0) {
        free(o.p);
        return cosm_fail(err, COSM_ERR_UNSUITABLE, "'%s' lasts longer than the limit of %lld s",
                         path, (long long)(max_ms / 1000));
    }
    if (o.n == 0) {
        free(o.p);
        return cosm_fail(
            err, COSM_ERR_DECODE,
            "cannot decode '%s': no audio could be decoded (%zu packets, %zu rejected)", path,
            packets, bad);
    }
    *pcm = o.p;
    *n = o.n;
    return COSM_OK;
}
